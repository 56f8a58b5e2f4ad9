"""Incentive policies as data (national and provincial) and the communes listed as difficult or especially difficult

Revision ID: 0016_incentives
Revises: 0015_zone_display_levels
Create Date: 2026-12-01 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_incentives"
down_revision = "0015_zone_display_levels"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incentive_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("title_vi", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("instrument", sa.String(length=30), nullable=False),
        sa.Column("sector_class", sa.String(length=20), nullable=False),
        sa.Column("area_classes", sa.JSON(), nullable=False),
        sa.Column("min_capital_vnd", sa.BigInteger(), nullable=True),
        sa.Column("min_jobs", sa.Integer(), nullable=True),
        sa.Column("new_project_only", sa.Boolean(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("benefit", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("article", sa.String(length=200), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.String(length=3), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note_vi", sa.Text(), nullable=False),
        sa.Column("note_en", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("search_folded", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["province_code"], ["province.code"], name=op.f("fk_incentive_policy_province_code_province")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_policy")),
        sa.UniqueConstraint("code", name=op.f("uq_incentive_policy_code")),
    )
    with op.batch_alter_table("incentive_policy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incentive_policy_instrument"), ["instrument"], unique=False)
        batch_op.create_index(batch_op.f("ix_incentive_policy_province_code"), ["province_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_incentive_policy_status"), ["status"], unique=False)
    op.create_table(
        "commune_difficulty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("level", sa.String(length=4), nullable=False),
        sa.Column("decision_number", sa.String(length=200), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"], name=op.f("fk_commune_difficulty_commune_code_commune")),
        sa.ForeignKeyConstraint(["province_code"], ["province.code"], name=op.f("fk_commune_difficulty_province_code_province")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune_difficulty")),
    )
    with op.batch_alter_table("commune_difficulty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commune_difficulty_commune_code"), ["commune_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_commune_difficulty_province_code"), ["province_code"], unique=False)
    number = op.get_bind().scalar(sa.text("SELECT number FROM data_version WHERE kind = 'all'")) or 0
    versions = sa.table("data_version", sa.column("kind", sa.String), sa.column("number", sa.Integer))
    op.bulk_insert(versions, [{"kind": "incentives", "number": number}])


def downgrade():
    op.execute("DELETE FROM data_version WHERE kind = 'incentives'")
    with op.batch_alter_table("commune_difficulty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commune_difficulty_province_code"))
        batch_op.drop_index(batch_op.f("ix_commune_difficulty_commune_code"))
    op.drop_table("commune_difficulty")
    with op.batch_alter_table("incentive_policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incentive_policy_status"))
        batch_op.drop_index(batch_op.f("ix_incentive_policy_province_code"))
        batch_op.drop_index(batch_op.f("ix_incentive_policy_instrument"))
    op.drop_table("incentive_policy")
