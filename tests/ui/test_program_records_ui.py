"""帮扶/监测记录 through the real widgets (#16 item 2): a 防返贫监测 identification added
from the household dialog (its tag follows), the life-cycle rules refused with Chinese
messages, the risk cleared (the tag goes), the household saved afterwards without a
clash, everything synced to the demo's real server; the 工作台 counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridclient.demo.bootstrap import DemoSession
from gridclient.storage.charts import ChartQueries
from gridclient.storage.models import HouseholdRow
from gridclient.storage.queries import AreaFilter
from gridclient.storage.syncstate_queries import SyncStateQueries
from gridclient.sync.engine import SyncEngine
from gridclient.ui.context import AppContext
from gridclient.ui.dashboard import DashboardPage
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.program_dialog import ProgramRecordDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Household, ProgramRecord
from gridcore.domain.enums import EntityKind, HouseholdTag, MonitorStatus, Program, RiskType
from gridserver.db import records as server_records
from tests.demo_store import open_demo_copy
from tests.ui.test_forms import click, ops_for, type_text


@pytest.fixture
def demo(tmp_path: Path, demo_template: Path) -> Iterator[DemoSession]:
    session = open_demo_copy(demo_template, tmp_path)
    yield session
    session.close()


@pytest.fixture
def ctx(demo: DemoSession) -> AppContext:
    return AppContext(demo.store, TaskRunner(synchronous=True), demo.info)


def _untagged_household(ctx: AppContext) -> str:
    with ctx.store.engine.connect() as conn:
        found = conn.execute(
            select(HouseholdRow.id)
            .where(
                HouseholdRow.tags == [],
                HouseholdRow.deleted.is_(False),
                HouseholdRow.moved_out_on.is_(None),
                HouseholdRow.grid_id.in_(list(ctx.user.grid_ids)),
            )
            .order_by(HouseholdRow.id)
        ).scalar()
    assert found is not None
    return str(found)


def _record_form(dialog: HouseholdDialog) -> ProgramRecordDialog:
    form = dialog.program_form
    assert isinstance(form, ProgramRecordDialog) and form.isVisible()
    return form


def test_identify_monitor_clear_and_sync(qtbot: QtBot, ctx: AppContext, demo: DemoSession) -> None:
    household_id = _untagged_household(ctx)
    dialog = HouseholdDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.add_program_button.isEnabled()
    dialog.tabs.setCurrentIndex(1)
    click(qtbot, dialog.add_program_button)
    form = _record_form(dialog)
    assert form.program_combo.currentData() == Program.MONITORED
    # No risk type: refused, nothing written.
    click(qtbot, form.save_button)
    assert "须填写风险类型" in form.banner.text() and form.isVisible()
    form.risk_combo.setCurrentIndex(form.risk_combo.findData(RiskType.ILLNESS))
    form.status_combo.setCurrentIndex(form.status_combo.findData(MonitorStatus.ASSISTING))
    click(qtbot, form.save_button)
    assert "“帮扶中”时须填写帮扶措施" in form.banner.text()
    type_text(qtbot, form.measures_edit, "落实医疗救助")
    form.started_edit.setDate(QDate(2026, 3, 2))
    form.kind_combo.setCurrentIndex(form.kind_combo.findData(HouseholdTag.MONITOR_SUDDEN_HARDSHIP))
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.save_button)
    assert dialog.tag_boxes[HouseholdTag.MONITOR_SUDDEN_HARDSHIP].isChecked()
    [record] = dialog.program_model.rows()
    assert (record.program, record.status, record.started_on) == (
        Program.MONITORED,
        MonitorStatus.ASSISTING,
        date(2026, 3, 2),
    )
    with ctx.store.read() as repos:
        stored = repos.records.get(Household, household_id)
    assert stored is not None and HouseholdTag.MONITOR_SUDDEN_HARDSHIP in stored.tags
    assert [op.kind.value for op in ops_for(ctx, EntityKind.PROGRAM_RECORD, record.id)] == [
        "create"
    ]
    # The household's sync banner counts the unsent record as the household's.
    state = SyncStateQueries(ctx.store.engine).household_state(household_id)
    assert {i.entity for i in state.items} == {EntityKind.HOUSEHOLD, EntityKind.PROGRAM_RECORD}

    # The risk cleared: a closing status asks for its date, and the tag goes.
    dialog.program_table.selectRow(0)
    click(qtbot, dialog.open_program_button)
    form = _record_form(dialog)
    form.status_combo.setCurrentIndex(form.status_combo.findData(MonitorStatus.CLEARED))
    assert form.ended_box.isChecked()
    form.ended_edit.setDate(QDate(2026, 3, 1))
    click(qtbot, form.save_button)
    assert "不能早于识别或批准日期" in form.banner.text()
    form.ended_edit.setDate(QDate(2026, 11, 20))
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.save_button)
    assert not dialog.tag_boxes[HouseholdTag.MONITOR_SUDDEN_HARDSHIP].isChecked()
    [record] = dialog.program_model.rows()
    assert record.status is MonitorStatus.CLEARED and record.ended_on == date(2026, 11, 20)

    # The household saved afterwards (a note typed meanwhile) does not clash.
    type_text(qtbot, dialog.notes_edit, "已消除风险")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    with ctx.store.read() as repos:
        stored = repos.records.get(Household, household_id)
    assert stored is not None and not stored.tags & {HouseholdTag.MONITOR_SUDDEN_HARDSHIP}

    report = SyncEngine(demo.store, demo.session.transport).run()
    assert report.ok, report.errors
    with demo.server.db.engine.connect() as conn:
        fields = conn.execute(
            select(server_records.c.fields).where(
                server_records.c.kind == "program_record", server_records.c.id == record.id
            )
        ).scalar_one()
    assert fields["status"] == "cleared" and fields["ended_on"] == "2026-11-20"
    assert fields["started_on"] == "2026-03-02" and fields["risk_type"] == "illness"


def test_dashboard_counts_programs_and_monitoring(qtbot: QtBot, ctx: AppContext) -> None:
    area = AreaFilter(tuple(ctx.user.grid_ids))
    charts = ChartQueries(ctx.store.engine).charts(area)
    with ctx.store.read() as repos:
        records: list[ProgramRecord] = []
        for household_id in repos.records.household_ids_of_grid(ctx.user.grid_ids[0]):
            records.extend(repos.records.program_records_of_household(household_id))
    assert records, "the demo has program records"
    for program in Program:
        expected = len({r.household_id for r in records if r.program is program and r.open})
        assert charts.programs[program] == expected, program
    monitored = [r for r in records if r.program is Program.MONITORED]
    for status in MonitorStatus:
        assert charts.monitoring[status] == sum(1 for r in monitored if r.status is status)
    page = DashboardPage()
    qtbot.addWidget(page)
    page.set_charts(charts)
    labels = [bar.label for bar in page.program_chart.bars]
    assert labels == [p.label for p in Program]
    shown: list[str] = []
    page.show_program.connect(shown.append)
    page._program_clicked(labels.index("低保"))
    assert shown == ["minimum_living"]


def test_a_record_keeps_its_program_and_goes_with_a_deleted_household(
    qtbot: QtBot, ctx: AppContext
) -> None:
    household_id = _untagged_household(ctx)
    dialog = HouseholdDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.new_program_record(Program.MINIMUM_LIVING)
    form = _record_form(dialog)
    assert form.program_combo.currentData() == Program.MINIMUM_LIVING
    assert not form.status_combo.isVisibleTo(form) and not form.risk_combo.isVisibleTo(form)
    form.amount_spin.setValue(560)
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.save_button)
    assert dialog.tag_boxes[HouseholdTag.MINIMUM_LIVING].isChecked()
    [record] = dialog.program_model.rows()
    assert (record.program, record.amount, record.status) == (Program.MINIMUM_LIVING, 560, None)
    # Opened again, the program cannot change: another program is another record.
    dialog.program_table.selectRow(0)
    dialog.open_program_record()
    form = _record_form(dialog)
    assert not form.program_combo.isEnabled()
    form.reject()
    # Deleting the household (registered twice) tombstones its records too.
    dialog.delete_household()
    delete_form = dialog.delete_form
    assert delete_form is not None
    delete_form.reason_combo.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.saved):
        delete_form._ok()
    with ctx.store.read() as repos:
        stored = repos.records.get(ProgramRecord, record.id)
    assert stored is not None and stored.deleted
    kinds = [op.kind.value for op in ops_for(ctx, EntityKind.PROGRAM_RECORD, record.id)]
    assert kinds == ["create", "delete"]


def test_deleting_a_record_entered_by_mistake(qtbot: QtBot, ctx: AppContext) -> None:
    household_id = _untagged_household(ctx)
    dialog = HouseholdDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.confirm = lambda *_args: True
    dialog.new_program_record(Program.SPECIAL_CARE)
    form = _record_form(dialog)
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.save_button)
    assert not any(box.isChecked() for box in dialog.tag_boxes.values())  # 优抚: no tag
    dialog.program_table.selectRow(0)
    dialog.open_program_record()
    form = _record_form(dialog)
    assert form.remove_button.isVisible()
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.remove_button)
    assert dialog.program_model.rows() == []
