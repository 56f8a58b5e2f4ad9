"""A certificate's status on a day: one pure function, read across its date boundaries with a fixed clock (time-machine).

The boundaries: the 90th day before the validity end (expiring from it, valid the day before),
the validity end itself (still expiring), the day after (expired); a 36-month validity from a
29 February issue; events that suspend, reinstate and revoke, each counting from its own day.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from registry.ecolabels.status import Event, Status, default_valid_until, expiring_from, status_on

ISSUED = date(2024, 2, 29)  # a leap day
END = default_valid_until(ISSUED)


def test_a_certificate_runs_thirty_six_months_and_a_leap_day_issue_ends_on_the_last_day_of_february():
    assert default_valid_until(date(2025, 3, 10)) == date(2028, 3, 10)
    assert END == date(2027, 2, 28)  # 2027 has no 29 February
    assert default_valid_until(date(2025, 2, 28)) == date(2028, 2, 28)
    assert default_valid_until(date(2021, 2, 28), months=36) == date(2024, 2, 28)


@pytest.mark.parametrize(("day", "expected"), [
    (ISSUED, Status.VALID),
    (expiring_from(END) - timedelta(days=1), Status.VALID),  # the 91st day before the end
    (expiring_from(END), Status.EXPIRING),  # the 90th day before the end
    (END, Status.EXPIRING),  # its last valid day
    (END + timedelta(days=1), Status.EXPIRED),
])
def test_the_status_turns_at_the_ninety_day_edge_and_after_the_last_valid_day(day, expected):
    with time_machine.travel(day, tick=False):
        assert status_on(ISSUED, END, [], date.today()) == expected


def test_the_ninety_day_edge_counts_a_leap_day_as_a_day():
    end = date(2028, 3, 30)  # 90 days before it crosses 29 February 2028
    assert expiring_from(end) == date(2027, 12, 31)
    with time_machine.travel(date(2027, 12, 30), tick=False):
        assert status_on(date(2025, 3, 30), end, [], date.today()) == Status.VALID
    with time_machine.travel(date(2027, 12, 31), tick=False):
        assert status_on(date(2025, 3, 30), end, [], date.today()) == Status.EXPIRING


def test_a_suspension_counts_from_its_day_and_a_reinstatement_lifts_it():
    events = [Event("suspended", date(2025, 6, 1)), Event("reinstated", date(2025, 7, 1))]
    assert status_on(ISSUED, END, events, date(2025, 5, 31)) == Status.VALID
    assert status_on(ISSUED, END, events, date(2025, 6, 1)) == Status.SUSPENDED
    assert status_on(ISSUED, END, events, date(2025, 6, 30)) == Status.SUSPENDED
    assert status_on(ISSUED, END, events, date(2025, 7, 1)) == Status.VALID
    # A suspended certificate past its end reads suspended: the withdrawal is what the reader must know.
    assert status_on(ISSUED, END, events[:1], END + timedelta(days=5)) == Status.SUSPENDED


def test_a_revocation_is_final_whatever_comes_after():
    events = [Event("revoked", date(2025, 6, 1)), Event("reinstated", date(2025, 7, 1))]
    assert status_on(ISSUED, END, events, date(2025, 5, 31)) == Status.VALID
    assert status_on(ISSUED, END, events, date(2025, 6, 1)) == Status.REVOKED
    assert status_on(ISSUED, END, events, date(2030, 1, 1)) == Status.REVOKED
