"""Places (地、物) and their inspection records on the server: scoped by the place's grid
like households, inspections appended under their place and moved with it, bad values
answered per op in Chinese."""

from __future__ import annotations

from typing import Any

from gridcore.protocol import CLIENT_VERSION_HEADER
from tests.server.conftest import Api, World, new_id, op


def place(grid_id: str, **extra: Any) -> dict[str, Any]:
    return {"grid_id": grid_id, "name": "惠民超市", "kind": "shop", **extra}


def inspection(place_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "place_id": place_id,
        "inspector": "w1",
        "inspected_on": "2026-11-20",
        "hazards": "灭火器过期",
        "rectify_by": "2026-11-27",
        **extra,
    }


def _ids(page: dict[str, Any], entity: str) -> set[str]:
    return {c["id"] for c in page["changes"] if c["entity"] == entity}


def test_a_place_and_its_inspection_reach_the_grid_and_township_only(
    api: Api, world: World
) -> None:
    w1 = api.login("w1")
    pid, iid = new_id(), new_id()
    results = api.push(
        w1,
        [
            op("place", pid, changes=place(world.areas["G1"], risk_level="major", is_key=True)),
            op("place_inspection", iid, changes=inspection(pid), seq=2),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    for user, sees in {"w1": True, "wv": True, "t1": True, "admin": True, "w2": False}.items():
        page, _ = api.pull_all(api.login(user))
        expected = {pid} if sees else set()
        assert _ids(page, "place") == expected, user
        assert _ids(page, "place_inspection") == ({iid} if sees else set()), user
    for user in ("w3", "t2"):
        page, _ = api.pull_all(api.login(user))
        assert not _ids(page, "place") and not _ids(page, "place_inspection"), user
    page, _ = api.pull_all(w1)
    [check] = [c for c in page["changes"] if c["entity"] == "place_inspection"]
    assert check["fields"]["server_at"] is not None  # stamped by the server
    [stored] = [c for c in page["changes"] if c["entity"] == "place"]
    assert stored["fields"]["risk_level"] == "major" and stored["fields"]["is_key"] is True


def test_a_worker_cannot_write_a_place_or_a_check_in_another_grid(api: Api, world: World) -> None:
    w3 = api.login("w3")
    far = new_id()
    api.push(w3, [op("place", far, changes=place(world.areas["G3"]))])
    w1 = api.login("w1")
    results = api.push(
        w1,
        [
            op("place", new_id(), changes=place(world.areas["G3"])),
            op("place_inspection", new_id(), changes=inspection(far), seq=2),
            op("place", far, "update", {"name": "改名"}, base_version=1, seq=3),
        ],
    )
    # A record the worker cannot see answers exactly like a missing one.
    assert [r["reason"] for r in results] == ["not_found", "not_found", "not_found"]
    assert results[0]["message"] == "引用的区划不存在（可能尚未同步到服务器）"
    assert results[1]["message"] == "引用的场所不存在（可能尚未同步到服务器）"
    assert results[1]["field"] == "place_id"
    assert results[2]["message"] == "场所不存在（可能尚未同步到服务器）"


def test_inspections_are_append_only(api: Api, world: World) -> None:
    w1 = api.login("w1")
    pid, iid = new_id(), new_id()
    api.push(
        w1,
        [
            op("place", pid, changes=place(world.areas["G1"])),
            op("place_inspection", iid, changes=inspection(pid), seq=2),
        ],
    )
    [edit] = api.push(
        w1, [op("place_inspection", iid, "update", {"hazards": ""}, base_version=1, seq=3)]
    )
    assert edit["status"] == "rejected"
    # A recheck is a new record; two workers' checks of one place never conflict.
    t1 = api.login("t1")
    results = api.push(
        t1,
        [
            op(
                "place_inspection",
                new_id(),
                changes=inspection(pid, inspector="t1", rectified=True, rectify_by=None),
            )
        ],
    )
    assert results[0]["status"] == "applied"


def test_bad_values_are_answered_in_chinese(api: Api, world: World) -> None:
    w1 = api.login("w1")
    pid = new_id()
    api.push(w1, [op("place", pid, changes=place(world.areas["G1"]))])
    cases = [
        (op("place", new_id(), changes=place(world.areas["G1"], kind="mall")), "kind"),
        (op("place", new_id(), changes=place(world.areas["G1"], risk_level="huge")), "risk_level"),
        (op("place", new_id(), changes=place(world.areas["G1"], name="超\x00市")), "name"),
        (op("place", new_id(), changes=place(world.areas["G1"], micro_grid_id=world.areas["G1"])),
         "micro_grid_id"),
        (op("place", new_id(), changes={"grid_id": world.areas["G1"]}), "name"),
        (op("place", new_id(), changes=place(world.areas["V1"])), "grid_id"),  # above w1
        (op("place_inspection", new_id(), changes=inspection(pid, inspected_on="2026-13-01")),
         "inspected_on"),
        (op("place_inspection", new_id(), changes=inspection(new_id())), "place_id"),
        (op("place_inspection", new_id(), changes=inspection(pid, rectify_by="2026-11-19")),
         "rectify_by"),
        (op("place_inspection", new_id(), changes=inspection(pid, hazards="", findings="")),
         "findings"),
    ]  # fmt: skip
    results = api.push(w1, [case for case, _ in cases])
    assert [r["status"] for r in results] == ["rejected"] * len(cases)
    assert [r["field"] for r in results] == [field for _, field in cases]
    messages = [r["message"] for r in results]
    assert "场所名称含有空字符" in messages[2]
    assert messages[3] == "所属微网格必须是“微网格”级别的区划"
    assert messages[4] == "缺少必填字段：name"
    assert messages[5] == "该记录不在您的管辖范围内，无权查看或修改"
    assert messages[8:] == ["整改期限不能早于检查日期", "请填写检查情况或发现的隐患"]
    [village] = api.push(api.login("wv"), [op("place", new_id(), changes=place(world.areas["V1"]))])
    assert village["message"] == "所属网格必须是“网格”级别的区划"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)


def _as(headers: dict[str, str], version: str) -> dict[str, str]:
    return {**headers, CLIENT_VERSION_HEADER: version}


def test_moving_a_place_moves_its_inspections(api: Api, world: World) -> None:
    """A 0.5.0 laptop losing the place is told to drop it and its checks; a 0.4.0 one
    (which knows neither kind, see ``KIND_SINCE``) gets the records, kept aside, but no
    eviction its page parser would refuse."""
    w1 = _as(api.login("w1"), "0.5.0")
    pid, iid = new_id(), new_id()
    api.push(
        w1,
        [
            op("place", pid, changes=place(world.areas["G1"])),
            op("place_inspection", iid, changes=inspection(pid), seq=2),
        ],
    )
    _, w1_cursor = api.pull_all(w1)
    w1_old = _as(w1, "0.4.0")
    _, w1_old_cursor = api.pull_all(w1_old)
    w2 = _as(api.login("w2"), "0.5.0")
    _, w2_cursor = api.pull_all(w2)
    [moved] = api.push(
        api.login("t1"),
        [
            op(
                "place",
                pid,
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
        ("place", pid),
        ("place_inspection", iid),
    }
    page, _ = api.pull_all(w2, w2_cursor)
    assert _ids(page, "place") == {pid} and _ids(page, "place_inspection") == {iid}
    page, _ = api.pull_all(w1_old, w1_old_cursor)
    assert page["evictions"] == []
