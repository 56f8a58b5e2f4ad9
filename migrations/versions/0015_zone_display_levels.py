"""Zone shapes prepared for the map's zoom levels 6, 9 and 12, written with each boundary

The whole-country layer simplified 3,000 boundaries per answer (3.8 s); with the shapes kept
beside the boundary it only reads them. Existing zones keep NULL here until their boundary is
next written, and the map shapes those per request as before.

Revision ID: 0015_zone_display_levels
Revises: 0014_commune_successors
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_zone_display_levels"
down_revision = "0014_commune_successors"
branch_labels = None
depends_on = None

LEVELS = (6, 9, 12)


def upgrade():
    with op.batch_alter_table("zone", schema=None) as batch_op:
        for level in LEVELS:
            batch_op.add_column(sa.Column(f"display_z{level}", sa.Text(), nullable=True))


def downgrade():
    # In place (SQLite 3.35 and later): copying the table would drop `zone` under its foreign keys.
    with op.batch_alter_table("zone", schema=None, recreate="never") as batch_op:
        for level in reversed(LEVELS):
            batch_op.drop_column(f"display_z{level}")
