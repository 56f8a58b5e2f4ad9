"""Demo accounts, organizations and enterprises for trying the platform; every one is flagged demo."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update

from .accounts import service as accounts
from .accounts.models import Organization, User
from .enterprises.generator import generate_profiles
from .enterprises.models import Enterprise, Status
from .enterprises.service import create_enterprise, give_representation
from .extensions import db
from .incubators.demo import load_demo_incubators, remove_demo_incubators
from .places.models import Commune, Province
from .enterprises.index import remove_from_index
from .ecolabels.demo import load_demo_ecolabels
from .events.attendance.demo import load_demo_attendance
from .events.demo import load_demo_event, remove_demo_events

DEMO_PASSWORD = "demo-password-2025"
DEMO_ENTERPRISES = 200
# Another seed than the benchmarks' default, so demo records and benchmark rows differ.
DEMO_SEED = 2025
QUANG_NGAI = "51"
# The demo accounts work in Quảng Ngãi, so it gets about one firm in ten instead of its 2 %
# share, and a few registrations stay pending there to fill the officer's review queue.
DEMO_PROVINCE_WEIGHTS = {QUANG_NGAI: 12.0}
PENDING_IN_QUANG_NGAI = 4
REPRESENTATIVE = "rep@demo.cnmt.vn"
ORGANIZATIONS = [
    ("Bộ Công Thương (demo)", "ministry", None),
    ("Sở Công Thương Quảng Ngãi (demo)", "department", "51"),
]
# The demo zone editor works in the real board that manages the reference zones of Dung Quất,
# so it can try editing figures and boundaries; the account itself is demo and removable.
DUNG_QUAT_BOARD = "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi"
USERS = [
    ("admin@demo.cnmt.vn", "Quản trị viên (demo)", "admin", "Bộ Công Thương (demo)"),
    ("ministry@demo.cnmt.vn", "Cán bộ Bộ Công Thương (demo)", "province_officer", "Bộ Công Thương (demo)"),
    ("officer.qng@demo.cnmt.vn", "Cán bộ Sở Công Thương Quảng Ngãi (demo)", "province_officer", "Sở Công Thương Quảng Ngãi (demo)"),
    ("zone.dungquat@demo.cnmt.vn", "Biên tập viên KKT Dung Quất (demo)", "zone_editor", DUNG_QUAT_BOARD),
]


def load_demo() -> list[str]:
    """Create the demo organizations, accounts and enterprises that do not exist yet."""
    created = 0
    for name, kind, province in ORGANIZATIONS:
        if accounts.find_organization(name) is None:
            accounts.create_organization(None, name, kind, province, is_demo=True)
            created += 1
    if accounts.find_organization(DUNG_QUAT_BOARD) is None:  # the reference zones were removed or never loaded
        accounts.create_organization(None, DUNG_QUAT_BOARD, "zone_board", QUANG_NGAI)
    for email, full_name, role, org_name in USERS:
        if accounts.find_user(email) is None:
            accounts.create_user(
                None, email, DEMO_PASSWORD, full_name=full_name, role=role,
                organization=accounts.find_organization(org_name), is_demo=True,
            )
            created += 1
    done = [_("%(n)d demo organizations and accounts (password %(password)s)", n=created, password=DEMO_PASSWORD)] if created else []
    enterprises = _load_demo_enterprises()
    if enterprises:
        done.append(_("%(n)d demo enterprises in 34 provinces", n=enterprises))
    if _load_representative():
        done.append(_("the demo enterprise representative %(email)s", email=REPRESENTATIVE))
    done.extend(load_demo_ecolabels())
    if load_demo_event():
        done.append(_("a demo matchmaking event with participants, offers, needs and meeting requests"))
    if load_demo_attendance():
        done.append(_("a demo event already held, with check-ins and meeting outcomes"))
    done.extend(load_demo_incubators())
    return done


def _load_demo_enterprises() -> int:
    """Create the demo enterprises unless some exist; a few in Quảng Ngãi stay pending for review."""
    if db.session.scalar(db.select(Enterprise.id).where(Enterprise.is_demo.is_(True)).limit(1)) is not None:
        return 0
    # The session's identity map holds objects weakly: keeping the places referenced here lets
    # each profile's province and commune lookups hit it instead of the database (about 2× faster).
    places = list(db.session.scalars(db.select(Province))) + list(db.session.scalars(db.select(Commune)))
    pending_left = PENDING_IN_QUANG_NGAI
    for values in generate_profiles(DEMO_ENTERPRISES, DEMO_SEED, DEMO_PROVINCE_WEIGHTS):
        enterprise = create_enterprise(None, values, source="demo", is_demo=True, check_similar=False)
        if enterprise.province_code == QUANG_NGAI and pending_left and len(enterprise.tax_code) == 10:
            enterprise.status, enterprise.published_at = Status.PENDING, None
            pending_left -= 1
    db.session.flush()
    del places
    return DEMO_ENTERPRISES


def _load_representative() -> bool:
    """Create the demo representative of a published Quảng Ngãi enterprise, if missing."""
    if accounts.find_user(REPRESENTATIVE) is not None:
        return False
    enterprise = db.session.scalar(
        db.select(Enterprise)
        .where(Enterprise.is_demo.is_(True), Enterprise.province_code == QUANG_NGAI, Enterprise.status == Status.PUBLISHED)
        .order_by(Enterprise.id)
        .limit(1)
    )
    if enterprise is None:
        return False
    user = accounts.create_user(None, REPRESENTATIVE, DEMO_PASSWORD, full_name="Người đại diện doanh nghiệp (demo)", is_demo=True)
    give_representation(user, enterprise)
    return True


def remove_demo() -> int:
    """Delete every demo enterprise, account and organization with their index rows; returns how many records went."""
    demo_ids = db.select(Enterprise.id).where(Enterprise.is_demo.is_(True)).scalar_subquery()
    # `merged_into_id` has no ON DELETE rule, so a merge link to a demo record would block its
    # delete; a Core update clears them without the version bump and audit entry of ORM updates.
    db.session.execute(
        update(Enterprise).where(Enterprise.merged_into_id.in_(demo_ids)).values(merged_into_id=None),
        execution_options={"synchronize_session": False},
    )
    removed = remove_demo_events() + remove_demo_incubators()
    # Items, certificates, pending changes, claims and duplicate flags go with their enterprise
    # (ORM cascades and ON DELETE CASCADE); enterprises go before the organizations they belong to.
    for enterprise in list(db.session.scalars(db.select(Enterprise).where(Enterprise.is_demo.is_(True)))):
        remove_from_index(enterprise.id)
        db.session.delete(enterprise)
        removed += 1
    db.session.flush()
    for model in (User, Organization):
        for record in db.session.scalars(db.select(model).where(model.is_demo.is_(True))):
            db.session.delete(record)
            removed += 1
    db.session.flush()
    return removed
