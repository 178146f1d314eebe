"""巡查 (issue #16 item 3) on the laptop: the tab lists the grid's patrols newest first
and narrows them by days; the dialog records a patrol with a photo, refuses what the
server would refuse with the message in place, reports an event from the patrol (the
event and the link in one unit of work) and corrects a saved patrol."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QTime
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventDialog, EventReportDialog
from gridclient.ui.list_filters import CUSTOM
from gridclient.ui.main_window import MainWindow
from gridclient.ui.patrol_dialog import PatrolDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import CST, Event, Patrol
from gridcore.domain.enums import ChangeKind, EntityKind
from tests.demo_store import DemoStore


def _window(qtbot: QtBot, demo: DemoStore) -> MainWindow:
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    return win


def _stored_patrols(demo: DemoStore) -> list[tuple[str, str]]:
    """(day, id) of the live patrols, newest first, read with plain SQL."""
    with demo.store.engine.connect() as connection:
        return [
            (row[1], row[0])
            for row in connection.execute(
                text(
                    "SELECT id, patrol_date FROM patrols WHERE deleted = 0 "
                    "ORDER BY patrol_date DESC, id"
                )
            )
        ]


def _patrol(demo: DemoStore, patrol_id: str) -> Patrol:
    with demo.store.read() as repos:
        found = repos.records.get(Patrol, patrol_id)
    assert found is not None
    return found


def _png(path: Path) -> Path:
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("#7a3"))
    assert image.save(str(path))
    return path


def _ops(demo: DemoStore, entity: EntityKind) -> list[tuple[str, str]]:
    with demo.store.read() as repos:
        return [
            (op.kind.value, op.entity_id) for op in repos.outbox.pending() if op.entity is entity
        ]


def test_the_tab_lists_patrols_newest_first_and_filters_by_days(
    qtbot: QtBot, demo_store: DemoStore
) -> None:
    window = _window(qtbot, demo_store)
    window.tabs.setCurrentWidget(window.patrol_pane)
    stored = _stored_patrols(demo_store)
    assert len(stored) > 20  # the demo worker's two months of patrols
    qtbot.waitUntil(lambda: window.patrol_model.ids() == [i for _d, i in stored])
    model = window.patrol_model
    day, grid, who, where, findings, events = (model.index(0, c).data() for c in range(6))
    assert day == stored[0][0] and grid and where and findings and events.isdigit()
    assert who == demo_store.info.display_name  # the real name, not the login
    linked = [r for r in range(model.rowCount()) if model.index(r, 5).data() != "0"]
    assert linked  # days the worker reported events link them

    newest = date.fromisoformat(stored[0][0])
    span = [i for d, i in stored if newest - timedelta(days=6) <= date.fromisoformat(d)]
    window.patrol_filters.period.set_span(newest - timedelta(days=6), newest)
    assert window.patrol_filters.period.choice.currentData() == CUSTOM
    qtbot.waitUntil(lambda: model.ids() == span)
    window.patrol_filters.clear()
    qtbot.waitUntil(lambda: len(model.ids()) == len(stored))


def test_record_a_patrol_with_a_photo_and_report_an_event_from_it(
    qtbot: QtBot, demo_store: DemoStore, tmp_path: Path
) -> None:
    window = _window(qtbot, demo_store)
    ctx = window.ctx
    window.tabs.setCurrentWidget(window.patrol_pane)
    known = {i for _d, i in _stored_patrols(demo_store)}
    before = len(known)
    photo = _png(tmp_path / "guardrail.png")
    grid = demo_store.info.grid_ids[0]
    dialog = PatrolDialog(ctx, grid_id=grid, pick_files=lambda _w: [str(photo)])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.grid_combo.currentData() == grid

    dialog.save()  # nothing written yet: findings and route are asked for
    assert dialog.findings_error.text() and "路线" not in dialog.findings_error.text()
    assert len(_stored_patrols(demo_store)) == before
    dialog.route_edit.setText("村委会—河堤—小学")
    dialog.findings_edit.setPlainText("河堤护栏松动一处，已设置警示")
    today = today_cst()
    dialog.date_edit.setDate(QDate(today.year, today.month, today.day))
    dialog.times_box.setChecked(True)
    dialog.start_edit.setTime(QTime(9, 0))
    dialog.end_edit.setTime(QTime(8, 0))
    dialog.save()  # the end before the start: the domain rule's message, nothing written
    # The domain rule's message, then the form's hint to tick 次日 (English here: this
    # test installs no translator).
    assert dialog.time_error.text().split("\n") == [
        "结束时间不能早于开始时间",
        "If the patrol ended after midnight, tick “next day”.",
    ]
    assert len(_stored_patrols(demo_store)) == before
    dialog.end_edit.setTime(QTime(11, 30))
    dialog.photos.choose()
    qtbot.waitUntil(lambda: len(dialog.photos.photos()) == 1)

    # 从本次巡查上报事件: the patrol is saved first, then 上报事件 opens on its grid.
    dialog.report_button.click()
    qtbot.waitUntil(lambda: isinstance(dialog.report_dialog, EventReportDialog))
    [patrol_id] = {i for _d, i in _stored_patrols(demo_store)} - known
    saved = _patrol(demo_store, patrol_id)
    assert len(saved.attachments) == 1 and saved.event_ids == ()
    assert saved.patroller == ctx.user.username and saved.started_at is not None
    report = dialog.report_dialog
    assert isinstance(report, EventReportDialog)
    assert report.description_edit.toPlainText() == "河堤护栏松动一处，已设置警示"
    assert report.location_edit.text() == "村委会—河堤—小学"
    category_edit = report.category_combo.lineEdit()
    assert category_edit is not None
    category_edit.setText("邻里纠纷")
    report.title_edit.setText("河堤护栏松动")
    with qtbot.waitSignal(report.reported) as reported:
        report.submit()
    event_id = reported.args[0]
    linked = _patrol(demo_store, patrol_id)
    assert linked.event_ids == (event_id,)
    with demo_store.store.read() as repos:
        event = repos.records.get(Event, event_id)
    assert event is not None and event.title == "河堤护栏松动"
    # One create for the patrol, one update for the link (queued with the event).
    assert _ops(demo_store, EntityKind.PATROL) == [
        (ChangeKind.CREATE.value, patrol_id),
        (ChangeKind.UPDATE.value, patrol_id),
    ]
    qtbot.waitUntil(
        lambda: (
            dialog.event_list.count() == 1 and "河堤护栏松动" in (dialog.event_list.item(0).text())
        )
    )
    assert dialog.kept_list.count() == 1 and not dialog.photos.photos()
    qtbot.waitUntil(lambda: patrol_id in window.patrol_model.ids())
    row = window.patrol_model.ids().index(patrol_id)
    assert window.patrol_model.index(row, 5).data() == "1"

    # The event's dialog says where it came from (read from the patrols).
    shown = EventDialog(ctx, event_id)
    qtbot.addWidget(shown)
    # (English: the tests run without the translators.)
    qtbot.waitUntil(lambda: today.isoformat() in shown.detail_labels["source"].text())
    assert shown.detail_labels["source"].text() == (
        f"网格员上报 (from the patrol of {today.isoformat()})"
    )

    dialog.open_event(dialog.event_list.item(0))  # a double-click opens the event
    assert isinstance(dialog.event_dialog, EventDialog)
    dialog.event_dialog.close()

    # Correct it: the typed change is saved, the photo and the link stay.
    dialog.notes_edit.setText("次日复查")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    corrected = _patrol(demo_store, patrol_id)
    assert corrected.notes == "次日复查" and corrected.event_ids == (event_id,)
    assert corrected.attachments == saved.attachments


def test_a_saved_patrol_opens_for_correction_and_can_be_removed(
    qtbot: QtBot, demo_store: DemoStore
) -> None:
    _day, patrol_id = _stored_patrols(demo_store)[0]
    window = _window(qtbot, demo_store)
    dialog = PatrolDialog(window.ctx, patrol_id, confirm=lambda *_: True)
    qtbot.addWidget(dialog)
    original = _patrol(demo_store, patrol_id)
    assert dialog.findings_edit.toPlainText() == original.findings
    assert dialog.route_edit.text() == original.route
    assert dialog.times_box.isChecked() == (original.started_at is not None)
    assert dialog.patroller_label.text() == window.ctx.user.display_name
    assert dialog.event_list.count() == max(1, len(original.event_ids))
    dialog.findings_edit.setPlainText("")
    dialog.save()
    assert dialog.findings_error.text()
    assert _patrol(demo_store, patrol_id).findings == original.findings
    with qtbot.waitSignal(dialog.saved):
        dialog.remove()
    assert _patrol(demo_store, patrol_id).deleted
    assert patrol_id not in [i for _d, i in _stored_patrols(demo_store)]


def test_a_night_patrol_ends_on_the_next_day(qtbot: QtBot, demo_store: DemoStore) -> None:
    """Started 22:00, ended 01:30 the next morning: 次日 stores the end on the next day, the
    reopened form ticks it again; without it the form says to tick it."""
    window = _window(qtbot, demo_store)
    known = {i for _d, i in _stored_patrols(demo_store)}
    dialog = PatrolDialog(window.ctx, grid_id=demo_store.info.grid_ids[0])
    qtbot.addWidget(dialog)
    dialog.show()
    day = today_cst() - timedelta(days=1)
    dialog.date_edit.setDate(QDate(day.year, day.month, day.day))
    dialog.route_edit.setText("夜巡：幸福街—河堤")
    dialog.findings_edit.setPlainText("未发现异常")
    dialog.times_box.setChecked(True)
    assert dialog.next_day_box.isEnabled() and not dialog.next_day_box.isChecked()
    dialog.start_edit.setTime(QTime(22, 0))
    dialog.end_edit.setTime(QTime(1, 30))
    dialog.save()
    assert dialog.time_error.text().startswith("结束时间不能早于开始时间\n")
    assert {i for _d, i in _stored_patrols(demo_store)} == known
    dialog.next_day_box.setChecked(True)
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    assert dialog.time_error.text() == ""
    [patrol_id] = {i for _d, i in _stored_patrols(demo_store)} - known
    saved = _patrol(demo_store, patrol_id)
    assert saved.patrol_date == day and saved.started_at is not None and saved.ended_at is not None
    assert saved.ended_at - saved.started_at == timedelta(hours=3, minutes=30)
    assert saved.ended_at.astimezone(CST).date() == day + timedelta(days=1)
    again = PatrolDialog(window.ctx, patrol_id)
    qtbot.addWidget(again)
    assert again.next_day_box.isChecked()
    assert (again.start_edit.time(), again.end_edit.time()) == (QTime(22, 0), QTime(1, 30))
    assert not again.has_input()


def test_closing_asks_before_unsaved_input_is_lost(qtbot: QtBot, demo_store: DemoStore) -> None:
    window = _window(qtbot, demo_store)
    asked: list[str] = []
    answer = [False]

    def confirm(_parent: object, title: str, _text: str) -> bool:
        asked.append(title)
        return answer[0]

    dialog = PatrolDialog(window.ctx, grid_id=demo_store.info.grid_ids[0], confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # nothing typed: closes without asking
    assert asked == [] and not dialog.isVisible()
    _day, patrol_id = _stored_patrols(demo_store)[0]
    dialog = PatrolDialog(window.ctx, patrol_id, confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # loaded, unchanged: closes without asking
    assert asked == []
    dialog = PatrolDialog(window.ctx, patrol_id, confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.notes_edit.setText("补记")
    dialog.reject()  # refused: stays open with the typing
    assert len(asked) == 1 and dialog.isVisible() and dialog.notes_edit.text() == "补记"
    answer[0] = True
    dialog.reject()
    assert len(asked) == 2 and not dialog.isVisible()
