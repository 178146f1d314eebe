"""Shared test setup: Qt offscreen, no real keyring, no user directories touched; the demo
templates (``tests/demo_store.py``) built once per session, on first use.

gridclient is imported lazily here: the server's own CI run installs gridcore and
gridserver alone and runs ``tests/server`` with this file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a test reach the developer's real keyring.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

if TYPE_CHECKING:
    from tests.demo_store import DemoStore, StoreTemplate


@pytest.fixture(scope="session")
def _demo_templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StoreTemplate]:
    from tests.demo_store import build_demo_template

    return build_demo_template(
        tmp_path_factory.mktemp("demo-template"), tmp_path_factory.mktemp("store-template")
    )


@pytest.fixture(scope="session")
def demo_template(_demo_templates: tuple[Path, StoreTemplate]) -> Path:
    """A closed demo data directory (server database and store): copy it with
    ``tests.demo_store.open_demo_copy`` when a test needs the embedded server."""
    return _demo_templates[0]


@pytest.fixture(scope="session")
def store_template(_demo_templates: tuple[Path, StoreTemplate]) -> StoreTemplate:
    return _demo_templates[1]


@pytest.fixture
def demo_store(store_template: StoreTemplate, tmp_path: Path) -> Iterator[DemoStore]:
    """A copy of the demo worker's synced store in ``tmp_path`` (no server, no sync)."""
    from tests.demo_store import open_store_copy

    copy = open_store_copy(store_template, tmp_path)
    yield copy
    copy.close()


@pytest.fixture
def cheap_store_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stores that the login dialog's sign-in creates seal their key at the cheapest
    Argon2 cost (each derivation at the real cost takes a few hundred milliseconds; the
    cost itself is tested in tests/unit/storage and tests/ui/test_first_window.py)."""
    import functools

    from gridclient.sync import session, signin
    from tests.unit.storage.factories import CHEAP_KDF

    monkeypatch.setattr(signin, "log_in", functools.partial(session.log_in, kdf=CHEAP_KDF))
