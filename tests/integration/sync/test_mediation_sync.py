"""调解 across two laptops and a real ``gridserver serve`` process (issue #16 item 4).

The grid worker records a mediation offline on a dispute event, with a photo of the
sessions; the township sees it after a sync and records the outcome and the agreement;
the worker syncs and sees the edit. On both laptops the statistics count 调处成功率 from
the outcomes, and a second (failed) mediation brings it to one in two. A mediation of a
hazard event is refused on the laptop before anything is written, with the same words
the server uses.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gridclient.reports.data import Period, build_event_stats, build_mediation_ledger
from gridclient.storage.events import append_action
from gridcore.domain import limits
from gridcore.domain.entities import (
    CST,
    Attachment,
    Event,
    EventAction,
    Mediation,
    MediationSession,
)
from gridcore.domain.enums import (
    EntityKind,
    EventActionKind,
    Ledger,
    MediationAgreement,
    MediationOutcome,
    Role,
    Urgency,
)
from tests.integration.sync.conftest import Laptop, ServerProcess

ROLES = {"w1": Role.WORKER, "t1": Role.TOWNSHIP}
TOWNSHIP = "320101001000"
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4  # bytes stand in for a JPEG


@pytest.fixture
def laptops(server: ServerProcess, tmp_path: Path) -> Iterator[dict[str, Laptop]]:
    made = {user: Laptop(tmp_path / "laptops" / user, server.url, user) for user in ROLES}
    try:
        yield made
    finally:
        for laptop in made.values():
            laptop.close()


def _sync(laptop: Laptop) -> None:
    report = laptop.engine(fetch_catalog=True).run()
    assert report.ok, report.errors
    assert report.held == 0  # nothing kept aside: the mediations are stored


def _report(laptop: Laptop, grid: str, code: str, title: str) -> str:
    event = Event(
        grid_id=grid,
        category_code=code,
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title=title,
        reporter=laptop.username,
        reported_at=datetime.now(UTC),
        people_involved="张某、王某",
    )
    with laptop.store.unit_of_work(actor=laptop.username) as uow:
        uow.append(dataclasses.replace(event, reported_at=uow.now()))
        append_action(
            uow,
            EventAction(
                event_id=event.id,
                kind=EventActionKind.REPORT,
                actor=laptop.username,
                actor_role=Role.WORKER,
                at=uow.now(),
            ),
        )
    return event.id


def _mediation(laptop: Laptop, record_id: str) -> Mediation:
    with laptop.store.read() as repos:
        found = repos.records.get(Mediation, record_id)
    assert found is not None, f"{laptop.username} does not have the mediation"
    return found


def _period() -> Period:
    today = datetime.now(CST).date()
    return Period(today - timedelta(days=31), today + timedelta(days=1))


def test_worker_records_township_concludes_both_count_the_rate(
    server: ServerProcess, laptops: dict[str, Laptop]
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    grid = server.areas["G1"]
    _sync(w1)  # the catalog, so the laptop knows which categories are disputes
    dispute = _report(w1, grid, "01001", "宅基地界址纠纷")
    hazard = _report(w1, grid, "02001", "楼道堆放杂物")
    today = datetime.now(CST).date()

    # Offline: the mediation with a photo of the first session.
    photo = Attachment(id=hashlib.sha256(PHOTO).hexdigest(), mime="image/jpeg", size=len(PHOTO))
    record = Mediation(
        event_id=dispute,
        started_on=today,
        mediator="李桂兰",
        committee="幸福社区人民调解委员会",
        parties="张某、王某",
        sessions=(MediationSession(on=today, place="社区调解室", note="双方到场"),),
        attachments=(photo.id,),
    )
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.append(photo, blob=PHOTO)
        uow.create(record)
    # A hazard is not mediated: refused here, nothing written, the server's words.
    with pytest.raises(limits.InvalidValue) as refused, w1.store.unit_of_work(actor="w1") as uow:
        uow.create(dataclasses.replace(record, id="00000000-0000-4000-8000-000000000001",
                                       event_id=hazard, attachments=()))  # fmt: skip
    assert "只有矛盾纠纷类事件可以登记调解记录" in refused.value.message

    _sync(w1)
    _sync(t1)
    seen = _mediation(t1, record.id)
    assert seen.sessions == record.sessions and seen.attachments == (photo.id,)
    assert seen.version == 1

    # Township staff record the outcome; meanwhile the worker writes the follow-up
    # offline on the same version: merged field by field.
    concluded = dataclasses.replace(
        seen,
        outcome=MediationOutcome.SUCCESS,
        agreement_kind=MediationAgreement.WRITTEN,
        agreement="王某拆除越界围墙，恢复原界",
    )
    with t1.store.unit_of_work(actor="t1") as uow:
        uow.update(concluded)
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.update(dataclasses.replace(_mediation(w1, record.id), follow_up="一周后回访"))
    _sync(t1)
    _sync(w1)
    _sync(t1)
    for laptop in (w1, t1):
        final = _mediation(laptop, record.id)
        assert (final.outcome, final.agreement_kind, final.follow_up) == (
            MediationOutcome.SUCCESS,
            MediationAgreement.WRITTEN,
            "一周后回访",
        ), laptop.username
        stats = build_event_stats(laptop.store, TOWNSHIP, _period())
        assert stats.totals is not None
        assert stats.totals[-2:] == (1, "100.0%"), laptop.username

    # A second mediation of the same dispute that failed: 1 成功 of 2 concluded.
    second = Mediation(
        event_id=dispute,
        started_on=today,
        committee="东街道人民调解委员会",
        parties="张某、王某",
        outcome=MediationOutcome.FAILED,
        follow_up="告知可向人民法院起诉",
    )
    with t1.store.unit_of_work(actor="t1") as uow:
        uow.create(second)
    _sync(t1)
    _sync(w1)
    for laptop in (w1, t1):
        stats = build_event_stats(laptop.store, TOWNSHIP, _period())
        assert stats.totals is not None and stats.totals[-2:] == (2, "50.0%")
        ledger = build_mediation_ledger(laptop.store, TOWNSHIP, _period())
        assert sorted(r[8] for r in ledger.rows) == ["调解不成", "调解成功"]  # same day: by id
        assert "调处成功率 50.0%" in ledger.summary[0]
    with server.db.engine.connect() as conn:
        from sqlalchemy import select

        from gridserver.db import records

        rows = conn.execute(
            select(records.c.id, records.c.grid_id, records.c.parent_id).where(
                records.c.kind == EntityKind.MEDIATION.value
            )
        ).all()
    assert {(r.grid_id, r.parent_id) for r in rows} == {(grid, dispute)}
    assert len(rows) == 2
