"""A demo event already held, with check-ins on both its days and the outcomes of its meetings; every record is flagged demo.

The coming demo event (`events.demo`) shows registration and requests; this one shows what an
event leaves behind: badges scanned, meetings held or missed, follow-ups, an MoU and a contract.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from registry.extensions import db

from .. import service
from ..demo import LISTINGS, demo_organizer_and_companies
from ..models import Event, EventStatus, ParticipantStatus
from . import service as attendance

NAME_VI = "Hội chợ công nghệ và thiết bị môi trường đã diễn ra (demo)"
NAME_EN = "Environmental technology fair, already held (demo)"
# Who asked whom (indexes into the approved participants) and what came of it; values in đồng.
MEETINGS = [(1, 0, "contract_signed", 2_500_000_000), (3, 2, "mou_signed", None), (5, 2, "follow_up", None), (7, 4, "no_show", None),
            (5, 6, "held", None)]


def load_demo_attendance(today: date | None = None) -> bool:
    """Record the held demo event unless it exists; returns whether it was made."""
    if db.session.scalar(select(Event.id).where(Event.is_demo.is_(True), Event.name_vi == NAME_VI).limit(1)) is not None:
        return False
    organization, companies = demo_organizer_and_companies()
    if organization is None or len(companies) < 2:
        return False
    today = today or date.today()
    starts = today - timedelta(days=40)
    event = service.create_event(None, {
        "name_vi": NAME_VI, "name_en": NAME_EN, "kind": "fair", "starts_on": starts, "ends_on": starts + timedelta(days=1),
        "venue": "Nhà thi đấu tỉnh Quảng Ngãi (demo)", "latitude": 15.1205, "longitude": 108.7923, "province_code": "51",
        "organization_id": organization.id, "status": "closed", "auto_accept": True,
        "description": "Sự kiện mẫu đã diễn ra, để xem điểm danh và kết quả gặp gỡ (demo)."}, is_demo=True)
    approved = []
    for number, (company, (role, offers, needs)) in enumerate(zip(companies, LISTINGS), start=1):
        participant = service.register(None, event, {"role": role, "tax_code": company.tax_code}, is_demo=True)
        service.approve(None, participant)
        if role == "exhibitor":
            participant.booth = f"B{number:02d}"
        for direction, codes in (("offer", offers), ("need", needs)):
            for code in codes:
                service.add_interest(None, participant, {"direction": direction, "node": code, "text": "(demo)"})
        if participant.status == ParticipantStatus.APPROVED:
            approved.append(participant)
    for n, participant in enumerate(approved):
        attendance.check_in(None, participant, starts, is_demo=True)
        if n % 3:
            attendance.check_in(None, participant, starts + timedelta(days=1), is_demo=True)
    for requester, counterpart, result, value in MEETINGS:
        if requester < len(approved) and counterpart < len(approved):
            sent = service.request_meeting(None, approved[requester], {"counterpart_id": approved[counterpart].id, "priority": "must",
                                                                        "message": "Đề nghị gặp mẫu (demo)"}, is_demo=True)
            attendance.record_outcome(None, sent, {"result": result, "contract_value": value, "notes": "Kết quả mẫu (demo)"},
                                      today=today, is_demo=True)
    event.status = EventStatus.HELD
    db.session.flush()
    return True
