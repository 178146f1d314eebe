"""A holiday calendar loaded on a real ``gridserver serve`` reaches the laptops through
sync and moves working-day deadlines there (issue #15 item 4).

邻里纠纷 is made a working-day category (3 working days). An event reported on Thursday
26 November 2026 is due Tuesday 1 December with the shipped calendar. The administrator
then loads a calendar in which Friday 27 November is a day off; after a sync the laptop
holds it, a new event reported at the same moment is due Wednesday 2 December, and so is
the first one (open events count with the calendar in force), on every laptop, in the
event_status table the lists read, and on the server.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from gridclient.storage.models import EventStatusRow
from gridclient.storage.queries import EventQueries
from gridcore.demo.generator import load_catalog
from gridcore.domain.entities import CST, Event
from gridcore.domain.enums import LimitKind
from gridcore.domain.holidays import default_calendar
from gridserver import admin
from tests.integration.sync.conftest import Laptop, ServerProcess, server_event_view
from tests.integration.sync.test_event_loop import _sync, _view
from tests.integration.sync.test_event_loop import laptops as laptops
from tests.integration.sync.test_event_terms_sync import _report

REPORTED = datetime(2026, 11, 26, 10, 0, tzinfo=CST)  # a Thursday


def _end(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=CST)


def _status_row_deadline(laptop: Laptop, event_id: str) -> datetime | None:
    with laptop.store.read() as repos:
        return repos.session.scalars(
            select(EventStatusRow.deadline).where(EventStatusRow.event_id == event_id)
        ).one_or_none()


def _list_deadline(laptop: Laptop, event_id: str) -> str:
    rows = EventQueries(laptop.store.engine).event_rows([event_id], now=REPORTED)
    return rows[event_id].deadline


def test_a_calendar_loaded_on_the_server_moves_deadlines_on_the_laptops(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    document = load_catalog().to_json()
    for category in document["categories"]:
        if category["code"] == "01001":
            category.update(limit_kind="working", time_limits={"normal": 3, "urgent": 1})
    admin.load_catalog(server.db, document)
    for laptop in (w1, t1):
        _sync(laptop)

    first = _report(w1, server.areas["G1"], REPORTED, "楼上漏水纠纷")
    with w1.store.read() as repos:
        assert repos.catalog.load_calendar() == default_calendar()  # shipped, revision 0
        [event] = repos.records.get_many(Event, [first]).values()
    assert event.limit_kind is LimitKind.WORKING and event.time_limit_days == 3
    shipped_due = _end(date(2026, 12, 1))  # Fri 27, Mon 30, Tue 1
    status = _view(w1, first).status
    assert status is not None and status.deadline == shipped_due
    _sync(w1)

    calendar = default_calendar().to_json()
    calendar["version"] = "2026 含本县11月27日停工"
    calendar["holidays"].append({"name": "县里停工一天", "off": ["2026-11-27"], "work": []})
    assert admin.load_holidays(server.db, calendar).revision == 1

    _sync(w1)
    with w1.store.read() as repos:
        pulled = repos.catalog.load_calendar()
    assert pulled.revision == 1 and pulled.version == "2026 含本县11月27日停工"
    assert not pulled.is_working_day(date(2026, 11, 27))

    moved_due = _end(date(2026, 12, 2))  # Mon 30, Tue 1, Wed 2
    second = _report(w1, server.areas["G1"], REPORTED, "楼道堆物纠纷")
    for event_id in (second, first):  # the new event, and the open one re-derived
        status = _view(w1, event_id).status
        assert status is not None and status.deadline == moved_due, event_id
        stored = _status_row_deadline(w1, event_id)
        assert stored is not None and stored == moved_due
        assert _list_deadline(w1, event_id) == "2026-12-02"
    _sync(w1)
    _sync(t1)
    for event_id in (first, second):
        assert server_event_view(server, event_id)[1] == moved_due
        status = _view(t1, event_id).status
        assert status is not None and status.deadline == moved_due
    # A laptop syncing again keeps it (304), and it is what it counts with offline.
    _sync(w1)
    with w1.store.read() as repos:
        assert repos.catalog.load().calendar == pulled
