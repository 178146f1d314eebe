"""Progress and cancel of the long report steps: building, laying out, painting."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridclient.cancel import Cancelled
from gridclient.reports import render
from gridclient.reports.data import ReportKind, build_report
from gridclient.reports.progress import ticking
from gridclient.reports.render import render_pdf
from gridclient.storage import Store
from tests.unit.reports.sample import PERIOD, TOWNSHIP_CODE
from tests.unit.reports.test_render_pages import _ledger_like


class Recorder:
    """A step that records its calls and raises Cancelled from the ``cancel_at``-th on."""

    def __init__(self, cancel_at: int | None = None) -> None:
        self.calls: list[tuple[int, int]] = []
        self.cancel_at = cancel_at

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))
        if self.cancel_at is not None and len(self.calls) >= self.cancel_at:
            raise Cancelled


def test_ticking_calls_the_step_every_n_items() -> None:
    step = Recorder()
    assert list(ticking(range(7), step, 7, every=3)) == list(range(7))
    assert step.calls == [(0, 7), (3, 7), (6, 7)]
    assert list(ticking(range(3), None)) == [0, 1, 2]


def test_layout_reports_rows_and_a_cancel_stops_it_within_a_chunk() -> None:
    report = _ledger_like(40 * render._CHUNK_ROWS)
    render_pdf(_ledger_like(1), Path("/dev/null"))  # makes the QGuiApplication
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    render.setup_printer(printer, report)
    full = Recorder()
    render.paginate(report, printer, step=full)
    rows = len(report.rows)
    assert full.calls[0] == (0, rows) and full.calls[-1] == (rows, rows)
    assert [d for d, _t in full.calls] == sorted(d for d, _t in full.calls)

    stopper = Recorder(cancel_at=3)
    with pytest.raises(Cancelled):
        render.paginate(report, printer, step=stopper)
    # Stopped at the third chunk: two chunks laid out, not the forty.
    assert stopper.calls == [(0, rows), (25, rows), (50, rows)]


def test_a_cancel_while_painting_stops_and_leaves_no_pdf(tmp_path: Path) -> None:
    report = _ledger_like(300)
    target = tmp_path / "ledger.pdf"
    pages = Recorder()
    count = render_pdf(report, target, page_step=pages)
    assert count > 5 and pages.calls[-1] == (count, count)
    assert target.is_file()

    target.unlink()
    stopper = Recorder(cancel_at=4)
    with pytest.raises(Cancelled):
        render_pdf(report, target, page_step=stopper)
    assert len(stopper.calls) == 4
    assert not target.exists()


def test_build_report_steps_and_stops(store: Store) -> None:
    step = Recorder()
    report = build_report(store, ReportKind.EVENT_LEDGER, TOWNSHIP_CODE, PERIOD, step=step)
    assert step.calls[0] == (0, 0)
    assert (0, len(report.rows)) in step.calls

    with pytest.raises(Cancelled):
        build_report(
            store, ReportKind.VISIT_REGISTER, TOWNSHIP_CODE, PERIOD, step=Recorder(cancel_at=1)
        )


def test_a_cancelled_excel_export_leaves_no_file(tmp_path: Path) -> None:
    from gridclient.reports.excel import write_xlsx

    report = _ledger_like(1200)
    target = tmp_path / "ledger.xlsx"
    rows = Recorder()
    write_xlsx(report, target, step=rows)
    assert rows.calls == [(0, 1200), (500, 1200), (1000, 1200)] and target.is_file()

    target.unlink()
    with pytest.raises(Cancelled):
        write_xlsx(report, target, step=Recorder(cancel_at=2))
    assert list(tmp_path.iterdir()) == []
