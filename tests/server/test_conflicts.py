"""Three-way merge through the API: same field, disjoint fields, edit after delete, and
resolution."""

from __future__ import annotations

from gridserver import admin
from gridserver.db import Database
from tests.server.conftest import Api, World, household, new_id, op


def _shared_household(api: Api, world: World) -> tuple[str, dict[str, str], dict[str, str]]:
    a = api.login("w1", "dev-a")
    b = api.login("wv", "dev-b")  # village worker: G1 is in scope as well
    hid = new_id()
    api.push(a, [op("household", hid, changes=household(world.areas["G1"], phone="1", notes=""))])
    return hid, a, b


def test_disjoint_fields_merge(api: Api, world: World) -> None:
    hid, a, b = _shared_household(api, world)
    [ra] = api.push(
        a, [op("household", hid, "update", {"phone": "2"}, base_version=1, old={"phone": "1"})]
    )
    [rb] = api.push(
        b, [op("household", hid, "update", {"notes": "独居"}, base_version=1, old={"notes": ""})]
    )
    assert (ra["status"], ra["version"]) == ("applied", 2)
    assert (rb["status"], rb["version"]) == ("merged", 3)
    page, _ = api.pull_all(a)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert (record["fields"]["phone"], record["fields"]["notes"]) == ("2", "独居")
    assert page["conflicts"] == []


def test_same_field_conflict_keeps_both_values(api: Api, world: World, db: Database) -> None:
    hid, a, b = _shared_household(api, world)
    api.push(
        a, [op("household", hid, "update", {"phone": "A"}, base_version=1, old={"phone": "1"})]
    )
    [rb] = api.push(
        b, [op("household", hid, "update", {"phone": "B"}, base_version=1, old={"phone": "1"})]
    )
    assert (rb["status"], rb["field"], rb["version"]) == ("conflict", "phone", 3)
    assert rb["conflict_id"]
    assert "冲突" in rb["message"]
    page, _ = api.pull_all(a)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert record["fields"]["phone"] == "B"  # the later arrival is applied
    [conflict] = page["conflicts"]
    assert conflict["id"] == rb["conflict_id"]
    assert (conflict["base_value"], conflict["server_value"], conflict["incoming_value"]) == (
        "1",
        "A",
        "B",
    )
    assert (conflict["incoming_user"], conflict["incoming_device"]) == ("wv", "dev-1")
    assert (conflict["server_user"], conflict["server_device"]) == ("w1", "dev-1")
    assert conflict["server_time"] is not None
    assert not conflict["resolved"]
    # Keep the server's (earlier) value: a new version carries it to every client.
    _, cursor = api.pull_all(a)
    admin.resolve_conflict(db, rb["conflict_id"], "server", "test")
    page, _ = api.pull_all(a, cursor)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert (record["fields"]["phone"], record["version"]) == ("A", 4)
    assert page["conflicts"][0]["resolved"] and page["conflicts"][0]["resolution"] == "server"
    assert admin.list_conflicts(db) == []


def test_same_value_on_both_sides_is_no_conflict(api: Api, world: World) -> None:
    hid, a, b = _shared_household(api, world)
    api.push(
        a, [op("household", hid, "update", {"phone": "X"}, base_version=1, old={"phone": "1"})]
    )
    [rb] = api.push(
        b, [op("household", hid, "update", {"phone": "X"}, base_version=1, old={"phone": "1"})]
    )
    assert (rb["status"], rb["version"]) == ("merged", 2)


def test_edit_after_delete_is_a_conflict_and_stays_deleted(
    api: Api, world: World, db: Database
) -> None:
    hid, a, b = _shared_household(api, world)
    api.push(a, [op("household", hid, "delete", base_version=1)])
    [rb] = api.push(
        b, [op("household", hid, "update", {"notes": "新"}, base_version=1, old={"notes": ""})]
    )
    assert (rb["status"], rb["reason"], rb["version"]) == ("conflict", "deleted", 2)
    page, _ = api.pull_all(b)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert record["deleted"] and record["fields"]["notes"] == ""
    [conflict] = page["conflicts"]
    assert conflict["field"] is None and conflict["incoming_value"] == {"notes": "新"}
    assert conflict["server_user"] == "w1"  # who deleted it
    # Keeping the incoming edit restores the record with it.
    admin.resolve_conflict(db, rb["conflict_id"], "incoming", "test")
    page, _ = api.pull_all(b)
    [record] = [c for c in page["changes"] if c["id"] == hid]
    assert not record["deleted"] and record["fields"]["notes"] == "新"


def test_create_of_an_existing_mutable_record_merges_from_base_zero(api: Api, world: World) -> None:
    hid, _a, b = _shared_household(api, world)
    [rb] = api.push(
        b, [op("household", hid, changes=household(world.areas["G1"], phone="9", notes=""))]
    )
    assert rb["status"] == "conflict" and rb["field"] == "phone"
