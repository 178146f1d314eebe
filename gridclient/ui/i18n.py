"""Translations: English source strings in the code, Simplified Chinese by default.

Our own catalogue is ``resources/translations/gridclient_<lang>.qm`` (built from the
``.ts`` source by ``python packaging/i18n.py``); Qt's own strings (dialog buttons,
print preview, file and print dialogs) come from the ``qtbase`` catalogue shipped with
PySide6 (and copied into the frozen build).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gridclient.resources_path import resource_path
from gridcore.messages import Message

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}

_language = DEFAULT_LANGUAGE
"""The interface language :func:`install_translators` chose (Chinese until then)."""


def ui_language() -> str:
    """The language the windows speak: ``"zh_CN"`` or ``"en"``."""
    return _language


def ui_text(item: BaseException | Message) -> str:
    """What the layers below the UI have to say, in the interface's language: a
    :class:`~gridcore.messages.Message`, or an error's ``user_message`` (storage and
    sync errors carry one); other errors as they are (``str()``, so far Chinese for the
    domain's validation errors)."""
    message = item if isinstance(item, Message) else getattr(item, "user_message", None)
    if isinstance(message, Message):
        return message.render(_language)
    return str(item)


def prefer_chinese_dates(
    language: str | None,
    environ: MutableMapping[str, str] | None = None,
    platform: str = sys.platform,
) -> bool:
    """Qt's own widgets (the file dialog's 修改日期 column) write dates in the system
    locale, not in :func:`QLocale.setDefault`'s; on Linux under the C/POSIX locale they
    read "3 12 2026". For the Chinese interface, set ``LC_TIME=zh_CN.UTF-8`` for this
    process (call it before the QApplication exists) unless ``LC_ALL`` or a real
    ``LC_TIME``/``LANG`` says otherwise. Windows and macOS take dates from the system's
    settings, not from the environment. True if it set it."""
    env = os.environ if environ is None else environ
    if (language or DEFAULT_LANGUAGE) != "zh_CN" or platform in ("win32", "darwin"):
        return False
    if env.get("LC_ALL"):
        return False
    current = env.get("LC_TIME") or env.get("LANG") or ""
    if current.split(".")[0] not in ("", "C", "POSIX"):
        return False
    env["LC_TIME"] = "zh_CN.UTF-8"
    return True


def install_translators(app: QCoreApplication, language: str | None) -> list[QTranslator]:
    """Install the catalogues for ``language`` and return them (keep them alive)."""
    language = language or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        log.warning("unknown language %r, using %s", language, DEFAULT_LANGUAGE)
        language = DEFAULT_LANGUAGE
    global _language
    _language = language
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return []
    installed = []
    ours = QTranslator(app)
    if ours.load(str(resource_path("translations", f"gridclient_{language}.qm"))):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.error("translation catalogue for %s is missing", language)
    qt = QTranslator(app)
    for folder in qt_translation_dirs():
        if qt.load(f"qtbase_{language}", folder):
            app.installTranslator(qt)
            installed.append(qt)
            break
    else:
        log.warning("Qt's own %s catalogue (qtbase) not found: file dialogs in English", language)
    return installed


def qt_translation_dirs() -> list[str]:
    """Where Qt's own catalogues are: Qt's translations folder (PySide6 ships them), then
    ours, where the frozen build copies ``qtbase_zh_CN.qm`` (packaging/build.py
    ``QT_CATALOGUES``) in case Qt's path does not point into the bundle."""
    return [
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        str(resource_path("translations")),
    ]
