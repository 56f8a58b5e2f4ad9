"""Build a fresh registry (SQLite, or an empty PostgreSQL database) and bulk-load generated enterprises, search index included."""
from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, text

from registry import create_app
from registry.catalog import service as catalog
from registry.database import init_database
from registry.enterprises.generator import generate_profiles
from registry.enterprises.models import Certificate, Enterprise, EnterpriseItem, Relation, SizeClass, Status
from registry.extensions import db
from registry.enterprises import index as search

CHUNK = 5000
SECRET_KEY = "benchmark-only-" + "x" * 40
PROFILE_COLUMNS = (
    "tax_code", "name_vi", "name_en", "short_name", "province_code", "commune_code", "address", "latitude", "longitude",
    "founded_year", "staff", "website", "email", "phone", "contact_name", "description", "national_brand",
)


def make_app(database: Path | str, overrides: dict | None = None) -> Flask:
    """Create the real app on a SQLite file (or a database URL), with no automatic set-up and no demo data."""
    return create_app({
        "SQLALCHEMY_DATABASE_URI": database if isinstance(database, str) else f"sqlite:///{database}",
        "AUTO_INIT": False, "DEMO_DATA": False,
        "ENV": "testing", "SECRET_KEY": SECRET_KEY, **(overrides or {}),
    })


def create_empty(database: Path | str) -> None:
    """Migrate a new database and load the provinces, communes and shipped catalog."""
    app = make_app(database)
    with app.app_context():
        init_database(app, demo=False)
        db.session.remove()
        db.engine.dispose()


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database safely, WAL included, through the backup API."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)


def load_enterprises(database: Path | str, count: int, seed: int) -> float:
    """Insert `count` generated, published enterprises with Core, fill the folded columns and FTS rows; return seconds.

    The rows carry what `save_enterprise` would store (through `search.indexed_parts` and
    `search.folded_columns`) but skip the audit trail, which no benchmark reads. No ANALYZE:
    the registry never runs it, and its statistics change the plans (with every
    `merged_into_id` NULL they turn the detail page's merged-records lookup into a full scan).
    """
    app = make_app(database)
    started = time.perf_counter()
    with app.app_context():
        version = catalog.current_version()
        nodes = {node.code: node for node in catalog.nodes_of(version)}
        profiles = generate_profiles(count, seed)
        next_id = 1
        while True:
            chunk = [p for _, p in zip(range(CHUNK), profiles, strict=False)]
            if not chunk:
                break
            _insert_chunk(chunk, next_id, nodes)
            db.session.commit()
            next_id += len(chunk)
        if db.engine.dialect.name == "postgresql":  # rows came with their ids: move the sequences past them
            for table in (Enterprise.__table__, EnterpriseItem.__table__, Certificate.__table__):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


def _insert_chunk(chunk: list[dict], first_id: int, nodes: dict) -> None:
    enterprises, items, certificates, index_rows = [], [], [], []
    for offset, profile in enumerate(chunk):
        enterprise_id = first_id + offset
        linked = [nodes[link["code"]] for link in profile["items"]]
        parts = search.indexed_parts(profile["name_vi"], profile["name_en"], profile["short_name"], profile["tax_code"], linked)
        index_rows.append((enterprise_id, parts))
        enterprises.append({
            "id": enterprise_id, **{name: profile[name] for name in PROFILE_COLUMNS},
            **search.folded_columns(profile["name_vi"], parts),
            "size_class": SizeClass(profile["size_class"]), "status": Status.PUBLISHED, "changes_requested": False,
            "review_note": "", "source": "benchmark", "is_demo": True, "version": 1,
        })
        items.extend({"enterprise_id": enterprise_id, "node_id": node.id, "relation": Relation(link["relation"])}
                     for node, link in zip(linked, profile["items"], strict=True))
        certificates.extend({
            "enterprise_id": enterprise_id, "name": c["name"], "number": c["number"], "issuer": c["issuer"],
            "issued_on": date.fromisoformat(c["issued_on"]), "expires_on": date.fromisoformat(c["expires_on"]),
        } for c in profile["certificates"])
    db.session.execute(insert(Enterprise), enterprises)
    db.session.execute(insert(EnterpriseItem), items)
    if certificates:
        db.session.execute(insert(Certificate), certificates)
    search.write_many_to_index(index_rows)
