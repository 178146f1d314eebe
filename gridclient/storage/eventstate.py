"""The derived state of events, kept in ``event_status`` so lists filter on it in SQL.

State is never stored in an event: :func:`gridcore.domain.workflow.event_status` folds
the actions, as the event dialog does (``storage.events.event_view``). This module runs
that same fold and writes what the list filters on: the state, whether the event is
open, its deadline (the event's own terms, see ``gridcore.domain.catalog``) and whether
it finished late. Nothing else derives a state.

The rows are a cache, never synced. Triggers (migration 0006) delete an event's row when
the event or any of its actions is written, and every row when the catalog is; a new
holiday calendar deletes every row too (``CatalogRepository.save_calendar``: working-day
deadlines move), so a row is current or missing. :func:`fill_missing` derives the
missing ones; it runs in the transaction of every local write (``Store.unit_of_work``),
of a catalog or calendar update and of the pull's last page group (once the pull has
caught up: a first pull derives each event once, not again each time more of its steps
arrive; a pull stopped before that leaves the rows missing), and :func:`ensure` runs it
before the events list is queried (the first query after the upgrade, or after a stopped
pull, derives what is missing).

The fold reads a few columns with Core (:func:`_fold_inputs`), not whole records: the
events and actions it builds carry only what ``event_status`` reads, which
``tests/unit/storage/test_eventstate_fold.py`` checks against the full records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, and_, func, insert, select
from sqlalchemy.orm import Session

from gridclient.storage.chunks import chunked
from gridclient.storage.engine import read_session, write_session
from gridclient.storage.models import EventActionRow, EventRow, EventStatusRow
from gridclient.storage.repositories import Repositories
from gridcore.domain.catalog import EventCatalog
from gridcore.domain.entities import Event, EventAction
from gridcore.domain.enums import (
    EventActionKind,
    EventState,
    Ledger,
    LimitKind,
    Role,
    Satisfaction,
    Urgency,
)
from gridcore.domain.workflow import derive_state, event_status

__all__ = ["derive", "ensure", "fill_missing", "missing_ids"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def derive(event: Event, actions: Sequence[EventAction], catalog: EventCatalog) -> dict[str, Any]:
    """The ``event_status`` row of one event (what ``event_status`` says of it)."""
    row: dict[str, Any] = {
        "event_id": event.id,
        "state": None,
        "open": False,
        "deadline": None,
        "late": False,
    }
    try:
        status = event_status(event, actions, catalog, _EPOCH)
    except (ValueError, KeyError):  # a broken history, or a category not in the catalog
        try:
            state = derive_state(actions)
        except ValueError:
            return row  # the history cannot be folded: no state (as the dialog says)
        row.update(state=state.value, open=state.is_open)
        return row
    else:
        # ``now`` is the epoch: an open event's 超期 is decided by the query against
        # the deadline; a finished one's (finished after the deadline) for good here.
        row.update(
            state=status.state.value,
            open=status.is_open,
            deadline=status.deadline,
            late=status.overdue and not status.is_open and status.state is not EventState.VOIDED,
        )
    return row


def missing_ids(session: Session) -> list[str]:
    """Events (live or not) without a current ``event_status`` row."""
    statement = (
        select(EventRow.id)
        .outerjoin(EventStatusRow, EventStatusRow.event_id == EventRow.id)
        .where(EventStatusRow.event_id.is_(None))
    )
    return list(session.scalars(statement))


_STATUS_TABLE = cast(Table, EventStatusRow.__table__)
_EVENT_COLUMNS = (
    EventRow.id,
    EventRow.category_code,
    EventRow.ledger,
    EventRow.urgency,
    EventRow.reported_at,
    EventRow.time_limit_days,
    EventRow.time_limit_hours,
    EventRow.limit_kind,
)
_ACTION_COLUMNS = (
    EventActionRow.event_id,
    EventActionRow.id,
    EventActionRow.kind,
    EventActionRow.actor_role,
    EventActionRow.satisfaction,
    EventActionRow.at,
    EventActionRow.server_at,
    EventActionRow.assignee,
    EventActionRow.deadline,
    EventActionRow.final_evaluation,
)


SCAN_FROM = 2_000
"""More missing events than this are folded from whole-table reads (:func:`_scanned`)
instead of ``IN (…)`` lists (:func:`_listed`)."""
SCAN_ACTIONS = 150_000
"""Actions held per pass at most (about 45 MB of them): a store holding more is read in
one pass per share of the missing events (a whole county's 1.4 million steps: ten)."""

_Rows = Iterable[Sequence[Any]]
"""Core rows of ``_EVENT_COLUMNS`` or ``_ACTION_COLUMNS``."""


def _rows(connection: Connection, events_where: Any, actions_where: Any) -> tuple[_Rows, _Rows]:
    """The fold's columns of the events and of the live actions the two filters pick."""
    events = connection.execute(select(*_EVENT_COLUMNS).where(events_where))
    actions = connection.execute(
        select(*_ACTION_COLUMNS).where(actions_where, EventActionRow.deleted.is_(False))
    )
    return events, actions


def _listed(connection: Connection, ids: list[str]) -> tuple[_Rows, _Rows]:
    """The rows of a few hundred events and their live actions, through the id and
    ``event_id`` indexes."""
    return _rows(connection, EventRow.id.in_(ids), EventActionRow.event_id.in_(ids))


def _scanned(
    connection: Connection, wanted: set[str], low: str, high: str | None
) -> tuple[_Rows, _Rows]:
    """The rows of the events of ``wanted`` with ids from ``low`` up to (not including)
    ``high`` and their live actions, from one pass over each table in its stored order.
    An event's actions lie all over the actions table (they arrive pages apart), so
    reading them event by event through the ``event_id`` index decrypts most of the
    table's pages many times over; a pass decrypts each page once. The id range is
    compared on an expression (``id || ''``), which keeps SQLite off the indexes and
    drops the other shares' rows before they reach Python."""

    def within(column: Any) -> Any:
        bare = column.concat("")  # not the column itself: no index
        return bare >= low if high is None else and_(bare >= low, bare < high)

    events, actions = _rows(connection, within(EventRow.id), within(EventActionRow.event_id))
    return (row for row in events if row[0] in wanted), actions


def _fold_inputs(
    event_rows: _Rows, action_rows: _Rows
) -> tuple[dict[str, Event], dict[str, list[EventAction]]]:
    """Events and their live actions with only what the fold reads (the columns above;
    every other field keeps its default), from Core rows: no whole-row decode and no ORM
    objects. ``test_eventstate_fold`` checks that this derives what the full records
    derive."""
    ledgers = {m.value: m for m in Ledger}
    urgencies = {m.value: m for m in Urgency}
    limit_kinds = {m.value: m for m in LimitKind}
    kinds = {m.value: m for m in EventActionKind}
    roles = {m.value: m for m in Role}
    ratings = {m.value: m for m in Satisfaction}
    events: dict[str, Event] = {}
    for row in event_rows:
        event_id, category, ledger, urgency, reported_at, days, hours, counted = row
        events[event_id] = Event(
            id=event_id,
            grid_id="",
            category_code=category,
            ledger=ledgers[ledger],
            urgency=urgencies[urgency],
            title="",
            reporter="",
            reported_at=reported_at,
            time_limit_days=days,
            time_limit_hours=hours,
            limit_kind=limit_kinds[counted],
        )
    actions: dict[str, list[EventAction]] = {event_id: [] for event_id in events}
    for step in action_rows:
        event_id, action_id, kind, role, rating, at, server_at, assignee, asked, final = step
        event = events.get(event_id)
        if event is not None:
            actions[event.id].append(
                EventAction(
                    id=action_id,
                    event_id=event.id,  # the event's string, not one more copy per step
                    kind=kinds[kind],
                    actor="",
                    actor_role=roles[role],
                    at=at,
                    satisfaction=None if rating is None else ratings[rating],
                    server_at=server_at,
                    assignee=assignee,
                    deadline=asked,
                    final_evaluation=bool(final),
                )
            )
    return events, actions


def _batches(connection: Connection, ids: list[str]) -> Iterator[tuple[_Rows, _Rows]]:
    """The fold's inputs for ``ids``, a batch at a time."""
    if len(ids) <= SCAN_FROM:
        for chunk in chunked(ids):  # a few hundred events and their actions at once
            yield _listed(connection, chunk)
        return
    held = connection.execute(select(func.count()).select_from(EventActionRow)).scalar_one()
    shares = min(len(ids), max(1, -(-held // SCAN_ACTIONS)))
    ordered = sorted(ids)
    wanted = set(ids)
    bounds = [ordered[len(ordered) * share // shares] for share in range(shares)]
    for share, low in enumerate(bounds):
        high = bounds[share + 1] if share + 1 < shares else None
        yield _scanned(connection, wanted, low, high)


def _derived(session: Session, ids: list[str]) -> Iterator[list[dict[str, Any]]]:
    """The ``event_status`` rows of ``ids``, a batch at a time."""
    catalog = Repositories(session).catalog.load()
    connection = session.connection()  # Core rows: no ORM result processing
    for event_rows, action_rows in _batches(connection, ids):
        events, actions = _fold_inputs(event_rows, action_rows)
        yield [derive(event, actions[event.id], catalog) for event in events.values()]


def fill_missing(session: Session) -> int:
    """Derive and write the missing rows, in the caller's write transaction."""
    ids = missing_ids(session)
    written = 0
    for rows in _derived(session, ids) if ids else ():
        if rows:
            session.connection().execute(insert(_STATUS_TABLE), rows)
            written += len(rows)
    return written


def ensure(engine: Engine) -> int:
    """Make every event's row current before a query (one cheap read when nothing is
    missing, which is the rule: every write path fills its own)."""
    with read_session(engine) as session:
        if not missing_ids(session):
            return 0
    with write_session(engine) as session:
        return fill_missing(session)
