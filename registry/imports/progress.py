"""How far an import has got, told to whoever runs it: a job's progress row, the command line's output, or no one.

The checkers and writers call `advance` and `writing` wherever they are; the runner of the import
sets the `Reporter` for the block with `reporting`. Nothing is reported when no one listens.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

from flask_babel import format_decimal
from flask_babel import gettext as _

from .models import JobState

# Rows between two reports: often enough for a bar that moves, rarely enough to cost nothing.
EVERY_ROWS = 2000
# Problems shown while a job runs; the finished page shows every one.
PROBLEMS_WHILE_RUNNING = 20


class Reporter:
    """Receives the progress of one import; the default ignores it."""

    def started(self, total: int) -> None:
        """The file holds `total` rows to check."""

    def checked(self, done: int, total: int, problems: Sequence) -> None:
        """`done` rows of `total` are checked; `problems` are the errors found so far."""

    def writing(self, total: int) -> None:
        """Every row passed; `total` rows are about to be written."""


_reporter: ContextVar[Reporter] = ContextVar("import_reporter", default=Reporter())


@contextlib.contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    token = _reporter.set(reporter)
    try:
        yield reporter
    finally:
        _reporter.reset(token)


def started(total: int) -> None:
    _reporter.get().started(total)


def advance(done: int, total: int, problems: Sequence) -> None:
    """Report every EVERY_ROWS rows and at the last one; cheap to call for every row."""
    if done % EVERY_ROWS == 0 or done == total:
        _reporter.get().checked(done, total, [p for p in problems if not p.warning])


def writing(total: int) -> None:
    _reporter.get().writing(total)


class Printed(Reporter):
    """Print the progress on the command line (standard error), as the progress page shows it."""

    def __init__(self, echo) -> None:
        self.echo = echo

    def checked(self, done, total, problems) -> None:
        self.echo(summary(done, total, len(problems)))

    def writing(self, total: int) -> None:
        self.echo(_("Every row is correct; writing %(n)s rows…", n=format_decimal(total)))


def summary(done: int, total: int, problems: int, state: str = JobState.RUNNING) -> str:
    """Say in words how far an import has got, as the page and the command line show it."""
    if state == JobState.QUEUED:
        return _("Waiting for the import to start…")
    if state == JobState.DONE:
        return _("Every row is imported.")
    if state == JobState.FAILED:
        return _("Nothing was imported: %(n)d problem(s) were found.", n=problems)
    return _("%(done)s of %(total)s rows checked, %(left)s left; %(n)d problem(s) found so far.",
             done=format_decimal(done), total=format_decimal(total), left=format_decimal(max(total - done, 0)), n=problems)
