"""Events keep the catalog terms they were reported under, and a 事件编号.

* ``events.category_name``, ``time_limit_days``, ``catalog_revision``, ``terms_inferred``:
  the category name and time limit (days, for the event's urgency) of the catalog the
  event was reported under, and that catalog's revision. Deadlines and reports read
  these, so a later catalog change no longer rewrites past figures.
* ``events.number``: the 事件编号 the server assigns when the event first arrives there
  (empty until then, shown as 待编号).

Events already stored are carried over with the terms of the catalog this laptop holds
now (the catalog of their time is not known here), marked ``terms_inferred``; an event
whose category that catalog no longer lists keeps its code as the name and the default
limit for its urgency. The server carries its copies over the same way and sends them
again, so these stand-ins are replaced by the server's at the next sync.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from gridcore.domain.catalog import DEFAULT_TIME_LIMITS, EventCategory
from gridcore.domain.enums import EventGroup, Ledger, Urgency

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("number", "terms_inferred", "catalog_revision", "time_limit_days", "category_name")


def _limits(raw: Any) -> dict[Urgency, int]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    limits: dict[Urgency, int] = {}
    for key, value in (raw or {}).items():
        try:
            limits[Urgency(key)] = int(value)
        except (ValueError, TypeError):
            continue
    return limits


def upgrade() -> None:
    op.add_column(
        "events", sa.Column("category_name", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("events", sa.Column("time_limit_days", sa.Integer(), nullable=True))
    op.add_column(
        "events",
        sa.Column("catalog_revision", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "events",
        sa.Column("terms_inferred", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("events", sa.Column("number", sa.String(), nullable=False, server_default=""))
    connection = op.get_bind()
    categories: dict[str, EventCategory] = {}
    for code, name, limits in connection.execute(
        sa.text("SELECT code, name, time_limits FROM event_categories")
    ):
        categories[code] = EventCategory(
            code=code,
            name=name,
            group=EventGroup.SERVICE,  # unused here
            ledger=Ledger.SUGGESTION,  # unused here
            time_limits=_limits(limits),
        )
    pairs = connection.execute(sa.text("SELECT DISTINCT category_code, urgency FROM events")).all()
    for code, urgency_code in pairs:
        try:
            urgency = Urgency(urgency_code)
        except ValueError:
            urgency = Urgency.NORMAL
        category = categories.get(code)
        if category is not None and category.time_limits:
            name, days = category.name, category.limit_days(urgency)
        else:
            name, days = code, DEFAULT_TIME_LIMITS[urgency]
        connection.execute(
            sa.text(
                "UPDATE events SET category_name = :name, time_limit_days = :days, "
                "terms_inferred = 1 WHERE category_code = :code AND urgency = :urgency"
            ),
            {"name": name, "days": days, "code": code, "urgency": urgency_code},
        )


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)
