"""The residents list derives 老年人 60+/80+ from the birth date, never from stored tags."""

from __future__ import annotations

from datetime import date, timedelta

from gridclient.storage import Store
from gridclient.storage.queries import ResidentQueries
from gridcore.domain.enums import SpecialGroup as G
from tests.unit.storage.factories import ACTOR, household, resident

TODAY = date(2026, 11, 30)


def _people(store: Store) -> dict[str, str]:
    home = household()
    people = {
        # 60 tomorrow; a stale client stored no tag.
        "almost": resident(
            home.id, name="明天六十", birth_date=date(1966, 12, 1), tags=frozenset()
        ),
        # Stored as 60+ by an old client, but only 40: the stored tag is ignored.
        "stale": resident(
            home.id,
            name="错标",
            id_number="",
            birth_date=date(1986, 1, 1),
            tags=frozenset({G.ELDERLY_60, G.ELDERLY_80, G.DISABLED}),
        ),
        "eighty": resident(
            home.id, name="八十", id_number="", birth_date=date(1946, 11, 30), tags=frozenset()
        ),
        "unknown": resident(
            home.id, name="无生日", id_number="", birth_date=None, tags=frozenset({G.ELDERLY_60})
        ),
    }
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
        for person in people.values():
            uow.create(person)
    return {key: person.id for key, person in people.items()}


def test_turning_sixty_tomorrow_enters_the_filter_tomorrow(store: Store) -> None:
    ids = _people(store)
    queries = ResidentQueries(store.engine)
    sixty = set(queries.resident_ids(tag=G.ELDERLY_60.value, today=TODAY))
    assert sixty == {ids["eighty"]}
    tomorrow = TODAY + timedelta(days=1)
    sixty = set(queries.resident_ids(tag=G.ELDERLY_60.value, today=tomorrow))
    assert sixty == {ids["eighty"], ids["almost"]}
    eighty = set(queries.resident_ids(tag=G.ELDERLY_80.value, today=TODAY))
    assert eighty == {ids["eighty"]}
    assert set(queries.resident_ids(tag=G.ELDERLY_80.value, today=TODAY - timedelta(1))) == set()
    # Other groups still filter on the stored tags.
    assert queries.resident_ids(tag=G.DISABLED.value, today=TODAY) == [ids["stale"]]


def test_groups_column_shows_derived_age_groups(store: Store) -> None:
    ids = _people(store)
    queries = ResidentQueries(store.engine)
    rows = queries.resident_rows(list(ids.values()), today=TODAY)
    assert rows[ids["almost"]][7] == ""
    assert rows[ids["stale"]][7] == "残疾人"
    assert rows[ids["eighty"]][7] == "60岁以上老人、80岁以上老人"
    assert rows[ids["eighty"]][3] == "80"
    assert rows[ids["unknown"]][7] == ""
    later = queries.resident_rows([ids["almost"]], today=TODAY + timedelta(days=1))
    assert later[ids["almost"]][7] == "60岁以上老人"
