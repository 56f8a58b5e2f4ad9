"""The form an official uses to say where an old catalog item went."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField


class MappingForm(FlaskForm):
    successor = SelectField(
        _l("Successor in the new version"),
        description=_l("Choose “no successor” when the item was dropped."),
        validate_choice=False,
    )
