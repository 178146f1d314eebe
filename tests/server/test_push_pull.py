"""Push and pull round trips, replays, paging, append-only rules and per-op validation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from gridserver.db import Database, op_log, records
from tests.server.conftest import Api, World, household, new_id, op, resident


def test_create_household_and_resident_round_trip(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid, rid = new_id(), new_id()
    results = api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"], tags=["minimum_living"])),
            op("resident", rid, changes=resident(hid, tags=["elderly_80", "disabled"]), seq=2),
        ],
    )
    assert [(r["status"], r["version"]) for r in results] == [("applied", 1), ("applied", 1)]
    page, _ = api.pull_all(w1)
    by_id = {c["id"]: c for c in page["changes"]}
    assert by_id[hid]["fields"]["address"] == "幸福路1号"
    assert by_id[rid]["fields"]["tags"] == ["disabled", "elderly_80"]  # canonical order
    assert by_id[rid]["fields"]["ethnicity"] == "汉族"  # defaults filled in
    assert by_id[rid]["version"] == 1 and not by_id[rid]["deleted"]


def test_replayed_push_returns_stored_results_and_changes_nothing(
    api: Api, world: World, db: Database
) -> None:
    w1 = api.login("w1")
    hid = new_id()
    ops = [
        op("household", hid, changes=household(world.areas["G1"])),
        op("household", hid, "update", {"phone": "13800000000"}, base_version=1, seq=2),
        op("resident", new_id(), changes=resident(new_id()), seq=3),  # rejected: no household
    ]
    first = api.push(w1, ops)
    _, cursor = api.pull_all(w1)
    with db.engine.connect() as conn:
        before = conn.execute(
            select(records.c.version, records.c.seq).where(records.c.id == hid)
        ).one()
        logged = conn.execute(select(func.count()).select_from(op_log)).scalar_one()
    second = api.push(w1, ops)
    assert second == first
    assert [r["status"] for r in first] == ["applied", "applied", "rejected"]
    with db.engine.connect() as conn:
        after = conn.execute(
            select(records.c.version, records.c.seq).where(records.c.id == hid)
        ).one()
        assert conn.execute(select(func.count()).select_from(op_log)).scalar_one() == logged
    assert after == before
    page, _ = api.pull_all(w1, cursor)
    assert page["changes"] == []


def test_paging_delivers_every_record_exactly_once(api: Api, world: World) -> None:
    w1 = api.login("w1")
    ids = [new_id() for _ in range(23)]
    api.push(w1, [op("household", i, changes=household(world.areas["G1"])) for i in ids[:10]])
    api.push(w1, [op("household", i, changes=household(world.areas["G1"])) for i in ids[10:]])
    page, cursor = api.pull_all(w1, limit=4)
    got = [c["id"] for c in page["changes"] if c["entity"] == "household"]
    assert sorted(got) == sorted(ids)
    assert len(got) == len(set(got))
    again, _ = api.pull_all(w1, cursor, limit=4)
    assert again["changes"] == []


def test_delete_is_a_tombstone_in_the_feed(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    _, cursor = api.pull_all(w1)
    [result] = api.push(w1, [op("household", hid, "delete", base_version=1)])
    assert (result["status"], result["version"]) == ("applied", 2)
    page, _ = api.pull_all(w1, cursor)
    [change] = page["changes"]
    assert change["id"] == hid and change["deleted"] and change["version"] == 2
    assert change["fields"]["address"] == "幸福路1号"  # nothing is lost


def test_append_only_kinds_reject_updates_and_deletes(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid, vid = new_id(), new_id()
    visit = {
        "household_id": hid,
        "grid_id": world.areas["G1"],
        "visitor": "w1",
        "visited_at": "2026-11-01T08:00:00+08:00",
        "content": "入户走访",
    }
    results = api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("visit", vid, changes=visit, seq=2),
            op("visit", vid, "update", {"content": "改"}, base_version=1, seq=3),
            op("visit", vid, "delete", base_version=1, seq=4),
            op("visit", vid, changes=visit, seq=5),  # same create again: harmless
            op("visit", vid, changes={**visit, "content": "别的"}, seq=6),
        ],
    )
    assert [r["status"] for r in results] == [
        "applied",
        "applied",
        "rejected",
        "rejected",
        "applied",
        "rejected",
    ]
    assert results[2]["reason"] == results[3]["reason"] == "append_only"
    assert results[5]["reason"] == "duplicate"
    assert "只能新增" in results[2]["message"]


def _reject(api: Api, headers: dict[str, str], the_op: dict[str, Any]) -> dict[str, Any]:
    [result] = api.push(headers, [the_op])
    assert result["status"] == "rejected", result
    assert result["version"] is None
    return result


def test_per_op_validation(api: Api, world: World) -> None:
    w1 = api.login("w1")
    grid = world.areas["G1"]
    r = _reject(api, w1, op("household", new_id(), changes={**household(grid), "colour": 1}))
    assert (r["reason"], r["field"]) == ("unknown_field", "colour")
    r = _reject(api, w1, op("household", new_id(), changes={"grid_id": grid}))
    assert (r["reason"], r["field"]) == ("missing_field", "address")
    r = _reject(api, w1, op("household", new_id(), changes=household(grid, tags=["rich"])))
    assert (r["reason"], r["field"]) == ("invalid_field", "tags")
    r = _reject(api, w1, op("household", new_id(), changes=household(grid, address=7)))
    assert (r["reason"], r["field"]) == ("invalid_field", "address")
    r = _reject(api, w1, op("resident", new_id(), changes=resident(new_id())))
    assert (r["reason"], r["field"]) == ("not_found", "household_id")
    assert "不存在" in r["message"]
    r = _reject(api, w1, op("household", new_id(), changes=household(world.areas["V1"])))
    assert (r["reason"], r["field"]) == ("out_of_scope", "grid_id")
    r = _reject(api, w1, op("household", new_id(), "update", {"phone": "1"}, base_version=1))
    assert r["reason"] == "not_found"
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(grid))])
    r = _reject(api, w1, op("household", hid, "update", {"address": None}, base_version=1))
    assert (r["reason"], r["field"]) == ("invalid_field", "address")
    r = _reject(api, w1, op("household", hid, "update", {"phone": "2"}, base_version=9))
    assert r["reason"] == "invalid_base_version"
    r = _reject(api, w1, op("resident", new_id(), changes=resident(hid, disability_grade=7)))
    assert (r["reason"], r["field"]) == ("invalid_field", "disability_grade")


def test_a_rejected_op_does_not_block_the_others(api: Api, world: World) -> None:
    w1 = api.login("w1")
    good = new_id()
    results = api.push(
        w1,
        [
            op("resident", new_id(), changes=resident(new_id())),
            op("household", good, changes=household(world.areas["G1"]), seq=2),
        ],
    )
    assert [r["status"] for r in results] == ["rejected", "applied"]


def test_an_update_with_nothing_new_keeps_the_version(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    [result] = api.push(
        w1, [op("household", hid, "update", {"address": "幸福路1号"}, base_version=1)]
    )
    assert (result["status"], result["version"]) == ("applied", 1)


def test_too_old_client_may_push_but_not_pull(api: Api, world: World) -> None:
    w1 = api.login("w1")
    old = {**w1, "X-Grid-Client-Version": "0.0.9"}
    [result] = api.push(old, [op("household", new_id(), changes=household(world.areas["G1"]))])
    assert result["status"] == "applied"
    response = api.client.get("/api/v1/sync/pull", headers=old)
    assert response.status_code == 426
    assert response.json()["code"] == "client_too_old"
    assert "升级" in response.json()["message"]
    assert api.tokens["w1"]["min_client_version"] == "0.1.0"


def test_sync_requires_the_protocol_header(api: Api, world: World) -> None:
    headers = api.login("w1")
    del headers["X-Grid-Protocol"]
    response = api.client.get("/api/v1/sync/pull", headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_protocol"


def test_health_and_openapi(api: Api) -> None:
    assert api.client.get("/api/v1/health").json()["status"] == "ok"
    schema = api.client.get("/api/v1/openapi.json").json()
    assert "/api/v1/sync/push" in schema["paths"]
    assert "PushRequest" in schema["components"]["schemas"]
    assert "Op" in schema["components"]["schemas"]


def test_id_numbers_are_validated_and_normalised(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid, good = new_id(), new_id()
    results = api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", good, changes=resident(hid, id_number="11010519491231002x"), seq=2),
            op("resident", new_id(), changes=resident(hid, id_number="110105194912310021"), seq=3),
            op("resident", new_id(), changes=resident(hid, id_number="1101051949123"), seq=4),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "rejected"]
    assert {(r["reason"], r["field"]) for r in results[2:]} == {("invalid_id_number", "id_number")}
    assert all(r["message"] for r in results[2:])
    page, _ = api.pull_all(w1)
    [stored] = [c for c in page["changes"] if c["id"] == good]
    assert stored["fields"]["id_number"] == "11010519491231002X"


def test_other_documents_are_judged_by_their_type(api: Api, world: World) -> None:
    """A passport number is not a 居民身份证 number: stored as written when the op says
    it is a passport; a 居民身份证 number is still checked; an edit that turns a passport
    holder's record into a 居民身份证 one is judged again."""
    w1 = api.login("w1")
    hid, visitor = new_id(), new_id()
    passport = resident(hid, id_number="E12345678", id_type="passport")
    results = api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", visitor, changes=passport, seq=2),
            op("resident", new_id(), changes=resident(hid, id_number="E12345678"), seq=3),
            op(
                "resident",
                new_id(),
                changes=resident(hid, id_number="E1", id_type="passport"),
                seq=4,
            ),
            op(
                "resident",
                new_id(),
                changes=resident(hid, id_number="E1234567", id_type="x"),
                seq=5,
            ),
        ],
    )
    assert [r["status"] for r in results] == [
        "applied",
        "applied",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert results[2]["reason"] == "invalid_id_number"
    assert "护照号码应为5—20位字母或数字" in results[3]["message"]
    assert results[4]["field"] == "id_type"
    back = api.push(
        w1,
        [op("resident", visitor, kind="update", base_version=1, old={"id_type": "passport"},
            changes={"id_type": "resident_id"}, seq=6)],
    )  # fmt: skip
    assert back[0]["status"] == "rejected" and back[0]["reason"] == "invalid_id_number"
    page, _ = api.pull_all(w1)
    [stored] = [c for c in page["changes"] if c["id"] == visitor]
    assert (stored["fields"]["id_number"], stored["fields"]["id_type"]) == ("E12345678", "passport")


def test_a_long_push_spans_several_transactions(api: Api, world: World) -> None:
    w1 = api.login("w1")
    ids = [new_id() for _ in range(120)]
    ops = [
        op("household", i, changes=household(world.areas["G1"]), seq=n) for n, i in enumerate(ids)
    ]
    ops[75]["changes"]["grid_id"] = [None, world.areas["G3"]]  # one bad op in the middle
    results = api.push(w1, ops)
    assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
    assert [r["status"] for r in results].count("applied") == 119
    assert results[75]["reason"] == "not_found"  # G3 is not visible to w1
    page, _ = api.pull_all(w1, limit=1000)
    assert {c["id"] for c in page["changes"] if c["entity"] == "household"} == set(ids) - {ids[75]}


def test_the_same_op_twice_in_one_push_is_applied_once(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"], notes=""))])
    edit = op("household", hid, "update", {"notes": "再次"}, base_version=1)
    results = api.push(w1, [edit, edit])
    assert results[0] == results[1]
    assert (results[0]["status"], results[0]["version"]) == ("applied", 2)


def test_a_database_error_in_a_create_answers_that_op_only(
    api: Api, world: World, db: Database
) -> None:
    """A create whose INSERT fails in the database (here: an area code already taken)
    is rejected on its own, and the ops around it, before and after, are applied once;
    the same as when each op comes in a push of its own."""
    t1 = api.login("t1")

    def ops() -> list[dict[str, Any]]:
        taken = {"code": "320101001001001", "name": "重复", "level": "grid"}
        return [
            op("household", new_id(), changes=household(world.areas["G1"]), seq=1),
            op("area", new_id(), changes={**taken, "parent_id": world.areas["V1"]}, seq=2),
            op("household", new_id(), changes=household(world.areas["G2"]), seq=3),
        ]

    batch = ops()
    together = api.push(t1, batch)
    alone = [api.push(t1, [one])[0] for one in ops()]
    for results in (together, alone):
        assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
        assert results[1]["reason"] == "duplicate"
    assert api.push(t1, batch) == together  # replayed from the log
    ids = [o["entity_id"] for o in batch]
    with db.engine.connect() as conn:
        stored = set(conn.execute(select(records.c.id).where(records.c.id.in_(ids))).scalars())
        logged = conn.execute(
            select(func.count()).select_from(op_log).where(op_log.c.entity_id.in_(ids))
        ).scalar_one()
    assert stored == {ids[0], ids[2]}
    assert logged == 3
