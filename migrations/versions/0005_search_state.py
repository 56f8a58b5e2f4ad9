"""Give the SQLite search index each record's status and one-letter prefixes

The index's new `state` column is empty for published records and "hidden <status>" for the
rest, so the public search counts and pages its matches in the index alone (a small NOT instead
of a probe into `enterprise` per match). `prefix = '1 2 3'` makes a one-letter last word typed
into the box ("xu l") one lookup instead of a merge of every word starting with that letter.
`enterprise.search_text` gains a closing space, so a whole word matches as "% word %" on PostgreSQL.

Revision ID: 0005_search_state
Revises: 0004_enterprise_location
Create Date: 2026-11-24 05:10:00
"""
from alembic import op

revision = "0005_search_state"
down_revision = "0004_enterprise_location"
branch_labels = None
depends_on = None

_STATE = "CASE e.status WHEN 'published' THEN '' ELSE 'hidden ' || e.status END"


def _recreate(columns: str, prefix: str, rank: str, copy: str) -> None:
    op.execute("ALTER TABLE enterprise_search RENAME TO enterprise_search_old")
    op.execute(f"CREATE VIRTUAL TABLE enterprise_search USING fts5({columns}, tokenize = 'unicode61 remove_diacritics 2', prefix = '{prefix}')")
    op.execute(f"INSERT INTO enterprise_search(enterprise_search, rank) VALUES ('rank', '{rank}')")
    op.execute(copy)
    op.execute("DROP TABLE enterprise_search_old")


def upgrade():
    op.execute("UPDATE enterprise SET search_text = search_text || ' ' WHERE search_text <> '' AND search_text NOT LIKE '% '")
    if op.get_bind().dialect.name != "sqlite":
        return
    _recreate(
        "names, codes, items, state", "1 2 3", "bm25(10.0, 6.0, 1.0, 0.0)",
        "INSERT INTO enterprise_search(rowid, names, codes, items, state) "
        f"SELECT s.rowid, s.names, s.codes, s.items, {_STATE} FROM enterprise_search_old s JOIN enterprise e ON e.id = s.rowid",
    )


def downgrade():
    op.execute("UPDATE enterprise SET search_text = rtrim(search_text) WHERE search_text LIKE '% '")
    if op.get_bind().dialect.name != "sqlite":
        return
    _recreate(
        "names, codes, items", "2 3", "bm25(10.0, 6.0, 1.0)",
        "INSERT INTO enterprise_search(rowid, names, codes, items) SELECT rowid, names, codes, items FROM enterprise_search_old",
    )
