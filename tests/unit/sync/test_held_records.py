"""A pull never dies on one record (issue 11, item 4): a pulled record this laptop cannot
store is kept aside with its reason, the rest of the page and the cursor commit, and a
later valid version of the record replaces it. Also the one-off repair pull of
migration r0004, which replaces rows of the same version."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from gridclient.storage import Store
from gridclient.storage.models import HeldRecordRow
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.transport import PullPage
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Household, Organization
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

GRID = str(uuid.uuid4())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.create(tmp_path / "s.db", PASSWORD, kdf=CHEAP_KDF)
    try:
        yield opened
    finally:
        opened.close()


def _change(record: Any, version: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "entity": record.KIND.value,
        "id": record.id,
        "version": version,
        "deleted": False,
        "updated_at": datetime.now(UTC).isoformat(),
        "fields": {**encode_fields(record), **fields},
    }


def _page(*changes: dict[str, Any], cursor: str = "c1", more: bool = False) -> PullPage:
    return PullPage(list(changes), [], [], cursor, more, datetime.now(UTC))


def _held(store: Store) -> list[tuple[str, str, int, str]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(
                HeldRecordRow.kind, HeldRecordRow.id, HeldRecordRow.version, HeldRecordRow.reason
            )
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.mark.parametrize(
    "poison",
    [
        {"members": 2**63},  # beyond SQLite's INTEGER: OverflowError in the driver
        {"members": "many"},  # not an integer at all
        {"name": "张\x00三"},  # NUL in text
        {"name": None},  # a required field missing its value
    ],
    ids=["int64", "type", "nul", "required"],
)
def test_one_unstorable_record_is_held_and_the_rest_of_the_page_commits(
    store: Store, poison: dict[str, Any]
) -> None:
    good = [Organization(grid_id=GRID, name=f"合作社{i}") for i in range(3)]
    bad = Organization(grid_id=GRID, name="坏记录")
    home = Household(grid_id=GRID, address="幸福路1号")
    report = SyncReport()
    page = _page(_change(good[0]), _change(bad, **poison), _change(good[1]), _change(home))
    SyncEngine(store, None).apply_page(page, report)  # type: ignore[arg-type]
    assert (report.pulled, report.held) == (3, 1)
    with store.read() as repos:
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) == "c1"
        assert repos.records.get(Organization, good[1].id) is not None
        assert repos.records.get(Household, home.id) is not None
        assert repos.records.get(Organization, bad.id) is None
    [(kind, record_id, version, reason)] = _held(store)
    assert (kind, record_id, version) == ("organization", bad.id, 1)
    assert reason
    # The server fixes the record: its next version replaces the held one; a run that
    # held it and then stored its fix leaves nothing aside, and says so.
    SyncEngine(store, None).apply_page(_page(_change(bad, version=2), cursor="c2"), report)  # type: ignore[arg-type]
    assert _held(store) == []
    assert report.held == 0
    with store.read() as repos:
        fixed = repos.records.get(Organization, bad.id)
        assert fixed is not None and fixed.version == 2


def test_an_unknown_kind_is_held_not_fatal(store: Store) -> None:
    home = Household(grid_id=GRID, address="幸福路1号")
    odd = {**_change(home), "entity": "spaceship", "id": str(uuid.uuid4())}
    report = SyncReport()
    SyncEngine(store, None).apply_page(_page(odd, _change(home)), report)  # type: ignore[arg-type]
    assert (report.pulled, report.held) == (1, 1)
    assert [row[0] for row in _held(store)] == ["spaceship"]


def test_the_repair_pull_replaces_rows_of_the_same_version_once(store: Store) -> None:
    home = Household(grid_id=GRID, address="幸福路1号")
    engine = SyncEngine(store, None)  # type: ignore[arg-type]
    engine.apply_page(_page(_change(home)))
    # Same version, other content (what the server assigned): refused by the guard...
    engine.apply_page(_page(_change(home, address="幸福路1号之一")))
    with store.read() as repos:
        assert repos.records.get(Household, home.id).address == "幸福路1号"  # type: ignore[union-attr]
    # ...but taken during the repair pull, which ends with its last page.
    with store.write() as repos:
        repos.sync_state.set(SyncKey.REPULL_EQUAL, True)
    engine.apply_page(_page(_change(home, address="幸福路1号之一"), more=True))
    with store.read() as repos:
        assert repos.records.get(Household, home.id).address == "幸福路1号之一"  # type: ignore[union-attr]
        assert repos.sync_state.get(SyncKey.REPULL_EQUAL) is True
    engine.apply_page(_page())
    with store.read() as repos:
        assert repos.sync_state.get(SyncKey.REPULL_EQUAL) is None


def test_records_held_by_an_older_version_are_stored_by_the_next_sync(store: Store) -> None:
    """What an older version kept aside (a kind it did not know, ``KIND_SINCE``) is
    stored before the next pull of a version that reads it; what still cannot be stored
    stays held, with the same change."""
    from functools import partial

    from gridclient.storage.bulk import hold_records

    home = Household(grid_id=GRID, address="幸福路1号")
    club = Organization(grid_id=GRID, name="老年协会")
    odd = {**_change(home), "entity": "spaceship", "id": str(uuid.uuid4())}
    engine = SyncEngine(store, None)  # type: ignore[arg-type]
    # Local work not sent yet on a record the server had sent in a version held aside:
    # it stays on top of the stored copy.
    engine.apply_page(_page(_change(club)))
    with store.unit_of_work(actor="w1") as uow:
        stored_club = uow.repos.records.get(Organization, club.id)
        assert stored_club is not None
        uow.update(dataclasses.replace(stored_club, leader="王大爷"))
    with store.engine.begin() as connection:
        hold_records(
            connection,
            "household",
            [(_change(home), "未知的记录类型")],
        )
        hold_records(connection, "spaceship", [(odd, "未知的记录类型")])
        hold_records(connection, "organization", [(_change(club, version=2, phone="123"), "old")])
    report = SyncReport()
    store.writer.run(partial(engine._replay_held, report))
    assert [row[0] for row in _held(store)] == ["spaceship"]
    with store.read() as repos:
        stored = repos.records.get(Household, home.id)
        assert stored is not None and stored.address == "幸福路1号"
        merged = repos.records.get(Organization, club.id)
        assert merged is not None
        assert (merged.version, merged.phone, merged.leader) == (2, "123", "王大爷")
    assert report.pulled == 2
    # Nothing held that it can read: the next sync does nothing more.
    report = SyncReport()
    store.writer.run(partial(engine._replay_held, report))
    assert report.pulled == 0 and [row[0] for row in _held(store)] == ["spaceship"]


def test_patrols_kept_aside_by_a_0_4_laptop_are_stored_after_its_upgrade(store: Store) -> None:
    """0.4.0 did not know patrols (``KIND_SINCE[PATROL] == (0, 5)``): it kept the pulled
    ones aside as 未知的记录类型. The upgraded laptop's first sync stores them, with their
    photo and event links, before it pulls anything new."""


def test_places_kept_aside_by_0_4_are_stored_by_the_first_sync_after_the_upgrade(
    store: Store,
) -> None:
    """A 0.4.0 laptop pulls places and their checks (new in 0.5, ``KIND_SINCE``) and
    keeps them aside as an unknown kind; after the upgrade the first sync stores both,
    so the 场所 list shows the place with its last check without a full re-pull."""
    from datetime import date
    from functools import partial

    from gridclient.storage.bulk import hold_records
    from gridcore.domain.entities import Patrol
    from gridcore.domain.enums import EntityKind
    from gridcore.protocol import KIND_SINCE

    assert KIND_SINCE[EntityKind.PATROL] == (0, 5)
    patrol = Patrol(
        grid_id=GRID,
        patroller="w1",
        patrol_date=date(2026, 11, 2),
        findings="河堤护栏松动",
        attachments=("a" * 64,),
        event_ids=(str(uuid.uuid4()),),
    )
    with store.engine.begin() as connection:
        hold_records(connection, "patrol", [(_change(patrol, version=3), "未知的记录类型")])
    report = SyncReport()
    store.writer.run(partial(SyncEngine(store, None)._replay_held, report))  # type: ignore[arg-type]
    assert _held(store) == [] and report.pulled == 1
    with store.read() as repos:
        stored = repos.records.get(Patrol, patrol.id)
    assert stored is not None and stored.version == 3
    assert (stored.findings, stored.attachments, stored.event_ids) == (
        "河堤护栏松动",
        patrol.attachments,
        patrol.event_ids,
    )
    from gridclient.storage.places import PlaceQueries
    from gridcore.domain.entities import Place, PlaceInspection
    from gridcore.domain.enums import PlaceKind

    place = Place(grid_id=GRID, name="东塘", kind=PlaceKind.WATER, is_key=True)
    check = PlaceInspection(
        place_id=place.id, inspector="何子健", inspected_on=date(2026, 11, 2), findings="警示牌完好"
    )
    with store.engine.begin() as connection:
        hold_records(connection, "place", [(_change(place), "未知的记录类型")])
        hold_records(connection, "place_inspection", [(_change(check), "未知的记录类型")])
    report = SyncReport()
    engine = SyncEngine(store, None)  # type: ignore[arg-type]
    store.writer.run(partial(engine._replay_held, report))
    assert _held(store) == [] and report.pulled == 2
    queries = PlaceQueries(store.engine)
    assert queries.place_ids() == [place.id]
    assert queries.place_rows([place.id])[place.id][7] == "2026-11-02"
