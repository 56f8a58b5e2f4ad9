"""The schedule's words: why a request was not placed, why a published meeting moved, why a run or a pin is refused.

The scheduler answers with codes and parameters (docs/scheduling.md); these turn them into the
organizer's language, naming the participants, slots and limits.
"""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from registry.i18n import clock


def slot_words(key: str, slot=None) -> str:
    """A slot in the reader's locale: its day, and its hours as the event's local clock shows them."""
    if slot is None:
        return key
    return f"{format_date(slot.day)} {clock(slot.start)}–{clock(slot.end)}"


def reason_text(code: str, params: dict, name, slot_of=None) -> str:
    """An unplaced request's or a moved meeting's reason, in words. `name(id)` names a participant."""
    slot_of = slot_of or {}
    who = name(params["participant"]) if "participant" in params else ""
    texts = {
        "declined": lambda: _("One side declined a meeting with the other: they are never scheduled."),
        "no_common_free_slot": lambda: _("No common free slot: the two are never free at the same time.") if not params.get("shared")
        else _("No common free slot: in the %(n)d slots both are free in, one of them has another meeting.", n=params["shared"]),
        "participant_full": lambda: _("%(name)s is full: it has the most meetings allowed (%(limit)d).", name=who,
                                      limit=params.get("limit") or 0),
        "no_table": lambda: _("No table: every table is taken in the slots both are free in."),
        "not_reached": lambda: _("The solver stopped at its time limit before placing it; run it again or solve it from the command line."),
        "no_gain": lambda: _("Placing it gains nothing."),
        "request_withdrawn": lambda: _("Moved: the request is no longer accepted, or a participant left the event."),
        "pinned": lambda: _("Moved: the organizer pinned it elsewhere."),
        "slot_removed": lambda: _("Moved: its slot is no longer in any session."),
        "unavailable": lambda: _("Moved: %(name)s is no longer free in its slot.", name=who),
        "pin_conflict": lambda: _("Moved: a pinned meeting takes its table or one of its participants in that slot."),
        "table_removed": lambda: _("Moved: its table is no longer open in that slot."),
        "table_taken": lambda: _("Moved to another table: its table went to another meeting."),
        "rearranged": lambda: _("Moved: a change elsewhere made the solver place it better."),
    }
    found = texts.get(code)
    return found() if found else code


def error_text(code: str, params: dict, name, requests: dict, slot_of: dict) -> str:
    """A refusal of the scheduler (a bad pin, a bad availability) in words."""
    def pair(request_id) -> str:
        found = requests.get(request_id)
        return f"{name(found.requester_id)} – {name(found.counterpart_id)}" if found is not None else str(request_id)

    slot = slot_words(params.get("slot", ""), slot_of.get(params.get("slot", "")))
    texts = {
        "pin_conflict": lambda: _("This pin clashes with the pinned meeting %(other)s in %(slot)s: they share a table or a participant.",
                                  other=pair(params["requests"][0]), slot=slot),
        "pin_no_table": lambda: _("More meetings are pinned in %(slot)s than it has tables.", slot=slot),
        "pin_unavailable": lambda: _("%(name)s is not free in %(slot)s.", name=name(params.get("participant")), slot=slot),
        "pin_over_limit": lambda: _("%(name)s would have more than its %(limit)d meetings.", name=name(params.get("participant")),
                                    limit=params.get("limit") or 0),
        "pin_declined": lambda: _("The pair declined a meeting: it cannot be pinned."),
        "pin_unknown_slot": lambda: _("Choose one of the event's slots."),
        "pin_unknown_table": lambda: _("The table is not open in that slot."),
        "pin_unknown_request": lambda: _("Only accepted requests between approved participants are scheduled."),
        "unknown_slot": lambda: _("%(name)s is available outside the event's slots.", name=name(params.get("participant"))),
    }
    found = texts.get(code)
    return found() if found else _("The schedule cannot be built as given (%(code)s).", code=code)
