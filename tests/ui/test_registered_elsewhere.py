"""The 冲突 tab's list of people the server found registered elsewhere: the entry stays
with the server's answer until the worker decides 人户分离, a move request or discarding
it (a real store, a synchronous task runner, Chinese translations)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtTest import QAbstractItemModelTester

from gridclient.storage import Store
from gridclient.storage.queries import DashboardQueries
from gridclient.storage.syncmeta import OpStatus
from gridclient.ui.conflicts import ConflictsView
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.i18n import install_translators
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import EntityKind, Role
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

ME = "w2"
GRID = "b0000000-0000-4000-8000-000000000002"
ZHANG = "11010519491231002X"
ANSWER = (
    "该身份证号已在幸福社区第一网格登记（此人的详细信息不在您的管辖范围内，不予显示）。"
    "同一人只能登记一次。如此人户籍在那里、实际住在本户，请选择“登记人户分离”；"
    "如需把此人迁来本户，请选择“申请迁移”，由乡镇/街道调整"
)


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


@pytest.fixture
def refused(store: Store) -> dict[str, str]:
    """A synced household in G2 and 张桂芳 in it, refused by the server."""
    home = Household(grid_id=GRID, address="和平路9号", number="0201", notes="租住")
    person = Resident(household_id=home.id, name="张桂芳", id_number=ZHANG)
    with store.unit_of_work(actor=ME) as uow:
        uow.create(home)
        uow.create(person)
    with store.write() as repos:
        for op in repos.outbox.pending():
            if op.entity is EntityKind.HOUSEHOLD:
                repos.outbox.set_status(op.op_id, OpStatus.APPLIED)
            else:
                repos.outbox.set_status(
                    op.op_id,
                    OpStatus.REJECTED,
                    reason="registered_elsewhere",
                    message=ANSWER,
                    field="id_number",
                )
    return {"household": home.id, "resident": person.id}


def _view(qtbot, store: Store) -> ConflictsView:  # type: ignore[no-untyped-def]
    user = UserInfo(ME, "王五", Role.WORKER, "幸福社区第二网格", grid_ids=(GRID,))
    view = ConflictsView(AppContext(store, TaskRunner(synchronous=True), user))
    qtbot.addWidget(view)
    view.registrations.confirm = lambda *_args: True
    view.show()
    return view


def _get(store: Store, kind: EntityKind, record_id: str):  # type: ignore[no-untyped-def]
    with store.read() as repos:
        return repos.records.get_kind(kind, record_id)


def test_the_refused_person_is_listed_with_the_answer_and_counted(
    qtbot, store: Store, refused: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot, store)
    box = view.registrations
    QAbstractItemModelTester(box.model)
    assert box.isVisible() and box.title() == "已在别处登记的人员"
    assert box.model.rowCount() == 1
    texts = [box.model.index(0, c).data() for c in range(box.model.columnCount())]
    assert texts[:3] == ["和平路9号", "张桂芳", "待处理"]
    assert box.answer.text() == ANSWER
    assert box.separation_button.text() == "登记人户分离"
    assert box.move_button.text() == "申请迁移"
    assert box.separation_button.isEnabled() and box.move_button.isEnabled()
    # The 冲突 tab counts it until the worker decides.
    assert DashboardQueries(store.engine).sync_summary().undecided == 1


def test_separation_notes_the_household_and_drops_the_second_record(
    qtbot, store: Store, refused: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot, store)
    view.registrations.separation_button.click()
    assert not view.registrations.isVisible()
    assert _get(store, EntityKind.RESIDENT, refused["resident"]).deleted
    notes = _get(store, EntityKind.HOUSEHOLD, refused["household"]).notes
    first, line = notes.split("\n")
    assert first == "租住"  # what was there stays
    assert line.startswith("人户分离：张桂芳（户籍已在其他网格登记，身份证号 110105********002X）")
    with store.read() as repos:
        counts = repos.outbox.status_counts()
        [pending] = repos.outbox.pending()
    assert counts[OpStatus.REJECTED] == 0 and counts[OpStatus.SUPERSEDED] == 1
    assert pending.entity is EntityKind.HOUSEHOLD and set(pending.changes) == {"notes"}
    assert DashboardQueries(store.engine).sync_summary().undecided == 0


def test_a_move_request_keeps_the_entry_visible(
    qtbot, store: Store, refused: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot, store)
    box = view.registrations
    box.move_button.click()
    assert box.isVisible() and box.model.rowCount() == 1
    assert box.model.index(0, 2).data() == "已申请迁移，等待乡镇/街道处理"
    assert box.answer.text().endswith("（已申请迁移，等待乡镇/街道处理）")
    assert not box.move_button.isEnabled() and box.discard_button.isEnabled()
    assert not _get(store, EntityKind.RESIDENT, refused["resident"]).deleted
    notes = _get(store, EntityKind.HOUSEHOLD, refused["household"]).notes
    assert "申请迁入：张桂芳" in notes
    assert DashboardQueries(store.engine).sync_summary().undecided == 0  # decided
    box.discard_button.click()
    assert not box.isVisible()
    assert _get(store, EntityKind.RESIDENT, refused["resident"]).deleted


def test_the_household_banner_leads_to_the_choice(
    qtbot, store: Store, refused: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    user = UserInfo(ME, "王五", Role.WORKER, "幸福社区第二网格", grid_ids=(GRID,))
    ctx = AppContext(store, TaskRunner(synchronous=True), user)
    dialog = HouseholdDialog(ctx, refused["household"])
    qtbot.addWidget(dialog)
    dialog.show()
    banner = dialog.sync_banner
    assert banner.isVisible()
    assert "幸福社区第一网格" in banner.text() and "选择处理方式" in banner.text()
    banner.linkActivated.emit("conflicts")
    box = dialog.conflicts_dialog.view.registrations
    assert box.isVisible() and box.model.row_at(0).name == "张桂芳"
