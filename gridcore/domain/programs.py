"""Household programs (低保, 特困供养, 临时救助, 防返贫监测, 党员中心户 …): the household
tags a list filter or a 重点户花名册 selects by, and the rules of a program record
(:class:`~gridcore.domain.entities.ProgramRecord`, 帮扶记录) behind them.

防返贫监测户 is one program of three kinds (脱贫不稳定户, 边缘易致贫户, 突发严重困难户):
listed together, each household showing its kind.

**Records and tags.** The household tag stays what lists, filters and rosters select by
(a household tagged before records existed keeps its tag). The records keep the dates
and the monitoring, and the tag follows them where a laptop saves a record
(:func:`tags_after`): an open record of a program sets its tag (for 防返贫监测 the kind
chosen, replacing another kind), and closing the household's last open record of a
program removes its tag. 优抚 has no household tag. The server does not tie the two
(a record and a household are merged separately and may be edited on two laptops); the
dashboard counts households by their open records.

**Record rules** (:func:`record_problems`; the record dialog shows them, the server
refuses an op whose result breaks one, ``gridserver.validation``):

* the end date is not before the start date;
* 防返贫监测 needs a risk type and a status; its status is closed (风险已消除, 返贫致贫)
  exactly when it has an end date (风险消除日期); 帮扶中 needs the measures;
* other programs carry neither status nor risk type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gridcore.domain.entities import ProgramRecord
from gridcore.domain.enums import HouseholdTag, MonitorStatus, Program

__all__ = [
    "MONITORED",
    "MONITOR_TAGS",
    "RecordProblem",
    "household_programs",
    "program_tags",
    "record_problems",
    "tags_after",
]

MONITORED = "monitored"
MONITOR_TAGS = (
    HouseholdTag.MONITOR_UNSTABLE,
    HouseholdTag.MONITOR_MARGINAL,
    HouseholdTag.MONITOR_SUDDEN_HARDSHIP,
)


def household_programs() -> list[tuple[str, str]]:
    """(code, label) of every program: each household tag, and 防返贫监测户 (all three
    monitored kinds) after 临时救助户."""
    choices: list[tuple[str, str]] = []
    for tag in HouseholdTag:
        choices.append((tag.value, tag.label))
        if tag is HouseholdTag.TEMPORARY_ASSISTANCE:
            choices.append((MONITORED, "防返贫监测户"))
    return choices


def program_tags(code: str) -> tuple[str, tuple[HouseholdTag, ...]]:
    """The label and the tags of a program (a code or a label of
    :func:`household_programs`, with or without its 户); ``ValueError`` (Chinese)
    for anything else."""
    for value, label in household_programs():
        if code in (value, label, label.removesuffix("户")):
            if value == MONITORED:
                return label, MONITOR_TAGS
            return label, (HouseholdTag(value),)
    names = "、".join(label for _value, label in household_programs())
    raise ValueError(f"没有“{code}”这类户，可选：{names}")


_PROGRAM_TAGS: dict[Program, tuple[HouseholdTag, ...]] = {
    Program.MINIMUM_LIVING: (HouseholdTag.MINIMUM_LIVING,),
    Program.EXTREME_POVERTY: (HouseholdTag.EXTREME_POVERTY,),
    Program.TEMPORARY_ASSISTANCE: (HouseholdTag.TEMPORARY_ASSISTANCE,),
    Program.MONITORED: MONITOR_TAGS,
    Program.SPECIAL_CARE: (),
}


@dataclass(frozen=True, slots=True)
class RecordProblem:
    field: str
    message: str


def record_problems(record: ProgramRecord) -> list[RecordProblem]:
    """What breaks the rules of a program record (Chinese messages, each naming the
    field to fix); empty when it may be stored."""
    problems: list[RecordProblem] = []
    if record.ended_on is not None and record.ended_on < record.started_on:
        problems.append(
            RecordProblem(
                "ended_on",
                f"消除或终止日期（{record.ended_on.isoformat()}）不能早于识别或批准日期"
                f"（{record.started_on.isoformat()}）",
            )
        )
    if record.program is Program.MONITORED:
        if record.risk_type is None:
            problems.append(RecordProblem("risk_type", "防返贫监测记录须填写风险类型"))
        status = record.status
        if status is None:
            problems.append(RecordProblem("status", "防返贫监测记录须填写监测状态"))
        elif status.closed and record.ended_on is None:
            problems.append(
                RecordProblem(
                    "ended_on",
                    f"监测状态为“{status.label}”时须填写消除或终止日期",
                )
            )
        elif not status.closed and record.ended_on is not None:
            problems.append(
                RecordProblem(
                    "status",
                    "已填写消除或终止日期的监测记录，状态须为“风险已消除”或“返贫致贫”",
                )
            )
        if status is MonitorStatus.ASSISTING and not record.measures.strip():
            problems.append(RecordProblem("measures", "监测状态为“帮扶中”时须填写帮扶措施"))
    else:
        if record.status is not None:
            problems.append(
                RecordProblem("status", f"{record.program.label}记录没有监测状态，只有防返贫监测有")
            )
        if record.risk_type is not None:
            problems.append(
                RecordProblem(
                    "risk_type", f"{record.program.label}记录没有风险类型，只有防返贫监测有"
                )
            )
    return problems


def tags_after(
    tags: frozenset[HouseholdTag],
    saved: ProgramRecord,
    others: Iterable[ProgramRecord],
    monitor_kind: HouseholdTag | None = None,
) -> frozenset[HouseholdTag]:
    """The household's tags once ``saved`` is stored (``others``: the household's other
    live records): an open record sets its program's tag (防返贫监测: ``monitor_kind``, or
    the kind the household has, else 边缘易致贫户; one kind at a time); closing the last
    open record of a program removes its tags. 优抚 changes nothing."""
    program_tags = _PROGRAM_TAGS[saved.program]
    if not program_tags:
        return tags
    if saved.open:
        if saved.program is Program.MONITORED:
            current = [t for t in MONITOR_TAGS if t in tags]
            kind = monitor_kind or (current[0] if current else HouseholdTag.MONITOR_MARGINAL)
            return (tags - frozenset(MONITOR_TAGS)) | {kind}
        return tags | frozenset(program_tags)
    still_open = any(
        r.open and r.program is saved.program and r.id != saved.id and not r.deleted for r in others
    )
    if still_open:
        return tags
    return tags - frozenset(program_tags)
