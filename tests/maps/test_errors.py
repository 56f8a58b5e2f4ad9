"""Every problem the library reports has an English default message for the CLI."""
from __future__ import annotations

import re
from pathlib import Path

import maps
from maps.errors import MESSAGES, GeodataError, Notice, default_message

SOURCE = Path(maps.__file__).parent


def codes_in_source() -> set[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCE.glob("*.py"))
    return set(re.findall(r'(?:GeodataError|Notice)\(\s*"(\w+)"', text))


def test_every_code_raised_or_noticed_has_a_message():
    codes = codes_in_source()

    assert len(codes) > 20
    assert codes <= set(MESSAGES)


def test_an_error_carries_its_code_parameters_and_english_message():
    error = GeodataError("too_large", size_mb=61.2, limit_mb=50.0)

    assert (error.code, error.params) == ("too_large", {"size_mb": 61.2, "limit_mb": 50.0})
    assert str(error) == "The file is 61.2 MB; the limit is 50.0 MB."


def test_a_notice_has_a_message_too():
    assert Notice("z_dropped").message == "Heights (Z values) were dropped."


def test_a_message_missing_a_parameter_falls_back_to_its_code():
    assert default_message("too_large", {}) == "too_large"
    assert default_message("not_a_code", {}) == "not_a_code"
