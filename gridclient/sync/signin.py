"""Signing in, without widgets: online (creating the store on the first login, checking
the server's minimum client version) or offline (unlocking the store this user made here
before), and who is signed in (:class:`UserInfo`). The login dialog (ui/login.py), the demo
bootstrap and the command line all go through these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridclient import __version__
from gridclient.storage.store import store_path
from gridclient.sync.credentials import TokenStore
from gridclient.sync.errors import ClientTooOld, CredentialStoreUnavailable, SyncError
from gridclient.sync.session import (
    Profile,
    TransportFactory,
    UserSession,
    log_in,
    log_in_offline,
)
from gridclient.sync.transport import Transport, normalise_server_url
from gridclient.userinfo import UserInfo
from gridcore.domain.enums import Role
from gridcore.protocol import LoginResponse

__all__ = [
    "LoginResult",
    "TolerantTokens",
    "UserInfo",
    "client_too_old",
    "has_local_store",
    "sign_in_online",
    "unlock_offline",
    "user_info",
]


@dataclass(frozen=True)
class LoginResult:
    session: UserSession
    too_old: ClientTooOld | None = None
    """Set when the server asks for a newer client: local work and uploads still go on,
    downloads wait for the upgrade."""


class TolerantTokens:
    """The keyring behind ``TokenStore``, but a broken keyring never stops a login: a
    failed read counts as "no token kept" and a failed write is only remembered in
    ``unavailable`` (the person then logs in online each time until IT fixes it)."""

    def __init__(self, inner: TokenStore) -> None:
        self.inner = inner
        self.unavailable = False

    def get(self, server: str, username: str) -> str | None:
        try:
            return self.inner.get(server, username)
        except CredentialStoreUnavailable:
            self.unavailable = True
            return None

    def set(self, server: str, username: str, token: str) -> None:
        try:
            self.inner.set(server, username, token)
        except CredentialStoreUnavailable:
            self.unavailable = True

    def delete(self, server: str, username: str) -> None:
        try:
            self.inner.delete(server, username)
        except CredentialStoreUnavailable:
            self.unavailable = True


def _version(text: str) -> tuple[int, ...]:
    """``"1.2.3"`` → ``(1, 2, 3)``; anything unparsable sorts before every release."""
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        return (-1,)


def client_too_old(minimum: str | None, current: str = __version__) -> ClientTooOld | None:
    """The error to show when the server's minimum client version is above ours."""
    if not minimum or _version(current) >= _version(minimum):
        return None
    return ClientTooOld(min_version=minimum, detail=f"client {current} < minimum {minimum}")


def sign_in_online(
    data_dir: Path,
    server_url: str,
    username: str,
    password: str,
    tokens: TokenStore,
    *,
    transport_factory: TransportFactory = Transport,
    new_password: str | None = None,
    previous_password: str | None = None,
) -> LoginResult:
    """``log_in`` (creates the store on the first login), plus the client-version check
    against the login answer's ``min_client_version``. ``new_password``: the person's
    own password after an administrator reset theirs (``PasswordChangeRequired``)."""
    answers: list[LoginResponse] = []
    made: list[Transport] = []

    def factory(
        server: str, *, on_session: Callable[[LoginResponse], None], **kw: Any
    ) -> Transport:
        def seen(answer: LoginResponse) -> None:
            answers[:] = [answer]
            on_session(answer)

        transport = transport_factory(server, on_session=seen, **kw)
        made.append(transport)
        return transport

    session = log_in(
        data_dir,
        server_url,
        username,
        password,
        tokens,
        transport_factory=factory,
        new_password=new_password,
        previous_password=previous_password,
    )
    minimum = answers[0].min_client_version if answers else None
    return LoginResult(session, client_too_old(minimum, made[0].client_version))


def unlock_offline(
    data_dir: Path,
    server_url: str,
    username: str,
    password: str,
    tokens: TokenStore,
    *,
    transport_factory: TransportFactory = Transport,
) -> LoginResult:
    session = log_in_offline(
        data_dir, server_url, username, password, tokens, transport_factory=transport_factory
    )
    return LoginResult(session)


def has_local_store(data_dir: Path, server_url: str, username: str) -> bool:
    """Whether this user logged in online here before (so offline unlock can work)."""
    try:
        server = normalise_server_url(server_url)
    except SyncError:
        return False
    return bool(username.strip()) and store_path(data_dir, server, username).exists()


def user_info(session: UserSession, *, demo: bool = False) -> UserInfo:
    """Who is signed in, for the window; from the profile the server granted (kept in
    the store for offline starts)."""
    profile: Profile | None = session.profile
    if profile is None:  # a store from before profiles were kept: no scope known yet
        return UserInfo(session.username, session.username, Role.WORKER, "", demo=demo)
    scope = profile.scope
    return UserInfo(
        username=profile.username,
        display_name=profile.display_name,
        role=profile.role,
        scope_name=scope.area_name or "",
        grid_ids=tuple(g.id for g in scope.grids),
        demo=demo,
    )
