"""A demo incubator in Quảng Ngãi with cohorts and incubatees among the demo enterprises, showing every outcome; all flagged demo.

Hosted by the Dung Quất Economic Zone (when the reference zones are loaded), so the demo zone editor
keeps it as the zone's board; its point is the zone's. Graduates of 2020 and 2023 fill the statistics'
"still active after 1, 3 and 5 years"; an active incubatee is one of the pending demo registrations.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from registry.enterprises.models import Enterprise, Status
from registry.extensions import db
from registry.zones import service as zones

from . import service
from .models import Incubator

CODE = "51-demo-vuon-uom-dung-quat"
PROVINCE = "51"
DUNG_QUAT = "51-kkt-dung-quat"
COHORTS = [
    ("Khóa 2019 (demo)", date(2019, 3, 1), date(2020, 2, 28)),
    ("Khóa 2022 (demo)", date(2022, 3, 1), date(2023, 2, 28)),
    ("Khóa 2025 (demo)", date(2025, 3, 1), None),
]
# (cohort, outcome, end): which published demo enterprise goes where, in order of their ids.
PLACEMENTS = [
    (0, "graduated", date(2020, 2, 28)), (0, "graduated", date(2020, 2, 28)), (0, "left", date(2019, 9, 30)),
    (1, "graduated", date(2023, 2, 28)), (1, "graduated", date(2023, 2, 28)), (1, "left", date(2022, 10, 1)),
    (2, "active", None), (2, "active", None),
]


def load_demo_incubators() -> list[str]:
    """Create the demo incubator with its cohorts and incubatees unless it exists; returns what was loaded, in words."""
    if service.find_by_code(CODE) is not None:
        return []
    published = list(db.session.scalars(db.select(Enterprise).where(
        Enterprise.is_demo.is_(True), Enterprise.province_code == PROVINCE, Enterprise.status == Status.PUBLISHED).order_by(Enterprise.id)))
    pending = db.session.scalar(db.select(Enterprise).where(
        Enterprise.is_demo.is_(True), Enterprise.province_code == PROVINCE, Enterprise.status == Status.PENDING).order_by(Enterprise.id).limit(1))
    if len(published) < len(PLACEMENTS) + 1:
        return []
    zone = zones.find_by_code(DUNG_QUAT)
    incubator = service.create_incubator(None, {
        "name_vi": "Vườn ươm doanh nghiệp công nghiệp môi trường Dung Quất (demo)",
        "name_en": "Dung Quat Environmental Industry Business Incubator (demo)",
        "host_kind": "zone", "host_zone_id": zone.id if zone else None, "host_name": "" if zone else "Khu kinh tế Dung Quất",
        "province_code": PROVINCE, "focus_groups": ["A", "C"], "capacity": 12, "opened_on": "2018-06-01",
        "services": "Mặt bằng làm việc, phòng thử nghiệm, cố vấn kỹ thuật và kết nối nhà đầu tư (dữ liệu mẫu).",
        "latitude": zone.latitude if zone and zone.latitude is not None else 15.4,
        "longitude": zone.longitude if zone and zone.longitude is not None else 108.8,
        "description": "Bản ghi mẫu để dùng thử nền tảng, không phải một vườn ươm có thật.",
    }, code=CODE, is_demo=True)
    cohorts = [service.create_cohort(None, incubator, {"name": name, "starts_on": start, "ends_on": end}, is_demo=True)
               for name, start, end in COHORTS]
    for enterprise, (cohort, outcome, end) in zip(published, PLACEMENTS):
        service.add_incubatee(None, incubator, {"cohort_id": cohorts[cohort].id, "tax_code": enterprise.tax_code, "outcome": outcome,
                                                "ended_on": end}, is_demo=True)
    if pending is not None:
        service.add_incubatee(None, incubator, {"cohort_id": cohorts[2].id, "tax_code": pending.tax_code}, is_demo=True)
    return [_("a demo incubator with %(n)d cohorts and its incubatees", n=len(cohorts))]


def remove_demo_incubators() -> int:
    """Delete the demo incubators (their cohorts and incubatees go with them); returns how many records went."""
    removed = 0
    for incubator in list(db.session.scalars(db.select(Incubator).where(Incubator.is_demo.is_(True)))):
        db.session.delete(incubator)
        removed += 1
    db.session.flush()
    return removed
