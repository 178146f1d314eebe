"""The search box: debounced keystrokes, the query on the task runner against the
in-memory index, stale answers dropped."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from gridclient.storage.search import SearchHits, SearchIndex
from gridclient.ui.context import AppContext, ChangeSet
from gridclient.ui.tasks import TaskContext
from gridcore.domain.enums import EntityKind

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150


class SearchBox(QLineEdit):
    """Emits ``search_requested`` once typing pauses for :data:`DEBOUNCE_MS`."""

    search_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setPlaceholderText(
            self.tr("Search name, ID number (or its last digits), phone, address, pinyin (Ctrl+F)")
        )
        self.setMinimumWidth(420)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self.flush)

    def flush(self) -> None:
        """Search now (Enter, or the debounce timer)."""
        self._timer.stop()
        self.search_requested.emit(self.text().strip())


class SearchController(QObject):
    """Owns the index: built once on the ``cpu`` lane (a second or more of reading on a
    township, which must not hold up the read lane the forms and lists load through),
    then patched and searched on the same lane; each load publishes a new snapshot, so a
    search never sees a half-built one. Patches start only once the
    build has finished, so the two never race."""

    results = Signal(object)
    """:class:`SearchHits`, or ``None`` when the query is empty."""
    ready = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._index: SearchIndex | None = None
        self._generation = 0
        self._query = ""
        self._building = False
        self._missed: list[ChangeSet] = []
        ctx.bus.changed.connect(self._on_changed)

    @property
    def is_ready(self) -> bool:
        return self._index is not None

    def build(self) -> None:
        if self._building or self._index is not None or self.ctx.store.discarded:
            return  # a wiped store (device lost) is never read again
        self._building = True
        engine = self.ctx.store.engine

        def work(_ctx: TaskContext) -> SearchIndex:
            return SearchIndex.build(engine)

        def done(index: object) -> None:
            assert isinstance(index, SearchIndex)
            self._building = False
            self._index = index
            missed, self._missed = self._missed, []
            for changes in missed:  # saved while the index was being read
                self._on_changed(changes)
            self.ready.emit()
            if self._query:
                self.search(self._query)

        def failed(exc: BaseException) -> None:
            self._building = False
            log.error("search index build failed", exc_info=exc)

        self.ctx.runner.submit(work, on_done=done, on_error=failed, lane="cpu")

    def search(self, query: str) -> None:
        self._query = query
        self._generation += 1
        generation = self._generation
        if not query:
            self.results.emit(None)
            return
        index = self._index
        if index is None:
            return  # searched again once the index is built

        def work(_ctx: TaskContext) -> SearchHits:
            return index.search(query)

        def done(hits: object) -> None:
            if generation == self._generation:  # drop answers to older keystrokes
                self.results.emit(hits)

        # The CPU lane: a keystroke must not wait behind a list query, and the index is
        # an in-memory snapshot that needs no connection.
        self.ctx.runner.submit(work, on_done=done, lane="cpu")

    def _on_changed(self, changes: ChangeSet) -> None:
        if not changes.kinds & {EntityKind.HOUSEHOLD, EntityKind.RESIDENT}:
            return
        index = self._index
        if self.ctx.store.discarded:
            return
        if index is None:
            if self._building:
                self._missed.append(changes)
            return
        engine = self.ctx.store.engine
        ids = sorted(changes.ids)

        def work(_ctx: TaskContext) -> None:
            if not changes.complete or not ids:
                index.load(engine)
            else:
                index.refresh(engine, ids)

        def done(_result: object) -> None:
            if self._query:
                self.search(self._query)

        self.ctx.runner.submit(work, on_done=done, lane="cpu")
