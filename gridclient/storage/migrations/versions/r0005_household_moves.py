"""Households that move out (迁出) or are deleted with a reason.

* ``households.moved_out_on`` (DATE) and ``households.moved_to``: a household that left
  the grid keeps its record and history but drops out of the lists and figures;
* ``households.removal_reason``: why a household record was deleted, written with the
  delete so the tombstone says why.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("households", sa.Column("moved_out_on", sa.Date(), nullable=True))
    op.add_column(
        "households", sa.Column("moved_to", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "households", sa.Column("removal_reason", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("households") as batch:
        for name in ("removal_reason", "moved_to", "moved_out_on"):
            batch.drop_column(name)
