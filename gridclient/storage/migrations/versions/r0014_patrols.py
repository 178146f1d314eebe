"""巡查 (patrols, issue #16 item 3): a worker's daily patrol of a grid, a new synced kind.

* ``patrols``: the record's fields (see ``gridcore.domain.entities.Patrol``): grid,
  patroller, day, optional start and end, route, places, findings, photo ids and the ids
  of the events reported from it (JSON arrays), notes.
* ``ix_patrols_grid_id_patrol_date``: a grid's patrols of a period (the patrol log).
* ``ix_patrols_list_order`` (``patrol_date DESC, id, deleted``): the 巡查 list's order
  and what its id query reads, as for the events and visits lists (0013).

A laptop that pulled patrols before it knew the kind kept them aside in
``held_records``; the engine replays them once this table exists.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patrols",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("grid_id", sa.String(), nullable=False),
        sa.Column("patroller", sa.String(), nullable=False),
        sa.Column("patrol_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("places", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("event_ids", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrols")),
    )
    op.create_index(
        op.f("ix_patrols_grid_id_patrol_date"), "patrols", ["grid_id", "patrol_date"]
    )
    op.create_index(
        "ix_patrols_list_order", "patrols", [sa.text("patrol_date DESC"), "id", "deleted"]
    )


def downgrade() -> None:
    op.drop_index("ix_patrols_list_order", table_name="patrols")
    op.drop_index(op.f("ix_patrols_grid_id_patrol_date"), table_name="patrols")
    op.drop_table("patrols")
