"""Forms of the check-in desk and of a meeting's outcome; the rules live in `service.py`, shared with the API."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .wording import RESULT_LABELS


class CheckInForm(FlaskForm):
    code = StringField(_l("Badge code"), description=_l("Scan the badge with the phone's camera, or type or paste the code printed under its QR code."),
                       validators=[Optional()])
    day = StringField(_l("Day"), description=_l("YYYY-MM-DD; today when left empty."), validators=[Optional()])


class OutcomeForm(FlaskForm):
    result = SelectField(_l("Outcome"), choices=[SelectChoice("", "—")] + [SelectChoice(k.value, v) for k, v in RESULT_LABELS.items()],
                         validate_choice=False)
    contract_value = StringField(_l("Contract value (đồng)"), description=_l("For an MoU or a contract; one in another currency converted at "
                                                                           "the rate of its signing day."), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
