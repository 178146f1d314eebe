"""The engine fetches the catalog on every run, but the server sends it only when it
changed (ETag / 304), and the stored catalog always ends up the server's."""

from __future__ import annotations

from typing import Any

import pytest

from gridclient.domain.catalog import EventCatalog
from gridclient.storage.syncmeta import SyncKey
from gridserver import admin
from tests.integration.sync.conftest import Laptop, World

CATALOG: dict[str, Any] = {
    "version": "2026.1",
    "categories": [
        {
            "code": "D001",
            "name": "邻里纠纷",
            "group": "dispute",
            "ledger": "appeal",
            "time_limits": {"normal": 7, "urgent": 3},
        }
    ],
}


def _spy(laptop: Laptop, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, bool]]:
    """Record (ETag sent, body received?) for every catalog fetch."""
    transport = laptop.session.transport
    real = transport.catalog_if_changed
    calls: list[tuple[str | None, bool]] = []

    def spy(etag: str | None, **kwargs: Any) -> Any:
        result = real(etag, **kwargs)
        calls.append((etag, result is not None))
        return result

    monkeypatch.setattr(transport, "catalog_if_changed", spy)
    return calls


def _stored(laptop: Laptop) -> EventCatalog:
    with laptop.store.read() as repos:
        return repos.catalog.load()


def test_the_catalog_is_downloaded_only_when_it_changed(
    world: World, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin.load_catalog(world.server.db, CATALOG)
    laptop = laptops["w1"]
    calls = _spy(laptop, monkeypatch)

    assert not laptop.engine(fetch_catalog=True).run().errors
    assert calls == [(None, True)]
    assert _stored(laptop).version == "2026.1" and len(_stored(laptop)) == 1
    with laptop.store.read() as repos:
        remembered = repos.sync_state.get(SyncKey.CATALOG_ETAG)
    assert isinstance(remembered, dict)
    etag = remembered["etag"]

    assert not laptop.engine(fetch_catalog=True).run().errors
    assert calls[-1] == (etag, False)  # 304: nothing downloaded, nothing rewritten
    assert _stored(laptop).version == "2026.1"

    admin.load_catalog(world.server.db, {**CATALOG, "version": "2026.2"})
    assert not laptop.engine(fetch_catalog=True).run().errors
    assert calls[-1] == (etag, True)
    assert _stored(laptop).version == "2026.2"


def test_a_catalog_replaced_locally_is_fetched_again(
    world: World, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin.load_catalog(world.server.db, CATALOG)
    laptop = laptops["w1"]
    calls = _spy(laptop, monkeypatch)
    assert not laptop.engine(fetch_catalog=True).run().errors
    with laptop.store.write() as repos:
        repos.catalog.save(EventCatalog.of([], "local"))
    assert not laptop.engine(fetch_catalog=True).run().errors
    # The remembered ETag no longer describes the stored catalog: it is not sent.
    assert calls[-1] == (None, True)
    assert _stored(laptop).version == "2026.1" and len(_stored(laptop)) == 1
