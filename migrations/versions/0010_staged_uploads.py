"""Uploads staged in the database between the steps of an import, with the progress of their commit

Revision ID: 0010_staged_uploads
Revises: 0009_zone_search
Create Date: 2026-12-01 12:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_staged_uploads"
down_revision = "0009_zone_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staged_upload",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("parsed", sa.LargeBinary(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("job_state", sa.String(length=10), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_staged_upload_owner_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_staged_upload")),
    )
    with op.batch_alter_table("staged_upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staged_upload_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staged_upload_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("staged_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staged_upload_expires_at"))
        batch_op.drop_index(batch_op.f("ix_staged_upload_owner_id"))
    op.drop_table("staged_upload")
