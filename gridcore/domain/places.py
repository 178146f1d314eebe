"""Rules of a place's inspection record (检查记录) beyond single values: one definition
for the form on the laptop and the server's check of every incoming record.

* a deadline (整改期限) or a rectification (已整改) needs the hazards it is about;
* the deadline cannot be before the inspection;
* something must have been written down (检查情况 or 发现隐患).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["InspectionProblem", "inspection_problem"]


@dataclass(frozen=True, slots=True)
class InspectionProblem:
    field: str
    message: str
    """Chinese, for the person who wrote the record."""


def inspection_problem(
    inspected_on: date,
    findings: str,
    hazards: str,
    rectify_by: date | None,
    rectified: bool,
) -> InspectionProblem | None:
    """What is wrong with an inspection record as a whole, or None."""
    has_hazards = bool(hazards.strip())
    if not findings.strip() and not has_hazards:
        return InspectionProblem("findings", "请填写检查情况或发现的隐患")
    if rectify_by is not None and not has_hazards:
        return InspectionProblem("rectify_by", "填写整改期限时须写明所发现的隐患")
    if rectified and not has_hazards:
        return InspectionProblem("rectified", "请写明已整改的是哪些隐患")
    if rectify_by is not None and rectify_by < inspected_on:
        return InspectionProblem("rectify_by", "整改期限不能早于检查日期")
    return None
