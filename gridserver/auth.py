"""Accounts, passwords, tokens and login rate limits, all kept in the database so that any
server process can answer any request.

Tokens are random strings; only their SHA-256 is stored, so a copy of the database does
not let anyone act as a user. A refresh token is single-use: refreshing revokes it and the
access tokens of its family and issues a new pair; presenting a revoked refresh token again
(a stolen copy racing the owner) revokes the whole family.
"""

from __future__ import annotations

import hashlib
import math
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
from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from gridcore.domain.departments import DepartmentError
from gridcore.domain.enums import Role
from gridcore.protocol import LoginResponse
from gridserver import departments
from gridserver.config import Settings
from gridserver.db import Database, devices, login_throttle, records, tokens, users, utcnow
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
    department: str | None = None
    """A department account's department code (``--department``)."""


def find_area_id(conn: Connection, code: str) -> str | None:
    found: str | None = conn.execute(
        select(records.c.id).where(records.c.kind == "area", records.c.area_code == code)
    ).scalar_one_or_none()
    return found


def add_user(db: Database, settings: Settings, user: NewUser, password: str) -> int:
    if len(password) < 8:
        raise UserError("密码至少需要 8 个字符")
    if user.role is not Role.ADMIN and not user.scope_code:
        raise UserError("网格员、乡镇/街道工作人员和职能部门账号必须指定管辖区划（--scope）")
    if user.department and user.role is not Role.DEPARTMENT:
        raise UserError("只有职能部门账号（--role department）可以指定所属部门")
    hashed = password_hasher(settings).hash(password)
    with db.write() as conn:
        area_id = None
        if user.scope_code:
            area_id = find_area_id(conn, user.scope_code)
            if area_id is None:
                raise UserError(f"区划代码 {user.scope_code} 不存在，请先创建区划或导入数据")
        if conn.execute(select(users.c.id).where(users.c.username == user.username)).first():
            raise UserError(f"用户 {user.username} 已存在")
        if user.role is Role.DEPARTMENT:
            try:
                departments.check_account(conn, user.department, area_id)
            except DepartmentError as exc:
                raise UserError(str(exc)) from None
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
                department=user.department if user.role is Role.DEPARTMENT else None,
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


# --- login throttling --------------------------------------------------------------------
#
# Every attempt is counted *before* the password is checked, under a row lock (SQLite:
# the write transaction itself, ``BEGIN IMMEDIATE``), so N concurrent guesses cost
# exactly as many hashes as the allowance leaves, never more. Three counters:
#
# * ``addr``: the client address (behind a trusted proxy, the forwarded one);
# * ``user``: the account, for attempts from devices it never logged in from;
# * ``dev``: the account on one device it has logged in from.
#
# Past its allowance a counter makes the next attempt wait, twice as long each time up
# to a cap: a backoff, not a lock. Because the account's own devices have their own
# counter, a stranger who knows the user name slows down only new devices, never the
# laptop the owner works on. A success resets the account's counter it used and takes
# its own attempt off the address's.


@dataclass(frozen=True, slots=True)
class Counter:
    key: str
    free: int
    cap: float
    address: bool = False


def _counter_key(kind: str, *parts: str) -> str:
    return f"{kind}:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def backoff_seconds(settings: Settings, failures: int, free: int, cap: float) -> float:
    """How long to wait after ``failures`` attempts against an allowance of ``free``."""
    if failures < free:
        return 0.0
    return float(min(cap, settings.login_backoff_base_seconds * 2 ** min(failures - free, 40)))


def counters(
    settings: Settings, username: str, device_id: str, address: str, known: bool
) -> list[Counter]:
    by_address = Counter(
        _counter_key("addr", address),
        settings.login_free_attempts_per_address,
        settings.login_backoff_max_seconds_address,
        address=True,
    )
    if known:
        account = Counter(
            _counter_key("dev", username, device_id),
            settings.login_free_attempts_per_device,
            settings.login_backoff_max_seconds,
        )
    else:
        account = Counter(
            _counter_key("user", username),
            settings.login_free_attempts_per_user,
            settings.login_backoff_max_seconds,
        )
    return sorted([by_address, account], key=lambda c: c.key)  # one lock order everywhere


def _upsert_ignore(conn: Connection, table: Any, values: dict[str, Any], keys: list[str]) -> None:
    """INSERT unless a row with these keys exists (concurrent inserts wait, then skip)."""
    statement: Any
    if conn.dialect.name == "postgresql":
        statement = postgresql.insert(table)
    else:
        statement = sqlite.insert(table)
    conn.execute(statement.values(**values).on_conflict_do_nothing(index_elements=keys))


def claim_attempt(conn: Connection, settings: Settings, claimed: list[Counter]) -> None:
    """Count one attempt on every counter, or raise 429 (counting nothing) when one of
    them says wait. Rows are locked in key order."""
    now = utcnow()
    forget = now - timedelta(seconds=settings.login_forget_seconds)
    rows = []
    for counter in claimed:
        _upsert_ignore(
            conn,
            login_throttle,
            {"key": counter.key, "failures": 0, "last_at": now, "blocked_until": None},
            ["key"],
        )
        row = conn.execute(
            select(login_throttle).where(login_throttle.c.key == counter.key).with_for_update()
        ).one()
        rows.append(row)
    wait = max(
        (
            (row.blocked_until - now).total_seconds()
            for row in rows
            if row.blocked_until is not None
        ),
        default=0.0,
    )
    if wait > 0:
        raise _rate_limited(wait)
    for counter, row in zip(claimed, rows, strict=True):
        failures = (row.failures if row.last_at > forget else 0) + 1
        delay = backoff_seconds(settings, failures, counter.free, counter.cap)
        conn.execute(
            update(login_throttle)
            .where(login_throttle.c.key == counter.key)
            .values(
                failures=failures,
                last_at=now,
                blocked_until=now + timedelta(seconds=delay) if delay else None,
            )
        )


def release_attempt(conn: Connection, claimed: list[Counter]) -> None:
    """The password was right: the account's counter starts again and the address's
    forgets this attempt."""
    for counter in claimed:
        if not counter.address:
            conn.execute(delete(login_throttle).where(login_throttle.c.key == counter.key))
            continue
        row = conn.execute(
            select(login_throttle).where(login_throttle.c.key == counter.key).with_for_update()
        ).first()
        if row is None:
            continue
        failures = max(0, row.failures - 1)
        values: dict[str, Any] = {"failures": failures}
        if failures < counter.free:
            values["blocked_until"] = None
        conn.execute(
            update(login_throttle).where(login_throttle.c.key == counter.key).values(**values)
        )


def _rate_limited(wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    when = f"{seconds} 秒" if seconds < 120 else f"{math.ceil(seconds / 60)} 分钟"
    return ApiError(
        429,
        "rate_limited",
        f"登录失败次数过多，请 {when}后再试",
        headers={"Retry-After": str(seconds)},
    )


# --- login and refresh ------------------------------------------------------------------

_dummy_hashes: dict[tuple[int, int, int], str] = {}


def dummy_hash(settings: Settings) -> str:
    """A hash with the configured parameters, checked for unknown accounts so that they
    cost the same time as known ones (no user enumeration by timing)."""
    p = settings.argon2
    key = (p.time_cost, p.memory_cost, p.parallelism)
    found = _dummy_hashes.get(key)
    if found is None:
        found = _dummy_hashes[key] = password_hasher(settings).hash(secrets.token_hex(16))
    return found


DEVICE_LOST = ApiError(
    403,
    "device_lost",
    "管理员已将本机登记为丢失设备：本机数据将被清除，请联系管理员",
)
PASSWORD_CHANGE_REQUIRED = ApiError(
    403,
    "password_change_required",
    "管理员已重置您的密码，请设置新密码后再登录",
)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A login attempt that was counted: the account row (``None`` if unknown) and the
    counters it used."""

    row: Any
    counters: list[Counter]


def login(
    db: Database, settings: Settings, username: str, password: str, device_id: str, address: str
) -> LoginResponse:
    attempt = login_account(db, settings, username, device_id, address)
    ok = verify_password(settings, attempt.row, password)
    return login_finish(db, settings, attempt, ok, device_id)


# The three steps of a login, so the server runs the password hash (tens of milliseconds
# of CPU, by design) outside the slots reserved for database work: a burst of logins then
# does not hold up the sync requests of devices already logged in.


def login_account(
    db: Database, settings: Settings, username: str, device_id: str, address: str
) -> Attempt:
    """Count the attempt (429 when a counter says wait) and return the account row;
    403 ``device_lost`` for a device an administrator marked lost."""
    with db.write() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
        device = None
        if row is not None:
            device = conn.execute(
                select(devices.c.lost_at).where(
                    devices.c.user_id == row.id, devices.c.device_id == device_id
                )
            ).first()
            if device is not None and device.lost_at is not None:
                raise DEVICE_LOST
        claimed = counters(settings, username, device_id, address, known=device is not None)
        claim_attempt(conn, settings, claimed)
    return Attempt(row, claimed)


def verify_password(settings: Settings, row: Any, password: str) -> bool:
    """Argon2 check; an unknown account costs the same hash (see :func:`dummy_hash`)."""
    hasher = password_hasher(settings)
    try:
        hasher.verify(row.password_hash if row is not None else dummy_hash(settings), password)
        return row is not None
    except (VerificationError, InvalidHashError):
        return False


def login_finish(
    db: Database, settings: Settings, attempt: Attempt, ok: bool, device_id: str
) -> LoginResponse:
    """Refuse wrong credentials (401, the attempt stays counted), a disabled account
    (403), an account whose password an administrator reset (403
    ``password_change_required``), or issue the tokens."""
    row = attempt.row
    if not ok or row is None:
        raise ApiError(401, "invalid_credentials", "用户名或密码错误")
    if row.disabled or row.must_change_password:
        with db.write() as conn:
            release_attempt(conn, attempt.counters)
        if row.disabled:
            raise ApiError(403, "account_disabled", "该账号已被停用，请联系管理员")
        raise PASSWORD_CHANGE_REQUIRED
    return _open_session(db, settings, row, device_id, attempt.counters)


def _open_session(
    db: Database, settings: Settings, row: Any, device_id: str, counters: list[Counter]
) -> LoginResponse:
    """Tokens for a password login on ``device_id`` (remembered as one of the account's
    devices); the attempt's counters are released in the same transaction."""
    now = utcnow()
    with db.write() as conn:
        release_attempt(conn, counters)
        lost = _remember_device(conn, row.id, device_id, now)
        if lost:
            raise DEVICE_LOST
        conn.execute(delete(tokens).where(tokens.c.expires_at < now - timedelta(days=1)))
        conn.execute(
            delete(login_throttle).where(
                login_throttle.c.last_at < now - timedelta(seconds=settings.login_forget_seconds)
            )
        )
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


def _remember_device(conn: Connection, user_id: int, device_id: str, now: datetime) -> bool:
    """Record a login from ``device_id``; True if the device is marked lost."""
    _upsert_ignore(
        conn,
        devices,
        {
            "user_id": user_id,
            "device_id": device_id,
            "first_login_at": now,
            "last_login_at": now,
            "lost_at": None,
            "key_share": None,
        },
        ["user_id", "device_id"],
    )
    row = conn.execute(
        select(devices.c.lost_at)
        .where(devices.c.user_id == user_id, devices.c.device_id == device_id)
        .with_for_update()
    ).one()
    if row.lost_at is not None:
        return True
    conn.execute(
        update(devices)
        .where(devices.c.user_id == user_id, devices.c.device_id == device_id)
        .values(last_login_at=now)
    )
    return False


def _issue(
    conn: Connection,
    settings: Settings,
    user_id: int,
    device_id: str,
    family: str,
    now: datetime,
    method: str = "password",
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
                "method": method,
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
                "method": method,
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
        if _device_lost(conn, found.user_id, device_id):
            raise DEVICE_LOST
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
                conn, settings, found.user_id, device_id, found.family, now, "refresh"
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


def _device_lost(conn: Connection, user_id: int, device_id: str) -> bool:
    lost = conn.execute(
        select(devices.c.lost_at).where(
            devices.c.user_id == user_id, devices.c.device_id == device_id
        )
    ).scalar_one_or_none()
    return lost is not None


def _revoke_device(conn: Connection, user_id: int, device_id: str, now: datetime) -> int:
    revoked: int = conn.execute(
        update(tokens)
        .where(
            tokens.c.user_id == user_id,
            tokens.c.device_id == device_id,
            tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    ).rowcount
    return revoked


def logout(
    db: Database, *, refresh_token: str | None, device_id: str | None, caller: Caller | None
) -> None:
    """End the session of one device: every token of the user on that device is revoked.
    Named by the refresh token (and its device) or by the caller's access token. An
    unknown token is not an error (logging out twice is fine) and says nothing."""
    now = utcnow()
    with db.write() as conn:
        if refresh_token is not None:
            found = conn.execute(
                select(tokens.c.user_id, tokens.c.device_id).where(
                    tokens.c.token_hash == token_hash(refresh_token), tokens.c.kind == "refresh"
                )
            ).first()
            if found is None or found.device_id != device_id:
                return
            user_id, device = found.user_id, found.device_id
        elif caller is not None:
            user_id, device = caller.user_id, caller.device_id
        else:
            return
        _revoke_device(conn, user_id, device, now)
    forget_cached_tokens()


MIN_PASSWORD = 8


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少需要 {MIN_PASSWORD} 个字符")


def set_password(
    db: Database, settings: Settings, username: str, password: str, *, force_change: bool = True
) -> None:
    """An administrator sets a new password: every session of the account ends, and
    (``force_change``) the person must choose their own password at the next login."""
    _check_new_password(password)
    hashed = password_hasher(settings).hash(password)
    now = utcnow()
    with db.write() as conn:
        user_id = conn.execute(
            select(users.c.id).where(users.c.username == username)
        ).scalar_one_or_none()
        if user_id is None:
            raise UserError(f"用户 {username} 不存在")
        conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(
                password_hash=hashed, must_change_password=force_change, password_changed_at=now
            )
        )
        conn.execute(
            update(tokens)
            .where(tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        conn.execute(
            delete(login_throttle).where(login_throttle.c.key == _counter_key("user", username))
        )
    forget_cached_tokens()


def change_password_finish(
    db: Database,
    settings: Settings,
    attempt: Attempt,
    ok: bool,
    new_hash: str | None,
    device_id: str,
) -> LoginResponse:
    """The person changes their own password (required after an administrator reset
    it): the current one must be right (counted like a login). Every other session of
    the account ends; this device gets a new one."""
    row = attempt.row
    if not ok or row is None or new_hash is None:
        raise ApiError(401, "invalid_credentials", "用户名或密码错误")
    now = utcnow()
    if row.disabled:
        with db.write() as conn:
            release_attempt(conn, attempt.counters)
        raise ApiError(403, "account_disabled", "该账号已被停用，请联系管理员")
    with db.write() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(password_hash=new_hash, must_change_password=False, password_changed_at=now)
        )
        conn.execute(
            update(tokens)
            .where(tokens.c.user_id == row.id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        row = conn.execute(select(users).where(users.c.id == row.id)).one()
    forget_cached_tokens()
    return _open_session(db, settings, row, device_id, attempt.counters)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    username: str
    device_id: str
    first_login_at: datetime
    last_login_at: datetime
    lost_at: datetime | None
    has_key_share: bool


def list_devices(db: Database, username: str | None = None) -> list[DeviceInfo]:
    query = (
        select(devices, users.c.username)
        .join(users, users.c.id == devices.c.user_id)
        .order_by(users.c.username, devices.c.last_login_at)
    )
    if username is not None:
        query = query.where(users.c.username == username)
    with db.engine.connect() as conn:
        return [
            DeviceInfo(
                r.username,
                r.device_id,
                r.first_login_at,
                r.last_login_at,
                r.lost_at,
                r.key_share is not None,
            )
            for r in conn.execute(query).all()
        ]


def mark_device_lost(db: Database, username: str, device_id: str) -> int:
    """Its tokens die, its key share is destroyed, and at its next contact (login,
    refresh) the device is told to wipe its local store. Returns the tokens revoked."""
    now = utcnow()
    with db.write() as conn:
        user_id = conn.execute(
            select(users.c.id).where(users.c.username == username)
        ).scalar_one_or_none()
        if user_id is None:
            raise UserError(f"用户 {username} 不存在")
        known = (
            conn.execute(
                select(devices.c.device_id).where(
                    devices.c.user_id == user_id, devices.c.device_id == device_id
                )
            ).first()
            or conn.execute(
                select(tokens.c.device_id)
                .where(tokens.c.user_id == user_id, tokens.c.device_id == device_id)
                .limit(1)
            ).first()
        )
        if known is None:
            raise UserError(
                f"用户 {username} 没有编号为 {device_id} 的设备"
                f"（gridserver devices {username} 可列出设备）"
            )
        _upsert_ignore(
            conn,
            devices,
            {
                "user_id": user_id,
                "device_id": device_id,
                "first_login_at": now,
                "last_login_at": now,
                "lost_at": now,
                "key_share": None,
            },
            ["user_id", "device_id"],
        )
        conn.execute(
            update(devices)
            .where(devices.c.user_id == user_id, devices.c.device_id == device_id)
            .values(lost_at=now, key_share=None)
        )
        revoked = _revoke_device(conn, user_id, device_id, now)
    forget_cached_tokens()
    return revoked


KEY_SHARE_BYTES = 32
KEY_RELEASE_SECONDS = 600
"""A device's key share is released only to an access token issued by a password login
(not a refresh) on that device, at most this long ago."""


def _fresh_password_token(conn: Connection, access_token: str) -> Any:
    row = conn.execute(
        select(
            tokens.c.user_id,
            tokens.c.device_id,
            tokens.c.method,
            tokens.c.issued_at,
            tokens.c.expires_at,
            tokens.c.revoked_at,
        ).where(tokens.c.token_hash == token_hash(access_token), tokens.c.kind == "access")
    ).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise _INVALID_TOKEN
    if row.method != "password" or row.issued_at < now - timedelta(seconds=KEY_RELEASE_SECONDS):
        raise ApiError(403, "password_login_required", "需要使用密码重新登录后才能恢复本机数据")
    return row


def put_device_key(db: Database, access_token: str, key: bytes) -> None:
    """Keep this device's key share (replacing an earlier one)."""
    if len(key) != KEY_SHARE_BYTES:
        raise ApiError(422, "invalid_request", "设备密钥长度错误")
    with db.write() as conn:
        token = _fresh_password_token(conn, access_token)
        if _device_lost(conn, token.user_id, token.device_id):
            raise DEVICE_LOST
        updated = conn.execute(
            update(devices)
            .where(devices.c.user_id == token.user_id, devices.c.device_id == token.device_id)
            .values(key_share=key)
        ).rowcount
        if updated != 1:
            raise ApiError(404, "not_found", "请先使用密码登录本设备")


def get_device_key(db: Database, access_token: str) -> bytes:
    """This device's key share, to a fresh password login on this device only."""
    with db.engine.connect() as conn:
        token = _fresh_password_token(conn, access_token)
        row = conn.execute(
            select(devices.c.key_share, devices.c.lost_at).where(
                devices.c.user_id == token.user_id, devices.c.device_id == token.device_id
            )
        ).first()
    if row is not None and row.lost_at is not None:
        raise DEVICE_LOST
    if row is None or row.key_share is None:
        raise ApiError(404, "not_found", "服务器上没有本设备的恢复密钥")
    return bytes(row.key_share)


def _caller(row: Any, device_id: str) -> Caller:
    return Caller(
        user_id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        scope_area_id=row.scope_area_id,
        device_id=device_id,
        department=row.department,
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
        users.c.department,
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
