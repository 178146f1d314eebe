"""巡查 on the server: a patrol sits in its grid's scope (a worker writes patrols only in
their own grids, township staff read and write their township's), its day and times are
judged as the form judges them, its photos must be uploaded first, and the events it
reported are linked by id without being looked up (a refused event never holds the
patrol back)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import CST
from gridcore.domain.enums import EntityKind
from gridcore.protocol import CLIENT_VERSION_HEADER, kinds_unknown_to
from tests.server.conftest import Api, World, new_id, op


def patrol(grid_id: str, **extra: Any) -> dict[str, Any]:
    day = today_cst()
    return {
        "grid_id": grid_id,
        "patroller": "w1",
        "patrol_date": day.isoformat(),
        "route": "村委会—幸福街—河堤",
        "findings": "河堤护栏松动一处",
        **extra,
    }


def _patrols(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in page["changes"] if c["entity"] == "patrol"}


def test_a_worker_writes_patrols_in_their_grid_only(api: Api, world: World) -> None:
    w1 = api.login("w1")
    own, other = new_id(), new_id()
    results = api.push(
        w1,
        [
            op("patrol", own, changes=patrol(world.areas["G1"])),
            op("patrol", other, changes=patrol(world.areas["G2"]), seq=2),
        ],
    )
    assert results[0]["status"] == "applied"
    # Another grid answers like a grid that does not exist (no existence oracle).
    assert (results[1]["status"], results[1]["reason"], results[1]["field"]) == (
        "rejected",
        "not_found",
        "grid_id",
    )
    # Moving one's own patrol into another grid is refused the same way.
    [moved] = api.push(
        w1,
        [op("patrol", own, "update", {"grid_id": world.areas["G2"]}, base_version=1, seq=3)],
    )
    assert (moved["status"], moved["field"]) == ("rejected", "grid_id")
    # The worker of the other grid does not see it, township staff do (and may edit it).
    w2_page, _ = api.pull_all(api.login("w2"))
    assert own not in _patrols(w2_page)
    t1 = api.login("t1")
    t1_page, _ = api.pull_all(t1)
    assert _patrols(t1_page)[own]["fields"]["findings"] == "河堤护栏松动一处"
    [edited] = api.push(
        t1, [op("patrol", own, "update", {"notes": "已督办"}, base_version=1)], device="dev-t1"
    )
    assert edited["status"] == "applied"
    # Staff of another township cannot reach it.
    [foreign] = api.push(
        api.login("t2"),
        [op("patrol", own, "update", {"notes": "x"}, base_version=2)],
        device="dev-t2",
    )
    assert foreign["status"] == "rejected"


def test_a_patrol_must_be_in_a_grid(api: Api, world: World) -> None:
    [village] = api.push(
        api.login("t1"), [op("patrol", new_id(), changes=patrol(world.areas["V1"]))]
    )
    assert (village["status"], village["field"]) == ("rejected", "grid_id")
    assert village["message"] == "所属网格必须是“网格”级别的区划"


def test_day_and_times_are_judged_with_chinese_messages(api: Api, world: World) -> None:
    w1 = api.login("w1")
    grid = world.areas["G1"]
    day = today_cst()
    start = f"{day.isoformat()}T08:00:00+08:00"
    results = api.push(
        w1,
        [
            op(
                "patrol",
                new_id(),
                changes=patrol(grid, patrol_date=(day + timedelta(days=5)).isoformat()),
            ),
            op(
                "patrol",
                new_id(),
                changes=patrol(
                    grid, started_at=start, ended_at=f"{day.isoformat()}T07:00:00+08:00"
                ),
                seq=2,
            ),
            op(
                "patrol",
                new_id(),
                changes=patrol(
                    grid,
                    patrol_date=(day - timedelta(days=3)).isoformat(),
                    started_at=start,
                ),
                seq=3,
            ),
            op("patrol", new_id(), changes=patrol(grid, patroller=None), seq=4),
            op("patrol", new_id(), changes=patrol(grid, findings="坏\x00字"), seq=5),
        ],
    )
    assert [r["status"] for r in results] == ["rejected"] * 5
    assert (results[0]["field"], results[0]["message"]) == (
        "patrol_date",
        f"巡查日期（{(day + timedelta(days=5)).isoformat()}）不能晚于今天",
    )
    assert (results[1]["field"], results[1]["message"]) == ("ended_at", "结束时间不能早于开始时间")
    assert (results[2]["field"], results[2]["message"]) == (
        "started_at",
        "开始时间须在巡查日期当天",
    )
    assert results[3]["field"] == "patroller"
    assert results[4]["field"] == "findings" and "发现问题含有空字符" in results[4]["message"]


def test_a_night_patrol_ends_the_next_morning_but_not_a_day_later(api: Api, world: World) -> None:
    """22:00 to 01:30 the next day is stored; an end more than 24 hours after the start is
    refused with the form's message."""
    w1 = api.login("w1")
    grid = world.areas["G1"]
    day = today_cst() - timedelta(days=1)
    start = f"{day.isoformat()}T22:00:00+08:00"
    night, long = new_id(), new_id()
    results = api.push(
        w1,
        [
            op(
                "patrol",
                night,
                changes=patrol(
                    grid,
                    patrol_date=day.isoformat(),
                    started_at=start,
                    ended_at=f"{(day + timedelta(days=1)).isoformat()}T01:30:00+08:00",
                ),
            ),
            op(
                "patrol",
                long,
                changes=patrol(
                    grid,
                    patrol_date=day.isoformat(),
                    started_at=start,
                    ended_at=f"{(day + timedelta(days=1)).isoformat()}T22:01:00+08:00",
                ),
                seq=2,
            ),
        ],
    )
    assert results[0]["status"] == "applied"
    assert (results[1]["status"], results[1]["field"], results[1]["message"]) == (
        "rejected",
        "ended_at",
        "结束时间不能晚于开始时间24小时",
    )
    page, _ = api.pull_all(w1)
    stored = _patrols(page)[night]["fields"]
    ended = datetime.fromisoformat(stored["ended_at"]).astimezone(CST)
    assert (ended.date(), ended.hour, ended.minute) == (day + timedelta(days=1), 1, 30)
    assert long not in _patrols(page)


def test_photos_are_uploaded_first_and_events_linked_by_id(api: Api, world: World) -> None:
    w1 = api.login("w1")
    data = b"\xff\xd8 a patrol photo"
    sha = hashlib.sha256(data).hexdigest()
    pid = new_id()
    [early] = api.push(
        w1, [op("patrol", pid, changes=patrol(world.areas["G1"], attachments=[sha]))]
    )
    assert (early["reason"], early["field"]) == ("not_found", "attachments")
    api.client.put(f"/api/v1/attachments/{sha}", content=data, headers=w1)
    # An event id nobody has pushed is accepted: the link is informational.
    linked = [new_id()]
    [ok] = api.push(
        w1,
        [
            op(
                "patrol",
                pid,
                changes=patrol(world.areas["G1"], attachments=[sha], event_ids=linked),
                seq=2,
            )
        ],
    )
    assert ok["status"] == "applied"
    bad_ids = api.push(
        w1,
        [
            op("patrol", pid, "update", {"event_ids": ["not-an-id"]}, base_version=1, seq=3),
            op("patrol", pid, "update", {"event_ids": linked * 2}, base_version=1, seq=4),
        ],
    )
    assert [(r["status"], r["field"]) for r in bad_ids] == [("rejected", "event_ids")] * 2
    assert bad_ids[0]["message"] == "上报事件的标识无效"
    assert bad_ids[1]["message"] == "上报事件中有重复的事件"
    page, _ = api.pull_all(api.login("t1"))
    fields = _patrols(page)[pid]["fields"]
    assert fields["attachments"] == [sha] and fields["event_ids"] == linked


def test_a_client_from_before_patrols_gets_no_patrol_conflicts(api: Api, world: World) -> None:
    """Patrols came with 0.5.0 (``KIND_SINCE``): a 0.4.0 laptop's pull pages carry the
    patrol records (it keeps them aside until upgraded) but not their conflicts, which its
    page parser would refuse; a 0.5.0 laptop gets both."""
    assert EntityKind.PATROL in kinds_unknown_to((0, 4))
    assert EntityKind.PATROL not in kinds_unknown_to((0, 5))
    w1, t1 = api.login("w1"), api.login("t1")
    pid = new_id()
    api.push(w1, [op("patrol", pid, changes=patrol(world.areas["G1"]))])
    api.push(w1, [op("patrol", pid, "update", {"notes": "甲"}, base_version=1, seq=2)])
    [second] = api.push(
        t1, [op("patrol", pid, "update", {"notes": "乙"}, base_version=1)], device="dev-t1"
    )
    assert second["status"] == "conflict"
    old, _ = api.pull_all({**w1, CLIENT_VERSION_HEADER: "0.4.0"})
    new, _ = api.pull_all({**w1, CLIENT_VERSION_HEADER: "0.5.0"})
    assert pid in _patrols(old) and pid in _patrols(new)
    assert [c["entity"] for c in old["conflicts"]] == []
    assert [c["entity"] for c in new["conflicts"]] == ["patrol"]
