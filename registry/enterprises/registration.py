"""Registering an enterprise as its representative, with a new account for a visitor: one service for page and API."""
from __future__ import annotations

from dataclasses import dataclass

from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.audit.service import set_actor

from . import service
from .models import Enterprise


@dataclass(frozen=True)
class NewAccount:
    """The account a visitor asks for while registering: e-mail address, password and name."""

    email: str
    password: str
    full_name: str = ""


def register(values: dict, *, user: User | None = None, account: NewAccount | None = None) -> Enterprise | None:
    """Register a profile that waits for review, as `user` or as the holder of a new `account`.

    For a visitor the checks come in this order, all before anything is stored: the account's
    e-mail address and password (AccountError), then the profile (EnterpriseError), and only then
    is the account opened. An address that already has an account gives None and keeps nothing,
    after the same checks and the same password hashing as a free one, so that neither the answer
    nor its timing tells whether the address is taken. Everything happens in the caller's one
    transaction: a refusal at any step leaves no account behind.
    """
    if user is not None:
        return service.register_enterprise(user, values)
    if account is None:
        raise ValueError("register needs the signed-in user or a new account")
    accounts.check_new_account(account.email, account.password)
    service.clean_profile(values)
    opened = accounts.open_account(account.email, account.password, full_name=account.full_name)
    if opened is None:
        return None
    set_actor(opened)
    return service.register_enterprise(opened, values)
