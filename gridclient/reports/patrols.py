"""巡查日志 (see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from gridclient.reports.common import (
    Cell,
    Column,
    Period,
    Report,
    ReportKind,
    _Context,
    _scope,
)
from gridclient.storage import reportqueries as queries
from gridclient.storage.store import Store
from gridcore.domain.entities import CST
from gridcore.domain.eventnumber import UNNUMBERED

__all__ = [
    "EVENT_NOT_HERE",
    "build_patrol_log",
]


# ------------------------------------------------------------------------ 巡查日志

#: An event a patrol links that this laptop does not hold (not synced yet, or outside
#: the user's scope): named so, rather than left out.
EVENT_NOT_HERE = "未同步事件"


def _clock(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(CST).strftime("%H:%M")


def _day(moment: datetime) -> date:
    return moment.astimezone(CST).date()


def build_patrol_log(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """The patrols of the area's grids in the period, by day (then start, grid): day,
    times, grid, patroller (the real name), route and places, findings, the 事件编号 of
    the events reported from it, photos; a count per grid below."""
    context = _Context(store, now)
    with store.read() as repos:
        scope = _scope(repos, area)
        names = repos.sync_state.display_names()
        fetched = queries.patrol_lines(repos, scope.grid_ids, period.start, period.end)
        linked = sorted({i for r in fetched for i in r.event_ids or ()})
        numbers = {
            event_id: number or UNNUMBERED
            for event_id, number in queries.event_numbers(repos, linked).items()
        }
        order = {g.id: i for i, g in enumerate(scope.grids)}
        fetched.sort(
            key=lambda r: (
                r.patrol_date,
                r.started_at is None,
                r.started_at or datetime.min.replace(tzinfo=UTC),
                order.get(r.grid_id, 0),
                r.id,
            )
        )
        rows: list[tuple[Cell, ...]] = []
        per_grid: Counter[str] = Counter()
        grid_events: Counter[str] = Counter()
        total_events = total_photos = 0
        for n, r in enumerate(fetched, start=1):
            events = list(r.event_ids or ())
            photos = len(r.attachments or ())
            per_grid[r.grid_id] += 1
            grid_events[r.grid_id] += len(events)
            total_events += len(events)
            total_photos += photos
            # An ASCII hyphen: the report font's en dash copies out of the PDF as U+2012.
            end = _clock(r.ended_at)
            if end and r.started_at is not None and _day(r.ended_at) > _day(r.started_at):
                end = f"次日{end}"  # a night patrol ending after midnight
            times = "-".join(t for t in (_clock(r.started_at), end) if t)
            rows.append(
                (
                    n,
                    r.patrol_date.isoformat(),
                    times,
                    scope.grid_names.get(r.grid_id, ""),
                    names.get(r.patroller, r.patroller),
                    "；".join(x for x in (r.route, r.places) if x),
                    r.findings,
                    "、".join(numbers.get(e, EVENT_NOT_HERE) for e in events),
                    photos,
                )
            )
        patrolled = [g for g in scope.grids if per_grid[g.id]]
        idle = len(scope.grids) - len(patrolled)
        summary = [
            f"期内巡查 {len(rows)} 次，涉及 {len(patrolled)} 个网格，"
            f"上报事件 {total_events} 件，照片 {total_photos} 张。"
        ]
        if len(scope.grids) > 1 or rows:
            parts = [
                f"{scope.grid_names[g.id]} {per_grid[g.id]} 次"
                + (f"（上报事件 {grid_events[g.id]} 件）" if grid_events[g.id] else "")
                for g in patrolled
            ]
            if parts:
                summary.append("各网格巡查次数：" + "；".join(parts) + "。")
            if idle:
                summary.append(f"期内无巡查记录的网格 {idle} 个。")
        return Report(
            kind=ReportKind.PATROL_LOG,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 4, numeric=True),
                Column("日期", 10),
                Column("时间", 9),
                Column("网格", 10),
                Column("巡查人", 6),
                Column("路线/地点", 24),
                Column("发现问题", 24),
                Column("上报事件", 14),
                Column("照片数", 5, numeric=True),
            ),
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}次",
                "",
                f"{len(patrolled)}个网格",
                "",
                "",
                "",
                f"{total_events}件",
                total_photos,
            ),
            summary=tuple(summary),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )
