"""The reads behind the printed reports (``gridclient.reports``), so that the report
builders hold no SQL: each function runs its queries on the snapshot of the
:class:`Repositories` it is given (``store.read()``), chunking IN lists itself, and
returns rows (attribute access by column name), tuples, domain records or plain values.
Counts over visits and households run as Core aggregates in the database.

The builders sort and format what these return; the order of the rows returned is the
order the queries yield them (chunk by chunk), which the builders' stable sorts keep for
ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, case, func, select

from gridclient.storage.chunks import Tick, chunked, ticking
from gridclient.storage.convert import record_from_row
from gridclient.storage.models import (
    AreaRow,
    EventActionRow,
    EventRow,
    HouseholdRow,
    MediationRow,
    OrganizationRow,
    PatrolRow,
    PlaceRow,
    ProgramRecordRow,
    ResidentRow,
    VisitRow,
)
from gridclient.storage.places import LatestCheck, latest_checks
from gridclient.storage.queries import group_member, household_tagged
from gridclient.storage.repositories import Repositories
from gridcore.domain.entities import Event, EventAction, Mediation, Record
from gridcore.domain.enums import AreaLevel, MonitorStatus, Program, Relation

__all__ = [
    "AreaLine",
    "VisitCounts",
    "area_lines",
    "event_actions",
    "event_numbers",
    "events_by_id",
    "events_reported",
    "household_by_id",
    "household_lines",
    "households_numbered",
    "mediation_outcome_codes",
    "mediations_started",
    "micro_grids",
    "monitoring_records",
    "open_program_since",
    "organization_lines",
    "patrol_lines",
    "place_checks",
    "place_lines",
    "special_group_members",
    "visit_counts",
    "visit_lines",
]


R = TypeVar("R", bound=Record)


def _connection(repos: Repositories) -> Connection:
    """The Core connection of the repositories' snapshot (one transaction)."""
    return repos.session.connection()


def _decoded(
    connection: Connection, cls: type[R], statement: Select[Any], tick: Tick | None = None
) -> list[R]:
    """The records of type ``cls`` a whole-row ``statement`` selects, decoded."""
    found: list[R] = []
    for row in ticking(connection.execute(statement).mappings(), tick):
        record = record_from_row(cls.KIND, row)
        assert isinstance(record, cls)
        found.append(record)
    return found


# ------------------------------------------------------------------------ areas


@dataclass(frozen=True, slots=True)
class AreaLine:
    id: str
    code: str
    name: str
    level: AreaLevel
    parent_id: str | None
    issuer: str = ""


def area_lines(repos: Repositories) -> list[AreaLine]:
    """Every live area (any level), as the database yields them."""
    statement = select(
        AreaRow.id, AreaRow.code, AreaRow.name, AreaRow.level, AreaRow.parent_id, AreaRow.issuer
    ).where(AreaRow.deleted.is_(False))
    return [
        AreaLine(r.id, r.code, r.name, AreaLevel(r.level), r.parent_id, r.issuer or "")
        for r in _connection(repos).execute(statement)
    ]


def micro_grids(repos: Repositories) -> dict[str, tuple[str | None, str, str]]:
    """Every live micro-grid: id → (parent id, name, code)."""
    return {
        row.id: (row.parent_id, row.name, row.code)
        for row in _connection(repos).execute(
            select(AreaRow.id, AreaRow.parent_id, AreaRow.name, AreaRow.code).where(
                AreaRow.level == AreaLevel.MICRO_GRID.value, AreaRow.deleted.is_(False)
            )
        )
    }


# ----------------------------------------------------------------------- visits


def visit_lines(
    repos: Repositories,
    grid_ids: Sequence[str],
    since: datetime,
    until: datetime,
    *,
    household_id: str | None = None,
    tick: Tick | None = None,
) -> list[Row[Any]]:
    """The live visits in ``[since, until)`` of the grids (or, with ``household_id``, of
    that household wherever it is), a corrected visit once, as corrected: visited_at,
    grid_id, household_id, number, address, head (the head's name), method, visitor,
    content, findings, needs."""
    head = (
        select(ResidentRow.name)
        .where(
            ResidentRow.household_id == VisitRow.household_id,
            ResidentRow.relation == Relation.HEAD.value,
            ResidentRow.deleted.is_(False),
        )
        .limit(1)
        .scalar_subquery()
    )
    base = (
        select(
            VisitRow.visited_at,
            VisitRow.grid_id,
            VisitRow.household_id,
            HouseholdRow.number,
            HouseholdRow.address,
            head.label("head"),
            VisitRow.method,
            VisitRow.visitor,
            VisitRow.content,
            VisitRow.findings,
            VisitRow.needs,
        )
        .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id, isouter=True)
        .where(
            VisitRow.deleted.is_(False),
            VisitRow.visited_at >= since,
            VisitRow.visited_at < until,
            # A corrected visit prints once, as corrected.
            VisitRow.id.not_in(
                select(VisitRow.corrects_id).where(
                    VisitRow.corrects_id.is_not(None), VisitRow.deleted.is_(False)
                )
            ),
        )
    )
    if household_id is not None:
        statements: list[Select[Any]] = [base.where(VisitRow.household_id == household_id)]
    else:
        statements = [base.where(VisitRow.grid_id.in_(c)) for c in chunked(grid_ids)]
    connection = _connection(repos)
    return [row for s in statements for row in ticking(connection.execute(s), tick)]


_HOUSEHOLD_KEY = (HouseholdRow.id, HouseholdRow.number, HouseholdRow.address)


def household_by_id(repos: Repositories, household_id: str) -> tuple[str, str, str] | None:
    """(id, 户号, address) of the live household with this id, or None."""
    row = (
        _connection(repos)
        .execute(
            select(*_HOUSEHOLD_KEY).where(
                HouseholdRow.id == household_id, HouseholdRow.deleted.is_(False)
            )
        )
        .first()
    )
    return None if row is None else (row.id, row.number or "", row.address or "")


def households_numbered(
    repos: Repositories, grid_ids: Sequence[str], number: str
) -> list[tuple[str, str, str]]:
    """(id, 户号, address) of the live households of the grids with this 户号."""
    connection = _connection(repos)
    return [
        (r.id, r.number or "", r.address or "")
        for chunk in chunked(grid_ids)
        for r in connection.execute(
            select(*_HOUSEHOLD_KEY).where(
                HouseholdRow.number == number,
                HouseholdRow.deleted.is_(False),
                HouseholdRow.grid_id.in_(chunk),
            )
        )
    ]


@dataclass(slots=True)
class VisitCounts:
    """Per grid: live households (not moved out), those of them visited in the period,
    and the period's visits by (grid, method, visitor) in the order the database gave."""

    households: dict[str, int] = field(default_factory=dict)
    visited: dict[str, int] = field(default_factory=dict)
    by_method: list[tuple[str, str, str, int]] = field(default_factory=list)


def visit_counts(
    repos: Repositories, grid_ids: Sequence[str], since: datetime, until: datetime
) -> VisitCounts:
    """What the 网格走访情况汇总表 counts, as aggregates in the database."""
    connection = _connection(repos)
    counts = VisitCounts()
    in_period = and_(
        VisitRow.deleted.is_(False),
        VisitRow.visited_at >= since,
        VisitRow.visited_at < until,
    )
    for chunk in chunked(grid_ids):
        for grid_id, count in connection.execute(
            select(HouseholdRow.grid_id, func.count())
            .where(
                HouseholdRow.deleted.is_(False),
                HouseholdRow.moved_out_on.is_(None),
                HouseholdRow.grid_id.in_(chunk),
            )
            .group_by(HouseholdRow.grid_id)
        ):
            counts.households[grid_id] = int(count)
        # Households visited: distinct live households of the grid with a visit.
        for grid_id, count in connection.execute(
            select(HouseholdRow.grid_id, func.count(func.distinct(VisitRow.household_id)))
            .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id)
            .where(
                in_period,
                HouseholdRow.deleted.is_(False),
                HouseholdRow.moved_out_on.is_(None),
                HouseholdRow.grid_id.in_(chunk),
            )
            .group_by(HouseholdRow.grid_id)
        ):
            counts.visited[grid_id] = int(count)
        for grid_id, method, visitor, count in connection.execute(
            select(VisitRow.grid_id, VisitRow.method, VisitRow.visitor, func.count())
            .where(in_period, VisitRow.grid_id.in_(chunk))
            .group_by(VisitRow.grid_id, VisitRow.method, VisitRow.visitor)
        ):
            counts.by_method.append((grid_id, method, visitor, int(count)))
    return counts


# ----------------------------------------------------------------------- events


def events_reported(
    repos: Repositories,
    grid_ids: Sequence[str],
    since: datetime,
    until: datetime,
    *,
    tick: Tick | None = None,
) -> list[Event]:
    """The live events of the grids reported in ``[since, until)``."""
    connection = _connection(repos)
    events: list[Event] = []
    for chunk in chunked(grid_ids):
        statement = select(EventRow.__table__).where(
            EventRow.deleted.is_(False),
            EventRow.grid_id.in_(chunk),
            EventRow.reported_at >= since,
            EventRow.reported_at < until,
        )
        events.extend(_decoded(connection, Event, statement, tick))
    return events


def event_actions(repos: Repositories, event_ids: Sequence[str]) -> list[EventAction]:
    """The live actions of the events."""
    connection = _connection(repos)
    actions: list[EventAction] = []
    for chunk in chunked(event_ids):
        statement = select(EventActionRow.__table__).where(
            EventActionRow.deleted.is_(False), EventActionRow.event_id.in_(chunk)
        )
        actions.extend(_decoded(connection, EventAction, statement))
    return actions


def events_by_id(repos: Repositories, event_ids: Sequence[str]) -> list[Event]:
    """The live events among ``event_ids``."""
    connection = _connection(repos)
    events: list[Event] = []
    for chunk in chunked(event_ids):
        statement = select(EventRow.__table__).where(
            EventRow.id.in_(chunk), EventRow.deleted.is_(False)
        )
        events.extend(_decoded(connection, Event, statement))
    return events


def event_numbers(repos: Repositories, event_ids: Sequence[str]) -> dict[str, str | None]:
    """事件编号 (None before the server numbered it) of the live events among ``event_ids``."""
    connection = _connection(repos)
    numbers: dict[str, str | None] = {}
    for chunk in chunked(event_ids):
        for event_id, number in connection.execute(
            select(EventRow.id, EventRow.number).where(
                EventRow.id.in_(chunk), EventRow.deleted.is_(False)
            )
        ):
            numbers[event_id] = number
    return numbers


def mediation_outcome_codes(repos: Repositories, event_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(event id, outcome code) of the live mediation records of the events."""
    connection = _connection(repos)
    found: list[tuple[str, str]] = []
    for chunk in chunked(event_ids):
        statement = select(MediationRow.event_id, MediationRow.outcome).where(
            MediationRow.deleted.is_(False), MediationRow.event_id.in_(chunk)
        )
        for event_id, outcome in connection.execute(statement):
            found.append((event_id, outcome))
    return found


def mediations_started(repos: Repositories, start: date, end: date) -> list[Mediation]:
    """The live mediation records started from ``start`` to ``end`` (both included)."""
    statement = select(MediationRow.__table__).where(
        MediationRow.deleted.is_(False),
        MediationRow.started_on >= start,
        MediationRow.started_on <= end,
    )
    return _decoded(_connection(repos), Mediation, statement)


# ---------------------------------------------------------------- residents, homes


def special_group_members(
    repos: Repositories,
    grid_ids: Sequence[str],
    group: str,
    today: date,
    *,
    tick: Tick | None = None,
) -> list[Row[Any]]:
    """The live residents of the grids' live households (not moved out) in the special
    group ``group`` on ``today`` (see :func:`~gridclient.storage.queries.group_member`):
    name, gender, birth_date, id_number, phone, ethnicity, disability_category,
    disability_grade, disability_certificate, guardian, guardian_phone, notes, grid_id,
    address and ``o`` (0 for the head of the household, else 1)."""
    connection = _connection(repos)
    member = group_member(group, today)
    fetched: list[Row[Any]] = []
    for chunk in chunked(grid_ids):
        statement = (
            select(
                ResidentRow.name,
                ResidentRow.gender,
                ResidentRow.birth_date,
                ResidentRow.id_number,
                ResidentRow.phone,
                ResidentRow.ethnicity,
                ResidentRow.disability_category,
                ResidentRow.disability_grade,
                ResidentRow.disability_certificate,
                ResidentRow.guardian,
                ResidentRow.guardian_phone,
                ResidentRow.notes,
                HouseholdRow.grid_id,
                HouseholdRow.address,
                case((ResidentRow.relation == Relation.HEAD.value, 0), else_=1).label("o"),
            )
            .join(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
            .where(
                ResidentRow.deleted.is_(False),
                HouseholdRow.deleted.is_(False),
                HouseholdRow.moved_out_on.is_(None),
                HouseholdRow.grid_id.in_(chunk),
                member,
            )
        )
        fetched.extend(ticking(connection.execute(statement), tick))
    return fetched


def household_lines(
    repos: Repositories,
    grid_ids: Sequence[str],
    *,
    tagged: Sequence[str] | None = None,
    tick: Tick | None = None,
) -> list[Row[Any]]:
    """The live households of the grids (not moved out), with ``tagged`` only those
    carrying any of these tag codes, each once, with its head's name, ID number and phone
    and its number of live members: id, grid_id, micro_grid_id, number, address, phone,
    tags, notes, cadre, name, id_number, head_phone, members (a household with two heads
    gives the first)."""
    where: list[ColumnElement[bool]] = []
    if tagged is not None:
        where.append(household_tagged(tagged))
    heads = (
        select(
            ResidentRow.household_id,
            ResidentRow.name,
            ResidentRow.id_number,
            ResidentRow.phone,
        )
        .where(ResidentRow.deleted.is_(False), ResidentRow.relation == Relation.HEAD.value)
        .subquery()
    )
    sizes = (
        select(ResidentRow.household_id, func.count().label("members"))
        .where(ResidentRow.deleted.is_(False))
        .group_by(ResidentRow.household_id)
        .subquery()
    )
    connection = _connection(repos)
    homes: dict[str, Row[Any]] = {}
    for chunk in chunked(grid_ids):
        statement = (
            select(
                HouseholdRow.id,
                HouseholdRow.grid_id,
                HouseholdRow.micro_grid_id,
                HouseholdRow.number,
                HouseholdRow.address,
                HouseholdRow.phone,
                HouseholdRow.tags,
                HouseholdRow.notes,
                HouseholdRow.cadre,
                heads.c.name,
                heads.c.id_number,
                heads.c.phone.label("head_phone"),
                sizes.c.members,
            )
            .outerjoin(heads, heads.c.household_id == HouseholdRow.id)
            .outerjoin(sizes, sizes.c.household_id == HouseholdRow.id)
            .where(
                HouseholdRow.deleted.is_(False),
                HouseholdRow.moved_out_on.is_(None),
                HouseholdRow.grid_id.in_(chunk),
                *where,
            )
        )
        for row in ticking(connection.execute(statement), tick):
            homes.setdefault(row.id, row)
    return list(homes.values())


def open_program_since(
    repos: Repositories, household_ids: Sequence[str], program: Program
) -> dict[str, date | None]:
    """The start day of each household's earliest open record of ``program``."""
    record = ProgramRecordRow
    closed = [s.value for s in MonitorStatus if s.closed]
    connection = _connection(repos)
    found: dict[str, date | None] = {}
    for chunk in chunked(list(household_ids)):
        statement = (
            select(record.household_id, func.min(record.started_on))
            .where(
                record.deleted.is_(False),
                record.program == program.value,
                record.household_id.in_(chunk),
                record.ended_on.is_(None),
                (record.status.is_(None) | record.status.not_in(closed)),
            )
            .group_by(record.household_id)
        )
        for household_id, started in connection.execute(statement):
            found[household_id] = started
    return found


def monitoring_records(
    repos: Repositories, household_ids: Sequence[str], start: date, end: date
) -> list[Row[Any]]:
    """The live 防返贫监测 records of the households that ran from ``start`` to ``end``
    (begun on or before ``end``, not ended before ``start``): household_id, started_on,
    ended_on, status, risk_type, measures, notes."""
    record = ProgramRecordRow
    connection = _connection(repos)
    fetched: list[Row[Any]] = []
    for chunk in chunked(list(household_ids)):
        statement = select(
            record.household_id,
            record.started_on,
            record.ended_on,
            record.status,
            record.risk_type,
            record.measures,
            record.notes,
        ).where(
            record.deleted.is_(False),
            record.program == Program.MONITORED.value,
            record.household_id.in_(chunk),
            record.started_on <= end,
            (record.ended_on.is_(None) | (record.ended_on >= start)),
        )
        fetched.extend(connection.execute(statement))
    return fetched


# ------------------------------------------------------ organizations, places, patrols


def organization_lines(repos: Repositories, grid_ids: Sequence[str]) -> list[Row[Any]]:
    """The live organizations of the grids: grid_id, name, kind, leader, phone, members,
    address, notes."""
    connection = _connection(repos)
    fetched: list[Row[Any]] = []
    for chunk in chunked(grid_ids):
        statement = select(
            OrganizationRow.grid_id,
            OrganizationRow.name,
            OrganizationRow.kind,
            OrganizationRow.leader,
            OrganizationRow.phone,
            OrganizationRow.members,
            OrganizationRow.address,
            OrganizationRow.notes,
        ).where(OrganizationRow.deleted.is_(False), OrganizationRow.grid_id.in_(chunk))
        fetched.extend(connection.execute(statement))
    return fetched


def place_lines(
    repos: Repositories, grid_ids: Sequence[str], kind: str | None = None
) -> list[Row[Any]]:
    """The live places of the grids (of one kind code when given): id, grid_id, name,
    kind, address, contact, phone, risk_level, is_key, notes."""
    connection = _connection(repos)
    fetched: list[Row[Any]] = []
    for chunk in chunked(grid_ids):
        statement = select(
            PlaceRow.id,
            PlaceRow.grid_id,
            PlaceRow.name,
            PlaceRow.kind,
            PlaceRow.address,
            PlaceRow.contact,
            PlaceRow.phone,
            PlaceRow.risk_level,
            PlaceRow.is_key,
            PlaceRow.notes,
        ).where(PlaceRow.deleted.is_(False), PlaceRow.grid_id.in_(chunk))
        if kind is not None:
            statement = statement.where(PlaceRow.kind == kind)
        fetched.extend(connection.execute(statement))
    return fetched


def place_checks(repos: Repositories, place_ids: Sequence[str]) -> dict[str, LatestCheck]:
    """The latest current check of each place that has one."""
    return latest_checks(_connection(repos), place_ids)


def patrol_lines(
    repos: Repositories, grid_ids: Sequence[str], start: date, end: date
) -> list[Row[Any]]:
    """The live patrols of the grids from ``start`` to ``end`` (both included): id,
    grid_id, patroller, patrol_date, started_at, ended_at, route, places, findings,
    attachments, event_ids."""
    connection = _connection(repos)
    fetched: list[Row[Any]] = []
    for chunk in chunked(grid_ids):
        fetched.extend(
            connection.execute(
                select(
                    PatrolRow.id,
                    PatrolRow.grid_id,
                    PatrolRow.patroller,
                    PatrolRow.patrol_date,
                    PatrolRow.started_at,
                    PatrolRow.ended_at,
                    PatrolRow.route,
                    PatrolRow.places,
                    PatrolRow.findings,
                    PatrolRow.attachments,
                    PatrolRow.event_ids,
                ).where(
                    PatrolRow.deleted.is_(False),
                    PatrolRow.grid_id.in_(chunk),
                    PatrolRow.patrol_date >= start,
                    PatrolRow.patrol_date <= end,
                )
            )
        )
    return fetched
