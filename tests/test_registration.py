"""A visitor registers an enterprise and opens an account in one step, through one service the page and the API share."""
from __future__ import annotations

import re

import pytest

from registry.accounts.models import Role, User
from registry.accounts.service import AccountError
from registry.audit.service import acting_as
from registry.enterprises.models import Enterprise, Status
from registry.enterprises.registration import NewAccount, register
from registry.enterprises.service import EnterpriseError
from registry.extensions import db

from .conftest import PASSWORD, csrf_token

PROFILE = {"tax_code": "0100233488", "name_vi": "Công ty TNHH Môi trường Xanh Dung Quất", "province_code": "51",
           "items": [{"code": "C2.01", "relation": "manufactures"}]}


def stored(app) -> tuple[list[str], list[str]]:
    with app.app_context():
        return ([u.email for u in db.session.scalars(db.select(User).order_by(User.id))],
                [e.tax_code for e in db.session.scalars(db.select(Enterprise))])


def test_a_visitor_gets_an_account_and_a_profile_waiting_for_review(app, ctx):
    with acting_as("tests"):  # the service acts as the new account from then on; the block ends that
        enterprise = register(dict(PROFILE), account=NewAccount("rep@example.vn", PASSWORD, "Trần Thị Bình"))
    assert enterprise.status == Status.PENDING and enterprise.source == "registration"
    user = db.session.scalar(db.select(User).where(User.email == "rep@example.vn"))
    assert user.full_name == "Trần Thị Bình"
    assert [(m.organization_id, m.role) for m in user.memberships] == [(enterprise.organization_id, Role.ENTERPRISE_REP)]


def test_a_taken_address_keeps_nothing_and_its_owner_is_untouched(app, ctx, accounts):
    accounts.user("officer@example.vn")
    before = db.session.scalar(db.select(User.password_hash).where(User.email == "officer@example.vn"))
    with acting_as("tests"):
        assert register(dict(PROFILE), account=NewAccount("officer@example.vn", "a fresh password 2026")) is None
    assert db.session.scalars(db.select(Enterprise)).all() == []
    assert db.session.scalar(db.select(User.password_hash).where(User.email == "officer@example.vn")) == before


@pytest.mark.parametrize("email", ["officer@example.vn", "newcomer@example.vn"])
def test_the_account_is_checked_first_then_the_profile_and_a_taken_address_is_refused_alike(app, accounts, email):
    accounts.user("officer@example.vn")
    with app.app_context(), acting_as("tests"):
        with pytest.raises(AccountError) as short:
            register({**PROFILE, "tax_code": "123"}, account=NewAccount(email, "short"))
        assert short.value.field == "password"  # the bad tax code is not reached
        with pytest.raises(EnterpriseError) as bad:
            register({**PROFILE, "tax_code": "123"}, account=NewAccount(email, PASSWORD))
        assert set(bad.value.errors) == {"tax_code"}
        db.session.rollback()
    assert stored(app) == (["officer@example.vn"], [])  # no account was opened for a refused profile


def test_a_refused_profile_reads_the_same_whether_or_not_the_address_has_an_account(app, accounts):
    accounts.user("officer@example.vn")
    pages = []
    for email in ("officer@example.vn", "newcomer@example.vn"):
        client = app.test_client()
        answer = client.post("/enterprises/register", data={
            "csrf_token": csrf_token(client, "/enterprises/register"), "account_email": email, "account_name": "Kẻ dò tìm",
            "password": PASSWORD, "tax_code": "0100233480", "name_vi": "Công ty TNHH Dò Tìm", "province_code": "51"})
        assert answer.status_code == 422
        page = answer.get_data(as_text=True)
        pages.append(re.sub(r'value="[^"]*"', "", page))  # the address typed and the form token aside
        assert "Chữ số kiểm tra" in page or "check digit" in page
    assert pages[0] == pages[1]
    assert stored(app) == (["officer@example.vn"], [])


def test_a_signed_in_user_registers_without_a_new_account(app, client, accounts):
    accounts.user("investor@example.vn", role=None)
    accounts.sign_in(client, "investor@example.vn")
    answer = client.post("/enterprises/register", data={
        "csrf_token": csrf_token(client, "/enterprises/register"), "tax_code": "0100233488",
        "name_vi": "Công ty TNHH Môi trường Xanh Dung Quất", "province_code": "51", "item-C2.01": "manufactures"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/enterprises/mine")
    assert stored(app) == (["investor@example.vn"], ["0100233488"])
    assert "Môi trường Xanh Dung Quất" in client.get("/enterprises/mine").get_data(as_text=True)
