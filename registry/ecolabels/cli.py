"""`flask --app registry ecolabels sweep`: the daily move of certificates between statuses, with its notices. Safe to repeat."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from registry.audit.service import acting_as
from registry.extensions import db

from .sweep import sweep

ecolabels_cli = AppGroup("ecolabels", help="The eco-label register: the daily sweep of statuses and notices.")


@ecolabels_cli.command("sweep")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Sweep as of this day (YYYY-MM-DD) instead of today.")
def sweep_command(today):
    """Move certificates to their status of the day and notify holders and officers once; safe to run repeatedly and from cron."""
    day = today.date() if today else date.today()
    with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]), acting_as("ecolabels sweep"):
        report = sweep(day)
        db.session.commit()
    moved = ", ".join(f"{status}: {n}" for status, n in sorted(report.moved.items())) or _("none")
    click.echo(_("Swept the eco-label register as of %(day)s: certificates moved (%(moved)s), %(notices)d new notices.",
                 day=day.isoformat(), moved=moved, notices=report.notices))
