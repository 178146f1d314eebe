"""Every record kind goes in through the unit of work and comes out of the repositories
as an equal domain object (tags, dates, None values and aware datetimes included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gridclient.storage import Store
from gridclient.storage.engine import read_session
from gridclient.storage.models import AttachmentBlobRow, SyncStateRow
from gridcore.domain.catalog import EventCatalog, EventCategory
from gridcore.domain.entities import (
    Area,
    Attachment,
    Event,
    EventAction,
    Household,
    Mediation,
    Organization,
    Patrol,
    Place,
    PlaceInspection,
    ProgramRecord,
    Record,
    Resident,
    Visit,
)
from gridcore.domain.enums import (
    EntityKind,
    EventActionKind,
    EventGroup,
    Ledger,
    MediationAgreement,
    MediationOutcome,
    Program,
    Relation,
    Role,
    Urgency,
)
from tests.unit.storage.factories import (
    ACTOR,
    ID_NUMBER,
    PHOTO,
    VISITED_AT,
    action,
    area,
    attachment,
    event,
    household,
    inspection,
    mediation,
    organization,
    patrol,
    place,
    program_record,
    resident,
    satisfied_action,
    sparse_resident,
    visit,
)


def _stored(store: Store, record: Record) -> Record | None:
    with store.read() as repos:
        return repos.records.get(type(record), record.id)


def test_every_kind_round_trips(store: Store) -> None:
    home = household()
    ev = event(household_id=home.id, attachments=("d" * 64,))
    pl = place()
    records: list[Record] = [
        area(),
        area(code="330106", name="某街道", parent_id=None),
        home,
        household(micro_grid_id=None, tags=frozenset(), number="", phone=""),
        resident(home.id),
        sparse_resident(home.id),
        organization(),
        organization(members=None),
        patrol(),
        patrol(started_at=None, ended_at=None, attachments=(), event_ids=()),
        pl,
        place(micro_grid_id=None, risk_level=None, is_key=False),
        inspection(pl.id),
        inspection(pl.id, rectify_by=None, rectified=True, corrects_id="an-earlier-check"),
        program_record(home.id),
        program_record(
            home.id,
            program=Program.MINIMUM_LIVING,
            status=None,
            risk_type=None,
            ended_on=date(2026, 9, 30),
            amount=None,
        ),
        visit(home.id),
        visit(home.id, attachments=(), corrects_id="some-earlier-visit"),
        ev,
        action(ev.id),
        satisfied_action(ev.id),
        mediation(ev.id),
        mediation(
            ev.id,
            sessions=(),
            agreement="",
            agreement_kind=MediationAgreement.NONE,
            outcome=MediationOutcome.IN_PROGRESS,
            attachments=(),
            follow_up="",
        ),
        attachment(),
    ]
    with store.unit_of_work(actor=ACTOR) as uow:
        for record in records:
            if record.KIND in {EntityKind.AREA, EntityKind.HOUSEHOLD}:
                uow.create(record)
        for record in records:
            if isinstance(record, Attachment):
                uow.append(record, blob=PHOTO)
            elif isinstance(
                record, Resident | Organization | Patrol | Mediation | Place | ProgramRecord
            ):
                uow.create(record)
            elif isinstance(record, Visit | Event | EventAction | PlaceInspection):
                uow.append(record)

    for record in records:
        assert _stored(store, record) == record, record.KIND


def test_values_come_back_typed_and_in_utc(store: Store) -> None:
    home = household()
    person = resident(home.id)
    seen = visit(home.id)
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.create(person)
        uow.append(seen)

    with store.read() as repos:
        got_person = repos.records.get(Resident, person.id)
        got_visit = repos.records.get(Visit, seen.id)
        got_home = repos.records.get(Household, home.id)
    assert got_person is not None and got_visit is not None and got_home is not None
    assert got_person.birth_date == date(1949, 12, 31)
    assert type(got_person.birth_date) is date
    assert got_person.tags == person.tags and isinstance(got_person.tags, frozenset)
    assert got_person.gender is person.gender
    assert got_home.tags == home.tags
    assert got_visit.visited_at == VISITED_AT
    assert got_visit.visited_at.tzinfo is UTC
    assert got_visit.visited_at.hour == VISITED_AT.hour - 8
    assert got_visit.attachments == seen.attachments and isinstance(got_visit.attachments, tuple)
    assert got_visit.updated_at is None and got_visit.version == 0 and not got_visit.deleted


def test_attachment_bytes_are_stored_once(store: Store) -> None:
    photo = attachment()
    with store.unit_of_work(actor=ACTOR) as uow:
        first = uow.append(photo, blob=PHOTO)
        again = uow.append(photo, blob=PHOTO)
    assert first is not None and again is None
    with store.read() as repos:
        assert repos.records.get(Attachment, photo.id) == photo
        assert len(repos.outbox.pending()) == 1
    with store.write() as repos:
        assert repos.records.exists(EntityKind.ATTACHMENT, photo.id)
    with read_session(store.engine) as session:
        blob = session.get(AttachmentBlobRow, photo.id)
        assert blob is not None and blob.data == PHOTO


def test_household_queries(store: Store) -> None:
    a = household(address="B 路 2 号")
    b = household(address="A 路 1 号")
    elsewhere = household(grid_id="grid-002")
    gone = household(address="C 路")
    with store.unit_of_work(actor=ACTOR) as uow:
        for h in (a, b, elsewhere, gone):
            uow.create(h)
        uow.delete(EntityKind.HOUSEHOLD, gone.id)

    with store.read() as repos:
        assert repos.records.households_of_grid("grid-001") == [b, a]
        assert repos.records.household_ids_of_grid("grid-001") == [b.id, a.id]
        with_deleted = repos.records.households_of_grid("grid-001", include_deleted=True)
        assert [h.id for h in with_deleted] == [b.id, a.id, gone.id]
        assert with_deleted[2].deleted
        tombstone = repos.records.get(Household, gone.id)
        assert tombstone is not None and tombstone.deleted
        assert repos.records.get_many(Household, [a.id, "missing", b.id]) == {a.id: a, b.id: b}


def test_resident_queries(store: Store) -> None:
    home = household()
    other_home = household()
    child = resident(home.id, name="小明", relation=Relation.SON, birth_date=date(2015, 1, 1))
    head = resident(home.id, relation=Relation.HEAD, birth_date=date(1980, 1, 1))
    unknown_age = resident(home.id, name="某人", relation=Relation.OTHER, birth_date=None)
    same_id = resident(other_home.id, name="同号人员")  # same ID_NUMBER: a duplicate warning
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        uow.create(other_home)
        for r in (child, head, unknown_age, same_id):
            uow.create(r)

    with store.read() as repos:
        assert repos.records.residents_of_household(home.id) == [head, child, unknown_age]
        duplicates = repos.records.residents_by_id_number(ID_NUMBER)
        assert {r.id for r in duplicates} == {child.id, head.id, unknown_age.id, same_id.id}
        others = repos.records.residents_by_id_number(ID_NUMBER, exclude_id=head.id)
        assert head.id not in {r.id for r in others}
        assert repos.records.residents_by_id_number("") == []


def test_visit_and_event_queries(store: Store) -> None:
    home = household()
    older = visit(home.id, visited_at=datetime(2026, 1, 1, tzinfo=UTC))
    newer = visit(home.id, visited_at=datetime(2026, 2, 1, tzinfo=UTC))
    first = event(reported_at=datetime(2026, 1, 5, tzinfo=UTC))
    second = event(reported_at=datetime(2026, 1, 6, tzinfo=UTC), household_id=home.id)
    reported = action(second.id, at=datetime(2026, 1, 6, 1, tzinfo=UTC))
    accepted = action(
        second.id,
        kind=EventActionKind.ACCEPT,
        actor_role=Role.TOWNSHIP,
        at=datetime(2026, 1, 6, 0, tzinfo=UTC),  # device clock earlier, but server-stamped
        server_at=datetime(2026, 1, 6, 2, tzinfo=UTC),
    )
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        for record in (older, newer, first, second, reported, accepted):
            uow.append(record)

    with store.read() as repos:
        assert repos.records.visits_of_household(home.id) == [newer, older]
        assert repos.records.visits_of_grid(
            "grid-001", since=datetime(2026, 1, 15, tzinfo=UTC)
        ) == [newer]
        histories = repos.records.events_of_grid("grid-001")
        assert [h.event for h in histories] == [second, first]
        assert histories[0].actions == (accepted, reported)
        assert histories[1].actions == ()
        history = repos.records.event_history(second.id)
        assert history is not None and history.actions == (accepted, reported)
        assert repos.records.event_history("missing") is None


def test_counts_ignore_tombstones(store: Store) -> None:
    homes = [household() for _ in range(3)]
    with store.unit_of_work(actor=ACTOR) as uow:
        for h in homes:
            uow.create(h)
        uow.create(resident(homes[0].id))
        uow.delete(EntityKind.HOUSEHOLD, homes[2].id)
    with store.read() as repos:
        counts = repos.records.counts()
    assert counts[EntityKind.HOUSEHOLD] == 2
    assert counts[EntityKind.RESIDENT] == 1
    assert counts[EntityKind.VISIT] == 0
    assert set(counts) == set(EntityKind)


def test_catalog_round_trip_keeps_order_and_version(store: Store) -> None:
    catalog = EventCatalog.of(
        [
            EventCategory(
                code="Z-9",
                name="占道经营",
                group=EventGroup.HAZARD,
                ledger=Ledger.COMPLAINT,
                time_limits={Urgency.NORMAL: 3, Urgency.CRITICAL: 0},
            ),
            EventCategory(
                code="A-1",
                name="邻里纠纷",
                group=EventGroup.DISPUTE,
                ledger=Ledger.APPEAL,
                time_limits={Urgency.NORMAL: 7},
                active=False,
            ),
        ],
        version="2026.03",
    )
    with store.read() as repos:
        assert len(repos.catalog.load()) == 0
    with store.write() as repos:
        repos.catalog.save(catalog)
    with store.read() as repos:
        loaded = repos.catalog.load()
    assert loaded == catalog
    assert [c.code for c in loaded] == ["Z-9", "A-1"]
    assert loaded.version == "2026.03"

    smaller = EventCatalog.of([catalog.get("A-1")], version="2026.04")
    with store.write() as repos:
        repos.catalog.save(smaller)
    with store.read() as repos:
        assert repos.catalog.load() == smaller


def test_read_session_refuses_writes(store: Store) -> None:
    with pytest.raises(RuntimeError, match="read-only"), read_session(store.engine) as session:
        session.add(SyncStateRow(key="x", value=1))
        session.flush()


def test_reads_see_only_committed_changes(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        assert uow.repos.records.get(Household, home.id) == home
        with store.read() as other:
            assert other.records.get(Household, home.id) is None
    assert _stored(store, home) == home


def test_get_of_a_missing_record_is_none(store: Store) -> None:
    place = area()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(place)
    assert _stored(store, household()) is None
    with store.read() as repos:
        assert repos.records.get_kind(EntityKind.AREA, "nope") is None
        assert repos.records.get_kind(EntityKind.AREA, place.id) == place
        assert repos.records.get(Area, place.id) == place
