"""Trade-promotion events, their participants with offers and needs, meeting requests and the meetings the scheduler places

Revision ID: 0020_events
Revises: 0019_incubators
Create Date: 2026-12-01 21:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_events"
down_revision = "0019_incubators"
branch_labels = None
depends_on = None


def _enum(name: str, values: tuple[str, ...], length: int = 20, nullable: bool = False, type_name: str | None = None) -> sa.Column:
    return sa.Column(name, sa.Enum(*values, name=type_name or name, native_enum=False, length=length), nullable=nullable)


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}"], name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}"), ondelete=ondelete)


def _indexes(table: str, columns: tuple[str, ...]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


INDEXES = {
    "event": ("kind", "starts_on", "province_code", "organization_id", "status", "is_demo"),
    "participant": ("event_id", "status", "enterprise_id", "user_id"),
    "interest": ("participant_id", "node_id"),
    "meeting_request": ("event_id", "requester_id", "counterpart_id", "status"),
    "meeting": ("published",),
}


def upgrade():
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        _enum("kind", ("fair", "conference", "matchmaking", "training"), type_name="eventkind"),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        _enum("status", ("draft", "open", "closed", "held"), type_name="eventstatus"),
        sa.Column("participant_limit", sa.Integer(), nullable=True),
        sa.Column("auto_accept", sa.Boolean(), nullable=False),
        sa.Column("request_hours", sa.Integer(), nullable=False),
        sa.Column("max_open_requests", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("search_folded", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["province_code"], ["province.code"], name=op.f("fk_event_province_code_province")),
        _fk("organization_id", "event", "organization.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        _enum("role", ("exhibitor", "buyer", "investor", "speaker"), type_name="participantrole"),
        _enum("status", ("requested", "approved", "waiting", "declined", "withdrawn"), type_name="participantstatus"),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("booth", sa.String(length=20), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("waiting_since", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        _fk("event_id", "participant", "event.id", "CASCADE"),
        _fk("enterprise_id", "participant", "enterprise.id", "CASCADE"),
        _fk("user_id", "participant", "user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint("event_id", "booth", name="uq_participant_event_id_booth"),
        sa.UniqueConstraint("event_id", "enterprise_id", name="uq_participant_event_id_enterprise_id"),
    )
    op.create_table(
        "interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        _enum("direction", ("offer", "need"), length=10),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        _fk("participant_id", "interest", "participant.id", "CASCADE"),
        _fk("node_id", "interest", "catalog_node.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest")),
    )
    op.create_table(
        "meeting_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("counterpart_id", sa.Integer(), nullable=False),
        _enum("priority", ("must", "would_like")),
        _enum("status", ("open", "accepted", "declined", "expired"), type_name="requeststate"),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        _fk("event_id", "meeting_request", "event.id", "CASCADE"),
        _fk("requester_id", "meeting_request", "participant.id", "CASCADE"),
        _fk("counterpart_id", "meeting_request", "participant.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_request")),
        sa.UniqueConstraint("requester_id", "counterpart_id", name="uq_meeting_request_requester_id"),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", sa.DateTime(), nullable=True),
        sa.Column("slot_end", sa.DateTime(), nullable=True),
        sa.Column("table_label", sa.String(length=40), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        _fk("request_id", "meeting", "meeting_request.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("request_id", name=op.f("uq_meeting_request_id")),
    )
    for table, columns in INDEXES.items():
        _indexes(table, columns)
    number = op.get_bind().scalar(sa.text("SELECT number FROM data_version WHERE kind = 'all'")) or 0
    versions = sa.table("data_version", sa.column("kind", sa.String), sa.column("number", sa.Integer))
    op.bulk_insert(versions, [{"kind": "events", "number": number}])


def downgrade():
    op.execute("DELETE FROM data_version WHERE kind = 'events'")
    for table in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in INDEXES[table]:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
