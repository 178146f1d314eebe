"""Read queries behind the UI's big tables: an id list sorted in SQL, then rows by id.

The table models hold only ids and ask for the rows they paint (see
``gridclient.ui.lazy_model``); each call here is one indexed query, cheap enough to run
on the UI thread for a block of rows, while the id list is built on the task runner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from gridclient.domain.entities import CST
from gridclient.domain.enums import HouseholdTag, Relation
from gridclient.storage.engine import read_session
from gridclient.storage.models import HouseholdRow, ResidentRow, VisitRow

_IN_CHUNK = 500

HouseholdListRow = tuple[str, str, str, int, str, date | None]


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders the numbers inside text by value."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part
    )


def _tag_labels(codes: Sequence[str] | None) -> str:
    labels = []
    for code in codes or ():
        try:
            labels.append(HouseholdTag(code).label)
        except ValueError:  # a tag from a newer server: show its code rather than hide it
            labels.append(code)
    return "、".join(labels)


class HouseholdQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def household_ids(self, grid_ids: Sequence[str] | None = None) -> list[str]:
        """Live households in natural address order (1组2号 before 1组10号: the order a
        worker walks them). SQLite cannot sort numbers inside text, so the sort key is
        computed here, once per row, on the task runner."""
        query = select(HouseholdRow.id, HouseholdRow.address, HouseholdRow.number).where(
            HouseholdRow.deleted.is_(False)
        )
        if grid_ids is not None:
            query = query.where(HouseholdRow.grid_id.in_(list(grid_ids)))
        with read_session(self._engine) as session:
            rows = session.execute(query).all()
        ordered = sorted(rows, key=lambda r: (natural_key(r.address), natural_key(r.number), r.id))
        return [r.id for r in ordered]

    def household_rows(self, ids: Sequence[str]) -> Mapping[str, HouseholdListRow]:
        """户号, address, head's name, live resident count, tag labels, last visit date."""
        rows: dict[str, HouseholdListRow] = {}
        with read_session(self._engine) as session:
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = list(ids[start : start + _IN_CHUNK])
                rows.update(self._chunk(session, chunk))
        return rows

    @staticmethod
    def _chunk(session: Any, ids: list[str]) -> dict[str, HouseholdListRow]:
        live = ResidentRow.deleted.is_(False)
        heads = dict(
            session.execute(
                select(ResidentRow.household_id, func.min(ResidentRow.name))
                .where(ResidentRow.household_id.in_(ids), live)
                .where(ResidentRow.relation == Relation.HEAD.value)
                .group_by(ResidentRow.household_id)
            ).all()
        )
        sizes = dict(
            session.execute(
                select(ResidentRow.household_id, func.count())
                .where(ResidentRow.household_id.in_(ids), live)
                .group_by(ResidentRow.household_id)
            ).all()
        )
        last_visits = dict(
            session.execute(
                select(VisitRow.household_id, func.max(VisitRow.visited_at))
                .where(VisitRow.household_id.in_(ids), VisitRow.deleted.is_(False))
                .group_by(VisitRow.household_id)
            ).all()
        )
        out: dict[str, HouseholdListRow] = {}
        for row in session.execute(
            select(
                HouseholdRow.id, HouseholdRow.number, HouseholdRow.address, HouseholdRow.tags
            ).where(HouseholdRow.id.in_(ids))
        ):
            last = last_visits.get(row.id)
            out[row.id] = (
                row.number,
                row.address,
                heads.get(row.id, ""),
                int(sizes.get(row.id, 0)),
                _tag_labels(row.tags),
                _local_date(last),
            )
        return out


def _local_date(value: Any) -> date | None:
    """The visit's calendar day in China time (stored as UTC)."""
    if not isinstance(value, datetime):
        return None
    return value.astimezone(CST).date()
