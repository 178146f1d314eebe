"""One word per thing (issue #13, item 11), checked in the real widgets in Chinese:
住户信息 (not 关联户) as the household dialog's title; 特殊群体 (DOMAIN.md) for special
groups in lists, filters, forms and reports; 被拒 (not 被退回, which is an event's 已退回)
for what the server refused; 办理期限 for an event's deadline (办理时限 is the catalog's
time limit in days); a new member's relation chosen, not 其他; the head listed first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gridclient.config import ITSettings
from gridclient.demo.bootstrap import DemoSession
from gridclient.reports.data import ReportKind, build_report
from gridclient.reports.periods import year_period
from gridclient.storage.syncstate_queries import SyncState
from gridclient.ui.conflicts import SyncTexts, state_text
from gridclient.ui.context import AppContext
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.enums import Relation, Role
from tests.demo_store import open_demo_copy
from tests.ui.test_forms import add_member, click, type_text


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    translators = install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


@pytest.fixture
def demo(tmp_path: Path, demo_template: Path) -> Iterator[DemoSession]:
    session = open_demo_copy(demo_template, tmp_path)
    yield session
    session.close()


@pytest.fixture
def ctx(demo: DemoSession) -> AppContext:
    return AppContext(demo.store, TaskRunner(synchronous=True), demo.info, settings=ITSettings())


def _household(qtbot: QtBot, ctx: AppContext, household_id: str | None) -> HouseholdDialog:
    dialog = (
        HouseholdDialog(ctx, household_id)
        if household_id
        else HouseholdDialog(ctx, None, grid_id=ctx.user.grid_ids[0])
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_household_dialog_titles(qtbot: QtBot, ctx: AppContext, demo: DemoSession) -> None:
    household_id = demo.queries.household_ids(list(demo.info.grid_ids))[0]
    assert _household(qtbot, ctx, household_id).windowTitle() == "住户信息"
    assert _household(qtbot, ctx, None).windowTitle() == "新建住户"


def test_new_members_relation_head_first(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = _household(qtbot, ctx, None)
    type_text(qtbot, dialog.address_edit, "李楼村9组100号")
    # The first member of a household is its head unless the user says otherwise.
    form = add_member(qtbot, dialog)
    assert form.relation_combo.currentData() == Relation.HEAD
    type_text(qtbot, form.name_edit, "李妻")
    form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.SPOUSE))
    click(qtbot, form.ok_button)
    # Still no head: the next one starts as 户主 too.
    form = add_member(qtbot, dialog)
    assert form.relation_combo.currentData() == Relation.HEAD
    type_text(qtbot, form.name_edit, "李户主")
    click(qtbot, form.ok_button)
    assert [r.name for r in dialog._residents] == ["李户主", "李妻"]  # the head first
    assert dialog.resident_model.index(0, 1).data() == "户主"
    # With a head, a new member's relation must be chosen: nothing is preselected.
    form = add_member(qtbot, dialog)
    assert form.relation_combo.currentData() is None
    assert form.relation_combo.currentText() == "（请选择）"
    type_text(qtbot, form.name_edit, "李子")
    click(qtbot, form.ok_button)
    assert form.isVisible() and form.relation_error.text() == "请选择与户主的关系。"
    form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.SON))
    click(qtbot, form.ok_button)
    assert not form.isVisible()
    assert [(r.name, r.relation) for r in dialog._residents] == [
        ("李户主", Relation.HEAD),
        ("李妻", Relation.SPOUSE),
        ("李子", Relation.SON),
    ]
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    assert not any(r.relation is Relation.OTHER for r in dialog._residents)


def test_one_word_per_thing_in_the_main_window(qtbot: QtBot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    labels = {label.text() for label in window.resident_pane.findChildren(QLabel)}
    assert "特殊群体：" in labels
    header = window.resident_pane.table.model()
    columns = [header.headerData(i, Qt.Orientation.Horizontal) for i in range(header.columnCount())]
    assert "特殊群体" in columns and "特殊人群" not in columns
    events = window.event_pane.table.model()
    event_columns = [
        events.headerData(i, Qt.Orientation.Horizontal) for i in range(events.columnCount())
    ]
    assert "办理期限" in event_columns and "办理时限" not in event_columns
    window.close()


def test_what_the_server_refused_is_called_被拒() -> None:
    from gridclient.storage.syncstate_queries import HouseholdSyncState

    assert state_text(SyncState.REJECTED) == "被拒"
    state = HouseholdSyncState(conflicts=0, rejected=2, pending=0, messages=())
    assert SyncTexts().lines(state) == ["有 2 项被服务器拒绝（被拒）"]


def test_the_event_ledger_prints_办理期限(ctx: AppContext, demo: DemoSession) -> None:
    township = demo.info.grid_ids[0]
    report = build_report(
        ctx.store, ReportKind.EVENT_LEDGER, township, year_period(2026), role=Role.TOWNSHIP
    )
    titles = [c.title for c in report.columns]
    assert "办理期限" in titles and "办理时限" not in titles
