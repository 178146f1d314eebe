"""The pull endpoint's fast body (stored JSON spliced in, no model per record) says
exactly what the ``PullResponse`` model says; new records get their feed position when
they are written; the token cache keeps refusing what the database refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from gridcore.protocol import PullResponse
from gridserver import auth, feed
from gridserver.db import Database, feed_counter, records, tokens, utcnow
from gridserver.errors import ApiError
from tests.server.conftest import Api, World, household, new_id, op, resident


def _page_without_time(page: PullResponse) -> dict[str, object]:
    return page.model_dump(mode="json", exclude={"server_time"})


def test_fast_body_equals_the_model(api: Api, world: World, db: Database) -> None:
    w1 = api.login("w1")
    hid, rid = new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"], tags=["minimum_living"])),
            op("resident", rid, changes=resident(hid, name="李四·阿依古丽"), seq=2),
            op("household", hid, "update", {"phone": "13800000000"}, base_version=1, seq=3),
        ],
    )
    api.push(w1, [op("resident", rid, "delete", base_version=1)])
    caller = auth.authenticate(db, api.tokens["w1"]["access_token"])
    cursor = ""
    pages = 0
    while True:
        fast = PullResponse.model_validate_json(feed.pull_json(db, caller, cursor, 2))
        model = feed.pull(db, caller, cursor, 2)
        assert _page_without_time(fast) == _page_without_time(model)
        pages += 1
        if not model.more:
            break
        cursor = model.cursor
    assert pages >= 2  # paging inside one feed position went through both paths
    # And over HTTP the body is the fast one, strictly valid for the client's model.
    response = api.client.get("/api/v1/sync/pull", params={"limit": 500}, headers=w1)
    body = PullResponse.model_validate_json(response.content)
    assert {c.id for c in body.changes} >= {hid, rid}


def test_created_records_carry_their_feed_position(api: Api, world: World, db: Database) -> None:
    w1 = api.login("w1")
    hid, rid = new_id(), new_id()
    api.push(
        w1,
        [
            op("household", hid, changes=household(world.areas["G1"])),
            op("resident", rid, changes=resident(hid), seq=2),
        ],
    )
    with db.engine.connect() as conn:
        counter = conn.execute(select(feed_counter.c.value)).scalar_one()
        rows = conn.execute(select(records.c.id, records.c.seq).where(records.c.id.in_([hid, rid])))
        seqs = {row.id: row.seq for row in rows}
    assert seqs == {hid: counter, rid: counter}


def test_the_cache_answers_without_the_database_for_its_ttl(
    api: Api, world: World, db: Database
) -> None:
    api.login("w1")
    token = api.tokens["w1"]["access_token"]
    now = [100.0]
    cache = auth.TokenCache(5.0, clock=lambda: now[0])
    caller = auth.authenticate(db, token, cache)
    with db.write() as conn:  # revoked behind the process's back (another process)
        conn.execute(update(tokens).values(revoked_at=utcnow()))
    assert auth.authenticate(db, token, cache) == caller  # within the TTL: cached
    now[0] += 5.0
    with pytest.raises(ApiError) as info:
        auth.authenticate(db, token, cache)  # TTL over: asked again, refused
    assert info.value.status == 401
    with pytest.raises(ApiError):
        auth.authenticate(db, token, cache)  # a refusal is never cached


def test_revocations_in_this_process_empty_the_cache_at_once(
    api: Api, world: World, db: Database
) -> None:
    headers = api.login("w1")
    assert api.client.get("/api/v1/sync/pull", headers=headers).status_code == 200  # cached
    auth.disable_user(db, "w1")
    response = api.client.get("/api/v1/sync/pull", headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "account_disabled"


def test_a_cached_token_still_expires(api: Api, world: World, db: Database) -> None:
    api.login("w2")
    token = api.tokens["w2"]["access_token"]
    cache = auth.TokenCache(3600.0)
    auth.authenticate(db, token, cache)
    key = auth.token_hash(token)
    entry = cache._entries[key]
    cache._entries[key] = type(entry)(
        entry.caller, utcnow() - timedelta(seconds=1), entry.checked, entry.generation
    )
    assert cache.get(token) is None
    assert auth.TokenCache(0).get(token) is None  # TTL 0 turns the cache off
