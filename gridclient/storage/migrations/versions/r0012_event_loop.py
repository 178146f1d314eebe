"""The loop as practiced: an event's source channel, an extension's deadline, and the
catalog's self-resolvable mark.

* ``events.source``: 来源 (网格员上报, 热线, 来访, 书记接待, 12345, 其他); every event
  stored before is a grid worker's report (``grid_worker``), as on the server.
* ``event_actions.deadline``: the new deadline a 申请延期 asks for.
* ``event_actions.final_evaluation``: a 不满意 evaluation the server had accepted before
  不满意 reopened events stays final (the server's migration marks its copies the same
  way), so the upgrade reopens no past event. One still waiting to be sent is judged by
  the new rule, as the server will judge it.
* ``event_categories.self_resolvable``: whether a grid worker may self-resolve the
  category; true until the server's catalog (which now says so per category) arrives.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "events",
        sa.Column("source", sa.String(), nullable=False, server_default="grid_worker"),
    )
    op.add_column("event_actions", sa.Column("deadline", sa.Date(), nullable=True))
    op.add_column(
        "event_actions",
        sa.Column(
            "final_evaluation", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.execute(
        "UPDATE event_actions SET final_evaluation = 1 WHERE kind = 'evaluate' "
        "AND satisfaction = 'unsatisfied' AND server_at IS NOT NULL"
    )
    op.add_column(
        "event_categories",
        sa.Column("self_resolvable", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    with op.batch_alter_table("event_categories") as batch:
        batch.drop_column("self_resolvable")
    with op.batch_alter_table("event_actions") as batch:
        batch.drop_column("final_evaluation")
        batch.drop_column("deadline")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("source")
