"""``eventstate`` derives from a few columns read with Core (no whole records): what it
writes must be what the full records derive, the fold the event dialog runs. Checked on
every event of a generated township and on the odd histories the generator never makes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from gridclient.demo.local import load_dataset
from gridclient.storage import Store, eventstate
from gridclient.storage.convert import record_to_values
from gridclient.storage.engine import write_connection
from gridclient.storage.models import EventActionRow, EventRow, EventStatusRow
from gridcore.demo.generator import generate
from gridcore.domain.entities import Event
from gridcore.domain.enums import EventActionKind, Role, Satisfaction
from tests.unit.storage import factories as f

A = EventActionKind


def _stored(store: Store) -> dict[str, tuple[object, ...]]:
    with store.read() as repos:
        rows = repos.session.execute(select(EventStatusRow)).scalars()
        return {r.event_id: (r.state, r.open, r.deadline, r.late) for r in rows}


def _from_full_records(store: Store) -> dict[str, tuple[object, ...]]:
    with store.read() as repos:
        catalog = repos.catalog.load()
        ids = list(repos.session.scalars(select(EventRow.id)))
        events = repos.records.get_many(Event, ids)
        actions = repos.records.actions_of_events(ids)
    expected = {}
    for event_id, event in events.items():
        row = eventstate.derive(event, actions[event_id], catalog)
        expected[event_id] = (row["state"], row["open"], row["deadline"], row["late"])
    return expected


def _insert(store: Store, *records: object) -> None:
    with write_connection(store.engine) as connection:
        for record in records:
            table = EventRow if isinstance(record, Event) else EventActionRow
            connection.execute(table.__table__.insert(), [record_to_values(record)])  # type: ignore[arg-type]


@pytest.fixture(params=["listed", "scanned", "scanned in shares"])
def read_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fold's two ways of reading its inputs: ``IN (…)`` lists of a few hundred
    events (few missing), or whole-table passes (many missing: a first pull), one or
    several (one per share of the events when the actions are many)."""
    if request.param != "listed":
        monkeypatch.setattr(eventstate, "SCAN_FROM", 0)
    if request.param == "scanned in shares":
        monkeypatch.setattr(eventstate, "SCAN_ACTIONS", 700)
    return str(request.param)


def _derive_again(store: Store) -> int:
    with store.write() as repos:
        repos.session.execute(delete(EventStatusRow))
        return eventstate.fill_missing(repos.session)


def test_a_townships_states_are_what_the_full_records_derive(store: Store, read_path: str) -> None:
    load_dataset(store, generate("S", seed=1, today=date(2026, 11, 1)))
    assert _derive_again(store) > 500
    stored = _stored(store)
    assert len(stored) > 500
    assert {state for state, *_ in stored.values()} >= {"accepted", "closed", "voided"}
    assert stored == _from_full_records(store)


def test_odd_histories_fold_as_the_dialog_folds_them(store: Store, read_path: str) -> None:
    when = datetime(2026, 3, 3, tzinfo=UTC)
    unknown = f.event(category_code="XX-99", time_limit_days=None)  # not in the catalog
    broken = f.event(time_limit_days=2)  # accepted twice by the server: cannot be folded
    deleted_step = f.event(time_limit_days=1)  # its close was deleted: open again
    late = f.event(time_limit_days=1)  # closed after its deadline, then evaluated
    pending = f.event(time_limit_days=3)  # a step not accepted yet that no longer fits
    bare = f.event(time_limit_days=3)  # no actions at all
    hour = timedelta(hours=1)
    records: list[object] = [unknown, broken, deleted_step, late, pending, bare]
    for event in (unknown, broken, deleted_step, pending):
        records.append(f.action(event.id, server_at=when))
    records += [
        f.action(broken.id, kind=A.ACCEPT, actor_role=Role.TOWNSHIP, server_at=when + hour),
        f.action(broken.id, kind=A.ACCEPT, actor_role=Role.TOWNSHIP, server_at=when + 2 * hour),
        f.action(deleted_step.id, kind=A.ACCEPT, actor_role=Role.TOWNSHIP, server_at=when + hour),
        f.action(
            deleted_step.id,
            kind=A.VOID,
            actor_role=Role.TOWNSHIP,
            deleted=True,
            server_at=when + 2 * hour,
        ),
        f.action(
            late.id,
            kind=A.SELF_RESOLVE,
            at=when + timedelta(days=9),
            server_at=when + timedelta(days=9),
        ),
        f.action(
            late.id,
            kind=A.EVALUATE,
            satisfaction=Satisfaction.SATISFIED,
            at=when + timedelta(days=10),
        ),
        f.action(pending.id, kind=A.SELF_RESOLVE, at=when + hour),
        f.action(pending.id, kind=A.VOID, actor_role=Role.TOWNSHIP, at=when + 2 * hour),
    ]
    _insert(store, *records)
    assert _derive_again(store) == 6
    stored = _stored(store)
    assert stored == _from_full_records(store)
    assert stored[broken.id][0] is None and stored[bare.id][0] is None
    assert stored[deleted_step.id][:2] == ("accepted", True)  # the void was deleted
    assert stored[late.id][0] == "evaluated" and stored[late.id][3] is True  # late for good
    assert stored[pending.id][0] == "voided"  # the misfit pending step passed over
    assert stored[unknown.id][2] is not None  # the urgency's default limit
