"""HTTP transport to the sync server: one ``requests.Session``, typed errors, bounded
retries, one token refresh, cooperative cancel.

Security: TLS verification is always on (the system CA store via certifi, or IT's CA
bundle for a private CA); there is no switch to turn it off. Plain ``http://`` is allowed
only to loopback, for the demo's embedded server and tests.

``trust_env`` is off: requests would otherwise take proxies from the environment and the
Windows registry, a CA bundle from ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` (overriding
IT's), and Basic credentials from ``~/.netrc`` (which replace our ``Authorization``
header). The IT settings file is the single, documented source of proxy and CA.

Retries: network failures, 5xx and 429 are retried with exponential backoff and full
jitter, bounded in attempts and total time, honouring ``Retry-After``. Only requests that
are safe to repeat are retried: GET/HEAD, the attachment PUT (content-addressed, so a
repeat stores the same bytes), login (a repeat only issues another token pair; a 401 is an
answer, not a failure, and is never retried), and push, because the server deduplicates
ops by ``op_id`` and answers a replay with the stored result, so an op is applied at most
once however often the batch is sent. Refresh tokens are single use and a reused one
revokes the whole session, so a refresh is repeated only when it certainly never reached
the server (connection refused, connect timeout, DNS).

Threads: a ``Transport`` is used by one worker thread at a time (the network worker);
``cancel`` events may be set from any thread. Cancel is seen before every attempt and
during backoff waits (``Event.wait``, no polling); a request already on the wire is bounded
by the read timeout.

Logging: method, path (no query), status and duration only; never headers or bodies.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import ipaddress
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import orjson
import requests
from pydantic import BaseModel, ValidationError
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from gridclient import __version__
from gridclient.sync.errors import (
    AccountDisabled,
    AuthError,
    Cancelled,
    DeviceLost,
    InvalidServerURL,
    NetworkError,
    ProtocolError,
    RejectedRequest,
    SessionExpired,
    SyncError,
    TLSError,
    error_from_response,
    parse_retry_after,
)
from gridcore.domain.enums import EntityKind
from gridcore.messages import Catalog
from gridcore.protocol import (
    API_PREFIX,
    CLIENT_TIME_HEADER,
    CLIENT_VERSION_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ChangePasswordRequest,
    ConflictInfo,
    DeviceKey,
    DirectoryResponse,
    ErrorBody,
    Eviction,
    LoginRequest,
    LoginResponse,
    LogoutRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordChange,
    RefreshRequest,
    SeedOffer,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "PullPage",
    "RetryPolicy",
    "Transport",
    "WaitFunc",
    "is_loopback_host",
    "normalise_server_url",
]

log = logging.getLogger(__name__)

_msg = Catalog(
    __name__,
    {
        "The proxy server setting is invalid. Ask your IT administrator to check the proxy "
        "setting.": "代理服务器设置无效，请联系信息化管理员检查代理设置。",
        "Cannot connect through the proxy server. Check the network or ask your IT "
        "administrator to check the proxy setting.": (
            "无法通过代理服务器连接，请检查网络或联系信息化管理员检查代理设置。"
        ),
        "Connecting to the server timed out. Check the network and try again.": (
            "连接服务器超时，请检查网络后重试。"
        ),
        "The CA certificate file {path} was not found. Ask your IT administrator to check the "
        "“CA certificate file” (ca_bundle) setting.": (
            "找不到 CA 证书文件 {path}。请联系信息化管理员检查“CA 证书文件”（ca_bundle）设置。"
        ),
        "Enter the user name and the password.": "请输入用户名和密码。",
        "The new password needs at least 8 characters.": "新密码至少需要 8 个字符。",
    },
)

M = TypeVar("M", bound=BaseModel)

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
"""(connect, read) seconds: connecting is quick or hopeless; a pull page or a push batch
may take the server a while to build."""

SEED_CHUNK = 1 << 20
"""Bytes read from a seed download between two looks at the cancel flag."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
UNPROCESSED_STATUSES = frozenset({429, 503})
"""Answers that say the request was not acted on (rate limit; busy database, rolled
back), the only ones after which a refresh may be sent again."""

WaitFunc = Callable[[threading.Event, float], bool]
"""Wait up to ``seconds`` unless the event is set; True when it was set (cancelled)."""


def _event_wait(event: threading.Event, seconds: float) -> bool:
    return event.wait(seconds)


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_server_url(url: str) -> str:
    """``scheme://host[:port][/prefix]`` in lower case without a trailing slash or the
    API prefix, so the same server always gets the same keyring entry and database.

    Refuses anything but ``https://``, except ``http://`` to loopback (demo and tests).
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("https", "http") or not host:
        raise InvalidServerURL(detail=f"unusable server URL scheme/host: {scheme!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidServerURL(detail="server URL must not carry credentials, query or fragment")
    if scheme == "http" and not is_loopback_host(host):
        raise InvalidServerURL(detail="plain http is only allowed to loopback")
    try:
        port = parts.port
    except ValueError:
        raise InvalidServerURL(detail="invalid port in server URL") from None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"https": 443, "http": 80}[scheme]:
        netloc = f"{netloc}:{port}"
    path = parts.path.rstrip("/")
    path = path.removesuffix(API_PREFIX).rstrip("/")
    return urlunsplit((scheme, netloc, path, "", ""))


def _normalise_proxy(proxy: str) -> str:
    text = proxy.strip()
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidServerURL(
            _msg(
                "The proxy server setting is invalid. Ask your IT administrator to check the "
                "proxy setting."
            ),
            detail=f"unusable proxy scheme {parts.scheme!r}",
        )
    return text


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter (AWS architecture blog): the n-th wait is
    uniform in ``[0, min(max_delay, base_delay * 2**n)]``, which spreads hundreds of
    clients coming back after an outage instead of having them retry in lock-step."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_total: float = 120.0
    """Seconds from the first attempt after which no further attempt starts."""

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Wait before retry number ``retry`` (0 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** min(retry, 62)))
        return rng.uniform(0.0, ceiling)


NO_RETRY = RetryPolicy(max_attempts=1)


_CHANGE_KEYS = frozenset(RecordChange.model_fields)
_ENTITIES = frozenset(kind.value for kind in EntityKind)


def _valid_change(change: Any) -> bool:
    """The shape ``RecordChange`` (strict) accepts, checked on the decoded JSON object
    without building the model. The data fields' values are checked where they are
    stored (``gridclient.storage.bulk`` runs every value through its codec)."""
    if type(change) is not dict or change.keys() != _CHANGE_KEYS:
        return False
    entity, updated_at = change["entity"], change["updated_at"]
    if type(entity) is not str or entity not in _ENTITIES or type(updated_at) is not str:
        return False
    if (
        type(change["id"]) is not str
        or type(change["version"]) is not int
        or type(change["deleted"]) is not bool
        or type(change["fields"]) is not dict
    ):
        return False
    try:
        datetime.fromisoformat(updated_at)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class PullPage:
    """A pull answer as the sync engine applies it: the same content as a
    ``PullResponse``, but each record change is left as its decoded JSON object
    (``entity``, ``id``, ``version``, ``deleted``, ``updated_at`` as ISO text, ``fields``),
    checked for shape, instead of a model object per record: the bulk writer takes
    exactly these values, and building thousands of models per page cost more than
    writing them."""

    changes: list[dict[str, Any]]
    evictions: list[Eviction]
    conflicts: list[ConflictInfo]
    cursor: str
    more: bool
    server_time: datetime

    @classmethod
    def from_response(cls, response: PullResponse) -> PullPage:
        changes = [
            {
                "entity": c.entity.value,
                "id": c.id,
                "version": c.version,
                "deleted": c.deleted,
                "updated_at": c.updated_at.isoformat(),
                "fields": dict(c.fields),
            }
            for c in response.changes
        ]
        return cls(
            changes,
            list(response.evictions),
            list(response.conflicts),
            response.cursor,
            response.more,
            response.server_time,
        )


class _Repeat(Enum):
    SAFE = "safe"
    """The request may be repeated after any failure."""
    UNSENT = "unsent"
    """Repeat only when the request certainly never reached the server."""
    NEVER = "never"


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether the failure happened before a byte of the request left (refused, DNS,
    connect timeout); resets and read timeouts may come after the server acted."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            return isinstance(reason.reason, NewConnectionError | ConnectTimeoutError)
    return False


def _network_error(exc: requests.RequestException) -> SyncError:
    name = type(exc).__name__
    if isinstance(exc, requests.exceptions.SSLError):
        return TLSError(detail=f"{name}: {exc}")
    if isinstance(exc, requests.exceptions.ProxyError):
        return NetworkError(
            _msg(
                "Cannot connect through the proxy server. Check the network or ask your IT "
                "administrator to check the proxy setting."
            ),
            detail=f"{name}: {exc}",
        )
    if isinstance(exc, requests.Timeout):
        return NetworkError(
            _msg("Connecting to the server timed out. Check the network and try again."),
            detail=f"{name}: {exc}",
        )
    return NetworkError(detail=f"{name}: {exc}")


class Transport:
    """The client side of the HTTP API (``/api/v1``); every failure is a ``SyncError``."""

    def __init__(
        self,
        server_url: str,
        *,
        ca_bundle: str | os.PathLike[str] | None = None,
        proxy: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        client_version: str = __version__,
        on_session: Callable[[LoginResponse], None] | None = None,
        session: requests.Session | None = None,
        wait: WaitFunc = _event_wait,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        """``ca_bundle``: IT's PEM file for a private CA (empty or ``None``: the bundled
        public roots). ``on_session`` receives every login and refresh answer so the caller
        can keep the rotated refresh token in the keyring; it must not raise."""
        self.server_url = normalise_server_url(server_url)
        self.api_url = self.server_url + API_PREFIX
        if isinstance(ca_bundle, bool):
            raise TypeError("TLS verification cannot be switched off; pass a CA bundle path")
        self._verify: str | bool = True
        if ca_bundle is not None and str(ca_bundle).strip():
            path = Path(ca_bundle).expanduser()
            if not path.is_file():
                raise TLSError(
                    _msg(
                        "The CA certificate file {path} was not found. Ask your IT administrator "
                        "to check the “CA certificate file” (ca_bundle) setting.",
                        path=path,
                    ),
                    detail=f"ca_bundle {path} is not a file",
                )
            self._verify = str(path)
        host = urlsplit(self.server_url).hostname or ""
        self.proxies: dict[str, str] = {}
        if proxy and proxy.strip() and not is_loopback_host(host):
            normalised = _normalise_proxy(proxy)
            self.proxies = {"https": normalised, "http": normalised}
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.client_version = client_version
        self._on_session = on_session
        self._wait = wait
        self._clock = clock
        self._rng = rng or random.Random()
        self._session = session or requests.Session()
        self._session.trust_env = False
        self._session.verify = self._verify
        self._session.proxies = dict(self.proxies)
        self._session.headers.update(
            {
                "User-Agent": f"GridClient/{client_version}",
                "Accept": "application/json",
                PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                CLIENT_VERSION_HEADER: client_version,
            }
        )
        self._lock = threading.Lock()
        self._access_token: str | None = None
        self._refresh_token: str | None = None
        self._device_id: str | None = None

    @property
    def verify(self) -> str | bool:
        """What requests verifies against: True (bundled roots) or IT's CA bundle path.
        Read-only, so nothing can switch verification off after construction."""
        return self._verify

    # --- session state --------------------------------------------------------------------

    @property
    def has_session(self) -> bool:
        """Whether authenticated calls can be attempted (a refresh token is known)."""
        return self._refresh_token is not None or self._access_token is not None

    def resume(self, refresh_token: str, device_id: str) -> None:
        """Continue a session from a refresh token kept in the keyring; the first
        authenticated call refreshes it."""
        with self._lock:
            self._access_token = None
            self._refresh_token = refresh_token
            self._device_id = device_id

    def forget(self) -> None:
        """Drop the tokens from memory (log out, lock)."""
        with self._lock:
            self._access_token = None
            self._refresh_token = None

    def close(self) -> None:
        self._session.close()

    # --- API ------------------------------------------------------------------------------

    def login(
        self,
        username: str,
        password: str,
        device_id: str,
        *,
        cancel: threading.Event | None = None,
    ) -> LoginResponse:
        """Online login. Wrong credentials are ``AuthError`` at once (never retried)."""
        try:
            body = LoginRequest(username=username, password=password, device_id=device_id)
        except ValidationError as exc:
            if any(e["loc"][:1] == ("device_id",) for e in exc.errors()):
                raise ValueError("device_id is not a valid device id") from None
            raise AuthError(
                _msg("Enter the user name and the password."),
                detail=f"login request invalid: {exc.error_count()} errors",
            ) from None
        response = self._send(
            "POST",
            "/auth/login",
            cancel,
            _Repeat.SAFE,
            data=body.model_dump_json(),
            raise_for={401: AuthError},
        )
        result = self._parse(response, LoginResponse)
        self._adopt(result, device_id)
        return result

    def refresh(self, *, cancel: threading.Event | None = None) -> LoginResponse:
        """Trade the refresh token for a new token pair (both rotate). Any refusal is
        ``SessionExpired`` (or ``AccountDisabled``): the person must log in again."""
        with self._lock:
            token, device_id = self._refresh_token, self._device_id
        if token is None or device_id is None:
            raise SessionExpired(detail="no refresh token")
        try:
            body = RefreshRequest(refresh_token=token, device_id=device_id)
        except ValidationError:
            self.forget()
            raise SessionExpired(detail="stored refresh token has an invalid shape") from None
        try:
            response = self._send(
                "POST", "/auth/refresh", cancel, _Repeat.UNSENT, data=body.model_dump_json()
            )
        except (SessionExpired, AccountDisabled, DeviceLost):
            self.forget()
            raise
        result = self._parse(response, LoginResponse)
        self._adopt(result, device_id)
        return result

    def change_password(
        self,
        username: str,
        password: str,
        new_password: str,
        device_id: str,
        *,
        cancel: threading.Event | None = None,
    ) -> LoginResponse:
        """Set a new password with the current one (required after an administrator
        reset it: ``login`` then raises ``PasswordChangeRequired``); answered like a
        login. A wrong current password is ``AuthError``."""
        try:
            body = ChangePasswordRequest(
                username=username,
                password=password,
                new_password=new_password,
                device_id=device_id,
            )
        except ValidationError as exc:
            if any(e["loc"][:1] == ("new_password",) for e in exc.errors()):
                raise RejectedRequest(
                    _msg("The new password needs at least 8 characters."),
                    status=422,
                    code="invalid_request",
                ) from None
            raise AuthError(
                _msg("Enter the user name and the password."),
                detail="change-password request invalid",
            ) from None
        response = self._send(
            "POST",
            "/auth/change-password",
            cancel,
            _Repeat.UNSENT,
            data=body.model_dump_json(),
            raise_for={401: AuthError},
        )
        result = self._parse(response, LoginResponse)
        self._adopt(result, device_id)
        return result

    def logout(self, *, cancel: threading.Event | None = None) -> None:
        """End this device's session on the server (its refresh token is revoked), then
        forget the tokens. One quick try: a logout offline still forgets locally (the
        token then expires on the server by itself)."""
        with self._lock:
            refresh, device_id, access = self._refresh_token, self._device_id, self._access_token
        try:
            if refresh is not None and device_id is not None:
                body = LogoutRequest(refresh_token=refresh, device_id=device_id)
                self._send(
                    "POST", "/auth/logout", cancel, _Repeat.NEVER, data=body.model_dump_json()
                )
            elif access is not None:
                self._send("POST", "/auth/logout", cancel, _Repeat.NEVER, token=access, data="{}")
        except (SyncError, ValidationError) as exc:
            log.warning("logout not confirmed by the server: %s", type(exc).__name__)
        finally:
            self.forget()

    def put_device_key(self, key: bytes, *, cancel: threading.Event | None = None) -> None:
        """Give the server this device's key share (right after a password login)."""
        body = DeviceKey(key=base64.b64encode(key).decode("ascii"))
        token = self._access_token
        if token is None:
            raise SessionExpired(detail="no access token for the device key")
        self._send(
            "PUT",
            "/auth/device-key",
            cancel,
            _Repeat.SAFE,
            token=token,
            data=body.model_dump_json(),
        )

    def get_device_key(self, *, cancel: threading.Event | None = None) -> bytes:
        """This device's key share; the server releases it only right after a password
        login from this device. ``RejectedRequest`` (404) when it has none."""
        token = self._access_token
        if token is None:
            raise SessionExpired(detail="no access token for the device key")
        response = self._send("GET", "/auth/device-key", cancel, _Repeat.SAFE, token=token)
        document = self._parse(response, DeviceKey)
        try:
            return base64.b64decode(document.key, validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError(detail="GET /auth/device-key: key is not base64") from None

    def push(self, request: PushRequest, *, cancel: threading.Event | None = None) -> PushResponse:
        """Send a batch of ops; retried freely because the server deduplicates by op_id."""
        response = self._authed(
            "POST", "/sync/push", cancel, _Repeat.SAFE, data=request.model_dump_json()
        )
        return self._parse(response, PushResponse)

    def pull(
        self, cursor: str, limit: int | None = None, *, cancel: threading.Event | None = None
    ) -> PullResponse:
        params: dict[str, str | int] = {"cursor": cursor}
        if limit is not None:
            params["limit"] = limit
        response = self._authed("GET", "/sync/pull", cancel, _Repeat.SAFE, params=params)
        return self._parse(response, PullResponse)

    def pull_page(
        self, cursor: str, limit: int | None = None, *, cancel: threading.Event | None = None
    ) -> PullPage:
        """:meth:`pull` for the sync engine: the same request and the same checks of the
        answer's shape, decoded with orjson, record changes left as JSON objects."""
        params: dict[str, str | int] = {"cursor": cursor}
        if limit is not None:
            params["limit"] = limit
        response = self._authed("GET", "/sync/pull", cancel, _Repeat.SAFE, params=params)
        return self._parse_page(response)

    def seed_offer(self, *, cancel: threading.Event | None = None) -> SeedOffer | None:
        """The server's seed (a ready-made store) for this user's scope, or ``None``: none
        made for it, or a server from before seeds (404 either way)."""
        response = self._authed("GET", "/sync/seed", cancel, _Repeat.SAFE, ok_statuses=(404,))
        if response.status_code == 404:
            return None
        return self._parse(response, SeedOffer)

    def download_seed(
        self,
        offer: SeedOffer,
        target: Path,
        *,
        progress: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> bool:
        """Append the seed's bytes to ``target`` from its current length (a ``Range``
        request when part of it is there: a broken download resumes) up to
        ``offer.size``. False when the server no longer has that seed (404: a newer
        one replaced it). A network failure or a cancel leaves what arrived; a server
        that ignores the range starts the file over."""
        event = cancel if cancel is not None else threading.Event()
        have = target.stat().st_size if target.exists() else 0
        if have > offer.size:
            target.unlink()
            have = 0
        if have == offer.size:
            return True
        headers = {"Accept": "application/octet-stream"}
        if have:
            headers["Range"] = f"bytes={have}-"
        response = self._authed(
            "GET",
            f"/sync/seed/{offer.generation}",
            event,
            _Repeat.SAFE,
            headers=headers,
            ok_statuses=(404,),
            stream=True,
        )
        with contextlib.closing(response):
            if response.status_code == 404:
                return False
            if have and response.status_code != 206:
                have = 0
            try:
                with target.open("r+b" if have else "wb") as handle:
                    handle.seek(have)
                    handle.truncate()
                    for chunk in response.iter_content(chunk_size=SEED_CHUNK):
                        if event.is_set():
                            raise Cancelled(detail="seed download cancelled")
                        handle.write(chunk)
                        have += len(chunk)
                        if have > offer.size:
                            raise ProtocolError(detail="seed longer than announced")
                        if progress is not None:
                            progress(have)
            except requests.RequestException as exc:
                raise _network_error(exc) from None
        if have != offer.size:
            raise NetworkError(detail=f"seed download ended at {have} of {offer.size} bytes")
        return True

    def put_attachment(
        self, sha256: str, data: bytes, mime: str, *, cancel: threading.Event | None = None
    ) -> None:
        """Upload bytes under their SHA-256 (idempotent: the same bytes, the same name)."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("sha256 does not match the data")
        self._authed(
            "PUT",
            f"/attachments/{sha256}",
            cancel,
            _Repeat.SAFE,
            data=data,
            headers={"Content-Type": mime},
        )

    def get_attachment(self, sha256: str, *, cancel: threading.Event | None = None) -> bytes | None:
        """The bytes stored under ``sha256``, checked against it; ``None`` when the server
        has none for us (not uploaded yet, or outside our scope: 404)."""
        response = self._authed(
            "GET",
            f"/attachments/{sha256}",
            cancel,
            _Repeat.SAFE,
            headers={"Accept": "application/octet-stream"},
            ok_statuses=(404,),
        )
        if response.status_code == 404:
            return None
        data = response.content
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ProtocolError(detail=f"GET /attachments/{sha256[:12]}…: bytes do not match")
        return data

    def has_attachment(self, sha256: str, *, cancel: threading.Event | None = None) -> bool:
        """Whether the server already holds these bytes for us (then skip the upload)."""
        response = self._authed(
            "HEAD", f"/attachments/{sha256}", cancel, _Repeat.SAFE, ok_statuses=(404,)
        )
        return response.status_code != 404

    def catalog(self, *, cancel: threading.Event | None = None) -> dict[str, Any]:
        """The event catalog document, as JSON (``EventCatalog.from_json`` parses it)."""
        fetched = self.catalog_if_changed(None, cancel=cancel)
        assert fetched is not None  # no ETag sent, so never "not modified"
        return fetched[0]

    def catalog_if_changed(
        self, etag: str | None, *, cancel: threading.Event | None = None
    ) -> tuple[dict[str, Any], str | None] | None:
        """The catalog document and its ETag; ``None`` when the server says the catalog
        is still the one named by ``etag`` (304, no body)."""
        headers = {"If-None-Match": etag} if etag else None
        response = self._authed(
            "GET", "/catalog", cancel, _Repeat.SAFE, headers=headers, ok_statuses=(304,)
        )
        if response.status_code == 304:
            if not etag:
                raise ProtocolError(detail="GET /catalog: 304 to a request without an ETag")
            return None
        try:
            document = json.loads(response.content)
        except ValueError:
            raise ProtocolError(detail="GET /catalog: body is not JSON") from None
        if not isinstance(document, dict):
            raise ProtocolError(detail="GET /catalog: body is not a JSON object")
        return document, response.headers.get("ETag") or None

    def holidays_if_changed(
        self, etag: str | None, *, cancel: threading.Event | None = None
    ) -> tuple[dict[str, Any], str | None] | None:
        """The holiday calendar document (``WorkCalendar.from_json`` parses it) and its
        ETag; ``None`` when the server says it is still the one named by ``etag`` (304),
        or when the server is older than the calendar (404: the laptop keeps the one it
        has)."""
        headers = {"If-None-Match": etag} if etag else None
        response = self._authed(
            "GET", "/holidays", cancel, _Repeat.SAFE, headers=headers, ok_statuses=(304, 404)
        )
        if response.status_code == 404:
            return None
        if response.status_code == 304:
            if not etag:
                raise ProtocolError(detail="GET /holidays: 304 to a request without an ETag")
            return None
        try:
            document = json.loads(response.content)
        except ValueError:
            raise ProtocolError(detail="GET /holidays: body is not JSON") from None
        if not isinstance(document, dict):
            raise ProtocolError(detail="GET /holidays: body is not a JSON object")
        return document, response.headers.get("ETag") or None

    def departments_if_changed(
        self, etag: str | None, *, cancel: threading.Event | None = None
    ) -> tuple[dict[str, Any], str | None] | None:
        """The department list (``DepartmentList.from_json`` parses it) and its ETag;
        ``None`` when the server says it is still the one named by ``etag`` (304), or
        when the server is older than departments (404: the laptop keeps what it has)."""
        headers = {"If-None-Match": etag} if etag else None
        response = self._authed(
            "GET", "/departments", cancel, _Repeat.SAFE, headers=headers, ok_statuses=(304, 404)
        )
        if response.status_code == 404:
            return None
        if response.status_code == 304:
            if not etag:
                raise ProtocolError(detail="GET /departments: 304 to a request without an ETag")
            return None
        try:
            document = json.loads(response.content)
        except ValueError:
            raise ProtocolError(detail="GET /departments: body is not JSON") from None
        if not isinstance(document, dict):
            raise ProtocolError(detail="GET /departments: body is not a JSON object")
        return document, response.headers.get("ETag") or None

    def directory(self, *, cancel: threading.Event | None = None) -> DirectoryResponse:
        """The people of the user's area: login, display name, role (department
        accounts included: this client knows the role)."""
        response = self._authed(
            "GET", "/directory", cancel, _Repeat.SAFE, params={"departments": "true"}
        )
        return self._parse(response, DirectoryResponse)

    def health(self, *, cancel: threading.Event | None = None) -> bool:
        """One quick probe: True when the server answers ``ok``. Unreachable or failing is
        False; a certificate problem is still raised, because IT must fix it."""
        try:
            response = self._send("GET", "/health", cancel, _Repeat.NEVER)
        except (TLSError, Cancelled):
            raise
        except SyncError:
            return False
        try:
            document = json.loads(response.content)
        except ValueError:
            return False
        return isinstance(document, dict) and document.get("status") == "ok"

    # --- machinery ------------------------------------------------------------------------

    def _adopt(self, result: LoginResponse, device_id: str) -> None:
        with self._lock:
            self._access_token = result.access_token
            self._refresh_token = result.refresh_token
            self._device_id = device_id
        if self._on_session is not None:
            self._on_session(result)

    def _authed(
        self,
        method: str,
        path: str,
        cancel: threading.Event | None,
        repeat: _Repeat,
        **kwargs: Any,
    ) -> requests.Response:
        """An authenticated call: on 401, one refresh and one more try, then
        ``SessionExpired``."""
        refreshed = False
        if self._access_token is None:
            self.refresh(cancel=cancel)
            refreshed = True
        while True:
            token = self._access_token
            if token is None:
                raise SessionExpired(detail="no access token")
            try:
                return self._send(method, path, cancel, repeat, token=token, **kwargs)
            except SessionExpired:
                if refreshed:
                    self.forget()
                    raise
            self.refresh(cancel=cancel)
            refreshed = True

    def _send(
        self,
        method: str,
        path: str,
        cancel: threading.Event | None,
        repeat: _Repeat,
        *,
        token: str | None = None,
        data: str | bytes | None = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        ok_statuses: tuple[int, ...] = (),
        raise_for: Mapping[int, type[SyncError]] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """One logical request with retries; returns a 2xx (or ``ok_statuses``) answer or
        raises the typed error. ``stream``: the body is read by the caller (and the
        answer closed by it)."""
        event = cancel if cancel is not None else threading.Event()
        policy = self.retry if repeat is not _Repeat.NEVER else NO_RETRY
        request_headers = dict(headers or {})
        if data is not None and "Content-Type" not in request_headers:
            request_headers["Content-Type"] = "application/json"
        if token is not None:
            request_headers["Authorization"] = f"Bearer {token}"
        url = self.api_url + path
        path = API_PREFIX + path  # what the log and error details show
        start = self._clock()
        attempt = 0
        while True:
            if event.is_set():
                raise Cancelled(detail=f"{method} {path} cancelled before attempt {attempt + 1}")
            attempt += 1
            began = self._clock()
            error: SyncError
            retry_after: float | None = None
            # The device's own clock, uncorrected: the server flags laptops that are off.
            request_headers[CLIENT_TIME_HEADER] = datetime.now(UTC).isoformat()
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=request_headers,
                    timeout=self.timeout,
                    verify=self._verify,
                    proxies=self.proxies,
                    allow_redirects=False,
                    stream=stream,
                )
            except requests.RequestException as exc:
                elapsed = (self._clock() - began) * 1000
                log.warning(
                    "%s %s failed after %.0f ms (attempt %d): %s",
                    method,
                    path,
                    elapsed,
                    attempt,
                    type(exc).__name__,
                )
                error = _network_error(exc)
                may_repeat = isinstance(error, NetworkError) and (
                    repeat is _Repeat.SAFE or (repeat is _Repeat.UNSENT and _never_sent(exc))
                )
            except OSError as exc:
                # Not wrapped by requests: the CA bundle vanished or became unreadable
                # after start-up (a share that went away, a tidied folder).
                log.warning("%s %s failed: %s", method, path, type(exc).__name__)
                if isinstance(self._verify, str) and not os.path.isfile(self._verify):
                    raise TLSError(
                        _msg(
                            "The CA certificate file {path} was not found. Ask your IT "
                            "administrator to check the “CA certificate file” (ca_bundle) "
                            "setting.",
                            path=self._verify,
                        ),
                        detail=f"{type(exc).__name__}: {exc}",
                    ) from None
                raise NetworkError(detail=f"{type(exc).__name__}: {exc}") from None
            else:
                elapsed = (self._clock() - began) * 1000
                status = response.status_code
                log.info("%s %s -> %d in %.0f ms", method, path, status, elapsed)
                if 200 <= status < 300 or status in ok_statuses:
                    return response
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                error = self._error_for(response, method, path, retry_after, raise_for)
                may_repeat = (
                    status in (UNPROCESSED_STATUSES if repeat is _Repeat.UNSENT else RETRY_STATUSES)
                    and repeat is not _Repeat.NEVER
                )
            if not may_repeat or attempt >= policy.max_attempts:
                raise error
            delay = policy.backoff(attempt - 1, self._rng)
            if retry_after is not None:
                delay = max(delay, retry_after) if retry_after <= policy.max_delay else -1.0
            spent = self._clock() - start
            if delay < 0 or spent + delay > policy.max_total:
                raise error
            log.info("%s %s: retry %d in %.1f s", method, path, attempt, delay)
            if self._wait(event, delay):
                raise Cancelled(detail=f"{method} {path} cancelled during backoff")

    def _error_for(
        self,
        response: requests.Response,
        method: str,
        path: str,
        retry_after: float | None,
        raise_for: Mapping[int, type[SyncError]] | None,
    ) -> SyncError:
        body: ErrorBody | None
        try:
            body = ErrorBody.model_validate_json(response.content)
        except ValidationError:
            body = None
        status = response.status_code
        detail = f"{method} {path}"
        special = (raise_for or {}).get(status)
        if special is not None and (body is None or body.code != "account_disabled"):
            return special(detail=f"{detail} [{status}{' ' + body.code if body else ''}]")
        if 300 <= status < 400:
            return ProtocolError(detail=f"{detail} [{status}] unexpected redirect")
        return error_from_response(status, body, retry_after=retry_after, detail=detail)

    @classmethod
    def _parse_page(cls, response: requests.Response) -> PullPage:
        def invalid(kinds: list[str]) -> ProtocolError:
            return ProtocolError(
                detail=(
                    f"{response.request.method} {urlsplit(response.url).path} "
                    f"[{response.status_code}] body is not a PullResponse: {kinds}"
                )
            )

        try:
            document = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise invalid(["json_invalid"]) from None
        if type(document) is not dict or type(document.get("changes")) is not list:
            raise invalid(["model_type"])
        changes: list[dict[str, Any]] = document["changes"]
        if not all(map(_valid_change, changes)):
            raise invalid(["change"])
        # Everything but the changes (a few evictions and conflicts) through the model.
        document["changes"] = []
        try:
            rest = PullResponse.model_validate_json(orjson.dumps(document))
        except ValidationError as exc:
            raise invalid(sorted({str(e["type"]) for e in exc.errors(include_url=False)})) from None
        return PullPage(
            changes,
            list(rest.evictions),
            list(rest.conflicts),
            rest.cursor,
            rest.more,
            rest.server_time,
        )

    @staticmethod
    def _parse(response: requests.Response, model: type[M]) -> M:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            kinds = sorted({str(e["type"]) for e in exc.errors(include_url=False)})
            raise ProtocolError(
                detail=(
                    f"{response.request.method} {urlsplit(response.url).path} "
                    f"[{response.status_code}] body is not a {model.__name__}: {kinds}"
                )
            ) from None
