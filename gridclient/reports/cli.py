"""Headless commands: ``gridclient report …`` and ``gridclient import …``.

Both unlock the user's store like the other commands (password from
``GRIDCLIENT_PASSWORD`` or asked with getpass) and open
``store_path(data_dir, server, user)``; the default server is the demo's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gridcore.domain.enums import AreaLevel, Role, SpecialGroup

__all__ = ["add_report_commands"]

DEMO_SERVER = "demo.local"
PASSWORD_ENV = "GRIDCLIENT_PASSWORD"

_REPORT_NAMES = {
    "visits": "visits",
    "入户走访登记表": "visits",
    "visit-summary": "visit-summary",
    "网格走访情况汇总表": "visit-summary",
    "event-ledger": "event-ledger",
    "事件台账": "event-ledger",
    "roster": "roster",
    "特殊群体花名册": "roster",
    "event-stats": "event-stats",
    "事件办理统计": "event-stats",
}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _period(kind: str) -> Callable[[str], Any]:
    """``--month``/``--quarter``/``--year``: the text parsed into a report period."""

    def parse(text: str) -> Any:
        from gridclient.reports import periods

        parser = {
            "month": periods.parse_month,
            "quarter": periods.parse_quarter,
            "year": periods.parse_year,
        }[kind]
        try:
            return parser(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = kind
    return parse


def _report_period(args: argparse.Namespace, today: date) -> Any:
    """The period asked for: a whole month, quarter or year, else ``--from``/``--to``
    (default: this month up to today)."""
    from gridclient.reports.data import Period

    whole = args.month or args.quarter or args.year
    if whole is not None:
        if args.start is not None or args.end is not None:
            raise ValueError("--month/--quarter/--year 不能与 --from/--to 同时使用")
        return whole
    return Period(args.start or today.replace(day=1), args.end or today)


def _group(text: str) -> SpecialGroup:
    for group in SpecialGroup:
        if text in (group.value, group.label):
            return group
    choices = "、".join(f"{g.label}({g.value})" for g in SpecialGroup)
    raise argparse.ArgumentTypeError(f"未知的群体：{text}；可选：{choices}")


def _common(parser: argparse.ArgumentParser) -> None:
    """``--data-dir`` and the IT options are the global ones (``gridclient.cli``); this
    ``--server`` also takes the demo's store name ``demo.local``. Default: ``--server``
    given before the sub-command, else the IT settings' server, else the demo's."""
    parser.add_argument("--user", required=True, help="用户名（打开该用户的本地数据）")
    parser.add_argument(
        "--server",
        default=argparse.SUPPRESS,
        help=f"服务器地址（默认：IT 设置中的地址，未设置时为演示数据 {DEMO_SERVER}）",
    )


def add_report_commands(subparsers: Any) -> None:
    """Add ``report`` and ``import`` to the ``gridclient`` sub-command parsers; each sets
    ``handler`` (a function of the parsed arguments returning the exit code)."""
    report = subparsers.add_parser(
        "report",
        help="生成报表（PDF 或 Excel）",
        description="生成报表：" + "、".join(k for k in _REPORT_NAMES if not k.isascii()),
    )
    report.add_argument("name", choices=sorted(_REPORT_NAMES), metavar="NAME", help="报表名称")
    report.add_argument("--area", required=True, help="区域编码或编号（网格、村/社区、乡镇）")
    report.add_argument("--from", dest="start", type=_day, help="开始日期 YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=_day, help="结束日期 YYYY-MM-DD（含当天）")
    whole = report.add_mutually_exclusive_group()
    whole.add_argument(
        "--month", type=_period("month"), help="整月，如 2026-09（代替 --from/--to）"
    )
    whole.add_argument(
        "--quarter", type=_period("quarter"), help="整季度，如 2026Q3（代替 --from/--to）"
    )
    whole.add_argument("--year", type=_period("year"), help="整年，如 2026（代替 --from/--to）")
    output = report.add_mutually_exclusive_group(required=True)
    output.add_argument("--pdf", type=Path, help="输出 PDF 文件")
    output.add_argument("--xlsx", type=Path, help="输出 Excel 文件")
    report.add_argument("--group", type=_group, help="特殊群体（花名册用），如 残疾人 或 disabled")
    report.add_argument("--household", help="入户走访登记表：只列出这一户（户编号）")
    _common(report)
    report.set_defaults(handler=run_report)

    roster = subparsers.add_parser("import", help="导入 Excel 人口花名册")
    roster.add_argument("file", type=Path, metavar="FILE", help="Excel 文件（.xlsx）")
    roster.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    roster.add_argument("--grid", help="导入到哪个网格（编码）；只有一个网格时可省略")
    roster.add_argument("--errors", type=Path, help="错误行输出文件（默认：原文件名_错误行.xlsx）")
    _common(roster)
    roster.set_defaults(handler=run_import)


def _password() -> str:
    from gridclient.cli import ask_password

    return ask_password("密码：")


def _resolve_server(args: argparse.Namespace) -> None:
    """``args.server``: ``--server``, else the IT settings' server, else the demo's."""
    from gridclient.cli import start_command

    _paths, settings = start_command(args)
    args.server = getattr(args, "server", None) or settings.server_url or DEMO_SERVER


def _role(store: Any, server: str, username: str) -> Role:
    """The role printed reports are masked for: the one the server granted at this
    user's last online login (kept in the store). A demo store made without a login
    falls back to the demo account's fixed role; anyone else sees masked numbers."""
    from gridclient.reports.data import stored_role

    role = stored_role(store)
    if role is not None:
        return role
    if server == DEMO_SERVER:
        from gridcore.demo import generate

        for user in generate("S").users:
            if user.username == username:
                return user.role
    return Role.WORKER


def _open_store(args: argparse.Namespace) -> Any:
    from gridclient.config import Paths
    from gridclient.storage import Store
    from gridclient.storage.store import store_path

    paths = Paths.resolve(getattr(args, "data_dir", None))
    path = store_path(paths.data_dir, args.server, args.user)
    if not path.exists():
        raise LookupError(f"找不到用户 {args.user} 在 {args.server} 的本地数据：{path}")
    return Store.open(path, _password())


def _guarded(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from gridclient.cli import lock_data_dir
    from gridclient.config import Paths
    from gridclient.reports.data import AreaNotFound
    from gridclient.reports.importer import ImportCancelled, RosterError
    from gridclient.storage.errors import StorageError

    lock = None
    try:
        _resolve_server(args)
        lock = lock_data_dir(Paths.resolve(getattr(args, "data_dir", None)))
        return run(args)
    except (AreaNotFound, LookupError, RosterError, ImportCancelled, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except StorageError as exc:
        print(f"无法打开本地数据：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，数据未作修改。", file=sys.stderr)
        return 130
    finally:
        if lock is not None:
            lock.release()


def run_report(args: argparse.Namespace) -> int:
    return _guarded(_run_report, args)


def _run_report(args: argparse.Namespace) -> int:
    from gridclient.reports.data import ReportKind, build_report

    kind = ReportKind(_REPORT_NAMES[args.name])
    if kind is ReportKind.ROSTER and args.group is None:
        raise ValueError("特殊群体花名册需要 --group，如 --group 残疾人")
    period = _report_period(args, date.today())
    store = _open_store(args)
    try:
        role = _role(store, args.server, args.user)
        report = build_report(
            store,
            kind,
            args.area,
            period,
            role=role,
            group=args.group,
            household_id=args.household,
        )
    finally:
        store.close()
    if args.pdf is not None:
        from gridclient.reports.render import render_pdf

        pages = render_pdf(report, args.pdf)
        print(f"已生成 {report.full_title}：{args.pdf}（{len(report.rows)} 行，{pages} 页）")
    else:
        from gridclient.reports.excel import write_xlsx

        write_xlsx(report, args.xlsx)
        print(f"已生成 {report.full_title}：{args.xlsx}（{len(report.rows)} 行）")
    return 0


def run_import(args: argparse.Namespace) -> int:
    return _guarded(_run_import, args)


def _run_import(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from gridclient.reports.importer import import_roster, read_roster, write_error_workbook
    from gridclient.storage.engine import read_session
    from gridclient.storage.models import AreaRow

    store = _open_store(args)
    try:
        preview = read_roster(args.file, store)
        print(
            f"表头在第 {'、'.join(map(str, preview.header_rows))} 行；"
            f"可导入 {len(preview.accepted)} 行，有错误 {len(preview.rejected)} 行。"
        )
        for row in preview.rejected[:20]:
            print(f"  第 {row.line} 行：{'；'.join(row.reasons)}")
        if len(preview.rejected) > 20:
            print(f"  ……另有 {len(preview.rejected) - 20} 行有错误，见错误行文件")
        if preview.rejected:
            errors = args.errors or args.file.with_name(f"{args.file.stem}_错误行.xlsx")
            write_error_workbook(preview, errors)
            print(f"错误行及原因已写入：{errors}")
        if args.dry_run:
            print("预览模式（--dry-run）：未写入任何数据。")
            return 0
        with read_session(store.engine) as session:
            statement = select(AreaRow.id, AreaRow.code).where(
                AreaRow.level == AreaLevel.GRID.value, AreaRow.deleted.is_(False)
            )
            grids = {code: grid_id for grid_id, code in session.execute(statement)}
        if args.grid is not None:
            if args.grid not in grids:
                raise LookupError(f"找不到网格：{args.grid}")
            grid_id = grids[args.grid]
        elif len(grids) == 1:
            (grid_id,) = grids.values()
        else:
            raise ValueError("本地数据中有多个网格，请用 --grid 指定导入到哪个网格")

        def progress(done: int, total: int) -> None:
            print(f"\r正在导入 {done}/{total}", end="", file=sys.stderr, flush=True)

        result = import_roster(store, preview, grid_id=grid_id, actor=args.user, progress=progress)
        print(file=sys.stderr)
        print(
            f"导入完成：新建 {result.households_created} 户、{result.residents_created} 人，"
            f"待同步 {result.ops} 条变更。"
        )
        return 0
    finally:
        store.close()
