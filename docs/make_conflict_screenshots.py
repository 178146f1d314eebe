"""Screenshots of sync visibility: the conflicts view, the households table's sync
column and the household dialog's sync banner, from conflicts made for real.

    QT_QPA_PLATFORM=offscreen python docs/make_conflict_screenshots.py

Starts the demo (embedded server, the demo grid worker logged in and synced), logs a
township user of the demo in on a second "computer", lets both change the same fields
of the worker's first households, and syncs in that order, so the worker's store holds
the conflicts the server reported. One more edit stays unsynced (待同步).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from shots import chinese_app, laptop_screen, laptop_size, maximise
from sqlalchemy import select

from gridclient.config import Paths
from gridclient.demo.bootstrap import DEMO_SERVER, open_demo
from gridclient.storage.store import Store
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import SyncEngine
from gridclient.sync.session import log_in
from gridclient.ui.context import AppContext
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD
from gridcore.domain import codec
from gridcore.domain.enums import EntityKind, Role
from gridserver.db import users

H = EntityKind.HOUSEHOLD


def _edit(store: Store, actor: str, kind: EntityKind, record_id: str, **changes: object) -> None:
    with store.unit_of_work(actor=actor) as uow:
        stored = uow.repos.records.get_kind(kind, record_id)
        assert stored is not None
        uow.update(codec.replace(stored, changes))


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        demo = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            with demo.server.db.engine.connect() as connection:
                township_user = connection.execute(
                    select(users.c.username)
                    .where(users.c.role == Role.TOWNSHIP.value)
                    .order_by(users.c.id)
                    .limit(1)
                ).scalar_one()
            other = log_in(
                Path(tmp) / "township",
                demo.server.url,
                township_user,
                DEMO_PASSWORD,
                MemoryTokenStore(),
                store_key=DEMO_SERVER,
            )
            try:
                SyncEngine(other.store, other.transport).run()
                first, second, third = demo.queries.household_ids(list(demo.info.grid_ids))[:3]
                worker = demo.username
                _edit(demo.store, worker, H, first, phone="13812345678")
                _edit(demo.store, worker, H, second, notes="老人独居，子女在外地，每周电话联系")
                _edit(other.store, township_user, H, first, phone="13987654321")
                _edit(other.store, township_user, H, second, notes="已申请居家养老上门服务")
                assert SyncEngine(demo.store, demo.session.transport).run().ok
                assert SyncEngine(other.store, other.transport).run().conflicts == 2
                assert SyncEngine(demo.store, demo.session.transport).run().ok
                _edit(demo.store, worker, H, third, notes="门牌已更换")  # stays unsynced
            finally:
                other.close()
            ctx = AppContext(demo.store, TaskRunner(synchronous=True), demo.info)
            window = MainWindow(ctx)
            maximise(window)  # as on a 1366×768 laptop
            window.show()
            window.tabs.setCurrentWidget(window.household_pane)
            window.household_pane.table.selectRow(0)
            laptop_screen(app, window, name="households_sync")
            window.tabs.setCurrentWidget(window.conflicts_view)
            window.conflicts_view.table.selectRow(0)
            laptop_screen(app, window, name="conflicts")
            dialog = HouseholdDialog(ctx, first, parent=window)
            dialog.show()
            laptop_size(dialog)
            laptop_screen(app, window, dialog, name="household_dialog_sync")
            dialog.close()
            window.close()
        finally:
            demo.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
