"""Province boundaries loaded by an operator: full shape for exact checks, simplified copy for maps

Revision ID: 0012_province_boundaries
Revises: 0011_zone_figures
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_province_boundaries"
down_revision = "0011_zone_figures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "province_boundary",
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("boundary_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("display_geojson", sa.Text(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=False),
        sa.Column("vertices", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["province_code"], ["province.code"], name=op.f("fk_province_boundary_province_code_province")),
        sa.PrimaryKeyConstraint("province_code", name=op.f("pk_province_boundary")),
    )


def downgrade():
    op.drop_table("province_boundary")
