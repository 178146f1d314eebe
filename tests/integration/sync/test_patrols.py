"""巡查 across laptop and server (issue #16 item 3): a worker records a patrol with a
photo and reports an event from it (the event and the link in one unit of work, as the
patrol dialog writes them); the township laptop pulls the patrol, its photo's bytes and
the linked event with its 事件编号, and its 巡查日志 lists the patrol. The other grid's
worker sees none of it; a correction on the township laptop merges field by field with
the worker's own later edit."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from gridclient.reports.data import Period, build_patrol_log
from gridclient.storage.queries import AreaFilter, PatrolQueries
from gridclient.ui.photos import prepare_photo, store_photos
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import CST, Event, EventAction, Patrol
from gridcore.domain.enums import EntityKind, EventActionKind, Ledger, Role, Urgency
from tests.integration.sync.conftest import Laptop, World

TOWNSHIP = "320101001000"


def _photo(path: Path) -> Path:
    image = QImage(900, 600, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a7"))
    assert image.save(str(path))
    return path


def test_a_patrol_with_a_photo_and_its_event_reach_the_township(
    world: World, laptops: dict[str, Laptop], tmp_path: Path, qapp: object
) -> None:
    w1, w2, t1 = laptops["w1"], laptops["w2"], laptops["t1"]
    today = today_cst()
    start = datetime.combine(today, datetime.min.time(), CST) + timedelta(hours=8)
    photo = prepare_photo(_photo(tmp_path / "rail.png"))
    patrol = Patrol(
        grid_id=world.areas["G1"],
        patroller="w1",
        patrol_date=today,
        started_at=start,
        ended_at=start + timedelta(hours=2),
        route="社区办—幸福路—河堤",
        places="河堤 3 号闸口",
        findings="河堤护栏松动一处",
    )
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.create(dataclasses.replace(patrol, attachments=store_photos(uow, [photo])))
    # 从本次巡查上报事件: the event, its 上报 step and the patrol's link in one unit.
    event = Event(
        grid_id=world.areas["G1"],
        category_code="01001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title="河堤护栏松动",
        reporter="w1",
        reported_at=datetime.now(UTC),
        location="河堤 3 号闸口",
    )
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.append(dataclasses.replace(event, reported_at=uow.now()))
        uow.append(
            EventAction(
                event_id=event.id,
                kind=EventActionKind.REPORT,
                actor="w1",
                actor_role=Role.WORKER,
                at=uow.now(),
            )
        )
        current = uow.repos.records.get(Patrol, patrol.id)
        assert current is not None
        uow.update(dataclasses.replace(current, event_ids=(event.id,)))
    report = w1.sync()
    assert report.ok and report.uploaded == 1

    assert t1.sync().ok
    pulled = t1.get(EntityKind.PATROL, patrol.id)
    assert pulled.findings == "河堤护栏松动一处" and pulled.version == 2
    assert pulled.event_ids == (event.id,)
    assert pulled.started_at == start
    [sha] = pulled.attachments
    with t1.store.read() as repos:
        assert repos.records.blob(sha) == photo.blob  # the bytes, not only the record
    [linked] = PatrolQueries(t1.store.engine).linked_events(pulled.event_ids)
    assert linked.present and linked.title == "河堤护栏松动"
    assert linked.number.startswith(f"{today.year}-")  # numbered by the server
    assert PatrolQueries(t1.store.engine).patrol_of_event(event.id) == (patrol.id, today)
    log = build_patrol_log(t1.store, TOWNSHIP, Period(today, today))
    [row] = log.rows
    assert row[1] == today.isoformat() and row[3] == "幸福社区第一网格"
    assert row[6] == "河堤护栏松动一处" and row[7] == linked.number and row[8] == 1

    # The other grid's worker sees none of it.
    assert w2.sync().ok
    assert PatrolQueries(w2.store.engine).patrol_ids(AreaFilter()) == []

    # Township staff add a note while the worker corrects the route: both kept.
    t1.edit(EntityKind.PATROL, patrol.id, notes="已督办社区维修")
    w1.edit(EntityKind.PATROL, patrol.id, route="社区办—幸福路—河堤—小学")
    assert t1.sync().ok and w1.sync().ok and t1.sync().ok
    for laptop in (w1, t1):
        merged = laptop.get(EntityKind.PATROL, patrol.id)
        assert (merged.notes, merged.route) == ("已督办社区维修", "社区办—幸福路—河堤—小学")
        assert merged.event_ids == (event.id,) and merged.attachments == (sha,)
