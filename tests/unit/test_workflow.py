"""The event state machine: every transition per role, derived state, deadlines, overdue."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from gridcore.domain.catalog import EventCatalog, EventCategory, deadline_after
from gridcore.domain.entities import CST, Event, EventAction
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventGroup, EventSource, Ledger, Role, Satisfaction, Urgency
from gridcore.domain.enums import EventState as S
from gridcore.domain.workflow import (
    CREATING_ACTIONS,
    MAX_REWORK_ROUNDS,
    IllegalTransition,
    Progress,
    allowed_actions,
    check_action,
    derive_state,
    event_status,
    fold,
    next_state,
)

W, T, AD, D = Role.WORKER, Role.TOWNSHIP, Role.ADMIN, Role.DEPARTMENT

# The specification, written out independently of the implementation's table:
# (state before, action) -> (state after, roles allowed).
LEGAL: dict[tuple[S | None, A], tuple[S, frozenset[Role]]] = {}


def _legal(sources: list[S | None], action: A, target: S | None, roles: set[Role]) -> None:
    for source in sources:
        after = source if target is None else target
        assert after is not None
        LEGAL[source, action] = (after, frozenset(roles))


_legal([None], A.REPORT, S.REPORTED, {W, T, AD})  # township intake (热线, 来访 …)
_legal([None], A.SELF_RESOLVE, S.SELF_RESOLVED, {W})
_legal([S.REPORTED], A.ACCEPT, S.ACCEPTED, {T, AD})
_legal([S.REPORTED, S.ACCEPTED], A.RETURN, S.RETURNED, {T, AD})
_legal([S.RETURNED], A.RESUBMIT, S.REPORTED, {W})
_legal([S.REPORTED, S.ACCEPTED, S.RETURNED, S.HANDED_BACK], A.VOID, S.VOIDED, {T, AD})
_legal([S.ACCEPTED, S.REWORK], A.DISPATCH, S.DISPATCHED, {T, AD})
_legal([S.DISPATCHED, S.HANDLING, S.HANDED_BACK], A.REDISPATCH, S.DISPATCHED, {T, AD})
_legal([S.DISPATCHED, S.HANDLING], A.HAND_BACK, S.HANDED_BACK, {W, T, AD, D})
_legal([S.DISPATCHED, S.REWORK], A.HANDLE, S.HANDLING, {W, T, AD, D})
_legal([S.DISPATCHED, S.HANDLING, S.REWORK], A.FEEDBACK, S.HANDLED, {W, T, AD, D})
_legal([S.HANDLED], A.VERIFY, S.VERIFIED, {W})
_legal([S.HANDLED], A.REWORK, S.REWORK, {W})
_legal([S.VERIFIED], A.CLOSE, S.CLOSED, {T, AD})
_legal([S.CLOSED, S.SELF_RESOLVED], A.EVALUATE, S.EVALUATED, {W})
_legal([S.CLOSED, S.SELF_RESOLVED, S.EVALUATED], A.RETURN_VISIT, None, {W})
_legal([s for s in S if s.is_open], A.SUPERVISE, None, {T, AD})
_legal([s for s in S if s.is_open], A.SECRETARY_REVIEW, None, {T, AD})
_legal(
    [s for s in S if s.is_open and s not in (S.REPORTED, S.RETURNED)],
    A.NOTIFY_ACCEPTANCE,
    None,
    {T, AD},
)
_legal([S.DISPATCHED, S.HANDLING, S.REWORK], A.REQUEST_EXTENSION, None, {W, T, AD, D})
# Approving or refusing needs a pending request: legal by state and role, refused with
# reason "extension" when none is pending (see the tests below).
_legal([s for s in S if s.is_open], A.APPROVE_EXTENSION, None, {T, AD})
_legal([s for s in S if s.is_open], A.REFUSE_EXTENSION, None, {T, AD})
_legal(list(S), A.COMMENT, None, {W, T, AD, D})

STATES: list[S | None] = [None, *S]
NEEDS_PENDING = {A.APPROVE_EXTENSION, A.REFUSE_EXTENSION}
D1 = date(2026, 4, 1)


@pytest.mark.parametrize(
    ("state", "action", "role"),
    list(itertools.product(STATES, list(A), list(Role))),
    ids=lambda v: "new" if v is None else str(v),
)
def test_every_transition_per_role(state: S | None, action: A, role: Role) -> None:
    satisfaction = Satisfaction.SATISFIED if action is A.EVALUATE else None
    expected = LEGAL.get((state, action))
    # The handler of the event: department "sfs" for a department account, else the grid.
    assignee = "sfs" if role is D else "grid"

    def offered(progress: Progress) -> list[A]:
        return allowed_actions(
            dataclasses.replace(progress, assignee=assignee), role, department="sfs"
        )

    if role is D and state is S.HANDED_BACK:
        # Handed back: the department waits like everyone else for the township.
        assert offered(Progress(state)) == []
    elif expected is not None and role in expected[1] and action in NEEDS_PENDING:
        with pytest.raises(IllegalTransition) as info:
            next_state(state, action, role)
        assert info.value.reason == "extension"
        assert action not in offered(Progress(state))
        assert action in offered(Progress(state, extension_asked=D1))
    elif expected is not None and role in expected[1]:
        assert next_state(state, action, role, satisfaction=satisfaction) is expected[0]
        assert action in offered(Progress(state))
    else:
        with pytest.raises(IllegalTransition) as info:
            next_state(state, action, role, satisfaction=satisfaction)
        assert info.value.reason in {"role", "state"}
        assert str(info.value)  # a Chinese message for the person
        assert action not in offered(Progress(state))


def test_role_error_says_who_may() -> None:
    with pytest.raises(IllegalTransition) as info:
        next_state(S.VERIFIED, A.CLOSE, W)
    assert info.value.reason == "role"
    assert "结案" in str(info.value) and "乡镇" in str(info.value)


def test_state_error_names_the_state() -> None:
    with pytest.raises(IllegalTransition) as info:
        next_state(S.CLOSED, A.ACCEPT, T)
    assert info.value.reason == "state"
    assert "已结案" in str(info.value)


def test_evaluate_needs_satisfaction() -> None:
    with pytest.raises(IllegalTransition) as info:
        next_state(S.CLOSED, A.EVALUATE, W)
    assert info.value.reason == "satisfaction"


def test_creating_actions() -> None:
    assert {A.REPORT, A.SELF_RESOLVE} == CREATING_ACTIONS


T0 = datetime(2026, 3, 2, 9, 30, tzinfo=CST)


def _actions(*steps: tuple[A, Role], start: datetime = T0) -> list[EventAction]:
    out = []
    for i, (kind, role) in enumerate(steps):
        out.append(
            EventAction(
                event_id="e1",
                kind=kind,
                actor="someone",
                actor_role=role,
                at=start + timedelta(hours=i),
                satisfaction=Satisfaction.BASICALLY_SATISFIED if kind is A.EVALUATE else None,
            )
        )
    return out


FULL_LOOP = [
    (A.REPORT, W),
    (A.ACCEPT, T),
    (A.DISPATCH, T),
    (A.HANDLE, W),
    (A.FEEDBACK, W),
    (A.REWORK, W),
    (A.FEEDBACK, T),
    (A.VERIFY, W),
    (A.CLOSE, T),
    (A.EVALUATE, W),
    (A.RETURN_VISIT, W),
]


def test_derived_state_of_the_closed_loop() -> None:
    expected = [
        S.REPORTED,
        S.ACCEPTED,
        S.DISPATCHED,
        S.HANDLING,
        S.HANDLED,
        S.REWORK,
        S.HANDLED,
        S.VERIFIED,
        S.CLOSED,
        S.EVALUATED,
        S.EVALUATED,
    ]
    actions = _actions(*FULL_LOOP)
    for n, state in enumerate(expected, start=1):
        assert derive_state(actions[:n]) is state


def test_derived_state_orders_by_server_clock_then_device_clock() -> None:
    actions = _actions((A.REPORT, W), (A.ACCEPT, T))
    shuffled = [actions[1], actions[0]]
    assert derive_state(shuffled) is S.ACCEPTED
    # The server's order wins over a device clock that is wrong.
    actions[0].at = T0 + timedelta(days=3)
    actions[0].server_at = T0
    actions[1].server_at = T0 + timedelta(minutes=1)
    assert derive_state(actions) is S.ACCEPTED


def test_deleted_actions_do_not_count() -> None:
    actions = _actions((A.REPORT, W), (A.ACCEPT, T))
    actions[1].deleted = True
    assert derive_state(actions) is S.REPORTED


def test_impossible_history_is_refused() -> None:
    accepted = _actions((A.REPORT, W), (A.CLOSE, T))
    for n, action in enumerate(accepted):
        action.server_at = T0 + timedelta(minutes=n)
    with pytest.raises(IllegalTransition):
        derive_state(accepted)
    with pytest.raises(IllegalTransition):
        derive_state([])


def test_an_unsent_step_that_no_longer_fits_is_passed_over_not_a_jam() -> None:
    """Two township laptops accept the same event offline: the server takes the first,
    refuses the second; until its op is parked, the second laptop still holds its own
    ACCEPT after the server's, and the event must not jam there."""
    mine, theirs = _actions((A.REPORT, W), (A.ACCEPT, T))[1], _actions((A.ACCEPT, T))[0]
    report = _actions((A.REPORT, W))[0]
    report.server_at, theirs.server_at = T0, T0 + timedelta(minutes=5)
    mine.at = T0 + timedelta(minutes=1)  # taken earlier, but the server took theirs
    assert derive_state([report, mine, theirs]) is S.ACCEPTED
    status = event_status(_event(Urgency.NORMAL), [report, mine, theirs], CATALOG, T0)
    assert status.state is S.ACCEPTED


def test_a_step_taken_offline_counts_from_when_it_happened() -> None:
    """Closed offline before the deadline, synced after it: closed in time."""
    event = _event(Urgency.URGENT)
    steps = _actions(*FULL_LOOP[:9])
    deadline = event_status(event, steps[:1], CATALOG, T0).deadline
    steps[-1].at = deadline - timedelta(hours=1)
    for n, action in enumerate(steps):
        action.server_at = min(action.at, deadline) + timedelta(seconds=n)
    steps[-1].server_at = deadline + timedelta(hours=2)  # the sync came late
    status = event_status(event, steps, CATALOG, deadline + timedelta(days=1))
    assert status.state is S.CLOSED and not status.overdue
    assert status.finished_at == deadline - timedelta(hours=1)


CATEGORY = EventCategory(
    code="JF01",
    name="邻里纠纷",
    group=EventGroup.DISPUTE,
    ledger=Ledger.APPEAL,
    time_limits={Urgency.CRITICAL: 0, Urgency.URGENT: 3, Urgency.NORMAL: 15},
)
CATALOG = EventCatalog.of([CATEGORY])


def _event(urgency: Urgency, reported_at: datetime = T0) -> Event:
    return Event(
        id="e1",
        grid_id="g1",
        category_code="JF01",
        ledger=Ledger.APPEAL,
        urgency=urgency,
        title="两户因宅基地边界发生争执",
        reporter="worker01",
        reported_at=reported_at,
    )


def test_deadline_is_end_of_the_nth_day_in_china_time() -> None:
    assert CATEGORY.deadline(Urgency.CRITICAL, T0) == datetime(
        2026, 3, 2, 23, 59, 59, 999999, tzinfo=CST
    )
    assert CATEGORY.deadline(Urgency.URGENT, T0).date().isoformat() == "2026-03-05"
    # 20:00 UTC is already the next day in Beijing.
    late = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert deadline_after(late, 0).date().isoformat() == "2026-03-03"


def test_deadline_rejects_naive_times_and_negative_limits() -> None:
    with pytest.raises(ValueError):
        deadline_after(datetime(2026, 3, 2), 1)
    with pytest.raises(ValueError):
        deadline_after(T0, -1)


def test_missing_urgency_falls_back_to_the_default_bounded_by_listed_levels() -> None:
    category = EventCategory(
        code="X",
        name="x",
        group=EventGroup.SERVICE,
        ledger=Ledger.SUGGESTION,
        time_limits={Urgency.NORMAL: 7, Urgency.URGENT: 2},
    )
    # 特急 not listed: the default (same day), never longer than 紧急's 2 days.
    assert category.limit_days(Urgency.CRITICAL) == 0


def test_open_event_becomes_overdue_after_the_deadline() -> None:
    event = _event(Urgency.URGENT)
    actions = _actions((A.REPORT, W), (A.ACCEPT, T))
    deadline = CATEGORY.deadline(Urgency.URGENT, T0)
    before = event_status(event, actions, CATALOG, deadline)
    after = event_status(event, actions, CATALOG, deadline + timedelta(seconds=1))
    assert before.is_open and not before.overdue
    assert after.overdue and after.finished_at is None


def test_closed_on_time_and_late() -> None:
    event = _event(Urgency.URGENT)
    on_time = _actions(*FULL_LOOP[:9])
    status = event_status(event, on_time, CATALOG, T0 + timedelta(days=60))
    assert status.state is S.CLOSED and not status.overdue
    assert status.finished_at == on_time[-1].at

    late = _actions(*FULL_LOOP[:9], start=T0 + timedelta(days=5))
    late[0].at = T0
    assert event_status(event, late, CATALOG, T0 + timedelta(days=60)).overdue


def test_voided_events_are_never_overdue() -> None:
    actions = _actions((A.REPORT, W), (A.VOID, T), start=T0 + timedelta(days=30))
    status = event_status(_event(Urgency.CRITICAL), actions, CATALOG, T0 + timedelta(days=60))
    assert status.state is S.VOIDED and not status.overdue and not status.is_open


def test_status_reports_satisfaction_and_supervision() -> None:
    actions = _actions((A.REPORT, W), (A.SUPERVISE, T))
    status = event_status(_event(Urgency.NORMAL), actions, CATALOG, T0)
    assert status.supervised and status.satisfaction is None
    done = _actions(*FULL_LOOP)
    status = event_status(_event(Urgency.NORMAL), done, CATALOG, T0 + timedelta(days=1))
    assert status.satisfaction is Satisfaction.BASICALLY_SATISFIED
    assert status.state is S.EVALUATED and not status.overdue


def test_self_resolved_counts_as_finished_at_once() -> None:
    actions = _actions((A.SELF_RESOLVE, W))
    status = event_status(_event(Urgency.CRITICAL), actions, CATALOG, T0 + timedelta(days=9))
    assert status.state is S.SELF_RESOLVED and status.finished_at == T0 and not status.overdue


# ---------------------------------------------------------------- the loop as practiced


def _step(
    kind: A,
    role: Role,
    at: datetime,
    *,
    comment: str = "",
    assignee: str = "",
    satisfaction: Satisfaction | None = None,
    deadline: date | None = None,
) -> EventAction:
    return EventAction(
        event_id="e1",
        kind=kind,
        actor="someone",
        actor_role=role,
        at=at,
        comment=comment,
        assignee=assignee,
        satisfaction=satisfaction,
        deadline=deadline,
    )


def _dispatched(assignee: str = "司法所") -> list[EventAction]:
    return [
        _step(A.REPORT, W, T0),
        _step(A.ACCEPT, T, T0 + timedelta(hours=1)),
        _step(A.DISPATCH, T, T0 + timedelta(hours=2), assignee=assignee),
    ]


def _closed(start: list[EventAction], hours: int) -> list[EventAction]:
    at = T0 + timedelta(hours=hours)
    return [
        *start,
        _step(A.FEEDBACK, W, at, comment="已处理"),
        _step(A.VERIFY, W, at + timedelta(minutes=10)),
        _step(A.CLOSE, T, at + timedelta(minutes=20)),
    ]


def test_hand_back_needs_a_reason_and_waits_for_a_redispatch() -> None:
    history = _dispatched("grid")
    event = _event(Urgency.NORMAL)
    back = _step(A.HAND_BACK, W, T0 + timedelta(hours=3))
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, back, CATALOG)
    assert info.value.reason == "comment" and "原因" in str(info.value)
    back.comment = "不属于本单位职责，应由派出所处理"
    assert check_action(event, history, back, CATALOG).state is S.HANDED_BACK
    history.append(back)
    status = event_status(event, history, CATALOG, T0 + timedelta(hours=4))
    assert status.state is S.HANDED_BACK and status.is_open
    offered = allowed_actions(S.HANDED_BACK, T)
    assert offered == [
        A.VOID,
        A.REDISPATCH,
        A.SECRETARY_REVIEW,
        A.NOTIFY_ACCEPTANCE,
        A.SUPERVISE,
        A.COMMENT,
    ]
    assert A.HANDLE not in allowed_actions(S.HANDED_BACK, W)
    again = _step(A.REDISPATCH, T, T0 + timedelta(hours=5), assignee="派出所")
    history.append(again)
    status = event_status(event, history, CATALOG, T0 + timedelta(hours=6))
    assert status.state is S.DISPATCHED and status.assignee == "派出所"


def test_redispatch_needs_another_target_and_keeps_the_old_one_in_history() -> None:
    history = _dispatched("司法所")
    event = _event(Urgency.NORMAL)
    same = _step(A.REDISPATCH, T, T0 + timedelta(hours=3), assignee="司法所")
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, same, CATALOG)
    assert info.value.reason == "assignee"
    with pytest.raises(IllegalTransition):
        check_action(event, history, _step(A.REDISPATCH, T, T0 + timedelta(hours=3)), CATALOG)
    with pytest.raises(IllegalTransition) as info:  # a worker cannot re-dispatch
        check_action(event, history, _step(A.REDISPATCH, W, T0, assignee="x"), CATALOG)
    assert info.value.reason == "role"
    history.append(_step(A.REDISPATCH, T, T0 + timedelta(hours=3), assignee="城管中队"))
    assert fold(history).assignee == "城管中队"
    assert [a.assignee for a in history if a.assignee] == ["司法所", "城管中队"]
    assert derive_state(history) is S.DISPATCHED


def test_unsatisfied_reopens_for_rework_until_the_limit() -> None:
    assert MAX_REWORK_ROUNDS == 2
    event = _event(Urgency.NORMAL)
    history = _closed(_dispatched(), 10)
    for round_ in range(1, MAX_REWORK_ROUNDS + 1):
        at = T0 + timedelta(days=round_)
        history.append(_step(A.EVALUATE, W, at, satisfaction=Satisfaction.UNSATISFIED))
        status = event_status(event, history, CATALOG, at + timedelta(minutes=1))
        # Reopened: not 办结, no final satisfaction, no finish date.
        assert status.state is S.REWORK and status.is_open
        assert status.rework_rounds == round_
        assert status.finished_at is None and status.satisfaction is None
        history = _closed(history, 24 * round_ + 5)
    # Rounds used up: 结案 needs a note; a further 不满意 is final.
    history = history[:-1]
    bare = _step(A.CLOSE, T, T0 + timedelta(days=3))
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, bare, CATALOG)
    assert info.value.reason == "comment" and "返工2轮" in str(info.value)
    bare.comment = "已两次返工，经镇党委研究按现状结案，向群众解释说明"
    history.append(bare)
    final = _step(A.EVALUATE, W, T0 + timedelta(days=4), satisfaction=Satisfaction.UNSATISFIED)
    history.append(final)
    status = event_status(event, history, CATALOG, T0 + timedelta(days=5))
    assert status.state is S.EVALUATED and not status.is_open
    assert status.satisfaction is Satisfaction.UNSATISFIED and status.rework_rounds == 2
    assert status.finished_at == bare.at


def test_unsatisfied_then_satisfied_after_rework() -> None:
    event = _event(Urgency.NORMAL)
    history = _closed(_dispatched(), 10)
    history.append(
        _step(A.EVALUATE, W, T0 + timedelta(days=1), satisfaction=Satisfaction.UNSATISFIED)
    )
    assert A.DISPATCH in allowed_actions(fold(history), T)
    history.append(_step(A.DISPATCH, T, T0 + timedelta(days=1, hours=1), assignee="司法所"))
    history = _closed(history, 30)
    history.append(
        _step(A.EVALUATE, W, T0 + timedelta(days=2), satisfaction=Satisfaction.SATISFIED)
    )
    status = event_status(event, history, CATALOG, T0 + timedelta(days=3))
    assert status.state is S.EVALUATED and status.rework_rounds == 1
    assert status.satisfaction is Satisfaction.SATISFIED


def test_extension_requested_and_approved_moves_the_deadline_keeping_the_original() -> None:
    event = _event(Urgency.URGENT)  # 3 days: due 5 March
    history = _dispatched()
    own = CATEGORY.deadline(Urgency.URGENT, T0)
    ask = _step(A.REQUEST_EXTENSION, W, T0 + timedelta(days=1), comment="需协调两户到场")
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, ask, CATALOG)
    assert info.value.reason == "deadline"
    ask.deadline = own.date()  # not later than the current deadline
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, ask, CATALOG)
    assert info.value.reason == "deadline" and "2026-03-05" in str(info.value)
    ask.deadline = date(2026, 3, 12)
    check_action(event, history, ask, CATALOG)
    history.append(ask)
    # Pending: the township may approve or refuse; no second request meanwhile.
    assert A.APPROVE_EXTENSION in allowed_actions(fold(history), T)
    assert A.REQUEST_EXTENSION not in allowed_actions(fold(history), W)
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, _step(A.APPROVE_EXTENSION, W, T0), CATALOG)
    assert info.value.reason == "role"
    status = event_status(event, history, CATALOG, own + timedelta(hours=1))
    assert status.extension_pending == date(2026, 3, 12) and status.overdue  # not yet approved
    history.append(_step(A.APPROVE_EXTENSION, T, T0 + timedelta(days=2)))
    status = event_status(event, history, CATALOG, own + timedelta(hours=1))
    assert status.deadline == datetime(2026, 3, 12, 23, 59, 59, 999999, tzinfo=CST)
    assert status.original_deadline == own and status.extended
    assert not status.overdue and status.extension_pending is None
    # Finished after the original deadline but within the approved one: 按期.
    history = _closed(history, 24 * 6)
    status = event_status(event, history, CATALOG, T0 + timedelta(days=30))
    assert status.state is S.CLOSED and status.finished_at > own and not status.overdue
    # …and after the approved one: 超期.
    history[-1].at = datetime(2026, 3, 13, 9, tzinfo=CST)
    assert event_status(event, history, CATALOG, T0 + timedelta(days=30)).overdue


def test_extension_refused_needs_a_reason_and_keeps_the_deadline() -> None:
    event = _event(Urgency.URGENT)
    history = [
        *_dispatched(),
        _step(
            A.REQUEST_EXTENSION, W, T0 + timedelta(days=1), comment="x", deadline=date(2026, 3, 9)
        ),
    ]
    no = _step(A.REFUSE_EXTENSION, T, T0 + timedelta(days=1, hours=2))
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, no, CATALOG)
    assert info.value.reason == "comment"
    no.comment = "事项紧急，请按期办结"
    history.append(no)
    status = event_status(event, history, CATALOG, T0)
    assert status.deadline == CATEGORY.deadline(Urgency.URGENT, T0) and not status.extended
    assert status.extension_pending is None
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, _step(A.APPROVE_EXTENSION, T, T0), CATALOG)
    assert info.value.reason == "extension"


def test_annotations_secretary_review_and_acceptance_notice() -> None:
    event = _event(Urgency.NORMAL)
    history = [_step(A.REPORT, W, T0)]
    with pytest.raises(IllegalTransition):  # 受理告知 after 受理
        check_action(event, history, _step(A.NOTIFY_ACCEPTANCE, T, T0), CATALOG)
    with pytest.raises(IllegalTransition) as info:
        check_action(event, history, _step(A.SECRETARY_REVIEW, T, T0), CATALOG)
    assert info.value.reason == "comment"
    history.append(_step(A.SECRETARY_REVIEW, T, T0 + timedelta(hours=1), comment="请尽快办理"))
    history.append(_step(A.ACCEPT, T, T0 + timedelta(hours=2)))
    history.append(_step(A.NOTIFY_ACCEPTANCE, T, T0 + timedelta(hours=3), comment="已电话告知"))
    status = event_status(event, history, CATALOG, T0 + timedelta(hours=4))
    assert status.state is S.ACCEPTED and status.reviewed and status.notified


SERIOUS = EventCategory(
    code="04010",
    name="涉黄赌毒线索举报",
    group=EventGroup.COMPLAINT,
    ledger=Ledger.COMPLAINT,
    time_limits={Urgency.NORMAL: 7},
    self_resolvable=False,
)


def test_self_resolve_only_for_self_resolvable_categories() -> None:
    catalog = EventCatalog.of([CATEGORY, SERIOUS])
    event = _event(Urgency.NORMAL)
    serious = dataclasses.replace(event, category_code="04010")
    resolve = _step(A.SELF_RESOLVE, W, T0, comment="现场处置")
    assert check_action(event, [], resolve, catalog).state is S.SELF_RESOLVED
    with pytest.raises(IllegalTransition) as info:
        check_action(serious, [], resolve, catalog)
    assert info.value.reason == "self_resolve" and "涉黄赌毒线索举报" in str(info.value)
    assert A.SELF_RESOLVE not in allowed_actions(None, W, category=SERIOUS)
    assert A.SELF_RESOLVE in allowed_actions(None, W, category=CATEGORY)
    # The fold never consults the catalog: a past self-resolution stays valid.
    assert derive_state([resolve]) is S.SELF_RESOLVED


def test_township_intake_needs_a_source_and_workers_report_as_grid_workers() -> None:
    event = _event(Urgency.NORMAL)
    hotline = dataclasses.replace(event, source=EventSource.HOTLINE)
    report_t = _step(A.REPORT, T, T0)
    with pytest.raises(IllegalTransition) as info:
        check_action(event, [], report_t, CATALOG)
    assert info.value.reason == "source"
    assert check_action(hotline, [], report_t, CATALOG).state is S.REPORTED
    with pytest.raises(IllegalTransition) as info:
        check_action(hotline, [], _step(A.REPORT, W, T0), CATALOG)
    assert info.value.reason == "source"
    assert check_action(event, [], _step(A.REPORT, W, T0), CATALOG).state is S.REPORTED
    with pytest.raises(IllegalTransition):  # 自处置 stays a grid worker's
        check_action(hotline, [], _step(A.SELF_RESOLVE, T, T0), CATALOG)


def test_an_unsatisfied_evaluation_from_before_the_rule_stays_final() -> None:
    """Carried over by the migrations (``final_evaluation``): no past event reopens."""
    history = _closed(_dispatched(), 10)
    old = _step(A.EVALUATE, W, T0 + timedelta(days=1), satisfaction=Satisfaction.UNSATISFIED)
    old.final_evaluation = True
    status = event_status(_event(Urgency.NORMAL), [*history, old], CATALOG, T0 + timedelta(days=2))
    assert status.state is S.EVALUATED and status.satisfaction is Satisfaction.UNSATISFIED
    assert status.rework_rounds == 0 and status.finished_at == history[-1].at


# --- departments (职能部门) ------------------------------------------------------------


def test_a_department_acts_only_on_an_event_dispatched_to_it() -> None:
    event = _event(Urgency.NORMAL)
    history = _dispatched("sfs")
    handle = _step(A.HANDLE, D, T0 + timedelta(hours=3))
    assert check_action(event, history, handle, CATALOG, department="sfs").state is S.HANDLING
    for other in ("pcs", None):
        with pytest.raises(IllegalTransition) as info:
            check_action(event, history, handle, CATALOG, department=other)
        assert info.value.reason == "assignee" and "本部门" in str(info.value)
    assert allowed_actions(fold(history), D, department="pcs") == []
    assert allowed_actions(fold(history), D, department="sfs") == [
        A.HAND_BACK,
        A.HANDLE,
        A.FEEDBACK,
        A.REQUEST_EXTENSION,
        A.COMMENT,
    ]
    # Never the township's steps, whatever the assignment.
    for kind in (A.REDISPATCH, A.VERIFY, A.CLOSE, A.ACCEPT, A.SUPERVISE):
        with pytest.raises(IllegalTransition) as info:
            check_action(event, history, _step(kind, D, T0), CATALOG, department="sfs")
        assert info.value.reason in {"role", "state"}


def test_department_hands_back_and_loses_the_event_on_redispatch() -> None:
    event = _event(Urgency.NORMAL)
    history = _dispatched("sfs")
    back = _step(A.HAND_BACK, D, T0 + timedelta(hours=3), comment="不属于司法所职责")
    check_action(event, history, back, CATALOG, department="sfs")
    history.append(back)
    assert allowed_actions(fold(history), D, department="sfs") == []
    again = _step(A.REDISPATCH, T, T0 + timedelta(hours=4), assignee="pcs")
    check_action(event, history, again, CATALOG)
    history.append(again)
    assert allowed_actions(fold(history), D, department="sfs") == []
    assert A.FEEDBACK in allowed_actions(fold(history), D, department="pcs")
    feedback = _step(A.FEEDBACK, D, T0 + timedelta(hours=5), comment="已处理")
    assert check_action(event, history, feedback, CATALOG, department="pcs").state is S.HANDLED


def test_township_staff_act_for_a_department_without_accounts() -> None:
    event = _event(Urgency.NORMAL)
    township = _step(A.HAND_BACK, T, T0 + timedelta(hours=3), comment="司法所电话告知不属其职责")
    check = check_action(event, _dispatched("sfs"), township, CATALOG, departments={"sfs"})
    assert check.state is S.HANDED_BACK
    # With accounts of its own, the department takes its steps itself.
    with pytest.raises(IllegalTransition) as info:
        check_action(
            event, _dispatched("sfs"), township, CATALOG, departments={"sfs"}, staffed={"sfs"}
        )
    assert info.value.reason == "assignee" and "自己的账号" in str(info.value)
    offered = allowed_actions(fold(_dispatched("sfs")), T, departments={"sfs"}, staffed={"sfs"})
    assert A.FEEDBACK not in offered and A.HAND_BACK not in offered
    assert A.REDISPATCH in offered and A.SUPERVISE in offered
    admin = dataclasses.replace(township, actor_role=AD)  # the last resort
    assert check_action(event, _dispatched("sfs"), admin, CATALOG, staffed={"sfs"})
    back = _step(A.HAND_BACK, W, T0 + timedelta(hours=3), comment="网格无法调处")
    with pytest.raises(IllegalTransition) as info:
        check_action(event, _dispatched("sfs"), back, CATALOG, departments={"sfs"})
    assert info.value.reason == "assignee"
    assert check_action(event, _dispatched("grid"), back, CATALOG).state is S.HANDED_BACK


def test_department_history_folds_without_knowing_the_department() -> None:
    history = [
        *_dispatched("sfs"),
        _step(A.HANDLE, D, T0 + timedelta(hours=3)),
        _step(A.FEEDBACK, D, T0 + timedelta(hours=4), comment="已调解"),
    ]
    assert derive_state(history) is S.HANDLED


def test_grid_worker_takes_no_handler_step_on_a_departments_event() -> None:
    event = _event(Urgency.NORMAL)
    listed = {"sfs", "pcs"}
    feedback = _step(A.FEEDBACK, W, T0 + timedelta(hours=3), comment="已处理")
    with pytest.raises(IllegalTransition) as info:
        check_action(event, _dispatched("sfs"), feedback, CATALOG, departments=listed)
    assert info.value.reason == "assignee" and "职能部门" in str(info.value)
    assert allowed_actions(fold(_dispatched("sfs")), W, departments=listed) == [A.COMMENT]
    # Free text (a township without a department list) and the grid: as before.
    assert check_action(event, _dispatched("司法所"), feedback, CATALOG, departments=listed)
    assert A.FEEDBACK in allowed_actions(fold(_dispatched("grid")), W, departments=listed)
