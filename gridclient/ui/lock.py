"""Auto-lock: after some minutes without keyboard or mouse input the window is covered
by a lock screen that asks for the store password. Nothing behind it stays visible or
reachable until the password is verified (against the store's key file, off the UI
thread: the key derivation is deliberately slow)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from time import monotonic

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage import keys
from gridclient.storage.errors import KeyFileError, WrongPassword
from gridclient.ui.i18n import ui_text
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.tasks import TaskContext, TaskRunner

Clock = Callable[[], float]
"""Monotonic seconds (``time.monotonic``)."""


class IdleWatcher(QObject):
    """Emits ``idle`` once there was no keyboard, mouse, wheel or touch input in any
    window or dialog of the application for the idle time.

    An application-wide event filter sees every Qt event (paints, timers, layout…), so
    it does as little as possible: one C++ type test (``QEvent.isInputEvent``, no
    PySide enum made) and, for input, storing a timestamp — no timer restart and no
    signal per event. A single-shot timer fires when the idle time would be over
    since the last input it knew of; it then either emits ``idle`` or sleeps again for
    the rest of the idle time counted from the latest input. See
    ``bench/ui_idle_filter.py`` for the per-event cost.

    ``clock`` (seconds, monotonic) is where "now" comes from; a test passes its own and
    calls :meth:`check` instead of waiting for the timer on the wall clock."""

    idle = Signal()

    def __init__(
        self, minutes: int, parent: QObject | None = None, *, clock: Clock = monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._idle_ms = max(1, minutes) * 60_000
        self._last_input = clock()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self._idle_ms)
        self.timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    @property
    def idle_ms(self) -> int:
        return self._idle_ms

    def set_idle_ms(self, idle_ms: int) -> None:
        """Change the idle time (counted from the last input) and start watching."""
        self._idle_ms = max(1, idle_ms)
        self.timer.start(self._idle_ms)

    def quiet_ms(self) -> int:
        """Milliseconds since the last input."""
        return int((self._clock() - self._last_input) * 1000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.isInputEvent():
            self._last_input = self._clock()
        return False

    def check(self) -> None:
        """What the timer runs when the idle time may be over: emit ``idle``, or sleep
        for the rest of the idle time counted from the latest input."""
        remaining = self._idle_ms - self.quiet_ms()
        if remaining > 0:
            self.timer.start(remaining)  # input since: wait for the rest of the time
        else:
            self.idle.emit()

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        self._last_input = self._clock()
        self.timer.start(self._idle_ms)

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockGuard(QObject):
    """While the application is locked: no window but the locked main window shows, and
    no input or shortcut reaches anything but the lock screen.

    Installed as an application-wide event filter only while locked (so it costs nothing
    otherwise). Every top-level window that was open is hidden (popups and tool tips are
    closed for good; dialogs and other windows come back at :meth:`release`); a window that
    some late callback shows while locked (a message box, a print preview, a password
    prompt) is hidden on the next event-loop turn and comes back at release too. Key,
    mouse, wheel and touch input to any widget outside ``allowed`` and every ``Shortcut``
    event are swallowed: even a shortcut the code forgot to disable does nothing.

    A dialog run with ``exec()`` ends its own event loop when hidden (Qt's rule), as if
    cancelled; the app opens its dialogs with ``open()`` so they survive a lock."""

    def __init__(self, main: QWidget, allowed: QWidget) -> None:
        super().__init__(main)
        self._main = main
        self._allowed = allowed
        self._hidden: list[QWidget] = []
        self.active = False

    def engage(self) -> None:
        if self.active:
            return
        self.active = True
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        popup = app.activePopupWidget()
        while popup is not None:  # open menus, combo lists, completers
            popup.close()
            next_popup = app.activePopupWidget()
            if next_popup is popup:
                popup.hide()
                break
            popup = next_popup
        for window in app.topLevelWidgets():
            self._cover(window)
        app.installEventFilter(self)

    def release(self) -> list[QWidget]:
        """Stop guarding and show again the windows hidden while locked (in the order
        they were first shown); returns them."""
        if not self.active:
            return []
        self.active = False
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        shown = []
        for window in self._hidden:
            if shiboken6.isValid(window) and window.isHidden():
                window.show()
                shown.append(window)
        self._hidden = []
        return shown

    def stop(self) -> None:
        """The main window closes: stop guarding, show nothing again."""
        self.active = False
        self._hidden = []
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _cover(self, window: QWidget) -> None:
        if window is self._main or not shiboken6.isValid(window) or not window.isVisible():
            return
        kind = window.windowType()
        window.hide()
        if kind in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
            return  # a menu or tool tip: gone, not restored
        if window not in self._hidden:
            self._hidden.append(window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.active:
            return False
        kind = event.type()
        if kind == QEvent.Type.Show:
            if isinstance(watched, QWidget) and watched.isWindow() and watched is not self._main:
                # Hiding inside the show event would leave the native window up: next turn.
                QTimer.singleShot(0, self, lambda w=watched: self._cover_late(w))
            return False
        if kind == QEvent.Type.Shortcut:
            return True
        if event.isInputEvent() and isinstance(watched, QWidget):
            return not self._inside_allowed(watched)
        return False

    def _cover_late(self, window: QWidget) -> None:
        if self.active and shiboken6.isValid(window):
            self._cover(window)

    def _inside_allowed(self, widget: QWidget) -> bool:
        if widget is self._main:
            return True  # its title bar and frame: the lock screen is all it shows
        return widget is self._allowed or self._allowed.isAncestorOf(widget)


Verifier = Callable[[str], None]
"""Raises ``WrongPassword`` (or ``KeyFileError``) when the password does not unlock."""


def key_file_verifier(key_path: Path) -> Verifier:
    def verify(password: str) -> None:
        keys.unlock(key_path, password)

    return verify


class LockScreen(QWidget):
    """An opaque page asking for the password; emits ``unlocked`` once verified."""

    unlocked = Signal()

    def __init__(self, runner: TaskRunner, verify: Verifier, user_name: str) -> None:
        super().__init__()
        self.runner = runner
        self._verify = verify
        self.setAutoFillBackground(True)
        self.setObjectName("lockScreen")
        self.title = TextLabel(self.tr("Locked"))
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._user_name = user_name
        self.hint = TextLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setMinimumHeight(90)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.password.setMinimumWidth(320)
        self.password.returnPressed.connect(self.try_unlock)
        self.button = QPushButton(self.tr("Unlock"))
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_unlock)
        self.error = TextLabel()
        self.error.setObjectName("lockError")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setWordWrap(True)

        box = QWidget()
        box.setFixedWidth(560)  # a fixed width lets the wrapped hint get its full height
        inner = QVBoxLayout(box)
        inner.setSpacing(14)
        inner.addWidget(self.title)
        inner.addWidget(self.hint)
        inner.addWidget(self.password)
        inner.addWidget(self.button)
        inner.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setStyleSheet(
            "QLabel, QLineEdit, QPushButton { font-size: 13pt; }"
            "#lockTitle { font-size: 22pt; font-weight: bold; }"
            "#lockError { color: #b00020; font-weight: bold; }"
        )
        self.set_reason(idle=True)

    def set_reason(self, *, idle: bool) -> None:
        """Say why the window is locked: idle time or the user's own Ctrl+L."""
        if idle:
            text = self.tr(
                "GridClient locked itself because nobody used it for a while, to protect "
                "residents' personal information.\n{name}, enter your password to continue."
            )
        else:
            text = self.tr(
                "GridClient was locked on request, to protect residents' personal "
                "information.\n{name}, enter your password to continue."
            )
        self.hint.setText(text.format(name=self._user_name))

    def reset(self) -> None:
        self.password.clear()
        self.error.clear()
        self.password.setEnabled(True)
        self.button.setEnabled(True)
        self.password.setFocus()

    def try_unlock(self) -> None:
        password = self.password.text()
        if not password:
            self.error.setText(self.tr("Enter your password."))
            return
        self.password.setEnabled(False)
        self.button.setEnabled(False)
        self.error.setText(self.tr("Checking…"))
        verify = self._verify

        def work(_ctx: TaskContext) -> None:
            verify(password)

        self.runner.submit(work, on_done=self._accepted, on_error=self._refused, lane="cpu")

    def _accepted(self, _result: object) -> None:
        self.reset()
        self.unlocked.emit()

    def _refused(self, exc: BaseException) -> None:
        self.password.setEnabled(True)
        self.button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, WrongPassword):
            self.error.setText(self.tr("Wrong password. Please try again."))
        elif isinstance(exc, KeyFileError):
            self.error.setText(
                self.tr(
                    "The key file of this computer's data cannot be read. "
                    "Please call your IT contact."
                )
            )
        else:
            self.error.setText(
                self.tr("Could not check the password: {error}").format(error=ui_text(exc))
            )
