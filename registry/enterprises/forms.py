"""Enterprise profile, registration, claim and review forms.

Field rules live in `service.clean_profile`, shared with the API and imports; these forms carry
CSRF, labels and hints, and show the service's messages beside their fields.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from registry.accounts.service import MIN_PASSWORD_LENGTH

from .models import Relation, SizeClass, Status

SIZE_LABELS = {
    SizeClass.MICRO: _l("Micro (up to 10 staff)"),
    SizeClass.SMALL: _l("Small (up to 100 staff)"),
    SizeClass.MEDIUM: _l("Medium (up to 200 staff)"),
    SizeClass.LARGE: _l("Large"),
}
RELATION_LABELS = {
    Relation.MANUFACTURES: _l("Manufactures"),
    Relation.SUPPLIES: _l("Supplies"),
    Relation.SERVICES: _l("Services"),
    Relation.USES: _l("Uses"),
}

STATUS_LABELS = {
    Status.PENDING: _l("Waiting for review"),
    Status.PUBLISHED: _l("Published"),
    Status.SUSPENDED: _l("Suspended"),
    Status.REJECTED: _l("Rejected"),
    Status.MERGED: _l("Merged into another record"),
}
FIELD_LABELS = {
    "tax_code": _l("Tax code"), "name_vi": _l("Name in Vietnamese"), "name_en": _l("Name in English"),
    "short_name": _l("Short name"), "province_code": _l("Province or city"), "commune_code": _l("Commune"),
    "address": _l("Street address"), "latitude": _l("Latitude"), "longitude": _l("Longitude"), "size_class": _l("Size"),
    "founded_year": _l("Year founded"), "staff": _l("Staff"), "website": _l("Website"), "email": _l("Contact e-mail"),
    "phone": _l("Phone"), "contact_name": _l("Contact person"), "description": _l("What the enterprise does"),
    "national_brand": _l("National Brand"), "items": _l("Decision 980 items"), "certificates": _l("Certificates"),
}


class CertificateForm(Form):
    name = StringField(_l("Certificate"), description=_l("For example ISO 14001:2015."), validators=[Optional(), Length(max=200)])
    number = StringField(_l("Number"), validators=[Optional(), Length(max=100)])
    issuer = StringField(_l("Issued by"), validators=[Optional(), Length(max=200)])
    issued_on = DateField(_l("Issued on"), validators=[Optional()])
    expires_on = DateField(_l("Valid until"), validators=[Optional()])


class ProfileForm(FlaskForm):
    tax_code = StringField(
        _l("Tax code (mã số thuế)"),
        description=_l("10 digits, or 13 for a branch written as 0123456789-001."),
        validators=[DataRequired(_l("Enter the tax code (mã số thuế)."))],
    )
    name_vi = StringField(_l("Name in Vietnamese"), description=_l("As on the enterprise registration certificate."),
                          validators=[DataRequired(_l("Enter the enterprise's name."))])
    name_en = StringField(_l("Name in English"), validators=[Optional()])
    short_name = StringField(_l("Short name"), description=_l("The trading or abbreviated name, if any."), validators=[Optional()])
    province_code = SelectField(_l("Province or city"), validate_choice=False)
    commune = StringField(_l("Commune, ward or special zone"), description=_l("Its name or 5-digit code, in the province above."), render_kw={"list": "commune-names"},
                          validators=[Optional()])
    address = StringField(_l("Street address"), validators=[Optional()])
    latitude = StringField(_l("Latitude"), description=_l("Decimal degrees, such as 15.4012."), validators=[Optional()])
    longitude = StringField(_l("Longitude"), description=_l("Decimal degrees, such as 108.8035."), validators=[Optional()])
    size_class = SelectField(_l("Size"), choices=[SelectChoice("", "—"), *[SelectChoice(k.value, v) for k, v in SIZE_LABELS.items()]], validate_choice=False)
    founded_year = StringField(_l("Year founded"), validators=[Optional()])
    staff = StringField(_l("Staff"), description=_l("Number of employees."), validators=[Optional()])
    website = StringField(_l("Website"), validators=[Optional()])
    email = StringField(_l("Contact e-mail"), validators=[Optional()])
    phone = StringField(_l("Phone"), validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional()])
    description = TextAreaField(_l("What the enterprise does"), validators=[Optional()])
    national_brand = BooleanField(_l("Member of the National Brand programme (Thương hiệu quốc gia)"))
    certificates = FieldList(FormField(CertificateForm), min_entries=2, max_entries=10)
    version = HiddenField()


class RegistrationForm(ProfileForm):
    account_email = EmailField(_l("Your e-mail address"), description=_l("You sign in with it."),
                               validators=[DataRequired(_l("Enter your e-mail address."))])
    account_name = StringField(_l("Your full name"), validators=[DataRequired(_l("Enter your name."))])
    password = PasswordField(
        _l("Choose a password"),
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(_l("Choose a password."))],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), description=_l("The representative sees this text."), validators=[Optional(), Length(max=2000)])


class ClaimForm(FlaskForm):
    tax_code = StringField(_l("Tax code of the enterprise"), validators=[DataRequired(_l("Enter the tax code (mã số thuế)."))])
    message = TextAreaField(
        _l("How you are connected to the enterprise"),
        description=_l("Your position, and how the officer can check it (for example a phone number at the enterprise)."),
        validators=[Optional(), Length(max=2000)],
    )


class MergeForm(FlaskForm):
    keep = SelectField(_l("Record to keep"), validate_choice=False)
