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
of every pulled page (the sync engine) and of a catalog or calendar update, and
:func:`ensure` runs it before the events list is queried (the first query after the
upgrade derives every event once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from gridclient.storage.chunks import chunked
from gridclient.storage.engine import read_session, write_session
from gridclient.storage.models import EventRow, EventStatusRow
from gridclient.storage.repositories import Repositories
from gridcore.domain.catalog import EventCatalog
from gridcore.domain.entities import Event, EventAction
from gridcore.domain.enums import EventState
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


def _derive_many(repos: Repositories, ids: Iterable[str]) -> list[dict[str, Any]]:
    catalog = repos.catalog.load()
    rows: list[dict[str, Any]] = []
    for chunk in chunked(ids):  # a few hundred events and their actions in memory at once
        events = repos.records.get_many(Event, chunk)
        actions = repos.records.actions_of_events(chunk)
        rows.extend(derive(events[i], actions[i], catalog) for i in chunk if i in events)
    return rows


def fill_missing(session: Session) -> int:
    """Derive and write the missing rows, in the caller's write transaction."""
    ids = missing_ids(session)
    if not ids:
        return 0
    rows = _derive_many(Repositories(session), ids)
    if rows:
        session.execute(insert(EventStatusRow), rows)
    return len(rows)


def ensure(engine: Engine) -> int:
    """Make every event's row current before a query (one cheap read when nothing is
    missing, which is the rule: every write path fills its own)."""
    with read_session(engine) as session:
        if not missing_ids(session):
            return 0
    with write_session(engine) as session:
        return fill_missing(session)
