"""The one way off the UI thread and back.

Work runs on one of four lanes:

- ``read``: reads (list id queries, dialogs loading a record); two threads, each on its
  own connection (WAL lets them read beside the writer);
- ``write``: the store's writer (``storage/writer.py``), the single owner of every write;
  bound with :meth:`TaskRunner.bind_writer` once a store is open;
- ``cpu``: CPU work that touches no connection or only reads (report layout, the search
  index, photo scaling, roster parsing); one thread, so it never starves reads;
- ``net``: HTTP (sign-in, sync); two threads.

The result or the error is delivered on the UI thread through a queued signal. Long work
receives a :class:`TaskContext` to report progress and to check for a cooperative cancel
between batches; a cancel is any :class:`~gridclient.cancel.Cancelled`.

Tests build the runner with ``synchronous=True``: tasks run inline and callbacks fire
before ``submit`` returns, so no test sleeps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from gridclient.cancel import Cancelled

__all__ = ["Cancelled", "Lane", "TaskContext", "TaskHandle", "TaskRunner"]

log = logging.getLogger(__name__)

#: What PySide says when a callback reaches a widget Qt has already destroyed.
_GONE = ("already deleted", "Signal source has been deleted")


def _deliver(callback: Callable[[Any], None], value: Any) -> None:
    """Call ``callback`` with a task's result unless the widget it belongs to is gone: a
    window closed while its reads were in flight has no one to show them to (its bound
    methods are skipped; a closure that touches a destroyed widget is stopped there)."""
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, QObject) and not shiboken6.isValid(owner):
        log.debug("task result dropped: %r was destroyed", type(owner).__name__)
        return
    try:
        callback(value)
    except RuntimeError as exc:
        if not any(text in str(exc) for text in _GONE):
            raise
        log.debug("task result dropped: %s", exc)


T = TypeVar("T")

Lane = Literal["read", "write", "cpu", "net"]
_POOLS: dict[Lane, int] = {"read": 2, "cpu": 1, "net": 2}
"""Threads per pooled lane; ``write`` is the store's one writer thread."""


class WriteExecutor(Protocol):
    """What the ``write`` lane runs on (``storage.writer.Writer``)."""

    def submit(self, fn: Callable[[], Any]) -> Any: ...


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
        for lane, threads in _POOLS.items():
            pool = QThreadPool(self)
            pool.setMaxThreadCount(threads)
            self._pools[lane] = pool
        self._writer: WriteExecutor | None = None
        self._live: set[TaskHandle] = set()

    def bind_writer(self, writer: WriteExecutor | None) -> None:
        """The executor of the ``write`` lane: the open store's writer."""
        self._writer = writer

    def submit(
        self,
        fn: Callable[[TaskContext], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        lane: Lane = "read",
    ) -> TaskHandle:
        context = TaskContext()
        handle = TaskHandle(context)
        context._progress = handle.progressed.emit
        if on_progress is not None:
            handle.progressed.connect(on_progress)

        def finished(result: T) -> None:
            self._settle(handle)
            if on_done is not None:
                _deliver(on_done, result)

        def failed(exc: BaseException) -> None:
            self._settle(handle)
            if isinstance(exc, Cancelled):
                log.info("task cancelled")
            elif on_error is None:
                log.error("background task failed", exc_info=exc)
            if on_error is not None:
                _deliver(on_error, exc)

        handle.finished.connect(finished)
        handle.failed.connect(failed)
        self._live.add(handle)
        job = _Job(fn, handle)
        if self.synchronous:
            job.run()
        elif lane == "write":
            if self._writer is None:
                raise RuntimeError("no store writer bound to the task runner")
            self._writer.submit(job.run)
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
