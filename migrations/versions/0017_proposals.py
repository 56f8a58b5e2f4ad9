"""Investors' project proposals, their matched zones, and the leads zone boards follow up with dated notes

Revision ID: 0017_proposals
Revises: 0016_incentives
Create Date: 2026-12-01 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_proposals"
down_revision = "0016_incentives"
branch_labels = None
depends_on = None

LEAD_STATUS = ("new", "contacted", "site_visit", "mou", "invested", "dropped")


def _status(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.Enum(*LEAD_STATUS, name="leadstatus", native_enum=False, length=20), nullable=nullable)


def upgrade():
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("activity", sa.String(length=40), nullable=False),
        sa.Column("catalog_codes", sa.JSON(), nullable=False),
        sa.Column("land_min_ha", sa.Float(), nullable=False),
        sa.Column("land_max_ha", sa.Float(), nullable=False),
        sa.Column("capital_amount", sa.Float(), nullable=False),
        sa.Column("capital_currency", sa.Enum("VND", "USD", name="currency", native_enum=False, length=3), nullable=False),
        sa.Column("exchange_rate", sa.Float(), nullable=False),
        sa.Column("capital_vnd", sa.BigInteger(), nullable=False),
        sa.Column("jobs", sa.Integer(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("new_project", sa.Boolean(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("strict_provinces", sa.Boolean(), nullable=False),
        sa.Column("wastewater_m3_day", sa.Integer(), nullable=True),
        sa.Column("port_within_km", sa.Float(), nullable=True),
        sa.Column("needs_power", sa.Boolean(), nullable=False),
        sa.Column("required_kinds", sa.JSON(), nullable=False),
        sa.Column("margin", sa.Float(), nullable=True),
        sa.Column("revenue_vnd_year", sa.BigInteger(), nullable=True),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("matched_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_proposal_user_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
        sa.UniqueConstraint("token", name=op.f("uq_proposal_token")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_user_id"), ["user_id"], unique=False)
    op.create_table(
        "proposal_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], name=op.f("fk_proposal_match_proposal_id_proposal"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_proposal_match_zone_id_zone"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_match")),
        sa.UniqueConstraint("proposal_id", "zone_id", name="uq_proposal_match_proposal_id"),
    )
    with op.batch_alter_table("proposal_match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_match_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_match_zone_id"), ["zone_id"], unique=False)
    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        _status("status", False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], name=op.f("fk_lead_proposal_id_proposal"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_lead_zone_id_zone"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
        sa.UniqueConstraint("proposal_id", "zone_id", name="uq_lead_proposal_id"),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_zone_id"), ["zone_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_status"), ["status"], unique=False)
    op.create_table(
        "lead_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        _status("status_before", True),
        _status("status_after", True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name=op.f("fk_lead_note_lead_id_lead"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_lead_note_author_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_note")),
    )
    with op.batch_alter_table("lead_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_note_lead_id"), ["lead_id"], unique=False)


def downgrade():
    for table, indexes in (("lead_note", ("lead_id",)), ("lead", ("status", "zone_id", "proposal_id")),
                           ("proposal_match", ("zone_id", "proposal_id")), ("proposal", ("user_id",))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
