"""The members of one household: who lives together (relations, genders, ages), who
works away, their surnames, names and ID numbers, and their special groups."""

from __future__ import annotations

from dataclasses import dataclass

from gridcore.demo import texts as T
from gridcore.demo.generator.drafts import Grid, Home
from gridcore.demo.generator.draws import Draws, Weighted
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import (
    DisabilityCategory,
    Gender,
    PopulationType,
    Relation,
    ResidenceStatus,
    SpecialGroup,
)

_HOUSEHOLD_SIZE = Weighted([1, 2, 3, 4, 5, 6], [15, 27, 25, 18, 10, 5])
_DISABILITY = Weighted(
    list(DisabilityCategory),
    # visual, hearing, speech, physical, intellectual, mental, multiple (2006 survey shares)
    [14.9, 24.2, 1.5, 29.1, 6.7, 7.4, 16.3],
)
_DISABILITY_GRADE = Weighted([1, 2, 3, 4], [10, 20, 30, 40])
SENSITIVE = frozenset(g for g in SpecialGroup if g.sensitive)
"""Special groups that bring the 特殊人群 visit topics and keep a household off the
十星级文明户 roll."""


@dataclass(slots=True)
class _Person:
    """A household member being drawn, before it becomes a Resident."""

    relation: Relation
    gender: Gender
    age: int
    surname: str = ""
    partner: int | None = None
    parents: tuple[int, ...] = ()
    away: bool = False
    foreign: bool = False


def _kid_ages(d: Draws, parent_age: int, count: int) -> list[int]:
    """Ages of ``count`` siblings, eldest first: the eldest born when the parent was
    23–35 (19–22 for a young parent), then every two to six years (two whole years
    keep birth dates more than a year apart)."""
    ages = [parent_age - d.between(23, 35)]
    for _ in range(count - 1):
        ages.append(ages[-1] - d.between(2, 6))
    if ages[-1] < 0:
        eldest = max(parent_age - d.between(19, 22), 2 * (count - 1))
        ages = [eldest - 2 * i for i in range(count)]
    return [max(0, a) for a in ages]


def _compose(d: Draws, size: int, floating: bool) -> list[_Person]:
    """Relations, genders and ages of one household's members; index 0 is the head."""
    rng = d.rng
    people: list[_Person] = []
    male, female = Gender.MALE, Gender.FEMALE

    def add(relation: Relation, gender: Gender, age: int, parents: tuple[int, ...] = ()) -> int:
        people.append(_Person(relation, gender, max(0, min(age, 101)), parents=parents))
        return len(people) - 1

    def children(parents: tuple[int, ...], count: int, relation: Relation | None = None) -> None:
        # Counted from the younger parent, usually the mother.
        for age in _kid_ages(d, min(people[p].age for p in parents), count):
            gender = d.gender()
            kind = relation or (Relation.SON if gender is male else Relation.DAUGHTER)
            add(kind, gender, age, parents)

    def couple(head_age: int, head_male: bool = True) -> tuple[int, int]:
        head = add(Relation.HEAD, male if head_male else female, head_age)
        gap = round(rng.triangular(-3, 7, 2))
        spouse_age = head_age - gap if head_male else head_age + gap
        spouse = add(Relation.SPOUSE, female if head_male else male, max(spouse_age, 20))
        people[head].partner, people[spouse].partner = spouse, head
        return head, spouse

    if floating:
        if size == 1:
            add(Relation.HEAD, male if d.chance(0.7) else female, d.tri(19, 55, 30))
            return people
        couple(max(d.tri(20, 52, 32), 20 + 2 * size))
        children((0, 1), size - 2)
        return people
    if size == 1:
        if d.chance(0.5):
            add(Relation.HEAD, female if d.chance(0.6) else male, d.tri(60, 99, 77))
        else:
            add(Relation.HEAD, male if d.chance(0.65) else female, d.tri(20, 60, 45))
        return people
    if size == 2:
        r = rng.random()
        if r < 0.7:
            couple(d.tri(55, 95, 70) if d.chance(0.45) else d.tri(22, 62, 45))
        elif r < 0.85:
            head = add(Relation.HEAD, female if d.chance(0.6) else male, d.tri(40, 85, 60))
            children((head,), 1)
        else:
            head_age = d.tri(25, 58, 40)
            add(Relation.HEAD, male if d.chance(0.7) else female, head_age)
            add(Relation.PARENT, d.gender(), head_age + d.between(22, 34))
        return people
    if d.chance(0.65):
        # Husband, wife and children, sometimes with the head's parents.
        slots = size - 2
        parents = 0
        if slots >= 2 and d.chance(0.4):
            parents = 2 if slots >= 3 and d.chance(0.4) else 1
        head_age = max(d.tri(26, 64, 46), 22 + 2 * (slots - parents))
        h, s = couple(head_age, d.chance(0.88))
        father_age = head_age + d.between(24, 34)
        if parents == 2:
            f_idx = add(Relation.PARENT, male, father_age)
            m_idx = add(Relation.PARENT, female, father_age - d.between(0, 5))
            people[f_idx].partner, people[m_idx].partner = m_idx, f_idx
        elif parents == 1:
            add(Relation.PARENT, female if d.chance(0.7) else male, father_age)
        children((h, s), slots - parents)
        return people
    # Three generations: the head couple, a married son, grandchildren.
    head_age = d.tri(48, 86, 57)
    h, s = couple(head_age)
    left = size - 3
    son_age = max(head_age - d.between(22, 32), 25 if left else 18)
    son = add(Relation.SON, male, son_age, (h, s))
    grand_parents: tuple[int, ...] = (son,)
    if left > 0:
        cil = add(Relation.CHILD_IN_LAW, female, son_age - round(rng.triangular(-2, 6, 2)))
        people[son].partner, people[cil].partner = cil, son
        grand_parents = (son, cil)
        left -= 1
    grandkids = min(left, 3)
    if grandkids:
        children(grand_parents, grandkids, Relation.GRANDCHILD)
    for _ in range(left - grandkids):
        # An unmarried younger child of the head couple.
        gender = d.gender()
        add(
            Relation.DAUGHTER if gender is female else Relation.SON,
            gender,
            min(son_age - d.between(2, 10), head_age - 22),
            (h, s),
        )
    return people


def _migrate(d: Draws, people: list[_Person]) -> None:
    """Village working-age members who work elsewhere (户在人不在)."""
    for index, person in enumerate(people):
        if person.away:
            continue
        if person.gender is Gender.MALE and 20 <= person.age <= 55 and person.partner is not None:
            if not d.chance(0.36):
                continue
            person.away = True
            wife = people[person.partner]
            young_kids = any(index in p.parents and p.age < 16 for p in people)
            carer = any(
                p.age >= 45 and not p.away and p is not wife and p is not person for p in people
            )
            # Both parents leave only when someone stays with the children.
            p_wife = 0.65 if carer else 0.0 if young_kids else 0.45
            if 20 <= wife.age <= 55 and d.chance(p_wife):
                wife.away = True
        elif (
            person.partner is None
            and person.relation in (Relation.SON, Relation.DAUGHTER, Relation.GRANDCHILD)
            and 18 <= person.age <= 35
            and d.chance(0.45)
        ):
            person.away = True


def _surnames(d: Draws, people: list[_Person], head_surname: str) -> None:
    """Children carry their father's surname; spouses keep their own."""
    people[0].surname = head_surname
    for person in people[1:]:
        if person.relation in (Relation.SON, Relation.DAUGHTER, Relation.GRANDCHILD):
            father = next(
                (people[p] for p in person.parents if people[p].gender is Gender.MALE), None
            )
            if father is not None:
                person.surname = father.surname
            elif people[0].gender is Gender.MALE:
                person.surname = head_surname
        elif person.relation is Relation.PARENT and person.gender is Gender.MALE:
            person.surname = head_surname
        if not person.surname:
            person.surname = d.surnames.pick(d.rng)


def household(d: Draws, grid: Grid, address: str, micro_id: str, clans: list[str]) -> Home:
    rng = d.rng
    floating = d.chance(0.02 if grid.is_village else 0.12)
    size = _HOUSEHOLD_SIZE.pick(rng)
    if floating:
        size = min(size, 4)
    people = _compose(d, size, floating)
    if grid.is_village and not floating:
        _migrate(d, people)
        spouse = people[1] if len(people) >= 2 else None
        if (
            spouse is not None
            and spouse.relation is Relation.SPOUSE
            and spouse.gender is Gender.FEMALE
            and spouse.age < 50
            and d.chance(0.004)
        ):
            spouse.foreign = True
    _surnames(
        d,
        people,
        d.pick(clans) if grid.is_village and d.chance(0.35) else d.surnames.pick(rng),
    )
    ethnicity = d.pick(T.ETHNIC_MINORITIES) if d.chance(0.03) else "汉族"
    household_id = d.uid()
    names: set[str] = set()
    residents = [
        _resident(d, grid, household_id, person, floating, ethnicity, names) for person in people
    ]
    today = d.today
    ages = [r.age_on(today) or 0 for r in residents]
    _resident_groups(d, grid, people, residents, ages)
    household = Household(
        id=household_id,
        grid_id=grid.area.id,
        address=address,
        number="" if floating else f"{d.between(10**8, 10**9 - 1)}",
        micro_grid_id=micro_id,
        phone=next((r.phone for r in residents if r.phone), ""),
    )
    adults = [r.name for r, age in zip(residents, ages, strict=True) if age >= 18]
    return Home(
        household, residents, residents[0], grid.is_village, ages, adults or [residents[0].name]
    )


def _resident(
    d: Draws,
    grid: Grid,
    household_id: str,
    person: _Person,
    floating: bool,
    ethnicity: str,
    names: set[str],
) -> Resident:
    birth = d.birth_date(person.age)
    age = person.age
    if person.foreign:
        name = d.pick(T.FOREIGN_NAMES)
    else:
        name = person.surname + d.given_name(person.gender, birth)
        for _ in range(5):
            if name not in names:
                break
            name = person.surname + d.given_name(person.gender, birth)
    names.add(name)
    if person.foreign:
        ethnicity = ""
    elif person.relation in (Relation.SPOUSE, Relation.CHILD_IN_LAW) and d.chance(0.5):
        ethnicity = "汉族"
    status = ResidenceStatus.CONSISTENT
    id_number = ""
    notes = ""
    if person.foreign:
        population = PopulationType.OVERSEAS
        notes = T.FOREIGN_NOTE
    elif age <= 3 and d.chance(0.01):
        population = PopulationType.UNREGISTERED
        status = ResidenceStatus.PERSON_WITHOUT_HUKOU
        notes = "出生后尚未办理户口登记"
    else:
        id_number = d.id_number(birth, person.gender)
        population = PopulationType.FLOATING if floating else PopulationType.REGISTERED
    if floating:
        status = ResidenceStatus.PERSON_WITHOUT_HUKOU
    elif person.away:
        status = ResidenceStatus.HUKOU_WITHOUT_PERSON
    if person.away:
        workplace = f"外出务工（{d.pick(T.MIGRANT_CITIES)}）"
    elif age < 6:
        workplace = ""
    elif age < 12:
        workplace = f"在校学生（{grid.township.name}中心小学）"
    elif age < 15:
        workplace = f"在校学生（{grid.township.name}中学）"
    elif age < 19:
        workplace = f"在校学生（{T.COUNTY_NAME}第一中学）"
    elif age >= 60:
        workplace = "在家" if grid.is_village or d.chance(0.3) else "退休"
    elif floating:
        workplace = d.pick(T.FLOATING_WORK)
    else:
        workplace = d.pick(T.VILLAGE_WORK if grid.is_village else T.TOWN_WORK)
    if 16 <= age <= 75:
        phone = d.phone() if d.chance(0.95) else ""
    elif age > 75:
        phone = d.phone() if d.chance(0.4) else ""
    else:
        phone = ""
    return Resident(
        id=d.uid(),
        household_id=household_id,
        name=name,
        id_number=id_number,
        gender=person.gender,
        birth_date=birth,
        relation=person.relation,
        ethnicity=ethnicity,
        phone=phone,
        population_type=population,
        residence_status=status,
        workplace=workplace,
        notes=notes,
    )


def _resident_groups(
    d: Draws, grid: Grid, people: list[_Person], residents: list[Resident], ages: list[int]
) -> None:
    """Special-group tags; ``residents`` and ``ages`` match ``people`` index by index."""
    rng = d.rng
    village = grid.is_village
    working_age = [i for i, a in enumerate(ages) if 18 <= a <= 59]
    all_working_away = bool(working_age) and all(people[i].away for i in working_age)
    elderly_only = all(a >= 60 for a in ages)
    random_ = rng.random
    for i, (person, resident) in enumerate(zip(people, residents, strict=True)):
        age = ages[i]
        male = person.gender is Gender.MALE
        # 老年人 60+/80+ are derived from the birth date, never stored (they go stale).
        tags: list[SpecialGroup] = []
        if village and not person.away:
            if age < 16 and person.parents and all(people[p].away for p in person.parents):
                tags.append(SpecialGroup.LEFT_BEHIND_CHILD)
            if (
                not male
                and 20 <= age <= 60
                and person.partner is not None
                and people[person.partner].away
            ):
                tags.append(SpecialGroup.LEFT_BEHIND_WOMAN)
            if age >= 60 and (all_working_away or (elderly_only and random_() < 0.5)):
                tags.append(SpecialGroup.LEFT_BEHIND_ELDER)
        p_disabled = 0.02 if age < 18 else 0.045 if age < 60 else 0.12 if age < 80 else 0.2
        mental_illness = age >= 15 and random_() < 0.003
        if mental_illness:
            tags.append(SpecialGroup.SEVERE_MENTAL_ILLNESS)
        if random_() < (0.5 if mental_illness else p_disabled):
            tags.append(SpecialGroup.DISABLED)
            resident.disability_category = (
                DisabilityCategory.MENTAL
                if mental_illness and random_() < 0.8
                else _DISABILITY.pick(rng)
            )
            resident.disability_grade = _DISABILITY_GRADE.pick(rng)
        if age >= 18:
            p_party = 0.05 if age < 36 else 0.08 if age < 60 else 0.13
            if random_() < (p_party * (1.3 if male else 0.7)):
                tags.append(SpecialGroup.PARTY_MEMBER)
        if age >= 40 and random_() < (0.015 if male else 0.005):
            tags.append(SpecialGroup.VETERAN_FAMILY)
        if 6 <= age <= 25 and random_() < 0.008:
            tags.append(SpecialGroup.KEY_YOUTH)
        if 20 <= age <= 65 and not person.foreign:
            if random_() < (0.004 if male else 0.0006):
                tags.append(SpecialGroup.RELEASED_PRISONER)
            if random_() < (0.003 if male else 0.0008):
                tags.append(SpecialGroup.COMMUNITY_CORRECTION)
            if random_() < (0.003 if male else 0.0008):
                tags.append(SpecialGroup.DRUG_USER)
        if tags:
            resident.tags = frozenset(tags)
    _derived_details(people, residents, ages)


def _derived_details(people: list[_Person], residents: list[Resident], ages: list[int]) -> None:
    """What follows from the household without drawing: 独居/空巢老人, the guardian of
    a left-behind child (the oldest adult at home) and the 残疾证号 (the ID number,
    then the category and grade digits, as on the 残疾人证)."""
    at_home = [i for i, p in enumerate(people) if not p.away]
    if at_home and all(ages[i] >= 60 for i in at_home):
        group = (
            SpecialGroup.ELDER_LIVING_ALONE if len(at_home) == 1 else SpecialGroup.EMPTY_NEST_ELDER
        )
        for i in at_home:
            residents[i].tags = residents[i].tags | {group}
    adults = sorted((i for i in at_home if ages[i] >= 18), key=lambda i: -ages[i])
    for resident in residents:
        if SpecialGroup.LEFT_BEHIND_CHILD in resident.tags and adults:
            keeper = residents[adults[0]]
            old = ages[adults[0]] >= 45
            if keeper.gender is Gender.FEMALE:
                role = "祖母" if old else "母亲"
            else:
                role = "祖父" if old else "父亲"
            resident.guardian = f"{role} {keeper.name}"
            resident.guardian_phone = keeper.phone
        if (
            SpecialGroup.DISABLED in resident.tags
            and len(resident.id_number) == 18
            and resident.disability_category is not None
            and resident.disability_grade is not None
        ):
            category = list(DisabilityCategory).index(resident.disability_category) + 1
            resident.disability_certificate = (
                f"{resident.id_number}{category}{resident.disability_grade}"
            )
