"""The server applies the special-group rules of gridcore.domain.grouprules to every
resident op, so a laptop with an older form cannot store what the form refuses; the
area's 填报单位 (issuer) is set by the administrator and reaches the laptops."""

from __future__ import annotations

from datetime import date
from typing import Any

from gridcore.domain.agegroups import today_cst
from gridserver import admin
from gridserver.db import Database
from tests.server.conftest import Api, World, household, new_id, op, resident


def _born(age: int) -> str:
    today = today_cst()
    return date(today.year - age, 1, 1).isoformat()


def _one(api: Api, headers: dict[str, str], ops: list[dict[str, Any]]) -> dict[str, Any]:
    results = api.push(headers, ops)
    return results[-1]


def test_left_behind_woman_on_a_man_is_rejected_with_a_chinese_message(
    api: Api, world: World
) -> None:
    w1 = api.login("w1")
    hid = new_id()
    result = _one(
        api,
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op(
                "resident",
                new_id(),
                changes=resident(hid, gender="male", tags=["left_behind_woman"]),
                seq=2,
            ),
        ],
    )
    assert result["status"] == "rejected"
    assert result["reason"] == "invalid_field" and result["field"] == "tags"
    assert "“留守妇女”只能标注女性" in result["message"]


def test_age_rules_on_create_and_when_a_tag_is_added(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid, child, teen = new_id(), new_id(), new_id()
    results = api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op(
                "resident",
                child,
                changes=resident(hid, birth_date=_born(10), tags=["left_behind_child"]),
                seq=2,
            ),
            op(
                "resident",
                teen,
                changes=resident(hid, birth_date=_born(17), tags=["left_behind_child"]),
                seq=3,
            ),
            op("resident", teen, changes=resident(hid, birth_date=_born(17)), seq=4),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "applied"]
    assert "“留守儿童”须未满16周岁" in results[2]["message"]
    # Adding the tag later is judged the same way.
    [added] = api.push(
        w1,
        [
            op(
                "resident",
                teen,
                "update",
                {"tags": ["key_youth", "left_behind_child"]},
                base_version=1,
                seq=5,
            )
        ],
    )
    assert added["status"] == "rejected" and "留守儿童" in added["message"]


def test_an_aged_out_tag_does_not_block_other_edits(api: Api, world: World, db: Database) -> None:
    """A 留守儿童 tag stored when the child was 15 stays (it is only no longer counted):
    editing the phone or adding another tag is accepted; changing the gender of a
    record carrying 留守妇女 is judged."""
    w1 = api.login("w1")
    hid, rid, woman = new_id(), new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", rid, changes=resident(hid, tags=["left_behind_child"]), seq=2),
            op(
                "resident",
                woman,
                changes=resident(hid, gender="female", tags=["left_behind_woman"]),
                seq=3,
            ),
        ],
    )
    # The birth date arrives afterwards from another edit: the person is 17 by now.
    [dated] = api.push(
        w1, [op("resident", rid, "update", {"birth_date": _born(17)}, base_version=1, seq=4)]
    )
    assert dated["status"] == "rejected"  # the edit that makes the tag wrong is judged
    [phone] = api.push(
        w1, [op("resident", rid, "update", {"phone": "13800000000"}, base_version=1, seq=5)]
    )
    assert phone["status"] == "applied"
    [gender] = api.push(
        w1, [op("resident", woman, "update", {"gender": "male"}, base_version=1, seq=6)]
    )
    assert gender["status"] == "rejected" and "留守妇女" in gender["message"]


def test_guardian_and_certificate_fields_round_trip(api: Api, world: World) -> None:
    w1 = api.login("w1")
    hid, rid = new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op(
                "resident",
                rid,
                changes=resident(
                    hid,
                    birth_date=_born(9),
                    tags=["left_behind_child", "disabled"],
                    guardian="祖母 李秀英",
                    guardian_phone="13912345678",
                    disability_certificate="11010519491231002X11",
                ),
                seq=2,
            ),
        ],
    )
    page, _ = api.pull_all(w1)
    [row] = [c for c in page["changes"] if c["id"] == rid]
    assert row["fields"]["guardian"] == "祖母 李秀英"
    assert row["fields"]["guardian_phone"] == "13912345678"
    assert row["fields"]["disability_certificate"] == "11010519491231002X11"


def test_issuer_is_set_by_the_administrator_and_synced(
    api: Api, world: World, db: Database
) -> None:
    w1 = api.login("w1")
    _, cursor = api.pull_all(w1)
    admin.set_issuer(db, "320101001000", "  东街道办事处 ")
    page, _ = api.pull_all(w1, cursor)
    [area] = [c for c in page["changes"] if c["id"] == world.areas["T1"]]
    assert area["fields"]["issuer"] == "东街道办事处"
    # A worker may not change it.
    [refused] = api.push(
        w1,
        [
            op(
                "area",
                world.areas["T1"],
                "update",
                {"issuer": "别的单位"},
                base_version=area["version"],
            )
        ],
    )
    assert refused["status"] == "rejected"
