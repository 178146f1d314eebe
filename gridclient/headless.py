"""Headless commands for IT staff and scripts: ``gridclient sync``, ``gridclient status``
and ``gridclient seed``.

No Qt here (both commands hold the data directory's lock, taken by ``gridclient``'s
dispatcher: see :mod:`gridclient.instance`, so neither runs beside the window on the
same data).
Headless runs authenticate with the password each time (``GRIDCLIENT_PASSWORD``
or a prompt) and keep no refresh token, so a script never leaves a session in the
keyring of a shared machine.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from gridclient import __version__
from gridclient.cli import PASSWORD_ENV, ask_password, required_server, start_command
from gridclient.config import ITSettings, Paths
from gridclient.storage import seed
from gridclient.storage.errors import StorageError
from gridclient.storage.store import IntegrityCheck, Store, store_path
from gridclient.storage.syncmeta import OpStatus, SyncKey
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.errors import DeviceLost, SyncError
from gridclient.sync.session import UserSession, log_in
from gridclient.sync.transport import Transport, normalise_server_url
from gridcore.domain.clock import DeviceClock, clock_warning_zh
from gridcore.domain.entities import CST
from gridcore.domain.enums import EntityKind
from gridcore.protocol import SeedOffer

__all__ = ["PASSWORD_ENV", "add_commands", "run_command"]

log = logging.getLogger(__name__)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sync`` and ``status`` to the command line's sub-commands (``--server``,
    ``--data-dir`` and the other global options are added to every sub-command by
    ``gridclient.__main__``)."""
    p = sub.add_parser("sync", help="push local changes and pull the server's (headless)")
    p.set_defaults(handler=run_command, locks_data_dir=True)
    p.add_argument("--user", required=True)
    p.add_argument("--batch-size", type=int, default=200, help=argparse.SUPPRESS)
    p.add_argument("--page-size", type=int, default=2000, help=argparse.SUPPRESS)
    p.add_argument("--progress", action="store_true", help="print progress lines to stderr")
    p.add_argument(
        "--no-seed",
        action="store_true",
        help="a first download fetches rows even when the server offers a seed",
    )
    p = sub.add_parser(
        "seed",
        help="make a seed: this user's whole scope as one file that an office's first"
        " download starts from (IT, on the server host; docs/first-download.md)",
    )
    p.set_defaults(handler=run_command, locks_data_dir=True)
    p.add_argument("--user", required=True, help="a service account of the office's role and scope")
    p.add_argument("--out", type=Path, required=True, help="the server's --seeds-dir")
    p.add_argument(
        "--keep", type=int, default=2, help="seeds of this scope kept, newest first (default 2)"
    )
    p.add_argument("--progress", action="store_true", help="print progress lines to stderr")
    p = sub.add_parser("status", help="local records, outbox and conflicts of a user")
    p.set_defaults(handler=run_command, locks_data_dir=True)
    p.add_argument("--user", required=True)


def _password(username: str) -> str:
    return ask_password(f"{username} 的密码：")


def _server(settings: ITSettings) -> str:
    return normalise_server_url(required_server(settings))


def run_command(args: argparse.Namespace) -> int:
    paths, settings = start_command(args)
    try:
        if args.command == "sync":
            return _sync(args, paths, settings)
        if args.command == "seed":
            return _seed(args, paths, settings)
        return _status(args, paths, settings)
    except (SyncError, StorageError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


def _synced(
    args: argparse.Namespace, paths: Paths, settings: ITSettings, **options: Any
) -> tuple[UserSession, SyncReport]:
    """Log in with the password and run one sync (``options`` for the engine); the
    caller closes the session. A device marked lost between the login and the sync
    pushed nothing: its store is wiped and ``DeviceLost`` raised."""
    factory = partial(Transport, ca_bundle=settings.ca_bundle or None, proxy=settings.proxy or None)
    session = log_in(
        paths.data_dir,
        _server(settings),
        args.user,
        _password(args.user),
        MemoryTokenStore(),
        transport_factory=factory,
    )
    try:
        engine = SyncEngine(
            session.store,
            session.transport,
            fetch_catalog=True,
            progress=_print_progress if args.progress else None,
            **options,
        )
        report = engine.run()
    except BaseException:
        session.close()
        raise
    lost = next((e for e in report.errors if isinstance(e, DeviceLost)), None)
    if lost is not None:
        session.wipe()
        raise lost
    return session, report


def _sync(args: argparse.Namespace, paths: Paths, settings: ITSettings) -> int:
    session, report = _synced(
        args,
        paths,
        settings,
        batch_size=args.batch_size,
        page_size=args.page_size,
        use_seed=not args.no_seed,
    )
    session.close()
    print(report.summary_zh())
    return 0 if report.ok else 1


def _seed(args: argparse.Namespace, paths: Paths, settings: ITSettings) -> int:
    """Sync the service account's store (rows, never a seed), then write it out as a new
    seed generation with its manifest (last, so the server never offers a half-written
    seed), and drop this scope's generations beyond ``--keep``."""
    if args.keep < 1:
        print("错误：--keep 至少为 1", file=sys.stderr)
        return 2
    session, report = _synced(args, paths, settings, use_seed=False)
    try:
        if not report.ok:
            print(report.summary_zh())
            print("错误：同步未完成，未生成初始数据包", file=sys.stderr)
            return 1
        profile = session.profile
        scope = "all"
        if profile is not None:
            scope = f"{profile.role.value}-{profile.scope.area_code or 'all'}"
        generation = seed.generation_name(scope)
        exported = seed.export(session.store.engine, args.out, generation)
    finally:
        session.close()
    offer = SeedOffer(
        generation=generation,
        size=exported.size,
        sha256=exported.sha256,
        cursor=exported.cursor,
        revision=exported.revision,
        key=exported.key.hex(),
        made_at=datetime.now(UTC),
        records=exported.records,
        client_version=__version__,
    )
    manifest = args.out / f"{generation}.json"
    part = args.out / f".{generation}.json.part"
    part.touch(mode=0o600)
    part.write_text(offer.model_dump_json(indent=1), encoding="utf-8")
    os.replace(part, manifest)
    dropped = _prune(args.out, seed.generation_prefix(scope), args.keep)
    print(
        f"初始数据包 {generation} 已生成：{exported.records} 条记录，"
        f"{exported.size / 1e6:.1f} MB；删除旧包 {dropped} 个"
    )
    return 0


def _prune(folder: Path, prefix: str, keep: int) -> int:
    """Drop the seeds named ``prefix…`` beyond the ``keep`` newest (manifest first, so
    the server stops offering one before its file goes)."""
    manifests = sorted(folder.glob(f"{prefix}*.json"))
    old = manifests[:-keep]
    for manifest in old:
        manifest.unlink(missing_ok=True)
        manifest.with_suffix(".gcseed").unlink(missing_ok=True)
    return len(old)


def _print_progress(phase: str, done: int, total: int) -> None:
    print(f"progress {phase} {done}/{total}", file=sys.stderr, flush=True)


def _status(args: argparse.Namespace, paths: Paths, settings: ITSettings) -> int:
    server = _server(settings)
    path = store_path(paths.data_dir, server, args.user)
    store = Store.open(path, _password(args.user), integrity=IntegrityCheck.AFTER_CRASH)
    with store, store.read() as repos:
        counts = repos.records.counts()
        ops = repos.outbox.status_counts()
        conflicts = len(repos.conflicts.entries())
        last = repos.sync_state.last_sync_at()
        held = repos.held.entries()
        clock = DeviceClock.from_json(repos.sync_state.get(SyncKey.CLOCK))
    lines: list[str] = [f"用户 {args.user} @ {server}"]
    lines.append("本机记录：" + "，".join(f"{k.label} {n}" for k, n in counts.items()))
    lines.append(f"待上传 {ops[OpStatus.PENDING]} 条，被拒 {ops[OpStatus.REJECTED]} 条")
    lines.append(f"待处理冲突 {conflicts} 条")
    if held:
        lines.append(f"无法保存在本机的记录 {len(held)} 条（服务器修正后会自动替换）：")
        lines.extend(
            f"  {_kind_name(h.kind)} {h.id}（版本 {h.version}）：{h.reason}" for h in held[:20]
        )
    if clock.skewed:
        lines.append(clock_warning_zh(clock.offset))
    when = f"{last.astimezone(CST):%Y-%m-%d %H:%M:%S}（北京时间）" if last else "从未"
    lines.append(f"上次成功同步：{when}")
    print("\n".join(lines))
    return 0


def _kind_name(value: str) -> str:
    try:
        return EntityKind(value).label
    except ValueError:
        return value
