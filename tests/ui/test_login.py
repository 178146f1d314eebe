"""The login dialog against a real gridserver on loopback: online first login, offline
unlock when the server is gone, and the Chinese message for every refusal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from gridclient.app import run_gui
from gridclient.config import ITSettings, Paths
from gridclient.storage.store import store_path
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.errors import (
    AccountDisabled,
    ClientTooOld,
    CredentialStoreUnavailable,
    NetworkError,
    RateLimited,
    ServerError,
)
from gridclient.sync.session import log_in_offline
from gridclient.sync.transport import Transport
from gridclient.ui.i18n import install_translators
from gridclient.ui.login import (
    LAST_USER_KEY,
    LoginDialog,
    TolerantTokens,
    client_too_old,
    error_message,
    user_info,
)
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.enums import Role
from gridserver import auth
from tests.integration.sync import conftest as sync_world
from tests.integration.sync.conftest import FAST_RETRY, PASSWORD, World

pytestmark = pytest.mark.usefixtures("cheap_store_keys")


@pytest.fixture(scope="module", autouse=True)
def chinese() -> Iterator[None]:
    app = QApplication.instance()
    assert app is not None
    translators = install_translators(app, "zh_CN")
    yield
    for translator in translators:
        app.removeTranslator(translator)


world = sync_world.world  # a real gridserver on loopback per test (the sync tests' fixture)


def fast_transport(server: str, **kwargs: Any) -> Transport:
    return Transport(server, retry=FAST_RETRY, timeout=(1.0, 5.0), **kwargs)


class Harness:
    def __init__(self, qtbot: QtBot, tmp_path: Path, url: str) -> None:
        self.qtbot = qtbot
        self.paths = Paths.resolve(tmp_path / "client").ensure()
        self.url = url
        self.tokens = MemoryTokenStore()
        self.runner = TaskRunner()
        self.prefs = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
        self.dialogs: list[LoginDialog] = []

    def dialog(self, factory: Any = fast_transport) -> LoginDialog:
        dialog = LoginDialog(
            self.runner,
            self.paths,
            ITSettings(server_url=self.url),
            self.tokens,
            transport_factory=factory,
            prefs=self.prefs,
        )
        self.qtbot.addWidget(dialog)
        dialog.show()
        self.dialogs.append(dialog)
        return dialog

    def type_in(self, dialog: LoginDialog, username: str, password: str) -> None:
        dialog.username.setText(username)
        dialog.password.setFocus()
        self.qtbot.keyClicks(dialog.password, password)
        self.qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    def wait_idle(self, dialog: LoginDialog) -> None:
        self.qtbot.waitUntil(lambda: not dialog._busy, timeout=20_000)

    def close(self) -> None:
        for dialog in self.dialogs:
            if dialog.session is not None:
                dialog.session.close()
        self.runner.shutdown()


@pytest.fixture
def harness(qtbot: QtBot, tmp_path: Path, world: World) -> Iterator[Harness]:
    h = Harness(qtbot, tmp_path, world.url)
    yield h
    h.close()


def test_first_login_online_creates_the_store_and_remembers_only_the_user(
    harness: Harness, tmp_path: Path
) -> None:
    dialog = harness.dialog()
    assert dialog.server.isReadOnly() and dialog.server.text() == harness.url
    harness.type_in(dialog, "w1", PASSWORD)
    assert dialog.busy.isVisible()  # the work runs on the network lane
    harness.qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20_000)
    session = dialog.session
    assert session is not None and session.online
    assert store_path(harness.paths.data_dir, harness.url, "w1").exists()
    assert harness.tokens.get(harness.url, "w1")  # refresh token kept
    info = user_info(session)
    assert info.role is Role.WORKER and info.grid_ids
    harness.prefs.sync()
    assert harness.prefs.value(LAST_USER_KEY) == "w1"
    text = (tmp_path / "prefs.ini").read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert harness.dialog().username.text() == "w1"  # remembered for the next start
    assert dialog.password.text() == ""


def test_wrong_password_says_so_in_chinese(harness: Harness) -> None:
    dialog = harness.dialog()
    harness.type_in(dialog, "w1", "not the password")
    harness.wait_idle(dialog)
    assert "用户名或密码错误" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.session is None
    assert not dialog.offline_button.isVisible()
    assert not list((harness.paths.data_dir / "stores").glob("*.db"))  # nothing half-made


def test_unreachable_server_offers_offline_unlock_which_works(
    harness: Harness, world: World
) -> None:
    first = harness.dialog()
    harness.type_in(first, "w1", PASSWORD)
    harness.qtbot.waitUntil(lambda: first.session is not None, timeout=20_000)
    assert first.session is not None
    first.session.close()
    first.result_login = None
    world.server.stop()  # the server is gone (the fixture's second stop is harmless)

    dialog = harness.dialog()
    harness.type_in(dialog, "w1", PASSWORD)
    harness.wait_idle(dialog)
    assert "无法连接服务器" in dialog.message.text()
    assert "离线" in dialog.message.text()
    assert dialog.offline_button.isVisible()

    dialog.password.setText("wrong")
    dialog.offline_button.click()
    harness.wait_idle(dialog)
    assert "密码错误" in dialog.message.text() and dialog.session is None

    dialog.password.setText(PASSWORD)
    harness.qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter: the offered unlock
    harness.qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20_000)
    assert dialog.session is not None and not dialog.session.online
    assert dialog.session.transport.has_session  # the kept token resumes the next sync
    assert user_info(dialog.session).grid_ids  # the scope was kept for offline starts


def test_no_offline_unlock_offered_without_local_data(harness: Harness, world: World) -> None:
    world.server.stop()
    dialog = harness.dialog()
    harness.type_in(dialog, "w2", PASSWORD)
    harness.wait_idle(dialog)
    assert "无法连接服务器" in dialog.message.text()
    assert not dialog.offline_button.isVisible()


def test_disabled_account_is_refused_with_its_message(harness: Harness, world: World) -> None:
    auth.disable_user(world.server.db, "w1")
    dialog = harness.dialog()
    harness.type_in(dialog, "w1", PASSWORD)
    harness.wait_idle(dialog)
    assert "停用" in dialog.message.text()
    assert dialog.session is None


def test_after_an_admin_reset_the_new_password_opens_the_laptop(
    harness: Harness, world: World
) -> None:
    """An administrator reset the password: the temporary one asks, in Chinese, for a new
    password twice; the new one then opens this laptop's data (before: "密码错误，无法
    打开本机数据" and the old password kept unlocking it offline)."""
    first = harness.dialog()
    harness.type_in(first, "w1", PASSWORD)
    harness.qtbot.waitUntil(lambda: first.session is not None, timeout=20_000)
    assert first.session is not None
    first.session.close()
    first.result_login = None
    auth.set_password(world.server.db, world.server.settings, "w1", "temporary 2026")

    dialog = harness.dialog()
    assert not dialog.new_password.isVisible()
    harness.type_in(dialog, "w1", "temporary 2026")
    harness.wait_idle(dialog)
    assert "重置" in dialog.message.text() and dialog.session is None
    assert dialog.new_password.isVisible() and dialog.new_password_again.isVisible()
    dialog.new_password.setText("my own 2026")
    dialog.new_password_again.setText("my own 2027")
    dialog.login_button.click()
    assert "不一致" in dialog.message.text() and not dialog._busy
    dialog.new_password_again.setText("my own 2026")
    dialog.login_button.click()
    harness.qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=30_000)
    assert dialog.session is not None and dialog.session.online
    dialog.session.close()
    dialog.result_login = None

    offline = log_in_offline(
        harness.paths.data_dir, harness.url, "w1", "my own 2026", harness.tokens
    )
    offline.close()


def test_an_older_store_asks_for_the_previous_password_once(harness: Harness, world: World) -> None:
    import json

    from gridclient.storage.keys import key_file_for

    first = harness.dialog()
    harness.type_in(first, "w1", PASSWORD)
    harness.qtbot.waitUntil(lambda: first.session is not None, timeout=20_000)
    assert first.session is not None
    key_path = key_file_for(first.session.store.path)
    first.session.close()
    first.result_login = None
    document = json.loads(key_path.read_text(encoding="utf-8"))
    document.pop("recovery")  # as written by a version before the key share
    key_path.write_text(json.dumps(document), encoding="utf-8")
    auth.set_password(
        world.server.db, world.server.settings, "w1", "changed 2026", force_change=False
    )

    dialog = harness.dialog()
    assert not dialog.previous_password.isVisible()
    harness.type_in(dialog, "w1", "changed 2026")
    harness.wait_idle(dialog)
    assert "以前的密码" in dialog.message.text() and dialog.previous_password.isVisible()
    dialog.previous_password.setText(PASSWORD)
    dialog.login_button.click()
    harness.qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=30_000)
    assert dialog.session is not None and dialog.session.online
    dialog.session.close()
    dialog.result_login = None
    log_in_offline(
        harness.paths.data_dir, harness.url, "w1", "changed 2026", harness.tokens
    ).close()


def test_a_lost_device_message(harness: Harness, world: World) -> None:
    first = harness.dialog()
    harness.type_in(first, "w1", PASSWORD)
    harness.qtbot.waitUntil(lambda: first.session is not None, timeout=20_000)
    assert first.session is not None
    device = first.session.store.device_id
    first.session.close()
    first.result_login = None
    auth.mark_device_lost(world.server.db, "w1", device)
    dialog = harness.dialog()
    harness.type_in(dialog, "w1", PASSWORD)
    harness.wait_idle(dialog)
    assert "丢失" in dialog.message.text() and "清除" in dialog.message.text()
    assert not store_path(harness.paths.data_dir, harness.url, "w1").exists()


def test_too_old_client_is_told_and_may_continue(harness: Harness) -> None:
    old = partial(fast_transport, client_version="0.0.1")  # the server wants 0.1.0
    dialog = harness.dialog(old)
    harness.type_in(dialog, "w1", PASSWORD)
    harness.wait_idle(dialog)
    assert "版本过旧" in dialog.message.text() and "0.1.0" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.session is not None  # local work and uploads still go on
    harness.qtbot.keyClick(dialog.login_button, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_empty_fields_are_asked_for(harness: Harness) -> None:
    dialog = harness.dialog()
    dialog.username.clear()
    dialog.submit()
    assert "用户名" in dialog.message.text() and not dialog._busy


def test_messages_for_the_other_refusals() -> None:
    assert "等待 2 分钟" in error_message(RateLimited(retry_after=120))
    assert "稍后" in error_message(RateLimited())
    assert "服务器" in error_message(ServerError(status=503))
    assert "停用" in error_message(AccountDisabled())
    assert "99.0" in error_message(ClientTooOld(min_version="99.0"))
    assert "离线" not in error_message(NetworkError())
    assert "离线" in error_message(NetworkError(), local_store=True)
    assert client_too_old("0.1.0", "0.1.0") is None
    assert client_too_old("0.10.0", "0.9.9") is not None
    assert client_too_old(None) is None


def test_a_broken_keyring_does_not_stop_the_login() -> None:
    tokens = TolerantTokens(MemoryTokenStore(unavailable=True))
    assert tokens.get("https://x.example", "w1") is None
    tokens.set("https://x.example", "w1", "t")
    assert tokens.unavailable
    with pytest.raises(CredentialStoreUnavailable):
        MemoryTokenStore(unavailable=True).get("https://x.example", "w1")


def test_app_with_a_configured_server_logs_in_and_opens_the_window(
    qtbot: QtBot, tmp_path: Path, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``gridclient`` with a server in the IT settings: login dialog, then the main window
    with the sync button; the stale "arrives with the sync feature" message is gone."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own
    data = tmp_path / "app"
    data.mkdir()
    (data / "gridclient.ini").write_text(f"[gridclient]\nserver_url = {world.url}\n", "utf-8")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = set(app.findChildren(QTranslator))
    seen: dict[str, Any] = {}
    # A local event loop stands in for app.exec(): once the application's own loop has
    # run and returned, Qt treats the process as shutting down, which breaks later tests.
    loop = QEventLoop()
    monkeypatch.setattr(app, "exec", loop.exec)

    def drive() -> None:
        for widget in app.topLevelWidgets():
            if isinstance(widget, LoginDialog) and widget.isVisible() and "login" not in seen:
                seen["login"] = widget
                assert widget.server.isReadOnly() and widget.server.text() == world.url
                widget.username.setText("w1")
                widget.password.setText(PASSWORD)
                widget.login_button.click()
            if isinstance(widget, MainWindow) and widget.isVisible():
                seen["window"] = widget
                timer.stop()
                loop.quit()

    timer = QTimer()
    timer.timeout.connect(drive)
    timer.start(50)
    code = run_gui(data_dir=data, demo=False, lang="zh_CN")
    timer.stop()
    for translator in set(app.findChildren(QTranslator)) - translators:
        app.removeTranslator(translator)
    window: MainWindow = seen["window"]
    try:
        assert code == 0
        assert window.sync is not None and window.sync.session.online
        assert window.sync_action is not None and window.sync_action.text() == "同步"
        assert window.connection_label.text() == "● 在线"
        assert store_path(data, world.url, "w1").exists()
        log_text = (data / "logs" / "gridclient.log").read_text(encoding="utf-8")
        assert "logged in online" in log_text and PASSWORD not in log_text
    finally:
        window.close()
