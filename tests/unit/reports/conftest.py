"""Fixtures for the report tests: a store filled with the hand-built sample township."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gridclient.demo.local import load_dataset
from gridclient.storage import Store
from tests.unit.reports.sample import Sample, build_sample
from tests.unit.storage.factories import ACTOR, CHEAP_KDF, PASSWORD


@pytest.fixture(autouse=True)
def _widgets_app(qapp: object) -> object:
    """A QApplication before any report is rendered: rendering alone would make a
    QGuiApplication, and widget tests later in the same run could not start."""
    return qapp


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.create(
        tmp_path / "data" / "store.db",
        PASSWORD,
        username=ACTOR,
        server_url="demo.local",
        kdf=CHEAP_KDF,
    )
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sample() -> Sample:
    return build_sample()


@pytest.fixture
def store(empty_store: Store, sample: Sample) -> Store:
    load_dataset(empty_store, sample.dataset)
    return empty_store
