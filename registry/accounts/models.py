"""Users, the organizations they act for, their roles, API tokens and sign-in attempts."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import Audited, utcnow
from registry.extensions import db, stored_enum
from registry.places.models import Province


class OrgKind(enum.StrEnum):
    MINISTRY = "ministry"
    DEPARTMENT = "department"
    ZONE_BOARD = "zone_board"
    ENTERPRISE = "enterprise"
    INCUBATOR_HOST = "incubator_host"
    UNIVERSITY = "university"
    ASSOCIATION = "association"


class Role(enum.StrEnum):
    ADMIN = "admin"
    PROVINCE_OFFICER = "province_officer"
    ZONE_EDITOR = "zone_editor"
    ENTERPRISE_REP = "enterprise_rep"
    EVENT_ORGANIZER = "event_organizer"
    INVESTOR = "investor"



class Organization(Audited, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(stored_enum(OrgKind))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"), index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    province: Mapped[Province | None] = relationship(lazy="joined")
    memberships: Mapped[list[Membership]] = relationship(back_populates="organization", cascade="all, delete-orphan")


class User(Audited, UserMixin, db.Model):
    __audit_exclude__ = ("password_hash", "session_version", "last_login_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When the owner proved the address is theirs; None only for accounts opened by visitors themselves until then.
    email_verified_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The session version rides in the login id so that a password change or a
        # "sign out everywhere" invalidates every other signed cookie.
        return f"{self.id}:{self.session_version}"

    def roles_in(self, organization: Organization) -> set[Role]:
        return {m.role for m in self.memberships if m.organization_id == organization.id}

    @property
    def roles(self) -> set[Role]:
        return {m.role for m in self.memberships}

    @property
    def email_confirmed(self) -> bool:
        return self.email_verified_at is not None

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Membership(Audited, db.Model):
    __table_args__ = (UniqueConstraint("user_id", "organization_id", "role", name="uq_membership_user_org_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(stored_enum(Role))

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships", lazy="joined")


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"  # reads too


class ApiToken(db.Model):
    """A bearer token for the API, reading or writing until it expires. Only its SHA-256 digest is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    scope: Mapped[TokenScope] = mapped_column(stored_enum(TokenScope, length=5), default=TokenScope.WRITE)

    user: Mapped[User] = relationship(back_populates="tokens", lazy="joined")

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()


class UserSession(db.Model):
    """One signed-in browser session, so that signing out ends it on the server too."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random; carried in the signed cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class LoginAttempt(db.Model):
    """One failed sign-in, kept in the database so throttling holds across worker processes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
