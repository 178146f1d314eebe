"""The one owner of a store's writes: a single thread that runs write jobs in the order
they arrive.

Every write of the application goes through it: a person's edits (``AppContext.write``),
the sync engine's pull pages, push answers, attachment bytes, catalog and directory, sign-in
bookkeeping and roster imports. Reads do not: WAL lets readers work beside the writer on
their own connections. One thread means one queue, first come first served: a save made
during a township's initial pull waits for the page being written (a page group ends
as soon as a job is :attr:`Writer.queued` behind it, and after at most
``sync.engine.GROUP_SECONDS`` in any case), never for SQLite's busy timeout.

The write transactions themselves still take the store's :func:`~.engine.write_lock`
(``BEGIN IMMEDIATE`` behind a fair queue), which also serialises the few writers that run
outside the writer: migrations at open, tests, and ``eventstate.ensure``, the events
list's safety net that fills missing derived event states on the read path (only after
an upgrade in practice: every write path fills its own).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

THREAD_NAME = "gridclient-writer"


class WriterClosed(RuntimeError):
    """A write was handed to a writer whose store is closed."""


class Writer:
    """``writer.run(fn)`` runs ``fn()`` on the writer thread and returns its result (or
    raises its exception) in the caller's thread; ``writer.submit(fn)`` returns a future.
    A job that itself writes (``run`` from the writer thread) runs inline."""

    def __init__(self, name: str = THREAD_NAME) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._thread_id: int | None = None
        self._closed = False
        self._queued = 0  # jobs handed over and not started yet

    def _remember_thread(self) -> None:
        self._thread_id = threading.get_ident()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise WriterClosed("the store is closed")
            if self._executor is None:  # started on first use: reads-only tools never pay
                self._executor = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix=self._name, initializer=self._remember_thread
                )
            return self._executor

    def on_writer_thread(self) -> bool:
        return self._thread_id is not None and threading.get_ident() == self._thread_id

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        if self.on_writer_thread():
            future: Future[T] = Future()
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)
            return future
        pool = self._pool()
        with self._lock:
            self._queued += 1

        def started() -> T:
            with self._lock:
                self._queued -= 1
            return fn()

        return pool.submit(started)

    def run(self, fn: Callable[[], T]) -> T:
        if self.on_writer_thread():
            return fn()
        return self.submit(fn).result()

    @property
    def queued(self) -> bool:
        """Whether a job waits behind the one running: a long job (a first pull's page
        group) ends its transaction early so that a person's save goes next."""
        return self._queued > 0

    def close(self, *, wait: bool = True) -> None:
        """Let the queued writes finish (``wait``), then stop the thread. Later writes
        raise :class:`WriterClosed`."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait and not self.on_writer_thread())
