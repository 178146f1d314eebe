"""What a field may hold: one set of rules for the client and the server.

A value must fit every place it will be stored (the server's SQLite or PostgreSQL, the
SQLite store of every laptop that pulls it, the JSON on the wire) and what the domain
allows. One value that does not fit would otherwise stop sync for everyone whose scope
holds its record (an integer above 2**63 fails every laptop's pull; a NUL character fails
every PostgreSQL write). So the server checks every incoming op with these rules (see
``gridserver.validation``), and the client checks every record before it queues an op
(``gridclient.storage.uow``), so the person hears about it at once, in Chinese.

The rules (also stated in the wire protocol, :mod:`gridcore.protocol`):

* **Integers**: within the field's domain bounds (:data:`INT_BOUNDS`), and always within
  the signed 64-bit range both SQLite and PostgreSQL store.
* **Text**: no control characters (U+0000–U+001F, U+007F–U+009F) other than tab, line
  feed and carriage return, no lone surrogates; at most :data:`MAX_TEXT` characters, or
  the field's own limit (:data:`TEXT_LIMITS`: codes and record ids fit 64).
* **Dates** from :data:`DATE_MIN` to :data:`DATE_MAX`; **datetimes**, once converted to
  UTC, from :data:`DATETIME_MIN` to :data:`DATETIME_MAX`.
* **Lists** (tags, attachments) at most :data:`MAX_LIST` items, each item by the rules
  above.
* **Any JSON value** an op brings: nested at most :data:`MAX_JSON_DEPTH` deep, finite
  numbers, integers and text as above (:func:`check_wire`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from gridcore.domain.enums import EntityKind

__all__ = [
    "DATETIME_MAX",
    "DATETIME_MIN",
    "DATE_MAX",
    "DATE_MIN",
    "FIELD_LABELS",
    "INT32_MAX",
    "INT64_MAX",
    "INT64_MIN",
    "INT_BOUNDS",
    "MAX_JSON_DEPTH",
    "MAX_LIST",
    "MAX_TEXT",
    "TEXT_LIMITS",
    "InvalidValue",
    "check_record",
    "check_text",
    "check_value",
    "check_wire",
    "clean_text",
    "field_label",
    "int_bounds",
    "text_problem",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
"""Record versions and a few server columns are 32-bit."""

MAX_TEXT = 10_000
"""Longest free text in one field (a visit note, not a document)."""
MAX_LIST = 100
"""Most items in one list field (tags, attachments)."""
MAX_JSON_DEPTH = 8
"""Deepest nesting of any JSON value in an op (real fields nest two deep at most)."""

DATE_MIN = date(1800, 1, 1)
"""The earliest birth date an ID number may carry (see :mod:`gridcore.domain.idnumber`)."""
DATE_MAX = date(2199, 12, 31)
DATETIME_MIN = datetime(1900, 1, 1, tzinfo=UTC)
"""Before any record of this domain; a laptop whose clock battery died shows 1970 or
2000, which still passes (its clock offset is dealt with elsewhere)."""
DATETIME_MAX = datetime(2199, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)

INT_BOUNDS: Mapping[tuple[EntityKind, str], tuple[int, int]] = {
    (EntityKind.ORGANIZATION, "members"): (0, 1_000_000),
    (EntityKind.RESIDENT, "disability_grade"): (1, 4),
    (EntityKind.PROGRAM_RECORD, "amount"): (0, 10_000_000),
    (EntityKind.ATTACHMENT, "size"): (0, INT32_MAX),
    (EntityKind.ATTACHMENT, "width"): (0, 100_000),
    (EntityKind.ATTACHMENT, "height"): (0, 100_000),
    (EntityKind.EVENT, "time_limit_days"): (0, 3_650),  # catalog.MAX_LIMIT_DAYS
    (EntityKind.EVENT, "time_limit_hours"): (1, 720),  # catalog.MAX_LIMIT_HOURS
    (EntityKind.EVENT, "catalog_revision"): (0, INT32_MAX),
}
"""Domain bounds of integer fields (inclusive); any other integer: the 64-bit range."""

_ID_LENGTH = 64
TEXT_LIMITS: Mapping[str, int] = {
    "code": 64,
    "category_code": 64,
    "mime": 128,
    "issuer": 100,  # a unit's full name (××县××镇人民政府) with room to spare
    **dict.fromkeys(
        (
            "grid_id",
            "micro_grid_id",
            "parent_id",
            "household_id",
            "event_id",
            "corrects_id",
            "place_id",
            "attachments",
            "event_ids",
        ),
        _ID_LENGTH,
    ),
}
"""Fields shorter than :data:`MAX_TEXT`: codes and references live in 64-character
columns on the server."""

FIELD_LABELS: Mapping[str, str] = {
    "code": "区划代码",
    "name": "名称",
    "level": "级别",
    "parent_id": "上级区划",
    "grid_id": "所属网格",
    "micro_grid_id": "微网格",
    "address": "住址",
    "number": "户号",
    "phone": "联系电话",
    "tags": "标签",
    "notes": "备注",
    "moved_out_on": "迁出日期",
    "moved_to": "迁往地",
    "removal_reason": "删除原因",
    "cadre": "包户干部",
    "source": "事件来源",
    "final_evaluation": "最终评价",
    "deadline": "申请延期至",
    "household_id": "所属住户",
    "id_number": "身份证号",
    "id_type": "证件类型",
    "gender": "性别",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "ethnicity": "民族",
    "population_type": "人口类型",
    "residence_status": "人户状态",
    "disability_category": "残疾类别",
    "disability_grade": "残疾等级",
    "workplace": "工作单位或学校",
    "disability_certificate": "残疾证号",
    "guardian": "监护人",
    "guardian_phone": "监护人电话",
    "issuer": "填报单位",
    "kind": "类型",
    "leader": "负责人",
    "members": "成员人数",
    "patroller": "巡查人",
    "patrol_date": "巡查日期",
    "started_at": "开始时间",
    "ended_at": "结束时间",
    "route": "巡查路线",
    "places": "巡查地点",
    "event_ids": "上报事件",
    "visitor": "走访人",
    "visited_at": "走访时间",
    "method": "走访方式",
    "content": "走访内容",
    "findings": "发现问题",
    "needs": "群众诉求",
    "follow_up": "后续跟进",
    "attachments": "附件",
    "corrects_id": "更正的记录",
    "category_code": "事项类别",
    "ledger": "台账",
    "urgency": "紧急程度",
    "title": "标题",
    "reporter": "上报人",
    "category_name": "事项名称",
    "time_limit_days": "办理时限",
    "time_limit_hours": "办理时限（小时）",
    "limit_kind": "时限计法",
    "catalog_revision": "事项清单修订号",
    "terms_inferred": "时限补记",
    "reported_at": "上报时间",
    "description": "事件描述",
    "location": "地点",
    "people_involved": "涉及人员",
    "event_id": "所属事件",
    "actor": "办理人",
    "actor_role": "办理角色",
    "at": "办理时间",
    "comment": "办理意见",
    "assignee": "派遣对象",
    "satisfaction": "满意度",
    "server_at": "服务器时间",
    "mime": "文件类型",
    "size": "文件大小",
    "width": "宽度",
    "height": "高度",
    "created_at": "创建时间",
    "mediator": "调解员",
    "committee": "调解组织",
    "parties": "当事人",
    "sessions": "调解经过",
    "agreement": "协议内容",
    "agreement_kind": "协议形式",
    "outcome": "调解结果",
    "contact": "负责人",
    "risk_level": "风险等级",
    "is_key": "重点场所",
    "place_id": "所属场所",
    "inspector": "检查人",
    "inspected_on": "检查日期",
    "hazards": "发现隐患",
    "rectify_by": "整改期限",
    "rectified": "已整改",
    "program": "帮扶项目",
    "started_on": "识别或批准日期",
    "ended_on": "消除或终止日期",
    "status": "监测状态",
    "risk_type": "风险类型",
    "measures": "帮扶措施",
    "amount": "金额（元）",
    "approved_by": "审批单位或审批人",
}
"""Chinese names of the fields, for messages (``name`` is 姓名 for a resident)."""

_PLACE_LABELS: Mapping[str, str] = {"address": "地址", "kind": "场所类别", "name": "场所名称"}

# C0 controls but tab, LF and CR; DEL and the C1 controls; lone surrogates (they cannot
# be encoded as UTF-8, so no database and no JSON encoder takes them).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class InvalidValue(ValueError):
    """A value no store may hold; ``message`` is Chinese and names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def field_label(field: str, kind: EntityKind | None = None) -> str:
    if field == "name" and kind is EntityKind.RESIDENT:
        return "姓名"
    if kind is EntityKind.PLACE and field in _PLACE_LABELS:
        return _PLACE_LABELS[field]
    if kind is EntityKind.PLACE_INSPECTION and field == "findings":
        return "检查情况"
    if field == "number" and kind is EntityKind.EVENT:
        return "事件编号"
    if field == "follow_up" and kind is EntityKind.MEDIATION:
        return "回访情况"
    if field == "started_on" and kind is EntityKind.MEDIATION:
        return "开始调解日期"
    return FIELD_LABELS.get(field, field)


def text_problem(text: str) -> str | None:
    """What is wrong with the characters of ``text`` (Chinese), or None."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    char = match.group()
    where = f"第{match.start() + 1}个字符"
    if char == "\x00":
        return f"含有空字符 U+0000（Excel 中显示为 _x0000_，{where}），请删除后重试"
    return f"含有不可见的控制字符 U+{ord(char):04X}（{where}），请删除后重试"


def clean_text(text: str, replacement: str = "\ufffd") -> str:
    """``text`` with every forbidden character replaced (for logs and error files)."""
    return _FORBIDDEN.sub(replacement, text)


def check_text(field: str, value: str, kind: EntityKind | None = None) -> None:
    limit = TEXT_LIMITS.get(field, MAX_TEXT)
    if len(value) > limit:
        raise InvalidValue(field, f"{field_label(field, kind)}过长（最多 {limit} 个字符）")
    problem = text_problem(value)
    if problem is not None:
        raise InvalidValue(field, f"{field_label(field, kind)}{problem}")


def int_bounds(kind: EntityKind, field: str) -> tuple[int, int]:
    return INT_BOUNDS.get((kind, field), (INT64_MIN, INT64_MAX))


def check_value(kind: EntityKind, field: str, value: Any) -> None:
    """Check one decoded field value (the domain type: str, int, date, enum, set …)."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        low, high = int_bounds(kind, field)
        if not low <= value <= high:
            raise InvalidValue(field, f"{field_label(field, kind)}超出允许范围（{low}–{high}）")
    elif isinstance(value, str):
        check_text(field, value, kind)
    elif isinstance(value, datetime):
        _check_datetime(kind, field, value)
    elif isinstance(value, date):
        if not DATE_MIN <= value <= DATE_MAX:
            raise InvalidValue(
                field,
                f"{field_label(field, kind)}超出有效范围（{DATE_MIN.year}年至{DATE_MAX.year}年）",
            )
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for part in dataclasses.fields(value):  # a mediation's session: each part
            check_value(kind, field, getattr(value, part.name))
    elif isinstance(value, frozenset | tuple | list):
        if len(value) > MAX_LIST:
            raise InvalidValue(field, f"{field_label(field, kind)}项目过多（最多 {MAX_LIST} 项）")
        for item in value:
            check_value(kind, field, item)
    elif isinstance(value, float):
        raise InvalidValue(field, f"{field_label(field, kind)}不能是小数")


def _check_datetime(kind: EntityKind, field: str, value: datetime) -> None:
    try:
        utc = value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
        ok = DATETIME_MIN <= utc <= DATETIME_MAX
    except (OverflowError, ValueError):
        ok = False
    if not ok:
        raise InvalidValue(
            field,
            f"{field_label(field, kind)}超出有效范围"
            f"（{DATETIME_MIN.year}年至{DATETIME_MAX.year}年），请检查电脑的日期和时间设置",
        )


def check_record(record: Any, fields: Any = None) -> None:
    """Check every data field of a domain record (or only ``fields``)."""
    from gridcore.domain.codec import field_specs  # codec imports entities

    names = field_specs(record.KIND) if fields is None else fields
    for name in names:
        check_value(record.KIND, name, getattr(record, name))


def check_wire(field: str, value: Any, depth: int = 0, kind: EntityKind | None = None) -> None:
    """Check any JSON value of an op (an old value too): nesting, numbers, text. A value
    that passes can be stored in every database and encoded by every JSON encoder."""
    if depth > MAX_JSON_DEPTH:
        raise InvalidValue(field, f"{field_label(field, kind)}的值嵌套过深")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise InvalidValue(field, f"{field_label(field, kind)}的值超出 64 位整数范围")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValue(field, f"{field_label(field, kind)}的值不是有效数字")
    elif isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise InvalidValue(field, f"{field_label(field, kind)}过长（最多 {MAX_TEXT} 个字符）")
        problem = text_problem(value)
        if problem is not None:
            raise InvalidValue(field, f"{field_label(field, kind)}{problem}")
    elif isinstance(value, list | tuple):
        if len(value) > MAX_LIST:
            raise InvalidValue(field, f"{field_label(field, kind)}项目过多（最多 {MAX_LIST} 项）")
        for item in value:
            check_wire(field, item, depth + 1, kind)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_wire(field, key, depth + 1, kind)
            check_wire(field, item, depth + 1, kind)
    else:
        raise InvalidValue(field, f"{field_label(field, kind)}的值类型无效")
