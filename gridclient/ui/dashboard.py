"""工作台: this month's visit coverage, households not visited lately, open and overdue
events, changes waiting to sync. Figures come from SQL aggregates on the task runner."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.queries import Dashboard, EventStateFilter
from gridclient.ui.plaintext import TextLabel

NOT_VISITED_CHOICES = (30, 60, 90)


class _Card(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumSize(280, 170)
        self.title = TextLabel(title)
        self.title.setObjectName("cardTitle")
        self.value = TextLabel("—")
        self.value.setObjectName("cardValue")
        self.detail = TextLabel()
        self.detail.setWordWrap(True)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.title)
        self.body.addWidget(self.value)
        self.body.addWidget(self.detail)
        self.body.addStretch(1)


class DashboardPage(QWidget):
    show_not_visited = Signal(int)
    """The user wants the households not visited in that many days."""
    show_events = Signal(object)
    """The user wants the events tab filtered by an :class:`EventStateFilter`."""
    days_changed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.coverage = _Card(self.tr("Visit coverage this month"))
        self.not_visited = _Card(self.tr("Households not visited"))
        self.days = QComboBox()
        for days in NOT_VISITED_CHOICES:
            self.days.addItem(self.tr("in the last %n day(s)", "", days), days)
        self.days.currentIndexChanged.connect(
            lambda _i: self.days_changed.emit(self.not_visited_days())
        )
        self.not_visited.body.insertWidget(1, self.days)
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

        grid = QGridLayout()
        grid.setSpacing(16)
        grid.addWidget(self.coverage, 0, 0)
        grid.addWidget(self.not_visited, 0, 1)
        grid.addWidget(self.pending, 0, 2)
        grid.addWidget(self.open_events, 1, 0)
        grid.addWidget(self.overdue_events, 1, 1)
        self.heading = TextLabel(self.tr("Today's work"))
        self.heading.setObjectName("dashboardHeading")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(self.heading)
        row = QHBoxLayout()
        row.addLayout(grid)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        # On a small screen (1366×768 at 125 %) the cards scroll, the window still fits.
        scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setStyleSheet(
            "QLabel, QPushButton, QComboBox { font-size: 12pt; }"
            "#card { background: palette(base); border-radius: 6px; }"
            "#cardTitle { font-weight: bold; }"
            "#cardValue { font-size: 22pt; font-weight: bold; }"
            "#dashboardHeading { font-size: 15pt; font-weight: bold; }"
        )
        self.figures: Dashboard | None = None

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
        for card in (self.coverage, self.not_visited, self.open_events):
            card.value.setAlignment(Qt.AlignmentFlag.AlignLeft)
