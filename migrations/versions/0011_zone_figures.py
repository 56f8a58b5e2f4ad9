"""Sourced, dated zone figures (several sources per figure) and the zone's published occupancy

Revision ID: 0011_zone_figures
Revises: 0010_staged_uploads
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_zone_figures"
down_revision = "0010_staged_uploads"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite adds and drops a column in place (3.35 and later); copying the table instead would drop `zone`
    # under the foreign keys that refer to it.
    with op.batch_alter_table("zone", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("published_occupancy", sa.Float(), nullable=True))
    op.create_table(
        "zone_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=30), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=120), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("as_of_precision", sa.Enum("day", "month", "year", name="dateprecision", native_enum=False, length=10), nullable=True),
        sa.Column("as_of_text", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("source_name", sa.String(length=300), nullable=False),
        sa.Column("source_name_en", sa.String(length=300), nullable=False),
        sa.Column("source_kind", sa.Enum("government", "board", "press", "broker", name="sourcekind", native_enum=False, length=20),
                  nullable=False),
        sa.Column("confidence", sa.String(length=1), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_figure_zone_id_zone"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_figure")),
    )
    with op.batch_alter_table("zone_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zone_figure_zone_id"), ["zone_id"], unique=False)


def downgrade():
    with op.batch_alter_table("zone_figure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zone_figure_zone_id"))
    op.drop_table("zone_figure")
    with op.batch_alter_table("zone", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("published_occupancy")
