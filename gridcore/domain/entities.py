"""The records grid workers keep: plain dataclasses, no persistence or Qt.

Every record has a client-generated UUID (``id``), a server-assigned ``version`` (0 until
the server has seen it), a ``deleted`` tombstone and the server's ``updated_at``.
Households, residents, organizations, program records, patrols, mediations, places and
areas are mutable and merged field by field; visits, place inspections, events, event
actions and attachments are append-only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import ClassVar

from gridcore.domain.enums import (
    AreaLevel,
    DisabilityCategory,
    EntityKind,
    EventActionKind,
    EventSource,
    Gender,
    HouseholdTag,
    IdDocumentType,
    Ledger,
    LimitKind,
    MediationAgreement,
    MediationOutcome,
    MonitorStatus,
    OrganizationKind,
    PlaceKind,
    PopulationType,
    Program,
    Relation,
    ResidenceStatus,
    RiskLevel,
    RiskType,
    Role,
    Satisfaction,
    SpecialGroup,
    Urgency,
    VisitMethod,
)

#: China Standard Time; no daylight saving, so a fixed offset is exact.
CST = timezone(timedelta(hours=8), "CST")


def new_id() -> str:
    """A fresh record id (UUID4, canonical text form)."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True, kw_only=True)
class Record:
    """Base of every synced record. Personal fields are left out of ``repr`` so that a
    record in a log line or traceback does not leak names, ID or phone numbers."""

    id: str = field(default_factory=new_id)
    version: int = 0
    deleted: bool = False
    updated_at: datetime | None = None

    KIND: ClassVar[EntityKind]


@dataclass(slots=True, kw_only=True)
class Area(Record):
    """One node of 区县 → 乡镇/街道 → 村/社区 → 网格 → 微网格, identified by its code."""

    code: str
    name: str
    level: AreaLevel
    parent_id: str | None = None
    issuer: str = ""
    """填报单位: the body that issues this area's rosters and reports (e.g. 和平镇人民政府),
    set on the server; reports of an area without one use the nearest area above that
    has one, else the chain of area names."""

    KIND: ClassVar[EntityKind] = EntityKind.AREA


@dataclass(slots=True, kw_only=True)
class Household(Record):
    grid_id: str
    address: str
    number: str = ""
    """户号 (household register number), when known."""
    micro_grid_id: str | None = None
    phone: str = field(default="", repr=False)
    tags: frozenset[HouseholdTag] = frozenset()
    notes: str = ""
    cadre: str = ""
    """包户干部 (五级五长包户): the cadre answerable for this household, as written —
    name and post, e.g. 村支书 张建国."""
    moved_out_on: date | None = None
    """迁出: the day the household left the grid. It then drops out of the lists,
    figures and rosters; its record and history stay."""
    moved_to: str = ""
    """Where it moved to (迁往), as told."""
    removal_reason: str = ""
    """Why the record was deleted (登记错误, 重复登记, …), written just before the delete."""

    KIND: ClassVar[EntityKind] = EntityKind.HOUSEHOLD

    @property
    def moved_out(self) -> bool:
        return self.moved_out_on is not None


@dataclass(slots=True, kw_only=True)
class Resident(Record):
    household_id: str
    name: str = field(repr=False)
    id_number: str = field(default="", repr=False)
    id_type: IdDocumentType = IdDocumentType.RESIDENT_ID
    """证件类型 of ``id_number`` (a passport number for a foreigner, …)."""
    gender: Gender | None = None
    birth_date: date | None = None
    relation: Relation = Relation.OTHER
    ethnicity: str = "汉族"
    phone: str = field(default="", repr=False)
    population_type: PopulationType = PopulationType.REGISTERED
    residence_status: ResidenceStatus = ResidenceStatus.CONSISTENT
    tags: frozenset[SpecialGroup] = frozenset()
    disability_category: DisabilityCategory | None = None
    disability_grade: int | None = None
    """残疾等级 1–4 (一级 is the most severe)."""
    disability_certificate: str = field(default="", repr=False)
    """残疾证号 (the 20-character number of the 残疾人证), as written on the card."""
    guardian: str = field(default="", repr=False)
    """监护人 of a child (留守儿童, 困境儿童): name and relation as told, e.g. 祖母 李秀英."""
    guardian_phone: str = field(default="", repr=False)
    """监护人电话."""
    workplace: str = ""
    notes: str = ""

    KIND: ClassVar[EntityKind] = EntityKind.RESIDENT

    def age_on(self, day: date) -> int | None:
        """Completed years (周岁) on ``day``; see :func:`gridcore.domain.agegroups.age_on`."""
        if self.birth_date is None:
            return None
        from gridcore.domain.agegroups import age_on  # agegroups imports this module

        return age_on(self.birth_date, day)


@dataclass(slots=True, kw_only=True)
class Organization(Record):
    grid_id: str
    name: str
    kind: OrganizationKind = OrganizationKind.OTHER
    leader: str = ""
    phone: str = ""
    members: int | None = None
    address: str = ""
    notes: str = ""

    KIND: ClassVar[EntityKind] = EntityKind.ORGANIZATION


@dataclass(slots=True, kw_only=True)
class Patrol(Record):
    """巡查: a worker's walk through a grid on one day, what was found, the photos taken
    and the events reported from it. Mutable (merged field by field like a household):
    a patrol is written as the day goes and corrected afterwards. The link to the events
    lives here (``event_ids``), not on the event, so events keep the fields every client
    version knows."""

    grid_id: str
    patroller: str
    """The user name of the one who patrolled (lists show the real name)."""
    patrol_date: date
    started_at: datetime | None = None
    ended_at: datetime | None = None
    route: str = ""
    """The way walked, as written (e.g. 村委会—幸福街—河堤—学校)."""
    places: str = ""
    """The places looked at (shops, rental houses, hazard sites …), as written."""
    findings: str = ""
    attachments: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    """The events reported from this patrol (从本次巡查上报事件), oldest first."""
    notes: str = ""

    KIND: ClassVar[EntityKind] = EntityKind.PATROL


@dataclass(slots=True, kw_only=True)
class Place(Record):
    """场所 (地、物): a shop, rental house, school, hazard site or key facility of a grid,
    with the person answerable for it. Its checks are :class:`PlaceInspection` records."""

    grid_id: str
    name: str
    kind: PlaceKind = PlaceKind.OTHER
    micro_grid_id: str | None = None
    address: str = ""
    contact: str = field(default="", repr=False)
    """负责人 (owner, manager or landlord), as told."""
    phone: str = field(default="", repr=False)
    risk_level: RiskLevel | None = None
    is_key: bool = False
    """重点场所: on the grid's list of places checked regularly."""
    notes: str = ""
    removal_reason: str = ""
    """Why the record was deleted (登记错误, 已歇业, …), written just before the delete."""

    KIND: ClassVar[EntityKind] = EntityKind.PLACE


@dataclass(slots=True, kw_only=True)
class PlaceInspection(Record):
    """检查记录: one check of a place. Append-only, so two workers checking the same
    place never conflict; a recheck (复查) that finds the hazard rectified is a new
    record, and a correction is a new record whose ``corrects_id`` names the one it
    replaces."""

    place_id: str
    inspector: str
    inspected_on: date
    findings: str = ""
    hazards: str = ""
    """隐患: what was found unsafe; empty when nothing was."""
    rectify_by: date | None = None
    """整改期限."""
    rectified: bool = False
    """已整改: the hazards were put right by the time of this check."""
    corrects_id: str | None = None
    server_at: datetime | None = None
    """When the server received it (stamped by the server)."""

    KIND: ClassVar[EntityKind] = EntityKind.PLACE_INSPECTION

    @property
    def open_hazard(self) -> bool:
        """A hazard found and not (yet) rectified."""
        return bool(self.hazards.strip()) and not self.rectified


@dataclass(slots=True, kw_only=True)
class ProgramRecord(Record):
    """帮扶记录: one spell of a household in a program (低保, 特困供养, 临时救助, 防返贫监测,
    优抚), from the day it was granted or identified to the day it stopped or the risk
    was cleared. Mutable, merged field by field; the rules on its fields together are
    :func:`gridcore.domain.programs.record_problems`. A 防返贫监测 record carries the
    monitoring: risk type, measures and its status (:class:`MonitorStatus`)."""

    household_id: str
    program: Program
    started_on: date
    """识别日期 (防返贫监测) or the day the benefit was granted (批准日期)."""
    ended_on: date | None = None
    """风险消除日期 (防返贫监测) or the day the benefit stopped; None while open."""
    status: MonitorStatus | None = None
    """防返贫监测 only."""
    risk_type: RiskType | None = None
    """防返贫监测 only (required there)."""
    measures: str = ""
    """帮扶措施, as written."""
    amount: int | None = None
    """Whole yuan a month (低保金, 特困供养金) or once (临时救助), when there is one."""
    approved_by: str = ""
    """Who approved or identified it (审批单位 or person)."""
    notes: str = ""

    KIND: ClassVar[EntityKind] = EntityKind.PROGRAM_RECORD

    @property
    def open(self) -> bool:
        """Still running: not ended (a 防返贫监测 record: not closed either)."""
        if self.status is not None and self.status.closed:
            return False
        return self.ended_on is None


@dataclass(slots=True, kw_only=True)
class Visit(Record):
    """走访: one recorded contact with a household. Append-only; a correction is a new
    visit whose ``corrects_id`` names the one it replaces."""

    household_id: str
    grid_id: str
    visitor: str
    visited_at: datetime
    method: VisitMethod = VisitMethod.IN_PERSON
    content: str = ""
    findings: str = ""
    needs: str = ""
    follow_up: str = ""
    attachments: tuple[str, ...] = ()
    corrects_id: str | None = None
    server_at: datetime | None = None
    """When the server received it (stamped by the server; ``visited_at`` is when it
    happened)."""

    KIND: ClassVar[EntityKind] = EntityKind.VISIT


@dataclass(slots=True, kw_only=True)
class Event(Record):
    """事件: fixed at report time; everything that happens later is an EventAction."""

    grid_id: str
    category_code: str
    ledger: Ledger
    urgency: Urgency
    title: str
    reporter: str
    reported_at: datetime
    description: str = ""
    location: str = ""
    people_involved: str = ""
    household_id: str | None = None
    attachments: tuple[str, ...] = ()
    category_name: str = ""
    """The terms it was reported under (see :func:`gridcore.domain.catalog.stamp_terms`):
    the category's name then, its time limit in days for ``urgency`` (None only on an
    event stored before terms were kept; 0 with an hour limit), the hours of an hour
    limit, how its days count (an event stored before working days existed: calendar
    days, as it was then) and the catalog revision."""
    time_limit_days: int | None = None
    time_limit_hours: int | None = None
    limit_kind: LimitKind = LimitKind.CALENDAR
    catalog_revision: int = 0
    terms_inferred: bool = False
    """The terms were filled in afterwards (by a migration, from the catalog of that
    time) rather than kept at the report."""
    source: EventSource = EventSource.GRID_WORKER
    """来源: 网格员上报 for a grid worker's report, else the channel township staff took
    it in by (热线, 来访, 书记接待, 12345, 其他)."""
    number: str = ""
    """事件编号, unique per township, assigned by the server when the event first
    arrives there (``YYYY-TTT-NNNNN``: year reported, township code, sequence); empty
    (shown as 待编号) until then."""

    KIND: ClassVar[EntityKind] = EntityKind.EVENT


@dataclass(slots=True, kw_only=True)
class EventAction(Record):
    """流转: one append-only step of an event. ``at`` is when it happened: the device
    clock corrected by the offset measured against the server at the last contact;
    ``server_at`` is stamped by the server when it arrives (strictly increasing per
    event, so it is the order the server accepted the steps in)."""

    event_id: str
    kind: EventActionKind
    actor: str
    actor_role: Role
    at: datetime
    comment: str = ""
    assignee: str = ""
    """For dispatch: the department, or ``grid`` for back to the grid worker."""
    satisfaction: Satisfaction | None = None
    deadline: date | None = None
    """For 申请延期: the new deadline asked for (the end of that day, China Standard
    Time); a 批准延期 moves the event's deadline there."""
    final_evaluation: bool = False
    """A 不满意 evaluation recorded before 不满意 reopened events: final, as it was then
    (set by the migrations on the steps they carry over; the server ignores a client's
    value), so upgrading reopens no past event and changes no past figure."""
    attachments: tuple[str, ...] = ()
    server_at: datetime | None = None

    KIND: ClassVar[EntityKind] = EntityKind.EVENT_ACTION

    @property
    def effective_at(self) -> datetime:
        """When the step happened (``at``): what history shows and what deadlines and
        finish times count, however long the laptop stayed offline before syncing."""
        return self.at

    @property
    def fold_key(self) -> tuple[bool, datetime, str]:
        """The order the workflow folds actions in, the same on the server and every
        laptop whatever order they arrived in: the server's acceptance order
        (``server_at``), then steps not yet accepted, by when they happened."""
        return (self.server_at is None, self.server_at or self.at, self.id)

    @property
    def history_key(self) -> tuple[datetime, datetime, str]:
        """The order history is shown in: when the steps happened."""
        return (self.at, self.server_at or self.at, self.id)


@dataclass(frozen=True, slots=True, kw_only=True)
class MediationSession:
    """One 调解 session: the day, where it was held, and a short note (who came, what
    was agreed so far). On the wire ``{"on": "YYYY-MM-DD", "place": …, "note": …}``."""

    on: date
    place: str = ""
    note: str = ""


@dataclass(slots=True, kw_only=True)
class Mediation(Record):
    """调解: the mediation of a dispute event (人民调解), edited as it goes and merged field
    by field. It belongs to its event (``event_id``, whose category must be a 矛盾纠纷 one)
    and is in scope wherever the event is."""

    event_id: str
    started_on: date
    """受理/开始调解的日期."""
    mediator: str = ""
    """调解员, as written (name, and post if wanted)."""
    committee: str = ""
    """调解组织 (e.g. 和平村人民调解委员会)."""
    parties: str = field(default="", repr=False)
    """当事人 (both sides), as written."""
    sessions: tuple[MediationSession, ...] = ()
    agreement: str = field(default="", repr=False)
    """协议内容."""
    agreement_kind: MediationAgreement = MediationAgreement.NONE
    outcome: MediationOutcome = MediationOutcome.IN_PROGRESS
    follow_up: str = ""
    """回访情况 (whether the agreement is kept)."""
    attachments: tuple[str, ...] = ()
    """Photos or scans of the 调解协议书 and the sessions."""
    notes: str = ""

    KIND: ClassVar[EntityKind] = EntityKind.MEDIATION


@dataclass(slots=True, kw_only=True)
class Attachment(Record):
    """A photo or document, content-addressed: ``id`` is the SHA-256 of the stored bytes."""

    mime: str
    size: int
    width: int | None = None
    height: int | None = None
    created_at: datetime | None = None

    KIND: ClassVar[EntityKind] = EntityKind.ATTACHMENT

    @property
    def sha256(self) -> str:
        return self.id


ENTITY_TYPES: dict[EntityKind, type[Record]] = {
    EntityKind.AREA: Area,
    EntityKind.HOUSEHOLD: Household,
    EntityKind.RESIDENT: Resident,
    EntityKind.ORGANIZATION: Organization,
    EntityKind.PATROL: Patrol,
    EntityKind.PLACE: Place,
    EntityKind.PLACE_INSPECTION: PlaceInspection,
    EntityKind.VISIT: Visit,
    EntityKind.EVENT: Event,
    EntityKind.EVENT_ACTION: EventAction,
    EntityKind.MEDIATION: Mediation,
    EntityKind.ATTACHMENT: Attachment,
    EntityKind.PROGRAM_RECORD: ProgramRecord,
}

#: Records edited in place and merged field by field.
MUTABLE_KINDS = frozenset(
    {
        EntityKind.AREA,
        EntityKind.HOUSEHOLD,
        EntityKind.RESIDENT,
        EntityKind.ORGANIZATION,
        EntityKind.PATROL,
        EntityKind.MEDIATION,
        EntityKind.PLACE,
        EntityKind.PROGRAM_RECORD,
    }
)
#: Records that are only ever created (a correction is a new record): they never conflict.
APPEND_ONLY_KINDS = frozenset(ENTITY_TYPES) - MUTABLE_KINDS
