"""The refresh token store: keyring entries per normalised server, typed failures when
the keyring cannot be used, and the memory store tests and the demo use."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from gridclient.sync.credentials import (
    InsecureKeyring,
    KeyringTokenStore,
    MemoryTokenStore,
    TokenStore,
    describe_backend,
    insecure_reason,
    service_name,
)
from gridclient.sync.errors import CredentialStoreUnavailable, InvalidServerURL

TOKEN = "r3fr3sh-t0ken-value-0123456789"


class DictKeyring(KeyringBackend):
    """An in-memory keyring backend (the shape of keyring's own test backends)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class LockedKeyring(DictKeyring):
    """A keyring that is there but refuses (locked Secret Service, no D-Bus, …)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked(f"locked: {service} {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"dbus said no to {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringError("locked")


def test_service_name_is_per_normalised_server() -> None:
    assert service_name("HTTPS://Grid.Example.cn/") == "GridClient:https://grid.example.cn"
    assert service_name("https://grid.example.cn/api/v1") == service_name("https://grid.example.cn")
    with pytest.raises(InvalidServerURL):
        service_name("http://grid.example.cn")


def _roundtrip(store: TokenStore) -> None:
    assert store.get("https://grid.example.cn", "w1") is None
    store.set("https://grid.example.cn/", "w1", TOKEN)
    assert store.get("https://GRID.example.cn", "w1") == TOKEN
    assert store.get("https://grid.example.cn", "w2") is None
    assert store.get("https://other.example.cn", "w1") is None
    store.set("https://grid.example.cn", "w1", TOKEN + "-rotated")
    assert store.get("https://grid.example.cn", "w1") == TOKEN + "-rotated"
    store.delete("https://grid.example.cn", "w1")
    assert store.get("https://grid.example.cn", "w1") is None
    store.delete("https://grid.example.cn", "w1")  # idempotent


def test_keyring_store_roundtrip() -> None:
    backend = DictKeyring()
    _roundtrip(KeyringTokenStore(backend))
    store = KeyringTokenStore(backend)
    store.set("https://grid.example.cn", "w1", TOKEN)
    assert backend.entries == {("GridClient:https://grid.example.cn", "w1"): TOKEN}


def test_memory_store_roundtrip() -> None:
    _roundtrip(MemoryTokenStore())


def test_memory_store_can_play_a_broken_keyring() -> None:
    store = MemoryTokenStore(unavailable=True)
    for call in (
        lambda: store.get("https://grid.example.cn", "w1"),
        lambda: store.set("https://grid.example.cn", "w1", TOKEN),
        lambda: store.delete("https://grid.example.cn", "w1"),
    ):
        with pytest.raises(CredentialStoreUnavailable):
            call()


def test_failing_keyring_is_a_typed_error_without_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyringTokenStore(LockedKeyring())
    with pytest.raises(CredentialStoreUnavailable) as got:
        store.get("https://grid.example.cn", "w1")
    assert "KeyringLocked" in got.value.detail
    with pytest.raises(CredentialStoreUnavailable) as put:
        store.set("https://grid.example.cn", "w1", TOKEN)
    assert TOKEN not in put.value.detail and TOKEN not in caplog.text
    assert "离线" in put.value.message
    with pytest.raises(CredentialStoreUnavailable):
        store.delete("https://grid.example.cn", "w1")


def test_no_keyring_at_all_is_a_typed_error() -> None:
    store = KeyringTokenStore(fail.Keyring())
    with pytest.raises(CredentialStoreUnavailable):
        store.get("https://grid.example.cn", "w1")
    with pytest.raises(CredentialStoreUnavailable):
        store.set("https://grid.example.cn", "w1", TOKEN)


def test_null_keyring_does_not_pretend_to_keep_a_token() -> None:
    """keyring's null backend accepts and drops: saying 'saved' would be a lie."""
    store = KeyringTokenStore(null.Keyring())
    assert store.get("https://grid.example.cn", "w1") is None
    with pytest.raises(CredentialStoreUnavailable) as info:
        store.set("https://grid.example.cn", "w1", TOKEN)
    assert "null" in info.value.detail


def test_default_backend_is_the_configured_one() -> None:
    """tests/conftest.py points keyring at the null backend, never the real keyring."""
    store = KeyringTokenStore()
    assert store.get("https://grid.example.cn", "w1") is None
    with pytest.raises(CredentialStoreUnavailable):
        store.set("https://grid.example.cn", "w1", TOKEN)


def test_describe_backend() -> None:
    assert describe_backend(DictKeyring()) == f"{__name__}.DictKeyring"
    assert describe_backend(null.Keyring()) == (
        "keyring.backends.null.Keyring (unusable: tokens are not kept)"
    )
    assert describe_backend().startswith("keyring.backends.null.Keyring")


class PlaintextKeyring(DictKeyring):
    """Shaped like keyrings.alt.file.PlaintextKeyring: a file anyone can read."""

    priority = 0.5

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password)
        self.path.write_text(json.dumps({f"{k[0]}|{k[1]}": v for k, v in self.entries.items()}))


class LowPriorityKeyring(DictKeyring):
    """Any backend whose priority says "not recommended"."""

    priority = 0.2


def test_plaintext_keyring_is_refused_and_keeps_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    backend = PlaintextKeyring(tmp_path / "keyring_pass.cfg")
    server = "https://grid.example.cn"
    backend.entries[(service_name(server), "w1")] = TOKEN  # left there by an old version
    store = KeyringTokenStore(backend)
    with caplog.at_level(logging.WARNING), pytest.raises(InsecureKeyring) as info:
        store.get(server, "w1")
    assert "plain file" in info.value.detail and TOKEN not in info.value.detail
    assert backend.entries == {}  # the stale token is gone, not accepted
    with pytest.raises(InsecureKeyring):
        store.set(server, "w1", TOKEN)
    assert not (tmp_path / "keyring_pass.cfg").exists()
    assert store.refused is not None and "PlaintextKeyring" in store.refused
    warnings = [r for r in caplog.records if "keyring refused" in r.getMessage()]
    assert len(warnings) == 1 and TOKEN not in caplog.text  # logged once, no token


def test_insecure_backends_by_class_module_priority_and_chain() -> None:
    assert insecure_reason(DictKeyring()) is None
    assert insecure_reason(null.Keyring()) is None  # keeps nothing: "unusable" instead
    reason = insecure_reason(LowPriorityKeyring())
    assert reason is not None and "priority" in reason
    alt = type("EncryptedKeyring", (DictKeyring,), {"__module__": "keyrings.alt.file"})
    reason = insecure_reason(alt())
    assert reason is not None and "keyrings.alt" in reason
    chain = chainer.ChainerBackend.__new__(chainer.ChainerBackend)
    with_plain = [DictKeyring(), PlaintextKeyring(Path("unused"))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chainer.ChainerBackend, "backends", with_plain)
        assert insecure_reason(chain) is not None
        assert "refused" in describe_backend(chain)
        patch.setattr(chainer.ChainerBackend, "backends", [DictKeyring()])
        assert insecure_reason(chain) is None
