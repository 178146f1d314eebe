"""Per-event cost of the auto-lock's idle watch (``gridclient.ui.lock.IdleWatcher``).

    QT_QPA_PLATFORM=offscreen python bench/ui_idle_filter.py [--events 100000]

The watch is an application-wide event filter, so every Qt event of the application
passes through it. Sends ``--events`` synthetic events with
``QCoreApplication.sendEvent`` to a widget — mouse moves (input) and a non-input event
(as paints, timers and layout events are) — with no filter, with the filter this
replaced (kept here as the reference: enum set test, timer restart per input event) and
with the current ``IdleWatcher``. Reported: process CPU time per event, best of 3 runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from gridclient.ui.lock import IdleWatcher

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class PreviousFilter(QObject):
    """The filter before (commit baf9a4a): restarts a QTimer on every input event."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(60_000)
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    widget = QWidget()
    widget.setMouseTracking(True)
    widget.show()
    app.processEvents()
    point = QPointF(5, 5)
    events: dict[str, QEvent] = {
        "mouse move": QMouseEvent(
            QEvent.Type.MouseMove,
            point,
            point,
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        ),
        "non-input": QEvent(QEvent.Type.User),
    }
    setups: dict[str, Callable[[], object]] = {
        "no filter": lambda: None,
        "previous filter": PreviousFilter,
        "IdleWatcher": lambda: IdleWatcher(5),
    }
    send = QApplication.sendEvent
    for kind, event in events.items():
        for label, setup in setups.items():
            runs = []
            for _ in range(3):
                watcher = setup()
                started = time.process_time()
                for _ in range(args.events):
                    send(widget, event)
                runs.append(time.process_time() - started)
                if watcher is not None:
                    watcher.stop()  # type: ignore[attr-defined]
            print(f"{kind:>10}, {label:<15}: {min(runs) * 1e6 / args.events:5.2f} µs/event CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
