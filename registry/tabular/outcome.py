"""What an import found: its problems by row and column, and what it wrote."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .reading import Table


@dataclass(frozen=True)
class ImportProblem:
    """One message about one cell (or, with no row, about the whole file)."""

    row: int | None
    column: str
    message: str
    warning: bool = False
    existing_id: int | None = None
    existing_name: str = ""
    other_row: int | None = None

    def describe(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d, column “%(column)s”: %(message)s", row=self.row, column=self.column, message=self.message)


@dataclass
class Question:
    """Something the file leaves open that the importer decides once for every row it concerns.

    For one, a commune of before 2025 that became one or several 2025 communes: `options` are
    (value, label) pairs, `proposed` the value offered first ("" when the choice is the user's
    alone), and the answer is kept under `key` in the import's choices.
    """

    key: str
    prompt: str
    options: list[tuple[str, str]]
    proposed: str = ""
    answer: str = ""  # what the importer chose, once they have
    rows: list[int] = field(default_factory=list)

    def offers(self, value: str) -> bool:
        return value in {option for option, _label in self.options}


@dataclass
class ImportReport:
    """The outcome of a dry run or an import of one file; a feature's report adds its own details."""

    filename: str
    header: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    def ask(self, key: str, row: int | None, make: Callable[[], Question]) -> None:
        """Note that `row` raises the question `key`, asking it (with `make`) the first time."""
        question = next((q for q in self.questions if q.key == key), None)
        if question is None:
            question = make()
            self.questions.append(question)
        if row is not None and row not in question.rows:
            question.rows.append(row)

    def take_table(self, table: Table) -> None:
        """Note the header, the number of rows and the layout problems (a blank header, a cell cut short) of the file read."""
        self.header, self.rows = table.header, len(table.rows)
        self.problems.extend(ImportProblem(p.row, p.column, str(p.message)) for p in table.problems)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.warning]

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.errors if p.row is not None}

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors

    @property
    def imported(self) -> int:
        return len(self.created_ids)

    def check_mapping(self, labels: dict, required: tuple[str, ...]) -> bool:
        """Report a field matched by two columns and a required field matched by none; tell whether all is well."""
        used: dict[str, str] = {}
        for name, field_name in self.mapping.items():
            if field_name in used:
                self.problems.append(ImportProblem(None, name, _(
                    "Columns “%(first)s” and “%(second)s” are both matched to “%(field)s”; choose one.",
                    first=used[field_name], second=name, field=labels[field_name])))
            used[field_name] = name
        for field_name in required:
            if field_name not in used:
                self.problems.append(ImportProblem(None, "", _(
                    "No column is matched to “%(field)s”, which every row needs.", field=labels[field_name])))
        return not self.errors
