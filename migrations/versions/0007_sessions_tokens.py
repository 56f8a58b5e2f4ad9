"""Server-side sign-in sessions; API tokens with an expiry and a scope

Revision ID: 0007_sessions_tokens
Revises: 0006_data_version
Create Date: 2026-12-01 09:30:00
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0007_sessions_tokens"
down_revision = "0006_data_version"
branch_labels = None
depends_on = None

# Tokens issued before tokens expired keep working for the default lifetime from the upgrade on.
EXISTING_TOKEN_DAYS = 90


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("scope", sa.Enum("read", "write", name="tokenscope", native_enum=False, length=5),
                      nullable=False, server_default="write")
        )
    expires = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=EXISTING_TOKEN_DAYS)
    api_token = sa.table("api_token", sa.column("expires_at", sa.DateTime()))
    op.execute(api_token.update().values(expires_at=expires))
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column("scope", existing_type=sa.String(length=5), server_default=None)


def downgrade():
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("scope")
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
    op.drop_table("user_session")
