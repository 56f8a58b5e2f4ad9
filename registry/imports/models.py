"""An upload kept between the steps of an import: its bytes, what was read from them, the user's choices and the commit's progress."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.audit.models import utcnow
from registry.extensions import db


class JobState:
    """Where the commit of a staged upload stands; "" before anyone asked for it."""

    NONE, QUEUED, RUNNING, DONE, FAILED = "", "queued", "running", "done", "failed"
    FINISHED = frozenset({DONE, FAILED})


class StagedUpload(db.Model):
    """One user's upload of one kind of import, in the database so that any app host can serve the next step.

    `parsed` holds what the kind's reader made of the bytes (zlib-compressed JSON), so a file is
    read once; `data` is kept for the readers that need it again (another list of a JSON file).
    The job columns say how far the commit has got, for the progress page of every host.
    """

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    parsed: Mapped[bytes] = mapped_column(LargeBinary)
    choices: Mapped[dict] = mapped_column(JSON, default=dict)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    job_state: Mapped[str] = mapped_column(String(10), default=JobState.NONE)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[dict] = mapped_column(JSON, default=dict)
