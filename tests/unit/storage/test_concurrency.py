"""Two writers on separate connections queue on the write lock instead of failing.

Each unit of work reads before it writes (duplicate and parent checks). With a deferred
BEGIN the second writer would hold a read snapshot that the first writer's commit makes
stale, and SQLite fails its upgrade to a write lock at once with "database is locked"
(busy_timeout cannot help there). ``BEGIN IMMEDIATE`` takes the write lock first.
"""

from __future__ import annotations

import threading
from pathlib import Path

from gridclient.storage import Store
from gridcore.domain.enums import EntityKind
from tests.unit.storage.factories import ACTOR, PASSWORD, household, resident

ROUNDS = 40


def _writer(store: Store, barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait()
        for _ in range(ROUNDS):
            home = household()
            with store.unit_of_work(actor=ACTOR) as uow:
                uow.create(home)
                uow.create(resident(home.id))
    except BaseException as exc:  # reported by the main thread
        errors.append(exc)


def test_concurrent_writers_do_not_hit_database_is_locked(store: Store, db_path: Path) -> None:
    other = Store.open(db_path, PASSWORD)  # its own engine, so its own connections
    try:
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=_writer, args=(s, barrier, errors)) for s in (store, other)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in threads)
        assert errors == []
    finally:
        other.close()

    with store.read() as repos:
        counts = repos.records.counts()
        seqs = [op.seq for op in repos.outbox.pending()]
    assert counts[EntityKind.HOUSEHOLD] == counts[EntityKind.RESIDENT] == 2 * ROUNDS
    assert seqs == list(range(1, 4 * ROUNDS + 1))  # one sequence, no gaps, no repeats


def test_a_reader_is_not_blocked_by_a_writer(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        with store.read() as repos:  # WAL: readers see the last commit while a write is open
            assert repos.records.counts()[EntityKind.HOUSEHOLD] == 0
