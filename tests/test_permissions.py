"""Permission rules: each feature registers its own, and a mistake in an action's name fails loudly."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from registry.accounts import permissions
from registry.accounts.permissions import DuplicateRule, PermissionDenied, UnknownAction, can, require, rule
from registry.zones.permissions import EDIT_ZONE

FAKE_FEATURE = "fake_ecolabels"

PERMISSIONS_PY = '''
from registry.accounts.permissions import oversees, rule

AWARD_LABEL = rule("ecolabel.award", lambda user, enterprise: oversees(user, enterprise.province_code))
'''

SERVICE_PY = '''
from registry.accounts.permissions import require

from .permissions import AWARD_LABEL


def award_label(actor, enterprise, label):
    require(actor, AWARD_LABEL, enterprise)
    enterprise.labels.append(label)
'''


@pytest.fixture
def rules(monkeypatch):
    """Let a test register rules of its own, forgotten when it ends."""
    monkeypatch.setattr(permissions, "RULES", dict(permissions.RULES))
    yield
    for name in [name for name in sys.modules if name.split(".")[0] == FAKE_FEATURE]:
        del sys.modules[name]


@pytest.fixture
def fake_feature(tmp_path, monkeypatch, rules):
    """A feature written after the registry, in a package of its own that accounts knows nothing of."""
    package = tmp_path / FAKE_FEATURE
    package.mkdir()
    (package / "__init__.py").write_text('"""Eco-labels, as a feature added later would bring them."""\n')
    (package / "permissions.py").write_text(PERMISSIONS_PY)
    (package / "service.py").write_text(SERVICE_PY)
    monkeypatch.syspath_prepend(str(tmp_path))
    return importlib.import_module(f"{FAKE_FEATURE}.service")  # importing the service registers its rules


def test_a_new_feature_registers_its_rule_in_its_own_package_and_can_uses_it(ctx, accounts, fake_feature):
    officer = accounts.user("officer@example.vn", role="province_officer")  # of Quảng Ngãi (51)
    investor = accounts.user("investor@example.vn", role="investor", name="Công ty Đầu tư", kind="enterprise", province=None)
    in_quang_ngai = SimpleNamespace(province_code="51", labels=[])
    in_gia_lai = SimpleNamespace(province_code="52", labels=[])

    fake_feature.award_label(officer, in_quang_ngai, "Nhãn sinh thái")

    assert in_quang_ngai.labels == ["Nhãn sinh thái"]
    assert can(officer, "ecolabel.award", in_quang_ngai)
    for actor, enterprise in [(officer, in_gia_lai), (investor, in_quang_ngai), (None, in_quang_ngai)]:
        with pytest.raises(PermissionDenied):
            fake_feature.award_label(actor, enterprise, "Nhãn sinh thái")
    assert in_gia_lai.labels == [] and in_quang_ngai.labels == ["Nhãn sinh thái"]


def test_an_unknown_action_is_a_programming_error_not_a_refusal(ctx, accounts):
    admin = accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    zone = SimpleNamespace(organization_id=None, province_code="51")
    assert can(admin, EDIT_ZONE, zone)

    for user in (admin, None):
        with pytest.raises(UnknownAction, match="zone.edti"):
            can(user, "zone.edti", zone)
        with pytest.raises(UnknownAction):
            require(user, "zone.edti", zone)


def test_a_second_rule_for_an_action_is_refused_and_the_first_still_decides(ctx, accounts, rules):
    officer = accounts.user("officer@example.vn", role="province_officer")
    zone_in_gia_lai = SimpleNamespace(organization_id=None, province_code="52")

    with pytest.raises(DuplicateRule, match="zone.edit"):
        rule("zone.edit", lambda user, zone: True)

    assert not can(officer, EDIT_ZONE, zone_in_gia_lai)


def test_the_permission_core_imports_no_feature_and_holds_only_the_base_rules():
    script = textwrap.dedent("""
        import sys
        from registry.accounts.permissions import RULES
        features = sorted({name.split(".")[1] for name in sys.modules if name.startswith("registry.")})
        print(" ".join(features))
        print(" ".join(sorted(RULES)))
    """)
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, check=True)
    imported, registered = (line.split() for line in result.stdout.splitlines())
    assert not {"catalog", "enterprises", "zones", "mapping", "api"} & set(imported)
    assert registered == ["accounts.manage", "audit.view", "province.edit"]
