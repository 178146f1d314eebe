"""The lists' filters in SQL: events by text, category, ledger, state, period, area and
超期 on the derived ``event_status`` (kept by the same fold as the event dialog);
visits by period and method; per-record sync states; natural address order."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text, update

from gridclient.storage import Store, eventstate
from gridclient.storage.convert import record_to_values
from gridclient.storage.engine import read_session
from gridclient.storage.events import append_action, event_view
from gridclient.storage.models import EventActionRow, EventRow, EventStatusRow
from gridclient.storage.queries import (
    AreaFilter,
    EventFilter,
    EventQueries,
    EventStateFilter,
    VisitFilter,
    VisitQueries,
)
from gridclient.storage.syncmeta import OpStatus
from gridclient.storage.syncstate_queries import SyncState, SyncStateQueries
from gridcore.domain.catalog import EventCatalog, EventCategory
from gridcore.domain.entities import CST
from gridcore.domain.enums import (
    EntityKind,
    EventActionKind,
    EventGroup,
    EventSource,
    EventState,
    Ledger,
    Role,
    Urgency,
    VisitMethod,
)
from gridcore.domain.sorting import natural_key
from tests.unit.storage import factories as f

A = EventActionKind
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


def _catalog(days: int = 3) -> EventCatalog:
    return EventCatalog.of(
        [
            EventCategory(
                code="HZ-01",
                name="消防隐患",
                group=EventGroup.HAZARD,
                ledger=Ledger.APPEAL,
                time_limits={Urgency.NORMAL: days, Urgency.URGENT: 1},
            ),
            EventCategory(
                code="JF-01",
                name="邻里纠纷",
                group=EventGroup.DISPUTE,
                ledger=Ledger.COMPLAINT,
                time_limits={Urgency.NORMAL: 30, Urgency.URGENT: 30},
            ),
        ],
        version="t1",
    )


def _reported(store: Store, **overrides: object) -> str:
    event = f.event(**{"location": "", "description": "", **overrides})
    with store.unit_of_work(actor=f.ACTOR) as uow:
        uow.append(event)
        uow.append(f.action(event.id))
    return event.id


def _step(
    store: Store, event_id: str, kind: A, role: Role = Role.TOWNSHIP, **extra: object
) -> None:
    with store.unit_of_work(actor="township01") as uow:
        append_action(uow, f.action(event_id, kind=kind, actor_role=role, comment="办理", **extra))


def _world(store: Store) -> dict[str, str]:
    with store.write() as repos:
        repos.catalog.save(_catalog())
    march = datetime(2026, 3, 2, 10, tzinfo=CST)
    ids = {
        # open, urgent (1 day): overdue by NOW
        "leak": _reported(store, title="楼道漏水", reported_at=march),
        # open, 30 days: not overdue
        "noise": _reported(
            store,
            title="邻居噪音",
            category_code="JF-01",
            ledger=Ledger.COMPLAINT,
            urgency=Urgency.NORMAL,
            description="夜间装修",
            reported_at=march + timedelta(days=10),
        ),
        # accepted, urgent, reported today: open, not overdue
        "fire": _reported(
            store,
            title="电动车充电",
            location="5 栋车棚",
            reported_at=datetime(2026, 3, 20, 9, tzinfo=CST),
        ),
        # voided: finished, never overdue
        "void": _reported(store, title="重复上报", reported_at=march),
        # another grid
        "far": _reported(store, title="楼道堆物", grid_id="grid-002", reported_at=march),
    }
    _step(store, ids["fire"], A.ACCEPT)
    _step(store, ids["void"], A.VOID)
    return ids


def test_the_stored_state_is_the_dialogs_and_follows_each_step(store: Store) -> None:
    ids = _world(store)
    with store.read() as repos:
        for event_id in ids.values():
            view = event_view(repos, event_id, Role.TOWNSHIP, NOW)
            assert view is not None and view.status is not None
            row = repos.session.get(EventStatusRow, event_id)
            assert row is not None, "written in the step's own transaction"
            assert row.state == view.status.state.value
            assert row.open == view.status.is_open
            assert row.deadline == view.status.deadline
            listed = EventQueries(store.engine).event_rows([event_id], now=NOW)[event_id]
            assert listed.state == view.status.state.label
            assert listed.overdue == view.status.overdue
            assert listed.open == view.status.is_open
            assert listed.deadline == view.status.deadline.astimezone(CST).strftime("%Y-%m-%d")
    queries = EventQueries(store.engine)
    accepted = EventFilter(state=EventState.ACCEPTED.value)
    assert queries.event_ids(filters=accepted, now=NOW) == [ids["fire"]]
    _step(store, ids["fire"], A.DISPATCH, assignee="grid")
    assert queries.event_ids(filters=accepted, now=NOW) == []
    dispatched = EventFilter(state=EventState.DISPATCHED.value)
    assert queries.event_ids(filters=dispatched, now=NOW) == [ids["fire"]]


def test_filters_compose(store: Store) -> None:
    ids = _world(store)
    q = EventQueries(store.engine)

    def found(**kw: object) -> set[str]:
        area = kw.pop("area", AreaFilter())
        assert isinstance(area, AreaFilter)
        return set(q.event_ids(area, filters=EventFilter(**kw), now=NOW))  # type: ignore[arg-type]

    everything = set(ids.values())
    assert found() == everything
    assert found(text="楼道") == {ids["leak"], ids["far"]}
    assert found(text="装修") == {ids["noise"]}  # description
    assert found(text="车棚") == {ids["fire"]}  # location
    assert found(text="楼道 漏水") == {ids["leak"]}  # every word
    assert found(text="100%") == set()  # LIKE wildcards are literal
    assert found(category_code="JF-01") == {ids["noise"]}
    assert found(ledger=Ledger.COMPLAINT.value) == {ids["noise"]}
    assert found(state=EventStateFilter.OPEN.value) == everything - {ids["void"]}
    assert found(state=EventStateFilter.FINISHED.value) == {ids["void"]}
    assert found(state=EventState.VOIDED.value) == {ids["void"]}
    assert found(overdue=True) == {ids["leak"], ids["far"]}
    assert found(state=EventStateFilter.OVERDUE.value) == {ids["leak"], ids["far"]}
    assert found(area=AreaFilter(("grid-001",)), overdue=True) == {ids["leak"]}
    assert found(reported_from=date(2026, 3, 12), reported_to=date(2026, 3, 12)) == {ids["noise"]}
    assert found(reported_from=date(2026, 3, 13)) == {ids["fire"]}
    assert found(reported_to=date(2026, 3, 2), text="楼道", overdue=True) == {
        ids["leak"],
        ids["far"],
    }
    assert found(reported_to=date(2026, 3, 1)) == set()
    # Newest report first, as before.
    assert q.event_ids(now=NOW)[0] == ids["fire"]
    opened, overdue = q.open_and_overdue(AreaFilter(), NOW)
    assert set(opened) == everything - {ids["void"]} and set(overdue) == {ids["leak"], ids["far"]}


def test_an_event_finished_after_its_deadline_stays_overdue(store: Store) -> None:
    ids = _world(store)
    leak = ids["leak"]
    _step(store, leak, A.ACCEPT)
    _step(store, leak, A.DISPATCH, assignee="grid")
    _step(store, leak, A.FEEDBACK, role=Role.WORKER)
    _step(store, leak, A.VERIFY, role=Role.WORKER)
    _step(store, leak, A.CLOSE)  # today, long after its 1-day limit
    q = EventQueries(store.engine)
    assert leak in q.event_ids(filters=EventFilter(overdue=True), now=NOW)
    assert leak in q.event_ids(filters=EventFilter(state="finished", overdue=True), now=NOW)
    assert leak not in q.event_ids(state=EventStateFilter.OVERDUE, now=NOW)  # open only


def test_a_write_outside_the_unit_of_work_is_derived_again(store: Store) -> None:
    """A pulled action or a new catalog (written by Core, as the sync engine does)
    deletes the rows it makes stale; the next query derives them again."""
    ids = _world(store)
    q = EventQueries(store.engine)
    with store.write() as repos:  # a step arriving from the server
        action = f.action(ids["noise"], kind=A.ACCEPT, actor_role=Role.TOWNSHIP, at=NOW)
        repos.session.execute(insert(EventActionRow).values(record_to_values(action)))
    with read_session(store.engine) as session:
        assert session.get(EventStatusRow, ids["noise"]) is None  # the trigger
    assert q.event_ids(filters=EventFilter(state="accepted"), now=NOW) == [
        ids["fire"],
        ids["noise"],
    ]
    # A stricter catalog (JF-01 to the same day) makes 邻居噪音 overdue.
    with store.write() as repos:
        repos.catalog.save(
            EventCatalog.of(
                [
                    dataclasses.replace(c, time_limits={Urgency.NORMAL: 0})
                    if c.code == "JF-01"
                    else c
                    for c in _catalog()
                ],
                "t2",
            )
        )
        assert eventstate.missing_ids(repos.session)  # every row went
    assert ids["noise"] in q.event_ids(filters=EventFilter(overdue=True), now=NOW)


def test_a_history_that_cannot_be_folded_has_no_state_but_stays_listed(store: Store) -> None:
    ids = _world(store)
    with store.write() as repos:
        repos.session.execute(
            update(EventActionRow)
            .where(EventActionRow.event_id == ids["noise"])
            .values(kind=A.CLOSE.value, server_at=NOW)  # a close straight after nothing
        )
    q = EventQueries(store.engine)
    assert ids["noise"] in q.event_ids(now=NOW)
    assert ids["noise"] not in q.event_ids(filters=EventFilter(state="open"), now=NOW)
    assert ids["noise"] not in q.event_ids(filters=EventFilter(state="finished"), now=NOW)
    rows = q.event_rows([ids["noise"]], now=NOW)
    assert rows[ids["noise"]].state == ""


def test_the_first_query_after_the_upgrade_derives_every_event(store: Store) -> None:
    ids = _world(store)
    with store.write() as repos:
        repos.session.execute(text("DELETE FROM event_status"))
    assert EventQueries(store.engine).event_ids(filters=EventFilter(overdue=True), now=NOW)
    with read_session(store.engine) as session:
        assert len(session.scalars(select(EventStatusRow.event_id)).all()) == len(ids)


def test_visits_by_period_and_method(store: Store) -> None:
    home = f.household()
    first = f.visit(home.id, visited_at=datetime(2026, 3, 1, 23, 30, tzinfo=CST))
    second = f.visit(
        home.id, visited_at=datetime(2026, 3, 2, 0, 30, tzinfo=CST), method=VisitMethod.IN_PERSON
    )
    third = f.visit(home.id, visited_at=datetime(2026, 4, 1, 8, tzinfo=CST))
    with store.unit_of_work(actor=f.ACTOR) as uow:
        uow.create(home)
        for v in (first, second, third):
            uow.append(v)
    q = VisitQueries(store.engine)
    assert q.visit_ids() == [third.id, second.id, first.id]
    march = VisitFilter(date(2026, 3, 1), date(2026, 3, 31))
    assert q.visit_ids(filters=march) == [second.id, first.id]
    assert q.visit_ids(filters=VisitFilter(visited_to=date(2026, 3, 1))) == [first.id]  # CST day
    assert q.visit_ids(filters=VisitFilter(visited_from=date(2026, 3, 2))) == [third.id, second.id]
    phone = VisitFilter(method=VisitMethod.PHONE.value)
    assert q.visit_ids(filters=phone) == [third.id, first.id]
    both = dataclasses.replace(march, method=VisitMethod.IN_PERSON.value)
    assert q.visit_ids(filters=both) == [second.id]


def test_each_list_has_its_records_sync_states(store: Store) -> None:
    home = f.household()
    person = f.resident(home.id)
    visit = f.visit(home.id)
    with store.unit_of_work(actor=f.ACTOR) as uow:
        uow.create(home)
        uow.create(person)
        uow.append(visit)
    with store.write() as repos:
        repos.catalog.save(_catalog())
    event_id = _reported(store)
    with store.write() as repos:
        for op in repos.outbox.pending():
            if op.entity is not EntityKind.EVENT_ACTION:
                repos.outbox.set_status(op.op_id, OpStatus.APPLIED)
            else:
                repos.outbox.set_status(op.op_id, OpStatus.REJECTED, reason="state", message="不行")
    states = SyncStateQueries(store.engine)
    assert states.list_states(EntityKind.RESIDENT) == {}
    assert states.list_states(EntityKind.VISIT) == {}
    events = states.list_states(EntityKind.EVENT)
    assert events[event_id].state is SyncState.REJECTED  # its step was refused
    assert events[event_id].messages == ("不行",)
    with store.unit_of_work(actor=f.ACTOR) as uow:
        uow.update(dataclasses.replace(person, name="欧阳娜"))
    assert states.list_states(EntityKind.RESIDENT)[person.id].state is SyncState.PENDING


def test_addresses_sort_naturally_everywhere(store: Store) -> None:
    addresses = ["1组10号", "1组9号", "1组100号", "2组1号", "1组09号"]
    homes = [f.household(address=a, number=str(n)) for n, a in enumerate(addresses)]
    with store.unit_of_work(actor=f.ACTOR) as uow:
        for h in homes:
            uow.create(h)
    expected = ["1组9号", "1组09号", "1组10号", "1组100号", "2组1号"]
    assert sorted(addresses, key=natural_key) == expected
    with store.read() as repos:
        listed = [h.address for h in repos.records.households_of_grid("grid-001")]
        ids = repos.records.household_ids_of_grid("grid-001")
    assert listed == expected
    by_id = {h.id: h.address for h in homes}
    assert [by_id[i] for i in ids] == expected


def test_a_pulled_copy_of_an_event_is_derived_again(store: Store) -> None:
    """The server's copy of an event (another category, so another deadline) replaces
    the row through the bulk path; the trigger drops its state, the pull's fill (or the
    next query) derives it again."""
    ids = _world(store)
    q = EventQueries(store.engine)
    assert ids["noise"] not in q.event_ids(filters=EventFilter(overdue=True), now=NOW)
    with store.write() as repos:
        repos.session.execute(
            update(EventRow).where(EventRow.id == ids["noise"]).values(category_code="HZ-01")
        )
        assert ids["noise"] in eventstate.missing_ids(repos.session)
        assert eventstate.fill_missing(repos.session) == 1
    assert ids["noise"] in q.event_ids(filters=EventFilter(overdue=True), now=NOW)


def test_events_filter_by_source(store: Store) -> None:
    ids = _world(store)
    hotline = _reported(store, title="热线来电", source=EventSource.HOTLINE)
    q = EventQueries(store.engine)

    def found(source: str) -> set[str]:
        return set(q.event_ids(filters=EventFilter(source=source), now=NOW))

    assert found(EventSource.HOTLINE.value) == {hotline}
    assert found(EventSource.GRID_WORKER.value) == set(ids.values())
    assert found(EventSource.WALK_IN.value) == set()
