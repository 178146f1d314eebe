"""The 工作台's charts: visit coverage per grid (last 30 days), events reported and closed per
week over the last quarter (13 weeks), open overdue events by category, the
satisfaction of the evaluations in that quarter, the households of each program with
an open program record (帮扶记录) and the 防返贫监测 records by status.

Each figure is one SQLAlchemy Core aggregate (GROUP BY, or one SUM/COUNT per week over
bound ranges, so no date function differs between SQLite and PostgreSQL), run on the
task runner's read lane; the UI only draws them. The same area rules as the lists:
moved-out and deleted households leave the figures, events count by their grid (and
their household's micro-grid when one is chosen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, distinct, func, select

from gridclient.storage import eventstate
from gridclient.storage.models import (
    AreaRow,
    EventActionRow,
    EventCategoryRow,
    EventRow,
    EventStatusRow,
    HouseholdRow,
    ProgramRecordRow,
    VisitRow,
)
from gridclient.storage.queries import (
    AreaFilter,
    _household_scope,
    _household_scope_ids,
    _reading,
)
from gridcore.domain.entities import CST
from gridcore.domain.enums import EventActionKind, MonitorStatus, Program, Satisfaction

COVERAGE_DAYS = 30
"""The coverage chart's window: the households list's "not visited in 30 days" is the
rest of each bar, so a click shows exactly the households the bar lacks."""

WEEKS = 13
"""A quarter of weeks, the current one last."""

CLOSING_ACTIONS = (EventActionKind.CLOSE.value, EventActionKind.SELF_RESOLVE.value)
"""What closes an event in the weekly chart: 结案, or 自处置 on the spot."""


@dataclass(frozen=True)
class GridCoverage:
    grid_id: str
    name: str
    households: int
    visited: int
    """Households with at least one visit in the last :data:`COVERAGE_DAYS` days."""

    @property
    def percent(self) -> float:
        return 0.0 if not self.households else 100.0 * self.visited / self.households


@dataclass(frozen=True)
class WeekCount:
    start: date
    """The Monday (China time) the week begins."""
    reported: int
    closed: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class DashboardCharts:
    coverage: list[GridCoverage]
    weeks: list[WeekCount]
    overdue_by_category: list[CategoryCount]
    satisfaction: dict[Satisfaction, int] = field(default_factory=dict)
    """Evaluations (满意度评价) made in the weeks of :attr:`weeks`."""
    programs: dict[Program, int] = field(default_factory=dict)
    """Households with an open program record, per program (every program, 0 too)."""
    monitoring: dict[MonitorStatus, int] = field(default_factory=dict)
    """防返贫监测 records per status (every status, 0 too), closed ones included."""

    @property
    def since(self) -> date:
        return self.weeks[0].start if self.weeks else date.today()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def quarter_weeks(now: datetime) -> list[date]:
    """The Mondays of the last :data:`WEEKS` weeks, oldest first, ending with ``now``'s."""
    this_week = week_start(now.astimezone(CST).date())
    return [this_week - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]


def _instant(day: date) -> datetime:
    """Midnight of ``day`` in China time, as the stored UTC instants compare."""
    return datetime.combine(day, time(), CST).astimezone(UTC)


def _event_scope(area: AreaFilter) -> list[Any]:
    conditions: list[Any] = [EventRow.deleted.is_(False)]
    if area.grid_ids is not None:
        conditions.append(EventRow.grid_id.in_(list(area.grid_ids)))
    if area.micro_grid_id is not None:
        conditions.append(EventRow.household_id.in_(_household_scope_ids(area)))
    return conditions


class ChartQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def charts(self, area: AreaFilter, now: datetime | None = None) -> DashboardCharts:
        moment = now or datetime.now(UTC)
        eventstate.ensure(self._engine)  # the derived states the overdue chart reads
        with _reading(self._engine) as connection:
            mondays = quarter_weeks(moment)
            return DashboardCharts(
                coverage=self._coverage(connection, area, moment),
                weeks=self._weeks(connection, area, mondays),
                overdue_by_category=self._overdue(connection, area, moment),
                satisfaction=self._satisfaction(connection, area, _instant(mondays[0])),
                programs=self._programs(connection, area),
                monitoring=self._monitoring(connection, area),
            )

    @staticmethod
    def _coverage(connection: Connection, area: AreaFilter, moment: datetime) -> list[GridCoverage]:
        households = dict(
            connection.execute(
                _household_scope(
                    select(HouseholdRow.grid_id, func.count()).select_from(HouseholdRow), area
                ).group_by(HouseholdRow.grid_id)
            ).all()
        )
        visited = dict(
            connection.execute(
                _household_scope(
                    select(HouseholdRow.grid_id, func.count(distinct(VisitRow.household_id)))
                    .select_from(VisitRow)
                    .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id)
                    .where(
                        VisitRow.deleted.is_(False),
                        VisitRow.visited_at >= moment - timedelta(days=COVERAGE_DAYS),
                    ),
                    area,
                ).group_by(HouseholdRow.grid_id)
            ).all()
        )
        names = dict(
            connection.execute(
                select(AreaRow.id, AreaRow.name).where(AreaRow.id.in_(list(households)))
            ).all()
        )
        rows = [
            GridCoverage(grid, names.get(grid, grid), int(count), int(visited.get(grid, 0)))
            for grid, count in households.items()
        ]
        return sorted(rows, key=lambda r: (r.percent, r.name))

    @staticmethod
    def _weeks(connection: Connection, area: AreaFilter, mondays: list[date]) -> list[WeekCount]:
        bounds = [_instant(m) for m in mondays] + [_instant(mondays[-1] + timedelta(weeks=1))]
        first, last = bounds[0], bounds[-1]

        def in_week(column: Any, i: int) -> Any:
            return and_(column >= bounds[i], column < bounds[i + 1])

        reported = connection.execute(
            select(
                *(
                    func.coalesce(func.sum(case((in_week(EventRow.reported_at, i), 1), else_=0)), 0)
                    for i in range(len(mondays))
                )
            ).where(*_event_scope(area), EventRow.reported_at >= first, EventRow.reported_at < last)
        ).one()
        action = EventActionRow
        closed = connection.execute(
            select(
                *(
                    func.count(distinct(case((in_week(action.at, i), action.event_id))))
                    for i in range(len(mondays))
                )
            )
            .select_from(action)
            .join(EventRow, EventRow.id == action.event_id)
            .where(
                *_event_scope(area),
                action.deleted.is_(False),
                action.kind.in_(CLOSING_ACTIONS),
                action.at >= first,
                action.at < last,
            )
        ).one()
        return [
            WeekCount(monday, int(reported[i] or 0), int(closed[i] or 0))
            for i, monday in enumerate(mondays)
        ]

    @staticmethod
    def _overdue(connection: Connection, area: AreaFilter, moment: datetime) -> list[CategoryCount]:
        """Open events past their deadline (the events list's 在办且超期), by category."""
        status = EventStatusRow
        rows = connection.execute(
            select(EventRow.category_code, func.max(EventRow.category_name), func.count())
            .join(status, status.event_id == EventRow.id)
            .where(*_event_scope(area), status.open.is_(True), status.deadline < moment)
            .group_by(EventRow.category_code)
        ).all()
        catalog = dict(
            connection.execute(
                select(EventCategoryRow.code, EventCategoryRow.name).where(
                    EventCategoryRow.code.in_([r[0] for r in rows])
                )
            ).all()
        )
        counts = [
            CategoryCount(code, stored or catalog.get(code, code), int(count))
            for code, stored, count in rows
        ]
        return sorted(counts, key=lambda c: (-c.count, c.name))

    @staticmethod
    def _satisfaction(
        connection: Connection, area: AreaFilter, since: datetime
    ) -> dict[Satisfaction, int]:
        action = EventActionRow
        rows = connection.execute(
            select(action.satisfaction, func.count())
            .select_from(action)
            .join(EventRow, EventRow.id == action.event_id)
            .where(
                *_event_scope(area),
                action.deleted.is_(False),
                action.kind == EventActionKind.EVALUATE.value,
                action.satisfaction.is_not(None),
                action.at >= since,
            )
            .group_by(action.satisfaction)
        ).all()
        known = {s.value: s for s in Satisfaction}
        return {known[code]: int(n) for code, n in rows if code in known}

    @staticmethod
    def _programs(connection: Connection, area: AreaFilter) -> dict[Program, int]:
        """Households (live, in the area) with an open record, per program: not ended,
        and a 防返贫监测 record not closed (风险已消除, 返贫致贫)."""
        record = ProgramRecordRow
        closed = [s.value for s in MonitorStatus if s.closed]
        rows = connection.execute(
            _household_scope(
                select(record.program, func.count(distinct(record.household_id)))
                .select_from(record)
                .join(HouseholdRow, HouseholdRow.id == record.household_id)
                .where(
                    record.deleted.is_(False),
                    record.ended_on.is_(None),
                    (record.status.is_(None) | record.status.not_in(closed)),
                ),
                area,
            ).group_by(record.program)
        ).all()
        found = dict(rows)
        return {p: int(found.get(p.value, 0)) for p in Program}

    @staticmethod
    def _monitoring(connection: Connection, area: AreaFilter) -> dict[MonitorStatus, int]:
        record = ProgramRecordRow
        rows = connection.execute(
            _household_scope(
                select(record.status, func.count())
                .select_from(record)
                .join(HouseholdRow, HouseholdRow.id == record.household_id)
                .where(record.deleted.is_(False), record.program == Program.MONITORED.value),
                area,
            ).group_by(record.status)
        ).all()
        found = dict(rows)
        return {s: int(found.get(s.value, 0)) for s in MonitorStatus}
