"""The unit of work refuses values no store may hold (issue 11), before anything is
written or queued, with a Chinese message naming the field: so a form or an import
never queues an op the server would reject or that would stop other laptops' pulls."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from gridclient.storage import Store, bulk_upsert, write_connection
from gridcore.domain import limits
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Organization, Record
from tests.unit.storage.factories import ACTOR, household, resident, visit


def _queued(store: Store) -> int:
    with store.read() as repos:
        return sum(repos.outbox.status_counts().values())


POISON = [
    ("name", lambda h: resident(h, name="张\x00三"), "空字符"),
    ("notes", lambda h: resident(h, notes="\x1b[31m"), "U+001B"),
    ("address", lambda h: household(address="幸福路\x7f"), "U+007F"),
    ("disability_grade", lambda h: resident(h, disability_grade=2**63), "1–4"),
    ("birth_date", lambda h: resident(h, birth_date=date(1, 1, 1)), "1800"),
    ("notes", lambda h: household(notes="长" * (limits.MAX_TEXT + 1)), "过长"),
    (
        "visited_at",
        lambda h: visit(h, visited_at=datetime(1850, 1, 1, tzinfo=UTC)),
        "日期和时间",
    ),
    (
        "members",
        lambda h: Organization(grid_id="grid-001", name="协会", members=2**63),
        "成员人数",
    ),
]


@pytest.mark.parametrize(("field", "make", "said"), POISON)
def test_poison_values_are_refused_before_anything_is_queued(
    store: Store, field: str, make: object, said: str
) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    before = _queued(store)
    record: Record = make(home.id)  # type: ignore[operator]
    with pytest.raises(limits.InvalidValue) as caught, store.unit_of_work(actor=ACTOR) as uow:
        if record.KIND.value in ("visit",):
            uow.append(record)
        else:
            uow.create(record)
    assert caught.value.field == field
    assert said in caught.value.message
    assert _queued(store) == before
    with store.read() as repos:
        assert repos.records.get_kind(record.KIND, record.id) is None


def test_the_bulk_path_refuses_them_too(store: Store) -> None:
    """``create_many`` (the roster import's path) checks every record; nothing of the
    batch is written."""
    home = household()
    bad = resident(home.id, name="李\x00四")
    with pytest.raises(limits.InvalidValue), store.unit_of_work(actor=ACTOR) as uow:
        uow.create_many([home, resident(home.id), bad])
    assert _queued(store) == 0


def test_an_edit_is_checked_on_the_fields_it_changes(store: Store) -> None:
    home = household()
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    with pytest.raises(limits.InvalidValue), store.unit_of_work(actor=ACTOR) as uow:
        uow.update(dataclasses.replace(home, phone="138\x00"))
    # A bad value already stored (pulled from an older server) does not block editing
    # another field.
    with write_connection(store.engine) as connection:
        row = {"id": home.id, "version": 1, "deleted": False, "updated_at": None}
        bulk_upsert(connection, home.KIND, [{**row, **encode_fields(home), "notes": "旧\x07备注"}])
    with store.unit_of_work(actor=ACTOR) as uow:
        stored = uow.repos.records.get_kind(home.KIND, home.id)
        assert stored is not None
        assert uow.update(dataclasses.replace(stored, address="新地址 1 号")) is not None


def test_newline_tab_and_carriage_return_are_text(store: Store) -> None:
    home = household(notes="第一行\r\n第二行\t备注")
    with store.unit_of_work(actor=ACTOR) as uow:
        uow.create(home)
    assert _queued(store) == 1


def test_every_field_has_a_chinese_label() -> None:
    """Messages name the field in Chinese: a field added to an entity needs its label."""
    from gridcore.domain.codec import field_specs
    from gridcore.domain.enums import EntityKind

    names = {name for kind in EntityKind for name in field_specs(kind)}
    assert names <= set(limits.FIELD_LABELS)
