"""The loop as practiced (issue #15 item 3) across two laptops (grid worker ``w1``,
township staff ``t1``) and a real ``gridserver serve`` process: each path is taken
through :mod:`gridclient.storage.events` (the code the event dialog runs) on the laptop
whose turn it is, synced, and then the server and both laptops agree on the state, the
deadline and the history, and the township's printed ledger and statistics show it.

* dispatch → the handler hands it back (退回乡镇) → 改派;
* 不满意 → 返工 → 满意;
* 申请延期 → 批准延期: the deadline moves everywhere, the original is kept;
* township intake from 热线 (source channel);
* the server refuses a self-resolution of 涉黄赌毒线索举报 even when a laptop sends one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gridclient.reports.data import EventFilter, Period, build_event_ledger, build_event_stats
from gridclient.storage.events import EventView, append_action, event_view
from gridclient.storage.syncmeta import OpStatus
from gridcore.domain.entities import CST, Event, EventAction
from gridcore.domain.enums import (
    EntityKind,
    EventActionKind,
    EventSource,
    EventState,
    Ledger,
    Role,
    Urgency,
)
from gridcore.domain.enums import Satisfaction as Sat
from gridcore.domain.workflow import IllegalTransition
from tests.integration.sync.conftest import Laptop, ServerProcess, server_event_view

A = EventActionKind
S = EventState
ROLES = {"w1": Role.WORKER, "t1": Role.TOWNSHIP}
TOWNSHIP = "320101001000"


@pytest.fixture
def laptops(server: ServerProcess, tmp_path: Path) -> Iterator[dict[str, Laptop]]:
    made = {user: Laptop(tmp_path / "laptops" / user, server.url, user) for user in ROLES}
    try:
        for laptop in made.values():
            _sync(laptop)
        yield made
    finally:
        for laptop in made.values():
            laptop.close()


def _sync(laptop: Laptop) -> None:
    report = laptop.engine(fetch_catalog=True).run()
    assert report.ok, report.errors
    assert report.held == 0


def _view(laptop: Laptop, event_id: str) -> EventView:
    with laptop.store.read() as repos:
        view = event_view(repos, event_id, ROLES[laptop.username], laptop.store.clock.now())
    assert view is not None and view.status is not None, laptop.username
    return view


def _report(laptop: Laptop, grid: str, source: EventSource = EventSource.GRID_WORKER) -> str:
    event = Event(
        grid_id=grid,
        category_code="01001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title=f"邻里纠纷（{source.label}）",
        reporter=laptop.username,
        reported_at=datetime.now(UTC),
        time_limit_days=15,
        category_name="邻里纠纷",
        source=source,
    )
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        uow.append(dataclasses.replace(event, reported_at=uow.now()))
        append_action(uow, _action(laptop, event.id, A.REPORT))
    return event.id


def _action(laptop: Laptop, event_id: str, kind: EventActionKind, **extra: Any) -> EventAction:
    return EventAction(
        event_id=event_id,
        kind=kind,
        actor=laptop.username,
        actor_role=ROLES[laptop.username],
        at=datetime.now(UTC),
        **extra,
    )


def _step(
    laptops: dict[str, Laptop], who: str, event_id: str, kind: EventActionKind, **extra: Any
) -> None:
    """``who`` takes the step on their laptop (offered there first), then both sync."""
    laptop = laptops[who]
    view = _view(laptop, event_id)
    assert kind in view.allowed, (who, kind, view.allowed)
    with laptop.store.unit_of_work(actor=who) as uow:
        append_action(uow, _action(laptop, event_id, kind, **extra))
    _sync(laptop)
    for other in laptops.values():
        _sync(other)


def _agree(
    server: ServerProcess, laptops: dict[str, Laptop], event_id: str, expected: S
) -> tuple[datetime, list[str]]:
    state, deadline, timeline = server_event_view(server, event_id)
    assert state is expected
    for name, laptop in laptops.items():
        view = _view(laptop, event_id)
        assert view.status is not None and view.status.state is expected, name
        assert view.status.deadline == deadline, name
        assert [(a.id, a.kind.value, a.at, a.server_at) for a in view.timeline] == timeline
    return deadline, [step[1] for step in timeline]


def _ledger_row(laptop: Laptop, title: str) -> tuple[Any, ...]:
    today = datetime.now(CST).date()
    report = build_event_ledger(
        laptop.store, TOWNSHIP, Period(today - timedelta(days=1), today + timedelta(days=1))
    )
    return next(row for row in report.rows if row[5] == title)


def _stats(laptop: Laptop, which: EventFilter | None = None) -> dict[str, Any]:
    """The 合计 row of the laptop's 事件办理统计 for today, by column heading."""
    today = datetime.now(CST).date()
    report = build_event_stats(
        laptop.store,
        TOWNSHIP,
        Period(today - timedelta(days=1), today + timedelta(days=1)),
        which=which or EventFilter(),
    )
    assert report.totals is not None
    titles = [column.title for column in report.columns[2:]]
    return dict(zip(titles, report.totals[2:], strict=True))


def _dispatched(server: ServerProcess, laptops: dict[str, Laptop], assignee: str) -> str:
    event_id = _report(laptops["w1"], server.areas["G1"])
    _sync(laptops["w1"])
    _sync(laptops["t1"])
    _step(laptops, "t1", event_id, A.ACCEPT, comment="已受理")
    _step(laptops, "t1", event_id, A.DISPATCH, assignee=assignee)
    return event_id


def test_handed_back_then_redispatched(server: ServerProcess, laptops: dict[str, Laptop]) -> None:
    event_id = _dispatched(server, laptops, "grid")
    _step(laptops, "w1", event_id, A.HAND_BACK, comment="涉及宅基地确权，网格无法调处")
    _agree(server, laptops, event_id, S.HANDED_BACK)
    figures = _stats(laptops["t1"])  # 待改派 is open and not 已退回 (returned to the grid)
    assert (figures["事件数"], figures["办理中"], figures["已退回"]) == (1, 1, 0)
    assert A.HANDLE not in _view(laptops["w1"], event_id).allowed
    assert A.REDISPATCH in _view(laptops["t1"], event_id).allowed
    _step(laptops, "t1", event_id, A.REDISPATCH, assignee="国土所", comment="改派国土所")
    _, kinds = _agree(server, laptops, event_id, S.DISPATCHED)
    assert kinds == ["report", "accept", "dispatch", "hand_back", "redispatch"]
    for laptop in laptops.values():
        view = _view(laptop, event_id)
        assert view.status is not None and view.status.assignee == "国土所"
        assert [a.assignee for a in view.timeline if a.assignee] == ["grid", "国土所"]
    row = _ledger_row(laptops["t1"], "邻里纠纷（网格员上报）")
    assert row[9] == "国土所" and row[11] == "已派遣"


def test_unsatisfied_rework_then_satisfied(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    event_id = _dispatched(server, laptops, "grid")
    for _round in range(2):
        _step(laptops, "w1", event_id, A.FEEDBACK, comment="已调解")
        _step(laptops, "w1", event_id, A.VERIFY, comment="核实")
        _step(laptops, "t1", event_id, A.CLOSE, comment="结案")
        satisfaction = Sat.UNSATISFIED if _round == 0 else Sat.SATISFIED
        _step(laptops, "w1", event_id, A.EVALUATE, satisfaction=satisfaction)
        if _round == 0:
            _agree(server, laptops, event_id, S.REWORK)
            view = _view(laptops["t1"], event_id)
            assert view.status is not None and view.status.is_open
            assert view.status.rework_rounds == 1 and view.status.satisfaction is None
            row = _ledger_row(laptops["t1"], "邻里纠纷（网格员上报）")
            assert row[11] == "返工" and row[12] == "" and row[15] == ""  # not 办结
            figures = _stats(laptops["t1"])
            assert (figures["办理中"], figures["已办结"], figures["满意率"]) == (1, 0, "—")
    _, kinds = _agree(server, laptops, event_id, S.EVALUATED)
    assert kinds.count("evaluate") == 2 and kinds.count("close") == 2
    row = _ledger_row(laptops["t1"], "邻里纠纷（网格员上报）")
    assert row[11] == "已评价" and row[15] == "满意" and "返工1次" in row[16]
    figures = _stats(laptops["t1"])  # the 不满意 that reopened it is not an evaluation
    assert (figures["已办结"], figures["按期办结率"], figures["满意率"]) == (1, "100.0%", "100.0%")


def test_extension_requested_and_approved(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    event_id = _dispatched(server, laptops, "grid")
    original, _ = _agree(server, laptops, event_id, S.DISPATCHED)
    asked = original.astimezone(CST).date() + timedelta(days=10)
    _step(laptops, "w1", event_id, A.HANDLE, comment="已约谈双方")
    _step(laptops, "w1", event_id, A.REQUEST_EXTENSION, comment="当事人外出", deadline=asked)
    pending = _view(laptops["t1"], event_id)
    assert pending.status is not None and pending.status.extension_pending == asked
    assert A.APPROVE_EXTENSION in pending.allowed and A.REFUSE_EXTENSION in pending.allowed
    assert A.REQUEST_EXTENSION not in _view(laptops["w1"], event_id).allowed
    _step(laptops, "t1", event_id, A.APPROVE_EXTENSION, comment="同意延期")
    deadline, kinds = _agree(server, laptops, event_id, S.HANDLING)
    assert kinds[-2:] == ["request_extension", "approve_extension"]
    assert deadline.astimezone(CST).date() == asked
    for laptop in laptops.values():
        status = _view(laptop, event_id).status
        assert status is not None and status.original_deadline == original
    row = _ledger_row(laptops["t1"], "邻里纠纷（网格员上报）")
    assert row[10] == f"{asked.isoformat()}（原{original.astimezone(CST).date().isoformat()}）"
    assert "延期" in row[16]
    figures = _stats(laptops["t1"])
    assert (figures["办理中"], figures["超期未办结"]) == (1, 0)


def test_township_intake_from_the_hotline(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    t1 = laptops["t1"]
    event_id = _report(t1, server.areas["G1"], EventSource.HOTLINE)
    _sync(t1)
    _sync(laptops["w1"])
    _agree(server, laptops, event_id, S.REPORTED)
    _step(laptops, "t1", event_id, A.ACCEPT, comment="热线转办，已受理")
    _step(laptops, "t1", event_id, A.DISPATCH, assignee="grid")
    _agree(server, laptops, event_id, S.DISPATCHED)
    with laptops["w1"].store.read() as repos:
        history = repos.records.event_history(event_id)
    assert history is not None and history.event.source is EventSource.HOTLINE
    assert history.actions[0].actor_role is Role.TOWNSHIP
    row = _ledger_row(t1, "邻里纠纷（热线）")
    assert row[4].endswith("（热线）")
    # The ledger of one channel prints on its own.
    worker_report = _report(laptops["w1"], server.areas["G1"])
    _sync(laptops["w1"])
    _sync(t1)
    today = datetime.now(CST).date()
    period = Period(today - timedelta(days=1), today + timedelta(days=1))
    hotline = build_event_ledger(
        t1.store, TOWNSHIP, period, which=EventFilter(source=EventSource.HOTLINE)
    )
    assert [r[5] for r in hotline.rows] == ["邻里纠纷（热线）"]
    assert hotline.subtitle == "来源：热线"
    everything = build_event_ledger(t1.store, TOWNSHIP, period)
    assert {r[5] for r in everything.rows} == {"邻里纠纷（热线）", "邻里纠纷（网格员上报）"}
    assert _stats(t1, EventFilter(source=EventSource.HOTLINE))["事件数"] == 1
    assert _stats(t1)["事件数"] == 2
    assert worker_report


def test_the_server_refuses_self_resolving_a_serious_category(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1 = laptops["w1"]
    event = Event(
        grid_id=server.areas["G1"],
        category_code="04010",
        ledger=Ledger.COMPLAINT,
        urgency=Urgency.NORMAL,
        title="涉赌线索",
        reporter="w1",
        reported_at=datetime.now(UTC),
        time_limit_days=7,
        category_name="涉黄赌毒线索举报",
    )
    resolve = _action(w1, event.id, A.SELF_RESOLVE, comment="已劝散")
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.append(dataclasses.replace(event, reported_at=uow.now()))
        with pytest.raises(IllegalTransition, match="不能由网格员自处置"):
            append_action(uow, resolve)  # the laptop does not take it …
        uow.append(dataclasses.replace(resolve, at=uow.now()))  # … an older client might
    report = w1.engine().run()
    assert report.rejected == 1
    with w1.store.read() as repos:
        [parked] = repos.outbox.for_entity(EntityKind.EVENT_ACTION, resolve.id)
    assert parked.status is OpStatus.REJECTED
    assert parked.message is not None and "涉黄赌毒线索举报" in parked.message
    # The township laptop never sees a self-resolution of it.
    _sync(laptops["t1"])
    with laptops["t1"].store.read() as repos:
        history = repos.records.event_history(event.id)
    assert history is not None and history.actions == ()
