"""The communes of before 1 July 2025 and the communes they became, for proposing successors in forms and imports

Revision ID: 0014_commune_successors
Revises: 0013_account_email
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_commune_successors"
down_revision = "0013_account_email"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "commune_predecessor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("name_vi", sa.String(length=160), nullable=False),
        sa.Column("name_folded", sa.String(length=160), nullable=False),
        sa.Column("division", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("successor_code", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(["province_code"], ["province.code"], name=op.f("fk_commune_predecessor_province_code_province")),
        sa.ForeignKeyConstraint(["successor_code"], ["commune.code"], name=op.f("fk_commune_predecessor_successor_code_commune"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune_predecessor")),
    )
    with op.batch_alter_table("commune_predecessor", schema=None) as batch_op:
        batch_op.create_index("ix_commune_predecessor_lookup", ["province_code", "name_folded"], unique=False)
        batch_op.create_index(batch_op.f("ix_commune_predecessor_successor_code"), ["successor_code"], unique=False)


def downgrade():
    with op.batch_alter_table("commune_predecessor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commune_predecessor_successor_code"))
        batch_op.drop_index("ix_commune_predecessor_lookup")
    op.drop_table("commune_predecessor")
