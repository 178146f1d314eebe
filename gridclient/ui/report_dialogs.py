"""报表: pick a report, an area and a period (a month, a quarter, a year or any range of
days); print preview, print, PDF or Excel. After an export, a message offers to open
the file or the folder it is in.

The report is built (database queries) and laid out (the text layout of every page,
the slow part of printing) on the task runner; the UI thread shows the progress (rows
read, rows laid out, pages written) with a 取消 button that stops the job at its next
chunk of rows or page (and closing the dialog cancels too) and, for the preview, only
paints pages already laid out. A report of more than :data:`LARGE_ROWS` rows is not
laid out before the user says so: hundreds of pages take minutes and much memory, and
the message offers the Excel file instead or a shorter period / smaller area.

When the user changes the paper or orientation inside the preview, the new layout is
made on the runner too: the preview shows a "laying out…" page and a busy bar meanwhile
and refreshes when the layout is ready (a layout for a page the user has already left
again is dropped).
The preview, the printer and the PDF all go through ``gridclient.reports.render``
(one pagination for all three), the Excel file through ``gridclient.reports.excel``.
ID and phone numbers are masked as for the command line: in full only for the roles
that may see them
(:func:`gridclient.reports.data.may_see_full_ids`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDir,
    QRectF,
    QStandardPaths,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QPainter
from PySide6.QtPrintSupport import (
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from gridclient.cancel import Cancelled
from gridclient.reports.data import (
    AreaChoice,
    AreaNotFound,
    EventFilter,
    EventStateFilter,
    Period,
    Report,
    ReportKind,
    build_report,
    may_see_full_ids,
    report_areas,
)
from gridclient.reports.periods import (
    MAX_YEAR,
    MIN_YEAR,
    PeriodKind,
    containing,
    file_label,
    month_period,
    period_name,
    quarter_of,
    quarter_period,
    year_period,
)
from gridclient.reports.progress import Step
from gridclient.reports.render import (
    Pagination,
    page_layout,
    paginate_like,
    paint,
    render_pdf,
    render_to_printer,
    setup_printer,
)
from gridclient.storage.queries import AreaFilter
from gridclient.ui.context import AppContext, ChangeSet
from gridclient.ui.form_common import InlineMessage, emphasize, make_readable
from gridclient.ui.i18n import ui_text
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.screen_fit import fit_to_screen
from gridclient.ui.tasks import TaskContext, TaskHandle
from gridcore.domain.enums import EventSource, Ledger, PlaceKind, SpecialGroup
from gridcore.domain.programs import household_programs, program_tags

__all__ = [
    "LARGE_ROWS",
    "PREVIEW_LARGE_ROWS",
    "AskSavePath",
    "ReportDialog",
    "ReportRequest",
    "failure_text",
    "last_month",
    "save_file_dialog",
    "tree_area_id",
]

AskSavePath = Callable[[QWidget, str, str, str], str]
"""(parent, caption, suggested path, filter) → the chosen path or "" (injectable for
tests; the default is ``QFileDialog.getSaveFileName``)."""


def save_file_dialog(parent: QWidget, caption: str, suggested: str, filters: str) -> str:
    path, _selected = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return path


def tree_area_id(area: AreaFilter, key: object) -> str | None:
    """The area to default to for the area tree's current node (``key``, its id): a
    micro-grid's reports are its grid's."""
    if area.micro_grid_id is not None and area.grid_ids:
        return area.grid_ids[0]
    return key if isinstance(key, str) else None


def last_month(today: date) -> date:
    """The first day of the month before ``today``'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    area_id: str
    period: Period
    group: SpecialGroup | None
    period_kind: PeriodKind = PeriodKind.MONTH
    masked: bool = False
    """A copy for passing upward: ID and phone numbers masked whatever the role."""
    which: EventFilter = field(default_factory=EventFilter)
    """Which events the event ledger and statistics cover."""
    program: str | None = None
    """Which households the 重点户花名册 lists (see ``household_programs``)."""
    place_kind: PlaceKind | None = None
    """Which places the 场所名册 lists (None: every kind)."""

    def file_stem(self, unit: str) -> str:
        name = self.kind.chinese
        if self.kind is ReportKind.ROSTER and self.group is not None:
            name += f"_{self.group.label}"
        elif self.kind is ReportKind.HOUSEHOLD_ROSTER and self.program is not None:
            name += f"_{program_tags(self.program)[0]}"
        elif self.kind is ReportKind.PLACE_ROSTER:
            if self.place_kind is not None:
                name += f"_{self.place_kind.label}"
        else:
            subtitle = self.which.subtitle()
            if subtitle:
                name += f"_{subtitle}"
            name += f"_{file_label(self.period_kind, self.period)}"
        if self.masked:
            name += "_脱敏"
        return re.sub(r'[\\/:*?"<>|\s]+', "_", f"{unit}_{name}")


LARGE_ROWS = 15_000
"""Above this many rows the dialog asks before laying a report out. Measured on the L
store (docs/benchmarks.md, "The largest reports at L"): layout and painting cost about
1 ms of CPU per event-ledger row (8 rows a page) and the laid-out pages ~22 kB per row
until written. One township's largest reports (a year's ledger, 9,961 rows, 1,269
pages, 13.6 s CPU and 346 MB in all; a quarter's visit register, 12,416 rows) are not
asked about; 15,000 ledger rows stay within ~20 s CPU and ~500 MB. A year's ledger of
an L-sized office (101,363 rows, 12,752 pages) took 130 s CPU, 5.6 min under load, and
2.4 GB."""

PREVIEW_LARGE_ROWS = 3_000
"""Above this many rows the print preview asks first: Qt's preview paints every page on
the UI thread when it opens (one township's year ledger, 1,269 pages: the window stood
still for 3.8 s), so a long report is better exported as a PDF and opened."""

_PROGRESS_EVERY_S = 0.1
"""Progress is sent to the UI thread at most this often (the cancel is checked at every
step)."""


def _step(task: TaskContext, phase: str) -> Step:
    """A step for the report functions: checks the task's cancel every time (raising
    :class:`Cancelled`) and reports ``(done, total, phase)`` now and then."""
    last = [0.0]

    def step(done: int, total: int) -> None:
        task.check()
        now = time.monotonic()
        if now - last[0] >= _PROGRESS_EVERY_S or done == total:
            last[0] = now
            task.progress(done, total, phase)

    return step


_EVENT_KINDS = frozenset({ReportKind.EVENT_LEDGER, ReportKind.EVENT_STATS})
_ROSTERS = frozenset(
    {
        ReportKind.ROSTER,
        ReportKind.HOUSEHOLD_ROSTER,
        ReportKind.ORGANIZATION_ROSTER,
        ReportKind.PLACE_ROSTER,
        ReportKind.MICRO_GRID_ROSTER,
        ReportKind.CADRE_ROSTER,
    }
)
"""Lists as of the day they are printed (no period); the only reports with numbers."""


class ReportDialog(QDialog):
    """Non-modal; one report at a time. The last built report is reused while the
    choices stay the same (preview, then print or export without building it again)."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        area_id: str | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
        ask_save_path: AskSavePath = save_file_dialog,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.ask_save_path = ask_save_path
        self._wanted_area = area_id
        self._closed = False
        self._handle: TaskHandle | None = None
        self._generation = 0
        """Bumped by a cancel: the cancelled job's result or error is dropped."""
        self._large_ok: ReportRequest | None = None
        """The request the user chose to lay out although it has more than LARGE_ROWS."""
        self.large_box: QMessageBox | None = None
        """The "this report is very large" question, while it is open."""
        self._report: tuple[ReportRequest, Report] | None = None
        self._pagination: Pagination | None = None
        self._relayout: TaskHandle | None = None
        self._relayout_key: tuple[int, int, int] | None = None
        self._relayout_generation = 0
        self._painting = False
        self._shown_period: Period | None = None
        self._bad_range_shown = False
        self.preview_dialog: QPrintPreviewDialog | None = None
        self.preview_busy: QAction | None = None
        self.preview_print: QAction | None = None
        """The preview's own print action: off while re-laying out (it would print the
        placeholder page)."""
        """The preview tool bar's busy bar (its action), shown while re-laying out."""
        self.printer: QPrinter | None = None
        self.last_output: Path | None = None
        self.export_box: QMessageBox | None = None
        """The "saved: open the file / the folder" message of the last export."""
        self.setWindowTitle(self.tr("Reports"))
        fit_to_screen(self, 620, 380)

        heading = emphasize(TextLabel(self.tr("Print or export a report")), point_size=15)
        self.kind_combo = QComboBox()
        for kind in ReportKind:
            self.kind_combo.addItem(kind.chinese, kind.value)
        self.group_combo = QComboBox()
        for group in SpecialGroup:
            self.group_combo.addItem(group.label, group.value)
        self.group_label = TextLabel(self.tr("Group"))
        self.program_combo = QComboBox()
        for program_code, program_name in household_programs():
            self.program_combo.addItem(program_name, program_code)
        self.program_label = TextLabel(self.tr("Households"))
        self.place_kind_combo = QComboBox()
        self.place_kind_combo.addItem(self.tr("All kinds"), None)
        for place_kind in PlaceKind:
            self.place_kind_combo.addItem(place_kind.label, place_kind.value)
        self.place_kind_label = TextLabel(self.tr("Places"))
        self.area_combo = QComboBox()
        self.area_combo.addItem(self.tr("Loading…"), None)
        self.area_combo.setEnabled(False)
        self._build_period_choice(last_month(today or date.today()))
        # Which events an event ledger or the statistics cover: one 三本账 ledger, one
        # category, a state, the overdue ones (e.g. 意见建议账 or an 超期未办结 list).
        self.ledger_combo = QComboBox()
        self.ledger_combo.addItem(self.tr("All ledgers"), None)
        for ledger in Ledger:
            self.ledger_combo.addItem(f"{ledger.label}账", ledger.value)
        self.ledger_label = TextLabel(self.tr("Ledger"))
        self.category_combo = QComboBox()
        self.category_combo.addItem(self.tr("All categories"), None)
        self.category_label = TextLabel(self.tr("Category"))
        self.state_combo = QComboBox()
        for choice in EventStateFilter:
            self.state_combo.addItem(choice.label, choice.value)
        self.state_label = TextLabel(self.tr("State"))
        self.source_combo = QComboBox()
        self.source_combo.addItem(self.tr("All sources"), None)
        for source in EventSource:
            self.source_combo.addItem(source.label, source.value)
        self.source_label = TextLabel(self.tr("Source"))
        self.overdue_box = QCheckBox(self.tr("Overdue only"))
        self._event_filters = (
            (self.ledger_label, self.ledger_combo),
            (self.category_label, self.category_combo),
            (self.state_label, self.state_combo),
            (self.source_label, self.source_combo),
        )
        mask_text = (
            self.tr("ID and phone numbers are printed in full (your role may see them).")
            if may_see_full_ids(ctx.user.role)
            else self.tr("ID and phone numbers are printed masked.")
        )
        self.mask_label = TextLabel(mask_text)
        self.mask_label.setWordWrap(True)
        self.masked_box = QCheckBox(self.tr("Masked copy for passing upward"))
        self.masked_box.setToolTip(
            self.tr("ID, certificate and phone numbers are masked whatever your role.")
        )

        form = QFormLayout()
        form.addRow(self.tr("Report"), self.kind_combo)
        form.addRow(self.group_label, self.group_combo)
        form.addRow(self.program_label, self.program_combo)
        form.addRow(self.place_kind_label, self.place_kind_combo)
        form.addRow(self.tr("Area"), self.area_combo)
        form.addRow(self.period_row_label, self.period_row)
        form.addRow("", self.period_label)
        for label, combo in self._event_filters:
            form.addRow(label, combo)
        form.addRow("", self.overdue_box)
        form.addRow("", self.masked_box)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy until the work reports its steps
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.status_label = TextLabel()
        self.status_label.setWordWrap(True)
        self.message = InlineMessage()

        self.preview_button = QPushButton(self.tr("Print preview"))
        self.print_button = QPushButton(self.tr("Print…"))
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.excel_button = QPushButton(self.tr("Export Excel…"))
        self.close_button = QPushButton(self.tr("Close"))
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.excel_button.clicked.connect(lambda: self.export_excel())
        self.close_button.clicked.connect(self.close)
        self._action_buttons = (
            self.preview_button,
            self.print_button,
            self.pdf_button,
            self.excel_button,
        )
        for button in (*self._action_buttons, self.close_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        for button in self._action_buttons:
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.mask_label)
        layout.addStretch(1)
        layout.addLayout(progress_row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.kind_combo.currentIndexChanged.connect(self._choices_changed)
        self.period_kind.currentIndexChanged.connect(self._period_kind_changed)
        self.month_edit.dateChanged.connect(self._choices_changed)
        self.quarter_year.valueChanged.connect(self._choices_changed)
        self.quarter_combo.currentIndexChanged.connect(self._choices_changed)
        self.year_spin.valueChanged.connect(self._choices_changed)
        self.from_edit.dateChanged.connect(self._choices_changed)
        self.to_edit.dateChanged.connect(self._choices_changed)
        for _label, combo in self._event_filters:
            combo.currentIndexChanged.connect(self._choices_changed)
        self.overdue_box.toggled.connect(self._choices_changed)
        self.ctx.bus.changed.connect(self._data_changed)
        self._choices_changed()
        self._set_busy(self.tr("Loading areas…"))
        self._load_areas()

    # -- choices ------------------------------------------------------------------------
    def _build_period_choice(self, last: date) -> None:
        """按月 / 按季度 / 按年 / 自定义, each with its own picker; every one starts on the
        period that holds last month (the month, quarter or year usually reported)."""
        self.period_kind = QComboBox()
        for label, kind in (
            (self.tr("Month"), PeriodKind.MONTH),
            (self.tr("Quarter"), PeriodKind.QUARTER),
            (self.tr("Year"), PeriodKind.YEAR),
            (self.tr("Custom dates"), PeriodKind.CUSTOM),
        ):
            self.period_kind.addItem(label, kind.value)

        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setCalendarPopup(True)
        self.month_edit.setDate(QDate(last.year, last.month, 1))

        self.quarter_year = _year_spin(last.year)
        self.quarter_combo = QComboBox()
        for number, label in enumerate(
            (
                self.tr("First quarter"),
                self.tr("Second quarter"),
                self.tr("Third quarter"),
                self.tr("Fourth quarter"),
            ),
            start=1,
        ):
            self.quarter_combo.addItem(label, number)
        self.quarter_combo.setCurrentIndex(quarter_of(last) - 1)
        self.year_spin = _year_spin(last.year)

        month = month_period(last.year, last.month)
        self.from_edit = _day_edit(month.start)
        self.to_edit = _day_edit(month.end)

        self.period_stack = QStackedWidget()
        for widgets in (
            (self.month_edit,),
            (self.quarter_year, self.quarter_combo),
            (self.year_spin,),
            (self.from_edit, TextLabel(self.tr("to")), self.to_edit),
        ):
            page = QWidget()
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            self.period_stack.addWidget(page)
        self.period_row = QWidget()
        row = QHBoxLayout(self.period_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.period_kind)
        row.addWidget(self.period_stack, 1)
        self.period_row_label = TextLabel(self.tr("Period"))
        self.period_label = TextLabel()

    def period_kind_value(self) -> PeriodKind:
        return PeriodKind(self.period_kind.currentData())

    def set_period_kind(self, kind: PeriodKind) -> None:
        self.period_kind.setCurrentIndex(self.period_kind.findData(kind.value))

    def _period_kind_changed(self) -> None:
        """Switching keeps the time the user was looking at: the quarter and the year of
        the month shown, a custom range starting as that period."""
        previous = self._shown_period
        kind = self.period_kind_value()
        self.period_stack.setCurrentIndex(list(PeriodKind).index(kind))
        if previous is not None:
            day = previous.start
            for widget in (self.quarter_year, self.year_spin):
                widget.blockSignals(True)
                widget.setValue(day.year)
                widget.blockSignals(False)
            self.quarter_combo.blockSignals(True)
            self.quarter_combo.setCurrentIndex(quarter_of(day) - 1)
            self.quarter_combo.blockSignals(False)
            self.month_edit.blockSignals(True)
            self.month_edit.setDate(QDate(day.year, day.month, 1))
            self.month_edit.blockSignals(False)
            if kind is PeriodKind.CUSTOM:
                for edit, value in ((self.from_edit, previous.start), (self.to_edit, previous.end)):
                    edit.blockSignals(True)
                    edit.setDate(QDate(value.year, value.month, value.day))
                    edit.blockSignals(False)
        self._choices_changed()

    def period(self) -> Period | None:
        """The period chosen; None for a custom range that ends before it starts."""
        kind = self.period_kind_value()
        if kind is PeriodKind.MONTH:
            month = self.month_edit.date()
            return month_period(month.year(), month.month())
        if kind is PeriodKind.QUARTER:
            return quarter_period(self.quarter_year.value(), int(self.quarter_combo.currentData()))
        if kind is PeriodKind.YEAR:
            return year_period(self.year_spin.value())
        start, end = _py_date(self.from_edit.date()), _py_date(self.to_edit.date())
        if end < start:
            return None
        return Period(start, end)

    def _load_areas(self) -> None:
        store, grids = self.ctx.store, self.ctx.user.grid_ids

        def work(_task: TaskContext) -> tuple[list[AreaChoice], list[tuple[str, str, bool]]]:
            with store.read() as repos:
                catalog = repos.catalog.load()
            categories = [(c.code, c.name, c.active) for c in catalog]
            return report_areas(store, grids or None), categories

        self._handle = self.ctx.runner.submit(work, on_done=self._show_areas, on_error=self._failed)

    def _show_areas(self, loaded: object) -> None:
        if self._closed:
            return
        result, categories = cast(tuple[list[AreaChoice], list[tuple[str, str, bool]]], loaded)
        for code, name, active in categories:
            shown = name if active else self.tr("{name} (retired)").format(name=name)
            self.category_combo.addItem(f"{code} {shown}", code)
        self._set_idle()
        self.area_combo.clear()
        for area in result:
            assert isinstance(area, AreaChoice)
            self.area_combo.addItem(
                "　" * area.depth + f"{area.name}（{area.level.label}）", area.id
            )
        self.area_combo.setEnabled(bool(result))
        if not result:
            self.message.show_message(self.tr("There are no areas in the local data yet."))
        self.select_area(self._wanted_area)
        self._choices_changed()

    def select_area(self, area_id: str | None) -> bool:
        """Select ``area_id`` (a grid, village or township; a micro-grid selects its
        grid) when it is in the list; else keep the top area."""
        if area_id is None:
            return False
        index = self.area_combo.findData(area_id)
        if index >= 0:
            self.area_combo.setCurrentIndex(index)
            return True
        return False

    def request(self) -> ReportRequest | None:
        area_id = self.area_combo.currentData()
        if not isinstance(area_id, str):
            return None
        kind = self._kind()
        period = self.period()
        if period is None:
            if kind not in _ROSTERS:
                return None
            period = containing(PeriodKind.MONTH, date.today())  # unused by the rosters
        group = SpecialGroup(self.group_combo.currentData()) if kind is ReportKind.ROSTER else None
        program = self.program_combo.currentData() if kind is ReportKind.HOUSEHOLD_ROSTER else None
        masked = kind in _ROSTERS and self.masked_box.isChecked()
        place_code = self.place_kind_combo.currentData()
        place_kind = (
            PlaceKind(place_code)
            if kind is ReportKind.PLACE_ROSTER and isinstance(place_code, str)
            else None
        )
        which = EventFilter()
        if kind in _EVENT_KINDS:
            ledger = self.ledger_combo.currentData()
            category = self.category_combo.currentData()
            source = self.source_combo.currentData()
            which = EventFilter(
                source=EventSource(source) if isinstance(source, str) else None,
                ledger=Ledger(ledger) if isinstance(ledger, str) else None,
                category=category if isinstance(category, str) else None,
                state=EventStateFilter(self.state_combo.currentData()),
                overdue=self.overdue_box.isChecked(),
            )
        return ReportRequest(
            kind,
            area_id,
            period,
            group,
            self.period_kind_value(),
            masked,
            which,
            program,
            place_kind,
        )

    def _kind(self) -> ReportKind:
        return ReportKind(self.kind_combo.currentData())

    def _choices_changed(self) -> None:
        roster = self._kind() in _ROSTERS
        people = self._kind() is ReportKind.ROSTER
        self.group_label.setVisible(people)
        self.group_combo.setVisible(people)
        households = self._kind() is ReportKind.HOUSEHOLD_ROSTER
        self.program_label.setVisible(households)
        self.program_combo.setVisible(households)
        places = self._kind() is ReportKind.PLACE_ROSTER
        self.place_kind_label.setVisible(places)
        self.place_kind_combo.setVisible(places)
        events = self._kind() in _EVENT_KINDS
        for label, combo in self._event_filters:
            label.setVisible(events)
            combo.setVisible(events)
        self.overdue_box.setVisible(events)
        # Only the rosters print ID and phone numbers; masking is theirs.
        self.masked_box.setVisible(roster)
        self.period_row_label.setVisible(not roster)
        self.period_row.setVisible(not roster)
        period = self.period()
        kind = self.period_kind_value()
        self._shown_period = period or self._shown_period
        bad_range = period is None and not roster
        if roster:
            self.period_label.setText(self.tr("As of the day it is printed"))
        elif period is None:
            self.period_label.setText("")
        elif kind is PeriodKind.CUSTOM:
            self.period_label.setText(self.tr("Period: {period}").format(period=period.text))
        else:
            self.period_label.setText(
                self.tr("Period: {name}, {dates}").format(
                    name=period_name(kind, period), dates=period.text
                )
            )
        if bad_range:
            self.message.show_message(
                self.tr("The end date is before the start date: choose an end date on or after it.")
            )
        elif self._bad_range_shown:
            self.message.show_message("")
        self._bad_range_shown = bad_range
        self._set_enabled(not self.busy)

    def _data_changed(self, _changes: ChangeSet) -> None:
        self._report = None  # rebuild from the changed data next time

    # -- running ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.done

    def _set_enabled(self, idle: bool) -> None:
        ready = idle and self.request() is not None
        for button in self._action_buttons:
            button.setEnabled(ready)
        self.kind_combo.setEnabled(idle)

    def _set_busy(self, text: str, *, cancellable: bool = False) -> None:
        self.message.show_message("")
        self.status_label.setText(text)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setVisible(cancellable)
        self._set_enabled(False)

    def _set_idle(self, text: str = "") -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.status_label.setText(text)
        self._set_enabled(True)

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        if isinstance(exc, Cancelled):
            self._set_idle(self.tr("Cancelled."))
            return
        self._set_idle()
        self.message.show_message(_error_text(exc))

    def cancel(self) -> None:
        """Stop the running job (取消): the worker stops at its next chunk of rows or
        page, its result is dropped, and the dialog is ready again at once."""
        if not self.busy or self._handle is None:
            return
        self._handle.cancel()
        self._handle = None
        self._generation += 1
        self._set_idle(self.tr("Cancelled."))

    def _progressed(self, done: int, total: int, phase: str) -> None:
        if self._closed or not self.busy:
            return
        if total <= 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        texts = {
            "data": self.tr("Reading the data: {done} of {total} rows…"),
            "layout": self.tr("Laying out the pages: {done} of {total} rows…"),
            "pages": self.tr("Writing the pages: {done} of {total}…"),
            "excel": self.tr("Writing the Excel file: {done} of {total} rows…"),
        }
        if total <= 0:
            self.status_label.setText(self.tr("Reading the data…"))
        elif phase in texts:
            self.status_label.setText(
                texts[phase].format(done=f"{min(done, total):,}", total=f"{total:,}")
            )

    def _run(
        self,
        text: str,
        work: Callable[[TaskContext, Report], Any],
        on_done: Callable[[Report, Any], None],
        *,
        lays_out: Callable[[], None] | None = None,
        preview: bool = False,
    ) -> None:
        """Build the report (or reuse the last one) and run ``work`` on it, both on the
        task runner; then ``on_done(report, result)`` on the UI thread. ``lays_out``:
        the work lays the report out, and this is how to run the action again once the
        user has agreed to lay out a report of more than :data:`LARGE_ROWS` rows
        (:data:`PREVIEW_LARGE_ROWS` for the ``preview``)."""
        request = self.request()
        if request is None or self.busy:
            return
        self._close_large_box()
        self._set_busy(text, cancellable=True)
        cached = self._report[1] if self._report and self._report[0] == request else None
        store, role = self.ctx.store, self.ctx.user.role
        ask_large = lays_out is not None and request != self._large_ok
        large_rows = PREVIEW_LARGE_ROWS if preview else LARGE_ROWS
        generation = self._generation

        def task(task_ctx: TaskContext) -> tuple[Report, Any]:
            report = cached or build_report(
                store,
                request.kind,
                request.area_id,
                request.period,
                role=role,
                group=request.group,
                program=request.program,
                place_kind=request.place_kind,
                masked=request.masked,
                which=request.which,
                step=_step(task_ctx, "data"),
            )
            task_ctx.check()
            if ask_large and len(report.rows) > large_rows:
                return report, _LARGE
            return report, work(task_ctx, report)

        def done(result: object) -> None:
            if self._closed or generation != self._generation:
                return
            report, value = cast(tuple[Report, Any], result)
            self._report = (request, report)
            self._set_idle()
            if value is _LARGE and lays_out is not None:
                self._ask_large(request, report, lays_out, preview=preview)
                return
            on_done(report, value)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._failed(exc)

        self._handle = self.ctx.runner.submit(
            task, on_done=done, on_error=failed, on_progress=self._progressed, lane="cpu"
        )

    def _ask_large(
        self,
        request: ReportRequest,
        report: Report,
        again: Callable[[], None],
        *,
        preview: bool = False,
    ) -> None:
        """More than LARGE_ROWS rows (PREVIEW_LARGE_ROWS for a preview): lay it out
        anyway, export Excel instead, or not."""
        box = QMessageBox(self)
        make_readable(box)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("A very large report"))
        why = (
            self.tr(
                "The preview draws every page at once, and the window does not respond "
                "meanwhile: export a PDF and open it instead."
            )
            if preview
            else self.tr(
                "Laying them out takes minutes and much memory, and few printers finish such a job."
            )
        )
        box.setText(
            self.tr("{title} has {rows} rows: hundreds or thousands of pages.").format(
                title=report.full_title, rows=f"{len(report.rows):,}"
            )
            + "\n"
            + why
        )
        box.setInformativeText(
            self.tr(
                "Export it to Excel instead, or print it in parts: a shorter period "
                "(a month instead of a year) or a smaller area (one village or grid)."
            )
        )
        self.large_excel_button = box.addButton(
            self.tr("Export Excel…"), QMessageBox.ButtonRole.AcceptRole
        )
        self.large_continue_button = box.addButton(
            self.tr("Lay out all pages"), QMessageBox.ButtonRole.ActionRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(self.large_excel_button)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(button: QAbstractButton) -> None:
            self.large_box = None
            if button is self.large_excel_button:
                self.export_excel()
            elif button is self.large_continue_button:
                self._large_ok = request
                again()

        box.buttonClicked.connect(chosen)
        box.finished.connect(lambda _r, b=box: self._forget_large_box(b))
        self.large_box = box
        box.open()

    def _forget_large_box(self, box: QMessageBox) -> None:
        if self.large_box is box:
            self.large_box = None

    def _close_large_box(self) -> None:
        if self.large_box is not None:
            box, self.large_box = self.large_box, None
            box.close()

    # -- actions ------------------------------------------------------------------------
    def preview(self) -> None:
        """Lay the report out on the runner, then open the print preview, which only
        paints the pages."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        resolution = printer.resolution()
        app = QCoreApplication.instance()
        assert app is not None
        ui_thread = app.thread()

        def work(task: TaskContext, report: Report) -> Pagination:
            layout = paginate_like(
                report, resolution, page_layout(report), step=_step(task, "layout")
            )
            layout.move_to_thread(ui_thread)
            return layout

        def done(report: Report, layout: Any) -> None:
            assert isinstance(layout, Pagination)
            self._drop_relayout()  # one for an earlier preview's page
            self._pagination = layout
            self.printer = printer
            setup_printer(printer, report)
            dialog = QPrintPreviewDialog(printer, self)
            dialog.setWindowTitle(self.tr("Print preview — {title}").format(title=report.title))
            fit_to_screen(dialog, 1100, 800)
            dialog.paintRequested.connect(self._paint_preview)
            self.preview_dialog = dialog
            self.preview_print = _print_action(dialog)
            self.preview_busy = _add_busy_bar(dialog)
            self.status_label.setText(
                self.tr("{title}: {rows} rows, {pages} pages").format(
                    title=report.full_title, rows=len(report.rows), pages=layout.page_count
                )
            )
            dialog.open()

        self._run(
            self.tr("Preparing the preview…"), work, done, lays_out=self.preview, preview=True
        )

    def _paint_preview(self, printer: QPrinter) -> None:
        layout = self._pagination
        if layout is None:
            return
        if layout.fits(printer):
            self._drop_relayout()  # the user went back to the page laid out already
        else:
            # The user changed the paper or orientation in the preview: lay out again
            # on the runner; a synchronous runner (tests) has the layout at once.
            self._start_relayout(layout.report, printer)
            layout = self._pagination
        self._painting = True
        try:
            if layout is not None and layout.fits(printer):
                paint(layout, printer)
            else:
                _paint_placeholder(printer, self.tr("Laying out the pages…"))
        finally:
            self._painting = False

    def _start_relayout(self, report: Report, printer: QPrinter) -> None:
        """Lay ``report`` out for ``printer``'s current page on the runner, unless that
        layout is already being made; an older one still running is cancelled and its
        result dropped."""
        key = _page_key(printer)
        if key == self._relayout_key and self._relayout is not None and not self._relayout.done:
            return
        self._drop_relayout()
        generation = self._relayout_generation
        self._relayout_key = key
        resolution, page = printer.resolution(), printer.pageLayout()
        app = QCoreApplication.instance()
        assert app is not None
        ui_thread = app.thread()

        def work(task: TaskContext) -> Pagination:
            task.check()
            layout = paginate_like(report, resolution, page, step=lambda _d, _t: task.check())
            layout.move_to_thread(ui_thread)
            return layout

        def done(result: object) -> None:
            if self._closed or generation != self._relayout_generation:
                return  # stale: the user changed the page again meanwhile
            assert isinstance(result, Pagination)
            if self.printer is not None and not result.fits(self.printer):
                return
            self._relayout_key = None
            self._pagination = result
            self._show_preview_busy(False)
            if not self._painting:  # else the running paint uses it right away
                QTimer.singleShot(0, self._refresh_preview)

        def failed(exc: BaseException) -> None:
            if self._closed or generation != self._relayout_generation:
                return
            self._relayout_key = None
            self._show_preview_busy(False)
            self._failed(exc)

        self._show_preview_busy(True)
        self._relayout = self.ctx.runner.submit(work, on_done=done, on_error=failed, lane="cpu")

    def _drop_relayout(self) -> None:
        """Cancel a re-layout still running; its result, if any, will be dropped."""
        self._relayout_generation += 1
        self._relayout_key = None
        if self._relayout is not None and not self._relayout.done:
            self._relayout.cancel()
            self._show_preview_busy(False)

    def _show_preview_busy(self, busy: bool) -> None:
        if self.preview_busy is not None:
            self.preview_busy.setVisible(busy)
        if self.preview_print is not None:
            self.preview_print.setEnabled(not busy)
        if self.preview_dialog is not None:
            if busy:
                self.preview_dialog.setCursor(Qt.CursorShape.BusyCursor)
            else:
                self.preview_dialog.unsetCursor()

    def _refresh_preview(self) -> None:
        dialog = self.preview_dialog
        widget = dialog.findChild(QPrintPreviewWidget) if dialog is not None else None
        if widget is not None and not self._closed:
            widget.updatePreview()

    def print_report(self) -> None:
        """Build the report, ask for the printer, then print on the runner."""

        def done(report: Report, _value: Any) -> None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            setup_printer(printer, report)
            dialog = QPrintDialog(printer, self)
            dialog.accepted.connect(lambda: self.print_to(printer))
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.printer = printer
            dialog.show()

        self._run(
            self.tr("Preparing the report…"),
            lambda _t, _r: None,
            done,
            lays_out=self.print_report,
        )

    def print_to(self, printer: QPrinter) -> None:
        """Print the report on ``printer`` (set up by the print dialog) on the runner."""

        def work(task: TaskContext, report: Report) -> int:
            return render_to_printer(
                report,
                printer,
                setup=False,
                step=_step(task, "layout"),
                page_step=_step(task, "pages"),
            )

        def done(report: Report, pages: Any) -> None:
            self.status_label.setText(
                self.tr("Sent {title} to the printer ({pages} pages).").format(
                    title=report.full_title, pages=pages
                )
            )

        self._run(self.tr("Printing…"), work, done)

    def _target(self, suffix: str, caption: str, filters: str, path: Path | None) -> Path | None:
        if path is not None:
            return path
        request = self.request()
        if request is None:
            return None
        unit = self.area_combo.currentText().strip().split("（")[0]
        folder = (
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or QDir.homePath()
        )
        suggested = str(Path(folder) / f"{request.file_stem(unit)}{suffix}")
        chosen = self.ask_save_path(self, caption, suggested, filters)
        if not chosen:
            return None
        target = Path(chosen)
        return target if target.suffix.lower() == suffix else target.with_suffix(suffix)

    def export_pdf(self, path: Path | None = None) -> None:
        target = self._target(".pdf", self.tr("Export PDF"), self.tr("PDF files (*.pdf)"), path)
        if target is None:
            return

        def work(task: TaskContext, report: Report) -> int:
            return render_pdf(
                report, target, step=_step(task, "layout"), page_step=_step(task, "pages")
            )

        def done(report: Report, pages: Any) -> None:
            self._exported(
                target,
                self.tr("Saved {title} to {path} ({pages} pages).").format(
                    title=report.full_title, path=target, pages=pages
                ),
            )

        self._run(self.tr("Writing the PDF…"), work, done, lays_out=lambda: self.export_pdf(target))

    def export_excel(self, path: Path | None = None) -> None:
        target = self._target(
            ".xlsx", self.tr("Export Excel"), self.tr("Excel workbooks (*.xlsx)"), path
        )
        if target is None:
            return

        def work(task: TaskContext, report: Report) -> None:
            from gridclient.reports.excel import write_xlsx

            write_xlsx(report, target, step=_step(task, "excel"))

        def done(report: Report, _value: Any) -> None:
            self._exported(
                target,
                self.tr("Saved {title} to {path} ({rows} rows).").format(
                    title=report.full_title, path=target, rows=len(report.rows)
                ),
            )

        self._run(self.tr("Writing the Excel file…"), work, done)

    def _exported(self, target: Path, text: str) -> None:
        """Say where the file is, with 打开文件 / 打开所在文件夹 (non-blocking)."""
        self.last_output = target
        self.status_label.setText(text)
        self._close_export_box()
        box = QMessageBox(self)
        make_readable(box)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("Export finished"))
        box.setText(text)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_file_button = box.addButton(
            self.tr("Open file"), QMessageBox.ButtonRole.AcceptRole
        )
        self.open_folder_button = box.addButton(
            self.tr("Open folder"), QMessageBox.ButtonRole.ActionRole
        )
        box.addButton(QMessageBox.StandardButton.Close)
        box.setDefaultButton(self.open_file_button)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._export_choice(button, target))
        box.finished.connect(lambda _r, b=box: self._forget_export_box(b))
        self.export_box = box
        box.open()

    def _export_choice(self, button: QAbstractButton, target: Path) -> None:
        if button is self.open_file_button:
            self.open_path(target)
        elif button is self.open_folder_button:
            self.open_path(target.parent)

    def open_path(self, path: Path) -> bool:
        """Open a file in its program, or a folder in the file manager."""
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            return True
        self.message.show_message(
            self.tr("{path} could not be opened: no program on this computer opens it.").format(
                path=path
            )
        )
        return False

    def _forget_export_box(self, box: QMessageBox) -> None:
        if self.export_box is box:
            self.export_box = None

    def _close_export_box(self) -> None:
        if self.export_box is not None:
            box, self.export_box = self.export_box, None
            box.close()

    def _shut(self) -> None:
        """Results that arrive after closing are dropped; a running build is cancelled."""
        if self._closed:
            return
        self._closed = True
        self._close_large_box()
        for handle in (self._handle, self._relayout):
            if handle is not None and not handle.done:
                handle.cancel()
        self.ctx.bus.changed.disconnect(self._data_changed)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._shut()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._shut()
        super().done(result)


_LARGE = object()
"""The result of a job that stopped before laying out more than LARGE_ROWS rows."""


def _year_spin(year: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(MIN_YEAR, MAX_YEAR)
    spin.setValue(year)
    return spin


def _day_edit(day: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setDateRange(QDate(MIN_YEAR, 1, 1), QDate(MAX_YEAR, 12, 31))
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def _py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _page_key(printer: QPrinter) -> tuple[int, int, int]:
    """The printer's resolution and printable page size: a layout fits it iff these match."""
    resolution = printer.resolution()
    page = printer.pageLayout().paintRectPixels(resolution)
    return resolution, page.width(), page.height()


def _paint_placeholder(printer: QPrinter, text: str) -> None:
    """One page saying the pages are being laid out (the preview while the layout for a
    new paper size or orientation is made on the runner)."""
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        font = painter.font()
        font.setPointSizeF(18)
        painter.setFont(font)
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        painter.drawText(
            QRectF(0, 0, page.width(), page.height() / 3), Qt.AlignmentFlag.AlignCenter, text
        )
    finally:
        painter.end()


def _print_action(dialog: QPrintPreviewDialog) -> QAction | None:
    """The preview's print action: the last one of its tool bar (Qt adds it last)."""
    toolbar = dialog.findChild(QToolBar)
    actions = [a for a in toolbar.actions() if not a.isSeparator()] if toolbar else []
    return actions[-1] if actions else None


def _add_busy_bar(dialog: QPrintPreviewDialog) -> QAction | None:
    """A busy bar at the end of the preview's tool bar (hidden), shown while re-laying
    out; ``None`` if this Qt's preview has no tool bar."""
    toolbar = dialog.findChild(QToolBar)
    if toolbar is None:
        return None
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumWidth(160)
    bar.setObjectName("relayoutBusy")
    action = toolbar.addWidget(bar)
    action.setVisible(False)
    return action


def failure_text(exc: BaseException, expected: tuple[type[BaseException], ...], other: str) -> str:
    """What went wrong: the message of an ``expected`` error (already written for the
    user; :func:`~gridclient.ui.i18n.ui_text` renders it in the interface's language when
    it carries a message), a file that could not be written, or ``other`` with the
    error's type in ``{name}``."""
    if isinstance(exc, expected):
        return ui_text(exc)
    if isinstance(exc, OSError):
        return QCoreApplication.translate(
            "ReportDialog",
            "The file could not be written ({detail}). Choose another folder or name.",
        ).format(detail=exc.strerror or exc)
    return other.format(name=type(exc).__name__)


def _error_text(exc: BaseException) -> str:
    return failure_text(
        exc,
        (AreaNotFound, ValueError),
        QCoreApplication.translate(
            "ReportDialog",
            "The report could not be made because of an unexpected error ({name}). "
            "Try again; if it still fails, send the log file to your IT staff.",
        ),
    )
