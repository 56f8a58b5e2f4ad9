"""The officer's side: review registrations and edits, decide claims, find and merge duplicates."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from registry.accounts.models import User
from registry.accounts.permissions import PermissionDenied, require, reviewed_provinces
from registry.accounts.service import organizations_awaiting_confirmation
from registry.audit.models import utcnow
from registry.catalog.models import CatalogNode
from registry.domain_errors import Conflict
from registry.extensions import db
from registry.enterprises import index as search

from .models import ClaimRequest, Decision, DuplicateFlag, Enterprise, EnterpriseItem, PendingChange, Status
from .changes import cleaned_from_changes
from .permissions import CLAIM_ENTERPRISE, REVIEW_ENTERPRISE
from .service import EnterpriseError, apply_values, find_by_tax_code, give_representation, save_enterprise
from .taxcode import TaxCodeError, normalize_tax_code

class ReviewError(Conflict):
    """A review action the record's state does not allow, with a message for the user."""


def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise EnterpriseError({"reason": [_l("Write the reason, so the representative knows what to do.")]})
    return reason[:2000]


def approve(actor: User, enterprise: Enterprise) -> None:
    """Publish a pending registration."""
    require(actor, REVIEW_ENTERPRISE, enterprise)
    if enterprise.status not in {Status.PENDING, Status.REJECTED, Status.SUSPENDED}:
        raise ReviewError(_l("Only a pending, rejected or suspended profile can be published."))
    enterprise.status = Status.PUBLISHED
    enterprise.changes_requested = False
    enterprise.review_note = ""
    enterprise.published_at = enterprise.published_at or utcnow()
    db.session.flush()


def reject(actor: User, enterprise: Enterprise, reason: str) -> None:
    """Refuse a pending registration, telling the representative why."""
    require(actor, REVIEW_ENTERPRISE, enterprise)
    if enterprise.status != Status.PENDING:
        raise ReviewError(_l("Only a pending profile can be rejected."))
    enterprise.review_note = _require_reason(reason)
    enterprise.status = Status.REJECTED
    enterprise.changes_requested = False
    db.session.flush()


def request_changes(actor: User, enterprise: Enterprise, note: str) -> None:
    """Send a pending registration back to its representative with what to change."""
    require(actor, REVIEW_ENTERPRISE, enterprise)
    if enterprise.status != Status.PENDING:
        raise ReviewError(_l("Only a pending profile can be sent back for changes."))
    enterprise.review_note = _require_reason(note)
    enterprise.changes_requested = True
    db.session.flush()


def suspend(actor: User, enterprise: Enterprise, reason: str) -> None:
    """Take a published profile off the public registry."""
    require(actor, REVIEW_ENTERPRISE, enterprise)
    if enterprise.status != Status.PUBLISHED:
        raise ReviewError(_l("Only a published profile can be suspended."))
    enterprise.review_note = _require_reason(reason)
    enterprise.status = Status.SUSPENDED
    db.session.flush()


def decide_change(actor: User, change: PendingChange, approve_it: bool, reason: str = "") -> None:
    """Apply or refuse a representative's pending edit."""
    require(actor, REVIEW_ENTERPRISE, change.enterprise)
    if change.status != Decision.PENDING:
        raise ReviewError(_l("This change has already been decided."))
    if approve_it:
        changes = cleaned_from_changes(change.changes)
        if "tax_code" in changes:
            other = find_by_tax_code(changes["tax_code"])
            if other is not None and other is not change.enterprise:
                raise ReviewError(_l("Another enterprise now holds tax code %(code)s.", code=changes["tax_code"]))
        apply_values(change.enterprise, changes)
        save_enterprise(change.enterprise)
        change.status = Decision.APPROVED
    else:
        change.reason = _require_reason(reason)
        change.status = Decision.REJECTED
    change.decided_by_id = actor.id
    change.decided_at = utcnow()
    db.session.flush()


def claim(actor: User, tax_code: str, message: str = "") -> ClaimRequest:
    """Ask to represent the existing profile with this tax code; an officer of its province decides."""
    require(actor, CLAIM_ENTERPRISE)
    try:
        code = normalize_tax_code(tax_code)
    except TaxCodeError as error:
        raise EnterpriseError({"tax_code": [error.message]}) from None
    enterprise = find_by_tax_code(code)
    if enterprise is None or enterprise.status == Status.MERGED:
        raise EnterpriseError({"tax_code": [_l("No enterprise with this tax code is registered; register it instead.")]})
    if enterprise.organization_id and any(m.organization_id == enterprise.organization_id for m in actor.memberships):
        raise EnterpriseError({"tax_code": [_l("You already represent this enterprise.")]})
    open_claim = db.session.scalar(
        db.select(ClaimRequest).where(
            ClaimRequest.enterprise_id == enterprise.id, ClaimRequest.user_id == actor.id, ClaimRequest.status == Decision.PENDING
        )
    )
    if open_claim is not None:
        return open_claim
    request = ClaimRequest(enterprise=enterprise, user_id=actor.id, message=(message or "").strip()[:2000])
    db.session.add(request)
    db.session.flush()
    return request


def decide_claim(actor: User, request: ClaimRequest, approve_it: bool, reason: str = "") -> None:
    """Grant or refuse a claim; a granted claim makes the claimant a representative."""
    require(actor, REVIEW_ENTERPRISE, request.enterprise)
    if request.status != Decision.PENDING:
        raise ReviewError(_l("This claim has already been decided."))
    if approve_it:
        give_representation(request.user, request.enterprise)
        request.status = Decision.APPROVED
    else:
        request.reason = _require_reason(reason)
        request.status = Decision.REJECTED
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    db.session.flush()


def dismiss_flag(actor: User, flag: DuplicateFlag) -> None:
    """Record that two alike records are different enterprises."""
    require(actor, REVIEW_ENTERPRISE, flag.enterprise)
    flag.status = "dismissed"
    flag.decided_by_id = actor.id
    db.session.flush()


def merge(actor: User, keep: Enterprise, drop: Enterprise) -> Enterprise:
    """Fold `drop` into `keep`: links, certificates, requests move over; `drop` stays as a merged record.

    Empty fields of `keep` take the values of `drop`. The dropped record is kept (status merged,
    pointing at `keep`) so its history and old links stay readable.
    """
    require(actor, REVIEW_ENTERPRISE, keep)
    require(actor, REVIEW_ENTERPRISE, drop)
    if keep.id == drop.id or Status.MERGED in {keep.status, drop.status}:
        raise ReviewError(_l("Choose two different records that are not merged already."))
    for field in ("name_en", "short_name", "commune_code", "address", "latitude", "longitude", "size_class", "founded_year",
                  "staff", "website", "email", "phone", "contact_name", "description"):
        if getattr(keep, field) in (None, "") and getattr(drop, field) not in (None, ""):
            setattr(keep, field, getattr(drop, field))
    keep.national_brand = keep.national_brand or drop.national_brand
    have = {(link.node_id, link.relation) for link in keep.items}
    for link in list(drop.items):
        if (link.node_id, link.relation) not in have:
            keep.items.append(EnterpriseItem(node_id=link.node_id, relation=link.relation))
    names = {c.name for c in keep.certificates}
    for certificate in list(drop.certificates):
        if certificate.name not in names:
            drop.certificates.remove(certificate)
            keep.certificates.append(certificate)
    for model in (PendingChange, ClaimRequest):
        for record in db.session.scalars(db.select(model).where(model.enterprise_id == drop.id)):
            record.enterprise = keep
    if keep.organization_id is None and drop.organization_id is not None:
        keep.organization_id = drop.organization_id
    for flag in db.session.scalars(
        db.select(DuplicateFlag).where(
            DuplicateFlag.status == "open",
            (DuplicateFlag.enterprise_id.in_([keep.id, drop.id])) | (DuplicateFlag.other_id.in_([keep.id, drop.id])),
        )
    ):
        if {flag.enterprise_id, flag.other_id} == {keep.id, drop.id}:
            flag.status = "merged"
            flag.decided_by_id = actor.id
    drop.status = Status.MERGED
    drop.merged_into_id = keep.id
    drop.review_note = f"merged into {keep.id}"
    save_enterprise(keep)
    search.remove_from_index(drop.id)
    db.session.flush()
    return keep


def _display(field: str, value) -> str:
    """Render a stored or proposed value for the difference table."""
    if value in (None, "", []):
        return "—"
    if field == "items":
        nodes = {n.id: n.code for n in db.session.scalars(db.select(CatalogNode).where(CatalogNode.id.in_([i for i, _r in value])))}
        return "; ".join(f"{nodes.get(i, i)} ({r})" for i, r in value)
    if field == "certificates":
        return "; ".join(c["name"] + (f" {c['number']}" if c.get("number") else "") for c in value)
    return str(value.value if hasattr(value, "value") else value)


def diff_rows(change: PendingChange) -> list[tuple[str, str, str]]:
    """List (field, current value, proposed value) for each field a pending change touches."""
    enterprise = change.enterprise
    current = {
        "items": sorted([link.node_id, link.relation.value] for link in enterprise.items),
        "certificates": [{"name": c.name, "number": c.number} for c in enterprise.certificates],
    }
    return [
        (field, _display(field, current[field] if field in current else getattr(enterprise, field)), _display(field, proposed))
        for field, proposed in change.changes.items()
    ]


@dataclass
class Queue:
    registrations: list[Enterprise]
    changes: list[PendingChange]
    claims: list[ClaimRequest]
    duplicates: list[DuplicateFlag]

    @property
    def size(self) -> int:
        return len(self.registrations) + len(self.changes) + len(self.claims) + len(self.duplicates)


def queue_for(actor: User) -> Queue:
    """Collect what waits for this officer: registrations, edits, claims and possible duplicates."""
    provinces = reviewed_provinces(actor)
    if provinces is not None and not provinces:
        raise PermissionDenied()

    def scoped(statement, model=Enterprise):
        return statement if provinces is None else statement.where(model.province_code.in_(provinces))

    # A profile whose representative has not confirmed their address yet is not submitted yet.
    unconfirmed = Enterprise.organization_id.in_(organizations_awaiting_confirmation())
    registrations = db.session.scalars(
        scoped(db.select(Enterprise).where(Enterprise.status == Status.PENDING, Enterprise.changes_requested.is_(False),
                                           or_(Enterprise.organization_id.is_(None), ~unconfirmed)))
        .order_by(Enterprise.created_at)
    )
    changes = db.session.scalars(
        scoped(db.select(PendingChange).join(Enterprise).where(PendingChange.status == Decision.PENDING)).order_by(PendingChange.submitted_at)
    )
    claims = db.session.scalars(
        scoped(db.select(ClaimRequest).join(Enterprise).where(ClaimRequest.status == Decision.PENDING)).order_by(ClaimRequest.submitted_at)
    )
    duplicates = db.session.scalars(
        scoped(
            db.select(DuplicateFlag).join(Enterprise, DuplicateFlag.enterprise_id == Enterprise.id).where(DuplicateFlag.status == "open")
        ).order_by(DuplicateFlag.score.desc())
    )
    return Queue(list(registrations), list(changes), list(claims), list(duplicates))
