"""Who may carry which special-group tag: the gender and age rules, as one table of data.

Each group's row says whether it is

* **derived** (老年人 60+/80+/90+/100+, the last two for 高龄津贴): computed from the
  birth date wherever it is shown, counted or printed, never stored;
* **age-bounded** (留守儿童 under 16, 困境儿童 under 18, 重点青少年 6–25): stored, because
  being left behind or at risk is a fact someone records, but counted only while the
  person's age is inside the bounds, so the tag cannot go stale as the child grows up;
* limited to a **gender** (留守妇女: women only) or a **minimum age** (留守/独居/空巢/孤寡
  老人: 60 and over), checked when the tag is set.

:func:`tag_problems` is the one check: the resident form shows its messages next to the
boxes, and the server (``gridserver.validation``) rejects an op whose result breaks a
rule, so a laptop running an older form cannot store what this one refuses. Ages are
周岁 on the day of the check in China Standard Time (see :mod:`gridcore.domain.agegroups`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from gridcore.domain.enums import Gender, SpecialGroup

__all__ = ["GROUP_RULES", "GroupRule", "TagProblem", "tag_problems"]

G = SpecialGroup


@dataclass(frozen=True, slots=True)
class GroupRule:
    min_age: int | None = None
    """From this age (周岁, inclusive)."""
    max_age: int | None = None
    """Up to this age (inclusive): under 16 is ``max_age=15``."""
    gender: Gender | None = None
    derived: bool = False
    """Computed from the birth date (``min_age`` and up); never stored."""

    @property
    def age_bounded(self) -> bool:
        """Stored, but a member only while the age is within the bounds."""
        return not self.derived and self.max_age is not None

    def admits(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )

    def age_text(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"须为{self.min_age}至{self.max_age}周岁"
        if self.max_age is not None:
            return f"须未满{self.max_age + 1}周岁"
        return f"须年满{self.min_age}周岁"


GROUP_RULES: Mapping[SpecialGroup, GroupRule] = {
    G.ELDERLY_60: GroupRule(min_age=60, derived=True),
    G.ELDERLY_80: GroupRule(min_age=80, derived=True),
    G.ELDERLY_90: GroupRule(min_age=90, derived=True),
    G.ELDERLY_100: GroupRule(min_age=100, derived=True),
    G.LEFT_BEHIND_CHILD: GroupRule(max_age=15),
    G.CHILD_IN_DIFFICULTY: GroupRule(max_age=17),
    G.KEY_YOUTH: GroupRule(min_age=6, max_age=25),
    G.LEFT_BEHIND_WOMAN: GroupRule(gender=Gender.FEMALE),
    G.LEFT_BEHIND_ELDER: GroupRule(min_age=60),
    G.ELDER_LIVING_ALONE: GroupRule(min_age=60),
    G.EMPTY_NEST_ELDER: GroupRule(min_age=60),
    G.CHILDLESS_ELDER: GroupRule(min_age=60),
}
"""Groups without a row have no rule (残疾人, 退役军人, 党员, …)."""


@dataclass(frozen=True, slots=True)
class TagProblem:
    group: SpecialGroup
    message: str
    """Chinese, says what to change."""


def tag_problems(
    tags: Iterable[SpecialGroup],
    gender: Gender | None,
    birth_date: date | None,
    today: date,
    *,
    checked: Iterable[SpecialGroup] | None = None,
) -> list[TagProblem]:
    """The rules ``tags`` break for a person of this gender and birth date on ``today``.

    ``checked`` limits the *age* rules to these tags (those just set, or all when the
    birth date changed): an age-bounded tag set when the child was 15 is not an error
    at 16, only no longer counted. Gender rules always apply. Derived groups are never
    a problem here: they are not stored (a stale one from an older client is dropped
    when the record is next saved). An unknown gender or birth date breaks no rule."""
    from gridcore.domain.agegroups import age_on  # agegroups imports this module

    age = None if birth_date is None else age_on(birth_date, today)
    to_check = None if checked is None else frozenset(checked)
    problems: list[TagProblem] = []
    for group in sorted(set(tags), key=_ORDER.__getitem__):
        rule = GROUP_RULES.get(group)
        if rule is None or rule.derived:
            continue
        if rule.gender is not None and gender is not None and gender is not rule.gender:
            problems.append(
                TagProblem(
                    group,
                    f"“{group.label}”只能标注{rule.gender.label}性，"
                    f"此人性别为{gender.label}：请取消该标签或更正性别",
                )
            )
        if age is None or (to_check is not None and group not in to_check):
            continue
        if (rule.min_age is not None or rule.max_age is not None) and not rule.admits(age):
            problems.append(
                TagProblem(
                    group,
                    f"“{group.label}”{rule.age_text()}，此人按出生日期为{age}周岁："
                    "请取消该标签或更正出生日期",
                )
            )
    return problems


_ORDER = {g: i for i, g in enumerate(SpecialGroup)}
