"""time limits: the holiday calendar table; events keep their limit kind

* ``holidays``: the holiday calendar (节假日安排) loaded with ``gridserver load-holidays``,
  one row like ``catalog``. Until one is loaded the server and the laptops count working
  days with the calendar shipped in ``gridcore/data/holidays.json``.
* Every stored event is carried over with ``limit_kind: "calendar"``: its time limit was
  counted in calendar days when it was reported, and stays so (only events reported
  under a catalog that says ``"limit_kind": "working"`` count working days). The value
  is what an event without the field decodes to, so laptops need not fetch the events
  again: no new version, no feed position.

Revision ID: 0005_time_limits
Revises: 0004_event_terms
Create Date: 2026-12-03 17:10:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_time_limits"
down_revision = "0004_event_terms"
branch_labels = None
depends_on = None

_Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_records = sa.table(
    "records",
    sa.column("kind", sa.String()),
    sa.column("id", sa.String()),
    sa.column("fields", _Json),
)


def upgrade() -> None:
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("document", _Json, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
    )
    conn = op.get_bind()
    statement = (
        sa.update(_records)
        .where(_records.c.kind == "event", _records.c.id == sa.bindparam("b_id"))
        .values(fields=sa.bindparam("b_fields", type_=_Json))
    )
    batch: list[dict[str, Any]] = []
    rows = conn.execute(
        sa.select(_records.c.id, _records.c.fields).where(_records.c.kind == "event")
    )
    for row in rows.all():
        if "limit_kind" in row.fields:
            continue
        batch.append({"b_id": row.id, "b_fields": {**row.fields, "limit_kind": "calendar"}})
        if len(batch) >= 1000:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)


def downgrade() -> None:
    op.drop_table("holidays")
