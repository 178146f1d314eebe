"""The main window's record lists: one lazy id-list model per record type and the pane
that shows it.

A pane builds its id list on the task runner (sorting and filtering in SQL), keeps that
"base" list, and narrows it to the current search hits on the UI thread (a set lookup
per id). Results of an older request are discarded, so a slow query never overwrites a
newer one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.places import PlaceQueries
from gridclient.storage.queries import (
    EventQueries,
    HouseholdQueries,
    OrganizationQueries,
    PatrolQueries,
    ResidentQueries,
    VisitQueries,
)
from gridclient.storage.syncstate_queries import (
    SYNCED,
    HouseholdSyncState,
    SyncState,
    SyncStateQueries,
)
from gridclient.ui.conflicts import STATE_COLORS, SyncTexts, state_text
from gridclient.ui.lazy_model import ID_ROLE, AnyIndex, Column, LazyTableModel, Row
from gridclient.ui.plaintext import TextLabel, tooltip
from gridclient.ui.tasks import TaskContext, TaskRunner
from gridcore.domain.enums import EntityKind

log = logging.getLogger(__name__)

ROW_HEIGHT = 30
"""Comfortable for older users and touch pads; at least 28 px."""

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


StateLoader = Callable[[], Mapping[str, HouseholdSyncState]]


class SyncColumnModel(LazyTableModel):
    """A list with a compact sync-state column, last: 冲突, 被拒 or 待同步 (rolled up over
    what belongs to the record), 已同步 otherwise. The states of the whole list come
    from one query per refresh, run off the UI thread (:meth:`load_states`, by the
    pane's load or :meth:`refresh`), and are looked up per painted row. Until the first
    states arrive (the first screen of a list is shown before them) the column is
    empty rather than claiming 已同步."""

    SYNC_WIDTH = 72

    def __init__(
        self,
        columns: Sequence[Column],
        fetch_rows: Callable[[Sequence[str]], Mapping[str, Row]],
        states: StateLoader | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(
            [*columns, Column(QCoreApplication.translate("tables", "Sync"), _CENTER)], fetch_rows
        )
        self.sync_column = len(columns)
        self._load = states
        self._runner = runner
        self._states: Mapping[str, HouseholdSyncState] | None = None
        self._state_generation = 0
        self._texts = SyncTexts(self)
        self._uploading = False

    def set_uploading(self, uploading: bool) -> None:
        """While a sync sends its changes, what waits to sync is shown as uploading."""
        if uploading == self._uploading:
            return
        self._uploading = uploading
        if self._states is not None:
            self.set_states(self._states)

    def load_states(self) -> Mapping[str, HouseholdSyncState]:
        """The records not synced (call off the UI thread)."""
        return {} if self._load is None else self._load()

    def set_states(self, states: Mapping[str, HouseholdSyncState]) -> None:
        self._states = states
        if self.rowCount():
            column = self.sync_column
            self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))

    def state_of(self, record_id: str) -> HouseholdSyncState:
        return SYNCED if self._states is None else self._states.get(record_id, SYNCED)

    def refresh(self, changed_ids: set[str] | None = None) -> None:
        super().refresh(changed_ids)
        if self._runner is None or self._load is None:
            return
        self._state_generation += 1
        generation = self._state_generation

        def done(states: object) -> None:
            if generation == self._state_generation:
                self.set_states(states)  # type: ignore[arg-type]

        self._runner.submit(lambda _ctx: self.load_states(), on_done=done)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() != self.sync_column:
            return super().data(index, role)
        if index.row() >= self.rowCount():
            return None
        if role == ID_ROLE:
            return self.id_at(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER
        if self._states is None:
            return None  # not known yet
        state = self.state_of(self.id_at(index.row()))
        if role == Qt.ItemDataRole.DisplayRole:
            if self._uploading and state.state is SyncState.PENDING:
                return QCoreApplication.translate("tables", "Uploading")
            return state_text(state.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._texts.tooltip(state))
        if role == Qt.ItemDataRole.ForegroundRole and state.state in STATE_COLORS:
            return QBrush(QColor(STATE_COLORS[state.state]))
        if role == Qt.ItemDataRole.FontRole and state.state >= SyncState.REJECTED:
            font = QFont()
            font.setBold(True)
            return font
        return None


class HouseholdTableModel(SyncColumnModel):
    """Households; the sync column rolls up the household's residents, visits and
    events."""

    SYNC_COLUMN = 6

    def __init__(
        self,
        queries: HouseholdQueries,
        states: SyncStateQueries | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(
            [
                Column(QCoreApplication.translate("tables", "Household no.")),
                Column(QCoreApplication.translate("tables", "Address")),
                Column(QCoreApplication.translate("tables", "Head of household")),
                Column(QCoreApplication.translate("tables", "Residents"), _RIGHT),
                Column(QCoreApplication.translate("tables", "Tags")),
                Column(QCoreApplication.translate("tables", "Last visit")),
            ],
            queries.household_rows,
            None if states is None else states.household_states,
            runner,
        )


def household_model(
    queries: HouseholdQueries,
    runner: TaskRunner | None = None,
    states: SyncStateQueries | None = None,
) -> HouseholdTableModel:
    """``states`` and ``runner`` feed the sync column (without them it stays empty)."""
    return HouseholdTableModel(queries, states, runner)


def _list_states(states: SyncStateQueries | None, kind: EntityKind) -> StateLoader | None:
    return None if states is None else lambda: states.list_states(kind)


def resident_model(
    queries: ResidentQueries,
    states: SyncStateQueries | None = None,
    runner: TaskRunner | None = None,
) -> SyncColumnModel:
    """ID numbers and phones arrive masked from the query; the model never sees more."""
    return SyncColumnModel(
        [
            Column(QCoreApplication.translate("tables", "Name")),
            Column(QCoreApplication.translate("tables", "Gender"), _CENTER),
            Column(QCoreApplication.translate("tables", "ID number")),
            Column(QCoreApplication.translate("tables", "Age"), _RIGHT),
            Column(QCoreApplication.translate("tables", "Relation")),
            Column(QCoreApplication.translate("tables", "Phone")),
            Column(QCoreApplication.translate("tables", "Address")),
            Column(QCoreApplication.translate("tables", "Special groups")),
        ],
        queries.resident_rows,
        _list_states(states, EntityKind.RESIDENT),
        runner,
    )


def organization_model(
    queries: OrganizationQueries,
    states: SyncStateQueries | None = None,
    runner: TaskRunner | None = None,
) -> SyncColumnModel:
    return SyncColumnModel(
        [
            Column(QCoreApplication.translate("tables", "Organization")),
            Column(QCoreApplication.translate("tables", "Kind")),
            Column(QCoreApplication.translate("tables", "Leader")),
            Column(QCoreApplication.translate("tables", "Phone")),
            Column(QCoreApplication.translate("tables", "Members"), _RIGHT),
            Column(QCoreApplication.translate("tables", "Grid")),
            Column(QCoreApplication.translate("tables", "Address")),
        ],
        queries.organization_rows,
        _list_states(states, EntityKind.ORGANIZATION),
        runner,
    )


def patrol_model(
    queries: PatrolQueries,
    states: SyncStateQueries | None = None,
    runner: TaskRunner | None = None,
) -> SyncColumnModel:
    """巡查: 日期, 网格, 巡查人, 路线/地点, 发现问题, 上报事件数."""
    return SyncColumnModel(
        [
            Column(QCoreApplication.translate("tables", "Date")),
            Column(QCoreApplication.translate("tables", "Grid")),
            Column(QCoreApplication.translate("tables", "Patrolled by")),
            Column(QCoreApplication.translate("tables", "Route / places")),
            Column(QCoreApplication.translate("tables", "Findings")),
            Column(QCoreApplication.translate("tables", "Events"), _RIGHT),
        ],
        queries.patrol_rows,
        _list_states(states, EntityKind.PATROL),
        runner,
    )


def place_model(
    queries: PlaceQueries,
    states: SyncStateQueries | None = None,
    runner: TaskRunner | None = None,
) -> SyncColumnModel:
    """场所: the contact's phone arrives masked; the sync column rolls up the checks."""
    return SyncColumnModel(
        [
            Column(QCoreApplication.translate("tables", "Place")),
            Column(QCoreApplication.translate("tables", "Kind")),
            Column(QCoreApplication.translate("tables", "Grid")),
            Column(QCoreApplication.translate("tables", "Address")),
            Column(QCoreApplication.translate("tables", "Person in charge")),
            Column(QCoreApplication.translate("tables", "Phone")),
            Column(QCoreApplication.translate("tables", "Risk level")),
            Column(QCoreApplication.translate("tables", "Last inspection")),
        ],
        queries.place_rows,
        _list_states(states, EntityKind.PLACE),
        runner,
    )


def visit_model(
    queries: VisitQueries,
    states: SyncStateQueries | None = None,
    runner: TaskRunner | None = None,
) -> SyncColumnModel:
    return SyncColumnModel(
        [
            Column(QCoreApplication.translate("tables", "Date")),
            Column(QCoreApplication.translate("tables", "Household address")),
            Column(QCoreApplication.translate("tables", "Method")),
            Column(QCoreApplication.translate("tables", "Visitor")),
            Column(QCoreApplication.translate("tables", "Content")),
        ],
        queries.visit_rows,
        _list_states(states, EntityKind.VISIT),
        runner,
    )


_OVERDUE_FG = QColor("#b00020")
_OVERDUE_BG = QColor("#fde7e9")


class EventTableModel(SyncColumnModel):
    """Events with their derived state; open events past their deadline in red."""

    OVERDUE_COLUMN = 7

    def __init__(
        self,
        queries: EventQueries,
        states: SyncStateQueries | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        overdue = QCoreApplication.translate("tables", "Overdue")
        self._overdue_text = overdue

        def fetch(ids: Sequence[str]) -> dict[str, Row]:
            rows = queries.event_rows(ids)
            return {
                event_id: (*row.cells(), overdue if row.overdue else "", row.overdue)
                for event_id, row in rows.items()
            }

        super().__init__(
            [
                Column(QCoreApplication.translate("tables", "Title")),
                Column(QCoreApplication.translate("tables", "Category")),
                Column(QCoreApplication.translate("tables", "Ledger")),
                Column(QCoreApplication.translate("tables", "Urgency"), _CENTER),
                Column(QCoreApplication.translate("tables", "Reported")),
                Column(QCoreApplication.translate("tables", "State"), _CENTER),
                Column(QCoreApplication.translate("tables", "Deadline")),
                Column(overdue, _CENTER),
            ],
            fetch,
            _list_states(states, EntityKind.EVENT),
            runner,
        )

    def style_data(self, row: Row, column: int, role: int) -> Any:
        if not row[-1]:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_OVERDUE_FG)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_OVERDUE_BG)
        if role == Qt.ItemDataRole.FontRole and column == self.OVERDUE_COLUMN:
            font = QFont()
            font.setBold(True)
            return font
        return None


def event_model_widths() -> tuple[int, ...]:
    """Every column but the title (which stretches over what is left): at 1280 or
    1366 px wide the 超期 and sync columns stay whole, the title keeps ≥ 200 px. The
    date columns are widened to their text by :func:`fit_samples`."""
    return (240, 130, 84, 64, 150, 72, 100, 56)


EVENT_SAMPLES = {4: "2026-12-31 23:59", 6: "2026-12-31"}
"""Texts the events list's date columns must show whole (上报时间, 办理期限)."""


def event_samples() -> dict[int, str]:
    """:data:`EVENT_SAMPLES` and the 超期 column's word (in bold, in the language in use)."""
    overdue = QCoreApplication.translate("tables", "Overdue")
    return {**EVENT_SAMPLES, EventTableModel.OVERDUE_COLUMN: overdue}


EVENT_OPTIONAL_COLUMNS = (2, 3)
"""台账 and 紧急程度, hidden in that order where the title would get less than
:data:`EVENT_TITLE_MINIMUM` (1366×768 at 125 %); the ledger filter still narrows."""
EVENT_TITLE_MINIMUM = 200

VISIT_SAMPLES = {0: "2026-12-31 23:59"}


def fit_samples(table: RecordTable, samples: Mapping[int, str], bold: Collection[int] = ()) -> None:
    """Widen columns to show a sample text whole in the table's font (a date at the
    font size and scaling in use; ``bold``: columns whose cells are bold), never
    narrower than set; again whenever the font changes (the window's larger font
    arrives when the table is placed in it)."""
    table.samples = dict(samples)
    table.bold_samples = set(bold)
    table.fit()


class RecordTable(QTableView):
    """A read-only list: whole rows selected, Enter or double-click opens the record."""

    open_requested = Signal(str)

    def __init__(
        self, model: LazyTableModel, widths: Sequence[int] = (), stretch: int | None = None
    ) -> None:
        super().__init__()
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)
        if isinstance(model, SyncColumnModel):
            # The sync column is last and compact: do not stretch it over the free space.
            header.setStretchLastSection(False)
            self.setColumnWidth(model.sync_column, model.SYNC_WIDTH)
        if stretch is not None:
            # This column takes what the others leave (and gives it back on a narrow
            # screen), so no column is cut at the right edge.
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.activated.connect(self._activated)
        self.samples: dict[int, str] = {}
        self.bold_samples: set[int] = set()
        self._stretch = stretch
        self._optional: list[int] = []
        self._optional_widths: dict[int, int] = {}
        self._stretch_minimum = 0

    def fit(self) -> None:
        """Each sample column at least as wide as its sample (in bold where the cell
        is bold: 超期) and its header's title."""
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        header = self.horizontalHeader()
        for column, sample in self.samples.items():
            title = self.model().headerData(column, Qt.Orientation.Horizontal)
            text = max(
                (bold_metrics if column in self.bold_samples else metrics).horizontalAdvance(
                    sample
                ),
                header.fontMetrics().horizontalAdvance(str(title or "")),
            )
            wanted = text + 2 * metrics.averageCharWidth() + 8
            self.setColumnWidth(column, max(self.columnWidth(column), wanted))
        self.fit_columns()

    def set_optional_columns(self, columns: Sequence[int], stretch_minimum: int) -> None:
        """Columns hidden, in this order, while the stretching column would otherwise
        get less than ``stretch_minimum`` px (1366×768 at 125 %): the columns at the
        right edge (超期, sync) are never pushed off the view."""
        self._optional = list(columns)
        self._stretch_minimum = stretch_minimum
        self.fit_columns()

    def fit_columns(self) -> None:
        if not self._optional or self._stretch is None:
            return
        header = self.horizontalHeader()
        fixed = sum(
            self.columnWidth(c)
            for c in range(header.count())
            if c != self._stretch and c not in self._optional
        )
        room = self.viewport().width() - self._stretch_minimum - fixed
        for column in self._optional:
            width = self.columnWidth(column) or self._optional_widths.get(column, 0)
            show = width <= room
            if show:
                room -= width
            if show == self.isColumnHidden(column):
                if not show:
                    self._optional_widths[column] = self.columnWidth(column)
                self.setColumnHidden(column, not show)
                if show:
                    self.setColumnWidth(column, self._optional_widths.get(column, width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.samples:
            self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter opens the record on every platform (macOS styles do not activate).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            current = self.currentIndex()
            if current.isValid():
                self._activated(current)
                return
        super().keyPressEvent(event)

    def _activated(self, index: Any) -> None:
        record_id = index.data(ID_ROLE)
        if isinstance(record_id, str):
            self.open_requested.emit(record_id)

    def current_id(self) -> str | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        record_id = index.data(ID_ROLE)
        return record_id if isinstance(record_id, str) else None


IdSource = Callable[[], list[str]]
HeadSource = Callable[[int], list[str]]
"""The first ``n`` ids of the same list as an :data:`IdSource`, in the same order."""

HEAD_ROWS = 100
"""Ids of a list's first screen: two row blocks, more rows than any screen shows."""


class ListPane(QWidget):
    """Filter bar, table and a count; the id list comes from the task runner."""

    loaded = Signal(int)
    """Emitted with the number of rows shown after every (re)load or search."""

    def __init__(
        self,
        runner: TaskRunner,
        model: LazyTableModel,
        count_text: Callable[[int], str],
        widths: Sequence[int] = (),
        filters: QWidget | None = None,
        *,
        stretch: int | None = None,
    ) -> None:
        super().__init__()
        self.runner = runner
        self.model = model
        self._count_text = count_text
        self._base: list[str] = []
        self._hits: Collection[str] | None = None
        self._generation = 0
        self._source: IdSource | None = None
        self._head: HeadSource | None = None
        self._stale = False
        self._partial = False
        self._complete_generation = -1
        self.table = RecordTable(model, widths, stretch)
        self.count_label = TextLabel()
        self.count_label.setObjectName("count")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        if filters is not None:
            bar.addWidget(filters)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def load(self, source: IdSource, head: HeadSource | None = None) -> None:
        """Build the id list off the UI thread; an older pending load is discarded.

        With ``head`` and an empty list on screen (a tab shown for the first time, or a
        filter that found nothing), the first screen comes first: ``head`` reads the
        first :data:`HEAD_ROWS` ids (an index walk that stops there), they are shown,
        and only then is the whole list (and its sync states) built, which replaces
        them in place. A list already on screen is replaced in one step, so its
        scroll position and selection follow their records as before."""
        self._source, self._head, self._stale = source, head, False
        self._generation += 1
        generation = self._generation
        if head is None or self.model.rowCount():
            self._load_all(source, generation)
            return

        model = self.model

        def first(_ctx: TaskContext) -> tuple[list[str], Mapping[str, Row]]:
            ids = head(HEAD_ROWS)
            # Its rows too: painting them then runs no query on the UI thread.
            return ids, model.read_rows(ids[: model.block])

        def shown(result: object) -> None:
            if generation != self._generation:
                return
            assert isinstance(result, tuple)
            ids, rows = result
            model.prime(rows)
            self._base, self._partial = ids, True
            self._show()
            if self.runner.synchronous:
                self._load_all(source, generation)
            else:
                # The whole list once this screen is painted (the view's posted paint
                # events go before a zero timer): its query and the paint would
                # otherwise take turns with the GIL on the UI thread's row reads.
                QTimer.singleShot(0, self, lambda: self._load_all(source, generation))

        def failed(exc: BaseException) -> None:
            log.warning("the first screen of a list failed to load", exc_info=exc)
            self._load_all(source, generation)

        self.runner.submit(first, on_done=shown, on_error=failed)

    def _load_all(self, source: IdSource, generation: int) -> None:
        if generation != self._generation:
            return
        model = self.model

        def work(_ctx: TaskContext) -> tuple[list[str], Mapping[str, HouseholdSyncState] | None]:
            ids = source()
            # The list's sync states in the same task: one query per refresh.
            states = model.load_states() if isinstance(model, SyncColumnModel) else None
            return ids, states

        def done(result: object) -> None:
            if generation != self._generation:
                return  # a newer filter or search replaced this request
            assert isinstance(result, tuple)
            ids, states = result
            if states is not None and isinstance(model, SyncColumnModel):
                model.set_states(states)
            self._base, self._partial = ids, False
            self._complete_generation = generation
            self._show()

        self.runner.submit(work, on_done=done)

    def defer(self, source: IdSource, head: HeadSource | None = None) -> None:
        """Keep ``source`` (and ``head``) for :meth:`ensure_loaded` (a list not on
        screen is built when it is first shown); a load still pending is discarded."""
        self._source, self._head, self._stale = source, head, True
        self._generation += 1

    def ensure_loaded(self) -> None:
        """Load the deferred source, if any."""
        if self._stale and self._source is not None:
            self.load(self._source, self._head)

    @property
    def complete(self) -> bool:
        """The whole list is shown (not only its first screen, nor nothing yet)."""
        return self._complete_generation == self._generation

    @property
    def stale(self) -> bool:
        """A source is waiting for :meth:`ensure_loaded`."""
        return self._stale

    def set_hits(self, hits: Collection[str] | None) -> None:
        """Narrow the list to search hits (``None``: no search); a deferred list is
        narrowed when it loads (a first screen is narrowed at once, and the whole list
        when it arrives)."""
        self._hits = hits
        if not self._stale:
            self._show()

    def _show(self) -> None:
        hits = self._hits
        ids = self._base if hits is None else [i for i in self._base if i in hits]
        top = self.table.rowAt(0)  # the record at the top of the view, to keep it there
        top_id = self.model.id_at(top) if 0 <= top < self.model.rowCount() else None
        self.model.set_ids(ids)
        if top_id is not None and top > 0:
            row = self.model.row_of(top_id)
            if row >= 0:
                self.table.scrollTo(
                    self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
                )
        if self._partial:  # the first screen: the count comes with the whole list
            self.count_label.setText(QCoreApplication.translate("tables", "Loading…"))
            return
        self.count_label.setText(self._count_text(len(ids)))
        self.loaded.emit(len(ids))
