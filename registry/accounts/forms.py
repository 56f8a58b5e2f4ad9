"""Sign-in, password, token and administration forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .models import OrgKind, Role, TokenScope
from .service import MIN_PASSWORD_LENGTH

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PROVINCE_OFFICER: _l("Province officer"),
    Role.ZONE_EDITOR: _l("Zone editor"),
    Role.ENTERPRISE_REP: _l("Enterprise representative"),
    Role.EVENT_ORGANIZER: _l("Event organizer"),
    Role.INVESTOR: _l("Investor"),
}
ORG_KIND_LABELS = {
    OrgKind.MINISTRY: _l("Ministry"),
    OrgKind.DEPARTMENT: _l("Provincial department"),
    OrgKind.ZONE_BOARD: _l("Zone management board"),
    OrgKind.ENTERPRISE: _l("Enterprise"),
    OrgKind.INCUBATOR_HOST: _l("Incubator host"),
    OrgKind.UNIVERSITY: _l("University"),
    OrgKind.ASSOCIATION: _l("Association"),
}


def _new_password(label):
    """A field for choosing a password, with the registry's minimum length."""
    return PasswordField(
        label,
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(_l("Enter a new password.")), Length(min=MIN_PASSWORD_LENGTH, message=_l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH))],
    )


def _repeat(label=_l("Repeat the password"), missing=_l("Repeat the password.")):
    """A field repeating the `password` field beside it."""
    return PasswordField(label, validators=[DataRequired(missing), EqualTo("password", _l("The two passwords differ."))])


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    password = _new_password(_l("New password"))
    confirm = _repeat(_l("Repeat the new password"), _l("Repeat the new password."))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        description=_l("What the token is for, such as “provincial data sync”."),
        validators=[DataRequired(_l("Name the token.")), Length(max=100)],
    )
    scope = SelectField(
        _l("Scope"),
        choices=[SelectChoice(TokenScope.WRITE.value, _l("Read and write")), SelectChoice(TokenScope.READ.value, _l("Read only"))],
        default=TokenScope.WRITE.value,
    )


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organization's name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label) for k, label in ORG_KIND_LABELS.items()])
    province = SelectField(
        _l("Province"),
        description=_l("Required for provincial departments and zone boards."),
        validators=[Optional()],
        validate_choice=False,
    )


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter an e-mail address."))])
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    password = PasswordField(
        _l("Initial password"),
        description=_l("At least %(n)d characters; ask the user to change it.", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(_l("Enter a password."))],
    )
    organization = SelectField(_l("Organization"), validate_choice=False)
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        description=_l("We send a link to this address; open it to confirm the account is yours."),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
    )
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    password = _new_password(_l("Password"))
    confirm = _repeat()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        description=_l("The address you sign in with."),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
    )


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = _repeat()
