"""The report dialog's progress, 取消 button and the question before a very large
report (issue 18 item 4), on the real task runner (worker threads)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from gridclient.cancel import Cancelled
from gridclient.reports import render
from gridclient.reports.data import ReportKind, build_report
from gridclient.storage import Store
from gridclient.ui import report_dialogs
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.enums import Role
from tests.ui.test_report_ui import _choose, _ctx, _dialog, _long_ledger, sample, store
from tests.unit.reports.pdftext import page_count

__all__ = ["sample", "store"]  # the fixtures


def _slow_build(monkeypatch: pytest.MonkeyPatch, stopped: list[float]) -> None:
    """A build that steps through 1,000,000 "rows" for up to 20 s and records when it
    stopped (a cancel raises from its step)."""

    def slow(*args: Any, step: Any = None, **kwargs: Any) -> Any:
        deadline = time.monotonic() + 20
        try:
            done = 0
            while time.monotonic() < deadline:
                step(done, 1_000_000)
                done += 500
                time.sleep(0.005)
        except Cancelled:
            stopped.append(time.monotonic())
            raise
        return build_report(*args, step=step, **kwargs)

    monkeypatch.setattr(report_dialogs, "build_report", slow)


def test_cancel_during_a_long_build_returns_to_idle(  # type: ignore[no-untyped-def]
    store: Store, tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped: list[float] = []
    _slow_build(monkeypatch, stopped)
    ctx = _ctx(store, Role.TOWNSHIP, qtbot)
    ctx.runner = TaskRunner()
    try:
        dialog = _dialog(ctx, qtbot)
        qtbot.waitUntil(lambda: dialog.request() is not None)
        _choose(dialog, ReportKind.EVENT_LEDGER)
        target = tmp_path / "ledger.pdf"
        dialog.export_pdf(target)
        assert dialog.busy and dialog.cancel_button.isVisibleTo(dialog)
        # Determinate progress: rows read out of the total.
        qtbot.waitUntil(lambda: dialog.progress.maximum() == 1_000_000, timeout=10_000)
        qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10_000)
        assert "of 1,000,000 rows" in dialog.status_label.text()

        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        asked = time.monotonic()
        # Idle at once: buttons back, no busy bar, the cancel said.
        assert not dialog.busy
        assert not dialog.progress.isVisibleTo(dialog)
        assert not dialog.cancel_button.isVisibleTo(dialog)
        assert dialog.pdf_button.isEnabled() and dialog.kind_combo.isEnabled()
        assert dialog.status_label.text() == "Cancelled."
        # The worker stops at its next step, well within a second.
        qtbot.waitUntil(lambda: bool(stopped), timeout=5_000)
        assert stopped[0] - asked < 1.0
        qtbot.waitUntil(lambda: not ctx.runner.busy(), timeout=5_000)
        qtbot.wait(50)
        # No result arrived: no file, no "saved" message, no error shown.
        assert dialog.last_output is None and not target.exists()
        assert dialog.export_box is None and dialog.message.text() == ""
        assert dialog.status_label.text() == "Cancelled."
    finally:
        ctx.runner.shutdown()


def test_cancel_while_laying_out_and_close_cancels(  # type: ignore[no-untyped-def]
    store: Store, tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layout checks the cancel between chunks of rows: a cancel there stops it, the
    next export runs normally; closing the dialog cancels a running job too."""
    _long_ledger(monkeypatch)
    real = render._row_slices
    seen: list[tuple[int, int]] = []

    def slow_slices(report: Any, printer: Any, width: float, step: Any = None) -> Any:
        def slow_step(done: int, total: int) -> None:
            seen.append((done, total))
            time.sleep(0.2)
            step(done, total)

        return real(report, printer, width, slow_step)

    monkeypatch.setattr(render, "_row_slices", slow_slices)
    ctx = _ctx(store, Role.TOWNSHIP, qtbot)
    ctx.runner = TaskRunner()
    try:
        dialog = _dialog(ctx, qtbot)
        qtbot.waitUntil(lambda: dialog.request() is not None)
        _choose(dialog, ReportKind.EVENT_LEDGER)
        target = tmp_path / "ledger.pdf"
        dialog.export_pdf(target)
        qtbot.waitUntil(lambda: len(seen) >= 1, timeout=15_000)
        qtbot.waitUntil(lambda: "Laying out" in dialog.status_label.text(), timeout=5_000)
        dialog.cancel()
        qtbot.waitUntil(lambda: not ctx.runner.busy(), timeout=5_000)
        laid = len(seen)
        assert laid < 5  # 120 rows are 5 chunks of 25: stopped before the end
        assert not target.exists() and dialog.last_output is None

        monkeypatch.setattr(render, "_row_slices", real)
        dialog.export_pdf(target)
        qtbot.waitUntil(lambda: dialog.last_output == target, timeout=20_000)
        assert page_count(target) > 2

        monkeypatch.setattr(render, "_row_slices", slow_slices)
        seen.clear()
        dialog.export_pdf(tmp_path / "again.pdf")
        qtbot.waitUntil(lambda: len(seen) >= 1, timeout=15_000)
        handle = dialog._handle
        assert handle is not None
        dialog.close()
        qtbot.waitUntil(lambda: handle.done, timeout=5_000)
        assert len(seen) < 5 and not (tmp_path / "again.pdf").exists()
    finally:
        ctx.runner.shutdown()


def test_a_very_large_report_asks_first(  # type: ignore[no-untyped-def]
    store: Store, tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above LARGE_ROWS the dialog asks before laying out: Excel instead, all pages, or
    nothing."""
    _long_ledger(monkeypatch)  # 120 rows
    monkeypatch.setattr(report_dialogs, "LARGE_ROWS", 100)
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    target = tmp_path / "ledger.pdf"
    dialog.export_pdf(target)
    box = dialog.large_box
    assert box is not None and not target.exists() and not dialog.busy
    assert "120 rows" in box.text()
    # Nothing: the dialog is ready, nothing written.
    box.button(box.StandardButton.Cancel).click()
    assert dialog.large_box is None and not target.exists()
    # Excel instead.
    dialog.export_pdf(target)
    box = dialog.large_box
    assert box is not None
    asked: list[str] = []

    def ask(_parent: object, _caption: str, suggested: str, _filters: str) -> str:
        asked.append(suggested)
        return str(tmp_path / "ledger.xlsx")

    dialog.ask_save_path = ask
    dialog.large_excel_button.click()
    assert dialog.last_output == tmp_path / "ledger.xlsx" and asked
    # All pages: laid out, and not asked again for the same choices.
    dialog.export_pdf(target)
    box = dialog.large_box
    assert box is not None
    dialog.large_continue_button.click()
    assert dialog.last_output == target and page_count(target) > 2
    dialog.export_pdf(tmp_path / "again.pdf")
    assert dialog.large_box is None and dialog.last_output == tmp_path / "again.pdf"


def test_a_long_preview_asks_first(  # type: ignore[no-untyped-def]
    store: Store, tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview paints every page on the UI thread: it asks above PREVIEW_LARGE_ROWS,
    a lower bar than the PDF's, and says why."""
    _long_ledger(monkeypatch)  # 120 rows
    monkeypatch.setattr(report_dialogs, "PREVIEW_LARGE_ROWS", 100)
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    dialog.preview()
    box = dialog.large_box
    assert box is not None and dialog.preview_dialog is None
    assert "120 rows" in box.text() and "preview draws every page" in box.text()
    dialog.large_continue_button.click()
    assert dialog.preview_dialog is not None
    dialog.preview_dialog.close()
    # The PDF's bar is higher: no question for the same 120 rows.
    dialog.export_pdf(tmp_path / "ledger.pdf")
    assert dialog.large_box is None and dialog.last_output == tmp_path / "ledger.pdf"
