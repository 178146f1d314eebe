"""Headless commands: ``gridclient report …`` and ``gridclient import …``.

Both unlock the user's store like the other commands (password from
``GRIDCLIENT_PASSWORD`` or asked with getpass) and open
``store_path(data_dir, server, user)``; the default server is the demo's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gridclient.cli import DEMO_SERVER, guarded, local_data_options, open_local_store
from gridcore.domain.enums import EventSource, Ledger, PlaceKind, Role, SpecialGroup

__all__ = ["add_report_commands"]


_REPORT_NAMES = {
    "visits": "visits",
    "入户走访登记表": "visits",
    "visit-summary": "visit-summary",
    "网格走访情况汇总表": "visit-summary",
    "event-ledger": "event-ledger",
    "事件台账": "event-ledger",
    "roster": "roster",
    "特殊群体花名册": "roster",
    "household-roster": "household-roster",
    "重点户花名册": "household-roster",
    "organizations": "organizations",
    "patrols": "patrols",
    "巡查日志": "patrols",
    "组织名册": "organizations",
    "places": "places",
    "场所名册": "places",
    "micro-grids": "micro-grids",
    "微网格联户名册": "micro-grids",
    "cadres": "cadres",
    "包户名册": "cadres",
    "event-stats": "event-stats",
    "事件办理统计": "event-stats",
    "mediations": "mediations",
    "矛盾纠纷调解台账": "mediations",
    "调解台账": "mediations",
    "monitoring": "monitoring",
    "防返贫监测台账": "monitoring",
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


def _ledger(text: str) -> Ledger:
    for ledger in Ledger:
        if text in (ledger.value, ledger.label, f"{ledger.label}账"):
            return ledger
    choices = "、".join(f"{x.label}({x.value})" for x in Ledger)
    raise argparse.ArgumentTypeError(f"未知的台账：{text}；可选：{choices}")


def _source(text: str) -> EventSource:
    for source in EventSource:
        if text in (source.value, source.label):
            return source
    choices = "、".join(f"{x.label}({x.value})" for x in EventSource)
    raise argparse.ArgumentTypeError(f"未知的事件来源：{text}；可选：{choices}")


def _state_names() -> list[str]:
    from gridclient.reports.data import EventStateFilter

    return [f.label for f in EventStateFilter]


class _StateNames:
    """The state filters' names, for a help text (``%`` formats it when shown)."""

    def __str__(self) -> str:
        return "、".join(_state_names())


def _place_kind(text: str) -> PlaceKind:
    for kind in PlaceKind:
        if text in (kind.value, kind.label) or text in kind.label.split("/"):
            return kind
    choices = "、".join(f"{k.label}({k.value})" for k in PlaceKind)
    raise argparse.ArgumentTypeError(f"未知的场所类别：{text}；可选：{choices}")


def _state(text: str) -> Any:
    from gridclient.reports.data import EventStateFilter

    for choice in EventStateFilter:
        if text in (choice.value, choice.label):
            return choice
    raise argparse.ArgumentTypeError(f"未知的状态：{text}；可选：{'、'.join(_state_names())}")


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
    whole.add_argument("--month", type=_period("month"), help="整月，如 2026-09（代替起止日期）")
    whole.add_argument(
        "--quarter", type=_period("quarter"), help="整季度，如 2026Q3（代替 --from/--to）"
    )
    whole.add_argument("--year", type=_period("year"), help="整年，如 2026（代替 --from/--to）")
    output = report.add_mutually_exclusive_group(required=True)
    output.add_argument("--pdf", type=Path, help="输出 PDF 文件")
    output.add_argument("--xlsx", type=Path, help="输出 Excel 文件")
    report.add_argument("--group", type=_group, help="特殊群体（花名册用），如 残疾人 或 disabled")
    report.add_argument(
        "--place-kind",
        type=_place_kind,
        help="场所类别（场所名册用，默认全部），如 出租房屋 或 rental_housing",
    )
    report.add_argument(
        "--program",
        help="重点户花名册：哪一类户，如 低保户、特困供养户、防返贫监测户、党员中心户",
    )
    report.add_argument("--household", help="入户走访登记表：只列出这一户（户号，或住户编号）")
    report.add_argument(
        "--masked",
        action="store_true",
        help="脱敏导出：身份证号码和电话号码一律打码（用于向上报送），不论角色",
    )
    report.add_argument(
        "--ledger",
        type=_ledger,
        help="事件台账/统计：只列一本账（意见建议、利益诉求、投诉举报）",
    )
    report.add_argument("--category", help="事件台账/统计：只列一个事项（编码或名称）")
    report.add_argument(
        "--source",
        type=_source,
        help="事件台账/统计：只列一种来源（" + "、".join(s.label for s in EventSource) + "）",
    )
    state = report.add_argument(
        "--state",
        type=_state,
        help="事件台账/统计：按状态（%(state_names)s）",
    )
    # Named when help is printed: building the parser must not import the report
    # module (every command builds it, ``gridclient sync`` too).
    state.state_names = _StateNames()
    report.add_argument(
        "--overdue",
        action="store_true",
        help="事件台账/统计：只列超期的（与 --state 未办结 合用即超期未办结清单）",
    )
    local_data_options(report)
    report.set_defaults(handler=run_report, locks_data_dir=True)


def _role(store: Any, server: str, username: str) -> Role:
    """The role printed reports are masked for: the one the server granted at this
    user's last online login (kept in the store). A demo store made without a login
    falls back to the demo account's fixed role; anyone else sees masked numbers."""
    from gridclient.reports.data import stored_role

    role = stored_role(store)
    if role is not None:
        return role
    if server == DEMO_SERVER:
        from gridcore.demo import demo_role

        return demo_role(username) or Role.WORKER
    return Role.WORKER


def run_report(args: argparse.Namespace) -> int:
    return guarded(_run_report, args)


def _run_report(args: argparse.Namespace) -> int:
    from gridclient.reports.data import EventFilter, EventStateFilter, ReportKind, build_report

    kind = ReportKind(_REPORT_NAMES[args.name])
    if kind is ReportKind.ROSTER and args.group is None:
        raise ValueError("特殊群体花名册需要 --group，如 --group 残疾人")
    if kind is ReportKind.HOUSEHOLD_ROSTER:
        from gridcore.domain.programs import program_tags

        if args.program is None:
            raise ValueError("重点户花名册需要 --program，如 --program 低保户")
        program_tags(args.program)  # an unknown one is refused before the store opens
    if args.place_kind is not None and kind is not ReportKind.PLACE_ROSTER:
        raise ValueError("--place-kind 只用于场所名册")
    which = EventFilter(
        ledger=args.ledger,
        category=args.category,
        state=args.state or EventStateFilter.ALL,
        overdue=args.overdue,
        source=args.source,
    )
    if not which.is_all and kind not in (ReportKind.EVENT_LEDGER, ReportKind.EVENT_STATS):
        raise ValueError(
            "--ledger、--category、--state、--overdue、--source 只用于事件台账和事件办理统计"
        )
    period = _report_period(args, date.today())
    store = open_local_store(args)
    try:
        role = _role(store, args.server, args.user)
        report = build_report(
            store,
            kind,
            args.area,
            period,
            role=role,
            group=args.group,
            program=args.program,
            place_kind=args.place_kind,
            household_id=args.household,
            masked=args.masked,
            which=which,
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
