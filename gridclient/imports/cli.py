"""``gridclient import FILE``: the roster import on the command line (the same checks and
writes as the 导入花名册 dialog)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gridclient.cli import guarded, local_data_options, open_local_store


def add_import_command(subparsers: Any) -> None:
    roster = subparsers.add_parser("import", help="导入 Excel 人口花名册")
    roster.add_argument("file", type=Path, metavar="FILE", help="Excel 文件（.xlsx）")
    roster.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    roster.add_argument(
        "--sheet", help="读取哪个工作表（名称或从1起的序号）；默认读取第一个有花名册表头的工作表"
    )
    roster.add_argument(
        "--accept-warnings",
        action="store_true",
        help="有提示的行（如一户没有户主、没有身份证号）也照常导入",
    )
    roster.add_argument("--grid", help="导入到哪个网格（编码）；只有一个网格时可省略")
    roster.add_argument("--errors", type=Path, help="错误行输出文件（默认：原文件名_错误行.xlsx）")
    local_data_options(roster)
    roster.set_defaults(handler=run_import, locks_data_dir=True)


def run_import(args: argparse.Namespace) -> int:
    return guarded(_run_import, args)


def _run_import(args: argparse.Namespace) -> int:
    from gridclient.imports.roster import import_roster, read_roster, write_error_workbook
    from gridclient.storage.lookups import grid_ids_by_code

    store = open_local_store(args)
    try:
        preview = read_roster(args.file, store, sheet=args.sheet)
        print(
            f"工作表“{preview.sheet}”，表头在第 {'、'.join(map(str, preview.header_rows))} 行；"
            f"可导入 {len(preview.accepted)} 行，有错误 {len(preview.rejected)} 行。"
        )
        if preview.skipped:
            print(f"已跳过表格下方的合计、签字或说明行 {len(preview.skipped)} 行。")
        for row in preview.warned[:20]:
            print(f"  提示，第 {row.line} 行：{'；'.join(row.warnings)}")
        if len(preview.warned) > 20:
            print(f"  ……另有 {len(preview.warned) - 20} 行有提示")
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
        if preview.warned and not args.accept_warnings:
            raise ValueError(
                f"有 {len(preview.warned)} 行有提示，请核对；确认无误后加 --accept-warnings 导入"
            )
        grids = grid_ids_by_code(store.engine)
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
