"""The HTTP API (``/api/v1``).

Bodies are read with an explicit size limit (checked on ``Content-Length`` and while
streaming) and parsed with the protocol models' strict JSON validation, rather than by
FastAPI's body machinery, so an oversized body is refused before it is parsed and the
strict wire rules apply exactly as the client's own models state them. Every error is
an ``ErrorBody`` with a Chinese message; tracebacks stay in the server log.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import logging
import os
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
import orjson
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import insert, literal, select
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from gridcore.domain.catalog import EventCatalog
from gridcore.domain.holidays import default_calendar
from gridcore.protocol import (
    API_PREFIX,
    CLIENT_TIME_HEADER,
    CLIENT_VERSION_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ChangePasswordRequest,
    DeviceKey,
    DirectoryResponse,
    DuplicatesResponse,
    ErrorBody,
    LoginRequest,
    LoginResponse,
    LogoutRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    RefreshRequest,
    SeedOffer,
    kinds_unknown_to,
)
from gridserver import auth, clocks, directory, feed, persons, seeds, sync
from gridserver.clientaddr import client_address, parse_networks
from gridserver.config import Settings, parse_version
from gridserver.db import Database, attachment_blobs, catalog, stored_holidays, utcnow
from gridserver.departments import list_for as department_list
from gridserver.errors import ApiError
from gridserver.references import record_upload, usable_blobs
from gridserver.reqlog import RequestLog
from gridserver.scope import Caller

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_STATUS_CODES = {
    400: ("bad_request", "请求无效"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("body_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请求内容类型不受支持"),
}


def _error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(
        error.body().model_dump(mode="json"), status_code=error.status, headers=error.headers
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit``."""
    too_large = ApiError(
        413, "body_too_large", f"请求内容过大（上限 {limit // 1024} KB），请分批提交"
    )
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise too_large
        except ValueError:
            raise ApiError(400, "bad_request", "Content-Length 无效") from None
    chunks = []
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise too_large
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "client_disconnected", "连接在上传过程中断开") from None
    return b"".join(chunks)


def parse(model: type[M], body: bytes) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise ApiError(400, "malformed_json", "请求内容不是有效的 JSON") from None
        detail: Any = [
            {"loc": [str(p) for p in e["loc"]], "type": e["type"], "msg": e["msg"]}
            for e in errors[:20]
        ]
        raise ApiError(
            422, "invalid_request", "请求格式错误：字段缺失、多余或类型不符", detail=detail
        ) from None


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 409, 413, 422, 426, 429, 503)
}


async def in_db_thread(request: Request, func: Callable[..., T], *args: Any) -> T:
    """Run blocking database work in a worker thread, at most ``db_concurrency`` at a time
    per process: more threads only queue on the GIL and the connection pool, and every
    round trip then waits behind them (latency grows, throughput does not)."""
    state = request.app.state
    if state.limiter is None:
        state.limiter = anyio.CapacityLimiter(state.settings.db_concurrency)
    return await anyio.to_thread.run_sync(functools.partial(func, *args), limiter=state.limiter)


async def in_hash_thread(request: Request, func: Callable[..., T], *args: Any) -> T:
    """Run a password hash in a worker thread, at most one per CPU core at a time per
    process, outside the database slots (see :func:`in_db_thread`): Argon2 releases the
    GIL, so it neither blocks the event loop nor holds up sync requests, and a burst of
    logins queues here instead of running dozens of 19 MiB hashes at once."""
    state = request.app.state
    if state.hash_limiter is None:
        state.hash_limiter = anyio.CapacityLimiter(os.cpu_count() or 1)
    return await anyio.to_thread.run_sync(
        functools.partial(func, *args), limiter=state.hash_limiter
    )


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "请先登录", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def address_of(request: Request) -> str:
    """The client's address (see :mod:`gridserver.clientaddr`: a forwarded address only
    from a configured trusted proxy)."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.getlist("x-forwarded-for")
    return client_address(peer, forwarded, request.app.state.trusted_proxies)


def _decode_key(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "invalid_request", "设备密钥格式错误") from None


async def current_caller(request: Request) -> Caller:
    """The authenticated caller. The token and the account are checked in the database
    unless this process vouched for the token within the last few seconds
    (:class:`gridserver.auth.TokenCache`): then no query and no thread hop."""
    token = bearer_token(request)
    cache: auth.TokenCache = request.app.state.tokens
    cached = cache.get(token)
    if cached is None:
        database: Database = request.app.state.db
        cached = await in_db_thread(request, auth.authenticate, database, token, cache)
    request.state.caller = cached  # for the request log (user and device ids only)
    return cached


async def check_protocol(
    x_grid_protocol: Annotated[str | None, Header(alias=PROTOCOL_HEADER)] = None,
) -> None:
    """``async``: a plain ``def`` dependency runs in the thread pool, a thread round trip
    per sync request for a header comparison."""
    if x_grid_protocol != str(PROTOCOL_VERSION):
        raise ApiError(
            400,
            "unsupported_protocol",
            f"同步协议版本不受支持（需要 {PROTOCOL_HEADER}: {PROTOCOL_VERSION}），请升级客户端",
        )


CallerDep = Annotated[Caller, Depends(current_caller)]


def engine_options(settings: Settings) -> dict[str, Any]:
    """Engine options of a serving process on PostgreSQL (SQLite keeps the defaults).

    * A pool as large as the requests that may use the database at once
      (``db_concurrency``), plus slack for the health check and attachments.
    * No ``pool_pre_ping``: it cost a ``SELECT 1`` round trip on every checkout, two or
      three per sync request. A connection that died (PostgreSQL restarted) fails its
      next request with a 503 instead, which clients retry; SQLAlchemy then recognises
      the disconnect and replaces every pooled connection.
    * psycopg's own statement preparation (after five runs on a connection) is kept:
      preparing on the second run, with or without ``plan_cache_mode =
      force_custom_plan``, measured no better per push and worse per pull (planning the
      pull's recursive scope query every time), see docs/benchmarks.md.
    * JSON columns encoded and decoded with orjson (a push writes some sixty JSON values).
    """
    if settings.database_url.startswith("sqlite"):
        return {}
    return {
        "pool_pre_ping": False,
        "pool_size": settings.db_concurrency + 2,
        "max_overflow": 8,
        "json_serializer": _json_text,
        "json_deserializer": orjson.loads,
    }


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    database = db if db is not None else Database(settings.database_url, **engine_options(settings))
    app = FastAPI(
        title="gridserver",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.db = database
    app.state.settings = settings
    app.state.limiter = None
    app.state.hash_limiter = None
    app.state.tokens = auth.TokenCache()
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    app.add_middleware(RequestLog)
    _install_error_handlers(app)

    router = APIRouter(prefix=API_PREFIX, responses=_ERRORS)

    @router.get("/health")
    def health() -> dict[str, Any]:
        with database.engine.connect() as conn:
            conn.execute(select(literal(1)))
        return {"status": "ok", "protocol": PROTOCOL_VERSION, "server_time": utcnow().isoformat()}

    @router.post(
        "/auth/login", response_model=LoginResponse, openapi_extra=_body_schema(LoginRequest)
    )
    async def login(request: Request) -> LoginResponse:
        body = parse(LoginRequest, await read_body(request, settings.small_body_max_bytes))
        address = address_of(request)
        attempt = await in_db_thread(
            request,
            auth.login_account,
            database,
            settings,
            body.username,
            body.device_id,
            address,
        )
        ok = await in_hash_thread(
            request, auth.verify_password, settings, attempt.row, body.password
        )
        return await in_db_thread(
            request, auth.login_finish, database, settings, attempt, ok, body.device_id
        )

    @router.post(
        "/auth/change-password",
        response_model=LoginResponse,
        openapi_extra=_body_schema(ChangePasswordRequest),
    )
    async def change_password(request: Request) -> LoginResponse:
        """The person sets their own password (after an administrator reset it, the
        login answers 403 ``password_change_required``); counted like a login."""
        body = parse(ChangePasswordRequest, await read_body(request, settings.small_body_max_bytes))
        if body.new_password == body.password:
            raise ApiError(422, "same_password", "新密码不能与当前密码相同", detail=None)
        attempt = await in_db_thread(
            request,
            auth.login_account,
            database,
            settings,
            body.username,
            body.device_id,
            address_of(request),
        )
        ok = await in_hash_thread(
            request, auth.verify_password, settings, attempt.row, body.password
        )
        new_hash = None
        if ok:
            new_hash = await in_hash_thread(
                request, auth.password_hasher(settings).hash, body.new_password
            )
        return await in_db_thread(
            request,
            auth.change_password_finish,
            database,
            settings,
            attempt,
            ok,
            new_hash,
            body.device_id,
        )

    @router.post(
        "/auth/refresh", response_model=LoginResponse, openapi_extra=_body_schema(RefreshRequest)
    )
    async def refresh(request: Request) -> LoginResponse:
        body = parse(RefreshRequest, await read_body(request, settings.small_body_max_bytes))
        return await in_db_thread(
            request, auth.refresh, database, settings, body.refresh_token, body.device_id
        )

    @router.post("/auth/logout", status_code=204, openapi_extra=_body_schema(LogoutRequest))
    async def logout(request: Request) -> Response:
        """End this device's session: its refresh token (and every other token of the
        user on this device) is revoked. Idempotent; an unknown token answers 204 too."""
        raw = await read_body(request, settings.small_body_max_bytes)
        body = parse(LogoutRequest, raw or b"{}")
        caller = None
        if body.refresh_token is None:
            caller = await current_caller(request)
        elif body.device_id is None:
            raise ApiError(422, "invalid_request", "注销时需要同时提供设备编号")
        await in_db_thread(
            request,
            functools.partial(
                auth.logout,
                database,
                refresh_token=body.refresh_token,
                device_id=body.device_id,
                caller=caller,
            ),
        )
        return Response(status_code=204)

    @router.put("/auth/device-key", status_code=204, openapi_extra=_body_schema(DeviceKey))
    async def put_device_key(request: Request) -> Response:
        body = parse(DeviceKey, await read_body(request, settings.small_body_max_bytes))
        key = _decode_key(body.key)
        await in_db_thread(request, auth.put_device_key, database, bearer_token(request), key)
        return Response(status_code=204)

    @router.get("/auth/device-key", response_model=DeviceKey)
    async def get_device_key(request: Request) -> DeviceKey:
        key = await in_db_thread(request, auth.get_device_key, database, bearer_token(request))
        return DeviceKey(key=base64.b64encode(key).decode("ascii"))

    @router.post(
        "/sync/push",
        response_model=PushResponse,
        openapi_extra=_body_schema(PushRequest),
        dependencies=[Depends(check_protocol)],
    )
    async def push(
        request: Request,
        caller: CallerDep,
        client_time: Annotated[str | None, Header(alias=CLIENT_TIME_HEADER)] = None,
        client_version: Annotated[str | None, Header(alias=CLIENT_VERSION_HEADER)] = None,
    ) -> Response:
        body = parse(PushRequest, await read_body(request, settings.push_max_bytes))
        result = await in_db_thread(request, sync.push, database, caller, body)
        result = sync.for_client(result, parse_version(client_version or ""))
        await in_db_thread(
            request, clocks.note_clock, database, caller, clocks.parse_client_time(client_time)
        )
        return Response(result.model_dump_json(), media_type="application/json")

    @router.get("/sync/pull", response_model=PullResponse, dependencies=[Depends(check_protocol)])
    async def pull(
        request: Request,
        caller: CallerDep,
        cursor: Annotated[str, Query(max_length=512)] = "",
        limit: Annotated[int | None, Query(ge=1)] = None,
        client_version: Annotated[str | None, Header(alias=CLIENT_VERSION_HEADER)] = None,
        client_time: Annotated[str | None, Header(alias=CLIENT_TIME_HEADER)] = None,
    ) -> Response:
        await in_db_thread(
            request, clocks.note_clock, database, caller, clocks.parse_client_time(client_time)
        )
        minimum = settings.min_client_version
        if client_version is None or parse_version(client_version) < parse_version(minimum):
            raise ApiError(
                426,
                "client_too_old",
                f"客户端版本过旧（{client_version or '未知'}），"
                f"请升级到 {minimum} 或更高版本后再下载数据；未上传的数据仍可上传",
                detail={"min_client_version": minimum},
            )
        size = min(limit or settings.pull_default_limit, settings.pull_max_limit)
        hidden = kinds_unknown_to(parse_version(client_version))
        body = await in_db_thread(request, feed.pull_json, database, caller, cursor, size, hidden)
        return Response(body, media_type="application/json")

    @router.get("/sync/seed", response_model=SeedOffer, dependencies=[Depends(check_protocol)])
    def get_seed(caller: CallerDep) -> SeedOffer:
        """The newest seed (a ready-made store) of the caller's scope, for a first
        download; 404 ``no_seed`` when there is none (see gridserver.seeds)."""
        return seeds.offer(settings.seeds_dir, caller)

    @router.get("/sync/seed/{generation}")
    def get_seed_file(generation: str, caller: CallerDep) -> FileResponse:
        """The seed's bytes (``Range`` answered with 206, so a broken download resumes),
        only to a caller of its scope."""
        found = seeds.find(settings.seeds_dir, caller, generation)
        if found is None:
            raise ApiError(404, "no_seed", "该初始数据包已不存在或不适用于您的管辖范围")
        return FileResponse(
            found.path,
            media_type="application/octet-stream",
            headers={"Cache-Control": "no-store", "X-Seed-SHA256": found.offer.sha256},
        )

    @router.get("/directory", response_model=DirectoryResponse)
    def get_directory(caller: CallerDep, departments: bool = False) -> DirectoryResponse:
        """Names and roles of the people of the caller's area (see gridserver.directory);
        ``departments=true`` includes department accounts (clients that know the role)."""
        return directory.directory(database, caller, departments=departments)

    @router.get("/residents/duplicates", response_model=DuplicatesResponse)
    def get_duplicates(caller: CallerDep) -> DuplicatesResponse:
        """People registered more than once that concern the caller's area (township
        staff and administrators; see gridserver.persons)."""
        return persons.review(database, caller)

    @router.put("/attachments/{sha256}", status_code=201)
    async def put_attachment(sha256: str, request: Request, caller: CallerDep) -> Response:
        _check_sha(sha256)
        data = await read_body(request, settings.attachment_max_bytes)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ApiError(400, "hash_mismatch", "附件内容与其 SHA-256 不符，请重新上传")
        created = await in_db_thread(request, _store_blob, database, sha256, data, caller)
        return Response(status_code=201 if created else 200)

    @router.get("/attachments/{sha256}")
    def get_attachment(sha256: str, caller: CallerDep) -> Response:
        """The bytes, to whoever may read an attachment record for them (or uploaded them)."""
        blob = _visible_blob(database, caller, sha256, with_data=True)
        if blob is None:
            raise ApiError(404, "not_found", "附件不存在或不在您的管辖范围内")
        return Response(
            bytes(blob.data),
            media_type="application/octet-stream",
            headers={"ETag": f'"{sha256}"', "Cache-Control": "private, max-age=31536000"},
        )

    @router.head("/attachments/{sha256}")
    def head_attachment(sha256: str, caller: CallerDep) -> Response:
        """200 when the caller need not upload these bytes (scoped like GET, so it cannot
        be used to probe for other people's photos)."""
        blob = _visible_blob(database, caller, sha256, with_data=False)
        if blob is None:
            return Response(status_code=404)
        return Response(status_code=200, headers={"X-Attachment-Size": str(blob.size)})

    @router.get(
        "/catalog",
        response_model=None,
        responses={
            200: {"description": "The event catalog; its `ETag` names this version."},
            304: {"description": "Unchanged since the version named in `If-None-Match`."},
        },
    )
    def get_catalog(
        caller: CallerDep,
        if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
    ) -> Response:
        """Fetched on every sync: a client sending the ETag it holds gets an empty 304
        while the catalog is unchanged."""
        with database.engine.connect() as conn:
            document = conn.execute(
                select(catalog.c.document).where(catalog.c.id == 1)
            ).scalar_one_or_none()
        body, etag = catalog_body(document if document is not None else EventCatalog().to_json())
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if if_none_match is not None and etag_matches(if_none_match, etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    @router.get(
        "/holidays",
        response_model=None,
        responses={
            200: {
                "description": "The holiday calendar (节假日安排) working-day limits count "
                "with: the one loaded with `load-holidays`, else the shipped one "
                "(revision 0); its `ETag` names this version."
            },
            304: {"description": "Unchanged since the version named in `If-None-Match`."},
        },
    )
    def get_holidays(
        caller: CallerDep,
        if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
    ) -> Response:
        """Fetched with the catalog on every sync (an empty 304 while unchanged)."""
        with database.engine.connect() as conn:
            calendar = stored_holidays(conn)
        document = (calendar or default_calendar()).to_json()
        body, etag = catalog_body(document)
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if if_none_match is not None and etag_matches(if_none_match, etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    @router.get(
        "/departments",
        response_model=None,
        responses={
            200: {
                "description": "The departments (职能部门) of the caller's townships and the "
                "caller's own department (`mine`); its `ETag` names this version."
            },
            304: {"description": "Unchanged since the version named in `If-None-Match`."},
        },
    )
    def get_departments(
        caller: CallerDep,
        if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
    ) -> Response:
        """Fetched with the catalog on every sync (an empty 304 while unchanged)."""
        listing = department_list(database, caller)
        body, etag = catalog_body(listing.to_json())
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if if_none_match is not None and etag_matches(if_none_match, etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    app.include_router(router)
    _install_openapi(app)
    return app


def catalog_body(document: dict[str, Any]) -> tuple[bytes, str]:
    """The catalog's JSON body (keys sorted, so equal documents give equal bytes) and its
    strong ETag, a digest of those bytes."""
    body = orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 ``If-None-Match``: ``*`` or a list of tags, compared weakly."""
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def _check_sha(sha256: str) -> None:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ApiError(400, "bad_request", "附件标识必须是小写的 SHA-256 十六进制串")


def _visible_blob(db: Database, caller: Caller, sha256: str, *, with_data: bool) -> Any:
    """The blob (size, and bytes if ``with_data``) if ``caller`` uploaded it or may read
    an attachment record for it; ``None`` otherwise, exactly as if it did not exist."""
    _check_sha(sha256)
    with db.engine.connect() as conn:
        if sha256 not in usable_blobs(conn, caller, [sha256]):
            return None
        columns = [attachment_blobs.c.size]
        if with_data:
            columns.append(attachment_blobs.c.data)
        return conn.execute(select(*columns).where(attachment_blobs.c.sha256 == sha256)).first()


def _store_blob(db: Database, sha256: str, data: bytes, caller: Caller) -> bool:
    """Store the bytes (once) and record ``caller`` as one who holds them; True when
    they were new *for this caller* (so the answer says nothing about other people's
    uploads)."""
    with db.write() as conn:
        exists = conn.execute(
            select(attachment_blobs.c.sha256).where(attachment_blobs.c.sha256 == sha256)
        ).first()
        if exists is None:
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(attachment_blobs).values(
                            sha256=sha256,
                            size=len(data),
                            data=data,
                            uploaded_by=caller.user_id,
                            uploaded_at=utcnow(),
                        )
                    )
            except IntegrityError:
                pass  # uploaded concurrently by someone else: same bytes, same hash
        try:
            with conn.begin_nested():
                return record_upload(conn, caller, sha256)
        except IntegrityError:
            return False  # the same caller uploading twice at once


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_CODES.get(exc.status_code, ("http_error", "请求失败"))
        headers = dict(exc.headers) if exc.headers else None
        return _error_response(ApiError(exc.status_code, code, message, headers=headers))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail: Any = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type", "")}
            for e in exc.errors()[:20]
        ]
        return _error_response(ApiError(422, "invalid_request", "请求参数错误", detail=detail))

    @app.exception_handler(OperationalError)
    async def database_busy(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.orig)
        return _error_response(
            ApiError(503, "busy", "服务器繁忙，请稍后重试", headers={"Retry-After": "5"})
        )

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _error_response(ApiError(500, "internal_error", "服务器内部错误，请稍后重试"))


def _install_openapi(app: FastAPI) -> None:
    """Add the request models (parsed by hand, see the module docstring) to the schema."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (
            LoginRequest,
            RefreshRequest,
            PushRequest,
            LogoutRequest,
            ChangePasswordRequest,
            DeviceKey,
        ):
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(model_schema.pop("$defs", {}))
            components[model.__name__] = model_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
