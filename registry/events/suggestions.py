"""Suggested counterparts for a participant, ranked, each with the reasons it was suggested (codes with parameters).

A need meets an offer when both name the same Decision 980 node, or when one's node is a parent
(at any depth) of the other's: a need for wastewater treatment meets an offer of packaged
treatment plants, and the reverse. Only such catalog meetings make a suggestion; being in the
same province, of the same size class and holding an eco-label in force (`ECOLABEL`, from the eco-label
register) then rank it higher. The page and the API word the
reasons in the reader's language (`wording.reason_text`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from registry.catalog.models import CatalogNode
from registry.ecolabels import queries as ecolabel_queries
from registry.ecolabels.status import IN_FORCE
from registry.enterprises.models import Status
from registry.extensions import db

from .models import Direction, Participant, ParticipantStatus

SAME_NODE, RELATED_NODE, SAME_PROVINCE, SAME_SIZE, ECOLABEL = 3.0, 2.0, 1.0, 0.5, 0.75


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Suggestion:
    participant: Participant
    score: float
    reasons: list[Reason]


def _parents(version_ids: set[int]) -> dict[int, int | None]:
    if not version_ids:
        return {}
    rows = db.session.execute(select(CatalogNode.id, CatalogNode.parent_id).where(CatalogNode.version_id.in_(sorted(version_ids))))
    return dict(rows.all())


def _lineage(node_id: int, parents: dict[int, int | None]) -> list[int]:
    """The node and its parents up to the top."""
    chain, seen = [], set()
    while node_id is not None and node_id not in seen:
        chain.append(node_id)
        seen.add(node_id)
        node_id = parents.get(node_id)
    return chain


def _nodes(participant: Participant, direction: Direction) -> list[CatalogNode]:
    return [i.node for i in participant.interests if i.direction == direction and i.node is not None]


def _meetings(needs: list[CatalogNode], offers: list[CatalogNode], parents: dict, code: str) -> tuple[float, list[Reason]]:
    """How `needs` meet `offers`: the best score and one reason per pair that meets (same node or one a parent of the other)."""
    best, reasons = 0.0, []
    for need in needs:
        need_line = _lineage(need.id, parents)
        for offer in offers:
            if offer.id == need.id:
                best = max(best, SAME_NODE)
                reasons.append(Reason(f"{code}_same", {"node": need.code, "need": need.id}))
            elif offer.id in need_line or need.id in _lineage(offer.id, parents):
                best = max(best, RELATED_NODE)
                reasons.append(Reason(f"{code}_related", {"need_node": need.code, "offer_node": offer.code, "need": need.id,
                                                          "offer": offer.id}))
    return best, reasons


def suggestions_for(participant: Participant, limit: int = 20) -> list[Suggestion]:
    """The approved participants of the event whose offers meet this one's needs or whose needs its offers meet, best first."""
    others = [p for p in participant.event.participants if p.id != participant.id and p.status == ParticipantStatus.APPROVED]
    versions = {i.node.version_id for p in [participant, *others] for i in p.interests if i.node is not None}
    parents = _parents(versions)
    my_needs, my_offers = _nodes(participant, Direction.NEED), _nodes(participant, Direction.OFFER)
    labels = _labels_in_force(others)
    found = []
    for other in others:
        they_offer, mine_offered = _meetings(my_needs, _nodes(other, Direction.OFFER), parents, "they_offer")
        they_need, mine_needed = _meetings(_nodes(other, Direction.NEED), my_offers, parents, "they_need")
        if not mine_offered and not mine_needed:
            continue
        reasons = mine_offered + mine_needed
        score = they_offer + they_need
        if participant.province_code and other.province_code == participant.province_code:
            score += SAME_PROVINCE
            reasons.append(Reason("same_province", {"province": other.province_code}))
        mine, theirs = _size(participant), _size(other)
        if mine and mine == theirs:
            score += SAME_SIZE
            reasons.append(Reason("same_size", {"size": theirs}))
        if (label := labels.get(other.enterprise_id)) is not None:
            score += ECOLABEL
            reasons.append(Reason("ecolabel", {"scheme": label.scheme, "product": label.product_name, "number": label.number}))
        found.append(Suggestion(other, score, reasons))
    found.sort(key=lambda s: (-s.score, s.participant.display_name, s.participant.id))
    return found[:limit]


def _size(participant: Participant) -> str | None:
    size = participant.enterprise.size_class if participant.enterprise is not None else None
    return size.value if size is not None else None


def _labels_in_force(participants: list[Participant]) -> dict:
    """For each published enterprise among `participants`, its eco-label certificate in force today (the latest issued), in one
    reading. A pending enterprise's certificates are shown only to its reviewers and representatives, and a suggestion names
    the certificate to whoever asks, so its labels are left out until it is published."""
    ids = [p.enterprise_id for p in participants if p.enterprise is not None and p.enterprise.status == Status.PUBLISHED]
    found = {}
    for enterprise_id, listed in ecolabel_queries.labels_of(ids).items():
        in_force = [entry.certificate for entry in listed if entry.status in IN_FORCE]
        if in_force:
            found[enterprise_id] = in_force[0]
    return found
