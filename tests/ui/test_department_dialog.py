"""A department account (职能部门) in the client: the township's dispatch step offers the
departments the server lists (no free text), the department's event dialog offers its
steps (处置, 反馈, 退回乡镇 with a reason, 申请延期, 备注) and nothing once it has handed the
event back, and its main window shows the events only."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridclient.storage.models import AreaRow
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridclient.userinfo import UserInfo
from gridcore.domain.departments import Department, DepartmentList
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventState, Role
from tests.demo_store import DemoStore
from tests.ui.test_forms import click, open_event, report_event, township, type_text


@pytest.fixture
def ctx(demo_store: DemoStore) -> AppContext:
    return AppContext(demo_store.store, TaskRunner(synchronous=True), demo_store.info)


@pytest.fixture
def household_id(demo_store: DemoStore) -> str:
    return demo_store.queries.household_ids(list(demo_store.info.grid_ids))[0]


def _township_of(ctx: AppContext, grid_id: str) -> str:
    with ctx.store.read() as repos:
        current: str | None = grid_id
        while current is not None:
            row = repos.session.execute(
                select(AreaRow.id, AreaRow.parent_id, AreaRow.level).where(AreaRow.id == current)
            ).one()
            if row.level == "township":
                return str(row.id)
            current = row.parent_id
    raise AssertionError("no township above the grid")


def _keep_departments(ctx: AppContext, mine: str | None) -> None:
    """What a sync brings: the server's department list (and this account's own)."""
    township_id = _township_of(ctx, ctx.user.grid_ids[0])
    listing = DepartmentList(
        (
            Department("T-SFS", "和平镇司法所", township_id),
            Department("T-PCS", "和平镇派出所", township_id),
            Department("T-OLD", "和平镇旧城管中队", township_id, active=False),
            Department("X-ELSE", "别的镇国土所", "another-township"),
        ),
        mine,
    )
    with ctx.store.write() as repos:
        repos.catalog.save_departments(listing)


def department(ctx: AppContext) -> AppContext:
    user = UserInfo("sfs01", "钱司法", Role.DEPARTMENT, "和平镇", ctx.user.grid_ids)
    return AppContext(ctx.store, ctx.runner, user, bus=ctx.bus)


def _act(qtbot: QtBot, dialog, kind: A, comment: str = "", assignee: str = "") -> None:  # type: ignore[no-untyped-def]
    assert kind in dialog.action_buttons, (kind, list(dialog.action_buttons))
    click(qtbot, dialog.action_buttons[kind])
    form = dialog.action_form
    assert form is not None
    if assignee:
        form.assignee_combo.setCurrentIndex(form.assignee_combo.findData(assignee))
    if comment:
        type_text(qtbot, form.comment_edit, comment)
    click(qtbot, form.ok_button)
    assert not form.isVisible(), form.banner.text() or form.comment_error.text()


def test_dispatch_to_a_listed_department_and_the_departments_dialog(
    qtbot: QtBot, ctx: AppContext, household_id: str
) -> None:
    _keep_departments(ctx, None)
    event_id = report_event(qtbot, ctx, household_id)
    office = open_event(qtbot, township(ctx), event_id)
    _act(qtbot, office, A.ACCEPT, "已受理")
    click(qtbot, office.action_buttons[A.DISPATCH])
    form = office.action_form
    assert form is not None and form.listed
    assert not form.assignee_combo.isEditable()  # a list, not free text
    items = [form.assignee_combo.itemText(i) for i in range(form.assignee_combo.count())]
    assert items[1:] == ["和平镇司法所", "和平镇派出所"]  # the township's active ones
    click(qtbot, form.ok_button)  # nothing chosen: refused in the form
    assert form.isVisible() and form.assignee_error.text()
    form.reject()
    _act(qtbot, office, A.DISPATCH, "请司法所调处", assignee="T-SFS")
    assert office.detail_labels["handler"].text() == "和平镇司法所"

    # The department's laptop: its own steps on its event.
    _keep_departments(ctx, "T-SFS")
    desk = open_event(qtbot, department(ctx), event_id)
    assert list(desk.action_buttons) == [
        A.HAND_BACK,
        A.HANDLE,
        A.FEEDBACK,
        A.REQUEST_EXTENSION,
        A.COMMENT,
    ]
    click(qtbot, desk.action_buttons[A.HAND_BACK])
    form = desk.action_form
    assert form is not None
    click(qtbot, form.ok_button)  # 退回 needs a reason
    assert form.isVisible() and form.comment_error.isVisibleTo(form)
    form.reject()
    _act(qtbot, desk, A.HAND_BACK, "宅基地确权不属于司法所职责")
    assert EventState.HANDED_BACK.label in desk.state_label.text()
    assert not desk.action_buttons  # waits for the township now

    # Another department's account sees no step on it.
    _keep_departments(ctx, "T-PCS")
    other = open_event(qtbot, department(ctx), event_id)
    assert not other.action_buttons


def test_a_departments_main_window_shows_the_events(qtbot: QtBot, ctx: AppContext) -> None:
    _keep_departments(ctx, "T-SFS")
    window = MainWindow(department(ctx))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    tabs = window.tabs
    shown = [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
    assert len(shown) == 2 and tabs.currentWidget() is window.event_pane
    assert not window.new_household_action.isEnabled()
    assert not window.new_visit_action.isEnabled()
    assert not window.search_box.isVisible()
    qtbot.waitUntil(lambda: window.tree.area_model.rowCount() == 1)
    assert window.tree.area_model.item(0).text() == "All my areas"  # no household counts
    window.refresh_status()
    qtbot.waitUntil(lambda: "和平镇司法所" in window.heading.text())
