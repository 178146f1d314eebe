"""The typed errors of talking to the server.

The UI maps each class to a reaction (retry later, ask for the password, tell IT, offer
an upgrade, …) and never matches on message text. ``str()`` of every error is its
``message``: a Chinese sentence for the person at the keyboard saying what happened and
what to do; ``user_message`` is the same as a :class:`gridcore.messages.Message`
(English id, Chinese in :data:`_msg` below) that the UI renders in its language. A
server's own sentence (``ErrorBody.message``) has no English: it is kept as it came
(``plain``). ``detail`` is for the log and the "copy details" button; it carries method,
path, status and the server's error code, never a token, a password or a body.

``error_from_response`` is the one place that turns a non-2xx answer into one of these
classes, keyed on the HTTP status and the server's stable ``ErrorBody.code``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar

from gridclient import cancel
from gridcore.messages import Catalog, Message, plain
from gridcore.protocol import ErrorBody

__all__ = [
    "AccountDisabled",
    "AuthError",
    "Cancelled",
    "ClientTooOld",
    "CredentialStoreUnavailable",
    "DeviceLost",
    "InvalidServerURL",
    "NetworkError",
    "PasswordChangeRequired",
    "ProtocolError",
    "RateLimited",
    "RejectedRequest",
    "ServerError",
    "SessionExpired",
    "SyncError",
    "TLSError",
    "error_from_response",
    "parse_retry_after",
]


_msg = Catalog(
    __name__,
    {
        "Sync failed. Please try again later.": "同步失败，请稍后重试。",
        "Cannot reach the server. Check the network and try again. Your data is saved on this "
        "computer and can be synced once online.": (
            "无法连接服务器，请检查网络后重试。数据已保存在本机，联网后可再同步。"
        ),
        "The server's security certificate could not be verified, so the connection was stopped. "
        "Ask your IT administrator to check the “CA certificate file” (ca_bundle) setting and this "
        "computer's date and time.": (
            "无法验证服务器的安全证书，连接已中止。请联系信息化管理员检查“CA 证书文件”（ca_bundle"
            "）设置和本机系统时间。"
        ),
        "The server address setting is invalid (it must start with https://). Ask your IT "
        "administrator to check the server address setting.": (
            "服务器地址设置无效（必须以 https:// 开头）。请联系信息化管理员检查服务器地址设置。"
        ),
        "Wrong user name or password. Check them and try again.": (
            "用户名或密码错误，请检查后重新输入。"
        ),
        "This account has been disabled. Contact your administrator.": (
            "该账号已被停用，请联系管理员。"
        ),
        "Your administrator has reset your password. Set a new password, then log in.": (
            "管理员已重置您的密码，请设置新密码后再登录。"
        ),
        "Your administrator registered this computer as lost; its data has been deleted. Contact "
        "your administrator.": ("管理员已将本机登记为丢失设备，本机数据已清除。请联系管理员。"),
        "Your login has expired. Log in again, then sync.": "登录已过期，请重新登录后再同步。",
        "This client is too old. Upgrade it to download data; changes not yet uploaded can still "
        "be uploaded.": ("客户端版本过旧，请升级后再下载数据；未上传的数据仍可上传。"),
        "Too many attempts. Please try again later.": "尝试次数过多，请稍后再试。",
        "The server cannot handle the request right now. Please try again later. Your data is "
        "saved on this computer.": ("服务器暂时无法处理请求，请稍后重试。数据已保存在本机。"),
        "The server's answer could not be understood. The network may be intercepting it (a "
        "wireless network that needs a sign-in page) or the server version does not match. Try "
        "again later or contact your IT administrator.": (
            "服务器返回的数据无法识别。可能是网络被拦截（如需要网页认证的无线网络）或服务器版本不"
            "匹配，请稍后重试或联系信息化管理员。"
        ),
        "The server refused the request.": "服务器拒绝了该请求。",
        "Sync cancelled.": "同步已取消。",
        "The system credential store cannot be used to keep your login. You can still work "
        "offline, but you must log in again before each online sync. If this keeps happening, "
        "contact your IT administrator.": (
            "无法使用系统凭据库保存登录凭证。您仍可离线工作，但每次联网同步前需要重新登录。如持续"
            "出现，请联系信息化管理员。"
        ),
    },
)


class SyncError(Exception):
    """Base of every failure the sync layer reports on purpose."""

    default_message: ClassVar[Message] = _msg("Sync failed. Please try again later.")
    retryable: ClassVar[bool] = False
    """True when the same request may succeed later without anyone changing anything."""

    def __init__(self, message: str | Message | None = None, *, detail: str = "") -> None:
        if isinstance(message, str):
            message = plain(message) if message else None  # the server's own sentence
        self.user_message: Message = message or self.default_message
        """What to show, in the UI's language (``gridclient.ui.i18n.ui_text``)."""
        self.message = str(self.user_message)
        """The same in Chinese: the command line and the log."""
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NetworkError(SyncError):
    """The server could not be reached or the connection broke (DNS, refused, reset,
    timeout). Local data is safe; trying again later is the right reaction."""

    default_message = _msg(
        "Cannot reach the server. Check the network and try again. Your data is saved on this "
        "computer and can be synced once online."
    )
    retryable = True


class TLSError(SyncError):
    """The server's certificate was not accepted. Retrying does not help: either the
    network is intercepting the connection or IT has to configure the private CA."""

    default_message = _msg(
        "The server's security certificate could not be verified, so the connection was stopped. "
        "Ask your IT administrator to check the “CA certificate file” (ca_bundle) setting and this "
        "computer's date and time."
    )


class InvalidServerURL(SyncError, ValueError):
    """The configured server address (or proxy) cannot be used; IT must fix the INI."""

    default_message = _msg(
        "The server address setting is invalid (it must start with https://). Ask your IT "
        "administrator to check the server address setting."
    )


class AuthError(SyncError):
    """Wrong user name or password at an online login."""

    default_message = _msg("Wrong user name or password. Check them and try again.")


class AccountDisabled(SyncError):
    """The account was disabled on the server; only an administrator can change that."""

    default_message = _msg("This account has been disabled. Contact your administrator.")


class PasswordChangeRequired(SyncError):
    """An administrator set a new password: the person must choose their own before the
    server opens a session (``Transport.change_password``)."""

    default_message = _msg(
        "Your administrator has reset your password. Set a new password, then log in."
    )


class DeviceLost(SyncError):
    """An administrator marked this computer lost: its local data is to be wiped,
    nothing more is uploaded."""

    default_message = _msg(
        "Your administrator registered this computer as lost; its data has been deleted. Contact "
        "your administrator."
    )


class SessionExpired(SyncError):
    """The access token was refused and refreshing it failed: log in online again."""

    default_message = _msg("Your login has expired. Log in again, then sync.")


class ClientTooOld(SyncError):
    """The server requires a newer client (or another protocol version). Pending local
    changes may still be uploaded; downloading needs the upgrade."""

    default_message = _msg(
        "This client is too old. Upgrade it to download data; changes not yet uploaded can still "
        "be uploaded."
    )

    def __init__(
        self,
        message: str | Message | None = None,
        *,
        min_version: str | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message, detail=detail)
        self.min_version = min_version


class RateLimited(SyncError):
    """Too many attempts (HTTP 429); ``retry_after`` seconds until the server accepts
    another, when it said so."""

    default_message = _msg("Too many attempts. Please try again later.")

    def __init__(
        self,
        message: str | Message | None = None,
        *,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message, detail=detail)
        self.retry_after = retry_after


class ServerError(SyncError):
    """The server failed or was busy (5xx); nothing is wrong with the request."""

    default_message = _msg(
        "The server cannot handle the request right now. Please try again later. Your data is "
        "saved on this computer."
    )
    retryable = True

    def __init__(
        self,
        message: str | Message | None = None,
        *,
        status: int = 500,
        code: str | None = None,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message, detail=detail)
        self.status = status
        self.code = code
        self.retry_after = retry_after


class ProtocolError(SyncError):
    """The answer does not parse as the protocol says (truncated JSON, wrong shape, an
    HTML page from a captive portal or a proxy)."""

    default_message = _msg(
        "The server's answer could not be understood. The network may be intercepting it (a "
        "wireless network that needs a sign-in page) or the server version does not match. Try "
        "again later or contact your IT administrator."
    )


class RejectedRequest(SyncError):
    """A 4xx the server explained with an ``ErrorBody``: ``code`` is stable and meant for
    code (``invalid_cursor``, ``scope_changed``, ``body_too_large``, …); ``message`` is the
    server's Chinese sentence."""

    default_message = _msg("The server refused the request.")

    def __init__(
        self, message: str | Message | None = None, *, status: int, code: str, detail: str = ""
    ) -> None:
        super().__init__(message, detail=detail)
        self.status = status
        self.code = code


class Cancelled(SyncError, cancel.Cancelled):
    """The person (or shutdown) cancelled; nothing failed."""

    default_message = _msg("Sync cancelled.")


class CredentialStoreUnavailable(SyncError):
    """The OS keyring cannot be used. Offline work goes on; only staying logged in across
    restarts is lost, so the person must log in online each time until IT fixes it."""

    default_message = _msg(
        "The system credential store cannot be used to keep your login. You can still work "
        "offline, but you must log in again before each online sync. If this keeps happening, "
        "contact your IT administrator."
    )


_SESSION_CODES = frozenset({"invalid_token", "token_expired", "unauthorized"})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), ``None``
    when absent or unreadable; never negative."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _min_version(body: ErrorBody | None) -> str | None:
    if body is not None and isinstance(body.detail, dict):
        value = body.detail.get("min_client_version")
        if isinstance(value, str):
            return value
    return None


def error_from_response(
    status: int, body: ErrorBody | None, *, retry_after: float | None = None, detail: str = ""
) -> SyncError:
    """The typed error for a non-2xx answer.

    The server's ``code`` decides where it is specific; the status decides otherwise (a
    proxy's 502 page has no ``ErrorBody``). The server's Chinese message is kept when
    there is one, because it is written for the person and may carry numbers (minutes to
    wait, the minimum version).
    """
    code = body.code if body is not None else None
    message = body.message if body is not None else None
    detail = f"{detail} [{status}{' ' + code if code else ''}]".strip()
    if code == "account_disabled":
        return AccountDisabled(message, detail=detail)
    if code == "device_lost":
        return DeviceLost(message, detail=detail)
    if code == "password_change_required":
        return PasswordChangeRequired(message, detail=detail)
    if code == "client_too_old" or status == 426:
        return ClientTooOld(message, min_version=_min_version(body), detail=detail)
    if code == "unsupported_protocol":
        return ClientTooOld(message, detail=detail)
    if code == "invalid_credentials":
        return AuthError(message, detail=detail)
    if code == "rate_limited" or status == 429:
        return RateLimited(message, retry_after=retry_after, detail=detail)
    if status == 401 or code in _SESSION_CODES:
        return SessionExpired(detail=detail)
    if status >= 500:
        return ServerError(
            message if body is not None else None,
            status=status,
            code=code,
            retry_after=retry_after,
            detail=detail,
        )
    if 400 <= status < 500:
        return RejectedRequest(message, status=status, code=code or f"http_{status}", detail=detail)
    return ProtocolError(detail=f"{detail} unexpected status")
