"""Sync metadata: the outbox, key/value sync state, conflict records for review and the
reveal log (who unmasked which ID number or phone, for PIPL audits).

The outbox gets a trigger that refuses any change to a queued op other than its status
and the server's reason, message and field: "a queued op is immutable" is then a
property of the database, not a convention. A later batch migration that recreates the
``outbox`` table must recreate this trigger.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Static DDL, no values: the trigger body cannot be expressed with SQLAlchemy constructs.
_OUTBOX_IMMUTABLE = """
CREATE TRIGGER outbox_immutable
BEFORE UPDATE OF op_id, seq, entity, entity_id, kind, base_version, changes, created_at, actor
ON outbox
BEGIN
    SELECT RAISE(ABORT, 'outbox ops are immutable: only status, reason, message, field change');
END
"""


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("op_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("field", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("seq", name=op.f("uq_outbox_seq")),
    )
    op.create_index(op.f("ix_outbox_status_seq"), "outbox", ["status", "seq"])
    op.create_index(op.f("ix_outbox_entity_entity_id"), "outbox", ["entity", "entity_id"])
    op.execute(_OUTBOX_IMMUTABLE)

    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )

    op.create_table(
        "conflicts",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("mine", sa.JSON(), nullable=False),
        sa.Column("theirs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("op_id", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["op_id"],
            ["outbox.op_id"],
            name=op.f("fk_conflicts_op_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
    )
    op.create_index(op.f("ix_conflicts_entity_entity_id"), "conflicts", ["entity", "entity_id"])
    op.create_index(op.f("ix_conflicts_resolved"), "conflicts", ["resolved"])
    op.create_index(op.f("ix_conflicts_op_id"), "conflicts", ["op_id"])

    op.create_table(
        "reveal_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal_log")),
    )
    op.create_index(op.f("ix_reveal_log_entity_entity_id"), "reveal_log", ["entity", "entity_id"])
    op.create_index(op.f("ix_reveal_log_at"), "reveal_log", ["at"])


def downgrade() -> None:
    op.drop_table("reveal_log")
    op.drop_table("conflicts")
    op.drop_table("sync_state")
    op.execute("DROP TRIGGER IF EXISTS outbox_immutable")
    op.drop_table("outbox")
