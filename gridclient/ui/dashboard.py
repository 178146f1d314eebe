"""工作台 (the tab's name says it): what needs doing today, then how the area is doing.

Tiles on top (a grid worker's day): this month's visit coverage, households not visited
in N days, open and overdue events, places with a hazard to rectify, changes waiting to
sync; each with a button to the list behind it. Charts below (what township staff are
judged on): visit coverage per grid, events reported and closed per week over the last
quarter, open overdue events by category, satisfaction of the quarter's evaluations. A
click on a bar opens the list behind it with the existing filters (see
:class:`MainWindow`). Figures come from SQL aggregates on the task runner's read lane
(``storage.queries``, ``storage.charts``); the charts are painted by ``ui.charts``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.charts import COVERAGE_DAYS, DashboardCharts
from gridclient.storage.queries import Dashboard, EventFilter, EventStateFilter
from gridclient.ui.charts import AMBER, BLUE, GREEN, GREY, RED, Bar, BarChart, ColumnChart, Series
from gridclient.ui.plaintext import TextLabel
from gridcore.domain.enums import EventState, MonitorStatus, Program, Satisfaction

NOT_VISITED_CHOICES = (30, 60, 90)
CATEGORY_BARS = 8
"""Categories shown in the overdue chart (the rest: the events list)."""

MONITOR_COLORS = {
    MonitorStatus.IDENTIFIED: AMBER,
    MonitorStatus.ASSISTING: BLUE,
    MonitorStatus.NOT_CLEARED: RED,
    MonitorStatus.CLEARED: GREEN,
    MonitorStatus.RELAPSED: GREY,
}
SATISFACTION_COLORS = {
    Satisfaction.SATISFIED: GREEN,
    Satisfaction.BASICALLY_SATISFIED: AMBER,
    Satisfaction.UNSATISFIED: RED,
}


class _Card(QFrame):
    """A tile: its title (and a control beside it), the figure with a line of detail
    beside it (or below it, ``detail_below``, for a detail too long for a narrow tile),
    and a button to the list behind it."""

    def __init__(self, title: str, *, detail_below: bool = False) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(170)
        self.title = TextLabel(title)
        self.title.setObjectName("cardTitle")
        self.value = TextLabel("—")
        self.value.setObjectName("cardValue")
        self.detail = TextLabel()
        self.detail.setWordWrap(True)
        self.head = QHBoxLayout()
        self.head.addWidget(self.title)
        self.head.addStretch(1)
        figure = QHBoxLayout()
        figure.addWidget(self.value)
        if not detail_below:
            figure.addWidget(self.detail, 1)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(10, 6, 10, 6)
        self.body.setSpacing(2)
        self.body.addLayout(self.head)
        self.body.addLayout(figure)
        if detail_below:
            self.body.addWidget(self.detail)
        self.body.addStretch(1)


def _chart_box(title: str, hint: str, chart: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    box.setObjectName("chartBox")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 8, 8, 6)
    layout.addWidget(chart, 1)
    note = TextLabel(hint)
    note.setObjectName("chartHint")
    layout.addWidget(note)
    return box


class DashboardPage(QWidget):
    show_not_visited = Signal(int)
    """The user wants the households not visited in that many days."""
    show_events = Signal(object)
    """The user wants the events tab filtered by an :class:`EventStateFilter`."""
    show_grid_not_visited = Signal(str, int)
    """A coverage bar: that grid's households not visited in that many days."""
    show_event_filter = Signal(object, str)
    """A chart's bar: the events list narrowed by an :class:`EventFilter` (and the name
    of its category, if it sets one)."""
    days_changed = Signal(int)
    show_program = Signal(str)
    """A program bar: the households list of that program (its household tags)."""
    show_hazards = Signal()
    """The hazards tile: the 场所 list of places with a hazard not yet rectified."""

    def __init__(self) -> None:
        super().__init__()
        self.coverage = _Card(self.tr("Visit coverage this month"), detail_below=True)
        self.not_visited = _Card(self.tr("Households not visited"))
        self.days = QComboBox()
        for days in NOT_VISITED_CHOICES:
            self.days.addItem(self.tr("in the last %n day(s)", "", days), days)
        self.days.currentIndexChanged.connect(
            lambda _i: self.days_changed.emit(self.not_visited_days())
        )
        self.not_visited.head.addWidget(self.days)
        self.not_visited_button = QPushButton(self.tr("Show these households"))
        self.not_visited_button.clicked.connect(
            lambda: self.show_not_visited.emit(self.not_visited_days())
        )
        self.not_visited.body.addWidget(self.not_visited_button)

        self.open_events = _Card(self.tr("Open events"))
        self.open_button = QPushButton(self.tr("Show open events"))
        self.open_button.clicked.connect(lambda: self.show_events.emit(EventStateFilter.OPEN))
        self.open_events.body.addWidget(self.open_button)

        self.overdue_events = _Card(self.tr("Overdue events"))
        self.overdue_button = QPushButton(self.tr("Show overdue events"))
        self.overdue_button.clicked.connect(lambda: self.show_events.emit(EventStateFilter.OVERDUE))
        self.overdue_events.body.addWidget(self.overdue_button)

        self.pending = _Card(self.tr("Waiting to sync"))

        self.hazards = _Card(self.tr("Hazards to rectify"))
        self.hazards_button = QPushButton(self.tr("Show these places"))
        self.hazards_button.clicked.connect(self.show_hazards.emit)
        self.hazards.body.addWidget(self.hazards_button)

        # Two rows of three: six tiles in one row would not fit a 1366×768 laptop (the
        # page scrolled sideways and cut the days chooser).
        tiles = QGridLayout()
        tiles.setSpacing(10)
        for n, card in enumerate(
            (
                self.not_visited,
                self.open_events,
                self.overdue_events,
                self.coverage,
                self.hazards,
                self.pending,
            )
        ):
            tiles.addWidget(card, n // 3, n % 3)
        for column in range(3):
            tiles.setColumnStretch(column, 1)

        empty = self.tr("Nothing to show yet")
        self.coverage_chart = BarChart(empty)
        self.coverage_chart.activated.connect(self._coverage_clicked)
        self.weeks_chart = ColumnChart(empty)
        self.weeks_chart.activated.connect(self._week_clicked)
        self.category_chart = BarChart(self.tr("No overdue events"))
        self.category_chart.activated.connect(self._category_clicked)
        self.satisfaction_chart = BarChart(self.tr("No evaluations in this quarter"))
        self.satisfaction_chart.activated.connect(self._satisfaction_clicked)
        self.coverage_box = _chart_box(
            self.tr("Visit coverage per grid, last %n day(s)", "", COVERAGE_DAYS),
            self.tr("Click a grid for its households not visited"),
            self.coverage_chart,
        )
        self.weeks_box = _chart_box(
            self.tr("Events per week, last quarter"),
            self.tr("Click a week for the events reported in it"),
            self.weeks_chart,
        )
        self.category_box = _chart_box(
            self.tr("Open overdue events by category"),
            self.tr("Click a category for its overdue events"),
            self.category_chart,
        )
        self.satisfaction_box = _chart_box(
            self.tr("Satisfaction, last quarter"),
            self.tr("Click for the evaluated events"),
            self.satisfaction_chart,
        )
        self.program_chart = BarChart(self.tr("No open program records"))
        self.program_chart.activated.connect(self._program_clicked)
        self.monitoring_chart = BarChart(self.tr("No monitoring records"))
        self.monitoring_chart.activated.connect(
            lambda _index: self.show_program.emit(Program.MONITORED.value)
        )
        self.program_box = _chart_box(
            self.tr("Households with an open program record"),
            self.tr("Click a program for its households"),
            self.program_chart,
        )
        self.monitoring_box = _chart_box(
            self.tr("Poverty-return monitoring by status"),
            self.tr("Records of every status, cleared ones too"),
            self.monitoring_chart,
        )
        charts = QGridLayout()
        charts.setSpacing(10)
        charts.addWidget(self.weeks_box, 0, 0)
        charts.addWidget(self.coverage_box, 0, 1)
        charts.addWidget(self.category_box, 1, 0)
        charts.addWidget(self.satisfaction_box, 1, 1)
        charts.addWidget(self.program_box, 2, 0)
        charts.addWidget(self.monitoring_box, 2, 1)
        charts.setColumnStretch(0, 3)
        charts.setColumnStretch(1, 2)
        charts.setRowStretch(0, 1)
        charts.setRowStretch(1, 1)
        charts.setRowStretch(2, 1)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(tiles)
        layout.addLayout(charts, 1)
        # On a small screen (1366×768 at 125 %) the page scrolls, the window still fits.
        scroll = QScrollArea()
        self.scroll_area = scroll
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setStyleSheet(
            "QLabel, QPushButton, QComboBox { font-size: 11pt; }"
            "#card { background: palette(base); border-radius: 6px; }"
            "#cardTitle { font-weight: bold; }"
            "#cardValue { font-size: 18pt; font-weight: bold; }"
            "#chartBox { font-weight: bold; }"
            "#chartHint { color: #66707a; font-size: 10pt; font-weight: normal; }"
        )
        self.figures: Dashboard | None = None
        self.charts: DashboardCharts | None = None

    def scroll_to_end(self) -> None:
        """Show the lower charts (where the page scrolls: 1366×768)."""
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.maximum())

    def not_visited_days(self) -> int:
        value = self.days.currentData()
        return int(value) if value is not None else NOT_VISITED_CHOICES[0]

    def set_figures(self, figures: Dashboard) -> None:
        self.figures = figures
        self.coverage.value.setText(f"{figures.coverage_percent:.1f}%")
        self.coverage.detail.setText(
            self.tr("{visited} of {total} households visited").format(
                visited=figures.visited_this_month, total=figures.households
            )
        )
        self.not_visited.value.setText(str(figures.not_visited))
        self.not_visited.detail.setText(self.tr("households"))
        self.open_events.value.setText(str(figures.open_events))
        self.overdue_events.value.setText(str(figures.overdue_events))
        overdue_style = "color: #b00020;" if figures.overdue_events else ""
        self.overdue_events.value.setStyleSheet(overdue_style)
        self.pending.value.setText(str(figures.pending_ops))
        self.pending.detail.setText(
            self.tr("changes saved on this computer, not yet sent to the server")
            if figures.pending_ops
            else self.tr("everything is sent")
        )
        self.hazards.value.setText(str(figures.open_hazards))
        self.hazards.value.setStyleSheet("color: #b00020;" if figures.late_hazards else "")
        self.hazards.detail.setText(
            self.tr("places, %n past the deadline", "", figures.late_hazards)
            if figures.late_hazards
            else self.tr("places")
        )
        for card in (self.coverage, self.not_visited, self.open_events):
            card.value.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def set_charts(self, charts: DashboardCharts) -> None:
        self.charts = charts
        self.coverage_chart.set_bars(
            [
                Bar(
                    grid.name,
                    grid.percent,
                    f"{grid.percent:.0f}%",
                    self.tr("{name}: {visited} of {total} households visited").format(
                        name=grid.name, visited=grid.visited, total=grid.households
                    ),
                    GREEN if grid.percent >= 80 else AMBER if grid.percent >= 50 else RED,
                )
                for grid in charts.coverage
            ],
            maximum=100.0,
        )
        self.weeks_chart.set_data(
            [week.start.strftime("%m-%d") for week in charts.weeks],
            [
                Series(self.tr("Reported"), BLUE, [w.reported for w in charts.weeks]),
                Series(self.tr("Closed"), GREEN, [w.closed for w in charts.weeks]),
            ],
            [
                self.tr("Week of {start} to {end}: {reported} reported, {closed} closed").format(
                    start=w.start.isoformat(),
                    end=w.end.isoformat(),
                    reported=w.reported,
                    closed=w.closed,
                )
                for w in charts.weeks
            ],
        )
        shown = charts.overdue_by_category[:CATEGORY_BARS]
        bars = [
            Bar(
                c.name,
                c.count,
                str(c.count),
                self.tr("{name}: %n overdue event(s)", "", c.count).format(name=c.name),
                RED,
            )
            for c in shown
        ]
        rest = charts.overdue_by_category[CATEGORY_BARS:]
        if rest:
            count = sum(c.count for c in rest)
            bars.append(
                Bar(
                    self.tr("%n other categories", "", len(rest)),
                    count,
                    str(count),
                    self.tr("Click for every overdue event"),
                    GREY,
                )
            )
        # Scaled to the named categories: the sum of the others is drawn full length.
        self.category_chart.set_bars(bars, maximum=shown[0].count if shown else None)
        total = sum(charts.satisfaction.values())
        self.satisfaction_chart.set_bars(
            [
                Bar(
                    level.label,
                    charts.satisfaction.get(level, 0),
                    self.tr("{count} ({percent:.0f}%)").format(
                        count=charts.satisfaction.get(level, 0),
                        percent=100.0 * charts.satisfaction.get(level, 0) / total,
                    ),
                    self.tr(
                        "{level}: %n evaluation(s)", "", charts.satisfaction.get(level, 0)
                    ).format(level=level.label),
                    SATISFACTION_COLORS[level],
                )
                for level in Satisfaction
            ]
            if total
            else []
        )

        self.program_chart.set_bars(
            [
                Bar(
                    program.label,
                    count,
                    str(count),
                    self.tr("{program}: %n household(s) with an open record", "", count).format(
                        program=program.label
                    ),
                    BLUE,
                )
                for program, count in charts.programs.items()
            ]
            if any(charts.programs.values())
            else []
        )
        self.monitoring_chart.set_bars(
            [
                Bar(
                    status.label,
                    count,
                    str(count),
                    self.tr("{status}: %n record(s)", "", count).format(status=status.label),
                    MONITOR_COLORS[status],
                )
                for status, count in charts.monitoring.items()
            ]
            if any(charts.monitoring.values())
            else []
        )

    # -- click-through ------------------------------------------------------------------
    def _program_clicked(self, index: int) -> None:
        if self.charts is not None:
            program = list(self.charts.programs)[index]
            if program is not Program.SPECIAL_CARE:  # 优抚 has no household tag to list by
                self.show_program.emit(program.value)

    def _coverage_clicked(self, index: int) -> None:
        if self.charts is not None:
            grid = self.charts.coverage[index]
            self.show_grid_not_visited.emit(grid.grid_id, COVERAGE_DAYS)

    def _week_clicked(self, index: int) -> None:
        if self.charts is not None:
            week = self.charts.weeks[index]
            self.show_event_filter.emit(
                EventFilter(reported_from=week.start, reported_to=week.end), ""
            )

    def _category_clicked(self, index: int) -> None:
        if self.charts is not None:
            if index >= CATEGORY_BARS:  # the other categories: every overdue event
                self.show_events.emit(EventStateFilter.OVERDUE)
                return
            category = self.charts.overdue_by_category[index]
            wanted = EventFilter(category_code=category.code, state=EventStateFilter.OVERDUE.value)
            self.show_event_filter.emit(wanted, category.name)

    def _satisfaction_clicked(self, _index: int) -> None:
        if self.charts is not None:
            self.show_event_filter.emit(
                EventFilter(state=EventState.EVALUATED.value, reported_from=self.charts.since),
                "",
            )
