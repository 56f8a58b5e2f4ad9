"""What an import found: its problems by row and column, and what it wrote."""
from __future__ import annotations

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
class ImportReport:
    """The outcome of a dry run or an import of one file; a feature's report adds its own details."""

    filename: str
    header: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)

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
