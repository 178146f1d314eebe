"""Main-window figures on a township-sized store (the township clerk's view: every grid).

    python bench/ui_startup.py --prepare /tmp/gc-bench --size M   # once: generate + load
    QT_QPA_PLATFORM=offscreen python bench/ui_startup.py --store /tmp/gc-bench
    QT_QPA_PLATFORM=offscreen python bench/ui_startup.py --store /tmp/gc-bench --unclean

The measuring run is a fresh process (cold imports), like a start from the desktop:

* **cold start**: process start → main window *usable*: the store opened with the real
  password KDF, translations installed, the window built and shown on the household tab
  with the household count and the first rows of the list painted (``repaint`` +
  ``grab``), nothing on the database lane that a form waits for (the search index
  builds on the other lane). "Usable" is checked right after: a household is opened
  (dialog filled from the store) and that time is reported as ``open_household_ms``;
* **first paint**: window constructed → household list painted (its first screen,
  ``first_paint_rows``; ``household_whole_list_ms``: → the whole list and its count);
* **events / visits tabs**: each shown for the first time (its list is built then) →
  its first rows painted (``*_tab_first_paint_*``, with the rows then in the model) and
  → the whole list shown with its count (``*_tab_whole_list_*``);
* **search**: the first search loads the resident list (reported alone), then per
  keystroke: index lookup + both lists narrowed + repaint (median and worst);
* **memory**: peak resident set size of the process (``ru_maxrss``; includes the
  64 MiB the Argon2 unlock allocates for a moment), the resident size at the end and
  after each step (``rss_after_*_mb``: imports, Qt, store open, first paint, search
  index, each tab, the first search), which says what holds the memory.

``--unclean`` clears the store's clean-shutdown flag first (as a crash would leave it),
so the open runs the full integrity check. Wall-clock and process CPU time (all threads)
are both reported: on a shared machine CPU time is the steadier figure.
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
PROCESS_CPU_START = time.process_time()
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

PASSWORD = "bench-password"
USER = "clerk"


def prepare(folder: Path, size: str) -> None:
    from gridclient.demo.local import load_dataset
    from gridclient.storage.store import Store
    from gridcore.demo.generator import DEFAULT_SEED, generate

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


def _mark_unclean(path: Path) -> None:
    from sqlalchemy import text

    from gridclient.storage.engine import create_store_engine, write_connection
    from gridclient.storage.keys import key_file_for, unlock

    engine = create_store_engine(path, unlock(key_file_for(path), PASSWORD))
    try:
        with write_connection(engine) as connection:
            connection.execute(
                text("UPDATE sync_state SET value = 'false' WHERE key = 'clean_shutdown'")
            )
    finally:
        engine.dispose()


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _trace(label: str, top: int = 8) -> None:
    """With ``--trace-memory``: the Python lines holding the most memory now."""
    import tracemalloc

    if not tracemalloc.is_tracing():
        return
    current, peak = tracemalloc.get_traced_memory()
    print(
        f"-- {label}: traced {current / 2**20:.0f} MB, peak {peak / 2**20:.0f} MB", file=sys.stderr
    )
    for stat in tracemalloc.take_snapshot().statistics("lineno")[:top]:
        print(
            f"   {stat.size / 2**20:7.1f} MB {stat.count:9d} {stat.traceback[0]}", file=sys.stderr
        )


def measure(folder: Path, *, unclean: bool = False) -> dict[str, float]:
    marks: dict[str, tuple[float, float]] = {}
    rss: dict[str, float] = {}  # the resident size after each step: what holds memory
    peaks: dict[str, float] = {}  # and the peak so far: which step raised it

    def mark(label: str) -> None:
        marks[label] = (time.perf_counter(), time.process_time())
        note(label)

    def note(label: str) -> None:
        rss[label] = _rss_mb()
        peaks[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        _trace(label)

    path = folder / "township.db"
    if unclean:
        _mark_unclean(path)
        global PROCESS_START, PROCESS_CPU_START
        PROCESS_START, PROCESS_CPU_START = time.perf_counter(), time.process_time()
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from gridclient.storage.store import Store
    from gridclient.ui.context import AppContext, UserInfo
    from gridclient.ui.household_dialog import HouseholdDialog
    from gridclient.ui.i18n import install_translators
    from gridclient.ui.main_window import MainWindow
    from gridclient.ui.tasks import TaskRunner
    from gridcore.domain.enums import Role

    mark("imports")
    app = QApplication(sys.argv[:1])
    blocking = QEventLoop.ProcessEventsFlag.WaitForMoreEvents

    def wait() -> None:  # sleep until the next event: no spinning against the workers
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents | blocking)

    translators = install_translators(app, "zh_CN")
    mark("qt")
    store = Store.open(path, PASSWORD)
    mark("open")
    info = UserInfo(USER, "镇街办事员", Role.TOWNSHIP, "桃源镇")
    window = MainWindow(AppContext(store, TaskRunner(), info))
    whole_list: list[float] = []  # the household list complete (its count shown)
    window.household_pane.loaded.connect(
        lambda _n: whole_list.append(time.perf_counter()) if not whole_list else None
    )
    window.tabs.setCurrentWidget(window.household_pane)
    window.show()
    while window.model.rowCount() == 0:
        wait()
    window.household_pane.table.viewport().repaint()
    window.household_pane.grab()
    mark("painted")
    first_rows = window.model.rowCount()

    # Usable: a household opens and fills from the store while the index still builds.
    started = time.perf_counter()
    dialog = HouseholdDialog(window.ctx, window.model.id_at(0), parent=window)
    dialog.show()
    while not dialog._loaded:
        wait()
    dialog.grab()
    open_household = time.perf_counter() - started
    index_busy = not window.search_controller.is_ready
    dialog.close()

    while not window.search_controller.is_ready or not window.household_pane.complete:
        wait()
    mark("index")
    households = window.model.rowCount()
    while window.runner.busy():
        wait()

    # Issue #13 item 5: the events and visits tabs, first shown: their id lists are
    # built and the first rows painted (each list loads when its tab is first shown).
    # The first rows may come before the whole list (its first screen is read first):
    # the time to the whole list (the count shown, the ``loaded`` signal) is reported
    # too, with the number of rows first painted and in the whole list.
    tab_paint: dict[str, tuple[float, float, int]] = {}
    tab_full: dict[str, tuple[float, float, int]] = {}
    for name, pane in (("events", window.event_pane), ("visits", window.visit_pane)):
        complete: list[int] = []
        pane.loaded.connect(complete.append)
        start, start_cpu = time.perf_counter(), time.process_time()
        window.tabs.setCurrentWidget(pane)
        while pane.model.rowCount() == 0:
            wait()
        pane.table.viewport().repaint()
        pane.grab()
        tab_paint[name] = (
            time.perf_counter() - start,
            time.process_time() - start_cpu,
            pane.model.rowCount(),
        )
        while not complete:
            wait()
        pane.table.viewport().repaint()
        tab_full[name] = (
            time.perf_counter() - start,
            time.process_time() - start_cpu,
            pane.model.rowCount(),
        )
        pane.loaded.disconnect(complete.append)
        note(f"{name}_tab")
    window.tabs.setCurrentWidget(window.household_pane)
    while window.runner.busy():
        wait()

    cpu_per_search: list[float] = []

    def search(query: str) -> float:
        done: list[int] = []
        window.resident_pane.loaded.connect(done.append)
        start, start_cpu = time.perf_counter(), time.process_time()
        window.search_controller.search(query)
        while not done:
            wait()
        window.household_pane.table.viewport().repaint()
        elapsed = time.perf_counter() - start
        cpu_per_search.append(time.process_time() - start_cpu)
        window.resident_pane.loaded.disconnect(done.append)
        return elapsed

    first_search = search("王")  # also builds the resident list (its tab was never shown)
    while window.runner.busy():
        wait()
    note("first_search")
    timings = [
        search(query)
        for query in ("张", "zs", "zhangs", "1234", "382716", "138", "3组", "李楼村2组4号", "wxm")
    ]
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_end = _rss_mb()
    window.close()
    store.close()
    del translators

    def wall(a: str, b: str) -> float:
        return marks[b][0] - marks[a][0]

    def cpu(a: str, b: str) -> float:
        return marks[b][1] - marks[a][1]

    marks["start"] = (PROCESS_START, PROCESS_CPU_START)
    return {
        "households": households,
        "first_paint_rows": first_rows,
        "household_whole_list_ms": (whole_list[0] - marks["open"][0]) * 1000,
        "cold_start_s": wall("start", "painted"),
        "cold_start_cpu_s": cpu("start", "painted"),
        "imports_s": wall("start", "imports"),
        "imports_cpu_s": cpu("start", "imports"),
        "qt_and_translations_s": wall("imports", "qt"),
        "store_open_s": wall("qt", "open"),
        "store_open_cpu_s": cpu("qt", "open"),
        "first_paint_ms": wall("open", "painted") * 1000,
        "first_paint_cpu_ms": cpu("open", "painted") * 1000,
        "open_household_ms": open_household * 1000,
        "index_still_building_then": float(index_busy),
        "index_ready_after_paint_s": wall("painted", "index"),
        "first_search_ms": first_search * 1000,
        "search_median_ms": statistics.median(timings) * 1000,
        "search_worst_ms": max(timings) * 1000,
        "search_median_cpu_ms": statistics.median(cpu_per_search[1:]) * 1000,
        "search_worst_cpu_ms": max(cpu_per_search[1:]) * 1000,
        **{
            f"{name}_tab_{what}_{unit}": value * (1000 if unit != "rows" else 1)
            for what, figures in (("first_paint", tab_paint), ("whole_list", tab_full))
            for name, (elapsed, used, rows) in figures.items()
            for unit, value in (("ms", elapsed), ("cpu_ms", used), ("rows", rows))
        },
        "peak_rss_mb": peak_kib / 1024,
        "rss_at_end_mb": rss_end,
        **{f"rss_after_{label}_mb": value for label, value in rss.items()},
        **{f"peak_rss_by_{label}_mb": value for label, value in peaks.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", type=Path, help="generate and load a store here")
    parser.add_argument("--size", default="M")
    parser.add_argument("--store", type=Path, help="measure the store prepared here")
    parser.add_argument(
        "--unclean", action="store_true", help="as after a crash: the open runs the full check"
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="tracemalloc: the lines holding the most memory after each step, on stderr "
        "(slows everything: its timings are not the figures)",
    )
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.size)
        return 0
    if args.store:
        if args.trace_memory:
            import tracemalloc

            tracemalloc.start(1)
        print(json.dumps(measure(args.store, unclean=args.unclean), indent=2))
        return 0
    parser.error("give --prepare DIR or --store DIR")
    return 2


if __name__ == "__main__":
    sys.exit(main())
