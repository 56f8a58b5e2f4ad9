"""The words of outcomes, for the pages, the API and the history."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Result

RESULT_LABELS = {Result.NO_SHOW: _l("No-show"), Result.HELD: _l("Met"), Result.FOLLOW_UP: _l("Follow-up agreed"),
                 Result.MOU: _l("MoU signed"), Result.CONTRACT: _l("Contract signed")}
OUTCOME_FIELDS = {"result": _l("Outcome"), "contract_value": _l("Contract value (đồng)"), "notes": _l("Notes")}
