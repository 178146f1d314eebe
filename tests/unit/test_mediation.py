"""调解记录: the rules the form, the laptop's unit of work and the server share, and
调处成功率."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from gridcore.domain import limits
from gridcore.domain.catalog import EventCatalog
from gridcore.domain.entities import CST, Event, Mediation, MediationSession
from gridcore.domain.enums import (
    EntityKind,
    Ledger,
    MediationAgreement,
    MediationOutcome,
    Urgency,
)
from gridcore.domain.mediation import (
    MAX_SESSIONS,
    event_problem,
    is_dispute,
    mediation_problems,
    success_rate,
)

CATALOG = EventCatalog.from_json(
    {
        "version": "t",
        "categories": [
            {
                "code": "JF01",
                "name": "邻里纠纷",
                "group": "dispute",
                "ledger": "appeal",
                "time_limits": {"normal": 15},
            },
            {
                "code": "YH01",
                "name": "消防安全隐患",
                "group": "hazard",
                "ledger": "complaint",
                "time_limits": {"normal": 3},
            },
        ],
    }
)


def _event(code: str) -> Event:
    return Event(
        grid_id="g1",
        category_code=code,
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title="t",
        reporter="w",
        reported_at=datetime(2026, 5, 1, 9, 0, tzinfo=CST),
    )


def _good(**changes: object) -> Mediation:
    record = Mediation(
        event_id="e1",
        started_on=date(2026, 5, 2),
        mediator="李桂兰",
        parties="张某、王某",
        sessions=(MediationSession(on=date(2026, 5, 2), place="村委会"),),
        agreement="王某赔偿 800 元",
        agreement_kind=MediationAgreement.WRITTEN,
        outcome=MediationOutcome.SUCCESS,
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def test_a_complete_record_has_no_problem() -> None:
    assert mediation_problems(_good()) == []
    assert mediation_problems(_good(mediator="", committee="和平村人民调解委员会")) == []
    in_progress = _good(
        sessions=(), agreement="", agreement_kind=MediationAgreement.NONE,
        outcome=MediationOutcome.IN_PROGRESS,
    )  # fmt: skip
    assert mediation_problems(in_progress) == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"mediator": " ", "committee": ""}, "mediator", "调解员或调解组织"),
        ({"parties": ""}, "parties", "当事人"),
        (
            {"sessions": (MediationSession(on=date(2026, 5, 1)),)},
            "sessions",
            "第1次调解的日期（2026-05-01）早于开始调解日期",
        ),
        (
            {"agreement_kind": MediationAgreement.NONE, "agreement": ""},
            "agreement_kind",
            "协议形式",
        ),
        ({"agreement": ""}, "agreement", "已选择书面协议，请填写协议内容"),
        ({"sessions": ()}, "sessions", "至少有一次调解经过"),
        (
            {"sessions": (MediationSession(on=date(2026, 5, 3)),) * (MAX_SESSIONS + 1)},
            "sessions",
            f"最多记录 {MAX_SESSIONS} 次",
        ),
    ],
)
def test_problems_name_the_field_in_chinese(
    changes: dict[str, object], field: str, words: str
) -> None:
    problems = mediation_problems(_good(**changes))
    assert problems and problems[0].field == field
    assert words in problems[0].message


def test_only_a_dispute_event_takes_a_mediation() -> None:
    assert is_dispute(_event("JF01"), CATALOG)
    assert event_problem(_event("JF01"), CATALOG) is None
    problem = event_problem(_event("YH01"), CATALOG)
    assert problem is not None and problem.field == "event_id"
    assert (
        problem.message
        == "只有矛盾纠纷类事件可以登记调解记录（该事件的类别“消防安全隐患”属于安全隐患）"
    )
    unknown = event_problem(_event("XX99"), CATALOG)
    assert unknown is not None and "不在事项清单中" in unknown.message
    # No catalog at all (a server that has none loaded) judges no category.
    assert event_problem(_event("XX99"), EventCatalog()) is None


def test_session_text_is_checked_like_any_field() -> None:
    bad = _good(sessions=(MediationSession(on=date(2026, 5, 2), place="村委会\x00"),))
    with pytest.raises(limits.InvalidValue) as caught:
        limits.check_record(bad)
    assert caught.value.field == "sessions" and "调解经过" in caught.value.message
    assert limits.field_label("follow_up", EntityKind.MEDIATION) == "回访情况"


def test_success_rate_counts_concluded_mediations_only() -> None:
    M = MediationOutcome
    rate = success_rate([M.SUCCESS, M.SUCCESS, M.SUCCESS, M.FAILED, M.IN_PROGRESS, M.REFERRED])
    assert (rate.success, rate.failed, rate.in_progress, rate.referred) == (3, 1, 1, 1)
    assert rate.concluded == 4 and rate.total == 6
    assert rate.rate == 0.75 and rate.text() == "75.0%"
    assert success_rate([M.IN_PROGRESS]).text() == "—"
    assert success_rate([]).rate is None


def test_mediation_is_gated_for_clients_before_0_5() -> None:
    from gridcore.protocol import KIND_SINCE, kinds_unknown_to

    assert KIND_SINCE[EntityKind.MEDIATION] == (0, 5)
    assert EntityKind.MEDIATION in kinds_unknown_to((0, 4))
    assert EntityKind.MEDIATION not in kinds_unknown_to((0, 5))
