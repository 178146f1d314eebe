"""The rules of a program record (帮扶记录) and how the household's tags follow its
records (gridcore.domain.programs)."""

from __future__ import annotations

from datetime import date

import pytest

from gridcore.domain.entities import ProgramRecord
from gridcore.domain.enums import HouseholdTag, MonitorStatus, Program, RiskType
from gridcore.domain.programs import record_problems, tags_after

H = HouseholdTag


def monitored(**values: object) -> ProgramRecord:
    base: dict[str, object] = {
        "household_id": "h1",
        "program": Program.MONITORED,
        "started_on": date(2026, 3, 2),
        "status": MonitorStatus.IDENTIFIED,
        "risk_type": RiskType.ILLNESS,
    }
    base.update(values)
    return ProgramRecord(**base)  # type: ignore[arg-type]


def problems(record: ProgramRecord) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in record_problems(record)]


def test_a_fresh_identification_and_a_cleared_record_pass() -> None:
    assert problems(monitored()) == []
    cleared = monitored(
        status=MonitorStatus.CLEARED, ended_on=date(2026, 11, 20), measures="医疗救助"
    )
    assert problems(cleared) == []
    assert not cleared.open and monitored().open


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"risk_type": None}, "risk_type", "防返贫监测记录须填写风险类型"),
        ({"status": None}, "status", "防返贫监测记录须填写监测状态"),
        ({"status": MonitorStatus.CLEARED}, "ended_on", "“风险已消除”时须填写消除或终止日期"),
        ({"status": MonitorStatus.RELAPSED}, "ended_on", "“返贫致贫”时须填写"),
        ({"ended_on": date(2026, 9, 1)}, "status", "状态须为“风险已消除”或“返贫致贫”"),
        ({"status": MonitorStatus.ASSISTING}, "measures", "“帮扶中”时须填写帮扶措施"),
        (
            {"status": MonitorStatus.CLEARED, "ended_on": date(2026, 3, 1)},
            "ended_on",
            "消除或终止日期（2026-03-01）不能早于识别或批准日期（2026-03-02）",
        ),
    ],
)
def test_monitoring_rules(values: dict[str, object], field: str, words: str) -> None:
    found = problems(monitored(**values))
    assert found and found[0][0] == field
    assert words in found[0][1]


def test_other_programs_carry_no_status_or_risk_type() -> None:
    record = monitored(program=Program.MINIMUM_LIVING, status=None, risk_type=None, amount=560)
    assert problems(record) == []
    assert problems(monitored(program=Program.MINIMUM_LIVING, risk_type=None)) == [
        ("status", "低保记录没有监测状态，只有防返贫监测有")
    ]
    assert problems(monitored(program=Program.SPECIAL_CARE, status=None))[0][0] == "risk_type"
    ended = monitored(
        program=Program.MINIMUM_LIVING, status=None, risk_type=None, ended_on=date(2026, 9, 30)
    )
    assert problems(ended) == [] and not ended.open


def test_an_open_record_sets_its_tag_and_closing_the_last_removes_it() -> None:
    low = monitored(program=Program.MINIMUM_LIVING, status=None, risk_type=None)
    assert tags_after(frozenset(), low, []) == {H.MINIMUM_LIVING}
    stopped = monitored(
        id=low.id,
        program=Program.MINIMUM_LIVING,
        status=None,
        risk_type=None,
        ended_on=date(2026, 9, 30),
    )
    tags = frozenset({H.MINIMUM_LIVING, H.PARTY_CENTRAL})
    assert tags_after(tags, stopped, [low]) == {H.PARTY_CENTRAL}
    # Another open 低保 record of the household keeps the tag.
    other = monitored(program=Program.MINIMUM_LIVING, status=None, risk_type=None)
    assert tags_after(tags, stopped, [low, other]) == tags


def test_monitoring_sets_one_kind_and_clearing_removes_it() -> None:
    record = monitored()
    assert tags_after(frozenset(), record, []) == {H.MONITOR_MARGINAL}
    assert tags_after(frozenset({H.MONITOR_UNSTABLE}), record, []) == {H.MONITOR_UNSTABLE}
    chosen = tags_after(frozenset({H.MONITOR_UNSTABLE}), record, [], H.MONITOR_SUDDEN_HARDSHIP)
    assert chosen == {H.MONITOR_SUDDEN_HARDSHIP}
    cleared = monitored(id=record.id, status=MonitorStatus.CLEARED, ended_on=date(2026, 11, 20))
    assert tags_after(frozenset({H.MONITOR_SUDDEN_HARDSHIP}), cleared, [record]) == set()


def test_special_care_has_no_household_tag() -> None:
    record = monitored(program=Program.SPECIAL_CARE, status=None, risk_type=None)
    assert tags_after(frozenset({H.GRID_CORE}), record, []) == {H.GRID_CORE}
