"""Lists a worker can narrow, driven through the real main window on the demo township:
the events filters (words, category, ledger, state, period, 超期) against the workflow's
own derivation, the visits filters (period, method), the sync column on every list, the
冲突 tab's count, the searchable household picker of 上报事件 and the events table's
columns at 1366×768 and 1280×800."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridclient.storage.queries import EventStateFilter, natural_key
from gridclient.storage.syncmeta import Conflict
from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventReportDialog
from gridclient.ui.list_filters import CUSTOM, LAST_MONTH, THIS_MONTH, period_span
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import CST, Event, EventAction, Household, Resident
from gridcore.domain.enums import (
    EntityKind,
    EventActionKind,
    EventSource,
    Ledger,
    Relation,
    Role,
    VisitMethod,
)
from gridcore.domain.workflow import EventStatus, event_status
from tests.demo_store import DemoStore
from tests.ui.test_forms import type_text


@pytest.fixture
def demo(demo_store: DemoStore) -> DemoStore:
    return demo_store


@pytest.fixture
def window(qtbot: QtBot, demo: DemoStore) -> MainWindow:
    win = MainWindow(AppContext(demo.store, TaskRunner(synchronous=True), demo.info))
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.search_controller.is_ready, timeout=5000)
    return win


def _histories(demo: DemoStore) -> tuple[dict[str, Event], dict[str, EventStatus]]:
    now = datetime.now(UTC)
    with demo.store.read() as repos:
        catalog = repos.catalog.load()
        histories = [h for g in demo.info.grid_ids for h in repos.records.events_of_grid(g)]
    events = {h.event.id: h.event for h in histories}
    statuses = {h.event.id: event_status(h.event, h.actions, catalog, now) for h in histories}
    return events, statuses


def _shown(window: MainWindow) -> set[str]:
    return set(window.event_model.ids())


def test_event_filters_compose_and_agree_with_the_event_dialog(
    qtbot: QtBot, window: MainWindow, demo: DemoStore
) -> None:
    events, statuses = _histories(demo)
    bar = window.event_filters
    window.tabs.setCurrentWidget(window.event_pane)
    assert _shown(window) == set(events)
    # The category list arrives from the catalog once the list is on screen.
    qtbot.waitUntil(lambda: bar.category.count() > 1)

    # 超期: open past the deadline or finished after it, exactly the dialog's flag.
    overdue = {i for i, s in statuses.items() if s.overdue}
    assert overdue and overdue != {i for i, s in statuses.items() if s.is_open and s.overdue}
    bar.overdue.click()
    assert _shown(window) == overdue
    assert window.event_pane.count_label.text() == f"{len(overdue)} event(s)"

    # … and a category on top of it (the commonest among the overdue ones).
    codes = [events[i].category_code for i in overdue]
    code = max(set(codes), key=codes.count)
    bar.category.setCurrentIndex(bar.category.findData(code))
    assert _shown(window) == {i for i in overdue if events[i].category_code == code}
    bar.clear_button.click()
    assert _shown(window) == set(events) and not bar.overdue.isChecked()

    # One state, as the dialog derives it.
    states = [s.state for s in statuses.values()]
    state = max(set(states), key=states.count)
    bar.state.setCurrentIndex(bar.state.findData(state.value))
    assert _shown(window) == {i for i, s in statuses.items() if s.state is state}
    bar.set_state(EventStateFilter.FINISHED.value)
    assert _shown(window) == {i for i, s in statuses.items() if not s.is_open}
    bar.set_state(EventStateFilter.ALL.value)

    # 三本账.
    bar.ledger.setCurrentIndex(bar.ledger.findData(Ledger.COMPLAINT.value))
    assert _shown(window) == {i for i, e in events.items() if e.ledger is Ledger.COMPLAINT}
    bar.ledger.setCurrentIndex(0)

    # Words of a title, typed: the list follows once typing pauses.
    title = next(iter(events.values())).title
    word = title[:2]
    type_text(qtbot, bar.text, word)
    expected = {i for i, e in events.items() if word in e.title + e.description + e.location}
    qtbot.waitUntil(lambda: _shown(window) == expected, timeout=3000)
    bar.text.clear()
    qtbot.waitUntil(lambda: _shown(window) == set(events), timeout=3000)

    # A custom period of report dates, both days included (China time).
    days = sorted({e.reported_at.astimezone(CST).date() for e in events.values()})
    start, end = days[len(days) // 3], days[2 * len(days) // 3]
    bar.period.set_span(start, end)
    assert bar.period.choice.currentData() == CUSTOM
    assert _shown(window) == {
        i for i, e in events.items() if start <= e.reported_at.astimezone(CST).date() <= end
    }

    # Everything at once: still one SQL query, the intersection of each part.
    bar.overdue.click()
    bar.ledger.setCurrentIndex(bar.ledger.findData(Ledger.APPEAL.value))
    assert _shown(window) == {
        i
        for i, e in events.items()
        if start <= e.reported_at.astimezone(CST).date() <= end
        and statuses[i].overdue
        and e.ledger is Ledger.APPEAL
    }


def test_the_dashboards_overdue_link_shows_open_overdue_events(
    window: MainWindow, demo: DemoStore
) -> None:
    _events, statuses = _histories(demo)
    window.show_events(EventStateFilter.OVERDUE)
    assert window.tabs.currentWidget() is window.event_pane
    assert _shown(window) == {i for i, s in statuses.items() if s.is_open and s.overdue}


def test_the_grid_chosen_in_the_tree_narrows_the_events(
    window: MainWindow, demo: DemoStore
) -> None:
    events, _statuses = _histories(demo)
    window.tabs.setCurrentWidget(window.event_pane)
    grid = demo.info.grid_ids[0]
    assert window.tree.select_area(grid)
    assert _shown(window) == {i for i, e in events.items() if e.grid_id == grid}


def test_visit_filters_period_and_method(window: MainWindow, demo: DemoStore) -> None:
    with demo.store.read() as repos:
        visits = [v for g in demo.info.grid_ids for v in repos.records.visits_of_grid(g)]
    corrected = {v.corrects_id for v in visits if v.corrects_id}
    visits = [v for v in visits if v.id not in corrected]
    bar = window.visit_filters
    window.tabs.setCurrentWidget(window.visit_pane)
    assert set(window.visit_model.ids()) == {v.id for v in visits}

    bar.method.setCurrentIndex(bar.method.findData(VisitMethod.PHONE.value))
    phone = {v.id for v in visits if v.method is VisitMethod.PHONE}
    assert phone and set(window.visit_model.ids()) == phone

    bar.period.set_choice(LAST_MONTH)
    start, end = period_span(LAST_MONTH, datetime.now(CST).date())
    assert start is not None and end is not None

    def day(v: object) -> date:
        return v.visited_at.astimezone(CST).date()  # type: ignore[attr-defined]

    expected = {v.id for v in visits if v.method is VisitMethod.PHONE and start <= day(v) <= end}
    assert set(window.visit_model.ids()) == expected
    assert window.visit_pane.count_label.text() == f"{len(expected)} visit(s)"
    bar.clear_button.click()
    assert set(window.visit_model.ids()) == {v.id for v in visits}
    assert bar.period.choice.currentData() != THIS_MONTH


def test_every_list_shows_sync_state(qtbot: QtBot, window: MainWindow, demo: DemoStore) -> None:
    """A change not sent yet shows 待同步 on its row in the residents, visits and events
    lists (an event's new step counts for the event), and nothing once synced."""
    grid = demo.info.grid_ids[0]
    with demo.store.read() as repos:
        home = repos.records.households_of_grid(grid)[0]
        person = repos.records.residents_of_household(home.id)[0]
        visit = repos.records.visits_of_grid(grid)[0]
        history = repos.records.events_of_grid(grid)[0]
    fresh = dataclasses.replace(
        visit,
        id=str(uuid.uuid4()),
        version=0,
        updated_at=None,
        server_at=None,
        attachments=(),
        corrects_id=None,
        visited_at=datetime.now(UTC),
    )
    window.ctx.write(
        lambda uow: (
            uow.update(dataclasses.replace(person, notes="新的备注")),
            uow.append(fresh),
            uow.append(
                EventAction(
                    event_id=history.event.id,
                    kind=EventActionKind.COMMENT,
                    actor="worker01",
                    actor_role=Role.WORKER,
                    at=datetime.now(UTC),
                    comment="已电话联系",
                )
            ),
        )
    )
    lists = {
        window.resident_pane: (window.resident_model, person.id, "To sync"),
        window.visit_pane: (window.visit_model, fresh.id, "To sync"),
        window.event_pane: (window.event_model, history.event.id, "To sync"),
    }
    for pane, (model, record_id, text) in lists.items():
        window.tabs.setCurrentWidget(pane)
        row = model.row_of(record_id)
        assert row >= 0
        cell = model.index(row, model.sync_column)
        qtbot.waitUntil(lambda c=cell, t=text: c.data() == t)
        if pane is window.visit_pane:  # the older visit, synced long ago
            old = model.index(model.row_of(visit.id), model.sync_column)
            assert old.data() == ""
        assert model.headerData(model.sync_column, Qt.Orientation.Horizontal) == "Sync"


def test_the_conflicts_tab_counts_what_waits_for_a_decision(
    qtbot: QtBot, window: MainWindow, demo: DemoStore
) -> None:
    tab = window.tabs.indexOf(window.conflicts_view)
    assert window.tabs.tabText(tab) == "Conflicts"
    with demo.store.read() as repos:
        homes = repos.records.households_of_grid(demo.info.grid_ids[0])[:3]
    with demo.store.write() as repos:
        for n, home in enumerate(homes):
            repos.conflicts.add(
                Conflict(
                    id=f"c0000000-0000-4000-8000-00000000000{n}",
                    entity=EntityKind.HOUSEHOLD,
                    entity_id=home.id,
                    field="phone",
                    base=home.phone,
                    mine="13911111111",
                    theirs="13922222222",
                    created_at=datetime.now(UTC),
                    mine_side="incoming",
                    server_user="township01",
                    incoming_user="worker01",
                )
            )
    window.refresh_status()  # as after a sync
    qtbot.waitUntil(lambda: window.tabs.tabText(tab) == "Conflicts (3)")
    window.ctx.write(lambda uow: uow.resolve("c0000000-0000-4000-8000-000000000000", "server"))
    qtbot.waitUntil(lambda: window.tabs.tabText(tab) == "Conflicts (2)")


def test_the_report_dialogs_picker_searches_and_sorts_addresses_naturally(
    qtbot: QtBot, window: MainWindow, demo: DemoStore
) -> None:
    grid = demo.info.grid_ids[0]
    with demo.store.read() as repos:
        homes = [h for h in repos.records.households_of_grid(grid) if h.moved_out_on is None]
        heads = {
            h.id: next(
                (
                    r.name
                    for r in repos.records.residents_of_household(h.id)
                    if r.relation is Relation.HEAD
                ),
                "",
            )
            for h in homes
        }
    # 1组10号 after 1组9号: add both to the grid, 10 first.
    with demo.store.unit_of_work(actor="worker01") as uow:
        for number, head in (("10", "张国庆"), ("9", "欧阳晓峰")):
            home = Household(grid_id=grid, address=f"测试村1组{number}号", number=f"T{number}")
            uow.create(home)
            uow.create(Resident(household_id=home.id, name=head, relation=Relation.HEAD))
    window.new_event(grid)
    dialog = window.findChild(EventReportDialog)
    assert dialog is not None
    picker = dialog.household_picker
    qtbot.waitUntil(lambda: picker.combo.count() > 2)
    texts = [picker.combo.itemText(i) for i in range(1, picker.combo.count())]
    addresses = [t.split(" · ")[0] for t in texts]
    assert addresses == sorted(addresses, key=natural_key)
    assert addresses.index("测试村1组9号") < addresses.index("测试村1组10号")
    # 户主 names beside the addresses.
    for row in range(1, picker.combo.count()):
        head = heads.get(picker.combo.itemData(row), "")
        assert head in picker.combo.itemText(row)
    assert sum(1 for h in heads.values() if h) > len(heads) // 2

    type_text(qtbot, picker.search, "oyxf")  # 欧阳晓峰's initials
    assert picker.current_id() is not None
    assert "欧阳晓峰" in picker.combo.currentText()
    assert picker.combo.count() == 2  # (none) and the one match
    picker.search.clear()
    type_text(qtbot, picker.search, "测试村 1组10号")
    assert "测试村1组10号" in picker.combo.currentText()
    picker.search.clear()
    type_text(qtbot, picker.search, "没有这个地址")
    assert picker.current_id() is None and picker.matches_label.text() == "No household matches"
    dialog.close()


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800), (1280, 720)])
def test_the_events_table_keeps_its_overdue_and_sync_columns_whole(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.event_pane)
    table = window.event_pane.table
    header = table.horizontalHeader()
    model = window.event_model
    viewport = table.viewport().width()
    for column in (model.OVERDUE_COLUMN, model.sync_column):
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= viewport, (column, right, viewport)
        assert header.sectionSize(column) >= 50
    assert header.sectionSize(0) >= 200  # the title takes what is left
    assert table.horizontalScrollBar().maximum() == 0
    # Every filter fits beside the list at that size.
    bar = window.event_filters
    assert bar.clear_button.geometry().right() <= bar.width()
    assert bar.state.geometry().right() <= bar.width()
    assert bar.width() <= window.event_pane.width()
    count = window.event_pane.count_label
    assert count.geometry().right() <= window.event_pane.width()
    assert count.text() == f"{model.rowCount()} event(s)"


def test_period_spans() -> None:
    today = date(2026, 3, 15)
    assert period_span(THIS_MONTH, today) == (date(2026, 3, 1), today)
    assert period_span(LAST_MONTH, today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_span(LAST_MONTH, date(2026, 1, 5)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert period_span("last_7", today) == (today - timedelta(days=6), today)
    assert period_span("all", today) == (None, None)


def test_events_filter_by_source(qtbot: QtBot, window: MainWindow, demo: DemoStore) -> None:
    """来源: the events township staff took in by one channel (热线, 来访 …)."""
    events, _statuses = _histories(demo)
    bar = window.event_filters
    window.tabs.setCurrentWidget(window.event_pane)
    taken_in = [e.source for e in events.values() if e.source is not EventSource.GRID_WORKER]
    assert taken_in, "the demo has township intake"
    source = max(set(taken_in), key=taken_in.count)
    bar.source.setCurrentIndex(bar.source.findData(source.value))
    assert _shown(window) == {i for i, e in events.items() if e.source is source}
    bar.clear_button.click()
    assert bar.source.currentIndex() == 0 and _shown(window) == set(events)
