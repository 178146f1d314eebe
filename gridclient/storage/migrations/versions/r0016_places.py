"""Places and things (地、物) with their inspection records (issue #16, item 5).

* ``places``: a shop, rental house, school, hazard site or key facility of a grid
  (mutable, merged field by field like organizations);
* ``place_inspections``: its 检查记录, append-only (two workers checking the same place
  never conflict), read per place newest first.

Both are new tables, empty until the first pull brings the places of the scope. The
server keeps record fields in JSON and needs no migration.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "places",
        *_record_columns(),
        sa.Column("grid_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("micro_grid_id", sa.String(), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("risk_level", sa.String(), nullable=True),
        sa.Column("is_key", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("removal_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
    )
    op.create_index(op.f("ix_places_grid_id"), "places", ["grid_id"])
    op.create_table(
        "place_inspections",
        *_record_columns(),
        sa.Column("place_id", sa.String(), nullable=False),
        sa.Column("inspector", sa.String(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("hazards", sa.Text(), nullable=False),
        sa.Column("rectify_by", sa.Date(), nullable=True),
        sa.Column("rectified", sa.Boolean(), nullable=False),
        sa.Column("corrects_id", sa.String(), nullable=True),
        sa.Column("server_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_inspections")),
    )
    op.create_index(
        op.f("ix_place_inspections_place_id_inspected_on"),
        "place_inspections",
        ["place_id", "inspected_on"],
    )


def downgrade() -> None:
    op.drop_table("place_inspections")
    op.drop_table("places")
