"""Auto-lock: after some minutes without keyboard or mouse input the window is covered
by a lock screen that asks for the store password. Nothing behind it stays visible or
reachable until the password is verified (against the store's key file, off the UI
thread: the key derivation is deliberately slow)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from time import monotonic

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage import keys
from gridclient.storage.errors import KeyFileError, WrongPassword
from gridclient.ui.tasks import TaskContext, TaskRunner


class IdleWatcher(QObject):
    """Emits ``idle`` once there was no keyboard, mouse, wheel or touch input in any
    window or dialog of the application for the idle time.

    An application-wide event filter sees every Qt event (paints, timers, layout…), so
    it does as little as possible: one C++ type test (``QEvent.isInputEvent``, no
    PySide enum made) and, for input, storing a timestamp — no timer restart and no
    signal per event. A single-shot timer fires when the idle time would be over
    since the last input it knew of; it then either emits ``idle`` or sleeps again for
    the rest of the idle time counted from the latest input. See
    ``bench/ui_idle_filter.py`` for the per-event cost."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._idle_ms = max(1, minutes) * 60_000
        self._last_input = monotonic()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self._idle_ms)
        self.timer.timeout.connect(self._check)
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
        return int((monotonic() - self._last_input) * 1000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.isInputEvent():
            self._last_input = monotonic()
        return False

    def _check(self) -> None:
        remaining = self._idle_ms - self.quiet_ms()
        if remaining > 0:
            self.timer.start(remaining)  # input since: wait for the rest of the time
        else:
            self.idle.emit()

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        self._last_input = monotonic()
        self.timer.start(self._idle_ms)

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


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
        self.title = QLabel(self.tr("Locked"))
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(
            self.tr(
                "GridClient locked itself because nobody used it for a while, to protect "
                "residents' personal information.\n{name}, enter your password to continue."
            ).format(name=user_name)
        )
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
        self.error = QLabel()
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

        self.runner.submit(work, on_done=self._accepted, on_error=self._refused)

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
            self.error.setText(self.tr("Could not check the password: {error}").format(error=exc))
