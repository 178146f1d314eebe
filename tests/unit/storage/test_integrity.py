"""A store that fails its integrity check is moved aside with its -wal/-shm and a copy
of its key file, never deleted, and the error says where it went."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from gridclient.storage import (
    IntegrityCheck,
    Store,
    StoreCorrupted,
    create_store_engine,
    write_connection,
)
from gridclient.storage import store as store_module
from gridclient.storage.keys import key_file_for, unlock
from gridclient.storage.migrate import head_revision
from gridclient.storage.store import check_integrity
from gridcore.domain.entities import Household
from tests.unit.storage.factories import ACTOR, CHEAP_KDF, PASSWORD, household, resident

PAGE = 4096


def _fill(store: Store) -> None:
    with store.unit_of_work(actor=ACTOR) as uow:
        for _ in range(300):
            home = household(notes="x" * 200)
            uow.create(home)
            uow.create(resident(home.id))


def _image_without_wal(store: Store, target: Path) -> None:
    """Copy a live store after a checkpoint, without its -wal (its flag says "open"):
    a crash whose -wal was lost too."""
    store.checkpoint()
    shutil.copyfile(store.path, target)
    shutil.copyfile(key_file_for(store.path), key_file_for(target))
    assert not Path(f"{target}-wal").exists()


def _crash_image(store: Store, target: Path) -> None:
    """Copy a live store (main file, -wal with frames, -shm, key) as a crash leaves it."""
    _fill(store)
    store.checkpoint()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(household())  # these pages are only in the -wal
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{store.path}{suffix}", f"{target}{suffix}")
    shutil.copyfile(key_file_for(store.path), key_file_for(target))
    assert Path(f"{target}-wal").stat().st_size > 0


def _damage(path: Path, first_page: int, pages: int = 3) -> None:
    with path.open("r+b") as f:
        f.seek(first_page * PAGE)
        f.write(os.urandom(pages * PAGE))


def test_a_sound_store_passes(store: Store, db_path: Path) -> None:
    store.close()
    assert check_integrity(db_path, unlock(key_file_for(db_path), PASSWORD)) is None


def test_damaged_pages_move_the_store_aside(store: Store, tmp_path: Path) -> None:
    crashed = tmp_path / "crashed.db"
    _crash_image(store, crashed)
    store.close()
    pages = crashed.stat().st_size // PAGE
    assert pages > 20
    _damage(crashed, pages * 3 // 4)  # among the records' pages, past the empty tables'
    damaged = crashed.read_bytes()
    wal = Path(f"{crashed}-wal").read_bytes()
    key = key_file_for(crashed).read_bytes()

    with pytest.raises(StoreCorrupted) as caught:
        Store.open(crashed, PASSWORD)

    moved = caught.value.moved_to
    assert str(moved) in str(caught.value)
    assert "已损坏" in str(caught.value) and "未删除" in str(caught.value)
    assert moved.parent == crashed.parent and moved.name.startswith("crashed.db.corrupt-")
    assert caught.value.original == crashed
    assert caught.value.detail.startswith("quick_check")  # what failed, for the IT log
    # Moved, byte for byte: the check never wrote to it or folded its -wal in.
    assert not crashed.exists()
    assert moved.read_bytes() == damaged
    assert Path(f"{moved}-wal").read_bytes() == wal
    assert Path(f"{moved}-shm").exists()
    assert not Path(f"{crashed}-wal").exists() and not Path(f"{crashed}-shm").exists()
    # The key file is copied, not moved: the copy opens the moved store, the original
    # lets the user start again with the same password.
    assert key_file_for(moved).read_bytes() == key
    assert key_file_for(crashed).read_bytes() == key

    with Store.create(crashed, PASSWORD, kdf=CHEAP_KDF) as fresh, fresh.read() as repos:
        assert repos.records.households_of_grid("grid-001") == []
    assert key_file_for(crashed).read_bytes() == key  # same data key, same password
    assert moved.exists()


def test_a_damaged_first_page_is_corruption_too(store: Store, db_path: Path) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    store.close()
    _damage(db_path, 0, pages=1)
    with pytest.raises(StoreCorrupted) as caught:
        Store.open(db_path, PASSWORD)
    assert caught.value.moved_to.exists()
    assert "file is not a database" in caught.value.detail
    assert not db_path.exists()


def test_an_intact_store_is_not_moved(store: Store, db_path: Path) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    store.close()
    with Store.open(db_path, PASSWORD) as again, again.read() as repos:
        assert repos.records.get(Household, home.id) == home
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["store.db", "store.db.key"]


def test_orphaned_side_files_are_kept_aside_not_applied(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Path(f"{path}-wal").write_bytes(b"left over from a crash")
    Path(f"{path}-shm").write_bytes(b"shm")
    with Store.create(path, PASSWORD, kdf=CHEAP_KDF) as store, store.read() as repos:
        assert repos.outbox.pending() == []
    kept = sorted(p.name for p in tmp_path.iterdir() if ".orphan-" in p.name)
    assert [name.rsplit("-", 1)[-1] for name in kept] == ["shm", "wal"]
    assert (tmp_path / kept[1]).read_bytes() == b"left over from a crash"


def test_after_crash_policy_checks_only_unclean_stores(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = _spy_checks(monkeypatch)
    crashed = tmp_path / "crashed.db"
    _crash_image(store, crashed)
    store.close()

    with Store.open(store.path, PASSWORD, integrity=IntegrityCheck.AFTER_CRASH):
        pass
    assert checked == []  # closed cleanly: no -wal left
    with Store.open(crashed, PASSWORD, integrity=IntegrityCheck.AFTER_CRASH):
        pass
    assert checked == [crashed]
    with Store.open(store.path, PASSWORD, integrity=IntegrityCheck.FULL):
        pass
    assert checked == [crashed, store.path]  # FULL checks every time
    with Store.open(store.path, PASSWORD):
        pass
    assert checked == [crashed, store.path]  # the default is AFTER_CRASH


def _clean_flag(path: Path) -> object:
    engine = create_store_engine(path, unlock(key_file_for(path), PASSWORD), read_only=True)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT value FROM sync_state WHERE key = 'clean_shutdown'")
            ).scalar()
    finally:
        engine.dispose()


def _spy_checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    checked: list[Path] = []
    real_check = store_module.check_integrity

    def spy(path: Path, key: bytes) -> str | None:
        checked.append(path)
        return real_check(path, key)

    monkeypatch.setattr(store_module, "check_integrity", spy)
    return checked


def test_the_clean_shutdown_flag_is_false_while_open_and_true_after_close(
    store: Store, db_path: Path
) -> None:
    store.checkpoint()
    assert _clean_flag(db_path) == "false"
    store.close()
    assert not Path(f"{db_path}-wal").exists()
    assert _clean_flag(db_path) == "true"
    store.close()  # twice is harmless


def test_a_store_left_open_is_checked_even_without_its_wal(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after a checkpoint, with the -wal lost too (power loss before the
    directory reached the disk): the flag in the file still says "open"."""
    checked = _spy_checks(monkeypatch)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(household())
    image = tmp_path / "image.db"
    _image_without_wal(store, image)
    store.close()
    with Store.open(image, PASSWORD):
        pass
    assert checked == [image]
    with Store.open(image, PASSWORD):  # closed cleanly this time
        pass
    assert checked == [image]


def test_a_store_without_the_flag_is_checked_once(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stores written before the flag existed (and anything unknown) count as unclean."""
    store.close()
    engine = create_store_engine(db_path, unlock(key_file_for(db_path), PASSWORD))
    with write_connection(engine) as connection:
        connection.execute(text("DELETE FROM sync_state WHERE key = 'clean_shutdown'"))
    engine.dispose()
    checked = _spy_checks(monkeypatch)
    with Store.open(db_path, PASSWORD):
        pass
    with Store.open(db_path, PASSWORD):
        pass
    assert checked == [db_path]


def test_a_damaged_page_found_by_the_flag_check_moves_the_store_aside(
    store: Store, tmp_path: Path
) -> None:
    _fill(store)
    image = tmp_path / "image.db"
    _image_without_wal(store, image)
    store.close()
    _damage(image, image.stat().st_size // PAGE // 2)
    with pytest.raises(StoreCorrupted) as caught:
        Store.open(image, PASSWORD)
    assert caught.value.moved_to.exists() and not image.exists()
    assert not Path(f"{image}-wal").exists()


def test_the_schema_head_is_read_without_alembic() -> None:
    assert store_module._head_revision() == head_revision()


def test_opening_a_store_at_head_does_not_import_alembic(store: Store, db_path: Path) -> None:
    store.close()
    script = (
        "import sys, pathlib\n"
        "from gridclient.storage.store import Store\n"
        "Store.open(pathlib.Path(sys.argv[1]), sys.argv[2]).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'pypinyin')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(db_path), PASSWORD],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.stdout.strip() == "[]"


def test_close_does_not_hang_on_a_busy_store_and_leaves_it_to_be_checked(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = create_store_engine(db_path, unlock(key_file_for(db_path), PASSWORD))
    try:
        with write_connection(other):  # another writer holds the lock during close
            started = time.monotonic()
            store.close()
            assert time.monotonic() - started < store_module.CLOSE_WAIT_MS / 1000 + 3
    finally:
        other.dispose()
    assert _clean_flag(db_path) == "false"
    checked = _spy_checks(monkeypatch)
    with Store.open(db_path, PASSWORD):
        pass
    assert checked == [db_path]


def test_damage_anywhere_is_reported_never_raised(store: Store, tmp_path: Path) -> None:
    """Garbage over two pages, at every eighth of the file: the check answers what failed
    (SQLCipher raises "SQL logic error" for some pages instead of returning a row), and
    never lets the driver's error through."""
    import random

    _fill(store)
    store.close()
    key = unlock(key_file_for(store.path), PASSWORD)
    pages = store.path.stat().st_size // PAGE
    garbage = random.Random(20261203)
    for eighth in range(1, 8):
        copy = tmp_path / f"damaged-{eighth}.db"
        shutil.copyfile(store.path, copy)
        with copy.open("r+b") as f:
            f.seek(pages * eighth // 8 * PAGE)
            f.write(garbage.randbytes(2 * PAGE))
        assert check_integrity(copy, key) is not None, eighth
