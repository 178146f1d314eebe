"""The event's closed loop through the real UI on three laptops (issue 11, "done when").

A real ``gridserver serve`` process; three laptops, each with its own data directory,
signed in through the login dialog and running the application's own context, sync
controller and main window (:func:`gridclient.app.open_main_window`):

* ``w1``, the grid worker, reports the event with the 上报事件 dialog;
* ``t1``, township staff, opens it from the events list and takes 受理, 派遣 (to a
  department typed into the form), 处置 and 反馈 with the buttons and forms of the event
  dialog;
* ``w1`` takes 核查通过; ``t1`` 结案; ``w1`` 满意度评价 and 回访;
* ``w1c``, a colleague in the same grid, only watches.

After every step the actor's dialog shows the step as not synced yet; then every laptop
syncs with its 同步 button (the actor first) and opens the event again from its list. On
every laptop the dialog shows the server's state and deadline, the same timeline (times
as the server has them, none "未同步"), and exactly the buttons its role may use now; the
events list shows the same state and deadline.

``GRIDCLIENT_SCREENSHOTS=<folder>`` also saves the dialogs at three points of the loop
(``docs/make_event_loop_screenshots.py`` runs this test that way).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from gridclient.app import open_main_window
from gridclient.config import ITSettings, Paths
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import SyncReport
from gridclient.ui.event_dialogs import ActionForm, EventDialog, EventReportDialog
from gridclient.ui.form_common import cst_text
from gridclient.ui.login import LoginDialog, user_info
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.catalog import deadline_text
from gridcore.domain.enums import EventActionKind, EventState, Role, Satisfaction
from gridcore.domain.workflow import allowed_actions
from tests.integration.sync import conftest as sync_world
from tests.integration.sync.conftest import PASSWORD, ServerProcess, server_event_view
from tests.ui import test_login
from tests.ui.test_forms import click, type_text
from tests.ui.test_login import fast_transport

pytestmark = pytest.mark.usefixtures("cheap_store_keys")

A = EventActionKind
S = EventState
WAIT = 30_000

server = sync_world.server  # a real `gridserver serve` process with w1, w1c and t1
chinese = test_login.chinese  # the Chinese translations, as the laptops run

SHOTS = os.environ.get("GRIDCLIENT_SCREENSHOTS", "")
SHOT_AFTER = {A.ACCEPT: "accepted", A.FEEDBACK: "handled", A.RETURN_VISIT: "end"}
"""Where the loop is photographed (after the step is synced everywhere)."""


FEEDBACK = (
    "经民政办、司法所与村调委会三方现场调解，双方同意由东户出资疏通排水沟并加装盖板，"
    "西户负责清理院内积水造成的损失，约定本月底前完工，调解协议已签字并拍照存档。"
)
"""A handling result as people write them: several clauses, wider than the dialog."""


@dataclass(frozen=True)
class Step:
    actor: str
    kind: EventActionKind
    state: EventState
    """The state once the step is taken."""
    comment: str = ""
    assignee: str = ""
    satisfaction: Satisfaction | None = None


STEPS = [
    Step("t1", A.ACCEPT, S.ACCEPTED, "已受理，转民政办调解"),
    Step("t1", A.DISPATCH, S.DISPATCHED, assignee="民政办"),
    Step("t1", A.HANDLE, S.HANDLING, "民政办已到现场"),
    Step("t1", A.FEEDBACK, S.HANDLED, FEEDBACK),
    Step("w1", A.VERIFY, S.VERIFIED, "回访核实属实"),
    Step("t1", A.CLOSE, S.CLOSED, "结案"),
    Step("w1", A.EVALUATE, S.EVALUATED, "群众表示满意", satisfaction=Satisfaction.SATISFIED),
    Step("w1", A.RETURN_VISIT, S.EVALUATED, "一周后回访，未再发生"),
]


@dataclass
class UiLaptop:
    """One person's computer: the login dialog, then the application's main window."""

    qtbot: QtBot
    username: str
    window: MainWindow
    runner: TaskRunner
    reports: list[SyncReport] = field(default_factory=list)

    @classmethod
    def sign_in(cls, qtbot: QtBot, root: Path, url: str, username: str) -> UiLaptop:
        runner = TaskRunner()
        settings = ITSettings(server_url=url)
        login = LoginDialog(
            runner,
            Paths.resolve(root).ensure(),
            settings,
            MemoryTokenStore(),
            transport_factory=fast_transport,
        )
        qtbot.addWidget(login)
        login.show()
        login.username.setText(username)
        login.password.setFocus()
        qtbot.keyClicks(login.password, PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: login.result() == QDialog.DialogCode.Accepted, timeout=WAIT)
        session = login.session
        assert session is not None and session.online
        window = open_main_window(session, user_info(session), runner, settings, fast_transport)
        laptop = cls(qtbot, username, window, runner)
        assert window.sync is not None
        window.sync.finished.connect(laptop.reports.append)
        return laptop

    @property
    def role(self) -> Role:
        return self.window.ctx.user.role

    def sync(self, *, automatic: bool = False) -> SyncReport:
        """Click 同步 in the tool bar and wait for the controller's ``finished``.
        ``automatic``: start it as the controller's timers do (an event dialog may be
        open, and its window-modality keeps the tool bar out of reach)."""
        controller, window = self.window.sync, self.window
        assert controller is not None and window.sync_action is not None
        # An automatic sync (the controller's probe) may be running: let it end first.
        self.qtbot.waitUntil(lambda: not controller.running, timeout=WAIT)
        button = window.toolbar.widgetForAction(window.sync_action)
        assert button is not None and button.isEnabled()
        with self.qtbot.waitSignal(controller.finished, timeout=WAIT) as finished:
            if automatic:
                assert controller.sync()
            else:
                self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        report = finished.args[0]
        assert isinstance(report, SyncReport)
        assert report.ok and not report.errors, (self.username, report.errors)
        assert report.held == 0 and report.rejected == 0, self.username
        # The tool bar's 同步 comes back once the window has the outcome.
        action = window.sync_action
        self.qtbot.waitUntil(action.isEnabled, timeout=WAIT)
        return report

    def report_event(self) -> str:
        """上报事件 from the tool bar (Ctrl+E): fill the form and click 上报."""
        window = self.window
        window.new_event_action.trigger()
        dialog = _only(window.findChildren(EventReportDialog))
        self.qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT)  # catalog loaded
        assert dialog.ok_button.text() == "上报"
        category_edit = dialog.category_combo.lineEdit()
        assert category_edit is not None
        type_text(self.qtbot, category_edit, "邻里纠纷")
        category = dialog.category()
        assert category is not None and category.code == "01001"
        assert "一般 15 天" in dialog.category_info.text(), dialog.category_info.text()
        type_text(self.qtbot, dialog.title_edit, "两户因排水沟发生争执")
        type_text(self.qtbot, dialog.location_edit, "幸福路3号")
        type_text(self.qtbot, dialog.description_edit, "雨后排水沟堵塞，积水流入邻居院内")
        shoot(dialog, f"report_{self.username}")
        with self.qtbot.waitSignal(dialog.reported, timeout=WAIT) as reported:
            click(self.qtbot, dialog.ok_button)
        event_id = reported.args[0]
        assert isinstance(event_id, str)
        self.qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
        return event_id

    def open_event(self, event_id: str) -> EventDialog:
        """The 事件 tab, the event's row, Enter: the event dialog, filled."""
        window = self.window
        pane = window.event_pane
        window.tabs.setCurrentWidget(pane)
        # The list reloads after a sync (now, or when its tab is shown): let it land, so
        # the row is read afresh.
        self.qtbot.waitUntil(lambda: not self.runner.busy(), timeout=WAIT)
        self.qtbot.waitUntil(lambda: pane.model.row_of(event_id) >= 0, timeout=WAIT)
        index = pane.model.index(pane.model.row_of(event_id), 0)
        pane.table.setCurrentIndex(index)
        pane.table.setFocus()
        self.qtbot.keyClick(pane.table, Qt.Key.Key_Return)
        dialog = _only([d for d in window.findChildren(EventDialog) if d.isVisible()])
        self.qtbot.waitUntil(lambda: dialog.title_label.text() != "正在加载…", timeout=WAIT)
        # New buttons show on the next turn of the event loop.
        self.qtbot.waitUntil(
            lambda: all(b.isVisible() for b in dialog.action_buttons.values()), timeout=WAIT
        )
        return dialog

    def list_row(self, event_id: str) -> list[str]:
        """The event's row in the events list, as shown."""
        model = self.window.event_pane.model
        row = model.row_of(event_id)
        assert row >= 0, self.username
        return [str(model.index(row, c).data() or "") for c in range(model.columnCount())]

    def take(self, dialog: EventDialog, step: Step) -> None:
        """Click the step's button, fill the form, click its OK."""
        rows = dialog.timeline_model.rowCount()
        click(self.qtbot, dialog.action_buttons[step.kind])
        form = dialog.action_form
        assert isinstance(form, ActionForm) and form.isVisible()
        assert form.windowTitle() == step.kind.label and form.ok_button.text() == step.kind.label
        if step.assignee:
            combo = form.assignee_combo
            edit = combo.lineEdit()
            assert combo.isVisibleTo(form) and edit is not None
            # Nothing is chosen beforehand: OK alone sends the event nowhere.
            assert combo.currentText() == "" and edit.placeholderText()
            click(self.qtbot, form.ok_button)
            assert form.isVisible() and form.assignee_error.text() == "请选择网格或输入部门。"
            shoot(form, f"dispatch_form_{self.username}")
            type_text(self.qtbot, edit, step.assignee)
        if step.satisfaction is not None:
            choice = form.satisfaction_combo
            assert choice.isVisibleTo(form)
            choice.setCurrentIndex(choice.findData(step.satisfaction))
        if step.comment:
            type_text(self.qtbot, form.comment_edit, step.comment)
        if step.kind is A.FEEDBACK:
            shoot(form, f"feedback_form_{self.username}")
        click(self.qtbot, form.ok_button)
        self.qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)
        assert form.banner.text() == "", form.banner.text()
        self.qtbot.waitUntil(lambda: dialog.timeline_model.rowCount() == rows + 1, timeout=WAIT)

    def close(self) -> None:
        self.window.close()  # stops the sync controller and waits for the task runner
        assert self.window.sync is not None
        self.window.sync.session.close()


W = TypeVar("W", bound=QWidget)


def _only(widgets: list[W]) -> W:
    visible = [w for w in widgets if w.isVisible()]
    assert len(visible) == 1, visible
    return visible[0]


def shoot(widget: QWidget, name: str) -> None:
    """Save ``widget`` as ``event_loop_<name>.png`` when screenshots are asked for."""
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"event_loop_{name}.png"))


def timeline_texts(dialog: EventDialog) -> list[list[str]]:
    model = dialog.timeline_model
    return [
        [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def buttons(dialog: EventDialog) -> list[str]:
    """The action buttons on screen, left to right."""
    shown = [b for b in dialog.action_buttons.values() if b.isVisible()]
    return [b.text() for b in sorted(shown, key=lambda b: b.x())]


@pytest.fixture
def laptops(qtbot: QtBot, server: ServerProcess, tmp_path: Path) -> Iterator[dict[str, UiLaptop]]:
    made: dict[str, UiLaptop] = {}
    try:
        for user in ("w1", "w1c", "t1"):
            made[user] = UiLaptop.sign_in(qtbot, tmp_path / "laptops" / user, server.url, user)
        yield made
    finally:
        for laptop in made.values():
            laptop.close()


def check_every_laptop(
    server: ServerProcess,
    laptops: dict[str, UiLaptop],
    event_id: str,
    expected: EventState,
    shot: str = "",
) -> None:
    """Each laptop opens the event from its list and shows what the server holds."""
    state, deadline, history = server_event_view(server, event_id)
    assert state is expected
    assert all(server_at is not None for *_rest, server_at in history)
    server_rows = [(cst_text(at), A(kind).label) for _id, kind, at, _server_at in history]
    timelines: dict[str, list[list[str]]] = {}
    list_rows: dict[str, list[str]] = {}
    for name, laptop in laptops.items():
        dialog = laptop.open_event(event_id)
        assert dialog.banner.text() == "", (name, dialog.banner.text())
        assert dialog.state_label.text() == f"状态：{expected.label}", name
        assert dialog.deadline_label.text() == f"办理期限：{deadline_text(deadline)}", name
        assert not dialog.overdue_label.isVisible(), name
        rows = timeline_texts(dialog)
        assert [(r[0], r[2]) for r in rows] == server_rows, name
        # Every column in sight; a long comment wraps instead of pushing them out.
        assert not dialog.timeline.horizontalScrollBar().isVisible(), name
        if any(r[3] == FEEDBACK for r in rows):
            row = next(i for i, r in enumerate(rows) if r[3] == FEEDBACK)
            assert dialog.timeline.rowHeight(row) > dialog.timeline.rowHeight(0), name
        assert not any("未同步" in r[0] for r in rows), (name, rows)
        assert rows[0][1] == "何子健（网格员）", (name, rows[0])  # people by name
        timelines[name] = rows
        allowed = allowed_actions(expected, laptop.role)
        assert list(dialog.action_buttons) == allowed, name
        assert buttons(dialog) == [a.label for a in allowed], name
        assert dialog.no_actions_label.isVisible() is (not allowed), name
        list_rows[name] = laptop.list_row(event_id)
        assert list_rows[name][5] == expected.label, (name, list_rows[name])
        assert list_rows[name][6], (name, list_rows[name])  # 办理期限 never blank
        if shot:
            shoot(dialog, f"{shot}_{name}")
        dialog.accept()
    first = next(iter(timelines.values()))
    assert all(rows == first for rows in timelines.values()), timelines
    first_row = next(iter(list_rows.values()))
    assert all(row == first_row for row in list_rows.values()), list_rows


def sync_everyone(
    laptops: dict[str, UiLaptop], actor: str, event_id: str, expected: EventState, steps: int
) -> None:
    """The actor syncs, then everyone. The colleague has the event open meanwhile (once
    it has it) and syncs automatically: the open dialog follows what the sync brought."""
    watcher = laptops["w1c"]
    # Before the report is synced the colleague does not have the event yet.
    watching = None if expected is S.REPORTED else watcher.open_event(event_id)
    report = laptops[actor].sync()
    assert report.pushed >= 1, report
    for laptop in laptops.values():
        laptop.sync(automatic=laptop is watcher)
    if watching is not None:
        open_dialog = watching
        watcher.qtbot.waitUntil(
            lambda: (
                open_dialog.state_label.text() == f"状态：{expected.label}"
                and open_dialog.timeline_model.rowCount() == steps
                and "未同步" not in "".join(row[0] for row in timeline_texts(open_dialog))
            ),
            timeout=5_000,
        )
        open_dialog.accept()


def test_the_closed_loop_through_the_ui_on_three_laptops_with_syncs_between_every_step(
    server: ServerProcess, laptops: dict[str, UiLaptop]
) -> None:
    for laptop in laptops.values():  # the catalog and the areas arrive with the first sync
        laptop.sync()
    assert laptops["t1"].role is Role.TOWNSHIP and laptops["w1c"].role is Role.WORKER

    event_id = laptops["w1"].report_event()
    offline = laptops["w1"].open_event(event_id)
    assert offline.state_label.text() == "状态：已上报"
    assert ["（未同步）" in row[0] for row in timeline_texts(offline)] == [True]
    offline.accept()
    sync_everyone(laptops, "w1", event_id, S.REPORTED, 1)
    check_every_laptop(server, laptops, event_id, S.REPORTED)

    for taken, step in enumerate(STEPS, start=2):
        actor = laptops[step.actor]
        dialog = actor.open_event(event_id)
        actor.take(dialog, step)
        # Before any sync the actor already sees the step, marked as not synced yet.
        assert dialog.state_label.text() == f"状态：{step.state.label}"
        assert "（未同步）" in timeline_texts(dialog)[-1][0]
        assert list(dialog.action_buttons) == allowed_actions(step.state, actor.role)
        dialog.accept()
        sync_everyone(laptops, step.actor, event_id, step.state, taken)
        check_every_laptop(server, laptops, event_id, step.state, SHOT_AFTER.get(step.kind, ""))

    laptops["t1"].window.tabs.setCurrentWidget(laptops["t1"].window.event_pane)
    shoot(laptops["t1"].window, "events_t1")
    for laptop in laptops.values():  # automatic syncs included, none failed
        assert laptop.reports and all(r.ok for r in laptop.reports), laptop.username
    _state, _deadline, history = server_event_view(server, event_id)
    assert [kind for _id, kind, _at, _server_at in history] == [
        "report",
        *(step.kind.value for step in STEPS),
    ]


def test_a_step_the_server_refused_shows_as_refused_with_its_reason_not_as_waiting(
    server: ServerProcess, laptops: dict[str, UiLaptop]
) -> None:
    """The worker and the colleague check the same 反馈 before either syncs: one finds it
    done (核查通过), the other asks for rework. The server takes the first to arrive and
    refuses the other; the colleague's dialog must not go on promising "未同步"."""
    for laptop in laptops.values():
        laptop.sync()
    event_id = laptops["w1"].report_event()
    laptops["w1"].sync()
    township, worker, colleague = laptops["t1"], laptops["w1"], laptops["w1c"]
    township.sync()
    for step in STEPS[:4]:  # 受理, 派遣, 处置, 反馈
        dialog = township.open_event(event_id)
        township.take(dialog, step)
        dialog.accept()
    township.sync()
    worker.sync()
    colleague.sync()

    dialog = worker.open_event(event_id)
    worker.take(dialog, Step("w1", A.VERIFY, S.VERIFIED, "核实属实"))
    dialog.accept()
    dialog = colleague.open_event(event_id)
    colleague.take(dialog, Step("w1c", A.REWORK, S.REWORK, "现场仍有积水，返工"))
    dialog.accept()
    worker.sync()
    controller = colleague.window.sync
    assert controller is not None
    with colleague.qtbot.waitSignal(controller.finished, timeout=WAIT) as finished:
        colleague.window.start_sync()
    report = finished.args[0]
    assert isinstance(report, SyncReport) and report.rejected == 1 and not report.ok

    dialog = colleague.open_event(event_id)
    assert dialog.state_label.text() == "状态：已核查"  # the server's order decides
    rows = timeline_texts(dialog)
    assert [r[2] for r in rows][-2:] == ["核查通过", "核查不通过（返工）"]
    refused = rows[-1][0]
    assert "未同步" not in refused and refused.endswith("（被拒）"), refused
    assert "不能执行“核查不通过（返工）”" in dialog.banner.text(), dialog.banner.text()
    assert buttons(dialog) == ["备注"]  # 结案 is the township's now
    shoot(dialog, "refused_w1c")
