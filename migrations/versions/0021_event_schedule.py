"""The organizer's schedule: sessions and their tables, limits and availability, and a meeting's draft and published placements

Revision ID: 0021_event_schedule
Revises: 0020_events
Create Date: 2026-12-02 00:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_event_schedule"
down_revision = "0020_events"
branch_labels = None
depends_on = None

MEETING_COLUMNS = ("slot_key", "table_id", "pinned", "published_slot_key", "published_table_id", "moved", "reason_code", "reason_params",
                   "is_demo")


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}"), ondelete=ondelete)


def upgrade():
    op.create_table(
        "schedule_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("meeting_minutes", sa.Integer(), nullable=False),
        sa.Column("pause_minutes", sa.Integer(), nullable=False),
        sa.Column("breaks", sa.String(length=500), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        _fk("event_id", "schedule_session", "event.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_session")),
    )
    op.create_table(
        "schedule_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("session_id", "schedule_table", "schedule_session.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_table")),
        sa.UniqueConstraint("session_id", "label", name="uq_schedule_table_session_id_label"),
    )
    op.create_table(
        "schedule_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_status", sa.String(length=20), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        _fk("event_id", "schedule_settings", "event.id", "CASCADE"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_schedule_settings")),
    )
    op.create_table(
        "participant_schedule",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("availability", sa.Text(), nullable=False),
        _fk("participant_id", "participant_schedule", "participant.id", "CASCADE"),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_participant_schedule")),
    )
    with op.batch_alter_table("schedule_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_session_event_id"), ["event_id"], unique=False)
    with op.batch_alter_table("schedule_table", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_table_session_id"), ["session_id"], unique=False)
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slot_key", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("table_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("published_slot_key", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("published_table_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("moved", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("reason_code", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reason_params", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f("fk_meeting_table_id_schedule_table"), "schedule_table", ["table_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_meeting_published_table_id_schedule_table"), "schedule_table", ["published_table_id"],
                                    ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_meeting_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_published_table_id"), ["published_table_id"], unique=False)
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        for column in ("pinned", "moved", "reason_code", "reason_params", "is_demo"):
            batch_op.alter_column(column, server_default=None)


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_published_table_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_table_id"))
        batch_op.drop_constraint(batch_op.f("fk_meeting_published_table_id_schedule_table"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_meeting_table_id_schedule_table"), type_="foreignkey")
        for column in reversed(MEETING_COLUMNS):
            batch_op.drop_column(column)
    with op.batch_alter_table("schedule_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_table_session_id"))
    with op.batch_alter_table("schedule_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_session_event_id"))
    for table in ("participant_schedule", "schedule_settings", "schedule_table", "schedule_session"):
        op.drop_table(table)
