"""area losses and device clocks

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_losses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("moved_area_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_losses")),
    )
    op.create_index(op.f("ix_area_losses_seq"), "area_losses", ["seq"], unique=False)
    op.create_table(
        "device_clocks",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("offset_seconds", sa.Float(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_clocks")),
    )


def downgrade() -> None:
    op.drop_table("device_clocks")
    op.drop_index(op.f("ix_area_losses_seq"), table_name="area_losses")
    op.drop_table("area_losses")
