"""包户干部 of a household (issue #16, item 2: 五级五长包户): ``households.cadre``.

Empty for every household stored so far (no cadre recorded yet). The server keeps
record fields in JSON and needs no migration.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("households", sa.Column("cadre", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.drop_column("cadre")
