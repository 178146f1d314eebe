"""Domain tables: areas, households, residents, organizations, visits, events, event
actions, attachments (metadata and encrypted blobs) and the event catalog.

Written out by hand (no ``metadata.create_all``) so this revision means the same thing
forever, whatever the models look like later.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _record_columns() -> list[sa.Column[object]]:
    """What every synced record has: id, server version, tombstone, server change time."""
    return [
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "areas",
        *_record_columns(),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("parent_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
    )
    op.create_index(op.f("ix_areas_code"), "areas", ["code"])
    op.create_index(op.f("ix_areas_parent_id"), "areas", ["parent_id"])

    op.create_table(
        "households",
        *_record_columns(),
        sa.Column("grid_id", sa.String(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("micro_grid_id", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
    )
    op.create_index(op.f("ix_households_grid_id"), "households", ["grid_id"])

    op.create_table(
        "residents",
        *_record_columns(),
        sa.Column("household_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("id_number", sa.String(), nullable=False),
        sa.Column("gender", sa.String(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("relation", sa.String(), nullable=False),
        sa.Column("ethnicity", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("population_type", sa.String(), nullable=False),
        sa.Column("residence_status", sa.String(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("disability_category", sa.String(), nullable=True),
        sa.Column("disability_grade", sa.Integer(), nullable=True),
        sa.Column("workplace", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    op.create_index(op.f("ix_residents_household_id"), "residents", ["household_id"])
    op.create_index(op.f("ix_residents_id_number"), "residents", ["id_number"])

    op.create_table(
        "organizations",
        *_record_columns(),
        sa.Column("grid_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("leader", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
    )
    op.create_index(op.f("ix_organizations_grid_id"), "organizations", ["grid_id"])

    op.create_table(
        "visits",
        *_record_columns(),
        sa.Column("household_id", sa.String(), nullable=False),
        sa.Column("grid_id", sa.String(), nullable=False),
        sa.Column("visitor", sa.String(), nullable=False),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("corrects_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    op.create_index(
        op.f("ix_visits_household_id_visited_at"), "visits", ["household_id", "visited_at"]
    )
    op.create_index(op.f("ix_visits_grid_id_visited_at"), "visits", ["grid_id", "visited_at"])

    op.create_table(
        "events",
        *_record_columns(),
        sa.Column("grid_id", sa.String(), nullable=False),
        sa.Column("category_code", sa.String(), nullable=False),
        sa.Column("ledger", sa.String(), nullable=False),
        sa.Column("urgency", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("reporter", sa.String(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("people_involved", sa.Text(), nullable=False),
        sa.Column("household_id", sa.String(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_grid_id_reported_at"), "events", ["grid_id", "reported_at"])
    op.create_index(op.f("ix_events_reported_at"), "events", ["reported_at"])
    op.create_index(op.f("ix_events_household_id"), "events", ["household_id"])

    op.create_table(
        "event_actions",
        *_record_columns(),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(), nullable=False),
        sa.Column("satisfaction", sa.String(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("server_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_actions")),
    )
    op.create_index(op.f("ix_event_actions_event_id"), "event_actions", ["event_id"])

    op.create_table(
        "attachments",
        *_record_columns(),
        sa.Column("mime", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )

    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blobs")),
    )

    op.create_table(
        "event_categories",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("group", sa.String(), nullable=False),
        sa.Column("ledger", sa.String(), nullable=False),
        sa.Column("time_limits", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_event_categories")),
    )


def downgrade() -> None:
    for table in (
        "event_categories",
        "attachment_blobs",
        "attachments",
        "event_actions",
        "events",
        "visits",
        "organizations",
        "residents",
        "households",
        "areas",
    ):
        op.drop_table(table)
