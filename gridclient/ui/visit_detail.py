"""One saved visit (走访), read-only: every field, its photos, and its corrections.

Visits are append-only. "更正…" opens the visit form filled with this visit; saving
appends a correction that names it (``corrects_id``). The detail always shows the latest
version, with a note of what it corrects, and every list shows a corrected visit once.
Everything shown here is user text: it is set as plain text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.repositories import Repositories
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    InlineMessage,
    cst_text,
    emphasize,
    error_text,
    make_readable,
    scrolling,
)
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.screen_fit import fit_to_screen
from gridcore.domain.entities import Household, Visit

THUMBNAIL = 160


@dataclass(frozen=True)
class VisitDetail:
    versions: list[Visit]
    """Oldest first; the last is the one shown."""
    household: Household | None
    photos: list[tuple[str, QImage]]


def load_visit(repos: Repositories, visit_id: str) -> VisitDetail | None:
    """Off the UI thread: the visit's versions, its household and its photos decoded
    (QImage may be built on any thread; QPixmap only on the UI thread)."""
    versions = repos.records.visit_versions(visit_id)
    if not versions:
        return None
    latest = versions[-1]
    household = repos.records.get(Household, latest.household_id)
    photos = []
    for sha256 in latest.attachments:
        data = repos.records.blob(sha256)
        image = QImage.fromData(data) if data else QImage()
        if not image.isNull():
            image = image.scaled(
                THUMBNAIL,
                THUMBNAIL,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        photos.append((sha256, image))
    return VisitDetail(versions, household, photos)


def _plain(text: str = "") -> QLabel:
    label = TextLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class VisitDetailDialog(QDialog):
    """A saved visit; ``corrected(visit_id)`` after a correction was saved."""

    corrected = Signal(str)

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self._visit_id = visit_id
        self.detail: VisitDetail | None = None
        self.saved_note = ""
        self.correction_form: QDialog | None = None
        self.setWindowTitle(self.tr("Visit"))
        fit_to_screen(self, 680, 600)
        self.heading = _plain(self.tr("Loading…"))
        emphasize(self.heading, point_size=15)
        self.banner = InlineMessage()
        self.note = _plain()
        self.note.setStyleSheet("color: #555;")
        self.fields: dict[str, QLabel] = {
            name: _plain()
            for name in (
                "when",
                "method",
                "visitor",
                "content",
                "findings",
                "needs",
                "follow_up",
                "received",
            )
        }
        form = QFormLayout()
        form.addRow(self.tr("Date and time (Beijing)"), self.fields["when"])
        form.addRow(self.tr("Method"), self.fields["method"])
        form.addRow(self.tr("Visitor"), self.fields["visitor"])
        form.addRow(self.tr("Content"), self.fields["content"])
        form.addRow(self.tr("Findings"), self.fields["findings"])
        form.addRow(self.tr("Needs"), self.fields["needs"])
        form.addRow(self.tr("Follow-up"), self.fields["follow_up"])
        form.addRow(self.tr("Received by the server"), self.fields["received"])
        self.photo_list = QListWidget()
        self.photo_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.photo_list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.photo_list.setMinimumHeight(THUMBNAIL + 30)
        self.photo_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        form.addRow(self.tr("Photos"), self.photo_list)
        self._form = form

        self.correct_button = QPushButton(self.tr("Correct…"))
        self.correct_button.setToolTip(
            self.tr("Saved visits are never changed: a correction is saved as a new record")
        )
        self.correct_button.setEnabled(False)
        self.correct_button.clicked.connect(self.correct)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.banner)
        layout.addWidget(scrolling(form), 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        visit_id = self._visit_id
        self.ctx.read(
            lambda repos: load_visit(repos, visit_id),
            self._fill,
            lambda exc: self.banner.show_message(error_text(exc)),
        )

    def _fill(self, detail: VisitDetail | None) -> None:
        if detail is None:
            self.heading.setText(self.tr("Visit not found"))
            self.correct_button.setEnabled(False)
            return
        self.detail = detail
        visit = detail.versions[-1]
        self._visit_id = visit.id
        address = detail.household.address if detail.household is not None else ""
        self.heading.setText(self.tr("Visit: {address}").format(address=address))
        values = {
            "when": cst_text(visit.visited_at),
            "method": visit.method.label,
            "visitor": self.ctx.person(visit.visitor),
            "content": visit.content,
            "findings": visit.findings or "—",
            "needs": visit.needs or "—",
            "follow_up": visit.follow_up or "—",
            "received": cst_text(visit.server_at) if visit.server_at else self.tr("Not synced yet"),
        }
        for name, text in values.items():
            self.fields[name].setText(text)
        if len(detail.versions) > 1:
            self.note.setText(
                self.tr(
                    "Corrected %n time(s); the original was recorded on {when}.",
                    "",
                    len(detail.versions) - 1,
                ).format(when=cst_text(detail.versions[0].visited_at))
            )
        else:
            self.note.setText("")
        if self.saved_note:
            self.note.setText(f"{self.saved_note}\n{self.note.text()}".strip())
            self.saved_note = ""
        self.note.setVisible(bool(self.note.text()))
        self.photo_list.clear()
        for sha256, image in detail.photos:
            item = QListWidgetItem()
            if image.isNull():
                item.setText(self.tr("(photo not downloaded yet)"))
            else:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            item.setToolTip(sha256[:12])
            self.photo_list.addItem(item)
        self._form.setRowVisible(self.photo_list, bool(detail.photos))
        household = detail.household
        self.correct_button.setEnabled(household is not None and not household.deleted)

    def correct(self) -> None:
        """Open the visit form on this visit; saving appends the correction."""
        from gridclient.ui.visit_dialog import VisitDialog

        if self.detail is None:
            return
        visit = self.detail.versions[-1]
        form = VisitDialog(self.ctx, visit.household_id, self, corrects=visit)
        form.saved.connect(self._corrected)
        self.correction_form = form
        form.open()

    def _corrected(self, visit_id: str) -> None:
        self._visit_id = visit_id
        self.saved_note = self.tr("Saved: the correction is kept with the visit.")
        self.corrected.emit(visit_id)
        self.reload()
