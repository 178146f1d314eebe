"""A grid worker's day and a township clerk's, through the real main window (issue #13,
"done when").

A real ``gridserver serve`` process; two laptops with their own data directories, signed
in through the login dialog and running the application's own context, sync controller
and main window:

* the worker (``w1``) creates a household with two residents from the tool bar
  (新建住户), records a visit with a photo and opens it again from the visits list,
  reports an event, and syncs; after the township has accepted it and both have synced,
  the worker's events list and dialog show it 已受理;
* the clerk (``t1``) opens the 工作台 (its tiles and charts filled), filters the events
  list to the overdue ones (the list is exactly the overdue open events its store holds),
  accepts the worker's event, and prints the quarter's 事件台账 to PDF, whose heading
  names the quarter.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gridclient.reports.data import ReportKind
from gridclient.reports.periods import PeriodKind, quarter_of
from gridclient.storage.lookups import grid_ids_by_code
from gridclient.storage.queries import EventStateFilter
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.report_dialogs import ReportDialog
from gridclient.ui.visit_detail import VisitDetailDialog
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import Household, Resident, Visit
from gridcore.domain.enums import EventState, Relation
from gridcore.domain.idnumber import check_character
from gridcore.domain.workflow import event_status
from tests.integration.sync.conftest import ServerProcess
from tests.ui.test_event_loop_ui import STEPS, WAIT, UiLaptop, _only, chinese, server
from tests.ui.test_forms import click, type_text
from tests.unit.reports.pdftext import pdf_text, squeeze

pytestmark = pytest.mark.usefixtures("cheap_store_keys")
__all__ = ["chinese", "server"]  # fixtures used by name


def _id(first17: str) -> str:
    return first17 + check_character(first17)


HEAD_ID = _id("32010119750312301")
WIFE_ID = _id("32010119780605302")


@pytest.fixture
def desks(qtbot: QtBot, server: ServerProcess, tmp_path: Path) -> Iterator[dict[str, UiLaptop]]:
    made: dict[str, UiLaptop] = {}
    try:
        for user in ("w1", "t1"):
            made[user] = UiLaptop.sign_in(qtbot, tmp_path / "laptops" / user, server.url, user)
        yield made
    finally:
        for laptop in made.values():
            laptop.close()


def _photo(folder: Path) -> Path:
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7"))
    path = folder / "门前排水沟.jpg"
    assert image.save(str(path), b"JPG")
    return path


def _create_household(qtbot: QtBot, worker: UiLaptop) -> str:
    """新建住户 (Ctrl+Shift+N) in the worker's grid, with the head and his wife."""
    window = worker.window
    window.new_household_action.trigger()
    dialog = _only(window.findChildren(HouseholdDialog))
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    type_text(qtbot, dialog.address_edit, "幸福路18号")
    type_text(qtbot, dialog.number_edit, "0018")
    for name, number, relation in (
        ("周建国", HEAD_ID, Relation.HEAD),
        ("李秀梅", WIFE_ID, Relation.SPOUSE),
    ):
        click(qtbot, dialog.add_button)
        form = dialog.member_form
        assert form is not None and form.isVisible()
        type_text(qtbot, form.name_edit, name)
        type_text(qtbot, form.id_field.edit, number)
        form.relation_combo.setCurrentIndex(form.relation_combo.findData(relation))
        click(qtbot, form.ok_button)
        qtbot.waitUntil(form.isHidden, timeout=WAIT)
    assert dialog.resident_model.rowCount() == 2
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        click(qtbot, dialog.save_button)
    household_id = saved.args[0]
    assert isinstance(household_id, str)
    return household_id


def _record_visit(qtbot: QtBot, worker: UiLaptop, household_id: str, photo: Path) -> str:
    """The household's row, 新增走访 (Ctrl+N), content and a photo, 保存."""
    window = worker.window
    pane = window.household_pane
    window.tabs.setCurrentWidget(pane)
    qtbot.waitUntil(lambda: pane.model.row_of(household_id) >= 0, timeout=WAIT)
    pane.table.setCurrentIndex(pane.model.index(pane.model.row_of(household_id), 0))
    window.new_visit_action.trigger()
    dialog = _only(window.findChildren(VisitDialog))
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    type_text(qtbot, dialog.content_edit, "入户了解排水沟堵塞情况，已拍照留存")
    dialog.photos.pick_files = lambda _parent: [str(photo)]
    click(qtbot, dialog.photos.add_button)
    qtbot.waitUntil(lambda: len(dialog.photos.photos()) == 1, timeout=WAIT)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        click(qtbot, dialog.save_button)
    visit_id = saved.args[0]
    assert isinstance(visit_id, str)
    return visit_id


def _reopen_visit(qtbot: QtBot, worker: UiLaptop, visit_id: str) -> None:
    """The visits tab, the visit's row, Enter: its detail with the content and photo."""
    window = worker.window
    pane = window.visit_pane
    window.tabs.setCurrentWidget(pane)
    qtbot.waitUntil(lambda: pane.model.row_of(visit_id) >= 0, timeout=WAIT)
    pane.table.setCurrentIndex(pane.model.index(pane.model.row_of(visit_id), 0))
    pane.table.setFocus()
    qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    detail = _only(window.findChildren(VisitDetailDialog))
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=WAIT)
    assert detail.fields["content"].text() == "入户了解排水沟堵塞情况，已拍照留存"
    assert detail.fields["visitor"].text().startswith("何子健")  # a person, not a login
    qtbot.waitUntil(lambda: detail.photo_list.count() == 1, timeout=WAIT)
    detail.reject()


def _overdue_filter_matches_the_store(qtbot: QtBot, clerk: UiLaptop) -> None:
    window = clerk.window
    window.tabs.setCurrentWidget(window.event_pane)
    combo = window.event_filters.state
    combo.setCurrentIndex(combo.findData(EventStateFilter.OVERDUE.value))
    now = datetime.now().astimezone()
    grids = grid_ids_by_code(window.ctx.store.engine).values()
    with window.ctx.store.read() as repos:
        catalog = repos.catalog.load()
        histories = [h for grid in grids for h in repos.records.events_of_grid(grid)]
    overdue = {
        h.event.id
        for h in histories
        if (s := event_status(h.event, h.actions, catalog, now)).is_open and s.overdue
    }
    qtbot.waitUntil(lambda: set(window.event_model.ids()) == overdue, timeout=WAIT)
    combo.setCurrentIndex(combo.findData(EventStateFilter.ALL.value))


def _quarterly_ledger(qtbot: QtBot, clerk: UiLaptop, folder: Path) -> str:
    window = clerk.window
    window.open_reports()
    dialog = _only(window.findChildren(ReportDialog))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(ReportKind.EVENT_LEDGER.value))
    dialog.set_period_kind(PeriodKind.QUARTER)
    today = today_cst()
    dialog.quarter_year.setValue(today.year)
    dialog.quarter_combo.setCurrentIndex(quarter_of(today) - 1)
    qtbot.waitUntil(lambda: dialog.request() is not None, timeout=WAIT)  # areas loaded
    request = dialog.request()
    assert request is not None and request.period_kind is PeriodKind.QUARTER
    target = folder / "ledger"
    dialog.ask_save_path = lambda *_args: str(target)
    qtbot.waitUntil(dialog.pdf_button.isEnabled, timeout=WAIT)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.last_output is not None or bool(dialog.message.text()), timeout=WAIT
    )
    assert dialog.last_output == target.with_suffix(".pdf"), dialog.message.text()
    if dialog.export_box is not None:
        dialog.export_box.close()
    dialog.reject()
    return squeeze(pdf_text(target.with_suffix(".pdf")))


def test_a_workers_day_and_a_clerks(
    qtbot: QtBot, desks: dict[str, UiLaptop], tmp_path: Path
) -> None:
    worker, clerk = desks["w1"], desks["t1"]
    for laptop in desks.values():  # the areas, catalog and directory arrive
        laptop.sync()

    # -- the worker's day ------------------------------------------------------------
    household_id = _create_household(qtbot, worker)
    visit_id = _record_visit(qtbot, worker, household_id, _photo(tmp_path))
    _reopen_visit(qtbot, worker, visit_id)
    event_id = worker.report_event()
    pushed = worker.sync()
    assert pushed.pushed >= 5  # household, two residents, visit (+ photo), event
    with worker.window.ctx.store.read() as repos:
        assert not repos.outbox.pending()
        home = repos.records.get(Household, household_id)
        people = repos.records.residents_of_household(household_id)
        visit = repos.records.get(Visit, visit_id)
    assert home is not None and home.address == "幸福路18号"
    assert {(p.name, p.relation) for p in people if isinstance(p, Resident)} == {
        ("周建国", Relation.HEAD),
        ("李秀梅", Relation.SPOUSE),
    }
    assert visit is not None and len(visit.attachments) == 1

    # -- the clerk's ---------------------------------------------------------------------
    clerk.sync()
    dashboard = clerk.window.dashboard
    clerk.window.tabs.setCurrentWidget(dashboard)
    # Refreshed by the sync that brought the worker's records (not the start's zeros).
    qtbot.waitUntil(
        lambda: (
            dashboard.figures is not None
            and dashboard.figures.open_events >= 1
            and dashboard.figures.households >= 1
            and dashboard.charts is not None
        ),
        timeout=WAIT,
    )
    _overdue_filter_matches_the_store(qtbot, clerk)
    accept = STEPS[0]
    dialog = clerk.open_event(event_id)
    clerk.take(dialog, accept)
    dialog.accept()
    clerk.sync()
    text = _quarterly_ledger(qtbot, clerk, tmp_path)
    quarter = ("第一季度", "第二季度", "第三季度", "第四季度")[quarter_of(today_cst()) - 1]
    assert f"（{today_cst().year}年{quarter}）" in text
    assert "两户因排水沟发生争执" in text

    # -- the worker sees it accepted ------------------------------------------------------
    worker.sync()
    seen = worker.open_event(event_id)
    assert seen.state_label.text() == f"状态：{EventState.ACCEPTED.label}"
    seen.accept()
    assert worker.list_row(event_id)[5] == EventState.ACCEPTED.label
