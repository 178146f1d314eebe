"""Small charts for the 工作台, painted with QPainter (QtCharts is in PySide6-Addons,
≈ 70 MB more in the installer, for four bar charts; see the README's dependency table).

Every bar (or week) is a target: hovering shows its figure, a click emits
``activated`` with its index, and the dashboard opens the list behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BLUE = QColor("#2f6db5")
GREEN = QColor("#2e8b57")
AMBER = QColor("#d08a00")
RED = QColor("#c0392b")
GREY = QColor("#9aa5b1")
TEXT = QColor("#1d2733")
GRID_LINE = QColor("#dde3ea")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    """Written at the end of the bar (the figure a person reads)."""
    tooltip: str
    color: QColor = field(default_factory=lambda: QColor(BLUE))


class _Chart(QWidget):
    """Hover and click over targets: ``hit(x, y)`` gives the index of the target under a
    point (or -1) and ``tooltip_of(index)`` its tip, both from the chart's own layout."""

    activated = Signal(int)
    """The index of the bar (or week) clicked."""

    def __init__(
        self,
        empty_text: str,
        hit: Callable[[float, float], int],
        tooltip_of: Callable[[int], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.empty_text = empty_text
        self.hit = hit
        self.tooltip_of = tooltip_of
        self._hover = -1

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.hit(event.position().x(), event.position().y())
        if index != self._hover:
            self._hover = index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if index >= 0 else Qt.CursorShape.ArrowCursor
            )
            self.update()
        if index >= 0:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_of(index), self)
        else:
            QToolTip.hideText()

    def leaveEvent(self, event: object) -> None:
        self._hover = -1
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.hit(event.position().x(), event.position().y())
            if index >= 0:
                self.activated.emit(index)

    def _paint_empty(self, painter: QPainter) -> None:
        painter.setPen(GREY)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)


class BarChart(_Chart):
    """Horizontal bars, one row each: the label, the bar (``value`` of ``maximum``), the
    figure. Rows beyond ``max_rows`` are left out (the list behind shows them)."""

    ROW = 26
    LABEL_MAX = 150

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(empty_text, self._bar_at, lambda index: self.bars[index].tooltip, parent)
        self.bars: list[Bar] = []
        self.maximum = 1.0

    def set_bars(self, bars: Sequence[Bar], maximum: float | None = None) -> None:
        """``maximum``: the value of a full-length bar (default: the largest value); a
        larger value is drawn full length, its figure still says how much."""
        self.bars = list(bars)
        self.maximum = maximum or max((b.value for b in self.bars), default=0.0) or 1.0
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, max(3, len(self.bars)) * self.ROW + 8)

    def minimumSizeHint(self) -> QSize:
        """Every bar whole: a township's many grids make the page scroll instead."""
        return QSize(260, max(3, len(self.bars)) * self.ROW + 8)

    def _columns(self) -> tuple[int, int, int]:
        """Label width, bar start, bar room (the figure's text goes after the bar)."""
        metrics = QFontMetrics(self.font())
        label = min(
            self.LABEL_MAX, max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0)
        )
        figure = max((metrics.horizontalAdvance(b.text) for b in self.bars), default=0)
        start = label + 12
        return label, start, max(20, self.width() - start - figure - 12)

    def _bar_at(self, x: float, y: float) -> int:
        index = int((y - 4) // self.ROW)
        return index if 0 <= index < len(self.bars) and y >= 4 else -1

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.bars:
            self._paint_empty(painter)
            return
        metrics = QFontMetrics(self.font())
        label_width, start, room = self._columns()
        for i, bar in enumerate(self.bars):
            top = 4 + i * self.ROW
            if i == self._hover:
                painter.fillRect(QRect(0, top, self.width(), self.ROW), QColor("#eef3f9"))
            painter.setPen(TEXT)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideMiddle, label_width)
            painter.drawText(
                QRect(0, top, label_width, self.ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                label,
            )
            length = min(room, room * bar.value / self.maximum)
            painter.fillRect(QRectF(start, top + 5, room, self.ROW - 10), QColor("#f0f2f5"))
            painter.fillRect(QRectF(start, top + 5, max(length, 2.0), self.ROW - 10), bar.color)
            painter.drawText(
                QRect(int(start + room + 6), top, self.width(), self.ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                bar.text,
            )


@dataclass(frozen=True)
class Series:
    name: str
    color: QColor
    values: list[int]


class ColumnChart(_Chart):
    """Grouped columns per period (a week): one column per series, a legend on top,
    the value axis on the left, a label under every other period."""

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(empty_text, self._period_at, lambda index: self.tooltips[index], parent)
        self.labels: list[str] = []
        self.tooltips: list[str] = []
        self.series: list[Series] = []

    def set_data(
        self, labels: Sequence[str], series: Sequence[Series], tooltips: Sequence[str]
    ) -> None:
        self.labels, self.series, self.tooltips = list(labels), list(series), list(tooltips)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 170)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 130)

    def _plot(self) -> QRect:
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("0000") + 8
        top = metrics.height() + 10
        return QRect(left, top, self.width() - left - 6, self.height() - top - metrics.height() - 8)

    def _top_value(self) -> int:
        peak = max((v for s in self.series for v in s.values), default=0)
        step = max(1, -(-peak // 4))  # four grid lines, whole numbers
        return step * 4

    def _period_at(self, x: float, y: float) -> int:
        plot = self._plot()
        if not self.labels or not plot.contains(int(x), int(y)):
            return -1
        index = int((x - plot.left()) / (plot.width() / len(self.labels)))
        return index if 0 <= index < len(self.labels) else -1

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.labels or not any(any(s.values) for s in self.series):
            self._paint_empty(painter)
            return
        metrics = QFontMetrics(self.font())
        plot = self._plot()
        top_value = self._top_value()
        # Legend.
        x = plot.left()
        for series in self.series:
            painter.fillRect(QRect(x, 4, 12, 12), series.color)
            painter.setPen(TEXT)
            painter.drawText(QPointF(x + 16, 4 + metrics.ascent() - 2), series.name)
            x += 16 + metrics.horizontalAdvance(series.name) + 18
        # Value axis and grid lines.
        for step in range(5):
            value = top_value * step // 4
            y = plot.bottom() - plot.height() * step / 4
            painter.setPen(QPen(GRID_LINE, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(GREY)
            painter.drawText(
                QRect(0, int(y - metrics.height() / 2), plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        slot = plot.width() / len(self.labels)
        width = max(2.0, (slot - 6) / max(1, len(self.series)))
        for i, label in enumerate(self.labels):
            left = plot.left() + i * slot
            if i == self._hover:
                painter.fillRect(QRectF(left, plot.top(), slot, plot.height()), QColor("#eef3f9"))
            for j, series in enumerate(self.series):
                height = plot.height() * series.values[i] / top_value
                painter.fillRect(
                    QRectF(left + 3 + j * width, plot.bottom() - height, width - 1, height),
                    series.color,
                )
            if (len(self.labels) - 1 - i) % 2 == 0:  # every other week, the last one labelled
                painter.setPen(GREY)
                painter.drawText(
                    QRectF(left - slot / 2, plot.bottom() + 2, slot * 2, metrics.height() + 4),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    label,
                )
