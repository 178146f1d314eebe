"""A township office's first download from a seed (issue 18, item 4), with a real
``gridserver serve`` process, the seed made by a real ``gridclient seed`` process, and
laptops that are separate data directories.

The seed is made by a service account of the township's scope. Then the data moves on
(new records, a step of the event). A new laptop of the township user downloads the
seed and pulls on from its cursor; a second new laptop of the same user pulls rows only.
Both must hold exactly the same records, event states, conflicts (turned to the user's
side) and scope documents, and the loop must go on from the seeded laptop. Then the
ways it can go wrong: another scope asks (nothing offered), the download breaks off
(resumed with a range), the copy is cancelled (the store stays empty, the next sync
adopts), the file is damaged or of another schema (rows instead)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from gridclient.storage.models import Base
from gridclient.storage.seed import SEED_KEYS
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync import seeding, transport
from gridclient.sync.engine import Phase, SyncReport
from gridclient.sync.errors import Cancelled
from gridcore.domain.enums import EntityKind, EventActionKind, EventState, Role
from tests.integration.sync.conftest import (
    LOOP_USERS,
    PASSWORD,
    Laptop,
    ServerProcess,
    server_event_view,
    server_process,
    store_snapshot,
)
from tests.integration.sync.test_event_loop import _report, _take

H = EntityKind.HOUSEHOLD
USERS = [
    *LOOP_USERS,
    ("s1", Role.TOWNSHIP, "320101001000", "东街道初始数据包"),
    ("t2", Role.TOWNSHIP, "320101000000", "区级"),  # another scope: the county
]


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


@pytest.fixture
def server(tmp_path: Path, seeds: Path) -> Iterator[ServerProcess]:
    folder = tmp_path / "server"
    folder.mkdir()
    with server_process(folder, USERS, seeds_dir=seeds) as process:
        yield process


def _laptop(tmp_path: Path, server: ServerProcess, name: str, user: str) -> Laptop:
    return Laptop(tmp_path / "laptops" / name, server.url, user, page_size=7)


def _sync(laptop: Laptop, **options: Any) -> SyncReport:
    report = laptop.engine(fetch_catalog=True, **options).run()
    assert report.ok, report.errors
    return report


def make_seed(server: ServerProcess, tmp_path: Path, seeds: Path) -> str:
    """``gridclient seed`` as IT runs it on the server host; returns its output."""
    env = {**os.environ, "GRIDCLIENT_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "gridclient", "--data-dir", str(tmp_path / "maker")]
    command += ["seed", "--server", server.url, "--user", "s1", "--out", str(seeds)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _seeded_office(server: ServerProcess, tmp_path: Path, seeds: Path, households: int) -> Laptop:
    """The grid worker's laptop after it recorded ``households`` households and synced,
    and a seed made of them."""
    w1 = _laptop(tmp_path, server, "w1", "w1")
    for number in range(households):
        w1.new_household(server.areas["G1"], f"幸福路{number}号")
    _sync(w1)
    make_seed(server, tmp_path, seeds)
    return w1


def _office_data(server: ServerProcess, w1: Laptop, t1: Laptop) -> str:
    """Households, an event taken through two steps, and a conflict between the grid
    worker and the township user (the township's edit arrived second)."""
    for number in range(12):
        w1.new_household(server.areas["G1"], f"幸福路{number}号")
    household = w1.new_household(server.areas["G1"], "幸福路99号")
    w1.new_resident(household.id, "李四")
    event_id = _report(w1, server.areas["G1"])
    _sync(w1)
    _sync(t1)
    _take(t1, event_id, EventActionKind.ACCEPT, {"comment": "已受理"})
    w1.edit(H, household.id, address="幸福路99号东")
    t1.edit(H, household.id, address="幸福路99号西")
    _sync(w1)
    assert _sync(t1).conflicts_received == 1
    return event_id


def _table(laptop: Laptop, name: str, order: str) -> list[tuple[Any, ...]]:
    table = Base.metadata.tables[name]
    with laptop.store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(table).order_by(table.c[order]))]


def _scope_state(laptop: Laptop) -> dict[str, Any]:
    with laptop.store.read() as repos:
        return {key: repos.sync_state.get(key) for key in sorted(SEED_KEYS)}


def _conflicts(laptop: Laptop) -> list[tuple[Any, ...]]:
    with laptop.store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, entity_id, field, base, mine, theirs, resolved, mine_side,"
                " server_user, incoming_user, resolution FROM conflicts ORDER BY id"
            )
        )
        return [tuple(row) for row in rows]


def test_a_new_office_laptop_starts_from_the_seed_and_matches_a_row_pull(
    server: ServerProcess, tmp_path: Path, seeds: Path
) -> None:
    w1 = _laptop(tmp_path, server, "w1", "w1")
    t1 = _laptop(tmp_path, server, "t1", "t1")
    event_id = _office_data(server, w1, t1)

    out = make_seed(server, tmp_path, seeds)
    assert "初始数据包" in out and "条记录" in out
    manifests = list(seeds.glob("*.json"))
    assert len(manifests) == 1
    assert manifests[0].stat().st_mode & 0o077 == 0  # the transfer key is in it
    assert manifests[0].with_suffix(".gcseed").stat().st_mode & 0o077 == 0

    # The office goes on working after the seed was made.
    w1.new_household(server.areas["G1"], "幸福路100号")
    _take(t1, event_id, EventActionKind.DISPATCH, {"assignee": "民政办"})
    _sync(w1)
    _sync(t1)
    _sync(w1)

    seeded = _laptop(tmp_path, server, "t1-new", "t1")
    phases: list[str] = []
    report = seeded.engine(
        fetch_catalog=True, progress=lambda phase, _done, _total: phases.append(phase)
    ).run()
    assert report.ok, report.errors
    assert report.seeded > 0  # the seed was used…
    assert report.pulled > report.seeded  # …and what came after it pulled as rows
    assert Phase.SEED in phases and Phase.SEED_COPY in phases
    assert seeding.seed_files(seeded.store.path) == []  # the download is not kept

    rows = _laptop(tmp_path, server, "t1-rows", "t1")
    assert _sync(rows, use_seed=False).seeded == 0

    assert store_snapshot(seeded.store) == store_snapshot(rows.store) == store_snapshot(t1.store)
    assert _table(seeded, "event_status", "event_id") == _table(rows, "event_status", "event_id")
    assert _table(seeded, "event_categories", "code") == _table(rows, "event_categories", "code")
    assert _conflicts(seeded) == _conflicts(rows)
    assert [c[7] for c in _conflicts(seeded)] == ["incoming"]  # the township's own side
    assert _scope_state(seeded) == _scope_state(rows)
    with seeded.store.read() as repos:
        assert repos.sync_state.get(SyncKey.USERNAME) == "t1"
        assert repos.sync_state.display_names()["w1"] == "何子健"
    assert seeded.store.device_id not in (rows.store.device_id, t1.store.device_id)

    # The loop goes on from the seeded laptop, and everyone sees it.
    _take(seeded, event_id, EventActionKind.HANDLE, {"comment": "民政办已到现场"})
    assert _sync(seeded).pushed == 1
    _sync(w1)
    _sync(rows)
    state, _deadline, _timeline = server_event_view(server, event_id)
    assert state is EventState.HANDLING
    for laptop in (w1, rows, seeded):
        with laptop.store.engine.connect() as connection:
            status = connection.execute(
                text("SELECT state FROM event_status WHERE event_id = :id"), {"id": event_id}
            ).scalar()
        assert status == EventState.HANDLING.value, laptop.username

    # A second sync of the seeded laptop is an ordinary delta pull.
    assert _sync(seeded).seeded == 0
    for laptop in (w1, t1, seeded, rows):
        laptop.close()


def test_no_seed_for_another_scope_or_a_store_that_holds_data(
    server: ServerProcess, tmp_path: Path, seeds: Path
) -> None:
    w1 = _seeded_office(server, tmp_path, seeds, households=1)
    county = _laptop(tmp_path, server, "t2", "t2")
    assert county.session.transport.seed_offer() is None  # the county is not the township
    assert w1.session.transport.seed_offer() is None  # nor is a grid worker
    assert _sync(county).seeded == 0
    assert len(store_snapshot(county.store)) == 1

    # A township laptop where someone worked before the first sync pulls rows.
    early = _laptop(tmp_path, server, "t1-early", "t1")
    assert early.session.transport.seed_offer() is not None
    early.new_household(server.areas["G1"], "先录入的1号")
    report = _sync(early)
    assert report.seeded == 0 and report.pushed == 1
    assert len(store_snapshot(early.store)) == 2
    for laptop in (w1, county, early):
        laptop.close()


def _one_seed(seeds: Path) -> tuple[Path, dict[str, Any]]:
    (manifest,) = seeds.glob("*.json")
    return manifest, json.loads(manifest.read_text(encoding="utf-8"))


def test_a_broken_download_resumes_where_it_stopped(
    server: ServerProcess, tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w1 = _seeded_office(server, tmp_path, seeds, households=30)
    manifest, offer = _one_seed(seeds)
    data = manifest.with_suffix(".gcseed").read_bytes()
    half = len(data) // 2

    laptop = _laptop(tmp_path, server, "t1", "t1")
    part = laptop.store.path.with_name(f"{laptop.store.path.name}.seed-{offer['generation']}")
    part.write_bytes(data[:half])  # what a killed run left
    stale = laptop.store.path.with_name(f"{laptop.store.path.name}.seed-seed-old")
    stale.write_bytes(b"an older generation's download")
    monkeypatch.setattr(transport, "SEED_CHUNK", 4096)
    seen: list[int] = []

    def progress(phase: str, done: int, _total: int) -> None:
        if phase == Phase.SEED:
            seen.append(done)

    report = laptop.engine(fetch_catalog=True, progress=progress).run()
    assert report.ok and report.seeded > 0
    assert seen[0] == min(half + 4096, len(data))  # it went on from the half it had
    assert seen[-1] == len(data)
    assert not stale.exists() and not part.exists()
    assert store_snapshot(laptop.store) == store_snapshot(w1.store)
    w1.close()
    laptop.close()


def test_a_cancelled_copy_leaves_the_store_empty_and_the_next_sync_adopts(
    server: ServerProcess, tmp_path: Path, seeds: Path
) -> None:
    w1 = _seeded_office(server, tmp_path, seeds, households=5)
    laptop = _laptop(tmp_path, server, "t1", "t1")
    engine = laptop.engine(fetch_catalog=True)

    def cancel_at_copy(phase: str, _done: int, _total: int) -> None:
        if phase == Phase.SEED_COPY:
            engine.cancel.set()

    engine._progress = cancel_at_copy
    with pytest.raises(Cancelled):
        engine.run()
    assert store_snapshot(laptop.store) == {}
    with laptop.store.read() as repos:
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) is None
    assert len(seeding.seed_files(laptop.store.path)) == 1  # kept for the next run

    report = _sync(laptop)
    assert report.seeded > 0
    assert store_snapshot(laptop.store) == store_snapshot(w1.store)
    assert seeding.seed_files(laptop.store.path) == []
    w1.close()
    laptop.close()


@pytest.mark.parametrize("damage", ["bytes", "schema"])
def test_a_damaged_seed_or_one_of_another_schema_means_rows(
    server: ServerProcess, tmp_path: Path, seeds: Path, damage: str
) -> None:
    w1 = _seeded_office(server, tmp_path, seeds, households=5)
    manifest, offer = _one_seed(seeds)
    if damage == "bytes":  # same size, one byte changed: the SHA-256 catches it
        path = manifest.with_suffix(".gcseed")
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    else:
        offer["revision"] = "r9999_from_a_newer_client"
        manifest.write_text(json.dumps(offer), encoding="utf-8")
    laptop = _laptop(tmp_path, server, "t1", "t1")
    report = _sync(laptop)
    assert report.seeded == 0 and report.pulled >= 5
    assert store_snapshot(laptop.store) == store_snapshot(w1.store)
    assert seeding.seed_files(laptop.store.path) == []
    w1.close()
    laptop.close()
