"""Departments (职能部门) through the real UI on three laptops and a real server.

A real ``gridserver serve`` process with a department list (东街道司法所, 东街道派出所);
the grid worker ``w1``, township staff ``t1`` and the justice office's account ``sfs``
each sign in with the login dialog on a laptop of their own and run the application's
main window:

* ``w1`` reports an event; ``t1`` accepts it and dispatches it, choosing 东街道司法所 from
  the list the form offers (no free text);
* ``sfs`` signs in with the same client: its window shows the events tab only, its
  department in the heading, and exactly the event dispatched to it; it takes 处置 and
  then 退回乡镇 with a reason; ``t1`` sees 待改派 and the department's steps.

``GRIDCLIENT_SCREENSHOTS=<folder>`` saves the dispatch form with the department list and
the department's main window (``docs/make_department_screenshots.py`` runs it so).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from gridclient.ui.event_dialogs import ActionForm
from gridcore.domain.enums import EventActionKind, EventState, Role
from tests.integration.sync.conftest import ServerProcess, server_event_view, server_process
from tests.ui import test_login
from tests.ui.test_event_loop_ui import WAIT, Step, UiLaptop, buttons, timeline_texts
from tests.ui.test_forms import click, type_text

pytestmark = pytest.mark.usefixtures("cheap_store_keys")

A = EventActionKind
S = EventState
chinese = test_login.chinese  # the Chinese translations, as the laptops run
SHOTS = os.environ.get("GRIDCLIENT_SCREENSHOTS", "")
TOWNSHIP = "320101001000"
DEPARTMENTS = [("T1-SFS", "东街道司法所", TOWNSHIP), ("T1-PCS", "东街道派出所", TOWNSHIP)]
USERS: list[tuple[str, Role, str, str] | tuple[str, Role, str, str, str]] = [
    ("w1", Role.WORKER, "320101001001001", "何子健"),
    ("t1", Role.TOWNSHIP, TOWNSHIP, "赵佳"),
    ("sfs", Role.DEPARTMENT, TOWNSHIP, "钱司法", "T1-SFS"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    folder = tmp_path / "server"
    folder.mkdir()
    with server_process(folder, USERS, DEPARTMENTS) as process:
        yield process


@pytest.fixture
def laptops(qtbot: QtBot, server: ServerProcess, tmp_path: Path) -> Iterator[dict[str, UiLaptop]]:
    made: dict[str, UiLaptop] = {}
    try:
        for user in ("w1", "t1", "sfs"):
            made[user] = UiLaptop.sign_in(qtbot, tmp_path / "laptops" / user, server.url, user)
        yield made
    finally:
        for laptop in made.values():
            laptop.close()


def shoot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"department_{name}.png"))


def shoot_with_popup(form: ActionForm, name: str) -> None:
    """The form with its department list dropped down (a popup is a window of its own:
    painted onto the form's picture below the combo box)."""
    if not SHOTS:
        return
    combo = form.assignee_combo
    combo.showPopup()
    popup = combo.view().window()
    picture = form.grab()
    below = combo.mapTo(form, QPoint(0, combo.height()))
    painter = QPainter(picture)
    painter.drawPixmap(below, popup.grab())
    painter.end()
    combo.hidePopup()
    picture.save(str(Path(SHOTS) / f"department_{name}.png"))


def sync_all(laptops: dict[str, UiLaptop], first: str) -> None:
    laptops[first].sync()
    for name, laptop in laptops.items():
        if name != first:
            laptop.sync()


def test_township_dispatches_to_a_listed_department_which_acts_on_its_own_laptop(
    server: ServerProcess, laptops: dict[str, UiLaptop]
) -> None:
    for laptop in laptops.values():  # the catalog, areas and department list arrive
        laptop.sync()
    w1, t1, sfs = laptops["w1"], laptops["t1"], laptops["sfs"]
    event_id = w1.report_event()
    sync_all(laptops, "w1")

    office = t1.open_event(event_id)
    t1.take(office, Step("t1", A.ACCEPT, S.ACCEPTED, "已受理"))
    click(t1.qtbot, office.action_buttons[A.DISPATCH])
    form = office.action_form
    assert isinstance(form, ActionForm) and form.listed
    combo = form.assignee_combo
    assert not combo.isEditable()
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items == ["退回网格办理", "东街道派出所", "东街道司法所"]
    click(t1.qtbot, form.ok_button)  # nothing chosen yet
    assert form.isVisible() and form.assignee_error.text() == "请选择派回网格或职能部门。"
    combo.setCurrentIndex(combo.findData("T1-SFS"))
    type_text(t1.qtbot, form.comment_edit, "请司法所牵头调处")
    shoot_with_popup(form, "dispatch_form")
    click(t1.qtbot, form.ok_button)
    t1.qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)
    handler = office.detail_labels["handler"]
    t1.qtbot.waitUntil(lambda: handler.text() == "东街道司法所", timeout=WAIT)
    office.reject()
    sync_all(laptops, "t1")

    # The justice office's laptop: the events tab only, its department, its event.
    window = sfs.window
    tabs = window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)] == [
        "事件",
        "冲突",
    ]
    assert tabs.currentWidget() is window.event_pane
    sfs.qtbot.waitUntil(lambda: "东街道司法所" in window.heading.text(), timeout=WAIT)
    assert "职能部门" in window.heading.text()
    sfs.qtbot.waitUntil(lambda: window.event_pane.model.rowCount() == 1, timeout=WAIT)
    desk = sfs.open_event(event_id)
    assert buttons(desk) == ["退回乡镇（派遣有误）", "处置", "反馈", "申请延期", "备注"]
    assert desk.detail_labels["handler"].text() == "东街道司法所"
    if SHOTS:
        desk.reject()
        window.resize(1366, 714)
        window.event_pane.table.selectRow(0)
        for _ in range(10):
            sfs.qtbot.wait(20)
        shoot(window, "main_window")
        desk = sfs.open_event(event_id)
    sfs.take(desk, Step("sfs", A.HANDLE, S.HANDLING, "已接收，联系双方当事人"))
    sfs.take(desk, Step("sfs", A.HAND_BACK, S.HANDED_BACK, "涉及宅基地确权，属国土所职责"))
    assert buttons(desk) == []
    if SHOTS:
        desk.resize(1180, 760)
        sfs.qtbot.wait(100)
        shoot(desk, "handed_back")
    desk.reject()
    sync_all(laptops, "sfs")

    state, _deadline, history = server_event_view(server, event_id)
    assert state is S.HANDED_BACK
    assert [step[1] for step in history] == ["report", "accept", "dispatch", "handle", "hand_back"]
    office = t1.open_event(event_id)
    assert "待改派" in office.state_label.text()
    assert "改派" in buttons(office)
    rows = timeline_texts(office)
    assert any("钱司法" in " ".join(row) and "退回乡镇" in " ".join(row) for row in rows), rows
    office.reject()
