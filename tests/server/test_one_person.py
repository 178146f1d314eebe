"""One person, one record: the server knows every ID number in use and refuses a second
registration anywhere, saying where the person is registered as far as the caller may
see; the township lists existing duplicates and merges them, keeping both histories."""

from __future__ import annotations

import io
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from gridcore.domain import idnumber
from gridcore.domain.enums import ChangeKind, EntityKind, Role
from gridcore.protocol import CLIENT_VERSION_HEADER, Op, OpResult, PushRequest
from gridserver import __version__, migrate, persons, sync
from gridserver.__main__ import main
from gridserver.db import Database, op_log, records, users
from gridserver.scope import Caller
from tests.server.conftest import Api, World, cli_url, household, new_id, op, resident

ZHANG = "11010519491231002X"
"""张桂芳's number (valid, female, born 1949)."""


def _login(api: Api, username: str) -> dict[str, str]:
    """Headers of a current client (the fixture's say 0.1.0, which predates the reason)."""
    return {**api.login(username), CLIENT_VERSION_HEADER: __version__}


def make_id(first17: str) -> str:
    return first17 + idnumber.check_character(first17)


def _register(
    api: Api, headers: dict[str, str], grid: str, ident: str, *, name: str = "张桂芳", **hh: Any
) -> tuple[str, str, list[dict[str, Any]]]:
    hid, rid = new_id(), new_id()
    results = api.push(
        headers,
        [
            op("household", hid, changes=household(grid, **hh)),
            op("resident", rid, changes=resident(hid, name=name, id_number=ident), seq=2),
        ],
    )
    return hid, rid, results


def test_the_same_number_from_a_second_grid_is_refused_naming_the_first(
    api: Api, world: World, db: Database
) -> None:
    w1, w2 = _login(api, "w1"), _login(api, "w2")
    _, first, results = _register(api, w1, world.areas["G1"], ZHANG, number="0012")
    assert [r["status"] for r in results] == ["applied", "applied"]
    # The second grid types it with a lower-case x: the same person.
    _, second, results = _register(api, w2, world.areas["G2"], ZHANG.lower(), address="和平路9号")
    household_result, answer = results
    assert household_result["status"] == "applied"  # the household itself is fine
    assert answer["status"] == "rejected"
    assert answer["reason"] == "registered_elsewhere"
    assert answer["field"] == "id_number"
    message = answer["message"]
    assert "幸福社区第一网格" in message
    assert "人户分离" in message and "申请迁移" in message
    # w2 may not see grid G1: neither the name nor the household is told.
    assert "张桂芳" not in message and "幸福路1号" not in message and "0012" not in message
    with db.engine.connect() as conn:
        stored = (
            conn.execute(select(records.c.id).where(records.c.id_number == ZHANG)).scalars().all()
        )
    assert stored == [first]
    page, _ = api.pull_all(_login(api, "t1"))
    assert second not in {c["id"] for c in page["changes"]}
    assert [c["fields"]["name"] for c in page["changes"] if c["entity"] == "resident"] == ["张桂芳"]


def test_staff_who_see_the_record_are_told_the_person_and_the_household(
    api: Api, world: World
) -> None:
    _register(api, _login(api, "w1"), world.areas["G1"], ZHANG, number="0012")
    _, _, results = _register(api, _login(api, "t1"), world.areas["G2"], ZHANG)
    answer = results[1]
    assert answer["reason"] == "registered_elsewhere"
    assert "张桂芳" in answer["message"]
    assert "幸福社区第一网格" in answer["message"]
    assert "户号 0012" in answer["message"] and "幸福路1号" in answer["message"]


def test_the_check_is_server_wide(api: Api, world: World) -> None:
    """Another township (T2) cannot register the person either, and sees only the grid."""
    _register(api, _login(api, "w1"), world.areas["G1"], ZHANG)
    _, _, results = _register(api, _login(api, "t2"), world.areas["G3"], ZHANG)
    answer = results[1]
    assert answer["reason"] == "registered_elsewhere"
    assert "幸福社区第一网格" in answer["message"] and "张桂芳" not in answer["message"]


def test_an_edit_to_a_number_in_use_is_refused_and_other_edits_pass(api: Api, world: World) -> None:
    w1, w2 = _login(api, "w1"), _login(api, "w2")
    _register(api, w1, world.areas["G1"], ZHANG)
    other = make_id("32010119800101001")
    _, rid, results = _register(api, w2, world.areas["G2"], other, name="李四")
    assert results[1]["status"] == "applied"
    [answer] = api.push(
        w2,
        [
            op(
                "resident",
                rid,
                "update",
                {"id_number": ZHANG},
                base_version=1,
                old={"id_number": other},
            )
        ],
    )
    assert (answer["status"], answer["reason"]) == ("rejected", "registered_elsewhere")
    [answer] = api.push(
        w2, [op("resident", rid, "update", {"phone": "13800000000"}, base_version=1)]
    )
    assert answer["status"] == "applied"


def test_the_same_number_twice_in_one_push(api: Api, world: World) -> None:
    w1 = _login(api, "w1")
    hid = new_id()
    results = api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", new_id(), changes=resident(hid, id_number=ZHANG), seq=2),
            op("resident", new_id(), changes=resident(hid, id_number=ZHANG), seq=3),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["reason"] == "registered_elsewhere"
    assert "张桂芳" not in results[2]["message"]  # resident() default name is 张三
    assert "张三" in results[2]["message"]  # w1 sees its own grid


def test_a_deleted_or_moved_out_record_frees_the_number(api: Api, world: World) -> None:
    w1, w2 = _login(api, "w1"), _login(api, "w2")
    _, rid, _ = _register(api, w1, world.areas["G1"], ZHANG)
    [deleted] = api.push(w1, [op("resident", rid, "delete", base_version=1)])
    assert deleted["status"] == "applied"
    hid, _, results = _register(api, w2, world.areas["G2"], ZHANG)
    assert results[1]["status"] == "applied"
    # That household moves out (迁出): its people are registered where they went.
    [moved] = api.push(
        w2, [op("household", hid, "update", {"moved_out_on": "2026-11-01"}, base_version=1)]
    )
    assert moved["status"] == "applied"
    _, _, results = _register(api, w1, world.areas["G1"], ZHANG)
    assert results[1]["status"] == "applied"


def test_restoring_a_deleted_duplicate_is_checked(api: Api, world: World, db: Database) -> None:
    """Keeping an edit that met a delete restores the record: the number is checked."""
    w1, w2 = _login(api, "w1"), _login(api, "w2")
    _, rid, _ = _register(api, w1, world.areas["G1"], ZHANG)
    api.push(w1, [op("resident", rid, "delete", base_version=1)], device="a")
    [edit] = api.push(
        w1, [op("resident", rid, "update", {"phone": "13800000000"}, base_version=1)], device="b"
    )
    assert edit["status"] == "conflict" and edit["reason"] == "deleted"
    _register(api, w2, world.areas["G2"], ZHANG)
    resolve = op("resident", rid, "resolve", base_version=2)
    resolve.update(conflict_id=edit["conflict_id"], keep="incoming")
    [answer] = api.push(w1, [resolve])
    assert (answer["status"], answer["reason"]) == ("rejected", "registered_elsewhere")


def test_two_grids_registering_at_once_get_one_record(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two pushes of the same number at the same moment: each looks, finds nobody and
    would insert, unless the number is locked until the first commits (PostgreSQL's
    advisory lock; SQLite serialises writers). Exactly one is applied."""
    for name in ("registrations", "held_numbers"):  # the two ways a push looks
        real = getattr(persons, name)

        def slow(*args: Any, real: Any = real, **kwargs: Any) -> Any:
            found = real(*args, **kwargs)
            time.sleep(0.3)  # looked, not inserted yet: the other push looks now
            return found

        monkeypatch.setattr(persons, name, slow)
    answers: dict[str, OpResult] = {}

    def register(username: str, grid: str) -> None:
        with db.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).one()
        caller = Caller(row.id, username, username, Role(row.role), row.scope_area_id, "d")
        hid = new_id()
        now = datetime.now(UTC)
        ops = [
            Op(
                op_id=uuid.uuid4(),
                seq=1,
                entity=EntityKind.HOUSEHOLD,
                entity_id=hid,
                kind=ChangeKind.CREATE,
                base_version=0,
                changes={"grid_id": (None, grid), "address": (None, "幸福路1号")},
                client_time=now,
            ),
            Op(
                op_id=uuid.uuid4(),
                seq=2,
                entity=EntityKind.RESIDENT,
                entity_id=new_id(),
                kind=ChangeKind.CREATE,
                base_version=0,
                changes={
                    "household_id": (None, hid),
                    "name": (None, "张桂芳"),
                    "id_number": (None, ZHANG),
                },
                client_time=now,
            ),
        ]
        response = sync.push(db, caller, PushRequest(device_id="d", ops=ops))
        answers[username] = response.results[1]

    threads = [
        threading.Thread(target=register, args=("w1", world.areas["G1"])),
        threading.Thread(target=register, args=("w2", world.areas["G2"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status for a in answers.values())
    assert statuses == ["applied", "rejected"], answers
    with db.engine.connect() as conn:
        holders = conn.execute(select(records.c.id).where(records.c.id_number == ZHANG)).all()
    assert len(holders) == 1


# --- existing duplicates: review and merge -------------------------------------------


def _legacy_resident(
    db: Database, household_id: str, grid_id: str, number: str, **fields: Any
) -> str:
    """A resident written before the check existed (the same person in two grids)."""
    rid = new_id()
    values = {"household_id": household_id, "name": "张桂芳", "id_number": number, **fields}
    with db.write() as conn:
        conn.execute(
            insert(records).values(
                kind="resident",
                id=rid,
                version=1,
                deleted=False,
                updated_at=datetime.now(UTC),
                seq=0,
                grid_id=grid_id,
                parent_id=household_id,
                fields=values,
                field_versions={},
                id_number=persons.registered_id("resident", values),
            )
        )
    return rid


def _duplicate_pair(api: Api, world: World, db: Database) -> tuple[str, str]:
    _, keep, _ = _register(api, _login(api, "w1"), world.areas["G1"], ZHANG, number="0012")
    hid = new_id()
    [applied] = api.push(
        _login(api, "w2"), [op("household", hid, changes=household(world.areas["G2"]))]
    )
    assert applied["status"] == "applied"
    drop = _legacy_resident(
        db, hid, world.areas["G2"], ZHANG, tags=["disabled"], phone="13912345678"
    )
    return keep, drop


def test_existing_duplicates_are_listed_and_do_not_block_unrelated_edits(
    api: Api, world: World, db: Database
) -> None:
    keep, drop = _duplicate_pair(api, world, db)
    [group] = list(persons.duplicates(db))
    assert group.id_number == ZHANG
    assert {r.resident_id for r in group.registrations} == {keep, drop}
    assert {r.grid_name for r in group.registrations} == {"幸福社区第一网格", "幸福社区第二网格"}
    assert list(persons.duplicates(db, world.areas["T1"]))  # the township's list
    assert not list(persons.duplicates(db, world.areas["T2"]))  # not another township's
    [answer] = api.push(
        _login(api, "w2"), [op("resident", drop, "update", {"workplace": "砖厂"}, base_version=1)]
    )
    assert answer["status"] == "applied"
    # Once that household moves out (迁出) its record is history, not a duplicate.
    with db.engine.connect() as conn:
        hid = conn.execute(select(records.c.parent_id).where(records.c.id == drop)).scalar_one()
    [moved] = api.push(
        _login(api, "w2"),
        [op("household", hid, "update", {"moved_out_on": "2026-11-01"}, base_version=1)],
    )
    assert moved["status"] == "applied"
    assert not list(persons.duplicates(db))


def test_merge_keeps_both_histories_and_tombstones_the_duplicate(
    api: Api, world: World, db: Database
) -> None:
    keep, drop = _duplicate_pair(api, world, db)
    t1 = _login(api, "t1")
    _, cursor = api.pull_all(t1)
    result = persons.merge_residents(db, keep, drop, "两网格重复导入")
    assert result.filled == ["phone"]
    page, _ = api.pull_all(t1, cursor)
    changed = {c["id"]: c for c in page["changes"]}
    assert changed[keep]["fields"]["tags"] == ["disabled"]
    assert changed[keep]["fields"]["phone"] == "13912345678"
    assert "幸福社区第二网格" in changed[keep]["fields"]["notes"]
    assert changed[drop]["deleted"] is True
    assert "已合并到 幸福社区第一网格" in changed[drop]["fields"]["notes"]
    assert "两网格重复导入" in changed[drop]["fields"]["notes"]
    assert not list(persons.duplicates(db))
    # The tombstone no longer holds the number; the kept record still does.
    with db.engine.connect() as conn:
        holders = (
            conn.execute(select(records.c.id).where(records.c.id_number == ZHANG)).scalars().all()
        )
    assert holders == [keep]
    with pytest.raises(persons.MergeError):
        persons.merge_residents(db, keep, drop)  # already merged


def test_merge_refuses_two_different_people(api: Api, world: World, db: Database) -> None:
    _, a, _ = _register(api, _login(api, "w1"), world.areas["G1"], ZHANG)
    _, b, _ = _register(
        api, _login(api, "w2"), world.areas["G2"], make_id("32010119800101001"), name="李四"
    )
    with pytest.raises(persons.MergeError, match="不是同一人"):
        persons.merge_residents(db, a, b)
    with pytest.raises(persons.MergeError):
        persons.merge_residents(db, a, new_id())


def test_cli_duplicates_and_merge(
    api: Api,
    world: World,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keep, drop = _duplicate_pair(api, world, db)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    capsys.readouterr()
    assert main(["--database", cli_url(db), "duplicates", "--area", "320101001000"]) == 0
    out = capsys.readouterr().out
    assert "110105********002X：登记 2 次" in out and ZHANG not in out
    assert keep in out and drop in out and "幸福社区第二网格" in out
    assert main(["--database", cli_url(db), "merge-residents", keep, drop]) == 0
    assert "已合并" in capsys.readouterr().out
    assert main(["--database", cli_url(db), "duplicates"]) == 0
    assert "没有重复登记" in capsys.readouterr().out
    assert main(["--database", cli_url(db), "merge-residents", keep, keep]) == 2
    assert "错误" in capsys.readouterr().err


def test_migration_with_existing_duplicates(tmp_path: Path) -> None:
    """A database that already holds the same person twice (and a tombstone, and a
    number typed with a lower-case x) upgrades; the duplicates are then listed."""
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        migrate.upgrade(db, "0004_event_terms")
        now = datetime.now(UTC)
        rows = [
            ("a", False, {"household_id": "h1", "name": "张桂芳", "id_number": ZHANG}),
            ("b", False, {"household_id": "h2", "name": "张桂芳", "id_number": ZHANG.lower()}),
            ("c", True, {"household_id": "h2", "name": "张桂芳", "id_number": ZHANG}),
            ("d", False, {"household_id": "h2", "name": "婴儿", "id_number": ""}),
            (
                "e",
                False,
                {
                    "household_id": "h2",
                    "name": "约翰",
                    "id_number": "E12345678",
                    "id_type": "passport",
                },
            ),
            (
                "f",
                False,
                {"household_id": "h2", "name": "某", "id_number": "X1", "id_type": "other"},
            ),
        ]
        with db.write() as conn:
            for rid, deleted, fields in rows:
                conn.exec_driver_sql(
                    "INSERT INTO records (kind, id, version, deleted, updated_at, seq, "
                    "grid_id, parent_id, fields, field_versions) "
                    "VALUES ('resident', ?, 1, ?, ?, 0, 'g', ?, ?, '{}')",
                    (rid, deleted, now.isoformat(), fields["household_id"], _json(fields)),
                )
        migrate.upgrade(db)
        with db.engine.connect() as conn:
            numbers = dict(conn.execute(select(records.c.id, records.c.id_number)).all())
        assert numbers == {
            "a": ZHANG,
            "b": ZHANG,
            "c": None,
            "d": None,
            "e": "PP:E12345678",
            "f": None,
        }
        [group] = list(persons.duplicates(db))
        assert {r.resident_id for r in group.registrations} == {"a", "b"}
    finally:
        db.dispose()


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def test_the_township_review_list_shows_what_each_caller_may_see(
    api: Api, world: World, db: Database
) -> None:
    keep, drop = _duplicate_pair(api, world, db)  # both in T1 (G1, G2)
    # And a third record of her in the other township (T2, grid G3).
    [made] = api.push(
        _login(api, "t2"), [op("household", (h3 := new_id()), changes=household(world.areas["G3"]))]
    )
    assert made["status"] == "applied"
    third = _legacy_resident(db, h3, world.areas["G3"], ZHANG)

    def listing(username: str) -> Any:
        return api.client.get("/api/v1/residents/duplicates", headers=_login(api, username))

    refused = listing("w1")
    assert refused.status_code == 403 and refused.json()["code"] == "role"
    [group] = listing("t1").json()["groups"]
    assert group["id_number"] == "110105********002X"
    assert {r["resident_id"] for r in group["registrations"]} == {keep, drop}
    assert {r["household_number"] for r in group["registrations"]} == {"0012", ""}
    assert group["elsewhere"] == ["和平村第一网格"]  # T2's record: the grid's name only
    [group] = listing("t2").json()["groups"]
    assert [r["resident_id"] for r in group["registrations"]] == [third]
    assert sorted(group["elsewhere"]) == ["幸福社区第一网格", "幸福社区第二网格"]
    assert "张桂芳" not in str(group["elsewhere"])
    [group] = listing("admin").json()["groups"]
    assert len(group["registrations"]) == 3 and group["elsewhere"] == []


def test_an_older_client_is_answered_with_a_reason_it_knows(
    api: Api, world: World, db: Database
) -> None:
    """A 0.2 laptop's protocol model refuses an unknown reason (and the whole answer with
    it): it is told ``duplicate``, with the same message; the log keeps the real reason."""
    _register(api, _login(api, "w1"), world.areas["G1"], ZHANG)
    old = {**api.login("w2"), CLIENT_VERSION_HEADER: "0.2.0"}
    _, rid, results = _register(api, old, world.areas["G2"], ZHANG)
    assert (results[1]["reason"], results[1]["field"]) == ("duplicate", "id_number")
    assert "幸福社区第一网格" in results[1]["message"]
    with db.engine.connect() as conn:
        logged = conn.execute(select(op_log.c.reason).where(op_log.c.entity_id == rid)).scalar_one()
    assert logged == "registered_elsewhere"


def test_other_documents_identify_one_person_by_type_and_number(
    api: Api, world: World, db: Database
) -> None:
    """A passport (and the like) is one person too; the same characters on another kind
    of document, or on a loose 其他证件, are not judged the same person."""
    w1, w2 = _login(api, "w1"), _login(api, "w2")

    def register(headers: dict[str, str], grid: str, **person: Any) -> dict[str, Any]:
        hid = new_id()
        results = api.push(
            headers,
            [
                op("household", hid, changes=household(grid)),
                op("resident", new_id(), changes=resident(hid, **person), seq=2),
            ],
        )
        return results[1]

    first = register(w1, world.areas["G1"], id_type="passport", id_number="e12345678")
    assert first["status"] == "applied"
    again = register(w2, world.areas["G2"], id_type="passport", id_number="E12345678")
    assert (again["status"], again["reason"]) == ("rejected", "registered_elsewhere")
    assert again["message"].startswith("该证件号码已在幸福社区第一网格登记")
    other_kind = register(w2, world.areas["G2"], id_type="hk_macao_permit", id_number="E12345678")
    assert other_kind["status"] == "applied"
    for _ in range(2):
        loose = register(w2, world.areas["G2"], id_type="other", id_number="A0000001")
        assert loose["status"] == "applied"
    # A number changed to another document type is judged again.
    hid = new_id()
    rid = new_id()
    api.push(
        w2,
        [
            op("household", hid, changes=household(world.areas["G2"])),
            op(
                "resident",
                rid,
                changes=resident(hid, id_type="other", id_number="E12345678"),
                seq=2,
            ),
        ],
    )
    [moved] = api.push(
        w2,
        [
            op(
                "resident",
                rid,
                "update",
                {"id_type": "passport"},
                base_version=1,
                old={"id_type": "other"},
            )
        ],
    )
    assert (moved["status"], moved["reason"]) == ("rejected", "registered_elsewhere")
    assert persons.shown_key("PP:E12345678") == "护照 E1*****78"
    assert persons.shown_key(ZHANG) == "110105********002X"
