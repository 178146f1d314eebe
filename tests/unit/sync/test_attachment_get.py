"""``Transport.get_attachment``: bytes checked against their SHA-256; 404 is "not there"."""

from __future__ import annotations

import hashlib

import pytest

from gridclient.sync.errors import ProtocolError
from gridclient.sync.transport import Transport
from tests.unit.sync import test_pull_page
from tests.unit.sync.conftest import Reply, ScriptedServer, error_reply

transport = test_pull_page.transport  # the same fixture: logged in, requests forgotten
PHOTO = b"\xff\xd8\xff fake jpeg" * 50
SHA = hashlib.sha256(PHOTO).hexdigest()


def test_the_bytes_are_returned_when_they_match(
    server: ScriptedServer, transport: Transport
) -> None:
    server.then(Reply(200, PHOTO, {"Content-Type": "application/octet-stream"}))
    assert transport.get_attachment(SHA) == PHOTO
    assert server.paths == [f"GET /api/v1/attachments/{SHA}"]
    assert server.seen[0].headers["Authorization"].startswith("Bearer ")


def test_bytes_that_do_not_match_are_refused(server: ScriptedServer, transport: Transport) -> None:
    server.then(Reply(200, PHOTO[:-1], {"Content-Type": "application/octet-stream"}))
    with pytest.raises(ProtocolError):
        transport.get_attachment(SHA)


def test_not_found_is_none(server: ScriptedServer, transport: Transport) -> None:
    server.then(error_reply(404, "not_found", "附件不存在或不在您的管辖范围内"))
    assert transport.get_attachment(SHA) is None
