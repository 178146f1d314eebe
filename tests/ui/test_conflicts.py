"""The conflicts view, the households table's sync column and the household dialog's
sync banner, on a real store with a synchronous task runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QAbstractItemModelTester

from gridclient.storage import Store
from gridclient.storage.queries import HouseholdQueries
from gridclient.storage.syncmeta import Conflict, OpStatus
from gridclient.storage.syncstate_queries import SyncState, SyncStateQueries
from gridclient.ui.conflicts import (
    ConflictModel,
    ConflictsDialog,
    ConflictsView,
    field_label,
    format_value,
)
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.i18n import install_translators
from gridclient.ui.tables import HouseholdTableModel, ListPane, household_model
from gridclient.ui.tasks import TaskRunner
from gridcore.domain import codec
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import ChangeKind, EntityKind, Relation, Role
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

ME, OTHER = "wang", "li"
GRID = "b0000000-0000-4000-8000-000000000001"
PHONE_MINE, PHONE_THEIRS = "13911112222", "13933334444"
ID_NUMBER = "11010519491231002X"


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    translators = install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.create(
        tmp_path / "store.db", PASSWORD, username=ME, server_url="https://x.cn", kdf=CHEAP_KDF
    )
    yield opened
    opened.close()


def _ctx(store: Store, username: str = ME, role: Role = Role.WORKER) -> AppContext:
    user = UserInfo(username, username, role, "幸福社区", grid_ids=(GRID,))
    return AppContext(store, TaskRunner(synchronous=True), user)


@pytest.fixture
def ctx(store: Store) -> AppContext:
    return _ctx(store)


@pytest.fixture
def world(store: Store) -> dict[str, str]:
    """Two synced households; the first with a resident."""
    first = Household(grid_id=GRID, address="幸福路 1 号", phone=PHONE_MINE, number="1")
    second = Household(grid_id=GRID, address="幸福路 2 号", number="2")
    person = Resident(
        household_id=first.id, name="张三", id_number=ID_NUMBER, relation=Relation.HEAD
    )
    with store.unit_of_work(actor=ME) as uow:
        uow.create(first)
        uow.create(second)
        uow.create(person)
    with store.write() as repos:
        for op in repos.outbox.pending():
            repos.outbox.set_status(op.op_id, OpStatus.APPLIED)
    return {"h1": first.id, "h2": second.id, "r": person.id}


def _add(store: Store, conflict_id: str, kind: EntityKind, record_id: str, **extra: object) -> str:
    values: dict[str, object] = {
        "id": conflict_id,
        "entity": kind,
        "entity_id": record_id,
        "field": "phone",
        "base": "13900000000",
        "mine": PHONE_MINE,
        "theirs": PHONE_THEIRS,
        "created_at": datetime(2026, 11, 20, 8, tzinfo=UTC),
        "mine_side": "incoming",
        "server_user": OTHER,
        "incoming_user": ME,
    }
    values.update(extra)
    with store.write() as repos:
        repos.conflicts.add(Conflict(**values))  # type: ignore[arg-type]
    return conflict_id


C1 = "c0000000-0000-4000-8000-000000000001"
C2 = "c0000000-0000-4000-8000-000000000002"


def _view(qtbot, ctx: AppContext, household_id: str | None = None) -> ConflictsView:  # type: ignore[no-untyped-def]
    view = ConflictsView(ctx, household_id)
    qtbot.addWidget(view)
    view.confirm = lambda *_args: True
    view.show()
    return view


def test_labels_and_values_are_for_people() -> None:
    assert field_label("phone") == "联系电话"
    assert field_label("").startswith("整条记录")
    assert format_value(EntityKind.RESIDENT, "relation", "head") == "户主"
    assert format_value(EntityKind.RESIDENT, "tags", ["disabled", "elderly_alone"]) != ""
    assert format_value(EntityKind.HOUSEHOLD, "phone", PHONE_MINE) == "139****2222"
    assert format_value(EntityKind.HOUSEHOLD, "phone", PHONE_MINE, revealed=True) == PHONE_MINE
    assert format_value(EntityKind.RESIDENT, "id_number", ID_NUMBER) == "110105********002X"
    assert format_value(EntityKind.HOUSEHOLD, "notes", "") == "（空）"
    assert format_value(EntityKind.HOUSEHOLD, "grid_id", GRID, area_names={GRID: "一网格"}) == (
        "一网格"
    )
    edit = format_value(EntityKind.HOUSEHOLD, "", {"notes": "独居", "phone": PHONE_MINE})
    assert "备注" in edit and "独居" in edit and PHONE_MINE not in edit
    assert format_value(EntityKind.HOUSEHOLD, "", None) == "（已删除）"
    assert format_value(EntityKind.PLACE, "kind", "rental_housing") == "出租房屋"
    assert format_value(EntityKind.PLACE, "risk_level", "major") == "较大"
    assert format_value(EntityKind.PLACE, "phone", PHONE_MINE) == "139****2222"


def test_model_passes_the_model_tester(qtbot, ctx, world, store) -> None:  # type: ignore[no-untyped-def]
    _add(store, C1, EntityKind.HOUSEHOLD, world["h1"])
    _add(store, C2, EntityKind.RESIDENT, world["r"], field="name", mine="张三", theirs="张叁")
    model = ConflictModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    entries = SyncStateQueries(store.engine).conflicts()
    model.set_rows(entries)
    assert model.rowCount() == 2 and model.columnCount() == 5
    assert model.headerData(0, Qt.Orientation.Horizontal) == "住户"
    row = [model.data(model.index(1, c)) for c in range(5)]
    assert row[0] == "幸福路 1 号" and row[1] == "人员 张三" and row[2] == "姓名"
    assert row[4] == "待处理"
    model.set_rows([])
    assert model.rowCount() == 0


def test_a_party_keeps_theirs_and_the_list_follows(qtbot, ctx, world, store) -> None:  # type: ignore[no-untyped-def]
    _add(store, C1, EntityKind.HOUSEHOLD, world["h1"])
    view = _view(qtbot, ctx)
    assert view.model.rowCount() == 1
    assert view.field_value.text() == "联系电话"
    # Masked until revealed; the reveal is logged.
    assert view.mine_value.text() == "139****2222（当前采用）"  # the later arrival
    assert view.theirs_value.text() == "139****4444"
    assert PHONE_THEIRS not in view.theirs_caption.text() and OTHER in view.theirs_caption.text()
    assert view.keep_mine_button.text() == "保留我的"
    assert view.keep_theirs_button.text() == "保留对方的"
    assert view.keep_theirs_button.isEnabled()
    view.reveal_button.click()
    assert view.theirs_value.text() == PHONE_THEIRS
    with store.read() as repos:
        [entry] = repos.reveals.entries()
    assert (entry.actor, entry.entity_id, entry.field) == (ME, world["h1"], "phone")
    asked: list[str] = []
    view.confirm = lambda _parent, _title, text: asked.append(text) or True
    with qtbot.waitSignal(view.resolved):
        view.keep_theirs_button.click()
    assert PHONE_THEIRS in asked[0]
    with store.read() as repos:
        record = repos.records.get_kind(EntityKind.HOUSEHOLD, world["h1"])
        [op] = repos.outbox.pending()
    assert record is not None and record.phone == PHONE_THEIRS
    assert (op.kind, op.conflict_id, op.keep) == (ChangeKind.RESOLVE, C1, "server")
    # The write path published the change: the view reloaded and shows the decision.
    assert view.model.data(view.model.index(0, 4)) == "已处理，等待同步"
    assert not view.keep_mine_button.isEnabled() and "下次同步" in view.note.text()


def test_saying_no_changes_nothing(qtbot, ctx, world, store) -> None:  # type: ignore[no-untyped-def]
    _add(store, C1, EntityKind.HOUSEHOLD, world["h1"])
    view = _view(qtbot, ctx)
    view.confirm = lambda *_args: False
    view.keep_mine_button.click()
    with store.read() as repos:
        assert repos.outbox.pending() == []


def test_a_worker_who_wrote_neither_side_only_reads(qtbot, store, world) -> None:  # type: ignore[no-untyped-def]
    _add(store, C1, EntityKind.HOUSEHOLD, world["h1"], mine_side=None, incoming_user="zhao")
    view = _view(qtbot, _ctx(store, "sun"))
    assert not view.keep_mine_button.isEnabled() and not view.keep_theirs_button.isEnabled()
    assert "只有" in view.note.text()
    assert "zhao" in view.keep_mine_button.text() and OTHER in view.keep_theirs_button.text()


def test_township_staff_decide_for_others(qtbot, store, world) -> None:  # type: ignore[no-untyped-def]
    _add(store, C1, EntityKind.HOUSEHOLD, world["h1"], mine_side=None, incoming_user="zhao")
    view = _view(qtbot, _ctx(store, "chen", Role.TOWNSHIP))
    assert view.keep_theirs_button.isEnabled()
    assert view.mine_caption.text() == "zhao 的值："
    with qtbot.waitSignal(view.resolved):
        view.keep_theirs_button.click()  # li's value: the server side
    with store.read() as repos:
        [op] = repos.outbox.pending()
    assert op.keep == "server"


def test_keeping_an_edit_that_met_a_delete_restores_it(qtbot, ctx, world, store) -> None:  # type: ignore[no-untyped-def]
    with store.unit_of_work(actor=ME) as uow:
        uow.delete(EntityKind.HOUSEHOLD, world["h2"])
    _add(
        store,
        C1,
        EntityKind.HOUSEHOLD,
        world["h2"],
        field="",
        base=None,
        mine={"notes": "删除后才改"},
        theirs=None,
    )
    view = _view(qtbot, ctx)
    assert "删除后才改" in view.mine_value.text() and view.theirs_value.text() == "（已删除）"
    assert "恢复" in view.note.text()
    with qtbot.waitSignal(view.resolved):
        view.keep_mine_button.click()
    with store.read() as repos:
        record = repos.records.get_kind(EntityKind.HOUSEHOLD, world["h2"])
    assert record is not None and not record.deleted and record.notes == "删除后才改"


def test_sync_column_rolls_up_and_passes_the_model_tester(qtbot, ctx, world, store) -> None:  # type: ignore[no-untyped-def]
    queries = HouseholdQueries(store.engine)
    model = household_model(queries, ctx.runner, SyncStateQueries(store.engine))
    assert isinstance(model, HouseholdTableModel)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    pane = ListPane(ctx.runner, model, str)
    qtbot.addWidget(pane)
    pane.load(lambda: queries.household_ids())
    assert model.rowCount() == 2
    column = model.SYNC_COLUMN
    assert model.headerData(column, Qt.Orientation.Horizontal) == "同步"
    texts = {model.id_at(r): model.data(model.index(r, column)) for r in range(2)}
    assert texts == {world["h1"]: "", world["h2"]: ""}
    # A pending edit of the resident and a conflict on the household: worst wins.
    with store.unit_of_work(actor=ME) as uow:
        person = uow.repos.records.get_kind(EntityKind.RESIDENT, world["r"])
        assert person is not None
        uow.update(codec.replace(person, {"name": "张三丰"}))
    model.refresh()
    row = model.row_of(world["h1"])
    assert model.data(model.index(row, column)) == "待同步"
    assert "1 项待同步" in model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
    # While a sync sends its changes, what waits is shown as uploading; synced rows stay empty.
    with qtbot.waitSignal(model.dataChanged):
        model.set_uploading(True)
    assert model.data(model.index(row, column)) == "上传中"
    assert model.data(model.index(model.row_of(world["h2"]), column)) == ""
    model.set_uploading(False)
    assert model.data(model.index(row, column)) == "待同步"
    _add(store, C1, EntityKind.HOUSEHOLD, world["h1"])
    pane.load(lambda: queries.household_ids())
    row = model.row_of(world["h1"])
    assert model.data(model.index(row, column)) == "冲突"
    assert model.state_of(world["h1"]).state is SyncState.CONFLICT
    assert model.data(model.index(row, column), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(model.row_of(world["h2"]), column)) == ""


def test_household_dialog_banner_opens_its_conflicts(qtbot, ctx, world, store) -> None:  # type: ignore[no-untyped-def]
    _add(store, C1, EntityKind.HOUSEHOLD, world["h1"])
    _add(store, C2, EntityKind.HOUSEHOLD, world["h2"], field="notes", mine="甲", theirs="乙")
    with store.write() as repos:
        [op] = [o for o in repos.outbox.for_entity(EntityKind.RESIDENT, world["r"])]
        repos.outbox.set_status(op.op_id, OpStatus.REJECTED, message="身份证号已被他人登记")
    dialog = HouseholdDialog(ctx, world["h1"])
    dialog.confirm = lambda *_args: True
    qtbot.addWidget(dialog)
    dialog.show()
    banner = dialog.sync_banner
    assert banner.isVisible()
    assert "1 项冲突" in banner.text() and "点击查看" in banner.text()
    assert "身份证号已被他人登记" in banner.text()
    banner.linkActivated.emit("conflicts")
    conflicts = dialog.conflicts_dialog
    assert isinstance(conflicts, ConflictsDialog)
    assert conflicts.view.model.rowCount() == 1  # only this household's
    assert conflicts.view.model.row_at(0).id == C1
    conflicts.view.show_all()
    assert conflicts.view.model.rowCount() == 2
    conflicts.view.table.selectRow(0)  # this household's phone
    assert conflicts.view.current_entry().id == C1
    conflicts.view.keep_theirs_button.click()
    conflicts.accept()
    # The dialog shows the kept value and the decision waiting to be sent.
    assert dialog.phone_field.value() == PHONE_THEIRS
    assert "1 项待同步" in banner.text() and "冲突" not in banner.text()


def test_household_dialog_banner_is_hidden_when_synced(qtbot, ctx, world) -> None:  # type: ignore[no-untyped-def]
    dialog = HouseholdDialog(ctx, world["h2"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.sync_banner.isVisible()


def test_mediation_fields_read_as_people_say_them() -> None:
    from gridclient.ui.conflicts import format_value

    assert field_label("outcome") == "调解结果" and field_label("sessions") == "调解经过"
    assert format_value(EntityKind.MEDIATION, "outcome", "success") == "调解成功"
    assert format_value(EntityKind.MEDIATION, "agreement_kind", "oral") == "口头协议"
    sessions = [{"on": "2026-05-02", "place": "村委会", "note": "双方到场"}, {"on": "2026-05-06"}]
    assert format_value(EntityKind.MEDIATION, "sessions", sessions) == (
        "2026-05-02 村委会 双方到场；2026-05-06"
    )
