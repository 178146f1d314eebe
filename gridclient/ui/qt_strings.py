"""Chinese for the few strings of Qt's own dialogs that Qt's ``qtbase_zh_CN`` catalogue
(shipped with PySide6) leaves in English: Qt 6 renamed them (added a shortcut letter,
moved them to another context) and the catalogue was not updated, so the file dialog
said "Look in:" and "Folder" in a Chinese window. Listed here, with Qt's own contexts
and disambiguations, so ``packaging/i18n.py`` puts them into our catalogue; Qt asks our
catalogue when its own has no translation (``gridclient.ui.i18n``). Found by opening
the file, print and preview dialogs in Chinese and listing every text left in English
(tests/ui/test_help_ui.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def qt_strings() -> list[tuple[str, str]]:
    """(English, as translated now) for each string we supply for Qt's dialogs."""
    return [  # literal calls: packaging/i18n.py (lupdate) reads them from here
        ("&Look in:", QCoreApplication.translate("QFileDialog", "&Look in:")),
        ("Files of &type:", QCoreApplication.translate("QFileDialog", "Files of &type:")),
        ("Page &Set:", QCoreApplication.translate("QPrintSettingsOutput", "Page &Set:")),
        # The file dialog's 类型 column (Qt 6 moved these out of QFileDialog's context).
        ("Drive", QCoreApplication.translate("QAbstractFileIconProvider", "Drive")),
        (
            "Folder",
            QCoreApplication.translate(
                "QAbstractFileIconProvider", "Folder", "All other platforms"
            ),
        ),
        (
            "Folder",
            QCoreApplication.translate("QAbstractFileIconProvider", "Folder", "Match OS X Finder"),
        ),
        (
            "File Folder",
            QCoreApplication.translate(
                "QAbstractFileIconProvider", "File Folder", "Match Windows Explorer"
            ),
        ),
    ]
