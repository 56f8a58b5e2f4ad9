"""Event forms: an event's fields, registering a participant, an offer or need, a meeting request, and the organizers' decisions.

Field rules live in `service.py`, shared with the API; these forms carry CSRF, labels and hints.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .wording import DIRECTION_LABELS, FIELD_LABELS, KIND_LABELS, PRIORITY_LABELS, ROLE_LABELS, STATUS_LABELS


def _text(name: str, description=None, area: bool = False):
    return (TextAreaField if area else StringField)(FIELD_LABELS[name], description=description, validators=[Optional()])


class EventForm(FlaskForm):
    name_vi = _text("name_vi", _l("Such as “Hội chợ Công nghệ và Thiết bị Môi trường Quảng Ngãi 2026”."))
    name_en = _text("name_en")
    kind = SelectField(FIELD_LABELS["kind"], choices=[SelectChoice("", "—")] + [SelectChoice(k.value, v) for k, v in KIND_LABELS.items()],
                       validate_choice=False)
    starts_on = _text("starts_on", _l("YYYY-MM-DD."))
    ends_on = _text("ends_on", _l("YYYY-MM-DD; the same day for a one-day event."))
    venue = _text("venue", _l("The hall or centre and its address."))
    latitude = _text("latitude", _l("The venue's map point, in decimal degrees, such as 15.12; optional."))
    longitude = _text("longitude", _l("Such as 108.80."))
    province_code = SelectField(FIELD_LABELS["province_code"], validate_choice=False)
    organization_id = SelectField(FIELD_LABELS["organization_id"], validate_choice=False)
    status = SelectField(FIELD_LABELS["status"], choices=[SelectChoice(k.value, v) for k, v in STATUS_LABELS.items()], default="draft",
                         validate_choice=False)
    participant_limit = _text("participant_limit", _l("Approvals past it go on the waiting list; empty: no limit."))
    auto_accept = BooleanField(FIELD_LABELS["auto_accept"])
    request_hours = _text("request_hours", _l("An unanswered request expires after this many hours; 72 when left empty."))
    max_open_requests = _text("max_open_requests", _l("20 when left empty."))
    description = _text("description", area=True)


EVENT_FIELDS = ("name_vi", "name_en", "kind", "starts_on", "ends_on", "venue", "latitude", "longitude", "province_code", "organization_id",
                "status", "participant_limit", "auto_accept", "request_hours", "max_open_requests", "description")


def event_values(form: EventForm) -> dict:
    return {name: form[name].data for name in EVENT_FIELDS}


def fill_event_form(form: EventForm, event) -> None:
    for name in EVENT_FIELDS:
        value = getattr(event, name)
        if name in ("auto_accept",):
            form[name].data = bool(value)
        elif hasattr(value, "value"):
            form[name].data = value.value
        else:
            form[name].data = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


class RegisterForm(FlaskForm):
    role = SelectField(_l("Taking part as"), choices=[SelectChoice("", "—")] + [SelectChoice(k.value, v) for k, v in ROLE_LABELS.items()],
                       validate_choice=False)
    tax_code = StringField(_l("Tax code of the enterprise"), description=_l("An investor without an enterprise in Vietnam leaves it empty."),
                           validators=[Optional()])
    enterprise_name = StringField(_l("Vietnamese name of the enterprise"),
                                  description=_l("Only for an enterprise the registry does not hold yet: it is then recorded, pending review."),
                                  validators=[Optional()])
    enterprise_province = SelectField(_l("Province of the enterprise"), validate_choice=False)
    name = StringField(_l("Investor's name"), description=_l("For an investor: the name of the person or fund taking part."),
                       validators=[Optional()])


class InterestForm(FlaskForm):
    direction = SelectField(_l("Offer or need"), choices=[SelectChoice(k.value, v) for k, v in DIRECTION_LABELS.items()],
                            validate_choice=False)
    node = StringField(_l("Decision 980 catalog item"), description=_l("Its code, such as A.01; search the catalog for it."),
                       validators=[Optional()])
    text = StringField(_l("In words"), description=_l("What exactly, in a line."), validators=[Optional()])


class RequestForm(FlaskForm):
    counterpart_id = StringField(validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=[SelectChoice(k.value, v) for k, v in PRIORITY_LABELS.items()], default="would_like",
                           validate_choice=False)
    message = StringField(_l("A line for them"), validators=[Optional()])


class BoothForm(FlaskForm):
    booth = StringField(_l("Booth"), validators=[Optional()])


class ActionForm(FlaskForm):
    """A button's form: its CSRF token only."""
