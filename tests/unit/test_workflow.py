"""The event state machine: every transition per role, derived state, deadlines, overdue."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from gridcore.domain.catalog import EventCatalog, EventCategory, deadline_after
from gridcore.domain.entities import CST, Event, EventAction
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventGroup, Ledger, Role, Satisfaction, Urgency
from gridcore.domain.enums import EventState as S
from gridcore.domain.workflow import (
    CREATING_ACTIONS,
    IllegalTransition,
    allowed_actions,
    derive_state,
    event_status,
    next_state,
)

W, T, AD = Role.WORKER, Role.TOWNSHIP, Role.ADMIN

# The specification, written out independently of the implementation's table:
# (state before, action) -> (state after, roles allowed).
LEGAL: dict[tuple[S | None, A], tuple[S, frozenset[Role]]] = {}


def _legal(sources: list[S | None], action: A, target: S | None, roles: set[Role]) -> None:
    for source in sources:
        after = source if target is None else target
        assert after is not None
        LEGAL[source, action] = (after, frozenset(roles))


_legal([None], A.REPORT, S.REPORTED, {W})
_legal([None], A.SELF_RESOLVE, S.SELF_RESOLVED, {W})
_legal([S.REPORTED], A.ACCEPT, S.ACCEPTED, {T, AD})
_legal([S.REPORTED, S.ACCEPTED], A.RETURN, S.RETURNED, {T, AD})
_legal([S.RETURNED], A.RESUBMIT, S.REPORTED, {W})
_legal([S.REPORTED, S.ACCEPTED, S.RETURNED], A.VOID, S.VOIDED, {T, AD})
_legal([S.ACCEPTED, S.REWORK], A.DISPATCH, S.DISPATCHED, {T, AD})
_legal([S.DISPATCHED, S.REWORK], A.HANDLE, S.HANDLING, {W, T, AD})
_legal([S.DISPATCHED, S.HANDLING, S.REWORK], A.FEEDBACK, S.HANDLED, {W, T, AD})
_legal([S.HANDLED], A.VERIFY, S.VERIFIED, {W})
_legal([S.HANDLED], A.REWORK, S.REWORK, {W})
_legal([S.VERIFIED], A.CLOSE, S.CLOSED, {T, AD})
_legal([S.CLOSED, S.SELF_RESOLVED], A.EVALUATE, S.EVALUATED, {W})
_legal([S.CLOSED, S.SELF_RESOLVED, S.EVALUATED], A.RETURN_VISIT, None, {W})
_legal([s for s in S if s.is_open], A.SUPERVISE, None, {T, AD})
_legal(list(S), A.COMMENT, None, {W, T, AD})

STATES: list[S | None] = [None, *S]


@pytest.mark.parametrize(
    ("state", "action", "role"),
    list(itertools.product(STATES, list(A), list(Role))),
    ids=lambda v: "new" if v is None else str(v),
)
def test_every_transition_per_role(state: S | None, action: A, role: Role) -> None:
    satisfaction = Satisfaction.SATISFIED if action is A.EVALUATE else None
    expected = LEGAL.get((state, action))
    if expected is not None and role in expected[1]:
        assert next_state(state, action, role, satisfaction=satisfaction) is expected[0]
        assert action in allowed_actions(state, role)
    else:
        with pytest.raises(IllegalTransition) as info:
            next_state(state, action, role, satisfaction=satisfaction)
        assert info.value.reason in {"role", "state"}
        assert str(info.value)  # a Chinese message for the person
        assert action not in allowed_actions(state, role)


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
