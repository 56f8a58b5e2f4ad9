"""When an account's e-mail address was confirmed; every account that exists already counts as confirmed

Revision ID: 0013_account_email
Revises: 0012_province_boundaries
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_account_email"
down_revision = "0012_province_boundaries"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(), nullable=True))
    # Accounts made before confirmation existed were made by administrators, the CLI or the demo data,
    # or opened by visitors whom nobody asked to confirm: they keep every right they had.
    user = sa.table("user", sa.column("email_verified_at", sa.DateTime()), sa.column("created_at", sa.DateTime()))
    op.execute(user.update().values(email_verified_at=user.c.created_at))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("email_verified_at")
