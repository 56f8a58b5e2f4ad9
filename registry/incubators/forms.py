"""Incubator, cohort and incubatee forms. The field rules live in `service`, shared with the API; these carry CSRF, labels and hints."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .wording import COHORT_LABELS, FIELD_LABELS, HOST_LABELS, INCUBATEE_LABELS, OUTCOME_LABELS

DATE_HINT = _l("YYYY-MM-DD.")


def _text(label, description=None, area: bool = False):
    return (TextAreaField if area else StringField)(label, description=description, validators=[Optional()])


class IncubatorForm(FlaskForm):
    name_vi = _text(FIELD_LABELS["name_vi"], _l("Such as “Vườn ươm doanh nghiệp công nghệ môi trường Dung Quất”."))
    name_en = _text(FIELD_LABELS["name_en"])
    province_code = SelectField(FIELD_LABELS["province_code"], validate_choice=False)
    host_kind = SelectField(FIELD_LABELS["host_kind"], choices=[SelectChoice("", "—")] + [SelectChoice(k.value, v) for k, v in HOST_LABELS.items()],
                            validate_choice=False)
    host_name = _text(FIELD_LABELS["host_name"], _l("The university, zone or organization that runs the incubator."))
    host_zone_id = SelectField(FIELD_LABELS["host_zone_id"], description=_l("For an incubator in a zone of the registry: its board may then keep it."),
                               validate_choice=False)
    focus_groups = _text(FIELD_LABELS["focus_groups"], _l("Codes of Decision 980 groups, separated by semicolons, such as A; C."))
    services = _text(FIELD_LABELS["services"], _l("Such as office space, mentoring, testing laboratory, access to investors."), area=True)
    capacity = _text(FIELD_LABELS["capacity"])
    address = _text(FIELD_LABELS["address"])
    email = _text(FIELD_LABELS["email"])
    phone = _text(FIELD_LABELS["phone"])
    website = _text(FIELD_LABELS["website"], _l("An address beginning with http:// or https://."))
    latitude = _text(FIELD_LABELS["latitude"], _l("Decimal degrees, such as 15.3912."))
    longitude = _text(FIELD_LABELS["longitude"], _l("Decimal degrees, such as 108.7950."))
    opened_on = _text(FIELD_LABELS["opened_on"], DATE_HINT)
    closed_on = _text(FIELD_LABELS["closed_on"], _l("YYYY-MM-DD; empty while it runs."))
    description = _text(FIELD_LABELS["description"], area=True)
    source_url = _text(FIELD_LABELS["source_url"], _l("Where the facts about this incubator were published."))


INCUBATOR_FIELDS = ("name_vi", "name_en", "province_code", "host_kind", "host_name", "host_zone_id", "focus_groups", "services",
                    "capacity", "address", "email", "phone", "website", "latitude", "longitude", "opened_on", "closed_on",
                    "description", "source_url")


class CohortForm(FlaskForm):
    name = _text(COHORT_LABELS["name"], _l("Such as “Khóa 2025”."))
    starts_on = _text(COHORT_LABELS["starts_on"], DATE_HINT)
    ends_on = _text(COHORT_LABELS["ends_on"], _l("YYYY-MM-DD; empty while it runs."))


class IncubateeForm(FlaskForm):
    cohort_id = SelectField(INCUBATEE_LABELS["cohort_id"], validate_choice=False)
    tax_code = _text(INCUBATEE_LABELS["tax_code"], _l("10 or 13 digits, such as 4300123456."))
    create_pending = BooleanField(INCUBATEE_LABELS["create_pending"])
    name_vi = _text(INCUBATEE_LABELS["name_vi"], _l("Only for a start-up recorded as a pending enterprise."))
    started_on = _text(INCUBATEE_LABELS["started_on"], _l("YYYY-MM-DD; empty: the cohort's start."))
    ended_on = _text(INCUBATEE_LABELS["ended_on"], _l("YYYY-MM-DD; for a graduate or one that left."))
    outcome = SelectField(INCUBATEE_LABELS["outcome"], choices=[SelectChoice(k.value, v) for k, v in OUTCOME_LABELS.items()],
                          default="active", validate_choice=False)
    note = _text(INCUBATEE_LABELS["note"])


def values_of(form, names) -> dict:
    return {name: form[name].data for name in names}


def fill(form, record, names) -> None:
    for name in names:
        value = getattr(record, name)
        if name == "focus_groups":
            value = "; ".join(value or [])
        form[name].data = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value) if not isinstance(value, str) else value
