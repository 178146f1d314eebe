"""Main-window figures on a township-sized store (the township clerk's view: every grid).

    python bench/ui_startup.py --prepare /tmp/gc-bench --size M   # once: generate + load
    QT_QPA_PLATFORM=offscreen python bench/ui_startup.py --store /tmp/gc-bench

The measuring run is a fresh process (cold imports), like a start from the desktop:

* **cold start**: process start → main window shown with the household list filled
  (store opened with the real password KDF, translations, window built, id list on the
  task runner, first block of rows painted);
* **first paint**: window constructed → household list painted;
* **search**: per keystroke, index lookup + narrowing both lists + repaint (median and
  worst over typical queries), once the index and the other lists are loaded;
* **memory**: peak resident set size of the process (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

PROCESS_START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

PASSWORD = "bench-password"
USER = "clerk"


def prepare(folder: Path, size: str) -> None:
    from gridclient.demo.generator import DEFAULT_SEED, generate
    from gridclient.demo.local import load_dataset
    from gridclient.storage.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "township.db"
    started = time.perf_counter()
    dataset = generate(size, DEFAULT_SEED)
    store = Store.create(path, PASSWORD, username=USER, server_url="bench.local")
    try:
        count = load_dataset(store, dataset)
    finally:
        store.close()
    print(f"prepared {count} records in {time.perf_counter() - started:.1f} s at {path}")


def measure(folder: Path) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from gridclient.domain.enums import Role
    from gridclient.storage.store import Store
    from gridclient.ui.context import AppContext, UserInfo
    from gridclient.ui.i18n import install_translators
    from gridclient.ui.main_window import MainWindow
    from gridclient.ui.tasks import TaskRunner

    app = QApplication(sys.argv[:1])
    blocking = QEventLoop.ProcessEventsFlag.WaitForMoreEvents

    def wait() -> None:  # sleep until the next event: no spinning against the workers
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents | blocking)

    translators = install_translators(app, "zh_CN")
    store = Store.open(folder / "township.db", PASSWORD)
    info = UserInfo(USER, "镇街办事员", Role.TOWNSHIP, "桃源镇")
    built = time.perf_counter()
    window = MainWindow(AppContext(store, TaskRunner(), info))
    window.tabs.setCurrentWidget(window.household_pane)
    window.show()
    while window.model.rowCount() == 0:
        wait()
    window.household_pane.table.viewport().repaint()
    window.household_pane.grab()
    painted = time.perf_counter()
    households = window.model.rowCount()

    while not window.search_controller.is_ready:
        wait()
    index_ready = time.perf_counter()
    while window.runner.busy():  # the other lists, so keystrokes are measured alone
        wait()
    all_loaded = time.perf_counter()
    timings = []
    for query in ("张", "zs", "zhangs", "1234", "382716", "138", "3组", "李楼村2组4号", "wxm"):
        done: list[int] = []
        window.resident_pane.loaded.connect(done.append)
        start = time.perf_counter()
        window.search_controller.search(query)
        while not done:
            wait()
        timings.append(time.perf_counter() - start)
        window.resident_pane.loaded.disconnect(done.append)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    window.close()
    store.close()
    del translators
    return {
        "households": households,
        "cold_start_s": painted - PROCESS_START,
        "first_paint_ms": (painted - built) * 1000,
        "index_ready_after_paint_s": index_ready - painted,
        "all_lists_after_paint_s": all_loaded - painted,
        "search_median_ms": statistics.median(timings) * 1000,
        "search_worst_ms": max(timings) * 1000,
        "peak_rss_mb": peak_kib / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", type=Path, help="generate and load a store here")
    parser.add_argument("--size", default="M")
    parser.add_argument("--store", type=Path, help="measure the store prepared here")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.size)
        return 0
    if args.store:
        print(json.dumps(measure(args.store), indent=2))
        return 0
    parser.error("give --prepare DIR or --store DIR")
    return 2


if __name__ == "__main__":
    sys.exit(main())
