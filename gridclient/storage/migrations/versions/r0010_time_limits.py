"""Time limits in working days or hours; events keep their limit kind.

* ``events.limit_kind`` (``calendar`` or ``working``) and ``events.time_limit_hours``:
  how the event's day limit counts, and an hour limit (当日/24小时/4小时 kinds of
  urgent matters), kept from the catalog it was reported under.
* ``event_categories.limit_kind`` and ``hour_limits``: the catalog's new fields.

Events already stored are carried over as **calendar days** with no hour limit: that is
how their deadlines were counted when they were reported, so no deadline moves. Stored
categories count calendar days until the server's catalog says otherwise. The holiday
calendar lives in ``sync_state`` (``holidays``); until the first sync brings one the
shipped calendar counts.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "events",
        sa.Column("limit_kind", sa.String(), nullable=False, server_default="calendar"),
    )
    op.add_column("events", sa.Column("time_limit_hours", sa.Integer(), nullable=True))
    op.add_column(
        "event_categories",
        sa.Column("limit_kind", sa.String(), nullable=False, server_default="calendar"),
    )
    op.add_column(
        "event_categories",
        sa.Column("hour_limits", sa.JSON(), nullable=False, server_default="{}"),
    )


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("time_limit_hours")
        batch.drop_column("limit_kind")
    with op.batch_alter_table("event_categories") as batch:
        batch.drop_column("hour_limits")
        batch.drop_column("limit_kind")
