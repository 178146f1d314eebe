"""Logging in: online the first time (and whenever the server is reachable), offline by
unlocking the local store with the password.

* **First login** needs the server: the password is checked there, the refresh token
  goes to the keyring (``TokenStore``), the user's store is created under
  ``store_path(data_dir, server, username)`` encrypted with the same password, and the
  scope the server granted is saved in the store for offline starts. A store is created
  before the login so the login can carry its device id (refresh tokens are bound to the
  device); if the login fails, that new, empty store is removed again.
* **Later logins** unlock the store (a wrong password is ``WrongPassword`` and changes
  nothing); the saved refresh token lets sync resume without asking again.
* **Logout** forgets the tokens (keyring and memory) and closes the store.
* A disabled account is refused at the next online login or token refresh
  (``AccountDisabled``); the token is dropped then too.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gridclient.domain.codec import JSONValue
from gridclient.domain.enums import Role
from gridclient.storage.store import SIDE_FILES, Store, store_path
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.credentials import TokenStore
from gridclient.sync.errors import AccountDisabled
from gridclient.sync.protocol import LoginResponse, Scope
from gridclient.sync.transport import Transport, normalise_server_url

__all__ = [
    "Profile",
    "TransportFactory",
    "UserSession",
    "ensure_online",
    "log_in",
    "log_in_offline",
    "user_key",
]

log = logging.getLogger(__name__)

TransportFactory = Callable[..., Transport]
"""``Transport`` itself, or a factory with IT's CA bundle and proxy bound."""


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the server said we are, kept in the store for offline starts."""

    username: str
    display_name: str
    role: Role
    scope: Scope

    def to_json(self) -> JSONValue:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "scope": self.scope.model_dump(mode="json"),
        }

    @classmethod
    def from_json(cls, value: JSONValue) -> Profile | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(
                username=str(value["username"]),
                display_name=str(value["display_name"]),
                role=Role(str(value["role"])),
                scope=Scope.model_validate(value["scope"], strict=False),
            )
        except (KeyError, ValueError):
            return None

    @classmethod
    def of(cls, login: LoginResponse) -> Profile:
        return cls(login.username, login.display_name, login.role, login.scope)


@dataclass
class UserSession:
    """An unlocked store with a transport that can sync it."""

    server_url: str
    username: str
    store: Store
    transport: Transport
    tokens: TokenStore
    profile: Profile | None
    online: bool
    """Whether this login was checked by the server (else: unlocked offline)."""

    def log_out(self) -> None:
        """Forget the refresh token everywhere and close the store."""
        self.tokens.delete(self.server_url, self.username)
        self.transport.forget()
        self.transport.close()
        self.store.close()

    def close(self) -> None:
        """Close without logging out (the token stays for the next start)."""
        self.transport.close()
        self.store.close()


def user_key(username: str) -> str:
    """How a user name files tokens and stores: compared as logins are (NFKC, no
    surrounding spaces, case-insensitive), like ``store_path``."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _keeper(tokens: TokenStore, server: str, username: str) -> Callable[[LoginResponse], None]:
    def keep(result: LoginResponse) -> None:
        try:
            tokens.set(server, username, result.refresh_token)
        except Exception:  # a broken keyring must not fail the login; see credentials
            log.warning("refresh token not kept: the credential store failed")

    return keep


def _remove_store(path: Path) -> None:
    for suffix in ("", *SIDE_FILES, ".key"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def log_in(
    data_dir: Path,
    server_url: str,
    username: str,
    password: str,
    tokens: TokenStore,
    *,
    transport_factory: TransportFactory = Transport,
    store_key: str | None = None,
) -> UserSession:
    """Online login; creates the user's store on the first one. Raises the transport's
    ``AuthError``/``AccountDisabled``/``NetworkError`` and the store's ``WrongPassword``
    (the server accepted a password the local store does not know: changed elsewhere).

    ``store_key`` files the store under another server name: the demo's embedded server
    gets a new loopback port every run but is the same server."""
    server = normalise_server_url(server_url)
    username = user_key(username)
    path = store_path(data_dir, store_key or server, username)
    created = not path.exists()
    store = (
        Store.create(path, password, username=username, server_url=server)
        if created
        else Store.open(path, password)
    )
    transport = transport_factory(server, on_session=_keeper(tokens, server, username))
    try:
        result = transport.login(username, password, store.device_id)
    except BaseException as exc:
        transport.close()
        store.close()
        if created:
            _remove_store(path)
        if isinstance(exc, AccountDisabled):
            tokens.delete(server, username)
        raise
    profile = Profile.of(result)
    with store.write() as repos:
        repos.sync_state.set(SyncKey.PROFILE, profile.to_json())
    return UserSession(server, username, store, transport, tokens, profile, online=True)


def log_in_offline(
    data_dir: Path,
    server_url: str,
    username: str,
    password: str,
    tokens: TokenStore,
    *,
    transport_factory: TransportFactory = Transport,
) -> UserSession:
    """Unlock the local store with the password (no network). ``StoreNotFound`` when this
    user never logged in online here; ``WrongPassword`` when the password is wrong. The
    kept refresh token (if any) lets the next sync resume the server session."""
    server = normalise_server_url(server_url)
    username = user_key(username)
    store = Store.open(store_path(data_dir, server, username), password)
    transport = transport_factory(server, on_session=_keeper(tokens, server, username))
    try:
        with store.read() as repos:
            profile = Profile.from_json(repos.sync_state.get(SyncKey.PROFILE))
        token = tokens.get(server, username)
    except BaseException:
        transport.close()
        store.close()
        raise
    if token is not None:
        transport.resume(token, store.device_id)
    return UserSession(server, username, store, transport, tokens, profile, online=False)


def ensure_online(session: UserSession, password: str) -> None:
    """Before a sync after an offline start: with no usable token, log in again with the
    password the person just typed (which also catches a disabled account)."""
    if session.transport.has_session:
        return
    try:
        result = session.transport.login(session.username, password, session.store.device_id)
    except AccountDisabled:
        session.tokens.delete(session.server_url, session.username)
        raise
    session.profile = Profile.of(result)
    session.online = True
    with session.store.write() as repos:
        repos.sync_state.set(SyncKey.PROFILE, session.profile.to_json())
