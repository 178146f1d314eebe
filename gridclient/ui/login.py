"""Signing in: the login dialog, the password prompt for an expired session, and the
messages for everything that can go wrong on the way.

The first login of a user on this computer is online: the server checks the password
and ``log_in`` creates the encrypted store. Later, when the server cannot be reached,
the same password unlocks the local store (``log_in_offline``) and the worker carries on
offline. All of it runs on the task runner's network lane, so the dialog stays
responsive while the key derivation and the HTTP round trips happen.

The last user name (never the password) is remembered in the preferences file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient import __version__
from gridclient.config import ITSettings, Paths
from gridclient.storage.errors import (
    KeyFileError,
    PreviousPasswordNeeded,
    StorageError,
    StoreCorrupted,
    StoreNotFound,
    WrongPassword,
)
from gridclient.sync.credentials import TokenStore
from gridclient.sync.errors import (
    AccountDisabled,
    AuthError,
    ClientTooOld,
    DeviceLost,
    InvalidServerURL,
    NetworkError,
    PasswordChangeRequired,
    ProtocolError,
    RateLimited,
    ServerError,
    SessionExpired,
    SyncError,
    TLSError,
)
from gridclient.sync.session import (
    TransportFactory,
    UserSession,
)
from gridclient.sync.signin import (
    LoginResult,
    TolerantTokens,
    client_too_old,
    has_local_store,
    sign_in_online,
    unlock_offline,
    user_info,
)
from gridclient.sync.transport import Transport
from gridclient.ui.i18n import ui_text
from gridclient.ui.tasks import TaskContext, TaskRunner

__all__ = [
    "LoginDialog",
    "LoginResult",
    "PasswordPrompt",
    "TolerantTokens",
    "client_too_old",
    "error_message",
    "has_local_store",
    "preferences",
    "sign_in_online",
    "unlock_offline",
    "user_info",
]

log = logging.getLogger(__name__)

LAST_USER_KEY = "login/last_username"
SERVER_KEY = "login/server_url"
PREFERENCES_FILE = "preferences.ini"


def preferences(paths: Paths) -> QSettings:
    """The person's preferences (last user name, window state): an INI file in the
    per-user config directory, or under ``--data-dir`` for tests and portable installs."""
    return QSettings(str(paths.user_config_dir / PREFERENCES_FILE), QSettings.Format.IniFormat)


def error_message(exc: BaseException, *, local_store: bool = False, offline: bool = False) -> str:
    """A clear sentence for a failed login or sync. ``local_store``: offline unlock is
    possible for this user; ``offline``: the failure came from unlocking offline."""
    if isinstance(exc, PreviousPasswordNeeded) and not offline:
        return QCoreApplication.translate(
            "LoginDialog",
            "The data on this computer is still locked with your previous password. If "
            "your password was changed, also enter the previous one (only this once); "
            "otherwise check the password and try again.",
        )
    if isinstance(exc, WrongPassword):
        if offline:
            return QCoreApplication.translate(
                "LoginDialog",
                "Wrong password. Please check Caps Lock and the input method, then try again.",
            )
        return QCoreApplication.translate(
            "LoginDialog",
            "The server accepted the password, but it does not open the data on this "
            "computer (the password was changed elsewhere). Enter the previous password to "
            "unlock offline, or ask your IT contact.",
        )
    if isinstance(exc, AuthError):
        return QCoreApplication.translate(
            "LoginDialog", "Wrong user name or password. Please check them and try again."
        )
    if isinstance(exc, AccountDisabled):
        return QCoreApplication.translate(
            "LoginDialog", "This account has been disabled. Please contact your administrator."
        )
    if isinstance(exc, DeviceLost):
        return QCoreApplication.translate(
            "LoginDialog",
            "Your administrator reported this computer lost: the data of this user on it "
            "has been deleted. Please contact your administrator.",
        )
    if isinstance(exc, PasswordChangeRequired):
        return QCoreApplication.translate(
            "LoginDialog",
            "Your administrator has reset your password. Choose a new password of at "
            "least 8 characters, enter it twice and log in again.",
        )
    if isinstance(exc, ClientTooOld):
        if exc.min_version:
            return QCoreApplication.translate(
                "LoginDialog",
                "This GridClient ({current}) is too old: the server requires version "
                "{minimum} or newer. Please ask your IT contact to upgrade it. Changes not "
                "yet uploaded can still be uploaded.",
            ).format(current=__version__, minimum=exc.min_version)
        return QCoreApplication.translate(
            "LoginDialog",
            "This GridClient is too old for the server. Please ask your IT contact to "
            "upgrade it. Changes not yet uploaded can still be uploaded.",
        )
    if isinstance(exc, RateLimited):
        if exc.retry_after and exc.retry_after < 60:
            return QCoreApplication.translate(
                "LoginDialog",
                "Too many attempts. Please wait {seconds} seconds and try again.",
            ).format(seconds=max(1, round(exc.retry_after)))
        if exc.retry_after:
            minutes = max(1, round(exc.retry_after / 60))
            return QCoreApplication.translate(
                "LoginDialog",
                "Too many attempts. Please wait {minutes} minute(s) and try again.",
            ).format(minutes=minutes)
        return QCoreApplication.translate(
            "LoginDialog", "Too many attempts. Please wait a while and try again."
        )
    if isinstance(exc, SessionExpired):
        return QCoreApplication.translate(
            "LoginDialog", "Your login has expired. Enter your password to continue syncing."
        )
    if isinstance(exc, TLSError):
        return QCoreApplication.translate(
            "LoginDialog",
            "The server's security certificate was not accepted, so the connection was "
            "stopped. Please ask your IT contact to check the CA certificate setting and "
            "this computer's date and time.",
        )
    if isinstance(exc, InvalidServerURL):
        return QCoreApplication.translate(
            "LoginDialog",
            "The server address is not valid (it must start with https://). Please ask "
            "your IT contact to check it.",
        )
    if isinstance(exc, NetworkError):
        text = QCoreApplication.translate(
            "LoginDialog", "Cannot reach the server. Please check the network connection."
        )
        if local_store:
            text += "\n" + QCoreApplication.translate(
                "LoginDialog",
                "You can unlock the data on this computer and work offline; changes are "
                "uploaded at the next sync.",
            )
        return text
    if isinstance(exc, ServerError):
        return QCoreApplication.translate(
            "LoginDialog",
            "The server cannot handle the request right now. Please try again later; "
            "your data is saved on this computer.",
        )
    if isinstance(exc, ProtocolError):
        return QCoreApplication.translate(
            "LoginDialog",
            "The server's answer could not be understood (the network may require a "
            "sign-in page, or the server version does not match). Try again later or ask "
            "your IT contact.",
        )
    if isinstance(exc, StoreNotFound):
        return QCoreApplication.translate(
            "LoginDialog",
            "There is no data for this user on this computer yet. Log in online once "
            "first, with a network connection.",
        )
    if isinstance(exc, KeyFileError | StoreCorrupted):
        return ui_text(exc)  # names the file IT must look at
    if isinstance(exc, SyncError | StorageError):
        return QCoreApplication.translate("LoginDialog", "The operation failed: {error}").format(
            error=ui_text(exc)
        )
    return QCoreApplication.translate("LoginDialog", "Unexpected error: {error}").format(
        error=type(exc).__name__
    )


# -- the dialog --------------------------------------------------------------------------


class LoginDialog(QDialog):
    """Server (fixed when IT set it), user name, password. ``result`` holds the login
    once the dialog is accepted."""

    def __init__(
        self,
        runner: TaskRunner,
        paths: Paths,
        settings: ITSettings,
        tokens: TokenStore,
        *,
        transport_factory: TransportFactory = Transport,
        prefs: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.paths = paths
        self.tokens = tokens
        self.transport_factory = transport_factory
        self.prefs = prefs if prefs is not None else preferences(paths)
        self.result_login: LoginResult | None = None
        self._busy = False
        self._it_server = bool(settings.server_url)

        self.setWindowTitle(self.tr("GridClient — Log in"))
        self.setModal(True)
        font = self.font()
        font.setPointSize(12)
        self.setFont(font)

        self.title = QLabel(self.tr("Log in to GridClient"))
        self.title.setObjectName("loginTitle")
        self.server = QLineEdit(settings.server_url or str(self.prefs.value(SERVER_KEY, "") or ""))
        self.server.setPlaceholderText("https://")
        if self._it_server:
            self.server.setReadOnly(True)
            self.server.setToolTip(self.tr("Set by your IT contact"))
        self.username = QLineEdit(str(self.prefs.value(LAST_USER_KEY, "") or ""))
        self.username.setPlaceholderText(self.tr("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        # Shown after an administrator reset the password (PasswordChangeRequired).
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password_again = QLineEdit()
        self.new_password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self._changing = False
        # Shown when an older store still needs the previous password once.
        self.previous_password = QLineEdit()
        self.previous_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setMinimumWidth(440)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.hide()

        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.submit)
        self.offline_button = QPushButton(self.tr("Unlock offline"))
        self.offline_button.setAutoDefault(False)
        self.offline_button.clicked.connect(self.unlock)
        self.offline_button.hide()
        self.quit_button = QPushButton(self.tr("Quit"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Server:"), self.server)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("New password:"), self.new_password)
        form.addRow(self.tr("Repeat new password:"), self.new_password_again)
        form.addRow(self.tr("Previous password:"), self.previous_password)
        self._form = form
        self._show_new_password(False)
        self._show_previous_password(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.offline_button)
        buttons.addWidget(self.login_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addLayout(buttons)
        self.setStyleSheet(
            "#loginTitle { font-size: 18pt; font-weight: bold; }"
            "#loginMessage { font-size: 12pt; }"
            '#loginMessage[error="true"] { color: #b00020; }'
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.server.text():
            self.server.setFocus()
        elif self.username.text():
            self.password.setFocus()
        else:
            self.username.setFocus()

    # -- state ------------------------------------------------------------------------

    @property
    def session(self) -> UserSession | None:
        return None if self.result_login is None else self.result_login.session

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("error", "true" if error else "false")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        for widget in (
            self.username,
            self.password,
            self.new_password,
            self.new_password_again,
            self.previous_password,
            self.login_button,
            self.offline_button,
        ):
            widget.setEnabled(not busy)
        self.server.setEnabled(not busy)

    def _inputs(self) -> tuple[str, str, str] | None:
        server, username = self.server.text().strip(), self.username.text().strip()
        password = self.password.text()
        if not server:
            self._say(self.tr("Enter the server address."), error=True)
            self.server.setFocus()
            return None
        if not username:
            self._say(self.tr("Enter your user name."), error=True)
            self.username.setFocus()
            return None
        if not password:
            self._say(self.tr("Enter your password."), error=True)
            self.password.setFocus()
            return None
        return server, username, password

    def _show_new_password(self, shown: bool) -> None:
        self._changing = shown
        for field in (self.new_password, self.new_password_again):
            field.setVisible(shown)
            label = self._form.labelForField(field)
            if label is not None:
                label.setVisible(shown)
            if not shown:
                field.clear()

    def _show_previous_password(self, shown: bool) -> None:
        self.previous_password.setVisible(shown)
        label = self._form.labelForField(self.previous_password)
        if label is not None:
            label.setVisible(shown)
        if not shown:
            self.previous_password.clear()

    def _new_password(self) -> str | None:
        """The new password when one is being chosen and both entries agree; else says
        what is wrong and returns None."""
        first, second = self.new_password.text(), self.new_password_again.text()
        if len(first) < 8:
            self._say(self.tr("The new password must have at least 8 characters."), error=True)
            self.new_password.setFocus()
            return None
        if first != second:
            self._say(self.tr("The two new passwords do not match."), error=True)
            self.new_password_again.selectAll()
            self.new_password_again.setFocus()
            return None
        return first

    def _remember(self, server: str, username: str) -> None:
        self.prefs.setValue(LAST_USER_KEY, username)
        if not self._it_server:
            self.prefs.setValue(SERVER_KEY, server)
        self.prefs.sync()

    # -- actions ----------------------------------------------------------------------

    def submit(self) -> None:
        """Online login (Enter or the button); on a too-old client, the second press
        continues with the session already opened."""
        if self._busy:
            return
        if self.result_login is not None:
            self.accept()
            return
        inputs = self._inputs()
        if inputs is None:
            return
        server, username, password = inputs
        new_password = None
        if self._changing:
            new_password = self._new_password()
            if new_password is None:
                return
        previous_password = None
        if self.previous_password.isVisible() and self.previous_password.text():
            previous_password = self.previous_password.text()
        self._remember(server, username)
        data_dir, tokens, factory = self.paths.data_dir, self.tokens, self.transport_factory
        self._set_busy(True)
        self.offline_button.hide()
        self._say(self.tr("Signing in…"))

        def work(_ctx: TaskContext) -> LoginResult:
            return sign_in_online(
                data_dir,
                server,
                username,
                password,
                tokens,
                transport_factory=factory,
                new_password=new_password,
                previous_password=previous_password,
            )

        self.runner.submit(work, on_done=self._signed_in, on_error=self._online_failed, lane="net")

    def unlock(self) -> None:
        """Offline: the password unlocks the local store; no network needed."""
        if self._busy:
            return
        inputs = self._inputs()
        if inputs is None:
            return
        server, username, password = inputs
        data_dir, tokens, factory = self.paths.data_dir, self.tokens, self.transport_factory
        self._set_busy(True)
        self._say(self.tr("Unlocking the data on this computer…"))

        def work(_ctx: TaskContext) -> LoginResult:
            return unlock_offline(
                data_dir, server, username, password, tokens, transport_factory=factory
            )

        self.runner.submit(work, on_done=self._signed_in, on_error=self._offline_failed, lane="net")

    def _signed_in(self, result: object) -> None:
        assert isinstance(result, LoginResult)
        self._set_busy(False)
        self.result_login = result
        log.info("logged in %s", "online" if result.session.online else "offline")
        if result.too_old is not None:
            self._say(error_message(result.too_old), error=True)
            self.login_button.setText(self.tr("Continue"))
            self.offline_button.hide()
            self.username.setEnabled(False)
            self.password.setEnabled(False)
            self.server.setEnabled(False)
            return
        self.password.clear()
        self._show_new_password(False)
        self._show_previous_password(False)
        self.accept()

    def _online_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        log.info("online login failed: %s", type(exc).__name__)
        if isinstance(exc, PasswordChangeRequired):
            self._show_new_password(True)
            self._say(error_message(exc))
            self.new_password.setFocus()
            return
        if isinstance(exc, PreviousPasswordNeeded):
            self._show_previous_password(True)
            self._say(error_message(exc), error=True)
            self.previous_password.setFocus()
            return
        server, username = self.server.text().strip(), self.username.text().strip()
        local = has_local_store(self.paths.data_dir, server, username)
        offer = local and isinstance(exc, NetworkError | ServerError | ProtocolError)
        self._say(error_message(exc, local_store=offer), error=True)
        self.offline_button.setVisible(offer)
        self.offline_button.setDefault(offer)  # Enter now unlocks offline
        self.login_button.setDefault(not offer)
        if offer:
            self.password.setFocus()
        elif isinstance(exc, AuthError | WrongPassword):
            self.password.selectAll()
            self.password.setFocus()

    def _offline_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        log.info("offline unlock failed: %s", type(exc).__name__)
        self._say(error_message(exc, offline=True), error=True)
        self.password.selectAll()
        self.password.setFocus()

    def reject(self) -> None:
        if self._busy:
            return  # the login finishes first; Quit works again right after
        if self.result_login is not None:  # "Continue" not taken: do not leak the store
            self.result_login.session.close()
            self.result_login = None
        super().reject()


Relogin = Callable[..., None]
"""``(password, on_done, on_error, new_password=None)``: log in again off the UI thread
(the sync controller's ``reauthenticate``, which then syncs); ``new_password`` only
after an administrator reset the password."""


class PasswordPrompt(QDialog):
    """A small prompt when the server session expired; the password goes to ``relogin``."""

    def __init__(self, relogin: Relogin, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._relogin = relogin
        self._busy = False
        self.setWindowTitle(self.tr("Log in again"))
        font = self.font()
        font.setPointSize(12)
        self.setFont(font)
        self.hint = QLabel(
            self.tr(
                "Your login on the server has expired. Enter your password to continue "
                "syncing. Your work on this computer is not affected."
            )
        )
        self.hint.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        # After an administrator reset the password (PasswordChangeRequired).
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setPlaceholderText(
            QCoreApplication.translate("LoginDialog", "New password:").rstrip("：:")
        )
        self.new_password_again = QLineEdit()
        self.new_password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password_again.setPlaceholderText(
            QCoreApplication.translate("LoginDialog", "Repeat new password:").rstrip("：:")
        )
        self.new_password.hide()
        self.new_password_again.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.ok_button = QPushButton(self.tr("Log in"))
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.submit)
        later = QPushButton(self.tr("Later"))
        later.setAutoDefault(False)
        later.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(later)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.password)
        layout.addWidget(self.new_password)
        layout.addWidget(self.new_password_again)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if self._busy:
            return
        password = self.password.text()
        if not password:
            self.message.setText(self.tr("Enter your password."))
            return
        new_password = None
        if self.new_password.isVisible():
            new_password = self.new_password.text()
            if len(new_password) < 8:
                self.message.setText(
                    QCoreApplication.translate(
                        "LoginDialog", "The new password must have at least 8 characters."
                    )
                )
                return
            if new_password != self.new_password_again.text():
                self.message.setText(
                    QCoreApplication.translate("LoginDialog", "The two new passwords do not match.")
                )
                return
        self._busy = True
        self.ok_button.setEnabled(False)
        self.message.setText(self.tr("Signing in…"))
        if new_password is None:
            self._relogin(password, self._done, self._failed)
        else:
            self._relogin(password, self._done, self._failed, new_password=new_password)

    def _done(self) -> None:
        self._busy = False
        self.password.clear()
        self.new_password.clear()
        self.new_password_again.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.ok_button.setEnabled(True)
        self.message.setText(error_message(exc))
        if isinstance(exc, PasswordChangeRequired):
            self.new_password.show()
            self.new_password_again.show()
            self.new_password.setFocus()
            return
        self.password.selectAll()
        self.password.setFocus()
