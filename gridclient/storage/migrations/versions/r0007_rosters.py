"""Roster fields a clerk signs for (issue #16, item 7).

* ``residents.guardian`` and ``residents.guardian_phone``: 监护人 and 监护人电话 of a
  child (the 留守儿童 roster prints them);
* ``residents.disability_certificate``: 残疾证号 (the 残疾人 roster prints it);
* ``areas.issuer``: 填报单位, the body that issues the area's reports (set on the
  server, synced with the area).

The server keeps record fields in JSON and needs no migration: a record stored before
these fields has them empty.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RESIDENT_COLUMNS: tuple[tuple[str, type[sa.types.TypeEngine[str]]], ...] = (
    ("disability_certificate", sa.String),
    ("guardian", sa.Text),
    ("guardian_phone", sa.String),
)


def upgrade() -> None:
    for name, kind in _RESIDENT_COLUMNS:
        op.add_column("residents", sa.Column(name, kind(), nullable=False, server_default=""))
    op.add_column("areas", sa.Column("issuer", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("issuer")
    with op.batch_alter_table("residents") as batch:
        for name, _kind in reversed(_RESIDENT_COLUMNS):
            batch.drop_column(name)
