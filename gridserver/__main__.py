"""``gridserver``: the admin command line (argparse; ``main(argv) -> exit status``)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from gridcore.domain.catalog import CatalogError
from gridcore.domain.departments import DepartmentError
from gridcore.domain.enums import AreaLevel, Role
from gridcore.domain.holidays import HolidayError
from gridserver import admin, auth, clocks, departments, migrate, persons
from gridserver.auth import find_area_id
from gridserver.clientaddr import ProxyConfigError, parse_networks
from gridserver.config import ENV_DATABASE_URL, ENV_SEEDS_DIR, Settings
from gridserver.db import Database, records
from gridserver.reqlog import configure_logging

log = logging.getLogger("gridserver")

KEEP_ALIVE_SECONDS = 75
"""Longer than the usual load balancer idle timeout (60 s), so the proxy, not the server,
closes idle connections and never races a request on a reused one."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,  # so that a subcommand does not reset a value given before it
        help=f"SQLAlchemy URL (default: ${ENV_DATABASE_URL} or a SQLite file in the data dir)",
    )
    parser = argparse.ArgumentParser(
        prog="gridserver", description="GridClient sync server", parents=[common]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", parents=[common], help="create or upgrade the database schema")

    p = sub.add_parser("add-user", parents=[common], help="create an account")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument(
        "--scope",
        "--area",
        metavar="AREA_CODE",
        help="home area code (all areas if omitted; a department account's township)",
    )
    p.add_argument("--display-name", default="")
    p.add_argument(
        "--department", metavar="CODE", help="a department account's department (职能部门)"
    )

    p = sub.add_parser("disable-user", parents=[common], help="refuse an account from now on")
    p.add_argument("name")

    p = sub.add_parser(
        "set-password",
        parents=[common],
        help="set a user's password (they must choose their own at the next login)",
    )
    p.add_argument("name")
    p.add_argument(
        "--no-force-change",
        action="store_true",
        help="do not make the user choose a new password at the next login",
    )

    p = sub.add_parser("devices", parents=[common], help="list the devices users logged in from")
    p.add_argument("name", nargs="?")

    p = sub.add_parser(
        "device-lost",
        parents=[common],
        help="mark a device lost: its tokens die and it wipes its local data at next contact",
    )
    p.add_argument("name")
    p.add_argument("device_id")

    p = sub.add_parser("add-area", parents=[common], help="create an area (top-down)")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--level", required=True, choices=[a.value for a in AreaLevel])
    p.add_argument("--parent", metavar="AREA_CODE")

    p = sub.add_parser(
        "set-issuer",
        parents=[common],
        help="set an area's 填报单位 (the issuing body its reports print), '' to clear",
    )
    p.add_argument("code")
    p.add_argument("issuer")

    p = sub.add_parser("move-area", parents=[common], help="put an area under another parent")
    p.add_argument("code")
    p.add_argument("--parent", required=True, metavar="AREA_CODE")

    p = sub.add_parser(
        "add-department",
        parents=[common],
        help="add or change a department (职能部门) townships dispatch events to",
    )
    p.add_argument("code", help="a short ASCII code, e.g. T1-SFS")
    p.add_argument("name", help="its name, e.g. 东街道司法所")
    p.add_argument(
        "--township", metavar="AREA_CODE", help="its township (every township if omitted)"
    )
    p.add_argument("--inactive", action="store_true", help="no longer offered for dispatch")

    p = sub.add_parser(
        "load-departments", parents=[common], help="add or change departments from a JSON file"
    )
    p.add_argument("file", type=Path)

    sub.add_parser("departments", parents=[common], help="list the departments and accounts")

    p = sub.add_parser("load-catalog", parents=[common], help="load the event catalog (JSON)")
    p.add_argument("file", type=Path)

    p = sub.add_parser(
        "load-holidays",
        parents=[common],
        help="load the holiday calendar (节假日安排, JSON) working-day limits count with",
    )
    p.add_argument("file", type=Path)

    p = sub.add_parser("load-demo", parents=[common], help="load a synthetic demo dataset")
    p.add_argument("--size", required=True, choices=["S", "M", "L"])
    p.add_argument("--seed", type=int, default=1)

    p = sub.add_parser("serve", parents=[common], help="run the HTTP server (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDRESS_OR_CIDR",
        help="a reverse proxy whose X-Forwarded-For is believed (repeatable; "
        "default: $GRIDSERVER_TRUSTED_PROXIES, else none)",
    )
    p.add_argument(
        "--seeds-dir",
        type=Path,
        help="the folder `gridclient seed` writes ready-made stores into, offered to an"
        " office's first download (default: $GRIDSERVER_SEEDS_DIR, else none)",
    )

    p = sub.add_parser("conflicts", parents=[common], help="list or resolve conflicts")
    p.add_argument("--all", action="store_true", help="include resolved conflicts")
    p.add_argument("--resolve", metavar="ID")
    p.add_argument("--keep", choices=["server", "incoming"])

    sub.add_parser(
        "check-values",
        parents=[common],
        help="list stored values that break the field rules (exit status 1 if any)",
    )
    p = sub.add_parser(
        "backup", parents=[common], help="a consistent copy of the database (pg_dump or SQLite)"
    )
    p.add_argument("--out", type=Path, required=True, help="file to write")
    p = sub.add_parser(
        "restore", parents=[common], help="put a backup back (stop the server first)"
    )
    p.add_argument("file", type=Path)

    p = sub.add_parser(
        "ingest-rescue",
        parents=[common],
        help="apply a rescue file written by `gridclient rescue` (password: stdin or "
        "$GRIDSERVER_RESCUE_PASSWORD)",
    )
    p.add_argument("file", type=Path)
    p.add_argument("--user", required=True, help="whose changes they are (the file's user)")

    p = sub.add_parser("audit", parents=[common], help="who changed what, when, from where")
    p.add_argument("--user")
    p.add_argument("--since", help="ISO date or datetime (UTC unless an offset is given)")
    p.add_argument("--limit", type=int, default=1000)

    sub.add_parser(
        "clock-skew", parents=[common], help="devices whose clock is off by more than 10 minutes"
    )

    p = sub.add_parser(
        "duplicates",
        parents=[common],
        help="people registered more than once (the same ID number in several records)",
    )
    p.add_argument("--area", help="only those registered below this area code (a township)")
    p.add_argument(
        "--show-id", action="store_true", help="print full ID numbers (masked by default)"
    )

    p = sub.add_parser(
        "merge-residents",
        parents=[common],
        help="merge a duplicate resident DROP into KEEP (DROP becomes a tombstone)",
    )
    p.add_argument("keep", help="id of the record that stays")
    p.add_argument("drop", help="id of the duplicate record")
    p.add_argument("--reason", default="重复登记", help="why (kept in both records' notes)")
    return parser


def _read_password(name: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"{name} 的密码：")
        if getpass.getpass("再次输入密码：") != first:
            raise auth.UserError("两次输入的密码不一致")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise auth.UserError(f"--since 不是有效的日期时间：{text}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging()
    settings = Settings.from_env(database_url=getattr(args, "database", None))
    db = Database(settings.database_url)
    try:
        return _run(args, settings, db)
    except (auth.UserError, CatalogError, HolidayError, DepartmentError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        log.debug("database error", exc_info=exc)
        print(
            f"数据库错误：{type(exc).__name__}（数据库是否可达？是否已执行 gridserver init？）",
            file=sys.stderr,
        )
        return 1
    finally:
        db.dispose()


def _run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    if args.command in ("init", "serve", "load-demo"):
        _ensure_parent_dir(settings.database_url)
        migrate.upgrade(db)
    if args.command == "init":
        print("数据库已就绪")
    elif args.command == "add-user":
        password = _read_password(args.name)
        user = auth.NewUser(
            args.name, Role(args.role), args.scope, args.display_name, args.department
        )
        auth.add_user(db, settings, user, password)
        print(f"已创建用户 {args.name}（{Role(args.role).label}）")
    elif args.command == "set-password":
        password = _read_password(args.name)
        auth.set_password(db, settings, args.name, password, force_change=not args.no_force_change)
        tail = "" if args.no_force_change else "，用户下次登录时须设置自己的新密码"
        print(f"已为用户 {args.name} 设置新密码，其所有设备的登录已失效{tail}")
    elif args.command == "devices":
        for device in auth.list_devices(db, args.name):
            state = f"已登记丢失 {device.lost_at:%Y-%m-%d %H:%M}" if device.lost_at else "正常"
            share = "有" if device.has_key_share else "无"
            print(
                f"{device.username} {device.device_id} "
                f"首次登录 {device.first_login_at:%Y-%m-%d %H:%M} "
                f"最近登录 {device.last_login_at:%Y-%m-%d %H:%M} 恢复密钥:{share} {state}"
            )
    elif args.command == "device-lost":
        revoked = auth.mark_device_lost(db, args.name, args.device_id)
        print(
            f"已将用户 {args.name} 的设备 {args.device_id} 登记为丢失：撤销 {revoked} 个登录凭证，"
            "该设备下次联网时将清除本机数据"
        )
    elif args.command == "disable-user":
        auth.disable_user(db, args.name)
        print(f"已停用用户 {args.name}")
    elif args.command == "add-area":
        admin.add_area(db, args.code, args.name, AreaLevel(args.level), args.parent)
        print(f"已创建区划 {args.code} {args.name}")
    elif args.command == "set-issuer":
        admin.set_issuer(db, args.code, args.issuer)
        print(f"填报单位已设置：{args.code} → {args.issuer.strip() or '（已清除）'}")
    elif args.command == "move-area":
        admin.move_area(db, args.code, args.parent)
        print(f"已将区划 {args.code} 移至 {args.parent} 之下")
    elif args.command == "add-department":
        found = departments.add_department(
            db, args.code, args.name, args.township, active=not args.inactive
        )
        state = "（已停用）" if not found.active else ""
        print(f"已保存职能部门 {found.code} {found.name}{state}")
    elif args.command == "load-departments":
        try:
            document = json.loads(args.file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise auth.UserError(f"无法读取部门名单文件：{exc}") from None
        listed = departments.load_departments(db, document)
        print(f"已导入部门名单（{len(listed)} 个部门）")
    elif args.command == "departments":
        _print_departments(db)
    elif args.command == "load-catalog":
        try:
            document = json.loads(args.file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise auth.UserError(f"无法读取事项清单文件：{exc}") from None
        loaded = admin.load_catalog(db, document)
        retired = sum(1 for c in loaded if not c.active)
        print(
            f"已导入事项清单（{len(loaded)} 项，其中停用 {retired} 项；"
            f"版本 {loaded.version or '未标注'}，第 {loaded.revision} 次修订）"
        )
    elif args.command == "load-holidays":
        try:
            document = json.loads(args.file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise auth.UserError(f"无法读取节假日安排文件：{exc}") from None
        calendar = admin.load_holidays(db, document)
        years = "、".join(str(y) for y in calendar.years()) or "无"
        print(
            f"已导入节假日安排（{len(calendar.holidays)} 项，年份 {years}；"
            f"版本 {calendar.version or '未标注'}，第 {calendar.revision} 次修订）"
        )
    elif args.command == "load-demo":
        from gridserver.demo import load as load_demo

        load_demo(db, settings, args.size, args.seed)
    elif args.command == "serve":
        if args.trusted_proxy:
            settings = replace(settings, trusted_proxies=tuple(args.trusted_proxy))
        if args.seeds_dir is not None:
            settings = replace(settings, seeds_dir=str(args.seeds_dir))
        try:
            parse_networks(settings.trusted_proxies)
        except ProxyConfigError as exc:
            raise auth.UserError(str(exc)) from None
        _serve(settings, db, args.host, args.port, args.workers)
    elif args.command == "conflicts":
        _conflicts(db, args)
    elif args.command == "check-values":
        return _check_values(db)
    elif args.command == "backup":
        from gridserver.backup import backup

        db.dispose()
        written = backup(settings.database_url, args.out)
        print(f"已备份到 {written}（{written.stat().st_size / 1e6:.1f} MB）")
    elif args.command == "restore":
        from gridserver.backup import restore

        db.dispose()
        restore(settings.database_url, args.file)
        print(f"已从 {args.file} 恢复数据库；请运行 gridserver init（升级到当前版本）后再启动服务")
    elif args.command == "ingest-rescue":
        _ingest_rescue(db, args.file, args.user)
    elif args.command == "audit":
        entries = admin.audit(db, username=args.user, since=_since(args.since), limit=args.limit)
        for e in entries:
            fields = ",".join(e.fields)
            reason = f" ({e.reason})" if e.reason else ""
            print(
                f"{e.received_at:%Y-%m-%d %H:%M:%S}Z {e.username} {e.device_id} "
                f"{e.kind} {e.entity} {e.entity_id} [{fields}] {e.status}{reason}"
            )
    elif args.command == "duplicates":
        _duplicates(db, args.area, show_id=args.show_id)
    elif args.command == "merge-residents":
        try:
            merged = persons.merge_residents(db, args.keep, args.drop, args.reason)
        except persons.MergeError as exc:
            raise auth.UserError(str(exc)) from None
        filled = "、".join(merged.filled) or "无"
        print(
            f"已合并：{merged.drop_id} → {merged.keep_id}（补充的字段：{filled}）；各终端同步后生效"
        )
    elif args.command == "clock-skew":
        devices = clocks.skewed_devices(db)
        if not devices:
            print("没有时钟偏差超过 10 分钟的设备")
        for d in devices:
            minutes = d.offset.total_seconds() / 60
            print(
                f"{d.username} {d.device_id} 时钟{'快' if minutes > 0 else '慢'} "
                f"{abs(minutes):.0f} 分钟（最近一次 {d.seen_at:%Y-%m-%d %H:%M}Z）"
            )
    return 0


def _duplicates(db: Database, area_code: str | None, *, show_id: bool) -> None:
    area_id = None
    if area_code is not None:
        with db.engine.connect() as conn:
            area_id = find_area_id(conn, area_code)
        if area_id is None:
            raise auth.UserError(f"区划代码 {area_code} 不存在")
    count = 0
    for group in persons.duplicates(db, area_id):
        count += 1
        shown = group.id_number if show_id else persons.shown_key(group.id_number)
        print(f"身份证号 {shown}：登记 {len(group.registrations)} 次")
        for r in group.registrations:
            number = f"户号 {r.household_number}，" if r.household_number else ""
            print(f"  {r.resident_id}  {r.name}  {r.grid_name}  {number}{r.address}")
    if count == 0:
        print("没有重复登记的身份证号")
    else:
        print(f"共 {count} 个身份证号重复登记；核实后用 gridserver merge-residents 保留 删除 合并")


def _check_values(db: Database) -> int:
    from gridserver.validation import stored_problems

    found = 0
    for problem in stored_problems(db):
        found += 1
        print(f"{problem.kind} {problem.id} {problem.field}: {problem.message}")
    if found:
        print(
            f"共 {found} 处存储的值不符合字段规则：请在客户端修改这些记录（修改后的值会替换它们）",
            file=sys.stderr,
        )
        return 1
    print("未发现不符合字段规则的值")
    return 0


def _ingest_rescue(db: Database, file: Path, username: str) -> None:
    import os

    from gridcore.domain.entities import CST
    from gridserver.rescue import ingest_rescue

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise auth.UserError(f"无法读取救援文件 {file}：{exc.strerror or exc}") from None
    password = os.environ.get("GRIDSERVER_RESCUE_PASSWORD")
    if not password:
        if sys.stdin.isatty():
            password = getpass.getpass("导出密码：")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    done = ingest_rescue(db, data, password, username)
    counts = "，".join(f"{status} {n}" for status, n in sorted(done.statuses.items()))
    print(
        f"已导入 {done.rescue.username} 的救援文件（{done.rescue.source}，"
        f"{done.rescue.created_at.astimezone(CST):%Y-%m-%d %H:%M} 北京时间）："
        f"{len(done.rescue.ops)} 条修改" + (f"（{counts}）" if counts else "")
    )
    if done.rescue.unreadable:
        print(f"导出时另有 {done.rescue.unreadable} 条记录因文件损坏无法读取")
    for op_id, why in done.rejected:
        print(f"被拒 {op_id}：{why}")


def _conflicts(db: Database, args: argparse.Namespace) -> None:
    if args.resolve:
        if not args.keep:
            raise auth.UserError("处理冲突需要 --keep server 或 --keep incoming")
        admin.resolve_conflict(db, args.resolve, args.keep, "cli")
        print(f"已处理冲突 {args.resolve}（保留 {args.keep}）")
        return
    for c in admin.list_conflicts(db, include_resolved=args.all):
        state = f"已处理:{c.resolution}" if c.resolved else "待处理"
        print(
            f"{c.id} {c.entity} {c.entity_id} 字段={c.field or '(删除后编辑)'} "
            f"服务器值={json.dumps(c.server_value, ensure_ascii=False)}"
            f"（{c.server_user or '导入'}@{c.server_device or '-'}） "
            f"提交值={json.dumps(c.incoming_value, ensure_ascii=False)} "
            f"提交人={c.incoming_user}@{c.incoming_device} {c.created_at:%Y-%m-%d %H:%M} {state}"
        )


def _ensure_parent_dir(url: str) -> None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and url[len(prefix) :] not in ("", ":memory:"):
        Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)


def _serve(settings: Settings, db: Database, host: str, port: int, workers: int) -> None:
    import os

    import uvicorn

    db.dispose()
    if workers > 1:
        # Each worker process builds its own app (and engine) from the environment.
        os.environ[ENV_DATABASE_URL] = settings.database_url
        os.environ["GRIDSERVER_TRUSTED_PROXIES"] = ",".join(settings.trusted_proxies)
        os.environ[ENV_SEEDS_DIR] = settings.seeds_dir
        uvicorn.run(
            "gridserver.app_factory:app",
            host=host,
            port=port,
            workers=workers,
            factory=True,
            log_level="warning",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            proxy_headers=False,  # see gridserver.clientaddr
        )
        return
    from gridserver.app import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        proxy_headers=False,  # see gridserver.clientaddr
    )


def _print_departments(db: Database) -> None:
    with db.engine.connect() as conn:
        listing = departments.all_departments(conn)
        accounts = departments.department_users(conn)
        townships = {
            row.id: f"{row.fields.get('code')} {row.fields.get('name')}"
            for row in conn.execute(
                select(records.c.id, records.c.fields).where(records.c.kind == "area")
            )
            if row.fields.get("level") == "township"
        }
    if not listing:
        print("尚未添加职能部门（add-department 或 load-departments）")
    for item in listing:
        where = (
            "所有乡镇/街道" if item.township_id is None else townships.get(item.township_id, "?")
        )
        state = "启用" if item.active else "停用"
        users = "、".join(accounts.get(item.code, [])) or "无账号"
        print(f"{item.code}\t{item.name}\t{where}\t{state}\t账号：{users}")


if __name__ == "__main__":
    raise SystemExit(main())
