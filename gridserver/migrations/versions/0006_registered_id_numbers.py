"""one person, one record: every live resident's ID number in an indexed column

* ``records.id_number``: a live resident's document key — its 公民身份号码 (or 港澳台居民
  居住证 number) in the 18-character form, ``PP:E12345678`` for a passport and the like —
  NULL for tombstones, people without a number and every other kind; filled from the
  stored fields, with the non-unique index ``ix_records_id_number`` the push checks.
* Not UNIQUE: databases already hold the same person twice (imported in two grids before
  this check); those are listed by ``gridserver duplicates`` and merged by the township
  (``gridserver merge-residents``), and this migration must not fail on them. Nothing a
  laptop sees changes, so no record gets a new version or feed position.

Revision ID: 0006_registered_id_numbers
Revises: 0005_time_limits
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from gridcore.domain import idnumber
from gridcore.domain.enums import IdDocumentType

revision = "0006_registered_id_numbers"
down_revision = "0005_time_limits"
branch_labels = None
depends_on = None

_Json = sa.JSON().with_variant(JSONB(), "postgresql")
_records = sa.table(
    "records",
    sa.column("kind", sa.String()),
    sa.column("id", sa.String()),
    sa.column("deleted", sa.Boolean()),
    sa.column("fields", _Json),
    sa.column("id_number", sa.String()),
)
_BATCH = 1000


_OTHER_DOCUMENTS = {"hk_macao_permit": "HM", "taiwan_permit": "TW", "passport": "PP"}
_OTHER_DOCUMENTS["foreign_permanent"] = "FP"


def _number(fields: Any) -> str | None:
    """As ``gridserver.persons.registered_id`` did when this migration was written."""
    value = fields.get("id_number") if isinstance(fields, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    document = fields.get("id_type") or "resident_id"
    if document not in {t.value for t in IdDocumentType if t.is_id_number}:
        code = _OTHER_DOCUMENTS.get(document)
        return None if code is None else f"{code}:{value.strip().upper()}"[:32]
    try:
        return idnumber.parse(value).number
    except idnumber.InvalidIdNumber:
        return value.strip().upper()[:18] or None


def upgrade() -> None:
    op.add_column("records", sa.Column("id_number", sa.String(length=32), nullable=True))
    conn = op.get_bind()
    statement = (
        sa.update(_records)
        .where(_records.c.kind == "resident", _records.c.id == sa.bindparam("b_id"))
        .values(id_number=sa.bindparam("b_number"))
    )
    query = (
        sa.select(_records.c.id, _records.c.fields)
        .where(_records.c.kind == "resident", _records.c.deleted.is_(False))
        .order_by(_records.c.id)
    )
    batch: list[dict[str, Any]] = []
    for row in conn.execute(query).all():
        number = _number(row.fields)
        if number is None:
            continue
        batch.append({"b_id": row.id, "b_number": number})
        if len(batch) >= _BATCH:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)
    op.create_index("ix_records_id_number", "records", ["id_number"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_records_id_number", table_name="records")
    with op.batch_alter_table("records") as batch_op:
        batch_op.drop_column("id_number")
