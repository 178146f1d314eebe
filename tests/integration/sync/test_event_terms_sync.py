"""Catalog terms and 事件编号 across laptops and a real ``gridserver serve`` (issue #15).

A worker reports an event under the catalog of its time; it is handled and closed on day
10 of its 15 days. The administrator then shortens 邻里纠纷 to 7 days and retires it
(removing it is refused). After syncing, the laptops hold the new catalog, yet the
event keeps its terms everywhere: same deadline, still 按期, the same figures in the
statistics. Two workers reporting offline at the same time get distinct numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from gridclient.reports.data import Period, build_event_ledger, build_event_stats
from gridcore.demo.generator import load_catalog
from gridcore.domain.catalog import CatalogError, stamp_terms
from gridcore.domain.codec import decode_record
from gridcore.domain.entities import CST, Event, EventAction
from gridcore.domain.enums import EntityKind, EventActionKind, EventState, Ledger, Urgency
from gridcore.domain.eventnumber import format_event_number
from gridserver import admin
from gridserver.db import records as server_records
from tests.integration.sync.conftest import Laptop, ServerProcess, server_event_view
from tests.integration.sync.test_event_loop import ROLES, _sync, _view
from tests.integration.sync.test_event_loop import laptops as laptops

A = EventActionKind


def _report(laptop: Laptop, grid: str, reported_at: datetime, title: str) -> str:
    """What the event dialog does: the event stamped with the laptop's catalog."""
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        catalog = uow.repos.catalog.load()
        event = stamp_terms(
            Event(
                grid_id=grid,
                category_code="01001",
                ledger=Ledger.APPEAL,
                urgency=Urgency.NORMAL,
                title=title,
                reporter=laptop.username,
                reported_at=reported_at,
            ),
            catalog,
        )
        uow.append(event)
        uow.append(_step(laptop, event.id, A.REPORT, reported_at))
    return event.id


def _step(laptop: Laptop, event_id: str, kind: EventActionKind, at: datetime) -> EventAction:
    return EventAction(
        event_id=event_id,
        kind=kind,
        actor=laptop.username,
        actor_role=ROLES[laptop.username],
        at=at,
        assignee="民政办" if kind is A.DISPATCH else "",
    )


def _take(laptop: Laptop, event_id: str, kind: EventActionKind, at: datetime) -> None:
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        uow.append(_step(laptop, event_id, kind, at))


def _server_event(server: ServerProcess, event_id: str) -> Event:
    with server.db.engine.connect() as conn:
        fields = conn.execute(
            select(server_records.c.fields).where(server_records.c.id == event_id)
        ).scalar_one()
    event = decode_record(EntityKind.EVENT, fields, id=event_id)
    assert isinstance(event, Event)
    return event


def _figures(laptop: Laptop, when: datetime) -> tuple[object, ...]:
    today = when.astimezone(CST).date()
    period = Period(today - timedelta(days=40), today)
    stats = build_event_stats(laptop.store, "320101001000", period, now=when)
    ledger = build_event_ledger(laptop.store, "320101001000", period, now=when)
    return stats.rows, stats.totals, ledger.rows


def test_terms_survive_a_catalog_change_on_every_laptop_and_the_server(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    for laptop in laptops.values():
        _sync(laptop)
    now = datetime.now(UTC)
    reported = now - timedelta(days=10)
    event_id = _report(w1, server.areas["G1"], reported, "邻里宅基地纠纷")
    _sync(w1)
    _sync(t1)
    for kind, laptop, at in [
        (A.ACCEPT, t1, reported + timedelta(hours=1)),
        (A.DISPATCH, t1, reported + timedelta(hours=2)),
        (A.FEEDBACK, t1, now - timedelta(hours=3)),
        (A.VERIFY, w1, now - timedelta(hours=2)),
        (A.CLOSE, t1, now - timedelta(hours=1)),
    ]:
        _take(laptop, event_id, kind, at)
        _sync(laptop)
        for other in laptops.values():
            _sync(other)
    stored = _server_event(server, event_id)
    year = reported.astimezone(CST).year
    assert stored.number == format_event_number("320101001000", year, 1)
    assert (stored.category_name, stored.time_limit_days, stored.catalog_revision) == (
        "邻里纠纷",
        15,
        1,
    )
    assert not stored.terms_inferred
    state, deadline, _ = server_event_view(server, event_id)
    assert state is EventState.CLOSED
    before = {name: _view(laptop, event_id).status for name, laptop in laptops.items()}
    assert all(s is not None and not s.overdue and s.deadline == deadline for s in before.values())
    figures = _figures(t1, now)

    # The administrator shortens 邻里纠纷 to 7 days; dropping it is refused, retiring works.
    document = load_catalog().to_json()
    without = {
        **document,
        "categories": [c for c in document["categories"] if c["code"] != "01001"],
    }
    with pytest.raises(CatalogError, match="01001"):
        admin.load_catalog(server.db, without)
    for category in document["categories"]:
        if category["code"] == "01001":
            category["time_limits"] = {"normal": 7, "urgent": 3}
            category["active"] = False
    assert admin.load_catalog(server.db, document).revision == 2

    for laptop in laptops.values():
        _sync(laptop)
        with laptop.store.read() as repos:
            catalog = repos.catalog.load()
        assert catalog.revision == 2 and not catalog.get("01001").active
        assert catalog.get("01001").limit_days(Urgency.NORMAL) == 7
        view = _view(laptop, event_id)
        assert view.status is not None
        assert view.status.deadline == deadline and not view.status.overdue, laptop.username
        with laptop.store.read() as repos:
            [local] = [e for e in repos.records.get_many(Event, [event_id]).values()]
        assert local.number == stored.number and local.time_limit_days == 15
    assert server_event_view(server, event_id)[1] == deadline
    assert _figures(t1, now) == figures  # every figure as before the change
    ledger_row = _figures(t1, now)[2][0]
    assert ledger_row[1] == stored.number and ledger_row[13] == ""  # numbered, 按期


def test_laptops_reporting_offline_get_distinct_numbers(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1, w1c, t1 = laptops["w1"], laptops["w1c"], laptops["t1"]
    for laptop in laptops.values():
        _sync(laptop)
    now = datetime.now(UTC)
    # Both offline: each reports two events; nothing is numbered yet (待编号).
    ids = [
        _report(w1, server.areas["G1"], now - timedelta(minutes=4), "甲"),
        _report(w1c, server.areas["G1"], now - timedelta(minutes=3), "乙"),
        _report(w1, server.areas["G1"], now - timedelta(minutes=2), "丙"),
        _report(w1c, server.areas["G1"], now - timedelta(minutes=1), "丁"),
    ]
    with w1.store.read() as repos:
        assert all(e.number == "" for e in repos.records.get_many(Event, ids[::2]).values())
    _sync(w1c)
    _sync(w1)
    for laptop in laptops.values():
        _sync(laptop)
    year = now.astimezone(CST).year
    expected = {format_event_number("320101001000", year, n) for n in (1, 2, 3, 4)}
    numbers = {i: _server_event(server, i).number for i in ids}
    assert set(numbers.values()) == expected
    # w1c pushed first: its two events took the first numbers.
    assert {numbers[ids[1]], numbers[ids[3]]} == {
        format_event_number("320101001000", year, n) for n in (1, 2)
    }
    for laptop in (w1, w1c, t1):
        with laptop.store.read() as repos:
            held = repos.records.get_many(Event, ids)
        assert {i: e.number for i, e in held.items()} == numbers, laptop.username
