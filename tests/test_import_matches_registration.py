"""An imported list stores what registering its rows one at a time stores: records, audit trail, search hits and zones.

The import writes its rows in batches, beside the ORM; registering each row through
`create_enterprise` is the one-record path every page and the API take. Both run here on the
same generated list, one after the other in one rolled-back transaction, and must leave the
same things behind.
"""
from __future__ import annotations

import io
import json

from registry.audit.models import AuditEntry
from registry.audit.service import acting_as
from registry.enterprises import queries
from registry.enterprises.generator import generate_profiles, write_csv
from registry.enterprises.importing import ImportLookups, import_enterprises, resolve_mapping, row_values
from registry.enterprises.models import Certificate, DuplicateFlag, Enterprise, EnterpriseItem
from registry.enterprises.service import create_enterprise
from registry.extensions import db
from registry.tabular import read_table

from .factories import make_user, make_zone_around

ROWS, SEED = 200, 11
FILENAME = "danh-sach.csv"
SEARCHES = ("xu ly", "tai che", "moi truong xanh", "recycling", "cong nghe moi", "a.0")
# Set by the database at the time of writing; compared by being there, not by value.
TIMES = {"created_at", "updated_at", "published_at"}


def generated_list() -> bytes:
    out = io.StringIO()
    write_csv(out, ROWS, SEED)
    return out.getvalue().encode("utf-8")


def zones_under_the_first_rows() -> None:
    """Zones around some of the list's points, a park inside an economic zone among them, so placement has work to do."""
    located = [profile for profile in generate_profiles(40, SEED) if profile["latitude"] is not None]
    for number, profile in enumerate(located[:12:3]):
        outer = make_zone_around(profile["latitude"], profile["longitude"], f"Khu kinh tế Thử {number}", profile["province_code"], half_side=0.2)
        make_zone_around(profile["latitude"], profile["longitude"], f"Khu công nghiệp Thử {number}", profile["province_code"],
                         half_side=0.01, parent=outer)


def register_one_at_a_time(actor, data: bytes) -> int:
    """Register each row of the list as a published record, through the service the pages and the API use."""
    table = read_table(data, FILENAME)
    lookups = ImportLookups()
    columns = {field: table.column(name) for name, field in resolve_mapping(table.header, None).items() if field}
    for row in table.rows:
        values, errors = row_values({field: row.cell(index) for field, index in columns.items()}, lookups)
        assert not errors
        create_enterprise(actor, values, source=f"import: {FILENAME}", check_similar=False)
    return len(table.rows)


def what_is_stored() -> dict:
    """Everything the rows left behind, keyed by tax code instead of the ids the database chose."""
    db.session.flush()
    tax_code = dict(db.session.execute(db.select(Enterprise.id, Enterprise.tax_code)).all())
    item = {row.id: row for row in db.session.execute(db.select(EnterpriseItem.__table__))}
    certificate = {row.id: row for row in db.session.execute(db.select(Certificate.__table__))}

    def without_ids(values: dict) -> dict:
        kept = {key: (value is not None if key in TIMES else value) for key, value in values.items() if key != "id"}
        if "enterprise_id" in kept:
            kept["enterprise_id"] = tax_code[kept["enterprise_id"]]
        return kept

    enterprises = {row.tax_code: without_ids(dict(row._mapping)) for row in db.session.execute(db.select(Enterprise.__table__))}
    items = sorted((tax_code[row.enterprise_id], row.node_id, str(row.relation)) for row in item.values())
    certificates = sorted(json.dumps(without_ids(dict(row._mapping)), default=str, sort_keys=True) for row in certificate.values())
    owners = {"enterprise": lambda id_: tax_code[int(id_)], "enterprise_item": lambda id_: tax_code[item[int(id_)].enterprise_id],
              "certificate": lambda id_: tax_code[certificate[int(id_)].enterprise_id]}
    audit = sorted(
        json.dumps([entry.action, entry.entity_type, owners[entry.entity_type](entry.entity_id), entry.actor_id, entry.actor_label,
                    entry.before, without_ids(entry.after or {}) | {"id": entry.entity_type == "enterprise" and tax_code[int(entry.after["id"])]}],
                   sort_keys=True, ensure_ascii=False)
        for entry in db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_type.in_(owners)))
    )
    searches = {}
    for query in SEARCHES:
        page = queries.page_of(queries.Filters(q=query), None, 1, 50)
        listed = db.session.scalars(queries.filtered(queries.Filters(q=query)).limit(50)).all()
        searches[query] = (page.total, [e.tax_code for e in page.items], [e.tax_code for e in listed])
    return {"enterprises": enterprises, "items": items, "certificates": certificates, "audit": audit, "searches": searches}


def test_an_imported_list_stores_what_registering_each_row_stores(ctx):
    with acting_as("tests"):
        zones_under_the_first_rows()
    admin = make_user("admin@example.vn", role="admin", org=None)
    data = generated_list()
    with acting_as("import", admin):
        report = import_enterprises(admin, data, FILENAME, dry_run=False)
        assert report.imported == ROWS and not report.errors
        imported = what_is_stored()
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 0
    with acting_as("import", admin):
        assert register_one_at_a_time(admin, data) == ROWS
        registered = what_is_stored()
    placed = [values["zone_id"] for values in registered["enterprises"].values() if values["zone_id"]]
    assert len(placed) >= 4 and len(set(placed)) >= 4  # parks and economic zones both hold some of the rows
    assert all(total for total, _page, _listed in registered["searches"].values())
    assert len(registered["audit"]) == ROWS + len(registered["items"]) + len(registered["certificates"])
    for part in ("enterprises", "items", "certificates", "audit", "searches"):
        assert imported[part] == registered[part], (part, first_difference(imported[part], registered[part]))


def first_difference(imported, registered) -> tuple:
    """Name what first differs between the two ways, for the failure message."""
    if isinstance(imported, dict):
        key = next(k for k in sorted(imported.keys() | registered.keys()) if imported.get(k) != registered.get(k))
        return (key, first_difference(imported.get(key), registered.get(key))) if isinstance(imported.get(key), (dict, list)) \
            else (key, imported.get(key), registered.get(key))
    if isinstance(imported, list) and isinstance(registered, list) and imported and isinstance(imported[0], str):
        only = sorted(set(imported) ^ set(registered))[:2]
        return tuple(only)
    return imported, registered


def flags_stored() -> list:
    """The duplicate flags and their audit entries, keyed by the pair's tax codes instead of ids."""
    db.session.flush()
    tax_code = dict(db.session.execute(db.select(Enterprise.id, Enterprise.tax_code)).all())
    flags = []
    for flag in db.session.scalars(db.select(DuplicateFlag)):
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity_type == "duplicate_flag", AuditEntry.entity_id == str(flag.id)))
        after = dict(entry.after)
        assert after.pop("id") == flag.id and after.pop("created_at") == flag.created_at.isoformat()
        after["enterprise_id"], after["other_id"] = tax_code[after["enterprise_id"]], tax_code[after["other_id"]]
        flags.append((tax_code[flag.enterprise_id], tax_code[flag.other_id], flag.score, flag.status,
                      entry.action, entry.actor_label, entry.before, after))
    return flags


def test_an_imported_row_alike_a_registered_record_is_flagged_and_audited_as_registering_it_is(ctx):
    admin = make_user("admin@example.vn", role="admin", org=None)
    registered = {"tax_code": "0300588569", "name_vi": "Công ty TNHH Xử lý Nước Dung Quat", "province_code": "51"}
    alike = {"tax_code": "0100109106", "name_vi": "Công ty TNHH Xử lý Nước Dung Quất", "province_code": "51"}
    with acting_as("import", admin):
        create_enterprise(admin, registered)
        report = import_enterprises(admin, f"tax_code,name_vi,province_code\n{alike['tax_code']},{alike['name_vi']},51\n".encode(),
                                    FILENAME, dry_run=False)
        assert report.imported == 1 and report.flagged == 1
        imported = flags_stored()
    db.session.rollback()
    with acting_as("import", admin):
        create_enterprise(admin, registered)
        create_enterprise(admin, alike)
        by_registering = flags_stored()
    assert len(imported) == 1 and imported == by_registering
