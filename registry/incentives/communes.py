"""Load a commune difficulty list (commune code, level, decision, dates): every row checked, all written or none.

A row that repeats a stored listing (same commune, decision and start) updates it, so loading a
list again changes nothing; any other row adds a listing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import tabular
from registry.accounts.permissions import can
from registry.extensions import db
from registry.imports import progress
from registry.places.service import UnknownPlace, get_commune
from registry.tabular import ImportProblem, ImportReport, Table
from registry.text import fold

from .models import CommuneDifficulty, Difficulty
from .permissions import IMPORT_COMMUNES
from .service import end_before_start, read_date

FIELDS = {
    "commune_code": ("commune_code", "commune", "mã xã", "ma_xa", "mã đơn vị", "mã đơn vị hành chính", "ward_code", "code"),
    "level": ("level", "mức", "địa bàn", "dia_ban", "phân loại", "loại địa bàn", "difficulty"),
    "decision_number": ("decision_number", "decision", "quyết định", "số quyết định", "quyet_dinh", "văn bản"),
    "effective_from": ("effective_from", "from", "hiệu lực từ", "từ ngày", "hieu_luc_tu", "ngày hiệu lực"),
    "effective_to": ("effective_to", "to", "hiệu lực đến", "đến ngày", "hieu_luc_den", "ngày hết hiệu lực"),
}
LABELS = {
    "commune_code": _l("Commune code"), "level": _l("Level (ĐBKK or KK)"), "decision_number": _l("Decision"),
    "effective_from": _l("In force from"), "effective_to": _l("In force until"),
}
REQUIRED = ("commune_code", "level", "decision_number", "effective_from")
# The ways lists write the two levels, folded.
LEVEL_SPELLINGS = {
    Difficulty.DBKK: {"dbkk", "db kk", "dac biet kho khan", "especially difficult", "extremely difficult"},
    Difficulty.KK: {"kk", "kho khan", "difficult"},
}


@dataclass
class CommuneReport(ImportReport):
    updated_ids: list[int] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.created_ids) + len(self.updated_ids)


@dataclass
class Listing:
    commune_code: str
    province_code: str
    level: str
    decision_number: str
    effective_from: date
    effective_to: date | None


def read_level(raw: str) -> str | None:
    folded = " ".join(fold(raw).split())
    return next((level.value for level, spellings in LEVEL_SPELLINGS.items() if folded in spellings), None)


def import_communes(actor, table: Table, filename: str, mapping: dict[str, str] | None, *, dry_run: bool) -> CommuneReport:
    """Check every row of a commune difficulty list and, unless `dry_run` or a row is bad, write every listing.

    `actor` None is the command line; an officer lists only communes of a province whose Department they belong to.
    """
    report = CommuneReport(filename=filename)
    report.take_table(table)
    report.mapping = tabular.resolve_mapping(table.header, mapping, FIELDS)
    if not report.rows:
        report.problems.append(ImportProblem(None, "", _("The file has a header but no rows below it.")))
    if not report.check_mapping(LABELS, REQUIRED):
        return report
    columns = {name: table.column(header) for header, name in report.mapping.items() if name}
    listings, seen = [], {}
    progress.started(len(table.rows))
    for done, row in enumerate(table.rows, 1):
        listing = _check_row(actor, row, columns, report)
        progress.advance(done, len(table.rows), report.problems)
        if listing is None:
            continue
        key = (listing.commune_code, listing.decision_number, listing.effective_from)
        if key in seen:
            report.problems.append(ImportProblem(row.number, _header(report, "commune_code"),
                                                 _("This listing repeats row %(row)d.", row=seen[key])))
            continue
        seen[key] = row.number
        listings.append(listing)
    if dry_run or report.errors:
        return report
    progress.writing(len(listings))
    for listing in listings:
        stored = db.session.scalar(db.select(CommuneDifficulty).where(
            CommuneDifficulty.commune_code == listing.commune_code, CommuneDifficulty.decision_number == listing.decision_number,
            CommuneDifficulty.effective_from == listing.effective_from))
        if stored is None:
            stored = CommuneDifficulty(**listing.__dict__)
            db.session.add(stored)
            db.session.flush()
            report.created_ids.append(stored.id)
        else:
            stored.level, stored.effective_to = listing.level, listing.effective_to
            report.updated_ids.append(stored.id)
    db.session.flush()
    return report


def _header(report: ImportReport, name: str) -> str:
    return next((header for header, field_name in report.mapping.items() if field_name == name), "")


def _check_row(actor, row, columns: dict[str, int], report: CommuneReport) -> Listing | None:
    """Read one row, noting each problem by its column; None when any."""
    cells = {name: row.cell(index).strip() for name, index in columns.items()}
    before = len(report.errors)

    def problem(name: str, message) -> None:
        report.problems.append(ImportProblem(row.number, _header(report, name), str(message)))

    commune = None
    try:
        commune = get_commune(cells.get("commune_code") or None)
    except UnknownPlace as error:
        problem("commune_code", error)
    if commune is not None and actor is not None and not can(actor, IMPORT_COMMUNES, commune.province_code):
        problem("commune_code", _("%(commune)s is in %(province)s, whose lists you do not keep.", commune=commune.name_vi,
                                  province=commune.province.name_vi))
    level = read_level(cells.get("level", ""))
    if level is None:
        problem("level", _("“%(level)s” is not a level; write ĐBKK (especially difficult) or KK (difficult).", level=cells.get("level", "")))
    decision = cells.get("decision_number", "")
    if not decision:
        problem("decision_number", _("Give the number of the decision that lists the commune."))
    elif len(decision) > 200:
        problem("decision_number", _("Write at most %(n)d characters.", n=200))
    dates: dict[str, list] = {}
    start = read_date(cells.get("effective_from") or None, "effective_from", dates)
    end = read_date(cells.get("effective_to") or None, "effective_to", dates)
    for name, messages in dates.items():
        problem(name, messages[0])
    if start is None and "effective_from" not in dates:
        problem("effective_from", _("Give the date the listing comes into force."))
    if end_before_start(start, end):
        problem("effective_to", _("The end of validity cannot come before its start (%(start)s).", start=start.isoformat()))
    if len(report.errors) > before or commune is None or start is None or level is None:
        return None
    return Listing(commune.code, commune.province_code, level, decision, start, end)
