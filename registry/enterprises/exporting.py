"""Export a filtered enterprise list as CSV (UTF-8 with BOM, for Excel) or XLSX, in batches without N+1 queries."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from flask import Response, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.accounts.models import User
from registry.catalog.models import CatalogNode
from registry.extensions import db
from registry.places.models import Commune, Province
from registry.tabular import csv_chunks, xlsx_bytes

from . import queries
from .models import Certificate, Enterprise, EnterpriseItem

BATCH = 2000
HEADER = (
    _l("Tax code"), _l("Name in Vietnamese"), _l("Name in English"), _l("Short name"), _l("Province code"), _l("Province"),
    _l("Commune code"), _l("Commune"), _l("Address"), _l("Latitude"), _l("Longitude"), _l("Size"), _l("Year founded"),
    _l("Staff"), _l("Website"), _l("E-mail"), _l("Phone"), _l("Decision 980 catalog items"), _l("Certificates"),
    _l("National brand"), _l("Status"), _l("Source"), _l("Demo record"),
)
_COLUMNS = (
    Enterprise.id, Enterprise.tax_code, Enterprise.name_vi, Enterprise.name_en, Enterprise.short_name, Enterprise.province_code,
    Province.name_vi, Enterprise.commune_code, Commune.name_vi, Enterprise.address, Enterprise.latitude, Enterprise.longitude,
    Enterprise.size_class, Enterprise.founded_year, Enterprise.staff, Enterprise.website, Enterprise.email, Enterprise.phone,
    Enterprise.national_brand, Enterprise.status, Enterprise.source, Enterprise.is_demo,
)


def export_rows(filters: queries.Filters, viewer: User | None) -> Iterator[list]:
    """Yield one list of cell values per enterprise the viewer may see under `filters`, in the list's order."""
    statement = (
        queries.filtered(filters, viewer)
        .with_only_columns(*_COLUMNS)
        .join(Province, Province.code == Enterprise.province_code)
        .outerjoin(Commune, Commune.code == Enterprise.commune_code)
        .execution_options(yield_per=BATCH)
    )
    yes, no = _("yes"), _("no")
    for batch in db.session.execute(statement).partitions():
        items, certificates = _links_of([row[0] for row in batch])
        for row in batch:
            (id_, tax_code, name_vi, name_en, short_name, province_code, province, commune_code, commune, address, lat, lng,
             size, founded, staff, website, email, phone, brand, status, source, demo) = row
            yield [tax_code, name_vi, name_en, short_name, province_code, province, commune_code or "", commune or "", address,
                   lat, lng, size.value if size else "", founded, staff, website, email, phone, "; ".join(items[id_]),
                   "; ".join(certificates[id_]), yes if brand else no, status.value, source, yes if demo else no]


def _links_of(ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Load the catalog items (“A.01 (manufactures)”) and certificate names of a batch in two queries."""
    items: dict[int, list[str]] = defaultdict(list)
    certificates: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        db.select(EnterpriseItem.enterprise_id, CatalogNode.code, EnterpriseItem.relation)
        .join(CatalogNode, CatalogNode.id == EnterpriseItem.node_id)
        .where(EnterpriseItem.enterprise_id.in_(ids))
        .order_by(EnterpriseItem.id)
    )
    for enterprise_id, code, relation in rows:
        items[enterprise_id].append(f"{code} ({relation.value})")
    rows = db.session.execute(
        db.select(Certificate.enterprise_id, Certificate.name).where(Certificate.enterprise_id.in_(ids)).order_by(Certificate.id)
    )
    for enterprise_id, name in rows:
        certificates[enterprise_id].append(name)
    return items, certificates


def export_response(filters: queries.Filters, viewer: User | None, fmt: str) -> Response:
    """Answer with the filtered list as a download: `fmt` is "csv" (streamed) or "xlsx"."""
    header = [str(name) for name in HEADER]
    if fmt == "csv":
        body = stream_with_context(csv_chunks(header, export_rows(filters, viewer)))
        return Response(body, mimetype="text/csv; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="enterprises.csv"'})
    if fmt == "xlsx":
        data = xlsx_bytes(header, export_rows(filters, viewer), sheet_title=_("Enterprises"))
        return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="enterprises.xlsx"'})
    raise ValueError(f"unknown export format {fmt!r}")
