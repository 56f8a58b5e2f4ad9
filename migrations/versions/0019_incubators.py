"""Business incubators, their cohorts and their incubatees (registry enterprises with dates and outcome)

Revision ID: 0019_incubators
Revises: 0018_ecolabels
Create Date: 2026-12-01 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_incubators"
down_revision = "0018_ecolabels"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incubator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("host_kind", sa.String(length=30), nullable=False),
        sa.Column("host_name", sa.String(length=300), nullable=False),
        sa.Column("host_zone_id", sa.Integer(), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("focus_groups", sa.JSON(), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("source_note", sa.String(length=500), nullable=False),
        sa.Column("as_of", sa.String(length=100), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("search_folded", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["host_zone_id"], ["zone.id"], name=op.f("fk_incubator_host_zone_id_zone"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["province_code"], ["province.code"], name=op.f("fk_incubator_province_code_province")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incubator")),
        sa.UniqueConstraint("code", name=op.f("uq_incubator_code")),
    )
    with op.batch_alter_table("incubator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incubator_host_kind"), ["host_kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_incubator_host_zone_id"), ["host_zone_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incubator_province_code"), ["province_code"], unique=False)
    op.create_table(
        "cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incubator_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incubator_id"], ["incubator.id"], name=op.f("fk_cohort_incubator_id_incubator"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort")),
    )
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_incubator_id"), ["incubator_id"], unique=False)
    op.create_table(
        "incubatee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incubator_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_incubatee_cohort_id_cohort"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_incubatee_enterprise_id_enterprise"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incubator_id"], ["incubator.id"], name=op.f("fk_incubatee_incubator_id_incubator"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incubatee")),
    )
    with op.batch_alter_table("incubatee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incubatee_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incubatee_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incubatee_incubator_id"), ["incubator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incubatee_outcome"), ["outcome"], unique=False)
        batch_op.create_index("uq_incubatee_active", ["incubator_id", "enterprise_id"], unique=True,
                              sqlite_where=sa.text("outcome = 'active'"), postgresql_where=sa.text("outcome = 'active'"))
    number = op.get_bind().scalar(sa.text("SELECT number FROM data_version WHERE kind = 'all'")) or 0
    versions = sa.table("data_version", sa.column("kind", sa.String), sa.column("number", sa.Integer))
    op.bulk_insert(versions, [{"kind": "incubators", "number": number}])


def downgrade():
    op.execute("DELETE FROM data_version WHERE kind = 'incubators'")
    with op.batch_alter_table("incubatee", schema=None) as batch_op:
        batch_op.drop_index("uq_incubatee_active")
        for column in ("outcome", "incubator_id", "enterprise_id", "cohort_id"):
            batch_op.drop_index(batch_op.f(f"ix_incubatee_{column}"))
    op.drop_table("incubatee")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_incubator_id"))
    op.drop_table("cohort")
    with op.batch_alter_table("incubator", schema=None) as batch_op:
        for column in ("province_code", "host_zone_id", "host_kind"):
            batch_op.drop_index(batch_op.f(f"ix_incubator_{column}"))
    op.drop_table("incubator")
