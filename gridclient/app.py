"""Composition root: builds the services and hands them to the UI."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from gridclient import __version__, cli
from gridclient.config import ITSettings, Paths, effective_settings, log_settings
from gridclient.instance import (
    ALREADY_RUNNING,
    ActivationServer,
    InstanceLock,
    ask_running_instance_to_show,
)
from gridclient.logsetup import redact, setup_logging
from gridclient.resources_path import resource_path
from gridclient.storage.queries import HouseholdQueries
from gridclient.sync.credentials import InsecureKeyring, KeyringTokenStore
from gridclient.sync.errors import CredentialStoreUnavailable
from gridclient.sync.session import TransportFactory, UserSession
from gridclient.sync.transport import Transport
from gridclient.ui.about import AboutInfo
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.i18n import install_translators, prefer_chinese_dates
from gridclient.ui.login import LoginDialog, TolerantTokens, preferences, user_info
from gridclient.ui.main_window import MainWindow
from gridclient.ui.sync_controller import SyncController
from gridclient.ui.tasks import TaskContext, TaskRunner

log = logging.getLogger(__name__)


def _install_excepthook(paths: Paths) -> None:
    """An uncaught error writes a crash file and tells the person where it is. The file
    and the details shown go through the same redaction as the log (ID numbers, phone
    numbers, tokens masked): an exception's message often quotes the value it failed on."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = redact("".join(traceback.format_exception(kind, exc, tb)))
        log.critical("uncaught exception\n%s", text)
        crash = paths.log_dir / "crash.txt"
        with contextlib.suppress(OSError):
            crash.write_text(text, encoding="utf-8")
        if QApplication.instance() is not None:
            box = QMessageBox()
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(QCoreApplication.translate("app", "Unexpected error"))
            from gridclient.storage.errors import StorageError
            from gridclient.ui.i18n import ui_text

            if isinstance(exc, StorageError):  # e.g. StoreDamaged: says what happens next
                box.setText(ui_text(exc))
            else:
                box.setText(
                    QCoreApplication.translate(
                        "app",
                        "Something went wrong. Your saved data is safe. "
                        "Please send the file {path} to your IT contact.",
                    ).format(path=crash)
                )
            box.setDetailedText(text)
            box.exec()

    sys.excepthook = hook


def keyring_warning(tokens: TolerantTokens) -> str | None:
    """The one message shown after login when no refresh token can be kept: the keyring
    is missing or broken, or it was refused as insecure (a plain file)."""
    if not tokens.unavailable:
        return None
    if isinstance(tokens.inner, KeyringTokenStore) and tokens.inner.refused is not None:
        return str(InsecureKeyring())
    return str(CredentialStoreUnavailable())


#: Exit status when the IT settings leave no server to connect to (EX_CONFIG).
SETTINGS_ERROR = cli.SETTINGS_ERROR


def show_settings_error(text: str) -> None:
    """The refusal to start, in a dialog (the windowed exe has no console)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("网格通 — 设置文件有误")
    box.setText(text)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()
    del app


def second_instance_box(data_dir: Path, *, reached: bool) -> QMessageBox:
    """What a second ``gridclient`` on a data directory in use says before it stops
    (``reached``: the running window was asked to come to the front)."""
    from gridclient.ui.form_common import make_readable

    box = QMessageBox()
    make_readable(box)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(QCoreApplication.translate("app", "GridClient is already running"))
    first = QCoreApplication.translate(
        "app",
        "GridClient is already using the data directory {path} on this computer. "
        "Only one GridClient at a time can use a data directory.",
    ).format(path=data_dir)
    then = (
        QCoreApplication.translate(
            "app", "Its window has been brought to the front: please continue there."
        )
        if reached
        else QCoreApplication.translate(
            "app",
            "Switch to the GridClient window that is already open (see the task bar), or "
            "wait until the command using this directory has finished, then try again.",
        )
    )
    box.setText(f"{first}\n\n{then}")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


def refuse_second_instance(
    data_dir: Path, *, smoke_test: bool = False, holder: int | None = None
) -> int:
    """Another process (``holder``, its id if known) holds ``data_dir``: ask its window
    to come to the front, say so (stderr, and a message box unless ``smoke_test``) and
    return the exit status."""
    from gridclient.instance import in_use_message

    reached = ask_running_instance_to_show(data_dir, pid=holder)
    log.warning(
        "not starting: data directory %s in use (running window %s)",
        data_dir,
        "brought to the front" if reached else "not reached",
    )
    print(in_use_message(data_dir), file=sys.stderr, flush=True)
    if not smoke_test:
        second_instance_box(data_dir, reached=reached).exec()
    return ALREADY_RUNNING


def bring_to_front(window: QWidget | None) -> None:
    """Show ``window`` (the main window, its lock screen if locked) in front of the
    others, or, before it exists, the login dialog or the demo's progress."""
    target = window
    if target is None:
        target = QApplication.activeModalWidget() or next(
            (w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()), None
        )
    if target is None:
        return
    if target.isMinimized():
        target.showNormal()
    target.show()
    target.raise_()
    target.activateWindow()


def _process_seconds() -> float | None:
    """Seconds since this process started (Linux ``/proc``; None elsewhere): the
    smoke test's cold-start figure, bootloader and imports included."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def open_main_window(
    session: UserSession,
    info: UserInfo,
    runner: TaskRunner,
    settings: ITSettings,
    factory: TransportFactory,
    queries: HouseholdQueries | None = None,
    prefs: QSettings | None = None,
) -> MainWindow:
    """The signed-in application: its context, sync controller and main window, shown
    (where it was last: ``prefs``) and syncing by itself (the controller's probe and
    interval)."""
    ctx = AppContext(store=session.store, runner=runner, user=info, settings=settings)
    controller = SyncController(ctx, session, transport_factory=factory)
    window = MainWindow(ctx, queries, sync=controller, prefs=prefs)
    window.show_on_screen()
    controller.start()
    log.info("main window shown")
    return window


def run_gui(
    *,
    data_dir: Path | None,
    demo: bool,
    lang: str | None,
    overrides: Mapping[str, object | None] | None = None,
    smoke_test: bool = False,
) -> int:
    """``overrides``: IT settings from the command line. ``smoke_test``: quit as soon as
    the main window is shown, printing the start-up time (CI and benchmarks)."""
    started = time.perf_counter()
    paths = Paths.resolve(data_dir).ensure()
    settings = effective_settings(paths, {**(overrides or {}), "language": lang})
    setup_logging(paths.log_dir, settings.log_level)
    log.info("gridclient %s starting; data directory %s", __version__, paths.data_dir)
    log_settings(settings)
    refusal = None if demo else settings.refusal()
    if refusal is not None:
        log.error("not starting: %s", refusal)
        print(refusal, file=sys.stderr, flush=True)
        if not smoke_test:
            show_settings_error(refusal)
        return SETTINGS_ERROR

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    if QApplication.instance() is None:  # only matters before the QApplication exists
        prefer_chinese_dates(lang or settings.language)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("GridClient")
    app.setOrganizationName("GridClient")
    app.setWindowIcon(QIcon(str(resource_path("icons", "gridclient.png"))))
    translators = install_translators(app, lang or settings.language)
    # One process per data directory, decided before any store (or the demo server's
    # database) is opened: see gridclient.instance.
    instance = InstanceLock(paths.data_dir)
    if not instance.acquire():
        holder = instance.holder()
        return refuse_second_instance(
            paths.data_dir, smoke_test=smoke_test, holder=holder[0] if holder else None
        )
    _install_excepthook(paths)

    runner = TaskRunner()
    windows: list[MainWindow] = []
    closers: list[Callable[[], None]] = []
    activation = ActivationServer(
        paths.data_dir, lambda: bring_to_front(windows[0] if windows else None)
    )

    def finish(code: int) -> int:
        """Stop the syncs, wait for the task runner, close the stores, then let the
        data directory go."""
        for window in windows:
            if window.sync is not None:
                window.sync.stop()
        runner.shutdown()
        for close in closers:
            close()
        activation.close()
        instance.release()
        return code

    def open_main(
        session: UserSession,
        info: UserInfo,
        factory: TransportFactory,
        queries: HouseholdQueries | None = None,
    ) -> None:
        window = open_main_window(
            session, info, runner, settings, factory, queries, prefs=preferences(paths)
        )
        window.set_about(AboutInfo(paths.data_dir, session.server_url, info.demo))
        windows.append(window)
        if smoke_test:
            since_start = _process_seconds()
            total = (
                "" if since_start is None else f", {since_start:.2f} s since the process started"
            )
            print(
                f"main window shown after {time.perf_counter() - started:.2f} s in the app{total}",
                flush=True,
            )
            QTimer.singleShot(0, app.quit)

    if not (demo or settings.demo_by_default):
        factory = partial(
            Transport, ca_bundle=settings.ca_bundle or None, proxy=settings.proxy or None
        )
        tokens = TolerantTokens(KeyringTokenStore())
        dialog = LoginDialog(runner, paths, settings, tokens, transport_factory=factory)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.session is None:
            return finish(0)
        session = dialog.session
        closers.append(session.close)
        open_main(session, user_info(session), factory)
        warning = keyring_warning(tokens)
        if warning is not None:
            windows[0].statusBar().showMessage(warning, 30_000)
        code = finish(app.exec())
        del translators
        return code

    from gridclient.demo.bootstrap import DemoSession, open_demo

    progress = QProgressDialog(
        QCoreApplication.translate("app", "Preparing the demo data…"), "", 0, 0
    )
    progress.setCancelButton(None)
    progress.setWindowTitle(QCoreApplication.translate("app", "GridClient"))
    progress.setMinimumDuration(0)
    progress.show()

    def prepare(ctx: TaskContext) -> DemoSession:
        return open_demo(paths, progress=ctx.progress)

    def ready(result: object) -> None:
        assert isinstance(result, DemoSession)
        progress.close()
        closers.append(result.close)
        url = result.session.server_url
        log.info(
            "demo mode: demo server at %s; a second client on this computer: %s "
            "(demo accounts worker01, township01, admin; password in the README)",
            url,
            AboutInfo(paths.data_dir, url, demo=True).second_client_command(),
        )
        open_main(result.session, result.info, Transport, result.queries)

    def failed(exc: BaseException) -> None:
        progress.close()
        log.error("demo start failed", exc_info=exc)
        if smoke_test:  # no modal box to wait on: say it and fail
            print(f"demo start failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            app.exit(1)
            return
        QMessageBox.critical(
            None,
            QCoreApplication.translate("app", "GridClient"),
            QCoreApplication.translate("app", "The demo could not start: {error}").format(
                error=exc
            ),
        )
        app.exit(1)

    def show_progress(done: int, total: int, message: str) -> None:
        progress.setMaximum(total)
        progress.setValue(done)

    runner.submit(prepare, on_done=ready, on_error=failed, on_progress=show_progress, lane="net")
    code = finish(app.exec())
    del translators
    return code
