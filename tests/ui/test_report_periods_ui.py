"""报表 → 打印或导出报表…: a month, a quarter, a year or any range of days for every
report that takes a period, and after an export a message with 打开文件 and 打开所在
文件夹, driven through the dialog's widgets (in Chinese) on the sample township."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QCoreApplication, QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from gridclient.reports.data import ReportKind
from gridclient.reports.periods import PeriodKind
from gridclient.storage import Store
from gridclient.ui.i18n import install_translators
from gridclient.ui.report_dialogs import ReportDialog
from gridcore.domain.enums import Role
from tests.ui.test_report_ui import _choose, _ctx, _dialog
from tests.ui.test_report_ui import sample as sample
from tests.ui.test_report_ui import store as store
from tests.unit.reports.pdftext import pdf_text, squeeze

REPORTS_WITH_A_PERIOD = [
    k
    for k in ReportKind
    if k
    not in (
        ReportKind.ROSTER,
        ReportKind.HOUSEHOLD_ROSTER,
        ReportKind.ORGANIZATION_ROSTER,
        ReportKind.PLACE_ROSTER,
        ReportKind.MICRO_GRID_ROSTER,
        ReportKind.CADRE_ROSTER,
    )
]


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    translators = install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """What the dialog asked the desktop to open (nothing is really opened)."""
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


def _township(store: Store, qtbot: QtBot) -> ReportDialog:
    return _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)


def _save_as(dialog: ReportDialog, target: Path) -> list[str]:
    asked: list[str] = []

    def ask(_parent, _caption, suggested, _filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(target)

    dialog.ask_save_path = ask
    return asked


def test_the_period_choices_start_on_the_period_of_last_month(
    store: Store,
    qtbot: QtBot,
) -> None:
    dialog = _township(store, qtbot)
    kinds = [dialog.period_kind.itemText(i) for i in range(dialog.period_kind.count())]
    assert kinds == ["按月", "按季度", "按年", "自定义起止日期"]
    assert dialog.period_label.text() == "统计期间：2026年9月，2026年9月1日 至 2026年9月30日"
    dialog.set_period_kind(PeriodKind.QUARTER)
    assert dialog.quarter_year.value() == 2026 and dialog.quarter_combo.currentText() == "第三季度"
    assert dialog.period_label.text() == "统计期间：2026年第三季度，2026年7月1日 至 2026年9月30日"
    dialog.set_period_kind(PeriodKind.YEAR)
    assert dialog.year_spin.isVisibleTo(dialog) and not dialog.quarter_combo.isVisibleTo(dialog)
    assert dialog.period_label.text() == "统计期间：2026年，2026年1月1日 至 2026年12月31日"
    dialog.set_period_kind(PeriodKind.CUSTOM)  # starts as the year shown
    assert dialog.from_edit.date() == QDate(2026, 1, 1)
    assert dialog.to_edit.date() == QDate(2026, 12, 31)
    dialog.set_period_kind(PeriodKind.MONTH)  # the month of the custom start
    assert dialog.month_edit.date() == QDate(2026, 1, 1)
    # Every report with a period offers the same choices; the roster has none.
    for kind in REPORTS_WITH_A_PERIOD:
        _choose(dialog, kind)
        assert dialog.period_kind.isVisibleTo(dialog), kind
    for roster in (ReportKind.ROSTER, ReportKind.HOUSEHOLD_ROSTER):
        _choose(dialog, roster)
        assert not dialog.period_kind.isVisibleTo(dialog)


@pytest.mark.parametrize("kind", REPORTS_WITH_A_PERIOD)
def test_a_quarterly_report_covers_the_quarter(
    kind: ReportKind,
    store: Store,
    tmp_path: Path,
    qtbot: QtBot,
    opened: list[QUrl],
) -> None:
    dialog = _township(store, qtbot)
    _choose(dialog, kind)
    dialog.set_period_kind(PeriodKind.QUARTER)
    dialog.quarter_combo.setCurrentIndex(2)  # 第三季度
    request = dialog.request()
    assert request is not None
    assert (request.period.start, request.period.end) == (date(2026, 7, 1), date(2026, 9, 30))
    asked = _save_as(dialog, tmp_path / "q3")
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert dialog.last_output == tmp_path / "q3.pdf", dialog.message.text()
    assert asked[0].endswith(f"{kind.chinese}_2026年第3季度.pdf")
    text = squeeze(pdf_text(tmp_path / "q3.pdf"))
    assert "统计期间：2026年7月1日至2026年9月30日" in text


def test_a_yearly_excel_and_a_custom_range(
    store: Store,
    tmp_path: Path,
    qtbot: QtBot,
    opened: list[QUrl],
) -> None:
    dialog = _township(store, qtbot)
    _choose(dialog, ReportKind.EVENT_STATS)
    dialog.set_period_kind(PeriodKind.YEAR)
    dialog.year_spin.setValue(2026)
    asked = _save_as(dialog, tmp_path / "year.xlsx")
    qtbot.mouseClick(dialog.excel_button, Qt.MouseButton.LeftButton)
    assert dialog.last_output == tmp_path / "year.xlsx", dialog.message.text()
    assert asked[0].endswith("事件办理统计_2026年.xlsx")
    sheet = load_workbook(tmp_path / "year.xlsx").active
    assert sheet is not None
    cells = [str(c) for row in sheet.iter_rows(max_row=3, values_only=True) for c in row if c]
    assert any("统计期间：2026年1月1日 至 2026年12月31日" in c for c in cells), cells

    dialog.set_period_kind(PeriodKind.CUSTOM)
    dialog.from_edit.setDate(QDate(2026, 9, 10))
    dialog.to_edit.setDate(QDate(2026, 9, 5))  # before the start
    assert "结束日期早于开始日期" in dialog.message.text()
    assert dialog.request() is None
    assert not dialog.pdf_button.isEnabled() and not dialog.excel_button.isEnabled()
    assert dialog.period_label.text() == ""
    dialog.to_edit.setDate(QDate(2026, 9, 20))
    assert dialog.message.text() == "" and dialog.pdf_button.isEnabled()
    assert dialog.period_label.text() == "统计期间：2026年9月10日 至 2026年9月20日"
    asked = _save_as(dialog, tmp_path / "custom.pdf")
    dialog.export_pdf()
    assert asked[0].endswith("事件办理统计_20260910-20260920.pdf")
    assert "统计期间：2026年9月10日至2026年9月20日" in squeeze(pdf_text(tmp_path / "custom.pdf"))


def test_after_an_export_open_the_file_or_its_folder(
    store: Store,
    tmp_path: Path,
    qtbot: QtBot,
    opened: list[QUrl],
) -> None:
    dialog = _township(store, qtbot)
    dialog.show()
    _choose(dialog, ReportKind.EVENT_LEDGER)
    _save_as(dialog, tmp_path / "ledger.pdf")
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    box = dialog.export_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.windowTitle() == "导出完成"
    assert str(tmp_path / "ledger.pdf") in box.text() and "事件台账" in box.text()
    labels = [b.text() for b in box.buttons()]
    assert "打开文件" in labels and "打开所在文件夹" in labels and "关闭" in labels
    qtbot.mouseClick(dialog.open_file_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "ledger.pdf")]
    qtbot.waitUntil(lambda: dialog.export_box is None)

    _save_as(dialog, tmp_path / "ledger.xlsx")
    qtbot.mouseClick(dialog.excel_button, Qt.MouseButton.LeftButton)
    box = dialog.export_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(dialog.open_folder_button, Qt.MouseButton.LeftButton)
    assert opened[-1].toLocalFile() == str(tmp_path)
    assert opened[-1].isLocalFile()


def test_a_file_nothing_can_open_says_so(
    store: Store,
    tmp_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    dialog = _township(store, qtbot)
    dialog.export_pdf(tmp_path / "x.pdf")
    assert dialog.export_box is not None
    qtbot.mouseClick(dialog.open_file_button, Qt.MouseButton.LeftButton)
    assert "无法打开" in dialog.message.text() and "x.pdf" in dialog.message.text()
