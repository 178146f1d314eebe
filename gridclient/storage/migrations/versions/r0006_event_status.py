"""The events list filters by state and 超期 in SQL: ``event_status``.

An event's state is derived from its actions (``gridcore.domain.workflow``), never
stored in the record. This revision adds ``event_status``, one row per event with the
derived state, whether it is open, its catalog deadline and whether it finished late,
maintained by ``gridclient.storage.eventstate`` (a local cache, never synced).

Triggers keep it honest whatever path writes: a change to an event or to one of its
actions deletes that event's row, a change to the catalog deletes every row; a row is
therefore current or missing, and missing rows are derived again (in the same
transaction as a local write or a pulled page, or before the list is queried). The
table starts empty: the first list query after the upgrade derives every event once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Static DDL, no values: trigger bodies cannot be expressed with SQLAlchemy constructs.
_TRIGGERS = {
    "event_status_action_insert": """
CREATE TRIGGER event_status_action_insert AFTER INSERT ON event_actions
BEGIN
    DELETE FROM event_status WHERE event_id = NEW.event_id;
END""",
    "event_status_action_update": """
CREATE TRIGGER event_status_action_update AFTER UPDATE ON event_actions
BEGIN
    DELETE FROM event_status WHERE event_id IN (OLD.event_id, NEW.event_id);
END""",
    "event_status_action_delete": """
CREATE TRIGGER event_status_action_delete AFTER DELETE ON event_actions
BEGIN
    DELETE FROM event_status WHERE event_id = OLD.event_id;
END""",
    "event_status_event_update": """
CREATE TRIGGER event_status_event_update AFTER UPDATE ON events
BEGIN
    DELETE FROM event_status WHERE event_id IN (OLD.id, NEW.id);
END""",
    "event_status_event_delete": """
CREATE TRIGGER event_status_event_delete AFTER DELETE ON events
BEGIN
    DELETE FROM event_status WHERE event_id = OLD.id;
END""",
    "event_status_catalog_insert": """
CREATE TRIGGER event_status_catalog_insert AFTER INSERT ON event_categories
BEGIN
    DELETE FROM event_status;
END""",
    "event_status_catalog_update": """
CREATE TRIGGER event_status_catalog_update AFTER UPDATE ON event_categories
BEGIN
    DELETE FROM event_status;
END""",
    "event_status_catalog_delete": """
CREATE TRIGGER event_status_catalog_delete AFTER DELETE ON event_categories
BEGIN
    DELETE FROM event_status;
END""",
}


def upgrade() -> None:
    op.create_table(
        "event_status",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_status")),
    )
    op.create_index(op.f("ix_event_status_state"), "event_status", ["state"])
    op.create_index(op.f("ix_event_status_open_deadline"), "event_status", ["open", "deadline"])
    for ddl in _TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_event_status_open_deadline"), table_name="event_status")
    op.drop_index(op.f("ix_event_status_state"), table_name="event_status")
    op.drop_table("event_status")
