"""Photos for visits, events and event actions: chosen with a file dialog, downsized
and re-encoded (which drops EXIF, GPS and other metadata) before they are stored.

The stored bytes are content-addressed: the attachment id is their SHA-256. Decoding a
camera photo takes a noticeable moment on an old laptop, so it runs on the task runner;
the prepared blobs wait in memory until the dialog saves them in the same unit of work
as the record that references them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.uow import UnitOfWork
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import InlineMessage
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.tasks import TaskContext
from gridcore.domain.entities import Attachment, utcnow

LONGEST_SIDE = 1600
JPEG_QUALITY = 80
THUMBNAIL = 72

PickFiles = Callable[[QWidget], list[str]]
"""Return the chosen file paths (a file dialog; tests pass their own)."""


class PhotoError(ValueError):
    """A file that cannot be used as a photo; the message is for the user."""


@dataclass(frozen=True)
class PreparedPhoto:
    attachment: Attachment
    blob: bytes
    name: str


def prepare_photo(path: Path, *, longest_side: int = LONGEST_SIDE) -> PreparedPhoto:
    """Read, orient, downsize and re-encode one photo as JPEG (no metadata survives)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # apply the EXIF orientation before it is dropped
    image = reader.read()
    if image.isNull():
        raise PhotoError(
            f"无法读取照片“{path.name}”：{reader.errorString()}。请选择 JPG 或 PNG 图片。"
        )
    if max(image.width(), image.height()) > longest_side:
        image = image.scaled(
            longest_side,
            longest_side,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPEG", JPEG_QUALITY):  # type: ignore[call-overload]
        raise PhotoError(f"照片“{path.name}”无法压缩保存，请换一张照片。")
    buffer.close()
    blob = bytes(data.data())
    attachment = Attachment(
        id=hashlib.sha256(blob).hexdigest(),
        mime="image/jpeg",
        size=len(blob),
        width=image.width(),
        height=image.height(),
        created_at=utcnow(),
    )
    return PreparedPhoto(attachment, blob, path.name)


def store_photos(uow: UnitOfWork, photos: Sequence[PreparedPhoto]) -> tuple[str, ...]:
    """Append the photos with their bytes; returns their ids for the referencing record."""
    for photo in photos:
        uow.append(photo.attachment, blob=photo.blob)
    return tuple(dict.fromkeys(p.attachment.id for p in photos))


class PhotoPicker(QWidget):
    """Add / remove photos; holds the prepared (downsized) photos until save."""

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        *,
        pick_files: PickFiles | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.pick_files: PickFiles = pick_files or self._file_dialog
        self._photos: list[PreparedPhoto] = []
        self._busy = 0

        self.list = QListWidget(self)
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setFixedHeight(THUMBNAIL + 40)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.add_button = QPushButton(self.tr("Add photos…"), self)
        self.add_button.clicked.connect(self.choose)
        self.remove_button = QPushButton(self.tr("Remove photo"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = TextLabel(self)
        self.error = InlineMessage(parent=self)

        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        self._update_status()

    def _file_dialog(self, parent: QWidget) -> list[str]:
        paths, _filter = QFileDialog.getOpenFileNames(
            parent,
            self.tr("Choose photos"),
            "",
            self.tr("Images (*.jpg *.jpeg *.png *.bmp)"),
        )
        return list(paths)

    def photos(self) -> list[PreparedPhoto]:
        return list(self._photos)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def choose(self) -> None:
        paths = self.pick_files(self)
        if paths:
            self.add_paths([Path(p) for p in paths])

    def add_paths(self, paths: Sequence[Path]) -> None:
        self.error.show_message("")
        self._busy += 1
        self._update_status()

        def work(_task: TaskContext) -> tuple[list[PreparedPhoto], list[str]]:
            done: list[PreparedPhoto] = []
            problems: list[str] = []
            for path in paths:
                try:
                    done.append(prepare_photo(path))
                except PhotoError as exc:
                    problems.append(str(exc))
            return done, problems

        self._ctx.runner.submit(
            work, on_done=self._on_prepared, on_error=self._on_failed, lane="cpu"
        )

    def _on_prepared(self, result: tuple[list[PreparedPhoto], list[str]]) -> None:
        self._busy -= 1
        prepared, problems = result
        known = {p.attachment.id for p in self._photos}
        for photo in prepared:
            if photo.attachment.id in known:
                continue
            known.add(photo.attachment.id)
            self._photos.append(photo)
            image = QImage.fromData(photo.blob)
            thumb = image.scaled(
                THUMBNAIL,
                THUMBNAIL,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            item = QListWidgetItem(QIcon(QPixmap.fromImage(thumb)), photo.name)
            item.setData(Qt.ItemDataRole.UserRole, photo.attachment.id)
            self.list.addItem(item)
        self.error.show_message("\n".join(problems))
        self._update_status()
        self.changed.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._busy -= 1
        self.error.show_message(str(exc))
        self._update_status()

    def clear(self) -> None:
        """Forget the prepared photos (they were saved with their record)."""
        self._photos = []
        self.list.clear()
        self._update_status()
        self.changed.emit()

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            photo_id = item.data(Qt.ItemDataRole.UserRole)
            self._photos = [p for p in self._photos if p.attachment.id != photo_id]
            self.list.takeItem(self.list.row(item))
        self._update_status()
        self.changed.emit()

    def _update_status(self) -> None:
        if self._busy:
            self.status.setText(self.tr("Preparing photos…"))
        else:
            self.status.setText(self.tr("{count} photo(s)").format(count=len(self._photos)))
        self.remove_button.setEnabled(bool(self._photos))
