"""Demo certificates for the demo enterprises, one of every status, each flagged demo (and saying so wherever it is shown).

The numbers carry "DEMO" so that no one mistakes them for the ministry's; the criteria sets are the
real ones (NSTVN-01:2023, NXVN 03:2014; FACTS §2), the products made up for the demo holders.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from registry.enterprises.models import Enterprise, Status as EnterpriseStatus
from registry.extensions import db

from . import service
from .models import EcolabelCertificate


def _certificates(today: date) -> list[dict]:
    """One certificate per status as of `today`: valid, expiring, expired, suspended, revoked (and a legacy Green Label)."""
    def days_ago(n: int) -> str:
        return (today - timedelta(days=n)).isoformat()

    plastic = {"scheme": "vn_ecolabel", "criteria_code": "NSTVN-01:2023", "product_group": "Bao bì nhựa thân thiện môi trường"}
    return [
        {**plastic, "number": "DEMO-001/2025/NSTVN", "product_name": "Túi sinh học phân hủy hoàn toàn (demo)", "issued_on": days_ago(200)},
        {**plastic, "number": "DEMO-002/2024/NSTVN", "product_name": "Màng bọc PE tái chế 30 % (demo)", "issued_on": days_ago(1035)},
        {"scheme": "vn_green_label", "criteria_code": "NXVN 03:2014", "product_group": "Túi ni lông tự hủy sinh học",
         "number": "DEMO-003/2019/NXVN", "product_name": "Túi mua sắm tự hủy (demo)", "issued_on": days_ago(2000)},
        {**plastic, "number": "DEMO-004/2025/NSTVN", "product_name": "Hộp đựng thực phẩm PP tái chế (demo)", "issued_on": days_ago(300),
         "suspend": "Kết quả giám sát chưa đạt tiêu chí hàm lượng tái chế (demo)"},
        {**plastic, "number": "DEMO-005/2024/NSTVN", "product_name": "Khay xốp sinh học (demo)", "issued_on": days_ago(500),
         "revoke": "Sản phẩm không còn đáp ứng tiêu chí (demo)"},
    ]


def load_demo_ecolabels(today: date | None = None) -> list[str]:
    """Record the demo certificates unless some exist; holders are published demo enterprises, the first in Quảng Ngãi."""
    today = today or date.today()
    if db.session.scalar(select(EcolabelCertificate.id).where(EcolabelCertificate.is_demo.is_(True)).limit(1)) is not None:
        return []
    holders = list(db.session.scalars(select(Enterprise).where(Enterprise.is_demo.is_(True), Enterprise.status == EnterpriseStatus.PUBLISHED)
                                      .order_by(Enterprise.province_code != "51", Enterprise.id).limit(5)))
    if not holders:
        return []
    entries = _certificates(today)
    for index, entry in enumerate(entries):
        suspend, revoke = entry.pop("suspend", None), entry.pop("revoke", None)
        holder = holders[index % len(holders)]
        certificate = service.record_certificate(None, {**entry, "holder_tax_code": holder.tax_code}, is_demo=True, today=today)
        decision = {"reason": suspend or revoke, "document": "DEMO/QĐ-BNNMT", "effective_on": (today - timedelta(days=30)).isoformat()}
        if suspend:
            service.suspend(None, certificate, decision, today=today)
        elif revoke:
            service.revoke(None, certificate, decision, today=today)
    return [_("%(n)d demo eco-label certificates, one of every status", n=len(entries))]
