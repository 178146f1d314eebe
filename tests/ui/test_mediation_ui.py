"""调解 in the event dialog (issue #16 item 4): a dispute event shows its mediation
records with 新增调解记录; the MediationDialog checks its fields in Chinese under each
field, saves the record with its photos as one op, and opens it again to edit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventDialog
from gridclient.ui.mediation_dialog import MediationDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Event, Mediation
from gridcore.domain.enums import (
    ChangeKind,
    EntityKind,
    EventGroup,
    MediationAgreement,
    MediationOutcome,
)
from tests.demo_store import DemoStore
from tests.ui.test_forms import click, ops_for, type_text


def _ctx(demo: DemoStore) -> AppContext:
    return AppContext(demo.store, TaskRunner(synchronous=True), demo.info)


def _events(demo: DemoStore, group: EventGroup, *, mediated: bool | None = None) -> list[Event]:
    with demo.store.read() as repos:
        catalog = repos.catalog.load()
        found = []
        for grid in demo.info.grid_ids:
            for history in repos.records.events_of_grid(grid):
                event = history.event
                if event.category_code not in catalog:
                    continue
                if catalog.get(event.category_code).group is not group:
                    continue
                has = bool(repos.records.mediations_of_event(event.id))
                if mediated is None or has is mediated:
                    found.append(event)
        return found


def _mediations(demo: DemoStore, event_id: str) -> list[Mediation]:
    with demo.store.read() as repos:
        return repos.records.mediations_of_event(event_id)


def _photo(tmp_path: Path) -> Path:
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("#d0e0f0"))
    path = tmp_path / "调解协议书.jpg"
    assert image.save(str(path), "JPEG")
    return path


def test_a_dispute_event_shows_its_mediations_and_others_do_not(
    qtbot: QtBot, demo_store: DemoStore
) -> None:
    ctx = _ctx(demo_store)
    mediated = _events(demo_store, EventGroup.DISPUTE, mediated=True)[0]
    dialog = EventDialog(ctx, mediated.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.mediation_section.isVisibleTo(dialog))
    shown = dialog.mediation_section.model.rows()
    assert [m.id for m in shown] == [m.id for m in _mediations(demo_store, mediated.id)]
    labels = {dialog.mediation_section.model.index(0, 3).data()}
    assert labels <= {o.label for o in MediationOutcome}

    hazard = _events(demo_store, EventGroup.HAZARD)[0]
    other = EventDialog(ctx, hazard.id)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(lambda: other.title_label.text() == hazard.title)
    assert not other.mediation_section.isVisibleTo(other)


def test_record_a_mediation_with_photos_then_edit_it(
    qtbot: QtBot, demo_store: DemoStore, tmp_path: Path
) -> None:
    ctx = _ctx(demo_store)
    event = _events(demo_store, EventGroup.DISPUTE, mediated=False)[0]
    photo = _photo(tmp_path)
    view = EventDialog(ctx, event.id, pick_files=lambda _w: [str(photo)])
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.mediation_section.isVisibleTo(view))
    assert view.mediation_section.empty_label.isVisibleTo(view)

    click(qtbot, view.mediation_section.new_button)
    dialog = view.mediation_dialog
    assert isinstance(dialog, MediationDialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    assert dialog.parties_edit.toPlainText() == event.people_involved  # offered from the event

    # Nothing filled in that matters: each message under its field, nothing written.
    dialog.parties_edit.setPlainText("")
    dialog.committee_combo.setEditText("")
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.findData(MediationOutcome.SUCCESS))
    click(qtbot, dialog.save_button)
    assert dialog.errors["mediator"].text() == "请填写调解员或调解组织"
    assert dialog.errors["parties"].text() == "请填写当事人（纠纷双方）"
    assert "协议形式" in dialog.errors["agreement_kind"].text()
    assert "至少有一次调解经过" in dialog.errors["sessions"].text()
    assert _mediations(demo_store, event.id) == []

    type_text(qtbot, dialog.mediator_edit, "李桂兰")
    dialog.parties_edit.setPlainText("张某、王某")
    click(qtbot, dialog.add_session_button)
    dialog.sessions.item(0, 1).setText("村委会调解室")
    dialog.sessions.item(0, 2).setText("双方到场")
    click(qtbot, dialog.add_session_button)
    dialog.agreement_kind_combo.setCurrentIndex(
        dialog.agreement_kind_combo.findData(MediationAgreement.WRITTEN)
    )
    click(qtbot, dialog.save_button)
    assert dialog.errors["agreement"].text() == "已选择书面协议，请填写协议内容"
    dialog.agreement_edit.setPlainText("王某拆除越界围墙")
    click(qtbot, dialog.photos.add_button)
    qtbot.waitUntil(lambda: not dialog.photos.busy and len(dialog.photos.photos()) == 1)
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    [stored] = _mediations(demo_store, event.id)
    assert (stored.mediator, stored.parties, stored.outcome) == (
        "李桂兰",
        "张某、王某",
        MediationOutcome.SUCCESS,
    )
    assert [(s.place, s.note) for s in stored.sessions] == [("村委会调解室", "双方到场"), ("", "")]
    assert len(stored.attachments) == 1
    [op] = ops_for(ctx, EntityKind.MEDIATION, stored.id)
    assert op.kind is ChangeKind.CREATE
    qtbot.waitUntil(lambda: len(view.mediation_section.model.rows()) == 1)
    assert view.mediation_section.model.index(0, 3).data() == "调解成功"

    # Open it again (double click) and write the follow-up: one more op, photos kept.
    table = view.mediation_section.table
    where = table.visualRect(view.mediation_section.model.index(0, 0)).center()
    # QTest's double click alone does not make an item view emit doubleClicked.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    again = view.mediation_dialog
    assert isinstance(again, MediationDialog) and again is not dialog
    qtbot.waitUntil(lambda: again.save_button.isEnabled())
    assert again.sessions.rowCount() == 2 and again.mediator_edit.text() == "李桂兰"
    assert "1" in again.existing_photos.text()
    again.follow_up_edit.setPlainText("12月1日回访，已履行")
    with qtbot.waitSignal(again.saved):
        click(qtbot, again.save_button)
    [edited] = _mediations(demo_store, event.id)
    assert edited.follow_up == "12月1日回访，已履行" and edited.attachments == stored.attachments
    kinds = [o.kind for o in ops_for(ctx, EntityKind.MEDIATION, stored.id)]
    assert kinds in ([ChangeKind.CREATE, ChangeKind.UPDATE], [ChangeKind.CREATE])  # folded


def test_township_staff_conclude_a_mediation_in_progress(
    qtbot: QtBot, demo_store: DemoStore
) -> None:
    from gridclient.ui.context import UserInfo
    from gridcore.domain.enums import Role

    worker = _ctx(demo_store)
    user = UserInfo("township01", "陈立", Role.TOWNSHIP, "桃源镇")
    ctx = AppContext(worker.store, worker.runner, user, bus=worker.bus)
    going = next(
        m
        for e in _events(demo_store, EventGroup.DISPUTE, mediated=True)
        for m in _mediations(demo_store, e.id)
        if m.outcome is MediationOutcome.IN_PROGRESS
    )
    dialog = MediationDialog(ctx, going.event_id, going.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    assert dialog.sessions.rowCount() == len(going.sessions)
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.findData(MediationOutcome.SUCCESS))
    click(qtbot, dialog.save_button)
    assert "协议形式" in dialog.errors["agreement_kind"].text()
    dialog.agreement_kind_combo.setCurrentIndex(
        dialog.agreement_kind_combo.findData(MediationAgreement.ORAL)
    )
    dialog.agreement_edit.setPlainText("双方互相谅解")
    if not going.sessions:
        click(qtbot, dialog.add_session_button)
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    [op] = [o for o in ops_for(ctx, EntityKind.MEDIATION, going.id)]
    assert op.kind is ChangeKind.UPDATE and op.actor == "township01"
    assert set(op.changes) >= {"outcome", "agreement_kind", "agreement"}
    with demo_store.store.read() as repos:
        stored = repos.records.get(Mediation, going.id)
    assert stored is not None and stored.outcome is MediationOutcome.SUCCESS
