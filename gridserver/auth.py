"""Accounts, passwords, tokens and login rate limits, all kept in the database so that any
server process can answer any request.

Tokens are random strings; only their SHA-256 is stored, so a copy of the database does
not let anyone act as a user. A refresh token is single-use: refreshing revokes it and the
access tokens of its family and issues a new pair; presenting a revoked refresh token again
(a stolen copy racing the owner) revokes the whole family.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, update

from gridclient.domain.enums import Role
from gridclient.sync.protocol import LoginResponse
from gridserver.config import Settings
from gridserver.db import Database, login_failures, records, tokens, users, utcnow
from gridserver.errors import ApiError
from gridserver.scope import Caller, describe_scope


def password_hasher(settings: Settings) -> PasswordHasher:
    p = settings.argon2
    return PasswordHasher(
        time_cost=p.time_cost, memory_cost=p.memory_cost, parallelism=p.parallelism
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserError(ValueError):
    """An admin command that cannot be carried out; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class NewUser:
    username: str
    role: Role
    scope_code: str | None
    display_name: str = ""


def find_area_id(conn: Connection, code: str) -> str | None:
    found: str | None = conn.execute(
        select(records.c.id).where(records.c.kind == "area", records.c.area_code == code)
    ).scalar_one_or_none()
    return found


def add_user(db: Database, settings: Settings, user: NewUser, password: str) -> int:
    if len(password) < 8:
        raise UserError("密码至少需要 8 个字符")
    if user.role is not Role.ADMIN and not user.scope_code:
        raise UserError("网格员和乡镇/街道工作人员必须指定管辖区划（--scope）")
    hashed = password_hasher(settings).hash(password)
    with db.write() as conn:
        area_id = None
        if user.scope_code:
            area_id = find_area_id(conn, user.scope_code)
            if area_id is None:
                raise UserError(f"区划代码 {user.scope_code} 不存在，请先创建区划或导入数据")
        if conn.execute(select(users.c.id).where(users.c.username == user.username)).first():
            raise UserError(f"用户 {user.username} 已存在")
        user_id: int = conn.execute(
            insert(users)
            .values(
                username=user.username,
                display_name=user.display_name or user.username,
                password_hash=hashed,
                role=user.role.value,
                scope_area_id=area_id,
                disabled=False,
                created_at=utcnow(),
            )
            .returning(users.c.id)
        ).scalar_one()
    return user_id


def disable_user(db: Database, username: str) -> None:
    """Refuse the account from now on and revoke every token it holds."""
    now = utcnow()
    with db.write() as conn:
        user_id = conn.execute(
            select(users.c.id).where(users.c.username == username)
        ).scalar_one_or_none()
        if user_id is None:
            raise UserError(f"用户 {username} 不存在")
        conn.execute(update(users).where(users.c.id == user_id).values(disabled=True))
        conn.execute(
            update(tokens)
            .where(tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    forget_cached_tokens()  # after the commit: see TokenCache.put


# --- login and refresh ------------------------------------------------------------------

_DUMMY_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("x")


def _too_many(conn: Connection, settings: Settings, username: str, address: str) -> bool:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    by_user = conn.execute(
        select(func.count())
        .select_from(login_failures)
        .where(login_failures.c.username == username, login_failures.c.at > since)
    ).scalar_one()
    if by_user >= settings.login_max_failures_per_user:
        return True
    by_address = conn.execute(
        select(func.count())
        .select_from(login_failures)
        .where(login_failures.c.address == address, login_failures.c.at > since)
    ).scalar_one()
    return bool(by_address >= settings.login_max_failures_per_address)


def _rate_limited(settings: Settings) -> ApiError:
    minutes = max(1, settings.login_window_seconds // 60)
    return ApiError(
        429,
        "rate_limited",
        f"登录失败次数过多，请 {minutes} 分钟后再试",
        headers={"Retry-After": str(settings.login_window_seconds)},
    )


def login(
    db: Database, settings: Settings, username: str, password: str, device_id: str, address: str
) -> LoginResponse:
    row = login_account(db, settings, username, address)
    ok = verify_password(settings, row, password)
    return login_finish(db, settings, row, ok, username, device_id, address)


# The three steps of a login, so the server runs the password hash (tens of milliseconds
# of CPU, by design) outside the slots reserved for database work: a burst of logins then
# does not hold up the sync requests of devices already logged in.


def login_account(db: Database, settings: Settings, username: str, address: str) -> Any:
    """The account row (``None`` if unknown), or 429 when there were too many failures."""
    with db.write() as conn:
        if _too_many(conn, settings, username, address):
            raise _rate_limited(settings)
        return conn.execute(select(users).where(users.c.username == username)).first()


def verify_password(settings: Settings, row: Any, password: str) -> bool:
    """Argon2 check; an unknown account costs a (cheap) hash too."""
    hasher = password_hasher(settings)
    try:
        hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
        return row is not None
    except (VerificationError, InvalidHashError):
        return False


def login_finish(
    db: Database,
    settings: Settings,
    row: Any,
    ok: bool,
    username: str,
    device_id: str,
    address: str,
) -> LoginResponse:
    """Record a failure (401), refuse a disabled account (403), or issue the tokens."""
    now = utcnow()
    if not ok or row is None:
        with db.write() as conn:
            conn.execute(insert(login_failures).values(username=username, address=address, at=now))
            conn.execute(
                delete(login_failures).where(
                    login_failures.c.at < now - timedelta(seconds=settings.login_window_seconds)
                )
            )
        raise ApiError(401, "invalid_credentials", "用户名或密码错误")
    if row.disabled:
        raise ApiError(403, "account_disabled", "该账号已被停用，请联系管理员")
    with db.write() as conn:
        conn.execute(delete(login_failures).where(login_failures.c.username == username))
        conn.execute(delete(tokens).where(tokens.c.expires_at < now - timedelta(days=1)))
        access, refresh = _issue(conn, settings, row.id, device_id, str(uuid.uuid4()), now)
        caller = _caller(row, device_id)
        scope = describe_scope(conn, caller)
    return LoginResponse(
        access_token=access,
        refresh_token=refresh,
        expires_in=settings.access_ttl_seconds,
        refresh_expires_in=settings.refresh_ttl_seconds,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        scope=scope,
        min_client_version=settings.min_client_version,
        server_time=now,
    )


def _issue(
    conn: Connection, settings: Settings, user_id: int, device_id: str, family: str, now: datetime
) -> tuple[str, str]:
    access = secrets.token_urlsafe(32)
    refresh = secrets.token_urlsafe(48)
    conn.execute(
        insert(tokens),
        [
            {
                "token_hash": token_hash(access),
                "user_id": user_id,
                "kind": "access",
                "family": family,
                "device_id": device_id,
                "issued_at": now,
                "expires_at": now + timedelta(seconds=settings.access_ttl_seconds),
                "revoked_at": None,
            },
            {
                "token_hash": token_hash(refresh),
                "user_id": user_id,
                "kind": "refresh",
                "family": family,
                "device_id": device_id,
                "issued_at": now,
                "expires_at": now + timedelta(seconds=settings.refresh_ttl_seconds),
                "revoked_at": None,
            },
        ],
    )
    return access, refresh


_INVALID_TOKEN = ApiError(401, "invalid_token", "登录已失效，请重新登录")


def refresh(db: Database, settings: Settings, refresh_token: str, device_id: str) -> LoginResponse:
    now = utcnow()
    with db.write() as conn:
        found = conn.execute(
            select(tokens, users.c.disabled)
            .join(users, users.c.id == tokens.c.user_id)
            .where(tokens.c.token_hash == token_hash(refresh_token), tokens.c.kind == "refresh")
        ).first()
        if found is None or found.device_id != device_id:
            # A refresh token only works on the device it was issued to.
            raise _INVALID_TOKEN
        if found.disabled:
            raise ApiError(403, "account_disabled", "该账号已被停用，请联系管理员")
        if found.expires_at <= now:
            raise ApiError(401, "token_expired", "登录已过期，请重新登录")
        # Single use, decided atomically by the database: of two racing refreshes only one
        # sees its UPDATE change a row.
        claimed = conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == found.token_hash, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
        if claimed != 1:
            conn.execute(
                update(tokens)
                .where(tokens.c.family == found.family, tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            reuse = True
        else:
            reuse = False
            conn.execute(
                update(tokens)
                .where(
                    and_(
                        tokens.c.family == found.family,
                        tokens.c.kind == "access",
                        tokens.c.revoked_at.is_(None),
                    )
                )
                .values(revoked_at=now)
            )
            access, new_refresh = _issue(
                conn, settings, found.user_id, device_id, found.family, now
            )
            row = conn.execute(select(users).where(users.c.id == found.user_id)).one()
            scope = describe_scope(conn, _caller(row, device_id))
    # Committed: the rotation (or a detected reuse) revoked access tokens of the family.
    forget_cached_tokens()
    if reuse:
        raise _INVALID_TOKEN
    return LoginResponse(
        access_token=access,
        refresh_token=new_refresh,
        expires_in=settings.access_ttl_seconds,
        refresh_expires_in=settings.refresh_ttl_seconds,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        scope=scope,
        min_client_version=settings.min_client_version,
        server_time=now,
    )


def _caller(row: Any, device_id: str) -> Caller:
    return Caller(
        user_id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        scope_area_id=row.scope_area_id,
        device_id=device_id,
    )


_AUTHENTICATE = (
    select(
        tokens.c.expires_at,
        tokens.c.revoked_at,
        tokens.c.device_id,
        users.c.id,
        users.c.username,
        users.c.display_name,
        users.c.role,
        users.c.scope_area_id,
        users.c.disabled,
    )
    .join(users, users.c.id == tokens.c.user_id)
    .where(tokens.c.token_hash == bindparam("token_hash"), tokens.c.kind == "access")
)
"""Built once: it runs on every request."""


def authenticate(db: Database, access_token: str, cache: TokenCache | None = None) -> Caller:
    """The caller behind a bearer token; 401 for unknown, expired or revoked tokens and
    403 for a disabled account. Checked in the database unless ``cache`` vouched for the
    token less than its TTL ago (see :class:`TokenCache`); a valid token is cached."""
    if cache is not None:
        cached = cache.get(access_token)
        if cached is not None:
            return cached
    generation = cache_generation()
    conn = db.engine.connect()
    if not db.is_sqlite:
        # One statement: no BEGIN and ROLLBACK round trips around it.
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
    with conn:
        row = conn.execute(_AUTHENTICATE, {"token_hash": token_hash(access_token)}).first()
    if row is None:
        raise _INVALID_TOKEN
    if row.disabled:
        raise ApiError(403, "account_disabled", "该账号已被停用，请联系管理员")
    if row.revoked_at is not None:
        raise _INVALID_TOKEN
    if row.expires_at <= utcnow():
        raise ApiError(401, "token_expired", "登录已过期，请刷新登录凭证")
    caller = _caller(row, row.device_id)
    if cache is not None:
        cache.put(access_token, caller, row.expires_at, generation)
    return caller


# --- the token cache --------------------------------------------------------------------

TOKEN_CACHE_SECONDS = 5.0
"""How long a server process trusts an access token it checked without
asking the database again. Revocations made in the same process (``disable_user``, a
refresh rotation or reuse) empty every cache at once; those made by another process (the
``gridserver disable-user`` command, another ``--workers`` process rotating a token) are
seen at the latest after this many seconds. Token expiry is checked on every hit."""

_generation = [0]
_generation_lock = threading.Lock()


def cache_generation() -> int:
    return _generation[0]


def forget_cached_tokens() -> None:
    """Invalidate every :class:`TokenCache` of this process (a token or an account was
    revoked)."""
    with _generation_lock:
        _generation[0] += 1


@dataclass(frozen=True, slots=True)
class _Entry:
    caller: Caller
    expires_at: datetime
    checked: float
    generation: int


class TokenCache:
    """Access tokens recently found valid, by the SHA-256 of the token (the token itself
    is never kept), so a sync request usually costs no authentication query and no
    worker-thread hop. See :data:`TOKEN_CACHE_SECONDS` for how long revocations made
    elsewhere may take to be seen. Safe to use from several threads."""

    def __init__(
        self,
        ttl: float = TOKEN_CACHE_SECONDS,
        *,
        max_entries: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, _Entry] = {}

    def get(self, access_token: str) -> Caller | None:
        if self.ttl <= 0:
            return None
        key = token_hash(access_token)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if (
            entry.generation != _generation[0]
            or self._clock() - entry.checked >= self.ttl
            or entry.expires_at <= utcnow()
        ):
            self._entries.pop(key, None)
            return None
        return entry.caller

    def put(
        self,
        access_token: str,
        caller: Caller,
        expires_at: datetime,
        generation: int | None = None,
    ) -> None:
        """Remember a token found valid; ``generation`` is :func:`cache_generation` as
        read *before* the check, so a revocation that raced the check wins."""
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # crude but bounded; refilled by the next requests
        current = _generation[0] if generation is None else generation
        self._entries[token_hash(access_token)] = _Entry(caller, expires_at, self._clock(), current)
