"""场所 (issue #16 item 5, places and things): the tab lists the grid's places with their
latest check and filters them; the dialog adds, edits and deletes (with a reason) a place
and records its checks as append-only records; bad input is answered in place."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from gridclient.storage.places import PlaceFocus
from gridclient.storage.syncmeta import OpStatus
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.place_dialog import InspectionDialog, PlaceDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import Place
from gridcore.domain.enums import ChangeKind, EntityKind, PlaceKind, RiskLevel
from tests.demo_store import DemoStore


def _window(qtbot: QtBot, demo: DemoStore) -> MainWindow:
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    return win


def _live_places(demo: DemoStore) -> set[str]:
    """Counted here with plain SQL, not with the list's query."""
    with demo.store.engine.connect() as connection:
        return {
            row[0] for row in connection.execute(text("SELECT id FROM places WHERE deleted = 0"))
        }


def test_the_tab_lists_and_filters_the_places(qtbot: QtBot, demo_store: DemoStore) -> None:
    window = _window(qtbot, demo_store)
    window.tabs.setCurrentWidget(window.place_pane)
    expected = _live_places(demo_store)
    assert expected  # the demo grid has its school, shops, rental houses …
    qtbot.waitUntil(lambda: set(window.place_model.ids()) == expected)
    kinds = {window.place_model.index(r, 1).data() for r in range(len(expected))}
    assert kinds <= {k.label for k in PlaceKind}
    last_checks = [window.place_model.index(r, 7).data() for r in range(len(expected))]
    assert any(c and c[0].isdigit() for c in last_checks)
    bar = window.place_filters
    bar.kind.setCurrentIndex(bar.kind.findData(PlaceKind.SCHOOL.value))
    qtbot.waitUntil(lambda: len(window.place_model.ids()) == 1)
    assert window.place_model.index(0, 1).data() == PlaceKind.SCHOOL.label
    bar.kind.setCurrentIndex(0)
    bar.focus.setCurrentIndex(bar.focus.findData("key"))
    qtbot.waitUntil(lambda: 0 < len(window.place_model.ids()) < len(expected))
    assert all(
        "重点" in window.place_model.index(r, 6).data()
        for r in range(len(window.place_model.ids()))
    )


def test_add_check_edit_and_delete_a_place(qtbot: QtBot, demo_store: DemoStore) -> None:
    window = _window(qtbot, demo_store)
    ctx = window.ctx
    window.tabs.setCurrentWidget(window.place_pane)
    before = _live_places(demo_store)

    dialog = PlaceDialog(ctx, grid_id=demo_store.info.grid_ids[0])
    qtbot.addWidget(dialog)
    assert not dialog.add_inspection_button.isEnabled()  # saved first
    dialog.save()  # nothing typed: the name is asked for, nothing written
    assert dialog.name_error.text() and _live_places(demo_store) == before
    dialog.name_edit.setText("幸福路12号出租房")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(PlaceKind.RENTAL_HOUSING))
    dialog.contact_edit.setText("房东 李建国")
    dialog.phone_field.edit.setText("1380013800")  # one digit short
    dialog.save()
    assert dialog.phone_error.text() and _live_places(demo_store) == before
    dialog.phone_field.edit.setText("138 0013 8000")
    dialog.risk_combo.setCurrentIndex(dialog.risk_combo.findData(RiskLevel.GENERAL))
    dialog.key_check.setChecked(True)
    assert dialog.micro_combo.count() > 1  # the grid's micro-grids
    dialog.micro_combo.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    place_id = saved.args[0]
    with demo_store.store.read() as repos:
        stored = repos.records.get(Place, place_id)
    assert stored is not None
    assert (stored.name, stored.kind, stored.phone, stored.risk_level, stored.is_key) == (
        "幸福路12号出租房",
        PlaceKind.RENTAL_HOUSING,
        "13800138000",
        RiskLevel.GENERAL,
        True,
    )
    assert stored.micro_grid_id is not None
    qtbot.waitUntil(lambda: place_id in window.place_model.ids())

    # Reopened: a check with a hazard, answered in place when incomplete.
    dialog = PlaceDialog(ctx, place_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.add_inspection_button.isEnabled())
    assert dialog.inspection_table.rowCount() == 0
    dialog.add_inspection()
    form = dialog.inspection_form
    assert isinstance(form, InspectionDialog)
    form.save()
    assert form.error.text()  # nothing found written down
    form.hazards_edit.setText("电动车在楼道内充电")
    form.findings_edit.setPlainText("核对租住人员4人")
    form.deadline_check.setChecked(True)
    today = today_cst()
    yesterday = today - timedelta(days=1)
    form.deadline_edit.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    form.save()
    assert "deadline" in form.error.text() or "期限" in form.error.text()
    form.deadline_edit.setDate(QDate(today.year, today.month, today.day).addDays(7))
    with qtbot.waitSignal(form.saved):
        form.save()
    qtbot.waitUntil(lambda: dialog.inspection_table.rowCount() == 1)
    hazard = dialog.inspection_table.item(0, 3)
    assert hazard is not None and hazard.text() == "电动车在楼道内充电"
    row = window.place_model.ids().index(place_id)
    qtbot.waitUntil(lambda: "待整改" in (window.place_model.index(row, 7).data() or ""))

    # Deleted with a reason: the reason is its own op, then the tombstone.
    dialog.remove()
    assert dialog.delete_form is not None
    dialog.delete_form.reason_combo.setCurrentIndex(2)  # closed down
    with qtbot.waitSignal(dialog.saved):
        dialog.delete_form.accept()
    assert place_id not in _live_places(demo_store)
    with demo_store.store.read() as repos:
        ops = repos.outbox.for_entity(EntityKind.PLACE, place_id)
        checks = [o for o in repos.outbox.unsent() if o.entity is EntityKind.PLACE_INSPECTION]
    assert [o.kind for o in ops] == [ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.DELETE]
    assert ops[1].changes["removal_reason"][1]
    assert all(o.status is OpStatus.PENDING for o in ops)
    assert len(checks) == 1 and checks[0].kind is ChangeKind.CREATE
    qtbot.waitUntil(lambda: place_id not in window.place_model.ids())


def test_the_search_box_finds_places(qtbot: QtBot, demo_store: DemoStore) -> None:
    """The main window's search narrows the 场所 list by name, address or person in
    charge; a search that finds no household or person but a place shows the places."""
    window = _window(qtbot, demo_store)
    qtbot.waitUntil(lambda: window.search_controller.is_ready, timeout=5000)
    with demo_store.store.engine.connect() as connection:
        name, address = connection.execute(
            text("SELECT name, address FROM places WHERE deleted = 0 ORDER BY name LIMIT 1")
        ).one()
    window.tabs.setCurrentWidget(window.dashboard)
    window.search_box.setText(name)
    window.search_box.flush()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.place_pane)
    assert window.place_filters.text_value() == name
    qtbot.waitUntil(lambda: len(window.place_model.ids()) >= 1)
    assert all(
        name in window.place_model.index(r, 0).data() for r in range(len(window.place_model.ids()))
    )
    # On the 场所 tab the search narrows the places and stays there.
    window.search_box.setText(address)
    window.search_box.flush()
    qtbot.waitUntil(lambda: window.place_filters.text_value() == address)
    assert window.tabs.currentWidget() is window.place_pane
    qtbot.waitUntil(lambda: len(window.place_model.ids()) >= 1)
    assert all(
        address in window.place_model.index(r, 3).data()
        for r in range(len(window.place_model.ids()))
    )
    # Nothing anywhere: the households tab as before; clearing the search lists every place.
    window.tabs.setCurrentWidget(window.dashboard)
    window.search_box.setText("无此场所无此人")
    window.search_box.flush()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.household_pane)
    window.search_box.clear()
    window.search_box.flush()
    assert window.place_filters.text_value() == ""
    window.tabs.setCurrentWidget(window.place_pane)
    qtbot.waitUntil(lambda: set(window.place_model.ids()) == _live_places(demo_store))


def test_the_dashboard_counts_places_with_a_hazard_to_rectify(
    qtbot: QtBot, demo_store: DemoStore
) -> None:
    window = _window(qtbot, demo_store)
    window.tabs.setCurrentWidget(window.dashboard)
    qtbot.waitUntil(lambda: window.dashboard.figures is not None)
    figures = window.dashboard.figures
    assert figures is not None
    hazards = window.places.place_ids(demo_store.info.grid_ids, focus=PlaceFocus.HAZARD)
    assert figures.open_hazards == len(hazards) > 0
    assert window.dashboard.hazards.value.text() == str(len(hazards))
    window.place_filters.text.setText("x")  # the tile's list is not narrowed by old text
    window.dashboard.hazards_button.click()
    assert window.tabs.currentWidget() is window.place_pane
    assert window.place_filters.focus_value() is PlaceFocus.HAZARD
    qtbot.waitUntil(lambda: window.place_model.ids() == hazards)
