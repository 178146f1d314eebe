"""Chinese for the few strings of Qt's own dialogs that Qt's ``qtbase_zh_CN`` catalogue
(shipped with PySide6) leaves in English: Qt 6 renamed them (added a shortcut letter)
and the catalogue was not updated, so the file dialog said "Look in:" in a Chinese
window. Listed here so ``packaging/i18n.py`` puts them into our catalogue under Qt's
own contexts; Qt asks our catalogue when its own has no translation
(``gridclient.ui.i18n``). Found by opening the file, print and preview dialogs in
Chinese and listing every label left in English (tests/ui/test_help_ui.py)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

QT_STRINGS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    QT_TRANSLATE_NOOP("QPrintSettingsOutput", "Page &Set:"),
)
