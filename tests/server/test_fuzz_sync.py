"""Fuzzing push and pull (hypothesis): whatever the body, the server never answers 500,
every op of an accepted push gets a well-formed result, and every laptop's pull goes on
returning what a client can store."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridcore.domain.codec import field_specs
from gridcore.domain.enums import EntityKind
from gridcore.protocol import CLIENT_TIME_HEADER
from tests.server.conftest import Api, World, household, new_id, resident
from tests.server.test_poison import _assert_storable

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"
FIELDS = sorted({name for kind in EntityKind for name in field_specs(kind)})

_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x01\x07\x1b\x7f\x85\t\n\r张"),
    ),
    max_size=30,
)
_ints = st.one_of(
    st.integers(-5, 5),
    st.integers(-(2**70), 2**70),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64]),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    _ints,
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.sampled_from(
        [
            "0001-01-01T00:00:00+08:00",
            "9999-12-31T23:00:00-05:00",
            "1850-01-01",
            "2026-11-20T09:00:00+08:00",
            "2026-11-20",
            "elderly_80",
            str(uuid.uuid4()),
        ]
    ),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_text, inner, max_size=3)),
    max_leaves=12,
)
_field = st.one_of(st.sampled_from(FIELDS), _text)
_client_time_header = st.one_of(
    st.sampled_from(
        [
            "2026-11-20T09:00:00+08:00",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "9999-12-31T23:59:59+14:00",
            "2026-11-20T09:00:00",
            "",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=70),
)


@st.composite
def _op(draw: st.DrawFn, world: World, hid: str, pid: str) -> dict[str, Any]:
    entity = draw(
        st.sampled_from(
            ["household", "resident", "organization", "place", "place_inspection", "visit", "event"]
        )
    )
    base: dict[str, Any] = {
        "household": household(world.areas["G1"]),
        "resident": resident(hid),
        "organization": {"grid_id": world.areas["G1"], "name": "协会"},
        "place": {"grid_id": world.areas["G1"], "name": "超市", "kind": "shop"},
        "place_inspection": {
            "place_id": pid,
            "inspector": "w1",
            "inspected_on": "2026-11-20",
            "hazards": "灭火器过期",
            "rectify_by": "2026-11-27",
        },
        "visit": {
            "household_id": hid,
            "grid_id": world.areas["G1"],
            "visitor": "w1",
            "visited_at": "2026-11-20T09:00:00+08:00",
        },
        "event": {
            "grid_id": world.areas["G1"],
            "category_code": "D001",
            "ledger": "appeal",
            "urgency": "normal",
            "title": "纠纷",
            "reporter": "w1",
            "reported_at": "2026-11-20T09:00:00+08:00",
        },
    }[entity]
    changes = {name: [None, value] for name, value in base.items()}
    for _ in range(draw(st.integers(0, 3))):
        changes[draw(_field)] = [draw(_json), draw(_json)]
    kind = draw(st.sampled_from(["create", "create", "update", "delete"]))
    entity_id = hid if entity == "household" and kind != "create" else new_id()
    result: dict[str, Any] = {
        "op_id": str(uuid.uuid4()),
        "seq": draw(st.one_of(st.integers(0, 100), _ints)),
        "entity": entity,
        "entity_id": entity_id,
        "kind": kind,
        "base_version": draw(st.one_of(st.integers(0, 3), _ints)),
        "changes": changes,
        "client_time": draw(
            st.sampled_from(
                [
                    "2026-11-20T09:00:00+08:00",
                    "2026-11-20T09:00:00",
                    "0001-01-01T00:00:00+01:00",
                    "9999-12-31T23:59:59-01:00",
                ]
            )
        ),
    }
    if draw(st.integers(0, 9)) == 0:  # now and then, any key gets any value
        result[draw(st.sampled_from(sorted(result)))] = draw(_json)
    return result


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_push_never_answers_500(api: Api, world: World, data: st.DataObject) -> None:
    headers = {
        **api.login("w1", device="fuzz"),
        "Content-Type": "application/json",
        CLIENT_TIME_HEADER: data.draw(_client_time_header),
    }
    hid = new_id()
    setup = {
        "op_id": str(uuid.uuid4()),
        "seq": 0,
        "entity": "household",
        "entity_id": hid,
        "kind": "create",
        "base_version": 0,
        "changes": {k: [None, v] for k, v in household(world.areas["G1"]).items()},
        "client_time": "2026-11-20T09:00:00+08:00",
    }
    pid = new_id()  # a place the checks can be about
    place = {
        **setup,
        "op_id": str(uuid.uuid4()),
        "seq": 1,
        "entity": "place",
        "entity_id": pid,
        "changes": {"grid_id": [None, world.areas["G1"]], "name": [None, "超市"]},
    }
    ops = [setup, place, *data.draw(st.lists(_op(world, hid, pid), min_size=1, max_size=4))]
    body = json.dumps({"device_id": "fuzz", "ops": ops}, allow_nan=True)
    response = api.client.post(PUSH, content=body, headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        results = response.json()["results"]
        assert len(results) == len(ops)
        assert all(r["status"] in ("applied", "merged", "conflict", "rejected") for r in results)
        assert all(r["status"] != "rejected" or r["message"] for r in results)
    else:
        assert response.json()["code"] in ("invalid_request", "malformed_json")
    # Whatever was let in, the township's laptop can pull and store it.
    page, _ = api.pull_all(api.login("t1", device="fuzz-t1"))
    for change in page["changes"]:
        _assert_storable(change["fields"])


def _cursor_text(parts: Any) -> str:
    raw = json.dumps(parts, allow_nan=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_pull_never_answers_500(api: Api, world: World, data: st.DataObject) -> None:
    headers = {**api.login("w1", device="fuzz"), CLIENT_TIME_HEADER: data.draw(_client_time_header)}
    issued = api.client.get(PULL, headers=headers).json()["cursor"]
    tag = json.loads(base64.urlsafe_b64decode(issued + "=" * (-len(issued) % 4)))[3]
    position = st.one_of(
        st.tuples(st.none(), st.none()),
        st.tuples(st.sampled_from(["household", "area"]), st.just(new_id())),
        st.tuples(_json, _json),
    )
    cursor = data.draw(
        st.one_of(
            _text,
            _json.map(_cursor_text),
            st.tuples(st.one_of(st.integers(0, 10), _json), position).map(
                lambda t: _cursor_text([t[0], t[1][0], t[1][1], tag])
            ),
        )
    )
    limit = data.draw(st.one_of(st.none(), _ints.map(str), _text))
    params = {"cursor": cursor} if limit is None else {"cursor": cursor, "limit": limit}
    response = api.client.get(PULL, params=params, headers=headers)
    assert response.status_code < 500, response.text
