"""Create and authenticate users, organizations, memberships and API tokens."""
from __future__ import annotations

import hashlib
import math
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
from registry.domain_errors import Invalid
from registry.transactions import request_writes, write_aside
from registry.extensions import db
from registry.places.service import UnknownPlace, get_province

from . import mail
from .models import ApiToken, LoginAttempt, Membership, Organization, OrgKind, Role, TokenScope, User, UserSession
from .permissions import MANAGE_ACCOUNTS, require

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "cnmt_"
MAX_TOKEN_DAYS = 3660
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
    """Too many failed sign-ins for this account; try again after `seconds`."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


class TokenScopeTooNarrow(Exception):
    """A live token was sent for something its scope does not allow."""

    def __init__(self, scope: TokenScope):
        super().__init__(scope.value)
        self.scope = scope


class DemoAccountRefused(Exception):
    """A demo account tried to sign in on a production site."""


def may_sign_in(user: User) -> bool:
    """Tell whether an account may act here: active, and not a demo account on a production site."""
    return user.active and not (user.is_demo and current_app.config["ENV"] == "production")


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
        require(actor, MANAGE_ACCOUNTS)
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
    confirmed: bool = True,
) -> User:
    """Create an account, optionally with a role in an organization. `actor` None means the CLI.

    An account made by an administrator, the CLI or the demo data counts as confirmed: whoever
    made it vouches for the address. Only a visitor's own account (`open_account`) waits for its
    owner to confirm it.
    """
    if actor is not None:
        require(actor, MANAGE_ACCOUNTS)
    email = normalize_email(email)
    if find_user(email):
        raise AccountError("email", _l("An account with this e-mail address already exists."))
    _check_password(password)
    user = User(email=email, full_name=(full_name or "").strip(), password_hash=generate_password_hash(password), is_demo=is_demo,
                email_verified_at=utcnow() if confirmed else None)
    db.session.add(user)
    if role:
        add_membership(actor, user, organization, role)
    db.session.flush()
    return user


def check_new_account(email: str, password: str) -> str:
    """Return the normalized e-mail if it and the password would do for an account, or raise AccountError."""
    email = normalize_email(email)
    _check_password(password)
    return email


def open_account(email: str, password: str, *, full_name: str = "") -> User | None:
    """Create a visitor's own account, unconfirmed, and mail them the link that confirms it.

    When the address already has an account, return None and tell its owner by e-mail instead.
    Both cases check the same things, hash the password and queue one message, so neither the
    answer nor the time it takes tells a visitor whether an address is taken.
    """
    email = check_new_account(email, password)
    existing = find_user(email)
    if existing is not None:
        generate_password_hash(password)
        mail.send_address_taken(existing)
        return None
    user = create_user(None, email, password, full_name=full_name, confirmed=False)
    mail.send_confirmation(user)
    return user


def organizations_awaiting_confirmation():
    """Select the ids of the organizations that have a member whose address is not confirmed yet."""
    return db.select(Membership.organization_id).join(User, Membership.user_id == User.id).where(User.email_verified_at.is_(None))


def add_membership(actor: User | None, user: User, organization: Organization | None, role: str) -> Membership:
    """Give `user` a role in `organization`; every role but investor and admin needs one."""
    if actor is not None:
        require(actor, MANAGE_ACCOUNTS)
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
    """Replace a password, end every other session of that user and revoke their API tokens."""
    if actor is not None and actor.id != user.id:
        require(actor, MANAGE_ACCOUNTS)
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    user.session_version += 1
    now = utcnow()
    for record in user.tokens:
        if record.revoked_at is None:
            record.revoked_at = now
    db.session.flush()


def end_other_sessions(user: User) -> None:
    """Invalidate every signed session cookie of `user`, this one included."""
    user.session_version += 1
    now = utcnow()
    for record in db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))):
        record.revoked_at = now
    db.session.flush()


def end_every_session() -> None:
    """Sign everyone out: end every server-side session and invalidate every signed session cookie."""
    db.session.execute(update(UserSession).where(UserSession.revoked_at.is_(None)).values(revoked_at=utcnow()))
    db.session.execute(update(User).values(session_version=User.session_version + 1))


def open_session(user: User) -> str:
    """Record a new signed-in session of `user` and return its id, which the signed cookie carries.

    The user's sessions past the absolute time-out are dropped on the way, so the table stays small.
    """
    max_age = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < utcnow() - max_age))
    record = UserSession(id=secrets.token_urlsafe(32), user_id=user.id)
    db.session.add(record)
    db.session.flush()
    return record.id


def end_session(session_id: str | None) -> None:
    """End one signed-in session on the server, so a copy of its cookie no longer signs anyone in."""
    record = db.session.get(UserSession, session_id) if session_id else None
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.flush()


def load_user(login_id: str, session_id: str | None = None) -> User | None:
    """Return the user named by a session's login id, if that session is still valid.

    Valid means: the account may sign in, the password has not changed since (the version in the
    login id), and the server-side session is neither ended nor older than SESSION_MAX_HOURS.
    """
    user_id, _, version = login_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not may_sign_in(user):
        return None
    record = db.session.get(UserSession, session_id) if session_id else None
    max_age = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if record is None or record.user_id != user.id or record.revoked_at is not None or record.created_at < utcnow() - max_age:
        return None
    return user


def note_session_seen(session_id: str) -> None:
    """Keep the session's last-seen time to within SESSION_TOUCH_SECONDS; only in a request that writes anyway."""
    record = db.session.get(UserSession, session_id)
    now = utcnow()
    if record is not None and record.last_seen_at < now - timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"]):
        record.last_seen_at = now


def authenticate(email: str, password: str, remote_addr: str) -> User | None:
    """Return the user when the password matches; record failures and make repeated ones wait.

    Raises SignInThrottled before looking at the password while a wait is running.
    """
    email = (email or "").strip().lower()[:254]
    remote_addr = (remote_addr or "unknown")[:64]
    now = utcnow()
    _refuse_while_waiting(email, remote_addr, now)
    user = find_user(email) if email else None
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "") or not (user and user.active):
        window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - window))
        db.session.add(LoginAttempt(email=email, remote_addr=remote_addr, at=now))
        db.session.flush()
        return None
    if not may_sign_in(user):
        raise DemoAccountRefused()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.remote_addr == remote_addr))
    user.last_login_at = now
    db.session.flush()
    return user


def _refuse_while_waiting(email: str, remote_addr: str, now) -> None:
    """Make one account from one address wait longer after each failure past the free ones.

    An account attacked from many addresses is slowed too: each address that has failed on it
    waits a short pause after the latest failure from anywhere. An address without failures of
    its own, such as the owner's, is never held back, so nobody can keep the owner out by
    failing on purpose; addresses alone are left to the rate limits, since many people can
    share one behind a proxy.
    """
    config = current_app.config
    recent = db.select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.at >= now - timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    )
    waits = []
    failures, last = db.session.execute(recent.where(LoginAttempt.remote_addr == remote_addr)).one()
    if failures >= config["LOGIN_MAX_FAILURES"]:
        doublings = min(failures - config["LOGIN_MAX_FAILURES"], 20)
        waits.append((last, min(config["LOGIN_DELAY_SECONDS"] * 2**doublings, config["LOGIN_MAX_DELAY_SECONDS"])))
    own_failures = failures
    failures, last = db.session.execute(recent).one()
    if own_failures and failures >= config["LOGIN_ACCOUNT_FAILURES"]:
        waits.append((last, config["LOGIN_ACCOUNT_DELAY_SECONDS"]))
    remaining = max((since + timedelta(seconds=wait) - now).total_seconds() for since, wait in waits) if waits else 0
    if remaining > 0:
        raise SignInThrottled(math.ceil(remaining))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = "", *, scope: str = TokenScope.WRITE, days: int | None = None) -> str:
    """Create an API token for `user` valid for `days` (default API_TOKEN_DAYS) and return it; only its digest is kept."""
    try:
        scope_value = TokenScope(scope)
    except ValueError:
        raise AccountError("scope", _l("Choose the scope “read” or “write”.")) from None
    days = current_app.config["API_TOKEN_DAYS"] if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise AccountError("days", _l("A token lasts from 1 to %(n)d days.", n=MAX_TOKEN_DAYS))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(
        user=user, name=name[:100], digest=_digest(token), prefix=token[:12], scope=scope_value,
        expires_at=utcnow() + timedelta(days=days),
    ))
    db.session.flush()
    return token


def user_for_token(token: str, scope: TokenScope = TokenScope.READ) -> User | None:
    """Return the active user owning a live bearer token, and note its use (to the minute, beside the request).

    Raises TokenScopeTooNarrow when the token is live but may not do what `scope` names.
    """
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(db.select(ApiToken).where(ApiToken.digest == _digest(token)))
    if record is None or not record.is_live or not may_sign_in(record.user):
        return None
    if scope == TokenScope.WRITE and record.scope != TokenScope.WRITE:
        raise TokenScopeTooNarrow(record.scope)
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
