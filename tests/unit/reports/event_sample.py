"""A small hand-built township for the event figures of issue #15. Every expected figure
in ``test_event_figures`` was counted by hand from the plan written out below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gridclient.reports.data import Period
from gridcore.demo.generator import Dataset, DemoUser, load_catalog
from gridcore.domain.catalog import stamp_terms
from gridcore.domain.entities import CST, Area, Event, EventAction, Mediation, MediationSession
from gridcore.domain.enums import (
    AreaLevel,
    EventActionKind,
    MediationAgreement,
    MediationOutcome,
    Role,
    Satisfaction,
    Urgency,
)

NOW = datetime(2026, 10, 3, 9, 0, tzinfo=CST)
PERIOD = Period(date(2026, 9, 1), date(2026, 9, 30))
TOWNSHIP = "369900100000"

A = EventActionKind
W, T = Role.WORKER, Role.TOWNSHIP


def day(month: int, d: int, hour: int = 10) -> datetime:
    return datetime(2026, month, d, hour, tzinfo=CST)


@dataclass(frozen=True)
class EventSample:
    dataset: Dataset
    events: dict[str, Event]


# name: grid, category, urgency, reported, number, steps (kind, role, when, comment,
# assignee), satisfaction. What each stands for (NOW = 3 Oct):
#  e1 邻里纠纷 self-resolved, evaluated 满意                   办结 on time, 自处置
#  e2 邻里纠纷 dispatched to 司法所, closed on day 10 of 15, 基本满意, 回访
#  e3 消防安全隐患 (7 days) closed on 12 Sept, reported 1 Sept: 超期办结, 不满意 after
#     two rework rounds (返工) the same evening
#  e4 基础设施建设建议 returned (已退回), 15 working days, due 16 Oct: not overdue
#  e5 基础设施建设建议, 紧急 (not listed → 3 working days, due 30 Sept after 中秋):
#     accepted, 督办, 超期未办结
#  e6 邻里纠纷 voided as 重复上报
#  e7 邻里纠纷 reported 30 Sept, accepted: 办理中 in time; not yet on the server (待编号)
#  e8 环境卫生 self-resolved, not evaluated
PLAN: list[tuple[str, str, str, Urgency, datetime, str, list[tuple], Satisfaction | None]] = [
    ("e1", "g1", "01001", Urgency.NORMAL, day(9, 3), "2026-100-00002",
     [(A.SELF_RESOLVE, W, day(9, 3), "当场调解", ""), (A.EVALUATE, W, day(9, 4), "", "")],
     Satisfaction.SATISFIED),
    ("e2", "g1", "01001", Urgency.NORMAL, day(9, 5), "2026-100-00003",
     [(A.REPORT, W, day(9, 5), "", ""), (A.ACCEPT, T, day(9, 5, 11), "", ""),
      (A.DISPATCH, T, day(9, 5, 12), "", "司法所"), (A.FEEDBACK, W, day(9, 13), "已调解", ""),
      (A.VERIFY, W, day(9, 14), "", ""), (A.CLOSE, T, day(9, 15), "", ""),
      (A.EVALUATE, W, day(9, 16), "", ""), (A.RETURN_VISIT, W, day(9, 20), "", "")],
     Satisfaction.BASICALLY_SATISFIED),
    ("e3", "g2", "02001", Urgency.NORMAL, day(9, 1), "2026-100-00001",
     [(A.REPORT, W, day(9, 1), "", ""), (A.ACCEPT, T, day(9, 1, 11), "", ""),
      (A.DISPATCH, T, day(9, 1, 12), "", "grid"), (A.FEEDBACK, W, day(9, 11), "已整改", ""),
      (A.VERIFY, W, day(9, 12), "", ""), (A.CLOSE, T, day(9, 12, 15), "", ""),
      # 不满意 twice, re-handled twice (返工), closed with a note, still 不满意: final.
      (A.EVALUATE, W, day(9, 12, 16), "", ""), (A.FEEDBACK, W, day(9, 12, 17), "已整改", ""),
      (A.VERIFY, W, day(9, 12, 18), "", ""), (A.CLOSE, T, day(9, 12, 19), "", ""),
      (A.EVALUATE, W, day(9, 12, 20), "", ""), (A.FEEDBACK, W, day(9, 12, 21), "已整改", ""),
      (A.VERIFY, W, day(9, 12, 22), "", ""),
      (A.CLOSE, T, day(9, 12, 23), "已两次返工，按现状结案", ""),
      (A.EVALUATE, W, day(9, 13), "", "")],
     Satisfaction.UNSATISFIED),
    ("e4", "g2", "05001", Urgency.NORMAL, day(9, 20), "2026-100-00004",
     [(A.REPORT, W, day(9, 20), "", ""), (A.RETURN, T, day(9, 21), "请补充位置", "")], None),
    ("e5", "g3", "05001", Urgency.URGENT, day(9, 25), "2026-100-00005",
     [(A.REPORT, W, day(9, 25), "", ""), (A.ACCEPT, T, day(9, 25, 11), "", ""),
      (A.SUPERVISE, T, day(9, 29), "请尽快办理", "")], None),
    ("e6", "g3", "01001", Urgency.NORMAL, day(9, 28, 14), "2026-100-00006",
     [(A.REPORT, W, day(9, 28, 14), "", ""), (A.VOID, T, day(9, 29), "重复上报", "")], None),
    ("e7", "g1", "01001", Urgency.NORMAL, day(9, 30, 23), "",
     [(A.REPORT, W, day(9, 30, 23), "", ""), (A.ACCEPT, T, day(10, 1), "", "")], None),
    ("e8", "g3", "04001", Urgency.NORMAL, day(9, 15), "2026-100-00007",
     [(A.SELF_RESOLVE, W, day(9, 15), "清理垃圾", "")], None),
    # Outside the period or the township: never counted.
    ("late", "g1", "01001", Urgency.NORMAL, day(10, 1), "2026-100-00008",
     [(A.SELF_RESOLVE, W, day(10, 1), "", "")], None),
]  # fmt: skip


def build_event_sample() -> EventSample:
    catalog = load_catalog()
    county = Area(code="369900000000", name="测试县", level=AreaLevel.COUNTY)
    town = Area(code=TOWNSHIP, name="和平镇", level=AreaLevel.TOWNSHIP, parent_id=county.id)
    v1 = Area(code="369900100200", name="东村", level=AreaLevel.VILLAGE, parent_id=town.id)
    v2 = Area(code="369900100201", name="南村", level=AreaLevel.VILLAGE, parent_id=town.id)
    grid = AreaLevel.GRID
    grids = {
        "g1": Area(code="369900100200001", name="东村第一网格", level=grid, parent_id=v1.id),
        "g2": Area(code="369900100200002", name="东村第二网格", level=grid, parent_id=v1.id),
        "g3": Area(code="369900100201001", name="南村第一网格", level=grid, parent_id=v2.id),
    }
    events: dict[str, Event] = {}
    actions: list[EventAction] = []
    for name, where, code, urgency, reported, number, steps, satisfaction in PLAN:
        category = catalog.get(code)
        event = stamp_terms(
            Event(
                grid_id=grids[where].id,
                category_code=code,
                ledger=category.ledger,
                urgency=urgency,
                title=f"{name} {category.name}",
                reporter="worker01",
                reported_at=reported,
                number=number,
            ),
            catalog,
        )
        events[name] = event
        for kind, role, when, comment, assignee in steps:
            actions.append(
                EventAction(
                    event_id=event.id,
                    kind=kind,
                    actor="worker01" if role is W else "township01",
                    actor_role=role,
                    at=when,
                    server_at=when + timedelta(seconds=1),
                    comment=comment,
                    assignee=assignee,
                    satisfaction=satisfaction if kind is A.EVALUATE else None,
                )
            )
    users = [
        DemoUser("worker01", "x", Role.WORKER, grids["g1"].code, "何子健"),
        DemoUser("township01", "x", Role.TOWNSHIP, TOWNSHIP, "林晓梅"),
    ]
    # 调解 (调处成功率): e1 成功; e2 不成 then 成功; e7 进行中; "late" (October, outside
    # the period) 成功. In the period: 4 records, 2 成功 of 3 concluded, all in g1.
    M = MediationOutcome

    def mediation(event: str, started: date, outcome: MediationOutcome) -> Mediation:
        done = outcome is M.SUCCESS
        return Mediation(
            event_id=events[event].id,
            started_on=started,
            mediator="李桂兰",
            parties="甲、乙",
            sessions=(MediationSession(on=started),) if done else (),
            agreement="互相谅解" if done else "",
            agreement_kind=MediationAgreement.ORAL if done else MediationAgreement.NONE,
            outcome=outcome,
        )

    mediations = [
        mediation("e1", date(2026, 9, 3), M.SUCCESS),
        mediation("e2", date(2026, 9, 6), M.FAILED),
        mediation("e2", date(2026, 9, 9), M.SUCCESS),
        mediation("e7", date(2026, 9, 30), M.IN_PROGRESS),
        mediation("late", date(2026, 10, 2), M.SUCCESS),
    ]
    dataset = Dataset(
        catalog=catalog,
        areas=[county, town, v1, v2, *grids.values()],
        events=list(events.values()),
        event_actions=actions,
        mediations=mediations,
        users=users,
    )
    return EventSample(dataset, events)
