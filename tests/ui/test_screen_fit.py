"""Every window and dialog on a 1366×768 and a 1280×720 laptop, and on 1366×768 at
125 % (1093×614 logical pixels): it fits the work area (the screen less the taskbar and
the window's title bar), no label is cut, the status bar is on screen, the events list
shows its 超期 column whole; and the main window's geometry is remembered.

The offscreen screen is 800×800, so the window sizes are set by hand: the size each
window would get on that laptop (:func:`gridclient.ui.screen_fit.fitted_size`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QCoreApplication, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QWidget,
)

from gridclient.storage.queries import EventStateFilter
from gridclient.ui import screen_fit
from gridclient.ui.about import AboutInfo
from gridclient.ui.conflicts import ConflictsDialog
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.event_dialogs import ActionForm, EventDialog, EventReportDialog
from gridclient.ui.help import UserGuideWindow
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.i18n import install_translators
from gridclient.ui.import_dialog import ImportDialog
from gridclient.ui.main_window import PREFERRED_SIZE, MainWindow
from gridclient.ui.organization_dialog import OrganizationDialog
from gridclient.ui.report_dialogs import ReportDialog
from gridclient.ui.resident_form import ResidentForm
from gridclient.ui.screen_fit import (
    SMALLEST_CLIENT,
    TITLE_BAR,
    WORK_AREAS,
    WindowGeometry,
    client_limit,
    fitted_size,
)
from gridclient.ui.tables import EventTableModel
from gridclient.ui.tasks import TaskRunner
from gridclient.ui.visit_detail import VisitDetailDialog
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain.enums import EventActionKind, Role
from tests.demo_store import DemoStore

MAXIMISED_TITLE = 23
"""A maximised window's title bar (Windows 10/11 at 100 %; its frame is off-screen)."""


def cut_labels(window: QWidget) -> list[str]:
    """Visible labels whose text does not fit them: wider than the label (one line) or,
    word-wrapped, taller than the height the layout gave it."""
    cut = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text() or not label.pixmap().isNull():
            continue
        if isinstance(label.parentWidget(), QPushButton):
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                cut.append(f"{label.text()[:30]!r}: {needed} px tall, has {label.height()}")
        elif label.sizeHint().width() > label.width() + 1:
            cut.append(
                f"{label.text()[:30]!r}: {label.sizeHint().width()} px wide, has {label.width()}"
            )
    return cut


def cut_buttons(window: QWidget) -> list[str]:
    return [
        f"{button.text()!r}: {button.minimumSizeHint().width()} > {button.width()}"
        for button in window.findChildren(QPushButton)
        if button.isVisibleTo(window)
        and button.text()
        and button.minimumSizeHint().width() > button.width() + 1
    ]


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def check_fits(window: QWidget, name: str) -> list[str]:
    """The window's minimum fits 1366×768 at 125 %; at each laptop's size nothing is cut."""
    problems = []
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    if minimum.width() > SMALLEST_CLIENT.width() or minimum.height() > SMALLEST_CLIENT.height():
        problems.append(
            f"{name}: minimum {minimum.width()}×{minimum.height()} exceeds {SMALLEST_CLIENT}"
        )
    for screen, area in WORK_AREAS.items():
        size = fitted_size(window, area)
        window.resize(size)
        settle()
        if window.size() != size:
            problems.append(f"{name} on {screen}: wanted {size}, got {window.size()}")
        problems += [f"{name} on {screen}: {cut}" for cut in cut_labels(window)]
        problems += [f"{name} on {screen}: button {cut}" for cut in cut_buttons(window)]
    return problems


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The language the users read (Chinese is the default)."""
    translators = install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


@pytest.fixture
def ctx(demo_store: DemoStore) -> AppContext:
    return AppContext(demo_store.store, TaskRunner(synchronous=True), demo_store.info)


@pytest.fixture
def window(qtbot, ctx: AppContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    settle()
    yield win


def maximised(area: QSize) -> QSize:
    return QSize(area.width(), area.height() - MAXIMISED_TITLE)


def test_main_window_fits_every_laptop_on_every_tab(window: MainWindow) -> None:
    problems = []
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    smallest = maximised(WORK_AREAS["1366×768 at 125 %"])
    assert minimum.width() <= smallest.width() and minimum.height() <= smallest.height(), minimum
    for screen, area in WORK_AREAS.items():
        size = maximised(area)
        window.resize(size)
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            settle()
            assert window.size() == size
            tab = window.tabs.tabText(index)
            problems += [f"{screen}, {tab}: {cut}" for cut in cut_labels(window)]
            problems += [f"{screen}, {tab}: button {cut}" for cut in cut_buttons(window)]
        bar = window.statusBar()
        assert bar.isVisible() and bar.geometry().bottom() < window.height()
        for label in bar.findChildren(QLabel):
            if label.isVisible() and label.text():
                inside = label.mapTo(window, label.rect().bottomRight())
                assert window.rect().contains(inside), (screen, label.text())
    assert not problems, "\n".join(problems)


def test_events_list_shows_overdue_and_sync_columns_whole(window: MainWindow) -> None:
    window.show_events(EventStateFilter.OVERDUE)
    settle()
    table = window.event_pane.table
    assert table.model().rowCount() > 0
    for screen, area in WORK_AREAS.items():
        window.resize(maximised(area))
        settle()
        header = table.horizontalHeader()
        visible = table.viewport().width()
        for column in (EventTableModel.OVERDUE_COLUMN, table.model().columnCount() - 1):
            right = header.sectionViewportPosition(column) + header.sectionSize(column)
            assert right <= visible, (screen, column, right, visible)
            title = table.model().headerData(column, header.orientation())
            assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(title)
        overdue = table.model().index(0, EventTableModel.OVERDUE_COLUMN).data()
        assert overdue and table.fontMetrics().horizontalAdvance(overdue) < header.sectionSize(
            EventTableModel.OVERDUE_COLUMN
        )


def _household(ctx: AppContext, demo: DemoStore) -> str:
    return demo.queries.household_ids(list(demo.info.grid_ids))[0]


def _open(qtbot, dialog: QDialog) -> QDialog:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    settle()
    return dialog


def _township(ctx: AppContext) -> AppContext:
    user = UserInfo("township01", "陈立", Role.TOWNSHIP, "桃源镇")
    return AppContext(ctx.store, ctx.runner, user, bus=ctx.bus)


Opener = Callable[[MainWindow, AppContext, DemoStore], QWidget]


def _household_dialog(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return HouseholdDialog(ctx, _household(ctx, demo), parent=win)


def _new_household(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return HouseholdDialog(ctx, None, grid_id=demo.info.grid_ids[0], parent=win)


def _resident_with_messages(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    """The resident form with its messages shown: a duplicate ID number (with its
    打开该户 button), a birth date that disagrees, an empty name."""
    household = HouseholdDialog(ctx, _household(ctx, demo), parent=win)
    household.show()
    household.add_resident()
    form = household.member_form
    assert form is not None
    with ctx.store.read() as repos:
        other = next(
            r
            for h in demo.queries.household_ids(list(demo.info.grid_ids))[1:20]
            for r in repos.records.residents_of_household(h)
            if r.id_number
        )
    form.id_field.edit.setText(other.id_number)
    form._id_changed(other.id_number)
    form.try_accept()
    assert form.duplicate_button.isVisibleTo(form)
    assert form.name_error.isVisibleTo(form)
    return form


def _visit(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    dialog = VisitDialog(ctx, _household(ctx, demo), parent=win)
    dialog.confirm = lambda *_: True
    return dialog


def _visit_detail(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    with ctx.store.read() as repos:
        *_, latest = repos.records.visits_of_household(_household(ctx, demo), current_only=True)
    return VisitDetailDialog(ctx, latest.id, parent=win)


def _event_report(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    dialog = EventReportDialog(ctx, demo.info.grid_ids[0], _household(ctx, demo), parent=win)
    dialog.self_resolve_box.setChecked(True)
    dialog.submit()  # every message shown: no category, no title, no resolution
    return dialog


def _first_event(ctx: AppContext, demo: DemoStore) -> str:
    with ctx.store.read() as repos:
        histories = repos.records.events_of_grid(demo.info.grid_ids[0])
    return max(histories, key=lambda h: len(h.actions)).event.id


def _event(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return EventDialog(ctx, _first_event(ctx, demo), parent=win)


def _action_form(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return ActionForm(ctx, EventActionKind.DISPATCH, ["综合治理办公室", "派出所"], win)


def _report(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return ReportDialog(_township(ctx), parent=win)


def _print_preview(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    report = ReportDialog(_township(ctx), parent=win)
    report.show()
    report.preview()
    preview = report.preview_dialog
    assert isinstance(preview, QPrintPreviewDialog)
    return preview


def _conflicts(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return ConflictsDialog(ctx, _household(ctx, demo), parent=win)


def _import(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return ImportDialog(ctx, grid_id=demo.info.grid_ids[0], parent=win)


def _about(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    win.set_about(AboutInfo(demo.data_dir, "https://grid.example.cn", demo=False))
    return win.show_about()


def _guide(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    return UserGuideWindow(win)


def _move_out(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    household = HouseholdDialog(ctx, _household(ctx, demo), parent=win)
    household.show()
    household.move_out()
    assert household.move_out_form is not None
    return household.move_out_form


def _delete(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    household = HouseholdDialog(ctx, _household(ctx, demo), parent=win)
    household.show()
    household.delete_household()
    assert household.delete_form is not None
    return household.delete_form


def _organization(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    dialog = OrganizationDialog(ctx, grid_id=demo.info.grid_ids[0], parent=win)
    dialog.show()
    dialog.save()  # no name: its message shown
    assert dialog.name_error.isVisibleTo(dialog)
    return dialog


def _patrol(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    from gridclient.storage.queries import PatrolQueries
    from gridclient.ui.patrol_dialog import PatrolDialog

    patrol_id = PatrolQueries(ctx.store.engine).patrol_ids()[0]
    dialog = PatrolDialog(ctx, patrol_id, parent=win)
    dialog.show()
    dialog.findings_edit.setPlainText("")
    dialog.save()  # no findings: its message shown
    assert dialog.findings_error.isVisibleTo(dialog)
    return dialog


def _place(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    """A key place with its inspection records (the demo's places all have a grid)."""
    from gridclient.storage.places import PlaceFocus, PlaceQueries
    from gridclient.ui.place_dialog import PlaceDialog

    [first, *_] = PlaceQueries(ctx.store.engine).place_ids(focus=PlaceFocus.KEY)
    dialog = PlaceDialog(ctx, first, parent=win)
    dialog.show()
    dialog.name_edit.clear()  # no name: its message shown
    dialog.save()
    assert dialog.name_error.isVisibleTo(dialog)
    return dialog


def _inspection(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    from gridclient.storage.places import PlaceQueries
    from gridclient.ui.place_dialog import PlaceDialog

    [first, *_] = PlaceQueries(ctx.store.engine).place_ids()
    dialog = PlaceDialog(ctx, first, parent=win)
    dialog.show()
    dialog.add_inspection()
    form = dialog.inspection_form
    assert form is not None
    form.save()  # nothing found written down: its message shown
    assert form.error.isVisibleTo(form)
    return form


def _login(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    from gridclient.config import ITSettings, Paths
    from gridclient.sync.credentials import MemoryTokenStore
    from gridclient.ui.login import LoginDialog

    paths = Paths.resolve(demo.data_dir / "login").ensure()
    prefs = QSettings(str(demo.data_dir / "prefs.ini"), QSettings.Format.IniFormat)
    settings = ITSettings(server_url="https://grid.example.cn")
    return LoginDialog(ctx.runner, paths, settings, MemoryTokenStore(), prefs=prefs)


def _password_prompt(win: MainWindow, ctx: AppContext, demo: DemoStore) -> QWidget:
    from gridclient.ui.login import PasswordPrompt

    return PasswordPrompt(lambda *_args: None, parent=win)


DIALOGS: dict[str, Opener] = {
    "household": _household_dialog,
    "new household": _new_household,
    "resident, with its messages": _resident_with_messages,
    "visit": _visit,
    "visit detail": _visit_detail,
    "event report, with its messages": _event_report,
    "event": _event,
    "event action": _action_form,
    "report": _report,
    "print preview": _print_preview,
    "conflicts": _conflicts,
    "import": _import,
    "about": _about,
    "user guide": _guide,
    "move out": _move_out,
    "delete household": _delete,
    "organization, with its messages": _organization,
    "patrol, with its messages": _patrol,
    "place, with its messages": _place,
    "inspection record, with its messages": _inspection,
    "login": _login,
    "password prompt": _password_prompt,
}


@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_fits_every_laptop(qtbot, window: MainWindow, ctx, demo_store, name) -> None:  # type: ignore[no-untyped-def]
    dialog = DIALOGS[name](window, ctx, demo_store)
    if dialog.parent() is None:  # a child of the window goes with it
        qtbot.addWidget(dialog)
    dialog.show()
    settle()
    problems = check_fits(dialog, name)
    assert not problems, "\n".join(problems)


def test_dialogs_open_no_larger_than_the_work_area(
    qtbot, window: MainWindow, ctx, demo_store
) -> None:  # type: ignore[no-untyped-def]
    """On this 800×800 screen every dialog opens inside the work area (at 1366×768 the
    same rule keeps the print preview, 1100×800 before, below 728 px)."""
    area = QGuiApplication.primaryScreen().availableGeometry()
    limit = client_limit(area)
    for name, opener in DIALOGS.items():
        dialog = opener(window, ctx, demo_store)
        qtbot.addWidget(dialog)
        dialog.show()
        settle()
        assert dialog.width() <= limit.width() and dialog.height() <= limit.height(), name
        if hasattr(dialog, "confirm"):  # the patrol form asks before discarding input
            dialog.confirm = lambda *_args: True
        dialog.close()


def _new_resident(win: MainWindow, ctx: AppContext, demo: DemoStore) -> ResidentForm:
    household = HouseholdDialog(ctx, _household(ctx, demo), parent=win)
    household.show()
    household.add_resident()
    assert household.member_form is not None
    return household.member_form


def test_resident_form_opens_with_every_field_in_view_on_1366(
    qtbot, window, ctx, demo_store
) -> None:  # type: ignore[no-untyped-def]
    """It scrolled at every size (670×490): on a 1366×768 laptop it now opens as tall
    as its fields, so none is below the fold."""
    form = _new_resident(window, ctx, demo_store)
    qtbot.addWidget(form)
    size = fitted_size(form, WORK_AREAS["1366×768"])
    assert size.height() > 490
    form.resize(size)
    settle()
    [area] = [a for a in form.findChildren(QScrollArea) if a.isVisibleTo(form)]
    assert area.verticalScrollBar().maximum() == 0
    assert area.horizontalScrollBar().maximum() == 0


def test_form_grows_when_a_message_appears(qtbot, window, ctx, demo_store) -> None:  # type: ignore[no-untyped-def]
    """Where the screen has room, a message makes the dialog taller instead of
    pushing the fields below the fold; never beyond the work area."""
    form = _new_resident(window, ctx, demo_store)
    qtbot.addWidget(form)
    form.show()
    settle()
    before = form.height()
    form.try_accept()  # 请填写姓名, 请选择与户主的关系
    settle()
    limit = client_limit(QGuiApplication.primaryScreen().availableGeometry())
    assert form.height() > before or form.height() == limit.height()
    assert form.height() <= limit.height()
    assert not cut_labels(form)


# -- the main window's geometry ---------------------------------------------------------


@pytest.fixture
def prefs(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)


def test_main_window_maximised_where_its_size_does_not_fit(qtbot, ctx, prefs) -> None:  # type: ignore[no-untyped-def]
    """The offscreen screen (800×800) is smaller than 1280×800, as a 1366×768 one is."""
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert not screen_fit.fits(PREFERRED_SIZE, area)
    assert not screen_fit.fits(PREFERRED_SIZE, QRect(0, 0, 1366, 728))
    assert screen_fit.fits(PREFERRED_SIZE, QRect(0, 0, 1920, 1040))
    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    win.show_on_screen()
    qtbot.waitUntil(win.isVisible)
    assert win.isMaximized()


def test_geometry_remembered_and_restored(qtbot, prefs) -> None:  # type: ignore[no-untyped-def]
    """Any window (the main window's minimum is wider than this 800×800 screen)."""
    first = QWidget()
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(40, 60, 500, 400)
    settle()
    WindowGeometry(prefs).save(first)
    assert prefs.value("main_window/screen") == QGuiApplication.primaryScreen().name()

    second = QWidget()
    qtbot.addWidget(second)
    assert WindowGeometry(prefs).restore(second)
    second.show()
    assert second.geometry() == QRect(40, 60, 500, 400)


def test_main_window_saves_its_geometry_when_closed(qtbot, ctx, prefs) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(first)
    first.show()
    settle()
    first.close()
    assert prefs.value("main_window/geometry") is not None
    second = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(second)
    assert second.geometry_store.restore(second)


def test_maximised_window_restored_maximised(qtbot, ctx, prefs) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(first)
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()
    second = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(second)
    second.show_on_screen()
    qtbot.waitUntil(second.isVisible)
    assert second.isMaximized()


def test_geometry_of_a_screen_that_is_gone_is_not_restored(qtbot, ctx, prefs) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(first)
    first.show()
    settle()
    first.close()
    prefs.setValue("main_window/screen", "HDMI-2 (the projector, unplugged)")

    second = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(second)
    assert not second.geometry_store.restore(second)
    second.show_on_screen()
    qtbot.waitUntil(second.isVisible)
    assert second.isMaximized()  # the default for this small screen


def test_restored_geometry_kept_inside_a_smaller_screen(qtbot, ctx, prefs) -> None:  # type: ignore[no-untyped-def]
    """Saved on the same screen at a larger resolution (or a bigger window): brought
    back inside the work area, title bar and status bar reachable."""
    first = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(600, 500, 1200, 900)
    settle()
    first.close()

    second = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(second)
    assert second.geometry_store.restore(second)
    area = QGuiApplication.primaryScreen().availableGeometry()
    placed = second.geometry()
    # The title bar on screen; the size bounded by the work area (or the minimum).
    assert area.contains(placed.topLeft()) and placed.top() >= area.top() + TITLE_BAR
    assert placed.height() <= area.height() - TITLE_BAR
    assert placed.width() <= max(area.width(), second.minimumSizeHint().width())
    assert placed.left() == area.left() or placed.right() <= area.right()


def test_garbage_in_the_preferences_is_ignored(qtbot, ctx, prefs) -> None:  # type: ignore[no-untyped-def]
    prefs.setValue("main_window/geometry", QByteArray(b"not a geometry"))
    prefs.setValue("main_window/screen", QGuiApplication.primaryScreen().name())
    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    assert not win.geometry_store.restore(win)


def test_conflict_detail_whole_on_1366(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The conflict's detail (with its 保留我的 / 保留对方的 buttons) scrolls only when
    the view is too short for it (1366×768 at 125 %), not on a 1366×768 laptop."""
    window.resize(maximised(WORK_AREAS["1366×768"]))
    window.tabs.setCurrentWidget(window.conflicts_view)
    settle()
    view = window.conflicts_view
    [detail_area] = [a for a in view.findChildren(QScrollArea) if a.widget() is view.detail]
    assert detail_area.verticalScrollBar().maximum() == 0
    assert view.keep_mine_button.mapTo(view, view.keep_mine_button.rect().bottomLeft()).y() < (
        view.height()
    )
