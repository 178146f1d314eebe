"""Re-parenting an area: every record below it changes scope at once."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import update

from gridserver import admin
from gridserver.auth import UserError
from gridserver.db import Database, records
from gridserver.feed import FeedEffects, stamp
from tests.server.conftest import Api, World, household, new_id, op, resident


def _keys(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["entity"], item["id"]) for item in items]


def _seed(api: Api, world: World) -> dict[str, set[tuple[str, str]]]:
    """Households with residents in G1, G2 (village V1) and G3; returns the record keys
    per grid."""
    admin = api.login("admin")
    grids: dict[str, set[tuple[str, str]]] = {}
    ops = []
    for short in ("G1", "G2", "G3"):
        grid = world.areas[short]
        keys = grids.setdefault(short, {("area", grid)})
        for _ in range(3):
            hid, rid = new_id(), new_id()
            ops.append(op("household", hid, changes=household(grid)))
            ops.append(op("resident", rid, changes=resident(hid)))
            keys |= {("household", hid), ("resident", rid)}
    for index, item in enumerate(ops, start=1):
        item["seq"] = index
    assert {r["status"] for r in api.push(admin, ops)} == {"applied"}
    return grids


def _move(api: Api, world: World, area: str, parent: str, old_parent: str) -> dict[str, Any]:
    [result] = api.push(
        api.login("admin"),
        [
            op(
                "area",
                world.areas[area],
                "update",
                {"parent_id": world.areas[parent]},
                base_version=1,
                old={"parent_id": world.areas[old_parent]},
            )
        ],
    )
    return result


@pytest.mark.parametrize("limit", [500, 3])
def test_moving_a_village_to_another_township_moves_everything_below_it(
    api: Api, world: World, limit: int
) -> None:
    grids = _seed(api, world)
    moved = grids["G1"] | grids["G2"] | {("area", world.areas["V1"])}
    cursors = {}
    for user in ("t1", "t2", "w1", "wv", "w3", "admin"):
        _, cursors[user] = api.pull_all(api.login(user), limit=limit)

    assert _move(api, world, "V1", "T2", "T1")["status"] == "applied"

    # The old township loses every record of the village, each once, and gets nothing.
    page, _ = api.pull_all(api.login("t1"), cursors["t1"], limit=limit)
    assert Counter(_keys(page["evictions"])) == Counter(moved)
    assert page["changes"] == []
    # The new township receives all of them, each once, though none of them changed
    # (and itself again: it is a new ancestor of the village's workers).
    page, _ = api.pull_all(api.login("t2"), cursors["t2"], limit=limit)
    assert Counter(_keys(page["changes"])) == Counter(moved | {("area", world.areas["T2"])})
    assert page["evictions"] == []
    # A worker inside the village keeps their records, learns the new township and
    # forgets the old one.
    for user, grid in (("w1", grids["G1"]), ("wv", grids["G1"] | grids["G2"])):
        page, _ = api.pull_all(api.login(user), cursors[user], limit=limit)
        assert _keys(page["evictions"]) == [("area", world.areas["T1"])], user
        keys = _keys(page["changes"])
        assert len(keys) == len(set(keys)), user
        assert set(keys) >= grid | {("area", world.areas["V1"]), ("area", world.areas["T2"])}
    # Users elsewhere notice nothing but their township sent again; the administrator
    # sees the move, no eviction.
    page, _ = api.pull_all(api.login("w3"), cursors["w3"], limit=limit)
    assert _keys(page["changes"]) == [("area", world.areas["T2"])]
    assert page["evictions"] == []
    page, _ = api.pull_all(api.login("admin"), cursors["admin"], limit=limit)
    assert page["evictions"] == []

    # From scratch, each township sees exactly its current subtree.
    t2_page, _ = api.pull_all(api.login("t2"), limit=limit)
    assert set(_keys(t2_page["changes"])) >= moved | grids["G3"]
    t1_page, _ = api.pull_all(api.login("t1"), limit=limit)
    assert not set(_keys(t1_page["changes"])) & moved
    w1_page, _ = api.pull_all(api.login("w1"), limit=limit)
    areas = {key for key in _keys(w1_page["changes"]) if key[0] == "area"}
    assert areas == {("area", world.areas[a]) for a in ("county", "T2", "V1", "G1")}


def test_moving_back_in_a_later_push_evicts_from_the_second_township(
    api: Api, world: World
) -> None:
    grids = _seed(api, world)
    moved = grids["G1"] | grids["G2"] | {("area", world.areas["V1"])}
    assert _move(api, world, "V1", "T2", "T1")["status"] == "applied"
    t1, t2 = api.login("t1"), api.login("t2")
    _, t1_cursor = api.pull_all(t1)
    _, t2_cursor = api.pull_all(t2)
    [back] = api.push(
        api.login("admin"),
        [
            op(
                "area",
                world.areas["V1"],
                "update",
                {"parent_id": world.areas["T1"]},
                base_version=2,
                old={"parent_id": world.areas["T2"]},
            )
        ],
    )
    assert back["status"] == "applied"
    page, _ = api.pull_all(t2, t2_cursor)
    assert Counter(_keys(page["evictions"])) == Counter(moved)
    page, _ = api.pull_all(t1, t1_cursor)
    assert Counter(_keys(page["changes"])) == Counter(moved | {("area", world.areas["T1"])})
    assert page["evictions"] == []


def test_moving_there_and_back_in_one_push_evicts_nothing(api: Api, world: World) -> None:
    grids = _seed(api, world)
    t1 = api.login("t1")
    _, cursor = api.pull_all(t1)
    village = world.areas["V1"]
    results = api.push(
        api.login("admin"),
        [
            op("area", village, "update", {"parent_id": world.areas["T2"]}, base_version=1),
            op("area", village, "update", {"parent_id": world.areas["T1"]}, base_version=2, seq=2),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    page, _ = api.pull_all(t1, cursor)
    assert page["evictions"] == []
    assert ("area", village) in _keys(page["changes"])
    assert grids["G1"] <= set(_keys(api.pull_all(t1)[0]["changes"]))


def test_only_an_administrator_may_re_parent_an_area(api: Api, world: World) -> None:
    t1 = api.login("t1")
    # A township may create and rename areas in its subtree, but not move them.
    new_village = new_id()
    results = api.push(
        t1,
        [
            op(
                "area",
                new_village,
                changes={
                    "code": "320101001002",
                    "name": "新社区",
                    "level": "village",
                    "parent_id": world.areas["T1"],
                },
            ),
            op("area", world.areas["G2"], "update", {"name": "第二网格"}, base_version=1, seq=2),
            op(
                "area",
                world.areas["G2"],
                "update",
                {"parent_id": new_village},
                base_version=2,
                seq=3,
            ),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["reason"] == "role"
    assert results[2]["field"] == "parent_id"
    assert "系统管理员" in results[2]["message"]


def test_an_area_cannot_move_below_itself(api: Api, world: World) -> None:
    result = _move(api, world, "T1", "V1", "county")
    assert result["status"] == "rejected"
    assert result["reason"] == "invalid_field" and result["field"] == "parent_id"
    # Nothing moved: the township still sees its village.
    page, _ = api.pull_all(api.login("t1"))
    assert ("area", world.areas["V1"]) in _keys(page["changes"])


def test_the_command_line_moves_an_area_the_same_way(api: Api, world: World, db: Database) -> None:
    grids = _seed(api, world)
    moved = grids["G1"] | grids["G2"] | {("area", world.areas["V1"])}
    t1, t2 = api.login("t1"), api.login("t2")
    _, t1_cursor = api.pull_all(t1)
    _, t2_cursor = api.pull_all(t2)

    admin.move_area(db, "320101001001", "320101101000")

    page, _ = api.pull_all(t1, t1_cursor)
    assert Counter(_keys(page["evictions"])) == Counter(moved)
    page, _ = api.pull_all(t2, t2_cursor)
    assert Counter(_keys(page["changes"])) == Counter(moved | {("area", world.areas["T2"])})
    [village] = [c for c in page["changes"] if c["id"] == world.areas["V1"]]
    assert village["version"] == 2 and village["fields"]["parent_id"] == world.areas["T2"]


@pytest.mark.parametrize(
    ("code", "parent", "message"),
    [
        ("320101999999", "320101101000", "不存在"),
        ("320101001001", "320101999999", "不存在"),
        ("320101001001", "320101001000", "已在"),
        ("320101001000", "320101001001", "下级"),
        ("320101001001", "320101101201", "级别"),
    ],
)
def test_the_command_line_refuses_bad_moves(
    world: World, db: Database, code: str, parent: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        admin.move_area(db, code, parent)


def _replay(api: Api, headers: dict[str, str], cursor: str, held: set[tuple[str, str]]) -> None:
    """Pull page by page as the client applies them: evictions first, then changes."""
    while True:
        response = api.client.get(
            "/api/v1/sync/pull", params={"cursor": cursor, "limit": 3}, headers=headers
        )
        assert response.status_code == 200, response.text
        page = response.json()
        held -= set(_keys(page["evictions"]))
        held |= set(_keys(page["changes"]))
        cursor = page["cursor"]
        if not page["more"]:
            return


def test_a_client_that_slept_through_a_move_and_back_ends_up_with_its_records(
    api: Api, world: World, db: Database
) -> None:
    grids = _seed(api, world)
    moved = grids["G1"] | grids["G2"] | {("area", world.areas["V1"])}
    t1, t2 = api.login("t1"), api.login("t2")
    held: dict[str, set[tuple[str, str]]] = {"t1": set(), "t2": set()}
    cursors = {}
    for user, headers in (("t1", t1), ("t2", t2)):
        page, cursors[user] = api.pull_all(headers)
        held[user] = set(_keys(page["changes"]))
    admin.move_area(db, "320101001001", "320101101000")
    admin.move_area(db, "320101001001", "320101001000")
    _replay(api, t1, cursors["t1"], held["t1"])
    _replay(api, t2, cursors["t2"], held["t2"])
    assert moved <= held["t1"]
    assert not moved & held["t2"]


def test_a_move_waits_for_a_push_writing_below_the_area(
    api: Api, world: World, db: Database, backend: str
) -> None:
    """The push locks its record, then takes the feed counter; the move must not hold
    the counter while it waits for that record (a deadlock on PostgreSQL)."""
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers: no row locks to wait for")
    grids = _seed(api, world)
    hid = next(rid for kind, rid in grids["G1"] if kind == "household")
    locked, moved = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def push_holding_the_lock() -> None:
        try:
            with db.write() as conn:
                conn.execute(
                    update(records)
                    .where(records.c.kind == "household", records.c.id == hid)
                    .values(version=records.c.version + 1)
                )
                locked.set()
                moved.wait(0.5)  # the move runs meanwhile and must block on the row
                stamp(conn, FeedEffects(records={("household", hid)}))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pusher = threading.Thread(target=push_holding_the_lock)
    pusher.start()
    assert locked.wait(5)
    admin.move_area(db, "320101001001", "320101101000")
    moved.set()
    pusher.join(10)
    assert not errors
    page, _ = api.pull_all(api.login("t2"))
    assert ("household", hid) in _keys(page["changes"])
    [change] = [c for c in page["changes"] if c["id"] == hid]
    assert change["version"] == 2


def test_ancestors_lost_by_a_move_are_evicted_from_the_users_below(api: Api, world: World) -> None:
    """V1 goes to T2 and back: its workers learned T2 as an ancestor, and must lose it
    again (nobody else is told to drop anything they still see)."""
    _seed(api, world)
    cursors = {}
    for user in ("t1", "t2", "w1", "wv", "w3"):
        _, cursors[user] = api.pull_all(api.login(user))
    assert _move(api, world, "V1", "T2", "T1")["status"] == "applied"
    for user in ("w1", "wv"):
        page, cursors[user] = api.pull_all(api.login(user), cursors[user])
        assert ("area", world.areas["T2"]) in _keys(page["changes"]), user
        assert ("area", world.areas["T1"]) in _keys(page["evictions"]), user
    [back] = api.push(
        api.login("admin"),
        [
            op(
                "area",
                world.areas["V1"],
                "update",
                {"parent_id": world.areas["T1"]},
                base_version=2,
                old={"parent_id": world.areas["T2"]},
            )
        ],
    )
    assert back["status"] == "applied"
    for user in ("w1", "wv"):
        page, _ = api.pull_all(api.login(user), cursors[user])
        assert ("area", world.areas["T2"]) in _keys(page["evictions"]), user
        assert ("area", world.areas["T1"]) in _keys(page["changes"]), user
        assert ("area", world.areas["county"]) not in _keys(page["evictions"]), user
    # The townships and a worker elsewhere keep every area they can still see.
    for user, own in (("t1", "T1"), ("t2", "T2"), ("w3", "G3")):
        page, _ = api.pull_all(api.login(user), cursors[user])
        evicted = set(_keys(page["evictions"]))
        assert ("area", world.areas[own]) not in evicted, user
        assert ("area", world.areas["county"]) not in evicted, user
