"""The event pages' and API's words: labels of the kinds, statuses, roles and priorities, and the suggestions' reasons."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.ecolabels.wording import SCHEME_LABELS
from registry.enterprises.forms import SIZE_LABELS
from registry.places.service import UnknownPlace, get_province

from .models import Direction, EventKind, EventStatus, ParticipantRole, ParticipantStatus, Priority, RequestState

KIND_LABELS = {EventKind.FAIR: _l("Fair or exhibition"), EventKind.CONFERENCE: _l("Investment promotion conference"),
               EventKind.MATCHMAKING: _l("B2B matchmaking session"), EventKind.TRAINING: _l("Training")}
STATUS_LABELS = {EventStatus.DRAFT: _l("Draft"), EventStatus.OPEN: _l("Open for registration"), EventStatus.CLOSED: _l("Registration closed"),
                 EventStatus.HELD: _l("Held")}
ROLE_LABELS = {ParticipantRole.EXHIBITOR: _l("Exhibitor"), ParticipantRole.BUYER: _l("Buyer"), ParticipantRole.INVESTOR: _l("Investor"),
               ParticipantRole.SPEAKER: _l("Speaker")}
PARTICIPANT_STATUS_LABELS = {ParticipantStatus.REQUESTED: _l("Awaiting approval"), ParticipantStatus.APPROVED: _l("Approved"),
                             ParticipantStatus.WAITING: _l("On the waiting list"), ParticipantStatus.DECLINED: _l("Declined"),
                             ParticipantStatus.WITHDRAWN: _l("Withdrawn")}
DIRECTION_LABELS = {Direction.OFFER: _l("Offers"), Direction.NEED: _l("Seeks")}
PRIORITY_LABELS = {Priority.MUST: _l("Must meet"), Priority.WOULD_LIKE: _l("Would like to meet")}
REQUEST_LABELS = {RequestState.OPEN: _l("Awaiting an answer"), RequestState.ACCEPTED: _l("Accepted"), RequestState.DECLINED: _l("Declined"),
                  RequestState.EXPIRED: _l("Expired unanswered")}
FIELD_LABELS = {
    "name_vi": _l("Name (Vietnamese)"), "name_en": _l("Name (English)"), "kind": _l("Kind of event"), "starts_on": _l("First day"),
    "ends_on": _l("Last day"), "venue": _l("Venue"), "latitude": _l("Latitude of the venue"), "longitude": _l("Longitude of the venue"),
    "province_code": _l("Province"), "organization_id": _l("Organizing organization"), "status": _l("Status"),
    "participant_limit": _l("Most participants approved"), "auto_accept": _l("Accept meeting requests automatically"),
    "request_hours": _l("Hours a meeting request waits for its answer"), "max_open_requests": _l("Most open requests per participant"),
    "description": _l("Description"),
}


def labels() -> dict:
    return {"kind": KIND_LABELS, "status": STATUS_LABELS, "role": ROLE_LABELS, "participant": PARTICIPANT_STATUS_LABELS,
            "direction": DIRECTION_LABELS, "priority": PRIORITY_LABELS, "request": REQUEST_LABELS, "field": FIELD_LABELS}


def _province(code: str) -> str:
    try:
        return get_province(code).name_vi
    except UnknownPlace:
        return code


def reason_text(reason) -> str:
    """A suggestion's reason in the reader's language."""
    params = reason.params
    if reason.code == "they_offer_same":
        return _("They offer %(node)s, which you seek.", node=params["node"])
    if reason.code == "they_offer_related":
        return _("They offer %(offer)s, close in the catalog to %(need)s, which you seek.", offer=params["offer_node"], need=params["need_node"])
    if reason.code == "they_need_same":
        return _("They seek %(node)s, which you offer.", node=params["node"])
    if reason.code == "they_need_related":
        return _("They seek %(need)s, close in the catalog to %(offer)s, which you offer.", need=params["need_node"], offer=params["offer_node"])
    if reason.code == "same_province":
        return _("In your province, %(province)s.", province=_province(params["province"]))
    if reason.code == "same_size":
        return _("Of your size: %(size)s.", size=SIZE_LABELS.get(params["size"], params["size"]))
    if reason.code == "ecolabel":
        return _("Holds an eco-label in force: %(scheme)s for %(product)s (certificate %(number)s).",
                 scheme=SCHEME_LABELS.get(params["scheme"], params["scheme"]), product=params["product"], number=params["number"])
    return reason.code
