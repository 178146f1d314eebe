"""One person, one record, across laptops and a real server (issue #16, item 1).

Worker A (grid G1) registers 张桂芳; worker B (grid G2, another laptop with its own data
dir) registers the same ID number offline. B's laptop warns from what it holds (nothing:
G1 is not on it), the server decides: B's sync brings a refusal naming G1 (and nothing
more, B may not see G1), the entry stays on B's laptop with that answer until B decides
人户分离; the township's 80+ roster lists her once. A duplicate stored before the check
is merged by the township tool and the roster lists the person once after the merge."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from gridclient.reports.data import Period, ReportKind, build_report
from gridclient.storage.lookups import registered_id_numbers
from gridclient.storage.syncmeta import OpStatus
from gridclient.storage.syncstate_queries import SyncStateQueries
from gridclient.storage.uow import Settlement
from gridcore.domain import idnumber
from gridcore.domain.agegroups import today_cst
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import Resident
from gridcore.domain.enums import EntityKind, Gender, Role, SpecialGroup
from gridserver import persons
from gridserver.db import records as server_records
from gridserver.feed import FeedEffects, stamp
from tests.integration.sync.conftest import Laptop, World

TOWNSHIP = "320101001000"
FIRST17 = "11010519400315002"
ZHANG = FIRST17 + idnumber.check_character(FIRST17)
"""张桂芳: female, born 1940-03-15, so on the 80+ roster."""


def _zhang(household_id: str) -> Resident:
    return Resident(
        household_id=household_id,
        name="张桂芳",
        id_number=ZHANG,
        gender=Gender.FEMALE,
        birth_date=date(1940, 3, 15),
    )


def _roster_names(laptop: Laptop) -> list[str]:
    today = today_cst()
    roster = build_report(
        laptop.store,
        ReportKind.ROSTER,
        TOWNSHIP,
        Period(today - timedelta(days=30), today),
        role=Role.TOWNSHIP,
        group=SpecialGroup.ELDERLY_80,
    )
    return [str(row[1]) for row in roster.rows]


def test_a_second_registration_is_refused_and_settled_as_separation(
    world: World, laptops: dict[str, Laptop]
) -> None:
    a, b, township = laptops["w1"], laptops["w2"], laptops["t1"]
    home = a.new_household(world.areas["G1"], address="幸福路3号", number="0012")
    with a.store.unit_of_work(actor="w1") as uow:
        uow.create(_zhang(home.id))
    assert a.sync().ok

    # B registers her offline in G2: B's laptop holds nothing of G1, so it cannot warn.
    assert b.sync().ok
    assert registered_id_numbers(b.store.engine, [ZHANG]) == {}
    lodging = b.new_household(world.areas["G2"], address="和平路9号", number="0201")
    second = _zhang(lodging.id)
    with b.store.unit_of_work(actor="w2") as uow:
        uow.create(second)
    report = b.sync()
    assert report.rejected == 1 and not report.ok
    # The entry is still on B's laptop, with the server's answer, waiting for B.
    assert not b.get(EntityKind.RESIDENT, second.id).deleted
    [refused] = SyncStateQueries(b.store.engine).refused_registrations()
    assert refused.resident_id == second.id and refused.new_entry
    assert refused.address == "和平路9号"
    assert "该身份证号已在幸福社区第一网格登记" in refused.message
    assert "人户分离" in refused.message and "申请迁移" in refused.message
    # B may not see G1: neither the household nor anything about the person is told.
    assert "幸福路3号" not in refused.message and "0012" not in refused.message
    # A later sync does not lose it nor send it again.
    b.sync()
    assert SyncStateQueries(b.store.engine).refused_registrations() == [refused]

    with b.store.unit_of_work(actor="w2") as uow:
        uow.settle_registration(second.id, Settlement.SEPARATION)
    assert b.get(EntityKind.RESIDENT, second.id).deleted  # no second record
    assert SyncStateQueries(b.store.engine).refused_registrations() == []
    assert b.sync().ok
    with b.store.read() as repos:
        assert repos.outbox.status_counts()[OpStatus.REJECTED] == 0
    note = b.get(EntityKind.HOUSEHOLD, lodging.id).notes
    assert note.startswith("人户分离：张桂芳（户籍已在其他网格登记，身份证号 110105********")
    assert "实际居住本户" in note

    # The township sees the note on B's household and lists her once.
    assert township.sync().ok
    assert "人户分离：张桂芳" in township.get(EntityKind.HOUSEHOLD, lodging.id).notes
    assert _roster_names(township) == ["张桂芳"]


def test_a_move_request_keeps_the_entry_until_the_township_moves_her(
    world: World, laptops: dict[str, Laptop]
) -> None:
    a, b, township = laptops["w1"], laptops["w2"], laptops["t1"]
    home = a.new_household(world.areas["G1"], address="幸福路3号", number="0012")
    first = _zhang(home.id)
    with a.store.unit_of_work(actor="w1") as uow:
        uow.create(first)
    assert a.sync().ok
    lodging = b.new_household(world.areas["G2"], address="和平路9号")
    second = _zhang(lodging.id)
    with b.store.unit_of_work(actor="w2") as uow:
        uow.create(second)
    assert b.sync().rejected == 1
    with b.store.unit_of_work(actor="w2") as uow:
        uow.settle_registration(second.id, Settlement.MOVE)
    b.sync()
    [waiting] = SyncStateQueries(b.store.engine).refused_registrations()
    assert waiting.move_requested and "已申请迁移" in waiting.message
    # The township moves the G1 record into B's household (an edit on its laptop) …
    assert township.sync().ok
    assert "申请迁入：张桂芳" in township.get(EntityKind.HOUSEHOLD, lodging.id).notes
    township.edit(EntityKind.RESIDENT, first.id, household_id=lodging.id)
    assert township.sync().ok
    # … B receives her, and drops its own entry.
    b.sync()
    assert b.get(EntityKind.RESIDENT, first.id).household_id == lodging.id
    with b.store.unit_of_work(actor="w2") as uow:
        uow.settle_registration(second.id, Settlement.DISCARD)
    assert b.sync().ok
    assert township.sync().ok
    assert _roster_names(township) == ["张桂芳"]


def test_existing_duplicates_are_merged_and_the_roster_lists_her_once(
    world: World, laptops: dict[str, Laptop]
) -> None:
    a, b, township = laptops["w1"], laptops["w2"], laptops["t1"]
    home = a.new_household(world.areas["G1"], address="幸福路3号", number="0012")
    keep = _zhang(home.id)
    with a.store.unit_of_work(actor="w1") as uow:
        uow.create(keep)
    assert a.sync().ok
    lodging = b.new_household(world.areas["G2"], address="和平路9号")
    assert b.sync().ok
    # The same person imported in G2 before the server checked (an older server).
    duplicate = replace(_zhang(lodging.id), tags=frozenset({SpecialGroup.DISABLED}))
    drop = duplicate.id
    fields = {k: v for k, v in encode_fields(duplicate).items() if k != "id"}
    db = world.server.db
    with db.write() as conn:
        conn.execute(
            insert(server_records).values(
                kind="resident",
                id=drop,
                version=1,
                deleted=False,
                updated_at=datetime.now(UTC),
                seq=0,
                grid_id=world.areas["G2"],
                parent_id=lodging.id,
                fields=fields,
                field_versions={},
                id_number=ZHANG,
            )
        )
        stamp(conn, FeedEffects(records={("resident", drop)}))
    assert township.sync().ok
    assert _roster_names(township) == ["张桂芳", "张桂芳"]
    [group] = list(persons.duplicates(db, world.areas["T1"]))
    assert {r.resident_id for r in group.registrations} == {keep.id, drop}

    persons.merge_residents(db, keep.id, drop, "两网格重复导入")
    assert township.sync().ok
    assert _roster_names(township) == ["张桂芳"]
    kept = township.get(EntityKind.RESIDENT, keep.id)
    assert SpecialGroup.DISABLED in kept.tags  # both histories kept
    assert township.get(EntityKind.RESIDENT, drop).deleted
    # The laptops of both grids follow.
    assert a.sync().ok and b.sync().ok
    assert SpecialGroup.DISABLED in a.get(EntityKind.RESIDENT, keep.id).tags
    assert b.get(EntityKind.RESIDENT, drop).deleted


def test_the_same_roster_imported_in_a_second_grid_lists_her_once(
    world: World, laptops: dict[str, Laptop], tmp_path: Path
) -> None:
    """The reported case itself: a worker in a second grid imports the roster already
    imported in the first. The server refuses every person again (registered in G1), and
    the township's 80+ roster lists 张桂芳 once; her household mate too is not doubled."""
    from openpyxl import Workbook

    from gridclient.imports.roster import import_roster, read_roster
    from tests.unit.reports.sample import id_number

    a, b, township = laptops["w1"], laptops["w2"], laptops["t1"]
    husband = id_number(902, date(1938, 5, 1), Gender.MALE)
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(["姓名", "身份证号", "性别", "出生日期", "与户主关系", "户号", "住址"])
    sheet.append(["李国强", husband, "男", "1938-05-01", "户主", "0012", "幸福路3号"])
    sheet.append(["张桂芳", ZHANG, "女", "1940-03-15", "配偶", "0012", "幸福路3号"])
    path = tmp_path / "roster.xlsx"
    wb.save(path)

    first = read_roster(path, a.store, today=today_cst())
    assert len(first.accepted) == 2
    import_roster(a.store, first, grid_id=world.areas["G1"], actor="w1")
    assert a.sync().ok
    assert township.sync().ok
    assert _roster_names(township) == ["李国强", "张桂芳"]

    # The second grid's laptop holds nothing of G1: it imports, the server refuses both.
    assert b.sync().ok
    second = read_roster(path, b.store, today=today_cst())
    assert len(second.accepted) == 2
    import_roster(b.store, second, grid_id=world.areas["G2"], actor="w2")
    report = b.sync()
    assert report.rejected == 2
    refused = SyncStateQueries(b.store.engine).refused_registrations()
    assert len(refused) == 2
    assert all(r.message.startswith("该身份证号已在幸福社区第一网格登记") for r in refused)
    assert township.sync().ok
    assert _roster_names(township) == ["李国强", "张桂芳"]
