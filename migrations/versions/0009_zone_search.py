"""Give zones their folded names for the zone list's text filter ("dung quat" finds "Dung Quất")

`zone.search_folded` holds both names folded (lowercase, no diacritics, đ as d), between spaces,
so whole words match as "% word %" on SQLite and PostgreSQL alike. Existing zones are filled here
with the folding of this revision, written out so that a later change to the app's folding does
not change what this migration does.

Revision ID: 0009_zone_search
Revises: 0008_data_versions
Create Date: 2026-12-01 12:30:00
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0009_zone_search"
down_revision = "0008_data_versions"
branch_labels = None
depends_on = None

_NON_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text.lower())).strip()


def upgrade():
    with op.batch_alter_table("zone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_folded", sa.Text(), nullable=False, server_default=""))
    zone = sa.table("zone", sa.column("id", sa.Integer), sa.column("name_vi", sa.String), sa.column("name_en", sa.String),
                    sa.column("search_folded", sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(zone.c.id, zone.c.name_vi, zone.c.name_en)).all()
    for id_, name_vi, name_en in rows:
        folded = " " + _fold(" ".join([name_vi or "", name_en or ""])) + " "
        connection.execute(zone.update().where(zone.c.id == id_).values(search_folded=folded))


def downgrade():
    # SQLite drops a column in place (3.35 and later); copying the table instead would drop `zone`
    # under the enterprises' foreign keys.
    with op.batch_alter_table("zone", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("search_folded")
