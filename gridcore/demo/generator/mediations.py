"""调解: the mediation records of a grid's dispute events, by the unit's people's
mediation committee."""

from __future__ import annotations

from datetime import timedelta

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws
from gridcore.domain.entities import CST, Mediation, MediationSession
from gridcore.domain.enums import (
    EventActionKind,
    EventGroup,
    MediationAgreement,
    MediationOutcome,
    OrganizationKind,
)

A = EventActionKind
M = MediationOutcome


def add_mediations(d: Draws, grid: Grid) -> None:
    """调解 of the grid's dispute events that were taken up (accepted or resolved on
    the spot): one record each, by the unit's 人民调解委员会, with one to three
    sessions; finished ones mostly 调解成功 with a written or oral agreement and a
    回访, open ones 进行中, a few 调解不成 or 转其他途径."""
    committee = next(
        (
            o
            for o in d.ds.organizations
            if o.kind is OrganizationKind.MEDIATION_COMMITTEE and o.name.startswith(grid.unit_name)
        ),
        None,
    )
    actions: dict[str, list[EventActionKind]] = {}
    for action in d.ds.event_actions:
        actions.setdefault(action.event_id, []).append(action.kind)
    office = "村委会调解室" if grid.is_village else "社区调解室"
    for event in d.ds.events:
        if event.grid_id != grid.area.id or event.category_code not in d.catalog:
            continue
        if d.catalog.get(event.category_code).group is not EventGroup.DISPUTE:
            continue
        kinds = actions.get(event.id, [])
        if not {A.ACCEPT, A.SELF_RESOLVE} & set(kinds) or A.VOID in kinds:
            continue
        if not d.chance(0.9):
            continue
        finished = A.CLOSE in kinds or A.SELF_RESOLVE in kinds
        r = d.rng.random()
        if finished:
            outcome = M.SUCCESS if r < 0.82 else M.FAILED if r < 0.93 else M.REFERRED
        else:
            outcome = M.IN_PROGRESS if r < 0.75 else M.FAILED if r < 0.88 else M.REFERRED
        on_the_spot = A.SELF_RESOLVE in kinds  # 小事不出网格: mediated there and then
        reported = event.reported_at.astimezone(CST).date()
        start = min(reported + timedelta(days=0 if on_the_spot else d.between(0, 2)), d.today)
        sessions: list[MediationSession] = []
        day = start
        times = (
            1 if on_the_spot or (outcome is M.IN_PROGRESS and d.chance(0.5)) else d.between(1, 3)
        )
        for n in range(times):
            if day > d.today:
                break
            if on_the_spot:
                place, note = "纠纷现场", "网格员现场调解，双方当场达成一致"
            else:
                place = office if n == 0 or d.chance(0.6) else d.pick(T.MEDIATION_PLACES)
                notes = T.MEDIATION_NOTES[n > 0]
                note = notes[(n - 1) % len(notes)] if n else d.pick(notes)
            sessions.append(MediationSession(on=day, place=place, note=note))
            day += timedelta(days=d.between(2, 6))
        names = [p for p in event.people_involved.split("、") if p]
        if len(names) < 2:  # the report named one side: the other is a neighbour
            names = names or [d.pick(grid.homes).head.name]
            other = names[0]
            for _ in range(5):
                if other != names[0]:
                    break
                other = d.pick(grid.homes).head.name
            names.append(other)
        a, b = names[0], names[-1]
        agreement_kind = MediationAgreement.NONE
        agreement = ""
        follow_up = ""
        if outcome is M.SUCCESS:
            written = not on_the_spot and d.chance(0.7)
            agreement_kind = MediationAgreement.WRITTEN if written else MediationAgreement.ORAL
            agreement = d.pick(T.MEDIATION_AGREEMENTS).format(a=a, b=b, n=d.between(3, 30) * 100)
            last = sessions[-1].on
            if (d.today - last).days > 7:
                visit = last + timedelta(days=d.between(5, 7))
                follow_up = f"{visit.month}月{visit.day}日回访，" + d.pick(T.MEDIATION_FOLLOW_UPS)
        elif outcome is M.FAILED:
            follow_up = "双方分歧较大，已告知可向人民法院起诉"
        elif outcome is M.REFERRED:
            follow_up = d.pick(T.MEDIATION_REFERRALS)
        d.ds.mediations.append(
            Mediation(
                id=d.uid(),
                event_id=event.id,
                started_on=start,
                mediator=committee.leader if committee is not None else "",
                committee=committee.name
                if committee is not None
                else f"{grid.unit_name}人民调解委员会",
                parties=f"{a}、{b}",
                sessions=tuple(sessions),
                agreement=agreement,
                agreement_kind=agreement_kind,
                outcome=outcome,
                follow_up=follow_up,
            )
        )
