"""Special-group rules: derived and age-bounded groups, gender and age checks (one table
in gridcore, used by the resident form and the server)."""

from __future__ import annotations

from datetime import date

from gridcore.domain.agegroups import (
    AGE_BOUNDS,
    DERIVED_GROUPS,
    age_groups,
    birth_window,
    effective_codes,
    effective_tags,
)
from gridcore.domain.entities import Resident
from gridcore.domain.enums import Gender, SpecialGroup
from gridcore.domain.grouprules import GROUP_RULES, tag_problems

G = SpecialGroup
TODAY = date(2026, 12, 3)


def _born(age: int, *, later_this_year: bool = False) -> date:
    """Someone exactly ``age`` on TODAY (birthday passed), or one year younger when the
    birthday is later this year."""
    return date(TODAY.year - age, 12, 31) if later_this_year else date(TODAY.year - age, 1, 1)


def test_elderly_groups_up_to_100_are_derived() -> None:
    assert {G.ELDERLY_60, G.ELDERLY_80, G.ELDERLY_90, G.ELDERLY_100} == DERIVED_GROUPS
    assert age_groups(_born(90), TODAY) == {G.ELDERLY_60, G.ELDERLY_80, G.ELDERLY_90}
    assert age_groups(_born(100), TODAY) == DERIVED_GROUPS
    assert age_groups(_born(100, later_this_year=True), TODAY) == {
        G.ELDERLY_60,
        G.ELDERLY_80,
        G.ELDERLY_90,
    }


def test_left_behind_child_counts_only_under_16() -> None:
    tagged = Resident(household_id="h", name="小明", tags=frozenset({G.LEFT_BEHIND_CHILD}))
    tagged.birth_date = _born(15)
    assert G.LEFT_BEHIND_CHILD in effective_tags(tagged, TODAY)
    tagged.birth_date = _born(16)  # the tag stays stored, but is no longer counted
    assert G.LEFT_BEHIND_CHILD not in effective_tags(tagged, TODAY)
    assert effective_codes(["left_behind_child"], _born(16), TODAY) == []
    assert effective_codes(["left_behind_child"], _born(15), TODAY) == ["left_behind_child"]
    tagged.birth_date = None  # no birth date: the recorded fact counts
    assert G.LEFT_BEHIND_CHILD in effective_tags(tagged, TODAY)


def test_key_youth_is_6_to_25() -> None:
    assert AGE_BOUNDS[G.KEY_YOUTH] == (6, 25)
    for age, member in ((5, False), (6, True), (25, True), (26, False)):
        assert (effective_codes(["key_youth"], _born(age), TODAY) == ["key_youth"]) is member


def test_birth_window_matches_the_age_rule() -> None:
    for group in (G.LEFT_BEHIND_CHILD, G.KEY_YOUTH, G.CHILD_IN_DIFFICULTY, G.ELDERLY_90):
        after, up_to = birth_window(group, TODAY)
        for age in range(0, 105):
            for later in (False, True):
                birth = _born(age, later_this_year=later)
                inside = (after is None or birth > after) and (up_to is None or birth <= up_to)
                rule = GROUP_RULES[group]
                from gridcore.domain.agegroups import age_on

                assert inside == rule.admits(age_on(birth, TODAY)), (group, age, later)


def test_left_behind_woman_only_on_a_woman() -> None:
    [problem] = tag_problems({G.LEFT_BEHIND_WOMAN}, Gender.MALE, _born(40), TODAY)
    assert problem.group is G.LEFT_BEHIND_WOMAN
    assert problem.message == "“留守妇女”只能标注女性，此人性别为男：请取消该标签或更正性别"
    assert tag_problems({G.LEFT_BEHIND_WOMAN}, Gender.FEMALE, _born(40), TODAY) == []
    assert tag_problems({G.LEFT_BEHIND_WOMAN}, None, None, TODAY) == []  # unknown: no rule


def test_age_rules_say_the_age() -> None:
    [child] = tag_problems({G.LEFT_BEHIND_CHILD}, Gender.MALE, _born(16), TODAY)
    assert child.message == (
        "“留守儿童”须未满16周岁，此人按出生日期为16周岁：请取消该标签或更正出生日期"
    )
    [youth] = tag_problems({G.KEY_YOUTH}, Gender.MALE, _born(30), TODAY)
    assert "须为6至25周岁" in youth.message and "30周岁" in youth.message
    [elder] = tag_problems({G.LEFT_BEHIND_ELDER}, Gender.FEMALE, _born(59), TODAY)
    assert "须年满60周岁" in elder.message
    [difficulty] = tag_problems({G.CHILD_IN_DIFFICULTY}, Gender.FEMALE, _born(18), TODAY)
    assert "须未满18周岁" in difficulty.message
    for group in (G.ELDER_LIVING_ALONE, G.EMPTY_NEST_ELDER, G.CHILDLESS_ELDER):
        assert tag_problems({group}, Gender.MALE, _born(59), TODAY)
        assert not tag_problems({group}, Gender.MALE, _born(60), TODAY)


def test_age_rules_judge_only_the_checked_tags() -> None:
    """A 留守儿童 tag set at 15 is not an error at 16 (only no longer counted); the gender
    rule always applies."""
    tags = {G.LEFT_BEHIND_CHILD, G.LEFT_BEHIND_WOMAN}
    problems = tag_problems(tags, Gender.MALE, _born(16), TODAY, checked=set())
    assert [p.group for p in problems] == [G.LEFT_BEHIND_WOMAN]


def test_derived_and_unruled_groups_never_fail() -> None:
    tags = {G.ELDERLY_80, G.DISABLED, G.VETERAN, G.PETITION_KEY_PERSON, G.AIDS_RISK}
    assert tag_problems(tags, Gender.MALE, _born(20), TODAY) == []


def test_new_groups_have_labels_and_sensitivity() -> None:
    labels = {g.label for g in SpecialGroup}
    for text in ("困境儿童", "独居老人", "空巢老人", "孤寡老人", "退役军人", "信访重点人员"):
        assert text in labels
    assert "艾滋病危险人员" in labels and "90岁以上老人" in labels and "100岁以上老人" in labels
    assert G.PETITION_KEY_PERSON.sensitive and G.AIDS_RISK.sensitive
    assert not G.VETERAN.sensitive
