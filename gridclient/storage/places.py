"""Places (地、物) and their inspection records as the 场所 list, the place form and the
场所名册 read them.

A place's state of checks is derived from its inspection records, which are append-only:
its *latest check* is the current (not corrected) record with the latest inspection day
(then the latest server time, then id), and it has an *open hazard* when that check found
one and did not find it rectified. Places are few (tens per grid), so the derivation runs
in Python over one query per list rather than in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, select

from gridclient.storage.chunks import chunked
from gridclient.storage.convert import record_from_row
from gridclient.storage.engine import read_session
from gridclient.storage.models import AreaRow, PlaceInspectionRow, PlaceRow
from gridcore.domain import phone
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import PlaceInspection
from gridcore.domain.enums import EntityKind, PlaceKind, RiskLevel
from gridcore.domain.sorting import natural_key

__all__ = [
    "LatestCheck",
    "PlaceFocus",
    "PlaceListRow",
    "PlaceQueries",
    "current_inspections",
    "latest_checks",
]


class PlaceFocus(StrEnum):
    """The 场所 list's second filter."""

    ALL = "all"
    KEY = "key"
    """重点场所."""
    RISK = "risk"
    """风险等级 较大 or 重大."""
    HAZARD = "hazard"
    """The latest check found a hazard not yet rectified."""


_RISK_ORDER = {level.value: n for n, level in enumerate(RiskLevel)}
_KIND_ORDER = {kind.value: n for n, kind in enumerate(PlaceKind)}


@dataclass(frozen=True, slots=True)
class LatestCheck:
    inspected_on: date
    hazards: str
    rectified: bool
    rectify_by: date | None

    @property
    def open_hazard(self) -> bool:
        return bool(self.hazards.strip()) and not self.rectified


def current_inspections(checks: Iterable[PlaceInspection]) -> list[PlaceInspection]:
    """The checks not replaced by a correction, newest first."""
    checks = list(checks)
    replaced = {c.corrects_id for c in checks if c.corrects_id}
    current = [c for c in checks if c.id not in replaced and not c.deleted]
    return sorted(current, key=_check_order, reverse=True)


_NEVER = datetime.min.replace(tzinfo=UTC)


def _order(inspected_on: date, server_at: datetime | None, record_id: str) -> tuple[Any, ...]:
    """Later inspection day first; on one day, a check not yet synced (recorded here
    last) before those the server has, then the server's order."""
    return (inspected_on, server_at is None, server_at or _NEVER, record_id)


def _check_order(check: PlaceInspection) -> tuple[Any, ...]:
    return _order(check.inspected_on, check.server_at, check.id)


def latest_checks(connection: Connection, place_ids: Sequence[str]) -> dict[str, LatestCheck]:
    """The latest current check of each place that has one (the columns it needs only,
    no record built: a township list asks this for thousands of places)."""
    i = PlaceInspectionRow
    out: dict[str, LatestCheck] = {}
    for chunk in chunked(place_ids):
        rows = connection.execute(
            select(
                i.id, i.place_id, i.inspected_on, i.server_at, i.hazards, i.rectified,
                i.rectify_by, i.corrects_id,
            ).where(i.place_id.in_(chunk), i.deleted.is_(False))
        ).all()  # fmt: skip
        replaced = {row.corrects_id for row in rows if row.corrects_id}
        best: dict[str, Any] = {}
        for row in rows:
            if row.id in replaced:
                continue
            key = _order(row.inspected_on, row.server_at, row.id)
            held = best.get(row.place_id)
            if held is None or key > held[0]:
                best[row.place_id] = (key, row)
        for place_id, (_key, row) in best.items():
            out[place_id] = LatestCheck(
                row.inspected_on, row.hazards, bool(row.rectified), row.rectify_by
            )
    return out


def last_check_text(check: LatestCheck | None) -> str:
    """最近检查 as a list cell: the day, and 待整改 when it left a hazard open (past its
    deadline: 逾期未整改); the deadline itself is in the dialog and the roster."""
    if check is None:
        return "未检查"
    text = check.inspected_on.isoformat()
    if check.open_hazard:
        late = check.rectify_by is not None and check.rectify_by < today_cst()
        text += " 逾期未整改" if late else " 待整改"
    return text


def risk_text(risk_level: str | None, is_key: bool) -> str:
    label = RiskLevel(risk_level).label if risk_level in _RISK_ORDER else (risk_level or "")
    if is_key:
        return f"{label} · 重点" if label else "重点"
    return label


PlaceListRow = tuple[str, str, str, str, str, str, str, str]


class PlaceQueries:
    """场所 of the user's grids. The contact's phone is masked here like a resident's."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def place_ids(
        self,
        grid_ids: Sequence[str] | None = None,
        kind: PlaceKind | None = None,
        focus: PlaceFocus = PlaceFocus.ALL,
        text: str = "",
    ) -> list[str]:
        """Live places of the grids (None: every grid in the store), by grid, kind and
        name; ``text`` matches the name, address or contact."""
        query = select(
            PlaceRow.id, PlaceRow.grid_id, PlaceRow.kind, PlaceRow.name, PlaceRow.risk_level
        ).where(PlaceRow.deleted.is_(False))
        if grid_ids is not None:
            query = query.where(PlaceRow.grid_id.in_(list(grid_ids)))
        if kind is not None:
            query = query.where(PlaceRow.kind == kind.value)
        if focus is PlaceFocus.KEY:
            query = query.where(PlaceRow.is_key.is_(True))
        elif focus is PlaceFocus.RISK:
            query = query.where(
                PlaceRow.risk_level.in_([RiskLevel.MAJOR.value, RiskLevel.SEVERE.value])
            )
        words = text.split()
        for word in words:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                PlaceRow.name.like(pattern, escape="\\")
                | PlaceRow.address.like(pattern, escape="\\")
                | PlaceRow.contact.like(pattern, escape="\\")
            )
        with read_session(self._engine) as session:
            connection = session.connection()
            rows = connection.execute(query).all()
            if focus is PlaceFocus.HAZARD:
                checks = latest_checks(connection, [r.id for r in rows])
                rows = [r for r in rows if r.id in checks and checks[r.id].open_hazard]
        ordered = sorted(
            rows,
            key=lambda r: (r.grid_id, _KIND_ORDER.get(r.kind, 99), natural_key(r.name), r.id),
        )
        return [r.id for r in ordered]

    def place_rows(self, ids: Sequence[str]) -> Mapping[str, PlaceListRow]:
        """Name, kind, grid, address, contact, masked phone, risk level, last check."""
        out: dict[str, PlaceListRow] = {}
        with read_session(self._engine) as session:
            connection = session.connection()
            checks = latest_checks(connection, ids)
            for chunk in chunked(ids):
                statement = (
                    select(
                        PlaceRow.id,
                        PlaceRow.name,
                        PlaceRow.kind,
                        PlaceRow.address,
                        PlaceRow.contact,
                        PlaceRow.phone,
                        PlaceRow.risk_level,
                        PlaceRow.is_key,
                        AreaRow.name.label("grid"),
                    )
                    .outerjoin(AreaRow, AreaRow.id == PlaceRow.grid_id)
                    .where(PlaceRow.id.in_(chunk))
                )
                for row in connection.execute(statement):
                    out[row.id] = (
                        row.name,
                        PlaceKind(row.kind).label if row.kind in _KIND_ORDER else row.kind,
                        row.grid or "",
                        row.address,
                        row.contact,
                        phone.mask(row.phone) if row.phone else "",
                        risk_text(row.risk_level, row.is_key),
                        last_check_text(checks.get(row.id)),
                    )
        return out

    def inspections(self, place_id: str) -> list[PlaceInspection]:
        """The place's current checks, newest first."""
        table = PlaceInspectionRow.__table__
        with read_session(self._engine) as session:
            rows = session.execute(
                select(table).where(
                    PlaceInspectionRow.place_id == place_id, PlaceInspectionRow.deleted.is_(False)
                )
            ).all()
        checks = [record_from_row(EntityKind.PLACE_INSPECTION, row._mapping) for row in rows]
        return current_inspections(c for c in checks if isinstance(c, PlaceInspection))
