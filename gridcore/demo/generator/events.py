"""A grid's events: their categories (weighted by group and setting), urgency, people
and place, the state each ends in, and the 事件编号 the server would have given them.
Their histories come from ``history``."""

from __future__ import annotations

import dataclasses

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid
from gridcore.demo.generator.draws import Draws, Weighted
from gridcore.demo.generator.history import add_history, plan
from gridcore.demo.generator.model import HISTORY_DAYS
from gridcore.domain.catalog import EventCategory, stamp_terms
from gridcore.domain.entities import Event
from gridcore.domain.enums import (
    EventActionKind,
    EventGroup,
    EventSource,
    EventState,
    Ledger,
    Urgency,
)
from gridcore.domain.eventnumber import format_event_number, number_year

A = EventActionKind
S = EventState

_INTAKE = Weighted(
    [EventSource.HOTLINE, EventSource.WALK_IN, EventSource.SECRETARY,
     EventSource.HOTLINE_12345, EventSource.OTHER],
    [30, 30, 10, 25, 5],
)  # fmt: skip
_URGENCY_WEIGHT = {Urgency.NORMAL: 80.0, Urgency.URGENT: 17.0, Urgency.CRITICAL: 3.0}

#: Final states of events that were not resolved on the spot, by age of the event.
_RECENT_TARGETS = Weighted(
    [S.REPORTED, S.ACCEPTED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.VERIFIED,
     S.REWORK, S.CLOSED, S.EVALUATED, S.VOIDED, S.HANDED_BACK],
    [10, 6, 3, 8, 12, 8, 5, 2, 22, 18, 2, 1],
)  # fmt: skip
_MONTH_TARGETS = Weighted(
    _RECENT_TARGETS.items,
    [2, 1.5, 1, 2, 4, 3, 2, 1.5, 30, 50, 3, 0.3],
)
_OLD_TARGETS = Weighted(
    _RECENT_TARGETS.items,
    [0.2, 0.2, 0.2, 0.3, 0.8, 0.4, 0.3, 0.3, 24, 70, 3.5, 0.05],
)


def _categories(d: Draws, village: bool) -> Weighted[EventCategory]:
    table = d.category_tables.get(village)
    if table is None:
        setting = "village" if village else "community"
        active = [
            c for c in d.catalog.active() if T.CATEGORY_SETTING.get(c.code, setting) == setting
        ] or d.catalog.active()
        group_totals: dict[EventGroup, float] = {}
        for c in active:
            group_totals[c.group] = group_totals.get(c.group, 0.0) + T.CATEGORY_WEIGHT.get(
                c.code, 1.0
            )
        weights = [
            T.GROUP_WEIGHT.get(c.group.value, 0.1)
            * T.CATEGORY_WEIGHT.get(c.code, 1.0)
            / group_totals[c.group]
            for c in active
        ]
        table = Weighted(active, weights)
        d.category_tables[village] = table
    return table


def _urgencies(d: Draws, category: EventCategory) -> Weighted[Urgency]:
    present = tuple(
        u for u in Urgency if u in category.time_limits or u in category.hour_limits
    ) or (Urgency.NORMAL,)
    table = d.urgency_tables.get(present)
    if table is None:
        table = Weighted(present, [_URGENCY_WEIGHT[u] for u in present])
        d.urgency_tables[present] = table
    return table


def coverage(d: Draws, grid: Grid) -> list[tuple[EventState | None, EventCategory | None]]:
    """Events the first grid always has, so that even S shows every state, group and
    ledger of the catalog."""
    table = _categories(d, grid.is_village)
    chosen: list[EventCategory] = []
    for group in EventGroup:
        options = [c for c in table.items if c.group is group] or [
            c for c in d.catalog.active() if c.group is group
        ]
        if options:
            chosen.append(d.pick(options))
    for ledger in Ledger:
        if all(c.ledger is not ledger for c in chosen):
            chosen += [c for c in d.catalog.active() if c.ledger is ledger][:1]
    states: list[EventState | None] = list(EventState)
    length = max(len(states), len(chosen))
    return [
        (
            states[i] if i < len(states) else None,
            chosen[i] if i < len(chosen) else None,
        )
        for i in range(length)
    ]


def add_events(
    d: Draws, grid: Grid, forced: list[tuple[EventState | None, EventCategory | None]]
) -> None:
    rng = d.rng
    n = round(len(grid.homes) * d.spec.events_per_household * rng.uniform(0.85, 1.15))
    table = _categories(d, grid.is_village)
    for i in range(max(n, len(forced))):
        target, category = forced[i] if i < len(forced) else (None, None)
        if target is None:
            age = d.between(1, HISTORY_DAYS)
        elif target.is_open or target is S.RETURNED:
            age = d.between(1, 40)
        else:
            age = d.between(20, 300)
        if category is None:
            if d.inactive_categories and age > 400 and d.chance(0.01):
                category = d.pick(d.inactive_categories)
            else:
                category = table.pick(rng)
        if target is S.SELF_RESOLVED and not category.self_resolvable:
            category = d.pick([c for c in table.items if c.self_resolvable])
        _event(d, grid, category, age, target)


def _event(
    d: Draws, grid: Grid, category: EventCategory, age: int, forced: EventState | None
) -> None:
    rng = d.rng
    group = category.group.value
    urgency = _urgencies(d, category).pick(rng)
    reported_at = d.moment(d.today_ord - age)
    # Who and where.
    home = d.pick(grid.homes)
    a = home.head.name if d.chance(0.7) else d.pick(home.adults)
    b = d.pick(grid.homes).head.name
    if b == a:
        b = d.person_name(d.gender(), d.birth_date(d.tri(25, 70, 45)))
    place = d.pick(grid.places)
    titles, descriptions = T.EVENT_TEXTS.get(category.code) or T.GROUP_TEXTS.get(
        group, T.GROUP_TEXTS["appeal"]
    )
    k = d.below(len(titles))
    title_t = titles[k]
    description_t = descriptions[k] if len(descriptions) == len(titles) else d.pick(descriptions)
    values = {
        "a": a,
        "b": b,
        "addr": home.household.address,
        "place": place,
        "unit": grid.unit_name,
    }
    used = title_t + description_t
    personal = "{a}" in used or "{addr}" in used or group in ("dispute", "appeal", "service")
    at_home = "{addr}" in used or (personal and "{place}" not in used)
    event = Event(
        id=d.uid(),
        grid_id=grid.area.id,
        category_code=category.code,
        ledger=category.ledger,
        urgency=urgency,
        title=title_t.format(**values),
        reporter=grid.worker,
        reported_at=reported_at,
        description=description_t.format(**values),
        location=home.household.address if at_home else place,
        people_involved=(f"{a}、{b}" if "{b}" in used else a) if personal else "",
        household_id=home.household.id if personal else None,
    )
    event = stamp_terms(event, d.catalog)
    # The state it ends in.
    if forced is not None:
        target = forced
        self_resolved = forced is S.SELF_RESOLVED
    else:
        self_resolved = category.self_resolvable and d.chance(T.SELF_RESOLVE_SHARE.get(group, 0.1))
        if self_resolved:
            target = S.EVALUATED if age > 2 and d.chance(0.55) else S.SELF_RESOLVED
        else:
            table = _RECENT_TARGETS if age <= 7 else _MONTH_TARGETS if age <= 30 else _OLD_TARGETS
            target = table.pick(rng)
    steps = plan(d, target, self_resolved)
    # Township intake (热线, 来访, 书记接待, 12345): an event that never went back to
    # a grid worker's hands before it was accepted.
    if not self_resolved and A.RETURN not in steps and d.chance(0.06):
        event = dataclasses.replace(event, source=_INTAKE.pick(rng), reporter=grid.township.user)
    d.ds.events.append(event)
    add_history(d, grid, event, category, steps, target)


def number_events(d: Draws, grids: list[Grid]) -> None:
    """事件编号 as the server would have given them: per township and year, in the
    order the events were reported."""
    township_of = {g.area.id: g.township.area.code for g in grids}
    last: dict[tuple[str, int], int] = {}
    for event in sorted(d.ds.events, key=lambda e: (e.reported_at, e.id)):
        key = (township_of[event.grid_id], number_year(event.reported_at))
        last[key] = last.get(key, 0) + 1
        event.number = format_event_number(key[0], key[1], last[key])
