"""Filter bars of the events, visits, patrols and places lists.

Each bar only collects what the user chose and says when it changed (typing is
debounced); the pane builds its id list in SQL on the task runner
(``EventQueries.event_ids`` with an :class:`EventFilter`, ``VisitQueries.visit_ids``
with a :class:`VisitFilter`). A period is 全部时间, this or last month, the last 7 or
30 days, this year, or any span of days (both ends included, China time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.places import PlaceFocus
from gridclient.storage.queries import EventFilter, EventStateFilter, PatrolFilter, VisitFilter
from gridclient.ui.plaintext import TextLabel
from gridcore.domain.agegroups import today_cst
from gridcore.domain.catalog import EventCatalog
from gridcore.domain.enums import EventSource, EventState, Ledger, PlaceKind, VisitMethod

__all__ = [
    "EventFilterBar",
    "PatrolFilterBar",
    "PeriodFilter",
    "PlaceFilterBar",
    "VisitFilterBar",
    "period_span",
]

TYPING_PAUSE_MS = 300

ALL = "all"
THIS_MONTH = "this_month"
LAST_MONTH = "last_month"
LAST_7 = "last_7"
LAST_30 = "last_30"
THIS_YEAR = "this_year"
CUSTOM = "custom"


def period_span(choice: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day of a named period (None: open-ended)."""
    first_of_month = today.replace(day=1)
    if choice == THIS_MONTH:
        return first_of_month, today
    if choice == LAST_MONTH:
        last = first_of_month - timedelta(days=1)
        return last.replace(day=1), last
    if choice == LAST_7:
        return today - timedelta(days=6), today
    if choice == LAST_30:
        return today - timedelta(days=29), today
    if choice == THIS_YEAR:
        return today.replace(month=1, day=1), today
    return None, None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class PeriodFilter(QWidget):
    """A named period, or 自定义 with two date fields (from ≤ to: moving one past the
    other moves the other along, so the span is never empty by mistake)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = QComboBox()
        for label, value in (
            (self.tr("All dates"), ALL),
            (self.tr("This month"), THIS_MONTH),
            (self.tr("Last month"), LAST_MONTH),
            (self.tr("Last 7 days"), LAST_7),
            (self.tr("Last 30 days"), LAST_30),
            (self.tr("This year"), THIS_YEAR),
            (self.tr("Custom…"), CUSTOM),
        ):
            self.choice.addItem(label, value)
        today = today_cst()
        self.start = self._date_edit(today.replace(day=1))
        self.end = self._date_edit(today)
        self.to_label = TextLabel(self.tr("to"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.choice)
        layout.addWidget(self.start)
        layout.addWidget(self.to_label)
        layout.addWidget(self.end)
        self._show_dates(False)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.start.dateChanged.connect(self._start_changed)
        self.end.dateChanged.connect(self._end_changed)

    @staticmethod
    def _date_edit(day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _show_dates(self, shown: bool) -> None:
        for widget in (self.start, self.to_label, self.end):
            widget.setVisible(shown)

    def _choice_changed(self, _index: int) -> None:
        self._show_dates(self.choice.currentData() == CUSTOM)
        self.changed.emit()

    def _start_changed(self, value: QDate) -> None:
        if self.end.date() < value:
            self.end.setDate(value)  # emits through _end_changed
            return
        self.changed.emit()

    def _end_changed(self, value: QDate) -> None:
        if self.start.date() > value:
            self.start.setDate(value)
            return
        self.changed.emit()

    def set_choice(self, choice: str) -> None:
        self.choice.setCurrentIndex(max(0, self.choice.findData(choice)))

    def set_span(self, start: date, end: date) -> None:
        """自定义 from ``start`` to ``end``."""
        for edit in (self.start, self.end):
            edit.blockSignals(True)
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(max(start, end)))
        for edit in (self.start, self.end):
            edit.blockSignals(False)
        if self.choice.currentData() == CUSTOM:
            self.changed.emit()
        else:
            self.set_choice(CUSTOM)

    def span(self, today: date | None = None) -> tuple[date | None, date | None]:
        choice = str(self.choice.currentData())
        if choice == CUSTOM:
            return _date(self.start.date()), _date(self.end.date())
        return period_span(choice, today or today_cst())

    def is_set(self) -> bool:
        return bool(self.choice.currentData() != ALL)


class _Bar(QWidget):
    changed = Signal()

    def _clear_button(self, clear: Callable[[], None]) -> QPushButton:
        """清除筛选, wired to the bar's own ``clear``."""
        button = QPushButton(self.tr("Clear filters"))
        button.setToolTip(self.tr("Show the whole list again"))
        button.clicked.connect(clear)
        return button


class EventFilterBar(_Bar):
    """事件: words, category, ledger (三本账), state, report period, 超期 only, source."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self.text.setPlaceholderText(self.tr("Title, description or location"))
        self.text.setMinimumWidth(220)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.changed)
        self.text.textChanged.connect(lambda _t: self._typing.start())
        self.text.returnPressed.connect(self._flush)

        self.category = QComboBox()
        self.category.addItem(self.tr("All categories"), None)
        self.category.setMinimumContentsLength(8)
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.ledger = QComboBox()
        self.ledger.addItem(self.tr("All ledgers"), None)
        for ledger in Ledger:
            self.ledger.addItem(ledger.label, ledger.value)
        self.source = QComboBox()
        self.source.addItem(self.tr("All sources"), None)
        for source in EventSource:
            self.source.addItem(source.label, source.value)
        self.state = QComboBox()
        for label, value in (
            (self.tr("All states"), EventStateFilter.ALL.value),
            (self.tr("Open"), EventStateFilter.OPEN.value),
            (self.tr("Open and overdue"), EventStateFilter.OVERDUE.value),
            (self.tr("Finished"), EventStateFilter.FINISHED.value),
        ):
            self.state.addItem(label, value)
        self.state.insertSeparator(self.state.count())
        for state in EventState:
            self.state.addItem(state.label, state.value)
        self.period = PeriodFilter()
        self.overdue = QCheckBox(self.tr("Overdue only"))
        self.overdue.setToolTip(
            self.tr("Open past the deadline, or finished after it (the 超期 column)")
        )
        self.clear_button = self._clear_button(self.clear)

        for combo in (self.category, self.ledger, self.state, self.source):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.period.changed.connect(self.changed)
        self.overdue.toggled.connect(lambda _on: self.changed.emit())

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.text, 2)
        first.addWidget(TextLabel(self.tr("Category:")))
        first.addWidget(self.category, 1)
        first.addWidget(self.ledger)
        first.addWidget(TextLabel(self.tr("State:")))
        first.addWidget(self.state)
        second = QHBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(TextLabel(self.tr("Reported:")))
        second.addWidget(self.period)
        second.addWidget(self.overdue)
        second.addWidget(self.source)
        second.addStretch(1)
        second.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(first)
        layout.addLayout(second)

    def _flush(self) -> None:
        if self._typing.isActive():
            self._typing.stop()
            self.changed.emit()

    def set_catalog(self, catalog: EventCatalog) -> None:
        """Every category of the catalog (inactive ones too: old events keep theirs),
        the current choice kept."""
        current = self.category.currentData()
        self.category.blockSignals(True)
        while self.category.count() > 1:
            self.category.removeItem(1)
        for category in sorted(catalog, key=lambda c: c.code):
            self.category.addItem(category.name, category.code)
        self.category.setCurrentIndex(max(0, self.category.findData(current)))
        self.category.blockSignals(False)

    def set_state(self, value: str) -> None:
        self.state.setCurrentIndex(max(0, self.state.findData(value)))

    def apply(self, wanted: EventFilter, category_name: str = "") -> None:
        """Show exactly ``wanted`` (a dashboard chart's bar), one reload: the category
        is added by ``category_name`` if the catalog is not in the combo yet."""
        widgets = (self.text, self.category, self.ledger, self.state, self.period, self.overdue)
        for widget in widgets:
            widget.blockSignals(True)
        self.text.setText(wanted.text)
        self._typing.stop()
        code = wanted.category_code
        if code and self.category.findData(code) < 0:
            self.category.addItem(category_name or code, code)
        self.category.setCurrentIndex(max(0, self.category.findData(code)) if code else 0)
        self.ledger.setCurrentIndex(max(0, self.ledger.findData(wanted.ledger)))
        self.set_state(wanted.state)
        if wanted.reported_from or wanted.reported_to:
            start = wanted.reported_from or wanted.reported_to
            end = wanted.reported_to or today_cst()
            assert start is not None
            self.period.set_span(start, end)
        else:
            self.period.set_choice(ALL)
        self.overdue.setChecked(wanted.overdue)
        for widget in widgets:
            widget.blockSignals(False)
        self.changed.emit()

    def filter(self, today: date | None = None) -> EventFilter:
        start, end = self.period.span(today)
        return EventFilter(
            text=self.text.text().strip(),
            category_code=self.category.currentData() or None,
            ledger=self.ledger.currentData() or None,
            state=str(self.state.currentData() or EventStateFilter.ALL.value),
            reported_from=start,
            reported_to=end,
            overdue=self.overdue.isChecked(),
            source=self.source.currentData() or None,
        )

    def clear(self) -> None:
        widgets = (
            self.text,
            self.category,
            self.ledger,
            self.state,
            self.period,
            self.overdue,
            self.source,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.text.clear()
        self._typing.stop()
        for combo in (self.category, self.ledger, self.state, self.source):
            combo.setCurrentIndex(0)
        self.period.set_choice(ALL)
        self.overdue.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.changed.emit()


class VisitFilterBar(_Bar):
    """走访: the period and the method (入户走访, 电话回访, …)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period = PeriodFilter()
        self.method = QComboBox()
        self.method.addItem(self.tr("All methods"), None)
        for method in VisitMethod:
            self.method.addItem(method.label, method.value)
        self.clear_button = self._clear_button(self.clear)
        self.period.changed.connect(self.changed)
        self.method.currentIndexChanged.connect(lambda _i: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(TextLabel(self.tr("Visited:")))
        layout.addWidget(self.period)
        layout.addWidget(TextLabel(self.tr("Method:")))
        layout.addWidget(self.method)
        layout.addWidget(self.clear_button)

    def filter(self, today: date | None = None) -> VisitFilter:
        start, end = self.period.span(today)
        return VisitFilter(start, end, self.method.currentData() or None)

    def clear(self) -> None:
        for widget in (self.period, self.method):
            widget.blockSignals(True)
        self.period.set_choice(ALL)
        self.method.setCurrentIndex(0)
        for widget in (self.period, self.method):
            widget.blockSignals(False)
        self.changed.emit()


class PatrolFilterBar(_Bar):
    """巡查: the patrol days (the grid comes from the area tree, as for every list)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period = PeriodFilter()
        self.clear_button = self._clear_button(self.clear)
        self.period.changed.connect(self.changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(TextLabel(self.tr("Patrolled:")))
        layout.addWidget(self.period)
        layout.addStretch(1)
        layout.addWidget(self.clear_button)

    def filter(self, today: date | None = None) -> PatrolFilter:
        start, end = self.period.span(today)
        return PatrolFilter(start, end)

    def clear(self) -> None:
        self.period.blockSignals(True)
        self.period.set_choice(ALL)
        self.period.blockSignals(False)
        self.changed.emit()


class PlaceFilterBar(QWidget):
    """The 场所 list's filters: kind, a focus (重点场所, 较大及以上风险, 隐患待整改) and text
    matched against name, address and person in charge. The grid comes from the tree."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("All kinds"), None)
        for kind in PlaceKind:
            self.kind.addItem(kind.label, kind.value)
        self.focus = QComboBox()
        self.focus.addItem(self.tr("All places"), PlaceFocus.ALL.value)
        self.focus.addItem(self.tr("Key places"), PlaceFocus.KEY.value)
        self.focus.addItem(self.tr("Risk 较大 or 重大"), PlaceFocus.RISK.value)
        self.focus.addItem(self.tr("Hazard not yet rectified"), PlaceFocus.HAZARD.value)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("Name, address or person in charge"))
        self.text.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.changed)
        self.kind.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.focus.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.text.textChanged.connect(lambda _t: self._typing.start())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(TextLabel(self.tr("Kind:")))
        row.addWidget(self.kind)
        row.addWidget(self.focus)
        row.addWidget(self.text, 1)

    def kind_value(self) -> PlaceKind | None:
        data = self.kind.currentData()
        return PlaceKind(data) if isinstance(data, str) else None

    def focus_value(self) -> PlaceFocus:
        return PlaceFocus(self.focus.currentData())

    def text_value(self) -> str:
        return self.text.text().strip()
