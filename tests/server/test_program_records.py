"""Program records (帮扶记录) on the server: scoped through their household's grid (and
moved with it), the record rules of gridcore.domain.programs on every op that touches
them, the merged result judged."""

from __future__ import annotations

from typing import Any

from gridcore.protocol import CLIENT_VERSION_HEADER
from tests.server.conftest import Api, World, household, new_id, op


def _record(household_id: str, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "household_id": household_id,
        "program": "monitored",
        "started_on": "2026-03-02",
        "status": "identified",
        "risk_type": "illness",
    }
    values.update(extra)
    return values


def _ids(page: dict[str, Any], entity: str) -> set[str]:
    return {c["id"] for c in page["changes"] if c["entity"] == entity}


def _new(headers: dict[str, str]) -> dict[str, str]:
    """Headers of a client that knows program records (0.6)."""
    return {**headers, CLIENT_VERSION_HEADER: "0.6.0"}


def test_a_record_lives_in_its_households_grid(api: Api, world: World) -> None:
    w1 = _new(api.login("w1"))
    hid, pid = new_id(), new_id()
    results = api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("program_record", pid, changes=_record(hid), seq=2),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    page, _ = api.pull_all(w1)
    assert _ids(page, "program_record") == {pid}
    # The worker of another grid neither sees it nor may add one to that household.
    w2 = _new(api.login("w2"))
    page, _ = api.pull_all(w2)
    assert _ids(page, "program_record") == set()
    [other] = api.push(w2, [op("program_record", new_id(), changes=_record(hid))])
    assert other["status"] == "rejected" and other["reason"] == "not_found"
    assert "住户不存在" in other["message"]
    # The township sees it.
    page, _ = api.pull_all(_new(api.login("t1")))
    assert _ids(page, "program_record") == {pid}


def test_the_record_rules_are_enforced_with_chinese_messages(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    cases = [
        (_record(hid, risk_type=None), "risk_type", "须填写风险类型"),
        (_record(hid, status=None), "status", "须填写监测状态"),
        (_record(hid, ended_on="2026-01-01", status="cleared"), "ended_on", "不能早于"),
        (_record(hid, status="cleared"), "ended_on", "须填写消除或终止日期"),
        (_record(hid, ended_on="2026-09-01"), "status", "风险已消除"),
        (_record(hid, status="assisting"), "measures", "须填写帮扶措施"),
        (
            _record(hid, program="minimum_living", risk_type=None),
            "status",
            "低保记录没有监测状态",
        ),
        (_record(hid, amount=-5), "amount", "超出允许范围"),
    ]
    # A record without its start day or with an unknown program is refused too.
    missing = _record(hid)
    del missing["started_on"]
    [result] = api.push(w1, [op("program_record", new_id(), changes=missing)])
    assert result["status"] == "rejected" and result["reason"] == "missing_field"
    [result] = api.push(w1, [op("program_record", new_id(), changes=_record(hid, program="五保"))])
    assert result["status"] == "rejected" and result["field"] == "program"
    for seq, (fields, field, message) in enumerate(cases, start=1):
        [result] = api.push(w1, [op("program_record", new_id(), changes=fields, seq=seq)])
        assert result["status"] == "rejected", fields
        assert result["field"] == field, (fields, result)
        assert message in result["message"], (fields, result["message"])


def test_the_merged_record_is_judged_and_the_life_cycle_closes(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid, pid = new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("program_record", pid, changes=_record(hid), seq=2),
        ],
    )
    t1 = api.login("t1")
    # 风险已消除 without the day the risk was cleared: refused.
    [refused] = api.push(
        t1,
        [
            op(
                "program_record",
                pid,
                "update",
                {"status": "cleared"},
                base_version=1,
                old={"status": "identified"},
            )
        ],
    )
    assert refused["status"] == "rejected" and refused["field"] == "ended_on"
    [closed] = api.push(
        t1,
        [
            op(
                "program_record",
                pid,
                "update",
                {"status": "cleared", "ended_on": "2026-11-20", "measures": "医疗救助"},
                base_version=1,
                old={"status": "identified", "ended_on": None, "measures": ""},
                seq=2,
            )
        ],
    )
    assert closed["status"] == "applied"
    page, _ = api.pull_all(w1)
    [change] = [c for c in page["changes"] if c["id"] == pid]
    assert change["fields"]["status"] == "cleared"
    assert change["fields"]["ended_on"] == "2026-11-20"


def test_moving_a_household_moves_its_records(api: Api, world: World) -> None:
    w1 = _new(api.login("w1"))
    hid, pid = new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("program_record", pid, changes=_record(hid), seq=2),
        ],
    )
    _, w1_cursor = api.pull_all(w1)
    w2 = _new(api.login("w2"))
    _, w2_cursor = api.pull_all(w2)
    [moved] = api.push(
        api.login("t1"),
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
    assert ("program_record", pid) in {(e["entity"], e["id"]) for e in page["evictions"]}
    page, _ = api.pull_all(w2, w2_cursor)
    assert _ids(page, "program_record") == {pid}
    # The worker of the new grid may now edit it.
    [edited] = api.push(
        w2,
        [
            op(
                "program_record",
                pid,
                "update",
                {"notes": "已迁入本网格"},
                base_version=1,
                old={"notes": ""},
            )
        ],
    )
    assert edited["status"] == "applied"


def test_a_0_5_laptop_gets_the_records_but_not_their_evictions(api: Api, world: World) -> None:
    """KIND_SINCE: program records came with 0.6; an older laptop (0.5.0 knew patrols,
    mediations and places but not these) keeps them aside (held records) and its page
    parser would refuse an eviction of the kind."""
    old = {**api.login("w1"), CLIENT_VERSION_HEADER: "0.5.0"}
    hid, pid = new_id(), new_id()
    api.push(
        old,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("program_record", pid, changes=_record(hid), seq=2),
        ],
    )
    page, cursor = api.pull_all(old)
    assert _ids(page, "program_record") == {pid}
    api.push(
        api.login("t1"),
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
    page, _ = api.pull_all(old, cursor)
    evicted = {(e["entity"], e["id"]) for e in page["evictions"]}
    assert ("household", hid) in evicted and ("program_record", pid) not in evicted
