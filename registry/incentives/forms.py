"""Policy forms: a policy's fields, ending a policy, and the upload of a commune difficulty list.

Field rules live in `service.clean_policy`, shared with the API; these forms carry CSRF, labels and hints.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .service import BENEFIT_FLAGS, BENEFIT_NUMBERS
from .wording import AREA_LABELS, BENEFIT_LABELS, CONFIDENCE_LABELS, FIELD_LABELS, INSTRUMENT_LABELS, SECTOR_LABELS, STATUS_LABELS


def _text(name: str, description=None, area: bool = False):
    kind = TextAreaField if area else StringField
    return kind(FIELD_LABELS[name], description=description, validators=[Optional()])


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PolicyForm(FlaskForm):
    title_vi = _text("title_vi", _l("Such as “Miễn tiền thuê đất cho dự án tái chế trong cụm công nghiệp”."))
    title_en = _text("title_en")
    province_code = SelectField(FIELD_LABELS["province_code"], validate_choice=False)
    instrument = SelectField(FIELD_LABELS["instrument"], choices=[SelectChoice("", "—")] + [SelectChoice(k.value, v) for k, v in INSTRUMENT_LABELS.items()],
                             validate_choice=False)
    sector_class = SelectField(FIELD_LABELS["sector_class"], choices=[SelectChoice(k.value, v) for k, v in SECTOR_LABELS.items()],
                               default="any", validate_choice=False)
    area_classes = Checkboxes(FIELD_LABELS["area_classes"], choices=[SelectChoice(k.value, v) for k, v in AREA_LABELS.items()],
                              description=_l("None ticked: any area."), validate_choice=False)
    min_capital_vnd = _text("min_capital_vnd", _l("Whole đồng; spaces or dots may group the digits."))
    min_jobs = _text("min_jobs")
    new_project_only = BooleanField(FIELD_LABELS["new_project_only"])
    legal_basis = _text("legal_basis", _l("The number of the law, decree or decision, such as Nghị định 103/2024/NĐ-CP."))
    article = _text("article", _l("Such as Điều 39 khoản 3."))
    effective_from = _text("effective_from", _l("YYYY-MM-DD; left empty when the date is not known."))
    effective_to = _text("effective_to", _l("YYYY-MM-DD, the last day in force; left empty while it is in force."))
    level = _text("level", _l("Of the rules of one instrument that a project meets, the one of the highest level applies."))
    confidence = SelectField(FIELD_LABELS["confidence"], choices=[SelectChoice(k.value, v) for k, v in CONFIDENCE_LABELS.items()],
                             default="M", validate_choice=False)
    source = _text("source")
    note_vi = _text("note_vi", area=True)
    note_en = _text("note_en", area=True)
    status = SelectField(FIELD_LABELS["status"], choices=[SelectChoice(k.value, v) for k, v in STATUS_LABELS.items()],
                         default="published", validate_choice=False)


for _name in BENEFIT_NUMBERS:
    setattr(PolicyForm, f"benefit_{_name}", StringField(BENEFIT_LABELS[_name], validators=[Optional()]))
for _name in BENEFIT_FLAGS:
    setattr(PolicyForm, f"benefit_{_name}", BooleanField(BENEFIT_LABELS[_name]))
POLICY_FIELDS = ("title_vi", "title_en", "province_code", "instrument", "sector_class", "area_classes", "min_capital_vnd", "min_jobs",
                 "new_project_only", "legal_basis", "article", "effective_from", "effective_to", "level", "confidence", "source",
                 "note_vi", "note_en", "status")
BENEFIT_FIELDS = tuple(f"benefit_{name}" for name in (*BENEFIT_NUMBERS, *BENEFIT_FLAGS))


def form_values(form: PolicyForm) -> dict:
    """The form's answers as the service reads them, the benefit's parameters gathered into one object."""
    values = {name: form[name].data for name in POLICY_FIELDS}
    values["benefit"] = {name: form[f"benefit_{name}"].data for name in BENEFIT_NUMBERS if (form[f"benefit_{name}"].data or "").strip()}
    values["benefit"].update({name: True for name in BENEFIT_FLAGS if form[f"benefit_{name}"].data})
    return values


def fill_form(form: PolicyForm, policy) -> None:
    """Show a stored policy in the form."""
    for name in POLICY_FIELDS:
        value = getattr(policy, name)
        form[name].data = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value
    for name in BENEFIT_NUMBERS:
        value = (policy.benefit or {}).get(name)
        form[f"benefit_{name}"].data = "" if value is None else str(value)
    for name in BENEFIT_FLAGS:
        form[f"benefit_{name}"].data = bool((policy.benefit or {}).get(name))


class EndForm(FlaskForm):
    last_day = StringField(_l("Last day in force"), description=_l("YYYY-MM-DD."), validators=[Optional()])


class CommuneUploadForm(FlaskForm):
    file = FileField(_l("List of communes (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])
