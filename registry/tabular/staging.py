"""Keep an uploaded file between the steps of an import: its bytes, owner, name and column choices."""
from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

STALE_AFTER_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class StagedFile:
    token: str
    owner_id: int
    filename: str
    folder: Path
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def data_path(self) -> Path:
        return self.folder / f"{self.token}.bin"

    @property
    def meta_path(self) -> Path:
        return self.folder / f"{self.token}.json"

    def read(self) -> bytes:
        return self.data_path.read_bytes()

    def save(self) -> None:
        """Write the owner, file name and mapping next to the bytes."""
        meta = {"owner_id": self.owner_id, "filename": self.filename, "mapping": self.mapping}
        self.meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    def discard(self) -> None:
        self.data_path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)


def stage(folder: Path, owner_id: int, filename: str, data: bytes) -> StagedFile:
    """Store an upload under a random token; clear other people's abandoned uploads on the way."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder)
    staged = StagedFile(token=secrets.token_urlsafe(24), owner_id=owner_id, filename=filename, folder=folder)
    staged.data_path.write_bytes(data)
    staged.save()
    return staged


def load(folder: Path, token: str, owner_id: int) -> StagedFile | None:
    """Return the staged file if the token is well formed, the file exists and `owner_id` uploaded it."""
    if not _TOKEN.match(token or ""):
        return None
    meta_path = folder / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    staged = StagedFile(token=token, owner_id=meta.get("owner_id"), filename=str(meta.get("filename") or ""), folder=folder,
                        mapping=dict(meta.get("mapping") or {}))
    if staged.owner_id != owner_id or not staged.data_path.exists():
        return None
    return staged


def remove_stale(folder: Path, max_age: float = STALE_AFTER_SECONDS) -> int:
    """Delete staged files older than `max_age` seconds; returns how many files went."""
    cutoff = time.time() - max_age
    removed = 0
    for path in folder.glob("*"):
        if path.suffix in {".bin", ".json"} and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def import_limit() -> int:
    """Return the largest import file accepted, in bytes (the IMPORT_MAX_BYTES setting)."""
    return int(current_app.config["IMPORT_MAX_BYTES"])
