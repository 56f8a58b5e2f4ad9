"""Events for the site search, ranked by how well their names (or venue) match."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry.extensions import db
from registry.i18n import locale_code
from registry.search_hits import Found, Hit
from registry.text import fold, match_score, matches, terms

from .models import Event
from .queries import visible_condition
from .wording import KIND_LABELS

WEIGHT = 0.02
OTHER_TEXT = 0.3  # found by its venue rather than its name


def event_hits(query: str, viewer, limit: int) -> Found:
    """Find the events the viewer may see whose name or venue holds the query's words."""
    query_terms = terms(query)
    words = matches(Event.search_folded, query, padded=True) if query_terms else None
    if words is None:
        return Found()
    events = db.session.scalars(select(Event).where(visible_condition(viewer), words).order_by(Event.starts_on.desc()).limit(limit)).all()
    locale = locale_code()
    hits = []
    for event in events:
        named = max(match_score(fold(name), query_terms) for name in (event.name_vi, event.name_en))
        hits.append(Hit(kind="event", label=_("Event"), title=event.name(locale), url=url_for("events.detail", event_id=event.id),
                        score=(named or OTHER_TEXT) + WEIGHT,
                        detail=f"{KIND_LABELS[event.kind]} · {event.starts_on.isoformat()}" + (" · " + _("demo") if event.is_demo else "")))
    return Found(hits=hits, total=len(hits))
