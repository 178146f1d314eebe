"""重点户花名册 (issue #16 item 2, the lists): households of a program with their head,
counted against the sample township independently of the report query."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gridclient.reports.data import (
    build_household_roster,
)
from gridclient.reports.excel import write_xlsx
from gridclient.reports.render import render_pdf
from gridclient.storage import Store
from gridcore.domain.entities import Household
from gridcore.domain.enums import HouseholdTag, Relation, Role
from gridcore.domain.idnumber import mask
from gridcore.domain.programs import household_programs, program_tags
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import NOW, TOWNSHIP_CODE, Sample

T = HouseholdTag


def _tag(store: Store, sample: Sample, tags: dict[str, set[HouseholdTag]]) -> None:
    """Tags on the sample's households by 户号, as a worker's edits would set them."""
    by_number = {h.number: h for h in sample.dataset.households}
    with store.unit_of_work(actor="tester") as uow:
        for number, wanted in tags.items():
            stored = uow.repos.records.get(Household, by_number[number].id)
            assert stored is not None
            uow.update(dataclasses.replace(stored, tags=frozenset(wanted)))


def test_programs_and_their_names() -> None:
    labels = [label for _code, label in household_programs()]
    assert labels[:4] == ["低保户", "特困供养户", "临时救助户", "防返贫监测户"]
    assert program_tags("低保")[1] == (T.MINIMUM_LIVING,)
    assert program_tags("monitored")[1] == (
        T.MONITOR_UNSTABLE,
        T.MONITOR_MARGINAL,
        T.MONITOR_SUDDEN_HARDSHIP,
    )
    with pytest.raises(ValueError, match="没有“五保”这类户"):
        program_tags("五保")


@pytest.mark.parametrize(("role", "full"), [(Role.WORKER, False), (Role.TOWNSHIP, True)])
def test_minimum_living_roster_lists_the_township_households_with_their_heads(
    store: Store, sample: Sample, role: Role, full: bool
) -> None:
    _tag(
        store,
        sample,
        {
            "1001": {T.MINIMUM_LIVING, T.PARTY_CENTRAL},
            "2002": {T.MINIMUM_LIVING},
            "3001": {T.MINIMUM_LIVING},
        },
    )
    report = build_household_roster(store, TOWNSHIP_CODE, "低保户", role, now=NOW)
    # 3001 is in the other township; recount from the sample's own lists.
    homes = {h.id: h for h in sample.dataset.households if h.number in ("1001", "2002")}
    heads = {
        r.household_id: r
        for r in sample.dataset.residents
        if r.household_id in homes and r.relation is Relation.HEAD
    }
    members = {hid: sum(r.household_id == hid for r in sample.dataset.residents) for hid in homes}
    expected = [
        (
            homes[hid].number,
            heads[hid].name,
            heads[hid].id_number if full else mask(heads[hid].id_number),
            members[hid],
        )
        for hid in sorted(homes, key=lambda i: homes[i].number)
    ]
    assert [(r[1], r[2], r[3], r[5]) for r in report.rows] == expected
    assert [r[8] for r in report.rows] == ["低保户", "低保户"]
    assert report.columns[9].title == "认定日期"
    assert report.rows[0][9] == ""  # tagged without a program record: no date
    assert report.rows[0][10] == "党员中心户"  # the household's other program
    assert report.totals is not None and report.totals[1] == "2户"
    assert report.totals[5] == sum(members.values())
    assert report.full_title == "重点户花名册（低保户）"
    masked = build_household_roster(store, TOWNSHIP_CODE, "低保户", role, masked=True, now=NOW)
    assert all("*" in str(r[3]) for r in masked.rows)


def test_monitored_households_are_one_roster_of_three_kinds(
    store: Store, sample: Sample, tmp_path: Path
) -> None:
    _tag(store, sample, {"1002": {T.MONITOR_UNSTABLE}, "1003": {T.MONITOR_SUDDEN_HARDSHIP}})
    report = build_household_roster(store, TOWNSHIP_CODE, "防返贫监测户", Role.TOWNSHIP, now=NOW)
    assert [(r[1], r[8]) for r in report.rows] == [
        ("1002", "脱贫不稳定户"),
        ("1003", "突发严重困难户"),
    ]
    assert report.summary[1] == "其中脱贫不稳定户 1 户，边缘易致贫户 0 户，突发严重困难户 1 户。"
    pdf = tmp_path / "monitored.pdf"
    render_pdf(report, pdf)
    text = squeeze(pdf_text(pdf))
    assert "重点户花名册（防返贫监测户）" in text and "突发严重困难户" in text
    write_xlsx(report, tmp_path / "monitored.xlsx")
