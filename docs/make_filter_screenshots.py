"""Screenshots of the list filters at 1366×768 (the commonest village laptop screen).

    QT_QPA_PLATFORM=offscreen python docs/make_filter_screenshots.py

The events list narrowed to overdue 利益诉求 events of the last 30 days, the visits list
narrowed to the last 30 days of 电话回访, the 上报事件 household picker (its list in
natural address order, then searching by pinyin initials) and the 冲突 tab with its
count. Demo data in a throw-away data directory, Chinese UI, synchronous task runner.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication, QComboBox
from shots import OUT, chinese_app, laptop_screen, laptop_size, maximise, save

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.storage.syncmeta import Conflict
from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventReportDialog
from gridclient.ui.list_filters import LAST_30
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind, Ledger, VisitMethod


def _popup(app: QApplication, combo: QComboBox, name: str) -> None:
    combo.showPopup()
    for _ in range(10):
        app.processEvents()
    path = OUT / f"{name}.png"
    combo.view().window().grab().save(str(path))
    print(path)
    combo.hidePopup()


def _picker(app: QApplication, window: MainWindow, grid: str) -> None:
    window.new_event(grid)
    dialog = window.findChild(EventReportDialog)
    assert dialog is not None
    laptop_size(dialog)
    picker = dialog.household_picker
    for _ in range(20):
        app.processEvents()
    _popup(app, picker.combo, "event_report_picker_list_all")  # natural address order
    picker.search.setText("wjs")  # 王建设's initials
    save(app, dialog, "event_report_picker")
    _popup(app, picker.combo, "event_report_picker_list")
    dialog.close()


def _conflicts(app: QApplication, window: MainWindow, households: list[Household]) -> None:
    store = window.ctx.store
    with store.write() as repos:
        for n, home in enumerate(households):
            repos.conflicts.add(
                Conflict(
                    id=f"c0000000-0000-4000-8000-00000000000{n}",
                    entity=EntityKind.HOUSEHOLD,
                    entity_id=home.id,
                    field="phone",
                    base=home.phone,
                    mine="13911112222",
                    theirs="13933334444",
                    created_at=datetime.now(UTC),
                    mine_side="incoming",
                    server_user="township01",
                    incoming_user="worker01",
                )
            )
    window.refresh_status()
    window.tabs.setCurrentWidget(window.conflicts_view)
    laptop_screen(app, window, name="conflicts_tab_count")


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            window = MainWindow(ctx)
            maximise(window)  # as on a 1366×768 laptop
            window.show()
            grid = session.info.grid_ids[0]

            window.tabs.setCurrentWidget(window.event_pane)
            bar = window.event_filters
            for _ in range(10):
                app.processEvents()
            bar.overdue.setChecked(True)
            bar.ledger.setCurrentIndex(bar.ledger.findData(Ledger.APPEAL.value))
            bar.period.set_choice(LAST_30)
            laptop_screen(app, window, name="events_filtered")
            bar.clear()
            bar.period.set_choice("custom")
            bar.text.setText("噪音")
            bar.text.returnPressed.emit()
            laptop_screen(app, window, name="events_filtered_custom")
            bar.clear()

            window.tabs.setCurrentWidget(window.visit_pane)
            visits = window.visit_filters
            visits.period.set_choice(LAST_30)
            visits.method.setCurrentIndex(visits.method.findData(VisitMethod.PHONE.value))
            laptop_screen(app, window, name="visits_filtered")
            visits.clear()

            with session.store.read() as repos:
                homes = repos.records.households_of_grid(grid)
            _picker(app, window, grid)
            _conflicts(app, window, homes[:3])
            window.close()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
