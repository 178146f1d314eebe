"""``Transport.pull_page``: the engine's fast decoding of a pull answer (orjson, changes
left as JSON objects) accepts exactly what the strict ``PullResponse`` model accepts, and
its result carries the same content."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from gridclient.sync.errors import ProtocolError
from gridclient.sync.transport import PullPage, Transport
from gridcore.protocol import PullResponse
from tests.unit.sync.conftest import (
    NOW,
    FakeClock,
    Reply,
    ScriptedServer,
    json_reply,
    login_document,
    make_transport,
    pull_document,
)

HOUSEHOLD = "7d9f7c2e-9a1b-4c55-8d2e-0b6a5e4f3c21"


def change(**overrides: Any) -> dict[str, Any]:
    return {
        "entity": "household",
        "id": HOUSEHOLD,
        "version": 3,
        "deleted": False,
        "updated_at": "2026-11-22T08:00:00.123456Z",
        "fields": {"address": "幸福路1号", "tags": ["低保"], "grid_id": None},
        **overrides,
    }


def document(*changes: dict[str, Any]) -> dict[str, Any]:
    conflict = {
        "id": "c-1",
        "entity": "household",
        "entity_id": HOUSEHOLD,
        "field": "address",
        "base_value": "a",
        "server_value": "b",
        "incoming_value": "c",
        "incoming_user": "w1",
        "incoming_device": "dev-1",
        "incoming_time": NOW,
        "created_at": NOW,
        "resolved": False,
    }
    return {
        **pull_document("c7", more=True),
        "changes": list(changes),
        "evictions": [{"entity": "resident", "id": HOUSEHOLD}],
        "conflicts": [conflict],
    }


def _instant(change: dict[str, Any]) -> dict[str, Any]:
    """The change with its time as an instant (``Z`` and ``+00:00`` are the same)."""
    return {**change, "updated_at": datetime.fromisoformat(change["updated_at"])}


@pytest.fixture
def transport(server: ScriptedServer, clock: FakeClock) -> Transport:
    t = make_transport(server.url, clock)
    server.then(json_reply(200, login_document()))
    t.login("w1", "Secret-Passw0rd", "dev-1")
    server.seen.clear()
    return t


def test_a_page_decodes_to_the_models_content(server: ScriptedServer, transport: Transport) -> None:
    doc = document(change(), change(entity="resident", deleted=True, fields={}))
    server.then(json_reply(200, doc), json_reply(200, doc))
    page = transport.pull_page("c6", 2000)
    model = PullPage.from_response(transport.pull("c6", 2000))
    assert [_instant(c) for c in page.changes] == [_instant(c) for c in model.changes]
    assert (page.evictions, page.conflicts, page.cursor, page.more, page.server_time) == (
        model.evictions,
        model.conflicts,
        model.cursor,
        model.more,
        model.server_time,
    )
    assert page.changes[0]["fields"] == {"address": "幸福路1号", "tags": ["低保"], "grid_id": None}
    assert page.cursor == "c7" and page.more is True
    assert [e.id for e in page.evictions] == [HOUSEHOLD]
    assert page.conflicts[0].incoming_user == "w1"
    # The same request as pull(): cursor and limit in the query.
    assert server.seen[0].path == server.seen[1].path
    assert "cursor=c6" in server.seen[0].path and "limit=2000" in server.seen[0].path


@pytest.mark.parametrize(
    "bad",
    [
        change(entity="spaceship"),
        change(entity=["household"]),
        change(id=7),
        change(version="3"),
        change(version=True),
        change(deleted=0),
        change(updated_at="yesterday"),
        change(updated_at=None),
        change(fields=[]),
        change(extra=1),
        {k: v for k, v in change().items() if k != "version"},
        "household",
        None,
    ],
)
def test_changes_the_model_refuses_are_refused(
    server: ScriptedServer, transport: Transport, bad: Any
) -> None:
    body = json.dumps(document(change(), bad), ensure_ascii=False).encode()
    server.then(Reply(200, body), Reply(200, body))
    with pytest.raises(ProtocolError) as fast:
        transport.pull_page("")
    with pytest.raises(ProtocolError):
        transport.pull("")  # the strict model agrees
    assert "PullResponse" in fast.value.detail and "/api/v1/sync/pull" in fast.value.detail


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b'{"changes": {}}',
        b'{"changes": [], "cursor": "c"}',
        json.dumps({**pull_document(), "surprise": 1}).encode(),
        json.dumps({**pull_document(), "more": "yes"}).encode(),
        json.dumps({**pull_document(), "evictions": [{"entity": "x", "id": "1"}]}).encode(),
        json.dumps(pull_document()).encode()[:40],
    ],
)
def test_envelopes_the_model_refuses_are_refused(
    server: ScriptedServer, transport: Transport, body: bytes
) -> None:
    server.then(Reply(200, body))
    with pytest.raises(ProtocolError) as info:
        transport.pull_page("")
    assert "PullResponse" in info.value.detail


def test_from_response_keeps_every_change(server: ScriptedServer, transport: Transport) -> None:
    model = PullResponse.model_validate_json(json.dumps(document(change())))
    page = PullPage.from_response(model)
    [only] = page.changes
    assert only["entity"] == "household" and only["version"] == 3
    assert only["updated_at"] == model.changes[0].updated_at.isoformat()
