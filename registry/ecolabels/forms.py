"""Eco-label forms: a certificate, a decision (suspend, reinstate, revoke), the upload of a list, and the verification.

Field rules live in `service`, shared with the API; these forms carry CSRF, labels and hints.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .wording import FIELD_LABELS, SCHEME_LABELS


def _text(name: str, description=None, area: bool = False):
    return (TextAreaField if area else StringField)(FIELD_LABELS[name], description=description, validators=[Optional()])


class CertificateForm(FlaskForm):
    scheme = SelectField(FIELD_LABELS["scheme"], choices=[SelectChoice(k.value, v) for k, v in SCHEME_LABELS.items()],
                         default="vn_ecolabel", validate_choice=False)
    number = _text("number", _l("As the certification decision writes it, such as 125/QĐ-BTNMT."))
    criteria_code = _text("criteria_code", _l("Such as NSTVN-01:2023; legacy criteria read NXVN 03:2014."))
    product_group = _text("product_group", _l("Such as environmentally friendly plastic packaging."))
    product_name = _text("product_name")
    product_model = _text("product_model")
    holder_tax_code = _text("holder_tax_code", _l("The holder must be in the registry; an unknown one can be registered here, pending review."))
    issuer = _text("issuer", _l("Empty: Bộ Nông nghiệp và Môi trường (formerly Bộ Tài nguyên và Môi trường)."))
    legal_basis = _text("legal_basis", _l("Empty: the scheme's own legal basis."))
    issued_on = _text("issued_on", _l("YYYY-MM-DD or DD/MM/YYYY."))
    valid_until = _text("valid_until", _l("Empty: 36 months after issue."))
    holder_name = StringField(_l("Holder's name (to register it)"), validators=[Optional()])
    holder_province = SelectField(_l("Holder's province (to register it)"), validate_choice=False)
    create_holder = BooleanField(_l("Register the holder as a new enterprise, pending review by its province"))


CERTIFICATE_FIELDS = ("scheme", "number", "criteria_code", "product_group", "product_name", "product_model", "holder_tax_code",
                      "issuer", "legal_basis", "issued_on", "valid_until")


class DecisionForm(FlaskForm):
    effective_on = StringField(FIELD_LABELS["effective_on"], description=_l("YYYY-MM-DD; empty: today."), validators=[Optional()])
    reason = TextAreaField(FIELD_LABELS["reason"], validators=[Optional()])
    document = StringField(FIELD_LABELS["document"], description=_l("The number of the decision, such as 88/QĐ-BNNMT."),
                           validators=[Optional()])


class UploadForm(FlaskForm):
    file = FileField(_l("List of certificates (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])
