"""Two laptops and a real server: a worker adds a household while the area tree is open
deep, syncs, and the township sees it. Screenshots in docs/screenshots/ (1366×768):

    QT_QPA_PLATFORM=offscreen python docs/make_tree_journey.py

1. ``gridserver load-demo --size S`` into a scratch database and ``gridserver serve``;
2. ``gridclient sync`` (a first pull) on two data directories: worker01 and township01;
3. worker01's main window: the worker opens a grid down to its micro-grids, selects one
   (``tree_journey_before``) and saves a new household there through the household dialog
   (``tree_journey_after_save``: the tree still open at the same place, counts + 1);
4. ``gridclient sync`` for the worker, then for the township;
5. township01's main window with the household list of that grid (``tree_journey_township``)
   and its 微网格联户名册 as PDF (``tree_journey_roster.pdf`` beside the screenshots).

Prints what each actor's store says about the new household.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shots import OUT, chinese_app, laptop_screen, maximise
from sqlalchemy import select

from gridclient.storage.models import AreaRow, HouseholdRow
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.session import log_in
from gridclient.sync.signin import user_info
from gridclient.ui.context import AppContext
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD

ADDRESS = "新村2组18号"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str) -> str:
    env = {**os.environ, "GRIDCLIENT_PASSWORD": DEMO_PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "gridclient", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"gridclient {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def _type(widget: QWidget, text: str) -> None:
    """As an IME types Chinese: a key event per character carrying its text."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _sync(data: Path, url: str, user: str) -> str:
    return _cli("--data-dir", str(data), "sync", "--server", url, "--user", user)


def _settle(seconds: float = 0.5) -> None:
    app = chinese_app()[0]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        database = f"sqlite:///{root / 'server.sqlite3'}"
        gridserver = [sys.executable, "-m", "gridserver", "--database", database]
        subprocess.run([*gridserver, "load-demo", "--size", "S"], check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen(
            [*gridserver, "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            time.sleep(3)
            laptops = {"worker01": root / "w", "township01": root / "t"}
            for user, data in laptops.items():
                print(
                    user,
                    "first sync:",
                    _sync(data, url, user),
                )

            # The worker's window, the tree open down to a micro-grid.
            session = log_in(
                laptops["worker01"], url, "worker01", DEMO_PASSWORD, MemoryTokenStore()
            )
            ctx = AppContext(session.store, TaskRunner(synchronous=True), user_info(session))
            window = MainWindow(ctx)
            maximise(window)
            window.show()
            _settle()
            grid = ctx.user.grid_ids[0]
            with session.store.engine.connect() as conn:
                micro = conn.execute(
                    select(AreaRow.id).where(
                        AreaRow.parent_id == grid, AreaRow.level == "micro_grid"
                    )
                ).scalar()
            assert micro is not None
            tree = window.tree
            tree.expand(tree._find(grid))  # type: ignore[arg-type]
            assert tree.select_area(micro)
            window.tabs.setCurrentWidget(window.household_pane)
            _settle()
            laptop_screen(app, window, name="tree_journey_before")
            window.new_household_action.trigger()
            [dialog] = [d for d in window.findChildren(HouseholdDialog) if d.isVisible()]
            _type(dialog.address_edit, ADDRESS)
            dialog.save_button.click()
            _settle(1.0)
            laptop_screen(app, window, name="tree_journey_after_save")
            print(
                "worker tree after the save: grid open",
                tree.isExpanded(tree._find(grid)),  # type: ignore[arg-type]
                "| selected",
                tree.currentIndex().data(),
            )
            window.close()
            session.close()

            print("worker sync:", _sync(laptops["worker01"], url, "worker01"))
            print("township sync:", _sync(laptops["township01"], url, "township01"))

            # The township's window on the same grid.
            session = log_in(
                laptops["township01"], url, "township01", DEMO_PASSWORD, MemoryTokenStore()
            )
            ctx = AppContext(session.store, TaskRunner(synchronous=True), user_info(session))
            with session.store.engine.connect() as conn:
                found = conn.execute(
                    select(HouseholdRow.grid_id).where(HouseholdRow.address == ADDRESS)
                ).all()
            print("township store holds", ADDRESS, "in grid", [g for (g,) in found])
            window = MainWindow(ctx)
            maximise(window)
            window.show()
            _settle()
            window.tree.select_area(grid)
            window.tabs.setCurrentWidget(window.household_pane)
            window.search_box.setText(ADDRESS)
            window.search_box.flush()
            _settle()
            laptop_screen(app, window, name="tree_journey_township")
            window.close()
            session.close()
            pdf = OUT / "tree_journey_roster.pdf"
            print(
                _cli(
                    "--data-dir",
                    str(laptops["township01"]),
                    "report",
                    "微网格联户名册",
                    "--area",
                    grid,
                    "--pdf",
                    str(pdf),
                    "--user",
                    "township01",
                    "--server",
                    url,
                )
            )
        finally:
            server.terminate()
            server.wait(10)
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
