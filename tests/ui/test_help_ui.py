"""帮助: 用户指南 (F1) opens the shipped Chinese guide offline; the menus and the tool bar
say their shortcuts; Qt's own dialogs speak Chinese."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gridclient.config import ITSettings
from gridclient.ui.context import AppContext
from gridclient.ui.help import IMAGE_WIDTH, UserGuideWindow, user_guide_path
from gridclient.ui.i18n import install_translators
from gridclient.ui.main_window import MainWindow
from gridclient.ui.tasks import TaskRunner
from tests.demo_store import open_demo_copy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    translators = install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


@pytest.fixture
def window(qtbot: QtBot, demo_template: Path, tmp_path: Path) -> Iterator[MainWindow]:
    demo = open_demo_copy(demo_template, tmp_path / "demo")
    ctx = AppContext(demo.store, TaskRunner(synchronous=True), demo.info, settings=ITSettings())
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    demo.close()


def test_f1_opens_the_user_guide_once(qtbot: QtBot, window: MainWindow) -> None:
    titles = [a.text() for a in window.help_menu.actions() if not a.isSeparator()]
    assert titles[0] == "用户指南" and "导出诊断包…" in titles and titles[-1] == "关于网格通…"
    assert window.guide_action.shortcut() == QKeySequence("F1")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.guide_window
    assert isinstance(guide, UserGuideWindow)
    qtbot.waitUntil(guide.isVisible)
    assert guide.windowTitle() == "用户指南 — 网格通"
    text = guide.browser.toPlainText()
    assert "网格通 使用说明" in text and "离线工作" in text and "冲突" in text
    assert guide.path == ROOT / "docs" / "user-guide.md" == user_guide_path()
    # The screenshots are shown (from the guide's folder), scaled to the window.
    images = _images(guide)
    assert len(images) >= 10 and all(width <= IMAGE_WIDTH for width in images.values())
    assert images["screenshots/lock.png"] == IMAGE_WIDTH  # 1366 px wide: scaled down
    assert all((guide.path.parent / name).is_file() for name in images)
    # Pressing F1 again (or the menu) brings the same window forward.
    window.guide_action.trigger()
    assert window.guide_window is guide
    guide.close()
    qtbot.waitUntil(lambda: window.guide_window is None)


def _images(guide: UserGuideWindow) -> dict[str, float]:
    found: dict[str, float] = {}
    block = guide.browser.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                found[image.name()] = image.width()
            iterator += 1
        block = block.next()
    return found


def test_the_guide_finds_text_and_says_when_it_is_missing(qtbot: QtBot, tmp_path: Path) -> None:
    guide = UserGuideWindow()
    qtbot.addWidget(guide)
    guide.find_edit.setText("锁屏")
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return)
    assert guide.browser.textCursor().selectedText() == "锁屏"
    missing = UserGuideWindow(path=tmp_path / "gone.md")
    qtbot.addWidget(missing)
    assert "找不到用户指南" in missing.browser.toPlainText()
    assert str(tmp_path / "gone.md") in missing.browser.toPlainText()


def test_the_guide_follows_no_link_off_the_page(qtbot: QtBot, tmp_path: Path) -> None:
    page = tmp_path / "guide.md"
    page.write_text("# 标题\n\n[外部网站](https://example.com/) [本页](#标题)\n", "utf-8")
    guide = UserGuideWindow(path=page)
    qtbot.addWidget(guide)
    assert not guide.browser.openExternalLinks() and not guide.browser.openLinks()
    guide.browser.anchorClicked.emit(QUrl("https://example.com/"))
    assert guide.browser.source().isEmpty()  # stayed on the guide


def test_tool_bar_and_menus_show_their_shortcuts(window: MainWindow) -> None:
    tips = {a.shortcut().toString(): a.toolTip() for a in window.toolbar.actions() if a.text()}
    assert tips["Ctrl+F"] == "查找住户和人员（Ctrl+F）"
    assert tips["Ctrl+L"] == "锁定窗口，输入密码解锁（Ctrl+L）"
    assert tips["Ctrl+Shift+N"].endswith("（Ctrl+Shift+N）")
    assert tips["Ctrl+N"].endswith("（Ctrl+N）") and tips["Ctrl+E"].endswith("（Ctrl+E）")
    assert tips["F5"].endswith("（F5）")
    assert window.reports_action.shortcut() == QKeySequence("Ctrl+P")


def test_qt_dialogs_speak_chinese(qtbot: QtBot) -> None:
    """Qt's own catalogue is loaded with ours, and ours fills what Qt's leaves in English
    (gridclient/ui/qt_strings.py): no label or button of the file, print and preview
    dialogs is left in English."""
    dialog = QFileDialog(None, "保存")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    buttons = {b.text() for b in box.findChildren(QPushButton)}
    assert "取消" in buttons
    assert QApplication.translate("QPrintDialog", "Print") == "打印"
    printer = QPrinter()
    for widget in (dialog, QPrintDialog(printer), QPrintPreviewDialog(printer)):
        qtbot.addWidget(widget)
        assert _english(widget) == set(), type(widget).__name__


def _english(widget: QWidget) -> set[str]:
    """Texts of labels, buttons, group boxes and actions with English words and no Chinese."""
    texts = [a.text() for a in widget.findChildren(QAction)]
    for child in widget.findChildren(QWidget):
        if isinstance(child, (QLabel, QAbstractButton)):
            texts.append(child.text())
        elif isinstance(child, QGroupBox):
            texts.append(child.title())
    return {
        t for t in texts if re.search("[A-Za-z]{3,}", t) and not re.search("[\u4e00-\u9fff]", t)
    }


def test_our_catalogue_fills_what_qts_leaves_in_english() -> None:
    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QFileIconProvider

    from gridclient.ui.qt_strings import qt_strings

    for english, chinese in qt_strings():
        assert chinese != english and re.search("[\u4e00-\u9fff]", chinese), english
    assert QFileIconProvider().type(QFileInfo(str(ROOT))) == "文件夹"  # 类型 column


def test_chinese_dates_in_qt_dialogs_under_the_c_locale() -> None:
    from gridclient.ui.i18n import prefer_chinese_dates

    for env, expected in (
        ({"LANG": "C.UTF-8"}, True),
        ({}, True),
        ({"LANG": "POSIX"}, True),
        ({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, False),  # an explicit override wins
        ({"LANG": "en_GB.UTF-8"}, False),  # a real locale is the user's choice
        ({"LANG": "C", "LC_TIME": "de_DE.UTF-8"}, False),
    ):
        environ = dict(env)
        assert prefer_chinese_dates("zh_CN", environ, "linux") is expected, env
        assert environ == ({**env, "LC_TIME": "zh_CN.UTF-8"} if expected else env), env
    assert not prefer_chinese_dates("en", {"LANG": "C"}, "linux")
    assert not prefer_chinese_dates("zh_CN", {"LANG": "C"}, "win32")
    # In a fresh process (the setting must precede the QApplication): 2026/12/3.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    code = (
        "from gridclient.ui.i18n import prefer_chinese_dates as p; p('zh_CN');"
        "from PySide6.QtWidgets import QApplication; a = QApplication([]);"
        "from PySide6.QtCore import QDate, QLocale;"
        "print(QLocale.system().toString(QDate(2026, 12, 3), QLocale.FormatType.ShortFormat))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "2026/12/3", out.stderr
