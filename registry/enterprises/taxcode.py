"""Vietnamese enterprise tax codes (mã số thuế): 10 digits, or 13 with a branch suffix 001–999."""
from __future__ import annotations

import operator

from flask_babel import lazy_gettext as _l
from stdnum import exceptions
from stdnum.vn import mst


class TaxCodeError(ValueError):
    """A tax code that breaks one of the rules; the message names the rule."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def normalize_tax_code(value: str | None) -> str:
    """Return the tax code as stored (digits only, 10 or 13 long), or raise TaxCodeError naming the rule."""
    text = str(value or "")
    if len(text) in (10, 13) and text.isascii() and text.isdigit():  # plain digits are already compact
        if _plainly_valid(text):
            return text
    else:
        text = mst.compact(text)
    if not text:
        raise TaxCodeError(_l("Enter the tax code (mã số thuế)."))
    if not text.isdigit():
        raise TaxCodeError(_l("A tax code holds digits only (with an optional hyphen before a branch suffix)."))
    if len(text) not in (10, 13):
        raise TaxCodeError(
            _l("A tax code has 10 digits, or 13 for a branch (10 digits, a hyphen, 3 digits); this one has %(n)d.", n=len(text))
        )
    try:
        mst.validate(text)
    except exceptions.InvalidChecksum:
        raise TaxCodeError(_l("The check digit (the 10th digit) does not match the first nine: the code is mistyped.")) from None
    except exceptions.InvalidComponent:
        if text[10:] == "000":
            raise TaxCodeError(_l("A branch suffix runs from 001 to 999; 000 is not valid.")) from None
        raise TaxCodeError(_l("Digits 3 to 9 of a tax code are a serial number and cannot all be zero.")) from None
    except exceptions.ValidationError:
        raise TaxCodeError(_l("This is not a valid tax code.")) from None
    return text


_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _plainly_valid(digits: str) -> bool:
    """Whether 10 or 13 ASCII digits pass every rule of `mst.validate` (a serial number, a branch suffix, the check digit).

    Only a yes is answered here, without the library's character-by-character clean-up; a code
    that breaks a rule goes to the library, which names the rule.
    """
    return (digits[2:9] != "0000000" and digits[10:] != "000"
            and 10 - sum(map(operator.mul, _WEIGHTS, map(int, digits[:9]))) % 11 == int(digits[9]))


def format_tax_code(code: str) -> str:
    """Show a stored code as people write it: 0314409058-002."""
    return mst.format(code) if len(code) == 13 else code
