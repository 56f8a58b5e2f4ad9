"""Notify a user: a notice in the app (the bell) and a copy by e-mail, each key once per user; read and mark notices.

Features call `notify` with the text already written in the recipient's language (`in_language`);
this package imports no feature.
"""
from __future__ import annotations

from flask_mail import Message
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from registry.accounts.mail import queue_message
from registry.accounts.models import User
from registry.audit.models import utcnow
from registry.extensions import db

from .models import Notification

PER_PAGE = 50


def notify(user: User, key: str, title: str, body: str = "", link: str = "", *, mail: bool = True) -> bool:
    """Give `user` the notice `key` unless they have it; e-mail a copy when committed. Returns whether it was new.

    Safe to repeat: a second call with the same key, or one racing it (the unique key holds), adds nothing.
    """
    if db.session.scalar(select(Notification.id).where(Notification.user_id == user.id, Notification.key == key)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Notification(user_id=user.id, key=key[:200], title=title[:300], body=body, link=link[:300]))
    except IntegrityError:  # the unique key: another process gave the same notice first
        return False
    if mail and user.email and user.is_active:
        queue_message(Message(subject=title, recipients=[user.email], body="\n\n".join(part for part in (body, link) if part)))
    return True


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def notices_of(user, limit: int = PER_PAGE) -> list[Notification]:
    """The user's notices, newest first."""
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def notice_of(user, notice_id: int) -> Notification | None:
    """One of the user's own notices (another's is not there)."""
    return db.session.scalar(select(Notification).where(Notification.id == notice_id, Notification.user_id == user.id))


def mark_read(user, notice_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them, `notice_id` None) as read; returns how many were unread."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notice_id is not None:
        statement = statement.where(Notification.id == notice_id)
    return db.session.execute(statement.values(read_at=utcnow()), execution_options={"synchronize_session": False}).rowcount
