"""events keep their catalog terms and get a 事件编号; the catalog gets a revision

* ``event_numbers``: the last 事件编号 sequence per township and year (the server takes
  the next one when an event first arrives, see ``gridcore.domain.eventnumber``).
* Every stored event is carried over: the catalog of its time is not kept, so its terms
  (category name, time limit for its urgency, catalog revision) are taken from the
  current catalog and marked ``terms_inferred``; a category that catalog lacks keeps the
  code as its name and the default limit for the urgency. Each gets its 事件编号, in
  report order per township and year. The events get a new version and feed position,
  so every laptop receives them at its next sync.
* The stored catalog document becomes revision 1 (``load-catalog`` bumps it from there).

Revision ID: 0004_event_terms
Revises: 0003_security
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from gridcore.domain.catalog import DEFAULT_TIME_LIMITS, CatalogError, EventCatalog
from gridcore.domain.enums import AreaLevel, Urgency
from gridcore.domain.eventnumber import format_event_number, number_year

revision = "0004_event_terms"
down_revision = "0003_security"
branch_labels = None
depends_on = None

_Json = sa.JSON().with_variant(JSONB(), "postgresql")
_records = sa.table(
    "records",
    sa.column("kind", sa.String()),
    sa.column("id", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("seq", sa.BigInteger()),
    sa.column("grid_id", sa.String()),
    sa.column("parent_id", sa.String()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("fields", _Json),
)
_catalog = sa.table("catalog", sa.column("id", sa.Integer()), sa.column("document", _Json))
_counter = sa.table(
    "feed_counter", sa.column("id", sa.Integer()), sa.column("value", sa.BigInteger())
)


def _terms(catalog: EventCatalog, fields: dict[str, Any]) -> dict[str, Any]:
    try:
        urgency = Urgency(str(fields.get("urgency")))
    except ValueError:
        urgency = Urgency.NORMAL
    code = str(fields.get("category_code", ""))
    category = catalog.categories.get(code)
    return {
        "category_name": category.name if category is not None else code,
        "time_limit_days": (
            category.limit_days(urgency) if category is not None else DEFAULT_TIME_LIMITS[urgency]
        ),
        "catalog_revision": catalog.revision,
        "terms_inferred": True,
    }


def upgrade() -> None:
    op.create_table(
        "event_numbers",
        sa.Column("township_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("township_id", "year", name=op.f("pk_event_numbers")),
    )
    conn = op.get_bind()
    catalog = EventCatalog()
    row = conn.execute(sa.select(_catalog.c.document).where(_catalog.c.id == 1)).first()
    if row is not None and isinstance(row.document, dict):
        document = {**row.document, "revision": max(1, int(row.document.get("revision") or 0))}
        conn.execute(sa.update(_catalog).where(_catalog.c.id == 1).values(document=document))
        try:
            catalog = EventCatalog.from_json(document)
        except CatalogError:
            catalog = EventCatalog()
    areas = {
        r.id: r
        for r in conn.execute(
            sa.select(_records.c.id, _records.c.parent_id, _records.c.fields).where(
                _records.c.kind == "area"
            )
        )
    }

    def township(grid_id: str | None) -> tuple[str, str]:
        node = areas.get(grid_id or "")
        seen = 0
        while (
            node is not None
            and node.fields.get("level") != AreaLevel.TOWNSHIP.value
            and node.parent_id in areas
            and seen < 16
        ):
            node = areas[node.parent_id]
            seen += 1
        if node is None:
            return ("", "")
        return (node.id, str(node.fields.get("code", "")))

    events = conn.execute(
        sa.select(_records.c.id, _records.c.version, _records.c.grid_id, _records.c.fields).where(
            _records.c.kind == "event"
        )
    ).all()
    if not events:
        return
    seq = conn.execute(
        sa.update(_counter)
        .where(_counter.c.id == 1)
        .values(value=_counter.c.value + 1)
        .returning(_counter.c.value)
    ).scalar_one()
    now = datetime.now(UTC)
    last: dict[tuple[str, int], int] = {}

    def reported(fields: dict[str, Any]) -> datetime:
        try:
            value = datetime.fromisoformat(str(fields.get("reported_at")))
        except ValueError:
            return now
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    ordered = sorted(events, key=lambda e: (reported(e.fields), e.id))
    statement = (
        sa.update(_records)
        .where(_records.c.kind == "event", _records.c.id == sa.bindparam("b_id"))
        .values(
            fields=sa.bindparam("b_fields", type_=_Json),
            version=sa.bindparam("b_version"),
            seq=seq,
            updated_at=now,
        )
    )
    batch: list[dict[str, Any]] = []
    for event in ordered:
        fields = dict(event.fields)
        if "time_limit_days" not in fields:
            fields.update(_terms(catalog, fields))
        if not fields.get("number"):
            township_id, code = township(event.grid_id)
            year = number_year(reported(fields))
            last[township_id, year] = last.get((township_id, year), 0) + 1
            fields["number"] = format_event_number(code, year, last[township_id, year])
        batch.append({"b_id": event.id, "b_fields": fields, "b_version": event.version + 1})
        if len(batch) >= 1000:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)
    if last:
        conn.execute(
            sa.table(
                "event_numbers",
                sa.column("township_id", sa.String()),
                sa.column("year", sa.Integer()),
                sa.column("last", sa.Integer()),
            ).insert(),
            [{"township_id": t, "year": y, "last": n} for (t, y), n in last.items()],
        )


def downgrade() -> None:
    op.drop_table("event_numbers")
