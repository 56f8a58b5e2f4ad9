"""Representatives' changes to published profiles, kept as JSON until an officer decides."""
from __future__ import annotations

from datetime import date

from registry.extensions import db

from .models import Certificate, Enterprise, PendingChange, Relation, SizeClass


def changed_fields(enterprise: Enterprise, cleaned: dict) -> dict:
    """Keep only the fields of `cleaned` that differ from the record, in a form JSON can hold."""
    changes = {}
    for field, value in cleaned.items():
        if field == "items":
            current = sorted((link.node_id, link.relation.value) for link in enterprise.items)
            proposed = sorted((n, r.value) for n, r in value)
            if current != proposed:
                changes["items"] = [[n, r] for n, r in proposed]
        elif field == "certificates":
            current = [certificate_json(c) for c in enterprise.certificates]
            proposed = [{**c, **{k: c[k].isoformat() if c[k] else None for k in ("issued_on", "expires_on")}} for c in value]
            if current != proposed:
                changes["certificates"] = proposed
        else:
            stored = getattr(enterprise, field)
            if stored != value:
                changes[field] = value.value if hasattr(value, "value") else value
    return changes


def certificate_json(certificate: Certificate) -> dict:
    return {
        "name": certificate.name,
        "number": certificate.number,
        "issuer": certificate.issuer,
        "issued_on": certificate.issued_on.isoformat() if certificate.issued_on else None,
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
    }


def cleaned_from_changes(changes: dict) -> dict:
    """Turn a stored pending change back into values `apply_values` takes."""
    cleaned = dict(changes)
    if "items" in cleaned:
        cleaned["items"] = [(n, Relation(r)) for n, r in cleaned["items"]]
    if "certificates" in cleaned:
        cleaned["certificates"] = [
            {**c, **{k: date.fromisoformat(c[k]) if c[k] else None for k in ("issued_on", "expires_on")}} for c in cleaned["certificates"]
        ]
    if cleaned.get("size_class"):
        cleaned["size_class"] = SizeClass(cleaned["size_class"])
    return cleaned


def pending_changes_of(enterprise: Enterprise) -> list[PendingChange]:
    return list(
        db.session.scalars(
            db.select(PendingChange)
            .where(PendingChange.enterprise_id == enterprise.id)
            .order_by(PendingChange.submitted_at.desc(), PendingChange.id.desc())
        )
    )
