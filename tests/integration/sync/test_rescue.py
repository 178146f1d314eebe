"""``gridclient rescue`` writes the unsent ops of a store (also a damaged one, moved
aside) to an encrypted file; ``gridserver ingest-rescue`` applies it as the push the
laptop could not make, once, whatever number of times it is ingested."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gridclient.__main__ import main
from gridclient.storage import IntegrityCheck, Store, StoreCorrupted
from gridcore.domain.enums import EntityKind
from gridcore.rescue import RescueFileError, open_rescue
from gridserver.__main__ import main as server_main
from gridserver.auth import UserError
from gridserver.rescue import ingest_rescue
from tests.integration.sync.conftest import PASSWORD, Laptop, World, server_snapshot

RESCUE_PASSWORD = "rescue-pass-1"


@pytest.fixture
def passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", PASSWORD)
    monkeypatch.setenv("GRIDCLIENT_RESCUE_PASSWORD", RESCUE_PASSWORD)


def _offline_work(world: World, root: Path, count: int) -> tuple[Laptop, list[str]]:
    laptop = Laptop(root, world.url, "w1")
    ids = [
        laptop.new_household(world.areas["G1"], address=f"幸福路{i}号", notes="x" * 300).id
        for i in range(count)
    ]
    return laptop, ids


def _rescue(root: Path, world: World, out: Path, *extra: str) -> int:
    argv = ["--data-dir", str(root / "w1"), "rescue", "--server", world.url, "--user", "w1"]
    return main([*argv, "--out", str(out), *extra])


def test_rescue_and_ingest_deliver_the_unsent_changes_once(
    world: World, tmp_path: Path, passwords: None, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop, ids = _offline_work(world, tmp_path, 5)
    laptop.close()
    [store_file] = (tmp_path / "w1" / "stores").glob("*.db")
    assert not Path(f"{store_file}-wal").exists()  # closed cleanly
    out = tmp_path / "w1.rescue"
    assert _rescue(tmp_path, world, out) == 0
    assert "已导出 5 条" in capsys.readouterr().out
    # Reading it left it as it was: still cleanly closed for the next start.
    assert not Path(f"{store_file}-wal").exists()
    assert not Path(f"{store_file}-shm").exists()
    assert b"\xe5\xb9\xb8\xe7\xa6\x8f" not in out.read_bytes()  # 幸福: encrypted
    with pytest.raises(RescueFileError):
        open_rescue(out.read_bytes(), "wrong password")

    done = ingest_rescue(world.server.db, out.read_bytes(), RESCUE_PASSWORD, "w1")
    assert done.statuses == {"applied": 5}
    records = server_snapshot(world)
    assert all((EntityKind.HOUSEHOLD.value, i) in records for i in ids)
    again = ingest_rescue(world.server.db, out.read_bytes(), RESCUE_PASSWORD, "w1")
    assert sum(again.statuses.values()) == 5 and server_snapshot(world) == records
    with pytest.raises(UserError):
        ingest_rescue(world.server.db, out.read_bytes(), RESCUE_PASSWORD, "w2")


def test_a_damaged_store_moved_aside_is_rescued_from_its_copy(
    world: World, tmp_path: Path, passwords: None, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop, ids = _offline_work(world, tmp_path, 400)
    path = laptop.store.path
    laptop.close()
    pages = path.stat().st_size // 4096
    with path.open("r+b") as f:  # power loss: pages in the middle are garbage
        f.seek(pages * 3 // 4 * 4096)
        f.write(os.urandom(2 * 4096))
    with pytest.raises(StoreCorrupted):
        Store.open(path, PASSWORD, integrity=IntegrityCheck.FULL)
    assert not path.exists()
    out = tmp_path / "w1.rescue"
    assert _rescue(tmp_path, world, out) == 0  # finds the moved-aside copy itself
    printed = capsys.readouterr()
    assert ".corrupt-" in printed.out
    rescue = open_rescue(out.read_bytes(), RESCUE_PASSWORD)
    assert 0 < len(rescue.ops) <= 400
    assert {str(op.entity_id) for op in rescue.ops} <= set(ids)

    db_file = tmp_path / "server" / "server.sqlite3"
    os.environ["GRIDSERVER_RESCUE_PASSWORD"] = RESCUE_PASSWORD
    try:
        code = server_main(
            ["--database", f"sqlite:///{db_file}", "ingest-rescue", str(out), "--user", "w1"]
        )
    finally:
        del os.environ["GRIDSERVER_RESCUE_PASSWORD"]
    assert code == 0
    assert f"{len(rescue.ops)} 条修改" in capsys.readouterr().out
    records = server_snapshot(world)
    assert sum((EntityKind.HOUSEHOLD.value, i) in records for i in ids) == len(rescue.ops)
