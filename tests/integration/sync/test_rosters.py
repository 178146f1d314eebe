"""Rosters across laptop and server (issue #16, items 6 and 7): the guardian and 残疾证号
fields travel both ways, the 填报单位 set on the server heads the township's rosters, a
masked copy hides every number whatever the role, and the server refuses a tag the form
would refuse even when it comes from a laptop that skipped the form."""

from __future__ import annotations

from datetime import date, timedelta

from gridclient.reports.data import Period, ReportKind, build_report
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import Resident
from gridcore.domain.enums import EntityKind, Gender, Role, SpecialGroup
from gridserver import admin
from tests.integration.sync.conftest import Laptop, World

G = SpecialGroup
TOWNSHIP = "320101001000"


def _born(age: int) -> date:
    return date(today_cst().year - age, 1, 1)


def _period() -> Period:
    today = today_cst()
    return Period(today - timedelta(days=30), today)


def test_guardian_roster_issuer_and_masked_copy(world: World, laptops: dict[str, Laptop]) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    home = w1.new_household(world.areas["G1"], address="幸福路8号", number="0808")
    child = Resident(
        household_id=home.id,
        name="王小明",
        gender=Gender.MALE,
        birth_date=_born(9),
        tags=frozenset({G.LEFT_BEHIND_CHILD, G.DISABLED}),
        guardian="祖母 李秀英",
        guardian_phone="13912345678",
        disability_certificate="11010519491231002X14",
    )
    grown = Resident(
        household_id=home.id,
        name="王大明",
        gender=Gender.MALE,
        birth_date=_born(16),
        tags=frozenset({G.LEFT_BEHIND_CHILD}),  # as an older laptop might have stored it
    )
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.create(child)
    assert w1.sync().ok
    # Stored on the server and pulled by the township laptop unchanged.
    assert t1.sync().ok
    pulled = t1.get(EntityKind.RESIDENT, child.id)
    assert (pulled.guardian, pulled.guardian_phone, pulled.disability_certificate) == (
        "祖母 李秀英",
        "13912345678",
        "11010519491231002X14",
    )
    # The 16-year-old cannot be tagged 留守儿童 any more: the server refuses it.
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.create(grown)
    report = w1.sync()
    assert report.rejected == 1
    with w1.store.read() as repos:
        [parked] = repos.outbox.rejected()
    assert parked.entity_id == grown.id
    assert "“留守儿童”须未满16周岁" in (parked.message or "")

    # Before an issuer is set the heading is the chain of area names.
    roster = build_report(
        t1.store,
        ReportKind.ROSTER,
        TOWNSHIP,
        _period(),
        role=Role.TOWNSHIP,
        group=G.LEFT_BEHIND_CHILD,
    )
    assert roster.unit_name == "示例区东街道" and roster.area_text == ""
    admin.set_issuer(world.server.db, TOWNSHIP, "示例区东街道办事处")
    assert t1.sync().ok
    roster = build_report(
        t1.store,
        ReportKind.ROSTER,
        TOWNSHIP,
        _period(),
        role=Role.TOWNSHIP,
        group=G.LEFT_BEHIND_CHILD,
    )
    assert roster.unit_name == "示例区东街道办事处"
    assert roster.unit_line == "填报单位：示例区东街道办事处　统计范围：示例区东街道"
    titles = [c.title for c in roster.columns]
    assert titles[-3:] == ["监护人", "监护人电话", "备注"]
    [row] = roster.rows
    assert row[1] == "王小明" and row[-3:-1] == ("祖母 李秀英", "13912345678")
    # A grid's roster is issued by the township above it.
    grid = build_report(
        t1.store,
        ReportKind.ROSTER,
        world.areas["G1"],
        _period(),
        role=Role.TOWNSHIP,
        group=G.LEFT_BEHIND_CHILD,
    )
    assert grid.unit_name == "示例区东街道办事处" and grid.area_text.endswith("第一网格")

    masked = build_report(
        t1.store,
        ReportKind.ROSTER,
        TOWNSHIP,
        _period(),
        role=Role.TOWNSHIP,
        group=G.DISABLED,
        masked=True,
    )
    [row] = masked.rows
    columns = [c.title for c in masked.columns]
    assert columns[-3:] == ["残疾类别等级", "残疾证号", "备注"]
    assert row[columns.index("残疾证号")] == "110105********002X14"
    assert masked.notes  # says the numbers are masked
    full = build_report(
        t1.store, ReportKind.ROSTER, TOWNSHIP, _period(), role=Role.TOWNSHIP, group=G.DISABLED
    )
    assert full.rows[0][columns.index("残疾证号")] == "11010519491231002X14"
    guardian_masked = build_report(
        t1.store,
        ReportKind.ROSTER,
        TOWNSHIP,
        _period(),
        role=Role.TOWNSHIP,
        group=G.LEFT_BEHIND_CHILD,
        masked=True,
    )
    assert guardian_masked.rows[0][-2] == "139****5678"


def test_gender_rule_from_a_laptop_that_skips_the_form(
    world: World, laptops: dict[str, Laptop]
) -> None:
    w1 = laptops["w1"]
    home = w1.new_household(world.areas["G1"])
    person = w1.new_resident(home.id, "刘强")
    w1.edit(EntityKind.RESIDENT, person.id, gender="male")
    assert w1.sync().ok
    w1.edit(EntityKind.RESIDENT, person.id, tags=["left_behind_woman"])
    report = w1.sync()
    assert report.rejected == 1
    with w1.store.read() as repos:
        [parked] = repos.outbox.rejected()
    assert parked.field == "tags"
    assert "“留守妇女”只能标注女性" in (parked.message or "")
