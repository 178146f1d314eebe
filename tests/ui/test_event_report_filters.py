"""The report dialog prints one 三本账 ledger, one category or an 超期未办结 list on its
own (issue #15): the filters driven through the widgets, the PDF and xlsx read back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt

from gridclient.demo.local import load_dataset
from gridclient.reports.data import EventStateFilter, ReportKind
from gridclient.storage import Store
from gridclient.ui.context import AppContext, UserInfo
from gridclient.ui.report_dialogs import ReportDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.enums import EventSource, Ledger, Role
from tests.unit.reports.event_sample import build_event_sample
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

TODAY = date(2026, 10, 3)  # last month: September 2026


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.create(tmp_path / "store.db", PASSWORD, username="t1", kdf=CHEAP_KDF)
    load_dataset(opened, build_event_sample().dataset)
    try:
        yield opened
    finally:
        opened.close()


def _dialog(store: Store, qtbot) -> ReportDialog:  # type: ignore[no-untyped-def]
    user = UserInfo(username="t1", display_name="测试", role=Role.TOWNSHIP, scope_name="和平镇")
    dialog = ReportDialog(AppContext(store, TaskRunner(synchronous=True), user), today=TODAY)
    qtbot.addWidget(dialog)
    return dialog


def _choose(dialog: ReportDialog, kind: ReportKind) -> None:
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(kind.value))


def test_filters_show_only_for_event_reports(store: Store, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(store, qtbot)
    _choose(dialog, ReportKind.VISIT_SUMMARY)
    assert not dialog.ledger_combo.isVisibleTo(dialog)
    assert not dialog.overdue_box.isVisibleTo(dialog)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    assert dialog.ledger_combo.isVisibleTo(dialog) and dialog.state_combo.isVisibleTo(dialog)
    assert dialog.category_combo.isVisibleTo(dialog) and dialog.overdue_box.isVisibleTo(dialog)
    # The categories come from the stored catalog, after 全部.
    texts = [dialog.category_combo.itemText(i) for i in range(dialog.category_combo.count())]
    assert "01001 邻里纠纷" in texts and len(texts) > 10


def test_one_ledger_printed_on_its_own(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(store, qtbot)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    dialog.ledger_combo.setCurrentIndex(dialog.ledger_combo.findData(Ledger.SUGGESTION.value))
    asked: list[str] = []

    def ask(_parent, _caption, suggested, _filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "suggestions")

    dialog.ask_save_path = ask
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert asked[0].endswith("事件台账_意见建议账_2026年09月.pdf")
    text = squeeze(pdf_text(tmp_path / "suggestions.pdf"))
    assert "意见建议账" in text and "e4" in text and "e5" in text
    assert "e1" not in text and "e3" not in text  # other ledgers left out


def test_overdue_unfinished_list_to_excel(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(store, qtbot)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    dialog.state_combo.setCurrentIndex(
        dialog.state_combo.findData(EventStateFilter.UNFINISHED.value)
    )
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.overdue_box  # its indicator, at the left (the row is wider than it)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    target = tmp_path / "overdue.xlsx"
    dialog.export_excel(target)
    assert dialog.last_output == target
    sheet = load_workbook(target).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "事件台账（超期未办结）" in cells
    numbers = [c for c in cells if isinstance(c, str) and c.startswith("2026-100-")]
    # Printed now (after TODAY): every unfinished event is past its limit by then, the
    # returned one (e4) and the one not yet on the server (e7, 待编号) included.
    assert numbers == ["2026-100-00004", "2026-100-00005"] and "待编号" in cells
    assert "何子健" in cells and "督办" in cells


def test_statistics_of_one_category(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(store, qtbot)
    _choose(dialog, ReportKind.EVENT_STATS)
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("01001"))
    request = dialog.request()
    assert request is not None and request.which.category == "01001"
    dialog.export_pdf(tmp_path / "stats.pdf")
    text = squeeze(pdf_text(tmp_path / "stats.pdf"))
    assert "事件办理统计(邻里纠纷)" in text or "事件办理统计（邻里纠纷）" in text
    assert "消防安全隐患" not in text and "自处置率" in text


def test_the_source_filter_reaches_the_request(store: Store, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(store, qtbot)
    _choose(dialog, ReportKind.VISIT_SUMMARY)
    assert not dialog.source_combo.isVisibleTo(dialog)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    assert dialog.source_combo.isVisibleTo(dialog)
    dialog.source_combo.setCurrentIndex(dialog.source_combo.findData(EventSource.HOTLINE.value))
    request = dialog.request()
    assert request is not None and request.which.source is EventSource.HOTLINE
    assert request.which.subtitle() == "来源：热线"
