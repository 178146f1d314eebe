"""Small reads the record dialogs need beyond ``repositories``: the events of one
household, the grids a user may move a household to, micro-grids of a grid, areas by id.

Each method opens its own read snapshot on the engine (like ``queries``) and returns
domain objects or plain tuples; the dialogs call them from ``AppContext.read``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select

from gridclient.storage.chunks import chunked
from gridclient.storage.convert import record_from_row, table_for
from gridclient.storage.engine import read_session
from gridclient.storage.models import (
    AreaRow,
    EventActionRow,
    EventRow,
    HouseholdRow,
    ResidentRow,
)
from gridclient.storage.queries import PatrolQueries
from gridclient.storage.repositories import EventHistory, Repositories
from gridcore.domain.entities import Area, Event
from gridcore.domain.enums import AreaLevel, EntityKind

__all__ = [
    "GridChoice",
    "Lookups",
    "grid_ids_by_code",
    "household_keys",
    "registered_id_numbers",
]


@dataclass(frozen=True, slots=True)
class GridChoice:
    """A grid a household can live in, with the village name for telling grids apart."""

    id: str
    name: str
    village: str

    @property
    def label(self) -> str:
        return f"{self.village} {self.name}" if self.village else self.name


class Lookups:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def patrol_day_of_event(self, event_id: str) -> date | None:
        """The day of the patrol an event was reported from (来自巡查), if any."""
        found = PatrolQueries(self._engine).patrol_of_event(event_id)
        return None if found is None else found[1]

    def events_of_household(self, household_id: str) -> list[EventHistory]:
        """Live events that name the household, newest report first, with their actions."""
        statement = (
            select(EventRow.__table__)
            .where(EventRow.household_id == household_id, EventRow.deleted.is_(False))
            .order_by(EventRow.reported_at.desc(), EventRow.id)
        )
        with read_session(self._engine) as session:
            events: list[Event] = []
            for row in session.execute(statement).mappings():
                record = record_from_row(EntityKind.EVENT, row)
                assert isinstance(record, Event)
                events.append(record)
            actions = Repositories(session).records.actions_of_events(e.id for e in events)
        return [EventHistory(e, tuple(actions[e.id])) for e in events]

    def areas_by_id(self, ids: Iterable[str]) -> dict[str, Area]:
        wanted = list(dict.fromkeys(ids))
        table = table_for(EntityKind.AREA)
        found: dict[str, Area] = {}
        with read_session(self._engine) as session:
            for chunk in chunked(wanted):
                statement = select(table).where(table.c.id.in_(chunk))
                for row in session.execute(statement).mappings():
                    area = record_from_row(EntityKind.AREA, row)
                    assert isinstance(area, Area)
                    found[area.id] = area
        return found

    def grids_in_scope(self, grid_ids: Sequence[str]) -> list[GridChoice]:
        """Live grids among ``grid_ids`` (empty: every grid in the store), by village
        and name."""
        statement = select(AreaRow.id, AreaRow.name, AreaRow.parent_id).where(
            AreaRow.level == AreaLevel.GRID.value, AreaRow.deleted.is_(False)
        )
        if grid_ids:
            statement = statement.where(AreaRow.id.in_(list(grid_ids)))
        with read_session(self._engine) as session:
            rows = [(r.id, r.name, r.parent_id) for r in session.execute(statement)]
            parents = {p for _i, _n, p in rows if p is not None}
            villages = {
                area_id: name
                for area_id, name in session.execute(
                    select(AreaRow.id, AreaRow.name).where(AreaRow.id.in_(parents))
                )
            }
        choices = [GridChoice(i, n, villages.get(p, "") if p else "") for i, n, p in rows]
        return sorted(choices, key=lambda c: (c.village, c.name, c.id))

    def micro_grids_of(self, grid_id: str) -> list[tuple[str, str]]:
        """(id, name) of the live micro-grids under a grid, by code."""
        statement = (
            select(AreaRow.id, AreaRow.name)
            .where(
                AreaRow.parent_id == grid_id,
                AreaRow.level == AreaLevel.MICRO_GRID.value,
                AreaRow.deleted.is_(False),
            )
            .order_by(AreaRow.code, AreaRow.id)
        )
        with read_session(self._engine) as session:
            return [(i, n) for i, n in session.execute(statement)]

    def assignees(self, *, limit: int = 50) -> list[str]:
        """Departments events were dispatched to before (most used first), to suggest
        in the dispatch form; ``grid`` (back to the grid worker) is left out."""
        count = func.count().label("n")
        statement = (
            select(EventActionRow.assignee, count)
            .where(
                EventActionRow.assignee != "",
                EventActionRow.assignee != "grid",
                EventActionRow.deleted.is_(False),
            )
            .group_by(EventActionRow.assignee)
            .order_by(count.desc(), EventActionRow.assignee)
            .limit(limit)
        )
        with read_session(self._engine) as session:
            return [name for name, _n in session.execute(statement)]


# -- the roster import's reads (gridclient.imports.roster) -----------------------------


def registered_id_numbers(engine: Engine, numbers: Sequence[str]) -> dict[str, str]:
    """ID number → name of the live residents among ``numbers``."""
    found: dict[str, str] = {}
    with read_session(engine) as session:
        for chunk in chunked(numbers):
            statement = select(ResidentRow.id_number, ResidentRow.name).where(
                ResidentRow.deleted.is_(False), ResidentRow.id_number.in_(chunk)
            )
            for number, name in session.execute(statement):
                found[number] = name
    return found


def household_keys(engine: Engine, grid_id: str) -> dict[str, str]:
    """The live households of a grid by ``户号:<number>`` and ``址:<address>``."""
    keys: dict[str, str] = {}
    with read_session(engine) as session:
        statement = select(HouseholdRow.id, HouseholdRow.number, HouseholdRow.address).where(
            HouseholdRow.grid_id == grid_id, HouseholdRow.deleted.is_(False)
        )
        for household_id, number, address in session.execute(statement):
            if number:
                keys.setdefault(f"户号:{number}", household_id)
            keys.setdefault(f"址:{address}", household_id)
    return keys


def grid_ids_by_code(engine: Engine) -> dict[str, str]:
    """Area code → id of every live grid."""
    with read_session(engine) as session:
        statement = select(AreaRow.id, AreaRow.code).where(
            AreaRow.level == AreaLevel.GRID.value, AreaRow.deleted.is_(False)
        )
        return {code: grid_id for grid_id, code in session.execute(statement)}
