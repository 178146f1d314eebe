"""The main window. For now: the households of the user's grids, loaded lazily."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridclient.domain.enums import EntityKind
from gridclient.ui.context import AppContext, ChangeSet
from gridclient.ui.lazy_model import Column, LazyTableModel
from gridclient.ui.tasks import TaskContext


class HouseholdSource(Protocol):
    """What the window reads; the storage layer's query object provides it."""

    def household_ids(self, grid_ids: Sequence[str] | None = None) -> list[str]: ...

    def household_rows(self, ids: Sequence[str]) -> Mapping[str, Sequence[Any]]: ...


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, households: HouseholdSource) -> None:
        super().__init__()
        self.ctx = ctx
        self.households = households
        self.runner = ctx.runner
        user = ctx.user
        title = self.tr("GridClient")
        if user.demo:
            title = self.tr("GridClient (demo)")
        self.setWindowTitle(f"{title} — {user.scope_name}")
        self.resize(1100, 720)

        self.heading = QLabel(
            self.tr("{name} ({role}) · {scope}").format(
                name=user.display_name, role=user.role.label, scope=user.scope_name
            )
        )
        self.heading.setObjectName("heading")
        self.model = LazyTableModel(
            [
                Column(self.tr("Household no.")),
                Column(self.tr("Address")),
                Column(self.tr("Head of household")),
                Column(
                    self.tr("Residents"),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                ),
                Column(self.tr("Tags")),
                Column(self.tr("Last visit")),
            ],
            households.household_rows,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((90, 320, 110, 60, 200)):
            self.table.setColumnWidth(column, width)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        self.setCentralWidget(body)
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().showMessage(self.tr("Loading households…"))
        ctx.bus.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches(EntityKind.HOUSEHOLD) and changes.source == "sync":
            self.reload()
        elif changes.kinds & {EntityKind.HOUSEHOLD, EntityKind.RESIDENT, EntityKind.VISIT}:
            self.model.refresh()

    def reload(self) -> None:
        """Build the id list off the UI thread; rows load lazily as they are painted."""

        def load(ctx: TaskContext) -> list[str]:
            return self.households.household_ids()

        self.runner.submit(load, on_done=self._show_ids, on_error=self._load_failed)

    def _show_ids(self, ids: object) -> None:
        assert isinstance(ids, list)
        self.model.set_ids(ids)
        self.count_label.setText(self.tr("%n household(s)", "", len(ids)))
        self.statusBar().showMessage(self.tr("Ready"), 3000)

    def _load_failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(
            self.tr("Could not load households: {error}").format(error=exc)
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.shutdown()
        super().closeEvent(event)
