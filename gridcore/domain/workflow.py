"""The event life cycle as a state machine.

State is never stored: it is derived from the appended actions. The same rules decide
what the UI offers a role and what the server accepts, so they cannot disagree.

    report → 已上报 ─accept→ 已受理 ─dispatch→ 已派遣 ─handle→ 处置中 ─feedback→ 已反馈
      ─verify→ 已核查 ─close→ 已结案 ─evaluate→ 已评价
    已上报 ─return→ 已退回 ─resubmit→ 已上报;  已上报/已受理/已退回/待改派 ─void→ 已作废
    已反馈 ─rework→ 返工 ─dispatch/handle/feedback→ …;  self_resolve → 自处置 ─evaluate→ …
    已派遣/处置中 ─hand_back (退回乡镇, with a reason)→ 待改派
    已派遣/处置中/待改派 ─redispatch (改派, to another target)→ 已派遣
    已结案/自处置 ─evaluate 不满意→ 返工 (re-handling, at most MAX_REWORK_ROUNDS times;
      after that 不满意 is final and the township's 结案 needs a note)
    request_extension (申请延期: reason + new deadline) → approve/refuse_extension by the
      township; an approved one moves the deadline (the original is kept).
    supervise (督办), secretary_review (书记阅批), notify_acceptance (受理告知), comment and
    return_visit annotate without changing the state.

Departments (职能部门, ``Role.DEPARTMENT``) act only on an event currently dispatched to
their own department (``Progress.assignee`` is the department's code): 处置, 反馈, 退回乡镇,
申请延期 and 备注. That needs the actor's department, which an action does not carry, so
it is checked when the step is taken (:func:`check_action`, ``department=``). A grid
worker takes no handler step (处置, 反馈, 退回乡镇, 申请延期) on an event dispatched to a
department of the server's list (``departments=``); sent to the grid, or to a free-text
target of a township without a list, the grid worker handles it as before. Township
staff may take a department's steps only for a department without accounts of its own
(``staffed=``: the codes of those with accounts; recorded as theirs, by their role); a
system administrator still may, as the last resort.

Township staff take events in themselves (``report`` with a source channel other than
网格员上报); a grid worker may self-resolve only a category the catalog marks so. Those
two rules need the event and the catalog, so they are checked when a step is taken
(:func:`check_action`, on the laptop and on the server), not when history is folded: a
later catalog change never makes a past history impossible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from gridcore.domain.catalog import EventCatalog, EventCategory, event_deadline
from gridcore.domain.departments import GRID_ASSIGNEE
from gridcore.domain.entities import CST, Event, EventAction
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventSource, Role, Satisfaction
from gridcore.domain.enums import EventState as S

__all__ = [
    "DEPARTMENT_ACTIONS",
    "GRID_ASSIGNEE",
    "MAX_REWORK_ROUNDS",
    "EventStatus",
    "IllegalTransition",
    "Progress",
    "advance",
    "allowed_actions",
    "check_action",
    "check_source",
    "derive_state",
    "event_status",
    "extension_deadline",
    "fold",
    "next_state",
]

MAX_REWORK_ROUNDS = 2
"""How many times a 不满意 evaluation reopens an event for re-handling (返工). After
that a further 不满意 is recorded as the final evaluation; the township's 结案 before it
must carry a note saying how the matter was decided."""

_OPEN = frozenset(s for s in S if s.is_open)
_TOWNSHIP = frozenset({Role.TOWNSHIP, Role.ADMIN})
_WORKER = frozenset({Role.WORKER})
_HANDLERS = frozenset({Role.WORKER, Role.TOWNSHIP, Role.ADMIN, Role.DEPARTMENT})
"""Who handles a dispatched event (and so may hand it back or ask for more time); a
department only an event dispatched to it (:func:`_check_handler`)."""
_ANYONE = frozenset(Role)
_IN_HAND = frozenset({S.DISPATCHED, S.HANDLING, S.REWORK})
"""States in which a handler works on the event."""
_ACCEPTED_OPEN = frozenset(_OPEN - {S.REPORTED, S.RETURNED})


@dataclass(frozen=True, slots=True)
class _Rule:
    sources: frozenset[S | None]
    target: S | None
    """``None`` keeps the current state (annotations)."""
    roles: frozenset[Role]


_RULES: dict[A, _Rule] = {
    A.REPORT: _Rule(frozenset({None}), S.REPORTED, _WORKER | _TOWNSHIP),
    A.SELF_RESOLVE: _Rule(frozenset({None}), S.SELF_RESOLVED, _WORKER),
    A.ACCEPT: _Rule(frozenset({S.REPORTED}), S.ACCEPTED, _TOWNSHIP),
    A.RETURN: _Rule(frozenset({S.REPORTED, S.ACCEPTED}), S.RETURNED, _TOWNSHIP),
    A.RESUBMIT: _Rule(frozenset({S.RETURNED}), S.REPORTED, _WORKER),
    A.VOID: _Rule(
        frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED, S.HANDED_BACK}), S.VOIDED, _TOWNSHIP
    ),
    A.DISPATCH: _Rule(frozenset({S.ACCEPTED, S.REWORK}), S.DISPATCHED, _TOWNSHIP),
    A.REDISPATCH: _Rule(
        frozenset({S.DISPATCHED, S.HANDLING, S.HANDED_BACK}), S.DISPATCHED, _TOWNSHIP
    ),
    A.HAND_BACK: _Rule(frozenset({S.DISPATCHED, S.HANDLING}), S.HANDED_BACK, _HANDLERS),
    A.HANDLE: _Rule(frozenset({S.DISPATCHED, S.REWORK}), S.HANDLING, _HANDLERS),
    A.FEEDBACK: _Rule(frozenset({S.DISPATCHED, S.HANDLING, S.REWORK}), S.HANDLED, _HANDLERS),
    A.VERIFY: _Rule(frozenset({S.HANDLED}), S.VERIFIED, _WORKER),
    A.REWORK: _Rule(frozenset({S.HANDLED}), S.REWORK, _WORKER),
    A.CLOSE: _Rule(frozenset({S.VERIFIED}), S.CLOSED, _TOWNSHIP),
    A.EVALUATE: _Rule(frozenset({S.CLOSED, S.SELF_RESOLVED}), S.EVALUATED, _WORKER),
    A.RETURN_VISIT: _Rule(frozenset({S.CLOSED, S.SELF_RESOLVED, S.EVALUATED}), None, _WORKER),
    A.REQUEST_EXTENSION: _Rule(frozenset(_IN_HAND), None, _HANDLERS),
    A.APPROVE_EXTENSION: _Rule(frozenset(_OPEN), None, _TOWNSHIP),
    A.REFUSE_EXTENSION: _Rule(frozenset(_OPEN), None, _TOWNSHIP),
    A.SECRETARY_REVIEW: _Rule(frozenset(_OPEN), None, _TOWNSHIP),
    A.NOTIFY_ACCEPTANCE: _Rule(_ACCEPTED_OPEN, None, _TOWNSHIP),
    A.SUPERVISE: _Rule(frozenset(_OPEN), None, _TOWNSHIP),
    A.COMMENT: _Rule(frozenset(S), None, _ANYONE),
}

#: What a department account may do (on an event dispatched to it).
DEPARTMENT_ACTIONS = frozenset(a for a, r in _RULES.items() if Role.DEPARTMENT in r.roles)

#: Actions that start an event; every other action needs an existing event.
CREATING_ACTIONS = frozenset(a for a, r in _RULES.items() if None in r.sources)

_NEEDS_COMMENT: dict[A, str] = {
    A.HAND_BACK: "退回乡镇须说明原因（如：不属于本单位职责）",
    A.REQUEST_EXTENSION: "申请延期须说明原因",
    A.REFUSE_EXTENSION: "不予延期须说明理由",
    A.SECRETARY_REVIEW: "书记阅批须填写批示意见",
}


class IllegalTransition(ValueError):
    """An action that the current state or the actor's role does not allow.

    ``reason`` is a stable code (``role``, ``state``, ``satisfaction``, ``comment``,
    ``assignee``, ``deadline``, ``extension``, ``self_resolve``, ``source``); ``str()`` is
    a Chinese message.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Progress:
    """What folding an event's steps has established so far: its state and what the
    rules beyond the state table need."""

    state: S | None = None
    rework_rounds: int = 0
    """How many times a 不满意 evaluation reopened the event."""
    assignee: str = ""
    """Where the last dispatch (or 改派) sent it."""
    extension_asked: date | None = None
    """The deadline a pending 申请延期 asks for (None: no request pending)."""
    extended_to: date | None = None
    """The deadline the last approved extension set (None: never extended)."""


_PROGRESS_FIELDS = tuple(field.name for field in dataclasses.fields(Progress))


def _with(progress: Progress, **changes: Any) -> Progress:
    """``dataclasses.replace`` without its per-call field introspection: the fold runs
    this for every step of every event (a first pull derives tens of thousands)."""
    values: dict[str, Any] = {name: getattr(progress, name) for name in _PROGRESS_FIELDS}
    values.update(changes)
    return Progress(**values)


def _state_label(state: S | None) -> str:
    return "新事件" if state is None else f"“{state.label}”"


def _step(
    progress: Progress,
    kind: A,
    role: Role,
    *,
    satisfaction: Satisfaction | None,
    comment: str | None,
    assignee: str,
    deadline: date | None,
    final: bool = False,
) -> Progress:
    """The progress after one step; ``comment=None`` skips the checks of what a step
    must carry (the bare state table, for :func:`next_state`)."""
    rule = _RULES[kind]
    state = progress.state
    if role not in rule.roles:
        who = "、".join(r.label for r in Role if r in rule.roles)
        raise IllegalTransition("role", f"{role.label}不能执行“{kind.label}”，该操作由{who}办理")
    if state not in rule.sources:
        raise IllegalTransition(
            "state", f"事件处于{_state_label(state)}状态，不能执行“{kind.label}”"
        )
    if kind is A.EVALUATE and satisfaction is None:
        raise IllegalTransition("satisfaction", "满意度评价必须选择满意、基本满意或不满意")
    if kind is A.REQUEST_EXTENSION and progress.extension_asked is not None:
        raise IllegalTransition("extension", "已有一份延期申请待乡镇/街道审批，不能重复申请")
    if kind in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION) and progress.extension_asked is None:
        raise IllegalTransition("extension", "没有待审批的延期申请")
    if comment is not None:
        if kind in _NEEDS_COMMENT and not comment.strip():
            raise IllegalTransition("comment", _NEEDS_COMMENT[kind])
        if kind is A.CLOSE and progress.rework_rounds >= MAX_REWORK_ROUNDS and not comment.strip():
            raise IllegalTransition(
                "comment",
                f"该事件已因群众不满意返工{progress.rework_rounds}轮（上限{MAX_REWORK_ROUNDS}轮），"
                "结案须填写结案说明：如何处理、群众仍不满意时的意见",
            )
        if kind is A.REDISPATCH:
            if not assignee.strip():
                raise IllegalTransition("assignee", "改派须选择新的处置单位")
            if assignee.strip() == progress.assignee and state is not S.HANDED_BACK:
                raise IllegalTransition("assignee", "改派的处置单位与当前处置单位相同")
        if kind is A.REQUEST_EXTENSION and deadline is None:
            raise IllegalTransition("deadline", "申请延期须填写新的办理期限")
    target = rule.target
    reopens = progress.rework_rounds < MAX_REWORK_ROUNDS and not final
    if kind is A.EVALUATE and satisfaction is Satisfaction.UNSATISFIED and reopens:
        return _with(progress, state=S.REWORK, rework_rounds=progress.rework_rounds + 1)
    if kind in (A.DISPATCH, A.REDISPATCH):
        progress = _with(progress, assignee=assignee.strip())
    elif kind is A.SELF_RESOLVE:
        progress = _with(progress, assignee="")
    elif kind is A.REQUEST_EXTENSION:
        progress = _with(progress, extension_asked=deadline)
    elif kind is A.APPROVE_EXTENSION:
        progress = _with(progress, extension_asked=None, extended_to=progress.extension_asked)
    elif kind is A.REFUSE_EXTENSION:
        progress = _with(progress, extension_asked=None)
    if target is None:
        assert state is not None  # annotations never start an event
        return progress
    return _with(progress, state=target)


def next_state(
    state: S | None,
    action: A,
    role: Role,
    *,
    satisfaction: Satisfaction | None = None,
    rework_rounds: int = 0,
) -> S:
    """The state after ``action`` taken by ``role`` in ``state`` by the state table
    alone; raises IllegalTransition. :func:`advance` checks a whole step."""
    progress = _step(
        Progress(state, rework_rounds=rework_rounds),
        action,
        role,
        satisfaction=satisfaction,
        comment=None,
        assignee="",
        deadline=None,
    )
    assert progress.state is not None
    return progress.state


def advance(progress: Progress, action: EventAction) -> Progress:
    """The progress after ``action``: its state, its role and what it must carry."""
    return _step(
        progress,
        action.kind,
        action.actor_role,
        satisfaction=action.satisfaction,
        comment=action.comment,
        assignee=action.assignee,
        deadline=action.deadline,
        final=action.final_evaluation,
    )


def _replay(progress: Progress, action: EventAction) -> Progress:
    """One step of the fold: the state table, the roles and what moves the progress
    (satisfaction, target, extension date). What a step must carry (a reason, a new
    target) was checked when it was taken (:func:`check_action`); replaying history
    does not ask again, so the fold needs only the columns that move the state."""
    return _step(
        progress,
        action.kind,
        action.actor_role,
        satisfaction=action.satisfaction,
        comment=None,
        assignee=action.assignee,
        deadline=action.deadline,
        final=action.final_evaluation,
    )


_HANDLER_STEPS = frozenset({A.HANDLE, A.FEEDBACK, A.HAND_BACK, A.REQUEST_EXTENSION})


def _handler_problem(
    progress: Progress,
    kind: A,
    role: Role,
    department: str | None,
    departments: Collection[str] = (),
    staffed: Collection[str] = (),
) -> str:
    """Why ``role`` (of ``department``) may not take ``kind`` on an event with
    ``progress`` beyond the state table, or "" when it may: a department acts only on an
    event dispatched to it; a grid worker takes no handler step on an event dispatched
    to a department of the list (``departments``: the codes), and township staff none on
    an event dispatched to a department with accounts of its own (``staffed``)."""
    if role is Role.WORKER and kind in _HANDLER_STEPS and progress.assignee in departments:
        return "该事件已派遣给职能部门，由该部门办理"
    if role is Role.TOWNSHIP and kind in _HANDLER_STEPS and progress.assignee in staffed:
        return "该职能部门有自己的账号，处置、反馈、退回和申请延期须由部门在本部门电脑上办理"
    if role is Role.DEPARTMENT and kind in DEPARTMENT_ACTIONS:
        if not department or progress.assignee != department:
            return "该事件当前未派遣给本部门，不能办理"
        if progress.state is S.HANDED_BACK:
            return "该事件已退回乡镇/街道，等待改派"
    return ""


def allowed_actions(
    state: S | Progress | None,
    role: Role,
    *,
    category: EventCategory | None = None,
    department: str | None = None,
    departments: Collection[str] = (),
    staffed: Collection[str] = (),
) -> list[A]:
    """What ``role`` may do to an event in ``state`` (or with ``progress``), in workflow
    order. Extension approvals are offered only while a request is pending; self-resolve
    only for a ``category`` the catalog marks self-resolvable; a department (code
    ``department``) acts only on an event dispatched to it, and a grid worker not on one
    dispatched to a department (``departments``: the codes of the list)."""
    progress = state if isinstance(state, Progress) else Progress(state)
    pending = progress.extension_asked is not None
    result = []
    for kind, rule in _RULES.items():
        if progress.state not in rule.sources or role not in rule.roles:
            continue
        if _handler_problem(progress, kind, role, department, departments, staffed):
            continue
        if kind in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION) and not pending:
            continue
        if kind is A.REQUEST_EXTENSION and pending:
            continue
        if kind is A.SELF_RESOLVE and category is not None and not category.self_resolvable:
            continue
        result.append(kind)
    return result


def _ordered(actions: Iterable[EventAction]) -> list[EventAction]:
    # The server's acceptance order first, then steps it has not seen yet.
    return sorted(actions, key=lambda a: a.fold_key)


def _walk(actions: Iterable[EventAction]) -> list[tuple[EventAction, Progress]]:
    """The steps folded, each with the progress after it, in order.

    Steps the server accepted (``server_at`` set) fold strictly, in its order: the server
    checked each against the ones before. A step not accepted yet that no longer fits
    (someone else took the event on meanwhile, so the server will refuse it and its op
    is parked as rejected) is passed over rather than jamming the event on this laptop."""
    result: list[tuple[EventAction, Progress]] = []
    progress = Progress()
    for action in _ordered(a for a in actions if not a.deleted):
        try:
            progress = _replay(progress, action)
        except IllegalTransition:
            if action.server_at is not None:
                raise
            continue
        result.append((action, progress))
    return result


def fold(actions: Iterable[EventAction]) -> Progress:
    """The progress of an event after its steps (``Progress()`` for none)."""
    walked = _walk(actions)
    return walked[-1][1] if walked else Progress()


def derive_state(actions: Iterable[EventAction]) -> S:
    """Fold the actions into a state; raises IllegalTransition on an impossible history."""
    state = fold(actions).state
    if state is None:
        raise IllegalTransition("state", "事件没有任何办理记录")
    return state


def extension_deadline(day: date) -> datetime:
    """The deadline an approved extension to ``day`` sets: the end of that day, CST."""
    return datetime.combine(day, time.max, tzinfo=CST)


def _current_deadline(event: Event, progress: Progress, catalog: EventCatalog) -> datetime:
    """The deadline in force: the last approved extension's, else the event's own
    (computed once, by :func:`event_deadline`)."""
    if progress.extended_to is not None:
        return extension_deadline(progress.extended_to)
    return event_deadline(event, catalog)


def check_source(role: Role, source: EventSource) -> None:
    """A grid worker's report comes by 网格员上报; township staff taking an event in
    name the channel it came by."""
    if role is Role.WORKER and source is not EventSource.GRID_WORKER:
        raise IllegalTransition(
            "source", f"网格员上报的事件来源应为“{EventSource.GRID_WORKER.label}”"
        )
    if role is not Role.WORKER and source is EventSource.GRID_WORKER:
        raise IllegalTransition(
            "source", "乡镇/街道登记事件须选择来源：热线、来访、书记接待、12345 或其他"
        )


def check_action(
    event: Event,
    history: Sequence[EventAction],
    action: EventAction,
    catalog: EventCatalog,
    *,
    department: str | None = None,
    departments: Collection[str] = (),
    staffed: Collection[str] = (),
) -> Progress:
    """Whether ``action`` may be taken now: the state table, what the step must carry,
    and the rules that need the event and the catalog (self-resolve only for a
    self-resolvable category, the intake source, an extension past the current
    deadline) or the actor's ``department`` (a department acts only on an event
    dispatched to it; a grid worker not on an event dispatched to one of
    ``departments``). The laptop checks it before storing a step; the server before
    accepting one. Returns the progress after it."""
    progress = fold(history)
    after = advance(progress, action)
    role = action.actor_role
    problem = _handler_problem(progress, action.kind, role, department, departments, staffed)
    if problem:
        raise IllegalTransition("assignee", problem)
    if action.kind is A.SELF_RESOLVE:
        category = catalog.categories.get(event.category_code)
        if category is not None and not category.self_resolvable:
            raise IllegalTransition(
                "self_resolve",
                f"“{category.name}”不能由网格员自处置，须上报乡镇/街道受理后派遣办理",
            )
    if action.kind in CREATING_ACTIONS:
        check_source(role, event.source)
    if action.kind is A.REQUEST_EXTENSION and action.deadline is not None:
        current = _current_deadline(event, progress, catalog)
        asked = action.deadline
        if asked <= current.astimezone(CST).date():
            raise IllegalTransition(
                "deadline",
                f"新的办理期限须晚于当前期限（{current.astimezone(CST):%Y-%m-%d}）",
            )
        if asked < action.at.astimezone(CST).date():
            raise IllegalTransition("deadline", "新的办理期限不能早于申请当天")
    return after


@dataclass(frozen=True, slots=True)
class EventStatus:
    state: S
    deadline: datetime
    """The deadline in force: an approved extension's, else the event's own."""
    finished_at: datetime | None
    """When it was closed, self-resolved or voided; None while open."""
    overdue: bool
    """超期: open past the deadline, or finished after it (voided events never are)."""
    satisfaction: Satisfaction | None
    """The final evaluation (None while a 不满意 one has reopened the event)."""
    supervised: bool
    original_deadline: datetime | None = None
    """The event's own deadline when an extension moved it (None: never extended)."""
    extension_pending: date | None = None
    """The deadline a 申请延期 awaiting the township asks for."""
    rework_rounds: int = 0
    """Re-handling rounds after a 不满意 evaluation."""
    assignee: str = ""
    """Where the last dispatch or 改派 sent it."""
    reviewed: bool = False
    """书记阅批 recorded."""
    notified: bool = False
    """受理告知 recorded."""

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def extended(self) -> bool:
        return self.original_deadline is not None


_FINISHING = frozenset({A.CLOSE, A.SELF_RESOLVE, A.VOID})


def event_status(
    event: Event, actions: Sequence[EventAction], catalog: EventCatalog, now: datetime
) -> EventStatus:
    """State, deadline and overdue of one event at ``now`` (an aware datetime). The
    deadline is the event's own (its terms), moved by an approved extension; ``catalog``
    only stands in for an event stored before terms were kept. 按期/超期 count against
    the deadline in force."""
    walked = _walk(actions)
    if not walked:
        raise IllegalTransition("state", "事件没有任何办理记录")
    progress = walked[-1][1]
    state = progress.state
    assert state is not None
    own_deadline = event_deadline(event, catalog)
    deadline = _current_deadline(event, progress, catalog)
    finished_at = None
    satisfaction = None
    kinds = set()
    for action, after in walked:
        kinds.add(action.kind)
        if action.kind in _FINISHING:
            finished_at = action.effective_at
        elif action.kind is A.EVALUATE:
            satisfaction = action.satisfaction if after.state is S.EVALUATED else None
            if after.state is S.REWORK:
                finished_at = None
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
        supervised=A.SUPERVISE in kinds,
        original_deadline=own_deadline if progress.extended_to is not None else None,
        extension_pending=progress.extension_asked if state.is_open else None,
        rework_rounds=progress.rework_rounds,
        assignee=progress.assignee,
        reviewed=A.SECRETARY_REVIEW in kinds,
        notified=A.NOTIFY_ACCEPTANCE in kinds,
    )
