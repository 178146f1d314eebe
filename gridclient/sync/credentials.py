"""Where the refresh token lives between runs: the OS keyring, and nowhere else.

Not in files, the database or logs (ARCHITECTURE.md, Auth). ``TokenStore`` is the small
interface the rest of the client depends on; ``KeyringTokenStore`` is the real one and
``MemoryTokenStore`` the one tests and the demo use. A keyring that fails must not stop
a grid worker: the local data opens with the password alone, so every keyring failure is
a ``CredentialStoreUnavailable`` that the UI shows as a warning (log in online each time)
instead of a crash. The token itself never appears in an error, a detail or a log line.
"""

from __future__ import annotations

import logging
from typing import Protocol

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from gridclient.sync.errors import CredentialStoreUnavailable
from gridclient.sync.transport import normalise_server_url

__all__ = [
    "KeyringTokenStore",
    "MemoryTokenStore",
    "TokenStore",
    "describe_backend",
    "service_name",
]

log = logging.getLogger(__name__)

SERVICE_PREFIX = "GridClient"


class TokenStore(Protocol):
    """Refresh tokens per (server, user)."""

    def get(self, server: str, username: str) -> str | None: ...

    def set(self, server: str, username: str, token: str) -> None: ...

    def delete(self, server: str, username: str) -> None: ...


def service_name(server: str) -> str:
    """One keyring service per server, so two servers' sessions never mix and a changed
    spelling of the same URL (case, trailing slash) still finds the token."""
    return f"{SERVICE_PREFIX}:{normalise_server_url(server)}"


def _usable(backend: KeyringBackend) -> bool:
    """``null`` drops what it is given and ``fail`` raises: neither keeps a token."""
    if isinstance(backend, chainer.ChainerBackend):
        return any(_usable(b) for b in backend.backends)
    return not isinstance(backend, null.Keyring | fail.Keyring)


def describe_backend(backend: KeyringBackend | None = None) -> str:
    """Which keyring backend is active, for the self-test and support requests."""
    try:
        active = backend if backend is not None else keyring.get_keyring()
    except Exception as exc:  # backends fail with their own types while loading
        return f"unavailable ({type(exc).__name__})"
    cls = type(active)
    text = f"{cls.__module__}.{cls.__qualname__}"
    if isinstance(active, chainer.ChainerBackend):
        inner = ", ".join(f"{type(b).__module__}.{type(b).__qualname__}" for b in active.backends)
        text = f"{text} [{inner}]"
    if not _usable(active):
        text += " (unusable: tokens are not kept)"
    return text


class KeyringTokenStore:
    """The refresh token in the OS keyring: service ``GridClient:<server>``, the user
    name as the keyring user. ``backend`` is injectable for tests; by default the backend
    keyring selects (Windows Credential Manager, macOS Keychain, Secret Service)."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend

    def _keyring(self) -> KeyringBackend:
        if self._backend is None:
            try:
                self._backend = keyring.get_keyring()
            except Exception as exc:  # backends fail with their own types while loading
                raise CredentialStoreUnavailable(
                    detail=f"keyring backend failed to load: {type(exc).__name__}"
                ) from None
        return self._backend

    def get(self, server: str, username: str) -> str | None:
        backend = self._keyring()
        try:
            return backend.get_password(service_name(server), username)
        except Exception as exc:  # see module docstring: never crash on a keyring
            raise self._unavailable("read", exc) from None

    def set(self, server: str, username: str, token: str) -> None:
        backend = self._keyring()
        if not _usable(backend):
            raise CredentialStoreUnavailable(
                detail=f"no usable keyring: {describe_backend(backend)}"
            )
        try:
            backend.set_password(service_name(server), username, token)
        except Exception as exc:  # see module docstring: never crash on a keyring
            raise self._unavailable("write", exc) from None

    def delete(self, server: str, username: str) -> None:
        """Idempotent: deleting a token that is not there is not an error."""
        backend = self._keyring()
        try:
            backend.delete_password(service_name(server), username)
        except keyring.errors.PasswordDeleteError:
            return
        except Exception as exc:  # see module docstring: never crash on a keyring
            raise self._unavailable("delete", exc) from None

    @staticmethod
    def _unavailable(action: str, exc: Exception) -> CredentialStoreUnavailable:
        # The exception text of some backends echoes arguments; only the type is logged.
        log.warning("keyring %s failed: %s", action, type(exc).__name__)
        return CredentialStoreUnavailable(detail=f"keyring {action} failed: {type(exc).__name__}")


class MemoryTokenStore:
    """Tokens in a dict, for tests and the demo's embedded server. ``unavailable`` makes
    every call fail like a broken keyring, to test the offline fallback."""

    def __init__(self, *, unavailable: bool = False) -> None:
        self.unavailable = unavailable
        self._tokens: dict[tuple[str, str], str] = {}

    def _check(self) -> None:
        if self.unavailable:
            raise CredentialStoreUnavailable(detail="memory token store set to unavailable")

    def get(self, server: str, username: str) -> str | None:
        self._check()
        return self._tokens.get((normalise_server_url(server), username))

    def set(self, server: str, username: str, token: str) -> None:
        self._check()
        self._tokens[(normalise_server_url(server), username)] = token

    def delete(self, server: str, username: str) -> None:
        self._check()
        self._tokens.pop((normalise_server_url(server), username), None)
