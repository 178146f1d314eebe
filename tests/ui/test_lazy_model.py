from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QAbstractItemView

from gridclient.storage.syncstate_queries import HouseholdSyncState, SyncState
from gridclient.ui.conflicts import state_text
from gridclient.ui.lazy_model import ID_ROLE, Column, LazyTableModel
from gridclient.ui.tables import HEAD_ROWS, ListPane, SyncColumnModel
from gridclient.ui.tasks import TaskContext, TaskRunner

ROWS = {f"id{i:05d}": (f"户{i}", i) for i in range(5000)}


class CountingFetcher:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, ids: Sequence[str]) -> Mapping[str, Sequence[object]]:
        self.calls.append(len(ids))
        return {i: ROWS[i] for i in ids if i in ROWS}


def _model(fetch: CountingFetcher, **kw: int) -> LazyTableModel:
    return LazyTableModel([Column("地址"), Column("人数")], fetch, **kw)


def test_model_passes_qt_model_tester(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = _model(CountingFetcher())
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_ids(sorted(ROWS)[:300])
    model.refresh()
    model.set_ids([])


def test_rows_load_lazily_in_blocks() -> None:
    fetch = CountingFetcher()
    model = _model(fetch, block=100)
    model.set_ids(sorted(ROWS))
    assert fetch.calls == []  # nothing read until a row is painted
    assert model.rowCount() == 5000
    assert model.data(model.index(4321, 0)) == "户4321"
    assert fetch.calls == [100]
    assert model.data(model.index(4399, 1)) == "4399"
    assert fetch.calls == [100]  # same block, served from the cache
    assert model.data(model.index(0, 0), ID_ROLE) == "id00000"


def test_cache_is_bounded() -> None:
    fetch = CountingFetcher()
    model = _model(fetch, block=10, cache_blocks=2)
    model.set_ids(sorted(ROWS))
    for row in range(0, 100, 10):
        model.data(model.index(row, 0))
    assert len(model._cache) <= 20


def test_vanished_rows_paint_empty_and_refresh_refetches() -> None:
    fetch = CountingFetcher()
    model = _model(fetch)
    model.set_ids(["id00001", "gone"])
    assert model.data(model.index(1, 0)) is None
    model.refresh({"id00001"})
    assert model.data(model.index(0, 0)) == "户1"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "地址"


def test_a_deferred_pane_loads_when_asked_and_keeps_search_hits(qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = ListPane(TaskRunner(synchronous=True), _model(CountingFetcher()), str)
    qtbot.addWidget(pane)
    built: list[int] = []
    shown: list[int] = []
    pane.loaded.connect(shown.append)

    def source() -> list[str]:
        built.append(1)
        return sorted(ROWS)[:50]

    pane.defer(source)
    assert pane.stale and built == [] and pane.model.rowCount() == 0
    pane.set_hits({"id00003", "id00007"})  # narrowed once it loads, not before
    assert shown == []
    pane.ensure_loaded()
    assert built == [1] and not pane.stale
    assert pane.model.ids() == ["id00003", "id00007"] and shown == [2]
    pane.ensure_loaded()  # loaded already: nothing to do
    assert built == [1]
    pane.set_hits(None)
    assert pane.model.rowCount() == 50


def test_a_deferred_source_drops_a_pending_load(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    pane = ListPane(runner, _model(CountingFetcher()), str)
    qtbot.addWidget(pane)
    pending: list[object] = []
    real_submit = runner.submit

    def hold(fn: object, **kw: object) -> object:  # keep the first load in flight
        pending.append((fn, kw))
        return None

    runner.submit = hold  # type: ignore[method-assign]
    pane.load(lambda: ["old"])
    runner.submit = real_submit  # type: ignore[method-assign]
    pane.defer(lambda: ["new"])
    fn, kw = pending[0]
    real_submit(fn, **kw)  # type: ignore[arg-type]  # the old answer arrives late
    assert pane.model.ids() == []
    pane.ensure_loaded()
    assert pane.model.ids() == ["new"]


# -- the first screen before the whole list (issue #13 item 5) --------------------------


class HeldRunner(TaskRunner):
    """Runs each submitted task only when the test says so, like a busy worker."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[tuple[Any, dict[str, Any]]] = []

    def submit(self, fn: Any, **kw: Any) -> Any:  # type: ignore[override]
        self.held.append((fn, kw))
        return None

    def run_next(self) -> None:
        fn, kw = self.held.pop(0)
        try:
            result = fn(TaskContext())
        except Exception as exc:  # handed over as the runner does
            kw["on_error"](exc)
        else:
            kw["on_done"](result)


def _state_model(fetch: CountingFetcher, states: dict[str, HouseholdSyncState]) -> SyncColumnModel:
    return SyncColumnModel([Column("地址"), Column("人数")], fetch, lambda: states)


ALL = sorted(ROWS)


def test_a_first_shown_list_paints_its_first_screen_then_completes(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = HeldRunner()
    fetch = CountingFetcher()
    model = _state_model(fetch, {ALL[1]: HouseholdSyncState(SyncState.PENDING, pending=1)})
    pane = ListPane(runner, model, lambda n: f"{n} 条")
    qtbot.addWidget(pane)
    shown: list[int] = []
    pane.loaded.connect(shown.append)
    asked: list[int] = []

    def head(n: int) -> list[str]:
        asked.append(n)
        return ALL[:n]

    pane.load(lambda: list(ALL), head)
    runner.run_next()  # the first screen: its ids and its rows, read by the task
    assert asked == [HEAD_ROWS] and model.ids() == ALL[:HEAD_ROWS]
    assert fetch.calls == [model.block] and not pane.complete
    assert model.data(model.index(0, 0)) == "户0" and fetch.calls == [model.block]  # no read
    assert pane.count_label.text() == "Loading…" and shown == []
    sync = model.sync_column
    assert model.data(model.index(1, sync)) is None  # not known yet: not 已同步 either
    pane.table.selectRow(3)
    qtbot.waitUntil(lambda: len(runner.held) == 1)  # the whole list once the screen painted
    runner.run_next()
    assert model.ids() == ALL and shown == [len(ALL)] and pane.complete
    assert pane.count_label.text() == f"{len(ALL)} 条"
    assert pane.table.current_id() == ALL[3]  # the selection followed its record
    assert model.data(model.index(1, sync)) == state_text(SyncState.PENDING)
    assert model.data(model.index(2, sync)) == state_text(SyncState.SYNCED)


def test_a_list_on_screen_is_replaced_in_one_step(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    pane = ListPane(runner, _model(CountingFetcher()), str)
    qtbot.addWidget(pane)
    asked: list[int] = []

    def head(n: int) -> list[str]:
        asked.append(n)
        return ALL[:n]

    pane.load(lambda: ALL[:300], head)
    assert asked == [HEAD_ROWS] and pane.model.rowCount() == 300 and pane.complete
    pane.table.scrollTo(pane.model.index(200, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    top = pane.table.rowAt(0)
    pane.load(lambda: ALL[:301], head)  # e.g. a sync brought a visit: no first screen
    assert asked == [HEAD_ROWS] and pane.model.rowCount() == 301
    assert pane.table.rowAt(0) == top  # still scrolled where it was


def test_a_newer_load_drops_an_older_first_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = HeldRunner()
    pane = ListPane(runner, _model(CountingFetcher()), str)
    qtbot.addWidget(pane)
    pane.load(lambda: ALL[:300], lambda n: ALL[:n])
    pane.load(lambda: ALL[1000:1200], lambda n: ALL[1000 : 1000 + n])  # a filter changed
    runner.run_next()  # the old first screen arrives late: dropped
    assert pane.model.rowCount() == 0
    runner.run_next()
    assert pane.model.ids() == ALL[1000 : 1000 + HEAD_ROWS]
    qtbot.waitUntil(lambda: len(runner.held) == 1)
    runner.run_next()
    assert pane.model.ids() == ALL[1000:1200] and pane.complete


def test_a_failed_first_screen_still_loads_the_whole_list(qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = ListPane(TaskRunner(synchronous=True), _model(CountingFetcher()), str)
    qtbot.addWidget(pane)

    def head(_n: int) -> list[str]:
        raise RuntimeError("disk I/O error")

    pane.load(lambda: ALL[:10], head)
    assert pane.model.ids() == ALL[:10] and pane.complete


def test_set_ids_moves_persistent_indexes_few_or_many() -> None:
    model = _model(CountingFetcher())
    model.set_ids(ALL[:100])
    few = [QPersistentModelIndex(model.index(r, 1)) for r in (0, 5, 99)]
    many = [QPersistentModelIndex(model.index(r, 0)) for r in range(20, 60)]
    model.set_ids(list(reversed(ALL[5:200])))  # ALL[0] gone, the rest reversed
    assert [i.row() for i in few] == [-1, 194, 100]
    assert [i.column() for i in few] == [-1, 1, 1]
    assert [i.row() for i in many] == [199 - r for r in range(20, 60)]
