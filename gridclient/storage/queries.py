"""Read queries behind the UI's big tables: an id list sorted in SQL, then rows by id.

The table models hold only ids and ask for the rows they paint (see
``gridclient.ui.lazy_model``); each call here is one indexed query, cheap enough to run
on the UI thread for a block of rows, while the id list is built on the task runner.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    bindparam,
    distinct,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from gridclient.storage import eventstate, household_order
from gridclient.storage.chunks import chunked
from gridclient.storage.engine import read_session
from gridclient.storage.models import (
    AreaRow,
    ConflictRow,
    EventCategoryRow,
    EventRow,
    EventStatusRow,
    HouseholdRow,
    OrganizationRow,
    OutboxRow,
    PatrolRow,
    PlaceRow,
    ResidentRow,
    SyncStateRow,
    VisitRow,
)
from gridclient.storage.places import latest_checks
from gridclient.storage.repositories import Repositories
from gridclient.storage.search import _SEP, PinyinKeys, _one_line, normalise_query
from gridclient.storage.syncmeta import OpStatus, SyncKey, directory_names
from gridcore.domain import idnumber, phone
from gridcore.domain.agegroups import (
    AGE_BOUNDS,
    AGE_GROUPS,
    age_on,
    birth_window,
    effective_codes,
    today_cst,
)
from gridcore.domain.catalog import deadline_text
from gridcore.domain.entities import CST
from gridcore.domain.enums import (
    AreaLevel,
    EventState,
    Gender,
    HouseholdTag,
    Ledger,
    OrganizationKind,
    Relation,
    SpecialGroup,
    Urgency,
    VisitMethod,
)
from gridcore.domain.sorting import natural_key

HouseholdListRow = tuple[str, str, str, int, str, date | None]


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

    def household_ids(
        self,
        grid_ids: Sequence[str] | None = None,
        *,
        area: AreaFilter | None = None,
        tags: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """Live households in natural address order (1组2号 before 1组10号: the order a
        worker walks them), only those carrying one of ``tags`` when given; the first
        ``limit`` of them when given (the first screen, while the whole list is still
        being built). The order is stored (``address_key``, ``number_key``, migration
        0018, see ``storage.household_order``): one walk of ``ix_households_list_order``,
        no sort, and the first rows come from its first entries."""
        household_order.ensure(self._engine)
        if area is None:
            area = AreaFilter(None if grid_ids is None else tuple(grid_ids))
        query = _household_scope(select(HouseholdRow.id), area).order_by(
            HouseholdRow.address_key, HouseholdRow.number_key, HouseholdRow.id
        )
        if tags is not None:
            query = query.where(household_tagged(tags))
        if limit is not None:
            query = query.limit(limit)
        with _reading(self._engine) as connection:
            return _first_column(connection, query)

    def household_rows(self, ids: Sequence[str]) -> Mapping[str, HouseholdListRow]:
        """户号, address, head's name, live resident count, tag labels, last visit date:
        one query per chunk, the per-household figures as correlated subqueries on the
        ``residents.household_id`` and ``visits (household_id, visited_at)`` indexes."""
        rows: dict[str, HouseholdListRow] = {}
        with _reading(self._engine) as connection:
            for chunk in chunked(ids):
                for row in connection.execute(_HOUSEHOLD_ROWS, {"ids": chunk}):
                    rows[row.id] = (
                        row.number,
                        row.address,
                        row.head or "",
                        int(row.size),
                        _tag_labels(row.tags),
                        _local_date(row.last_visit),
                    )
        return rows


@dataclass(frozen=True)
class PickerEntry:
    """A household as the 上报事件 picker lists it."""

    id: str
    address: str
    number: str
    head: str
    """The head of household's name (empty when none is recorded)."""
    key: str
    """What a search matches: address, 户号 and head's name lower-cased, then the
    name's pinyin initials and full pinyin (each after ``\x1f``)."""


def picker_entries(engine: Engine, grid_id: str) -> list[PickerEntry]:
    """Live households of a grid (moved-out ones left out) in natural address order,
    with their head's name: one query (the head as a correlated subquery on the
    ``residents.household_id`` index)."""
    head = (
        select(func.min(ResidentRow.name))
        .where(
            ResidentRow.household_id == HouseholdRow.id,
            ResidentRow.deleted.is_(False),
            ResidentRow.relation == Relation.HEAD.value,
        )
        .scalar_subquery()
    )
    query = _household_scope(
        select(HouseholdRow.id, HouseholdRow.address, HouseholdRow.number, head.label("head")),
        AreaFilter((grid_id,)),
    )
    with _reading(engine) as connection:
        rows = sorted(
            connection.execute(query),
            key=lambda r: (natural_key(r.address), natural_key(r.number), r.id),
        )
    pinyin = PinyinKeys()
    entries = [
        PickerEntry(
            r.id,
            r.address,
            r.number,
            r.head or "",
            _one_line(f"{r.address}{_SEP}{r.number}{_SEP}{r.head or ''}")
            + (pinyin(r.head) if r.head else ""),
        )
        for r in rows
    ]
    pinyin.release()
    return entries


def picker_matches(entry: PickerEntry, query: str) -> bool:
    """Every word of ``query`` in the entry: Latin letters at the start of the head's
    pinyin initials or full pinyin (``zs``, ``zhangs`` find 张三), anything else inside
    the address, 户号 or name."""
    for token in normalise_query(query).split():
        if token.isascii() and token.isalpha():
            if _SEP + token not in entry.key:
                return False
        elif token not in entry.key:
            return False
    return True


def _household_rows_query() -> Select[Any]:
    live = ResidentRow.deleted.is_(False)
    mine = ResidentRow.household_id == HouseholdRow.id
    head = (
        select(func.min(ResidentRow.name))
        .where(mine, live, ResidentRow.relation == Relation.HEAD.value)
        .scalar_subquery()
    )
    size = select(func.count()).where(mine, live).scalar_subquery()
    last_visit = (
        select(func.max(VisitRow.visited_at))
        .where(VisitRow.household_id == HouseholdRow.id, VisitRow.deleted.is_(False))
        .scalar_subquery()
    )
    return select(
        HouseholdRow.id,
        HouseholdRow.number,
        HouseholdRow.address,
        HouseholdRow.tags,
        head.label("head"),
        size.label("size"),
        last_visit.label("last_visit"),
    ).where(HouseholdRow.id.in_(bindparam("ids", expanding=True)))


_HOUSEHOLD_ROWS = _household_rows_query()


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """A Core connection in one read transaction (``BEGIN DEFERRED``, a consistent WAL
    snapshot, rolled back at the end): the list queries select plain columns, so they
    skip the ORM session's per-statement work."""
    with engine.connect() as connection:
        yield connection


def _first_column(connection: Connection, query: Select[Any]) -> list[Any]:
    """The first column of every row, read from the driver's cursor: for an id list
    (plain strings, nothing to convert) SQLAlchemy's result rows cost more than the
    query itself (≈ 35 ms of CPU for 100,000 ids)."""
    result = connection.execute(query)
    try:
        return [row[0] for row in result.cursor.fetchall()]
    finally:
        result.close()


def _local_date(value: Any) -> date | None:
    """The visit's calendar day in China time (stored as UTC)."""
    if not isinstance(value, datetime):
        return None
    return value.astimezone(CST).date()


# -- scope filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFilter:
    """Which part of the user's area a list shows: some grids, optionally one
    micro-grid. ``grid_ids=None`` means every grid in the store."""

    grid_ids: tuple[str, ...] | None = None
    micro_grid_id: str | None = None


_Q = TypeVar("_Q", bound="Select[*tuple[Any, ...]]")


def _household_scope(query: _Q, area: AreaFilter) -> _Q:
    # Moved-out households (迁出) keep their record but leave the lists and figures.
    query = query.where(HouseholdRow.deleted.is_(False), HouseholdRow.moved_out_on.is_(None))
    if area.grid_ids is not None:
        query = query.where(HouseholdRow.grid_id.in_(list(area.grid_ids)))
    if area.micro_grid_id is not None:
        query = query.where(HouseholdRow.micro_grid_id == area.micro_grid_id)
    return query


def _household_scope_ids(area: AreaFilter) -> Select[Any]:
    return _household_scope(select(HouseholdRow.id), area)


def month_start(now: datetime) -> datetime:
    """The first instant of ``now``'s calendar month in China time (aware)."""
    local = now.astimezone(CST)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


# -- area tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaNode:
    id: str
    name: str
    level: AreaLevel
    parent_id: str | None
    households: int
    """Live households in this area and below."""
    children: tuple[AreaNode, ...] = ()


class AreaQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def tree(self, grid_ids: Sequence[str] | None = None) -> list[AreaNode]:
        """Villages → grids → micro-grids of the user's grids (every grid when None),
        each with its live household count; one grouped count, not one per node."""
        with _reading(self._engine) as connection:
            areas = {
                row.id: row
                for row in connection.execute(
                    select(AreaRow.id, AreaRow.name, AreaRow.level, AreaRow.parent_id).where(
                        AreaRow.deleted.is_(False)
                    )
                )
            }
            counts: dict[tuple[str, str | None], int] = {
                (grid, micro): int(n)
                for grid, micro, n in connection.execute(
                    select(HouseholdRow.grid_id, HouseholdRow.micro_grid_id, func.count())
                    .where(HouseholdRow.deleted.is_(False), HouseholdRow.moved_out_on.is_(None))
                    .group_by(HouseholdRow.grid_id, HouseholdRow.micro_grid_id)
                )
            }
        grids = [
            a.id
            for a in areas.values()
            if a.level == AreaLevel.GRID.value and (grid_ids is None or a.id in grid_ids)
        ]
        by_parent: dict[str | None, list[str]] = {}
        for area in areas.values():
            by_parent.setdefault(area.parent_id, []).append(area.id)

        def node(area_id: str, children: tuple[AreaNode, ...], households: int) -> AreaNode:
            row = areas[area_id]
            return AreaNode(
                row.id, row.name, AreaLevel(row.level), row.parent_id, households, children
            )

        def by_name(n: AreaNode) -> str:
            return natural_key(n.name)

        villages: dict[str | None, list[AreaNode]] = {}
        for grid_id in grids:
            micro = sorted(
                (
                    node(m, (), counts.get((grid_id, m), 0))
                    for m in by_parent.get(grid_id, [])
                    if areas[m].level == AreaLevel.MICRO_GRID.value
                ),
                key=by_name,
            )
            total = sum(n for (g, _m), n in counts.items() if g == grid_id)
            villages.setdefault(areas[grid_id].parent_id, []).append(
                node(grid_id, tuple(micro), total)
            )
        roots: list[AreaNode] = []
        for village_id, grid_nodes in villages.items():
            grid_nodes.sort(key=by_name)
            if village_id is None or village_id not in areas:
                roots.extend(grid_nodes)
                continue
            roots.append(node(village_id, tuple(grid_nodes), sum(g.households for g in grid_nodes)))
        roots.sort(key=by_name)
        return roots


# -- residents -------------------------------------------------------------------------

ResidentListRow = tuple[str, str, str, str, str, str, str, str]


def _special_labels(codes: Sequence[str] | None, birth_date: date | None, today: date) -> str:
    """Labels of the effective groups: stored tags with 老年人 60+/80+ derived from the
    birth date (a stored age tag goes stale as people age)."""
    labels = []
    for code in effective_codes(codes or (), birth_date, today):
        try:
            labels.append(SpecialGroup(code).label)
        except ValueError:
            labels.append(code)
    return "、".join(labels)


class ResidentQueries:
    """Residents list: always masked here (ID number and phone), so no full number
    reaches a table cell; revealing is a separate, logged action in the forms."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def resident_ids(
        self, area: AreaFilter = AreaFilter(), tag: str | None = None, *, today: date | None = None
    ) -> list[str]:
        """Live residents of live households in the area, in household address order,
        then head first, then by name. ``tag`` keeps one special group; the age groups
        (60+/80+) are a birth-date cutoff computed from ``today`` (CST by default).

        Sorted in SQL on the households' stored sort keys (migration 0018): only the ids
        come back to Python, not 300,000 rows and their sort keys (a township's first
        search builds this list; it was the process's peak of memory)."""
        household_order.ensure(self._engine)
        query = (
            select(ResidentRow.id)
            .join(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
            .where(ResidentRow.deleted.is_(False))
            .order_by(
                HouseholdRow.address_key,
                HouseholdRow.number_key,
                ResidentRow.relation != Relation.HEAD.value,
                ResidentRow.name,
                ResidentRow.id,
            )
        )
        query = _household_scope(query, area)
        if tag is not None:
            query = query.where(group_member(tag, today or today_cst()))
        with _reading(self._engine) as connection:
            return _first_column(connection, query)

    def resident_rows(
        self, ids: Sequence[str], *, today: date | None = None
    ) -> Mapping[str, ResidentListRow]:
        """Name, gender, masked ID number, age, relation, masked phone, address, groups."""
        out: dict[str, ResidentListRow] = {}
        today = today or today_cst()
        with _reading(self._engine) as connection:
            for chunk in chunked(ids):
                for row in connection.execute(
                    select(
                        ResidentRow.id,
                        ResidentRow.name,
                        ResidentRow.gender,
                        ResidentRow.id_number,
                        ResidentRow.birth_date,
                        ResidentRow.relation,
                        ResidentRow.phone,
                        ResidentRow.tags,
                        HouseholdRow.address,
                    )
                    .outerjoin(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
                    .where(ResidentRow.id.in_(chunk))
                ):
                    out[row.id] = (
                        row.name,
                        _label(Gender, row.gender),
                        idnumber.mask(row.id_number) if row.id_number else "",
                        "" if row.birth_date is None else str(age_on(row.birth_date, today)),
                        _label(Relation, row.relation),
                        phone.mask(row.phone) if row.phone else "",
                        row.address or "",
                        _special_labels(row.tags, row.birth_date, today),
                    )
        return out

    def household_of(self, resident_id: str) -> str | None:
        with read_session(self._engine) as session:
            return session.scalar(
                select(ResidentRow.household_id).where(ResidentRow.id == resident_id)
            )


def group_member(code: str, today: date) -> ColumnElement[bool]:
    """A resident row's membership of the special group ``code`` on ``today``: 老年人
    by the birth date alone; 留守儿童, 困境儿童 and 重点青少年 by the stored tag while the
    age is within the group's bounds (a tag without a birth date counts); any other by
    the stored tag (see :mod:`gridcore.domain.agegroups`)."""
    try:
        group: SpecialGroup | None = SpecialGroup(code)
    except ValueError:
        group = None
    if group in AGE_GROUPS:
        assert group is not None
        _after, up_to = birth_window(group, today)
        return ResidentRow.birth_date <= up_to
    # JSON array of codes: json_each keeps the test exact (no substring match).
    codes = func.json_each(ResidentRow.tags).table_valued("value")
    member: ColumnElement[bool] = select(literal(1)).where(codes.c.value == code).exists()
    if group in AGE_BOUNDS:
        assert group is not None
        after, up_to = birth_window(group, today)
        within = [ResidentRow.birth_date.is_(None)]
        bounds = []
        if after is not None:
            bounds.append(ResidentRow.birth_date > after)
        if up_to is not None:
            bounds.append(ResidentRow.birth_date <= up_to)
        member = and_(member, or_(*within, and_(*bounds)))
    return member


def household_tagged(codes: Sequence[str]) -> ColumnElement[bool]:
    """A household row carrying any of the tag ``codes`` (低保户, the three 防返贫监测
    kinds, …): an exact test on the JSON array, as :func:`group_member`."""
    values = func.json_each(HouseholdRow.tags).table_valued("value")
    return select(literal(1)).where(values.c.value.in_(list(codes))).exists()


def _label(enum: type[StrEnum], code: str | None) -> str:
    if code is None:
        return ""
    try:
        value = enum(code)
    except ValueError:
        return code
    label = getattr(value, "label", None)
    return label if isinstance(label, str) else code


def _like_words(text: str) -> list[str]:
    return [w for w in normalise_query(text).split() if w]


def day_start(day: date) -> datetime:
    """The first instant of ``day`` in China time (aware)."""
    return datetime(day.year, day.month, day.day, tzinfo=CST)


def _period(column: Any, start: date | None, end: date | None) -> list[Any]:
    conditions = []
    if start is not None:
        conditions.append(column >= day_start(start))
    if end is not None:
        conditions.append(column < day_start(end + timedelta(days=1)))
    return conditions


def _overdue_condition(moment: datetime) -> Any:
    status = EventStatusRow
    return or_(and_(status.open.is_(True), status.deadline < moment), status.late.is_(True))


# -- visits ----------------------------------------------------------------------------

OrganizationListRow = tuple[str, str, str, str, str, str, str]


class OrganizationQueries:
    """组织 (红白理事会, 老年人协会, 人民调解委员会, 志愿服务队, 企业/商户 …) of the
    user's grids: the 组织 list. The leader's phone is masked here like a resident's."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def organization_ids(self, area: AreaFilter = AreaFilter()) -> list[str]:
        """Live organizations of the area's grids (an organization belongs to a grid,
        not to a micro-grid), by grid, kind and name."""
        query = select(
            OrganizationRow.id, OrganizationRow.grid_id, OrganizationRow.kind, OrganizationRow.name
        ).where(OrganizationRow.deleted.is_(False))
        if area.grid_ids is not None:
            query = query.where(OrganizationRow.grid_id.in_(list(area.grid_ids)))
        with _reading(self._engine) as connection:
            rows = connection.execute(query).all()
        kinds = {kind.value: n for n, kind in enumerate(OrganizationKind)}
        ordered = sorted(
            rows, key=lambda r: (r.grid_id, kinds.get(r.kind, 99), natural_key(r.name), r.id)
        )
        return [r.id for r in ordered]

    def organization_rows(self, ids: Sequence[str]) -> Mapping[str, OrganizationListRow]:
        """Name, kind, leader, masked phone, members, grid, address."""
        out: dict[str, OrganizationListRow] = {}
        with _reading(self._engine) as connection:
            for chunk in chunked(ids):
                statement = (
                    select(
                        OrganizationRow.id,
                        OrganizationRow.name,
                        OrganizationRow.kind,
                        OrganizationRow.leader,
                        OrganizationRow.phone,
                        OrganizationRow.members,
                        OrganizationRow.address,
                        AreaRow.name.label("grid"),
                    )
                    .outerjoin(AreaRow, AreaRow.id == OrganizationRow.grid_id)
                    .where(OrganizationRow.id.in_(chunk))
                )
                for row in connection.execute(statement):
                    out[row.id] = (
                        row.name,
                        _label(OrganizationKind, row.kind),
                        row.leader,
                        phone.mask(row.phone) if row.phone else "",
                        "" if row.members is None else str(row.members),
                        row.grid or "",
                        row.address,
                    )
        return out


VisitListRow = tuple[str, str, str, str, str]
_SUMMARY = 40


def _summary(content: str) -> str:
    line = " ".join(content.split())
    return line if len(line) <= _SUMMARY else line[: _SUMMARY - 1] + "…"


def _display_names(connection: Connection) -> dict[str, str]:
    """Login → name from the synced directory."""
    return directory_names(
        connection.execute(
            select(SyncStateRow.value).where(SyncStateRow.key == SyncKey.DIRECTORY.value)
        ).scalar()
    )


@dataclass(frozen=True)
class VisitFilter:
    """What the visits list is narrowed to (AND)."""

    visited_from: date | None = None
    visited_to: date | None = None
    """The period, both days included, China time."""
    method: str | None = None
    """A ``VisitMethod`` code (入户走访, 电话回访, …)."""


class VisitQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def visit_ids(
        self,
        area: AreaFilter = AreaFilter(),
        filters: VisitFilter | None = None,
        *,
        limit: int | None = None,
    ) -> list[str]:
        """Live visits (not replaced by a correction) of live households in the area,
        newest first, narrowed by ``filters``; the first ``limit`` of them when given
        (the first screen, while the whole list is still being built). Without a grid
        filter the order is one walk of ``ix_visits_list_order``: no sort, and the
        first rows come from its first entries."""
        wanted = filters or VisitFilter()
        corrected = select(VisitRow.corrects_id).where(
            VisitRow.corrects_id.is_not(None), VisitRow.deleted.is_(False)
        )
        # EXISTS by primary key (``ix_households_live`` answers it) rather than ``IN
        # (live households)``: the IN list made SQLite read every visit household by
        # household and sort them all.
        query = (
            select(VisitRow.id)
            .where(VisitRow.deleted.is_(False), VisitRow.id.not_in(corrected))
            .where(
                _household_scope(
                    select(literal(1)).where(HouseholdRow.id == VisitRow.household_id), area
                ).exists()
            )
            .order_by(VisitRow.visited_at.desc(), VisitRow.id)
        )
        if area.grid_ids is not None:
            query = query.where(VisitRow.grid_id.in_(list(area.grid_ids)))
        query = query.where(*_period(VisitRow.visited_at, wanted.visited_from, wanted.visited_to))
        if wanted.method:
            query = query.where(VisitRow.method == wanted.method)
        if limit is not None:
            query = query.limit(limit)
        with _reading(self._engine) as connection:
            return _first_column(connection, query)

    def visit_rows(self, ids: Sequence[str]) -> Mapping[str, VisitListRow]:
        """Date (China time), household address, method, visitor, content summary."""
        out: dict[str, VisitListRow] = {}
        with _reading(self._engine) as connection:
            names = _display_names(connection)
            for chunk in chunked(ids):
                for row in connection.execute(
                    select(
                        VisitRow.id,
                        VisitRow.visited_at,
                        VisitRow.method,
                        VisitRow.visitor,
                        VisitRow.content,
                        HouseholdRow.address,
                    )
                    .outerjoin(HouseholdRow, HouseholdRow.id == VisitRow.household_id)
                    .where(VisitRow.id.in_(chunk))
                ):
                    when = row.visited_at.astimezone(CST)
                    out[row.id] = (
                        when.strftime("%Y-%m-%d %H:%M"),
                        row.address or "",
                        _label(VisitMethod, row.method),
                        names.get(row.visitor, row.visitor),
                        _summary(row.content),
                    )
        return out

    def household_of(self, visit_id: str) -> str | None:
        with read_session(self._engine) as session:
            return session.scalar(select(VisitRow.household_id).where(VisitRow.id == visit_id))


# -- patrols ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PatrolFilter:
    """What the 巡查 list is narrowed to: the patrol days, both ends included."""

    patrol_from: date | None = None
    patrol_to: date | None = None


PatrolListRow = tuple[str, str, str, str, str, str]


@dataclass(frozen=True)
class LinkedEvent:
    """An event a patrol reported, as far as this laptop holds it."""

    id: str
    number: str
    """事件编号; empty until the server numbered it (shown 待编号)."""
    title: str
    present: bool
    """False: the id is linked but the event is not in this store (not synced yet, or
    outside this user's scope)."""


def _route_and_places(route: str, places: str) -> str:
    return _summary("；".join(part for part in (route.strip(), places.strip()) if part))


class PatrolQueries:
    """巡查 of the user's grids: the 巡查 list, and a patrol's reported events."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def patrol_ids(
        self,
        area: AreaFilter = AreaFilter(),
        filters: PatrolFilter | None = None,
        *,
        limit: int | None = None,
    ) -> list[str]:
        """Live patrols of the area's grids, newest day first (one walk of
        ``ix_patrols_list_order`` without a grid filter), narrowed to ``filters``' days."""
        wanted = filters or PatrolFilter()
        query = (
            select(PatrolRow.id)
            .where(PatrolRow.deleted.is_(False))
            .order_by(PatrolRow.patrol_date.desc(), PatrolRow.id)
        )
        if area.grid_ids is not None:
            query = query.where(PatrolRow.grid_id.in_(list(area.grid_ids)))
        if wanted.patrol_from is not None:
            query = query.where(PatrolRow.patrol_date >= wanted.patrol_from)
        if wanted.patrol_to is not None:
            query = query.where(PatrolRow.patrol_date <= wanted.patrol_to)
        if limit is not None:
            query = query.limit(limit)
        with _reading(self._engine) as connection:
            return _first_column(connection, query)

    def patrol_rows(self, ids: Sequence[str]) -> Mapping[str, PatrolListRow]:
        """Day, grid, patroller (the real name), route and places, findings (summaries),
        the number of events reported from it."""
        out: dict[str, PatrolListRow] = {}
        with _reading(self._engine) as connection:
            names = _display_names(connection)
            for chunk in chunked(ids):
                for row in connection.execute(
                    select(
                        PatrolRow.id,
                        PatrolRow.patrol_date,
                        PatrolRow.patroller,
                        PatrolRow.route,
                        PatrolRow.places,
                        PatrolRow.findings,
                        PatrolRow.event_ids,
                        AreaRow.name.label("grid"),
                    )
                    .outerjoin(AreaRow, AreaRow.id == PatrolRow.grid_id)
                    .where(PatrolRow.id.in_(chunk))
                ):
                    out[row.id] = (
                        row.patrol_date.isoformat(),
                        row.grid or "",
                        names.get(row.patroller, row.patroller),
                        _route_and_places(row.route, row.places),
                        _summary(row.findings),
                        str(len(row.event_ids or ())),
                    )
        return out

    def linked_events(self, event_ids: Sequence[str]) -> list[LinkedEvent]:
        """The events of a patrol, in its order."""
        found: dict[str, Any] = {}
        with _reading(self._engine) as connection:
            for chunk in chunked(event_ids):
                for row in connection.execute(
                    select(EventRow.id, EventRow.number, EventRow.title).where(
                        EventRow.id.in_(chunk), EventRow.deleted.is_(False)
                    )
                ):
                    found[row.id] = row
        return [
            LinkedEvent(i, found[i].number, found[i].title, True)
            if i in found
            else LinkedEvent(i, "", "", False)
            for i in event_ids
        ]

    def patrol_of_event(self, event_id: str) -> tuple[str, date] | None:
        """The live patrol an event was reported from (its id and day), if any."""
        linked = (
            select(literal(1))
            .select_from(func.json_each(PatrolRow.event_ids).table_valued("value"))
            .where(literal_column("value") == event_id)
            .exists()
        )
        with _reading(self._engine) as connection:
            row = connection.execute(
                select(PatrolRow.id, PatrolRow.patrol_date)
                .where(PatrolRow.deleted.is_(False), linked)
                .order_by(PatrolRow.patrol_date, PatrolRow.id)
                .limit(1)
            ).first()
        return None if row is None else (row.id, row.patrol_date)


# -- events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventListRow:
    title: str
    category: str
    ledger: str
    urgency: str
    reported: str
    state: str
    deadline: str
    overdue: bool
    open: bool

    def cells(self) -> tuple[str, ...]:
        return (
            self.title,
            self.category,
            self.ledger,
            self.urgency,
            self.reported,
            self.state,
            self.deadline,
        )


class EventStateFilter(StrEnum):
    ALL = "all"
    OPEN = "open"
    OVERDUE = "overdue"
    """Open and past its deadline."""
    FINISHED = "finished"


@dataclass(frozen=True)
class EventFilter:
    """What the events list is narrowed to; every part composes (AND)."""

    text: str = ""
    """Words found in the title, description or location (each word somewhere)."""
    category_code: str | None = None
    ledger: str | None = None
    """A ``Ledger`` code (三本账)."""
    state: str = EventStateFilter.ALL.value
    """An ``EventStateFilter`` value (all, open, overdue, finished) or an
    ``EventState`` code (one state)."""
    reported_from: date | None = None
    reported_to: date | None = None
    """The period of the report date, both days included, China time."""
    overdue: bool = False
    """超期 only: open past the deadline, or finished after it (the 超期 column)."""
    source: str | None = None
    """An ``EventSource`` code (来源: 网格员上报, 热线, 来访 …)."""


class EventQueries:
    """Events filtered in SQL on their derived state (``event_status``, kept by
    :mod:`gridclient.storage.eventstate` from the same fold as the event dialog)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def event_ids(
        self,
        area: AreaFilter = AreaFilter(),
        state: EventStateFilter = EventStateFilter.ALL,
        now: datetime | None = None,
        *,
        filters: EventFilter | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """Live events of the area (by grid), newest report first, narrowed by
        ``filters`` (or only by ``state``); the first ``limit`` of them when given (the
        first screen, while the whole list is still being built). One SQL statement
        over ``events`` joined to their derived ``event_status``, in the order of
        ``ix_events_list_order`` (no sort, no table read for the whole list)."""
        eventstate.ensure(self._engine)
        wanted = filters or EventFilter(state=state.value)
        moment = now or datetime.now(UTC)
        status = EventStatusRow
        query = (
            select(EventRow.id)
            .join(status, status.event_id == EventRow.id)
            .where(EventRow.deleted.is_(False))
            .order_by(EventRow.reported_at.desc(), EventRow.id)
        )
        if area.grid_ids is not None:
            query = query.where(EventRow.grid_id.in_(list(area.grid_ids)))
        if area.micro_grid_id is not None:
            query = query.where(EventRow.household_id.in_(_household_scope_ids(area)))
        for word in _like_words(wanted.text):
            query = query.where(
                or_(
                    EventRow.title.contains(word, autoescape=True),
                    EventRow.description.contains(word, autoescape=True),
                    EventRow.location.contains(word, autoescape=True),
                )
            )
        if wanted.category_code:
            query = query.where(EventRow.category_code == wanted.category_code)
        if wanted.ledger:
            query = query.where(EventRow.ledger == wanted.ledger)
        if wanted.source:
            query = query.where(EventRow.source == wanted.source)
        query = query.where(
            *_period(EventRow.reported_at, wanted.reported_from, wanted.reported_to)
        )
        if wanted.state == EventStateFilter.OPEN.value:
            query = query.where(status.open.is_(True))
        elif wanted.state == EventStateFilter.FINISHED.value:
            query = query.where(status.open.is_(False), status.state.is_not(None))
        elif wanted.state == EventStateFilter.OVERDUE.value:
            query = query.where(status.open.is_(True), status.deadline < moment)
        elif wanted.state != EventStateFilter.ALL.value:
            query = query.where(status.state == wanted.state)
        if wanted.overdue:
            query = query.where(_overdue_condition(moment))
        if limit is not None:
            query = query.limit(limit)
        with _reading(self._engine) as connection:
            return _first_column(connection, query)

    def open_and_overdue(self, area: AreaFilter, now: datetime) -> tuple[list[str], list[str]]:
        """``event_ids`` for OPEN and for OVERDUE (the dashboard)."""
        open_ids = self.event_ids(area, EventStateFilter.OPEN, now)
        overdue = set(self.event_ids(area, EventStateFilter.OVERDUE, now))
        return open_ids, [i for i in open_ids if i in overdue]

    def event_rows(
        self, ids: Sequence[str], now: datetime | None = None
    ) -> Mapping[str, EventListRow]:
        """The painted rows: event columns joined to their derived ``event_status`` by
        primary key (the fold already done, see :mod:`gridclient.storage.eventstate`);
        an open event is overdue once ``now`` is past its deadline."""
        moment = now or datetime.now(UTC)
        status = EventStatusRow
        statement = (
            select(
                EventRow.id,
                EventRow.title,
                EventRow.category_code,
                EventRow.category_name,
                EventRow.ledger,
                EventRow.urgency,
                EventRow.reported_at,
                status.state,
                status.open,
                status.deadline,
                status.late,
            )
            .outerjoin(status, status.event_id == EventRow.id)
            .where(EventRow.id.in_(bindparam("ids", expanding=True)))
        )
        out: dict[str, EventListRow] = {}
        with _reading(self._engine) as connection:
            names = {
                r.code: r.name
                for r in connection.execute(select(EventCategoryRow.code, EventCategoryRow.name))
            }
            for chunk in chunked(ids):
                for row in connection.execute(statement, {"ids": chunk}):
                    known = row.state is not None
                    deadline = row.deadline
                    out[row.id] = EventListRow(
                        title=row.title,
                        # The name it was reported under (the catalog's for an event
                        # stored without one).
                        category=row.category_name
                        or names.get(row.category_code, row.category_code),
                        ledger=_label(Ledger, row.ledger),
                        urgency=_label(Urgency, row.urgency),
                        reported=row.reported_at.astimezone(CST).strftime("%Y-%m-%d %H:%M"),
                        state=_label(EventState, row.state) if known else "",
                        deadline="" if deadline is None or not known else deadline_text(deadline),
                        overdue=known
                        and (
                            bool(row.late)
                            or (bool(row.open) and deadline is not None and moment > deadline)
                        ),
                        open=known and bool(row.open),
                    )
        return out


# -- dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    households: int
    visited_this_month: int
    not_visited: int
    """Households without a visit in the last ``not_visited_days`` days."""
    not_visited_days: int
    open_events: int
    overdue_events: int
    pending_ops: int
    open_hazards: int = 0
    """Places of the area's grids whose latest check left a hazard not rectified."""
    late_hazards: int = 0
    """Of those, the ones past their rectification deadline."""

    @property
    def coverage_percent(self) -> float:
        return 0.0 if not self.households else 100.0 * self.visited_this_month / self.households


@dataclass(frozen=True)
class SyncSummary:
    pending_ops: int
    conflicts: int
    """Not yet closed by the server (decided here or not)."""
    last_sync_at: datetime | None
    undecided: int = 0
    """Conflicts nobody on this laptop has decided yet, and residents the server found
    registered elsewhere that wait for the worker's decision: what the 冲突 tab counts."""


class DashboardQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._events = EventQueries(engine)

    @staticmethod
    def _visited_since(area: AreaFilter, since: datetime) -> Select[str]:
        return select(VisitRow.household_id).where(
            VisitRow.deleted.is_(False),
            VisitRow.visited_at >= since,
            VisitRow.household_id.in_(_household_scope_ids(area)),
        )

    def not_visited_ids(self, area: AreaFilter, days: int, now: datetime | None = None) -> set[str]:
        """Households of the area with no visit in the last ``days`` days."""
        since = (now or datetime.now(UTC)) - timedelta(days=days)
        query = _household_scope_ids(area).where(
            HouseholdRow.id.not_in(self._visited_since(area, since))
        )
        with _reading(self._engine) as connection:
            return set(connection.scalars(query))

    def summary(
        self, area: AreaFilter, not_visited_days: int, now: datetime | None = None
    ) -> Dashboard:
        moment = now or datetime.now(UTC)
        not_since = moment - timedelta(days=not_visited_days)
        with read_session(self._engine) as session:
            households = session.scalar(
                _household_scope(select(func.count()).select_from(HouseholdRow), area)
            )
            visited = session.scalar(
                select(func.count(distinct(VisitRow.household_id))).where(
                    VisitRow.deleted.is_(False),
                    VisitRow.visited_at >= month_start(moment),
                    VisitRow.household_id.in_(_household_scope_ids(area)),
                )
            )
            not_visited = session.scalar(
                _household_scope(select(func.count()).select_from(HouseholdRow), area).where(
                    HouseholdRow.id.not_in(self._visited_since(area, not_since))
                )
            )
            pending = Repositories(session).outbox.status_counts()[OpStatus.PENDING]
            places = select(PlaceRow.id).where(PlaceRow.deleted.is_(False))
            if area.grid_ids is not None:
                places = places.where(PlaceRow.grid_id.in_(list(area.grid_ids)))
            checks = latest_checks(session.connection(), list(session.scalars(places)))
        hazards = [c for c in checks.values() if c.open_hazard]
        today = moment.astimezone(CST).date()
        open_ids, overdue_ids = self._events.open_and_overdue(area, moment)
        return Dashboard(
            households=int(households or 0),
            visited_this_month=int(visited or 0),
            not_visited=int(not_visited or 0),
            not_visited_days=not_visited_days,
            open_events=len(open_ids),
            overdue_events=len(overdue_ids),
            pending_ops=pending,
            open_hazards=len(hazards),
            late_hazards=sum(
                1 for c in hazards if c.rectify_by is not None and c.rectify_by < today
            ),
        )

    def sync_summary(self) -> SyncSummary:
        with read_session(self._engine) as session:
            repos = Repositories(session)
            pending = repos.outbox.status_counts()[OpStatus.PENDING]
            conflicts = int(
                session.scalar(
                    select(func.count())
                    .select_from(ConflictRow)
                    .where(ConflictRow.resolved.is_(False))
                )
                or 0
            )
            undecided = int(
                session.scalar(
                    select(func.count())
                    .select_from(ConflictRow)
                    .where(ConflictRow.resolved.is_(False), ConflictRow.resolution.is_(None))
                )
                or 0
            )
            undecided += int(
                session.scalar(
                    select(func.count(distinct(OutboxRow.entity_id))).where(
                        OutboxRow.status == OpStatus.REJECTED.value,
                        OutboxRow.reason == "registered_elsewhere",
                    )
                )
                or 0
            )
            last = repos.sync_state.last_sync_at()
        return SyncSummary(pending, conflicts, last, undecided)


# -- search ----------------------------------------------------------------------------
