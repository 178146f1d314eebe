"""Event actions are validated with the domain state machine, per role, on the server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.server.conftest import Api, World, new_id, op

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
