"""Search per keystroke on a township-sized store (the in-memory index of
``gridclient.storage.search.SearchIndex``).

    python bench/ui_startup.py --prepare /tmp/gc-bench --size M   # once
    python bench/ui_search.py --store /tmp/gc-bench

Reported: index build time (runs once on the task runner after start), memory the index
adds, and per query the median and worst of 20 lookups — the part of a keystroke that
grows with the township (narrowing the lists is a set lookup per id, measured too).

    QT_QPA_PLATFORM=offscreen python bench/ui_search.py --store /tmp/gc-bench --window

``--window`` measures the first search after start instead, in the real main window
(township user, real task runner), the residents tab never shown: one character typed
into the search box once the household list is painted and the index is built. Reported:
the UI thread's time in the keystroke itself, the longest the UI thread was unable to
run a 2 ms heartbeat timer until the residents were shown (its longest stall), and when
the household and the resident lists were narrowed (wall clock from the keystroke).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from sqlalchemy import select

from gridclient.storage.engine import read_session
from gridclient.storage.models import ResidentRow
from gridclient.storage.queries import ResidentQueries
from gridclient.storage.search import SearchIndex
from gridclient.storage.store import Store

PASSWORD = "bench-password"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def first_search_in_window(folder: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from gridclient.ui.context import AppContext, UserInfo
    from gridclient.ui.main_window import MainWindow
    from gridclient.ui.tasks import TaskRunner
    from gridcore.domain.enums import Role

    app = QApplication(sys.argv[:1])

    def wait() -> None:
        app.processEvents(
            QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        )

    store = Store.open(folder / "township.db", PASSWORD)
    info = UserInfo("clerk", "镇街办事员", Role.TOWNSHIP, "桃源镇")
    window = MainWindow(AppContext(store, TaskRunner(), info))
    try:
        window.tabs.setCurrentWidget(window.household_pane)
        window.show()
        while window.model.rowCount() == 0 or not window.search_controller.is_ready:
            wait()
        while window.runner.busy():
            wait()
        assert window.resident_pane.stale, "the residents list must not be built yet"
        households_before = window.model.rowCount()

        ticks: list[float] = []
        heartbeat = QTimer()
        heartbeat.setInterval(2)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        narrowed: dict[str, float] = {}

        def seen(name: str, before: int | None = None) -> object:
            def record(count: int) -> None:
                if name not in narrowed and (before is None or count != before):
                    narrowed[name] = time.perf_counter()

            return record

        window.household_pane.loaded.connect(seen("households", households_before))
        window.resident_pane.loaded.connect(seen("residents", 0))  # 0: still loading
        heartbeat.start()
        for _ in range(20):  # let the heartbeat settle
            wait()
        start, start_cpu = time.perf_counter(), time.process_time()
        ticks.append(start)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):  # an IME commit
            key = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, "王")
            QCoreApplication.sendEvent(window.search_box, key)
        keystroke = time.perf_counter() - start
        keystroke_cpu = time.process_time() - start_cpu
        while "residents" not in narrowed or "households" not in narrowed:
            wait()
        heartbeat.stop()
        gaps = [b - a for a, b in itertools.pairwise(ticks) if a >= start]
        print(
            f"keystroke on the UI thread: {keystroke * 1000:.1f} ms wall, "
            f"{keystroke_cpu * 1000:.1f} ms CPU (all threads)"
        )
        print(f"longest UI-thread stall until residents shown: {max(gaps) * 1000:.1f} ms")
        print(
            f"households narrowed after {(narrowed['households'] - start) * 1000:.0f} ms "
            f"({window.model.rowCount()} of {households_before}; 150 ms of it is the "
            f"debounce), residents after {(narrowed['residents'] - start) * 1000:.0f} ms "
            f"({window.resident_pane.model.rowCount()})"
        )
    finally:
        window.close()
        window.runner.shutdown()
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--window", action="store_true", help="the first search, in the UI")
    args = parser.parse_args()
    if args.window:
        first_search_in_window(args.store)
        return 0
    store = Store.open(args.store / "township.db", PASSWORD)
    try:
        with read_session(store.engine) as session:
            sample = session.execute(
                select(ResidentRow.name, ResidentRow.id_number, ResidentRow.phone)
                .where(ResidentRow.phone != "")
                .limit(1)
            ).one()
        all_residents = ResidentQueries(store.engine).resident_ids()
        gc.collect()
        before = _rss_mb()
        start = time.perf_counter()
        index = SearchIndex.build(store.engine)
        build = time.perf_counter() - start
        gc.collect()
        print(f"entries: {len(index)}  build: {build:.2f} s  memory: +{_rss_mb() - before:.0f} MB")
        queries = {
            "surname": sample.name[0],
            "full name": sample.name,
            "initials": "zs",
            "full pinyin prefix": "zhangs",
            "ID last 4": sample.id_number[-4:],
            "ID last 6": sample.id_number[-6:],
            "full ID": sample.id_number,
            "phone": sample.phone,
            "phone last 4": sample.phone[-4:],
            "address": "2组1",
        }
        worst_all = 0.0
        for label, query in queries.items():
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                hits = index.search(query)
                shown = [i for i in all_residents if i in hits.resident_ids]
                times.append(time.perf_counter() - start)
            worst_all = max(worst_all, max(times))
            print(
                f"{label:>18}: {statistics.median(times) * 1000:6.1f} ms median, "
                f"{max(times) * 1000:6.1f} ms worst, {len(shown)} residents, "
                f"{len(hits.household_ids)} households"
            )
        print(f"worst keystroke: {worst_all * 1000:.1f} ms (target 100 ms)")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
