"""Nothing personal is readable in the files: database, its -wal, the key file."""

from __future__ import annotations

from pathlib import Path

from gridclient.storage import Store
from gridclient.storage.keys import key_file_for
from tests.unit.storage.factories import (
    ACTOR,
    ID_NUMBER,
    NAME,
    PASSWORD,
    PHONE,
    PHOTO,
    attachment,
    household,
    resident,
    visit,
)

SECRETS = {
    "name": NAME.encode("utf-8"),
    "id_number": ID_NUMBER.encode("ascii"),
    "phone": PHONE.encode("ascii"),
    "password": PASSWORD.encode("utf-8"),
}


def _leaks(path: Path) -> list[str]:
    data = path.read_bytes()
    return [label for label, secret in SECRETS.items() if secret in data]


def _write_personal_data(store: Store) -> None:
    with store.unit_of_work(actor=ACTOR) as uow:
        for _ in range(20):
            home = household(phone=PHONE, notes=NAME)
            uow.create(home)
            uow.create(resident(home.id))
            uow.append(visit(home.id, content=f"{NAME} {ID_NUMBER} {PHONE}"))
        uow.append(attachment(), blob=PHOTO)


def test_no_plaintext_in_the_database_wal_or_key_file(store: Store, db_path: Path) -> None:
    _write_personal_data(store)
    wal = Path(f"{db_path}-wal")
    assert wal.stat().st_size > 0  # the writes are in the WAL before a checkpoint
    assert _leaks(wal) == []
    assert _leaks(db_path) == []

    store.checkpoint()
    assert db_path.stat().st_size > 40_000  # the data really is in the main file now
    assert _leaks(db_path) == []
    assert not wal.exists() or _leaks(wal) == []
    assert _leaks(key_file_for(db_path)) == []
    assert b"SQLite format 3" not in db_path.read_bytes()[:100]


def test_the_check_can_see_plaintext(tmp_path: Path) -> None:
    """The leak check itself works: it finds the values in an unencrypted file."""
    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"xx" + NAME.encode() + PHONE.encode())
    assert _leaks(plain) == ["name", "phone"]


def test_after_close_no_side_files_are_left(store: Store, db_path: Path) -> None:
    _write_personal_data(store)
    store.close()
    assert not Path(f"{db_path}-wal").exists()
    assert _leaks(db_path) == []
