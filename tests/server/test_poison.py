"""No value can poison sync (issue 11): every input the server cannot store, or that a
client could not store after pulling it, is refused: per op (``rejected`` with the field
and a Chinese message, the other ops of the push applied) when it sits in an op's
``changes``, with a 4xx and a stable code when the request itself is malformed. Never a
500, and every laptop's pull goes on afterwards."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from gridserver.db import Database, op_log, records
from tests.server.conftest import Api, World, household, new_id, op, resident

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"
ALL_USERS = ("w1", "w2", "wv", "w3", "t1", "t2", "admin")

Case = Callable[[World, str], tuple[list[dict[str, Any]], dict[str, Any], str | None]]
"""(world, household id) → (ops that set up the poison op, the poison op, its field)."""


def _deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def _visit(world: World, hid: str, **extra: Any) -> dict[str, Any]:
    return {
        "household_id": hid,
        "grid_id": world.areas["G1"],
        "visitor": "w1",
        "visited_at": "2026-11-20T09:00:00+08:00",
        **extra,
    }


def _org(world: World, **extra: Any) -> dict[str, Any]:
    return {"grid_id": world.areas["G1"], "name": "老年人协会", **extra}


def _create(entity: str, changes: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return op(entity, new_id(), changes=changes, **kw)


SHA = hashlib.sha256(b"poison").hexdigest()

# name → (world, household id) → (poison op, the field it is rejected on)
PER_OP: dict[str, Callable[[World, str], tuple[dict[str, Any], str]]] = {
    "int_above_int64": lambda w, h: (_create("organization", _org(w, members=2**63)), "members"),
    "int_far_above_int64": lambda w, h: (
        _create("organization", _org(w, members=2**200)),
        "members",
    ),
    "int_below_int64": lambda w, h: (
        _create("organization", _org(w, members=-(2**63) - 1)),
        "members",
    ),
    "int_above_domain": lambda w, h: (
        _create("organization", _org(w, members=10**9)),
        "members",
    ),
    "disability_grade_above_int64": lambda w, h: (
        _create("resident", resident(h, disability_grade=2**63)),
        "disability_grade",
    ),
    "attachment_size_above_int64": lambda w, h: (
        op("attachment", SHA, changes={"mime": "image/jpeg", "size": 2**63}),
        "size",
    ),
    "attachment_width_above_int32": lambda w, h: (
        op("attachment", SHA, changes={"mime": "image/jpeg", "size": 6, "width": 2**31}),
        "width",
    ),
    "nul_in_name": lambda w, h: (_create("resident", resident(h, name="张\x00三")), "name"),
    "nul_in_address": lambda w, h: (
        _create("household", household(w.areas["G1"], address="幸福路\x001号")),
        "address",
    ),
    "excel_x0000_in_notes": lambda w, h: (
        _create("household", household(w.areas["G1"], notes="\x00")),
        "notes",
    ),
    "bell_in_notes": lambda w, h: (
        _create("household", household(w.areas["G1"], notes="a\x07b")),
        "notes",
    ),
    "escape_in_phone": lambda w, h: (
        _create("household", household(w.areas["G1"], phone="\x1b[31m")),
        "phone",
    ),
    "del_in_visit": lambda w, h: (_create("visit", _visit(w, h, content="\x7f")), "content"),
    "c1_control_in_visit": lambda w, h: (
        _create("visit", _visit(w, h, findings="\x85")),
        "findings",
    ),
    "nul_in_reference": lambda w, h: (
        _create("resident", resident("\x00" + h[1:])),
        "household_id",
    ),
    "nul_in_tag_list": lambda w, h: (
        _create("household", household(w.areas["G1"], tags=["low\x00income"])),
        "tags",
    ),
    "datetime_before_year_1_in_utc": lambda w, h: (
        _create("visit", _visit(w, h, visited_at="0001-01-01T00:00:00+08:00")),
        "visited_at",
    ),
    "datetime_after_year_9999_in_utc": lambda w, h: (
        _create("visit", _visit(w, h, visited_at="9999-12-31T23:00:00-05:00")),
        "visited_at",
    ),
    "datetime_out_of_domain": lambda w, h: (
        _create("visit", _visit(w, h, visited_at="1850-01-01T00:00:00+00:00")),
        "visited_at",
    ),
    "date_year_1": lambda w, h: (
        _create("resident", resident(h, birth_date="0001-01-01")),
        "birth_date",
    ),
    "date_year_9999": lambda w, h: (
        _create("resident", resident(h, birth_date="9999-12-31")),
        "birth_date",
    ),
    "text_too_long": lambda w, h: (
        _create("household", household(w.areas["G1"], notes="长" * 10_001)),
        "notes",
    ),
    "area_code_beyond_column": lambda w, h: (
        _create(
            "area",
            {"code": "3" * 65, "name": "超长代码", "level": "grid", "parent_id": w.areas["V1"]},
        ),
        "code",
    ),
    "too_many_attachments": lambda w, h: (
        _create("visit", _visit(w, h, attachments=[SHA] * 101)),
        "attachments",
    ),
    "nested_new_value": lambda w, h: (
        _create("household", household(w.areas["G1"], tags=_deep(40))),
        "tags",
    ),
}


def _user_for(name: str) -> str:
    return "admin" if name.startswith("area_") else "w1"


@pytest.mark.parametrize("name", sorted(PER_OP))
def test_poison_value_is_rejected_per_op_and_the_rest_goes_on(
    api: Api, world: World, db: Database, name: str
) -> None:
    user = _user_for(name)
    headers = api.login(user, device="laptop-1")
    hid = new_id()
    data = b"poison"
    api.client.put(f"/api/v1/attachments/{SHA}", content=data, headers=headers)
    poison, field = PER_OP[name](world, hid)
    before = op("household", hid, changes=household(world.areas["G1"]), seq=1)
    after = _create("household", household(world.areas["G1"], address="安全路2号"), seq=3)
    poison["seq"] = 2
    body = json.dumps({"device_id": "laptop-1", "ops": [before, poison, after]})
    response = api.client.post(
        PUSH, content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    first, bad, last = response.json()["results"]
    assert first["status"] == "applied" and last["status"] == "applied"
    assert bad["status"] == "rejected", bad
    assert bad["reason"] == "invalid_field" and bad["field"] == field, bad
    assert bad["message"] and any("\u4e00" <= c <= "\u9fff" for c in bad["message"])
    # The rejection is logged (a replay returns it) and nothing of the op was written.
    again = api.client.post(
        PUSH, content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert again.status_code == 200 and again.json()["results"][1] == bad
    with db.engine.connect() as conn:
        assert conn.execute(
            select(op_log.c.status).where(op_log.c.op_id == poison["op_id"])
        ).scalar_one() == ("rejected")
        if poison["kind"] == "create":
            written = select(records.c.id).where(records.c.id == poison["entity_id"])
            assert conn.execute(written).first() is None
    # The same laptop keeps pushing, and every laptop keeps pulling.
    [later] = api.push(
        headers, [_create("household", household(world.areas["G1"], address="后来路3号"))]
    )
    assert later["status"] == "applied"
    for other in ALL_USERS:
        page, _ = api.pull_all(api.login(other))
        for change in page["changes"]:
            _assert_storable(change["fields"])


def _assert_storable(value: Any, depth: int = 0, max_depth: int = 8) -> None:
    """What a laptop receives fits its SQLite columns and its text rules."""
    assert depth < max_depth
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        assert -(2**63) <= value < 2**63
    elif isinstance(value, str):
        assert not any(ord(c) < 32 and c not in "\n\t\r" for c in value), value
    elif isinstance(value, list):
        for item in value:
            _assert_storable(item, depth + 1, max_depth)
    elif isinstance(value, dict):
        for item in value.values():
            _assert_storable(item, depth + 1, max_depth)


OLD_VALUES = {
    "nested": _deep(40),
    "infinite": float("inf"),
    "nan": float("nan"),
    "huge_int": 2**64,
    "nul": "旧\x00值",
    "bell": "\x07",
}


@pytest.mark.parametrize("name", sorted(OLD_VALUES))
def test_old_values_are_compared_never_refused(
    api: Api, world: World, db: Database, name: str
) -> None:
    """An op's old values are only compared (a laptop fixing a value stored before the
    checks sends that value as the old one), so they are not refused; where one is not
    storable, the audit log and any conflict record hold a storable stand-in."""
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    fix = op("household", hid, "update", {"notes": "新"}, base_version=1)
    fix["changes"]["notes"][0] = OLD_VALUES[name]
    body = json.dumps({"device_id": "laptop-1", "ops": [fix]})
    response = api.client.post(
        PUSH, content=body, headers={**w1, "Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"
    with db.engine.connect() as conn:
        logged = conn.execute(
            select(op_log.c.changes).where(op_log.c.op_id == fix["op_id"])
        ).scalar_one()
    assert logged["notes"][1] == "新"
    _assert_storable(logged, max_depth=12)
    page, _ = api.pull_all(api.login("t1"))
    assert {c["fields"]["notes"] for c in page["changes"] if c["id"] == hid} == {"新"}


def test_a_value_stored_before_the_checks_can_be_fixed(
    api: Api, world: World, db: Database
) -> None:
    """A control character and an integer beyond 64 bits that an older server stored:
    a laptop's edit replaces them (its old values are the stored ones)."""
    from sqlalchemy import update

    from gridserver.validation import stored_problems

    w1 = api.login("w1")
    oid = new_id()
    api.push(w1, [op("organization", oid, changes=_org(world))])
    poisoned = {**_org(world), "notes": "坏\x07值", "members": 2**64}
    with db.engine.begin() as conn:
        conn.execute(update(records).where(records.c.id == oid).values(fields=poisoned))
    assert {p.field for p in stored_problems(db)} == {"notes", "members"}
    fix = op(
        "organization",
        oid,
        "update",
        {"notes": "好值", "members": 30},
        base_version=1,
        old={"notes": "坏\x07值", "members": 2**64},
    )
    [result] = api.push(w1, [fix])
    assert result["status"] == "applied", result
    assert list(stored_problems(db)) == []
    page, _ = api.pull_all(api.login("t1"))
    [fixed] = [c for c in page["changes"] if c["id"] == oid]
    assert (fixed["fields"]["notes"], fixed["fields"]["members"]) == ("好值", 30)


def test_newline_and_tab_are_ordinary_text(api: Api, world: World) -> None:
    w1 = api.login("w1")
    [result] = api.push(
        w1, [_create("household", household(world.areas["G1"], notes="第一行\n第二行\t备注"))]
    )
    assert result["status"] == "applied"


def test_unknown_field_names_are_reported_safely(api: Api, world: World) -> None:
    """A field name the server does not know may itself be poison (NUL, any length):
    the rejection names it in a form every backend stores."""
    w1 = api.login("w1")
    name = "x\x00" * 200
    [result] = api.push(
        w1, [_create("household", {**household(world.areas["G1"]), name: 1})], device="laptop-1"
    )
    assert result["status"] == "rejected" and result["reason"] == "unknown_field"
    assert result["field"] is not None and len(result["field"]) <= 64
    assert "\x00" not in result["field"] and "\x00" not in result["message"]


# --- malformed requests: a 4xx with a stable code, never a 500 ----------------------


def _raw_push(api: Api, headers: dict[str, str], ops: list[dict[str, Any]]) -> Any:
    body = json.dumps({"device_id": "laptop-1", "ops": ops})
    return api.client.post(
        PUSH, content=body, headers={**headers, "Content-Type": "application/json"}
    )


ENVELOPE: dict[str, dict[str, Any]] = {
    "seq_at_int64": {"seq": 2**63},
    "seq_far_beyond": {"seq": 2**70},
    "base_version_beyond_int32": {"base_version": 2**31},
    "base_version_at_int64": {"base_version": 2**63},
    "client_time_before_year_1_in_utc": {"client_time": "0001-01-01T00:00:00+01:00"},
    "client_time_after_year_9999_in_utc": {"client_time": "9999-12-31T23:59:59-01:00"},
    "kind_is_an_object": {"kind": {"create": 1}},
    "entity_is_an_object": {"entity": {}},
    "op_id_is_an_object": {"op_id": {}},
    "changes_pair_is_an_object": {"changes": {"notes": {"old": 1}}},
    "conflict_id_with_nul": {"conflict_id": "\x00" * 36},
}


@pytest.mark.parametrize("name", sorted(ENVELOPE))
def test_malformed_ops_answer_422(api: Api, world: World, name: str) -> None:
    headers = api.login("w1")
    bad = {**_create("household", household(world.areas["G1"])), **ENVELOPE[name]}
    response = _raw_push(api, headers, [bad])
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_request"
    [ok] = api.push(headers, [_create("household", household(world.areas["G1"]))])
    assert ok["status"] == "applied"


def test_a_naive_client_time_is_taken_as_utc(api: Api, world: World) -> None:
    headers = api.login("w1")
    good = {**_create("household", household(world.areas["G1"])), "client_time": "2026-01-02T03:04"}
    response = _raw_push(api, headers, [good])
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"


@pytest.mark.parametrize(
    "body",
    [
        b'{"device_id": "d", "ops": [{"op_id": "\\ud800"}]}',  # lone surrogate
        b'{"device_id": "d\\u0000", "ops": []}',
        b'{"device_id": "d", "ops": NaN}',
        b"[" * 100_000,
        b'{"device_id": "d", "ops": [' + b"[" * 5_000 + b"]" * 5_000 + b"]}",
    ],
)
def test_malformed_bodies_answer_4xx(api: Api, world: World, body: bytes) -> None:
    headers = {**api.login("w1"), "Content-Type": "application/json"}
    response = api.client.post(PUSH, content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"] in ("malformed_json", "invalid_request")


def _cursor(api: Api, headers: dict[str, str]) -> list[Any]:
    text = api.client.get(PULL, headers=headers).json()["cursor"]
    return list(json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))))


def _encode(parts: list[Any]) -> str:
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "change",
    [
        {0: 2**63},
        {0: 2**64},
        {0: -1},
        {0: True},
        {0: 1.5},
        {1: {}, 2: "x"},
        {1: "household", 2: {}},
        {1: ["household"], 2: "x"},
        {1: "household", 2: "a\x00b"},
        {1: "x" * 100, 2: "y"},
        {1: "household", 2: "y" * 100},
        {1: "planet", 2: "y"},
    ],
)
def test_poisoned_cursor_answers_400(api: Api, world: World, change: dict[int, Any]) -> None:
    headers = api.login("w1")
    parts = _cursor(api, headers)
    parts[1:3] = ["household", new_id()]
    for index, value in change.items():
        parts[index] = value
    response = api.client.get(PULL, params={"cursor": _encode(parts)}, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_cursor"


def test_a_well_formed_cursor_with_a_position_still_works(api: Api, world: World) -> None:
    headers = api.login("w1")
    parts = _cursor(api, headers)
    parts[1:3] = ["household", new_id()]
    response = api.client.get(PULL, params={"cursor": _encode(parts)}, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("username", ["w\x001", "\x00", "w1\x1b"])
def test_control_characters_in_a_login_answer_4xx(api: Api, username: str) -> None:
    response = api.client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": "x", "device_id": "d"},
    )
    assert 400 <= response.status_code < 500, response.text


# --- one failing op fails alone ------------------------------------------------------


def _three(world: World, hid: str, middle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _create("household", household(world.areas["G1"], address="甲路1号"), seq=1),
        {**middle, "seq": 2},
        _create("household", household(world.areas["G1"], address="丙路3号"), seq=3),
    ]


@pytest.mark.parametrize("kind", ["create", "update"])
def test_a_fault_in_one_op_fails_that_op_only(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Whatever goes wrong inside one op (here a fault in its placement check), its
    savepoint is rolled back and the rest of the chunk is applied."""
    from gridserver import apply, placement, writes

    w1 = api.login("w1")
    hid = new_id()
    [created] = api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    assert created["status"] == "applied"
    real = placement.place

    def faulty(ctx: Any, entity: Any, record_id: str, *args: Any, **kw: Any) -> Any:
        if record_id == target:
            raise RuntimeError("fault in one op")
        return real(ctx, entity, record_id, *args, **kw)

    # Where an op's placement is checked: a create (apply) and a new version (writes).
    monkeypatch.setattr(apply, "place", faulty)
    monkeypatch.setattr(writes, "place", faulty)
    if kind == "create":
        middle = _create("household", household(world.areas["G1"], address="乙路2号"))
    else:
        middle = op("household", hid, "update", {"grid_id": world.areas["G2"]}, base_version=1)
    target = middle["entity_id"]
    results = api.push(w1, _three(world, hid, middle))
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["reason"] == "invalid_field" and "出错" in results[1]["message"]
    page, _ = api.pull_all(api.login("t1"))
    addresses = {c["fields"]["address"] for c in page["changes"] if c["entity"] == "household"}
    assert {"甲路1号", "丙路3号"} <= addresses and "乙路2号" not in addresses


@pytest.mark.parametrize("kind", ["create", "update"])
def test_a_database_error_in_one_op_fails_that_op_only(
    api: Api, world: World, db: Database, backend: str, kind: str
) -> None:
    """The database itself refuses one op's write (a trigger raising a data exception on
    PostgreSQL; on SQLite a trigger can only raise a constraint error): that op is
    rejected, the other ops of its chunk are applied."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(
                text(
                    "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.fields->>'notes' = 'poison' THEN "
                    "RAISE EXCEPTION 'refused' USING ERRCODE = '22023'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON records "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
                )
            )
        else:
            for event in ("INSERT", "UPDATE"):
                conn.execute(
                    text(
                        f"CREATE TRIGGER refuse_poison_{event} BEFORE {event} ON records "
                        "WHEN json_extract(NEW.fields, '$.notes') = 'poison' "
                        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                    )
                )
    w1 = api.login("w1")
    hid = new_id()
    api.push(w1, [op("household", hid, changes=household(world.areas["G1"]))])
    if kind == "create":
        middle = _create("household", household(world.areas["G1"], notes="poison"))
    else:
        middle = op("household", hid, "update", {"notes": "poison"}, base_version=1)
    results = api.push(w1, _three(world, hid, middle))
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    page, _ = api.pull_all(api.login("t1"))
    notes = {c["fields"]["notes"] for c in page["changes"] if c["entity"] == "household"}
    assert "poison" not in notes
