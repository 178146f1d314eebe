"""The sync engine: push the outbox, then pull the change feed, safely at any instant.

Invariants (ARCHITECTURE.md, "Sync protocol"):

* **Push before pull**, in batches of pending ops in seq order, attachments first. An op
  changes status only in the local transaction that records the server's answer, so a
  crash before the answer leaves it pending and the next run sends it again; the server
  deduplicates by ``op_id`` and answers the replay with the stored result.
* **One page, one transaction.** A pulled page (evictions, changes, rebase, conflicts)
  and its cursor are written on one connection in one ``BEGIN IMMEDIATE`` transaction:
  the ORM session used for the sync-state and conflict repositories is bound to that
  very connection and joins its transaction. A crash loses the page and its cursor
  together, so the page is simply pulled again.
* **The server's copy reaches the pushing laptop** (docs/protocol.md, rule 1). A push
  answer never changes a record's local version: the server's copy, with whatever the
  server assigned (``server_at``, versions, canonical values), comes back through the
  pull and is applied because it is newer than the local copy.
* **A pull never dies on one record** (rule 4): a record this laptop cannot store is kept
  aside in ``held_records`` with its reason; a later valid version replaces it.
* **Rebase.** A pulled record with unsent local ops (pending, or parked as rejected)
  takes the server's version and values as its new base, then the ops' new values are
  written back on top in seq order, in the same transaction; the push's answer (or the
  next pull after it) settles them.
* No transaction is held open across an HTTP request: every request happens between
  local transactions. The next pull page (and the next attachment blob) is fetched on a
  helper thread while the current one is written; it is only applied after that commit.
* **Attachment bytes** follow their records: after the pull, blobs of attachment records
  with no stored bytes are downloaded by SHA-256 (checked), each in its own transaction.
* **Conflict decisions** are ``resolve`` ops (see :mod:`gridcore.protocol`).
  Accepted: the local conflict record is closed. Refused: the kept value written
  optimistically is put back (if nothing changed it since) and the decision is cleared
  so the conflict shows as open again; ``already_resolved`` marks the op superseded (the
  other decision arrives with the pull), other reasons park it as rejected. Only pending
  resolve ops are rebased: a refused decision must not stay on top of the server's data.

No Qt here: the UI's task runner calls :meth:`SyncEngine.run` on its network worker and
passes a ``threading.Event`` for cancel and a callback for progress.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gridclient.storage import eventstate, indexes
from gridclient.storage.bulk import (
    any_held,
    apply_fields,
    delete_rows,
    existing_ids,
    held_changes,
    hold_records,
    missing_blobs,
    release_held,
    store_blob,
    upsert_changes,
)
from gridclient.storage.changes import ChangeCollector, ChangeSet
from gridclient.storage.engine import read_session, write_connection, write_lock
from gridclient.storage.repositories import OUTBOX_RETENTION, Repositories
from gridclient.storage.store import Store
from gridclient.storage.syncmeta import Conflict, OpStatus, OutboxOp, SyncKey, restores
from gridclient.sync import seeding
from gridclient.sync.errors import (
    Cancelled,
    ClientTooOld,
    ProtocolError,
    ServerError,
    SyncError,
)
from gridclient.sync.transport import PullPage, Transport
from gridcore.domain.catalog import EventCatalog
from gridcore.domain.clock import MAX_SKEW, ClockSample, measure
from gridcore.domain.codec import CodecError, JSONValue, encode_fields
from gridcore.domain.departments import DepartmentError, DepartmentList
from gridcore.domain.enums import ChangeKind, EntityKind
from gridcore.domain.holidays import HolidayError, WorkCalendar
from gridcore.messages import Catalog, Message, plain
from gridcore.protocol import (
    MAX_OPS_PER_PUSH,
    ConflictInfo,
    Op,
    OpResult,
    PullResponse,
    PushRequest,
    Resolution,
)

__all__ = ["Phase", "ProgressFunc", "SyncEngine", "SyncReport"]

log = logging.getLogger(__name__)

_msg = Catalog(
    __name__,
    {
        "Sync finished: {pushed} uploaded, {pulled} downloaded, {conflicts} conflicts, "
        "{rejected} refused": (
            "同步成功：上传 {pushed} 条，下载 {pulled} 条，冲突 {conflicts} 条，被拒 {rejected} 条"
        ),
        "Sync not finished: {pushed} uploaded, {pulled} downloaded, {conflicts} conflicts, "
        "{rejected} refused": (
            "同步未完成：上传 {pushed} 条，下载 {pulled} 条，冲突 {conflicts} 条，"
            "被拒 {rejected} 条"
        ),
        "Sync not finished: {pushed} uploaded, {pulled} downloaded, {conflicts} conflicts, "
        "{rejected} refused; error: {error}": (
            "同步未完成：上传 {pushed} 条，下载 {pulled} 条，冲突 {conflicts} 条，"
            "被拒 {rejected} 条；错误：{error}"
        ),
    },
)


_UNSTORABLE = (CodecError, ValueError, TypeError, OverflowError, KeyError, DBAPIError)
"""What storing a pulled record can raise when a value is beyond what this laptop can
hold (``sqlalchemy.exc.DBAPIError`` wraps the driver's errors)."""


def _entity_kind(value: str) -> EntityKind | None:
    try:
        return EntityKind(value)
    except ValueError:
        return None


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip() or type(exc).__name__
    return text[:500]


class Phase:
    """Progress phases, in order."""

    UPLOAD = "upload"
    PUSH = "push"
    PULL = "pull"
    DOWNLOAD = "download"
    SEED = "seed"
    """A first download from a seed: bytes of the file (``total`` its size)."""
    SEED_COPY = "seed-copy"
    """The seed being copied into the store (``0, 0``: no count to show)."""


GROUP_SECONDS = 0.5
"""A pull transaction takes in the next page only while younger than this."""
GROUP_RECORDS = 20_000
"""…and while it holds fewer records than this (bounded memory and rollback)."""
FIRST_GROUP_SECONDS = 2.0
FIRST_GROUP_RECORDS = 100_000
"""The same bounds for a first pull into an empty store: its record tables have no
secondary indexes yet, but every commit still rewrites the pages of the id indexes the
group touched (ids are random), and there is nothing of the user's to save yet."""
AWAIT_SLICE = 0.02
"""How often a first pull's group, waiting for its next page, looks for a queued write."""

ProgressFunc = Callable[[str, int, int], None]
"""``(phase, done, total)``; ``total`` is 0 when unknown (pull pages)."""

_ANSWERED = {
    "applied": OpStatus.APPLIED,
    "merged": OpStatus.MERGED,
    "conflict": OpStatus.CONFLICT,
    "rejected": OpStatus.REJECTED,
}


@dataclass
class SyncReport:
    """What one run did. ``ok`` is False as soon as anything failed: an op rejected in
    this run, an error that stopped a phase, or a refused pull."""

    pushed: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    """Push answers that opened a conflict (the conflict records arrive with the pull)."""
    rejected: int = 0
    uploaded: int = 0
    """Attachment blobs sent (known ones are skipped)."""
    downloaded: int = 0
    """Attachment blobs fetched for pulled attachment records."""
    pulled: int = 0
    seeded: int = 0
    """Of :attr:`pulled`, the records that came in a seed (a first download's file)."""
    echoed: int = 0
    """Pulled records that were only the server's copy of this run's own applied ops
    (docs/protocol.md rule 1): stored like any other, but not news for the person, so
    :attr:`received` leaves them out."""
    own_versions: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    """(kind, id) → the version the server gave this run's last applied op of it."""
    evicted: int = 0
    kept_evictions: list[tuple[EntityKind, str]] = field(default_factory=list)
    """Records that left the scope but still have unsent ops, so they stay."""
    rebased: int = 0
    conflicts_received: int = 0
    errors: list[SyncError] = field(default_factory=list)
    pull_refused: bool = False
    """The server refused the pull (client too old); the push still ran."""
    finished_at: datetime | None = None
    clock_offset: timedelta | None = None
    """Server minus device clock, measured in this run (None: no answer to measure)."""
    held_ids: set[tuple[str, str]] = field(default_factory=set)
    """(kind, id) of the pulled records this run kept aside (see ``held_records``) and
    that are still aside at its end: one the run set aside and then replaced by a later
    page (or its replay) is not counted."""
    pruned: int = 0
    """Done-with outbox ops older than ``OUTBOX_RETENTION`` dropped after a successful run."""
    collected: ChangeCollector = field(default_factory=lambda: ChangeCollector("sync"))
    """What the run changed in the store (see :attr:`changes`)."""

    @property
    def received(self) -> int:
        """Records that came from elsewhere: pulled, less this laptop's own coming back."""
        return self.pulled - self.echoed

    @property
    def changes(self) -> ChangeSet:
        """What this run changed in the store, for the views."""
        return self.collected.freeze()

    @property
    def held(self) -> int:
        """How many pulled records this run left aside."""
        return len(self.held_ids)

    @property
    def clock_skewed(self) -> bool:
        return self.clock_offset is not None and abs(self.clock_offset) > MAX_SKEW

    @property
    def ok(self) -> bool:
        return not self.errors and self.rejected == 0 and not self.pull_refused

    def summary(self) -> Message:
        """One line for the command line and the log (the window words its own)."""
        counts: dict[str, object] = {
            "pushed": self.pushed,
            "pulled": self.received,
            "conflicts": self.conflicts + self.conflicts_received,
            "rejected": self.rejected,
        }
        if self.errors:
            error = self.errors[0]
            text = getattr(error, "user_message", None)
            counts["error"] = text if isinstance(text, Message) else plain(str(error))
            return _msg(
                "Sync not finished: {pushed} uploaded, {pulled} downloaded, {conflicts} "
                "conflicts, {rejected} refused; error: {error}",
                **counts,
            )
        if self.ok:
            return _msg(
                "Sync finished: {pushed} uploaded, {pulled} downloaded, {conflicts} "
                "conflicts, {rejected} refused",
                **counts,
            )
        return _msg(
            "Sync not finished: {pushed} uploaded, {pulled} downloaded, {conflicts} "
            "conflicts, {rejected} refused",
            **counts,
        )

    def summary_zh(self) -> str:
        """:meth:`summary` in Chinese."""
        return str(self.summary())


def _echoes(
    kind: str,
    changes: list[dict[str, Any]],
    failed: list[tuple[dict[str, Any], str]],
    own_versions: dict[tuple[str, str], int],
) -> int:
    """How many of the stored ``changes`` are exactly the version this run's own
    applied op made (nobody else changed the record since)."""
    held = {id(change) for change, _reason in failed}
    return sum(
        1
        for change in changes
        if id(change) not in held
        and own_versions.get((kind, str(change.get("id")))) == change.get("version")
    )


def _wire_op(op: OutboxOp) -> Op:
    created = op.created_at if op.created_at.tzinfo else op.created_at.replace(tzinfo=UTC)
    return Op(
        op_id=uuid.UUID(op.op_id),
        seq=op.seq,
        entity=op.entity,
        entity_id=op.entity_id,
        kind=op.kind,
        base_version=op.base_version,
        changes={name: (old, new) for name, (old, new) in op.changes.items()},
        client_time=created,
        conflict_id=op.conflict_id,
        keep=cast(Resolution | None, op.keep),
    )


class SyncEngine:
    """One sync run at a time per store (the UI's ``SyncController`` serialises runs)."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        batch_size: int = 200,
        page_size: int = 2000,
        progress: ProgressFunc | None = None,
        cancel: threading.Event | None = None,
        fetch_catalog: bool = False,
        use_seed: bool = True,
    ) -> None:
        """``use_seed``: a first pull into an empty store starts from the server's seed
        of the scope when there is one (:mod:`gridclient.sync.seeding`); the seed maker
        itself pulls rows."""
        if not 1 <= batch_size <= MAX_OPS_PER_PUSH:
            raise ValueError(f"batch_size must be within 1..{MAX_OPS_PER_PUSH}")
        if page_size < 1:
            raise ValueError("page_size must be positive")
        self.store = store
        self.transport = transport
        self.batch_size = batch_size
        self.page_size = page_size
        self._progress = progress
        self.cancel = cancel if cancel is not None else threading.Event()
        self.fetch_catalog = fetch_catalog
        self.use_seed = use_seed
        self._conflict_ops: dict[str, str] = {}
        self._clock_samples: list[ClockSample] = []

    # -- the run ----------------------------------------------------------------------

    def run(self) -> SyncReport:
        """Push, then pull. Network and server failures end up in ``report.errors``
        (typed, for the UI); ``Cancelled`` is raised, after the last whole batch or page."""
        report = SyncReport()
        try:
            self._run(report)
        finally:
            self._save_clock(report)
        return report

    def _run(self, report: SyncReport) -> None:
        try:
            self._push(report)
        except Cancelled:
            raise
        except SyncError as exc:
            log.warning("push stopped: %s", type(exc).__name__)
            report.errors.append(exc)
            return
        try:
            self._pull(report)
            self._download_attachments(report)
            if self.fetch_catalog:
                self._catalog()
                self._holidays()
                self._departments()
                self._directory()
        except Cancelled:
            raise
        except ClientTooOld as exc:
            log.warning("pull refused: client too old")
            report.pull_refused = True
            report.errors.append(exc)
        except SyncError as exc:
            log.warning("pull stopped: %s", type(exc).__name__)
            report.errors.append(exc)
        if report.ok:
            finished = report.finished_at = datetime.now(UTC)

            def save_finished() -> None:
                with self.store.write() as repos:
                    repos.sync_state.set_last_sync_at(finished)
                    # A clean run: the outbox keeps a month of answered ops, not every one.
                    report.pruned = repos.outbox.prune_acknowledged(
                        created_before=finished - OUTBOX_RETENTION
                    )

            self.store.writer.run(save_finished)

    def _sample_clock(self, sent: datetime, server_time: datetime) -> None:
        try:
            self._clock_samples.append(measure(sent, datetime.now(UTC), server_time))
        except ValueError:
            log.warning("server time without a zone; clock not measured")

    def _save_clock(self, report: SyncReport) -> None:
        """Keep the offset of the quickest answer of this run (the most precise one)."""
        if not self._clock_samples:
            return
        best = min(self._clock_samples, key=lambda sample: sample.round_trip)
        report.clock_offset = best.offset
        clock = self.store.clock
        clock.set(best.offset, datetime.now(UTC) + best.offset)
        if clock.skewed:
            log.warning("device clock is off by %.0f s", best.offset.total_seconds())
        saved = clock.to_json()

        def save_clock() -> None:
            with self.store.write() as repos:
                repos.sync_state.set(SyncKey.CLOCK, saved)

        self.store.writer.run(save_clock)

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled(detail="sync cancelled between batches")

    def _report(self, phase: str, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress(phase, done, total)

    # -- push -------------------------------------------------------------------------

    def _push(self, report: SyncReport) -> None:
        with self.store.read() as repos:
            total = repos.outbox.status_counts()[OpStatus.PENDING]
        self._upload_attachments(report)
        answered: set[str] = set()
        while True:
            self._check_cancel()
            with self.store.read() as repos:
                batch = repos.outbox.pending(self.batch_size)
            if not batch:
                return
            if any(op.op_id in answered for op in batch):  # an answer did not stick
                raise ProtocolError(detail="an answered op is still pending")
            request = PushRequest(
                device_id=self.store.device_id, ops=[_wire_op(op) for op in batch]
            )
            sent = datetime.now(UTC)
            response = self.transport.push(request, cancel=self.cancel)
            self._sample_clock(sent, response.server_time)
            results = {str(r.op_id): r for r in response.results}
            missing = [op.op_id for op in batch if op.op_id not in results]
            busy = self._record_answers(batch, results, report)
            answered.update(op.op_id for op in batch if op.op_id in results)
            if busy:
                raise ServerError(status=503, code="busy", detail=f"{busy} ops hit a busy server")
            if missing:
                raise ProtocolError(detail=f"push answer lacks {len(missing)} of the ops sent")
            total = max(total, report.pushed)
            self._report(Phase.PUSH, report.pushed, total)

    def _record_answers(
        self, batch: list[OutboxOp], results: dict[str, OpResult], report: SyncReport
    ) -> int:
        """Every answer of a batch in one local transaction, after the HTTP exchange.
        Returns how many ops the server could not try (``busy``): they stay pending."""
        return self.store.writer.run(lambda: self._save_answers(batch, results, report))

    def _save_answers(
        self, batch: list[OutboxOp], results: dict[str, OpResult], report: SyncReport
    ) -> int:
        report.collected.sync_states = True
        busy = 0
        with self.store.write() as repos:
            for op in batch:
                result = results.get(op.op_id)
                if result is None:
                    continue
                if result.status == "rejected" and result.reason == "busy":
                    busy += 1  # transient and not logged by the server: send it again
                    continue
                status = _ANSWERED[result.status]
                report.pushed += 1
                if op.kind is ChangeKind.RESOLVE:
                    self._answer_resolve(repos, op, result)
                if status is OpStatus.REJECTED and result.reason == "already_resolved":
                    # Not parked: the other decision arrives with the pull. Still counted,
                    # as this user's decision did not take effect.
                    report.rejected += 1
                    repos.outbox.set_status(
                        op.op_id,
                        OpStatus.SUPERSEDED,
                        reason=result.reason,
                        message=result.message,
                        field=result.field,
                    )
                    continue
                if status is OpStatus.REJECTED:
                    report.rejected += 1
                    repos.outbox.set_status(
                        op.op_id,
                        status,
                        reason=result.reason,
                        message=result.message,
                        field=result.field,
                    )
                    log.info("op %s rejected: %s", op.op_id, result.reason)
                    continue
                repos.outbox.set_status(op.op_id, status, field=result.field)
                if status is OpStatus.APPLIED:
                    report.applied += 1
                    if result.version is not None:
                        key = (op.entity.value, op.entity_id)
                        report.own_versions[key] = max(
                            result.version, report.own_versions.get(key, 0)
                        )
                elif status is OpStatus.MERGED:
                    report.merged += 1
                else:
                    report.conflicts += 1
                    if result.conflict_id is not None:
                        self._conflict_ops[result.conflict_id] = op.op_id
        return busy

    @staticmethod
    def _answer_resolve(repos: Repositories, op: OutboxOp, result: OpResult) -> None:
        """Close the local conflict, or undo the optimistic decision when refused."""
        if op.conflict_id is None:
            return
        if result.status != "rejected":
            repos.conflicts.resolve(op.conflict_id)
            return
        repos.conflicts.set_resolution(op.conflict_id, None)
        conflict = repos.conflicts.get(op.conflict_id)
        current = repos.records.get_kind(op.entity, op.entity_id)
        if current is None:
            return
        restored = conflict is not None and restores(conflict, op.keep)
        if not op.changes and not restored:
            return
        now = encode_fields(current)
        back = {name: old for name, (old, new) in op.changes.items() if now.get(name) == new}
        repos.records.overwrite(op.entity, op.entity_id, back, deleted=True if restored else None)

    def _upload_attachments(self, report: SyncReport) -> None:
        """Blobs before the ops that reference them: HEAD to skip known ones, then PUT."""
        with self.store.read() as repos:
            wanted = [
                op.entity_id
                for op in repos.outbox.pending()
                if op.entity is EntityKind.ATTACHMENT and op.kind is ChangeKind.CREATE
            ]
        for done, sha256 in enumerate(dict.fromkeys(wanted), start=1):
            self._check_cancel()
            if not self.transport.has_attachment(sha256, cancel=self.cancel):
                with self.store.read() as repos:
                    blob = repos.records.blob(sha256)
                    record = repos.records.get_kind(EntityKind.ATTACHMENT, sha256)
                if blob is None:
                    log.warning("attachment %s has no stored bytes", sha256)
                    continue
                mime = getattr(record, "mime", None) or "application/octet-stream"
                self.transport.put_attachment(sha256, blob, mime, cancel=self.cancel)
                report.uploaded += 1
            self._report(Phase.UPLOAD, done, len(wanted))

    # -- pull -------------------------------------------------------------------------

    def _pull(self, report: SyncReport) -> None:
        """Pages in order. The next page is fetched on a helper thread while this one is
        written: its cursor is known as soon as this page has arrived, and the network
        wait and the SQLCipher write (both release the GIL) then overlap.

        Consecutive pages share one local transaction (and its COMMIT, the costliest part
        of writing a page: each commit rewrites, encrypts and authenticates the index
        pages the page touched) while the next page has already arrived, for at most
        :data:`GROUP_SECONDS` and :data:`GROUP_RECORDS` (:data:`FIRST_GROUP_SECONDS` and
        :data:`FIRST_GROUP_RECORDS` into an empty store), and only while no other write
        waits. So only a first pull's transaction waits for the network (for the page in
        flight, while nothing else queues), and a person's save waits for the page being
        written, at most about half a second. The
        cursor is saved with each page, inside the transaction, so a crash or a cancel
        loses at most the uncommitted group, and the next run pulls it again.

        Work that only the finished pull needs waits for the group of its last page: the
        events' derived states (:mod:`gridclient.storage.eventstate`: rows missing until
        then, never stale) and, for a first pull into an empty store, the record tables'
        secondary indexes (:mod:`gridclient.storage.indexes`: dropped with a mark before
        the first page, built with the last; ``Store.open`` builds them after a kill)."""
        with self.store.read() as repos:
            saved = repos.sync_state.get(SyncKey.PULL_CURSOR)
        cursor = saved if isinstance(saved, str) else ""
        self._check_cancel()
        self.store.writer.run(partial(self._replay_held, report))
        if not cursor and self.use_seed:
            cursor = self._from_seed(report)
        first = not cursor
        if first:  # a first pull into an empty store: its indexes are built at the end
            self.store.writer.run(self._defer_indexes)
        bounds = (FIRST_GROUP_SECONDS, FIRST_GROUP_RECORDS) if first else None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridclient-pull") as pool:
            pending: Future[PullPage] | None = pool.submit(self._fetch, cursor)
            try:
                while pending is not None:
                    page = pending.result()  # a network failure ends the run here
                    pending = self._next(pool, page)
                    box = [pending]
                    last = self.store.writer.run(
                        partial(self._write_group, page, box, pool, report, bounds)
                    )
                    pending = box[0]
                    self._report(Phase.PULL, report.pulled, 0)  # here: on the caller's thread
                    if last.more and self.cancel.is_set():
                        self._check_cancel()  # what was pulled is kept
            finally:
                if pending is not None and not pending.cancel():
                    # Let the request in flight end (bounded by the read timeout) before
                    # the run returns, so no thread outlives it; its outcome is dropped.
                    pending.exception()

    def _from_seed(self, report: SyncReport) -> str:
        """A first pull's records from the scope's seed, if the server has one this store
        can take: the cursor to go on from, or "" (rows, as before)."""

        def progress(step: str, done: int, total: int) -> None:
            self._report(Phase.SEED if step == "download" else Phase.SEED_COPY, done, total)

        adopted = seeding.first_download(
            self.store, self.transport, cancel=self.cancel, progress=progress
        )
        if adopted is None:
            return ""
        report.pulled += adopted.records
        report.seeded = adopted.records
        for kind in EntityKind:
            report.collected.whole(kind)
        report.collected.conflicts = True
        return adopted.cursor

    def _replay_held(self, report: SyncReport) -> None:
        """Store the records kept aside earlier that this version can read now: those of
        a kind an older version did not know (``gridcore.protocol.KIND_SINCE``: the
        server sent them all the same), or a value it could not hold. One transaction,
        with the local edits not yet sent laid on top as a pulled page would; the ones
        still unstorable stay held with their new reason."""
        with write_connection(self.store.engine) as connection:
            if not any_held(connection):
                return
            changes = [c for c in held_changes(connection) if _entity_kind(str(c.get("entity")))]
            if not changes:
                return
            page = PullPage(changes, [], [], "", True, datetime.now(UTC))
            session = Session(bind=connection)
            try:
                repos = Repositories(session)
                unsent = self._unsent_by_record(repos)
                self._apply_changes(connection, page, report)
                restoring = self._restoring(repos, unsent)
                report.rebased += self._rebase(connection, page, unsent, restoring)
                session.flush()
            finally:
                session.close()
            _fill_event_states(connection)
            log.info("replayed %d held records", len(changes))

    def _defer_indexes(self) -> None:
        with write_connection(self.store.engine) as connection:
            indexes.defer(connection)

    def _next(self, pool: ThreadPoolExecutor, page: PullPage) -> Future[PullPage] | None:
        """The request for the page after ``page``, sent at once (unless cancelled)."""
        if page.more and not self.cancel.is_set():
            return pool.submit(self._fetch, page.cursor)
        return None

    def _write_group(
        self,
        page: PullPage,
        pending: list[Future[PullPage] | None],
        pool: ThreadPoolExecutor,
        report: SyncReport,
        bounds: tuple[float, int] | None = None,
    ) -> PullPage:
        """On the writer: ``page`` and then every next page that has already arrived, in
        one transaction, for at most :data:`GROUP_SECONDS` and :data:`GROUP_RECORDS`
        (``bounds`` instead, for a first pull). ``pending[0]`` is the request in flight,
        replaced as pages are taken. Returns the last page written. A failed request is
        left in ``pending`` for the caller."""
        seconds, most = bounds if bounds is not None else (GROUP_SECONDS, GROUP_RECORDS)
        with write_connection(self.store.engine) as connection:
            started, records = time.monotonic(), 0
            while True:
                self._apply_on(connection, page, report)
                records += len(page.changes)
                following = pending[0]
                if bounds is not None and following is not None:
                    # A first pull: nobody else's write to let through (unless one
                    # queues), so the group waits for the page in flight rather than
                    # commit for want of it.
                    self._await(following, started + seconds)
                if (
                    following is None
                    or not following.done()
                    or following.exception() is not None
                    or time.monotonic() - started >= seconds
                    or records >= most
                    or self._someone_waits()
                    or self.cancel.is_set()
                ):
                    if not page.more:
                        # The indexes a first pull left out, built from the full tables
                        # (before the event states, whose queries use them).
                        indexes.restore(connection)
                        # The derived states of the events the pull touched, once it has
                        # caught up (not per page or group: an event's steps often arrive
                        # pages after it, and a first pull would derive most events many
                        # times). Until then their rows are missing, which is the store's
                        # "derive again" mark (triggers drop a row in the transaction that
                        # writes its event or actions): a kill or a stop in between leaves
                        # them missing, and the events list (``eventstate.ensure``) or the
                        # next pull's last group derives them.
                        _fill_event_states(connection)
                    return page
                page = following.result()
                pending[0] = self._next(pool, page)

    def _await(self, following: Future[PullPage], until: float) -> None:
        """Until ``following`` has arrived, the monotonic time ``until`` has passed, a
        write queues behind the group or the run is cancelled."""
        while not following.done():
            if time.monotonic() >= until or self._someone_waits() or self.cancel.is_set():
                return
            futures_wait((following,), timeout=AWAIT_SLICE)

    def _someone_waits(self) -> bool:
        """A write queued behind the page group (a person's save, on the writer or
        outside it): the group commits now and the save goes next."""
        return self.store.writer.queued or write_lock(self.store.engine).waiting

    def _download_attachments(self, report: SyncReport) -> None:
        """Bytes of attachment records that have none stored yet (pulled ones), after the
        record pages: fetched by SHA-256 and checked against it, the next one on the
        helper thread while this one is written, each committed on its own. What is
        missing is read from the store every run, so an interrupted download resumes
        with the blobs still missing; one the server does not have for us (404) is
        tried again at the next sync."""
        with read_session(self.store.engine) as session:
            missing = missing_blobs(session.connection())
        if not missing:
            return
        self._check_cancel()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridclient-blob") as pool:
            pending: Future[bytes | None] | None = pool.submit(self._fetch_blob, missing[0])
            try:
                for done, sha256 in enumerate(missing, start=1):
                    assert pending is not None
                    data = pending.result()
                    pending = None
                    if done < len(missing):
                        self._check_cancel()
                        pending = pool.submit(self._fetch_blob, missing[done])
                    if data is not None:
                        self.store.writer.run(partial(self._store_blob, sha256, data))
                        report.downloaded += 1
                    self._report(Phase.DOWNLOAD, done, len(missing))
            finally:
                if pending is not None and not pending.cancel():
                    pending.exception()

    def _store_blob(self, sha256: str, data: bytes) -> None:
        with write_connection(self.store.engine) as connection:
            store_blob(connection, sha256, data)

    def _fetch_blob(self, sha256: str) -> bytes | None:
        return self.transport.get_attachment(sha256, cancel=self.cancel)

    def _fetch(self, cursor: str) -> PullPage:
        sent = datetime.now(UTC)
        page = self.transport.pull_page(cursor, self.page_size, cancel=self.cancel)
        self._sample_clock(sent, page.server_time)
        return page

    def apply_page(self, page: PullPage | PullResponse, report: SyncReport | None = None) -> None:
        """Evictions, changes, rebase, conflicts and the cursor: one transaction."""
        if isinstance(page, PullResponse):
            page = PullPage.from_response(page)
        report = report if report is not None else SyncReport()
        self.store.writer.run(partial(self._apply_alone, page, report))

    def _apply_alone(self, page: PullPage, report: SyncReport) -> None:
        with write_connection(self.store.engine) as connection:
            self._apply_on(connection, page, report)
            _fill_event_states(connection)

    def _apply_on(self, connection: Connection, page: PullPage, report: SyncReport) -> None:
        """One page on ``connection``, inside the caller's transaction."""
        # The default join mode never commits the connection's transaction: the
        # session's flushes land in it and commit with the page, or not at all.
        session = Session(bind=connection)
        try:
            repos = Repositories(session)
            unsent = self._unsent_by_record(repos)
            equal = repos.sync_state.get(SyncKey.REPULL_EQUAL) is True
            self._apply_evictions(connection, page, unsent, report)
            self._apply_changes(connection, page, report, equal=equal)
            restoring = self._restoring(repos, unsent)
            report.rebased += self._rebase(connection, page, unsent, restoring)
            self._apply_conflicts(repos, page.conflicts, report)
            repos.sync_state.set(SyncKey.PULL_CURSOR, page.cursor)
            if equal and not page.more:
                repos.sync_state.set(SyncKey.REPULL_EQUAL, None)
            session.flush()
        finally:
            session.close()

    @staticmethod
    def _unsent_by_record(repos: Repositories) -> dict[tuple[EntityKind, str], list[OutboxOp]]:
        grouped: dict[tuple[EntityKind, str], list[OutboxOp]] = defaultdict(list)
        for op in repos.outbox.unsent():
            if op.kind is ChangeKind.RESOLVE and op.status is not OpStatus.PENDING:
                continue  # a refused decision: the server's values stand
            grouped[(op.entity, op.entity_id)].append(op)
        return grouped

    @staticmethod
    def _restoring(
        repos: Repositories, unsent: dict[tuple[EntityKind, str], list[OutboxOp]]
    ) -> set[str]:
        """Pending decisions that keep an edit that crossed a delete (they restore it)."""
        result = set()
        for ops in unsent.values():
            for op in ops:
                if op.kind is ChangeKind.RESOLVE and op.conflict_id:
                    conflict = repos.conflicts.get(op.conflict_id)
                    if conflict is not None and restores(conflict, op.keep):
                        result.add(op.op_id)
        return result

    @staticmethod
    def _apply_evictions(
        connection: Connection,
        page: PullPage,
        unsent: dict[tuple[EntityKind, str], list[OutboxOp]],
        report: SyncReport,
    ) -> None:
        doomed: dict[EntityKind, list[str]] = defaultdict(list)
        for eviction in page.evictions:
            key = (eviction.entity, eviction.id)
            if key in unsent:
                report.kept_evictions.append(key)
            else:
                doomed[eviction.entity].append(eviction.id)
        for kind, ids in doomed.items():
            report.evicted += delete_rows(connection, kind, ids)
            report.collected.removed(kind, ids)

    @staticmethod
    def _apply_changes(
        connection: Connection, page: PullPage, report: SyncReport, *, equal: bool = False
    ) -> None:
        """The page's records, a kind at a time in one ``executemany``. A record this
        laptop cannot store (a value the codec or SQLite refuses, whatever the server
        let through) must not stop the pull: the kind's rows are then written one by
        one, each in a savepoint, and the ones that fail are kept aside in
        ``held_records`` with their reason. A later valid version replaces them."""
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for change in page.changes:
            by_kind[str(change.get("entity"))].append(change)
        some_held = any_held(connection)
        for kind, changes in by_kind.items():
            failed: list[tuple[dict[str, Any], str]] = []
            entity = _entity_kind(kind)
            if entity is None:
                failed = [(change, "未知的记录类型") for change in changes]
            else:
                _collect(connection, entity, changes, report.collected)
                try:
                    with connection.begin_nested():
                        upsert_changes(connection, entity, changes, equal=equal)
                except _UNSTORABLE:
                    for change in changes:
                        try:
                            with connection.begin_nested():
                                upsert_changes(connection, entity, [change], equal=equal)
                        except _UNSTORABLE as exc:
                            failed.append((change, _reason(exc)))
            report.pulled += len(changes) - len(failed)
            report.held_ids.update((kind, str(change.get("id"))) for change, _ in failed)
            if report.own_versions:
                report.echoed += _echoes(kind, changes, failed, report.own_versions)
            for change, reason in failed:
                log.warning("pulled %s %s kept aside: %s", kind, change.get("id"), reason)
            hold_records(connection, kind, failed)
            if some_held or report.held_ids:
                bad = {str(change.get("id")) for change, _ in failed}
                stored = [str(c.get("id")) for c in changes if str(c.get("id")) not in bad]
                release_held(connection, kind, stored)
                report.held_ids.difference_update((kind, record_id) for record_id in stored)

    @staticmethod
    def _rebase(
        connection: Connection,
        page: PullPage,
        unsent: dict[tuple[EntityKind, str], list[OutboxOp]],
        restoring: set[str],
    ) -> int:
        """Put unsent local values back on top of the pulled base, in seq order."""
        if not unsent:
            return 0
        count = 0
        for change in page.changes:
            key = (EntityKind(change["entity"]), change["id"])
            ops = unsent.get(key)
            if not ops:
                continue
            count += 1
            for op in ops:
                new_values = {name: new for name, (_old, new) in op.changes.items()}
                deleted = True if op.kind is ChangeKind.DELETE else None
                if op.op_id in restoring and change["deleted"]:
                    deleted = False  # keeping an edit that met a delete restores it
                apply_fields(connection, key[0], key[1], new_values, deleted=deleted)
        return count

    def _apply_conflicts(
        self, repos: Repositories, conflicts: Iterable[ConflictInfo], report: SyncReport
    ) -> None:
        device = self.store.device_id
        user = repos.sync_state.get(SyncKey.USERNAME)
        for info in conflicts:
            report.collected.conflicts = True
            mine_side: str | None = None
            if info.incoming_device == device or (
                info.server_device != device and info.incoming_user == user
            ):
                mine_side = "incoming"
            elif info.server_device == device or info.server_user == user:
                mine_side = "server"
            mine_is_incoming = mine_side != "server"
            mine, theirs = (
                (info.incoming_value, info.server_value)
                if mine_is_incoming
                else (info.server_value, info.incoming_value)
            )
            repos.conflicts.upsert(
                Conflict(
                    id=info.id,
                    entity=info.entity,
                    entity_id=info.entity_id,
                    field=info.field or "",
                    base=info.base_value,
                    mine=mine,
                    theirs=theirs,
                    created_at=info.created_at,
                    resolved=info.resolved,
                    op_id=self._conflict_ops.get(info.id),
                    mine_side=mine_side,
                    server_user=info.server_user,
                    incoming_user=info.incoming_user,
                    resolution=info.resolution,
                )
            )
            report.conflicts_received += 1

    def _directory(self) -> None:
        """The names of the people of the user's area, kept for offline use."""
        found = self.transport.directory(cancel=self.cancel)
        entries: dict[str, JSONValue] = {
            user.username: [user.display_name, user.role.value] for user in found.users
        }

        def save() -> None:
            with self.store.write() as repos:
                if repos.sync_state.get(SyncKey.DIRECTORY) != entries:
                    repos.sync_state.set(SyncKey.DIRECTORY, entries)

        self.store.writer.run(save)

    def _catalog(self) -> None:
        """Fetch the catalog unless the server says the stored one is current (304 to
        its ETag). The ETag is only sent while the stored catalog is still the one it
        was received with (another path may have replaced it, e.g. the demo data)."""
        with self.store.read() as repos:
            stored = repos.catalog.load()
            remembered = repos.sync_state.get(SyncKey.CATALOG_ETAG)
        etag = _catalog_etag(remembered, stored)
        fetched = self.transport.catalog_if_changed(etag, cancel=self.cancel)
        if fetched is None:
            return
        document, new_etag = fetched
        catalog = EventCatalog.from_json(document)

        def save() -> None:
            with self.store.write() as repos:
                stored = repos.catalog.load()
                # Any difference counts (a limit changed under the same label and size
                # is a new catalog too); the events keep their own terms either way.
                if stored != catalog:
                    repos.catalog.save(catalog)
                    eventstate.fill_missing(repos.session)
                repos.sync_state.set(
                    SyncKey.CATALOG_ETAG,
                    None
                    if new_etag is None
                    else {
                        "etag": new_etag,
                        "version": catalog.version,
                        "revision": catalog.revision,
                        "size": len(catalog),
                    },
                )

        self.store.writer.run(save)

    def _holidays(self) -> None:
        """Fetch the holiday calendar unless the server says the stored one is current
        (304 to its ETag); a new one re-derives every event's deadline. Offline, or on a
        server without one, the laptop keeps the calendar it has (or the shipped one)."""
        with self.store.read() as repos:
            stored = repos.catalog.load_calendar()
            remembered = repos.sync_state.get(SyncKey.HOLIDAYS_ETAG)
        etag = None
        if isinstance(remembered, dict) and remembered.get("revision") == stored.revision:
            tag = remembered.get("etag")
            etag = tag if isinstance(tag, str) and tag else None
        fetched = self.transport.holidays_if_changed(etag, cancel=self.cancel)
        if fetched is None:
            return
        document, new_etag = fetched
        try:
            calendar = WorkCalendar.from_json(document)
        except HolidayError as exc:
            raise ProtocolError(detail=f"GET /holidays: {exc}") from None

        def save() -> None:
            with self.store.write() as repos:
                if repos.catalog.load_calendar() != calendar:
                    repos.catalog.save_calendar(calendar)
                    eventstate.fill_missing(repos.session)
                repos.sync_state.set(
                    SyncKey.HOLIDAYS_ETAG,
                    None if new_etag is None else {"etag": new_etag, "revision": calendar.revision},
                )

        self.store.writer.run(save)

    def _departments(self) -> None:
        """Fetch the department list (职能部门) unless the server says the stored one is
        current (304 to its ETag); a server older than departments leaves it as it is."""
        with self.store.read() as repos:
            stored = repos.catalog.load_departments()
            remembered = repos.sync_state.get(SyncKey.DEPARTMENTS_ETAG)
        etag = None
        if isinstance(remembered, dict) and remembered.get("list") == stored.to_json():
            tag = remembered.get("etag")
            etag = tag if isinstance(tag, str) and tag else None
        fetched = self.transport.departments_if_changed(etag, cancel=self.cancel)
        if fetched is None:
            return
        document, new_etag = fetched
        try:
            departments = DepartmentList.from_json(document)
        except DepartmentError as exc:
            raise ProtocolError(detail=f"GET /departments: {exc}") from None

        def save() -> None:
            with self.store.write() as repos:
                repos.catalog.save_departments(departments)
                repos.sync_state.set(
                    SyncKey.DEPARTMENTS_ETAG,
                    None
                    if new_etag is None
                    else {"etag": new_etag, "list": cast(JSONValue, departments.to_json())},
                )

        self.store.writer.run(save)


def _fill_event_states(connection: Connection) -> None:
    """Derive the states of events whose rows a pull dropped (``storage.eventstate``),
    inside the caller's transaction."""
    session = Session(bind=connection)
    try:
        eventstate.fill_missing(session)
        session.flush()
    finally:
        session.close()


def _collect(
    connection: Connection,
    kind: EntityKind,
    changes: list[dict[str, Any]],
    collected: ChangeCollector,
) -> None:
    """Note a page's records of ``kind`` as added, removed or edited (which needs the ids
    the store already holds: one primary-key lookup, skipped once the kind has changed
    too much to list)."""
    if not collected.wants_ids(kind):
        return
    ids = [str(change.get("id")) for change in changes]
    held = existing_ids(connection, kind, ids)
    removed = [i for i, c in zip(ids, changes, strict=True) if c.get("deleted")]
    collected.removed(kind, removed)
    gone = set(removed)
    collected.added(kind, [i for i in ids if i not in held and i not in gone])
    collected.edited(kind, [i for i in ids if i in held and i not in gone], None)


def _catalog_etag(remembered: Any, stored: EventCatalog) -> str | None:
    """The remembered catalog ETag, if it still describes the stored catalog."""
    if not isinstance(remembered, dict):
        return None
    etag = remembered.get("etag")
    if (
        isinstance(etag, str)
        and etag
        and remembered.get("version") == stored.version
        and remembered.get("revision", 0) == stored.revision
        and remembered.get("size") == len(stored)
    ):
        return etag
    return None
