"""The change feed never skips nor repeats a change when transactions commit out of order.

Writers hold their transactions open at random for a while, both before and after taking
their feed position, while a reader pulls with the cursor in small pages. Every record is
created once, so the reader must see each exactly once. A deterministic control shows the
same harness catches a feed that hands out positions outside the committing transaction.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, select, update

from gridcore.domain.enums import ChangeKind, EntityKind, Role
from gridcore.protocol import Op, PushRequest
from gridserver import feed, sync
from gridserver.db import Database, feed_counter, records, users
from gridserver.scope import Caller
from tests.server.conftest import World


def _caller(db: Database, username: str) -> Caller:
    with db.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).one()
    return Caller(row.id, row.username, row.display_name, Role(row.role), row.scope_area_id, "t")


def _create_ops(grid_id: str, n: int) -> tuple[list[Op], list[str]]:
    ids = [str(uuid.uuid4()) for _ in range(n)]
    ops = [
        Op(
            op_id=uuid.uuid4(),
            seq=i,
            entity=EntityKind.HOUSEHOLD,
            entity_id=rid,
            kind=ChangeKind.CREATE,
            base_version=0,
            changes={"grid_id": (None, grid_id), "address": (None, f"{i}号")},
            client_time=datetime.now(UTC),
        )
        for i, rid in enumerate(ids)
    ]
    return ops, ids


def _drain(db: Database, caller: Caller, cursor: str, seen: list[str]) -> str:
    while True:
        page = feed.pull(db, caller, cursor, 7)
        seen.extend(c.id for c in page.changes if c.entity is EntityKind.HOUSEHOLD)
        cursor = page.cursor
        if not page.more:
            return cursor


def test_out_of_order_commits_are_neither_skipped_nor_repeated(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    real_stamp = feed.stamp
    rng = random.Random(7)
    rng_lock = threading.Lock()

    def pause() -> float:
        with rng_lock:
            return rng.choice([0.0, 0.0, 0.005, 0.03, 0.12])

    def slow_stamp(conn: Connection, effects: feed.FeedEffects, **kwargs: Any) -> int | None:
        time.sleep(pause())  # open transaction, rows written, no position yet
        seq = real_stamp(conn, effects, **kwargs)
        time.sleep(pause())  # position taken, not committed yet
        return seq

    monkeypatch.setattr(sync, "stamp", slow_stamp)
    writer = _caller(db, "admin")
    reader = _caller(db, "t1")
    grids = [world.areas["G1"], world.areas["G2"]]
    writers, pushes, per_push = (6, 8, 4) if backend == "postgresql" else (3, 5, 4)
    created: list[str] = []
    created_lock = threading.Lock()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(pushes):
                ops, ids = _create_ops(grids[(n + i) % 2], per_push)
                response = sync.push(db, writer, PushRequest(device_id=f"w{n}", ops=ops))
                assert {r.status for r in response.results} == {"applied"}
                with created_lock:
                    created.extend(ids)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    seen: list[str] = []
    cursor = ""
    pulls = 0
    while any(t.is_alive() for t in threads):
        cursor = _drain(db, reader, cursor, seen)
        pulls += 1
    for t in threads:
        t.join()
    cursor = _drain(db, reader, cursor, seen)
    assert not errors, errors
    assert pulls > 3  # the reader really raced the writers
    assert len(created) == writers * pushes * per_push
    assert len(seen) == len(set(seen)), "a change was delivered twice"
    assert set(seen) == set(created), f"{len(set(created) - set(seen))} changes were skipped"


def test_control_a_position_taken_outside_the_transaction_is_skipped(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """Proves the harness can fail: with positions handed out by a separate, immediately
    committed transaction (what a plain sequence does), a slow writer's change is lost."""
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers, so commits cannot be reordered")
    first_stamped = threading.Event()
    second_done = threading.Event()

    def sequence_like_stamp(
        conn: Connection,
        effects: feed.FeedEffects,
        write_held: Callable[[int], object] | None = None,
    ) -> int | None:
        with db.engine.begin() as other:  # the position commits on its own
            seq: int = other.execute(
                update(feed_counter)
                .values(value=feed_counter.c.value + 1)
                .returning(feed_counter.c.value)
            ).scalar_one()
        if write_held is not None:  # new records the push still holds back
            write_held(seq)
        for kind, rid in effects.records:
            conn.execute(
                update(records).where(records.c.kind == kind, records.c.id == rid).values(seq=seq)
            )
        if threading.current_thread().name == "slow":
            first_stamped.set()
            second_done.wait(10)
        return seq

    monkeypatch.setattr(sync, "stamp", sequence_like_stamp)
    writer = _caller(db, "admin")
    reader = _caller(db, "t1")
    grid = world.areas["G1"]
    slow_ops, slow_ids = _create_ops(grid, 1)
    fast_ops, fast_ids = _create_ops(grid, 1)
    slow = threading.Thread(
        target=sync.push, args=(db, writer, PushRequest(device_id="s", ops=slow_ops)), name="slow"
    )
    slow.start()
    assert first_stamped.wait(10)
    sync.push(db, writer, PushRequest(device_id="f", ops=fast_ops))
    seen: list[str] = []
    cursor = _drain(db, reader, "", seen)
    second_done.set()
    slow.join()
    _drain(db, reader, cursor, seen)
    assert fast_ids[0] in seen
    assert slow_ids[0] not in seen  # skipped: exactly the bug the real feed prevents


def test_the_same_push_sent_concurrently_is_applied_once(db: Database, world: World) -> None:
    """A client that retries while its first request is still running gets the stored
    results; nothing is applied twice."""
    caller = _caller(db, "w1")
    ops, ids = _create_ops(world.areas["G1"], 6)
    update = Op(
        op_id=uuid.uuid4(),
        seq=99,
        entity=EntityKind.HOUSEHOLD,
        entity_id=ids[0],
        kind=ChangeKind.UPDATE,
        base_version=1,
        changes={"phone": ("", "13800000000")},
        client_time=datetime.now(UTC),
    )
    request = PushRequest(device_id="retry", ops=[*ops, update])
    answers: list[list[tuple[str, int | None]]] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        response = sync.push(db, caller, request)
        answers.append([(r.status, r.version) for r in response.results])

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 4
    assert all(a == answers[0] for a in answers), answers
    assert answers[0] == [("applied", 1)] * 6 + [("applied", 2)]
    with db.engine.connect() as conn:
        versions = dict(
            conn.execute(select(records.c.id, records.c.version).where(records.c.id.in_(ids))).all()
        )
    assert versions == {**dict.fromkeys(ids, 1), ids[0]: 2}
