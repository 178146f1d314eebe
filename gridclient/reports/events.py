"""事件台账 and 事件办理统计: the events reported in a period, with the state each one
stands in by its own terms, filtered by ledger, category, state, source or overdue
(see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gridclient.reports.common import (
    _CLOSED_STATES,
    Cell,
    Column,
    Period,
    Report,
    ReportKind,
    _Context,
    _local_day,
    _percent,
    _Scope,
    _scope,
)
from gridclient.reports.progress import Step, ticking
from gridclient.storage import reportqueries as queries
from gridclient.storage.chunks import chunked
from gridclient.storage.repositories import Repositories
from gridclient.storage.store import Store
from gridcore.domain.catalog import EventCatalog, deadline_text, event_category_name
from gridcore.domain.departments import DepartmentList
from gridcore.domain.entities import Event, EventAction
from gridcore.domain.enums import (
    EventActionKind,
    EventSource,
    EventState,
    Ledger,
    LimitKind,
    MediationOutcome,
    Satisfaction,
)
from gridcore.domain.eventnumber import UNNUMBERED
from gridcore.domain.mediation import success_rate
from gridcore.domain.workflow import EventStatus, event_status

__all__ = [
    "EventFilter",
    "EventStateFilter",
    "build_event_ledger",
    "build_event_stats",
]


# ---------------------------------------------------------------------- 事件台账


class EventStateFilter(StrEnum):
    """Which events a ledger or the statistics cover, by where they stand."""

    ALL = "all"
    UNFINISHED = "unfinished"
    """未办结: every open event, returned ones included."""
    HANDLING = "handling"
    """办理中: open and with the township or a handler (not 已退回)."""
    RETURNED = "returned"
    FINISHED = "finished"
    """已办结: closed, evaluated or self-resolved."""
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return _STATE_FILTER_LABELS[self]

    def admits(self, state: EventState) -> bool:
        if self is EventStateFilter.ALL:
            return True
        if self is EventStateFilter.UNFINISHED:
            return state.is_open
        if self is EventStateFilter.HANDLING:
            return state.is_open and state is not EventState.RETURNED
        if self is EventStateFilter.RETURNED:
            return state is EventState.RETURNED
        if self is EventStateFilter.FINISHED:
            return state in _CLOSED_STATES
        return state is EventState.VOIDED


_STATE_FILTER_LABELS = {
    EventStateFilter.ALL: "全部",
    EventStateFilter.UNFINISHED: "未办结",
    EventStateFilter.HANDLING: "办理中",
    EventStateFilter.RETURNED: "已退回",
    EventStateFilter.FINISHED: "已办结",
    EventStateFilter.VOIDED: "已作废",
}


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What part of the events a ledger (or the statistics) prints: one 三本账 ledger,
    one category, a state, only overdue ones. The default is everything."""

    ledger: Ledger | None = None
    category: str | None = None
    """A category code, or the name an event was reported under."""
    state: EventStateFilter = EventStateFilter.ALL
    overdue: bool = False
    source: EventSource | None = None
    """来源: only events taken in by this channel (热线, 来访 …, or 网格员上报)."""

    @property
    def is_all(self) -> bool:
        return self == EventFilter()

    def admits(self, line: _EventLine) -> bool:
        event, status = line.event, line.status
        if self.ledger is not None and event.ledger is not self.ledger:
            return False
        if self.category is not None and self.category not in (
            event.category_code,
            line.category,
        ):
            return False
        if not self.state.admits(status.state):
            return False
        if self.source is not None and event.source is not self.source:
            return False
        return not self.overdue or status.overdue

    def subtitle(self, category_name: str = "") -> str:
        """What the title says after the report's name: 意见建议账, 超期未办结, …"""
        parts = []
        if self.source is not None:
            parts.append(f"来源：{self.source.label}")
        if self.ledger is not None:
            parts.append(f"{self.ledger.label}账")
        if self.category is not None:
            parts.append(category_name or self.category)
        if self.overdue and self.state is EventStateFilter.UNFINISHED:
            parts.append("超期未办结")
        elif self.overdue and self.state is EventStateFilter.FINISHED:
            parts.append("超期办结")
        else:
            if self.state is not EventStateFilter.ALL:
                parts.append(self.state.label)
            if self.overdue:
                parts.append("超期")
        return "·".join(parts)


@dataclass(frozen=True, slots=True)
class _EventLine:
    event: Event
    status: EventStatus
    result: str
    category: str
    """The category name the event was reported under."""
    handler: str = ""
    """处置单位: where the last dispatch sent it (网格员 for back to the grid)."""
    marks: str = ""
    """督办 / 延期 / 回访, where the history has them."""
    self_resolved: bool = False
    void_reason: str = ""
    mediations: tuple[MediationOutcome, ...] = ()
    """The outcomes of the event's 调解 records (调处成功率)."""


_RESULT_KINDS = frozenset(
    {EventActionKind.HANDLE, EventActionKind.FEEDBACK, EventActionKind.SELF_RESOLVE}
)
_SENDING = frozenset({EventActionKind.DISPATCH, EventActionKind.REDISPATCH})


def _marks(status: EventStatus, kinds: set[str]) -> str:
    """督办, 延期 (an approved extension), 返工 (rounds after 不满意), 回访."""
    marks = []
    if status.supervised:
        marks.append("督办")
    if status.extended:
        marks.append("延期")
    if status.rework_rounds:
        marks.append(f"返工{status.rework_rounds}次")
    if EventActionKind.RETURN_VISIT.value in kinds:
        marks.append("回访")
    return "、".join(marks)


def _deadline_text(status: EventStatus) -> str:
    """办理期限: the deadline in force; after an extension the original beside it."""
    if status.original_deadline is None:
        return deadline_text(status.deadline)
    return f"{deadline_text(status.deadline)}（原{deadline_text(status.original_deadline)}）"


def _reporter_text(event: Event, names: Mapping[str, str]) -> str:
    """上报人, with the channel when township staff took the event in (热线, 来访 …)."""
    name = names.get(event.reporter, event.reporter)
    if event.source is EventSource.GRID_WORKER:
        return name
    return f"{name}（{event.source.label}）"


_NO_DEPARTMENTS = DepartmentList()


def _handler(actions: Sequence[EventAction], departments: DepartmentList) -> str:
    """处置单位: where the last dispatch sent it (a department by its name)."""
    for action in reversed(actions):
        if action.kind in _SENDING:
            target = action.assignee.strip()
            return "网格员" if target in ("", "grid") else departments.name(target)
        if action.kind is EventActionKind.SELF_RESOLVE:
            return "网格员（自处置）"
    return ""


def _events(
    repos: Repositories,
    scope: _Scope,
    period: Period,
    catalog: EventCatalog,
    now: datetime,
    departments: DepartmentList = _NO_DEPARTMENTS,
    step: Step | None = None,
) -> list[_EventLine]:
    events = queries.events_reported(repos, scope.grid_ids, period.since, period.until, tick=step)
    events.sort(key=lambda e: (e.reported_at, e.number, e.id))
    # Actions are read and folded one chunk of events at a time, so only a chunk's
    # action records are held at once (a year at L: ~100k events, ~700k actions).
    lines: list[_EventLine] = []
    done = 0
    for chunk in chunked(events):
        if step is not None:
            step(done, len(events))
        done += len(chunk)
        actions: dict[str, list[EventAction]] = {e.id: [] for e in chunk}
        ids = list(actions)
        for action in queries.event_actions(repos, ids):
            actions[action.event_id].append(action)
        outcomes = _mediation_outcomes(repos, ids)
        for event in chunk:
            line = _event_line(event, actions[event.id], outcomes, catalog, now, departments)
            if line is not None:
                lines.append(line)
    return lines


def _event_line(
    event: Event,
    history: list[EventAction],
    outcomes: Mapping[str, list[MediationOutcome]],
    catalog: EventCatalog,
    now: datetime,
    departments: DepartmentList,
) -> _EventLine | None:
    if not history:
        return None  # its actions have not arrived yet: no state to print
    # The event's own terms (never the catalog's current ones, see catalog.py).
    status = event_status(event, history, catalog, now)
    ordered = sorted(history, key=lambda a: a.fold_key)
    result = next(
        (a.comment for a in reversed(ordered) if a.kind in _RESULT_KINDS and a.comment), ""
    )
    kinds = {a.kind.value for a in ordered}
    void_reason = ""
    if status.state is EventState.VOIDED:
        void_reason = next(
            (a.comment for a in reversed(ordered) if a.kind is EventActionKind.VOID), ""
        )
    return _EventLine(
        event,
        status,
        result,
        event_category_name(event, catalog),
        handler=_handler(ordered, departments),
        marks=_marks(status, kinds),
        self_resolved=EventActionKind.SELF_RESOLVE.value in kinds,
        void_reason=void_reason,
        mediations=tuple(outcomes.get(event.id, ())),
    )


def _mediation_outcomes(
    repos: Repositories, event_ids: Sequence[str]
) -> dict[str, list[MediationOutcome]]:
    """The outcomes of the live mediation records of the events (an outcome code from a
    newer version is left out: it is neither 成功 nor 不成 here)."""
    known = {o.value: o for o in MediationOutcome}
    found: dict[str, list[MediationOutcome]] = defaultdict(list)
    for event_id, outcome in queries.mediation_outcome_codes(repos, event_ids):
        if outcome in known:
            found[event_id].append(known[outcome])
    return found


def _filtered(lines: Sequence[_EventLine], which: EventFilter) -> list[_EventLine]:
    return [line for line in lines if which.admits(line)]


def _category_name(lines: Sequence[_EventLine], catalog: EventCatalog, code: str | None) -> str:
    if code is None:
        return ""
    for line in lines:
        if code in (line.event.category_code, line.category):
            return line.category
    return catalog.categories[code].name if code in catalog.categories else code


def _overdue_text(status: EventStatus) -> str:
    if not status.overdue:
        return ""
    return "超期未办结" if status.is_open else "超期办结"


def _catalog_note(catalog: EventCatalog, lines: Sequence[_EventLine]) -> str:
    inferred = sum(1 for x in lines if x.event.terms_inferred)
    text = (
        f"办理时限按各事件上报时的事项清单计算（当前事项清单第 {catalog.revision} 次修订"
        f"{'，' + catalog.version if catalog.version else ''}）"
    )
    if inferred:
        text += f"；其中 {inferred} 件为系统升级前上报，时限按升级时的事项清单补记"
    if any(x.event.limit_kind is LimitKind.WORKING for x in lines):
        calendar = catalog.calendar
        text += (
            f"；工作日按节假日安排（{calendar.version or '内置'}"
            f"{f'，第 {calendar.revision} 次修订' if calendar.revision else ''}）计算，"
            "当日办结的事项 17:00 后上报的顺延至下一工作日"
        )
    return text + "。"


def build_event_ledger(
    store: Store,
    area: str,
    period: Period,
    *,
    which: EventFilter = EventFilter(),
    now: datetime | None = None,
    step: Step | None = None,
) -> Report:
    """Events reported in the period (or the part ``which`` selects: one ledger, one
    category, a state, the overdue ones): 事件编号, dates, grid, reporter, category,
    ledger, urgency, handler, deadline, state, overdue, result or void reason,
    satisfaction and the 督办/延期/回访 marks."""
    context = _Context(store, now)
    with store.read() as repos:
        scope = _scope(repos, area)
        catalog = repos.catalog.load()
        names = repos.sync_state.display_names()
        listing = repos.catalog.load_departments()
        every = _events(repos, scope, period, catalog, context.now, listing, step)
        lines = _filtered(every, which)
        rows: list[tuple[Cell, ...]] = []
        for n, line in enumerate(ticking(lines, step, len(lines)), start=1):
            e, s = line.event, line.status
            voided = s.state is EventState.VOIDED
            result = f"作废原因：{line.void_reason or '未填写'}" if voided else line.result
            rows.append(
                (
                    n,
                    e.number or UNNUMBERED,
                    _local_day(e.reported_at),
                    scope.grid_names.get(e.grid_id, ""),
                    _reporter_text(e, names),
                    e.title,
                    line.category,
                    e.ledger.label,
                    e.urgency.label,
                    line.handler,
                    _deadline_text(s),
                    s.state.label,
                    "" if voided else _local_day(s.finished_at),
                    _overdue_text(s),
                    result,
                    s.satisfaction.label if s.satisfaction is not None else "",
                    line.marks,
                )
            )
        finished = sum(1 for x in lines if x.status.state in _CLOSED_STATES)
        overdue_open = sum(1 for x in lines if x.status.overdue and x.status.is_open)
        overdue_done = sum(1 for x in lines if x.status.overdue and not x.status.is_open)
        unnumbered = sum(1 for x in lines if not x.event.number)
        notes = [_catalog_note(catalog, lines)]
        if unnumbered:
            notes.append(f"{unnumbered} 件尚未同步到服务器，事件编号显示为“{UNNUMBERED}”。")
        return Report(
            kind=ReportKind.EVENT_LEDGER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 4, numeric=True),
                Column("事件编号", 11),
                Column("上报日期", 8),
                Column("网格", 8),
                Column("上报人", 5),
                Column("事件", 10),
                Column("类别", 7),
                Column("台账", 6),
                Column("紧急程度", 5),
                Column("处置单位", 6),
                Column("办理期限", 8),
                Column("状态", 5),
                Column("办结日期", 8),
                Column("超期", 5),
                Column("办理结果", 11),
                Column("满意度", 5),
                Column("督办/延期/回访", 6),
            ),
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}件",
                *([""] * 9),
                f"办结{finished}件",
                "",
                f"{overdue_open + overdue_done}件",
                "",
                "",
                "",
            ),
            summary=(
                f"共 {len(rows)} 件，已办结 {finished} 件，超期未办结 {overdue_open} 件，"
                f"超期办结 {overdue_done} 件。",
            ),
            notes=tuple(notes),
            subtitle=which.subtitle(_category_name(every, catalog, which.category)),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )


# ------------------------------------------------------------------ 事件办理统计

_STATS_FORMULAS = (
    "办结＝已结案、已评价或自处置；办理中不含已退回（单列）；超期未办结＝未办结且已过时限，"
    "超期办结＝办结晚于时限。",
    "办结率＝已办结÷（事件数－已作废）；按期办结率＝按期办结÷已办结；"
    "满意率＝（满意＋基本满意）÷已评价；自处置率（小事不出网格）＝自处置÷（事件数－已作废）。",
)
_MEDIATION_NOTE = (
    "调处成功率＝调解成功÷（调解成功＋调解不成），进行中和转其他途径的不计入；"
    "没有已办结的调解时为“—”。"
)


def _figures(group: Sequence[_EventLine]) -> tuple[Cell, ...]:
    states = [x.status.state for x in group]
    voided = sum(1 for s in states if s is EventState.VOIDED)
    returned = sum(1 for s in states if s is EventState.RETURNED)
    handling = sum(1 for s in states if s.is_open and s is not EventState.RETURNED)
    done = [x for x in group if x.status.state in _CLOSED_STATES]
    on_time = sum(1 for x in done if not x.status.overdue)
    overdue_open = sum(1 for x in group if x.status.is_open and x.status.overdue)
    overdue_done = len(done) - on_time
    rated = [x.status.satisfaction for x in group if x.status.satisfaction is not None]
    pleased = sum(1 for r in rated if r is not Satisfaction.UNSATISFIED)
    self_resolved = sum(1 for x in group if x.self_resolved)
    counted = len(group) - voided
    mediated = success_rate(o for x in group for o in x.mediations)
    return (
        len(group),
        handling,
        returned,
        len(done),
        voided,
        overdue_open,
        overdue_done,
        _percent(len(done), counted),
        _percent(on_time, len(done)),
        _percent(pleased, len(rated)),
        _percent(self_resolved, counted),
        mediated.total,
        mediated.text(),
    )


def build_event_stats(
    store: Store,
    area: str,
    period: Period,
    *,
    which: EventFilter = EventFilter(),
    now: datetime | None = None,
    step: Step | None = None,
) -> Report:
    """The figures townships are judged on, per category, per 三本账 ledger, per village
    and per grid (the last two when the area has more than one): 办理中 and 已退回 apart,
    已办结, 已作废, 超期未办结 and 超期办结 apart, 办结率, 按期办结率, 满意率 and
    自处置率. Categories are the ones the events were reported under."""
    context = _Context(store, now)
    with store.read() as repos:
        scope = _scope(repos, area)
        catalog = repos.catalog.load()
        every = _events(repos, scope, period, catalog, context.now, step=step)
        lines = _filtered(every, which)
        width = 15
        rows: list[tuple[Cell, ...]] = []
        sections: list[int] = []

        def section(title: str, groups: Sequence[tuple[str, Sequence[_EventLine]]]) -> None:
            sections.append(len(rows))
            rows.append(("", title, *([""] * (width - 2))))
            for n, (name, group) in enumerate(groups, start=1):
                rows.append((n, name, *_figures(group)))

        by_category: dict[tuple[str, str], list[_EventLine]] = defaultdict(list)
        for line in lines:
            by_category[line.event.category_code, line.category].append(line)
        # By code (the catalog's own order in practice), not by position in the current
        # catalog: a retired or removed category must not move its row.
        keys = sorted(by_category)
        numbered = ["一", "二", "三", "四"]
        parts: list[tuple[str, list[tuple[str, Sequence[_EventLine]]]]] = [
            ("按事件类别", [(name, by_category[code, name]) for code, name in keys])
        ]
        ledgers = [which.ledger] if which.ledger is not None else list(Ledger)
        parts.append(
            (
                "按台账（三本账）",
                [(f"{x.label}账", [y for y in lines if y.event.ledger is x]) for x in ledgers],
            )
        )
        if len(scope.villages) > 1:
            parts.append(
                (
                    "按村（社区）",
                    [
                        (
                            v.name,
                            [y for y in lines if scope.grid_village.get(y.event.grid_id) == v.id],
                        )
                        for v in scope.villages
                    ],
                )
            )
        if len(scope.grids) > 1:
            parts.append(
                (
                    "按网格",
                    [
                        (scope.grid_names[g.id], [y for y in lines if y.event.grid_id == g.id])
                        for g in scope.grids
                    ],
                )
            )
        for index, (title, groups) in enumerate(parts):
            section(f"{numbered[index]}、{title}", groups)
        total = _figures(lines)
        states = Counter(x.status.state for x in lines)
        state_line = "，".join(f"{s.label} {states[s]} 件" for s in EventState if states[s])
        return Report(
            kind=ReportKind.EVENT_STATS,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 3, numeric=True),
                Column("分组", 16),
                Column("事件数", 5, numeric=True),
                Column("办理中", 5, numeric=True),
                Column("已退回", 5, numeric=True),
                Column("已办结", 5, numeric=True),
                Column("已作废", 5, numeric=True),
                Column("超期未办结", 6, numeric=True),
                Column("超期办结", 5, numeric=True),
                Column("办结率", 6, numeric=True),
                Column("按期办结率", 6, numeric=True),
                Column("满意率", 6, numeric=True),
                Column("自处置率", 6, numeric=True),
                Column("调解数", 5, numeric=True),
                Column("调处成功率", 6, numeric=True),
            ),
            rows=tuple(rows),
            section_rows=frozenset(sections),
            totals=("合计", f"{len(lines)}件", *total),
            summary=(
                f"共 {total[0]} 件，办结 {total[3]} 件，办结率 {total[7]}，按期办结率 {total[8]}，"
                f"满意率 {total[9]}，自处置率 {total[10]}；超期未办结 {total[5]} 件，"
                f"超期办结 {total[6]} 件；调解 {total[11]} 件，调处成功率 {total[12]}。",
                f"按状态：{state_line or '无'}。",
                *_STATS_FORMULAS,
            ),
            notes=(
                _catalog_note(catalog, lines),
                f"调解数＝期间内上报事件的调解记录数；{_MEDIATION_NOTE}",
            ),
            subtitle=which.subtitle(_category_name(every, catalog, which.category)),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )
