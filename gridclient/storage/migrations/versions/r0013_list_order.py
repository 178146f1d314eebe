"""Indexes in the order the events and visits lists show (issue #13 item 5).

* ``ix_events_list_order`` (``reported_at DESC, id, deleted``): the events list's order
  and everything its id query reads, so it is one index walk with no sort and no table
  read. It replaces ``ix_events_reported_at``, a prefix of it that served the same
  ranges.
* ``ix_visits_list_order`` (``visited_at DESC, id, deleted, household_id``): the same
  for the visits list; before, the id query collected every visit household by household
  and sorted them (0.5 s of CPU for 100,000 visits), and its first rows could only come
  after that sort.
* ``ix_visits_corrects_id``, partial (only corrections are in it): "not replaced by a
  correction" read every visit to find the few corrections.
* ``ix_households_live`` (``id, deleted, moved_out_on``): the visits list keeps the
  visits of live households; this answers that per visit from the index, without
  reading the household (half of the rest of the visits list's cost).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_events_list_order", "events", [sa.text("reported_at DESC"), "id", "deleted"]
    )
    op.drop_index("ix_events_reported_at", table_name="events")
    op.create_index(
        "ix_visits_list_order",
        "visits",
        [sa.text("visited_at DESC"), "id", "deleted", "household_id"],
    )
    op.create_index(
        "ix_visits_corrects_id",
        "visits",
        ["corrects_id"],
        sqlite_where=sa.text("corrects_id IS NOT NULL"),
    )
    op.create_index(
        "ix_households_live", "households", ["id", "deleted", "moved_out_on"]
    )


def downgrade() -> None:
    op.drop_index("ix_households_live", table_name="households")
    op.drop_index("ix_visits_corrects_id", table_name="visits")
    op.drop_index("ix_visits_list_order", table_name="visits")
    op.create_index("ix_events_reported_at", "events", ["reported_at"])
    op.drop_index("ix_events_list_order", table_name="events")
