"""Fixtures for the storage tests: a fresh store per test in ``tmp_path``, cheap KDF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gridclient.storage import Store
from tests.unit.storage.factories import ACTOR, CHEAP_KDF, PASSWORD


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store.create(
        db_path, PASSWORD, username=ACTOR, server_url="https://grid.example.cn", kdf=CHEAP_KDF
    )
    try:
        yield opened
    finally:
        opened.close()
