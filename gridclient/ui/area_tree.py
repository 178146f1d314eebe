"""The area tree on the left: the user's villages, grids and micro-grids with their
household counts. Selecting a node filters every list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from gridclient.storage.queries import AreaFilter, AreaNode
from gridcore.domain.enums import AreaLevel

KEY_ROLE = Qt.ItemDataRole.UserRole + 2
_ALL = "all"


class AreaTree(QTreeView):
    area_selected = Signal(object)
    """An :class:`AreaFilter` for the node the user picked."""

    def __init__(self, all_grids: tuple[str, ...] | None) -> None:
        super().__init__()
        self.show_counts = True
        """Household counts beside the names (a department account has no households)."""
        self._filters: dict[str, AreaFilter] = {_ALL: AreaFilter(all_grids)}
        self._items: dict[str, QStandardItem] = {}
        """Every node's item by key, parents before their children."""
        self.area_model = QStandardItemModel(self)
        self.setModel(self.area_model)
        self.setHeaderHidden(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setMinimumWidth(230)
        self.selectionModel().currentChanged.connect(self._current_changed)

    def set_nodes(self, roots: Sequence[AreaNode]) -> None:
        """Replace the tree (new counts after a save or a sync), keeping the selected area
        and the nodes the user opened or closed, where they still exist; the first tree
        opens down to the villages."""
        previous = self.currentIndex().data(KEY_ROLE)
        opened = (
            [key for key, item in self._items.items() if self.isExpanded(item.index())]
            if self._items
            else None
        )
        scrolled = self.verticalScrollBar().value()
        self.area_model.clear()
        self._filters = {_ALL: self._filters[_ALL]}
        self._items = {}
        total = sum(r.households for r in roots)
        top = QStandardItem(
            self.tr("All my areas ({count} households)").format(count=total)
            if self.show_counts
            else self.tr("All my areas")
        )
        top.setData(_ALL, KEY_ROLE)
        self._items[_ALL] = top
        self.area_model.appendRow(top)
        for root in roots:
            top.appendRow(self._item(root, ""))
        if opened is None:
            self.expandToDepth(1)
        else:
            for key in opened:
                index = self._find(key)
                if index is not None:
                    self.expand(index)
        target = self._find(previous) or self.area_model.index(0, 0)
        self.selectionModel().blockSignals(True)
        self.setCurrentIndex(target)
        self.selectionModel().blockSignals(False)
        if opened is not None:
            self.doItemsLayout()  # the new rows' heights, so the old position is in range
            self.verticalScrollBar().setValue(scrolled)

    def _item(self, node: AreaNode, parent_name: str) -> QStandardItem:
        # A micro-grid is named after its grid plus its number ("杨柳村第一网格23号微网格"):
        # under that grid the number is what tells it from its neighbours, and the whole
        # name would not fit the pane, so the tree shows "23号微网格" (the tooltip all).
        name = node.name
        if node.level is AreaLevel.MICRO_GRID and parent_name and name.startswith(parent_name):
            name = name[len(parent_name) :] or node.name
        item = QStandardItem(
            self.tr("{name} ({count})").format(name=name, count=node.households)
            if self.show_counts
            else name
        )
        if node.level is AreaLevel.MICRO_GRID:
            assert node.parent_id is not None
            area = AreaFilter((node.parent_id,), node.id)
        else:
            area = AreaFilter(_grids_of(node))
        self._filters[node.id] = area
        self._items[node.id] = item
        item.setData(node.id, KEY_ROLE)
        item.setToolTip(f"{node.level.label}：{node.name}")  # the whole name, when elided
        for child in node.children:
            item.appendRow(self._item(child, node.name))
        return item

    def _find(self, key: object) -> QModelIndex | None:
        item = self._items.get(key) if isinstance(key, str) else None
        return item.index() if item is not None else None

    def current_filter(self) -> AreaFilter:
        key = self.currentIndex().data(KEY_ROLE)
        return self._filters.get(key if isinstance(key, str) else _ALL, self._filters[_ALL])

    def select_area(self, area_id: str) -> bool:
        """Select the node of an area (by id); False when it is not in the tree."""
        index = self._find(area_id)
        if index is None:
            return False
        self.setCurrentIndex(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(KEY_ROLE)
        if isinstance(key, str) and key in self._filters:
            self.area_selected.emit(self._filters[key])


def _grids_of(node: AreaNode) -> tuple[str, ...]:
    if node.level is AreaLevel.GRID:
        return (node.id,)
    return tuple(g for child in node.children for g in _grids_of(child))
