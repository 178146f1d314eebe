"""Conflict resolution: a resolve op names its conflict and the side kept; a conflict
record remembers which side is this user's, who wrote each side, and the decision.

* ``outbox.conflict_id`` and ``outbox.keep``: set only on ops of kind ``resolve``.
  Added columns are outside the ``outbox_immutable`` trigger's column list, but nothing
  updates them (the repository writes them only in the INSERT).
* ``conflicts.mine_side`` (``server``, ``incoming`` or NULL when this user wrote
  neither side), ``server_user``, ``incoming_user`` and ``resolution`` (the side kept,
  locally as soon as the user decided, then as the server reports it).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("conflict_id", sa.String(), nullable=True))
    op.add_column("outbox", sa.Column("keep", sa.String(), nullable=True))
    op.add_column("conflicts", sa.Column("mine_side", sa.String(), nullable=True))
    op.add_column("conflicts", sa.Column("server_user", sa.String(), nullable=True))
    op.add_column("conflicts", sa.Column("incoming_user", sa.String(), nullable=True))
    op.add_column("conflicts", sa.Column("resolution", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflicts") as batch:
        for name in ("resolution", "incoming_user", "server_user", "mine_side"):
            batch.drop_column(name)
    # Dropping a column recreates the table; the trigger goes with it and comes back.
    op.execute("DROP TRIGGER IF EXISTS outbox_immutable")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("keep")
        batch.drop_column("conflict_id")
    op.execute(
        """
CREATE TRIGGER outbox_immutable
BEFORE UPDATE OF op_id, seq, entity, entity_id, kind, base_version, changes, created_at, actor
ON outbox
BEGIN
    SELECT RAISE(ABORT, 'outbox ops are immutable: only status, reason, message, field change');
END
"""
    )
