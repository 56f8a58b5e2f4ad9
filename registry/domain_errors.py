"""The refusals services raise, one family for every feature; `registry.errors` answers them.

Each carries a message for the user (a lazy translation), field errors as `{field: [messages]}`
where input was wrong, and the HTTP status it becomes. Features subclass these (and keep their
own attributes); pages and the API never map them one by one.
"""
from __future__ import annotations


class DomainError(Exception):
    """An action the registry refuses; `status` is how pages and the API answer it."""

    status = 400

    def __init__(self, message=None, errors: dict[str, list] | None = None):
        summary = "; ".join(f"{field}: {', '.join(str(m) for m in ms)}" for field, ms in (errors or {}).items())
        super().__init__(str(message) if message is not None else summary or type(self).__name__)
        self.message = message
        self.errors = errors or {}

    def messages(self) -> list[str]:
        """Every message for the user: the field errors', else the refusal's own."""
        found = [str(m) for messages in self.errors.values() for m in messages]
        return found or ([str(self.message)] if self.message is not None else [])


class NotFound(DomainError):
    """There is no such record (or the user may not know it exists)."""

    status = 404


class Forbidden(DomainError):
    """The user may not do this."""

    status = 403


class Conflict(DomainError):
    """The record changed since the user read it, or its state no longer allows the action."""

    status = 409


class Invalid(DomainError, ValueError):
    """Bad input, with the field each problem concerns."""

    status = 422


class TooLarge(DomainError):
    """The input is larger than the registry accepts."""

    status = 413
