"""Check-ins per day of an event and the outcomes of accepted meetings

Revision ID: 0022_event_attendance
Revises: 0020_events
Create Date: 2026-12-02 00:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_event_attendance"
down_revision = "0021_event_schedule"
branch_labels = None
depends_on = None

INDEXES = {
    "check_in": ("event_id", "participant_id", "day"),
    "meeting_outcome": ("event_id", "result"),
}


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}"), ondelete=ondelete)


def upgrade():
    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        _fk("event_id", "check_in", "event.id", "CASCADE"),
        _fk("participant_id", "check_in", "participant.id", "CASCADE"),
        _fk("by_user_id", "check_in", "user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
        sa.UniqueConstraint("participant_id", "day", name="uq_check_in_participant_id_day"),
    )
    op.create_table(
        "meeting_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.Enum("no_show", "held", "follow_up", "mou_signed", "contract_signed", name="result",
                                    native_enum=False, length=20), nullable=False),
        sa.Column("contract_value", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("request_id", "meeting_outcome", "meeting_request.id", "CASCADE"),
        _fk("event_id", "meeting_outcome", "event.id", "CASCADE"),
        _fk("recorded_by_id", "meeting_outcome", "user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_outcome")),
        sa.UniqueConstraint("request_id", name=op.f("uq_meeting_outcome_request_id")),
    )
    for table, columns in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade():
    for table in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in INDEXES[table]:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
