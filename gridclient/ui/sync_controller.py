"""The UI's sync: one :class:`SyncController` per signed-in session.

* Runs :meth:`SyncEngine.run` on the task runner's network lane, never two at once: a
  request while one runs is coalesced into one follow-up run (the running one may have
  missed the edit that prompted it).
* Progress (phase, done, total) goes through the task's progress callback; cancel sets
  the engine's event, which it checks between batches and pages, so a cancelled sync
  leaves whole batches and pages behind and the next run resumes.
* Syncs by itself when the :class:`ConnectivityMonitor` finds the server reachable again
  (or the laptop woke up) and every ``interval_minutes`` while online. The monitor's
  probe runs on the network lane too, on a transport of its own.
* The connection state comes from those probes and from each sync's outcome.
* A device an administrator marked lost (``DeviceLost``, met before anything was
  pushed) is wiped at once: the controller stops, the session deletes the store, its
  backups and its token, and ``device_lost`` tells the window to close.
* A refused session (``SessionExpired``) emits ``reauth_needed``: the window asks for the
  password and calls :meth:`reauthenticate`. Rotated refresh tokens reach the keyring
  through the session's ``on_session`` hook (``log_in`` wires it).
* After a run, the change set the engine collected (``SyncReport.changes``: the records
  pulled, removed or answered) goes on the bus, so open lists update those rows, or
  rebuild their id lists keeping selection and scroll where membership may have changed;
  a run that changed nothing leaves the lists alone. A cancelled or failed run (its whole
  pages are applied, but its report is lost with the exception) announces every kind.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from gridclient.storage.changes import ChangeCollector
from gridclient.sync.engine import SyncEngine, SyncReport
from gridclient.sync.errors import Cancelled, DeviceLost, NetworkError, SessionExpired, TLSError
from gridclient.sync.monitor import ConnectivityMonitor
from gridclient.sync.session import TransportFactory, UserSession, ensure_online
from gridclient.sync.transport import Transport
from gridclient.ui.context import AppContext, ChangeSet
from gridclient.ui.tasks import TaskContext
from gridcore.domain.enums import EntityKind

__all__ = ["SyncController"]

log = logging.getLogger(__name__)

AUTO_SYNC_MINUTES = 15
TICK_SECONDS = 5


class SyncController(QObject):
    started = Signal()
    progressed = Signal(str, int, int)
    """``(phase, done, total)``: ``Phase.UPLOAD``/``PUSH``/``PULL``; total 0 if unknown."""
    finished = Signal(object)
    """A :class:`SyncReport` (look at ``report.errors`` for what failed)."""
    cancelled = Signal()
    failed = Signal(object)
    """An exception the engine did not expect (a bug or a broken store)."""
    connection_changed = Signal(object)
    """``True`` online, ``False`` offline, ``None`` not known yet."""
    reauth_needed = Signal()
    device_lost = Signal()
    """The store was wiped (the device was marked lost); the window must close."""

    def __init__(
        self,
        ctx: AppContext,
        session: UserSession,
        *,
        transport_factory: TransportFactory = Transport,
        batch_size: int = 200,
        page_size: int = 2000,
        fetch_catalog: bool = True,
        interval_minutes: float = AUTO_SYNC_MINUTES,
        tick_seconds: float = TICK_SECONDS,
        probe: Callable[[], bool] | None = None,
        min_backoff: float = 5.0,
        max_backoff: float = 300.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = session
        self.batch_size = batch_size
        self.page_size = page_size
        self.fetch_catalog = fetch_catalog
        self._running = False
        self._cancel: threading.Event | None = None
        self._again = False
        self._ticking = False
        self._stopped = False
        self._asked = False
        self._online: bool | None = True if session.online else None
        self.last_report: SyncReport | None = None
        self._probe_transport: Transport | None = None
        if probe is None:
            self._probe_transport = transport_factory(session.server_url)
            probe = self._probe_transport.health
        self.monitor = ConnectivityMonitor(
            probe,
            self._monitor_wants_sync,
            interval=tick_seconds * 6,
            min_backoff=min_backoff,
            max_backoff=max_backoff,
        )
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(int(tick_seconds * 1000))
        self.tick_timer.timeout.connect(self.tick)
        self.interval_timer = QTimer(self)
        self.interval_timer.setInterval(int(interval_minutes * 60_000))
        self.interval_timer.timeout.connect(self._interval_sync)

    # -- state ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    @property
    def online(self) -> bool | None:
        return self._online

    def _set_online(self, online: bool | None) -> None:
        if online != self._online:
            self._online = online
            log.info("connection state: %s", online)
            self.connection_changed.emit(online)

    # -- automatic syncs --------------------------------------------------------------

    def start(self) -> None:
        """Probe now and then every few seconds; sync at the interval while online."""
        self.tick_timer.start()
        self.interval_timer.start()
        self.tick()

    def stop(self) -> None:
        """Stop the timers and cancel a running sync (the window is closing); no sync
        starts after this, not even from a probe that answers late."""
        self._stopped = True
        self.tick_timer.stop()
        self.interval_timer.stop()
        self.cancel()
        if self._probe_transport is not None:
            self._probe_transport.close()

    def _monitor_wants_sync(self) -> None:
        """The monitor's ``sync`` callback, on the network lane inside :meth:`tick`: only
        note it; the tick's completion starts the sync on the UI thread."""
        self._asked = True

    def tick(self) -> None:
        """One monitor tick off the UI thread (probe when due, wake-up check)."""
        if self._ticking or self._running or self._stopped:
            return
        self._ticking = True
        self._asked = False
        monitor = self.monitor

        def work(_ctx: TaskContext) -> bool | None:
            monitor.tick()
            return monitor.online

        def done(reachable: object) -> None:
            self._ticking = False
            was = self._online
            if reachable is not None:
                self._set_online(bool(reachable))
            if reachable and (self._asked or was is False):
                self.sync()

        def failed(exc: BaseException) -> None:
            self._ticking = False
            log.warning("connectivity check failed: %s", type(exc).__name__)
            if isinstance(exc, TLSError):
                self._set_online(False)

        self.ctx.runner.submit(work, on_done=done, on_error=failed, lane="net")

    def _interval_sync(self) -> None:
        if self._online is not False:
            self.sync()

    # -- the one way to sync ----------------------------------------------------------

    def sync(self) -> bool:
        """Start a sync; False when one runs already (it is then followed by one more)."""
        if self._stopped:
            return False
        if self.running:
            self._again = True
            return False
        self._again = False
        cancel = threading.Event()
        self._cancel = cancel
        store, transport = self.session.store, self.session.transport
        batch_size, page_size, catalog = self.batch_size, self.page_size, self.fetch_catalog

        def work(ctx: TaskContext) -> SyncReport:
            def progress(phase: str, done: int, total: int) -> None:
                ctx.progress(done, total, phase)

            engine = SyncEngine(
                store,
                transport,
                batch_size=batch_size,
                page_size=page_size,
                fetch_catalog=catalog,
                progress=progress,
                cancel=cancel,
            )
            return engine.run()

        self._running = True
        self.started.emit()
        log.info("sync started")
        self.ctx.runner.submit(
            work,
            on_done=self._done,
            on_error=self._error,
            on_progress=self._progress,
            lane="net",
        )
        return True

    def cancel(self) -> None:
        self._again = False
        if self._cancel is not None:
            self._cancel.set()

    def reauthenticate(
        self,
        password: str,
        on_done: Callable[[], None],
        on_error: Callable[[BaseException], None],
        new_password: str | None = None,
    ) -> None:
        """Log in again with the password (after ``reauth_needed``), then sync. Counts
        as running, so no sync uses the transport meanwhile (one asked for follows).
        ``new_password``: the person's own after an administrator reset theirs."""
        if self._stopped or self._running:
            on_error(RuntimeError("a sync is running"))
            return
        self._running = True
        session = self.session

        def work(_ctx: TaskContext) -> None:
            ensure_online(session, password, new_password)

        def done(_result: object) -> None:
            self._running = False
            self._set_online(True)
            on_done()
            self.sync()

        def failed(exc: BaseException) -> None:
            self._running = False
            on_error(exc)
            if isinstance(exc, DeviceLost):  # ensure_online wiped the store already
                self.stop()
                self.device_lost.emit()

        self.ctx.runner.submit(work, on_done=done, on_error=failed, lane="net")

    def _lost(self) -> None:
        log.warning("device marked lost: wiping the local store")
        self._again = False
        self.stop()
        try:
            self.session.wipe()
        except OSError as exc:
            log.error("wiping the store failed: %s", type(exc).__name__)
        self.device_lost.emit()

    # -- outcomes (UI thread) ---------------------------------------------------------

    def _progress(self, done: int, total: int, phase: str) -> None:
        self.progressed.emit(phase, done, total)

    def _settle(self, changes: ChangeSet) -> None:
        self._running = False
        self._cancel = None
        self.ctx.publish(changes)  # an empty set (a quiet periodic sync) is not published

    def _done(self, report: object) -> None:
        assert isinstance(report, SyncReport)
        self.last_report = report
        if any(isinstance(e, DeviceLost) for e in report.errors):
            self._running = False
            self._cancel = None
            self._lost()
            return
        self.ctx.refresh_names()  # the directory may have come with this sync
        self._settle(report.changes)
        errors = report.errors
        if any(isinstance(e, NetworkError | TLSError) for e in errors):
            self._set_online(False)
        else:
            self._set_online(True)
        log.info("sync done: %s", report.summary_zh())
        self.finished.emit(report)
        if any(isinstance(e, SessionExpired) for e in errors):
            self._again = False
            self.reauth_needed.emit()
        elif self._again:
            self.sync()

    def _error(self, exc: BaseException) -> None:
        everything = ChangeCollector("sync")
        for kind in EntityKind:
            everything.whole(kind)
        everything.conflicts = everything.sync_states = True
        self._settle(everything.freeze())  # whole pages may have been applied before it
        if isinstance(exc, Cancelled):
            log.info("sync cancelled")
            self.cancelled.emit()
        else:
            log.error("sync failed", exc_info=exc)
            self.failed.emit(exc)
        if self._again:
            self.sync()
