"""Screenshots of one person, one record: the 冲突 tab listing a resident the server
refused because the ID number is registered in another grid, before and after the
worker asks for a move.

    QT_QPA_PLATFORM=offscreen python docs/make_registration_screenshots.py

Starts the demo (embedded server, the demo grid worker logged in and synced); township
staff on a second "computer" register 张桂芳 in another grid of the township; the worker,
whose laptop does not hold that grid (so it cannot warn), registers her in a new household
of the worker's grid and syncs: the server refuses the entry, naming the grid only.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from shots import chinese_app, save
from sqlalchemy import select

from gridclient.config import Paths
from gridclient.demo.bootstrap import DEMO_SERVER, open_demo
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import SyncEngine
from gridclient.sync.session import log_in
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD
from gridcore.domain import idnumber
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import AreaLevel, Role
from gridserver import admin
from gridserver.db import Database, records, users

ZHANG = "11010519400315002" + idnumber.check_character("11010519400315002")


def connection_code(db: Database, area_id: str) -> str:
    with db.engine.connect() as connection:
        fields = connection.execute(
            select(records.c.fields).where(records.c.kind == "area", records.c.id == area_id)
        ).scalar_one()
    return str(fields["code"])


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        demo = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            grids = list(demo.info.grid_ids)
            db = demo.server.db
            with db.engine.connect() as connection:
                township_user = connection.execute(
                    select(users.c.username)
                    .where(users.c.role == Role.TOWNSHIP.value)
                    .order_by(users.c.id)
                    .limit(1)
                ).scalar_one()
                grid = connection.execute(
                    select(records.c.parent_id, records.c.fields).where(
                        records.c.kind == "area", records.c.id == grids[0]
                    )
                ).one()
            code = str(grid.fields["code"])
            village = connection_code(db, grid.parent_id)
            other_grid = admin.add_area(
                db, code[:-3] + "009", "李楼村第九网格", AreaLevel.GRID, village
            )
            staff = log_in(
                Path(tmp) / "township",
                demo.server.url,
                township_user,
                DEMO_PASSWORD,
                MemoryTokenStore(),
                store_key=DEMO_SERVER,
            )
            try:
                there = Household(grid_id=other_grid, address="李楼村 3 组 12 号", number="0912")
                with staff.store.unit_of_work(actor=township_user) as uow:
                    uow.create(there)
                    uow.create(Resident(household_id=there.id, name="张桂芳", id_number=ZHANG))
                assert SyncEngine(staff.store, staff.transport).run().ok
            finally:
                staff.close()
            home = Household(grid_id=grids[0], address="新村路 18 号（租住）", number="")
            person = Resident(household_id=home.id, name="张桂芳", id_number=ZHANG)
            with demo.store.unit_of_work(actor=demo.username) as uow:
                uow.create(home)
                uow.create(person)
            report = SyncEngine(demo.store, demo.session.transport).run()
            assert report.rejected == 1, report
            ctx = AppContext(demo.store, TaskRunner(synchronous=True), demo.info)
            window = MainWindow(ctx)
            window.resize(1280, 860)
            window.show()
            window.tabs.setCurrentWidget(window.conflicts_view)
            save(app, window, "registered_elsewhere")
            window.conflicts_view.registrations.confirm = lambda *_args: True
            window.conflicts_view.registrations.move_button.click()
            save(app, window, "registered_elsewhere_move_requested")
            window.close()
        finally:
            demo.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
