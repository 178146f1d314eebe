"""矛盾纠纷调解台账 (see :mod:`gridclient.reports.data`)."""

from __future__ import annotations

from datetime import datetime

from gridclient.reports.common import (
    Cell,
    Column,
    Period,
    Report,
    ReportKind,
    _Context,
    _scope,
)
from gridclient.reports.events import _MEDIATION_NOTE
from gridclient.storage import reportqueries as queries
from gridclient.storage.store import Store
from gridcore.domain.catalog import event_category_name
from gridcore.domain.entities import Event
from gridcore.domain.enums import MediationAgreement
from gridcore.domain.eventnumber import UNNUMBERED
from gridcore.domain.mediation import success_rate

__all__ = [
    "build_mediation_ledger",
]


# ------------------------------------------------------------------ 矛盾纠纷调解台账


def build_mediation_ledger(
    store: Store, area: str, period: Period, *, now: datetime | None = None
) -> Report:
    """The mediations started in the period (开始调解日期), whatever the event's report
    date: 事件编号, 纠纷类别, 网格, 当事人, 调解员/组织, 开始日期, 次数, 结果, 协议
    (form and text), 回访; the 调处成功率 of the period in the summary."""
    context = _Context(store, now)
    with store.read() as repos:
        scope = _scope(repos, area)
        catalog = repos.catalog.load()
        mediations = queries.mediations_started(repos, period.start, period.end)
        events: dict[str, Event] = {}
        for event in queries.events_by_id(
            repos, list(dict.fromkeys(m.event_id for m in mediations))
        ):
            if event.grid_id in scope.grid_names:
                events[event.id] = event
        mediations = [m for m in mediations if m.event_id in events]
        mediations.sort(key=lambda m: (m.started_on, events[m.event_id].number, m.id))
        rows: list[tuple[Cell, ...]] = []
        for n, m in enumerate(mediations, start=1):
            event = events[m.event_id]
            who = "\n".join(t for t in (m.mediator, m.committee) if t)
            if m.agreement_kind is MediationAgreement.NONE:
                agreement = m.agreement
            else:
                agreement = (
                    f"{m.agreement_kind.label}：{m.agreement}"
                    if m.agreement
                    else m.agreement_kind.label
                )
            rows.append(
                (
                    n,
                    event.number or UNNUMBERED,
                    event_category_name(event, catalog),
                    scope.grid_names.get(event.grid_id, ""),
                    m.parties,
                    who,
                    m.started_on.isoformat(),
                    len(m.sessions),
                    m.outcome.label,
                    agreement,
                    m.follow_up,
                )
            )
        rate = success_rate(m.outcome for m in mediations)
        sessions = sum(len(m.sessions) for m in mediations)
        unnumbered = sum(1 for m in mediations if not events[m.event_id].number)
        notes = [f"按开始调解日期在统计期间内的调解记录统计。{_MEDIATION_NOTE}"]
        if unnumbered:
            notes.append(f"{unnumbered} 件的事件尚未同步到服务器，事件编号显示为“{UNNUMBERED}”。")
        return Report(
            kind=ReportKind.MEDIATION_LEDGER,
            unit_name=scope.unit_name,
            area_text=scope.area_text,
            period=period,
            columns=(
                Column("序号", 3, numeric=True),
                Column("事件编号", 11),
                Column("纠纷类别", 7),
                Column("网格", 8),
                Column("当事人", 9),
                Column("调解员/组织", 10),
                Column("开始日期", 6),
                Column("次数", 3, numeric=True),
                Column("结果", 5),
                Column("协议", 14),
                Column("回访", 11),
            ),
            rows=tuple(rows),
            totals=(
                "合计",
                f"{len(rows)}件",
                "",
                "",
                "",
                "",
                "",
                sessions,
                f"成功{rate.success}件",
                "",
                "",
            ),
            summary=(
                f"共调解 {rate.total} 件，调解成功 {rate.success} 件，调解不成 {rate.failed} 件，"
                f"进行中 {rate.in_progress} 件，转其他途径 {rate.referred} 件；"
                f"调处成功率 {rate.text()}。",
            ),
            notes=tuple(notes),
            printed_at=context.now,
            data_as_of=context.data_as_of(repos),
            landscape=True,
        )
