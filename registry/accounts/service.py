"""Create and authenticate users, organizations, memberships and API tokens."""
from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import timedelta

from cachetools import TTLCache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, update
from werkzeug.security import check_password_hash, generate_password_hash

from registry.audit.models import utcnow
from registry.database import write_aside
from registry.domain_errors import Invalid
from registry.transactions import request_writes
from registry.extensions import db
from registry.places.service import UnknownPlace, get_province

from .models import ApiToken, LoginAttempt, Membership, Organization, OrgKind, Role, User
from .permissions import require

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "cnmt_"
# A hash to compare against when the e-mail is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
# A token's last use is kept to the minute: closer would make every API call a write.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
# Tokens whose use this process noted within the last minute (by digest), so a burst of calls writes once.
_tokens_noted: TTLCache = TTLCache(maxsize=10_000, ttl=TOKEN_USE_RESOLUTION.total_seconds())
_tokens_noted_lock = threading.Lock()


class AccountError(Invalid):
    """Bad input for an account operation, naming the field it concerns."""

    def __init__(self, field: str, message):
        super().__init__(message, {field: [message]})
        self.field = field


class SignInThrottled(Exception):
    """Too many failed sign-ins for this address or e-mail; try again after `minutes`."""

    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


def normalize_email(email: str) -> str:
    """Return the e-mail address in canonical form, or raise AccountError."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError("email", _l("Enter an e-mail address such as name@example.vn.")) from None


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("password", _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH))


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def find_organization(name: str) -> Organization | None:
    """Find an organization by name, ignoring case (Vietnamese capitals too, which SQLite's lower() leaves alone)."""
    wanted = name.strip()
    exact = db.session.scalar(db.select(Organization).where(Organization.name == wanted))
    if exact is not None:
        return exact
    folded = wanted.casefold()
    return next((o for o in db.session.scalars(db.select(Organization)) if o.name.casefold() == folded), None)


def create_organization(
    actor: User | None, name: str, kind: str, province_code: str | None = None, *, is_demo: bool = False
) -> Organization:
    """Register an organization; provincial bodies must name their province."""
    if actor is not None:
        require(actor, "accounts.manage")
    name = (name or "").strip()
    if not name:
        raise AccountError("name", _l("Enter the organization's name."))
    if find_organization(name):
        raise AccountError("name", _l("An organization named “%(name)s” already exists.", name=name))
    try:
        kind_value = OrgKind(kind)
    except ValueError:
        raise AccountError("kind", _l("Choose the kind of organization.")) from None
    province = None
    if province_code:
        try:
            province = get_province(province_code)
        except UnknownPlace as error:
            raise AccountError("province", str(error)) from None
    elif kind_value in {OrgKind.DEPARTMENT, OrgKind.ZONE_BOARD}:
        raise AccountError("province", _l("A department or zone board belongs to a province: choose it."))
    organization = Organization(name=name, kind=kind_value, province=province, is_demo=is_demo)
    db.session.add(organization)
    db.session.flush()
    return organization


def create_user(
    actor: User | None,
    email: str,
    password: str,
    *,
    full_name: str = "",
    role: str | None = None,
    organization: Organization | None = None,
    is_demo: bool = False,
) -> User:
    """Create an account, optionally with a role in an organization. `actor` None means the CLI."""
    if actor is not None:
        require(actor, "accounts.manage")
    email = normalize_email(email)
    if find_user(email):
        raise AccountError("email", _l("An account with this e-mail address already exists."))
    _check_password(password)
    user = User(email=email, full_name=(full_name or "").strip(), password_hash=generate_password_hash(password), is_demo=is_demo)
    db.session.add(user)
    if role:
        add_membership(actor, user, organization, role)
    db.session.flush()
    return user


def add_membership(actor: User | None, user: User, organization: Organization | None, role: str) -> Membership:
    """Give `user` a role in `organization`; every role but investor and admin needs one."""
    if actor is not None:
        require(actor, "accounts.manage")
    try:
        role_value = Role(role)
    except ValueError:
        raise AccountError("role", _l("Choose one of the roles: %(roles)s.", roles=", ".join(r.value for r in Role))) from None
    if organization is None:
        raise AccountError("organization", _l("Choose the organization this role is held in."))
    membership = Membership(user=user, organization=organization, role=role_value)
    db.session.add(membership)
    db.session.flush()
    return membership


def set_password(actor: User | None, user: User, password: str) -> None:
    """Replace a password and end every other session of that user."""
    if actor is not None and actor.id != user.id:
        require(actor, "accounts.manage")
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    user.session_version += 1
    db.session.flush()


def end_other_sessions(user: User) -> None:
    """Invalidate every signed session cookie of `user`, this one included."""
    user.session_version += 1
    db.session.flush()


def load_user(login_id: str) -> User | None:
    """Return the user named by a session's login id, if that session is still valid."""
    user_id, _, version = login_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def authenticate(email: str, password: str, remote_addr: str) -> User | None:
    """Return the user when the password matches; record failures and throttle repeated ones."""
    config = current_app.config
    email = (email or "").strip().lower()
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    since = utcnow() - window
    by_email = db.session.scalar(
        db.select(func.count()).select_from(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.at >= since)
    )
    by_addr = db.session.scalar(
        db.select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.remote_addr == remote_addr, LoginAttempt.at >= since)
    )
    if by_email >= config["LOGIN_MAX_FAILURES"] or by_addr >= 4 * config["LOGIN_MAX_FAILURES"]:
        raise SignInThrottled(config["LOGIN_FAILURE_WINDOW_MINUTES"])
    user = find_user(email) if email else None
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "") or not (user and user.active):
        db.session.add(LoginAttempt(email=email[:254], remote_addr=remote_addr[:64]))
        db.session.flush()
        return None
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = "") -> str:
    """Create an API token for `user` and return it; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name[:100], digest=_digest(token), prefix=token[:12]))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """Return the active user owning a live bearer token, and note its use (to the minute, beside the request)."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(db.select(ApiToken).where(ApiToken.digest == _digest(token)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    _note_use(record)
    return record.user


def _note_use(record: ApiToken) -> None:
    """Record a token's use at most once a minute: with a write's changes, or beside a read (skipped when the database is busy)."""
    now = utcnow()
    if record.last_used_at is not None and now - record.last_used_at < TOKEN_USE_RESOLUTION:
        return
    if request_writes():
        record.last_used_at = now
        return
    with _tokens_noted_lock:
        if record.digest in _tokens_noted:
            return
        _tokens_noted[record.digest] = True
    write_aside(
        update(ApiToken)
        .where(ApiToken.id == record.id, or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOKEN_USE_RESOLUTION))
        .values(last_used_at=now)
    )


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of `user`'s own tokens."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        raise AccountError("token", _l("No such token."))
    record.revoked_at = utcnow()
    db.session.flush()


def list_users() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.email)))


def list_organizations() -> list[Organization]:
    return list(db.session.scalars(db.select(Organization).order_by(Organization.name)))
