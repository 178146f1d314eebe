"""The data of the printed reports (pure: no Qt, no rendering).

Every report is a :class:`Report`: a title, the unit (area) it covers, the period, the
columns, the rows, an optional totals row, summary lines, the print time and "数据截至"
(the last successful sync). Rendering (PDF, printer) and the Excel export both read the
same object, so what is printed and what is passed upward always agree.

Areas are chosen by id or code and cover their whole subtree (a township covers all its
villages' grids). A period is two dates in China Standard Time, both included. The
reads (and the counts over visits and households, aggregates in the database) are
:mod:`gridclient.storage.reportqueries`: no SQL here.

The builders live one family to a module, over what :mod:`~gridclient.reports.common`
shares (Report, Period, the scope of an area, the masks): ``visits`` (入户走访登记表,
网格走访情况汇总表), ``events`` (事件台账, 事件办理统计), ``mediations`` (矛盾纠纷调解台账),
``rosters`` (特殊群体花名册), ``programs`` (重点户花名册, 防返贫监测台账), ``places``
(组织名册, 场所名册), ``patrols`` (巡查日志) and ``households`` (微网格联户名册, 包户名册).
This module names them all and dispatches by :class:`ReportKind` (:func:`build_report`).
"""

from __future__ import annotations

from datetime import datetime

from gridclient.reports.common import (
    NOT_SYNCED,
    QUARTER_NAMES,
    AmbiguousHousehold,
    AreaChoice,
    AreaNotFound,
    Cell,
    Column,
    HouseholdNotFound,
    Period,
    Report,
    ReportKind,
    may_see_full_ids,
    report_areas,
    stored_role,
)
from gridclient.reports.events import (
    EventFilter,
    EventStateFilter,
    build_event_ledger,
    build_event_stats,
)
from gridclient.reports.households import (
    NO_CADRE,
    build_cadre_roster,
    build_micro_grid_roster,
)
from gridclient.reports.mediations import build_mediation_ledger
from gridclient.reports.patrols import (
    EVENT_NOT_HERE,
    build_patrol_log,
)
from gridclient.reports.places import (
    build_organization_roster,
    build_place_roster,
)
from gridclient.reports.programs import (
    build_household_roster,
    build_monitoring_ledger,
)
from gridclient.reports.progress import Step
from gridclient.reports.rosters import build_roster
from gridclient.reports.visits import (
    build_visit_register,
    build_visit_summary,
)
from gridclient.storage.store import Store
from gridcore.domain.enums import PlaceKind, Role, SpecialGroup

__all__ = [
    "EVENT_NOT_HERE",
    "NOT_SYNCED",
    "NO_CADRE",
    "QUARTER_NAMES",
    "AmbiguousHousehold",
    "AreaChoice",
    "AreaNotFound",
    "Cell",
    "Column",
    "EventFilter",
    "EventStateFilter",
    "HouseholdNotFound",
    "Period",
    "Report",
    "ReportKind",
    "build_cadre_roster",
    "build_event_ledger",
    "build_event_stats",
    "build_household_roster",
    "build_mediation_ledger",
    "build_micro_grid_roster",
    "build_monitoring_ledger",
    "build_organization_roster",
    "build_patrol_log",
    "build_place_roster",
    "build_report",
    "build_roster",
    "build_visit_register",
    "build_visit_summary",
    "may_see_full_ids",
    "report_areas",
    "stored_role",
]


# ------------------------------------------------------------------------ dispatch


def build_report(
    store: Store,
    kind: ReportKind,
    area: str,
    period: Period,
    *,
    role: Role = Role.WORKER,
    group: SpecialGroup | None = None,
    program: str | None = None,
    place_kind: PlaceKind | None = None,
    household_id: str | None = None,
    masked: bool = False,
    which: EventFilter = EventFilter(),
    now: datetime | None = None,
    step: Step | None = None,
) -> Report:
    """One entry point for the command line and the UI. ``household_id``: the household's
    id or its 户号 (入户走访登记表); ``masked``: ID and phone numbers masked whatever the
    role (花名册; the other reports print neither); ``which`` selects events for the
    event ledger and statistics. ``step`` (see :mod:`gridclient.reports.progress`) is
    called before the work and, for the reports that can run long (走访登记表, 事件台账
    and 统计, the 花名册 of people and households), between chunks of rows read and built;
    a :class:`~gridclient.cancel.Cancelled` it raises stops the build."""
    if step is not None:
        step(0, 0)
    if kind is ReportKind.VISIT_REGISTER:
        return build_visit_register(
            store, area, period, household_id=household_id, now=now, step=step
        )
    if kind is ReportKind.VISIT_SUMMARY:
        return build_visit_summary(store, area, period, now=now)
    if kind is ReportKind.EVENT_LEDGER:
        return build_event_ledger(store, area, period, which=which, now=now, step=step)
    if kind is ReportKind.EVENT_STATS:
        return build_event_stats(store, area, period, which=which, now=now, step=step)
    if kind is ReportKind.MEDIATION_LEDGER:
        return build_mediation_ledger(store, area, period, now=now)
    if kind is ReportKind.CADRE_ROSTER:
        return build_cadre_roster(store, area, role, masked=masked, now=now)
    if kind is ReportKind.MICRO_GRID_ROSTER:
        return build_micro_grid_roster(store, area, role, masked=masked, now=now)
    if kind is ReportKind.PATROL_LOG:
        return build_patrol_log(store, area, period, now=now)
    if kind is ReportKind.MONITORING_LEDGER:
        return build_monitoring_ledger(store, area, period, now=now)
    if kind is ReportKind.ORGANIZATION_ROSTER:
        return build_organization_roster(store, area, role, masked=masked, now=now)
    if kind is ReportKind.PLACE_ROSTER:
        return build_place_roster(store, area, role, place_kind=place_kind, masked=masked, now=now)
    if kind is ReportKind.HOUSEHOLD_ROSTER:
        if program is None:
            raise ValueError("重点户花名册需要指定类别（--program），如 低保户")
        return build_household_roster(store, area, program, role, masked=masked, now=now, step=step)
    if group is None:
        raise ValueError("特殊群体花名册需要指定群体（--group）")
    return build_roster(store, area, group, role, masked=masked, now=now, step=step)
