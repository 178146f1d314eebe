"""``GET /catalog`` carries an ETag; a client holding it gets an empty 304."""

from __future__ import annotations

import json

from gridserver import admin
from gridserver.app import etag_matches
from gridserver.db import Database
from tests.server.conftest import Api
from tests.server.test_cli import CATALOG


def test_catalog_is_not_sent_again_while_unchanged(api: Api, db: Database) -> None:
    headers = api.login("w1")
    empty = api.client.get("/api/v1/catalog", headers=headers)
    assert empty.status_code == 200 and empty.json()["categories"] == []
    admin.load_catalog(db, CATALOG)

    first = api.client.get("/api/v1/catalog", headers=headers)
    assert first.status_code == 200
    assert first.json()["version"] == "2026.1"
    assert [c["code"] for c in first.json()["categories"]] == ["D001"]
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag != empty.headers["ETag"]

    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = api.client.get("/api/v1/catalog", headers={**headers, "If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.content == b""
        assert again.headers["ETag"] == etag
    # The same document loaded again keeps its tag; another one gets a new tag.
    admin.load_catalog(db, json.loads(json.dumps(CATALOG)))
    same = api.client.get("/api/v1/catalog", headers={**headers, "If-None-Match": etag})
    assert same.status_code == 304
    admin.load_catalog(db, {**CATALOG, "version": "2026.2"})
    changed = api.client.get("/api/v1/catalog", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["version"] == "2026.2"
    assert changed.headers["ETag"] != etag
    # Still only for a logged-in caller.
    assert api.client.get("/api/v1/catalog").status_code == 401


def test_etag_matching() -> None:
    assert etag_matches('"a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert etag_matches(' "b" , "a"', '"a"')
    assert etag_matches("*", '"a"')
    assert not etag_matches('"b"', '"a"')
    assert not etag_matches("", '"a"')
    assert not etag_matches('"a', '"a"')
