"""An event's history: the action kinds that take it to its planned state (with the
usual detours: returns, 督办, extensions, 返工), when each happened on the office clock,
who took it and with what comment, walked through the domain state machine."""

from __future__ import annotations

from datetime import timedelta

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws, Weighted, work_clock
from gridcore.domain.catalog import EventCategory
from gridcore.domain.entities import CST, Event, EventAction
from gridcore.domain.enums import (
    EventActionKind,
    EventSource,
    EventState,
    Role,
    Satisfaction,
    Urgency,
)
from gridcore.domain.workflow import MAX_REWORK_ROUNDS, Progress, advance

A = EventActionKind
S = EventState

_SATISFACTION = Weighted(
    [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.UNSATISFIED],
    [82, 14, 4],
)
_FINISHING = frozenset({A.CLOSE, A.VOID, A.SELF_RESOLVE})
_COMMENT_POOLS: dict[EventActionKind, tuple[str, ...]] = {
    A.ACCEPT: T.ACCEPT_COMMENTS,
    A.RETURN: T.RETURN_COMMENTS,
    A.RESUBMIT: T.RESUBMIT_COMMENTS,
    A.VOID: T.VOID_COMMENTS,
    A.REWORK: T.REWORK_COMMENTS,
    A.VERIFY: T.VERIFY_COMMENTS,
    A.CLOSE: T.CLOSE_COMMENTS,
    A.HAND_BACK: T.HAND_BACK_COMMENTS,
    A.SECRETARY_REVIEW: T.SECRETARY_REVIEW_COMMENTS,
    A.NOTIFY_ACCEPTANCE: T.NOTIFY_ACCEPTANCE_COMMENTS,
    A.REQUEST_EXTENSION: T.EXTENSION_REASONS,
    A.APPROVE_EXTENSION: T.APPROVE_EXTENSION_COMMENTS,
    A.REFUSE_EXTENSION: T.REFUSE_EXTENSION_COMMENTS,
    A.RETURN_VISIT: T.RETURN_VISIT_COMMENTS,
    A.COMMENT: T.COMMENT_COMMENTS,
}
_HANDLER_ACTIONS = frozenset({A.HANDLE, A.FEEDBACK, A.REQUEST_EXTENSION})
"""Steps of whoever handles the event: the grid worker when it was sent to the grid."""
_WORKER_ACTIONS = frozenset(
    {A.REPORT, A.SELF_RESOLVE, A.RESUBMIT, A.VERIFY, A.REWORK, A.EVALUATE, A.RETURN_VISIT,
     A.COMMENT}
)  # fmt: skip


def plan(d: Draws, target: EventState, self_resolved: bool) -> list[EventActionKind]:
    """The action kinds that take a new event to ``target``, with the usual detours."""
    chance = d.chance
    if self_resolved:
        steps = [A.SELF_RESOLVE]
        if target is S.EVALUATED:
            steps.append(A.EVALUATE)
            if chance(0.3):
                steps.append(A.RETURN_VISIT)
        return steps
    steps = [A.REPORT]
    if target is S.RETURNED:
        if chance(0.3):
            steps.append(A.ACCEPT)
        steps.append(A.RETURN)
        return steps
    if target is S.VOIDED:
        r = d.rng.random()
        if r < 0.3:
            steps.append(A.ACCEPT)
        elif r < 0.6:
            steps.append(A.RETURN)
        steps.append(A.VOID)
        return steps
    if chance(0.04):
        steps += [A.RETURN, A.RESUBMIT]
    if target is S.REPORTED:
        return steps
    steps.append(A.ACCEPT)
    if chance(0.08):
        steps.append(A.SECRETARY_REVIEW)
    if chance(0.25):
        steps.append(A.NOTIFY_ACCEPTANCE)
    if target is S.ACCEPTED:
        return steps
    steps.append(A.DISPATCH)
    if target is S.HANDED_BACK:
        steps.append(A.HAND_BACK)
        return steps
    if chance(0.03):  # a wrong dispatch handed back and sent on (改派)
        steps += [A.HAND_BACK, A.REDISPATCH]
    if target is S.DISPATCHED:
        return steps
    if target is S.HANDLING or chance(0.7):
        steps.append(A.HANDLE)
    if chance(0.04):  # 申请延期, mostly approved
        steps += [
            A.REQUEST_EXTENSION,
            A.APPROVE_EXTENSION if chance(0.8) else A.REFUSE_EXTENSION,
        ]
    if target is S.HANDLING:
        return steps
    steps.append(A.FEEDBACK)
    if target is S.REWORK or chance(0.06):
        steps.append(A.REWORK)
        if target is S.REWORK:
            return steps
        if chance(0.4):
            steps.append(A.DISPATCH)
        steps += [A.HANDLE, A.FEEDBACK]
    if target is S.HANDLED:
        return steps
    steps.append(A.VERIFY)
    if target is S.VERIFIED:
        return steps
    steps.append(A.CLOSE)
    if target is S.CLOSED:
        return steps
    # 不满意 → 返工: each round re-handled, verified and closed again.
    rounds = MAX_REWORK_ROUNDS if chance(0.01) else 1 if chance(0.04) else 0
    for _ in range(rounds):
        steps += [A.EVALUATE, A.FEEDBACK, A.VERIFY, A.CLOSE]
    steps.append(A.EVALUATE)
    if chance(0.35):
        steps.append(A.RETURN_VISIT)
    return steps


def add_history(
    d: Draws,
    grid: Grid,
    event: Event,
    category: EventCategory,
    steps: list[EventActionKind],
    target: EventState,
) -> None:
    rng = d.rng
    chance = d.chance
    group = category.group.value
    deadline = category.deadline(event.urgency, event.reported_at)
    reported = event.reported_at
    # Phase 1 runs up to the step that finishes the event (all of it while open);
    # phase 2 (evaluation, return visits) comes after.
    finish = next((i for i, s in enumerate(steps) if s in _FINISHING), None)
    finish_kind = None if finish is None else steps[finish]
    phase1 = list(steps if finish is None else steps[: finish + 1])
    phase2 = [] if finish is None else steps[finish + 1 :]
    stuck = finish is None and d.now > deadline
    if finish_kind is not A.SELF_RESOLVE:
        # Every phase-1 step but the finishing one leaves the event open, so 督办 may
        # follow any of them; late in the history when the event is overdue.
        last = len(phase1) if finish is None else len(phase1) - 1
        p_supervise = 0.55 if stuck else 0.2 if event.urgency is not Urgency.NORMAL else 0.04
        if finish_kind is not A.VOID and chance(p_supervise):
            position = last if stuck and chance(0.7) else d.between(1, last)
            phase1.insert(position, A.SUPERVISE)
            last += 1
        if chance(0.03):
            phase1.insert(d.between(1, last), A.COMMENT)
    # When: phase 1 in (report, end], phase 2 after the finishing step. The end is
    # drawn on the office clock, between a lower bound and a limit.
    times = [reported]
    count = len(phase1) - 1
    if count:
        latest = d.latest
        low = reported
        if finish_kind is None:
            limit, share = latest, rng.uniform(0.05, 0.85)
        elif finish_kind is A.VOID:
            limit, share = min(reported + timedelta(3), latest), rng.uniform(0.02, 1.0)
        elif chance(0.07) and deadline < latest - timedelta(0, 3600):
            # Finished late (超期办结).
            low = deadline
            limit = min(deadline + timedelta(0, rng.uniform(3600, 10 * 86400)), latest)
            share = rng.uniform(0.2, 1.0)
        else:
            limit, share = min(deadline, latest), rng.uniform(0.3, 0.97)
        w_start, w_low = work_clock(reported), work_clock(low)
        w_end = w_low + int((work_clock(limit) - w_low) * share)
        if w_end - w_start >= 60 * count:
            end = d.office_moment(w_end)
        else:  # no office hours left (a same-day emergency): any hour
            end = low + (limit - low) * share
        times += d.spread(reported, end, count)
    if phase2:
        start = times[-1]
        span = min(rng.uniform(3600, 10 * 86400), (d.now - start).total_seconds() - 1)
        times += d.spread(start, start + timedelta(0, span), len(phase2), to_end=False)
    all_steps = phase1 + phase2
    # Who, with what comment, walking the state machine.
    township = grid.township
    assignee = (
        "grid"
        if chance(T.GRID_DISPATCH_SHARE.get(group, 0.15))
        else (
            township.name
            + T.DEPARTMENTS.get(category.code, T.GROUP_DEPARTMENTS.get(group, "综治中心"))
        )
    )
    by_grid = assignee == "grid"
    # A dispatch later handed back went to the wrong department first.
    wrong = township.name + ("综治中心" if not assignee.endswith("综治中心") else "派出所")
    evaluations = all_steps.count(A.EVALUATE)
    progress = Progress()
    out = d.ds.event_actions
    random_, uid = rng.random, d.uid
    intake = event.source is not EventSource.GRID_WORKER
    for kind, at in zip(all_steps, times, strict=True):
        satisfaction: Satisfaction | None = None
        action_assignee = ""
        if kind is A.REPORT and intake:
            actor, role = township.user, Role.TOWNSHIP
        elif kind in _WORKER_ACTIONS or (by_grid and kind in _HANDLER_ACTIONS):
            actor, role = grid.worker, Role.WORKER
        else:
            actor, role = township.user, Role.TOWNSHIP
        pool = _COMMENT_POOLS.get(kind)
        if pool is not None:
            comment = pool[int(random_() * len(pool))]
        elif kind is A.REPORT:
            comment = ""
        elif kind is A.REDISPATCH:
            action_assignee = assignee
            comment = T.REDISPATCH_COMMENT.format(dept="网格员" if by_grid else assignee)
        elif kind is A.DISPATCH and A.HAND_BACK in all_steps and progress.state is S.ACCEPTED:
            action_assignee = wrong
            comment = T.DISPATCH_DEPARTMENT.format(
                dept=wrong, deadline=f"{deadline.month}月{deadline.day}日"
            )
        elif kind is A.DISPATCH:
            action_assignee = assignee
            due = f"{deadline.month}月{deadline.day}日"
            comment = (
                T.DISPATCH_GRID.format(deadline=due)
                if by_grid
                else T.DISPATCH_DEPARTMENT.format(dept=assignee, deadline=due)
            )
        elif kind is A.HANDLE or kind is A.FEEDBACK:
            table = T.HANDLE_COMMENTS if kind is A.HANDLE else T.FEEDBACK_COMMENTS
            text = table.get(group, "已处置。")
            comment = text if by_grid else f"（{assignee}）{text}"
        elif kind is A.EVALUATE:
            evaluations -= 1
            if evaluations:  # not the last one: 不满意, re-handled (返工)
                satisfaction = Satisfaction.UNSATISFIED
            elif progress.rework_rounds >= MAX_REWORK_ROUNDS and random_() < 0.5:
                satisfaction = Satisfaction.UNSATISFIED  # still, after every round
            else:
                satisfaction = _SATISFACTION.pick(rng)
                if satisfaction is Satisfaction.UNSATISFIED and (
                    progress.rework_rounds < MAX_REWORK_ROUNDS
                ):
                    # It would reopen the event: the plan has no round for it.
                    satisfaction = Satisfaction.BASICALLY_SATISFIED
            comment = T.EVALUATE_COMMENTS[satisfaction.value]
        elif kind is A.SUPERVISE:
            comment = T.SUPERVISE_COMMENTS[1 if at > deadline else 2 * d.below(2)]
        else:  # self-resolve
            comment = T.SELF_RESOLVE_COMMENTS.get(group, "网格员已现场处置完毕。")
        asked = None
        if kind is A.REQUEST_EXTENSION:  # a week or two past the deadline
            asked = deadline.astimezone(CST).date() + timedelta(days=7 + 7 * (at.day % 2))
        action = EventAction(
            id=uid(),
            deadline=asked,
            event_id=event.id,
            kind=kind,
            actor=actor,
            actor_role=role,
            at=at,
            comment=comment,
            assignee=action_assignee,
            satisfaction=satisfaction,
        )
        progress = advance(progress, action)
        out.append(action)
    state = progress.state
    if state is not target:
        raise AssertionError(f"generated history ends in {state}, planned {target}")
