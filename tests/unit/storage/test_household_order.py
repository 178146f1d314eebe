"""The household list's stored order (issue #18 item 4, migration 0018): the id list is
the natural address order, its first screen (``limit``) the start of the whole list, read
from ``ix_households_list_order`` with no sort; every write path keeps the keys current."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, event, text

from gridclient.storage import Store, bulk_upsert, create_store_engine, write_connection
from gridclient.storage.bulk import apply_fields, upsert_changes
from gridclient.storage.household_order import sort_keys
from gridclient.storage.keys import create_key_file, key_file_for
from gridclient.storage.migrate import upgrade
from gridclient.storage.queries import AreaFilter, HouseholdQueries, ResidentQueries
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind, HouseholdTag, Relation
from gridcore.domain.sorting import natural_key
from tests.unit.storage import factories as f

SERVER_TIME = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
ADDRESSES = ["1组10号", "1组9号", "1组100号", "2组1号", "1组09号", "1组9号", "幸福路3号", "1组"]


def _homes() -> list[Household]:
    return [
        f.household(
            address=address,
            number=str(10 - n),  # the 户号 decides between equal addresses
            grid_id="grid-002" if n % 3 == 0 else "grid-001",
            micro_grid_id="micro-02" if n % 2 else "micro-01",
            tags=frozenset({HouseholdTag.MINIMUM_LIVING}) if n % 2 else frozenset(),
        )
        for n, address in enumerate(ADDRESSES)
    ]


def _expected(homes: list[Household], keep: Any = lambda h: True) -> list[str]:
    """The order the list had when Python sorted it (before 0018)."""
    live = [h for h in homes if keep(h) and not h.deleted and h.moved_out_on is None]
    return [
        h.id
        for h in sorted(live, key=lambda h: (natural_key(h.address), natural_key(h.number), h.id))
    ]


def _keys(store: Store) -> dict[str, tuple[str | None, str | None]]:
    with store.engine.connect() as connection:
        return {
            row[0]: (row[1], row[2])
            for row in connection.execute(
                text("SELECT id, address_key, number_key FROM households")
            )
        }


def _current(store: Store) -> bool:
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT address, number, address_key, number_key FROM households")
        ).all()
    return all(sort_keys(r[0], r[1]) == (r[2], r[3]) for r in rows)


def test_the_list_is_in_natural_order_and_its_first_screen_is_its_start(store: Store) -> None:
    homes = _homes()
    gone = f.household(address="1组1号", moved_out_on=date(2026, 3, 5), moved_to="县城")
    with store.unit_of_work(actor=f.ACTOR) as uow:
        for home in (*homes, gone):
            uow.create(home)
    q = HouseholdQueries(store.engine)
    assert q.household_ids() == _expected(homes)
    assert gone.id not in q.household_ids()
    cases: list[tuple[AreaFilter, list[str] | None, Any]] = [
        (AreaFilter(), None, lambda h: True),
        (AreaFilter(("grid-001",)), None, lambda h: h.grid_id == "grid-001"),
        (
            AreaFilter(("grid-001", "grid-002"), "micro-02"),
            None,
            lambda h: h.micro_grid_id == "micro-02",
        ),
        (AreaFilter(), ["minimum_living"], lambda h: bool(h.tags)),
    ]
    for area, tags, keep in cases:
        whole = q.household_ids(area=area, tags=tags)
        assert whole == _expected(homes, keep)
        for limit in (1, 3, 100):
            assert q.household_ids(area=area, tags=tags, limit=limit) == whole[:limit]


def _plans(store: Store, run: Any) -> list[str]:
    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: Any) -> None:
        if "ORDER BY" in statement:
            sent.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    with store.engine.connect() as connection:
        return [
            " / ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p))
            for s, p in sent
        ]


def test_the_household_list_walks_its_index_without_a_sort(store: Store) -> None:
    """Every grid (a township's whole list, as it opens): one walk of the index. A grid
    filter reads its grid's households by ``grid_id`` and sorts that part."""
    with store.unit_of_work(actor=f.ACTOR) as uow:
        for home in _homes():
            uow.create(home)
    q = HouseholdQueries(store.engine)
    plans = _plans(store, lambda: (q.household_ids(), q.household_ids(limit=10)))
    assert len(plans) == 2
    for plan in plans:
        assert "SCAN households USING COVERING INDEX ix_households_list_order" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_every_write_path_keeps_the_keys_current(store: Store) -> None:
    homes = _homes()
    with store.unit_of_work(actor=f.ACTOR) as uow:  # a local create
        for home in homes[:4]:
            uow.create(home)
    assert _current(store) and None not in _keys(store)[homes[0].id]
    with store.unit_of_work(actor=f.ACTOR) as uow:  # a local edit of the address
        uow.update(dataclasses.replace(homes[0], address="3组2号"))
    assert _current(store)
    served = [dataclasses.replace(h, version=1, updated_at=SERVER_TIME) for h in homes[4:]]
    with write_connection(store.engine) as connection:  # the bulk path (imports, demo)
        bulk_upsert(
            connection,
            EntityKind.HOUSEHOLD,
            [
                {
                    "id": h.id,
                    "version": 1,
                    "deleted": False,
                    "updated_at": SERVER_TIME.isoformat(),
                    **encode_fields(h),
                }
                for h in served
            ],
        )
    assert _current(store)
    moved = dataclasses.replace(served[0], address="1组8号", number="7", version=2)
    with write_connection(store.engine) as connection:  # a pulled newer copy
        upsert_changes(
            connection,
            EntityKind.HOUSEHOLD,
            [
                {
                    "id": moved.id,
                    "version": 2,
                    "deleted": False,
                    "updated_at": SERVER_TIME.isoformat(),
                    "fields": encode_fields(moved),
                }
            ],
        )
    assert _keys(store)[moved.id] == sort_keys("1组8号", "7")
    with write_connection(store.engine) as connection:  # a rebase of unsent values
        apply_fields(connection, EntityKind.HOUSEHOLD, moved.id, {"number": "70"})
    assert _keys(store)[moved.id] == sort_keys("1组8号", "70")
    assert _current(store)


def test_a_write_without_the_keys_clears_them_and_the_list_derives_them(store: Store) -> None:
    homes = _homes()
    with store.unit_of_work(actor=f.ACTOR) as uow:
        for home in homes:
            uow.create(home)
    with write_connection(store.engine) as connection:
        connection.execute(
            text("UPDATE households SET address = '0组5号' WHERE id = :id"), {"id": homes[3].id}
        )
        # the same address again, or another column: nothing to derive again
        connection.execute(
            text("UPDATE households SET address = address, notes = 'x' WHERE id = :id"),
            {"id": homes[4].id},
        )
    keys = _keys(store)
    assert keys[homes[3].id] == (None, None)
    assert None not in keys[homes[4].id]
    edited = [dataclasses.replace(homes[3], address="0组5号"), *homes[:3], *homes[4:]]
    # the list derives what is missing before it reads its order
    assert HouseholdQueries(store.engine).household_ids() == _expected(edited)
    assert _current(store)


def test_0018_derives_the_keys_of_stored_households(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    key = create_key_file(key_file_for(db_path), f.PASSWORD, params=f.CHEAP_KDF, user=f.ACTOR)
    engine = create_store_engine(db_path, key)
    homes = _homes()
    try:
        upgrade(engine, "0017")
        with write_connection(engine) as connection:
            table = Table("households", MetaData(), autoload_with=connection)  # as at 0017
            connection.execute(
                table.insert(),
                [
                    {
                        "id": home.id,
                        "version": 1,
                        "deleted": False,
                        "updated_at": None,
                        **encode_fields(home),
                    }
                    for home in homes
                ],
            )
    finally:
        engine.dispose()
    with Store.open(db_path, f.PASSWORD) as store:
        assert _current(store)
        assert HouseholdQueries(store.engine).household_ids() == _expected(homes)


def test_residents_are_listed_by_their_households_stored_order(store: Store) -> None:
    """Household address order (natural), the head first, then by name and id: the
    order the resident list had when Python sorted its rows, now sorted in SQL."""
    homes = _homes()
    people = [
        f.resident(home.id, name=name, relation=relation)
        for home in homes
        for name, relation in (
            ("王芳", Relation.SPOUSE),
            ("赵强", Relation.HEAD),
            ("李四", Relation.SON),
        )
    ]
    with store.unit_of_work(actor=f.ACTOR) as uow:
        for home in homes:
            uow.create(home)
        for person in people:
            uow.create(person)
    by_id = {h.id: h for h in homes}
    expected = [
        p.id
        for p in sorted(
            people,
            key=lambda p: (
                natural_key(by_id[p.household_id].address),
                natural_key(by_id[p.household_id].number),
                p.relation is not Relation.HEAD,
                p.name,
                p.id,
            ),
        )
    ]
    assert ResidentQueries(store.engine).resident_ids() == expected
