"""Damage found after a clean shutdown, an empty or missing store beside its key, and
disk trouble during the pre-migration backup (issue 14): each is a Chinese message and
the right move, never a traceback or a silently empty store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import event

from gridclient.storage import Store, StoreCorrupted, StoreNotFound
from gridclient.storage import migrate as migrate_module
from gridclient.storage.errors import DiskFull, StoreDamaged, StoreMissing
from gridclient.storage.keys import key_file_for
from gridclient.storage.store import CHECK_MARKER, MOVED_MARKER
from tests.unit.storage.factories import ACTOR, CHEAP_KDF, PASSWORD, household, resident

PAGE = 4096


def _fill(store: Store) -> None:
    with store.unit_of_work(actor=ACTOR) as uow:
        for _ in range(300):
            home = household(notes="x" * 200)
            uow.create(home)
            uow.create(resident(home.id))


def _damage_middle(path: Path) -> None:
    """Three pages among the filled records' (the schema's empty tables come first, so
    the middle of a small store may be one of them, which the reads never touch)."""
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as f:
        f.seek(pages * 3 // 4 * PAGE)
        f.write(os.urandom(3 * PAGE))


def _read_everything(store: Store) -> None:
    with store.read() as repos:
        repos.records.households_of_grid("grid-001")
        repos.outbox.pending()


def test_damage_after_a_clean_shutdown_is_a_message_then_moved_aside_at_the_next_open(
    store: Store, db_path: Path
) -> None:
    _fill(store)
    store.close()
    _damage_middle(db_path)
    opened = Store.open(db_path, PASSWORD)  # clean flag and at head: no full check
    with pytest.raises(StoreDamaged) as caught:
        _read_everything(opened)
    assert "已损坏" in str(caught.value) and "重新启动" in str(caught.value)
    assert str(db_path) in str(caught.value)
    with pytest.raises(StoreDamaged):  # every later statement too, never a raw error
        _read_everything(opened)
    opened.close()
    assert Path(f"{db_path}{CHECK_MARKER}").exists()

    with pytest.raises(StoreCorrupted) as moved:
        Store.open(db_path, PASSWORD)
    assert moved.value.moved_to.exists() and key_file_for(moved.value.moved_to).exists()
    assert not db_path.exists() and not Path(f"{db_path}{CHECK_MARKER}").exists()
    # A fresh start reuses the key left behind (it was moved aside on purpose).
    with Store.create(db_path, PASSWORD, kdf=CHEAP_KDF) as fresh, fresh.read() as repos:
        assert repos.outbox.pending() == []
    assert not Path(f"{db_path}{MOVED_MARKER}").exists()


def test_a_sound_store_with_a_stale_check_marker_is_checked_once(
    store: Store, db_path: Path
) -> None:
    store.close()
    Path(f"{db_path}{CHECK_MARKER}").write_text("suspect", encoding="utf-8")
    with Store.open(db_path, PASSWORD):
        pass
    assert not Path(f"{db_path}{CHECK_MARKER}").exists()


def test_a_zero_byte_store_with_its_key_is_damage_not_a_new_store(
    store: Store, db_path: Path
) -> None:
    store.close()
    db_path.write_bytes(b"")
    with pytest.raises(StoreCorrupted) as caught:
        Store.open(db_path, PASSWORD)
    assert caught.value.detail == "zero-byte store file"
    assert caught.value.moved_to.exists() and not db_path.exists()


def test_a_missing_store_with_its_key_is_damage_not_a_new_store(
    store: Store, db_path: Path
) -> None:
    store.close()
    key = key_file_for(db_path).read_bytes()
    db_path.unlink()
    with pytest.raises(StoreMissing) as caught:
        Store.open(db_path, PASSWORD)
    assert "不见了" in str(caught.value) and caught.value.moved_to.read_bytes() == key
    assert not key_file_for(db_path).exists()
    with pytest.raises(StoreNotFound):  # said once; the next online login starts fresh
        Store.open(db_path, PASSWORD)
    Store.create(db_path, PASSWORD, kdf=CHEAP_KDF).close()


def test_create_refuses_to_start_empty_beside_a_lost_stores_key(
    store: Store, db_path: Path
) -> None:
    store.close()
    db_path.unlink()
    with pytest.raises(StoreMissing):
        Store.create(db_path, PASSWORD, kdf=CHEAP_KDF)
    Store.create(db_path, PASSWORD, kdf=CHEAP_KDF).close()  # the second try is new


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backup's target database may not grow past one page: SQLITE_FULL, exactly
    what a full disk gives."""
    real = migrate_module.create_store_engine

    def tiny(path: Path, key: bytes, **kwargs: object):  # type: ignore[no-untyped-def]
        engine = real(path, key, **kwargs)  # type: ignore[arg-type]
        if path.name.endswith(".partial"):

            @event.listens_for(engine, "connect")
            def limit(connection, _record):  # type: ignore[no-untyped-def]
                connection.execute("PRAGMA max_page_count = 2")

        return engine

    monkeypatch.setattr(migrate_module, "create_store_engine", tiny)


def test_disk_full_during_the_backup_is_a_friendly_message_and_leaves_nothing(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store)
    _full_disk(monkeypatch)
    with pytest.raises(DiskFull) as caught:
        migrate_module.backup_store(store.engine, db_path, b"k" * 32, "0002")
    assert "磁盘空间不足" in str(caught.value) and "未被修改" in str(caught.value)
    backups = db_path.parent / "backups"
    assert sorted(p.name for p in backups.iterdir()) == []


def test_a_backup_is_never_a_db_without_its_key_and_old_partials_go(
    store: Store, db_path: Path
) -> None:
    _fill(store)
    backups = db_path.parent / "backups"
    backups.mkdir()
    (backups / f"{db_path.stem}.rev-0001.20250101T000000Z.db.partial").write_bytes(b"killed")
    key = key_file_for(db_path).read_bytes()
    from gridclient.storage.keys import unlock

    data_key = unlock(key_file_for(db_path), PASSWORD)
    made = migrate_module.backup_store(store.engine, db_path, data_key, "0002")
    names = sorted(p.name for p in backups.iterdir())
    assert names == [made.name, key_file_for(made).name]
    assert key_file_for(made).read_bytes() == key


def _backups(directory: Path, now: object, ages: list[int]) -> None:
    from datetime import timedelta

    for days in ages:
        stamp = (now - timedelta(days=days)).strftime("%Y%m%dT%H%M%SZ")  # type: ignore[operator]
        path = directory / f"s.rev-0002.{stamp}.db"
        path.write_bytes(b"db")
        key_file_for(path).write_bytes(b"key")


def _ages(directory: Path, now: object) -> list[int]:
    from datetime import UTC, datetime

    out = []
    for path in directory.glob("s.rev-*.db"):
        when = datetime.strptime(path.name.split(".")[2], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        out.append((now - when).days)  # type: ignore[operator]
    return sorted(out)


def test_retention_keeps_the_last_five_and_the_last_thirty_days(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 3, tzinfo=UTC)
    old = tmp_path / "old"
    old.mkdir()
    _backups(old, now, [1, 2, 40, 50, 60, 70, 80, 400])
    other = old / "other.rev-0001.20200101T000000Z.db"  # another store's: not touched
    other.write_bytes(b"db")
    deleted = migrate_module.prune_backups(old, "s", now=now)
    assert _ages(old, now) == [1, 2, 40, 50, 60]  # the last five
    assert len(deleted) == 3 and all(not key_file_for(p).exists() for p in deleted)
    assert other.exists()

    recent = tmp_path / "recent"
    recent.mkdir()
    _backups(recent, now, [1, 2, 3, 4, 5, 6, 7, 29, 31, 100])
    migrate_module.prune_backups(recent, "s", now=now)
    assert _ages(recent, now) == [1, 2, 3, 4, 5, 6, 7, 29]  # everything under 30 days


def test_a_key_left_by_a_killed_create_is_reused_not_damage(db_path: Path) -> None:
    from gridclient.storage.keys import create_key_file
    from gridclient.storage.store import CREATING_MARKER

    db_path.parent.mkdir(parents=True)
    # What a create killed after writing the key leaves: the key and the marker.
    key = create_key_file(key_file_for(db_path), PASSWORD, params=CHEAP_KDF)
    Path(f"{db_path}{CREATING_MARKER}").write_text("", encoding="utf-8")
    with Store.create(db_path, PASSWORD, kdf=CHEAP_KDF):
        pass
    assert not Path(f"{db_path}{CREATING_MARKER}").exists()
    from gridclient.storage.keys import unlock

    assert unlock(key_file_for(db_path), PASSWORD) == key


def test_disk_full_while_saving_is_a_friendly_message_and_the_store_stays_sound(
    store: Store, db_path: Path
) -> None:
    _fill(store)
    store.checkpoint()
    raw = store.engine.raw_connection()
    try:  # every pooled connection of this store may not grow the file any more
        pages = raw.driver_connection.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[union-attr]
    finally:
        raw.close()

    @event.listens_for(store.engine, "connect")
    def limit(connection, _record):  # type: ignore[no-untyped-def]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    with pytest.raises(DiskFull) as caught:
        _fill(store)
    assert "磁盘空间不足" in str(caught.value)
    assert not store.damaged and not Path(f"{db_path}{CHECK_MARKER}").exists()
    with store.read() as repos:
        assert len(repos.outbox.pending()) == 600  # the first fill, nothing half-written
