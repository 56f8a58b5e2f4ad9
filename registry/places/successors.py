"""The communes of before 1 July 2025 and the communes they became: loading the table, and proposing successors.

The 2025 reform merged about 10,000 communes into 3,321. A list or a form written earlier names
"Xã Tịnh Phong"; today that is part of Xã Thọ Phong. The table comes from a file an operator
loads (the published lists of successors, one row per 2025 commune with its predecessors as
free text); nothing here guesses. A predecessor split between several successors ("phần còn
lại …", or the same name under several communes) is offered with all of them, and none is
chosen for the user.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert

from registry.domain_errors import Invalid
from registry.extensions import db
from registry.text import fold

from .models import Commune, CommunePredecessor

# The spellings of a unit's type at the start of its name, longest first; "Huyện" for the island
# districts that became special zones.
DIVISIONS = ("thị trấn", "thị xã", "đặc khu", "phường", "huyện", "xã")
_DIVISION = re.compile(r"^(%s)\s+" % "|".join(DIVISIONS), re.IGNORECASE)
_FOLDED_DIVISION = re.compile(r"^(%s)\s+" % "|".join(fold(d) for d in DIVISIONS))
_UNCHANGED = {"giu nguyen", ""}
_PARTIAL = re.compile(r"phần còn lại|một phần", re.IGNORECASE)
MAX_PREDECESSORS_PER_ROW = 200


@dataclass(frozen=True)
class Predecessor:
    """One unit named in a successor's list of predecessors."""

    name_vi: str  # "Xã Tịnh Phong"
    division: str  # "xã", or "" when the name carries no type
    note: str  # the source's words in brackets
    partial: bool

    @property
    def name_folded(self) -> str:
        return bare_folded(self.name_vi)


@dataclass(frozen=True)
class Successor:
    """A 2025 commune that a pre-2025 name became (part of)."""

    code: str
    name_vi: str
    name_en: str
    partial: bool
    note: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


@dataclass(frozen=True)
class SourceRow:
    """One row of a successor file: a 2025 commune and its predecessors as the file writes them."""

    number: int
    commune_code: str
    province_code: str
    predecessors: str
    commune_name: str = ""


@dataclass(frozen=True)
class SuccessorsLoaded:
    predecessors: int
    communes: int
    matched_by_name: int


class SuccessorsInvalid(Invalid):
    """A successor file with bad rows; `problems` lists (row, column, message) for every one."""

    def __init__(self, problems: list[tuple[int | None, str, object]]):
        super().__init__(_l("%(n)d problem(s) in the file; nothing was loaded.", n=len(problems)))
        self.problems = problems


def bare_folded(name: str) -> str:
    """Fold a commune's name without its type: "Xã Tịnh Phong", "xa tinh phong" and "Tịnh Phong" all give "tinh phong"."""
    return _FOLDED_DIVISION.sub("", fold(name))


def division_of(name: str) -> str:
    """The type a name starts with ("xã", "phường" …), lowercase, or "" when none."""
    found = _DIVISION.match(name.strip())
    return found.group(1).lower() if found else ""


def parse_predecessors(text: str) -> list[Predecessor]:
    """Split a list such as "Xã A, Xã B (huyện C), Phường D (phần còn lại sau khi sáp nhập vào phường E)".

    Commas inside brackets do not split; "giữ nguyên" (kept as it was) names no predecessor.
    """
    if fold(text) in _UNCHANGED:
        return []
    found = []
    for part in _top_level_parts(text):
        notes = re.findall(r"\(([^()]*)\)", part)
        name = re.sub(r"\([^()]*\)", " ", part)
        name = re.sub(r"\s+", " ", name).strip(" .;")
        if not bare_folded(name):
            continue
        note = "; ".join(n.strip() for n in notes if n.strip())
        found.append(Predecessor(name, division_of(name), note[:300], bool(_PARTIAL.search(note))))
    return found


def _top_level_parts(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def replace_successors(rows: Iterable[SourceRow]) -> SuccessorsLoaded:
    """Replace the whole successor table with the file's rows; all or nothing.

    A row's commune is found by its code, else by its name inside its province (sources number
    about a hundred merged communes by different predecessors' codes). Raises SuccessorsInvalid
    naming every bad row: a commune we cannot find, a province that is not the commune's, a
    commune given twice, a list too long to be one.
    """
    communes: dict[str, str] = {}
    names: dict[str, str] = {}
    by_name: dict[tuple[str, str], list[str]] = {}
    for code, province, folded in db.session.execute(db.select(Commune.code, Commune.province_code, Commune.name_folded)):
        bare = _FOLDED_DIVISION.sub("", folded)  # a commune may since have become a ward: "xã Long Thành" is "phường Long Thành"
        communes[code], names[code] = province, bare
        by_name.setdefault((province, bare), []).append(code)
    problems: list[tuple[int | None, str, object]] = []
    records: list[dict] = []
    seen_codes: dict[str, int] = {}
    by_name_count = 0
    for row in rows:
        code = _padded(row.commune_code, 5)
        province = _padded(row.province_code, 2)
        folded_name = bare_folded(row.commune_name)
        if folded_name and names.get(code) != folded_name:
            # Sources number about a hundred merged communes by another predecessor's code: the name in its province decides.
            named = by_name.get((province or communes.get(code, ""), folded_name), [])
            if len(named) != 1:
                problems.append((row.number, "ward_code", _l("No commune called “%(name)s” with code “%(code)s” is in our list of 2025 communes.",
                                                             name=row.commune_name, code=row.commune_code)))
                continue
            code, by_name_count = named[0], by_name_count + 1
        elif code not in communes:
            problems.append((row.number, "ward_code", _l("There is no commune with code “%(code)s”.", code=row.commune_code)))
            continue
        if code in seen_codes:
            problems.append((row.number, "ward_code", _l("Commune %(code)s is already on row %(row)d.", code=code, row=seen_codes[code])))
            continue
        seen_codes[code] = row.number
        if province and province != communes[code]:
            problems.append((row.number, "province_code", _l("Commune %(code)s is in province %(right)s, not %(given)s.",
                                                             code=code, right=communes[code], given=row.province_code)))
            continue
        predecessors = parse_predecessors(row.predecessors)
        if len(predecessors) > MAX_PREDECESSORS_PER_ROW:
            problems.append((row.number, "pre_merger_units", _l("The list names %(n)d units; at most %(limit)d are read for one commune.",
                                                                n=len(predecessors), limit=MAX_PREDECESSORS_PER_ROW)))
            continue
        for predecessor in predecessors:
            records.append(dict(province_code=communes[code], name_vi=predecessor.name_vi[:160], name_folded=predecessor.name_folded[:160],
                                division=predecessor.division, note=predecessor.note, partial=predecessor.partial,
                                successor_code=code))
    if not seen_codes and not problems:
        problems.append((None, "", _l("The file has no rows of communes.")))
    if problems:
        raise SuccessorsInvalid(problems)
    db.session.execute(delete(CommunePredecessor))
    if records:
        db.session.execute(insert(CommunePredecessor), records)
    return SuccessorsLoaded(predecessors=len(records), communes=len(seen_codes), matched_by_name=by_name_count)


def _padded(code: str, width: int) -> str:
    code = (code or "").strip()
    return code.zfill(width) if code.isdigit() else code


def predecessor_count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(CommunePredecessor)) or 0


def _successors(rows: Iterable[CommunePredecessor], division: str) -> list[Successor]:
    rows = list(rows)
    if division:
        same_type = [r for r in rows if r.division == division]
        rows = same_type or rows
    by_code: dict[str, Successor] = {}
    split = len({r.successor_code for r in rows}) > 1
    for r in rows:
        if r.successor_code not in by_code:
            by_code[r.successor_code] = Successor(r.successor.code, r.successor.name_vi, r.successor.name_en,
                                                  r.partial or split, r.note)
    return sorted(by_code.values(), key=lambda s: s.name_vi)


def successors_of(province_code: str | None, name: str | None) -> list[Successor]:
    """The 2025 communes that the pre-2025 commune `name` of this province became; [] when the name is not a predecessor."""
    folded = bare_folded(name or "")
    if not province_code or not folded:
        return []
    rows = db.session.scalars(db.select(CommunePredecessor).where(
        CommunePredecessor.province_code == province_code, CommunePredecessor.name_folded == folded))
    return _successors(rows, division_of(name or ""))


class SuccessorIndex:
    """Every predecessor in memory, for an import that looks up many rows."""

    def __init__(self):
        self._rows: dict[tuple[str, str], list[CommunePredecessor]] = {}
        for row in db.session.scalars(db.select(CommunePredecessor)):
            self._rows.setdefault((row.province_code, row.name_folded), []).append(row)
        self._found: dict[tuple[str, str], list[Successor]] = {}

    def __bool__(self) -> bool:
        return bool(self._rows)

    def find(self, province_code: str | None, name: str | None) -> list[Successor]:
        key = (province_code or "", name or "")
        if key not in self._found:
            rows = self._rows.get((key[0], bare_folded(key[1])), [])
            self._found[key] = _successors(rows, division_of(key[1])) if rows else []
        return self._found[key]


def answer_key(province_code: str, name: str) -> str:
    """How a choice of successor is keyed: the province and the folded name, so "Xa Tinh Phong" and "Xã Tịnh Phong" share one."""
    return f"{province_code}:{bare_folded(name)}"


def chosen_successor(successors: list[Successor], choice: str | None, name: str) -> str | None:
    """Return the code the user chose for `name` among `successors`, None when they chose none; Invalid when it is not offered."""
    choice = (choice or "").strip()
    if not choice:
        return None
    if choice not in {s.code for s in successors}:
        raise Invalid(_l("“%(choice)s” is not one of the communes “%(name)s” became in 2025.", choice=choice, name=name))
    return choice


def describe_successors(name: str, successors: list[Successor]) -> str:
    """Say what a pre-2025 commune became, in the user's language, for a field or a row of an import report."""
    listed = ", ".join(f"{s.name_vi} ({s.code})" for s in successors)
    if len(successors) == 1 and not successors[0].partial:
        return str(_l("“%(name)s” was merged into %(successor)s on 1 July 2025. Choose it to use it.", name=name, successor=listed))
    if len(successors) == 1:
        return str(_l("Part of “%(name)s” became %(successor)s on 1 July 2025. Choose it if the address lies in that part.",
                      name=name, successor=listed))
    return str(_l("“%(name)s” was divided on 1 July 2025 between %(successors)s. Choose the one the address lies in.",
                  name=name, successors=listed))
