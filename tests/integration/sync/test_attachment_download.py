"""Pulled attachment records bring their bytes: fetched by SHA-256 after the record pages,
checked, stored encrypted; an interrupted download resumes with what is still missing."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from gridclient.sync.errors import NetworkError
from gridclient.sync.transport import Transport
from gridcore.domain.entities import Attachment
from gridcore.domain.enums import EntityKind
from tests.integration.sync.conftest import Laptop, World, now


def _attach(laptop: Laptop, blob: bytes) -> str:
    sha = hashlib.sha256(blob).hexdigest()
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        uow.append(
            Attachment(id=sha, mime="image/jpeg", size=len(blob), created_at=now()), blob=blob
        )
    return sha


def _blob(laptop: Laptop, sha: str) -> bytes | None:
    with laptop.store.read() as repos:
        return repos.records.blob(sha)


def test_pulled_attachments_bring_their_bytes(world: World, laptops: dict[str, Laptop]) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    photos = [bytes([n]) * 5000 + b"photo" for n in range(3)]
    shas = [_attach(w1, photo) for photo in photos]
    assert w1.sync().uploaded == 3
    report = t1.sync()
    assert report.ok, report.errors
    assert report.downloaded == 3
    for sha, photo in zip(shas, photos, strict=True):
        assert t1.get(EntityKind.ATTACHMENT, sha) is not None
        assert _blob(t1, sha) == photo
    again = t1.sync()
    assert again.ok and again.downloaded == 0  # nothing missing, nothing fetched
    assert w1.sync().downloaded == 0  # the uploader has its bytes already


def test_an_interrupted_download_resumes(
    world: World, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    shas = sorted(_attach(w1, bytes([n + 10]) * 3000) for n in range(3))
    assert w1.sync().ok
    real_get = Transport.get_attachment
    asked: list[str] = []

    def flaky(self: Transport, sha256: str, **kwargs: Any) -> bytes | None:
        asked.append(sha256)
        if sha256 == shas[1]:
            raise NetworkError(detail="connection reset during the photo")
        return real_get(self, sha256, **kwargs)

    monkeypatch.setattr(Transport, "get_attachment", flaky)
    report = t1.sync()
    assert not report.ok and isinstance(report.errors[0], NetworkError)
    assert report.pulled > 0  # the records themselves arrived
    assert _blob(t1, shas[0]) is not None and _blob(t1, shas[1]) is None
    monkeypatch.setattr(Transport, "get_attachment", real_get)
    resumed = t1.sync()
    assert resumed.ok and resumed.downloaded == 2  # the failed one and the one after it
    assert all(_blob(t1, sha) is not None for sha in shas)
