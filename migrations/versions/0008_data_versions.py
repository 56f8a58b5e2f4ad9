"""A counter of committed changes per kind of record, so a write empties only the pages that show it

Every counter starts at the old single counter's number.

Revision ID: 0008_data_versions
Revises: 0007_sessions_tokens
Create Date: 2026-12-01 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_data_versions"
down_revision = "0007_sessions_tokens"
branch_labels = None
depends_on = None

KINDS = ("all", "enterprises", "zones", "catalog", "places", "organizations")


def upgrade():
    number = op.get_bind().scalar(sa.text("SELECT max(number) FROM data_version")) or 0
    op.drop_table("data_version")
    table = op.create_table(
        "data_version",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"kind": kind, "number": number} for kind in KINDS])


def downgrade():
    number = op.get_bind().scalar(sa.text("SELECT number FROM data_version WHERE kind = 'all'")) or 0
    op.drop_table("data_version")
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "number": number}])
