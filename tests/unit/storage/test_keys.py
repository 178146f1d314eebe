"""Key file, offline login and password change."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from gridclient.storage import KeyFileError, Store, WrongPassword
from gridclient.storage.keys import (
    KdfParams,
    change_password,
    create_key_file,
    key_file_for,
    unlock,
)
from gridcore.domain.entities import Household
from tests.unit.storage.factories import ACTOR, CHEAP_KDF, PASSWORD, household


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_wrong_password_changes_nothing(store: Store, db_path: Path) -> None:
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(household())
    store.close()
    before = _snapshot(db_path.parent)

    with pytest.raises(WrongPassword) as caught:
        Store.open(db_path, "not the password")
    assert "密码错误" in str(caught.value)
    assert _snapshot(db_path.parent) == before

    with pytest.raises(WrongPassword):
        Store.open(db_path, PASSWORD.upper())
    assert _snapshot(db_path.parent) == before


def test_password_change_rewraps_the_key_only(store: Store, db_path: Path) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    store.checkpoint()
    db_before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    key_before = key_file_for(db_path).read_bytes()

    store.change_password(PASSWORD, "新密码-2027")
    # Only the key file changed (opening and closing write the clean-shutdown flag,
    # so the file is compared while the store stays open).
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == db_before
    store.close()

    assert key_file_for(db_path).read_bytes() != key_before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["store.db", "store.db.key"]
    with pytest.raises(WrongPassword):
        Store.open(db_path, PASSWORD)
    with Store.open(db_path, "新密码-2027") as again, again.read() as repos:
        assert repos.records.get(Household, home.id) == home


def test_change_password_with_a_wrong_old_password_changes_nothing(tmp_path: Path) -> None:
    key_path = tmp_path / "s.db.key"
    key = create_key_file(key_path, "old", params=CHEAP_KDF, user="u")
    before = key_path.read_bytes()
    with pytest.raises(WrongPassword):
        change_password(key_path, "wrong", "new")
    assert key_path.read_bytes() == before
    change_password(key_path, "old", "new")
    assert unlock(key_path, "new") == key
    assert list(tmp_path.iterdir()) == [key_path]  # no temporary file left behind


def test_key_file_records_parameters_and_authenticates_its_header(tmp_path: Path) -> None:
    key_path = tmp_path / "s.db.key"
    params = KdfParams(time_cost=2, memory_cost=16, parallelism=2)
    key = create_key_file(key_path, "pw", params=params, user="张三")
    assert len(key) == 32
    document = json.loads(key_path.read_text("utf-8"))
    assert document["kdf"]["name"] == "argon2id"
    assert (document["kdf"]["time_cost"], document["kdf"]["memory_cost"]) == (2, 16)
    assert document["user"] == "张三" and document["store"] == "s.db"
    assert key.hex() not in key_path.read_text("utf-8")
    assert unlock(key_path, "pw") == key

    for field, value in (("user", "李四"), ("store", "other.db")):
        tampered = dict(document, **{field: value})
        key_path.write_text(json.dumps(tampered), "utf-8")
        with pytest.raises(WrongPassword):
            unlock(key_path, "pw")
    weaker = json.loads(json.dumps(document))
    weaker["kdf"]["time_cost"] = 1
    key_path.write_text(json.dumps(weaker), "utf-8")
    with pytest.raises(WrongPassword):
        unlock(key_path, "pw")


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"{}",
        b'{"format": "gridclient-store-key", "version": 99}',
        b'{"format": "gridclient-store-key", "version": 1, "cipher": "aes-256-gcm",'
        b' "kdf": {"name": "argon2id", "time_cost": 1, "memory_cost": 99999999999,'
        b' "parallelism": 1, "salt": "AAAA"}, "store": "s", "user": "u"}',
    ],
)
def test_malformed_key_files_are_typed_errors(tmp_path: Path, content: bytes) -> None:
    key_path = tmp_path / "s.db.key"
    key_path.write_bytes(content)
    with pytest.raises(KeyFileError):
        unlock(key_path, "pw")


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        unlock(tmp_path / "absent.key", "pw")


def test_kdf_parameters_are_bounded() -> None:
    with pytest.raises(ValueError):
        KdfParams(time_cost=0, memory_cost=8, parallelism=1)
    with pytest.raises(ValueError):
        KdfParams(time_cost=1, memory_cost=4, parallelism=1)
    with pytest.raises(ValueError):
        KdfParams(time_cost=1, memory_cost=64, parallelism=99)


def test_empty_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        create_key_file(tmp_path / "s.db.key", "", params=CHEAP_KDF)
    assert not (tmp_path / "s.db.key").exists()


def test_password_is_compared_after_nfc_normalisation(tmp_path: Path) -> None:
    key_path = tmp_path / "s.db.key"
    key = create_key_file(key_path, "caf\u00e9", params=CHEAP_KDF)
    assert unlock(key_path, "cafe\u0301") == key


# --- the recovery wrap (device key share, issue 12) ---------------------------------------


def test_recovery_wrap_reseals_under_a_new_password(tmp_path: Path) -> None:
    from gridclient.storage.keys import add_recovery, recover, recovery_device

    path = tmp_path / "s.db.key"
    data_key = create_key_file(path, PASSWORD, params=CHEAP_KDF, user="w1")
    assert recovery_device(path) is None
    share = bytes(range(32))
    add_recovery(path, PASSWORD, share, "device-1")
    assert recovery_device(path) == "device-1"
    assert unlock(path, PASSWORD) == data_key
    assert share.hex() not in path.read_text() and "AAEC" not in path.read_text()
    with pytest.raises(WrongPassword):
        recover(path, bytes(32), "new password 1")  # not the share
    recover(path, share, "new password 1")
    assert unlock(path, "new password 1") == data_key
    with pytest.raises(WrongPassword):
        unlock(path, PASSWORD)  # the old password no longer opens it
    # A password change keeps the recovery wrap; it still opens with the share.
    change_password(path, "new password 1", "new password 2")
    assert recovery_device(path) == "device-1"
    recover(path, share, "new password 3")
    assert unlock(path, "new password 3") == data_key


def test_recovery_wrap_is_bound_to_its_device_and_user(tmp_path: Path) -> None:
    from gridclient.storage.keys import add_recovery, recover

    path = tmp_path / "s.db.key"
    create_key_file(path, PASSWORD, params=CHEAP_KDF, user="w1")
    share = bytes(range(32))
    add_recovery(path, PASSWORD, share, "device-1")
    original = path.read_text()
    for field, value in (("device_id", "device-2"),):
        document = json.loads(original)
        document["recovery"][field] = value
        path.write_text(json.dumps(document))
        with pytest.raises(WrongPassword):
            recover(path, share, "new password 1")
    document = json.loads(original)
    document["user"] = "w2"
    path.write_text(json.dumps(document))
    with pytest.raises(WrongPassword):
        recover(path, share, "new password 1")
    with pytest.raises(ValueError):
        add_recovery(path, PASSWORD, b"short", "device-1")


def test_a_discarded_store_is_never_recreated(store: Store, db_path: Path) -> None:
    """A wiped store (device marked lost) stays gone even for readers that kept its
    engine: they fail instead of creating a new, empty file at the same path."""
    from sqlalchemy import text

    from gridclient.storage.errors import StoreNotFound

    engine = store.engine
    store.discard()
    for suffix in ("", "-wal", "-shm", ".key"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreNotFound), store.read():
        pass
    with pytest.raises(Exception, match="不存在"), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert not db_path.exists()
