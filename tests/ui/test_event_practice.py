"""The event dialog offers the loop as practiced (issue #15 item 3): 退回乡镇 with a
reason, 改派, 申请延期 / 批准延期 with the deadline moved and the original shown,
不满意 → 返工 shown as a round, 书记阅批 and 受理告知 for the township."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate

from gridclient.ui.context import AppContext
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import CST
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventState, Satisfaction
from tests.demo_store import DemoStore
from tests.ui.test_forms import click, open_event, report_event, stored_event, township, type_text


@pytest.fixture
def ctx(demo_store: DemoStore) -> AppContext:
    return AppContext(demo_store.store, TaskRunner(synchronous=True), demo_store.info)


@pytest.fixture
def household_id(demo_store: DemoStore) -> str:
    return demo_store.queries.household_ids(list(demo_store.info.grid_ids))[0]


def _act(qtbot, dialog, kind: A, comment: str = "", **inputs) -> None:  # type: ignore[no-untyped-def]
    assert kind in dialog.action_buttons, (kind, list(dialog.action_buttons))
    click(qtbot, dialog.action_buttons[kind])
    form = dialog.action_form
    assert form is not None
    if "assignee" in inputs:
        form.assignee_combo.setEditText(inputs["assignee"])
    if "deadline" in inputs:
        day = inputs["deadline"]
        form.deadline_edit.setDate(QDate(day.year, day.month, day.day))
    if "satisfaction" in inputs:
        form.satisfaction_combo.setCurrentIndex(
            form.satisfaction_combo.findData(inputs["satisfaction"])
        )
    if comment:
        type_text(qtbot, form.comment_edit, comment)
    click(qtbot, form.ok_button)
    assert not form.isVisible(), form.banner.text() or form.comment_error.text()


def test_the_practiced_loop_in_the_event_dialog(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    event_id = report_event(qtbot, ctx, household_id)
    tctx = township(ctx)
    office = open_event(qtbot, tctx, event_id)
    assert A.NOTIFY_ACCEPTANCE not in office.action_buttons  # only once accepted
    _act(qtbot, office, A.SECRETARY_REVIEW, "请司法所牵头调处")
    _act(qtbot, office, A.ACCEPT, "已受理")
    _act(qtbot, office, A.NOTIFY_ACCEPTANCE, "已电话告知当事人")
    _act(qtbot, office, A.DISPATCH, "请派出所处理", assignee="派出所")
    assert "派出所" in office.detail_labels["handler"].text()

    # The handler hands it back: a reason is required.
    grid = open_event(qtbot, ctx, event_id)
    click(qtbot, grid.action_buttons[A.HAND_BACK])
    form = grid.action_form
    assert form is not None
    click(qtbot, form.ok_button)
    assert form.isVisible() and form.comment_error.isVisibleTo(form)
    form.reject()
    _act(qtbot, grid, A.HAND_BACK, "邻里纠纷不属于派出所职责")
    assert EventState.HANDED_BACK.label in grid.state_label.text()

    office.reload()
    qtbot.waitUntil(lambda: A.REDISPATCH in office.action_buttons)
    click(qtbot, office.action_buttons[A.REDISPATCH])
    form = office.action_form
    assert form is not None and "派出所" in form.note_label.text()
    form.reject()
    _act(qtbot, office, A.REDISPATCH, "改派网格员调解", assignee="司法所")
    assert "司法所" in office.detail_labels["handler"].text()

    # 申请延期 by the handler, approved by the township: the deadline moves.
    event, _ = stored_event(ctx, event_id)
    original = event.reported_at.astimezone(CST).date() + timedelta(days=15)
    grid.reload()
    qtbot.waitUntil(lambda: A.REQUEST_EXTENSION in grid.action_buttons)
    _act(qtbot, grid, A.REQUEST_EXTENSION, "需等当事人返乡", deadline=original + timedelta(days=10))
    assert "awaiting" in grid.deadline_label.text() or "待审批" in grid.deadline_label.text()
    office.reload()
    qtbot.waitUntil(lambda: A.APPROVE_EXTENSION in office.action_buttons)
    click(qtbot, office.action_buttons[A.APPROVE_EXTENSION])
    form = office.action_form
    assert (
        form is not None and (original + timedelta(days=10)).isoformat() in form.note_label.text()
    )
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: str(original.day) in office.deadline_label.text())
    assert (original + timedelta(days=10)).strftime("%m") in office.deadline_label.text()
    _event, actions = stored_event(ctx, event_id)
    asked = next(a for a in actions if a.kind is A.REQUEST_EXTENSION)
    assert asked.deadline == original + timedelta(days=10)

    # Handled, verified, closed; 不满意 reopens it for rework.
    _act(qtbot, office, A.FEEDBACK, "已调解")
    grid.reload()
    qtbot.waitUntil(lambda: A.VERIFY in grid.action_buttons)
    _act(qtbot, grid, A.VERIFY, "")
    office.reload()
    qtbot.waitUntil(lambda: A.CLOSE in office.action_buttons)
    _act(qtbot, office, A.CLOSE, "")
    grid.reload()
    qtbot.waitUntil(lambda: A.EVALUATE in grid.action_buttons)
    click(qtbot, grid.action_buttons[A.EVALUATE])
    form = grid.action_form
    assert form is not None and form.note_label.text()  # says 不满意 reopens it
    form.reject()
    _act(qtbot, grid, A.EVALUATE, "群众认为未解决", satisfaction=Satisfaction.UNSATISFIED)
    assert EventState.REWORK.label in grid.state_label.text()
    assert "1" in grid.state_label.text()
    _event, actions = stored_event(ctx, event_id)
    kinds = [a.kind for a in sorted(actions, key=lambda a: a.history_key)]
    assert kinds == [
        A.REPORT, A.SECRETARY_REVIEW, A.ACCEPT, A.NOTIFY_ACCEPTANCE, A.DISPATCH, A.HAND_BACK,
        A.REDISPATCH, A.REQUEST_EXTENSION, A.APPROVE_EXTENSION, A.FEEDBACK, A.VERIFY, A.CLOSE,
        A.EVALUATE,
    ]  # fmt: skip
