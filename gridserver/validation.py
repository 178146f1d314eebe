"""Per-field rules beyond what the codec's types express, checked on every incoming value.

The storage and domain bounds every client shares live in :mod:`gridcore.domain.limits`
(integers, text, dates, list sizes, JSON depth); the ID number is normalised here. Each
failing rule raises ``OpRejected`` with a stable reason and the field, so the client can
park the op and show the person what to fix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from gridcore.domain import iddocument, idnumber, limits
from gridcore.domain.agegroups import today_cst
from gridcore.domain.codec import CodecError, decode_record, decode_value, field_specs
from gridcore.domain.entities import Mediation, ProgramRecord
from gridcore.domain.enums import EntityKind, IdDocumentType, SpecialGroup
from gridcore.domain.grouprules import tag_problems
from gridcore.domain.mediation import mediation_problems
from gridcore.domain.patrols import patrol_problems
from gridcore.domain.places import inspection_problem
from gridcore.domain.programs import record_problems
from gridserver.db import Database, records
from gridserver.errors import OpRejected

_FIELD_NAME_MAX = 64
"""The ``field`` columns of the op log and of conflicts."""


def check_wire(kind: EntityKind, name: str, value: Any) -> None:
    """A JSON value of an op's ``changes`` that no store could hold."""
    try:
        limits.check_wire(name, value, kind=kind)
    except limits.InvalidValue as exc:
        raise OpRejected("invalid_field", exc.message, name) from None


def check_field(kind: EntityKind, name: str, value: Any) -> Any:
    """The value to store (ID numbers in their 18-character form with an upper-case X),
    or ``OpRejected``."""
    try:
        limits.check_value(kind, name, value)
    except limits.InvalidValue as exc:
        raise OpRejected("invalid_field", exc.message, name) from None
    if kind is EntityKind.RESIDENT and name == "id_number" and value:
        try:
            return idnumber.parse(value).number
        except idnumber.InvalidIdNumber:
            return value  # judged with its 证件类型 by check_document
    return value


def check_record(
    kind: EntityKind,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    changed: Collection[str],
    now: datetime,
) -> None:
    """The rules that look at more than one field of the record as it would be stored."""
    check_tags(kind, before, after, changed, now)
    check_document(kind, after, changed)
    check_patrol(kind, after, changed, now)
    check_mediation(kind, after)
    check_inspection(kind, after)
    check_program_record(kind, after, changed)


def check_patrol(
    kind: EntityKind, after: Mapping[str, Any], changed: Collection[str], now: datetime
) -> None:
    """A patrol's day and times (:mod:`gridcore.domain.patrols`), as the patrol form
    checks them, when the op touches one of them."""
    if kind is not EntityKind.PATROL:
        return
    try:
        problems = patrol_problems(
            decode_value(kind, "patrol_date", after.get("patrol_date")),
            decode_value(kind, "started_at", after.get("started_at")),
            decode_value(kind, "ended_at", after.get("ended_at")),
            today_cst(now),
            changed,
        )
    except CodecError:
        return  # a stored value from before the codec checks: nothing to judge by
    if problems:
        raise OpRejected("invalid_field", problems[0].message, problems[0].field)


def check_mediation(kind: EntityKind, after: Mapping[str, Any]) -> None:
    """A mediation as it would be stored, by the rules the laptop's form applies
    (:func:`gridcore.domain.mediation.mediation_problems`): after a field-by-field merge
    too, so two edits that each pass cannot store a record that does not (调解成功 from
    one laptop, 无协议 from another)."""
    if kind is not EntityKind.MEDIATION:
        return
    try:
        record = decode_record(kind, after, id="-")
    except CodecError:
        return  # the codec has judged every incoming value already
    assert isinstance(record, Mediation)
    problems = mediation_problems(record)
    if problems:
        raise OpRejected("invalid_field", problems[0].message, problems[0].field)


def check_inspection(kind: EntityKind, after: Mapping[str, Any]) -> None:
    """A place's inspection record as a whole (:mod:`gridcore.domain.places`, the rules
    the form applies): append-only, so judged once, when it is created."""
    if kind is not EntityKind.PLACE_INSPECTION:
        return
    try:
        problem = inspection_problem(
            decode_value(kind, "inspected_on", after.get("inspected_on")),
            after.get("findings") or "",
            after.get("hazards") or "",
            decode_value(kind, "rectify_by", after.get("rectify_by")),
            bool(after.get("rectified")),
        )
    except CodecError:
        return  # the value checks answer for it
    if problem is not None:
        raise OpRejected("invalid_field", problem.message, problem.field)


_PROGRAM_FIELDS = frozenset(
    {"program", "started_on", "ended_on", "status", "risk_type", "measures"}
)


def check_program_record(
    kind: EntityKind, after: Mapping[str, Any], changed: Collection[str]
) -> None:
    """The rules of :func:`gridcore.domain.programs.record_problems` on a program record
    as it would be stored (the merged result of the op), when the op touches a field
    they look at: the same check the record dialog makes."""
    if kind is not EntityKind.PROGRAM_RECORD or not _PROGRAM_FIELDS & set(changed):
        return
    try:
        record = decode_record(kind, after, id="program-record")
    except CodecError:
        return  # a value from a newer client (a new status code): not judged here
    assert isinstance(record, ProgramRecord)
    problems = record_problems(record)
    if problems:
        raise OpRejected("invalid_field", problems[0].message, problems[0].field)


def check_document(kind: EntityKind, after: Mapping[str, Any], changed: Collection[str]) -> None:
    """A resident's ``id_number`` by its ``id_type`` (a 居民身份证 number parsed, a
    passport number 5–20 letters or digits), when the op touches either."""
    if kind is not EntityKind.RESIDENT or not {"id_number", "id_type"} & set(changed):
        return
    number = after.get("id_number")
    if not isinstance(number, str) or not number:
        return
    try:
        document = IdDocumentType(after.get("id_type") or IdDocumentType.RESIDENT_ID.value)
    except ValueError:
        raise OpRejected("invalid_field", "证件类型无效", "id_type") from None
    try:
        iddocument.check_document(document, number)
    except idnumber.InvalidIdNumber as exc:
        raise OpRejected("invalid_id_number", str(exc), "id_number") from None


_TAG_FIELDS = frozenset({"tags", "gender", "birth_date"})


def check_tags(
    kind: EntityKind,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    changed: Collection[str],
    now: datetime,
) -> None:
    """The special-group rules of :mod:`gridcore.domain.grouprules` on a resident as it
    would be stored (``after``, wire fields), the same check the resident form makes.

    Only what the op touches is judged: age rules for tags it sets (all tags when it
    changes the birth date), the gender rule when it changes the tags or the gender; a
    record stored before these rules is not refused for an unrelated edit."""
    if kind is not EntityKind.RESIDENT or not _TAG_FIELDS & set(changed):
        return
    tags = _tags(after.get("tags"))
    old = _tags(before.get("tags")) if before is not None else frozenset()
    gender = after.get("gender") if {"tags", "gender"} & set(changed) else None
    birth = after.get("birth_date")
    try:
        problems = tag_problems(
            tags,
            decode_value(kind, "gender", gender),
            decode_value(kind, "birth_date", birth),
            today_cst(now),
            checked=tags if "birth_date" in changed or before is None else tags - old,
        )
    except CodecError:
        return  # a stored value from before the codec checks: nothing to judge by
    if problems:
        raise OpRejected("invalid_field", problems[0].message, "tags")


def _tags(value: Any) -> frozenset[SpecialGroup]:
    """Known group codes of a wire tag list (a code from a newer client is kept, not
    judged)."""
    if not isinstance(value, list):
        return frozenset()
    known = {g.value for g in SpecialGroup}
    return frozenset(SpecialGroup(c) for c in value if isinstance(c, str) and c in known)


def shown_name(name: str) -> str:
    """A field name the client sent, in a form every store and every log takes (it may
    be anything: an unknown name is reported back as it came, made safe)."""
    safe = limits.clean_text(name)
    if len(safe) > _FIELD_NAME_MAX:
        safe = safe[: _FIELD_NAME_MAX - 1] + "…"
    return safe


@dataclass(frozen=True, slots=True)
class StoredProblem:
    kind: str
    id: str
    field: str
    message: str


def stored_problems(db: Database, batch: int = 1000) -> Iterator[StoredProblem]:
    """Stored values that break today's rules: written before these checks existed
    (each one can stop the pulls of every laptop whose scope holds its record). They
    are fixed by editing the record on a laptop: the edit replaces the value."""
    query = select(records.c.kind, records.c.id, records.c.fields).order_by(
        records.c.kind, records.c.id
    )
    with db.engine.connect().execution_options(yield_per=batch) as conn:
        for row in conn.execute(query):
            try:
                kind = EntityKind(row.kind)
            except ValueError:
                yield StoredProblem(row.kind, row.id, "", "未知的记录类型")
                continue
            specs = field_specs(kind)
            for name, value in row.fields.items():
                try:
                    limits.check_wire(name, value)
                    if name in specs:
                        limits.check_value(kind, name, decode_value(kind, name, value))
                except (limits.InvalidValue, CodecError) as exc:
                    yield StoredProblem(row.kind, row.id, shown_name(name), str(exc))
