"""The typed errors of the storage layer.

The UI maps each class to a reaction (ask for the password again, offer the moved-aside
file to IT, reload the record, …) and never matches on message text. Every error
carries ``user_message``, a :class:`gridcore.messages.Message` (English id, Chinese in
:data:`_msg` below) for the person at the keyboard: what happened, what to do. ``str()``
of an error is its Chinese rendering (the command line, the logs); the UI renders
``user_message`` in its own language.
"""

from __future__ import annotations

from pathlib import Path

from gridcore.domain.enums import EntityKind
from gridcore.messages import Catalog, Message, plain

__all__ = [
    "AppendOnlyError",
    "AttachmentMismatch",
    "DuplicateRecord",
    "KeyFileError",
    "MigrationFailed",
    "MissingParent",
    "PreviousPasswordNeeded",
    "RecordNotFound",
    "StaleRecord",
    "StorageError",
    "StoreCorrupted",
    "StoreExists",
    "StoreNotFound",
    "WrongOperation",
    "WrongPassword",
]


_msg = Catalog(
    __name__,
    {
        "Wrong password: the data on this computer cannot be opened. Check Caps Lock and "
        "the input method, then try again.": (
            "密码错误，无法打开本机数据。请检查大小写和输入法后重新输入。"
        ),
        "The data on this computer is still encrypted with your previous password. If your "
        "password was changed, also enter the previous one (only this once); otherwise "
        "check the password and try again.": (
            "本机数据仍使用以前的密码加密。如果您的密码已被更改，"
            "请同时输入以前的密码（只需一次）；否则请检查密码后重新输入。"
        ),
        "The key file {path} cannot be used ({detail}). Contact your administrator and do "
        "not delete the file.": (
            "密钥文件 {path} 无法使用（{detail}）。请联系管理员，不要删除该文件。"
        ),
        "The data on this computer ({path}) does not exist. Log in online once first to "
        "set it up.": ("本机数据 {path} 不存在，请先在线登录一次以建立本机数据。"),
        "The data on this computer ({path}) already exists and cannot be created again.": (
            "本机数据 {path} 已存在，不能重复创建。"
        ),
        "The data on this computer is damaged and cannot be opened. The original file was "
        "moved to {moved_to} (not deleted). Contact your administrator for help; after "
        "logging in again the data is downloaded from the server again.": (
            "本机数据已损坏，"
            "无法打开。原文件已移至 {moved_to}（未删除），请联系管理员协助恢复；"
            "重新登录后将从服务器重新下载数据。"
        ),
        "The data file {original} is gone or empty, but its key file is still there (it may "
        "have been deleted, or the disk failed or the power went off). The key file was "
        "moved to {moved_to} (not deleted). Log in online again to download the server's "
        "data again; changes not yet uploaded cannot be recovered, contact your "
        "administrator.": (
            "本机数据文件 {original} 不见了或是空文件，但它的密钥文件还在（可能被删除、"
            "磁盘故障或断电）。密钥文件已移至 {moved_to}（未删除）。请重新在线登录，"
            "将从服务器重新下载数据；此前未上传的修改无法恢复，请联系管理员。"
        ),
        "The data file {path} is damaged (found while reading). Close GridClient and start "
        "it again: at start it checks the file, moves it aside (not deleted), and after "
        "logging in again the data is downloaded from the server again. Your administrator "
        "can export changes not yet uploaded with gridclient rescue.": (
            "本机数据文件 {path} "
            "已损坏（读取时发现）。请关闭网格通后重新启动：启动时会检查该文件，"
            "把它移到一旁保存（不删除），重新登录后从服务器重新下载数据。"
            "未上传的修改可由管理员用 gridclient rescue 导出。"
        ),
        "The disk is full: could not {what} ({where}). No data was changed. Free some disk "
        "space (or contact your administrator), then start GridClient again.": (
            "磁盘空间不足，"
            "无法{what}（{where}）。数据未被修改。请清理磁盘（或联系管理员）后重新启动网格通。"
        ),
        "Upgrading the data on this computer failed; no data was changed. The backup made "
        "before the upgrade is in {backup}. Contact your administrator.": (
            "本机数据升级失败，数据未被修改。升级前的备份在 {backup}。请联系管理员。"
        ),
        "Upgrading the data on this computer failed; no data was changed. Contact your "
        "administrator.": ("本机数据升级失败，数据未被修改。请联系管理员。"),
        "The record ({kind} {record_id}) was not found; it may have been deleted or moved "
        "out of your area.": ("找不到该记录（{kind} {record_id}），可能已被删除或移出您的范围。"),
        "The record ({kind} {record_id}) already exists and cannot be created again.": (
            "记录已存在（{kind} {record_id}），不能重复新建。"
        ),
        "Records of this kind cannot be changed or deleted once saved; to correct one, add "
        "a correcting record.": ("该类记录保存后不能修改或删除；如需更正，请新增一条更正记录。"),
        "This record was just updated ({fields}). Open it again, then make your change.": (
            "该记录刚刚已被更新（{fields}），请重新打开后再修改。"
        ),
        "This record was just updated. Open it again, then make your change.": (
            "该记录刚刚已被更新，请重新打开后再修改。"
        ),
        "The record it belongs to ({parent} {parent_id}) does not exist or was deleted; "
        "cannot save.": ("所属的记录（{parent} {parent_id}）不存在或已删除，无法保存。"),
        "The attachment's content does not match its checksum; it was not saved. Choose "
        "the photo again.": ("附件内容与其校验值不符，未保存。请重新选择照片。"),
    },
)


def _message(text: str | Message) -> Message:
    return text if isinstance(text, Message) else plain(text)


class StorageError(Exception):
    """Base of every failure the storage layer reports on purpose. ``user_message`` is
    what to show; ``str()`` is its Chinese text."""

    def __init__(self, message: str | Message) -> None:
        self.user_message = _message(message)
        super().__init__(str(self.user_message))


class WrongPassword(StorageError):
    """The password does not unwrap the data key. Nothing on disk was changed."""

    def __init__(self) -> None:
        super().__init__(
            _msg(
                "Wrong password: the data on this computer cannot be opened. Check Caps Lock "
                "and the input method, then try again."
            )
        )


class PreviousPasswordNeeded(WrongPassword):
    """The password does not open this store and the store has no recovery wrap (it was
    created by an older version and has not been online since): if the password was
    changed, the previous one is needed once to re-seal it."""

    def __init__(self) -> None:
        StorageError.__init__(
            self,
            _msg(
                "The data on this computer is still encrypted with your previous password. "
                "If your password was changed, also enter the previous one (only this "
                "once); otherwise check the password and try again."
            ),
        )


class KeyFileError(StorageError):
    """The key file beside the database is missing, unreadable or not ours. ``detail``
    says what is wrong (a message from ``storage.keys``)."""

    def __init__(self, path: Path, detail: str | Message) -> None:
        super().__init__(
            _msg(
                "The key file {path} cannot be used ({detail}). Contact your administrator "
                "and do not delete the file.",
                path=path,
                detail=_message(detail),
            )
        )
        self.path = path


class StoreNotFound(StorageError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            _msg(
                "The data on this computer ({path}) does not exist. Log in online once "
                "first to set it up.",
                path=path,
            )
        )
        self.path = path


class StoreExists(StorageError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            _msg(
                "The data on this computer ({path}) already exists and cannot be created again.",
                path=path,
            )
        )
        self.path = path


class StoreCorrupted(StorageError):
    """The database failed its integrity check and was moved aside, never deleted.

    ``moved_to`` is the new path of the database file; its -wal/-shm and a copy of the
    key file sit beside it with the same suffix.
    """

    def __init__(self, original: Path, moved_to: Path, detail: str) -> None:
        super().__init__(
            _msg(
                "The data on this computer is damaged and cannot be opened. The original "
                "file was moved to {moved_to} (not deleted). Contact your administrator for "
                "help; after logging in again the data is downloaded from the server again.",
                moved_to=moved_to,
            )
        )
        self.original = original
        self.moved_to = moved_to
        self.detail = detail


class StoreMissing(StoreCorrupted):
    """The store file is gone (or empty) while its key file is still there: lost data,
    not a new user. The key file was moved aside (``moved_to``); the next login starts a
    fresh store and downloads the server's data again."""

    def __init__(self, original: Path, moved_to: Path, detail: str) -> None:
        StorageError.__init__(
            self,
            _msg(
                "The data file {original} is gone or empty, but its key file is still there "
                "(it may have been deleted, or the disk failed or the power went off). The "
                "key file was moved to {moved_to} (not deleted). Log in online again to "
                "download the server's data again; changes not yet uploaded cannot be "
                "recovered, contact your administrator.",
                original=original,
                moved_to=moved_to,
            ),
        )
        self.original = original
        self.moved_to = moved_to
        self.detail = detail


class StoreDamaged(StorageError):
    """A read or write found the open store damaged (power loss, failing disk). The
    store is marked so that the next start runs the full check, moves it aside and
    starts fresh; ``gridclient rescue`` exports the unsent changes it can still read."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            _msg(
                "The data file {path} is damaged (found while reading). Close GridClient and "
                "start it again: at start it checks the file, moves it aside (not deleted), "
                "and after logging in again the data is downloaded from the server again. "
                "Your administrator can export changes not yet uploaded with gridclient "
                "rescue.",
                path=path,
            )
        )
        self.path = path
        self.detail = detail


class DiskFull(StorageError):
    """No space left on the disk for a write (the pre-migration backup, the store).
    ``what`` completes "could not …" (a message of the module that writes)."""

    def __init__(self, where: Path, what: str | Message) -> None:
        super().__init__(
            _msg(
                "The disk is full: could not {what} ({where}). No data was changed. Free "
                "some disk space (or contact your administrator), then start GridClient "
                "again.",
                what=_message(what),
                where=where,
            )
        )
        self.where = where


class MigrationFailed(StorageError):
    """Upgrading the schema failed; the transaction was rolled back."""

    def __init__(self, detail: str, backup: Path | None) -> None:
        if backup is not None:
            message = _msg(
                "Upgrading the data on this computer failed; no data was changed. The backup "
                "made before the upgrade is in {backup}. Contact your administrator.",
                backup=backup,
            )
        else:
            message = _msg(
                "Upgrading the data on this computer failed; no data was changed. Contact "
                "your administrator."
            )
        super().__init__(message)
        self.detail = detail
        self.backup = backup


class RecordNotFound(StorageError):
    def __init__(self, kind: EntityKind, record_id: str) -> None:
        super().__init__(
            _msg(
                "The record ({kind} {record_id}) was not found; it may have been deleted or "
                "moved out of your area.",
                kind=kind.value,
                record_id=record_id,
            )
        )
        self.kind = kind
        self.record_id = record_id


class DuplicateRecord(StorageError):
    def __init__(self, kind: EntityKind, record_id: str) -> None:
        super().__init__(
            _msg(
                "The record ({kind} {record_id}) already exists and cannot be created again.",
                kind=kind.value,
                record_id=record_id,
            )
        )
        self.kind = kind
        self.record_id = record_id


class WrongOperation(StorageError):
    """A change that the record kind does not allow (a programming error in the caller)."""

    def __init__(self, kind: EntityKind, message: str | Message) -> None:
        super().__init__(message)
        self.kind = kind


class AppendOnlyError(WrongOperation):
    """Visits, events, event actions and attachments are never edited or deleted."""

    def __init__(self, kind: EntityKind) -> None:
        super().__init__(
            kind,
            _msg(
                "Records of this kind cannot be changed or deleted once saved; to correct "
                "one, add a correcting record."
            ),
        )


class StaleRecord(StorageError):
    """The edit was made on an older copy than the one now stored (a pull came in)."""

    def __init__(self, kind: EntityKind, record_id: str, fields: list[str]) -> None:
        if fields:
            message = _msg(
                "This record was just updated ({fields}). Open it again, then make your change.",
                fields=tuple(fields),
            )
        else:
            message = _msg("This record was just updated. Open it again, then make your change.")
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id
        self.fields = fields


class MissingParent(StorageError):
    """A new record refers to a household or event that is not (or no longer) here."""

    def __init__(self, kind: EntityKind, parent: EntityKind, parent_id: str) -> None:
        super().__init__(
            _msg(
                "The record it belongs to ({parent} {parent_id}) does not exist or was "
                "deleted; cannot save.",
                parent=parent.value,
                parent_id=parent_id,
            )
        )
        self.kind = kind
        self.parent = parent
        self.parent_id = parent_id


class ConflictClosed(StorageError):
    """The conflict is unknown here, already decided, or waiting for the server."""

    def __init__(self, conflict_id: str, detail: str | Message) -> None:
        super().__init__(detail)
        self.conflict_id = conflict_id


class AttachmentMismatch(StorageError):
    """The photo bytes do not match the attachment's SHA-256 id or size."""

    def __init__(self, attachment_id: str) -> None:
        super().__init__(
            _msg(
                "The attachment's content does not match its checksum; it was not saved. "
                "Choose the photo again."
            )
        )
        self.attachment_id = attachment_id
