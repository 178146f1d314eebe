"""Reports and roster import on an M township (~30 grids, ~10,000 households, ~100,000
visits, ~20,000 events) in an encrypted store.

    python bench/reports.py --repeat 3 [--cache /tmp/bench-m] [--only ledger]

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
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from openpyxl import Workbook

from gridclient.demo.local import load_dataset
from gridclient.imports.roster import import_roster, read_roster
from gridclient.reports.data import Period, ReportKind, build_report
from gridclient.reports.render import render_pdf
from gridclient.storage import Store, keys
from gridclient.storage.keys import key_file_for
from gridclient.storage.store import IntegrityCheck
from gridcore.demo import generate
from gridcore.demo.generator import Dataset
from gridcore.domain.enums import AreaLevel, EntityKind
from gridcore.domain.idnumber import check_character

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


class Clock:
    """Wall-clock and CPU time (``time.process_time``: all threads of this process) of
    one step; CPU time is what to compare on a shared, busy machine."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out


def _median(pairs: list[tuple[float, float]]) -> str:
    wall = statistics.median(p[0] for p in pairs)
    cpu = statistics.median(p[1] for p in pairs)
    return f"{wall:.2f} s wall / {cpu:.2f} s CPU"


def _open_m(cache: Path | None) -> tuple[Store, Path, Dataset]:
    """The M township store: loaded once into ``cache`` (kept between runs) or into a
    temporary folder."""
    dataset = generate("M")
    folder = cache if cache is not None else Path(tempfile.mkdtemp(prefix="bench-reports-"))
    path = folder / "m.db"
    if path.exists():
        store = Store.open(path, PASSWORD, integrity=IntegrityCheck.AFTER_CRASH)
        print(f"M township reused from {path}")
        return store, path, dataset
    t0 = time.perf_counter()
    store = Store.create(path, PASSWORD, username="township01", kdf=CHEAP_KDF)
    load_dataset(store, dataset)
    counts = {k.value: v for k, v in store_counts(store).items() if v}
    print(f"M township loaded in {time.perf_counter() - t0:.1f} s: {counts}")
    return store, path, dataset


def _copy_store(path: Path, target: Path) -> Store:
    """A private copy of the store (database and key file) for one import run."""
    shutil.copyfile(path, target)
    shutil.copyfile(key_file_for(path), key_file_for(target))
    return Store.open(target, PASSWORD, integrity=IntegrityCheck.AFTER_CRASH)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--cache", type=Path, help="folder to keep the loaded M store in between runs"
    )
    parser.add_argument(
        "--only",
        choices=("summary", "ledger", "import"),
        action="append",
        help="run only these measures (repeatable)",
    )
    args = parser.parse_args()
    only = set(args.only or ("summary", "ledger", "import"))
    if args.cache is not None:
        args.cache.mkdir(parents=True, exist_ok=True)
    store, path, dataset = _open_m(args.cache)
    store.checkpoint()
    township = next(a for a in dataset.areas if a.level is AreaLevel.TOWNSHIP)
    today = date.today()
    end = today.replace(day=1) - timedelta(days=1)
    period = Period(end.replace(day=1), end)
    print(f"area {township.code} {township.name}, period {period.text}")
    work = Path(tempfile.mkdtemp(prefix="bench-reports-out-"))

    kinds = {"summary": ReportKind.VISIT_SUMMARY, "ledger": ReportKind.EVENT_LEDGER}
    for name, kind in kinds.items():
        if name not in only:
            continue
        data_t, pdf_t, total_t = [], [], []
        for i in range(args.repeat):
            out = work / f"{kind.value}-{i}.pdf"
            clock = Clock()
            report = build_report(store, kind, township.code, period)
            data_t.append(clock.lap())
            pages = render_pdf(report, out)
            pdf_t.append(clock.lap())
            total_t.append((data_t[-1][0] + pdf_t[-1][0], data_t[-1][1] + pdf_t[-1][1]))
        print(
            f"{kind.chinese}: {len(report.rows)} rows, {pages} pages: total {_median(total_t)} "
            f"(data {_median(data_t)}, PDF {_median(pdf_t)})"
        )
    store.close()

    if "import" in only:
        grid = next(a for a in dataset.areas if a.level is AreaLevel.GRID)
        read_t, write_t, total_t = [], [], []
        for i in range(args.repeat):
            roster = work / f"roster-{i}.xlsx"
            roster_workbook(roster, args.rows, offset=i * args.rows)
            copy = _copy_store(path, work / f"import-{i}.db")
            try:
                clock = Clock()
                preview = read_roster(roster, copy)
                read_t.append(clock.lap())
                result = import_roster(copy, preview, grid_id=grid.id, actor="township01")
                write_t.append(clock.lap())
            finally:
                copy.close()
            assert len(preview.accepted) == args.rows, preview.rejected[:3]
            total_t.append((read_t[-1][0] + write_t[-1][0], read_t[-1][1] + write_t[-1][1]))
        print(
            f"import {args.rows} rows ({result.households_created} households, "
            f"{result.ops} ops): total {_median(total_t)} "
            f"(read+validate {_median(read_t)}, write {_median(write_t)})"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


def store_counts(store: Store) -> dict[EntityKind, int]:
    with store.read() as repos:
        return repos.records.counts()


if __name__ == "__main__":
    sys.exit(main())
