"""帮助 → 用户指南 (F1): the Chinese user guide, shipped with the application and shown
offline.

The guide's source is ``docs/user-guide.md`` (with the screenshots it shows, under
``docs/screenshots/``); the PyInstaller build copies both into ``resources/help/``
(``packaging/gridclient.spec``). Qt renders the Markdown itself (``QTextBrowser``'s
Markdown reader: headings, lists, tables, images), so nothing is converted at build time
and nothing is fetched from the network: links to web pages are not followed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QImageReader,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gridclient.resources_path import resource_path
from gridclient.ui.form_common import make_readable
from gridclient.ui.screen_fit import fit_to_screen

__all__ = ["UserGuideWindow", "user_guide_path"]

log = logging.getLogger(__name__)

#: Screenshots wider than this are shown scaled down (they are 1366 px wide).
IMAGE_WIDTH = 760


def user_guide_path() -> Path:
    """``resources/help/user-guide.md`` in a build, ``docs/user-guide.md`` in a source
    checkout."""
    bundled = resource_path("help", "user-guide.md")
    if bundled.exists():
        return bundled
    return resource_path().parent / "docs" / "user-guide.md"


class UserGuideWindow(QDialog):
    """Non-modal, resizable; a find box (Ctrl+F inside the guide, Enter for the next
    match)."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        make_readable(self)
        self.setWindowTitle(self.tr("User guide — GridClient"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.path = path or user_guide_path()
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # offline: no web pages, no other files
        self.browser.anchorClicked.connect(self._follow)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText(self.tr("Find in the guide (Ctrl+F)"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_button = QPushButton(self.tr("Find next"))
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(self.find_next)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_find)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        find_row = QHBoxLayout()
        find_row.addWidget(self.find_edit, 1)
        find_row.addWidget(self.find_button)
        layout = QVBoxLayout(self)
        layout.addLayout(find_row)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 900, 640)
        self.load()

    def load(self) -> bool:
        """Show the guide; if its file is missing, say so (and where it was looked for)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            log.error("user guide not found at %s: %s", self.path, exc)
            self.browser.setPlainText(
                self.tr(
                    "The user guide could not be found ({path}). The installation may be "
                    "incomplete: ask your IT contact."
                ).format(path=self.path)
            )
            return False
        document = self.browser.document()
        document.setBaseUrl(QUrl.fromLocalFile(str(self.path.parent) + "/"))
        self.browser.setSearchPaths([str(self.path.parent)])
        self.browser.setMarkdown(text)
        _fit_images(document, self.path.parent, IMAGE_WIDTH)
        return True

    def find_next(self) -> bool:
        """The next match of the find box (from the top again after the last one)."""
        text = self.find_edit.text().strip()
        if not text:
            return False
        if self.browser.find(text):
            return True
        cursor = self.browser.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(text)

    def _focus_find(self) -> None:
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()

    def _follow(self, url: QUrl) -> None:
        """In-page anchors only; anything else stays where it is (offline)."""
        if url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())


def _fit_images(document: QTextDocument, folder: Path, width: int) -> None:
    """Scale images wider than ``width`` down to it (keeping their proportions)."""
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                image = fragment.charFormat().toImageFormat()
                size = QImageReader(str(folder / image.name())).size()
                if size.isValid() and size.width() > width:
                    scaled = QTextImageFormat(image)
                    scaled.setWidth(width)
                    scaled.setHeight(size.height() * width / size.width())
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    cursor.setCharFormat(scaled)
            iterator += 1
        block = block.next()
