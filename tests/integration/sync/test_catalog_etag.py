"""The engine fetches the catalog on every run, but the server sends it only when it
changed (ETag / 304), and the stored catalog always ends up the server's."""

from __future__ import annotations

from typing import Any

import pytest

from gridclient.storage.syncmeta import SyncKey
from gridcore.domain.catalog import EventCatalog
from gridserver import admin
from tests.integration.sync.conftest import Laptop, World
from tests.server.test_cli import CATALOG


def _synced(
    world: World, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str | None, bool]]:
    """Load the catalog on the server, sync it once and record (ETag sent, body
    received?) for every catalog fetch from then on."""
    admin.load_catalog(world.server.db, CATALOG)
    transport = laptop.session.transport
    real = transport.catalog_if_changed
    calls: list[tuple[str | None, bool]] = []

    def spy(etag: str | None, **kwargs: Any) -> Any:
        result = real(etag, **kwargs)
        calls.append((etag, result is not None))
        return result

    monkeypatch.setattr(transport, "catalog_if_changed", spy)
    assert not laptop.engine(fetch_catalog=True).run().errors
    assert calls == [(None, True)]
    return calls


def _stored(laptop: Laptop) -> EventCatalog:
    with laptop.store.read() as repos:
        return repos.catalog.load()


def test_the_catalog_is_downloaded_only_when_it_changed(
    world: World, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = laptops["w1"]
    calls = _synced(world, laptop, monkeypatch)
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
    laptop = laptops["w1"]
    calls = _synced(world, laptop, monkeypatch)
    with laptop.store.write() as repos:
        repos.catalog.save(EventCatalog.of([], "local"))
    assert not laptop.engine(fetch_catalog=True).run().errors
    # The remembered ETag no longer describes the stored catalog: it is not sent.
    assert calls[-1] == (None, True)
    assert _stored(laptop).version == "2026.1" and len(_stored(laptop)) == 1
