"""A township's first sync in the window, from a seed (issue 18 item 4). Screenshots in
docs/screenshots/ (1366×768):

    QT_QPA_PLATFORM=offscreen python docs/make_seed_screenshots.py

1. ``gridserver load-demo --size S`` into a scratch database, a service account of
   township01's scope (``gridserver add-user``), ``gridserver serve --seeds-dir``;
2. ``gridclient seed`` as IT runs it (the service account's pull, then the seed file);
3. township01 signs in on a new laptop (a fresh data directory) and clicks 同步 in the
   main window: ``seed_download`` (the progress line while the package downloads),
   ``seed_copy`` (while it is written into the store), ``seed_done`` (the list after it).

S's seed (8 MB) downloads and is copied in well under a second, too quick for the
transient progress lines to be photographed: the script slows the sync thread down
(64 KiB chunks with a 20 ms pause each, a 1.5 s pause before the copy) — only here.

Prints the seed maker's line and the window's sync report.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from shots import chinese_app, laptop_screen, maximise
from sqlalchemy import create_engine, text

from gridclient.storage import seed
from gridclient.sync import transport
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import Phase, SyncReport
from gridclient.sync.session import log_in
from gridclient.sync.signin import user_info
from gridclient.sync.transport import Transport
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.sync_controller import SyncController
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.generator import DEMO_PASSWORD

SERVICE = "seed_township01"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scope_of(database: str, user: str) -> str:
    engine = create_engine(database)
    with engine.connect() as conn:
        code = conn.execute(
            text(
                "SELECT r.area_code FROM users u JOIN records r ON r.id = u.scope_area_id"
                " WHERE u.username = :user"
            ),
            {"user": user},
        ).scalar_one()
    engine.dispose()
    return str(code)


def _slow_down() -> None:
    """See the module docstring: the sync thread pauses so the window can be shot."""
    transport.SEED_CHUNK = 64 * 1024
    download, adopt = Transport.download_seed, seed.adopt

    def slow_download(self: Transport, *args: Any, **kwargs: Any) -> bool:
        progress = kwargs.get("progress")

        def paused(done: int) -> None:
            time.sleep(0.02)
            if progress is not None:
                progress(done)

        kwargs["progress"] = paused
        return download(self, *args, **kwargs)

    def slow_adopt(*args: Any, **kwargs: Any) -> seed.Adopted:
        time.sleep(1.5)
        return adopt(*args, **kwargs)

    Transport.download_seed = slow_download  # type: ignore[method-assign]
    seed.adopt = slow_adopt  # type: ignore[assignment]


def main() -> int:
    app, translators = chinese_app()
    _slow_down()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seeds = root / "seeds"
        seeds.mkdir()
        database = f"sqlite:///{root / 'server.sqlite3'}"
        gridserver = [sys.executable, "-m", "gridserver", "--database", database]
        subprocess.run([*gridserver, "load-demo", "--size", "S"], check=True, capture_output=True)
        scope = _scope_of(database, "township01")
        subprocess.run(
            [*gridserver, "add-user", SERVICE, "--role", "township", "--scope", scope],
            input=DEMO_PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
        )
        port = _free_port()
        server = subprocess.Popen(
            [*gridserver, "serve", "--port", str(port), "--seeds-dir", str(seeds)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            time.sleep(3)
            env = {**os.environ, "GRIDCLIENT_PASSWORD": DEMO_PASSWORD}
            making = [sys.executable, "-m", "gridclient", "--data-dir", str(root / "maker")]
            maker = subprocess.run(
                [*making, "seed", "--server", url, "--user", SERVICE, "--out", str(seeds)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            print("maker:", maker.stdout.strip())

            session = log_in(root / "t", url, "township01", DEMO_PASSWORD, MemoryTokenStore())
            runner = TaskRunner()
            ctx = AppContext(session.store, runner, user_info(session))
            sync = SyncController(ctx, session)
            window = MainWindow(ctx, sync=sync)
            maximise(window)
            window.show()
            taken: set[str] = set()
            reports: list[SyncReport] = []

            def shoot(phase: str, done: int, total: int) -> None:
                name = {Phase.SEED: "seed_download", Phase.SEED_COPY: "seed_copy"}.get(phase)
                if phase == Phase.SEED and done * 5 < total * 2:
                    return  # a while into the download (the bar shows something)
                if name is not None and name not in taken:
                    taken.add(name)
                    print(name, "|", window.sync_phase_label.text())
                    laptop_screen(app, window, name=name)

            sync.progressed.connect(shoot)
            sync.finished.connect(reports.append)
            button = window.toolbar.widgetForAction(window.sync_action)
            assert button is not None
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            deadline = time.monotonic() + 120
            while not reports and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.02)
            report = reports[0]
            print("sync:", report.summary_zh(), "| from the seed:", report.seeded)
            laptop_screen(app, window, name="seed_done")
            print("status bar:", window.statusBar().currentMessage())
            window.close()
            runner.shutdown()
            session.close()
        finally:
            server.terminate()
            server.wait(10)
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
