"""Departments (职能部门, issue #15 item 2) across laptops and a real ``gridserver serve``
process: a grid worker, township staff, and two department accounts of the same
township, each on their own laptop. Every step is taken through
:mod:`gridclient.storage.events` (what the event dialog runs) on the laptop whose turn it
is; after the syncs each actor's view is checked.

* the township dispatches to 司法所 (from the list the server keeps, fetched at sync);
* 司法所 handles it, then hands it back (退回乡镇, with a reason);
* the township re-dispatches (改派) to 派出所, which handles and feeds back;
* the grid worker verifies, the township closes; 司法所 keeps its record read-only;
* a department's laptop never holds households or residents, nor the other
  department's events, and an event dispatched to it after its cursor passed the
  event still arrives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from gridclient.reports.data import Period, build_event_ledger
from gridclient.storage.convert import table_for
from gridclient.storage.events import EventView, append_action, event_view
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
from gridcore.domain.workflow import IllegalTransition
from tests.integration.sync.conftest import Laptop, ServerProcess, server_event_view, server_process

A = EventActionKind
S = EventState
TOWNSHIP = "320101001000"
DEPARTMENTS = [
    ("T1-SFS", "东街道司法所", TOWNSHIP),
    ("T1-PCS", "东街道派出所", TOWNSHIP),
    ("T2-GTS", "别处国土所", None),
]
USERS: list[Any] = [
    ("w1", Role.WORKER, "320101001001001", "何子健"),
    ("t1", Role.TOWNSHIP, TOWNSHIP, "赵佳"),
    ("sfs", Role.DEPARTMENT, TOWNSHIP, "钱司法", "T1-SFS"),
    ("pcs", Role.DEPARTMENT, TOWNSHIP, "孙民警", "T1-PCS"),
]
ROLES = {user[0]: user[1] for user in USERS}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    folder = tmp_path / "server"
    folder.mkdir()
    with server_process(folder, USERS, DEPARTMENTS) as process:
        yield process


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
    assert report.held == 0, laptop.username


def _sync_all(laptops: dict[str, Laptop]) -> None:
    for laptop in laptops.values():
        _sync(laptop)


def _view(laptop: Laptop, event_id: str) -> EventView | None:
    with laptop.store.read() as repos:
        return event_view(repos, event_id, ROLES[laptop.username], laptop.store.clock.now())


def _offered(laptop: Laptop, event_id: str) -> tuple[EventActionKind, ...]:
    view = _view(laptop, event_id)
    assert view is not None and view.status is not None, laptop.username
    return view.allowed


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
    """``who`` takes the step on their laptop (offered there first), then all sync."""
    laptop = laptops[who]
    assert kind in _offered(laptop, event_id), (who, kind)
    with laptop.store.unit_of_work(actor=who) as uow:
        append_action(uow, _action(laptop, event_id, kind, **extra))
    _sync(laptop)
    _sync_all(laptops)


def _report(laptop: Laptop, grid: str, household_id: str | None = None) -> str:
    event = Event(
        grid_id=grid,
        category_code="01001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title="宅基地边界纠纷",
        reporter=laptop.username,
        reported_at=datetime.now(UTC),
        time_limit_days=15,
        category_name="邻里纠纷",
        source=EventSource.GRID_WORKER,
        household_id=household_id,
    )
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        uow.append(dataclasses.replace(event, reported_at=uow.now()))
        append_action(uow, _action(laptop, event.id, A.REPORT))
    return event.id


def _kinds(laptop: Laptop, kind: EntityKind) -> int:
    """How many records of ``kind`` the laptop holds."""
    with laptop.store.engine.connect() as connection:
        count: int = connection.execute(
            select(func.count()).select_from(table_for(kind))
        ).scalar_one()
    return count


def _agree(
    server: ServerProcess, laptops: dict[str, Laptop], event_id: str, expected: S, *who: str
) -> list[str]:
    state, deadline, timeline = server_event_view(server, event_id)
    assert state is expected
    for name in who:
        view = _view(laptops[name], event_id)
        assert view is not None and view.status is not None, name
        assert view.status.state is expected, name
        assert view.status.deadline == deadline, name
        assert [(a.id, a.kind.value, a.at, a.server_at) for a in view.timeline] == timeline, name
    return [step[1] for step in timeline]


def test_dispatch_hand_back_redispatch_across_laptops(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1, t1, sfs, pcs = (laptops[u] for u in ("w1", "t1", "sfs", "pcs"))
    household = w1.new_household(server.areas["G1"])
    event_id = _report(w1, server.areas["G1"], household.id)
    _sync(w1)
    _sync_all(laptops)
    # The department laptops: nothing of the event yet, no households at all.
    assert _view(sfs, event_id) is None and _view(pcs, event_id) is None
    for laptop in (sfs, pcs):
        assert _kinds(laptop, EntityKind.HOUSEHOLD) == 0
        assert _kinds(laptop, EntityKind.AREA) > 0  # the township's area names
    # The township's laptop offers its township's departments (from the server's list).
    with t1.store.read() as repos:
        listing = repos.catalog.load_departments()
    assert [d.name for d in listing.offered(server.areas["T1"])] == [
        "别处国土所",
        "东街道派出所",
        "东街道司法所",
    ]
    with sfs.store.read() as repos:
        assert repos.catalog.load_departments().mine == "T1-SFS"

    _step(laptops, "t1", event_id, A.ACCEPT, comment="已受理")
    _step(laptops, "t1", event_id, A.DISPATCH, assignee="T1-SFS", comment="请司法所调处")
    _agree(server, laptops, event_id, S.DISPATCHED, "w1", "t1", "sfs")
    assert _view(pcs, event_id) is None  # not the police station's
    assert _offered(sfs, event_id) == (
        A.HAND_BACK,
        A.HANDLE,
        A.FEEDBACK,
        A.REQUEST_EXTENSION,
        A.COMMENT,
    )
    assert A.HANDLE not in _offered(w1, event_id)  # the grid worker is not the handler
    # 司法所 has its own account: the township no longer types its feedback for it.
    assert A.FEEDBACK not in _offered(t1, event_id) and A.REDISPATCH in _offered(t1, event_id)
    assert _kinds(sfs, EntityKind.HOUSEHOLD) == 0  # the event names one; it is not sent

    _step(laptops, "sfs", event_id, A.HANDLE, comment="已接收")
    _step(laptops, "sfs", event_id, A.HAND_BACK, comment="涉及宅基地确权，属国土所职责")
    _agree(server, laptops, event_id, S.HANDED_BACK, "w1", "t1", "sfs")
    assert _offered(sfs, event_id) == ()
    assert A.REDISPATCH in _offered(t1, event_id)
    # The laptop refuses it before the server would.
    with pytest.raises(IllegalTransition), sfs.store.unit_of_work(actor="sfs") as uow:
        append_action(uow, _action(sfs, event_id, A.FEEDBACK, comment="已处理"))

    _step(laptops, "t1", event_id, A.REDISPATCH, assignee="T1-PCS", comment="改派派出所")
    _agree(server, laptops, event_id, S.DISPATCHED, "w1", "t1", "sfs", "pcs")
    assert A.FEEDBACK in _offered(pcs, event_id)
    assert _offered(sfs, event_id) == ()  # read-only now: its record stays

    _step(laptops, "pcs", event_id, A.FEEDBACK, comment="双方已签调解协议")
    _step(laptops, "w1", event_id, A.VERIFY, comment="现场核实")
    _step(laptops, "t1", event_id, A.CLOSE, comment="结案")
    kinds = _agree(server, laptops, event_id, S.CLOSED, "w1", "t1", "sfs", "pcs")
    assert kinds == [
        "report", "accept", "dispatch", "handle", "hand_back", "redispatch",
        "feedback", "verify", "close",
    ]  # fmt: skip
    for laptop in (sfs, pcs):
        assert _kinds(laptop, EntityKind.HOUSEHOLD) == 0
        assert _kinds(laptop, EntityKind.RESIDENT) == 0
        assert _kinds(laptop, EntityKind.EVENT) == 1
    # The township's ledger names the handling department by its name.
    today = datetime.now(CST).date()
    report = build_event_ledger(
        t1.store, TOWNSHIP, Period(today - timedelta(days=1), today + timedelta(days=1))
    )
    row = next(r for r in report.rows if r[5] == "宅基地边界纠纷")
    assert "东街道派出所" in row


def test_an_event_dispatched_after_the_department_synced_past_it(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1, sfs = laptops["w1"], laptops["sfs"]
    early = _report(w1, server.areas["G1"])
    _sync(w1)
    _sync_all(laptops)
    _step(laptops, "t1", early, A.ACCEPT, comment="已受理")
    # Meanwhile other work moves every cursor well past the event and its steps.
    later = _report(w1, server.areas["G1"])
    _sync(w1)
    _sync_all(laptops)
    assert _view(sfs, early) is None and _view(sfs, later) is None
    _step(laptops, "t1", early, A.DISPATCH, assignee="T1-SFS")
    view = _view(sfs, early)
    assert view is not None and view.status is not None
    assert [a.kind for a in view.timeline] == [A.REPORT, A.ACCEPT, A.DISPATCH]
    assert _view(sfs, later) is None
    assert _view(laptops["pcs"], early) is None


def test_a_dispatch_outside_the_list_is_refused_and_kept(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    event_id = _report(w1, server.areas["G1"])
    _sync(w1)
    _sync_all(laptops)
    _step(laptops, "t1", event_id, A.ACCEPT, comment="已受理")
    with t1.store.unit_of_work(actor="t1") as uow:
        append_action(uow, _action(t1, event_id, A.DISPATCH, assignee="城管中队"))
    report = t1.engine(fetch_catalog=True).run()
    assert report.rejected == 1
    with t1.store.read() as repos:
        [parked] = repos.outbox.rejected()
    assert parked.field == "assignee" and "东街道司法所" in (parked.message or "")
    assert _agree(server, laptops, event_id, S.ACCEPTED) == ["report", "accept"]
