"""调解: the rules of a mediation record and 调处成功率, one definition for the laptop (the
form, the unit of work), the server (every incoming op) and the reports.

A mediation belongs to a dispute event: the event's category must be in the catalog's
矛盾纠纷 group. A catalog that is empty (a server that has none loaded) judges nothing,
as it judges no event's category then either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gridcore.domain.catalog import EventCatalog
from gridcore.domain.entities import Event, Mediation
from gridcore.domain.enums import EventGroup, MediationAgreement, MediationOutcome

__all__ = [
    "MAX_SESSIONS",
    "MediationProblem",
    "SuccessRate",
    "event_problem",
    "is_dispute",
    "mediation_problems",
    "success_rate",
]

MAX_SESSIONS = 50
"""Most sessions one record lists (a dispute mediated more often is a case for 转其他途径)."""


@dataclass(frozen=True, slots=True)
class MediationProblem:
    """What is wrong with a mediation (``message`` in Chinese) and the field to fix."""

    field: str
    message: str


def is_dispute(event: Event, catalog: EventCatalog) -> bool:
    """The event's category is a 矛盾纠纷 one (an empty catalog cannot say: True)."""
    if len(catalog) == 0:
        return True
    return event.category_code in catalog and (
        catalog.get(event.category_code).group is EventGroup.DISPUTE
    )


def event_problem(event: Event, catalog: EventCatalog) -> MediationProblem | None:
    """Why ``event`` cannot have a mediation record, or None."""
    if event.deleted:
        return MediationProblem("event_id", "所属事件已被删除，不能登记调解记录")
    if is_dispute(event, catalog):
        return None
    if event.category_code in catalog:
        category = catalog.get(event.category_code)
        return MediationProblem(
            "event_id",
            f"只有矛盾纠纷类事件可以登记调解记录（该事件的类别“{category.name}”属于"
            f"{category.group.label}）",
        )
    return MediationProblem(
        "event_id",
        f"该事件的类别（编码 {event.category_code}）不在事项清单中，无法确认是矛盾纠纷，"
        "不能登记调解记录",
    )


def mediation_problems(mediation: Mediation) -> list[MediationProblem]:
    """The record's own rules, in the order of the form: who, parties, sessions, result."""
    problems: list[MediationProblem] = []
    if not mediation.mediator.strip() and not mediation.committee.strip():
        problems.append(MediationProblem("mediator", "请填写调解员或调解组织"))
    if not mediation.parties.strip():
        problems.append(MediationProblem("parties", "请填写当事人（纠纷双方）"))
    if len(mediation.sessions) > MAX_SESSIONS:
        problems.append(MediationProblem("sessions", f"调解经过最多记录 {MAX_SESSIONS} 次"))
    for n, session in enumerate(mediation.sessions, start=1):
        if session.on < mediation.started_on:
            problems.append(
                MediationProblem(
                    "sessions",
                    f"第{n}次调解的日期（{session.on.isoformat()}）早于开始调解日期"
                    f"（{mediation.started_on.isoformat()}）",
                )
            )
            break
    outcome = mediation.outcome
    if outcome is MediationOutcome.SUCCESS and mediation.agreement_kind is MediationAgreement.NONE:
        problems.append(
            MediationProblem("agreement_kind", "调解成功须注明协议形式（书面协议或口头协议）")
        )
    if mediation.agreement_kind is not MediationAgreement.NONE and not mediation.agreement.strip():
        problems.append(
            MediationProblem("agreement", f"已选择{mediation.agreement_kind.label}，请填写协议内容")
        )
    if outcome is MediationOutcome.SUCCESS and not mediation.sessions:
        problems.append(MediationProblem("sessions", "调解成功的记录须至少有一次调解经过"))
    return problems


@dataclass(frozen=True, slots=True)
class SuccessRate:
    """调处成功率 = 调解成功 / (调解成功 + 调解不成); 进行中 and 转其他途径 are counted
    beside it but not in it."""

    success: int = 0
    failed: int = 0
    in_progress: int = 0
    referred: int = 0

    @property
    def concluded(self) -> int:
        return self.success + self.failed

    @property
    def total(self) -> int:
        return self.concluded + self.in_progress + self.referred

    @property
    def rate(self) -> float | None:
        """None when nothing is concluded (shown as —, not 0%)."""
        return None if self.concluded == 0 else self.success / self.concluded

    def text(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.1f}%"


def success_rate(outcomes: Iterable[MediationOutcome]) -> SuccessRate:
    counts = dict.fromkeys(MediationOutcome, 0)
    for outcome in outcomes:
        counts[outcome] += 1
    return SuccessRate(
        success=counts[MediationOutcome.SUCCESS],
        failed=counts[MediationOutcome.FAILED],
        in_progress=counts[MediationOutcome.IN_PROGRESS],
        referred=counts[MediationOutcome.REFERRED],
    )
