"""The event loop across three laptops and a real ``gridserver serve`` process (issue 11).

A grid worker (``w1``), a colleague in the same grid (``w1c``) and township staff (``t1``)
each have a laptop (their own data directory). The event goes through its whole closed
loop: report → accept → dispatch → handle → feedback → verify → close → evaluate →
return visit, each step taken through :mod:`gridclient.storage.events` (the code the event
dialog runs) by the laptop whose turn it is, with syncs between the steps. After every
step, on every laptop and on the server:

* the history is the same (same steps, same device and server times, every step with
  its ``server_at``: no "本机时间" after a sync), as are the state and the deadline;
* the role whose turn it is is offered exactly its next steps.

The second run takes every step offline and syncs the laptops in a shuffled order.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gridclient.storage.events import EventView, append_action, event_view
from gridcore.domain.entities import Event, EventAction
from gridcore.domain.enums import EventActionKind, EventState, Ledger, Role, Urgency
from gridcore.domain.enums import Satisfaction as Sat
from gridcore.domain.workflow import allowed_actions
from tests.integration.sync.conftest import LOOP_USERS, Laptop, ServerProcess, server_event_view

A = EventActionKind
ROOT = Path(__file__).resolve().parents[3]

STEPS: list[tuple[str, EventActionKind, dict[str, Any], EventState]] = [
    ("w1", A.REPORT, {}, EventState.REPORTED),
    ("t1", A.ACCEPT, {"comment": "已受理"}, EventState.ACCEPTED),
    ("t1", A.DISPATCH, {"assignee": "民政办"}, EventState.DISPATCHED),
    ("t1", A.HANDLE, {"comment": "民政办已到现场"}, EventState.HANDLING),
    ("t1", A.FEEDBACK, {"comment": "已调解，双方签字"}, EventState.HANDLED),
    ("w1", A.VERIFY, {"comment": "回访核实属实"}, EventState.VERIFIED),
    ("t1", A.CLOSE, {"comment": "结案"}, EventState.CLOSED),
    ("w1", A.EVALUATE, {"satisfaction": Sat.SATISFIED}, EventState.EVALUATED),
    ("w1", A.RETURN_VISIT, {"comment": "一周后回访，未再发生"}, EventState.EVALUATED),
]
ROLES = {"w1": Role.WORKER, "w1c": Role.WORKER, "t1": Role.TOWNSHIP}
NAMES = {name: display for name, _role, _scope, display in LOOP_USERS}


@pytest.fixture
def laptops(server: ServerProcess, tmp_path: Path) -> Iterator[dict[str, Laptop]]:
    made = {user: Laptop(tmp_path / "laptops" / user, server.url, user) for user in ROLES}
    try:
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
    assert view is not None, f"{laptop.username} does not have the event"
    return view


def _timeline(view: EventView) -> list[tuple[str, str, datetime, datetime | None]]:
    return [(a.id, a.kind.value, a.at, a.server_at) for a in view.timeline]


def _check_everyone_agrees(
    server: ServerProcess, laptops: dict[str, Laptop], event_id: str, expected: EventState
) -> None:
    state, deadline, timeline = server_event_view(server, event_id)
    assert state is expected
    for name, laptop in laptops.items():
        view = _view(laptop, event_id)
        assert view.status is not None, (name, view.problem)
        assert view.status.state is expected, name
        assert view.status.deadline == deadline, name
        assert _timeline(view) == timeline, name
        assert all(step[3] is not None for step in timeline), "a step without server_at"
        assert list(view.allowed) == allowed_actions(expected, ROLES[name]), name
        with laptop.store.read() as repos:  # people by name, offline too
            assert repos.sync_state.display_names() == NAMES, name


def _report(laptop: Laptop, grid: str) -> str:
    event = Event(
        grid_id=grid,
        category_code="01001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title="邻里宅基地纠纷",
        reporter=laptop.username,
        reported_at=datetime.now(UTC),
        location="幸福路3号",
    )
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        uow.append(dataclasses.replace(event, reported_at=uow.now()))
        append_action(uow, _action(laptop, event.id, A.REPORT, {}))
    return event.id


def _action(
    laptop: Laptop, event_id: str, kind: EventActionKind, extra: dict[str, Any]
) -> EventAction:
    return EventAction(
        event_id=event_id,
        kind=kind,
        actor=laptop.username,
        actor_role=ROLES[laptop.username],
        at=datetime.now(UTC),
        **extra,
    )


def _take(laptop: Laptop, event_id: str, kind: EventActionKind, extra: dict[str, Any]) -> None:
    view = _view(laptop, event_id)
    assert kind in view.allowed, (laptop.username, kind, view.allowed, view.problem)
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        append_action(uow, _action(laptop, event_id, kind, extra))


def test_the_closed_loop_across_three_laptops_with_a_sync_between_every_step(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    for laptop in laptops.values():
        _sync(laptop)
    event_id = ""
    for actor, kind, extra, expected in STEPS:
        if kind is A.REPORT:
            event_id = _report(laptops[actor], server.areas["G1"])
        else:
            _take(laptops[actor], event_id, kind, extra)
        _sync(laptops[actor])
        for laptop in laptops.values():
            _sync(laptop)
        _check_everyone_agrees(server, laptops, event_id, expected)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_loop_with_every_step_taken_offline_and_synced_in_a_shuffled_order(
    server: ServerProcess, laptops: dict[str, Laptop], seed: int
) -> None:
    shuffle = random.Random(seed)
    for laptop in laptops.values():
        _sync(laptop)
    event_id = ""
    for actor, kind, extra, expected in STEPS:
        if kind is A.REPORT:
            event_id = _report(laptops[actor], server.areas["G1"])
        else:
            _take(laptops[actor], event_id, kind, extra)
        # Offline, the actor already sees the new state; nobody is stuck meanwhile.
        view = _view(laptops[actor], event_id)
        assert view.status is not None and view.status.state is expected
        order = list(laptops)
        shuffle.shuffle(order)
        for name in order:  # the actor's push lands somewhere in this round
            _sync(laptops[name])
            with laptops[name].store.read() as repos:
                seen = event_view(repos, event_id, ROLES[name], datetime.now(UTC))
            # Whatever it has received so far folds into a state: never a jam.
            assert seen is None or seen.problem == "", (name, seen.problem)
        for name in order:  # and everyone has it after the second
            _sync(laptops[name])
        _check_everyone_agrees(server, laptops, event_id, expected)
