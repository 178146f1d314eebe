"""防返贫监测 across two laptops and a real server (#16 item 2): a grid worker records an
identification offline and syncs; the township sees it and marks the risk cleared while
the worker, offline again, adds to the measures; both edits merge field by field; the
worker's 防返贫监测台账 lists the record with its dates."""

from __future__ import annotations

from datetime import date

from gridclient.reports.data import Period, ReportKind, build_report
from gridcore.domain import limits
from gridcore.domain.entities import ProgramRecord, Resident
from gridcore.domain.enums import EntityKind, MonitorStatus, Program, Relation, RiskType, Role
from tests.integration.sync.conftest import Laptop, World

VILLAGE = "320101001001"


def test_identified_offline_cleared_by_the_township_and_on_the_ledger(
    world: World, laptops: dict[str, Laptop]
) -> None:
    worker, township = laptops["w1"], laptops["t1"]
    assert worker.sync().ok and township.sync().ok
    # Offline: a household, its head, and the identification.
    home = worker.new_household(world.areas["G1"], address="幸福路8号", number="0108")
    record = ProgramRecord(
        household_id=home.id,
        program=Program.MONITORED,
        started_on=date(2026, 3, 2),
        status=MonitorStatus.IDENTIFIED,
        risk_type=RiskType.ILLNESS,
        approved_by="东街道办事处",
    )
    with worker.store.unit_of_work(actor="w1") as uow:
        uow.create(Resident(household_id=home.id, name="刘长海", relation=Relation.HEAD))
        uow.create(record)
    assert worker.pending() == 3
    assert worker.sync().ok and worker.pending() == 0

    # The township sees it and closes it: without the date it is refused on its laptop.
    assert township.sync().ok
    seen = township.get(EntityKind.PROGRAM_RECORD, record.id)
    assert seen is not None and seen.status is MonitorStatus.IDENTIFIED
    try:
        township.edit(EntityKind.PROGRAM_RECORD, record.id, status="cleared")
    except limits.InvalidValue as exc:
        assert "须填写消除或终止日期" in exc.message
    else:
        raise AssertionError("a cleared record without its date was stored")
    township.edit(
        EntityKind.PROGRAM_RECORD,
        record.id,
        status="cleared",
        ended_on="2026-11-20",
    )
    # Meanwhile the worker, offline, writes the measures taken.
    worker.edit(EntityKind.PROGRAM_RECORD, record.id, measures="落实医疗救助，家庭医生签约")
    assert township.sync().ok
    assert worker.sync().ok

    merged = worker.get(EntityKind.PROGRAM_RECORD, record.id)
    assert (merged.status, merged.ended_on, merged.measures) == (
        MonitorStatus.CLEARED,
        date(2026, 11, 20),
        "落实医疗救助，家庭医生签约",
    )
    assert township.sync().ok
    assert township.get(EntityKind.PROGRAM_RECORD, record.id) == merged

    ledger = build_report(
        worker.store,
        ReportKind.MONITORING_LEDGER,
        world.areas["G1"],
        Period(date(2026, 1, 1), date(2026, 12, 31)),
        role=Role.WORKER,
    )
    [row] = ledger.rows
    assert row[1:4] == ("刘长海", "幸福社区第一网格", "幸福路8号")
    assert row[5:10] == (
        "因病",
        "2026-03-02",
        "落实医疗救助，家庭医生签约",
        "风险已消除",
        "2026-11-20",
    )
    assert ledger.summary[0] == "本期监测 1 户：新识别 1 户，风险消除 1 户，期末仍在监测 0 户。"
