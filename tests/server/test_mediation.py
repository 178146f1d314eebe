"""调解记录 on the server: in scope where its event is, only on a dispute event, the
record's rules on every write (and after a merge), edits merged field by field."""

from __future__ import annotations

from typing import Any

from gridserver import admin
from gridserver.db import Database
from tests.server.conftest import Api, World, new_id, op

CATALOG = {
    "version": "2026.1",
    "categories": [
        {"code": "D001", "name": "邻里纠纷", "group": "dispute", "ledger": "appeal",
         "time_limits": {"normal": 15}},
        {"code": "H001", "name": "消防安全隐患", "group": "hazard", "ledger": "complaint",
         "time_limits": {"normal": 3}},
    ],
}  # fmt: skip


def _event(api: Api, world: World, user: str = "w1", grid: str = "G1", code: str = "D001") -> str:
    eid = new_id()
    fields = {
        "grid_id": world.areas[grid],
        "category_code": code,
        "ledger": "appeal",
        "urgency": "normal",
        "title": "宅基地边界纠纷",
        "reporter": user,
        "reported_at": "2026-11-20T09:00:00+08:00",
    }
    [result] = api.push(api.login(user), [op("event", eid, changes=fields)])
    assert result["status"] == "applied", result
    return eid


def _mediation(event_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "started_on": "2026-11-21",
        "mediator": "李桂兰",
        "committee": "幸福社区人民调解委员会",
        "parties": "张某、王某",
        "sessions": [{"on": "2026-11-21", "place": "社区调解室", "note": "双方到场"}],
        "outcome": "in_progress",
        **extra,
    }


def test_worker_records_township_edits_worker_sees_it(api: Api, world: World, db: Database) -> None:
    admin.load_catalog(db, CATALOG)
    eid = _event(api, world)
    mid = new_id()
    w1, t1 = api.login("w1"), api.login("t1")
    [created] = api.push(w1, [op("mediation", mid, changes=_mediation(eid))])
    assert created["status"] == "applied", created
    # Township staff of the event's township see it and record the outcome.
    page, _ = api.pull_all(t1)
    [seen] = [c for c in page["changes"] if c["entity"] == "mediation"]
    assert seen["fields"]["sessions"][0]["place"] == "社区调解室"
    done = {"outcome": "success", "agreement_kind": "written", "agreement": "王某拆除越界围墙"}
    [edited] = api.push(
        t1,
        [op("mediation", mid, "update", done, base_version=1,
            old={"outcome": "in_progress", "agreement_kind": "none", "agreement": ""})],
    )  # fmt: skip
    assert edited["status"] == "applied", edited
    # Meanwhile the worker wrote the follow-up on version 1: merged, no conflict.
    [merged] = api.push(
        w1,
        [op("mediation", mid, "update", {"follow_up": "12月1日回访，已履行"}, base_version=1,
            old={"follow_up": ""})],
    )  # fmt: skip
    assert merged["status"] == "merged", merged
    page, _ = api.pull_all(w1)
    [final] = [c for c in page["changes"] if c["entity"] == "mediation"]
    assert final["fields"]["outcome"] == "success"
    assert final["fields"]["follow_up"] == "12月1日回访，已履行"


def test_a_non_dispute_event_is_refused(api: Api, world: World, db: Database) -> None:
    admin.load_catalog(db, CATALOG)
    eid = _event(api, world, code="H001")
    [result] = api.push(api.login("w1"), [op("mediation", new_id(), changes=_mediation(eid))])
    assert (result["status"], result["reason"], result["field"]) == (
        "rejected",
        "invalid_field",
        "event_id",
    )
    assert result["message"] == (
        "只有矛盾纠纷类事件可以登记调解记录（该事件的类别“消防安全隐患”属于安全隐患）"
    )


def test_scope_is_the_events(api: Api, world: World, db: Database) -> None:
    admin.load_catalog(db, CATALOG)
    eid = _event(api, world)  # in G1, township T1
    mid = new_id()
    # Another grid's worker and another township's staff cannot tell it from a missing event.
    for user in ("w2", "t2"):
        [result] = api.push(api.login(user), [op("mediation", new_id(), changes=_mediation(eid))])
        assert (result["reason"], result["field"]) == ("not_found", "event_id"), user
    [ok] = api.push(api.login("t1"), [op("mediation", mid, changes=_mediation(eid))])
    assert ok["status"] == "applied"
    page, _ = api.pull_all(api.login("w2"))
    assert not [c for c in page["changes"] if c["entity"] == "mediation"]
    page, _ = api.pull_all(api.login("w1"))
    assert [c["id"] for c in page["changes"] if c["entity"] == "mediation"] == [mid]
    [moved] = api.push(
        api.login("w1"),
        [op("mediation", mid, "update", {"event_id": _event(api, world)}, base_version=1,
            old={"event_id": eid})],
    )  # fmt: skip
    assert (moved["reason"], moved["message"]) == ("invalid_field", "调解记录所属的事件不能更改")


def test_the_rules_hold_on_create_and_after_a_merge(api: Api, world: World, db: Database) -> None:
    admin.load_catalog(db, CATALOG)
    eid = _event(api, world)
    w1 = api.login("w1")
    cases = [
        ({"parties": ""}, "parties", "请填写当事人（纠纷双方）"),
        ({"mediator": "", "committee": ""}, "mediator", "请填写调解员或调解组织"),
        ({"outcome": "success"}, "agreement_kind", "调解成功须注明协议形式（书面协议或口头协议）"),
        ({"sessions": [{"on": "2026-11-01"}]}, "sessions", "早于开始调解日期"),
        ({"sessions": [{"on": "2026-11-21", "room": "1"}]}, "sessions", "字段 sessions 的值无效"),
        ({"outcome": "won"}, "outcome", "字段 outcome 的值无效"),
        ({"notes": "a\x00b"}, "notes", "空字符"),
    ]
    for extra, field, words in cases:
        [r] = api.push(w1, [op("mediation", new_id(), changes=_mediation(eid, **extra))])
        assert (r["status"], r["field"]) == ("rejected", field), extra
        assert words in r["message"], (extra, r["message"])
    # Two edits that each pass on their own: 调解成功 from one laptop, "no agreement
    # after all" from another on the same base. Merged they would break the rule, so the
    # second is refused and the stored record stays whole.
    mid = new_id()
    start = _mediation(eid, agreement_kind="oral", agreement="口头约定互不越界")
    api.push(w1, [op("mediation", mid, changes=start)])
    [first] = api.push(
        w1,
        [op("mediation", mid, "update", {"outcome": "success"}, base_version=1,
            old={"outcome": "in_progress"})],
    )  # fmt: skip
    assert first["status"] == "applied"
    [second] = api.push(
        api.login("t1"),
        [op("mediation", mid, "update", {"agreement_kind": "none", "agreement": ""},
            base_version=1, old={"agreement_kind": "oral", "agreement": "口头约定互不越界"})],
    )  # fmt: skip
    assert (second["status"], second["field"]) == ("rejected", "agreement_kind")
    page, _ = api.pull_all(w1)
    [stored] = [c for c in page["changes"] if c["entity"] == "mediation" and c["id"] == mid]
    assert (stored["fields"]["outcome"], stored["fields"]["agreement_kind"]) == ("success", "oral")


def test_without_a_catalog_no_category_is_judged(api: Api, world: World) -> None:
    eid = _event(api, world, code="H001")
    [result] = api.push(api.login("w1"), [op("mediation", new_id(), changes=_mediation(eid))])
    assert result["status"] == "applied"


def test_photos_must_be_uploaded_first(api: Api, world: World, db: Database) -> None:
    admin.load_catalog(db, CATALOG)
    eid = _event(api, world)
    [r] = api.push(
        api.login("w1"),
        [op("mediation", new_id(), changes=_mediation(eid, attachments=["a" * 64]))],
    )
    assert (r["reason"], r["field"]) == ("not_found", "attachments")


def test_an_older_client_gets_mediations_but_not_their_conflicts(
    api: Api, world: World, db: Database
) -> None:
    """The kind gate (KIND_SINCE: 0.5): a 0.4 laptop's pages carry the records (it keeps
    them aside until upgraded) but no mediation conflict, which it could not parse."""
    from gridcore.protocol import CLIENT_VERSION_HEADER

    admin.load_catalog(db, CATALOG)
    eid = _event(api, world)
    mid = new_id()
    w1, t1 = api.login("w1"), api.login("t1")
    api.push(w1, [op("mediation", mid, changes=_mediation(eid))])
    for headers, note in ((w1, "A"), (t1, "B")):
        api.push(
            headers,
            [op("mediation", mid, "update", {"notes": note}, base_version=1, old={"notes": ""})],
        )
    older, _ = api.pull_all({**w1, CLIENT_VERSION_HEADER: "0.4.0"})
    newer, _ = api.pull_all({**w1, CLIENT_VERSION_HEADER: "0.5.0"})
    assert [c["entity"] for c in newer["conflicts"]] == ["mediation"]
    assert older["conflicts"] == []
    assert mid in {c["id"] for c in older["changes"]} and mid in {c["id"] for c in newer["changes"]}
