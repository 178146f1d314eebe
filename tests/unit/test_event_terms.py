"""An event keeps the catalog terms it was reported under (issue #15, item 1)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from gridcore.domain.catalog import (
    DEFAULT_TIME_LIMITS,
    CatalogError,
    EventCatalog,
    EventCategory,
    event_category_name,
    event_deadline,
    stamp_terms,
)
from gridcore.domain.entities import Event, EventAction
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventGroup, EventState, Ledger, Role, Urgency
from gridcore.domain.eventnumber import format_event_number, township_part
from gridcore.domain.workflow import event_status

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 CST


def _category(
    limits: dict[Urgency, int], code: str = "01001", name: str = "邻里纠纷"
) -> EventCategory:
    return EventCategory(
        code=code, name=name, group=EventGroup.DISPUTE, ledger=Ledger.APPEAL, time_limits=limits
    )


def _catalog(normal: int, revision: int = 1) -> EventCatalog:
    return EventCatalog.of([_category({Urgency.NORMAL: normal, Urgency.URGENT: 3})], "t", revision)


def _event(urgency: Urgency = Urgency.NORMAL, code: str = "01001") -> Event:
    return Event(
        grid_id="g",
        category_code=code,
        ledger=Ledger.APPEAL,
        urgency=urgency,
        title="t",
        reporter="w",
        reported_at=T0,
    )


def _closed_after(days: int, event: Event) -> list[EventAction]:
    steps = [
        (A.REPORT, Role.WORKER, 0),
        (A.ACCEPT, Role.TOWNSHIP, 0),
        (A.DISPATCH, Role.TOWNSHIP, 0),
        (A.FEEDBACK, Role.WORKER, days),
        (A.VERIFY, Role.WORKER, days),
        (A.CLOSE, Role.TOWNSHIP, days),
    ]
    return [
        EventAction(
            event_id=event.id,
            kind=kind,
            actor="x",
            actor_role=role,
            at=T0 + timedelta(days=offset, minutes=i),
            server_at=T0 + timedelta(days=offset, minutes=i),
        )
        for i, (kind, role, offset) in enumerate(steps)
    ]


def test_stamped_terms_are_the_catalogs_at_report_time() -> None:
    event = stamp_terms(_event(), _catalog(15, revision=4))
    assert event.category_name == "邻里纠纷"
    assert event.time_limit_days == 15
    assert event.catalog_revision == 4
    assert not event.terms_inferred


def test_a_catalog_change_leaves_a_closed_event_on_time() -> None:
    event = stamp_terms(_event(), _catalog(15))
    actions = _closed_after(10, event)  # closed on day 10 of 15
    later = T0 + timedelta(days=60)
    before = event_status(event, actions, _catalog(15), later)
    after = event_status(event, actions, _catalog(7, revision=2), later)  # 15 → 7 days
    assert before.state is after.state is EventState.CLOSED
    assert not before.overdue and not after.overdue
    assert before.deadline == after.deadline
    # Without kept terms the same history would read 超期: what the issue reported.
    legacy = dataclasses.replace(event, time_limit_days=None)
    assert event_status(legacy, actions, _catalog(7), later).overdue


def test_a_category_the_catalog_no_longer_has_still_reports() -> None:
    event = stamp_terms(_event(), _catalog(15))
    empty = EventCatalog()
    assert event_category_name(event, empty) == "邻里纠纷"
    assert event_deadline(event, empty) == event_deadline(event, _catalog(15))
    # An event without terms and without a category: its code and the default limit.
    bare = _event(Urgency.URGENT, code="99999")
    assert event_category_name(bare, empty) == "99999"
    status = event_status(bare, _closed_after(1, bare), empty, T0 + timedelta(days=9))
    assert status.deadline == event_deadline(
        dataclasses.replace(bare, time_limit_days=DEFAULT_TIME_LIMITS[Urgency.URGENT]), empty
    )
    with pytest.raises(CatalogError):
        empty.get("99999")  # the catalog itself still says it does not know the code


@pytest.mark.parametrize(
    ("limits", "urgency", "expected"),
    [
        ({Urgency.NORMAL: 15}, Urgency.URGENT, 3),  # an urgent 建议: the 紧急 default
        ({Urgency.NORMAL: 2}, Urgency.URGENT, 2),  # never longer than 一般
        ({Urgency.NORMAL: 15, Urgency.URGENT: 3}, Urgency.CRITICAL, 0),  # 赡养纠纷: same day
        ({Urgency.URGENT: 20}, Urgency.NORMAL, 20),  # 一般 never shorter than 紧急
        ({Urgency.CRITICAL: 1}, Urgency.URGENT, 3),
        ({Urgency.NORMAL: 15, Urgency.URGENT: 5}, Urgency.URGENT, 5),  # listed wins
    ],
)
def test_urgency_fallback_rule(limits: dict[Urgency, int], urgency: Urgency, expected: int) -> None:
    assert _category(limits).limit_days(urgency) == expected


def test_catalog_revision_round_trips_and_is_validated() -> None:
    catalog = _catalog(15, revision=7)
    assert EventCatalog.from_json(catalog.to_json()).revision == 7
    document = catalog.to_json()
    document["revision"] = -1
    with pytest.raises(CatalogError):
        EventCatalog.from_json(document)
    del document["revision"]
    assert EventCatalog.from_json(document).revision == 0


def test_event_numbers() -> None:
    assert township_part("410102101000") == "101"
    assert format_event_number("410102101000", 2026, 17) == "2026-101-00017"
    assert format_event_number("T1", 2026, 1) == "2026-T1-00001"


def test_a_catalog_limit_must_fit_the_event_field() -> None:
    document = _catalog(15).to_json()
    document["categories"][0]["time_limits"]["normal"] = 3_651
    with pytest.raises(CatalogError, match="0–3650"):
        EventCatalog.from_json(document)
