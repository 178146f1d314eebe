"""Resolving a conflict with a ``resolve`` op: both sides, replays, roles, scope, a
second decision, a third value written after the conflict, and edits that met a delete.
Runs on SQLite and, with ``GRIDSERVER_TEST_DATABASE_URL``, on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from gridcore.domain.enums import Role
from gridserver import admin, auth
from gridserver.config import Settings
from gridserver.db import Database
from tests.server.conftest import PASSWORD, Api, World, household, new_id, op, resident


def resolve_op(
    entity: str,
    entity_id: str,
    conflict_id: str,
    keep: str,
    *,
    op_id: str | None = None,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "seq": 9,
        "entity": entity,
        "entity_id": entity_id,
        "kind": "resolve",
        "base_version": 0,
        "changes": changes or {},
        "client_time": datetime.now(UTC).isoformat(),
        "conflict_id": conflict_id,
        "keep": keep,
    }


def _conflict(api: Api, world: World) -> tuple[str, str, dict[str, str], dict[str, str]]:
    """w1 writes phone A, then wv (village worker, G1 in scope) writes B on the same
    base: B is applied, A kept in the conflict. Returns (household, conflict, w1, wv)."""
    a = api.login("w1", "dev-a")
    b = api.login("wv", "dev-b")
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1"))])
    api.push(
        a, [op("household", hid, "update", {"phone": "A"}, base_version=1, old={"phone": "1"})]
    )
    [rb] = api.push(
        b, [op("household", hid, "update", {"phone": "B"}, base_version=1, old={"phone": "1"})]
    )
    assert rb["status"] == "conflict"
    return hid, rb["conflict_id"], a, b


def _record(api: Api, headers: dict[str, str], hid: str) -> dict[str, Any]:
    page, _ = api.pull_all(headers)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    return record


def test_keep_server_writes_a_new_version_and_the_feed_resends_the_conflict(
    api: Api, world: World, db: Database
) -> None:
    hid, cid, _a, b = _conflict(api, world)
    _, cursor = api.pull_all(b)
    resolve = resolve_op("household", hid, cid, "server", changes={"phone": ["B", "A"]})
    [result] = api.push(b, [resolve])
    assert (result["status"], result["version"], result["conflict_id"]) == ("applied", 4, None)
    page, cursor = api.pull_all(b, cursor)
    [record] = page["changes"]
    assert (record["fields"]["phone"], record["version"]) == ("A", 4)
    [info] = page["conflicts"]
    assert (info["id"], info["resolved"], info["resolution"]) == (cid, True, "server")
    assert admin.list_conflicts(db) == []
    # A replay answers from the log and changes nothing.
    assert api.push(b, [resolve]) == [result]
    page, _ = api.pull_all(b, cursor)
    assert page == {"changes": [], "evictions": [], "conflicts": []}
    [entry] = [e for e in admin.audit(db, username="wv") if e.kind == "resolve"]
    assert (entry.entity_id, entry.status, entry.fields) == (hid, "applied", ["phone"])


def test_keep_incoming_only_closes_the_conflict(api: Api, world: World) -> None:
    hid, cid, a, _b = _conflict(api, world)
    _, cursor = api.pull_all(a)
    [result] = api.push(a, [resolve_op("household", hid, cid, "incoming")])
    assert (result["status"], result["version"]) == ("applied", 3)
    page, _ = api.pull_all(a, cursor)
    assert page["changes"] == []  # the record already holds B
    [info] = page["conflicts"]
    assert info["resolved"] and info["resolution"] == "incoming"
    assert _record(api, a, hid)["fields"]["phone"] == "B"


def test_a_second_decision_is_rejected_with_its_reason(api: Api, world: World) -> None:
    hid, cid, a, b = _conflict(api, world)
    api.push(a, [resolve_op("household", hid, cid, "incoming")])
    [late] = api.push(b, [resolve_op("household", hid, cid, "server")])
    assert (late["status"], late["reason"]) == ("rejected", "already_resolved")
    assert "已于" in late["message"] and "w1" in late["message"]
    assert _record(api, b, hid)["fields"]["phone"] == "B"


def test_roles_and_scope(api: Api, world: World, db: Database, settings: Settings) -> None:
    hid, cid, _a, _b = _conflict(api, world)
    # Another worker whose grids include G1 but who wrote neither side.
    auth.add_user(db, settings, auth.NewUser("wv2", Role.WORKER, "320101001001"), PASSWORD)
    bystander = api.login("wv2")
    [result] = api.push(bystander, [resolve_op("household", hid, cid, "server")])
    assert (result["status"], result["reason"]) == ("rejected", "role")
    assert "冲突双方" in result["message"]
    # Outside the record's scope: the same answer as for a record that does not exist.
    [result] = api.push(api.login("t2"), [resolve_op("household", hid, cid, "server")])
    assert (result["status"], result["reason"]) == ("rejected", "not_found")
    [result] = api.push(api.login("w2"), [resolve_op("household", hid, cid, "server")])
    assert (result["status"], result["reason"]) == ("rejected", "not_found")
    [ghost] = api.push(api.login("w2"), [resolve_op("household", str(uuid.uuid4()), cid, "server")])
    assert (ghost["reason"], ghost["message"]) == (result["reason"], result["message"])
    # Township staff of the record's township may decide any conflict there.
    t1 = api.login("t1")
    [result] = api.push(t1, [resolve_op("household", hid, cid, "server")])
    assert result["status"] == "applied"
    assert _record(api, t1, hid)["fields"]["phone"] == "A"


def test_unknown_or_mismatched_conflict_is_not_found(api: Api, world: World) -> None:
    hid, cid, a, _b = _conflict(api, world)
    [result] = api.push(a, [resolve_op("household", hid, new_id(), "server")])
    assert (result["status"], result["reason"]) == ("rejected", "not_found")
    [result] = api.push(a, [resolve_op("household", new_id(), cid, "server")])
    assert (result["status"], result["reason"]) == ("rejected", "not_found")
    typo = resolve_op("household", hid, cid, "server", changes={"phnoe": ["B", "A"]})
    [result] = api.push(a, [typo])
    assert (result["status"], result["reason"], result["field"]) == (
        "rejected",
        "unknown_field",
        "phnoe",
    )


def test_malformed_resolve_ops_are_refused(api: Api, world: World) -> None:
    hid, cid, a, _b = _conflict(api, world)
    bad = [
        {**resolve_op("household", hid, cid, "server"), "keep": "mine"},
        {**resolve_op("household", hid, cid, "server"), "conflict_id": None},
        {**op("household", hid, "update", {"phone": "Z"}, base_version=3), "keep": "server"},
    ]
    for body in bad:
        response = api.client.post(
            "/api/v1/sync/push", json={"device_id": "dev-a", "ops": [body]}, headers=a
        )
        assert response.status_code == 422, body


def test_a_third_value_written_after_the_conflict_is_kept_in_a_new_conflict(
    api: Api, world: World, db: Database
) -> None:
    hid, cid, _a, b = _conflict(api, world)
    t1 = api.login("t1")
    api.push(
        t1, [op("household", hid, "update", {"phone": "C"}, base_version=3, old={"phone": "B"})]
    )
    [result] = api.push(b, [resolve_op("household", hid, cid, "server")])
    assert (result["status"], result["version"]) == ("conflict", 5)
    assert result["conflict_id"] and result["conflict_id"] != cid
    assert _record(api, b, hid)["fields"]["phone"] == "A"
    [open_one] = admin.list_conflicts(db)
    assert open_one.id == result["conflict_id"]
    assert (open_one.server_value, open_one.incoming_value, open_one.server_user) == (
        "C",
        "A",
        "t1",
    )


def _edit_after_delete(api: Api, world: World) -> tuple[str, str, dict[str, str]]:
    a = api.login("w1", "dev-a")
    b = api.login("wv", "dev-b")
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1"))])
    api.push(a, [op("household", hid, "delete", base_version=1)])
    [rb] = api.push(
        b, [op("household", hid, "update", {"phone": "2"}, base_version=1, old={"phone": "1"})]
    )
    assert (rb["status"], rb["reason"]) == ("conflict", "deleted")
    return hid, rb["conflict_id"], b


def test_edit_after_delete_keep_incoming_restores_the_record_with_the_edit(
    api: Api, world: World
) -> None:
    hid, cid, b = _edit_after_delete(api, world)
    [result] = api.push(b, [resolve_op("household", hid, cid, "incoming")])
    assert (result["status"], result["version"]) == ("applied", 3)
    record = _record(api, b, hid)
    assert (record["deleted"], record["fields"]["phone"]) == (False, "2")


def test_edit_after_delete_keep_server_leaves_it_deleted(api: Api, world: World) -> None:
    hid, cid, b = _edit_after_delete(api, world)
    [result] = api.push(b, [resolve_op("household", hid, cid, "server")])
    assert (result["status"], result["version"]) == ("applied", 2)
    page, _ = api.pull_all(b)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert record["deleted"]
    [info] = page["conflicts"]
    assert info["resolved"] and info["resolution"] == "server"


def test_restoring_a_resident_whose_household_is_gone_is_refused(
    api: Api, world: World, db: Database
) -> None:
    a = api.login("w1", "dev-a")
    b = api.login("wv", "dev-b")
    hid, rid = new_id(), new_id()
    api.push(
        a,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", rid, changes=resident(hid), seq=2),
            op("resident", rid, "delete", base_version=1, seq=3),
            op("household", hid, "delete", base_version=1, seq=4),
        ],
    )
    [rb] = api.push(
        b, [op("resident", rid, "update", {"name": "李四"}, base_version=1, old={"name": "张三"})]
    )
    assert rb["status"] == "conflict"
    [result] = api.push(b, [resolve_op("resident", rid, rb["conflict_id"], "incoming")])
    assert (result["status"], result["reason"], result["field"]) == (
        "rejected",
        "not_found",
        "household_id",
    )
    assert len(admin.list_conflicts(db)) == 1  # nothing half-applied: still open


# --- deletes and edits that cross (ARCHITECTURE.md "Merge"; docs/protocol.md rule D) ---


def test_a_delete_on_a_stale_copy_keeps_the_concurrent_edit_in_a_conflict(
    api: Api, world: World
) -> None:
    a = api.login("w1", "dev-a")
    b = api.login("wv", "dev-b")
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1"))])
    [edit] = api.push(
        b, [op("household", hid, "update", {"phone": "2"}, base_version=1, old={"phone": "1"})]
    )
    assert edit["status"] == "applied"
    [gone] = api.push(a, [op("household", hid, "delete", base_version=1)])
    assert (gone["status"], gone["version"]) == ("conflict", 3)
    page, _ = api.pull_all(a)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert record["deleted"] and record["fields"]["phone"] == "2"
    [info] = page["conflicts"]
    assert info["field"] is None
    assert (info["server_value"], info["incoming_value"]) == ({"phone": "2"}, None)
    assert (info["server_user"], info["incoming_user"]) == ("wv", "w1")
    # Keeping the edit brings the record back, with it.
    [result] = api.push(b, [resolve_op("household", hid, gone["conflict_id"], "server")])
    assert (result["status"], result["version"]) == ("applied", 4)
    record = _record(api, a, hid)
    assert (record["deleted"], record["fields"]["phone"]) == (False, "2")


def test_keeping_the_delete_over_the_edit_leaves_it_deleted(api: Api, world: World) -> None:
    a = api.login("w1", "dev-a")
    b = api.login("wv", "dev-b")
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1"))])
    api.push(
        b, [op("household", hid, "update", {"phone": "2"}, base_version=1, old={"phone": "1"})]
    )
    [gone] = api.push(a, [op("household", hid, "delete", base_version=1)])
    [result] = api.push(a, [resolve_op("household", hid, gone["conflict_id"], "incoming")])
    assert (result["status"], result["version"]) == ("applied", 3)
    assert _record(api, a, hid)["deleted"]


def test_a_laptop_that_edits_then_deletes_on_one_base_meets_no_conflict(
    api: Api, world: World
) -> None:
    a = api.login("w1", "dev-a")
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1"))])
    results = api.push(
        a,
        [
            op("household", hid, "update", {"phone": "2"}, base_version=1, old={"phone": "1"}),
            op("household", hid, "delete", base_version=1, seq=2),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    # The same in two pushes (the laptop did not pull in between).
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1"))])
    api.push(
        a, [op("household", hid, "update", {"phone": "2"}, base_version=1, old={"phone": "1"})]
    )
    [result] = api.push(a, [op("household", hid, "delete", base_version=1)])
    assert result["status"] == "applied"
    page, _ = api.pull_all(a)
    assert page["conflicts"] == []


def _two_edits_met_one_delete(
    api: Api, world: World, second: dict[str, str]
) -> tuple[str, list[str], dict[str, str]]:
    a = api.login("w1", "dev-a")
    b = api.login("wv", "dev-b")
    c = api.login("wv", "dev-c")
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1"))])
    api.push(a, [op("household", hid, "delete", base_version=1)])
    [rb] = api.push(
        b, [op("household", hid, "update", {"phone": "2"}, base_version=1, old={"phone": "1"})]
    )
    old = {name: ("1" if name == "phone" else "") for name in second}
    [rc] = api.push(c, [op("household", hid, "update", second, base_version=1, old=old)])
    assert rb["reason"] == rc["reason"] == "deleted"
    return hid, [rb["conflict_id"], rc["conflict_id"]], b


def test_two_edits_that_met_one_delete_are_both_applied_when_both_are_kept(
    api: Api, world: World
) -> None:
    hid, conflict_ids, b = _two_edits_met_one_delete(api, world, {"notes": "门前有狗"})
    for conflict_id in conflict_ids:
        [result] = api.push(b, [resolve_op("household", hid, conflict_id, "incoming")])
        assert result["status"] == "applied"
    record = _record(api, b, hid)
    assert not record["deleted"]
    assert (record["fields"]["phone"], record["fields"]["notes"]) == ("2", "门前有狗")


def test_two_edits_of_one_field_that_met_a_delete_keep_the_other_value_in_a_new_conflict(
    api: Api, world: World
) -> None:
    hid, conflict_ids, b = _two_edits_met_one_delete(api, world, {"phone": "3"})
    [first] = api.push(b, [resolve_op("household", hid, conflict_ids[0], "incoming")])
    [second] = api.push(b, [resolve_op("household", hid, conflict_ids[1], "incoming")])
    assert first["status"] == "applied"
    assert (second["status"], second["field"]) == ("conflict", "phone")
    page, _ = api.pull_all(b)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert (record["deleted"], record["fields"]["phone"]) == (False, "3")
    [third] = [c for c in page["conflicts"] if not c["resolved"]]
    assert (third["field"], third["server_value"], third["incoming_value"]) == ("phone", "2", "3")
