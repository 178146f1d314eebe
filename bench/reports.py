"""Reports and roster import on an M township (~30 grids, ~10,000 households, ~100,000
visits, ~20,000 events) in an encrypted store.

    python bench/reports.py --repeat 3

Measured (median of the repeats):

* 网格走访情况汇总表 (visit summary) of the township for the last full month → PDF;
* 事件台账 (event ledger) of the township for the same month → PDF;
* import of a 10,000-row roster (.xlsx built here: ~3,300 households of three people,
  valid unique ID numbers, mixed date formats): read + validate (including the check
  against the store's residents) and the write through one unit of work.

Each figure is split into its parts (data / PDF, read / write). Targets: each report
≤ 3 s, the import ≤ 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from openpyxl import Workbook

from gridclient.demo import generate
from gridclient.demo.local import load_dataset
from gridclient.domain.enums import AreaLevel, EntityKind
from gridclient.domain.idnumber import check_character
from gridclient.reports.data import Period, ReportKind, build_report
from gridclient.reports.importer import import_roster, read_roster
from gridclient.reports.render import render_pdf
from gridclient.storage import Store, keys

CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
PASSWORD = "bench-password"


def roster_workbook(path: Path, rows: int, offset: int) -> None:
    # A normal workbook, so strings are shared as Excel writes them (write-only mode
    # writes inline strings, which openpyxl reads several times slower).
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["导入测试花名册"])
    sheet.append(
        [
            "序号",
            "姓名",
            "公民身份号码",
            "性别",
            "与户主关系",
            "联系电话",
            "户号",
            "现住址",
            "出生日期",
        ]
    )
    relations = ("户主", "配偶", "子")
    for n in range(rows):
        serial = offset + n
        birth = date(1950, 1, 1) + timedelta(days=(serial * 37) % 20000)
        male = n % 3 != 1
        seq = (serial % 500) * 2 + (1 if male else 0)
        first17 = f"{990000 + serial // 500 % 9999:06d}{birth:%Y%m%d}{seq:03d}"
        formats = (
            birth.isoformat(),
            f"{birth:%Y/%m/%d}",
            f"{birth.year}年{birth.month}月{birth.day}日",
        )
        household = serial // 3
        sheet.append(
            [
                n + 1,
                f"测试{serial}",
                first17 + check_character(first17),
                "男" if male else "女",
                relations[n % 3],
                f"139{serial % 100000000:08d}",
                f"B{household}",
                f"测试村{household}号",
                formats[n % 3],
            ]
        )
    workbook.save(path)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    dataset = generate("M")
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    store = Store.create(folder / "m.db", PASSWORD, username="township01", kdf=CHEAP_KDF)
    load_dataset(store, dataset)
    counts = {k.value: v for k, v in store_counts(store).items() if v}
    print(f"M township loaded in {time.perf_counter() - t0:.1f} s: {counts}")

    township = next(a for a in dataset.areas if a.level is AreaLevel.TOWNSHIP)
    today = date.today()
    end = today.replace(day=1) - timedelta(days=1)
    period = Period(end.replace(day=1), end)
    print(f"area {township.code} {township.name}, period {period.text}")

    for kind in (ReportKind.VISIT_SUMMARY, ReportKind.EVENT_LEDGER):
        data_times, pdf_times, totals = [], [], []
        for i in range(args.repeat):
            out = folder / f"{kind.value}-{i}.pdf"
            start = time.perf_counter()
            report = build_report(store, kind, township.code, period)
            middle = time.perf_counter()
            pages = render_pdf(report, out)
            finish = time.perf_counter()
            data_times.append(middle - start)
            pdf_times.append(finish - middle)
            totals.append(finish - start)
        print(
            f"{kind.chinese}: {len(report.rows)} rows, {pages} pages: "
            f"total {statistics.median(totals):.2f} s "
            f"(data {statistics.median(data_times):.2f} s, "
            f"PDF {statistics.median(pdf_times):.2f} s)"
        )

    grid = next(a for a in dataset.areas if a.level is AreaLevel.GRID)
    read_times, write_times, totals = [], [], []
    for i in range(args.repeat):
        path = folder / f"roster-{i}.xlsx"
        roster_workbook(path, args.rows, offset=i * args.rows)
        start = time.perf_counter()
        preview = read_roster(path, store)
        middle = time.perf_counter()
        result = import_roster(store, preview, grid_id=grid.id, actor="township01")
        finish = time.perf_counter()
        assert len(preview.accepted) == args.rows, preview.rejected[:3]
        read_times.append(middle - start)
        write_times.append(finish - middle)
        totals.append(finish - start)
    print(
        f"import {args.rows} rows ({result.households_created} households, {result.ops} ops): "
        f"total {statistics.median(totals):.2f} s (read+validate "
        f"{statistics.median(read_times):.2f} s, write {statistics.median(write_times):.2f} s)"
    )
    store.close()
    return 0


def store_counts(store: Store) -> dict[EntityKind, int]:
    with store.read() as repos:
        return repos.records.counts()


if __name__ == "__main__":
    sys.exit(main())
