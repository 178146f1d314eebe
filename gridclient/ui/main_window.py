"""The main window: the area tree on the left; the dashboard and the record lists in
tabs; one search box; sync status in the status bar; auto-lock.

The window only composes: lists live in ``tables``, the tree in ``area_tree``, figures
in ``dashboard``, search in ``search`` and the lock in ``lock``. Every id list, count
and search runs on the task runner; the forms open through the ``open_*``/``new_*``
methods below, one per record type.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from PySide6.QtCore import QCoreApplication, QPoint, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.charts import ChartQueries, DashboardCharts
from gridclient.storage.places import PlaceFocus, PlaceQueries
from gridclient.storage.queries import (
    AreaFilter,
    AreaNode,
    AreaQueries,
    Dashboard,
    DashboardQueries,
    EventFilter,
    EventQueries,
    EventStateFilter,
    HouseholdQueries,
    OrganizationQueries,
    PatrolQueries,
    ResidentQueries,
    SyncSummary,
    VisitQueries,
)
from gridclient.storage.search import SearchHits
from gridclient.storage.syncmeta import OpStatus
from gridclient.storage.syncstate_queries import SyncStateQueries
from gridclient.ui.about import AboutDialog, AboutInfo, DemoBanner
from gridclient.ui.area_tree import KEY_ROLE, AreaTree
from gridclient.ui.conflicts import ConflictsView
from gridclient.ui.context import AppContext, ChangeSet
from gridclient.ui.dashboard import NOT_VISITED_CHOICES, DashboardPage
from gridclient.ui.event_dialogs import EventDialog, EventReportDialog
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.i18n import ui_text
from gridclient.ui.list_filters import (
    EventFilterBar,
    PatrolFilterBar,
    PlaceFilterBar,
    VisitFilterBar,
)
from gridclient.ui.lock import Clock, IdleWatcher, LockGuard, LockScreen, key_file_verifier
from gridclient.ui.plaintext import TextLabel, tooltip
from gridclient.ui.screen_fit import WindowGeometry, fit_to_screen, show_main_window
from gridclient.ui.search import SearchBox, SearchController
from gridclient.ui.tables import (
    EVENT_OPTIONAL_COLUMNS,
    EVENT_TITLE_MINIMUM,
    VISIT_SAMPLES,
    EventTableModel,
    ListPane,
    SyncColumnModel,
    event_model_widths,
    event_samples,
    fit_samples,
    household_model,
    organization_model,
    patrol_model,
    place_model,
    resident_model,
    visit_model,
)
from gridclient.ui.tasks import TaskContext
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain.entities import CST
from gridcore.domain.enums import EntityKind, Role, SpecialGroup
from gridcore.domain.programs import household_programs, program_tags

if TYPE_CHECKING:  # the sync stack (pydantic, requests, keyring: ≈ 0.3 s) loads on first use
    from gridclient.storage.repositories import HeldRecord
    from gridclient.ui.login import PasswordPrompt
    from gridclient.ui.sync_controller import SyncController

log = logging.getLogger(__name__)

BASE_POINT_SIZE = 12
HELD_LISTED = 10
"""Held records listed (kind, id, version, reason) in the status bar warning's tool tip;
``gridclient status`` lists 20."""
PREFERRED_SIZE = QSize(1280, 800)
"""The window's size on a screen where it fits; smaller screens get it maximised."""
BACKGROUND_AFTER_MS = 3000
"""Start the background loads (tree, status, search index) by then even if the
household list never arrives (a failed query is reported, the rest still loads)."""


P = ParamSpec("P")


def _unless_locked(
    method: Callable[Concatenate[MainWindow, P], None],
) -> Callable[Concatenate[MainWindow, P], None]:
    """A user entry point (menu, shortcut, button, double click) does nothing while the
    window is locked, whatever route reached it."""

    def guarded(self: MainWindow, /, *args: P.args, **kwargs: P.kwargs) -> None:
        if self.locked:
            log.info("%s refused: the window is locked", method.__name__)
            return
        method(self, *args, **kwargs)

    functools.update_wrapper(guarded, method)
    return guarded


class MainWindow(QMainWindow):
    def __init__(
        self,
        ctx: AppContext,
        households: HouseholdQueries | None = None,
        sync: SyncController | None = None,
        *,
        idle_clock: Clock = monotonic,
        prefs: QSettings | None = None,
    ) -> None:
        """``idle_clock``: the auto-lock's time source (tests pass their own).
        ``prefs``: where the window's geometry is remembered (None: nowhere)."""
        super().__init__()
        self.ctx = ctx
        self.geometry_store = WindowGeometry(prefs)
        self._idle_clock = idle_clock
        self.sync = sync
        self._reauth_pending = False
        self.password_prompt: PasswordPrompt | None = None
        self.runner = ctx.runner
        engine = ctx.store.engine
        self.households = households or HouseholdQueries(engine)
        self.residents = ResidentQueries(engine)
        self.organizations = OrganizationQueries(engine)
        self.patrols = PatrolQueries(engine)
        self.places = PlaceQueries(engine)
        self.visits = VisitQueries(engine)
        self.events = EventQueries(engine)
        self.areas = AreaQueries(engine)
        self.figures = DashboardQueries(engine)
        self.charts = ChartQueries(engine)
        self._my_grids = ctx.user.grid_ids or None
        self._area = AreaFilter(self._my_grids)
        self._locked = False
        self._disabled_actions: list[QAction] = []

        font = self.font()
        font.setPointSize(BASE_POINT_SIZE)
        self.setFont(font)
        user = ctx.user
        title = self.tr("GridClient (demo)") if user.demo else self.tr("GridClient")
        self.setWindowTitle(f"{title} — {user.scope_name}")
        fit_to_screen(self, PREFERRED_SIZE.width(), PREFERRED_SIZE.height())

        self._build_panes()
        self._build_layout()
        self._build_actions()
        self._build_report_menu()
        self._build_status_bar()
        self._connect_sync()
        self._apply_role()

        self.search_controller = SearchController(ctx, self)
        self.search_controller.results.connect(self._show_hits)
        # The 场所 list first: its text filter holds the query when the hits arrive.
        self.search_box.search_requested.connect(self._search_places)
        self.search_box.search_requested.connect(self.search_controller.search)
        # A search narrows the residents too: start building that list at the first
        # keystroke, while the search box still waits for typing to pause.
        self.search_box.textChanged.connect(
            lambda text: self.resident_pane.ensure_loaded() if text.strip() else None
        )

        # The auto-lock's application-wide event filter routes every Qt event through
        # Python (≈ 60 ms of the first paint on a township), so it is installed once
        # the household list is on screen (see _after_first_list); minutes of idle
        # time do not miss that moment.
        self.idle: IdleWatcher | None = None
        self.lock_screen.unlocked.connect(self.unlock)

        ctx.bus.changed.connect(self._on_changed)
        self._dashboard_stale = False
        self.tabs.currentChanged.connect(self._on_tab_changed)
        # The search index (seconds of CPU on a township) waits until the household
        # list has been painted once, so it never slows the first window down.
        self._background_started = False
        self.household_pane.loaded.connect(self._after_first_list)
        QTimer.singleShot(BACKGROUND_AFTER_MS, self, self._after_first_list)
        # Only what every first window shows loads now; the current tab's content is
        # chosen on the first event-loop turn, so a caller that opens the window on
        # another tab does not pay for the dashboard.
        self._starting = True
        self.reload()
        self._starting = False
        QTimer.singleShot(0, self, self._load_current_tab)

    def show_on_screen(self) -> None:
        """Show where the window was last (on a screen still attached), else at
        :data:`PREFERRED_SIZE` or maximised where that does not fit (1366×768)."""
        show_main_window(self, self.geometry_store, PREFERRED_SIZE)

    # -- construction -----------------------------------------------------------------
    def _build_panes(self) -> None:
        self.dashboard = DashboardPage()
        self.dashboard.show_not_visited.connect(self.show_not_visited)
        self.dashboard.show_events.connect(self.show_events)
        self.dashboard.show_grid_not_visited.connect(self.show_grid_not_visited)
        self.dashboard.show_event_filter.connect(self.show_event_filter)
        self.dashboard.show_program.connect(self.show_program)
        self.dashboard.show_hazards.connect(self.show_hazards)
        self.dashboard.days_changed.connect(lambda _days: self.refresh_dashboard(charts=False))

        self.recency = QComboBox()
        self.recency.addItem(self.tr("All households"), 0)
        for days in NOT_VISITED_CHOICES:
            self.recency.addItem(self.tr("Not visited in %n day(s)", "", days), days)
        self.recency.currentIndexChanged.connect(lambda _i: self.load_households())
        # 低保户, 防返贫监测户, 党员中心户 …: the households of one program.
        self.program = QComboBox()
        self.program.addItem(self.tr("All programs"), None)
        for code, label in household_programs():
            self.program.addItem(label, code)
        self.program.currentIndexChanged.connect(lambda _i: self.load_households())
        household_filters = QWidget()
        filter_row = QHBoxLayout(household_filters)
        filter_row.setContentsMargins(0, 0, 0, 0)
        filter_row.addWidget(_labelled(self.tr("Show:"), self.recency))
        filter_row.addWidget(self.program)
        sync_states = SyncStateQueries(self.ctx.store.engine)
        self.model = household_model(self.households, self.runner, sync_states)
        self.household_pane = ListPane(
            self.runner,
            self.model,
            lambda n: self.tr("%n household(s)", "", n),
            (120, 260, 110, 60, 200, 110),  # + the sync column (72): fits 1280 px
            household_filters,
            stretch=1,  # the address takes the room a wider window has
        )
        self.count_label = self.household_pane.count_label
        self.household_pane.table.open_requested.connect(self.open_household)

        self.group = QComboBox()
        self.group.addItem(self.tr("All residents"), "")
        for group in SpecialGroup:
            self.group.addItem(group.label, group.value)
        self.group.currentIndexChanged.connect(lambda _i: self.load_residents())
        self.resident_model = resident_model(self.residents, sync_states, self.runner)
        self.resident_pane = ListPane(
            self.runner,
            self.resident_model,
            lambda n: self.tr("%n resident(s)", "", n),
            (90, 55, 200, 55, 80, 130, 170, 150),
            _labelled(self.tr("Special group:"), self.group),
            stretch=7,
        )
        self.resident_pane.table.open_requested.connect(self._open_resident)

        self.visit_model = visit_model(self.visits, sync_states, self.runner)
        self.visit_filters = VisitFilterBar()
        self.visit_filters.changed.connect(self.load_visits)
        self.visit_pane = ListPane(
            self.runner,
            self.visit_model,
            lambda n: self.tr("%n visit(s)", "", n),
            (150, 220, 120, 100, 300),
            self.visit_filters,
            stretch=4,
        )
        self.visit_pane.table.open_requested.connect(self._open_visit)
        fit_samples(self.visit_pane.table, VISIT_SAMPLES)

        self.event_filters = EventFilterBar()
        self.event_state = self.event_filters.state
        self.event_filters.changed.connect(self.load_events)
        self.event_model = EventTableModel(self.events, sync_states, self.runner)
        self.event_pane = ListPane(
            self.runner,
            self.event_model,
            lambda n: self.tr("%n event(s)", "", n),
            event_model_widths(),
            self.event_filters,
            stretch=0,
        )
        self.event_pane.table.open_requested.connect(self.open_event)
        fit_samples(self.event_pane.table, event_samples(), bold={EventTableModel.OVERDUE_COLUMN})
        self.event_pane.table.set_optional_columns(EVENT_OPTIONAL_COLUMNS, EVENT_TITLE_MINIMUM)
        self._catalog_stale = True
        self.event_pane.loaded.connect(self._load_catalog)

        # 巡查: the grid workers' daily patrols, newest day first.
        self.patrol_model = patrol_model(self.patrols, sync_states, self.runner)
        self.patrol_filters = PatrolFilterBar()
        self.patrol_filters.changed.connect(self.load_patrols)
        self.new_patrol_button = QPushButton(self.tr("New patrol…"))
        self.new_patrol_button.clicked.connect(lambda: self.open_patrol(None))
        patrol_bar = QWidget()
        patrol_row = QHBoxLayout(patrol_bar)
        patrol_row.setContentsMargins(0, 0, 0, 0)
        patrol_row.addWidget(self.patrol_filters, 1)
        patrol_row.addWidget(self.new_patrol_button)
        self.patrol_pane = ListPane(
            self.runner,
            self.patrol_model,
            lambda n: self.tr("%n patrol(s)", "", n),
            (100, 150, 80, 300, 300, 70),
            patrol_bar,
            stretch=4,
        )
        self.patrol_pane.table.open_requested.connect(self.open_patrol)

        # 组织: the grids' organizations (红白理事会, 调解委员会, 志愿服务队, 商户 …).
        self.organization_model = organization_model(self.organizations, sync_states, self.runner)
        self.new_organization_button = QPushButton(self.tr("New organization…"))
        self.new_organization_button.clicked.connect(lambda: self.open_organization(None))
        self.organization_pane = ListPane(
            self.runner,
            self.organization_model,
            lambda n: self.tr("%n organization(s)", "", n),
            (200, 120, 80, 125, 60, 130, 200),
            self.new_organization_button,
            stretch=6,
        )
        self.organization_pane.table.open_requested.connect(self.open_organization)

        # 场所 (地、物): shops, rental houses, schools, hazard sites, key facilities.
        self.place_model = place_model(self.places, sync_states, self.runner)
        self.place_filters = PlaceFilterBar()
        self.place_filters.changed.connect(self.load_places)
        self.new_place_button = QPushButton(self.tr("New place…"))
        self.new_place_button.clicked.connect(lambda: self.open_place(None))
        place_bar = QWidget()
        place_row = QHBoxLayout(place_bar)
        place_row.setContentsMargins(0, 0, 0, 0)
        place_row.addWidget(self.place_filters, 1)
        place_row.addWidget(self.new_place_button)
        self.place_pane = ListPane(
            self.runner,
            self.place_model,
            lambda n: self.tr("%n place(s)", "", n),
            (190, 100, 120, 120, 70, 115, 90, 195),
            place_bar,
            stretch=3,
        )
        self.place_pane.table.open_requested.connect(self.open_place)

    def _build_layout(self) -> None:
        user = self.ctx.user
        self.heading = TextLabel(
            self.tr("{name} ({role}) · {scope}").format(
                name=user.display_name, role=user.role.label, scope=user.scope_name
            )
        )
        self.heading.setObjectName("heading")
        self.search_box = SearchBox()
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.search_box)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, self.tr("Dashboard"))
        self.tabs.addTab(self.household_pane, self.tr("Households"))
        self.tabs.addTab(self.resident_pane, self.tr("Residents"))
        self.tabs.addTab(self.visit_pane, self.tr("Visits"))
        self.tabs.addTab(self.event_pane, self.tr("Events"))
        self.tabs.addTab(self.patrol_pane, self.tr("Patrols"))
        self.tabs.addTab(self.place_pane, self.tr("Places"))
        self.tabs.addTab(self.organization_pane, self.tr("Organizations"))
        self.conflicts_view = ConflictsView(self.ctx, autoload=False)
        self.tabs.addTab(self.conflicts_view, self.tr("Conflicts"))
        self.tabs.currentChanged.connect(self._tab_changed)

        self.tree = AreaTree(self._my_grids)
        self.tree.area_selected.connect(self.set_area)
        # Right-click a grid or micro-grid: 新建住户 there (the tool bar's action).
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree_menu: QMenu | None = None
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1020])

        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.lock_screen = LockScreen(
            self.runner, key_file_verifier(self.ctx.store.key_path), user.display_name
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.content)
        self.stack.addWidget(self.lock_screen)
        # The demo says so above every page, the lock screen included (not only the title).
        self.demo_banner: DemoBanner | None = None
        if user.demo:
            self.demo_banner = DemoBanner()
            central = QWidget()
            column = QVBoxLayout(central)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(0)
            column.addWidget(self.demo_banner)
            column.addWidget(self.stack, 1)
            self.setCentralWidget(central)
        else:
            self.setCentralWidget(self.stack)
        self.lock_guard = LockGuard(self, self.lock_screen)

    def _apply_role(self) -> None:
        """A department account (职能部门) has events only: every tab but the events and
        their conflicts is hidden (a tab added later is hidden from departments unless it
        is named here), with the actions about households, visits and imports; the
        events tab is the first one shown."""
        if self.ctx.user.role is not Role.DEPARTMENT:
            return
        department_tabs = (self.event_pane, self.conflicts_view)
        for index in range(self.tabs.count()):
            if self.tabs.widget(index) not in department_tabs:
                self.tabs.setTabVisible(index, False)
        self.tabs.setCurrentWidget(self.event_pane)
        self.tree.show_counts = False
        for action in (
            self.new_visit_action,
            self.new_event_action,
            self.new_household_action,
            self.find_action,
            self.import_action,
        ):
            action.setEnabled(False)
            action.setVisible(False)
        self.search_box.hide()

    def _show_heading(self, department: str) -> None:
        """Name, role and where: a department account's department by its name."""
        user = self.ctx.user
        scope = user.scope_name
        if department:
            scope = f"{department}（{scope}）" if scope else department
        self.heading.setText(
            self.tr("{name} ({role}) · {scope}").format(
                name=user.display_name, role=user.role.label, scope=scope
            )
        )

    def _action(self, text: str, shortcut: QKeySequence | str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        self._actions.append(action)
        return action

    def _build_actions(self) -> None:
        self._actions: list[QAction] = []
        self.new_visit_action = self._action(
            self.tr("New visit (Ctrl+N)"), "Ctrl+N", self.new_visit_for_selection
        )
        self.new_event_action = self._action(
            self.tr("Report event (Ctrl+E)"), "Ctrl+E", self.new_event_for_selection
        )
        self.new_household_action = self._action(
            self.tr("New household (Ctrl+Shift+N)"),
            "Ctrl+Shift+N",
            self.new_household_for_selection,
        )
        self.new_household_action.setToolTip(
            self.tr("A new household in the grid (and micro-grid) selected in the area tree")
        )
        self.find_action = self._action(self.tr("Search (Ctrl+F)"), "Ctrl+F", self.focus_search)
        self.refresh_action = self._action(self.tr("Refresh (F5)"), "F5", lambda: self.reload())
        self.lock_action = self._action(self.tr("Lock (Ctrl+L)"), "Ctrl+L", lambda: self.lock())
        for number in range(self.tabs.count()):
            self._action(
                self.tr("Tab {number}").format(number=number + 1),
                f"Ctrl+{number + 1}",
                functools.partial(self.tabs.setCurrentIndex, number),
            )
        for action, hint in (
            (self.new_visit_action, self.tr("Record a visit to the selected household")),
            (self.new_event_action, self.tr("Report an event in the selected grid")),
            (self.new_household_action, self.new_household_action.toolTip()),
            (self.find_action, self.tr("Search households and residents")),
            (self.refresh_action, self.tr("Load the lists again")),
            (self.lock_action, self.tr("Lock the window; your password unlocks it")),
        ):
            _hint(action, hint)
        self.toolbar = QToolBar(self.tr("Actions"))
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.new_visit_action,
            self.new_event_action,
            self.new_household_action,
            self.find_action,
            self.refresh_action,
            self.lock_action,
        ):
            self.toolbar.addAction(action)
        self.sync_action: QAction | None = None
        if self.sync is not None:
            self.sync_action = self._action(self.tr("Sync"), "F9", self.start_sync)
            _hint(self.sync_action, self.tr("Upload my changes and download the server's"))
            self.toolbar.addSeparator()
            self.toolbar.addAction(self.sync_action)
        self.addToolBar(self.toolbar)

    def _build_report_menu(self) -> None:
        """Menus in the usual order: 报表 first, 帮助 last."""
        menu = self.menuBar().addMenu(self.tr("&Reports"))
        self.reports_action = menu.addAction(self.tr("Print or export a report…"))
        self.reports_action.setShortcut(QKeySequence("Ctrl+P"))
        self.reports_action.triggered.connect(self.open_reports)
        self.import_action = menu.addAction(self.tr("Import roster…"))
        self.import_action.triggered.connect(self.open_import)
        self.help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.guide_window: QDialog | None = None
        self.guide_action = self.help_menu.addAction(self.tr("User guide"))
        self.guide_action.setShortcut(QKeySequence("F1"))
        self.guide_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.guide_action.triggered.connect(self.show_user_guide)
        self.addAction(self.guide_action)  # F1 also while the menu bar has no focus
        self.help_menu.addSeparator()
        self.diagnostics_action = self.help_menu.addAction(self.tr("Export diagnostics bundle…"))
        self.diagnostics_action.triggered.connect(lambda: self.export_diagnostics())
        self.about_info: AboutInfo | None = None
        self.about_action = self.help_menu.addAction(self.tr("About GridClient…"))
        self.about_action.triggered.connect(self.show_about)

    @_unless_locked
    def show_user_guide(self) -> None:
        """帮助 → 用户指南 (F1): one guide window, brought forward if already open."""
        from gridclient.ui.help import UserGuideWindow

        if self.guide_window is None:
            self.guide_window = UserGuideWindow(self)
            self.guide_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.guide_window.destroyed.connect(self._guide_closed)
        self.guide_window.show()
        self.guide_window.raise_()
        self.guide_window.activateWindow()

    def _guide_closed(self) -> None:
        self.guide_window = None

    def set_about(self, info: AboutInfo) -> None:
        """What 帮助 → 关于 shows (and the demo banner's server address)."""
        self.about_info = info
        if self.demo_banner is not None:
            self.demo_banner.set_info(info)

    def show_about(self) -> AboutDialog:
        from gridclient.config import Paths

        info = self.about_info or AboutInfo(
            Paths.resolve().data_dir, self.ctx.settings.server_url, self.ctx.user.demo
        )
        dialog = AboutDialog(info, self)
        self._show(dialog)
        return dialog

    @_unless_locked
    def open_reports(self) -> None:
        from gridclient.ui.report_dialogs import ReportDialog, tree_area_id

        area_id = tree_area_id(self._area, self.tree.currentIndex().data(KEY_ROLE))
        self._show(ReportDialog(self.ctx, area_id=area_id, parent=self))

    @_unless_locked
    def open_import(self) -> None:
        from gridclient.ui.import_dialog import ImportDialog

        grids = self._area.grid_ids or ()
        self._show(
            ImportDialog(self.ctx, grid_id=grids[0] if len(grids) == 1 else None, parent=self)
        )

    def _build_status_bar(self) -> None:
        self.sync_progress = QProgressBar()
        self.sync_progress.setMaximumWidth(160)
        self.sync_progress.setMaximumHeight(18)
        self.sync_progress.setTextVisible(False)
        self.sync_progress.hide()
        self.sync_phase_label = TextLabel()
        self.sync_phase_label.hide()
        self.cancel_sync_button = QPushButton(self.tr("Cancel sync"))
        self.cancel_sync_button.clicked.connect(self.cancel_sync)
        self.cancel_sync_button.hide()
        self.connection_label = TextLabel()
        self.pending_label = TextLabel()
        self.last_sync_label = TextLabel()
        self.conflicts_label = TextLabel()
        self.conflicts_label.setTextFormat(Qt.TextFormat.RichText)  # a link; no data
        self.conflicts_label.linkActivated.connect(self.show_conflicts)
        self.conflicts_label.setToolTip(self.tr("Open the conflicts to review"))
        self.rejected_label = TextLabel()
        self.warning_label = TextLabel()
        self.warning_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.warning_label.hide()
        bar = self.statusBar()
        for widget in (
            self.sync_phase_label,
            self.sync_progress,
            self.cancel_sync_button,
            self.connection_label,
            self.pending_label,
            self.last_sync_label,
            self.conflicts_label,
            self.rejected_label,
            self.warning_label,
        ):
            bar.addPermanentWidget(widget)
        self._online: bool | None = None
        self.set_connection_state(self.sync.online if self.sync is not None else None)

    def _connect_sync(self) -> None:
        sync = self.sync
        if sync is None:
            return
        sync.started.connect(self._sync_started)
        sync.progressed.connect(self._sync_progressed)
        sync.finished.connect(self._sync_finished)
        sync.cancelled.connect(self._sync_cancelled)
        sync.failed.connect(self._sync_failed)
        sync.connection_changed.connect(self.set_connection_state)
        sync.reauth_needed.connect(self.ask_password)
        sync.device_lost.connect(self._device_lost)

    @_unless_locked
    def export_diagnostics(self, target: Path | None = None) -> None:
        """Ask where to save (unless ``target`` is given), then zip logs, versions,
        settings and this store's sync-state counts on the task runner
        (``gridclient.diagnostics``; no personal data)."""
        from gridclient import diagnostics

        if target is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                self.tr("Export diagnostics bundle"),
                str(Path.home() / diagnostics.default_bundle_name()),
                self.tr("Zip archives (*.zip)"),
            )
            if not chosen:
                return
            target = Path(chosen if chosen.lower().endswith(".zip") else chosen + ".zip")
        store, settings = self.ctx.store, self.ctx.settings
        data_dir = store.path.parent.parent  # <data dir>/stores/<store>.db
        log_dir = diagnostics.current_log_dir() or data_dir / "logs"

        def work(_ctx: TaskContext) -> Path:
            state = diagnostics.store_state(store)
            return diagnostics.build_bundle(
                target, log_dir=log_dir, data_dir=data_dir, settings=settings, states=[state]
            )

        def done(path: object) -> None:
            self.diagnostics_saved = Path(str(path))
            QMessageBox.information(
                self,
                self.tr("Diagnostics bundle"),
                self.tr(
                    "The diagnostics bundle was saved to {path}. It holds logs, versions "
                    "and settings, no personal data. Send it to your IT contact."
                ).format(path=path),
            )

        def failed(exc: BaseException) -> None:
            log.error("diagnostics bundle failed: %s", type(exc).__name__)
            QMessageBox.critical(
                self,
                self.tr("Diagnostics bundle"),
                self.tr("The diagnostics bundle could not be saved: {error}").format(
                    error=ui_text(exc)
                ),
            )

        self.runner.submit(work, on_done=done, on_error=failed)

    # -- loading ----------------------------------------------------------------------
    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Tree, lists, dashboard and status, all built off the UI thread.

        The read lane starts tasks in the order they come, so what the first screen
        needs goes first: the households (the list a worker opens, always loaded), then the tree
        and the status (at start-up, once the list is painted); the dashboard and the
        other lists load now only if their tab is the current one, else when it is
        first shown (see :meth:`_load_pane`)."""
        self.load_households()
        if not self._starting:
            self._load_tree_and_status()
        self.refresh_dashboard()
        if then is not None:
            then()
        self.load_residents()
        self.load_visits()
        self.load_events()
        self.load_places()
        self.load_organizations()
        self.load_patrols()

    def _load_tree_and_status(self) -> None:
        self._load_tree()
        self.refresh_status()

    def _load_tree(self) -> None:
        grids = self._my_grids

        def tree(_ctx: TaskContext) -> list[AreaNode]:
            return self.areas.tree(grids)

        self.runner.submit(tree, on_done=self._show_tree, on_error=self._load_failed)

    def load_all(self) -> None:
        self.load_households()
        self.refresh_dashboard()
        self.load_residents()
        self.load_visits()
        self.load_events()
        self.load_places()
        self.load_organizations()
        self.load_patrols()

    def load_patrols(self) -> None:
        area, queries, wanted = self._area, self.patrols, self.patrol_filters.filter()
        self._load_pane(
            self.patrol_pane,
            lambda: queries.patrol_ids(area, wanted),
            lambda rows: queries.patrol_ids(area, wanted, limit=rows),
        )

    def load_organizations(self) -> None:
        area, queries = self._area, self.organizations
        self._load_pane(self.organization_pane, lambda: queries.organization_ids(area))

    def load_places(self) -> None:
        grids, queries, bar = self._area.grid_ids, self.places, self.place_filters
        kind, focus, text = bar.kind_value(), bar.focus_value(), bar.text_value()
        self._load_pane(self.place_pane, lambda: queries.place_ids(grids, kind, focus, text))

    def _after_first_list(self, _count: int = 0) -> None:
        """The household list is on screen (or could not load within
        :data:`BACKGROUND_AFTER_MS`): now the auto-lock's idle watch, the tree, the
        status bar and, on the other lane, the search index, each a moment later so
        the list paints first."""
        if self._background_started:
            return
        self._background_started = True
        self.household_pane.loaded.disconnect(self._after_first_list)
        QTimer.singleShot(0, self, self._start_idle_watch)
        QTimer.singleShot(0, self, self._load_tree_and_status)
        QTimer.singleShot(0, self, self.search_controller.build)

    def _start_idle_watch(self) -> None:
        if self.idle is None:
            self.idle = IdleWatcher(
                self.ctx.settings.auto_lock_minutes, self, clock=self._idle_clock
            )
            self.idle.idle.connect(self._lock_idle)
            if self._locked:
                self.idle.pause()

    def _lock_idle(self) -> None:
        self.lock(idle=True)

    def _on_screen(self, widget: QWidget) -> bool:
        return not self._starting and self.tabs.currentWidget() is widget

    def _load_pane(
        self,
        pane: ListPane,
        source: Callable[[], list[str]],
        head: Callable[[int], list[str]] | None = None,
    ) -> None:
        """Load a list now if it is on screen (or is the household list, which the
        first window, search and 走访 need), else when its tab is first shown;
        ``head`` gives its first screen sooner (see :meth:`ListPane.load`)."""
        if pane is self.household_pane or self._on_screen(pane):
            pane.load(source, head)
        else:
            pane.defer(source, head)

    def _on_tab_changed(self, _index: int) -> None:
        self._load_current_tab()

    def _load_current_tab(self) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, ListPane):
            current.ensure_loaded()
        elif current is self.dashboard and self._dashboard_stale:
            self.refresh_dashboard()

    def _show_tree(self, roots: object) -> None:
        assert isinstance(roots, list)
        self.tree.blockSignals(True)
        self.tree.set_nodes(roots)
        self.tree.blockSignals(False)

    def set_area(self, area: object) -> None:
        assert isinstance(area, AreaFilter)
        self._area = area
        self.load_all()

    def current_area(self) -> AreaFilter:
        return self._area

    def load_households(self) -> None:
        area, days = self._area, self.recency.currentData()
        queries, figures = self.households, self.figures
        program = self.program.currentData()
        tags = [t.value for t in program_tags(program)[1]] if isinstance(program, str) else None

        def ids() -> list[str]:
            found = queries.household_ids(area=area, tags=tags)
            if not days:
                return found
            wanted = figures.not_visited_ids(area, int(days))
            return [i for i in found if i in wanted]

        def head(rows: int) -> list[str]:
            return queries.household_ids(area=area, tags=tags, limit=rows)

        # The first screen first (an index walk that stops there), except for "not
        # visited in N days", which needs every household's last visit anyway.
        self._load_pane(self.household_pane, ids, None if days else head)

    def load_residents(self) -> None:
        area, tag = self._area, self.group.currentData() or None
        queries = self.residents
        self._load_pane(self.resident_pane, lambda: queries.resident_ids(area, tag))

    def load_visits(self) -> None:
        area, queries, wanted = self._area, self.visits, self.visit_filters.filter()
        self._load_pane(
            self.visit_pane,
            lambda: queries.visit_ids(area, wanted),
            lambda rows: queries.visit_ids(area, wanted, limit=rows),
        )

    def load_events(self) -> None:
        area, queries, wanted = self._area, self.events, self.event_filters.filter()
        self._load_pane(
            self.event_pane,
            lambda: queries.event_ids(area, filters=wanted),
            lambda rows: queries.event_ids(area, filters=wanted, limit=rows),
        )

    def _load_catalog(self, _count: int = 0) -> None:
        """The categories of the events filter, once the list is on screen (and again
        after a sync, which may bring a new catalog)."""
        if not self._catalog_stale:
            return
        self._catalog_stale = False
        self.ctx.read(
            lambda repos: repos.catalog.load(),
            self.event_filters.set_catalog,
            self._load_failed,
        )

    def refresh_dashboard(self, *, charts: bool = True) -> None:
        """Figures now if the dashboard is on screen, else when it is next shown: the
        tiles first (a few hundred ms on an M township), then the charts, each its
        own task on the read lane. ``charts=False``: the tiles only (N days changed)."""
        self._dashboard_stale = not self._on_screen(self.dashboard)
        if self._dashboard_stale:
            return
        area, days, figures = self._area, self.dashboard.not_visited_days(), self.figures

        def tiles(_ctx: TaskContext) -> Dashboard:
            return figures.summary(area, days)

        def show_tiles(result: object) -> None:
            assert isinstance(result, Dashboard)
            if result.not_visited_days == self.dashboard.not_visited_days():
                self.dashboard.set_figures(result)

        self.runner.submit(tiles, on_done=show_tiles, on_error=self._load_failed)
        if not charts:
            return
        queries = self.charts

        def draw(_ctx: TaskContext) -> DashboardCharts:
            return queries.charts(area)

        def show_charts(result: object) -> None:
            assert isinstance(result, DashboardCharts)
            if area == self._area:
                self.dashboard.set_charts(result)

        self.runner.submit(draw, on_done=show_charts, on_error=self._load_failed)

    def refresh_status(self) -> None:
        figures, store = self.figures, self.ctx.store

        department = self.ctx.user.role is Role.DEPARTMENT

        def work(_ctx: TaskContext) -> tuple[SyncSummary, int, int, str, list[HeldRecord]]:
            name = ""
            with store.read() as repos:
                rejected = repos.outbox.status_counts()[OpStatus.REJECTED]
                held = repos.held.count()
                listed = repos.held.entries(limit=HELD_LISTED) if held else []
                if department:
                    listing = repos.catalog.load_departments()
                    name = listing.name(listing.mine) if listing.mine else ""
            return figures.sync_summary(), rejected, held, name, listed

        self.runner.submit(work, on_done=self._show_status, on_error=self._load_failed)

    def _show_status(self, result: object) -> None:
        assert isinstance(result, tuple)
        # and a department's name (职能部门), and the first held records
        summary, rejected, held, *more = result
        department = more[0] if more else ""
        listed = more[1] if len(more) > 1 else []
        assert isinstance(summary, SyncSummary)
        if department:
            self._show_heading(department)
        self._show_warnings(held, listed)
        self.rejected_label.setText(self.tr("%n rejected", "", rejected))
        self.rejected_label.setToolTip(
            self.tr("Changes the server refused; edit the record to send it again.")
        )
        self.rejected_label.setStyleSheet("color: #b00020; font-weight: bold;" if rejected else "")
        self.pending_label.setText(self.tr("%n change(s) waiting to sync", "", summary.pending_ops))
        if summary.last_sync_at is None:
            self.last_sync_label.setText(self.tr("Never synced"))
        else:
            when = summary.last_sync_at.astimezone(CST).strftime("%Y-%m-%d %H:%M")
            self.last_sync_label.setText(self.tr("Last sync: {when}").format(when=when))
        self._show_conflict_count(summary.undecided)
        text = self.tr("%n conflict(s)", "", summary.conflicts)
        if summary.conflicts:
            # A link: one click opens the conflicts tab.
            self.conflicts_label.setText(
                f'<a href="conflicts" style="color: #b00020; font-weight: bold;">{text}</a>'
            )
        else:
            self.conflicts_label.setText(text)

    def _show_conflict_count(self, undecided: int) -> None:
        """The 冲突 tab says how many conflicts wait for a decision: "冲突 (3)"."""
        index = self.tabs.indexOf(self.conflicts_view)
        title = self.tr("Conflicts")
        if undecided:
            title = self.tr("Conflicts ({count})").format(count=undecided)
        self.tabs.setTabText(index, title)
        self.tabs.setTabToolTip(
            index, self.tr("%n conflict(s) waiting for a decision", "", undecided)
        )

    def _show_warnings(self, held: int, listed: Sequence[HeldRecord] = ()) -> None:
        """A laptop clock that is off, and pulled records this laptop could not store
        (the first :data:`HELD_LISTED` in the tool tip, each with its reason)."""
        clock = self.ctx.store.clock
        parts = []
        if clock.skewed:
            minutes = round(abs(clock.offset).total_seconds() / 60)
            parts.append(
                self.tr("This computer's clock is off by {minutes} min; please set it.").format(
                    minutes=minutes
                )
            )
        if held:
            parts.append(self.tr("%n record(s) could not be stored here", "", held))
        self.warning_label.setText("；".join(parts))
        tip = self.tr(
            "Times recorded on this computer are corrected by the offset measured at "
            "the last sync. Records that could not be stored are listed by "
            "“gridclient status”; they are replaced once the server corrects them."
        )
        lines = [f"{_held_kind(h.kind)} {h.id}（{h.version}）：{h.reason}" for h in listed]
        if held > len(lines) and lines:
            lines.append("…")
        # The reasons are received text: shown literally (plaintext.tooltip).
        self.warning_label.setToolTip(tooltip("\n".join([tip, *lines])) if lines else tip)
        self.warning_label.setVisible(bool(parts))

    @_unless_locked
    def show_conflicts(self, _link: str = "") -> None:
        """The status bar's conflict count is a link to the conflicts tab."""
        self.tabs.setCurrentWidget(self.conflicts_view)

    def set_connection_state(self, online: object) -> None:
        """Set by the sync controller; ``None`` (unknown) shows offline."""
        assert online is None or isinstance(online, bool)
        self._online = online
        if online:
            self.connection_label.setText(self.tr("● Online"))
            self.connection_label.setStyleSheet("color: #1b7f3b;")
        else:
            self.connection_label.setText(self.tr("○ Offline"))
            self.connection_label.setStyleSheet("color: #666666;")

    # -- sync -----------------------------------------------------------------------------
    @_unless_locked
    def start_sync(self) -> None:
        if self.sync is not None and not self.sync.sync():
            self.statusBar().showMessage(self.tr("A sync is already running."), 5000)

    def cancel_sync(self) -> None:
        if self.sync is not None:
            self.cancel_sync_button.setEnabled(False)
            self.sync_phase_label.setText(self.tr("Cancelling…"))
            self.sync.cancel()

    def _sync_models(self) -> list[SyncColumnModel]:
        return [
            self.model,
            self.resident_model,
            self.visit_model,
            self.event_model,
            self.patrol_model,
            self.place_model,
            self.organization_model,
        ]

    def _sync_started(self) -> None:
        if self.sync_action is not None:
            self.sync_action.setEnabled(False)
        self.sync_progress.setRange(0, 0)
        self.sync_phase_label.setText(self.tr("Syncing…"))
        self.cancel_sync_button.setEnabled(True)
        for widget in (self.sync_phase_label, self.sync_progress, self.cancel_sync_button):
            widget.show()

    def _sync_progressed(self, phase: str, done: int, total: int) -> None:
        from gridclient.sync.engine import Phase

        if self.sync is not None and not self.sync.running:
            return  # a late signal after the run ended
        if phase in (Phase.UPLOAD, Phase.PUSH):
            for model in self._sync_models():
                model.set_uploading(True)
        if phase == Phase.UPLOAD:
            text = self.tr("Uploading photos {done}/{total}").format(done=done, total=total)
        elif phase == Phase.PUSH:
            text = self.tr("Uploaded {done} of {total} change(s)").format(done=done, total=total)
            self.refresh_status()  # the pending count goes down batch by batch
        elif phase == Phase.SEED:  # bytes: shown in MB, the bar in KiB (ints stay small)
            text = self.tr("Downloading the initial data package: {done} of {total} MB").format(
                done=f"{done / 1e6:.0f}", total=f"{total / 1e6:.0f}"
            )
            done, total = done >> 10, total >> 10
        elif phase == Phase.SEED_COPY:
            text = self.tr("Setting up the initial data package on this computer…")
        else:
            text = self.tr("Downloaded %n record(s)", "", done)
        if self.cancel_sync_button.isEnabled():
            self.sync_phase_label.setText(text)
        if total > 0:
            self.sync_progress.setRange(0, total)
            self.sync_progress.setValue(min(done, total))
        else:
            self.sync_progress.setRange(0, 0)

    def _sync_ended(self, message: str, *, error: bool = False) -> None:
        self.refresh_status()  # the last sync time, also when nothing else changed
        for model in self._sync_models():
            model.set_uploading(False)
        if self.sync_action is not None:
            self.sync_action.setEnabled(True)
        for widget in (self.sync_phase_label, self.sync_progress, self.cancel_sync_button):
            widget.hide()
        self.statusBar().showMessage(message, 30_000 if error else 10_000)

    def _sync_finished(self, report: object) -> None:
        from gridclient.sync.engine import SyncReport
        from gridclient.ui.login import error_message

        assert isinstance(report, SyncReport)
        if report.ok:
            text = self.tr("Sync finished: {up} uploaded, {down} downloaded.").format(
                up=report.pushed, down=report.received
            )
        elif report.errors:
            text = self.tr("Sync not finished: {error}").format(
                error=error_message(report.errors[0])
            )
        else:
            text = self.tr(
                "Sync finished, but the server refused %n change(s); see the records marked "
                "as rejected.",
                "",
                report.rejected,
            )
        self._sync_ended(text, error=not report.ok)

    def _sync_cancelled(self) -> None:
        self._sync_ended(
            self.tr("Sync cancelled. What was already synced is kept; sync again to finish.")
        )

    def _sync_failed(self, exc: object) -> None:
        from gridclient.ui.login import error_message

        assert isinstance(exc, BaseException)
        self._sync_ended(
            self.tr("Sync failed: {error}").format(error=error_message(exc)), error=True
        )

    def ask_password(self) -> None:
        """The server session expired: ask for the password (after unlocking, if locked)."""
        if self.sync is None:
            return
        if self._locked:
            self._reauth_pending = True
            return
        self._reauth_pending = False
        if self.password_prompt is not None:
            return  # already asking
        from gridclient.ui.login import PasswordPrompt

        prompt = PasswordPrompt(self.sync.reauthenticate, parent=self)
        prompt.finished.connect(self._prompt_closed)
        self.password_prompt = prompt
        self._show(prompt)

    def _prompt_closed(self) -> None:
        self.password_prompt = None

    def _load_failed(self, exc: BaseException) -> None:
        if self.ctx.store.discarded:
            return  # the device was marked lost: the window is closing, nothing to show
        log.error("loading failed", exc_info=exc)
        self.statusBar().showMessage(
            self.tr("Could not load the data: {error}").format(error=ui_text(exc)), 10_000
        )

    def _on_changed(self, changes: ChangeSet) -> None:
        """Update what ``changes`` touched and nothing else: lists whose membership or
        order may have changed rebuild their id lists (selection and scroll follow
        their records); lists whose rows were only edited re-read those rows."""
        if changes.source == "sync":
            self._catalog_stale = True  # the category filter re-reads the catalog
        elif changes.source == "edit" and (changes.kinds or changes.conflicts):
            self.statusBar().showMessage(
                self.tr("Saved on this computer; it is uploaded at the next sync."), 5000
            )
        if changes.touches(EntityKind.AREA):
            self._load_tree_and_status()
            self.load_all()
            return
        touched = changes.kinds
        ids = set(changes.ids) if changes.complete else None
        household_side = {EntityKind.RESIDENT, EntityKind.VISIT, EntityKind.EVENT}
        household_side.add(EntityKind.EVENT_ACTION)
        households_move = changes.moves(EntityKind.HOUSEHOLD)
        if EntityKind.HOUSEHOLD in touched:
            # Its own rows; the rolled-up columns of others (head, count, last visit,
            # sync state) when anything below a household changed.
            self.household_pane.model.refresh(None if touched & household_side else ids)
        elif touched & household_side or changes.sync_states:
            self.household_pane.model.refresh()
        if households_move or (changes.moves(EntityKind.VISIT) and self.recency.currentData()):
            self.load_households()
        if households_move and self.tree.show_counts:
            self._load_tree()  # the areas' household counts (a new, moved or removed one)
        if EntityKind.RESIDENT in touched or households_move:
            self.resident_pane.model.refresh(ids)
        if changes.moves(EntityKind.RESIDENT) or households_move:
            self.load_residents()
        if EntityKind.VISIT in touched:
            self.visit_pane.model.refresh(ids)
        if changes.moves(EntityKind.VISIT) or households_move:
            self.load_visits()
        if touched & {EntityKind.EVENT, EntityKind.EVENT_ACTION}:
            self.event_pane.model.refresh(ids if EntityKind.EVENT_ACTION not in touched else None)
        if changes.moves(EntityKind.EVENT) or EntityKind.EVENT_ACTION in touched:
            self.load_events()  # a step moves an event between state filters
        if EntityKind.PATROL in touched:
            self.patrol_pane.model.refresh(ids)
        if changes.moves(EntityKind.PATROL):
            self.load_patrols()
        if EntityKind.ORGANIZATION in touched:
            self.organization_pane.model.refresh(ids)
        if changes.moves(EntityKind.ORGANIZATION):
            self.load_organizations()
        if touched & {EntityKind.PLACE, EntityKind.PLACE_INSPECTION}:
            # A check changes its place's 最近检查 cell (and the open-hazard filter).
            self.place_pane.model.refresh(
                ids if EntityKind.PLACE_INSPECTION not in touched else None
            )
        if changes.moves(EntityKind.PLACE) or EntityKind.PLACE_INSPECTION in touched:
            self.load_places()
        if changes.sync_states:  # the sync column of the lists not refreshed above
            for pane in (
                self.resident_pane,
                self.visit_pane,
                self.event_pane,
                self.patrol_pane,
                self.place_pane,
                self.organization_pane,
            ):
                if pane.model.rowCount():
                    pane.model.refresh(set())
        if touched:
            self.refresh_dashboard()
        self.refresh_status()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.conflicts_view:
            self.conflicts_view.ensure_loaded()

    # -- search and dashboard links ---------------------------------------------------
    @_unless_locked
    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _search_places(self, query: str) -> None:
        """The search box narrows the 场所 list too: its text filter (name, address,
        person in charge) takes the query."""
        box = self.place_filters.text
        box.blockSignals(True)  # no second load after the typing pause
        box.setText(query.strip())
        box.blockSignals(False)
        self.load_places()

    def _show_hits(self, hits: object) -> None:
        if hits is None:
            self.household_pane.set_hits(None)
            self.resident_pane.set_hits(None)
            return
        assert isinstance(hits, SearchHits)
        self.household_pane.set_hits(hits.household_ids)
        self.resident_pane.set_hits(hits.resident_ids)
        self.resident_pane.ensure_loaded()  # search narrows both lists
        current = self.tabs.currentWidget()
        if current in (self.household_pane, self.resident_pane, self.place_pane):
            return
        if hits.household_ids or hits.resident_ids:
            self.tabs.setCurrentWidget(self.household_pane)
            return
        # No household or person: the places that match, if any, else the (empty) list.
        grids, bar, queries = self._area.grid_ids, self.place_filters, self.places
        kind, focus, text = bar.kind_value(), bar.focus_value(), bar.text_value()

        def found(ids: object) -> None:
            if text != bar.text_value() or self.tabs.currentWidget() is not current:
                return  # typed on, or moved on meanwhile
            places = isinstance(ids, list) and bool(ids)
            self.tabs.setCurrentWidget(self.place_pane if places else self.household_pane)

        self.runner.submit(lambda _ctx: queries.place_ids(grids, kind, focus, text), on_done=found)

    def show_not_visited(self, days: int) -> None:
        self.search_box.clear()
        self.search_box.flush()
        index = self.recency.findData(days)
        if index >= 0:
            self.recency.setCurrentIndex(index)
        self.tabs.setCurrentWidget(self.household_pane)

    def show_program(self, code: str) -> None:
        """A program bar of the 工作台: the households of that program."""
        index = self.program.findData(code)
        if index >= 0:
            self.program.setCurrentIndex(index)
        self.tabs.setCurrentWidget(self.household_pane)

    def show_hazards(self) -> None:
        """The hazards tile of the 工作台: the places with a hazard not yet rectified."""
        bar = self.place_filters
        bar.kind.setCurrentIndex(0)
        bar.text.clear()
        bar.focus.setCurrentIndex(bar.focus.findData(PlaceFocus.HAZARD.value))
        self.load_places()
        self.tabs.setCurrentWidget(self.place_pane)

    def show_grid_not_visited(self, grid_id: str, days: int) -> None:
        """A coverage bar: that grid in the area tree, its households not visited."""
        if not self.tree.select_area(grid_id):
            self.set_area(AreaFilter((grid_id,)))
        self.show_not_visited(days)

    def show_event_filter(self, wanted: object, category_name: str = "") -> None:
        """A chart's bar: the events list narrowed as the bar counts."""
        assert isinstance(wanted, EventFilter)
        self.event_filters.apply(wanted, category_name)
        self.tabs.setCurrentWidget(self.event_pane)

    def show_events(self, state: object) -> None:
        assert isinstance(state, EventStateFilter)
        self.event_filters.set_state(state.value)
        self.tabs.setCurrentWidget(self.event_pane)

    # -- opening records ----------------------------------------------------------------
    def _show(self, dialog: QDialog) -> None:
        """Window-modal and non-blocking, so the event loop (and auto-lock) keeps running."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @_unless_locked
    def open_household(self, household_id: str) -> None:
        self._show(
            HouseholdDialog(
                self.ctx, household_id, parent=self, on_open_household=self.open_household
            )
        )

    @_unless_locked
    def open_event(self, event_id: str) -> None:
        self._show(EventDialog(self.ctx, event_id, parent=self))

    @_unless_locked
    def new_visit(self, household_id: str) -> None:
        dialog = VisitDialog(self.ctx, household_id, parent=self)
        dialog.nextRequested.connect(self._visit_next_household)
        self._show(dialog)

    @_unless_locked
    def new_event(self, grid_id: str, household_id: str | None = None) -> None:
        self._show(EventReportDialog(self.ctx, grid_id, household_id, parent=self))

    def _visit_next_household(self) -> None:
        """走访 door to door: after "save and next", select the next household in the list
        and open a new visit for it."""
        table = self.household_pane.table
        row = table.currentIndex().row() + 1
        if self.tabs.currentWidget() is not self.household_pane or row <= 0:
            return
        if row >= table.model().rowCount():
            self.statusBar().showMessage(self.tr("That was the last household in the list."), 5000)
            return
        table.setCurrentIndex(table.model().index(row, 0))
        household_id = table.current_id()
        if household_id is not None:
            self.new_visit(household_id)

    def _open_resident(self, resident_id: str) -> None:
        household_id = self.residents.household_of(resident_id)
        if household_id is not None:
            self.open_household(household_id)

    @_unless_locked
    def open_patrol(self, patrol_id: str | None) -> None:
        """A patrol to correct, or a new one in the selected grid."""
        from gridclient.ui.patrol_dialog import PatrolDialog

        grids = self._area.grid_ids
        grid_id = grids[0] if grids and len(grids) == 1 else None
        self._show(PatrolDialog(self.ctx, patrol_id, grid_id=grid_id, parent=self))

    @_unless_locked
    def open_organization(self, organization_id: str | None) -> None:
        """An organization to edit, or a new one in the selected grid."""
        from gridclient.ui.organization_dialog import OrganizationDialog

        grids = self._area.grid_ids
        grid_id = grids[0] if grids and len(grids) == 1 else None
        self._show(OrganizationDialog(self.ctx, organization_id, grid_id=grid_id, parent=self))

    @_unless_locked
    def open_place(self, place_id: str | None) -> None:
        """A place to edit (and check), or a new one in the selected grid."""
        from gridclient.ui.place_dialog import PlaceDialog

        grids = self._area.grid_ids
        grid_id = grids[0] if grids and len(grids) == 1 else None
        self._show(PlaceDialog(self.ctx, place_id, grid_id=grid_id, parent=self))

    def _open_visit(self, visit_id: str) -> None:
        self.open_visit(visit_id)

    @_unless_locked
    def open_visit(self, visit_id: str) -> None:
        """A saved visit, read-only, with its photos and a 更正 button."""
        from gridclient.ui.visit_detail import VisitDetailDialog

        self._show(VisitDetailDialog(self.ctx, visit_id, parent=self))

    def selected_household(self) -> str | None:
        """The household of the selected row in the current list, if any."""
        pane = self.tabs.currentWidget()
        if pane is self.household_pane:
            return self.household_pane.table.current_id()
        if pane is self.resident_pane:
            resident_id = self.resident_pane.table.current_id()
            return None if resident_id is None else self.residents.household_of(resident_id)
        if pane is self.visit_pane:
            visit_id = self.visit_pane.table.current_id()
            return None if visit_id is None else self.visits.household_of(visit_id)
        return None

    @_unless_locked
    def new_visit_for_selection(self) -> None:
        household_id = self.selected_household()
        if household_id is None:
            self.statusBar().showMessage(self.tr("Select a household first."), 5000)
            return
        self.new_visit(household_id)

    def _tree_menu(self, pos: QPoint) -> None:
        """The area tree's context menu: the clicked area becomes the selection, then
        新建住户 (which asks for one grid when the area holds several)."""
        index = self.tree.indexAt(pos)
        if not index.isValid() or not self.new_household_action.isVisible():
            return
        self.tree.setCurrentIndex(index)
        menu = QMenu(self.tree)
        menu.addAction(self.new_household_action)
        self.tree_menu = menu
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    @_unless_locked
    def new_household_for_selection(self) -> None:
        """新建住户 in the grid selected in the area tree (or the user's only grid), and
        in its micro-grid when one is selected."""
        grids = self._area.grid_ids or self._my_grids or ()
        if len(grids) != 1:
            self.statusBar().showMessage(
                self.tr("Select one grid (or micro-grid) in the area tree first."), 5000
            )
            return
        self.new_household(grids[0], self._area.micro_grid_id)

    @_unless_locked
    def new_household(self, grid_id: str, micro_grid_id: str | None = None) -> None:
        dialog = HouseholdDialog(
            self.ctx,
            None,
            grid_id=grid_id,
            micro_grid_id=micro_grid_id,
            parent=self,
            on_open_household=self.open_household,
        )
        dialog.saved.connect(self._household_created)
        self._show(dialog)

    def _household_created(self, household_id: str) -> None:
        self.statusBar().showMessage(self.tr("Saved. The household is in the list."), 5000)
        self.tabs.setCurrentWidget(self.household_pane)

    @_unless_locked
    def new_event_for_selection(self) -> None:
        grids = self._area.grid_ids or self._my_grids
        if not grids:
            self.statusBar().showMessage(self.tr("Select a grid first."), 5000)
            return
        self.new_event(grids[0], self.selected_household())

    # -- lock -------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self._locked

    def lock(self, *, idle: bool = False) -> None:
        """Cover everything: lists, menus, tool bar, status bar and every other window
        of the app (dialogs, print previews, message boxes, open menus); until unlocked,
        no action, shortcut or input reaches anything but the lock screen
        (:class:`~gridclient.ui.lock.LockGuard`). ``idle``: locked by the idle timer,
        else on request (Ctrl+L); the lock screen says which."""
        if self._locked:
            return
        self._locked = True
        if self.idle is not None:
            self.idle.pause()
        self._disabled_actions = [a for a in self._lockable_actions() if a.isEnabled()]
        for action in self._disabled_actions:
            action.setEnabled(False)
        self.lock_guard.engage()
        self.menuBar().setEnabled(False)
        self.menuBar().hide()
        self.toolbar.hide()
        self.statusBar().hide()
        self.content.hide()
        self.lock_screen.set_reason(idle=idle)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.reset()
        log.info("window locked (%s)", "idle" if idle else "on request")

    def _lockable_actions(self) -> list[QAction]:
        """The window's own actions and every action of its menus."""
        found = list(self._actions)
        for menu in self.menuBar().findChildren(QMenu):
            found.extend(menu.actions())
        found.extend(self.menuBar().actions())
        return list(dict.fromkeys(a for a in found if not a.isSeparator()))

    def unlock(self) -> None:
        if not self._locked:
            return
        self._locked = False
        self.stack.setCurrentWidget(self.content)
        self.content.show()
        self.menuBar().setEnabled(True)
        self.menuBar().show()
        self.toolbar.show()
        self.statusBar().show()
        for action in self._disabled_actions:
            action.setEnabled(True)
        self._disabled_actions = []
        if self.sync_action is not None and self.sync is not None and self.sync.running:
            self.sync_action.setEnabled(False)  # until the running sync ends
        self.lock_guard.release()
        if self.idle is not None:
            self.idle.resume()
        log.info("window unlocked")
        if self._reauth_pending:
            self.ask_password()

    def _device_lost(self) -> None:
        """An administrator marked this computer lost and the store is wiped: every
        window closes (nothing of the data may stay on screen), one message says why."""
        from gridclient.sync.errors import DeviceLost
        from gridclient.ui.login import error_message

        box = QMessageBox(
            QMessageBox.Icon.Critical,
            self.tr("Computer reported lost"),
            error_message(DeviceLost()),
        )
        self._lost_box = box  # no parent (this window closes): keep it alive
        box.open()
        for window in QApplication.topLevelWidgets():
            if window is not box and window.isVisible():
                window.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.geometry_store.save(self)
        self.lock_guard.stop()
        if self.idle is not None:
            self.idle.stop()
        if self.sync is not None:
            self.sync.stop()
        self.runner.shutdown()
        super().closeEvent(event)


def _held_kind(value: str) -> str:
    try:
        return EntityKind(value).label
    except ValueError:  # a kind this version does not know
        return value


def _hint(action: QAction, text: str) -> None:
    """A tool tip that says what the action does and its shortcut: "同步（F9）"."""
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(
        QCoreApplication.translate("MainWindow", "{text} ({keys})").format(text=text, keys=keys)
        if keys
        else text
    )


def _labelled(text: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(TextLabel(text))
    layout.addWidget(widget)
    return box
