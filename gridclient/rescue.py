"""``gridclient rescue``: write the unsent changes of a store, damaged or not, to an
encrypted file the server ingests (``gridserver ingest-rescue``).

A store found damaged is moved aside (``<name>.db.corrupt-<time>``, with its key and
-wal/-shm): by default the command reads the user's store if it is there, else the
newest moved-aside copy. The store is opened read-only, never checked, migrated or
written. The pending ops are read in one query; when a damaged page breaks that query
they are read one row at a time on fresh connections, and the rows that cannot be read
are counted, not guessed.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text

from gridclient import __version__
from gridclient.cli import UserError, ask_password, required_server, start_command
from gridclient.storage import keys
from gridclient.storage.engine import create_store_engine, read_session
from gridclient.storage.errors import StorageError
from gridclient.storage.models import OutboxRow, SyncStateRow
from gridclient.storage.repositories import _op
from gridclient.storage.store import store_path
from gridclient.storage.syncmeta import OpStatus, SyncKey
from gridclient.sync.engine import _wire_op
from gridclient.sync.transport import normalise_server_url
from gridcore.protocol import Op
from gridcore.rescue import MIN_PASSWORD, Rescue, RescueFileError, seal_rescue

__all__ = ["add_rescue_command", "find_store", "read_unsent"]

log = logging.getLogger(__name__)

RESCUE_PASSWORD_ENV = "GRIDCLIENT_RESCUE_PASSWORD"
#: Stop the row-by-row scan after this many row ids in a row that hold nothing.
_GAP = 5000


def find_store(data_dir: Path, server: str, user: str) -> Path:
    """The user's store, or the newest copy moved aside as damaged."""
    path = store_path(data_dir, server, user)
    if path.exists():
        return path
    aside = sorted(
        (p for p in path.parent.glob(f"{path.name}.corrupt-*") if p.suffix not in (".key",)),
        key=lambda p: p.stat().st_mtime,
    )
    aside = [p for p in aside if not p.name.endswith(("-wal", "-shm"))]
    if not aside:
        raise UserError(f"找不到用户 {user} 在 {server} 的本机数据：{path}")
    return aside[-1]


def _state(engine: Engine, key: SyncKey) -> Any:
    try:
        with read_session(engine) as session:
            row = session.get(SyncStateRow, key.value)
            return None if row is None else row.value
    except Exception:
        return None


def read_unsent(path: Path, data_key: bytes) -> tuple[list[Op], int, str | None]:
    """The pending ops of the store at ``path`` (seq order), how many outbox rows could
    not be read, and the device id (None if unreadable). Reads only: a ``-wal`` the
    read-only connections had to create (empty) is removed again, so a cleanly closed
    store still looks cleanly closed to the next start and to diagnostics."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    had_wal = wal.exists()
    try:
        return _read_unsent(path, data_key)
    finally:
        if not had_wal and wal.exists() and wal.stat().st_size == 0:
            wal.unlink(missing_ok=True)
            shm.unlink(missing_ok=True)


def _read_unsent(path: Path, data_key: bytes) -> tuple[list[Op], int, str | None]:
    engine = create_store_engine(path, data_key, read_only=True)
    try:
        device = _state(engine, SyncKey.DEVICE_ID)
        try:
            with read_session(engine) as session:
                rows = session.scalars(
                    select(OutboxRow)
                    .where(OutboxRow.status == OpStatus.PENDING.value)
                    .order_by(OutboxRow.seq)
                ).all()
                ops = [_wire_op(_op(row)) for row in rows]
            return ops, 0, device if isinstance(device, str) else None
        except Exception as exc:
            log.warning("rescue: reading the outbox at once failed (%s); row by row", exc)
    finally:
        engine.dispose()
    return (*_row_by_row(path, data_key), device if isinstance(device, str) else None)


def _row_by_row(path: Path, data_key: bytes) -> tuple[list[Op], int]:
    found: list[Op] = []
    unreadable = 0
    engine = create_store_engine(path, data_key, read_only=True)
    try:
        try:
            with engine.connect() as connection:
                top = connection.execute(text("SELECT max(rowid) FROM outbox")).scalar()
        except Exception:
            top = None
        rowid, empty = 0, 0
        while (top is None and empty < _GAP) or (top is not None and rowid < int(top)):
            rowid += 1
            try:
                with read_session(engine) as session:
                    row = session.scalars(
                        select(OutboxRow).where(text("outbox.rowid = :r")).params(r=rowid)
                    ).first()
                    op = None if row is None else _op(row)
            except Exception:
                unreadable += 1
                engine.dispose()  # SQLCipher's codec keeps its error state: start afresh
                engine = create_store_engine(path, data_key, read_only=True)
                continue
            if op is None:
                empty += 1
                continue
            empty = 0
            if op.status is OpStatus.PENDING:
                found.append(_wire_op(op))
    finally:
        engine.dispose()
    found.sort(key=lambda op: op.seq)
    return found, unreadable


def _rescue_password() -> str:
    value = os.environ.get(RESCUE_PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(
            f"请用环境变量 {RESCUE_PASSWORD_ENV} 给出导出密码（至少 {MIN_PASSWORD} 位）"
        )
    first = getpass.getpass(f"设置导出密码（至少 {MIN_PASSWORD} 位，服务器导入时需要）：")
    if getpass.getpass("再次输入导出密码：") != first:
        raise UserError("两次输入的导出密码不一致")
    return first


def _command(args: argparse.Namespace) -> int:
    paths, settings = start_command(args)
    server = normalise_server_url(required_server(settings))
    path = args.store or find_store(paths.data_dir, server, args.user)
    key_path = keys.key_file_for(path)
    if not path.exists() or not key_path.exists():
        raise UserError(f"{path} 或其密钥文件 {key_path.name} 不存在")
    try:
        data_key = keys.unlock(key_path, ask_password(f"{args.user} 的密码（本机数据密码）："))
    except StorageError as exc:
        raise UserError(str(exc)) from None
    ops, unreadable, device = read_unsent(path, data_key)
    rescue = Rescue(
        username=args.user,
        server_url=server,
        device_id=device or f"rescue-{uuid.uuid4()}",
        created_at=datetime.now(UTC),
        client_version=__version__,
        source=path.name,
        ops=ops,
        unreadable=unreadable,
    )
    try:
        sealed = seal_rescue(rescue, _rescue_password())
    except RescueFileError as exc:
        raise UserError(str(exc)) from None
    out: Path = args.out
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(sealed)
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}", 1) from None
    log.info(
        "rescue: %d pending ops of %s written to %s (%d unreadable)",
        len(ops),
        path,
        out,
        unreadable,
    )
    print(f"已导出 {len(ops)} 条未上传的修改到 {out}（来自 {path.name}）")
    if unreadable:
        print(f"另有 {unreadable} 条记录因文件损坏无法读取。", file=sys.stderr)
    print(f"服务器管理员导入：gridserver ingest-rescue {out.name} --user {args.user}")
    return 0


def add_rescue_command(commands: Any) -> None:
    parser = commands.add_parser(
        "rescue",
        help="export the unsent changes of a (damaged) store to an encrypted file for the server",
    )
    parser.add_argument("--user", required=True)
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="the store file (default: the user's, else its newest moved-aside copy)",
    )
    parser.add_argument("--out", type=Path, required=True, help="the rescue file to write")
    parser.set_defaults(handler=_command)
