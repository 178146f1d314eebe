"""Issue 12 deliver 8: with a refused (plaintext) keyring the login goes on without a
token, and the one message shown after login says why."""

from __future__ import annotations

from pathlib import Path

from gridclient.app import keyring_warning
from gridclient.sync.credentials import KeyringTokenStore, MemoryTokenStore
from gridclient.sync.errors import CredentialStoreUnavailable
from gridclient.ui.login import TolerantTokens
from tests.unit.sync.test_credentials import TOKEN, PlaintextKeyring

SERVER = "https://grid.example.cn"


def test_plaintext_keyring_login_keeps_no_token_and_says_so(tmp_path: Path) -> None:
    backend = PlaintextKeyring(tmp_path / "keyring_pass.cfg")
    tolerant = TolerantTokens(KeyringTokenStore(backend))
    assert tolerant.get(SERVER, "w1") is None
    tolerant.set(SERVER, "w1", TOKEN)
    assert tolerant.unavailable and backend.entries == {}
    assert not (tmp_path / "keyring_pass.cfg").exists()
    message = keyring_warning(tolerant)
    assert message is not None and "明文" in message


def test_other_keyring_failures_keep_their_message() -> None:
    assert keyring_warning(TolerantTokens(MemoryTokenStore())) is None
    broken = TolerantTokens(MemoryTokenStore(unavailable=True))
    broken.set(SERVER, "w1", TOKEN)
    assert keyring_warning(broken) == str(CredentialStoreUnavailable())
