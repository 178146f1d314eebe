"""One store file per (server, user), with a safe name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gridclient.storage import Store, StoreExists, StoreNotFound, store_path
from gridclient.storage import migrate as migrate_module
from gridclient.storage.keys import create_key_file, key_file_for, unlock
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

SAFE = re.compile(r"[a-z0-9._-]+\.db")


def test_one_file_per_server_and_user(tmp_path: Path) -> None:
    a = store_path(tmp_path, "https://grid.example.cn", "zhangsan")
    assert a.parent == tmp_path / "stores"
    assert SAFE.fullmatch(a.name)
    assert a.name.startswith("grid.example.cn-zhangsan-")
    assert store_path(tmp_path, "https://grid.example.cn", "lisi") != a
    assert store_path(tmp_path, "https://other.example.cn", "zhangsan") != a
    assert store_path(tmp_path, "http://grid.example.cn", "zhangsan") != a
    assert store_path(tmp_path, "https://grid.example.cn:8443", "zhangsan") != a


@pytest.mark.parametrize(
    ("server", "user"),
    [
        ("https://GRID.example.cn/", "zhangsan"),
        ("https://grid.example.cn:443", "ZhangSan"),
        ("  https://grid.example.cn ", " zhangsan "),
        ("https://grid.example.cn", "ｚｈａｎｇｓａｎ"),  # full-width input from an IME
    ],
)
def test_equivalent_spellings_share_the_store(tmp_path: Path, server: str, user: str) -> None:
    assert store_path(tmp_path, server, user) == store_path(
        tmp_path, "https://grid.example.cn", "zhangsan"
    )


@pytest.mark.parametrize("user", ["张三", "../../etc/passwd", "CON", "a b\\c:d*e?f", ""])
def test_any_user_name_gives_a_safe_distinct_name(tmp_path: Path, user: str) -> None:
    path = store_path(tmp_path, "https://grid.example.cn", user)
    assert path.parent == tmp_path / "stores"
    assert SAFE.fullmatch(path.name), path.name
    assert path != store_path(tmp_path, "https://grid.example.cn", user + "x")


def test_create_and_open_guard_the_path(tmp_path: Path) -> None:
    path = store_path(tmp_path, "https://grid.example.cn", "张三")
    with pytest.raises(StoreNotFound):
        Store.open(path, PASSWORD)
    with Store.create(path, PASSWORD, username="张三", kdf=CHEAP_KDF) as store:
        assert store.path == path and path.exists()
    with pytest.raises(StoreExists):
        Store.create(path, PASSWORD, kdf=CHEAP_KDF)
    with Store.open(path, PASSWORD) as store:
        first_device = store.device_id
    with Store.open(path, PASSWORD) as store:
        assert store.device_id == first_device  # made once per store


def test_a_failed_create_leaves_no_half_made_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_upgrade(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    path = tmp_path / "s.db"
    monkeypatch.setattr(migrate_module, "upgrade", broken_upgrade)
    with pytest.raises(OSError, match="disk full"):
        Store.create(path, PASSWORD, kdf=CHEAP_KDF)
    assert list(tmp_path.iterdir()) == []

    # A key left behind on purpose (its store was moved aside as damaged) is reused.
    key = create_key_file(key_file_for(path), PASSWORD, params=CHEAP_KDF)
    Path(f"{path}.moved").write_text("elsewhere", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        Store.create(path, PASSWORD, kdf=CHEAP_KDF)
    assert key_file_for(path) in list(tmp_path.iterdir())  # a key we did not make stays
    assert not path.exists()
    monkeypatch.undo()
    with Store.create(path, PASSWORD, kdf=CHEAP_KDF) as store:
        assert store.path.exists()
    assert unlock(key_file_for(path), PASSWORD) == key
