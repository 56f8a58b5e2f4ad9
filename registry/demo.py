"""Demo accounts and organizations for trying the platform; every one is flagged demo."""
from __future__ import annotations


from .accounts import service as accounts
from .accounts.models import Organization, User
from .extensions import db

DEMO_PASSWORD = "demo-password-2025"
ORGANIZATIONS = [
    ("Bộ Công Thương (demo)", "ministry", None),
    ("Sở Công Thương Quảng Ngãi (demo)", "department", "51"),
    ("Ban Quản lý KKT Dung Quất và các KCN Quảng Ngãi (demo)", "zone_board", "51"),
]
USERS = [
    ("admin@demo.cnmt.vn", "Quản trị viên (demo)", "admin", "Bộ Công Thương (demo)"),
    ("ministry@demo.cnmt.vn", "Cán bộ Bộ Công Thương (demo)", "province_officer", "Bộ Công Thương (demo)"),
    ("officer.qng@demo.cnmt.vn", "Cán bộ Sở Công Thương Quảng Ngãi (demo)", "province_officer", "Sở Công Thương Quảng Ngãi (demo)"),
    ("zone.dungquat@demo.cnmt.vn", "Biên tập viên KKT Dung Quất (demo)", "zone_editor", "Ban Quản lý KKT Dung Quất và các KCN Quảng Ngãi (demo)"),
]


def load_demo() -> list[str]:
    """Create the demo organizations and accounts that do not exist yet."""
    created = 0
    for name, kind, province in ORGANIZATIONS:
        if accounts.find_organization(name) is None:
            accounts.create_organization(None, name, kind, province, is_demo=True)
            created += 1
    for email, full_name, role, org_name in USERS:
        if accounts.find_user(email) is None:
            accounts.create_user(
                None, email, DEMO_PASSWORD, full_name=full_name, role=role,
                organization=accounts.find_organization(org_name), is_demo=True,
            )
            created += 1
    return [f"{created} demo organizations and accounts (password {DEMO_PASSWORD})"] if created else []


def remove_demo() -> int:
    """Delete every demo account and organization; returns how many records went."""
    removed = 0
    for model in (User, Organization):
        for record in db.session.scalars(db.select(model).where(model.is_demo.is_(True))):
            db.session.delete(record)
            removed += 1
    db.session.flush()
    return removed


