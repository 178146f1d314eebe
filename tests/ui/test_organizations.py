"""组织 (issue #16 item 5, organizations): the tab lists the grid's organizations, the
dialog adds, edits and removes one through ordinary ops, bad input is answered in place."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from gridclient.storage.syncmeta import OpStatus
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.organization_dialog import OrganizationDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Organization
from gridcore.domain.enums import ChangeKind, EntityKind, OrganizationKind
from tests.demo_store import DemoStore


def _window(qtbot: QtBot, demo: DemoStore) -> MainWindow:
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    return win


def _grid_organizations(demo: DemoStore) -> dict[str, Organization]:
    """Counted here with plain SQL, not with the list's query."""
    grid = demo.info.grid_ids[0]
    with demo.store.engine.connect() as connection:
        ids = [
            row[0]
            for row in connection.execute(
                text("SELECT id FROM organizations WHERE grid_id = :g AND deleted = 0"), {"g": grid}
            )
        ]
    with demo.store.read() as repos:
        found = [repos.records.get(Organization, i) for i in ids]
    return {o.id: o for o in found if o is not None}


def test_the_tab_lists_the_grid_organizations(qtbot: QtBot, demo_store: DemoStore) -> None:
    window = _window(qtbot, demo_store)
    window.tabs.setCurrentWidget(window.organization_pane)
    expected = _grid_organizations(demo_store)
    assert expected  # the demo grid has its 红白理事会, 老年人协会 …
    qtbot.waitUntil(lambda: set(window.organization_model.ids()) == set(expected))
    row = window.organization_model.ids().index(next(iter(expected)))
    kind = window.organization_model.index(row, 1).data()
    assert kind in {k.label for k in OrganizationKind}


def test_add_edit_and_remove_an_organization(qtbot: QtBot, demo_store: DemoStore) -> None:
    window = _window(qtbot, demo_store)
    ctx = window.ctx
    window.tabs.setCurrentWidget(window.organization_pane)
    before = set(_grid_organizations(demo_store))

    dialog = OrganizationDialog(ctx, grid_id=demo_store.info.grid_ids[0], confirm=lambda *_: True)
    qtbot.addWidget(dialog)
    dialog.save()  # nothing typed: the name is asked for, nothing written
    assert dialog.name_error.text() and set(_grid_organizations(demo_store)) == before
    dialog.name_edit.setText("幸福村志愿服务队")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(OrganizationKind.VOLUNTEER_TEAM))
    dialog.leader_edit.setText("何子健")
    dialog.phone_field.edit.setText("1380013800")  # one digit short
    dialog.save()
    assert dialog.phone_error.text() and set(_grid_organizations(demo_store)) == before
    dialog.phone_field.edit.setText("138 0013 8000")
    dialog.members_spin.setValue(25)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    new_id = saved.args[0]
    stored = _grid_organizations(demo_store)[new_id]
    assert (stored.name, stored.kind, stored.phone, stored.members) == (
        "幸福村志愿服务队",
        OrganizationKind.VOLUNTEER_TEAM,
        "13800138000",
        25,
    )
    qtbot.waitUntil(lambda: new_id in window.organization_model.ids())

    edit = OrganizationDialog(ctx, new_id, confirm=lambda *_: True)
    qtbot.addWidget(edit)
    assert edit.name_edit.text() == "幸福村志愿服务队" and edit.members_spin.value() == 25
    assert edit.phone_field.edit.text() == "138****8000"  # masked until revealed (logged)
    edit.phone_field.reveal()
    assert edit.phone_field.edit.text() == "13800138000"
    with demo_store.store.read() as repos:
        [logged] = repos.reveals.entries(kind=EntityKind.ORGANIZATION, record_id=new_id)
    assert logged.field == "phone"
    edit.members_spin.setValue(30)
    with qtbot.waitSignal(edit.saved):
        edit.save()
    assert _grid_organizations(demo_store)[new_id].members == 30

    remove = OrganizationDialog(ctx, new_id, confirm=lambda *_: True)
    qtbot.addWidget(remove)
    with qtbot.waitSignal(remove.saved):
        remove.remove()
    assert new_id not in _grid_organizations(demo_store)
    qtbot.waitUntil(lambda: new_id not in window.organization_model.ids())
    with demo_store.store.read() as repos:
        ops = repos.outbox.for_entity(EntityKind.ORGANIZATION, new_id)
    assert [(op.kind, op.status) for op in ops] == [
        (ChangeKind.CREATE, OpStatus.PENDING),
        (ChangeKind.UPDATE, OpStatus.PENDING),
        (ChangeKind.DELETE, OpStatus.PENDING),
    ]
