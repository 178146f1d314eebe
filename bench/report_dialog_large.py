"""The report dialog itself on a large store: one report to PDF through the task runner,
as a clerk runs it (the dialog's progress, the UI thread's responsiveness).

    QT_QPA_PLATFORM=offscreen python bench/report_dialog_large.py --store /tmp/gc-bench-l

The store is one prepared by ``bench/ui_startup.py --prepare DIR --size L``; the dialog
offers townships and below, and its first area (the first township) is used. Prints the
wall and CPU time from the click to the "saved" message, the number of progress updates
the dialog showed (first and last), the UI thread's longest gap between two 20 ms timer
ticks, and the peak RSS (the store opened with its real key derivation included).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

PASSWORD = "bench-password"  # bench/ui_startup.py's


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    args = parser.parse_args()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(["bench"])
    from gridclient.reports.data import ReportKind
    from gridclient.reports.periods import PeriodKind
    from gridclient.storage.store import Store
    from gridclient.ui.context import AppContext, UserInfo
    from gridclient.ui.report_dialogs import ReportDialog
    from gridclient.ui.tasks import TaskRunner
    from gridcore.domain.enums import Role

    store = Store.open(args.store / "township.db", PASSWORD)
    user = UserInfo(username="clerk", display_name="", role=Role.TOWNSHIP, scope_name="")
    ctx = AppContext(store, TaskRunner(), user)
    dialog = ReportDialog(ctx)
    dialog.show()
    while dialog.busy:  # the areas load
        app.processEvents()
        time.sleep(0.01)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(ReportKind.EVENT_LEDGER.value))
    dialog.set_period_kind(PeriodKind.YEAR)
    dialog.year_spin.setValue(args.year)
    print(f"事件台账 of {dialog.area_combo.currentText()}, {dialog.period()}")

    seen: list[tuple[str, int]] = []
    dialog.progress.valueChanged.connect(lambda v: seen.append((dialog.status_label.text(), v)))
    last, worst = [time.perf_counter()], [0.0]

    def tick() -> None:
        now = time.perf_counter()
        worst[0] = max(worst[0], now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    target = Path(tempfile.mkdtemp(prefix="bench-dialog-")) / "ledger.pdf"
    wall, cpu = time.perf_counter(), time.process_time()
    dialog.export_pdf(target)
    while dialog.last_output is None and dialog.large_box is None and dialog.busy:
        app.processEvents()
        time.sleep(0.005)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    outcome = "asked first (large)" if dialog.large_box else dialog.status_label.text()
    print(f"{wall:.1f} s wall / {cpu:.1f} s CPU: {outcome}")
    print(f"progress updates shown: {len(seen)}; first {seen[:1]}, last {seen[-1:]}")
    print(f"UI thread's longest gap: {worst[0] * 1000:.0f} ms")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if dialog.export_box is not None:
        dialog.export_box.close()
    dialog.close()
    ctx.runner.shutdown()
    store.close()
    target.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
