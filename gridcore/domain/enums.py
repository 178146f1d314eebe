"""Coded fields of the domain.

Every enum value is a stable ASCII code that travels over the wire and lives in the
databases; the Chinese label is for people and may change without a migration.
"""

from __future__ import annotations

from enum import StrEnum

from gridcore.domain.gender import Gender

__all__ = [
    "AreaLevel",
    "ChangeKind",
    "DisabilityCategory",
    "EntityKind",
    "EventActionKind",
    "EventGroup",
    "EventSource",
    "EventState",
    "Gender",
    "HouseholdTag",
    "IdDocumentType",
    "Ledger",
    "LimitKind",
    "MediationAgreement",
    "MediationOutcome",
    "MonitorStatus",
    "OrganizationKind",
    "PlaceKind",
    "PopulationType",
    "Program",
    "Relation",
    "ResidenceStatus",
    "RiskLevel",
    "RiskType",
    "Role",
    "Satisfaction",
    "SpecialGroup",
    "Urgency",
    "VisitMethod",
]


_LABELS: dict[tuple[type, str], str] = {}


def _set_labels(cls: type[StrEnum], labels: dict[str, str]) -> None:
    missing = {m.value for m in cls} - labels.keys()
    if missing:
        raise AssertionError(f"{cls.__name__} lacks labels for {sorted(missing)}")
    for value, text in labels.items():
        _LABELS[cls, cls(value).value] = text


class _Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese label for display."""

    @property
    def label(self) -> str:
        return _LABELS.get((type(self), self.value), self.value)


class AreaLevel(_Labelled):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    GRID = "grid"
    MICRO_GRID = "micro_grid"

    @property
    def depth(self) -> int:
        return list(AreaLevel).index(self)


_set_labels(
    AreaLevel,
    {
        "county": "区县",
        "township": "乡镇/街道",
        "village": "村/社区",
        "grid": "网格",
        "micro_grid": "微网格",
    },
)


class Relation(_Labelled):
    """与户主关系 (relation to the head of household)."""

    HEAD = "head"
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    PARENT = "parent"
    PARENT_IN_LAW = "parent_in_law"
    CHILD_IN_LAW = "child_in_law"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    OTHER_RELATIVE = "other_relative"
    TENANT = "tenant"
    OTHER = "other"


_set_labels(
    Relation,
    {
        "head": "户主",
        "spouse": "配偶",
        "son": "子",
        "daughter": "女",
        "parent": "父母",
        "parent_in_law": "公婆/岳父母",
        "child_in_law": "儿媳/女婿",
        "grandchild": "孙子女/外孙子女",
        "grandparent": "祖父母/外祖父母",
        "sibling": "兄弟姐妹",
        "other_relative": "其他亲属",
        "tenant": "租住人员",
        "other": "其他",
    },
)


class IdDocumentType(_Labelled):
    """证件类型 of a resident's ``id_number``. Someone with no document at all (an infant
    not yet registered, 未落户) has an empty number of the default type."""

    RESIDENT_ID = "resident_id"
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    PASSPORT = "passport"
    FOREIGN_PERMANENT = "foreign_permanent"
    OTHER = "other"

    @property
    def is_id_number(self) -> bool:
        """Numbered like a 居民身份证 (18 characters with a check digit; 港澳台居民居住证
        numbers start 81/82/83): checked, masked and searched as one."""
        return self in (IdDocumentType.RESIDENT_ID, IdDocumentType.HMT_RESIDENCE_PERMIT)


_set_labels(
    IdDocumentType,
    {
        "resident_id": "居民身份证",
        "hmt_residence_permit": "港澳台居民居住证",
        "hk_macao_permit": "港澳居民来往内地通行证",
        "taiwan_permit": "台湾居民来往大陆通行证",
        "passport": "护照",
        "foreign_permanent": "外国人永久居留身份证",
        "other": "其他证件",
    },
)


class PopulationType(_Labelled):
    """实有人口类别."""

    REGISTERED = "registered"
    FLOATING = "floating"
    OVERSEAS = "overseas"
    UNREGISTERED = "unregistered"


_set_labels(
    PopulationType,
    {
        "registered": "户籍人口",
        "floating": "流动人口",
        "overseas": "境外人员",
        "unregistered": "未落户人员",
    },
)


class ResidenceStatus(_Labelled):
    """人户状态."""

    CONSISTENT = "consistent"
    PERSON_WITHOUT_HUKOU = "person_without_hukou"
    HUKOU_WITHOUT_PERSON = "hukou_without_person"


_set_labels(
    ResidenceStatus,
    {
        "consistent": "人户一致",
        "person_without_hukou": "人在户不在",
        "hukou_without_person": "户在人不在",
    },
)


class SpecialGroup(_Labelled):
    """特殊群体 / 重点人群 tags on a resident."""

    LEFT_BEHIND_CHILD = "left_behind_child"
    LEFT_BEHIND_ELDER = "left_behind_elder"
    LEFT_BEHIND_WOMAN = "left_behind_woman"
    CHILD_IN_DIFFICULTY = "child_in_difficulty"
    ELDERLY_60 = "elderly_60"
    ELDERLY_80 = "elderly_80"
    ELDERLY_90 = "elderly_90"
    ELDERLY_100 = "elderly_100"
    ELDER_LIVING_ALONE = "elder_living_alone"
    EMPTY_NEST_ELDER = "empty_nest_elder"
    CHILDLESS_ELDER = "childless_elder"
    DISABLED = "disabled"
    VETERAN_FAMILY = "veteran_family"
    VETERAN = "veteran"
    KEY_YOUTH = "key_youth"
    RELEASED_PRISONER = "released_prisoner"
    COMMUNITY_CORRECTION = "community_correction"
    DRUG_USER = "drug_user"
    SEVERE_MENTAL_ILLNESS = "severe_mental_illness"
    PETITION_KEY_PERSON = "petition_key_person"
    AIDS_RISK = "aids_risk"
    PARTY_MEMBER = "party_member"

    @property
    def sensitive(self) -> bool:
        """Groups whose membership only roles with a need to know may see (PIPL art. 28)."""
        return self in _SENSITIVE_GROUPS


_set_labels(
    SpecialGroup,
    {
        "left_behind_child": "留守儿童",
        "left_behind_elder": "留守老人",
        "left_behind_woman": "留守妇女",
        "child_in_difficulty": "困境儿童",
        "elderly_60": "60岁以上老人",
        "elderly_80": "80岁以上老人",
        "elderly_90": "90岁以上老人",
        "elderly_100": "100岁以上老人",
        "elder_living_alone": "独居老人",
        "empty_nest_elder": "空巢老人",
        "childless_elder": "孤寡老人",
        "disabled": "残疾人",
        "veteran_family": "优抚对象",
        "veteran": "退役军人",
        "key_youth": "重点青少年",
        "released_prisoner": "刑满释放人员",
        "community_correction": "社区矫正对象",
        "drug_user": "吸毒人员",
        "severe_mental_illness": "严重精神障碍患者",
        "petition_key_person": "信访重点人员",
        "aids_risk": "艾滋病危险人员",
        "party_member": "党员",
    },
)

_SENSITIVE_GROUPS = frozenset(
    {
        SpecialGroup.RELEASED_PRISONER,
        SpecialGroup.COMMUNITY_CORRECTION,
        SpecialGroup.DRUG_USER,
        SpecialGroup.SEVERE_MENTAL_ILLNESS,
        SpecialGroup.PETITION_KEY_PERSON,
        SpecialGroup.AIDS_RISK,
    }
)


class HouseholdTag(_Labelled):
    """Tags on a household: assistance, poverty monitoring, honours and grid roles."""

    MINIMUM_LIVING = "minimum_living"
    EXTREME_POVERTY = "extreme_poverty"
    TEMPORARY_ASSISTANCE = "temporary_assistance"
    MONITOR_UNSTABLE = "monitor_unstable"
    MONITOR_MARGINAL = "monitor_marginal"
    MONITOR_SUDDEN_HARDSHIP = "monitor_sudden_hardship"
    TEN_STAR_CIVILISED = "ten_star_civilised"
    PARTY_CENTRAL = "party_central"
    GRID_CORE = "grid_core"


_set_labels(
    HouseholdTag,
    {
        "minimum_living": "低保户",
        "extreme_poverty": "特困供养户",
        "temporary_assistance": "临时救助户",
        "monitor_unstable": "脱贫不稳定户",
        "monitor_marginal": "边缘易致贫户",
        "monitor_sudden_hardship": "突发严重困难户",
        "ten_star_civilised": "十星级文明户",
        "party_central": "党员中心户",
        "grid_core": "网格核心户",
    },
)


class Program(_Labelled):
    """帮扶项目 of a program record (:class:`~gridcore.domain.entities.ProgramRecord`).
    The codes are those of :func:`gridcore.domain.programs.household_programs` where
    the program is also a household tag (``monitored`` for all three 防返贫监测 kinds);
    优抚 has no household tag (优抚对象 is a person's group)."""

    MINIMUM_LIVING = "minimum_living"
    EXTREME_POVERTY = "extreme_poverty"
    TEMPORARY_ASSISTANCE = "temporary_assistance"
    MONITORED = "monitored"
    SPECIAL_CARE = "special_care"


_set_labels(
    Program,
    {
        "minimum_living": "低保",
        "extreme_poverty": "特困供养",
        "temporary_assistance": "临时救助",
        "monitored": "防返贫监测",
        "special_care": "优抚",
    },
)


class MonitorStatus(_Labelled):
    """The life cycle of a 防返贫监测 record: identified (已识别), measures under way
    (帮扶中), assessed with the risk remaining (风险未消除, still monitored), then closed
    with the risk cleared (风险已消除) or the household fallen into poverty (返贫致贫)."""

    IDENTIFIED = "identified"
    ASSISTING = "assisting"
    NOT_CLEARED = "not_cleared"
    CLEARED = "cleared"
    RELAPSED = "relapsed"

    @property
    def closed(self) -> bool:
        return self in (MonitorStatus.CLEARED, MonitorStatus.RELAPSED)


_set_labels(
    MonitorStatus,
    {
        "identified": "已识别",
        "assisting": "帮扶中",
        "not_cleared": "风险未消除",
        "cleared": "风险已消除",
        "relapsed": "返贫致贫",
    },
)


class RiskType(_Labelled):
    """风险类型 of 防返贫动态监测 (the national monitoring's 主要风险类别)."""

    ILLNESS = "illness"
    EDUCATION = "education"
    DISABILITY = "disability"
    DISASTER = "disaster"
    ACCIDENT = "accident"
    UNSTABLE_EMPLOYMENT = "unstable_employment"
    OTHER = "other"


_set_labels(
    RiskType,
    {
        "illness": "因病",
        "education": "因学",
        "disability": "因残",
        "disaster": "因灾",
        "accident": "因意外事故",
        "unstable_employment": "因就业不稳",
        "other": "其他",
    },
)


class DisabilityCategory(_Labelled):
    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    PHYSICAL = "physical"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


_set_labels(
    DisabilityCategory,
    {
        "visual": "视力残疾",
        "hearing": "听力残疾",
        "speech": "言语残疾",
        "physical": "肢体残疾",
        "intellectual": "智力残疾",
        "mental": "精神残疾",
        "multiple": "多重残疾",
    },
)


class OrganizationKind(_Labelled):
    WEDDING_FUNERAL_COUNCIL = "wedding_funeral_council"
    ELDERLY_ASSOCIATION = "elderly_association"
    ANTI_DRUG_GAMBLING = "anti_drug_gambling"
    MEDIATION_COMMITTEE = "mediation_committee"
    PARTY_BRANCH = "party_branch"
    VOLUNTEER_TEAM = "volunteer_team"
    ENTERPRISE = "enterprise"
    OTHER = "other"


_set_labels(
    OrganizationKind,
    {
        "wedding_funeral_council": "红白理事会",
        "elderly_association": "老年人协会",
        "anti_drug_gambling": "禁毒禁赌协会",
        "mediation_committee": "人民调解委员会",
        "party_branch": "党组织",
        "volunteer_team": "志愿服务队",
        "enterprise": "企业/商户",
        "other": "其他组织",
    },
)


class MediationOutcome(_Labelled):
    """调解结果 of a mediation record (人民调解)."""

    IN_PROGRESS = "in_progress"
    SUCCESS = "success"
    FAILED = "failed"
    REFERRED = "referred"

    @property
    def concluded(self) -> bool:
        """成功 or 不成: what 调处成功率 divides by (进行中 and 转其他途径 are not
        concluded by mediation)."""
        return self in (MediationOutcome.SUCCESS, MediationOutcome.FAILED)


_set_labels(
    MediationOutcome,
    {
        "in_progress": "进行中",
        "success": "调解成功",
        "failed": "调解不成",
        "referred": "转其他途径",
    },
)


class PlaceKind(_Labelled):
    """地、物: the places and things a grid keeps a register of (the 九小场所, rental
    housing, schools, hazard sites, key facilities), as township safety checks list them."""

    SHOP = "shop"
    CATERING_LODGING = "catering_lodging"
    RENTAL_HOUSING = "rental_housing"
    SCHOOL = "school"
    MEDICAL = "medical"
    ELDERLY_CARE = "elderly_care"
    RELIGIOUS = "religious"
    ENTERTAINMENT = "entertainment"
    WORKSHOP = "workshop"
    HAZARDOUS_CHEMICALS = "hazardous_chemicals"
    CONSTRUCTION_SITE = "construction_site"
    WATER = "water"
    GEOLOGICAL_HAZARD = "geological_hazard"
    FIRE_KEY = "fire_key"
    FACILITY = "facility"
    OTHER = "other"


_set_labels(
    PlaceKind,
    {
        "shop": "沿街商铺/门店",
        "catering_lodging": "餐饮/住宿场所",
        "rental_housing": "出租房屋",
        "school": "学校/幼儿园",
        "medical": "医疗机构",
        "elderly_care": "养老机构",
        "religious": "宗教场所",
        "entertainment": "娱乐场所",
        "workshop": "小作坊/生产加工",
        "hazardous_chemicals": "危化品/燃气点",
        "construction_site": "在建工地",
        "water": "水域/河塘",
        "geological_hazard": "地质灾害隐患点",
        "fire_key": "消防重点部位",
        "facility": "重点设施/物",
        "other": "其他",
    },
)


class MediationAgreement(_Labelled):
    """调解协议的形式: 书面 (a signed 人民调解协议书), 口头, or none yet."""

    NONE = "none"
    WRITTEN = "written"
    ORAL = "oral"


_set_labels(
    MediationAgreement,
    {
        "none": "无协议",
        "written": "书面协议",
        "oral": "口头协议",
    },
)


class RiskLevel(_Labelled):
    """风险等级 of a place (安全生产 grading: 一般, 较大, 重大)."""

    GENERAL = "general"
    MAJOR = "major"
    SEVERE = "severe"


_set_labels(
    RiskLevel,
    {
        "general": "一般",
        "major": "较大",
        "severe": "重大",
    },
)


class VisitMethod(_Labelled):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    MEETING = "meeting"
    OTHER = "other"


_set_labels(
    VisitMethod,
    {
        "in_person": "入户走访",
        "phone": "电话回访",
        "video": "视频/微信",
        "meeting": "座谈/集中走访",
        "other": "其他",
    },
)


class Ledger(_Labelled):
    """三本账 (Shiquan's three ledgers); every event is filed in one."""

    SUGGESTION = "suggestion"
    APPEAL = "appeal"
    COMPLAINT = "complaint"


_set_labels(
    Ledger,
    {
        "suggestion": "意见建议",
        "appeal": "利益诉求",
        "complaint": "投诉举报",
    },
)


class EventGroup(_Labelled):
    """The broad kind of an event category in the catalog."""

    DISPUTE = "dispute"
    HAZARD = "hazard"
    APPEAL = "appeal"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    SERVICE = "service"


_set_labels(
    EventGroup,
    {
        "dispute": "矛盾纠纷",
        "hazard": "安全隐患",
        "appeal": "群众诉求",
        "complaint": "投诉举报",
        "suggestion": "意见建议",
        "service": "便民服务",
    },
)


class Urgency(_Labelled):
    NORMAL = "normal"
    URGENT = "urgent"
    CRITICAL = "critical"


_set_labels(
    Urgency,
    {
        "normal": "一般",
        "urgent": "紧急",
        "critical": "特急",
    },
)


class EventState(_Labelled):
    REPORTED = "reported"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    VOIDED = "voided"
    DISPATCHED = "dispatched"
    HANDLING = "handling"
    HANDLED = "handled"
    VERIFIED = "verified"
    REWORK = "rework"
    HANDED_BACK = "handed_back"
    """Handed back by the handler (wrong dispatch): the township re-dispatches it."""
    CLOSED = "closed"
    EVALUATED = "evaluated"
    SELF_RESOLVED = "self_resolved"

    @property
    def is_open(self) -> bool:
        """Still waiting for someone; counts towards the time limit."""
        return self not in _FINISHED_STATES


_set_labels(
    EventState,
    {
        "reported": "已上报",
        "accepted": "已受理",
        "returned": "已退回",
        "voided": "已作废",
        "dispatched": "已派遣",
        "handling": "处置中",
        "handled": "已反馈",
        "verified": "已核查",
        "rework": "返工",
        "handed_back": "待改派",
        "closed": "已结案",
        "evaluated": "已评价",
        "self_resolved": "自处置",
    },
)

_FINISHED_STATES = frozenset(
    {EventState.VOIDED, EventState.CLOSED, EventState.EVALUATED, EventState.SELF_RESOLVED}
)


class EventActionKind(_Labelled):
    REPORT = "report"
    SELF_RESOLVE = "self_resolve"
    ACCEPT = "accept"
    RETURN = "return"
    RESUBMIT = "resubmit"
    VOID = "void"
    DISPATCH = "dispatch"
    HANDLE = "handle"
    FEEDBACK = "feedback"
    VERIFY = "verify"
    REWORK = "rework"
    CLOSE = "close"
    EVALUATE = "evaluate"
    RETURN_VISIT = "return_visit"
    SUPERVISE = "supervise"
    COMMENT = "comment"
    REDISPATCH = "redispatch"
    HAND_BACK = "hand_back"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    SECRETARY_REVIEW = "secretary_review"
    NOTIFY_ACCEPTANCE = "notify_acceptance"


_set_labels(
    EventActionKind,
    {
        "report": "上报",
        "self_resolve": "自处置",
        "accept": "受理",
        "return": "退回",
        "resubmit": "重新上报",
        "void": "作废",
        "dispatch": "派遣",
        "handle": "处置",
        "feedback": "反馈",
        "verify": "核查通过",
        "rework": "核查不通过（返工）",
        "close": "结案",
        "evaluate": "满意度评价",
        "return_visit": "回访",
        "supervise": "督办",
        "comment": "备注",
        "redispatch": "改派",
        "hand_back": "退回乡镇（派遣有误）",
        "request_extension": "申请延期",
        "approve_extension": "批准延期",
        "refuse_extension": "不予延期",
        "secretary_review": "书记阅批",
        "notify_acceptance": "受理告知",
    },
)


class EventSource(_Labelled):
    """来源: the channel an event came in by. Grid workers report 网格员上报; township
    staff register the others (intake)."""

    GRID_WORKER = "grid_worker"
    HOTLINE = "hotline"
    WALK_IN = "walk_in"
    SECRETARY = "secretary"
    HOTLINE_12345 = "hotline_12345"
    OTHER = "other"


_set_labels(
    EventSource,
    {
        "grid_worker": "网格员上报",
        "hotline": "热线",
        "walk_in": "来访",
        "secretary": "书记接待",
        "hotline_12345": "12345",
        "other": "其他",
    },
)


class Satisfaction(_Labelled):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


_set_labels(
    Satisfaction,
    {
        "satisfied": "满意",
        "basically_satisfied": "基本满意",
        "unsatisfied": "不满意",
    },
)


class Role(_Labelled):
    WORKER = "worker"
    TOWNSHIP = "township"
    ADMIN = "admin"
    DEPARTMENT = "department"
    """职能部门: an account of a department (司法所, 派出所…) of one township; it sees and
    acts on only the events dispatched to its department (see gridserver.scope)."""


_set_labels(
    Role,
    {
        "worker": "网格员",
        "township": "乡镇/街道工作人员",
        "admin": "系统管理员",
        "department": "职能部门",
    },
)


class EntityKind(_Labelled):
    """The record types that sync. The value is the wire name; the label is the one
    name of the kind for people (the server's messages, ``gridclient status``, the
    conflict list), kept here only."""

    AREA = "area"
    HOUSEHOLD = "household"
    RESIDENT = "resident"
    ORGANIZATION = "organization"
    PATROL = "patrol"
    PLACE = "place"
    PLACE_INSPECTION = "place_inspection"
    VISIT = "visit"
    EVENT = "event"
    EVENT_ACTION = "event_action"
    MEDIATION = "mediation"
    ATTACHMENT = "attachment"
    PROGRAM_RECORD = "program_record"


_set_labels(
    EntityKind,
    {
        "area": "区划",
        "household": "住户",
        "resident": "人员",
        "organization": "组织",
        "patrol": "巡查记录",
        "place": "场所",
        "place_inspection": "场所检查记录",
        "visit": "走访记录",
        "event": "事件",
        "event_action": "事件办理记录",
        "mediation": "调解记录",
        "attachment": "附件",
        "program_record": "帮扶记录",
    },
)


class ChangeKind(StrEnum):
    """What an outbox op does to its record."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESOLVE = "resolve"
    """Decide a conflict record (see ``gridcore.protocol``): keep one side."""


class LimitKind(_Labelled):
    """How a category's day limits count (a catalog field; each event keeps its own)."""

    CALENDAR = "calendar"
    WORKING = "working"


_set_labels(
    LimitKind,
    {
        "calendar": "自然日",
        "working": "工作日",
    },
)
