"""Content-addressed attachment upload: idempotent PUT, HEAD, hash check, and metadata
records that need their bytes first."""

from __future__ import annotations

import hashlib

from tests.server.conftest import Api, World, op


def test_put_is_idempotent_and_verifies_the_hash(api: Api, world: World) -> None:
    headers = api.login("w1")
    data = b"\x89PNG fake photo"
    sha = hashlib.sha256(data).hexdigest()
    url = f"/api/v1/attachments/{sha}"
    assert api.client.head(url, headers=headers).status_code == 404
    assert api.client.put(url, content=data, headers=headers).status_code == 201
    assert api.client.put(url, content=data, headers=headers).status_code == 200
    head = api.client.head(url, headers=headers)
    assert head.status_code == 200 and head.headers["X-Attachment-Size"] == str(len(data))
    wrong = api.client.put(f"/api/v1/attachments/{'a' * 64}", content=data, headers=headers)
    assert wrong.status_code == 400 and wrong.json()["code"] == "hash_mismatch"
    bad = api.client.put("/api/v1/attachments/XYZ", content=data, headers=headers)
    assert bad.status_code == 400
    assert api.client.put(url, content=data).status_code == 401


def test_attachment_metadata_needs_the_uploaded_bytes(api: Api, world: World) -> None:
    headers = api.login("w1")
    data = b"photo bytes"
    sha = hashlib.sha256(data).hexdigest()
    meta = {"mime": "image/jpeg", "size": len(data)}
    [early] = api.push(headers, [op("attachment", sha, changes=meta)])
    assert (early["status"], early["reason"]) == ("rejected", "not_found")
    api.client.put(f"/api/v1/attachments/{sha}", content=data, headers=headers)
    [wrong] = api.push(headers, [op("attachment", sha, changes={**meta, "size": 3})])
    assert (wrong["reason"], wrong["field"]) == ("invalid_field", "size")
    [ok] = api.push(headers, [op("attachment", sha, changes=meta)])
    assert ok["status"] == "applied"
    page, _ = api.pull_all(api.login("t1"))
    assert sha in {c["id"] for c in page["changes"] if c["entity"] == "attachment"}
    page, _ = api.pull_all(api.login("w3"))
    assert sha not in {c["id"] for c in page["changes"]}


def test_download_is_scoped(api: Api, world: World) -> None:
    w1 = api.login("w1")
    data = b"another photo"
    sha = hashlib.sha256(data).hexdigest()
    url = f"/api/v1/attachments/{sha}"
    api.client.put(url, content=data, headers=w1)
    w3 = api.login("w3")
    assert api.client.get(url, headers=w1).content == data  # the uploader, before the record
    assert api.client.get(url, headers=w3).status_code == 404
    assert api.client.head(url, headers=w3).status_code == 404  # no probing
    api.push(w1, [op("attachment", sha, changes={"mime": "image/jpeg", "size": len(data)})])
    assert api.client.get(url, headers=api.login("t1")).content == data
    assert api.client.get(url, headers=w3).status_code == 404


def test_records_may_only_reference_uploaded_attachments(api: Api, world: World) -> None:
    w1 = api.login("w1")
    data = b"visit photo"
    sha = hashlib.sha256(data).hexdigest()
    hid = "6f1c2b9e-8a3e-4c1e-9a4b-1c2d3e4f5a6b"
    visit = {
        "household_id": hid,
        "grid_id": world.areas["G1"],
        "visitor": "w1",
        "visited_at": "2026-11-01T08:00:00+08:00",
        "attachments": [sha],
    }
    api.push(w1, [op("household", hid, changes={"grid_id": world.areas["G1"], "address": "路"})])
    [early] = api.push(w1, [op("visit", "7f1c2b9e-8a3e-4c1e-9a4b-1c2d3e4f5a6b", changes=visit)])
    assert (early["reason"], early["field"]) == ("not_found", "attachments")
    [bad] = api.push(
        w1,
        [
            op(
                "visit",
                "8f1c2b9e-8a3e-4c1e-9a4b-1c2d3e4f5a6b",
                changes={**visit, "attachments": ["x"]},
            )
        ],
    )
    assert (bad["reason"], bad["field"]) == ("invalid_field", "attachments")
    api.client.put(f"/api/v1/attachments/{sha}", content=data, headers=w1)
    [ok] = api.push(w1, [op("visit", "9f1c2b9e-8a3e-4c1e-9a4b-1c2d3e4f5a6b", changes=visit)])
    assert ok["status"] == "applied"
