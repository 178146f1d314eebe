"""Errors from below the UI speak the window's language (issue 17): ``gridclient --lang en``
(``app.run_gui`` → ``install_translators(app, "en")``) shows a storage error in English,
the default zh_CN in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from gridclient.storage.errors import StaleRecord, StoreCorrupted
from gridclient.sync.errors import NetworkError
from gridclient.ui import i18n
from gridclient.ui.form_common import InlineMessage, error_text
from gridclient.ui.i18n import install_translators, ui_language, ui_text
from gridclient.ui.login import error_message
from gridcore.domain.enums import EntityKind

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def language(qapp, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:  # type: ignore[no-untyped-def]
    """Switch the interface language as ``--lang`` does; restored afterwards."""
    monkeypatch.setattr(i18n, "_language", i18n.ui_language())
    before = QLocale()
    installed: list[QTranslator] = []

    def use(lang: str) -> None:
        for translator in installed:
            QCoreApplication.removeTranslator(translator)
        installed[:] = install_translators(qapp, lang)

    yield use
    for translator in installed:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(before)


def _stale() -> StaleRecord:
    return StaleRecord(EntityKind.HOUSEHOLD, "h-1", ["address", "phone"])


def test_a_storage_error_is_english_with_lang_en(language, qtbot) -> None:  # type: ignore[no-untyped-def]
    language("en")
    assert ui_language() == "en"
    banner = InlineMessage()
    qtbot.addWidget(banner)
    banner.show_message(error_text(_stale()))
    text = banner.text()
    assert text.startswith("This record was just updated (address, phone).")
    assert "Your input is kept." in text
    assert not CJK.search(text), text
    assert str(_stale()).startswith("该记录刚刚已被更新")  # the CLI and the log stay Chinese


def test_a_storage_error_is_chinese_by_default(language, qtbot) -> None:  # type: ignore[no-untyped-def]
    language("zh_CN")
    assert ui_language() == "zh_CN"
    banner = InlineMessage()
    qtbot.addWidget(banner)
    banner.show_message(error_text(_stale()))
    first, advice = banner.text().split("\n", 1)
    assert first == "该记录刚刚已被更新（address、phone），请重新打开后再修改。"
    assert CJK.search(advice) and "Your input" not in advice


def test_login_messages_follow_the_language(language, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corrupted = StoreCorrupted(tmp_path / "a.db", tmp_path / "a.db.corrupt", "detail")
    language("en")
    english = error_message(corrupted)
    assert english.startswith("The data on this computer is damaged") and not CJK.search(english)
    assert ui_text(NetworkError()).startswith("Cannot reach the server.")
    language("zh_CN")
    assert error_message(corrupted).startswith("本机数据已损坏")
    assert ui_text(NetworkError()).startswith("无法连接服务器")
