"""A table model that holds only an id list and loads rows in blocks on demand.

A township has tens of thousands of households and hundreds of thousands of visits: the
view asks for the rows it paints, the model fetches them by primary key in blocks (a
cheap indexed read; 50 rows, about two screens, so the first paint reads little), and
keeps a bounded cache (10,000 rows). Sorting and filtering happen in SQL when
the id list is built, off the UI thread.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from gridclient.ui.plaintext import tooltip

Row = Sequence[Any]
RowFetcher = Callable[[Sequence[str]], Mapping[str, Row]]
AnyIndex = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole + 1

_STYLE_ROLES = frozenset(
    {
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.FontRole,
    }
)
_TEXT_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole})
_ALIGN_ROLE = Qt.ItemDataRole.TextAlignmentRole
#: The roles this model answers; the view asks for a dozen per cell on every paint, so
#: the others are turned away before any other work.
_ANSWERED = frozenset({int(r) for r in (*_STYLE_ROLES, *_TEXT_ROLES, _ALIGN_ROLE)} | {int(ID_ROLE)})


def _new_rows(old: Sequence[str | None], new: list[str]) -> list[int | None]:
    """Where each of ``old`` (the records of the view's persistent indexes: its current
    row and selection, a handful) is in ``new``. A few ``list.index`` scans cost less
    than a position map of a 100,000-id list (≈ 15 ms) built on every change."""
    wanted = {record_id for record_id in old if record_id is not None}
    if len(wanted) > 16:
        position = {record_id: row for row, record_id in enumerate(new)}
        return [None if r is None else position.get(r) for r in old]
    found: dict[str, int | None] = {}
    for record_id in wanted:
        try:
            found[record_id] = new.index(record_id)
        except ValueError:
            found[record_id] = None
    return [None if r is None else found[r] for r in old]


@dataclass(frozen=True)
class Column:
    title: str
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class LazyTableModel(QAbstractTableModel):
    def __init__(
        self,
        columns: Sequence[Column],
        fetch_rows: RowFetcher,
        *,
        block: int = 50,
        cache_blocks: int = 200,
    ) -> None:
        super().__init__()
        self._columns = list(columns)
        self._fetch = fetch_rows
        self._block = block
        self._cache_limit = block * cache_blocks
        self._ids: list[str] = []
        self._cache: OrderedDict[str, Row] = OrderedDict()

    # -- content -----------------------------------------------------------------------
    def set_ids(self, ids: Sequence[str]) -> None:
        """Show ``ids``. The same list changes nothing; a different one is a layout
        change, not a reset: the view's persistent indexes (its selection and current
        row) follow their records to their new rows, and vanished ones are dropped.
        Cached rows stay valid (edits reach the cache through :meth:`refresh`)."""
        new = list(ids)
        if new == self._ids:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_ids = self._ids
        targets = _new_rows(
            [old_ids[i.row()] if 0 <= i.row() < len(old_ids) else None for i in persistent], new
        )
        self._ids = new
        self.changePersistentIndexList(
            persistent,
            [
                self.index(row, index.column()) if row is not None else QModelIndex()
                for index, row in zip(persistent, targets, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def read_rows(self, ids: Sequence[str]) -> Mapping[str, Row]:
        """The rows of ``ids`` as the model shows them, read now (it touches no Qt
        state: a task may call it off the UI thread and hand the result to
        :meth:`prime`)."""
        return self._fetch(ids)

    def prime(self, rows: Mapping[str, Row]) -> None:
        """Cache rows read ahead (the first screen's, read beside its ids), so painting
        them runs no query on the UI thread."""
        for key, value in rows.items():
            self._cache[key] = value
        while len(self._cache) > self._cache_limit:
            self._cache.popitem(last=False)

    @property
    def block(self) -> int:
        """Rows per fetch."""
        return self._block

    def ids(self) -> list[str]:
        return list(self._ids)

    def id_at(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, record_id: str) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def refresh(self, changed_ids: set[str] | None = None) -> None:
        """Forget cached rows (all, or the changed ones) and repaint."""
        if changed_ids is None:
            self._cache.clear()
        else:
            for record_id in changed_ids:
                self._cache.pop(record_id, None)
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._ids) - 1, len(self._columns) - 1),
            )

    def _row(self, row: int) -> Row | None:
        record_id = self._ids[row]
        cached = self._cache.get(record_id)
        if cached is not None:
            self._cache.move_to_end(record_id)
            return cached
        start = (row // self._block) * self._block
        wanted = [i for i in self._ids[start : start + self._block] if i not in self._cache]
        for key, value in self._fetch(wanted).items():
            self._cache[key] = value
        while len(self._cache) > self._cache_limit:
            self._cache.popitem(last=False)
        return self._cache.get(record_id)

    # -- Qt model API -----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED or not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role == _ALIGN_ROLE:
            return self._columns[index.column()].align
        styled = role in _STYLE_ROLES
        row = self._row(index.row())
        if row is None:  # the record vanished since the id list was built
            return None
        if styled:
            return self.style_data(row, index.column(), role)
        value = row[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(value)
        return "" if value is None else str(value)

    def style_data(self, row: Row, column: int, role: int) -> Any:
        """Colours and fonts of a cell; subclasses highlight rows (e.g. overdue)."""
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None
