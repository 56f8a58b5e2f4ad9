"""Find records of one province whose names are alike, and flag them for an officer."""
from __future__ import annotations

from rapidfuzz import fuzz, process

from registry.extensions import db

from .models import DuplicateFlag, Enterprise, Status

# rapidfuzz `ratio` on folded names with the legal-form words removed (the shared "cong ty tnhh"
# prefix would otherwise pair up unrelated firms); the tax code stays the hard key.
SIMILAR_NAME_SCORE = 90


def similar_in_province(enterprise: Enterprise, limit: int = 5) -> list[tuple[Enterprise, float]]:
    """Find other records of the same province whose core names are alike (the tax code is the hard key)."""
    rows = db.session.execute(
        db.select(Enterprise.id, Enterprise.name_core).where(
            Enterprise.province_code == enterprise.province_code,
            Enterprise.id != enterprise.id,
            Enterprise.status != Status.MERGED,
        )
    ).all()
    if not rows or not enterprise.name_core:
        return []
    names = {row.id: row.name_core for row in rows}
    matches = process.extract(enterprise.name_core, names, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAME_SCORE, limit=limit)
    return [(db.session.get(Enterprise, key), score) for _name, score, key in matches]


def flag_similar(enterprise: Enterprise) -> list[DuplicateFlag]:
    """Record a flag for each alike record of the province, for an officer to merge or dismiss."""
    flags = []
    for other, score in similar_in_province(enterprise):
        low, high = sorted([enterprise.id, other.id])
        exists = db.session.scalar(db.select(DuplicateFlag).where(DuplicateFlag.enterprise_id == low, DuplicateFlag.other_id == high))
        if exists is None:
            flag = DuplicateFlag(enterprise_id=low, other_id=high, score=round(score, 1))
            db.session.add(flag)
            flags.append(flag)
    db.session.flush()
    return flags


