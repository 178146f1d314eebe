"""Event actions are validated with the domain state machine, per role, on the server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alembic import command
from sqlalchemy import select, update

from gridserver import admin, migrate
from gridserver.db import Database, catalog, records
from tests.server.conftest import Api, World, new_id, op
from tests.server.test_cli import CATALOG

ROLES = {"w1": "worker", "t1": "township", "t2": "township", "admin": "admin"}


def _event(world: World) -> dict[str, Any]:
    return {
        "grid_id": world.areas["G1"],
        "category_code": "D001",
        "ledger": "appeal",
        "urgency": "normal",
        "title": "邻里噪音纠纷",
        "reporter": "w1",
        "reported_at": "2026-11-20T09:00:00+08:00",
    }


def _action(event_id: str, kind: str, user: str, **extra: Any) -> dict[str, Any]:
    return op(
        "event_action",
        new_id(),
        changes={
            "event_id": event_id,
            "kind": kind,
            "actor": user,
            "actor_role": ROLES[user],
            "at": "2026-11-20T10:00:00+08:00",
            **extra,
        },
    )


def _act(api: Api, user: str, event_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    [result] = api.push(api.login(user), [_action(event_id, kind, user, **extra)])
    return result


def test_full_life_cycle_and_illegal_steps(api: Api, world: World) -> None:
    w1 = api.login("w1")
    eid = new_id()
    assert api.push(w1, [op("event", eid, changes=_event(world))])[0]["status"] == "applied"
    # Nothing but report/self-resolve can start an event.
    r = _act(api, "w1", eid, "verify")
    assert (r["reason"], r["field"]) == ("illegal_transition", "kind")
    assert "新事件" in r["message"]
    assert _act(api, "w1", eid, "report")["status"] == "applied"
    r = _act(api, "w1", eid, "accept")  # workers do not accept
    assert r["reason"] == "role" and "乡镇" in r["message"]
    r = _act(api, "t1", eid, "close")  # not verified yet
    assert r["reason"] == "illegal_transition" and "已上报" in r["message"]
    for user, kind, extra in [
        ("t1", "accept", {}),
        ("t1", "dispatch", {"assignee": "grid"}),
        ("w1", "handle", {}),
        ("w1", "feedback", {}),
        ("w1", "verify", {}),
        ("admin", "close", {}),
    ]:
        assert _act(api, user, eid, kind, **extra)["status"] == "applied", kind
    r = _act(api, "w1", eid, "evaluate")
    assert (r["reason"], r["field"]) == ("illegal_transition", "satisfaction")
    assert _act(api, "w1", eid, "evaluate", satisfaction="satisfied")["status"] == "applied"
    page, _ = api.pull_all(w1)
    actions = [c for c in page["changes"] if c["entity"] == "event_action"]
    assert len(actions) == 8
    stamps = sorted(datetime.fromisoformat(a["fields"]["server_at"]) for a in actions)
    assert len(set(stamps)) == 8  # strictly ordered by the server clock


def test_actor_role_must_match_the_account(api: Api, world: World) -> None:
    w1 = api.login("w1")
    eid = new_id()
    api.push(w1, [op("event", eid, changes=_event(world))])
    forged = _action(eid, "report", "w1")
    forged["changes"]["actor_role"] = [None, "township"]
    [r] = api.push(w1, [forged])
    assert (r["reason"], r["field"]) == ("role", "actor_role")


def test_actions_need_an_event_in_scope(api: Api, world: World) -> None:
    assert _act(api, "w1", new_id(), "report")["reason"] == "not_found"
    w1 = api.login("w1")
    eid = new_id()
    api.push(w1, [op("event", eid, changes=_event(world))])
    assert _act(api, "t2", eid, "accept")["reason"] == "not_found"  # same as missing


def test_township_actions_travel_in_the_same_push(api: Api, world: World) -> None:
    w1 = api.login("w1")
    eid = new_id()
    results = api.push(
        w1,
        [op("event", eid, changes=_event(world)), _action(eid, "self_resolve", "w1")],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    t1 = api.login("t1")
    results = api.push(t1, [_action(eid, "supervise", "t1"), _action(eid, "comment", "t1")])
    assert [r["reason"] for r in results] == ["illegal_transition", None]


def test_an_event_and_its_actions_in_one_push(api: Api, world: World) -> None:
    """Each action is checked against the actions before it in the same push (the event
    and the first report are written before the second report is checked), exactly as
    when each comes in a push of its own."""
    w1 = api.login("w1")

    def ops() -> list[dict[str, Any]]:
        eid = new_id()
        return [
            op("event", eid, changes=_event(world)),
            _action(eid, "report", "w1"),
            _action(eid, "report", "w1"),
        ]

    together = api.push(w1, ops())
    alone = [api.push(w1, [one])[0] for one in ops()]
    for results in (together, alone):
        assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
        assert (results[2]["reason"], results[2]["field"]) == ("illegal_transition", "kind")


# ------------------------------------------------ the loop as practiced (issue #15 item 3)


def _history_kinds(api: Api, user: str, event_id: str) -> list[str]:
    page, _ = api.pull_all(api.login(user))
    actions = [
        c["fields"]
        for c in page["changes"]
        if c["entity"] == "event_action" and c["fields"]["event_id"] == event_id
    ]
    return [a["kind"] for a in sorted(actions, key=lambda a: a["server_at"])]


def _dispatched(api: Api, world: World, assignee: str = "司法所") -> str:
    eid = new_id()
    api.push(api.login("w1"), [op("event", eid, changes=_event(world))])
    for user, kind, extra in [
        ("w1", "report", {}),
        ("t1", "accept", {}),
        ("t1", "dispatch", {"assignee": assignee}),
    ]:
        assert _act(api, user, eid, kind, **extra)["status"] == "applied", kind
    return eid


def test_hand_back_with_a_reason_then_redispatch(api: Api, world: World) -> None:
    eid = _dispatched(api, world, "grid")
    r = _act(api, "w1", eid, "hand_back")
    assert (r["reason"], r["field"]) == ("illegal_transition", "comment")
    assert "原因" in r["message"]
    assert _act(api, "w1", eid, "hand_back", comment="不属于网格职责")["status"] == "applied"
    r = _act(api, "w1", eid, "handle")  # handed back: nobody handles it until re-dispatched
    assert r["reason"] == "illegal_transition" and "待改派" in r["message"]
    r = _act(api, "w1", eid, "redispatch", assignee="派出所")
    assert r["reason"] == "role"
    assert _act(api, "t1", eid, "redispatch", assignee="派出所")["status"] == "applied"
    r = _act(api, "t1", eid, "redispatch", assignee="派出所")  # same target again
    assert (r["reason"], r["field"]) == ("illegal_transition", "assignee")
    assert _history_kinds(api, "t1", eid) == [
        "report", "accept", "dispatch", "hand_back", "redispatch"
    ]  # fmt: skip


def test_unsatisfied_reopens_then_satisfied(api: Api, world: World) -> None:
    eid = _dispatched(api, world, "grid")
    steps = [("w1", "feedback", {}), ("w1", "verify", {}), ("t1", "close", {})]
    for user, kind, extra in steps:
        assert _act(api, user, eid, kind, **extra)["status"] == "applied", kind
    assert _act(api, "w1", eid, "evaluate", satisfaction="unsatisfied")["status"] == "applied"
    # Reopened (返工): the return visit of a finished event is refused, handling is not.
    assert _act(api, "w1", eid, "return_visit")["reason"] == "illegal_transition"
    for user, kind, extra in steps:
        assert _act(api, user, eid, kind, **extra)["status"] == "applied", kind
    assert _act(api, "w1", eid, "evaluate", satisfaction="satisfied")["status"] == "applied"
    assert _act(api, "w1", eid, "return_visit")["status"] == "applied"


def test_the_third_close_after_two_rework_rounds_needs_a_note(api: Api, world: World) -> None:
    eid = _dispatched(api, world, "grid")
    steps = [("w1", "feedback", {}), ("w1", "verify", {}), ("t1", "close", {})]
    for _round in range(2):
        for user, kind, extra in steps:
            assert _act(api, user, eid, kind, **extra)["status"] == "applied", kind
        r = _act(api, "w1", eid, "evaluate", satisfaction="unsatisfied")
        assert r["status"] == "applied"
    for user, kind, extra in steps[:2]:
        assert _act(api, user, eid, kind, **extra)["status"] == "applied", kind
    r = _act(api, "t1", eid, "close")
    assert (r["reason"], r["field"]) == ("illegal_transition", "comment")
    assert "返工2轮" in r["message"]
    assert _act(api, "t1", eid, "close", comment="经研究按现状结案")["status"] == "applied"
    assert _act(api, "w1", eid, "evaluate", satisfaction="unsatisfied")["status"] == "applied"
    assert _act(api, "w1", eid, "return_visit")["status"] == "applied"  # final now


def test_extension_request_and_approval(api: Api, world: World) -> None:
    eid = _dispatched(api, world, "grid")  # reported 20 Nov, 15 days (no catalog): 5 Dec
    r = _act(api, "w1", eid, "request_extension", comment="需协调")
    assert (r["reason"], r["field"]) == ("illegal_transition", "deadline")
    r = _act(api, "w1", eid, "request_extension", comment="需协调", deadline="2026-12-05")
    assert (r["reason"], r["field"]) == ("illegal_transition", "deadline")
    assert "2026-12-05" in r["message"]
    r = _act(api, "t1", eid, "approve_extension")
    assert r["reason"] == "illegal_transition" and "没有待审批" in r["message"]
    ok = _act(api, "w1", eid, "request_extension", comment="需协调", deadline="2026-12-20")
    assert ok["status"] == "applied"
    r = _act(api, "w1", eid, "request_extension", comment="再延", deadline="2026-12-30")
    assert r["reason"] == "illegal_transition" and "待乡镇" in r["message"]
    assert _act(api, "w1", eid, "approve_extension")["reason"] == "role"
    assert _act(api, "t1", eid, "approve_extension")["status"] == "applied"
    # A second request must go past the approved deadline.
    r = _act(api, "w1", eid, "request_extension", comment="再延", deadline="2026-12-18")
    assert r["field"] == "deadline" and "2026-12-20" in r["message"]


def test_township_intake_with_a_source(api: Api, world: World) -> None:
    t1 = api.login("t1")
    eid = new_id()
    [r] = api.push(t1, [op("event", eid, changes={**_event(world), "reporter": "t1"})])
    assert (r["status"], r["field"]) == ("rejected", "source")
    assert "热线" in r["message"]
    hotline = {**_event(world), "reporter": "t1", "source": "hotline"}
    [r] = api.push(t1, [op("event", eid, changes=hotline)])
    assert r["status"] == "applied"
    assert _act(api, "t1", eid, "report")["status"] == "applied"
    assert _act(api, "t1", eid, "accept")["status"] == "applied"
    # A grid worker's report cannot claim another channel.
    other = new_id()
    [r] = api.push(
        api.login("w1"), [op("event", other, changes={**_event(world), "source": "walk_in"})]
    )
    assert (r["status"], r["field"]) == ("rejected", "source")


def test_self_resolve_refused_for_a_serious_category(api: Api, db: Database, world: World) -> None:
    admin.load_catalog(db, {**CATALOG, "categories": [*CATALOG["categories"], SERIOUS]})
    w1 = api.login("w1")
    eid = new_id()
    event = {**_event(world), "category_code": "04010", "ledger": "complaint"}
    results = api.push(w1, [op("event", eid, changes=event), _action(eid, "self_resolve", "w1")])
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["reason"] == "illegal_transition"
    assert (
        "涉黄赌毒线索举报" in results[1]["message"]
        and "不能由网格员自处置" in results[1]["message"]
    )
    assert _act(api, "w1", eid, "report")["status"] == "applied"
    # A self-resolvable category still can be.
    other = new_id()
    results = api.push(
        w1, [op("event", other, changes=_event(world)), _action(other, "self_resolve", "w1")]
    )
    assert [r["status"] for r in results] == ["applied", "applied"]


SERIOUS = {
    "code": "04010",
    "name": "涉黄赌毒线索举报",
    "group": "complaint",
    "ledger": "complaint",
    "time_limits": {"normal": 7},
    "self_resolvable": False,
}


def test_the_migration_fills_sources_and_self_resolvable_flags(
    api: Api, db: Database, world: World
) -> None:
    unflagged = {k: v for k, v in SERIOUS.items() if k != "self_resolvable"}
    admin.load_catalog(db, {**CATALOG, "categories": [*CATALOG["categories"], unflagged]})
    eid = _dispatched(api, world, "grid")
    for user, kind in [("w1", "feedback"), ("w1", "verify"), ("t1", "close")]:
        assert _act(api, user, eid, kind)["status"] == "applied"
    # A client cannot mark its own 不满意 final: the server's field.
    forged = _action(eid, "evaluate", "w1", satisfaction="unsatisfied", final_evaluation=True)
    assert api.push(api.login("w1"), [forged])[0]["status"] == "applied"
    evaluation = forged["entity_id"]
    with db.engine.connect() as conn:
        stored = conn.execute(select(records.c.fields).where(records.c.id == evaluation))
        assert stored.scalar_one()["final_evaluation"] is False  # reopened: 返工
    assert _act(api, "w1", eid, "return_visit")["reason"] == "illegal_transition"
    with db.write() as conn:  # back to how a server before this revision stored them
        fields = conn.execute(select(records.c.fields).where(records.c.id == eid)).scalar_one()
        old = {k: v for k, v in fields.items() if k != "source"}
        conn.execute(update(records).where(records.c.id == eid).values(fields=old))
        document = conn.execute(select(catalog.c.document)).scalar_one()
        stripped = [
            {k: v for k, v in c.items() if k != "self_resolvable"} for c in document["categories"]
        ]
        conn.execute(update(catalog).values(document={**document, "categories": stripped}))
    revision = document["revision"]
    config = migrate.alembic_config()
    with db.write() as conn:
        config.attributes["connection"] = conn
        command.stamp(config, "head")
        command.downgrade(config, "0006_registered_id_numbers")
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        fields = conn.execute(select(records.c.fields).where(records.c.id == eid)).scalar_one()
        document = conn.execute(select(catalog.c.document)).scalar_one()
    assert fields["source"] == "grid_worker"
    with db.engine.connect() as conn:
        stored = conn.execute(select(records.c.fields).where(records.c.id == evaluation))
        # Every 不满意 from before the rule stays final, as it was when recorded.
        assert stored.scalar_one()["final_evaluation"] is True
    assert _act(api, "w1", eid, "return_visit")["status"] == "applied"  # 已评价, not 返工
    flags = {c["code"]: c["self_resolvable"] for c in document["categories"]}
    # 04010 涉黄赌毒线索举报 matches the shipped catalog; D001 is unknown there: stays.
    assert flags == {"D001": True, "04010": False}
    assert document["revision"] == revision + 1
