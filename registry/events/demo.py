"""A demo matchmaking event with participants, offers and needs and meeting requests; every record is flagged demo."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from registry.accounts import service as accounts
from registry.enterprises.models import Enterprise, Status
from registry.extensions import db

from . import service
from .models import Event, MeetingRequest, ParticipantStatus
from .schedule.demo import load_demo_schedule

NAME_VI = "Kết nối cung – cầu công nghệ và thiết bị môi trường (demo)"
NAME_EN = "Environmental technology and equipment matchmaking (demo)"
ORGANIZER = "Sở Công Thương Quảng Ngãi (demo)"
# What each demo participant offers and seeks, by Decision 980 catalog code; the roles alternate as listed.
LISTINGS = [
    ("exhibitor", ["A.01", "A.02"], []), ("buyer", [], ["A.01", "C2.02"]), ("exhibitor", ["C2"], ["B.01"]),
    ("buyer", [], ["A", "C3.01"]), ("exhibitor", ["B.01", "B.02"], []), ("investor", [], ["C2.02", "C3"]),
    ("exhibitor", ["C3.01", "C3.04"], ["A.05"]), ("buyer", ["A.05"], ["B.02"]),
]


def demo_organizer_and_companies():
    """The demo organizer and the published demo enterprises (Quảng Ngãi's first) that take part in demo events."""
    organization = accounts.find_organization(ORGANIZER)
    companies = db.session.scalars(select(Enterprise).where(Enterprise.is_demo.is_(True), Enterprise.status == Status.PUBLISHED)
                                   .order_by(Enterprise.province_code != "51", Enterprise.id).limit(len(LISTINGS))).all()
    return organization, companies


def load_demo_event(today: date | None = None) -> bool:
    """Record the demo event unless it exists: published Quảng Ngãi demo enterprises take part; returns whether it was made."""
    if db.session.scalar(select(Event.id).where(Event.is_demo.is_(True)).limit(1)) is not None:
        return False
    organization, companies = demo_organizer_and_companies()
    if organization is None or len(companies) < 2:
        return False
    starts = (today or date.today()) + timedelta(days=30)
    event = service.create_event(None, {
        "name_vi": NAME_VI, "name_en": NAME_EN, "kind": "matchmaking", "starts_on": starts, "ends_on": starts + timedelta(days=1),
        "venue": "Trung tâm Hội nghị tỉnh Quảng Ngãi (demo)", "latitude": 15.1214, "longitude": 108.8044, "province_code": "51",
        "organization_id": organization.id, "status": "open", "participant_limit": 40, "description": "Sự kiện mẫu để dùng thử (demo)."},
        is_demo=True)
    participants = []
    for company, (role, offers, needs) in zip(companies, LISTINGS):
        participant = service.register(None, event, {"role": role, "tax_code": company.tax_code}, is_demo=True)
        service.approve(None, participant)
        for direction, codes in (("offer", offers), ("need", needs)):
            for code in codes:
                service.add_interest(None, participant, {"direction": direction, "node": code, "text": "(demo)"})
        participants.append(participant)
    approved = [p for p in participants if p.status == ParticipantStatus.APPROVED]
    for requester, counterpart, priority in ((1, 0, "must"), (3, 2, "would_like"), (5, 2, "must"), (7, 4, "would_like")):
        if requester < len(approved) and counterpart < len(approved):
            service.request_meeting(None, approved[requester], {"counterpart_id": approved[counterpart].id, "priority": priority,
                                                                "message": "Đề nghị gặp mẫu (demo)"}, is_demo=True)
    if len(approved) > 1:
        first = db.session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id)
                                   .order_by(MeetingRequest.id)).first()
        service.answer_request(None, first, True)
        load_demo_schedule(event)
    db.session.flush()
    return True


def remove_demo_events() -> int:
    """Delete the demo events with their participants and requests (before the demo enterprises they refer to)."""
    removed = 0
    for event in db.session.scalars(select(Event).where(Event.is_demo.is_(True))).all():
        db.session.delete(event)
        removed += 1
    db.session.flush()
    return removed
