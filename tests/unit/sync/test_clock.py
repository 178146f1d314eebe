"""The device clock corrected against the server's (issue 11, item 2): every sync
measures the offset, the store keeps it, and everything recorded afterwards (visit
times, event steps, op times) is dated on the server's clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gridclient.storage import Store
from gridclient.storage.events import append_action, event_view
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.engine import SyncEngine
from gridclient.sync.transport import PullPage
from gridcore.demo.generator import load_catalog
from gridcore.domain.clock import DeviceClock, clock_warning_zh, measure
from gridcore.domain.entities import Event, EventAction, Household
from gridcore.domain.enums import EventActionKind, Ledger, Role, Urgency
from gridcore.protocol import OpResult, PullResponse, PushRequest, PushResponse
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

AHEAD = timedelta(hours=2)


class ServerAhead:
    """A server whose clock is two hours ahead of this laptop's."""

    def push(self, request: PushRequest, **_: Any) -> PushResponse:
        results = [OpResult(op_id=op.op_id, status="applied", version=1) for op in request.ops]
        return PushResponse(results=results, server_time=datetime.now(UTC) + AHEAD)

    def seed_offer(self, **_: Any) -> None:
        return None  # no seed on this server: a first pull fetches rows

    def pull_page(self, cursor: str, limit: int | None = None, **_: Any) -> PullPage:
        response = PullResponse(
            changes=[],
            evictions=[],
            conflicts=[],
            cursor="c",
            more=False,
            server_time=datetime.now(UTC) + AHEAD,
        )
        return PullPage.from_response(response)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.create(tmp_path / "s.db", PASSWORD, kdf=CHEAP_KDF)
    try:
        yield opened
    finally:
        opened.close()


def _close(a: datetime, b: datetime, within: timedelta = timedelta(seconds=5)) -> bool:
    return abs(a - b) < within


def test_measure_takes_the_midpoint_of_the_request() -> None:
    sent = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    sample = measure(sent, sent + timedelta(seconds=2), sent + timedelta(hours=1, seconds=1))
    assert sample.offset == timedelta(hours=1)
    assert sample.round_trip == timedelta(seconds=2)
    with pytest.raises(ValueError):
        measure(sent.replace(tzinfo=None), sent, sent)


def test_a_sync_measures_saves_and_applies_the_offset(store: Store, tmp_path: Path) -> None:
    assert store.clock.offset == timedelta(0) and not store.clock.skewed
    report = SyncEngine(store, ServerAhead()).run()  # type: ignore[arg-type]
    assert report.ok and report.clock_skewed
    assert report.clock_offset is not None and _close(
        datetime.now(UTC) + report.clock_offset, datetime.now(UTC) + AHEAD
    )
    assert store.clock.skewed and _close(store.clock.now(), datetime.now(UTC) + AHEAD)
    # Kept in the store: a later start knows it before any sync.
    with store.read() as repos:
        saved = DeviceClock.from_json(repos.sync_state.get(SyncKey.CLOCK))
    assert _close(saved.now(), datetime.now(UTC) + AHEAD)
    assert "慢约 120 分钟" in clock_warning_zh(saved.offset)


def test_steps_taken_after_the_sync_are_dated_on_the_servers_clock(store: Store) -> None:
    SyncEngine(store, ServerAhead()).run()  # type: ignore[arg-type]
    grid = str(uuid.uuid4())
    home = Household(grid_id=grid, address="幸福路1号")
    event = Event(
        grid_id=grid,
        category_code="01001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title="邻里纠纷",
        reporter="w1",
        reported_at=datetime.now(UTC),
    )
    with store.write() as repos:
        repos.catalog.save(load_catalog())
    with store.unit_of_work(actor="w1") as uow:
        uow.create(home)
        uow.append(event)
        append_action(
            uow,
            EventAction(
                event_id=event.id,
                kind=EventActionKind.REPORT,
                actor="w1",
                actor_role=Role.WORKER,
                at=datetime(2009, 1, 1, tzinfo=UTC),  # whatever the caller had: replaced
            ),
        )
        [*_, op] = uow.queued_ops()
        assert _close(op.created_at, datetime.now(UTC) + AHEAD)
    with store.read() as repos:
        view = event_view(repos, event.id, Role.TOWNSHIP, store.clock.now())
    assert view is not None
    [step] = view.timeline
    assert _close(step.at, datetime.now(UTC) + AHEAD)
    assert step.server_at is None
    assert view.allowed[0] is EventActionKind.ACCEPT


def test_an_unreadable_stored_clock_is_a_clock_never_measured() -> None:
    for value in (
        None,
        "x",
        {"seconds": "a"},
        {"seconds": True},
        {"seconds": 1, "measured_at": "?"},
    ):
        assert DeviceClock.from_json(value).offset == timedelta(0)
