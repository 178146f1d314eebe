"""The one way off the UI thread and back.

Work runs on one of two lanes: ``db`` (a single thread, so database writes are
serialized) and ``net`` (network work). The result or the error is delivered on the UI
thread through a queued signal. Long work receives a :class:`TaskContext` to report
progress and to check for a cooperative cancel between batches.

Tests build the runner with ``synchronous=True``: tasks run inline and callbacks fire
before ``submit`` returns, so no test sleeps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Lane = Literal["db", "net"]


class Cancelled(Exception):
    """Raised inside a task by :meth:`TaskContext.check` once cancel was requested."""


@dataclass
class TaskContext:
    """Handed to the task function: progress out, cancel in."""

    _cancel: threading.Event = field(default_factory=threading.Event)
    _progress: Callable[[int, int, str], None] | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def progress(self, done: int, total: int, message: str = "") -> None:
        if self._progress is not None:
            self._progress(done, total, message)


class TaskHandle(QObject):
    """Lives on the UI thread; the worker emits through it (queued across threads)."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)

    def __init__(self, context: TaskContext) -> None:
        super().__init__()
        self.context = context
        self.done = False

    def cancel(self) -> None:
        self.context._cancel.set()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], handle: TaskHandle) -> None:
        super().__init__()
        self.fn = fn
        self.handle = handle

    def run(self) -> None:
        try:
            result = self.fn(self.handle.context)
        except BaseException as exc:  # delivered to the UI thread, never lost
            self.handle.failed.emit(exc)
        else:
            self.handle.finished.emit(result)


class TaskRunner(QObject):
    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pools: dict[Lane, QThreadPool] = {}
        for lane, threads in (("db", 1), ("net", 2)):
            pool = QThreadPool(self)
            pool.setMaxThreadCount(threads)
            self._pools[lane] = pool  # type: ignore[index]
        self._live: set[TaskHandle] = set()

    def submit(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        lane: Lane = "db",
    ) -> TaskHandle:
        context = TaskContext()
        handle = TaskHandle(context)
        context._progress = handle.progressed.emit
        if on_progress is not None:
            handle.progressed.connect(on_progress)

        def finished(result: object) -> None:
            self._settle(handle)
            if on_done is not None:
                on_done(result)

        def failed(exc: object) -> None:
            self._settle(handle)
            if isinstance(exc, Cancelled):
                log.info("task cancelled")
            elif on_error is None:
                log.error("background task failed", exc_info=exc)  # type: ignore[arg-type]
            if on_error is not None:
                on_error(exc)  # type: ignore[arg-type]

        handle.finished.connect(finished)
        handle.failed.connect(failed)
        self._live.add(handle)
        job = _Job(fn, handle)
        if self.synchronous:
            job.run()
        else:
            self._pools[lane].start(job)
        return handle

    def _settle(self, handle: TaskHandle) -> None:
        handle.done = True
        self._live.discard(handle)

    def busy(self) -> bool:
        return bool(self._live)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel what is running and wait for it, so no thread outlives the window."""
        for handle in list(self._live):
            handle.cancel()
        for pool in self._pools.values():
            pool.waitForDone(timeout_ms)
