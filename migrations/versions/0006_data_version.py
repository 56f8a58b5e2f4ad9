"""A counter of committed changes, the key of shared public pages

Revision ID: 0006_data_version
Revises: 0005_search_state
Create Date: 2026-11-24 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_data_version"
down_revision = "0005_search_state"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "number": 0}])


def downgrade():
    op.drop_table("data_version")
