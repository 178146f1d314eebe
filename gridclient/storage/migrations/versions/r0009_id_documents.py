"""证件类型 of a resident's number (issue #16, item 8): ``residents.id_type``.

Every resident stored so far has a 居民身份证 number (or none): the column's default.
The server keeps record fields in JSON and needs no migration: a record stored before
this field reads as a 居民身份证.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "residents",
        sa.Column("id_type", sa.String(), nullable=False, server_default="resident_id"),
    )


def downgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("id_type")
