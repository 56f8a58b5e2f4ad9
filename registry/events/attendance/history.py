"""How the history pages read meeting outcomes: within reach of those who organize the event."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry.audit.records import RecordKind, describe

from ..history import _organizes
from ..models import Event
from .models import MeetingOutcome
from .wording import OUTCOME_FIELDS, RESULT_LABELS

describe(RecordKind(
    table="meeting_outcome", model=MeetingOutcome, label=_l("Meeting outcome"),
    name=lambda values: str(RESULT_LABELS.get(values.get("result"), values.get("result") or "")),
    labels=OUTCOME_FIELDS,
    choices={"result": RESULT_LABELS},
    editable=lambda user: MeetingOutcome.event_id.in_(select(Event.id).where(_organizes(user))),
    page=lambda _outcome_id: url_for("attendance.report"),
))
