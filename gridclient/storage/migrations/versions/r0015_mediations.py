"""调解记录 (issue #16 item 4): the ``mediations`` table, one row per mediation of a dispute
event (parties, mediator or committee, sessions, agreement, outcome, follow-up).

A new table only: nothing stored so far changes. The server keeps record fields in JSON
and needs no migration.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mediations",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("mediator", sa.Text(), nullable=False),
        sa.Column("committee", sa.Text(), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("sessions", sa.JSON(), nullable=False),
        sa.Column("agreement", sa.Text(), nullable=False),
        sa.Column("agreement_kind", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediations")),
    )
    op.create_index(op.f("ix_mediations_event_id"), "mediations", ["event_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mediations_event_id"), table_name="mediations")
    op.drop_table("mediations")
