"""Windows that fit the laptop they open on.

The commonest village laptop is 1366×768; many are 1280×720; Windows often runs them at
125 %, which leaves 1093×614 logical pixels, less the taskbar. So:

* every dialog opens at its preferred size or the screen's work area less its title
  bar, whichever is smaller (:func:`fit_to_screen`), and its minimum size fits the
  smallest of those work areas (:data:`SMALLEST_CLIENT`, checked by
  ``tests/ui/test_screen_fit.py``); what does not fit scrolls;
* the main window opens maximised when its preferred size does not fit, and remembers
  its geometry in the preferences (QSettings), restored only onto a screen that is
  still there and only as large as that screen's work area (:class:`WindowGeometry`).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QScrollArea, QStyle, QWidget

log = logging.getLogger(__name__)

TITLE_BAR = 32
"""Pixels a window's frame takes above its client area (Windows 10/11: 31 at 100 %,
39 physical = 31 logical at 125 %), plus a pixel of border below."""

FRAME_SIDES = 2
"""The frame's left and right border, together (Windows 10/11 draw a 1 px border)."""

WORK_AREAS = {
    "1366×768": QSize(1366, 728),
    "1280×720": QSize(1280, 680),
    "1366×768 at 125 %": QSize(1093, 582),
}
"""The screens a window must work on, less a 40 px (at 125 %: 32 logical px) taskbar."""

SMALLEST_CLIENT = QSize(1093 - FRAME_SIDES, 582 - TITLE_BAR)
"""The largest a dialog's minimum size may be: it still fits 1366×768 at 125 %."""


def screen_of(widget: QWidget) -> QScreen | None:
    """The screen ``widget`` opens on: its parent window's (a dialog opens over it),
    else its own, else the primary screen."""
    parent = widget.parentWidget()
    window = parent.window() if parent is not None else widget
    return window.screen() or QGuiApplication.primaryScreen()


def work_area(widget: QWidget) -> QRect:
    """The screen's available geometry (without the taskbar) for ``widget``."""
    screen = screen_of(widget)
    if screen is None:  # no screen at all (never on a desktop): do not shrink
        return QRect(0, 0, 1 << 15, 1 << 15)
    return screen.availableGeometry()


def client_limit(area: QRect | QSize) -> QSize:
    """The largest client area of a window whose frame fits ``area``."""
    return QSize(area.width() - FRAME_SIDES, area.height() - TITLE_BAR)


PREFERRED_PROPERTY = "preferredSize"


def natural_size(window: QWidget) -> QSize:
    """The size at which ``window`` shows all of its content: its size hint, with
    each scroll area as large as what it holds (a scroll area's hint stops at about
    24 lines, so a long form would always scroll)."""
    window.ensurePolished()  # the style's sizes, as when shown
    size = window.sizeHint()
    extra_w = extra_h = 0
    for area in window.findChildren(QScrollArea):
        inner = area.widget()
        if inner is None or not area.isVisibleTo(window) or _inside_scroll_area(area, window):
            continue
        frame = 2 * area.frameWidth()
        extra_w = max(extra_w, inner.sizeHint().width() + frame - area.sizeHint().width())
        extra_h += max(0, inner.sizeHint().height() + frame - area.sizeHint().height())
    return QSize(size.width() + max(0, extra_w), size.height() + extra_h)


def _inside_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def fitted_size(window: QWidget, area: QRect | QSize) -> QSize:
    """The size :func:`fit_to_screen` gives ``window`` on a work area of ``area``: its
    preferred size, or the work area less the frame where that is smaller, never below
    the window's minimum size (a minimum larger than the smallest laptop's work area is
    a bug ``tests/ui/test_screen_fit.py`` catches)."""
    preferred = window.property(PREFERRED_PROPERTY)
    if not isinstance(preferred, QSize):
        preferred = natural_size(window)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    limit = client_limit(area)
    if preferred.height() > limit.height() and window.findChild(QScrollArea) is not None:
        # It will scroll: room for the vertical scroll bar, so none is needed across.
        bar = window.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, window)
        preferred = QSize(preferred.width() + bar, preferred.height())
    return preferred.boundedTo(limit).expandedTo(minimum)


def fit_to_screen(window: QWidget, width: int | None = None, height: int | None = None) -> QSize:
    """Resize ``window`` to ``width``×``height`` (None: as large as its content, see
    :func:`natural_size`; call it once the content is built), or to the work area of
    its screen less the frame where that is smaller. Returns the size given."""
    natural = natural_size(window) if width is None or height is None else QSize()
    preferred = QSize(
        width if width is not None else natural.width(),
        height if height is not None else natural.height(),
    )
    window.setProperty(PREFERRED_PROPERTY, preferred)
    size = fitted_size(window, work_area(window))
    window.resize(size)
    if width is None or height is None:
        # Sizes settle when the window is first shown (style, hidden rows): measure
        # the content again then.
        window.installEventFilter(_FitOnFirstShow(window, width, height))
    return size


class _FitOnFirstShow(QObject):
    def __init__(self, window: QWidget, width: int | None, height: int | None) -> None:
        super().__init__(window)
        self._size = (width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            watched.removeEventFilter(self)
            self.deleteLater()
            window = watched
            natural = natural_size(window)
            width, height = self._size
            window.setProperty(
                PREFERRED_PROPERTY,
                QSize(
                    width if width is not None else natural.width(),
                    height if height is not None else natural.height(),
                ),
            )
            window.resize(fitted_size(window, work_area(window)))
        return False


def grow_to_content(window: QWidget) -> None:
    """Make a dialog taller when its content grew (a message appeared) and it has
    room on its screen, so the message is seen without scrolling; it moves up if its
    bottom would leave the work area. Never shrinks: what the user sized stays."""
    natural = natural_size(window)
    preferred = window.property(PREFERRED_PROPERTY)
    if isinstance(preferred, QSize) and natural.height() > preferred.height():
        window.setProperty(PREFERRED_PROPERTY, QSize(preferred.width(), natural.height()))
    area = work_area(window)
    height = min(natural.height(), client_limit(area).height())
    if height <= window.height():
        return
    window.resize(window.width(), height)
    if window.isVisible():
        frame = window.frameGeometry()
        if frame.bottom() > area.bottom():
            window.move(frame.left(), max(area.top(), area.bottom() + 1 - frame.height()))


def fits(preferred: QSize, area: QRect | QSize) -> bool:
    """Whether a window of client size ``preferred`` fits ``area`` with its frame."""
    limit = client_limit(area)
    return preferred.width() <= limit.width() and preferred.height() <= limit.height()


class WindowGeometry:
    """The main window's place and size in the preferences, under ``key``.

    Saved: Qt's geometry blob (position, normal size, maximised or not) and the name
    of the screen the window was on. Restored only if that screen is still attached
    (a projector or second monitor that is gone would put the window off-screen) and
    then kept inside that screen's work area (its resolution may have changed)."""

    def __init__(self, prefs: QSettings | None, key: str = "main_window") -> None:
        self.prefs = prefs
        self.key = key

    def save(self, window: QWidget) -> None:
        if self.prefs is None:
            return
        screen = window.screen()
        self.prefs.setValue(f"{self.key}/geometry", window.saveGeometry())
        self.prefs.setValue(f"{self.key}/screen", screen.name() if screen is not None else "")
        self.prefs.sync()

    def saved_screen(self) -> QScreen | None:
        """The screen the window was last on, if that screen is still attached."""
        if self.prefs is None:
            return None
        name = self.prefs.value(f"{self.key}/screen", None)
        if not isinstance(name, str):
            return None
        return next((s for s in QGuiApplication.screens() if s.name() == name), None)

    def restore(self, window: QWidget) -> bool:
        """Put ``window`` where it was; False (window untouched) if nothing usable was
        saved or its screen is gone."""
        if self.prefs is None:
            return False
        blob = self.prefs.value(f"{self.key}/geometry", None)
        screen = self.saved_screen()
        if not isinstance(blob, QByteArray | bytes) or screen is None:
            return False
        before = window.geometry()
        if not window.restoreGeometry(QByteArray(blob)):
            window.setGeometry(before)
            return False
        area = screen.availableGeometry()
        if not window.isMaximized() and not window.isFullScreen():
            frame = window.geometry()
            size = frame.size().boundedTo(client_limit(area))
            top_left = frame.topLeft()
            # Inside the work area: the title bar reachable, the status bar visible.
            x = min(max(top_left.x(), area.left()), area.right() + 1 - size.width())
            y = min(max(top_left.y(), area.top() + TITLE_BAR), area.bottom() + 1 - size.height())
            window.setGeometry(QRect(x, y, size.width(), size.height()))
        log.info("window geometry restored on screen %s", screen.name())
        return True


def show_main_window(window: QWidget, geometry: WindowGeometry, preferred: QSize) -> None:
    """Show the main window where it was last, else at ``preferred`` size centred on
    the primary screen, or maximised if that size does not fit its work area (a
    1366×768 or 1280×720 laptop)."""
    if geometry.restore(window):
        window.show()
        return
    screen = QGuiApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else None
    if area is None or fits(preferred, area):
        window.resize(preferred)
        if area is not None:
            frame = QRect(0, 0, preferred.width(), preferred.height())
            frame.moveCenter(area.center())
            window.move(frame.topLeft())
        window.show()
    else:
        window.showMaximized()
