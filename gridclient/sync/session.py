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
* **Logout** tells the server (the device's refresh token is revoked there), forgets
  the tokens (keyring and memory) and closes the store.
* A disabled account is refused at the next online login or token refresh
  (``AccountDisabled``); the token is dropped then too.

**Passwords that change.** An administrator may set a new password
(``gridserver set-password``), or the person changes it on another computer. The
local store is still wrapped under the old password, so the new one does not open it.
Then, instead of failing, the login goes online with the typed password: if the server
accepts it (after the forced change of an administrator reset, ``new_password``), it
releases this device's *key share*, a random key set up at the first online login
(``keys.add_recovery``) that only the server keeps and releases only to a fresh password
login from this device. The share opens the store's recovery wrap, the data key is
sealed under the new password (``keys.recover``, backups' key files too), and the store
opens with everything pending still in it, to be pushed at the next sync. From then on
the old password no longer unlocks this computer. Offline, the old password keeps
working until the laptop next reaches the server: it cannot know sooner.

**Lost devices.** When the server answers ``device_lost`` (an administrator ran
``gridserver device-lost``), the store, its backups and the token are deleted at once,
before anything else is sent.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gridclient.storage import keys
from gridclient.storage.errors import KeyFileError, PreviousPasswordNeeded, WrongPassword
from gridclient.storage.keys import key_file_for
from gridclient.storage.store import SIDE_FILES, Store, store_path
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.credentials import TokenStore
from gridclient.sync.errors import (
    AccountDisabled,
    DeviceLost,
    PasswordChangeRequired,
    RejectedRequest,
    SessionExpired,
    SyncError,
)
from gridclient.sync.transport import Transport, normalise_server_url
from gridcore.domain.codec import JSONValue
from gridcore.domain.enums import Role
from gridcore.protocol import LoginResponse, Scope

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
        """End the session on the server (best effort: offline, the token just expires
        there), forget the refresh token everywhere and close the store."""
        try:
            self.transport.logout()
        finally:
            self.tokens.delete(self.server_url, self.username)
            self.transport.close()
            self.store.close()

    def wipe(self) -> None:
        """The device was marked lost: close and delete the store, its backups and the
        token (nothing is uploaded)."""
        path = self.store.path
        try:
            self.transport.forget()
            self.transport.close()
            self.store.discard()
        finally:
            wipe_store(path)
            try:
                self.tokens.delete(self.server_url, self.username)
            except Exception:  # a broken keyring must not stop the wipe
                log.warning("token not deleted while wiping: the credential store failed")

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


def _copies(path: Path) -> list[Path]:
    """Files that hold this store's data or key besides the store itself: migration
    backups (``backups/<stem>.rev-…``) and stores moved aside (``<name>.<label>-…``)."""
    found = [p for p in path.parent.glob(f"{path.name}.*") if p.is_file()]
    from gridclient.storage.migrate import BACKUP_DIR_NAME  # Alembic: only when needed

    backups = path.parent / BACKUP_DIR_NAME
    if backups.is_dir():
        found += [p for p in backups.glob(f"{path.stem}.rev-*") if p.is_file()]
    return found


def wipe_store(path: Path) -> None:
    """Delete the store at ``path`` with its side files, key file, backups and moved
    aside copies (a lost device keeps nothing)."""
    failed = 0
    for target in [Path(f"{path}{suffix}") for suffix in ("", *SIDE_FILES, ".key")] + _copies(path):
        try:
            target.unlink(missing_ok=True)
        except OSError:  # still open elsewhere (Windows): the rest goes anyway
            failed += 1
    log.warning("local store wiped (the device was marked lost); %d file(s) left", failed)


def _rewrap_copies(path: Path) -> None:
    """After the data key was sealed under a new password, give every backup and moved
    aside copy of this store the same key file (they share the data key), so the old
    password opens none of them."""
    sealed = key_file_for(path).read_bytes()
    for copy in _copies(path):
        if copy.name.endswith(".key") and not copy.name.endswith(".partial.key"):
            keys._write_atomic(copy, sealed)


def _setup_recovery(store: Store, transport: Transport, password: str) -> None:
    """Give this store a recovery wrap whose key share only the server keeps (once, at
    an online login). The share goes to the server first: a store never holds a wrap
    the server cannot open. A wrap the server's share no longer opens (its database was
    restored from an older backup) is replaced. Failures only log: the next online login
    tries again."""
    key_path = store.key_path
    try:
        if keys.recovery_device(key_path) == store.device_id:
            try:
                if keys.share_opens(key_path, transport.get_device_key()):
                    return
            except RejectedRequest as exc:
                if exc.status != 404:
                    raise
            log.warning("the server's key share does not open this store: making a new one")
        share = secrets.token_bytes(keys.DATA_KEY_BYTES)
        transport.put_device_key(share)
        keys.add_recovery(key_path, password, share, store.device_id)
    except (SyncError, KeyFileError, WrongPassword, OSError) as exc:
        log.warning("device key share not set up: %s", type(exc).__name__)


def _online(
    transport: Transport,
    username: str,
    password: str,
    device_id: str,
    new_password: str | None,
) -> tuple[LoginResponse, str]:
    """Log in, or, when an administrator reset the password, change it to
    ``new_password`` (``PasswordChangeRequired`` if none was given). Returns the answer
    and the password now valid on the server."""
    try:
        return transport.login(username, password, device_id), password
    except PasswordChangeRequired:
        if new_password is None:
            raise
    return transport.change_password(username, password, new_password, device_id), new_password


def _recover(
    path: Path,
    username: str,
    password: str,
    transport: Transport,
    new_password: str | None,
) -> tuple[Store, LoginResponse, str]:
    """The typed password does not open the store: ask the server. If it accepts the
    password, its key share for this device re-seals the store under the password now
    valid. ``WrongPassword`` when the store has no recovery wrap (created before this
    version: the previous password opens it) or the server has no share."""
    key_path = key_file_for(path)
    device_id = keys.recovery_device(key_path)
    if device_id is None:
        raise PreviousPasswordNeeded()
    result, current = _online(transport, username, password, device_id, new_password)
    try:
        share = transport.get_device_key()
        if not keys.share_opens(key_path, share):
            raise WrongPassword()
    except (RejectedRequest, SessionExpired, WrongPassword) as exc:
        # The server has no (fitting) share: the previous password is needed once.
        log.warning("no key share released: %s", type(exc).__name__)
        raise PreviousPasswordNeeded() from None
    keys.recover(key_path, share, current)
    _rewrap_copies(path)
    log.info("local store re-sealed under the new password")
    return Store.open(path, current), result, current


def log_in(
    data_dir: Path,
    server_url: str,
    username: str,
    password: str,
    tokens: TokenStore,
    *,
    transport_factory: TransportFactory = Transport,
    store_key: str | None = None,
    new_password: str | None = None,
    previous_password: str | None = None,
    kdf: keys.KdfParams = keys.DEFAULT_KDF,
) -> UserSession:
    """Online login; creates the user's store on the first one (its key file sealed with
    ``kdf``: the default everywhere but in tests, which pass a cheap one). Raises the transport's
    ``AuthError``/``AccountDisabled``/``NetworkError``, ``PasswordChangeRequired`` (an
    administrator reset the password: call again with ``new_password``),
    ``DeviceLost`` (the store is wiped first) and the store's ``WrongPassword`` (the
    password does not open the store and the server could not release its key share).
    A password changed elsewhere re-seals the store (see the module docstring); a store
    from an older version without a recovery wrap needs the ``previous_password`` once
    (``PreviousPasswordNeeded``): it opens the store, the server checks ``password``, and
    the store is re-sealed under the password now valid.

    ``store_key`` files the store under another server name: the demo's embedded server
    gets a new loopback port every run but is the same server."""
    server = normalise_server_url(server_url)
    username = user_key(username)
    path = store_path(data_dir, store_key or server, username)
    created = not path.exists()
    transport = transport_factory(server, on_session=_keeper(tokens, server, username))
    store: Store | None = None
    try:
        if created:
            store = Store.create(path, password, username=username, server_url=server, kdf=kdf)
        else:
            try:
                store = Store.open(path, password)
            except WrongPassword:
                if previous_password is None:
                    store, result, current = _recover(
                        path, username, password, transport, new_password
                    )
                else:  # an older store without a recovery wrap: the previous password
                    store = Store.open(path, previous_password)
                    result, current = _online(
                        transport, username, password, store.device_id, new_password
                    )
                    keys.change_password(store.key_path, previous_password, current)
                    _rewrap_copies(path)
        if store is not None and not transport.has_session:
            result, current = _online(transport, username, password, store.device_id, new_password)
            if current != password:  # the forced change: the store follows the server
                keys.change_password(store.key_path, password, current)
                _rewrap_copies(path)
    except BaseException as exc:
        transport.close()
        if store is not None:
            store.close()
        if created:
            _remove_store(path)
        if isinstance(exc, AccountDisabled | DeviceLost):
            tokens.delete(server, username)
        if isinstance(exc, DeviceLost) and not created:
            wipe_store(path)
        raise
    _setup_recovery(store, transport, current)
    profile = Profile.of(result)
    _save_profile(store, profile)
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


def ensure_online(session: UserSession, password: str, new_password: str | None = None) -> None:
    """Before a sync after an offline start: with no usable token, log in again with the
    password the person just typed (which also catches a disabled account). A password
    changed since the store was unlocked re-seals it under the new one (see the module
    docstring); a device marked lost is wiped (``DeviceLost``). After an administrator
    reset the password, ``new_password`` is the person's own (else
    ``PasswordChangeRequired``)."""
    if session.transport.has_session:
        return
    try:
        result, password = _online(
            session.transport, session.username, password, session.store.device_id, new_password
        )
    except AccountDisabled:
        session.tokens.delete(session.server_url, session.username)
        raise
    except DeviceLost:
        session.wipe()
        raise
    _follow_password(session, password)
    _setup_recovery(session.store, session.transport, password)
    session.profile = Profile.of(result)
    session.online = True
    _save_profile(session.store, session.profile)


def _save_profile(store: Store, profile: Profile) -> None:
    """What the server granted, kept for offline starts (on the store's writer)."""
    document = profile.to_json()

    def save() -> None:
        with store.write() as repos:
            repos.sync_state.set(SyncKey.PROFILE, document)

    store.writer.run(save)


def _follow_password(session: UserSession, password: str) -> None:
    """The server just accepted ``password``; if it does not open the store (it was
    unlocked with the previous one), re-seal the store under it with the key share."""
    key_path = session.store.key_path
    try:
        keys.unlock(key_path, password)
        return
    except WrongPassword:
        pass
    if keys.recovery_device(key_path) is None:
        log.warning("password changed but the store has no recovery wrap: old password kept")
        return
    try:
        share = session.transport.get_device_key()
        keys.recover(key_path, share, password)
    except (SyncError, WrongPassword, KeyFileError) as exc:
        log.warning("store not re-sealed under the new password: %s", type(exc).__name__)
        return
    _rewrap_copies(session.store.path)
    log.info("local store re-sealed under the new password")
