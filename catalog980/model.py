"""The shape of a catalog version and the problems a file can have."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

KINDS = ("technology", "equipment", "product", "service")
SUB_SECTORS = (
    "wastewater",
    "exhaust_gas",
    "solid_waste",
    "hazardous_waste",
    "monitoring",
    "waste_to_energy",
    "remediation",
    "eco_product",
)


@dataclass(frozen=True)
class Node:
    """One line of a catalog: a group (kind None) or an item."""

    code: str
    parent: str | None
    name_vi: str
    name_en: str = ""
    kind: str | None = None
    sub_sector: str | None = None
    hs_codes: tuple[str, ...] = ()
    line: int | None = None


@dataclass
class CatalogVersion:
    """A whole catalog: its identity, legal basis and nodes in file order (parents first)."""

    version: str
    legal_basis: str
    source: str
    nodes: list[Node]
    provisional: bool = False
    title_vi: str = ""
    title_en: str = ""
    notes_vi: str = ""
    notes_en: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog file, located by line and field.

    `kind` is a stable key (for translation); `params` fills its message.
    """

    kind: str
    line: int | None = None
    field: str | None = None
    params: dict = dataclass_field(default_factory=dict)

    MESSAGES = {
        "bad_file": "The file cannot be read: {reason}",
        "empty_file": "The file holds no catalog lines.",
        "missing_column": "The column “{column}” is missing; headers found: {found}.",
        "bad_code": "“{code}” is not a valid code: use letters and digits separated by dots or hyphens.",
        "duplicate_code": "Code “{code}” is used again; it first appears on line {first}.",
        "missing_parent": "Parent “{parent}” of “{code}” is not in the file.",
        "cycle": "Code “{code}” is its own ancestor: {path}.",
        "empty_name": "Code “{code}” has no Vietnamese name.",
        "bad_hs_code": "“{hs}” is not an HS-6 code: write six digits, such as 842121 or 8421.21.",
        "bad_kind": "“{kind}” is not a kind; use technology, equipment, product or service.",
        "bad_sub_sector": "“{sub_sector}” is not a sub-sector; use one of: {allowed}.",
        "missing_metadata": "The catalog's “{name}” is missing.",
    }

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return where + self.MESSAGES[self.kind].format(**self.params)


class CatalogInvalid(Exception):
    """A catalog file with problems; nothing from it may be loaded."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the catalog file")
        self.problems = problems
