"""Questions an import asks its importer: which 2025 commune a pre-2025 one named in the list became.

Enterprise and zone lists alike meet communes that no longer exist since the 2025 merger. One
`CommuneSuccessors` per import finds what each became (the successor table, loaded once),
takes the importer's answer when there is one among the communes offered, and asks the
question on the import's report otherwise: the only successor proposed, one of several never.
"""
from __future__ import annotations

from flask_babel import gettext as _

from registry.extensions import db
from registry.places import successors
from registry.places.models import Province
from registry.tabular import ImportReport, Question


class CommuneSuccessors:
    """Answer "which commune is it today?" for every row of one import; set `row` before each row is checked."""

    def __init__(self, answers: dict[str, str] | None, report: ImportReport | None) -> None:
        self.answers = dict(answers or {})
        self.report = report
        self.row: int | None = None
        self._index: successors.SuccessorIndex | None = None

    def became(self, province_code: str, name: str) -> list[successors.Successor]:
        if self._index is None:
            self._index = successors.SuccessorIndex()
        return self._index.find(province_code, name)

    def answer(self, province_code: str, name: str) -> tuple[str | None, list[successors.Successor]]:
        """The code chosen for `name`, or None, and the communes it became ([] when it is not a pre-2025 commune).

        Raises Invalid when the importer chose a commune that `name` did not become.
        """
        became = self.became(province_code, name)
        if not became:
            return None, []
        key = successors.answer_key(province_code, name)
        answer = successors.chosen_successor(became, self.answers.get(key), name)
        if self.report is not None:
            self.report.ask(key, self.row, lambda: commune_question(key, name, province_code, became, answer))
        return answer, became


def commune_question(key: str, name: str, province_code: str, became: list[successors.Successor], answer: str | None) -> Question:
    province = db.session.get(Province, province_code)
    prompt = _("“%(name)s” (%(province)s) is a commune of before 1 July 2025. Which commune is it today?",
               name=name, province=province.name_vi if province else province_code)
    options = [(s.code, f"{s.name_vi} ({s.code})" + (" — " + _("part of it") if s.partial else "")) for s in became]
    proposed = became[0].code if len(became) == 1 else ""
    return Question(key, prompt, options, proposed=proposed, answer=answer or "")
