"""Rosters across laptop and server (issue #16, items 6 and 7): the guardian and 残疾证号
fields travel both ways, the 填报单位 set on the server heads the township's rosters, a
masked copy hides every number whatever the role, and the server refuses a tag the form
would refuse even when it comes from a laptop that skipped the form."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

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


def test_a_real_roster_imported_on_one_laptop_reaches_the_township(
    world: World, laptops: dict[str, Laptop], tmp_path: Path
) -> None:
    """Issue #16 item 8 across laptop and server: a roster with GB/T codes, a year-month
    birth, a passport holder, a 低保 household and a baby without an ID number is imported
    on w1, synced, and the township laptop sees every field as meant."""
    from openpyxl import Workbook

    from gridclient.imports.roster import import_roster, read_roster
    from gridcore.domain.enums import HouseholdTag, IdDocumentType, PopulationType, Relation
    from tests.unit.reports.sample import id_number

    w1, t1 = laptops["w1"], laptops["t1"]
    head = id_number(901, date(1970, 3, 3), Gender.MALE)
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.title = "说明"
    sheet.append(["本表由村委会填写"])
    roster = wb.create_sheet("花名册")
    roster.append(["姓名", "证件类型", "证件号码", "性别", "出生年月", "与户主关系", "户号",
                   "住址", "人员类别", "联系电话"])  # fmt: skip
    roster.append(["周建华", "01", head, "1", "1970.03", "02", "0909", "幸福路9号", "党员、低保户",
                   "13891234567(微信同号)"])  # fmt: skip
    roster.append(["Olga Ivanova", "护照", "75 1234567", "2", "1985.06", "之妻", "0909",
                   "幸福路9号", None, "无"])  # fmt: skip
    roster.append(["周小宝", None, None, "男", "202601", "孙子", "0909", "幸福路9号", None, "—"])
    roster.append([None, "合计：3人", None, None, None, None, None, None, None, None])
    path = tmp_path / "roster.xlsx"
    wb.save(path)

    preview = read_roster(path, w1.store, today=today_cst())
    assert (preview.sheet, len(preview.accepted), len(preview.rejected)) == ("花名册", 3, 0)
    import_roster(w1.store, preview, grid_id=world.areas["G1"], actor="w1")
    assert w1.sync().ok
    assert t1.sync().ok
    with t1.store.read() as repos:
        [home] = [
            h for h in repos.records.households_of_grid(world.areas["G1"]) if h.number == "0909"
        ]
        people = {p.name: p for p in repos.records.residents_of_household(home.id)}
    assert home.tags == {HouseholdTag.MINIMUM_LIVING}
    assert (
        people["周建华"].tags == {G.PARTY_MEMBER} and people["周建华"].notes == "电话备注：微信同号"
    )
    olga = people["Olga Ivanova"]
    assert (olga.id_type, olga.id_number) == (IdDocumentType.PASSPORT, "751234567")
    assert (olga.relation, olga.population_type) == (Relation.SPOUSE, PopulationType.OVERSEAS)
    assert olga.birth_date == date(1985, 6, 1) and "仅知年月" in olga.notes
    baby = people["周小宝"]
    assert baby.id_number == "" and baby.birth_date == date(2026, 1, 1)


def test_an_organization_added_on_a_laptop_is_on_the_township_roster(
    world: World, laptops: dict[str, Laptop]
) -> None:
    """Issue #16 item 5: a 调解委员会 registered on w1 syncs; the township laptop lists it
    and prints it in the 组织名册 (its leader's phone masked for a worker, full for the
    township); removed on w1, it leaves both after the next syncs."""
    from gridclient.reports.data import build_organization_roster
    from gridclient.storage.queries import AreaFilter, OrganizationQueries
    from gridcore.domain.entities import Organization
    from gridcore.domain.enums import OrganizationKind

    w1, t1 = laptops["w1"], laptops["t1"]
    committee = Organization(
        grid_id=world.areas["G1"],
        name="幸福社区人民调解委员会",
        kind=OrganizationKind.MEDIATION_COMMITTEE,
        leader="赵佳",
        phone="13912345678",
        members=7,
    )
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.create(committee)
    assert w1.sync().ok and t1.sync().ok
    assert committee.id in OrganizationQueries(t1.store.engine).organization_ids(AreaFilter())
    township = build_organization_roster(t1.store, TOWNSHIP, Role.TOWNSHIP)
    [row] = [r for r in township.rows if r[1] == "幸福社区人民调解委员会"]
    assert row[2:6] == ("人民调解委员会", "赵佳", "13912345678", 7)
    worker = build_organization_roster(w1.store, TOWNSHIP, Role.WORKER)
    [row] = [r for r in worker.rows if r[1] == "幸福社区人民调解委员会"]
    assert row[4] == "139****5678"
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.delete(EntityKind.ORGANIZATION, committee.id)
    assert w1.sync().ok and t1.sync().ok
    assert committee.id not in OrganizationQueries(t1.store.engine).organization_ids(AreaFilter())


def test_a_cadre_set_on_a_laptop_heads_the_township_cadre_roster(
    world: World, laptops: dict[str, Laptop]
) -> None:
    """五级五长包户 across laptop and server: the 包户干部 written on w1 reaches the
    township laptop, whose 包户名册 lists the household under that cadre."""
    import dataclasses

    from gridclient.reports.data import build_cadre_roster

    w1, t1 = laptops["w1"], laptops["t1"]
    home = w1.new_household(world.areas["G1"], address="包联路1号", number="0101")
    assert w1.sync().ok
    with w1.store.unit_of_work(actor="w1") as uow:
        stored = uow.repos.records.get(type(home), home.id)
        assert stored is not None
        uow.update(dataclasses.replace(stored, cadre="村支书 张建华"))
    assert w1.sync().ok and t1.sync().ok
    report = build_cadre_roster(t1.store, TOWNSHIP, Role.TOWNSHIP)
    titles = [report.rows[i][1] for i in sorted(report.section_rows)]
    assert titles[0].startswith("村支书 张建华　包1户")
    first = min(report.section_rows)
    assert report.rows[first + 1][1] == "包联路1号"
