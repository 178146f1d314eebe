"""The diagnostics bundle ("导出诊断包"): what IT needs when something breaks, and nothing
personal.

A zip with:

* ``README.txt`` — what is in it (Chinese);
* ``versions.json`` — app (and build) version, Python, Qt/PySide6, SQLite/SQLCipher,
  operating system, keyring backend;
* ``settings.json`` — the IT settings in force and the files they came from, with any
  credentials in the server/proxy URL removed, and the directories (home shown as ``~``);
* ``stores.json`` — every local store file: size, modification time, key file present,
  number of backups; and the sync state of the open store (see below);
* ``logs/`` — the log files and crash reports. They are already redacted when written
  (:mod:`gridclient.logsetup`); here every line is redacted **again** with the same
  patterns plus password/secret key-value pairs and the demo password, in case a file was
  written by an older build or by hand.

**Sync-state counts need the unlocked store.** The stores are SQLCipher-encrypted: without
the password not even a count can be read. So the counts (pending, rejected and conflict
ops, conflicts awaiting review, records, last successful sync) are included only when the
bundle is made from the running application ("帮助 → 导出诊断包…"), which passes the open
store; ``gridclient diagnostics`` on the command line never asks for a password and says
in ``stores.json`` that the counts were left out. (``gridclient status`` prints them for
one user when IT has the password.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gridclient import __version__
from gridclient.config import ITSettings, public_settings
from gridclient.logsetup import LOG_NAME, redact

__all__ = [
    "StoreState",
    "add_diagnostics_command",
    "build_bundle",
    "scrub",
    "store_state",
    "versions",
]

#: Secrets written as ``password=…``, ``"token": "…"``, ``密码：…`` (values up to a space,
#: quote or comma).
_SECRET_VALUE = re.compile(
    r"(?i)((?:password|passwd|pwd|secret|refresh_token|access_token|api_key|密码|口令)"
    r"[\"']?\s*[=:：]\s*[\"']?)[^\s\"',;，；]+"
)
_AUTH_HEADER = re.compile(r"(?i)(authorization[\"']?\s*[=:]\s*[\"']?)[^\"'\r\n]+")


def _known_secrets() -> tuple[str, ...]:
    """Secrets this build knows by value: the demo accounts' password (public, but a
    bundle should not teach anyone to look for it)."""
    try:
        from gridcore.demo.generator import DEMO_PASSWORD
    except ImportError:  # pragma: no cover - the generator ships with every build
        return ()
    return (DEMO_PASSWORD,)


def scrub(text: str, *, home: str | None = None) -> str:
    """``logsetup.redact`` (ID numbers, mobiles, bearer tokens) plus secret key-value
    pairs, Authorization headers, known secrets and the user's home directory."""
    text = redact(text)
    text = _SECRET_VALUE.sub(r"\1[redacted]", text)
    text = _AUTH_HEADER.sub(r"\1[redacted]", text)
    for secret in _known_secrets():
        text = text.replace(secret, "[redacted]")
    if home:
        text = text.replace(home, "~")
    return text


def _home() -> str | None:
    home = str(Path.home())
    return home if len(home) > 1 else None


# --------------------------------------------------------------------------- contents


def _sqlcipher_versions() -> dict[str, str]:
    try:
        import sqlcipher3
    except ImportError as exc:
        return {"error": f"sqlcipher3 not importable: {exc}"}
    out = {"sqlite": str(sqlcipher3.sqlite_version)}
    try:
        connection = sqlcipher3.connect(":memory:")
        try:
            row = connection.execute("PRAGMA cipher_version").fetchone()
            out["sqlcipher"] = str(row[0]) if row else "unknown"
        finally:
            connection.close()
    except Exception as exc:
        out["sqlcipher"] = f"unknown ({type(exc).__name__})"
    return out


def _build_info() -> dict[str, Any] | None:
    bundle = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or not bundle:
        return None
    path = Path(bundle) / "build_info.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"error": f"cannot read {path.name}"}
    return info if isinstance(info, dict) else None


def versions() -> dict[str, Any]:
    from gridclient.sync.credentials import describe_backend

    out: dict[str, Any] = {
        "gridclient": __version__,
        "frozen": bool(getattr(sys, "frozen", False)),
        "build": _build_info(),
        "python": sys.version,
        "os": platform.platform(),
        "machine": platform.machine(),
        "sqlcipher": _sqlcipher_versions(),
        "keyring": describe_backend(),
    }
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        out["qt"] = qVersion()
        out["pyside6"] = pyside
    except ImportError as exc:
        out["qt"] = f"not importable: {exc}"
    return out


@dataclass(frozen=True, slots=True)
class StoreState:
    """Counts of one open store; see the module docstring for why only an open one."""

    file: str
    ops: dict[str, int]
    conflicts: int
    records: dict[str, int]
    last_sync_at: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ops": self.ops,
            "conflicts_awaiting_review": self.conflicts,
            "records": self.records,
            "last_sync_at": self.last_sync_at,
        }


def store_state(store: Any) -> StoreState:
    """The sync state of an open :class:`~gridclient.storage.store.Store` (counts only)."""
    with store.read() as repos:
        ops = {str(status): int(n) for status, n in repos.outbox.status_counts().items()}
        conflicts = len(repos.conflicts.entries())
        records = {str(kind): int(n) for kind, n in repos.records.counts().items()}
        last = repos.sync_state.last_sync_at()
    return StoreState(
        file=Path(store.path).name,
        ops=ops,
        conflicts=conflicts,
        records=records,
        last_sync_at=last.isoformat() if last is not None else None,
    )


def _store_files(data_dir: Path) -> list[dict[str, Any]]:
    stores = data_dir / "stores"
    found = []
    for path in sorted(stores.glob("*.db")) if stores.is_dir() else []:
        stat = path.stat()
        backups = path.parent / "backups"
        found.append(
            {
                "file": path.name,
                "bytes": stat.st_size,
                "modified": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
                "key_file": Path(f"{path}.key").exists(),
                "unclean_shutdown": Path(f"{path}-wal").exists(),
                "backups": len(list(backups.glob(f"{path.stem}.rev-*.db")))
                if backups.is_dir()
                else 0,
            }
        )
    return found


def _log_files(log_dir: Path) -> list[Path]:
    if not log_dir.is_dir():
        return []
    names = [p for p in sorted(log_dir.iterdir()) if p.is_file()]
    return [p for p in names if p.name.startswith(LOG_NAME) or p.suffix in (".txt", ".log")]


README = """网格通 GridClient 诊断包

生成时间（UTC）：{created}
生成方式：{origin}

内容：
  versions.json  软件版本、Python/Qt/SQLCipher 版本、操作系统、系统密钥环
  settings.json  生效的 IT 设置及其来源文件（已去除地址中的账号密码）
  stores.json    本机数据文件清单（大小、修改时间、备份数）及同步状态计数
  logs/          运行日志与崩溃报告（已再次脱敏）

本诊断包不含：任何住户、人员、走访、事件数据，身份证号、手机号、密码、令牌。
日志中的身份证号、手机号已打码，令牌与密码已替换为 [redacted]。
同步状态计数（待上传、被拒、冲突、上次同步时间）需要解锁本机数据：
从程序菜单“帮助 → 导出诊断包…”导出时包含；命令行导出时不包含。
"""


def build_bundle(
    out: Path,
    *,
    log_dir: Path,
    data_dir: Path,
    settings: ITSettings,
    states: Iterable[StoreState] | None = None,
) -> Path:
    """Write the bundle to ``out`` (through a temporary file renamed when complete) and
    return its path. ``states``: sync-state counts of the stores the caller has open
    (``None`` from the command line, which cannot unlock them)."""
    home = _home()
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    state_list = list(states) if states is not None else None
    settings_doc = {
        "effective": public_settings(settings),
        "data_dir": str(data_dir),
        "log_dir": str(log_dir),
    }
    stores_doc: dict[str, Any] = {"files": _store_files(data_dir)}
    if state_list is None:
        stores_doc["sync_state"] = None
        stores_doc["sync_state_note"] = (
            "Counts need the unlocked store (SQLCipher); made from the command line, which "
            "never asks for a password. Export from the running app (帮助 → 导出诊断包…) "
            "or run `gridclient status` to see them. / 同步状态计数需要解锁本机数据，"
            "命令行导出时不包含。"
        )
    else:
        stores_doc["sync_state"] = [s.to_json() for s in state_list]
    origin = "命令行 gridclient diagnostics" if state_list is None else "程序菜单"

    def dump(value: object) -> str:
        return scrub(json.dumps(value, ensure_ascii=False, indent=2), home=home)

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(created=created, origin=origin))
        archive.writestr("versions.json", dump(versions()))
        archive.writestr("settings.json", dump(settings_doc))
        archive.writestr("stores.json", dump(stores_doc))
        for path in _log_files(log_dir):
            text = path.read_bytes().decode("utf-8", errors="replace")
            archive.writestr(f"logs/{path.name}", scrub(text, home=home))
    os.replace(partial, out)
    return out


def current_log_dir() -> Path | None:
    """The directory of the application's log file (from its handler), if logging is set up."""
    import logging

    for handler in logging.getLogger().handlers:
        if getattr(handler, "_gridclient", False):
            return Path(getattr(handler, "baseFilename", "")).parent
    return None


def default_bundle_name() -> str:
    return f"gridclient-diagnostics-{datetime.now().strftime('%Y%m%d-%H%M%S')}.zip"


# ------------------------------------------------------------------------------ command


def _command(args: argparse.Namespace) -> int:
    from gridclient.cli import start_command

    paths, settings = start_command(args, ensure=False)
    out = args.out or Path.cwd() / default_bundle_name()
    try:
        build_bundle(out, log_dir=paths.log_dir, data_dir=paths.data_dir, settings=settings)
    except OSError as exc:
        print(f"错误：无法写入诊断包 {out}：{exc}", file=sys.stderr)
        return 1
    print(f"已生成诊断包：{out}")
    return 0


def add_diagnostics_command(commands: Any) -> None:
    parser = commands.add_parser(
        "diagnostics", help="zip logs, versions and settings (no personal data) for IT support"
    )
    parser.add_argument("--out", type=Path, default=None, help="zip file to write")
    parser.set_defaults(handler=_command)
