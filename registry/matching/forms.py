"""The proposal form, asked one step at a time, and the board's lead form.

One form holds every field; each step shows its own (`STEPS`) and is checked by the same rules
as the API (`cleaning.clean` on the step's fields), so a page and the API say the same thing.
It needs no JavaScript: every step is a plain form post, the answers so far kept in the session.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from registry.places.service import REGION_NAMES
from registry.zones.forms import KIND_LABELS

from .cleaning import ACTIVITY_LABELS
from .models import LeadStatus


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """The service checks the codes (and names the unknown ones)."""


# (step, title, fields); the contact step is asked of anonymous investors only.
STEPS = (
    ("contact", _l("How can the zone boards reach you?"), ("email", "consent")),
    ("name", _l("What is the project called?"), ("name",)),
    ("activity", _l("What will the project do?"), ("activity",)),
    ("catalog", _l("Which Decision 980 items will it make or use?"), ("catalog_codes",)),
    ("land", _l("How much land does it need?"), ("land_min_ha", "land_max_ha")),
    ("capital", _l("How much capital will it invest?"), ("capital_amount", "capital_currency", "exchange_rate")),
    ("jobs", _l("How many jobs will it create?"), ("jobs", "new_project")),
    ("start", _l("When will it start?"), ("start_year",)),
    ("places", _l("Where would you invest?"), ("provinces", "regions", "strict_provinces")),
    ("infrastructure", _l("What infrastructure does it need?"), ("wastewater_m3_day", "port_within_km", "needs_power")),
    ("constraints", _l("Must the zone be of a particular kind?"), ("required_kinds",)),
    ("estimate", _l("What will the project earn?"), ("revenue_vnd_year", "margin_percent")),
    ("review", _l("Check your answers"), ()),
)
STEP_NAMES = tuple(step for step, _title, _fields in STEPS)
STEP_OF_FIELD = {name: step for step, _title, names in STEPS for name in names}
LIST_FIELDS = frozenset({"catalog_codes", "provinces", "regions", "required_kinds"})
CHECKBOXES = frozenset({"consent", "strict_provinces", "needs_power", "new_project"})


class ProposalForm(FlaskForm):
    email = StringField(_l("E-mail address"), description=_l("The boards you express interest to answer you here; nobody else sees it."))
    consent = BooleanField(_l("The zone boards I express interest to may contact me at this address."))
    name = StringField(_l("Project name"))
    activity = RadioField(_l("Activity"), choices=[SelectChoice(key.value, label) for key, label in ACTIVITY_LABELS.items()], validate_choice=False)
    catalog_codes = CheckboxesField(_l("Decision 980 catalog items"), choices=[])
    land_min_ha = StringField(_l("Smallest area (ha)"), description=_l("For example 12,5"))
    land_max_ha = StringField(_l("Largest area (ha)"), description=_l("Leave empty when the project needs exactly the smallest area."))
    capital_amount = StringField(_l("Capital"))
    capital_currency = RadioField(_l("Currency"), choices=[SelectChoice("VND", _l("VND (Vietnamese đồng)")), SelectChoice("USD", _l("USD (US dollar)"))], default="VND", validate_choice=False)
    exchange_rate = StringField(_l("Exchange rate (VND per USD)"), description=_l("Used to turn a capital in USD into VND; shown with the results."))
    jobs = StringField(_l("Jobs"))
    new_project = BooleanField(_l("A new project (not the expansion of an existing one)"), default=True)
    start_year = StringField(_l("Start year"))
    provinces = CheckboxesField(_l("Provinces"), choices=[])
    regions = CheckboxesField(_l("Regions"), choices=[SelectChoice(key, label) for key, label in REGION_NAMES.items()])
    strict_provinces = BooleanField(_l("Only these provinces and regions (otherwise they are preferred)"))
    wastewater_m3_day = StringField(_l("Central wastewater capacity needed (m³/day)"), description=_l("Leave empty when none is needed."))
    port_within_km = StringField(_l("A port within (km)"), description=_l("Leave empty when no port is needed."))
    needs_power = BooleanField(_l("The zone must supply power"))
    required_kinds = CheckboxesField(_l("The zone must be a"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()])
    revenue_vnd_year = StringField(_l("Expected yearly revenue (VND)"),
                                   description=_l("Used for the income-tax savings; leave empty to value land-rent savings only."))
    margin_percent = StringField(_l("Assumed profit margin (%)"), description=_l("Used for the income-tax savings; 10 % when left empty."))


class LeadForm(FlaskForm):
    status = SelectField(_l("Stage"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Note"))


LEAD_STATUS_LABELS = {
    LeadStatus.NEW: _l("New"), LeadStatus.CONTACTED: _l("Contacted"), LeadStatus.SITE_VISIT: _l("Site visit"),
    LeadStatus.MOU: _l("MoU signed"), LeadStatus.INVESTED: _l("Invested"), LeadStatus.DROPPED: _l("Dropped"),
}
