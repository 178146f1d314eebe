"""Program records (帮扶记录, issue #16 item 2): ``program_records``, one spell of a
household in 低保, 特困供养, 临时救助, 防返贫监测 (with its monitoring life cycle) or 优抚.

A new table, empty until the first sync after the upgrade stores the records this laptop
kept aside while it did not know the kind (held records). The server keeps record fields
in JSON and needs no migration.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "program_records",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("household_id", sa.String(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("risk_type", sa.String(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_records")),
    )
    op.create_index(
        op.f("ix_program_records_household_id"), "program_records", ["household_id"]
    )
    op.create_index(op.f("ix_program_records_program"), "program_records", ["program"])


def downgrade() -> None:
    op.drop_index(op.f("ix_program_records_program"), table_name="program_records")
    op.drop_index(op.f("ix_program_records_household_id"), table_name="program_records")
    op.drop_table("program_records")
