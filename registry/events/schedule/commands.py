"""`flask --app registry schedule build EVENT_ID`: solve a large event's schedule without a page's time limit."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from registry.audit.service import acting_as
from registry.extensions import db

from .. import service as events
from . import service

schedule_cli = AppGroup("schedule", help="Event schedules: build a large event's draft with a longer time limit.")


@schedule_cli.command("build")
@click.argument("event_id", type=int)
@click.option("--time-limit", type=click.FloatRange(0.5, 3600), default=60.0, show_default=True, help="Seconds the solver may search.")
@click.option("--work-limit", type=click.FloatRange(0.1), help="CP-SAT deterministic time: the same schedule on any machine.")
@click.option("--publish", is_flag=True, help="Publish the draft once it is built.")
def build_command(event_id: int, time_limit: float, work_limit: float | None, publish: bool):
    """Build EVENT_ID's draft schedule (as the page's button does) and say what it placed; optionally publish it."""
    event = events.get_event(event_id)
    if event is None:
        click.echo(_("There is no event with id %(id)s.", id=event_id), err=True)
        sys.exit(1)
    with acting_as("schedule build"):
        try:
            result = service.build(None, event, time_limit=time_limit, work_limit=work_limit)
        except events.EventError as error:
            for message in error.messages():
                click.echo(message, err=True)
            sys.exit(1)
        published = service.publish(None, event) if publish else None
        db.session.commit()
    click.echo(_("Placed %(placed)d meetings (%(status)s), %(left)d not placed, %(moved)d published meetings moved.", placed=len(result.meetings),
                 status=result.status, left=len(result.unplaced), moved=len(result.moved)))
    if published is not None:
        click.echo(_("The schedule is published: %(n)d meetings.", n=published))
