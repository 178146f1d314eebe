"""``gridserver backup`` / ``gridserver restore``: a consistent copy of the server's
database while it runs, and putting one back (with the server stopped).

* PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, while clients sync)
  and ``pg_restore --clean --if-exists --single-transaction`` (all or nothing). The
  PostgreSQL client programs must be on the PATH (Debian: ``postgresql-client``); the
  password, if the URL has one, travels in ``PGPASSWORD``, never on a command line.
* SQLite: the SQLite backup API (a consistent copy while the server runs); restore
  copies the file back.

Both write to ``<file>.partial`` and rename it when complete: an interrupted backup
never looks like a good one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from gridserver.auth import UserError

__all__ = ["backup", "restore"]


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise UserError("内存数据库不能备份")
    return Path(parsed.database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq URL (no driver suffix, no password) and the environment with
    ``PGPASSWORD``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise UserError(f"不支持的数据库：{parsed.get_backend_name()}")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UserError(
            f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian/Ubuntu：apt-get install "
            "postgresql-client，版本不低于服务器）"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.strip()[-2000:]
        raise UserError(f"{what}失败（{command[0]} 退出码 {done.returncode}）：{detail}")


def backup(url: str, out: Path) -> Path:
    """A consistent copy of the database at ``url`` in ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = _sqlite_path(url)
        if source is not None:
            if not source.exists():
                raise UserError(f"数据库文件不存在：{source}")
            with (
                contextlib.closing(sqlite3.connect(source)) as src,
                contextlib.closing(sqlite3.connect(partial)) as copy,
            ):
                src.backup(copy)
        else:
            libpq, env = _libpq(url)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", libpq],
                env,
                "备份",
            )
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out


def restore(url: str, file: Path) -> None:
    """Put the backup ``file`` back into the database at ``url`` (stop the server
    first). PostgreSQL: in one transaction, replacing the objects the dump has."""
    if not file.is_file():
        raise UserError(f"备份文件不存在：{file}")
    target = _sqlite_path(url)
    if target is not None:
        with contextlib.closing(sqlite3.connect(file)) as check:
            try:
                sound = check.execute("PRAGMA quick_check").fetchone() == ("ok",)
            except sqlite3.DatabaseError:
                sound = False
        if not sound:
            raise UserError(f"备份文件已损坏或不是数据库：{file}")
        partial = target.with_name(target.name + ".restoring")
        shutil.copyfile(file, partial)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
        return
    libpq, env = _libpq(url)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={libpq}",
            str(file),
        ],
        env,
        "恢复",
    )
