"""The record dialogs driven like a grid worker would: real widgets, real store."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QScrollArea, QWidget
from sqlalchemy import select

from gridclient.storage.engine import read_session
from gridclient.storage.lookups import Lookups
from gridclient.storage.models import AttachmentBlobRow
from gridclient.storage.syncmeta import OutboxOp
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.event_dialogs import EventDialog, EventReportDialog
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.photos import LONGEST_SIDE
from gridclient.ui.resident_form import ResidentForm
from gridclient.ui.tasks import TaskRunner
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain import idnumber
from gridcore.domain.agegroups import today_cst
from gridcore.domain.entities import (
    Area,
    Attachment,
    Event,
    EventAction,
    Household,
    Resident,
    Visit,
)
from gridcore.domain.enums import (
    AreaLevel,
    EntityKind,
    EventActionKind,
    EventSource,
    EventState,
    Gender,
    Relation,
    Role,
    SpecialGroup,
)
from gridcore.domain.workflow import allowed_actions, derive_state
from tests.demo_store import DemoStore

A = EventActionKind
LEFT = Qt.MouseButton.LeftButton


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type like a keyboard (or an IME, for Chinese): one key event per character.
    QTest.keyClicks only knows ASCII keys, so other characters arrive as text events."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                )


def click(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Scroll the widget into view (forms scroll on small screens), then click it."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
            break
        parent = parent.parentWidget()
    if isinstance(widget, QCheckBox):  # on the box itself, not the empty row beside it
        qtbot.mouseClick(widget, LEFT, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, LEFT)


def valid_id(first17: str = "11010519900101123") -> str:
    return first17 + idnumber.check_character(first17)


@pytest.fixture
def demo(demo_store: DemoStore) -> DemoStore:
    return demo_store


@pytest.fixture
def ctx(demo: DemoStore) -> AppContext:
    return AppContext(demo.store, TaskRunner(synchronous=True), demo.info)


def township(ctx: AppContext) -> AppContext:
    user = UserInfo("township01", "陈立", Role.TOWNSHIP, "桃源镇")
    return AppContext(ctx.store, ctx.runner, user, bus=ctx.bus)


@pytest.fixture
def household_id(demo: DemoStore) -> str:
    return demo.queries.household_ids(list(demo.info.grid_ids))[0]


def ops_for(ctx: AppContext, kind: EntityKind, record_id: str) -> list[OutboxOp]:
    with ctx.store.read() as repos:
        return repos.outbox.for_entity(kind, record_id)


def pending_count(ctx: AppContext) -> int:
    with ctx.store.read() as repos:
        return len(repos.outbox.pending())


def visible_texts(widget: QWidget) -> list[str]:
    texts = [label.text() for label in widget.findChildren(QLabel)]
    texts += [edit.text() for edit in widget.findChildren(QLineEdit)]
    return texts


def open_household(qtbot, ctx: AppContext, household_id: str, **kw) -> HouseholdDialog:  # type: ignore[no-untyped-def]
    dialog = HouseholdDialog(ctx, household_id, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.save_button.isEnabled()
    return dialog


def add_member(qtbot, dialog: HouseholdDialog) -> ResidentForm:  # type: ignore[no-untyped-def]
    click(qtbot, dialog.add_button)
    form = dialog.member_form
    assert form is not None and form.isVisible()
    return form


# -- household and residents ------------------------------------------------------------


def test_door_to_door_add_resident_by_id_number(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    before = dialog.resident_model.rowCount()
    form = add_member(qtbot, dialog)
    number = valid_id()
    type_text(qtbot, form.name_edit, "王小明")
    type_text(qtbot, form.id_field.edit, number)
    assert form.birth_date() == date(1990, 1, 1)
    assert form.gender() is Gender.MALE
    assert not form.id_error.isVisible() and not form.mismatch_label.isVisible()
    # The household has a head: the relation must be chosen (no silent 其他).
    click(qtbot, form.ok_button)
    assert form.isVisible() and form.relation_error.isVisible()
    form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.SON))
    assert not form.relation_error.isVisible()
    click(qtbot, form.ok_button)
    assert dialog.resident_model.rowCount() == before + 1

    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    assert saved.args == [household_id]
    with ctx.store.read() as repos:
        residents = repos.records.residents_by_id_number(number)
    assert len(residents) == 1
    resident = residents[0]
    assert resident.household_id == household_id and resident.name == "王小明"
    assert resident.birth_date == date(1990, 1, 1) and resident.gender is Gender.MALE
    assert [op.kind.value for op in ops_for(ctx, EntityKind.RESIDENT, resident.id)] == ["create"]


def test_a_foreign_resident_is_added_with_a_passport(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    from gridcore.domain.enums import IdDocumentType

    dialog = open_household(qtbot, ctx, household_id)
    form = add_member(qtbot, dialog)
    type_text(qtbot, form.name_edit, "Anna Müller")
    form.id_type_combo.setCurrentIndex(form.id_type_combo.findData(IdDocumentType.PASSPORT))
    assert "Letters and digits" in form.id_field.edit.placeholderText()
    type_text(qtbot, form.id_field.edit, "e1")
    assert not form.id_error.isVisible()  # not judged as a 居民身份证 number while typing
    form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.OTHER))
    click(qtbot, form.ok_button)
    assert form.isVisible() and "护照号码应为5—20位字母或数字" in form.id_error.text()
    form.id_field.edit.clear()
    type_text(qtbot, form.id_field.edit, "e12345678")
    assert form.birth_date() is None and form.gender() is None  # a passport says neither
    click(qtbot, form.ok_button)
    assert not form.isVisible()
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    with ctx.store.read() as repos:
        [anna] = repos.records.residents_by_id_number("E12345678")
    assert anna.id_type is IdDocumentType.PASSPORT and anna.name == "Anna Müller"


def test_the_cadre_in_charge_of_a_household(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    """五级五长包户: the 包户干部 is typed (the directory's names are offered) and saved as
    an ordinary edit of the household."""
    dialog = open_household(qtbot, ctx, household_id)
    completer = dialog.cadre_edit.completer()
    assert completer is not None and completer.model().rowCount() > 0  # the demo's users
    type_text(qtbot, dialog.cadre_edit, "村支书 张建华")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    with ctx.store.read() as repos:
        home = repos.records.get(Household, household_id)
    assert home is not None and home.cadre == "村支书 张建华"
    ops = ops_for(ctx, EntityKind.HOUSEHOLD, household_id)
    assert ops[-1].changes["cadre"] == ("", "村支书 张建华")
    again = open_household(qtbot, ctx, household_id)
    assert again.cadre_edit.text() == "村支书 张建华"


def test_typed_birth_date_that_disagrees_is_flagged(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    form = add_member(qtbot, dialog)
    type_text(qtbot, form.id_field.edit, valid_id())
    assert form.gender() is Gender.MALE
    form.gender_combo.setFocus()
    qtbot.keyClick(form.gender_combo, Qt.Key.Key_Down)  # 男 → 女, as a user would
    assert form.gender() is Gender.FEMALE
    assert form.mismatch_label.isVisible()
    assert "性别与身份证号码不符" in form.mismatch_label.text()


def test_invalid_id_number_shows_domain_message_and_nothing_is_written(  # type: ignore[no-untyped-def]
    qtbot, ctx, household_id
) -> None:
    dialog = open_household(qtbot, ctx, household_id)
    before = pending_count(ctx)
    form = add_member(qtbot, dialog)
    good = valid_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    type_text(qtbot, form.name_edit, "李四")
    type_text(qtbot, form.id_field.edit, bad)
    expected = ""
    try:
        idnumber.parse(bad)
    except idnumber.InvalidIdNumber as exc:
        expected = exc.message
    assert expected and form.id_error.isVisible() and form.id_error.text() == expected
    click(qtbot, form.ok_button)
    assert form.isVisible() and form.result_resident() is None
    rows = dialog.resident_model.rowCount()
    form.reject()
    assert dialog.resident_model.rowCount() == rows
    click(qtbot, dialog.save_button)  # an unchanged household queues nothing
    assert pending_count(ctx) == before


def test_new_household_with_its_first_member(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    grid_id = ctx.user.grid_ids[0]
    dialog = open_household(qtbot, ctx, None, grid_id=grid_id)
    type_text(qtbot, dialog.address_edit, "李楼村9组99号")
    type_text(qtbot, dialog.phone_field.edit, "13812345678")
    form = add_member(qtbot, dialog)
    type_text(qtbot, form.name_edit, "周一")
    click(qtbot, form.ok_button)
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    household_id = saved.args[0]
    with ctx.store.read() as repos:
        household = repos.records.get(Household, household_id)
        members = repos.records.residents_of_household(household_id)
    assert household is not None and household.grid_id == grid_id
    assert household.address == "李楼村9组99号" and household.phone == "13812345678"
    assert [m.name for m in members] == ["周一"]
    assert [op.kind.value for op in ops_for(ctx, EntityKind.HOUSEHOLD, household_id)] == ["create"]
    assert [op.kind.value for op in ops_for(ctx, EntityKind.RESIDENT, members[0].id)] == ["create"]


def test_empty_address_refuses_save_and_keeps_input(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    before = pending_count(ctx)
    dialog.address_edit.clear()
    type_text(qtbot, dialog.number_edit, "A-9")
    click(qtbot, dialog.save_button)
    assert dialog.address_error.isVisible()
    assert dialog.number_edit.text().endswith("A-9")
    assert pending_count(ctx) == before


def test_control_characters_refuse_save_with_a_chinese_message(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    """A NUL pasted into a field (or any value no store may hold) is refused when saving:
    a Chinese message naming the field, the input kept, nothing queued."""
    dialog = open_household(qtbot, ctx, household_id)
    before = pending_count(ctx)
    dialog.notes_edit.setPlainText("备注\x00尾")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.banner.isVisible())
    assert "备注" in dialog.banner.text() and "U+0000" in dialog.banner.text()
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert pending_count(ctx) == before
    dialog.notes_edit.setPlainText("备注\n第二行")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: pending_count(ctx) == before + 1)


def test_resident_form_refuses_control_characters_at_once(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    form = add_member(qtbot, dialog)
    type_text(qtbot, form.name_edit, "赵六")
    form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.DAUGHTER))
    form.workplace_edit.setText("学校\x07")
    click(qtbot, form.ok_button)
    assert form.isVisible() and form.value_error.isVisible()
    assert "工作单位或学校" in form.value_error.text() and "U+0007" in form.value_error.text()
    form.workplace_edit.setText("学校")
    click(qtbot, form.ok_button)
    assert not form.isVisible()


def test_duplicate_id_warns_and_opens_the_other_household(qtbot, ctx, demo, household_id) -> None:  # type: ignore[no-untyped-def]
    with ctx.store.read() as repos:
        other = next(
            r
            for hid in demo.queries.household_ids(list(demo.info.grid_ids))[1:]
            for r in repos.records.residents_of_household(hid)
            if r.id_number and idnumber.is_valid(r.id_number)
        )
        other_household = repos.records.get(Household, other.household_id)
    assert other_household is not None and other.household_id != household_id
    opened: list[str] = []
    dialog = open_household(qtbot, ctx, household_id, on_open_household=opened.append)
    form = add_member(qtbot, dialog)
    type_text(qtbot, form.id_field.edit, other.id_number)
    assert form.duplicate_label.isVisible()
    assert other_household.address in form.duplicate_label.text()
    assert form.duplicate_button.isVisible()
    click(qtbot, form.duplicate_button)
    assert opened == [other.household_id]


def test_remove_resident_tombstones_after_confirmation(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    victim = dialog.resident_model.row_at(dialog.resident_model.rowCount() - 1)
    dialog.resident_table.selectRow(dialog.resident_model.rowCount() - 1)
    questions: list[str] = []
    dialog.confirm = lambda _p, _t, text: questions.append(text) or False
    click(qtbot, dialog.remove_button)
    assert victim in dialog.resident_model.rows()
    dialog.confirm = lambda _p, _t, _x: True
    click(qtbot, dialog.remove_button)
    assert victim not in dialog.resident_model.rows() and victim.name in questions[0]
    click(qtbot, dialog.save_button)
    with ctx.store.read() as repos:
        stored = repos.records.get(Resident, victim.id)
    assert stored is not None and stored.deleted
    assert [op.kind.value for op in ops_for(ctx, EntityKind.RESIDENT, victim.id)] == ["delete"]


def test_household_and_members_save_in_one_unit_of_work(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    dialog.number_edit.setText("0099")
    form = add_member(qtbot, dialog)
    type_text(qtbot, form.name_edit, "赵六")
    form.relation_combo.setCurrentIndex(form.relation_combo.findData(Relation.DAUGHTER))
    click(qtbot, form.ok_button)
    seen = []
    ctx.bus.changed.connect(seen.append)
    click(qtbot, dialog.save_button)
    assert len(seen) == 1
    assert seen[0].kinds == {EntityKind.HOUSEHOLD, EntityKind.RESIDENT}


def test_stale_edit_shows_chinese_error_and_keeps_the_dialog(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    with ctx.store.unit_of_work(actor="someone") as uow:
        stored = uow.repos.records.get(Household, household_id)
        assert stored is not None
        stored.address = stored.address + "（改）"
        uow.update(stored)
    dialog.address_edit.setText("新地址1号")
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.banner.isVisible()
    assert "请重新打开" in dialog.banner.text()
    assert dialog.address_edit.text() == "新地址1号"
    assert dialog.save_button.isEnabled()


def test_move_household_to_another_grid_clears_micro_grid(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    home = ctx.user.grid_ids[0]
    with ctx.store.read() as repos:
        grid = repos.records.get(Area, home)
    assert grid is not None
    second = Area(
        code=grid.code + "9", name="第二网格", level=AreaLevel.GRID, parent_id=grid.parent_id
    )
    with ctx.store.unit_of_work(actor="admin") as uow:
        uow.create(second)
        household = uow.repos.records.get(Household, household_id)
        assert household is not None
        if household.micro_grid_id is None:
            micro = uow.repos.records.get(Area, first_micro_grid(ctx, home))
            assert micro is not None
            household.micro_grid_id = micro.id
            uow.update(household)
    worker = UserInfo(ctx.user.username, "何子健", Role.WORKER, "x", grid_ids=(home, second.id))
    wctx = AppContext(ctx.store, ctx.runner, worker)
    dialog = open_household(qtbot, wctx, household_id)
    assert dialog.grid_combo.count() == 2
    dialog.grid_combo.setCurrentIndex(dialog.grid_combo.findData(second.id))
    assert dialog.move_note.isVisible()
    click(qtbot, dialog.save_button)
    with ctx.store.read() as repos:
        moved = repos.records.get(Household, household_id)
    assert moved is not None and moved.grid_id == second.id and moved.micro_grid_id is None
    op = ops_for(ctx, EntityKind.HOUSEHOLD, household_id)[-1]
    assert set(op.changes) == {"grid_id", "micro_grid_id"}


def first_micro_grid(ctx: AppContext, grid_id: str) -> str:
    return Lookups(ctx.store.engine).micro_grids_of(grid_id)[0][0]


def test_history_tabs_show_visits_and_events(qtbot, ctx, demo) -> None:  # type: ignore[no-untyped-def]
    with ctx.store.read() as repos:
        events = repos.records.events_of_grid(ctx.user.grid_ids[0])
    target = next(e.event.household_id for e in events if e.event.household_id)
    assert target is not None
    dialog = open_household(qtbot, ctx, target)
    assert dialog.event_model.rowCount() >= 1
    row = dialog.event_model.row_at(0)
    assert row.status is not None and row.category
    with ctx.store.read() as repos:
        assert dialog.visit_model.rowCount() == len(repos.records.visits_of_household(target))


def test_sensitive_groups_only_for_roles_that_may_see_them(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    resident = Resident(
        household_id=household_id, name="甲", tags=frozenset({SpecialGroup.DRUG_USER})
    )
    own = ResidentForm(ctx, resident, grid_id=ctx.user.grid_ids[0], stored=False)
    qtbot.addWidget(own)
    own.show()
    assert SpecialGroup.DRUG_USER in own.group_boxes
    outsider = UserInfo("w2", "乙", Role.WORKER, "x", grid_ids=("another-grid",))
    other = ResidentForm(
        AppContext(ctx.store, ctx.runner, outsider),
        resident,
        grid_id=ctx.user.grid_ids[0],
        stored=False,
    )
    qtbot.addWidget(other)
    assert SpecialGroup.DRUG_USER not in other.group_boxes
    type_text(qtbot, other.name_edit, "丙")
    edited = other.validate()
    assert edited is not None and SpecialGroup.DRUG_USER in edited.tags  # kept, not dropped
    click(qtbot, own.group_boxes[SpecialGroup.DISABLED])
    assert own.disability_row.isVisibleTo(own)


def test_age_groups_follow_the_birth_date_and_are_never_stored(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    stale = Resident(  # an old client stored 60+/80+ on a 36-year-old
        household_id=household_id,
        name="甲",
        birth_date=date(1990, 1, 1),
        tags=frozenset({SpecialGroup.ELDERLY_60, SpecialGroup.ELDERLY_80, SpecialGroup.DISABLED}),
    )
    form = ResidentForm(ctx, stale, grid_id=ctx.user.grid_ids[0], stored=False)
    qtbot.addWidget(form)
    form.show()
    sixty = form.group_boxes[SpecialGroup.ELDERLY_60]
    eighty = form.group_boxes[SpecialGroup.ELDERLY_80]
    for box in (sixty, eighty):
        assert not box.isEnabled() and not box.isChecked()
        assert box.toolTip() == "Calculated from the birth date"  # 按出生日期自动计算
    assert form.group_boxes[SpecialGroup.DISABLED].isChecked()
    # Typing an ID number of someone born in 1940 updates the boxes at once.
    form.id_field.edit.clear()
    form._auto_birth = True  # the date came from the number, so a new number replaces it
    type_text(qtbot, form.id_field.edit, valid_id("11010519400101123"))
    assert form.birth_date() == date(1940, 1, 1)
    assert sixty.isChecked() and eighty.isChecked()
    form.set_birth_date(date(1960, 1, 1))
    assert sixty.isChecked() and not eighty.isChecked()
    edited = form.validate()
    assert edited is not None
    assert edited.tags == {SpecialGroup.DISABLED}  # stale age tags dropped, none stored


def test_member_list_derives_age_groups_unedited_kept(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    stale = Resident(
        household_id=household_id,
        name="错标",
        birth_date=date(1990, 1, 1),
        tags=frozenset({SpecialGroup.ELDERLY_60}),
    )
    old = Resident(household_id=household_id, name="高龄", birth_date=date(1940, 1, 1))
    with ctx.store.unit_of_work(actor="someone") as uow:
        uow.create(stale)
        uow.create(old)
    dialog = open_household(qtbot, ctx, household_id)
    model = dialog.resident_model
    groups = model.columnCount() - 1
    texts = {
        model.index(row, 0).data(): model.index(row, groups).data()
        for row in range(model.rowCount())
    }
    assert texts["错标"] == ""
    assert texts["高龄"] == "60岁以上老人、80岁以上老人"
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    # Saving the household does not rewrite members nobody edited: no op, tag kept.
    for person in (stale, old):
        assert [op.kind.value for op in ops_for(ctx, EntityKind.RESIDENT, person.id)] == ["create"]
    with ctx.store.read() as repos:
        kept = repos.records.get(Resident, stale.id)
    assert kept is not None and kept.tags == {SpecialGroup.ELDERLY_60}


# -- masking ------------------------------------------------------------------------------


def test_id_number_masked_until_shown_and_reveal_is_logged(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    row, resident = next((i, r) for i, r in enumerate(dialog.resident_model.rows()) if r.id_number)
    number = resident.id_number
    model = dialog.resident_model
    cells = [model.data(model.index(row, c)) for c in range(model.columnCount())]
    assert number not in cells and idnumber.mask(number) in cells
    dialog.resident_table.selectRow(row)
    click(qtbot, dialog.edit_button)
    form = dialog.member_form
    assert form is not None
    assert all(number not in text for text in visible_texts(form) + visible_texts(dialog))
    assert form.id_field.edit.isReadOnly()
    with ctx.store.read() as repos:
        assert repos.reveals.entries() == []
    click(qtbot, form.id_field.reveal_button)
    assert form.id_field.edit.text() == number and not form.id_field.edit.isReadOnly()
    with ctx.store.read() as repos:
        entries = repos.reveals.entries()
    assert [(e.entity, e.entity_id, e.field, e.actor) for e in entries] == [
        (EntityKind.RESIDENT, resident.id, "id_number", ctx.user.username)
    ]


# -- visits ---------------------------------------------------------------------------------


def make_png(path: Path, width: int = 3200, height: int = 2400) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7"))
    assert image.save(str(path))
    return path


def test_visit_with_photo_is_downsized_and_saved_with_ops(
    qtbot, ctx, household_id, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    photo = make_png(tmp_path / "door.png")
    dialog = VisitDialog(ctx, household_id, pick_files=lambda _w: [str(photo)])
    qtbot.addWidget(dialog)
    dialog.confirm = lambda _p, _t, _x: True
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.content_edit)
    type_text(qtbot, dialog.content_edit, "了解家庭近况，老人身体良好")
    qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.method_combo
    click(qtbot, dialog.photos.add_button)
    assert len(dialog.photos.photos()) == 1
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save_button.setFocus()
        qtbot.keyClick(dialog.save_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    visit_id = saved.args[0]
    with ctx.store.read() as repos:
        visit = repos.records.get(Visit, visit_id)
        assert visit is not None and len(visit.attachments) == 1
        attachment = repos.records.get(Attachment, visit.attachments[0])
    assert visit.content == "了解家庭近况，老人身体良好" and visit.visitor == ctx.user.username
    assert attachment is not None and attachment.mime == "image/jpeg"
    assert (attachment.width, attachment.height) == (LONGEST_SIDE, 1200)
    with read_session(ctx.store.engine) as session:
        blob = session.scalars(
            select(AttachmentBlobRow.data).where(AttachmentBlobRow.sha256 == attachment.id)
        ).one()
    assert hashlib.sha256(blob).hexdigest() == attachment.id and len(blob) == attachment.size
    assert blob[:2] == b"\xff\xd8"  # re-encoded as JPEG
    assert [op.kind.value for op in ops_for(ctx, EntityKind.VISIT, visit_id)] == ["create"]
    assert len(ops_for(ctx, EntityKind.ATTACHMENT, attachment.id)) == 1
    assert dialog.result() == dialog.DialogCode.Accepted


def test_visit_escape_asks_before_discarding(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = VisitDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.confirm = lambda _p, _t, _x: True
    dialog.show()
    asked: list[str] = []
    answer = [False]
    dialog.confirm = lambda _p, _t, text: asked.append(text) or answer[0]
    type_text(qtbot, dialog.content_edit, "x")
    qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()
    answer[0] = True
    qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_visit_without_content_is_refused(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = VisitDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.confirm = lambda _p, _t, _x: True
    dialog.show()
    before = pending_count(ctx)
    click(qtbot, dialog.save_button)
    assert dialog.content_error.isVisibleTo(dialog) and pending_count(ctx) == before


def test_save_and_next_asks_for_the_next_household(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = VisitDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.confirm = lambda _p, _t, _x: True
    dialog.show()
    type_text(qtbot, dialog.content_edit, "电话回访")
    with qtbot.waitSignals([dialog.saved, dialog.nextRequested]):
        click(qtbot, dialog.next_button)


# -- events ---------------------------------------------------------------------------------


def report_event(
    qtbot, ctx, household_id, *, self_resolve: bool = False, photo: Path | None = None
):  # type: ignore[no-untyped-def]
    dialog = EventReportDialog(
        ctx,
        ctx.user.grid_ids[0],
        household_id,
        pick_files=lambda _w: [str(photo)] if photo else [],
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ok_button.isEnabled()
    completer = dialog.category_combo.completer()
    completer.setCompletionPrefix("纠纷")
    names = [
        completer.completionModel().index(i, 0).data()
        for i in range(completer.completionModel().rowCount())
    ]
    assert names and all("纠纷" in n for n in names)
    type_text(qtbot, dialog.category_combo.lineEdit(), "邻里纠纷")
    category = dialog.category()
    assert category is not None and category.name == "邻里纠纷"
    assert "15" in dialog.category_info.text()
    assert dialog.ledger_combo.currentData() == category.ledger
    type_text(qtbot, dialog.title_edit, "两户因排水沟发生争执")
    type_text(qtbot, dialog.location_edit, "3组")
    if photo is not None:
        click(qtbot, dialog.photos.add_button)
    if self_resolve:
        click(qtbot, dialog.self_resolve_box)
        type_text(qtbot, dialog.resolution_edit, "现场调解，双方同意疏通")
    assert dialog.household_combo.currentData() == household_id
    with qtbot.waitSignal(dialog.reported) as reported:
        click(qtbot, dialog.ok_button)
    return reported.args[0]


def stored_event(ctx: AppContext, event_id: str) -> tuple[Event, list[EventAction]]:
    with ctx.store.read() as repos:
        history = repos.records.event_history(event_id)
    assert history is not None
    return history.event, list(history.actions)


def test_report_event_then_self_resolve_one(qtbot, ctx, household_id, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reported = report_event(qtbot, ctx, household_id, photo=make_png(tmp_path / "e.png", 800, 600))
    event, actions = stored_event(ctx, reported)
    assert event.household_id == household_id and len(event.attachments) == 1
    assert [a.kind for a in actions] == [A.REPORT] and derive_state(actions) is EventState.REPORTED
    assert [op.kind.value for op in ops_for(ctx, EntityKind.EVENT, reported)] == ["create"]
    assert len(ops_for(ctx, EntityKind.EVENT_ACTION, actions[0].id)) == 1

    resolved = report_event(qtbot, ctx, household_id, self_resolve=True)
    _event, actions = stored_event(ctx, resolved)
    assert [a.kind for a in actions] == [A.SELF_RESOLVE]
    assert actions[0].comment == "现场调解，双方同意疏通"
    assert derive_state(actions) is EventState.SELF_RESOLVED
    assert len(ops_for(ctx, EntityKind.EVENT_ACTION, actions[0].id)) == 1


def test_self_resolve_needs_how_it_was_resolved(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = EventReportDialog(ctx, ctx.user.grid_ids[0], household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    before = pending_count(ctx)
    type_text(qtbot, dialog.category_combo.lineEdit(), "邻里纠纷")
    type_text(qtbot, dialog.title_edit, "t")
    click(qtbot, dialog.self_resolve_box)
    click(qtbot, dialog.ok_button)
    assert dialog.resolution_error.isVisibleTo(dialog) and pending_count(ctx) == before


def test_township_registers_an_event_with_its_source(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    """Township intake (热线, 来访 …): a source must be chosen; no self-resolve offered."""
    tctx = township(ctx)
    dialog = EventReportDialog(tctx, ctx.user.grid_ids[0], household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.self_resolve_box.isVisibleTo(dialog)
    assert dialog.source_combo.isVisibleTo(dialog)
    before = pending_count(ctx)
    type_text(qtbot, dialog.category_combo.lineEdit(), "邻里纠纷")
    type_text(qtbot, dialog.title_edit, "t")
    click(qtbot, dialog.ok_button)
    assert dialog.source_error.isVisibleTo(dialog) and pending_count(ctx) == before
    dialog.source_combo.setCurrentIndex(dialog.source_combo.findData(EventSource.HOTLINE))
    with qtbot.waitSignal(dialog.reported) as reported:
        click(qtbot, dialog.ok_button)
    event, actions = stored_event(ctx, reported.args[0])
    assert event.source is EventSource.HOTLINE and event.reporter == "township01"
    assert [(a.kind, a.actor_role) for a in actions] == [(A.REPORT, Role.TOWNSHIP)]


def test_a_serious_category_cannot_be_self_resolved(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = EventReportDialog(ctx, ctx.user.grid_ids[0], household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.source_combo.isVisibleTo(dialog)
    type_text(qtbot, dialog.category_combo.lineEdit(), "邻里纠纷")
    assert dialog.self_resolve_box.isEnabled()
    click(qtbot, dialog.self_resolve_box)
    dialog.choose_category_by_name("涉黄赌毒线索举报")
    assert not dialog.self_resolve_box.isEnabled() and not dialog.self_resolve_box.isChecked()


def open_event(qtbot, ctx: AppContext, event_id: str) -> EventDialog:  # type: ignore[no-untyped-def]
    dialog = EventDialog(ctx, event_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_event_dialog_offers_exactly_the_allowed_actions(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    event_id = report_event(qtbot, ctx, household_id)
    worker_view = open_event(qtbot, ctx, event_id)
    assert list(worker_view.action_buttons) == allowed_actions(EventState.REPORTED, Role.WORKER)
    assert set(worker_view.action_buttons) == {A.COMMENT}
    assert "已上报" in worker_view.state_label.text()
    assert "截止" in worker_view.deadline_label.text() or worker_view.deadline_label.text()

    tctx = township(ctx)
    township_view = open_event(qtbot, tctx, event_id)
    assert list(township_view.action_buttons) == allowed_actions(EventState.REPORTED, Role.TOWNSHIP)
    assert {A.ACCEPT, A.RETURN, A.VOID} <= set(township_view.action_buttons)
    assert A.VERIFY not in township_view.action_buttons

    stale = open_event(qtbot, tctx, event_id)  # a second window still showing 已上报

    click(qtbot, township_view.action_buttons[A.ACCEPT])
    form = township_view.action_form
    assert form is not None
    type_text(qtbot, form.comment_edit, "已受理")
    click(qtbot, form.ok_button)
    _event, actions = stored_event(ctx, event_id)
    assert [a.kind for a in actions] == [A.REPORT, A.ACCEPT]
    assert actions[1].actor == "township01" and actions[1].actor_role is Role.TOWNSHIP
    assert list(township_view.action_buttons) == allowed_actions(EventState.ACCEPTED, Role.TOWNSHIP)
    assert township_view.timeline_model.rowCount() == 2

    click(qtbot, township_view.action_buttons[A.DISPATCH])
    form = township_view.action_form
    assert form is not None
    form.assignee_combo.setCurrentIndex(0)  # back to the grid
    click(qtbot, form.ok_button)
    _event, actions = stored_event(ctx, event_id)
    assert actions[-1].kind is A.DISPATCH and actions[-1].assignee == "grid"
    assert len(ops_for(ctx, EntityKind.EVENT_ACTION, actions[-1].id)) == 1

    # The stale window still offers 受理; the unit of work refuses it in Chinese.
    before = pending_count(ctx)
    click(qtbot, stale.action_buttons[A.ACCEPT])
    form = stale.action_form
    assert form is not None
    click(qtbot, form.ok_button)
    assert form.isVisible() and "不能执行“受理”" in form.banner.text()
    assert pending_count(ctx) == before


def test_evaluate_needs_a_satisfaction(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    event_id = report_event(qtbot, ctx, household_id, self_resolve=True)
    dialog = open_event(qtbot, ctx, event_id)
    assert set(dialog.action_buttons) == set(allowed_actions(EventState.SELF_RESOLVED, Role.WORKER))
    click(qtbot, dialog.action_buttons[A.EVALUATE])
    form = dialog.action_form
    assert form is not None
    click(qtbot, form.ok_button)
    assert form.satisfaction_error.isVisibleTo(form)
    form.satisfaction_combo.setCurrentIndex(1)
    click(qtbot, form.ok_button)
    _event, actions = stored_event(ctx, event_id)
    assert actions[-1].kind is A.EVALUATE and actions[-1].satisfaction is not None
    assert "已评价" in dialog.state_label.text()


def test_overdue_event_is_marked(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    from gridcore.domain.entities import utcnow
    from gridcore.domain.workflow import event_status

    with ctx.store.read() as repos:
        catalog = repos.catalog.load()
        overdue = next(
            h
            for h in repos.records.events_of_grid(ctx.user.grid_ids[0])
            if event_status(h.event, h.actions, catalog, utcnow()).overdue
        )
    dialog = open_event(qtbot, ctx, overdue.event.id)
    assert dialog.overdue_label.isVisibleTo(dialog)
    assert dialog.overdue_label.text() == "Overdue" or dialog.overdue_label.text() == "超期"


# -- models -----------------------------------------------------------------------------------


def test_item_models_pass_the_qt_model_tester(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = open_household(qtbot, ctx, household_id)
    with ctx.store.read() as repos:
        events = repos.records.events_of_grid(ctx.user.grid_ids[0])
    event_view = open_event(qtbot, ctx, events[0].event.id)
    mode = QAbstractItemModelTester.FailureReportingMode.Fatal
    for model in (
        dialog.resident_model,
        dialog.visit_model,
        dialog.event_model,
        event_view.timeline_model,
    ):
        QAbstractItemModelTester(model, mode)
        model.set_rows(model.rows())
        assert model.rowCount() == len(model.rows())


# -- special-group rules, guardian and 残疾证号 (issue #16) ----------------------------


def _born(age: int) -> date:
    return date(today_cst().year - age, 1, 1)


def _form(qtbot, ctx, resident: Resident) -> ResidentForm:  # type: ignore[no-untyped-def]
    form = ResidentForm(ctx, resident, grid_id=ctx.user.grid_ids[0], stored=False)
    qtbot.addWidget(form)
    form.resize(1000, 900)
    form.show()
    return form


def test_left_behind_woman_on_a_man_is_refused_with_a_message(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    man = Resident(household_id=household_id, name="刘强", gender=Gender.MALE, birth_date=_born(40))
    form = _form(qtbot, ctx, man)
    assert form.tag_error.text() == ""
    click(qtbot, form.group_boxes[SpecialGroup.LEFT_BEHIND_WOMAN])
    assert "“留守妇女”只能标注女性" in form.tag_error.text()  # at once, not at OK
    assert form.validate() is None
    form.gender_combo.setCurrentIndex(form.gender_combo.findData(Gender.FEMALE))
    assert form.tag_error.text() == ""
    edited = form.validate()
    assert edited is not None and SpecialGroup.LEFT_BEHIND_WOMAN in edited.tags


def test_left_behind_child_only_under_16(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    teen = Resident(household_id=household_id, name="王大明", birth_date=_born(17))
    form = _form(qtbot, ctx, teen)
    click(qtbot, form.group_boxes[SpecialGroup.LEFT_BEHIND_CHILD])
    assert "“留守儿童”须未满16周岁，此人按出生日期为17周岁" in form.tag_error.text()
    assert form.validate() is None
    form.set_birth_date(_born(10))  # the birth date was wrong
    assert form.tag_error.text() == ""
    assert form.validate() is not None


def test_an_aged_out_tag_shows_unchecked_and_is_dropped(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    grown = Resident(
        household_id=household_id,
        name="王二明",
        birth_date=_born(16),
        tags=frozenset({SpecialGroup.LEFT_BEHIND_CHILD, SpecialGroup.DISABLED}),
    )
    form = _form(qtbot, ctx, grown)
    assert not form.group_boxes[SpecialGroup.LEFT_BEHIND_CHILD].isChecked()
    assert form.group_boxes[SpecialGroup.DISABLED].isChecked()
    assert form.tag_error.text() == ""  # not an error: no longer counted
    edited = form.validate()
    assert edited is not None and edited.tags == {SpecialGroup.DISABLED}


def test_guardian_and_certificate_are_kept(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    child = Resident(household_id=household_id, name="王小明", birth_date=_born(9))
    form = _form(qtbot, ctx, child)
    assert not form.guardian_row.isVisibleTo(form)
    click(qtbot, form.group_boxes[SpecialGroup.LEFT_BEHIND_CHILD])
    assert form.guardian_row.isVisibleTo(form)
    type_text(qtbot, form.guardian_edit, "祖母 李秀英")
    type_text(qtbot, form.guardian_phone_field.edit, "139 1234 5678")
    click(qtbot, form.group_boxes[SpecialGroup.DISABLED])
    type_text(qtbot, form.certificate_field.edit, "11010519491231002X14")
    edited = form.validate()
    assert edited is not None
    assert edited.guardian == "祖母 李秀英"
    assert edited.guardian_phone == "13912345678"  # normalised like the resident's phone
    assert edited.disability_certificate == "11010519491231002X14"
    # A guardian phone that is no phone number is refused with the reason.
    form.guardian_phone_field.edit.clear()
    type_text(qtbot, form.guardian_phone_field.edit, "12345")
    assert form.validate() is None
    assert form.tag_error.text()


def test_new_groups_are_offered(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    form = _form(qtbot, ctx, Resident(household_id=household_id, name="甲"))
    for group in (
        SpecialGroup.CHILD_IN_DIFFICULTY,
        SpecialGroup.ELDER_LIVING_ALONE,
        SpecialGroup.EMPTY_NEST_ELDER,
        SpecialGroup.CHILDLESS_ELDER,
        SpecialGroup.VETERAN,
        SpecialGroup.ELDERLY_90,
        SpecialGroup.ELDERLY_100,
    ):
        assert group in form.group_boxes
    assert not form.group_boxes[SpecialGroup.ELDERLY_90].isEnabled()  # derived from the birth date


def test_forms_stay_read_only_until_loaded_and_a_step_never_shows_stale_steps(
    qtbot, demo, ctx, household_id
) -> None:  # type: ignore[no-untyped-def]
    """With a real (threaded) runner: the household form cannot be typed into before its
    record arrives, and the event dialog says it is loading instead of "no step for your
    role"; both settle once the read is delivered."""
    event_id = report_event(qtbot, ctx, household_id)
    threaded = AppContext(demo.store, TaskRunner(), demo.info)
    household = HouseholdDialog(threaded, household_id)
    qtbot.addWidget(household)
    assert not household.tabs.isEnabled()  # the read cannot be delivered before a turn
    qtbot.waitUntil(household.tabs.isEnabled)
    event = EventDialog(threaded, event_id)
    qtbot.addWidget(event)
    assert event.no_actions_label.text() == "Loading…"
    qtbot.waitUntil(lambda: event.no_actions_label.text() != "Loading…")
    threaded.runner.shutdown()


# -- catalog terms (issue #15) -------------------------------------------------------------


def test_a_reported_event_keeps_its_terms_through_a_catalog_change(
    qtbot, ctx, household_id
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from gridcore.domain.catalog import EventCatalog
    from gridcore.domain.enums import Urgency

    event_id = report_event(qtbot, ctx, household_id)
    event, _actions = stored_event(ctx, event_id)
    with ctx.store.read() as repos:
        catalog = repos.catalog.load()
    assert (event.category_name, event.time_limit_days) == ("邻里纠纷", 15)
    assert event.catalog_revision == catalog.revision and not event.terms_inferred
    dialog = open_event(qtbot, ctx, event_id)
    labels = dialog.detail_labels
    assert labels["number"].text().startswith("Not numbered yet")  # not on the server yet
    assert labels["limit"].text() == f"15 days (catalog revision {catalog.revision})"
    deadline = dialog.deadline_label.text()

    # The catalog changes (15 → 7 days, renamed): the event and its dialog do not.
    changed = [
        dataclasses.replace(c, name="邻里矛盾", time_limits={Urgency.NORMAL: 7})
        if c.code == event.category_code
        else c
        for c in catalog
    ]
    with ctx.store.write() as repos:
        repos.catalog.save(EventCatalog.of(changed, "changed", catalog.revision + 1))
    again = open_event(qtbot, ctx, event_id)
    assert again.deadline_label.text() == deadline
    assert again.detail_labels["category"].text().startswith("邻里纠纷")
    assert again.detail_labels["limit"].text() == labels["limit"].text()


def test_the_report_dialog_shows_the_limit_of_every_urgency(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    dialog = EventReportDialog(ctx, ctx.user.grid_ids[0], household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.category_combo.lineEdit(), "基础设施建设建议")  # lists 一般 only
    # 建议 count working days (the shipped catalog's limit_kind).
    assert "一般 15 working days" in dialog.category_info.text()
    assert "紧急 3 working days" in dialog.category_info.text()  # the stated fallback rule
    assert "特急 same day" in dialog.category_info.text()
    dialog.category_combo.lineEdit().clear()
    type_text(qtbot, dialog.category_combo.lineEdit(), "消防安全隐患")
    assert "特急 4 hours" in dialog.category_info.text()
    assert "一般 7 days" in dialog.category_info.text()


def test_a_working_day_event_shows_its_limit_and_deadline(qtbot, ctx, household_id) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from gridcore.domain.catalog import EventCatalog, deadline_text, event_deadline
    from gridcore.domain.enums import LimitKind

    with ctx.store.write() as repos:
        catalog = repos.catalog.load()
        repos.catalog.save(
            EventCatalog.of(
                [
                    dataclasses.replace(c, limit_kind=LimitKind.WORKING) if c.code == "01001" else c
                    for c in catalog
                ],
                catalog.version,
                catalog.revision + 1,
            )
        )
    event_id = report_event(qtbot, ctx, household_id)
    event, _actions = stored_event(ctx, event_id)
    assert event.limit_kind is LimitKind.WORKING and event.time_limit_days == 15
    with ctx.store.read() as repos:
        catalog = repos.catalog.load()
    dialog = open_event(qtbot, ctx, event_id)
    assert dialog.detail_labels["limit"].text() == (
        f"15 working days (catalog revision {catalog.revision})"
    )
    due = event_deadline(event, catalog)
    assert dialog.deadline_label.text() == f"Deadline: {deadline_text(due)}"
    # 15 working days are at least 21 calendar days (three weekends).
    assert (due.date() - event.reported_at.date()).days >= 21
