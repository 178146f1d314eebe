"""Scope on every read and write, and evictions when records leave a scope."""

from __future__ import annotations

from tests.server.conftest import Api, World, household, new_id, op, resident


def _ids(page: dict[str, object], entity: str) -> set[str]:
    return {c["id"] for c in page["changes"] if c["entity"] == entity}  # type: ignore[attr-defined]


def test_workers_see_only_their_grids_and_township_its_township(api: Api, world: World) -> None:
    admin = api.login("admin")
    h1, h2, h3 = new_id(), new_id(), new_id()
    results = api.push(
        admin,
        [
            op("household", h1, changes=household(world.areas["G1"])),
            op("household", h2, changes=household(world.areas["G2"])),
            op("household", h3, changes=household(world.areas["G3"])),
        ],
    )
    assert {r["status"] for r in results} == {"applied"}
    expectations = {
        "w1": {h1},
        "w2": {h2},
        "wv": {h1, h2},
        "w3": {h3},
        "t1": {h1, h2},
        "t2": {h3},
        "admin": {h1, h2, h3},
    }
    for user, expected in expectations.items():
        page, _ = api.pull_all(api.login(user))
        assert _ids(page, "household") == expected, user
    # Areas: the own subtree plus the ancestors, never a sibling branch.
    page, _ = api.pull_all(api.login("w1"))
    areas = _ids(page, "area")
    assert areas == {world.areas[a] for a in ("county", "T1", "V1", "G1")}


def test_writes_outside_scope_are_rejected_per_op(api: Api, world: World) -> None:
    t2 = api.login("t2")
    h3 = new_id()
    api.push(t2, [op("household", h3, changes=household(world.areas["G3"]))])
    w1 = api.login("w1")
    results = api.push(
        w1,
        [
            op("household", new_id(), changes=household(world.areas["G3"])),
            op("household", h3, "update", {"phone": "1"}, base_version=1, seq=2),
            op("resident", new_id(), changes=resident(h3), seq=3),
            op("household", h3, "delete", base_version=1, seq=4),
            op("household", new_id(), changes=household(world.areas["G1"]), seq=5),
        ],
    )
    # Records w1 cannot see answer exactly like missing ones (no existence oracle).
    assert [r["reason"] for r in results] == [
        "not_found",
        "not_found",
        "not_found",
        "not_found",
        None,
    ]
    assert results[0]["message"] == "引用的区划不存在（可能尚未同步到服务器）"
    [missing] = api.push(w1, [op("household", new_id(), changes=household(new_id()))])
    assert (missing["reason"], missing["message"]) == (results[0]["reason"], results[0]["message"])
    [ghost] = api.push(w1, [op("household", new_id(), "update", {"phone": "1"}, base_version=1)])
    assert (ghost["reason"], ghost["message"]) == (results[1]["reason"], results[1]["message"])


def test_workers_may_not_edit_areas(api: Api, world: World) -> None:
    w1 = api.login("w1")
    [result] = api.push(
        w1, [op("area", world.areas["G1"], "update", {"name": "改名"}, base_version=1)]
    )
    assert result["reason"] == "role"
    t1 = api.login("t1")
    grid = new_id()
    results = api.push(
        t1,
        [
            op(
                "area",
                grid,
                changes={
                    "code": "320101001001003",
                    "name": "第三网格",
                    "level": "grid",
                    "parent_id": world.areas["V1"],
                },
            ),
            op("household", new_id(), changes=household(grid), seq=2),
            op(
                "area",
                new_id(),
                changes={
                    "code": "320101101201009",
                    "name": "越界",
                    "level": "grid",
                    "parent_id": world.areas["V2"],
                },
                seq=3,
            ),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["reason"] == "not_found"  # V2 is not visible to t1


def test_moving_a_household_out_of_scope_evicts_it_and_its_residents(
    api: Api, world: World
) -> None:
    w1 = api.login("w1")
    hid, rid, other = new_id(), new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", rid, changes=resident(hid), seq=2),
            op("household", other, changes=household(world.areas["G1"]), seq=3),
        ],
    )
    _, w1_cursor = api.pull_all(w1)
    w2 = api.login("w2")
    _, w2_cursor = api.pull_all(w2)
    t1 = api.login("t1")
    [moved] = api.push(
        t1,
        [
            op(
                "household",
                hid,
                "update",
                {"grid_id": world.areas["G2"]},
                base_version=1,
                old={"grid_id": world.areas["G1"]},
            )
        ],
    )
    assert moved["status"] == "applied"
    page, _ = api.pull_all(w1, w1_cursor)
    assert {(e["entity"], e["id"]) for e in page["evictions"]} == {
        ("household", hid),
        ("resident", rid),
    }
    assert page["changes"] == []
    # The gaining worker receives the household and its residents.
    page, _ = api.pull_all(w2, w2_cursor)
    assert _ids(page, "household") == {hid} and _ids(page, "resident") == {rid}
    assert page["evictions"] == []
    # The village worker sees both grids: a move inside the scope is no eviction.
    page, _ = api.pull_all(api.login("wv"))
    assert page["evictions"] == []


def test_worker_cannot_move_a_household_out_of_their_scope(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    [result] = api.push(
        w1, [op("household", hid, "update", {"grid_id": world.areas["G2"]}, base_version=1)]
    )
    assert (result["reason"], result["field"]) == ("not_found", "grid_id")


def test_a_household_move_and_its_residents_edits_in_one_push(api: Api, world: World) -> None:
    wv = api.login("wv")
    hid, rid = new_id(), new_id()
    api.push(
        wv,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", rid, changes=resident(hid), seq=2),
        ],
    )
    _, w1_cursor = api.pull_all(api.login("w1"))
    results = api.push(
        wv,
        [
            op("household", hid, "update", {"grid_id": world.areas["G2"]}, base_version=1),
            op("resident", rid, "update", {"name": "李四"}, base_version=1, seq=2),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    page, _ = api.pull_all(api.login("w2"))
    [moved] = [c for c in page["changes"] if c["id"] == rid]
    assert moved["fields"]["name"] == "李四"
    page, _ = api.pull_all(api.login("w1"), w1_cursor)
    assert sorted(e["entity"] for e in page["evictions"]) == ["household", "resident"]
