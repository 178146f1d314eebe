"""A household's life through the real widgets (issue 13, item 1): created from the main
window in the selected grid and micro-grid (Ctrl+Shift+N), moved out (迁出) with date and
destination, deleted with a reason, and given a new head of household; each change synced
to the demo's real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridclient.demo.bootstrap import DemoSession
from gridclient.storage.queries import AreaFilter
from gridclient.sync.engine import SyncEngine
from gridclient.ui.area_tree import KEY_ROLE
from gridclient.ui.context import AppContext
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import EntityKind, Relation
from gridserver.db import records as server_records
from tests.demo_store import open_demo_copy
from tests.ui.test_forms import add_member, click, ops_for, type_text

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def demo(tmp_path: Path, demo_template: Path) -> Iterator[DemoSession]:
    session = open_demo_copy(demo_template, tmp_path)
    yield session
    session.close()


@pytest.fixture
def ctx(demo: DemoSession) -> AppContext:
    return AppContext(demo.store, TaskRunner(synchronous=True), demo.info)


def _sync(demo: DemoSession) -> None:
    report = SyncEngine(demo.store, demo.session.transport).run()
    assert report.ok, report.errors


def _on_server(demo: DemoSession, kind: EntityKind, record_id: str) -> tuple[bool, dict]:  # type: ignore[type-arg]
    with demo.server.db.engine.connect() as conn:
        row = conn.execute(
            select(server_records.c.deleted, server_records.c.fields).where(
                server_records.c.kind == kind.value, server_records.c.id == record_id
            )
        ).one()
    return bool(row.deleted), dict(row.fields)


def _open(qtbot: QtBot, ctx: AppContext, household_id: str) -> HouseholdDialog:
    dialog = HouseholdDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.save_button.isEnabled()
    return dialog


def _household_with_members(qtbot: QtBot, ctx: AppContext, names: list[str]) -> str:
    dialog = HouseholdDialog(ctx, None, grid_id=ctx.user.grid_ids[0])
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.address_edit, "李楼村9组99号")
    for name in names:
        form = add_member(qtbot, dialog)
        type_text(qtbot, form.name_edit, name)
        if form.relation_combo.currentData() is None:  # the first member is the head
            form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.SON))
        click(qtbot, form.ok_button)
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    household_id: str = saved.args[0]
    return household_id


def test_new_household_from_the_main_window_in_the_selected_micro_grid(
    qtbot: QtBot, demo: DemoSession
) -> None:
    window = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.search_controller.is_ready, timeout=5000)
    grid = demo.info.grid_ids[0]
    with demo.store.engine.connect() as conn:
        from gridclient.storage.models import AreaRow

        micro = conn.execute(
            select(AreaRow.id).where(AreaRow.parent_id == grid, AreaRow.level == "micro_grid")
        ).scalar()
    assert micro is not None
    window.set_area(AreaFilter((grid,), micro))
    window.new_household_action.trigger()
    [dialog] = [d for d in window.findChildren(HouseholdDialog) if d.isVisible()]
    assert dialog.grid_combo.currentData() == grid
    assert dialog.micro_combo.currentData() == micro
    type_text(qtbot, dialog.address_edit, "新村1组1号")
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    assert "Saved" in window.statusBar().currentMessage()
    with demo.store.read() as repos:
        created = repos.records.get(Household, saved.args[0])
    assert created is not None and (created.grid_id, created.micro_grid_id) == (grid, micro)
    # With all grids of a township-wide tree selected, it asks for one grid.
    window.set_area(AreaFilter(("a", "b")))
    window.new_household_action.trigger()
    assert "Select one grid" in window.statusBar().currentMessage()


def test_new_household_from_the_area_trees_context_menu(qtbot: QtBot, demo: DemoSession) -> None:
    """Right-click a micro-grid in the area tree: 新建住户 opens in it."""
    window = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(window)
    window.show()
    grid = demo.info.grid_ids[0]
    with demo.store.engine.connect() as conn:
        from gridclient.storage.models import AreaRow

        micro = conn.execute(
            select(AreaRow.id).where(AreaRow.parent_id == grid, AreaRow.level == "micro_grid")
        ).scalar()
    assert micro is not None
    tree = window.tree
    qtbot.waitUntil(lambda: tree.model().rowCount() > 0)
    tree.expandAll()
    assert tree.select_area(micro)
    index = tree.currentIndex()
    tree.setCurrentIndex(tree.model().index(0, 0))  # the menu selects what was clicked
    assert window._area.micro_grid_id != micro
    tree.scrollTo(index)
    tree.customContextMenuRequested.emit(tree.visualRect(index).center())
    menu = window.tree_menu
    assert menu is not None and window.new_household_action in menu.actions()
    assert window._area.micro_grid_id == micro
    menu.close()
    window.new_household_action.trigger()
    [dialog] = [d for d in window.findChildren(HouseholdDialog) if d.isVisible()]
    assert dialog.grid_combo.currentData() == grid
    assert dialog.micro_combo.currentData() == micro
    # Saved: the tree's household counts follow (the micro-grid stays selected).
    before = tree.model().index(0, 0).data()
    count = window.household_pane.model.rowCount()
    type_text(qtbot, dialog.address_edit, "新村2组2号")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: tree.model().index(0, 0).data() != before)
    total = int("".join(ch for ch in before if ch.isdigit()))
    assert str(total + 1) in tree.model().index(0, 0).data()
    assert window._area.micro_grid_id == micro
    assert tree.currentIndex().data(KEY_ROLE) == micro
    qtbot.waitUntil(lambda: window.household_pane.model.rowCount() == count + 1)


def test_move_out_keeps_the_record_and_leaves_the_lists(
    qtbot: QtBot, ctx: AppContext, demo: DemoSession
) -> None:
    household_id = _household_with_members(qtbot, ctx, ["周一"])
    grid = ctx.user.grid_ids[0]
    with ctx.store.read() as repos:
        assert household_id in repos.records.household_ids_of_grid(grid)
    dialog = _open(qtbot, ctx, household_id)
    assert dialog.move_out_button.isEnabled()
    dialog.move_out()
    form = dialog.move_out_form
    assert form is not None and form.isVisible()
    form._ok()  # no destination: refused with a message, nothing written
    assert form.isVisible() and form.error.text()
    type_text(qtbot, form.place_edit, "县城幸福小区")
    with qtbot.waitSignal(dialog.saved):
        form._ok()
    with ctx.store.read() as repos:
        moved = repos.records.get(Household, household_id)
        assert household_id not in repos.records.household_ids_of_grid(grid)
    assert moved is not None and moved.moved_out and moved.moved_to == "县城幸福小区"
    _sync(demo)
    deleted, fields = _on_server(demo, EntityKind.HOUSEHOLD, household_id)
    assert not deleted and fields["moved_to"] == "县城幸福小区" and fields["moved_out_on"]
    again = _open(qtbot, ctx, household_id)
    assert "moved out" in again.banner.text() and not again.move_out_button.isEnabled()


def test_delete_with_a_reason_tombstones_the_household_and_its_members(
    qtbot: QtBot, ctx: AppContext, demo: DemoSession
) -> None:
    household_id = _household_with_members(qtbot, ctx, ["周一", "周二"])
    with ctx.store.read() as repos:
        members = [r.id for r in repos.records.residents_of_household(household_id)]
    dialog = _open(qtbot, ctx, household_id)
    dialog.delete_household()
    form = dialog.delete_form
    assert form is not None
    form.reason_combo.setCurrentIndex(form.reason_combo.count() - 1)  # 其他: needs details
    form._ok()
    assert form.isVisible() and form.error.text()
    form.reason_combo.setCurrentIndex(1)  # registered twice
    with qtbot.waitSignal(dialog.saved):
        form._ok()
    kinds = [op.kind.value for op in ops_for(ctx, EntityKind.HOUSEHOLD, household_id)]
    assert kinds == ["create", "update", "delete"]
    _sync(demo)
    deleted, fields = _on_server(demo, EntityKind.HOUSEHOLD, household_id)
    assert deleted and fields["removal_reason"] == "Registered twice"
    for member in members:
        assert _on_server(demo, EntityKind.RESIDENT, member)[0]


def test_make_head_of_household_asks_the_former_heads_relation(
    qtbot: QtBot, ctx: AppContext, demo: DemoSession
) -> None:
    household_id = _household_with_members(qtbot, ctx, ["周父"])
    dialog = _open(qtbot, ctx, household_id)
    form = add_member(qtbot, dialog)
    type_text(qtbot, form.name_edit, "周子")
    form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.SON))
    click(qtbot, form.ok_button)
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    dialog = _open(qtbot, ctx, household_id)
    rows = {r.name: r for r in dialog._residents}
    # 周父, the household's first member, is its head; 周子 becomes the head instead.
    assert [(r.name, r.relation) for r in dialog._residents] == [
        ("周父", Relation.HEAD),
        ("周子", Relation.SON),
    ]
    _select(dialog, "周子")
    asked: list[str] = []
    dialog.choose_relation = lambda name: (asked.append(name), Relation.PARENT)[1]
    dialog.make_head()
    assert asked == ["周父"]
    assert dialog._residents[0].name == "周子"  # the head is listed first
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    with ctx.store.read() as repos:
        relations = {r.name: r.relation for r in repos.records.residents_of_household(household_id)}
    assert relations == {"周子": Relation.HEAD, "周父": Relation.PARENT}
    assert rows  # loaded before the change
    _sync(demo)


def _select(dialog: HouseholdDialog, name: str) -> None:
    row = next(i for i, r in enumerate(dialog._residents) if r.name == name)
    dialog.resident_table.selectRow(row)
    assert isinstance(dialog.selected_resident(), Resident)
