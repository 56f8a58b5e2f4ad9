"""The status of an eco-label certificate on a day, from its dates and its withdrawal events: one pure function.

No Flask, no database: the register, the verification, the badges, the sweep and the API all ask
`status_on`, so a certificate reads the same everywhere on the same day.
"""
from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

EXPIRING_DAYS = 90  # a certificate is "expiring" from 90 days before its last valid day
VALIDITY_MONTHS = 36  # Decree 08/2022 regime (FACTS §2): 36 months from the date of issue


class Status(enum.StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class EventKind(enum.StrEnum):
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    REVOKED = "revoked"


class Event(NamedTuple):
    kind: str
    on: date


# Statuses under which a label may be used: what "eco-labelled" means for an enterprise.
IN_FORCE = frozenset({Status.VALID, Status.EXPIRING})


def default_valid_until(issued_on: date, months: int = VALIDITY_MONTHS) -> date:
    """The validity end: the same day `months` after issue (a 29 February issue ends on 28 February, or 29 in a leap year)."""
    month = issued_on.month - 1 + months
    year, month = issued_on.year + month // 12, month % 12 + 1
    day = min(issued_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def withdrawal_on(events: Iterable[Event], day: date) -> str | None:
    """"suspended" or "revoked" when the events in effect on `day` withdraw the label, else None; a revocation is final."""
    state = None
    for event in sorted(events, key=lambda e: e.on):
        if event.on > day:
            break
        if event.kind == EventKind.REVOKED:
            return Status.REVOKED
        state = Status.SUSPENDED if event.kind == EventKind.SUSPENDED else None
    return state


def status_on(issued_on: date, valid_until: date, events: Iterable[Event], day: date) -> Status:
    """The certificate's status on `day`.

    Revoked and suspended come from the events dated on or before `day` (revoked for ever, suspended
    until a reinstatement); otherwise expired after `valid_until`, expiring when `valid_until` is
    within EXPIRING_DAYS of `day` (the 90th day before it included), valid before. A day before issue
    reads by the dates alone, as the certificate will be.
    """
    withdrawn = withdrawal_on(events, day)
    if withdrawn is not None:
        return Status(withdrawn)
    if day > valid_until:
        return Status.EXPIRED
    if (valid_until - day).days <= EXPIRING_DAYS:
        return Status.EXPIRING
    return Status.VALID


def expiring_from(valid_until: date) -> date:
    """The first day the certificate reads as expiring."""
    return valid_until - timedelta(days=EXPIRING_DAYS)
