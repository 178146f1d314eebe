"""The demo data generator: determinism, shape, validity and realism of what it makes."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from gridclient.resources_path import resource_path
from gridcore.demo import generator as gen
from gridcore.demo.generator import DEMO_PASSWORD, Dataset, SizeSpec, generate, load_catalog
from gridcore.domain.agegroups import effective_tags
from gridcore.domain.catalog import EventCatalog, EventCategory
from gridcore.domain.codec import encode_fields
from gridcore.domain.entities import CST, Area, EventAction, Record, Resident
from gridcore.domain.enums import (
    AreaLevel,
    EventGroup,
    EventSource,
    EventState,
    Gender,
    HouseholdTag,
    Ledger,
    LimitKind,
    PopulationType,
    Relation,
    Role,
    SpecialGroup,
    Urgency,
)
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.workflow import derive_state, event_status

TODAY = date(2026, 11, 1)
NOW = datetime.combine(TODAY, time.min, tzinfo=CST)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def small() -> Dataset:
    return generate("S", 7, today=TODAY)


@pytest.fixture(scope="module")
def medium() -> Dataset:
    return generate("M", 11, today=TODAY)


@pytest.fixture(scope="module")
def every_kind() -> Dataset:
    """A small county with a street, a town and a xiang, to see all code ranges."""
    spec = SizeSpec(("street", "town", "xiang"), 5, (60, 80), 4.0, 1.0)
    return generate(spec, 3, today=TODAY)


def _snapshot(dataset: Dataset) -> list[tuple[str, str, str]]:
    rows = []
    for name in (
        "areas",
        "households",
        "residents",
        "organizations",
        "patrols",
        "visits",
        "events",
    ):
        records: list[Record] = getattr(dataset, name)
        rows += [(name, r.id, json.dumps(encode_fields(r), ensure_ascii=False)) for r in records]
    rows += [
        ("event_actions", a.id, json.dumps(encode_fields(a), ensure_ascii=False))
        for a in dataset.event_actions
    ]
    rows += [
        ("mediations", m.id, json.dumps(encode_fields(m), ensure_ascii=False))
        for m in dataset.mediations
    ]
    rows += [("users", u.username, repr(u)) for u in dataset.users]
    return rows


def _actions_by_event(dataset: Dataset) -> dict[str, list[EventAction]]:
    by_event: dict[str, list[EventAction]] = {}
    for action in dataset.event_actions:
        by_event.setdefault(action.event_id, []).append(action)
    return by_event


def _areas(dataset: Dataset, level: AreaLevel) -> list[Area]:
    return [a for a in dataset.areas if a.level is level]


def _all_datasets(small: Dataset, medium: Dataset, every_kind: Dataset) -> Iterator[Dataset]:
    yield from (small, medium, every_kind)


# --------------------------------------------------------------------------- determinism


def test_same_size_seed_and_day_give_identical_records(small: Dataset) -> None:
    again = generate("S", 7, today=TODAY)
    assert _snapshot(again) == _snapshot(small)


def _digest(dataset: Dataset) -> str:
    return hashlib.sha256(repr(_snapshot(dataset)).encode()).hexdigest()


def test_output_does_not_depend_on_the_process_hash_seed(small: Dataset) -> None:
    """Nothing may depend on set or dict order of strings, which changes per process."""
    code = (
        "import datetime, sys\n"
        "from tests.unit.test_generator import _digest\n"
        "from gridcore.demo.generator import generate\n"
        "print(_digest(generate('S', 7, today=datetime.date(2026, 11, 1))))\n"
    )
    for hash_seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == _digest(small)


def test_patrols_cover_recent_days_and_link_the_events_reported_on_them(
    small: Dataset, medium: Dataset
) -> None:
    """Two months of patrols per grid worker, none on or after today, each in its
    worker's grid; every event a worker reported in that window is linked from that
    day's patrol, and only those."""
    for dataset in (small, medium):
        grids = _areas(dataset, AreaLevel.GRID)
        worker_of = {u.scope_code: u.username for u in dataset.users if u.role is Role.WORKER}
        grid_worker = {g.id: worker_of[g.code] for g in grids}
        assert {p.grid_id for p in dataset.patrols} == set(grid_worker)
        first = TODAY - timedelta(days=gen.PATROL_DAYS)
        events = {e.id: e for e in dataset.events}
        linked: set[str] = set()
        for patrol in dataset.patrols:
            assert first <= patrol.patrol_date < TODAY
            assert patrol.patroller == grid_worker[patrol.grid_id]
            assert patrol.started_at is not None and patrol.ended_at is not None
            assert patrol.started_at.astimezone(CST).date() == patrol.patrol_date
            assert patrol.ended_at > patrol.started_at and patrol.route and patrol.findings
            for event_id in patrol.event_ids:
                event = events[event_id]
                assert event.grid_id == patrol.grid_id and event.reporter == patrol.patroller
                assert event.reported_at.astimezone(CST).date() == patrol.patrol_date
            linked.update(patrol.event_ids)
        expected = {
            e.id
            for e in dataset.events
            if e.source is EventSource.GRID_WORKER
            and e.reporter == grid_worker.get(e.grid_id)
            and first <= e.reported_at.astimezone(CST).date() < TODAY
        }
        assert linked == expected and linked


def test_another_seed_or_day_gives_other_records(small: Dataset) -> None:
    other_seed = generate("S", 8, today=TODAY)
    assert {r.id for r in other_seed.residents}.isdisjoint({r.id for r in small.residents})
    assert [r.name for r in other_seed.residents[:50]] != [r.name for r in small.residents[:50]]
    later = generate("S", 7, today=TODAY + timedelta(days=30))
    assert max(v.visited_at for v in later.visits) > max(v.visited_at for v in small.visits)


def test_record_ids_are_unique_uuid4(small: Dataset) -> None:
    ids = [r.id for r in _snapshot_records(small)]
    assert len(ids) == len(set(ids))
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def _snapshot_records(dataset: Dataset) -> list[Record]:
    return [
        *dataset.areas,
        *dataset.households,
        *dataset.residents,
        *dataset.organizations,
        *dataset.visits,
        *dataset.events,
        *dataset.event_actions,
    ]


def test_unknown_size_and_impossible_spec_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        generate("XL", today=TODAY)
    with pytest.raises(ValueError):
        generate(SizeSpec(("city",), 1, (10, 10), 1.0, 1.0), today=TODAY)
    with pytest.raises(ValueError):
        generate(SizeSpec(("town",), 200, (10, 10), 1.0, 1.0), today=TODAY)


# --------------------------------------------------------------------------- sizes


def test_small_is_one_grid_of_about_500_households(small: Dataset) -> None:
    counts = small.counts()
    assert len(_areas(small, AreaLevel.COUNTY)) == 1
    assert len(_areas(small, AreaLevel.TOWNSHIP)) == 1
    assert len(_areas(small, AreaLevel.VILLAGE)) == 1
    assert len(_areas(small, AreaLevel.GRID)) == 1
    assert 480 <= counts["households"] <= 520
    assert 2.5 <= counts["residents"] / counts["households"] <= 3.5
    assert 40 <= len(_areas(small, AreaLevel.MICRO_GRID)) <= 65
    assert 8 <= counts["visits"] / counts["households"] <= 12
    assert 1.5 <= counts["events"] / counts["households"] <= 2.5
    assert 4 <= counts["event_actions"] / counts["events"] <= 9
    assert counts["users"] == 3
    assert counts["organizations"] >= 6


@pytest.mark.slow
def test_medium_is_a_township_of_about_10000_households(medium: Dataset) -> None:
    counts = medium.counts()
    assert len(_areas(medium, AreaLevel.TOWNSHIP)) == 1
    assert len(_areas(medium, AreaLevel.GRID)) == 30
    assert 9_000 <= counts["households"] <= 11_500
    assert 26_000 <= counts["residents"] <= 35_000
    assert 85_000 <= counts["visits"] <= 115_000
    assert 17_000 <= counts["events"] <= 23_000
    villages = _areas(medium, AreaLevel.VILLAGE)
    assert any(v.name.endswith("社区") for v in villages)
    assert any(v.name.endswith("村") for v in villages)
    sizes = Counter(h.grid_id for h in medium.households)
    assert all(300 <= n <= 370 for n in sizes.values())
    micro = Counter(h.micro_grid_id for h in medium.households)
    assert len(micro) == len(_areas(medium, AreaLevel.MICRO_GRID))
    assert all(6 <= n <= 12 for n in micro.values())
    assert 9 <= sum(micro.values()) / len(micro) <= 11


def test_sizes_table_matches_the_brief() -> None:
    assert set(gen.SIZES) == {"S", "M", "L"}
    m, big = gen.SIZES["M"], gen.SIZES["L"]
    assert len(big.township_kinds) == 10 * len(m.township_kinds)
    assert big.grids_per_township == m.grids_per_township


# --------------------------------------------------------------------------- areas


def test_area_codes_nest_and_use_the_statistical_ranges(
    small: Dataset, medium: Dataset, every_kind: Dataset
) -> None:
    for dataset in _all_datasets(small, medium, every_kind):
        by_id = {a.id: a for a in dataset.areas}
        assert len({a.code for a in dataset.areas}) == len(dataset.areas)
        (county,) = _areas(dataset, AreaLevel.COUNTY)
        assert re.fullmatch(r"[1-6]\d{5}000000", county.code)
        for area in dataset.areas:
            assert area.code.isdigit()
            if area.level is AreaLevel.COUNTY:
                assert area.parent_id is None
                continue
            parent = by_id[area.parent_id or ""]
            assert parent.level.depth == area.level.depth - 1
            if area.level is AreaLevel.TOWNSHIP:
                assert len(area.code) == 12 and area.code[:6] == county.code[:6]
                assert area.code[9:] == "000"
                number = int(area.code[6:9])
                if area.name.endswith("街道"):
                    assert 1 <= number <= 99
                elif area.name.endswith("镇"):
                    assert 100 <= number <= 199
                else:
                    assert area.name.endswith("乡") and 200 <= number <= 399
            elif area.level is AreaLevel.VILLAGE:
                assert len(area.code) == 12 and area.code[:9] == parent.code[:9]
                number = int(area.code[9:])
                if area.name.endswith("社区"):
                    assert 1 <= number <= 199
                else:
                    assert area.name.endswith("村") and 200 <= number <= 399
            elif area.level is AreaLevel.GRID:
                assert len(area.code) == 15 and area.code[:12] == parent.code
            else:
                assert len(area.code) == 18 and area.code[:15] == parent.code


def test_every_street_town_and_xiang_appears(every_kind: Dataset) -> None:
    names = [a.name for a in _areas(every_kind, AreaLevel.TOWNSHIP)]
    assert sorted(n[-1] for n in names) == ["乡", "道", "镇"]
    xiang = next(a for a in _areas(every_kind, AreaLevel.TOWNSHIP) if a.name.endswith("乡"))
    its_units = [a for a in _areas(every_kind, AreaLevel.VILLAGE) if a.parent_id == xiang.id]
    assert its_units and all(u.name.endswith("村") for u in its_units)


def test_households_sit_in_a_grid_and_one_of_its_micro_grids(medium: Dataset) -> None:
    by_id = {a.id: a for a in medium.areas}
    for household in medium.households:
        grid = by_id[household.grid_id]
        micro = by_id[household.micro_grid_id or ""]
        assert grid.level is AreaLevel.GRID
        assert micro.level is AreaLevel.MICRO_GRID and micro.parent_id == grid.id
    core = Counter(h.micro_grid_id for h in medium.households if HouseholdTag.GRID_CORE in h.tags)
    micro_grids = _areas(medium, AreaLevel.MICRO_GRID)
    assert all(core[m.id] == 1 for m in micro_grids)


# --------------------------------------------------------------------------- people


def _gb11643_check(body: str) -> str:
    """Independent of the generator: GB 11643-1999, ISO 7064 MOD 11-2."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    assert weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return "10X98765432"[total % 11]


def test_gb11643_checker_accepts_the_published_examples() -> None:
    for number in ("11010519491231002X", "440524188001010014"):
        assert _gb11643_check(number[:17]) == number[17]


def test_id_numbers_are_valid_unique_and_match_the_person(medium: Dataset) -> None:
    (county,) = _areas(medium, AreaLevel.COUNTY)
    numbers = [r.id_number for r in medium.residents if r.id_number]
    assert len(numbers) == len(set(numbers))
    for resident in medium.residents:
        number = resident.id_number
        if not number:
            assert resident.population_type in (
                PopulationType.OVERSEAS,
                PopulationType.UNREGISTERED,
            )
            continue
        assert re.fullmatch(r"\d{17}[\dX]", number)
        assert number[17] == _gb11643_check(number[:17])
        assert number[:6] == county.code[:6]
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert born == resident.birth_date
        assert (int(number[16]) % 2 == 1) == (resident.gender is Gender.MALE)
    assert len(numbers) >= 0.99 * len(medium.residents)
    with_x = sum(n.endswith("X") for n in numbers) / len(numbers)
    assert 0.05 <= with_x <= 0.14  # one in eleven when the check is uniform


def test_phone_numbers_are_mobile_numbers(small: Dataset) -> None:
    mobile = re.compile(r"1[3-9]\d{9}")
    phones = [r.phone for r in small.residents if r.phone]
    assert len(phones) > 0.6 * len(small.residents)
    assert all(mobile.fullmatch(p) for p in phones)
    assert all(mobile.fullmatch(h.phone) for h in small.households if h.phone)
    assert all(mobile.fullmatch(o.phone) for o in small.organizations if o.phone)


def _members(dataset: Dataset) -> dict[str, list[Resident]]:
    members: dict[str, list[Resident]] = {}
    for resident in dataset.residents:
        members.setdefault(resident.household_id, []).append(resident)
    return members


def _age(resident: Resident) -> int:
    age = resident.age_on(TODAY)
    assert age is not None
    return age


def test_households_have_one_head_and_plausible_relatives(medium: Dataset) -> None:
    members = _members(medium)
    assert set(members) == {h.id for h in medium.households}
    for people in members.values():
        assert 1 <= len(people) <= 6
        heads = [p for p in people if p.relation is Relation.HEAD]
        assert len(heads) == 1
        head = heads[0]
        assert _age(head) >= 18
        for person in people:
            gap = _age(head) - _age(person)
            if person.relation is Relation.SPOUSE:
                assert abs(gap) <= 12 and person.gender is not head.gender
            elif person.relation in (Relation.SON, Relation.DAUGHTER):
                assert gap >= 16
                assert (person.relation is Relation.SON) == (person.gender is Gender.MALE)
            elif person.relation is Relation.GRANDCHILD:
                assert gap >= 32
            elif person.relation is Relation.PARENT:
                assert gap <= -18
        children = sorted(
            p.birth_date
            for p in people
            if p.relation in (Relation.SON, Relation.DAUGHTER) and p.birth_date
        )
        assert all(b - a > timedelta(days=300) for a, b in itertools.pairwise(children))


def test_names_are_chinese_with_common_surnames(medium: Dataset) -> None:
    han = [r for r in medium.residents if r.population_type is not PopulationType.OVERSEAS]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", r.name) for r in han)
    surnames = Counter(r.name[0] for r in han)
    top = [s for s, _ in surnames.most_common(5)]
    assert set(top) <= {"王", "李", "张", "刘", "陈", "杨", "黄"}
    assert 0.04 <= surnames["王"] / len(han) <= 0.15


@pytest.mark.slow
def test_special_groups_have_plausible_shares(medium: Dataset) -> None:
    residents = medium.residents
    n = len(residents)

    def share(group: SpecialGroup) -> float:
        return sum(group in effective_tags(r, TODAY) for r in residents) / n

    assert 0.16 <= share(SpecialGroup.ELDERLY_60) <= 0.25
    assert 0.02 <= share(SpecialGroup.ELDERLY_80) <= 0.045
    assert 0.045 <= share(SpecialGroup.DISABLED) <= 0.075
    assert 0.055 <= share(SpecialGroup.PARTY_MEMBER) <= 0.09
    for rare in (
        SpecialGroup.RELEASED_PRISONER,
        SpecialGroup.COMMUNITY_CORRECTION,
        SpecialGroup.DRUG_USER,
        SpecialGroup.SEVERE_MENTAL_ILLNESS,
    ):
        assert 0.0003 <= share(rare) <= 0.005, rare
    for left_behind in (
        SpecialGroup.LEFT_BEHIND_CHILD,
        SpecialGroup.LEFT_BEHIND_ELDER,
        SpecialGroup.LEFT_BEHIND_WOMAN,
    ):
        assert share(left_behind) > 0.002, left_behind
    assert share(SpecialGroup.VETERAN_FAMILY) > 0.002
    households = medium.households
    h = len(households)

    def household_share(*tags: HouseholdTag) -> float:
        return sum(bool(set(tags) & x.tags) for x in households) / h

    assert 0.02 <= household_share(HouseholdTag.MINIMUM_LIVING) <= 0.04
    assert 0 < household_share(HouseholdTag.EXTREME_POVERTY) < 0.01
    monitored = household_share(
        HouseholdTag.MONITOR_UNSTABLE,
        HouseholdTag.MONITOR_MARGINAL,
        HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
    )
    assert 0.008 <= monitored <= 0.025
    assert not any(
        {HouseholdTag.MINIMUM_LIVING, HouseholdTag.EXTREME_POVERTY} <= x.tags for x in households
    )


def test_tags_agree_with_age_place_and_disability(medium: Dataset) -> None:
    by_id = {a.id: a for a in medium.areas}
    grid_of = {h.id: by_id[h.grid_id] for h in medium.households}
    left_behind = {
        SpecialGroup.LEFT_BEHIND_CHILD,
        SpecialGroup.LEFT_BEHIND_ELDER,
        SpecialGroup.LEFT_BEHIND_WOMAN,
    }
    for resident in medium.residents:
        age = _age(resident)
        # 老年人 60+/80+ are derived from the birth date and never stored.
        assert not resident.tags & {SpecialGroup.ELDERLY_60, SpecialGroup.ELDERLY_80}
        assert (SpecialGroup.ELDERLY_60 in effective_tags(resident, TODAY)) == (age >= 60)
        assert (SpecialGroup.ELDERLY_80 in effective_tags(resident, TODAY)) == (age >= 80)
        disabled = SpecialGroup.DISABLED in resident.tags
        assert (resident.disability_category is not None) == disabled
        assert (resident.disability_grade in (1, 2, 3, 4)) == disabled
        if resident.tags & left_behind:
            village = by_id[grid_of[resident.household_id].parent_id or ""]
            assert int(village.code[9:]) >= 200  # 村委会, not a community
        if SpecialGroup.LEFT_BEHIND_CHILD in resident.tags:
            assert age < 16


# --------------------------------------------------------------------------- visits


def test_visits_are_by_the_grid_worker_in_the_last_two_years(small: Dataset) -> None:
    workers = {u.scope_code: u.username for u in small.users if u.role is Role.WORKER}
    grid_code = {a.id: a.code for a in small.areas}
    household_grid = {h.id: h.grid_id for h in small.households}
    first = NOW - timedelta(days=731)
    for visit in small.visits:
        assert first <= visit.visited_at < NOW
        assert visit.visited_at.tzinfo is not None
        assert household_grid[visit.household_id] == visit.grid_id
        assert visit.visitor == workers[grid_code[visit.grid_id]]
        assert visit.content
        assert visit.follow_up == "" or visit.findings
    methods = Counter(v.method.value for v in small.visits)
    assert methods["in_person"] > 0.6 * len(small.visits)
    assert methods["phone"] > 0.05 * len(small.visits)
    visited = {v.household_id for v in small.visits}
    assert len(visited) > 0.95 * len(small.households)


# --------------------------------------------------------------------------- events


def test_every_history_is_legal_and_in_time_order(small: Dataset, medium: Dataset) -> None:
    for dataset in (small, medium):
        by_event = _actions_by_event(dataset)
        areas = {a.id: a for a in dataset.areas}
        users = {u.scope_code: u.username for u in dataset.users}
        assert set(by_event) == {e.id for e in dataset.events}
        for event in dataset.events:
            actions = by_event[event.id]
            derive_state(actions)  # raises on an impossible history
            times = [a.at for a in actions]
            assert all(a < b for a, b in itertools.pairwise(times)), event.id
            assert actions[0].kind in (A.REPORT, A.SELF_RESOLVE)
            assert actions[0].at == event.reported_at
            assert times[-1] < NOW
            grid = areas[event.grid_id]
            township_code = grid.code[:9] + "000"
            # A grid worker's report, or township intake (热线, 来访 …) by its staff.
            if event.source is EventSource.GRID_WORKER:
                assert event.reporter == users[grid.code]
            else:
                assert event.reporter == users[township_code]
                assert (actions[0].kind, actions[0].actor_role) == (A.REPORT, Role.TOWNSHIP)
            for action in actions:
                expected = users[grid.code] if action.actor_role is Role.WORKER else None
                if action.actor_role is Role.TOWNSHIP:
                    expected = users[township_code]
                assert action.actor == expected
            sent = [a for a in actions if a.kind in (A.DISPATCH, A.REDISPATCH)]
            assert all(a.assignee for a in sent)
            if sent:
                handled_by = {x.actor_role for x in actions if x.kind in (A.HANDLE, A.FEEDBACK)}
                if sent[-1].assignee == "grid":
                    assert handled_by <= {Role.WORKER}
                else:
                    assert handled_by <= {Role.TOWNSHIP}


def test_every_state_ledger_and_group_appears(small: Dataset, medium: Dataset) -> None:
    for dataset in (small, medium):
        by_event = _actions_by_event(dataset)
        states = {derive_state(by_event[e.id]) for e in dataset.events}
        assert states == set(EventState)
        assert {e.ledger for e in dataset.events} == set(Ledger)
        groups = {dataset.catalog.get(e.category_code).group for e in dataset.events}
        assert groups == set(EventGroup)
        assert {e.urgency for e in dataset.events} == set(Urgency)
        for event in dataset.events:
            category = dataset.catalog.get(event.category_code)
            assert event.ledger is category.ledger
            assert event.urgency in category.time_limits or event.urgency in category.hour_limits


@pytest.mark.slow
def test_event_mix_is_mostly_finished_with_some_open_and_overdue(medium: Dataset) -> None:
    by_event = _actions_by_event(medium)
    statuses = [event_status(e, by_event[e.id], medium.catalog, NOW) for e in medium.events]
    n = len(statuses)
    states = Counter(s.state for s in statuses)
    finished = sum(not s.is_open for s in statuses)
    assert finished >= 0.9 * n
    assert states[EventState.CLOSED] + states[EventState.EVALUATED] >= 0.7 * n
    assert 0.05 <= states[EventState.SELF_RESOLVED] / n <= 0.25
    open_overdue = sum(s.is_open and s.overdue for s in statuses)
    open_in_time = sum(s.is_open and not s.overdue for s in statuses)
    late = sum(not s.is_open and s.overdue for s in statuses)
    assert open_overdue > 0.005 * n and open_in_time > 0
    assert 0.01 * n <= late <= 0.1 * n
    assert 0.02 * n <= sum(s.supervised for s in statuses) <= 0.2 * n
    satisfaction = Counter(s.satisfaction for s in statuses if s.satisfaction is not None)
    assert satisfaction.most_common(1)[0][0].value == "satisfied"
    assert len(satisfaction) == 3
    recent = [
        s
        for e, s in zip(medium.events, statuses, strict=True)
        if e.reported_at > NOW - timedelta(days=7)
    ]
    assert sum(s.is_open for s in recent) > 0.3 * len(recent)


def test_a_catalog_from_the_server_drives_the_events() -> None:
    categories = [
        EventCategory(
            code=f"X{i}",
            name=f"事项{i}",
            group=group,
            ledger=list(Ledger)[i % 3],
            time_limits={Urgency.NORMAL: 10, Urgency.URGENT: 2},
        )
        for i, group in enumerate(EventGroup)
    ]
    catalog = EventCatalog.of(categories, "test")
    dataset = generate("S", 1, today=TODAY, catalog=catalog)
    assert dataset.catalog is catalog
    assert {e.category_code for e in dataset.events} == {c.code for c in categories}
    assert all(e.urgency is not Urgency.CRITICAL for e in dataset.events)
    assert all(e.title for e in dataset.events)
    by_event = _actions_by_event(dataset)
    assert {derive_state(by_event[e.id]) for e in dataset.events} == set(EventState)


# --------------------------------------------------------------------------- users, orgs


def test_users_one_worker_per_grid_one_per_township_and_an_admin(every_kind: Dataset) -> None:
    users = every_kind.users
    assert len({u.username for u in users}) == len(users)
    assert all(re.fullmatch(r"[a-z0-9]+", u.username) for u in users)
    assert all(u.password == DEMO_PASSWORD for u in users)
    grids = {a.code for a in _areas(every_kind, AreaLevel.GRID)}
    townships = {a.code for a in _areas(every_kind, AreaLevel.TOWNSHIP)}
    workers = [u for u in users if u.role is Role.WORKER]
    assert sorted(u.scope_code for u in workers) == sorted(grids)
    assert {u.scope_code for u in users if u.role is Role.TOWNSHIP} == townships
    assert [u.username for u in users if u.role is Role.ADMIN] == ["admin"]
    assert {u.username for u in users if u.role is Role.TOWNSHIP} == {
        "township01",
        "township02",
        "township03",
    }


def test_organizations_in_every_grid(medium: Dataset) -> None:
    grids = {a.id: a for a in _areas(medium, AreaLevel.GRID)}
    per_grid = Counter(o.grid_id for o in medium.organizations)
    assert set(per_grid) == set(grids)
    kinds = Counter(o.kind.value for o in medium.organizations)
    for kind in (
        "wedding_funeral_council",
        "elderly_association",
        "anti_drug_gambling",
        "mediation_committee",
        "party_branch",
        "volunteer_team",
        "enterprise",
    ):
        assert kinds[kind] > 0, kind
    assert all(o.leader and o.name for o in medium.organizations)


# --------------------------------------------------------------------------- catalog


def test_sample_catalog_parses_and_covers_groups_ledgers_and_limits() -> None:
    document = json.loads((ROOT / "gridcore" / "data" / "catalog.json").read_text(encoding="utf-8"))
    catalog = EventCatalog.from_json(document)
    assert catalog == load_catalog()
    assert EventCatalog.from_json(catalog.to_json()) == catalog
    active = catalog.active()
    assert 40 <= len(active) <= 60
    assert {c.group for c in active} == set(EventGroup)
    assert {c.ledger for c in active} == set(Ledger)
    assert len({c.name for c in catalog}) == len(catalog)
    for category in catalog:
        limits = category.time_limits
        assert Urgency.NORMAL in limits
        assert 7 <= limits[Urgency.NORMAL] <= 15
        assert 1 <= limits.get(Urgency.URGENT, 1) <= 3
        assert limits.get(Urgency.CRITICAL, 0) == 0
        assert category.hour_limits.get(Urgency.CRITICAL, 4) in (4, 24)
    # Both kinds of day and both kinds of urgent limit are shipped: hazards are due
    # within 4 hours when critical, applications and suggestions count working days.
    assert catalog.get("02001").time_limit(Urgency.CRITICAL).hours == 4
    assert catalog.get("01001").time_limit(Urgency.CRITICAL).days == 0
    assert catalog.get("03001").limit_kind is LimitKind.WORKING
    assert catalog.get("05001").limit_kind is LimitKind.WORKING
    assert catalog.get("02001").limit_kind is LimitKind.CALENDAR


def test_resource_path_in_a_checkout_and_in_a_frozen_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    icon = resource_path("icons", "gridclient.png")
    assert icon == ROOT / "resources" / "icons" / "gridclient.png"
    assert icon.is_file()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("i18n", "zh_CN.qm") == tmp_path / "resources" / "i18n" / "zh_CN.qm"


def test_groups_follow_the_rules_and_rosters_have_their_details(small: Dataset) -> None:
    """Every generated tag passes the group rules the server applies; left-behind children
    have a guardian, disabled people a 残疾证号 (ID number + category + grade digits),
    townships a 填报单位."""
    from gridcore.domain.enums import AreaLevel
    from gridcore.domain.grouprules import tag_problems

    assert [
        p for r in small.residents for p in tag_problems(r.tags, r.gender, r.birth_date, TODAY)
    ] == []
    children = [r for r in small.residents if SpecialGroup.LEFT_BEHIND_CHILD in r.tags]
    assert children and all(r.guardian for r in children)
    assert any(r.guardian_phone for r in children)  # the keeper's phone, when they have one
    disabled = [r for r in small.residents if SpecialGroup.DISABLED in r.tags]
    assert all(
        len(r.disability_certificate) == 20 and r.disability_certificate.startswith(r.id_number)
        for r in disabled
        if len(r.id_number) == 18
    )
    assert any(SpecialGroup.ELDER_LIVING_ALONE in r.tags for r in small.residents)
    townships = [a for a in small.areas if a.level is AreaLevel.TOWNSHIP]
    assert all(a.issuer.endswith(("人民政府", "办事处")) for a in townships)


def test_demo_roles_follow_the_account_names() -> None:
    from gridcore.demo import demo_role

    users = gen.generate("S").users
    assert users and all(demo_role(u.username) is u.role for u in users)
    assert demo_role("admin2") is None and demo_role("worker") is None
    assert demo_role("zhangsan") is None


def test_the_practiced_loop_appears(medium: Dataset) -> None:
    """改派 after a hand-back, 延期, 书记阅批, 受理告知, 不满意 → 返工 and township intake all
    show up in the demo, and no serious category is ever self-resolved."""
    kinds = Counter(a.kind for a in medium.event_actions)
    for kind in (A.HAND_BACK, A.REDISPATCH, A.REQUEST_EXTENSION, A.APPROVE_EXTENSION,
                 A.SECRETARY_REVIEW, A.NOTIFY_ACCEPTANCE):  # fmt: skip
        assert kinds[kind] > 0, kind
    by_event = _actions_by_event(medium)
    statuses = [event_status(e, by_event[e.id], medium.catalog, NOW) for e in medium.events]
    assert any(s.rework_rounds for s in statuses)
    assert any(s.extended for s in statuses)
    assert {e.source for e in medium.events} == set(EventSource)
    for event in medium.events:
        if any(a.kind is A.SELF_RESOLVE for a in by_event[event.id]):
            assert medium.catalog.get(event.category_code).self_resolvable, event.category_code


def test_mediations_of_dispute_events_follow_the_rules(small: Dataset) -> None:
    """Sample 调解 records: only on dispute events that were taken up, each valid by the
    rules the form and the server apply, with every outcome present and mostly 调解成功."""
    from gridcore.domain import limits
    from gridcore.domain.enums import EventGroup, MediationOutcome
    from gridcore.domain.mediation import mediation_problems, success_rate

    events = {e.id: e for e in small.events}
    assert small.mediations
    for m in small.mediations:
        event = events[m.event_id]
        assert small.catalog.get(event.category_code).group is EventGroup.DISPUTE
        assert mediation_problems(m) == [], m
        limits.check_record(m)
        assert all(m.started_on <= s.on <= TODAY for s in m.sessions)
    rate = success_rate(m.outcome for m in small.mediations)
    assert {m.outcome for m in small.mediations} == set(MediationOutcome)
    assert rate.rate is not None and 0.7 <= rate.rate <= 0.95
