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
from typing import TYPE_CHECKING, Protocol

from gridclient.sync.errors import CredentialStoreUnavailable
from gridclient.sync.transport import normalise_server_url
from gridcore.messages import Catalog

if TYPE_CHECKING:  # keyring is imported where it is used: a headless sync never needs it
    from keyring.backend import KeyringBackend

__all__ = [
    "InsecureKeyring",
    "KeyringTokenStore",
    "MemoryTokenStore",
    "TokenStore",
    "describe_backend",
    "insecure_reason",
    "service_name",
]

log = logging.getLogger(__name__)

_msg = Catalog(
    __name__,
    {
        "This computer's system credential store would keep your login in plain text in a "
        "file, which is not safe, so it is not used. You can still work offline, but you "
        "must log in again before each online sync. Contact your IT administrator.": (
            "本机的系统凭据库会把登录凭证以明文保存在文件中，不安全，已停用。"
            "您仍可离线工作，但每次联网同步前需要重新登录。请联系信息化管理员处理。"
        ),
    },
)

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


class InsecureKeyring(CredentialStoreUnavailable):
    """The keyring backend would keep the token where anyone with the laptop can read
    it (a plain file); it is refused: no token is kept, the person logs in online."""

    default_message = _msg(
        "This computer's system credential store would keep your login in plain text in a "
        "file, which is not safe, so it is not used. You can still work offline, but you "
        "must log in again before each online sync. Contact your IT administrator."
    )


def insecure_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold a refresh token, or None if it may.

    Refused: a class (or base class) named ``Plaintext…`` (keyrings.alt's
    ``PlaintextKeyring``, keyring's old ``file.PlaintextKeyring``); anything from
    ``keyrings.alt`` (its own description: "alternate keyring implementations", files
    on disk, a password typed on a console, registry or third-party stores); a backend
    whose priority says it is not recommended (below 1: keyring's convention for "works,
    but not secure"). A chain is refused when any of its members is, since it falls
    through to the next member when the first fails."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        for member in backend.backends:
            reason = insecure_reason(member)
            if reason is not None:
                return reason
        return None
    if isinstance(backend, null.Keyring | fail.Keyring):
        return None  # keeps nothing at all: "unusable", not insecure
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if any("plaintext" in k.__name__.lower() for k in cls.__mro__):
        return f"{name} stores secrets in a plain file"
    if cls.__module__.split(".")[0] == "keyrings":
        return f"{name} is an alternative backend without OS protection"
    try:
        priority = float(backend.priority)
    except Exception:  # a backend's priority raises when it is not viable
        return f"{name} is not viable"
    if priority < 1:
        return f"{name} has priority {priority}: not recommended (not encrypted)"
    return None


def _usable(backend: KeyringBackend) -> bool:
    """``null`` drops what it is given and ``fail`` raises: neither keeps a token; an
    insecure backend (:func:`insecure_reason`) must not."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        return any(_usable(b) for b in backend.backends) and insecure_reason(backend) is None
    if isinstance(backend, null.Keyring | fail.Keyring):
        return False
    return insecure_reason(backend) is None


def describe_backend(backend: KeyringBackend | None = None) -> str:
    """Which keyring backend is active, for the self-test and support requests."""
    import keyring
    from keyring.backends import chainer

    try:
        active = backend if backend is not None else keyring.get_keyring()
    except Exception as exc:  # backends fail with their own types while loading
        return f"unavailable ({type(exc).__name__})"
    cls = type(active)
    text = f"{cls.__module__}.{cls.__qualname__}"
    if isinstance(active, chainer.ChainerBackend):
        inner = ", ".join(f"{type(b).__module__}.{type(b).__qualname__}" for b in active.backends)
        text = f"{text} [{inner}]"
    reason = insecure_reason(active)
    if reason is not None:
        text += f" (refused: {reason}; tokens are not kept)"
    elif not _usable(active):
        text += " (unusable: tokens are not kept)"
    return text


class KeyringTokenStore:
    """The refresh token in the OS keyring: service ``GridClient:<server>``, the user
    name as the keyring user. ``backend`` is injectable for tests; by default the backend
    keyring selects (Windows Credential Manager, macOS Keychain, Secret Service)."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend
        self.refused: str | None = None
        """Why the keyring was refused as insecure (set at the first use), else None."""

    def _keyring(self) -> KeyringBackend:
        if self._backend is None:
            try:
                import keyring

                self._backend = keyring.get_keyring()
            except Exception as exc:  # backends fail with their own types while loading
                raise CredentialStoreUnavailable(
                    detail=f"keyring backend failed to load: {type(exc).__name__}"
                ) from None
        return self._backend

    def _secure(self, server: str, username: str) -> KeyringBackend:
        """The backend, unless it is insecure: then a token an earlier version left in
        it is deleted (best effort) and :class:`InsecureKeyring` raised."""
        backend = self._keyring()
        reason = insecure_reason(backend)
        if reason is None:
            return backend
        if self.refused is None:
            self.refused = reason
            log.warning("keyring refused, no refresh token is kept: %s", reason)
        try:
            backend.delete_password(service_name(server), username)
        except Exception:  # nothing there, or the backend cannot: either way not used
            log.debug("no token to remove from the refused keyring")
        raise InsecureKeyring(detail=f"insecure keyring: {reason}")

    def get(self, server: str, username: str) -> str | None:
        backend = self._secure(server, username)
        try:
            return backend.get_password(service_name(server), username)
        except Exception as exc:  # see module docstring: never crash on a keyring
            raise self._unavailable("read", exc) from None

    def set(self, server: str, username: str, token: str) -> None:
        backend = self._secure(server, username)
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
        from keyring.errors import PasswordDeleteError

        backend = self._keyring()
        try:
            backend.delete_password(service_name(server), username)
        except PasswordDeleteError:
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
