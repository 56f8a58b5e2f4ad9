"""Keep an upload between the steps of an import, in the database: owner, kind, bytes, what was read from them, choices.

An upload lasts STALE_AFTER; the abandoned ones are deleted whenever someone stages a new one.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app

from registry.audit.models import utcnow
from registry.extensions import db
from registry.tabular.stored import pack, unpack

from .models import JobState, StagedUpload

STALE_AFTER = timedelta(hours=24)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def stage(owner_id: int, kind: str, filename: str, data: bytes, parsed: object, *, choices: dict | None = None,
          mapping: dict | None = None) -> StagedUpload:
    """Store an upload and what its reader made of it (JSON-ready) under a random token; clear abandoned uploads on the way."""
    remove_stale()
    now = utcnow()
    staged = StagedUpload(token=secrets.token_urlsafe(24), owner_id=owner_id, kind=kind, filename=filename[:255], data=data,
                          parsed=pack(parsed), choices=dict(choices or {}), mapping=dict(mapping or {}), created_at=now,
                          expires_at=now + STALE_AFTER, job_state=JobState.NONE, rows_done=0, rows_total=0, problems=[], outcome={})
    db.session.add(staged)
    db.session.flush()
    return staged


def load(token: str, owner_id: int, kind: str) -> StagedUpload | None:
    """Return the upload if the token is well formed, it has not expired, and `owner_id` staged it for this kind of import."""
    if not _TOKEN.match(token or ""):
        return None
    staged = db.session.get(StagedUpload, token)
    if staged is None or staged.owner_id != owner_id or staged.kind != kind or staged.expires_at < utcnow():
        return None
    return staged


def parsed(staged: StagedUpload) -> object:
    """Return what the reader made of the upload, as it was stored."""
    return unpack(staged.parsed)


def keep_parsed(staged: StagedUpload, value: object) -> None:
    staged.parsed = pack(value)


def discard(staged: StagedUpload) -> None:
    db.session.delete(staged)


def remove_stale() -> int:
    """Delete the uploads past their expiry; return how many went."""
    return db.session.execute(db.delete(StagedUpload).where(StagedUpload.expires_at < utcnow())).rowcount


def import_limit() -> int:
    """Return the largest import file accepted, in bytes (the IMPORT_MAX_BYTES setting)."""
    return int(current_app.config["IMPORT_MAX_BYTES"])
