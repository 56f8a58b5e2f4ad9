"""Index enterprises by status and location (map layers asked for a box) and by status and name (the list)

Revision ID: 0004_enterprise_location
Revises: 0003_zones
Create Date: 2026-11-24 03:45:00
"""
from alembic import op

revision = "0004_enterprise_location"
down_revision = "0003_zones"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.create_index("ix_enterprise_status_location", ["status", "longitude", "latitude"], unique=False)
        batch_op.create_index("ix_enterprise_status_name", ["status", "name_core", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprise_status_name")
        batch_op.drop_index("ix_enterprise_status_location")
