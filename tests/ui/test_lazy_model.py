from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from gridclient.ui.lazy_model import ID_ROLE, Column, LazyTableModel
from gridclient.ui.tables import ListPane
from gridclient.ui.tasks import TaskRunner

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
