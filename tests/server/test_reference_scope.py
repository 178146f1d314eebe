"""Scope on every reference (issue 12, Deliver 7): blobs only through uploads and records
in scope, referenced ids checked against the scope with one answer for "missing" and
"not yours", staff cannot change their own area or those above, and a conflict's old
value is bounded and checked against what the server stored."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.server.conftest import Api, World, household, new_id, op

PHOTO = b"\xff\xd8\xff another scope's photo"
SHA = hashlib.sha256(PHOTO).hexdigest()
URL = f"/api/v1/attachments/{SHA}"


def _visit(world: World, hid: str, **extra: Any) -> dict[str, Any]:
    return {
        "household_id": hid,
        "grid_id": world.areas["G1"],
        "visitor": "w1",
        "visited_at": "2026-11-01T08:00:00+08:00",
        **extra,
    }


def _same_answer(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["status"] == b["status"] == "rejected"
    assert (a["reason"], a["message"], a["field"]) == (b["reason"], b["message"], b["field"])


def test_knowing_a_hash_does_not_buy_another_scopes_upload(api: Api, world: World) -> None:
    """w3 (another township) uploaded a photo and has not referenced it yet. w1 knows its
    SHA-256 and size: attaching it answers as if the bytes were not there, and it can
    neither download nor probe it. (Before: the attach succeeded and GET returned it.)"""
    w3 = api.login("w3")
    assert api.client.put(URL, content=PHOTO, headers=w3).status_code == 201
    w1 = api.login("w1")
    meta = {"mime": "image/jpeg", "size": len(PHOTO)}
    [hijack] = api.push(w1, [op("attachment", SHA, changes=meta)])
    other = hashlib.sha256(b"never uploaded").hexdigest()
    [absent] = api.push(w1, [op("attachment", other, changes=meta)])
    _same_answer(hijack, absent)
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    [in_visit] = api.push(
        w1, [op("visit", new_id(), changes=_visit(world, hid, attachments=[SHA]), seq=2)]
    )
    assert (in_visit["reason"], in_visit["field"]) == ("not_found", "attachments")
    assert api.client.get(URL, headers=w1).status_code == 404
    assert api.client.head(URL, headers=w1).status_code == 404
    # w3 references it: it becomes visible in w3's scope, still not in w1's.
    [mine] = api.push(w3, [op("attachment", SHA, changes=meta)])
    assert mine["status"] == "applied"
    assert api.client.get(URL, headers=api.login("t2")).content == PHOTO
    assert api.client.get(URL, headers=w1).status_code == 404
    # Holding the bytes is proof enough: w1 uploads them itself (201, as for new bytes:
    # the answer says nothing about other people's uploads) and may use them.
    assert api.client.put(URL, content=PHOTO, headers=w1).status_code == 201
    assert api.client.put(URL, content=PHOTO, headers=w1).status_code == 200
    [ok] = api.push(
        w1, [op("visit", new_id(), changes=_visit(world, hid, attachments=[SHA]), seq=3)]
    )
    assert ok["status"] == "applied"
    assert api.client.get(URL, headers=w1).content == PHOTO


def _micro_grid(api: Api, world: World, parent: str, code: str, user: str) -> str:
    mid = new_id()
    [r] = api.push(
        api.login(user),
        [
            op(
                "area",
                mid,
                changes={
                    "code": code,
                    "name": "微网格",
                    "level": "micro_grid",
                    "parent_id": world.areas[parent],
                },
            )
        ],
    )
    assert r["status"] == "applied", r
    return mid


def test_referenced_ids_are_checked_against_the_scope(api: Api, world: World) -> None:
    """micro_grid_id, corrects_id, household_id and event_id of another scope answer
    exactly like ids that do not exist (before: micro_grid_id and corrects_id were only
    checked for existence, an oracle and a cross-scope link)."""
    foreign_micro = _micro_grid(api, world, "G3", "320101101201001001", "t2")
    own_micro = _micro_grid(api, world, "G1", "320101001001001001", "t1")
    w1 = api.login("w1")
    [foreign] = api.push(
        w1,
        [
            op(
                "household",
                new_id(),
                changes=household(world.areas["G1"], micro_grid_id=foreign_micro),
            )
        ],
    )
    [missing] = api.push(
        w1,
        [op("household", new_id(), changes=household(world.areas["G1"], micro_grid_id=new_id()))],
    )
    _same_answer(foreign, missing)
    assert foreign["field"] == "micro_grid_id"
    [grid_as_micro] = api.push(
        w1,
        [
            op(
                "household",
                new_id(),
                changes=household(world.areas["G1"], micro_grid_id=world.areas["G1"]),
            )
        ],
    )
    assert (grid_as_micro["reason"], grid_as_micro["field"]) == ("invalid_field", "micro_grid_id")
    hid = new_id()
    [ok] = api.push(
        w1, [op("household", hid, changes=household(world.areas["G1"], micro_grid_id=own_micro))]
    )
    assert ok["status"] == "applied"

    # A visit in w3's township, then w1 "corrects" it.
    w3 = api.login("w3")
    h3, v3 = new_id(), new_id()
    api.push(w3, [op("household", h3, changes=household(world.areas["G3"]))])
    visit3 = {**_visit(world, h3), "grid_id": world.areas["G3"], "visitor": "w3"}
    [applied] = api.push(w3, [op("visit", v3, changes=visit3, seq=2)])
    assert applied["status"] == "applied"
    [foreign] = api.push(w1, [op("visit", new_id(), changes=_visit(world, hid, corrects_id=v3))])
    [missing] = api.push(
        w1, [op("visit", new_id(), changes=_visit(world, hid, corrects_id=new_id()))]
    )
    _same_answer(foreign, missing)
    assert foreign["field"] == "corrects_id"

    # An event naming another scope's household; an action on another scope's event.
    event = {
        "grid_id": world.areas["G1"],
        "category_code": "D001",
        "ledger": "suggestion",
        "urgency": "normal",
        "title": "t",
        "reporter": "w1",
        "reported_at": "2026-11-01T08:00:00+08:00",
    }
    [foreign] = api.push(w1, [op("event", new_id(), changes={**event, "household_id": h3})])
    [missing] = api.push(w1, [op("event", new_id(), changes={**event, "household_id": new_id()})])
    _same_answer(foreign, missing)


def test_township_staff_cannot_change_their_own_area_or_above(api: Api, world: World) -> None:
    t1 = api.login("t1")
    own = world.areas["T1"]
    county = world.areas["county"]
    results = api.push(
        t1,
        [
            op("area", own, "update", {"name": "改名"}, base_version=1),
            op("area", own, "delete", base_version=1, seq=2),
            op("area", county, "update", {"name": "改名"}, base_version=1, seq=3),
            op("area", world.areas["V1"], "update", {"name": "幸福新社区"}, base_version=1, seq=4),
        ],
    )
    assert [r["reason"] for r in results[:3]] == ["out_of_scope"] * 3
    assert "本人所属区划" in results[0]["message"]
    assert results[3]["status"] == "applied"
    page, _ = api.pull_all(api.login("admin"))
    names = {c["id"]: c["fields"]["name"] for c in page["changes"] if c["entity"] == "area"}
    assert names[own] == "东街道" and names[county] == "示例区"
    # Another township's area answers like a missing one.
    [other] = api.push(t1, [op("area", world.areas["T2"], "update", {"name": "x"}, base_version=1)])
    [ghost] = api.push(t1, [op("area", new_id(), "update", {"name": "x"}, base_version=1)])
    _same_answer(other, ghost)


def _conflicts(api: Api, user: str) -> list[dict[str, Any]]:
    page, _ = api.pull_all(api.login(user))
    return list(page["conflicts"])


def test_conflict_old_value_is_checked_against_the_server(api: Api, world: World) -> None:
    """The "修改前" of a conflict is what the server stored, not whatever the client
    claims: a forged old value is not shown to anyone (base unknown), an honest one is."""
    w1, wv = api.login("w1"), api.login("wv")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"], phone="13800000001"))])
    api.push(
        w1,
        [
            op(
                "household",
                hid,
                "update",
                {"phone": "13800000002"},
                base_version=1,
                seq=2,
                old={"phone": "13800000001"},
            )
        ],
    )
    [honest] = api.push(
        wv,
        [
            op(
                "household",
                hid,
                "update",
                {"phone": "13800000003"},
                base_version=1,
                old={"phone": "13800000001"},
            )
        ],
    )
    assert honest["status"] == "conflict"
    [merged] = api.push(wv, [op("household", hid, "update", {"notes": "x"}, base_version=1, seq=2)])
    assert merged["status"] in ("applied", "merged")
    api.push(
        w1,
        [op("household", hid, "update", {"notes": "y"}, base_version=3, seq=3, old={"notes": "x"})],
    )
    [lie] = api.push(
        wv,
        [
            op(
                "household",
                hid,
                "update",
                {"notes": "z"},
                base_version=3,
                seq=3,
                old={"notes": '<h1 style="color:red">巨大警告：请立即转账</h1>'},
            )
        ],
    )
    assert lie["status"] == "conflict"
    by_id = {c["id"]: c for c in _conflicts(api, "t1")}
    assert by_id[honest["conflict_id"]]["base_value"] == "13800000001"
    assert by_id[lie["conflict_id"]]["base_value"] is None
    assert by_id[lie["conflict_id"]]["server_value"] == "y"


def test_oversized_old_values_are_refused(api: Api, world: World) -> None:
    """5 MB of "old value" was accepted, logged and shown as "修改前"."""
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    huge = "假" * (1024 * 1024)
    [result] = api.push(
        w1, [op("household", hid, "update", {"notes": "n"}, base_version=1, old={"notes": huge})]
    )
    assert (result["status"], result["reason"], result["field"]) == (
        "rejected",
        "invalid_field",
        "notes",
    )
    assert "原值过长" in result["message"]
