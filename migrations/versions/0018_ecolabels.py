"""Eco-label certificates with their decisions (suspension, reinstatement, revocation), and users' in-app notifications

Revision ID: 0018_ecolabels
Revises: 0017_proposals
Create Date: 2026-12-01 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_ecolabels"
down_revision = "0017_proposals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ecolabel_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("number_key", sa.String(length=100), nullable=False),
        sa.Column("criteria_code", sa.String(length=40), nullable=False),
        sa.Column("product_group", sa.String(length=300), nullable=False),
        sa.Column("product_name", sa.String(length=300), nullable=False),
        sa.Column("product_model", sa.String(length=200), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("search_folded", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_ecolabel_certificate_enterprise_id_enterprise"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecolabel_certificate")),
        sa.UniqueConstraint("scheme", "number_key", name="uq_ecolabel_certificate_scheme_number_key"),
    )
    with op.batch_alter_table("ecolabel_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ecolabel_certificate_criteria_code"), ["criteria_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_ecolabel_certificate_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ecolabel_certificate_scheme"), ["scheme"], unique=False)
        batch_op.create_index(batch_op.f("ix_ecolabel_certificate_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_ecolabel_certificate_valid_until"), ["valid_until"], unique=False)
    op.create_table(
        "ecolabel_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["ecolabel_certificate.id"], name=op.f("fk_ecolabel_event_certificate_id_ecolabel_certificate"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecolabel_event")),
    )
    with op.batch_alter_table("ecolabel_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ecolabel_event_certificate_id"), ["certificate_id"], unique=False)
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("user_id", "key", name="uq_notification_user_id_key"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)
    number = op.get_bind().scalar(sa.text("SELECT number FROM data_version WHERE kind = 'all'")) or 0
    versions = sa.table("data_version", sa.column("kind", sa.String), sa.column("number", sa.Integer))
    op.bulk_insert(versions, [{"kind": "ecolabels", "number": number}])


def downgrade():
    op.execute("DELETE FROM data_version WHERE kind = 'ecolabels'")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))
        batch_op.drop_index(batch_op.f("ix_notification_created_at"))
    op.drop_table("notification")
    with op.batch_alter_table("ecolabel_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ecolabel_event_certificate_id"))
    op.drop_table("ecolabel_event")
    with op.batch_alter_table("ecolabel_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ecolabel_certificate_valid_until"))
        batch_op.drop_index(batch_op.f("ix_ecolabel_certificate_status"))
        batch_op.drop_index(batch_op.f("ix_ecolabel_certificate_scheme"))
        batch_op.drop_index(batch_op.f("ix_ecolabel_certificate_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_ecolabel_certificate_criteria_code"))
    op.drop_table("ecolabel_certificate")
