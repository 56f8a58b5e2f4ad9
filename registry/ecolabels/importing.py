"""Load a list of certificates: every row checked by the form's own rules, all recorded or none.

A holder tax code the registry lacks raises one question for the whole file: register those holders
as pending enterprises (from the row's holder name, in the row's province), or stop. Answering "register"
records them in the same transaction as the certificates, through the enterprises' own checks.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import tabular
from registry.domain_errors import Forbidden, Invalid
from registry.enterprises.taxcode import format_tax_code
from registry.extensions import db
from registry.imports import progress
from registry.places.service import UnknownPlace, get_province
from registry.tabular import ImportProblem, ImportReport, Question, Table

from . import service
from .models import Scheme
from .wording import FIELD_LABELS

FIELDS = {
    "scheme": ("scheme", "chương trình", "loại nhãn", "nhãn"),
    "number": ("number", "certificate number", "số chứng nhận", "số giấy chứng nhận", "so_chung_nhan", "mã số"),
    "criteria_code": ("criteria_code", "criteria", "bộ tiêu chí", "tiêu chí", "tieu_chi"),
    "product_group": ("product_group", "nhóm sản phẩm", "nhom_san_pham"),
    "product_name": ("product_name", "product", "sản phẩm", "tên sản phẩm", "san_pham"),
    "product_model": ("product_model", "model", "ký hiệu", "mẫu"),
    "holder_tax_code": ("holder_tax_code", "tax_code", "mã số thuế", "mst", "ma_so_thue"),
    "holder_name": ("holder_name", "holder", "doanh nghiệp", "tên doanh nghiệp", "đơn vị"),
    "holder_province": ("holder_province", "province", "tỉnh", "tỉnh/thành phố", "province_code"),
    "issuer": ("issuer", "cơ quan cấp", "nơi cấp"),
    "legal_basis": ("legal_basis", "căn cứ"),
    "issued_on": ("issued_on", "issue date", "ngày cấp", "ngay_cap"),
    "valid_until": ("valid_until", "expiry", "hiệu lực đến", "ngày hết hạn", "het_han"),
}
LABELS = {**{name: FIELD_LABELS[name] for name in FIELDS if name in FIELD_LABELS},
          "holder_name": _l("Holder's name"), "holder_province": _l("Holder's province")}
REQUIRED = ("number", "product_name", "holder_tax_code", "issued_on")
REGISTER, STOP = "register", "stop"
QUESTION = "unknown-holders"
SCHEME_WORDS = {"nhan sinh thai": Scheme.VN_ECOLABEL, "vietnam ecolabel": Scheme.VN_ECOLABEL, "nstvn": Scheme.VN_ECOLABEL,
                "nhan xanh": Scheme.VN_GREEN_LABEL, "green label": Scheme.VN_GREEN_LABEL, "nxvn": Scheme.VN_GREEN_LABEL}


def _scheme(raw: str, criteria: str) -> str:
    """The scheme a row names, by code or words, else the one its criteria code belongs to (NSTVN, NXVN); Vietnam Ecolabel by default."""
    from registry.text import fold

    if raw in {s.value for s in Scheme}:
        return raw
    folded = fold(f"{raw} {criteria if not raw else ''}")
    return next((scheme.value for words, scheme in SCHEME_WORDS.items() if words in folded), raw or Scheme.VN_ECOLABEL.value)


class _Undo(Exception):
    """Leave the import's savepoint without keeping its rows."""


def import_certificates(actor, table: Table, filename: str, mapping: dict | None, choices: dict, *, dry_run: bool) -> ImportReport:
    """Check every row and, unless `dry_run` or a row is bad, record every certificate; `actor` None is the command line."""
    report = ImportReport(filename=filename)
    report.take_table(table)
    report.mapping = tabular.resolve_mapping(table.header, mapping, FIELDS)
    if not report.rows:
        report.problems.append(ImportProblem(None, "", _("The file has a header but no rows below it.")))
    if not report.check_mapping(LABELS, REQUIRED):
        return report
    register = (choices.get("answers") or {}).get(QUESTION) == REGISTER
    columns = {name: table.column(header) for header, name in report.mapping.items() if name}
    header_of = {name: header for header, name in report.mapping.items() if name}
    seen: dict[tuple, int] = {}
    progress.started(len(table.rows))
    try:
        with db.session.begin_nested():  # rows are written as they are checked, so a later row sees earlier ones
            for done, row in enumerate(table.rows, 1):
                cells = {name: row.cell(index).strip() for name, index in columns.items()}
                cells["scheme"] = _scheme(cells.get("scheme", ""), cells.get("criteria_code", ""))
                key = (cells["scheme"], service.number_key(cells.get("number", "")))
                if cells.get("number") and key in seen:
                    report.problems.append(ImportProblem(row.number, header_of.get("number", ""),
                                                         _("This certificate repeats row %(row)d.", row=seen[key])))
                    continue
                seen[key] = row.number
                _row(actor, row.number, cells, register, report, header_of)
                progress.advance(done, len(table.rows), report.problems)
            if dry_run or report.errors:
                raise _Undo
    except _Undo:  # leaving the savepoint by it takes back every row of a dry run or a bad list
        report.created_ids.clear()
    return report


def _row(actor, number: int, cells: dict, register: bool, report: ImportReport, header_of: dict) -> None:
    """Record one row (inside the import's savepoint), noting each problem by its column."""
    def note(field: str, message) -> None:
        report.problems.append(ImportProblem(number, header_of.get(field, ""), str(message)))

    values = {name: cells.get(name) for name in service.FIELDS}
    try:
        certificate = service.record_certificate(actor, values)
    except service.CertificateError as error:
        if error.unknown_holder and register and set(error.errors) == {"holder_tax_code"}:
            if _register_holder(actor, cells, error.unknown_holder, note):
                _row(actor, number, cells, False, report, header_of)
            return
        if error.unknown_holder and not register:
            unknown = error.unknown_holder
            report.ask(QUESTION, number, lambda: Question(
                QUESTION, _("Some holders are not in the registry (the first: %(code)s). Register them as pending enterprises, "
                            "for their province to review?", code=format_tax_code(unknown)),
                [(REGISTER, _("Register them (pending review)")), (STOP, _("No: import nothing"))]))
        for field, messages in error.errors.items():
            for message in messages:
                note(field, message)
        return
    except Invalid as error:
        for field, messages in error.errors.items():
            for message in messages:
                note(field, message)
        return
    except Forbidden:
        note("holder_tax_code", _("The holder %(code)s is in a province whose certificates you do not keep.",
                                  code=cells.get("holder_tax_code", "")))
        return
    report.created_ids.append(certificate.id)


def _register_holder(actor, cells: dict, tax_code: str, note) -> bool:
    """Register an unknown holder (pending) from the row's holder name and province; True when registered."""
    name, province = cells.get("holder_name", ""), None
    try:
        province = get_province(cells.get("holder_province") or None).code
    except UnknownPlace as error:
        note("holder_province", error)
    if not name:
        note("holder_name", _("Give the holder's name to register it."))
    if province is None or not name:
        return False
    try:
        service.register_holder(actor, tax_code, name, province)
    except Invalid as error:
        for message in error.messages():
            note("holder_tax_code", message)
        return False
    except Forbidden:
        note("holder_province", _("You may not register enterprises in this province: its Department keeps them."))
        return False
    return True
