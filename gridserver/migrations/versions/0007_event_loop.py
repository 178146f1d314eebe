"""the loop as practiced: events get a source channel; the catalog marks self-resolvable

* Every stored event without a ``source`` gets ``grid_worker`` (网格员上报): before
  township intake existed every event was a grid worker's report. No new version: every
  laptop already reads a missing source the same way.
* Every stored 不满意 evaluation gets ``final_evaluation: true``: it was final when it
  was recorded, and stays so (the rule that 不满意 reopens an event applies from now on),
  so no past event is reopened and no past figure changes. Laptops mark the copies they
  hold the same way (store migration 0012).
* The stored catalog: a category without ``self_resolvable`` takes the flag of the
  catalog shipped with the core (``gridcore/data/catalog.json``) when code *and* name
  match (so 涉黄赌毒线索举报 and the other serious matters stop being self-resolvable);
  any other stays self-resolvable, the old behaviour. When that changed anything the
  document becomes the next revision, so laptops fetch it at their next sync.

Revision ID: 0007_event_loop
Revises: 0006_registered_id_numbers
Create Date: 2026-12-03 17:30:00
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007_event_loop"
down_revision = "0006_registered_id_numbers"
branch_labels = None
depends_on = None

_Json = sa.JSON().with_variant(JSONB(), "postgresql")
_records = sa.table(
    "records",
    sa.column("kind", sa.String()),
    sa.column("id", sa.String()),
    sa.column("fields", _Json),
)
_catalog = sa.table("catalog", sa.column("id", sa.Integer()), sa.column("document", _Json))


def _shipped_flags() -> dict[tuple[str, str], bool]:
    text = resources.files("gridcore").joinpath("data", "catalog.json").read_text("utf-8")
    document = json.loads(text)
    return {
        (str(c["code"]), str(c["name"])): bool(c.get("self_resolvable", True))
        for c in document.get("categories", [])
    }


def _flagged(document: dict[str, Any]) -> dict[str, Any] | None:
    """The document with self_resolvable filled in, or None when nothing changed."""
    shipped = _shipped_flags()
    changed = False
    categories = []
    for item in document.get("categories") or []:
        if isinstance(item, dict) and "self_resolvable" not in item:
            key = (str(item.get("code", "")), str(item.get("name", "")))
            item = {**item, "self_resolvable": shipped.get(key, True)}
            changed = True
        categories.append(item)
    if not changed:
        return None
    revision = document.get("revision", 0)
    revision = revision if isinstance(revision, int) and not isinstance(revision, bool) else 0
    return {**document, "categories": categories, "revision": revision + 1}


def upgrade() -> None:
    conn = op.get_bind()
    statement = (
        sa.update(_records)
        .where(_records.c.kind == "event", _records.c.id == sa.bindparam("b_id"))
        .values(fields=sa.bindparam("b_fields"))
    )
    batch: list[dict[str, Any]] = []
    rows = conn.execute(
        sa.select(_records.c.id, _records.c.fields).where(_records.c.kind == "event")
    )
    for row in rows.all():
        if isinstance(row.fields, dict) and "source" not in row.fields:
            batch.append({"b_id": row.id, "b_fields": {**row.fields, "source": "grid_worker"}})
        if len(batch) >= 1000:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)
    actions = (
        sa.update(_records)
        .where(_records.c.kind == "event_action", _records.c.id == sa.bindparam("b_id"))
        .values(fields=sa.bindparam("b_fields"))
    )
    batch = []
    rows = conn.execute(
        sa.select(_records.c.id, _records.c.fields).where(_records.c.kind == "event_action")
    )
    for row in rows.all():
        fields = row.fields
        if (
            isinstance(fields, dict)
            and fields.get("kind") == "evaluate"
            and fields.get("satisfaction") == "unsatisfied"
            and not fields.get("final_evaluation")
        ):
            batch.append({"b_id": row.id, "b_fields": {**fields, "final_evaluation": True}})
        if len(batch) >= 1000:
            conn.execute(actions, batch)
            batch = []
    if batch:
        conn.execute(actions, batch)
    found = conn.execute(sa.select(_catalog.c.document).where(_catalog.c.id == 1)).first()
    if found is not None and isinstance(found.document, dict):
        document = _flagged(found.document)
        if document is not None:
            conn.execute(sa.update(_catalog).where(_catalog.c.id == 1).values(document=document))


def downgrade() -> None:
    # The added values are what the previous code read a missing field as; keep them.
    pass
