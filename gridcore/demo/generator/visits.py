"""Two years of home visits (走访) by each grid's worker, more often to the households
that need them (the elderly, assistance, disability, left-behind children, special
groups, floating population)."""

from __future__ import annotations

import bisect

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid, Home
from gridcore.demo.generator.draws import Draws, Weighted
from gridcore.demo.generator.model import HISTORY_DAYS
from gridcore.demo.generator.people import SENSITIVE
from gridcore.domain.entities import Visit
from gridcore.domain.enums import HouseholdTag, PopulationType, SpecialGroup, VisitMethod

_METHODS = Weighted(
    [VisitMethod.IN_PERSON, VisitMethod.PHONE, VisitMethod.VIDEO, VisitMethod.MEETING,
     VisitMethod.OTHER],
    [78, 14, 3, 4, 1],
)  # fmt: skip


def _profile(d: Draws, home: Home) -> tuple[str, ...]:
    keys = ["general"]
    members = home.members
    if any((r.age_on(d.today) or 0) >= 60 for r in members):
        keys.append("elderly")
        if len(members) == 1:
            keys.append("elderly")
    if home.household.tags & {
        HouseholdTag.MINIMUM_LIVING,
        HouseholdTag.EXTREME_POVERTY,
        HouseholdTag.TEMPORARY_ASSISTANCE,
        HouseholdTag.MONITOR_MARGINAL,
        HouseholdTag.MONITOR_UNSTABLE,
        HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
    }:
        keys += ["assistance", "assistance"]
    if any(SpecialGroup.DISABLED in r.tags for r in members):
        keys.append("disabled")
    if any(SpecialGroup.LEFT_BEHIND_CHILD in r.tags for r in members):
        keys.append("left_behind")
    if any(r.tags & SENSITIVE for r in members):
        keys += ["special", "special"]
    if home.head.population_type is PopulationType.FLOATING:
        keys.append("floating")
    return tuple(keys)


def _topics(d: Draws, profile: tuple[str, ...]) -> list[T.Topic]:
    cached = d.topic_cache.get(profile)
    if cached is None:
        pools = {
            "general": T.GENERAL_TOPICS,
            "elderly": T.ELDERLY_TOPICS,
            "assistance": T.ASSISTANCE_TOPICS,
            "disabled": T.DISABLED_TOPICS,
            "left_behind": T.LEFT_BEHIND_TOPICS,
            "special": T.SPECIAL_TOPICS,
            "floating": T.FLOATING_TOPICS,
        }
        cached = []
        for key in profile:
            # Each key weighs the same whatever the size of its pool.
            pool = pools[key]
            cached += list(pool) * (len(T.GENERAL_TOPICS) // len(pool) or 1)
        d.topic_cache[profile] = cached
    return cached


def add_visits(d: Draws, grid: Grid) -> None:
    rng = d.rng
    weights: list[float] = []
    for home in grid.homes:
        home.profile = profile = _profile(d, home)
        w = 0.75 + 0.5 * (len(profile) - 1)
        weights.append(w)
    mean = sum(weights) / len(weights)
    rate = d.spec.visits_per_household
    out = d.ds.visits
    uid, random_ = d.uid, rng.random
    first_day = d.today_ord - HISTORY_DAYS
    worker, grid_id = grid.worker, grid.area.id
    methods, m_cum, m_total = _METHODS.items, _METHODS.cum, _METHODS.total
    phone_topics, meeting_topic = T.PHONE_TOPICS, T.MEETING_TOPICS[0]
    moment = d.moment
    for home, w in zip(grid.homes, weights, strict=True):
        expected = rate * w / mean * rng.uniform(0.6, 1.4)
        n = int(expected) + (1 if random_() < expected % 1 else 0)
        if n == 0:
            continue
        topics = _topics(d, home.profile)
        days = sorted([first_day + int(random_() * HISTORY_DAYS) for _ in range(n)])
        household_id = home.household.id
        for day in days:
            method = methods[bisect.bisect_right(m_cum, random_() * m_total)]
            if method is VisitMethod.PHONE:
                topic = phone_topics[int(random_() * len(phone_topics))]
            elif method is VisitMethod.MEETING:
                topic = meeting_topic
            else:
                topic = topics[int(random_() * len(topics))]
            content, findings, responses = topic
            need, follow_up = responses[int(random_() * len(responses))]
            out.append(
                Visit(
                    id=uid(),
                    household_id=household_id,
                    grid_id=grid_id,
                    visitor=worker,
                    visited_at=moment(day),
                    method=method,
                    content=content,
                    findings=findings[int(random_() * len(findings))],
                    needs=need,
                    follow_up=follow_up,
                )
            )
