"""The largest reports a township clerk prints, built and written to PDF on an L store.

    python bench/ui_startup.py --prepare /tmp/gc-bench-l --size L     # once (~13 min)
    QT_QPA_PLATFORM=offscreen python bench/largest_report.py --store /tmp/gc-bench-l
    QT_QPA_PLATFORM=offscreen python bench/largest_report.py --store /tmp/gc-bench-l \
        --only ledger-year --no-cancel

The area is the top of the store's area tree: for L the county above its ten townships,
i.e. every grid, the stand-in for "a township office holding an L dataset" (the dialog
offers townships and below; the command line any area). ``--area township`` takes the
first township (M-sized: what one township of L prints), ``--area CODE`` any area.
Reports (``--only``, repeatable):

* ``ledger-year``: 事件台账 of the last whole calendar year;
* ``visits-month`` / ``visits-quarter``: 入户走访登记表 of the last whole month / quarter;
* ``roster``: 特殊群体花名册 of 60岁以上老年人 (the largest group).

Each report runs in its own process (so its peak RSS is its own) and prints rows, pages,
data / layout / PDF seconds (wall and CPU of the process, all threads) and peak RSS.
Then, unless ``--no-cancel``, it measures the cancel latency as the dialog would see it:
the same work on a worker thread with a ``step`` that raises ``Cancelled`` once asked;
the cancel is asked 1 s into the data, the layout and the painting, and the figure is
the time from the request to the worker having stopped.

``--max-rows N`` stops before laying out a report of more than N rows (what the dialog
asks about), to measure the data of a report too large to lay out here; ``--xlsx`` also
times the Excel export of the same report (what the dialog offers instead).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

PASSWORD = "bench-password"  # bench/ui_startup.py's
REPORTS = ("ledger-year", "visits-month", "visits-quarter", "roster")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = (round(wall - self.wall, 2), round(cpu - self.cpu, 2))
        self.wall, self.cpu = wall, cpu
        return out


def _request(name: str, today: date) -> tuple[Any, Any, Any]:
    from gridclient.reports.data import Period, ReportKind
    from gridclient.reports.periods import month_period, quarter_of, quarter_period, year_period
    from gridcore.domain.enums import SpecialGroup

    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if name == "ledger-year":
        return ReportKind.EVENT_LEDGER, year_period(today.year - 1), None
    if name == "visits-month":
        return ReportKind.VISIT_REGISTER, month_period(last_month.year, last_month.month), None
    if name == "visits-quarter":
        quarter = quarter_of(today) - 1 or 4
        year = today.year if quarter != 4 else today.year - 1
        return ReportKind.VISIT_REGISTER, quarter_period(year, quarter), None
    assert name == "roster"
    return ReportKind.ROSTER, Period(today, today), SpecialGroup.ELDERLY_60


class _Chosen:
    def __init__(self, code: str, name: str, level: Any, grids: int) -> None:
        self.code, self.name, self.level, self.grids = code, name, level, grids


def _area(store: Any, wanted: str | None) -> _Chosen:
    """``wanted`` (an area code, or ``township``: the first township), else the root of
    the store's area tree (for L: the county above its ten townships, i.e. every grid)."""
    from gridclient.reports.common import _areas, _scope
    from gridcore.domain.enums import AreaLevel

    with store.read() as repos:
        areas = sorted(_areas(repos).values(), key=lambda a: (a.level.depth, a.code))
        if wanted == "township":
            area = next(a for a in areas if a.level is AreaLevel.TOWNSHIP)
        elif wanted:
            area = next(a for a in areas if wanted in (a.code, a.id))
        else:
            area = areas[0]
        grids = len(_scope(repos, area.id).grids)
    return _Chosen(area.code, area.name, area.level, grids)


def run_one(
    store_dir: Path, name: str, area: str | None, cancel: bool, max_rows: int, xlsx: bool
) -> dict[str, Any]:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPrintSupport import QPrinter

    from gridclient.cancel import Cancelled
    from gridclient.reports.data import build_report
    from gridclient.reports.render import paginate, paint, setup_printer
    from gridclient.storage.store import Store
    from gridcore.domain.enums import Role

    app = QGuiApplication.instance() or QGuiApplication(["bench"])
    assert app is not None
    store = Store.open(store_dir / "township.db", PASSWORD)
    out: dict[str, Any] = {"report": name}
    try:
        chosen = _area(store, area)
        out["area"] = f"{chosen.name} ({chosen.level.value}, {chosen.grids} grids)"
        kind, period, group = _request(name, date.today())
        out["period"] = period.text
        base_rss = _rss_mb()

        def build(step: Any = None) -> Any:
            return build_report(
                store, kind, chosen.code, period, role=Role.TOWNSHIP, group=group, step=step
            )

        clock = Clock()
        report = build()
        out["rows"] = len(report.rows)
        out["data_s"] = clock.lap()
        if xlsx:  # what the dialog offers instead of a very large PDF
            from gridclient.reports.excel import write_xlsx

            workbook = Path(tempfile.mkdtemp(prefix="bench-largest-")) / f"{name}.xlsx"
            clock = Clock()
            write_xlsx(report, workbook)
            out["xlsx_s"] = clock.lap()
            out["xlsx_mb"] = round(workbook.stat().st_size / 1e6, 1)
            workbook.unlink()
        if len(report.rows) > max_rows:
            out["skipped_layout"] = f"more than {max_rows} rows"
            out["peak_rss_mb"] = round(_rss_mb())
            return out
        target = Path(tempfile.mkdtemp(prefix="bench-largest-")) / f"{name}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        setup_printer(printer, report)
        clock = Clock()
        layout = paginate(report, printer)
        out["layout_s"] = clock.lap()
        out["pages"] = paint(layout, printer)
        out["pdf_s"] = clock.lap()
        out["pdf_mb"] = round(target.stat().st_size / 1e6, 1)
        out["peak_rss_mb"] = round(_rss_mb())
        out["rss_before_mb"] = round(base_rss)
        del layout
        target.unlink()
        if not cancel:
            return out

        # Cancel latency: the dialog's job (build, lay out, paint) on a worker thread.
        latencies: dict[str, Any] = {}
        for phase in ("data", "layout", "pdf"):
            stop = threading.Event()
            entered: dict[str, Any] = {}
            finished: dict[str, Any] = {}

            def stepper(
                which: str, stop: threading.Event = stop, entered: dict[str, Any] = entered
            ) -> Any:
                def step(_done: int, _total: int) -> None:
                    entered.setdefault(which, time.perf_counter())
                    if stop.is_set():
                        entered["stopped in"] = which
                        raise Cancelled

                return step

            def job(
                finished: dict[str, Any] = finished, stepper: Any = stepper, phase: str = phase
            ) -> None:
                try:
                    built = build(stepper("data"))
                    device = QPrinter(QPrinter.PrinterMode.HighResolution)
                    device.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
                    device.setOutputFileName(str(target))
                    setup_printer(device, built)
                    laid = paginate(built, device, step=stepper("layout"))
                    paint(laid, device, step=stepper("pdf"))
                    finished["result"] = "completed"
                except Cancelled:
                    finished["result"] = "cancelled"
                finished["at"] = time.perf_counter()

            target.unlink(missing_ok=True)
            worker = threading.Thread(target=job)
            worker.start()
            while phase not in entered and worker.is_alive():
                time.sleep(0.02)
            time.sleep(1.0)
            asked = time.perf_counter()
            stop.set()
            worker.join()
            if finished.get("result") == "cancelled":
                latencies[phase] = {
                    "latency_s": round(finished["at"] - asked, 3),
                    "stopped_in": entered.get("stopped in"),
                    "pdf_left_behind": target.exists(),
                }
            else:
                latencies[phase] = finished.get("result", "?")
        out["cancel_latency_s"] = latencies
        out["peak_rss_mb_after_cancels"] = round(_rss_mb())
        return out
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="bench/ui_startup.py --prepare")
    parser.add_argument("--only", choices=REPORTS, action="append")
    parser.add_argument("--area", help="area code or 'township' (default: the top area)")
    parser.add_argument("--no-cancel", action="store_true", help="skip the cancel latency")
    parser.add_argument("--max-rows", type=int, default=10**9)
    parser.add_argument("--xlsx", action="store_true", help="also time the Excel export")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = args.only or list(REPORTS)
    if args.child:
        result = run_one(
            args.store, names[0], args.area, not args.no_cancel, args.max_rows, args.xlsx
        )
        print(json.dumps(result, ensure_ascii=False))
        return 0
    load = " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    print(f"load average at start: {load}", flush=True)
    for name in names:
        command = [sys.executable, __file__, "--child", "--store", str(args.store)]
        command += ["--only", name, "--max-rows", str(args.max_rows)]
        if args.area:
            command += ["--area", args.area]
        if args.no_cancel:
            command.append("--no-cancel")
        if args.xlsx:
            command.append("--xlsx")
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            print(f"{name}: failed\n{done.stderr[-3000:]}", flush=True)
            continue
        print(done.stdout.strip().splitlines()[-1], flush=True)
    load = " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    print(f"load average at end: {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
