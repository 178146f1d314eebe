"""The event life cycle as a state machine.

State is never stored: it is derived from the appended actions. The same table decides
what the UI offers a role and what the server accepts, so they cannot disagree.

    report → 已上报 ─accept→ 已受理 ─dispatch→ 已派遣 ─handle→ 处置中 ─feedback→ 已反馈
      ─verify→ 已核查 ─close→ 已结案 ─evaluate→ 已评价
    已上报 ─return→ 已退回 ─resubmit→ 已上报;  已上报/已受理/已退回 ─void→ 已作废
    已反馈 ─rework→ 返工 ─handle/feedback→ …;  self_resolve → 自处置 ─evaluate→ 已评价
    supervise (督办), comment and return_visit annotate without changing the state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from gridcore.domain.catalog import EventCatalog, event_deadline
from gridcore.domain.entities import Event, EventAction
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventState as S
from gridcore.domain.enums import Role, Satisfaction

__all__ = [
    "EventStatus",
    "IllegalTransition",
    "allowed_actions",
    "derive_state",
    "event_status",
    "next_state",
]

_OPEN = frozenset(s for s in S if s.is_open)
_TOWNSHIP = frozenset({Role.TOWNSHIP, Role.ADMIN})
_WORKER = frozenset({Role.WORKER})
_HANDLERS = frozenset({Role.WORKER, Role.TOWNSHIP, Role.ADMIN})
_ANYONE = frozenset(Role)


@dataclass(frozen=True, slots=True)
class _Rule:
    sources: frozenset[S | None]
    target: S | None
    """``None`` keeps the current state (annotations)."""
    roles: frozenset[Role]


_RULES: dict[A, _Rule] = {
    A.REPORT: _Rule(frozenset({None}), S.REPORTED, _WORKER),
    A.SELF_RESOLVE: _Rule(frozenset({None}), S.SELF_RESOLVED, _WORKER),
    A.ACCEPT: _Rule(frozenset({S.REPORTED}), S.ACCEPTED, _TOWNSHIP),
    A.RETURN: _Rule(frozenset({S.REPORTED, S.ACCEPTED}), S.RETURNED, _TOWNSHIP),
    A.RESUBMIT: _Rule(frozenset({S.RETURNED}), S.REPORTED, _WORKER),
    A.VOID: _Rule(frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED}), S.VOIDED, _TOWNSHIP),
    A.DISPATCH: _Rule(frozenset({S.ACCEPTED, S.REWORK}), S.DISPATCHED, _TOWNSHIP),
    A.HANDLE: _Rule(frozenset({S.DISPATCHED, S.REWORK}), S.HANDLING, _HANDLERS),
    A.FEEDBACK: _Rule(frozenset({S.DISPATCHED, S.HANDLING, S.REWORK}), S.HANDLED, _HANDLERS),
    A.VERIFY: _Rule(frozenset({S.HANDLED}), S.VERIFIED, _WORKER),
    A.REWORK: _Rule(frozenset({S.HANDLED}), S.REWORK, _WORKER),
    A.CLOSE: _Rule(frozenset({S.VERIFIED}), S.CLOSED, _TOWNSHIP),
    A.EVALUATE: _Rule(frozenset({S.CLOSED, S.SELF_RESOLVED}), S.EVALUATED, _WORKER),
    A.RETURN_VISIT: _Rule(frozenset({S.CLOSED, S.SELF_RESOLVED, S.EVALUATED}), None, _WORKER),
    A.SUPERVISE: _Rule(frozenset(_OPEN), None, _TOWNSHIP),
    A.COMMENT: _Rule(frozenset(S), None, _ANYONE),
}

#: Actions that start an event; every other action needs an existing event.
CREATING_ACTIONS = frozenset(a for a, r in _RULES.items() if None in r.sources)


class IllegalTransition(ValueError):
    """An action that the current state or the actor's role does not allow.

    ``reason`` is a stable code (``role`` or ``state``); ``str()`` is a Chinese message.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _state_label(state: S | None) -> str:
    return "新事件" if state is None else f"“{state.label}”"


def next_state(
    state: S | None,
    action: A,
    role: Role,
    *,
    satisfaction: Satisfaction | None = None,
) -> S:
    """The state after ``action`` taken by ``role`` in ``state``; raises IllegalTransition."""
    rule = _RULES[action]
    if role not in rule.roles:
        who = "、".join(r.label for r in Role if r in rule.roles)
        raise IllegalTransition("role", f"{role.label}不能执行“{action.label}”，该操作由{who}办理")
    if state not in rule.sources:
        raise IllegalTransition(
            "state", f"事件处于{_state_label(state)}状态，不能执行“{action.label}”"
        )
    if action is A.EVALUATE and satisfaction is None:
        raise IllegalTransition("satisfaction", "满意度评价必须选择满意、基本满意或不满意")
    if rule.target is None:
        assert state is not None  # annotations never start an event
        return state
    return rule.target


def allowed_actions(state: S | None, role: Role) -> list[A]:
    """What ``role`` may do to an event in ``state``, in workflow order."""
    return [a for a, r in _RULES.items() if state in r.sources and role in r.roles]


def _ordered(actions: Iterable[EventAction]) -> list[EventAction]:
    # The server's acceptance order first, then steps it has not seen yet.
    return sorted(actions, key=lambda a: a.fold_key)


def _folded(actions: Iterable[EventAction]) -> list[EventAction]:
    """The steps :func:`derive_state` folds, in order (unsent misfits left out)."""
    result: list[EventAction] = []
    state: S | None = None
    for action in _ordered(actions):
        try:
            state = next_state(
                state, action.kind, action.actor_role, satisfaction=action.satisfaction
            )
        except IllegalTransition:
            if action.server_at is not None:
                raise
            continue
        result.append(action)
    return result


def derive_state(actions: Iterable[EventAction]) -> S:
    """Fold the actions into a state; raises IllegalTransition on an impossible history.

    Steps the server accepted (``server_at`` set) fold strictly, in its order: the server
    checked each against the ones before. A step not accepted yet that no longer fits
    (someone else took the event on meanwhile, so the server will refuse it and its op
    is parked as rejected) is passed over rather than jamming the event on this laptop."""
    state: S | None = None
    for action in _ordered(a for a in actions if not a.deleted):
        try:
            state = next_state(
                state, action.kind, action.actor_role, satisfaction=action.satisfaction
            )
        except IllegalTransition:
            if action.server_at is not None:
                raise
    if state is None:
        raise IllegalTransition("state", "事件没有任何办理记录")
    return state


@dataclass(frozen=True, slots=True)
class EventStatus:
    state: S
    deadline: datetime
    finished_at: datetime | None
    """When it was closed, self-resolved or voided; None while open."""
    overdue: bool
    """超期: open past the deadline, or finished after it (voided events never are)."""
    satisfaction: Satisfaction | None
    supervised: bool

    @property
    def is_open(self) -> bool:
        return self.state.is_open


_FINISHING = frozenset({A.CLOSE, A.SELF_RESOLVE, A.VOID})


def event_status(
    event: Event, actions: Sequence[EventAction], catalog: EventCatalog, now: datetime
) -> EventStatus:
    """State, deadline and overdue of one event at ``now`` (an aware datetime). The
    deadline is the event's own (its terms); ``catalog`` only stands in for an event
    stored before terms were kept."""
    ordered = _folded(a for a in actions if not a.deleted)
    state = derive_state(ordered)
    deadline = event_deadline(event, catalog)
    finished_at = None
    satisfaction = None
    for action in ordered:
        if action.kind in _FINISHING:
            finished_at = action.effective_at
        elif action.kind is A.EVALUATE:
            satisfaction = action.satisfaction
        elif action.kind in (A.RESUBMIT, A.REWORK):
            finished_at = None
    if state is S.VOIDED:
        overdue = False
    elif state.is_open:
        overdue = now > deadline
    else:
        overdue = finished_at is not None and finished_at > deadline
    return EventStatus(
        state=state,
        deadline=deadline,
        finished_at=None if state.is_open else finished_at,
        overdue=overdue,
        satisfaction=satisfaction,
        supervised=any(a.kind is A.SUPERVISE for a in ordered),
    )
