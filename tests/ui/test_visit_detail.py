"""A saved visit can be opened again and corrected (issue 13, item 2): the detail shows
every field and the photos; a correction is a new visit naming the one it corrects,
keeps its photos, syncs, and every list shows the visit once, as corrected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gridclient.demo.bootstrap import DemoSession
from gridclient.storage.queries import AreaFilter, VisitQueries
from gridclient.sync.engine import SyncEngine
from gridclient.ui.context import AppContext
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridclient.ui.visit_detail import VisitDetailDialog
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain.entities import Visit
from gridcore.domain.enums import EntityKind
from tests.demo_store import open_demo_copy
from tests.ui.test_forms import click, make_png, ops_for, type_text


@pytest.fixture
def demo(tmp_path: Path, demo_template: Path) -> Iterator[DemoSession]:
    session = open_demo_copy(demo_template, tmp_path)
    yield session
    session.close()


@pytest.fixture
def ctx(demo: DemoSession) -> AppContext:
    return AppContext(demo.store, TaskRunner(synchronous=True), demo.info)


def _visit_with_photo(qtbot: QtBot, ctx: AppContext, household_id: str, tmp_path: Path) -> str:
    photo = make_png(tmp_path / "door.png", 800, 600)
    dialog = VisitDialog(ctx, household_id, pick_files=lambda _w: [str(photo)])
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.content_edit, "了解家庭近况")
    type_text(qtbot, dialog.findings_edit, "屋顶漏雨")
    click(qtbot, dialog.photos.add_button)
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    visit_id: str = saved.args[0]
    return visit_id


def test_a_saved_visit_opens_with_every_field_and_its_photo(
    qtbot: QtBot, ctx: AppContext, demo: DemoSession, tmp_path: Path
) -> None:
    household_id = demo.queries.household_ids(list(demo.info.grid_ids))[0]
    visit_id = _visit_with_photo(qtbot, ctx, household_id, tmp_path)
    detail = VisitDetailDialog(ctx, visit_id)
    qtbot.addWidget(detail)
    detail.show()
    assert detail.fields["content"].text() == "了解家庭近况"
    # People by name (the directory synced with the demo), not by login.
    assert detail.fields["visitor"].text() == demo.info.display_name != demo.info.username
    assert detail.fields["findings"].text() == "屋顶漏雨"
    assert detail.fields["needs"].text() == "—"
    assert detail.fields["received"].text() == "Not synced yet"
    assert detail.photo_list.count() == 1
    assert not detail.photo_list.item(0).icon().isNull()
    assert detail.correct_button.isEnabled()
    # Synced: the server's receipt time shows.
    assert SyncEngine(demo.store, demo.session.transport).run().ok
    detail.reload()
    assert detail.fields["received"].text() != "Not synced yet"


def test_a_correction_is_a_new_visit_shown_once_everywhere(
    qtbot: QtBot, ctx: AppContext, demo: DemoSession, tmp_path: Path
) -> None:
    household_id = demo.queries.household_ids(list(demo.info.grid_ids))[0]
    visit_id = _visit_with_photo(qtbot, ctx, household_id, tmp_path)
    detail = VisitDetailDialog(ctx, visit_id)
    qtbot.addWidget(detail)
    detail.show()
    detail.correct()
    form = detail.correction_form
    assert isinstance(form, VisitDialog) and form.isVisible()
    assert form.content_edit.toPlainText() == "了解家庭近况"
    assert form.next_button.isHidden()
    form.save()  # nothing changed yet: refused, with a message
    assert "Nothing was changed" in form.banner.text()
    form.findings_edit.setPlainText("屋顶漏雨，已联系村委维修")
    with qtbot.waitSignal(detail.corrected) as corrected:
        click(qtbot, form.save_button)
    new_id = corrected.args[0]
    assert new_id != visit_id
    with ctx.store.read() as repos:
        correction = repos.records.get(Visit, new_id)
        original = repos.records.get(Visit, visit_id)
    assert correction is not None and original is not None
    assert correction.corrects_id == visit_id
    assert correction.attachments == original.attachments  # the photo stays
    assert correction.visited_at == original.visited_at
    assert [op.kind.value for op in ops_for(ctx, EntityKind.VISIT, new_id)] == ["create"]
    # The detail now shows the corrected visit and says it was corrected.
    assert detail.fields["findings"].text() == "屋顶漏雨，已联系村委维修"
    assert "Corrected 1 time(s)" in detail.note.text()
    assert detail.photo_list.count() == 1
    # Opening the original shows the latest version too.
    again = VisitDetailDialog(ctx, visit_id)
    qtbot.addWidget(again)
    assert again.fields["findings"].text() == "屋顶漏雨，已联系村委维修"
    # Lists show it once: the visits tab and the household's history.
    ids = VisitQueries(ctx.store.engine).visit_ids(AreaFilter(tuple(ctx.user.grid_ids)))
    assert new_id in ids and visit_id not in ids
    household = HouseholdDialog(ctx, household_id)
    qtbot.addWidget(household)
    shown = [household.visit_model.row_at(r).id for r in range(household.visit_model.rowCount())]
    assert new_id in shown and visit_id not in shown
    # And it syncs: the server stores the correction next to the original.
    assert SyncEngine(demo.store, demo.session.transport).run().ok


def test_the_visits_list_opens_the_detail(qtbot: QtBot, demo: DemoSession, tmp_path: Path) -> None:
    window = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.search_controller.is_ready, timeout=5000)
    ids = VisitQueries(demo.store.engine).visit_ids(AreaFilter(tuple(demo.info.grid_ids)))
    window.visit_pane.table.open_requested.emit(ids[0])
    [detail] = [d for d in window.findChildren(VisitDetailDialog) if d.isVisible()]
    assert detail.fields["content"].text()
    assert QApplication.activeModalWidget() in (detail, None)
