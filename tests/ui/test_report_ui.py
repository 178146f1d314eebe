"""The report dialog and the roster import dialog, driven through their widgets on a
real store with the hand-built sample township (tests/unit/reports/sample.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget

from gridclient.demo.local import load_dataset
from gridclient.imports.roster import RowStatus
from gridclient.reports.data import ReportKind
from gridclient.storage import Store
from gridclient.ui import import_dialog
from gridclient.ui.context import AppContext, ChangeSet, UserInfo
from gridclient.ui.import_dialog import ImportDialog
from gridclient.ui.report_dialogs import ReportDialog, last_month
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.enums import EntityKind, Role, SpecialGroup
from tests.unit.reports.pdftext import page_count, pdf_text, squeeze
from tests.unit.reports.sample import Sample, build_sample
from tests.unit.reports.test_importer import ID_A, messy_roster
from tests.unit.storage.factories import CHEAP_KDF, PASSWORD

TODAY = date(2026, 10, 15)  # last month: September 2026, the sample's period


@pytest.fixture
def sample() -> Sample:
    return build_sample()


@pytest.fixture
def store(tmp_path: Path, sample: Sample) -> Iterator[Store]:
    opened = Store.create(tmp_path / "store.db", PASSWORD, username="t1", kdf=CHEAP_KDF)
    load_dataset(opened, sample.dataset)
    try:
        yield opened
    finally:
        opened.close()


def _ctx(store: Store, role: Role, qtbot) -> AppContext:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    user = UserInfo(username="t1", display_name="测试", role=role, scope_name="和平镇")
    return AppContext(store, runner, user)


def _dialog(ctx: AppContext, qtbot, area_id: str | None = None) -> ReportDialog:  # type: ignore[no-untyped-def]
    dialog = ReportDialog(ctx, area_id=area_id, today=TODAY)
    qtbot.addWidget(dialog)
    return dialog


def _choose(dialog: ReportDialog, kind: ReportKind) -> None:
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(kind.value))


def test_defaults_area_from_the_tree_and_last_month(store: Store, sample: Sample, qtbot) -> None:  # type: ignore[no-untyped-def]
    grid = sample.grids["g1"]
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot, area_id=grid.id)
    assert last_month(TODAY) == date(2026, 9, 1)
    request = dialog.request()
    assert request is not None
    assert request.area_id == grid.id
    assert (request.period.start, request.period.end) == (date(2026, 9, 1), date(2026, 9, 30))
    # Every report the module offers, and the township and villages above the grid.
    kinds = [dialog.kind_combo.itemData(i) for i in range(dialog.kind_combo.count())]
    assert kinds == [k.value for k in ReportKind]
    names = [dialog.area_combo.itemText(i).strip("　") for i in range(dialog.area_combo.count())]
    assert names[0].startswith("和平镇") and any("东村第一网格" in n for n in names)
    assert dialog.period_label.text().endswith("2026年9月1日 至 2026年9月30日")
    _choose(dialog, ReportKind.ROSTER)
    assert dialog.group_combo.isVisibleTo(dialog) and not dialog.month_edit.isVisibleTo(dialog)


def test_export_pdf_has_the_expected_rows(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.VISIT_SUMMARY)
    asked: list[str] = []

    def ask(_parent, _caption, suggested, _filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "summary")  # no suffix: the dialog adds .pdf

    dialog.ask_save_path = ask
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    pdf = tmp_path / "summary.pdf"
    assert dialog.last_output == pdf and not dialog.busy
    assert asked and asked[0].endswith("网格走访情况汇总表_2026年09月.pdf")
    text = squeeze(pdf_text(pdf))
    assert "网格走访情况汇总表" in text and "和平镇" in text
    # The first area (和平镇) covers its two grids, not the other township's.
    assert "东村第一网格" in text and "东村第二网格" in text and "西村第一网格" not in text
    assert "2026年9月1日至2026年9月30日" in text and "第1页共1页" in text
    assert "summary.pdf" in dialog.status_label.text()


def test_roster_masking_follows_the_role(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    ids = {}
    for role in (Role.TOWNSHIP, Role.WORKER):
        dialog = _dialog(_ctx(store, role, qtbot), qtbot)
        _choose(dialog, ReportKind.ROSTER)
        dialog.group_combo.setCurrentIndex(dialog.group_combo.findData(SpecialGroup.DISABLED.value))
        target = tmp_path / f"{role.value}.xlsx"
        dialog.export_excel(target)
        assert dialog.last_output == target, dialog.message.text()
        sheet = load_workbook(target).active
        assert sheet is not None
        ids[role] = [str(r[5]) for r in sheet.iter_rows(min_row=5, max_row=6, values_only=True)]
    assert all("*" not in i for i in ids[Role.TOWNSHIP])
    assert all("********" in i for i in ids[Role.WORKER])


def test_household_roster_from_the_dialog(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, tmp_path: Path, qtbot
) -> None:
    """重点户花名册: the program chooser replaces the group chooser, no period, masking
    offered; the exported sheet lists the 低保户 of the township."""
    import dataclasses

    from gridcore.domain.enums import HouseholdTag

    with store.unit_of_work(actor="tester") as uow:
        grid = sample.grids["g1"].id
        home = next(h for h in uow.repos.records.households_of_grid(grid) if h.number)
        uow.update(dataclasses.replace(home, tags=frozenset({HouseholdTag.MINIMUM_LIVING})))
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.HOUSEHOLD_ROSTER)
    assert dialog.program_combo.isVisibleTo(dialog) and not dialog.group_combo.isVisibleTo(dialog)
    assert dialog.masked_box.isVisibleTo(dialog) and not dialog.period_row.isVisibleTo(dialog)
    dialog.program_combo.setCurrentIndex(dialog.program_combo.findText("低保户"))
    request = dialog.request()
    assert request is not None and request.file_stem("和平镇") == "和平镇_重点户花名册_低保户"
    target = tmp_path / "dibao.xlsx"
    dialog.export_excel(target)
    assert dialog.last_output == target, dialog.message.text()
    sheet = load_workbook(target).active
    assert sheet is not None
    numbers = [r[1] for r in sheet.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert numbers == [home.number]


def test_masked_copy_for_every_role(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Township staff tick 脱敏 to pass a roster upward: every number masked, the file
    name says so; the box is only offered for rosters (the other reports print none)."""
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    assert not dialog.masked_box.isVisibleTo(dialog)
    _choose(dialog, ReportKind.ROSTER)
    assert dialog.masked_box.isVisibleTo(dialog)
    dialog.group_combo.setCurrentIndex(dialog.group_combo.findData(SpecialGroup.DISABLED.value))
    dialog.masked_box.setChecked(True)
    request = dialog.request()
    assert request is not None and request.masked
    assert request.file_stem("和平镇").endswith("_脱敏")
    target = tmp_path / "masked.xlsx"
    dialog.export_excel(target)
    assert dialog.last_output == target, dialog.message.text()
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=5, max_row=6, values_only=True))
    assert all("********" in str(r[5]) for r in rows)  # ID numbers
    assert all("****" in str(r[6]) for r in rows)  # phones


def _opened_preview(dialog: ReportDialog, qtbot) -> tuple[QPrintPreviewDialog, QPrintPreviewWidget]:  # type: ignore[no-untyped-def]
    preview = dialog.preview_dialog
    assert preview is not None
    qtbot.addWidget(preview)
    qtbot.waitUntil(preview.isVisible)
    widget = preview.findChild(QPrintPreviewWidget)
    assert widget is not None
    assert dialog._pagination is not None
    return preview, widget


def test_print_preview_opens_and_paginates(store: Store, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    dialog.preview()
    preview, widget = _opened_preview(dialog, qtbot)
    layout = dialog._pagination
    assert layout is not None and layout.page_count >= 1
    qtbot.waitUntil(lambda: widget.pageCount() == layout.page_count)
    assert dialog.printer is not None
    assert dialog.printer.pageLayout().orientation().name == "Landscape"
    # Portrait chosen in the preview: laid out again for the new page, same rows.
    widget.setPortraitOrientation()
    qtbot.waitUntil(lambda: dialog._pagination is not layout)
    relaid = dialog._pagination
    assert relaid is not None and relaid.fits(dialog.printer)
    assert relaid.height > relaid.width
    assert sum(len(p) for p in relaid.pages) == sum(len(p) for p in layout.pages)
    qtbot.waitUntil(lambda: widget.pageCount() == relaid.page_count)
    preview.close()


def test_preview_laid_out_on_a_worker_thread(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The real runner: the layout is made on the database thread, the preview paints it
    on the UI thread (and the UI stays responsive meanwhile)."""
    ctx = _ctx(store, Role.TOWNSHIP, qtbot)
    ctx.runner = TaskRunner()
    try:
        dialog = _dialog(ctx, qtbot)
        qtbot.waitUntil(lambda: dialog.request() is not None)
        _choose(dialog, ReportKind.VISIT_REGISTER)
        dialog.preview()
        assert dialog.busy and dialog.progress.isVisibleTo(dialog)
        assert not dialog.pdf_button.isEnabled()
        qtbot.waitUntil(lambda: dialog.preview_dialog is not None, timeout=15_000)
        preview, widget = _opened_preview(dialog, qtbot)
        assert dialog._pagination is not None
        qtbot.waitUntil(lambda: widget.pageCount() == dialog._pagination.page_count)
        assert dialog.pdf_button.isEnabled()
        preview.close()
        # The PDF is written on the worker thread too.
        target = tmp_path / "register.pdf"
        dialog.export_pdf(target)
        qtbot.waitUntil(lambda: dialog.last_output == target, timeout=15_000)
        assert page_count(target) == dialog._pagination.page_count
        assert "入户走访登记表" in squeeze(pdf_text(target))
    finally:
        ctx.runner.shutdown()


def test_long_preview_has_several_pages(store: Store, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A report too long for one page: the preview shows every page of the layout."""
    _long_ledger(monkeypatch)
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.EVENT_LEDGER)
    dialog.preview()
    preview, widget = _opened_preview(dialog, qtbot)
    qtbot.waitUntil(lambda: widget.pageCount() > 2)
    assert dialog._pagination is not None
    assert widget.pageCount() == dialog._pagination.page_count
    preview.close()


def _long_ledger(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gridclient.reports import data as report_data

    original = report_data.build_event_ledger

    def long_ledger(*args, **kwargs):  # type: ignore[no-untyped-def]
        report = original(*args, **kwargs)
        rows = tuple((n + 1, *report.rows[0][1:]) for n in range(120))
        return type(report)(**{**{f: getattr(report, f) for f in report.__slots__}, "rows": rows})

    monkeypatch.setattr(report_data, "build_event_ledger", long_ledger)


def test_preview_relayout_runs_off_the_ui_thread(store: Store, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Changing the orientation in the preview lays the pages out again on the runner:
    meanwhile the UI thread keeps running and the preview shows one "laying out" page
    and a busy bar; a layout for an orientation the user has left again is dropped."""
    from gridclient.reports import render

    _long_ledger(monkeypatch)
    ctx = _ctx(store, Role.TOWNSHIP, qtbot)
    ctx.runner = TaskRunner()
    try:
        dialog = _dialog(ctx, qtbot)
        qtbot.waitUntil(lambda: dialog.request() is not None)
        _choose(dialog, ReportKind.EVENT_LEDGER)
        dialog.preview()
        qtbot.waitUntil(lambda: dialog.preview_dialog is not None, timeout=15_000)
        preview, widget = _opened_preview(dialog, qtbot)
        landscape = dialog._pagination
        assert landscape is not None and landscape.page_count > 2
        qtbot.waitUntil(lambda: widget.pageCount() == landscape.page_count)

        original, gate = render.paginate, threading.Event()
        threads: list[threading.Thread] = []

        def gated(*args, **kwargs):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread())
            gate.wait(10)
            return original(*args, **kwargs)

        monkeypatch.setattr(render, "paginate", gated)
        busy = dialog.preview_busy
        assert busy is not None and not busy.isVisible()
        # Portrait: the worker is held in paginate, the UI thread still paints the
        # placeholder page and shows the busy bar.
        widget.setPortraitOrientation()
        qtbot.waitUntil(lambda: len(threads) == 1)
        qtbot.waitUntil(lambda: widget.pageCount() == 1)
        assert busy.isVisible() and dialog._pagination is landscape
        print_action = dialog.preview_print
        assert print_action is not None and not print_action.isEnabled()
        assert print_action.text() == "Print"  # Qt's own, untranslated here
        # Back to landscape before the layout is ready: the old layout is painted at
        # once and the portrait one, when it comes, is dropped.
        widget.setLandscapeOrientation()
        qtbot.waitUntil(lambda: widget.pageCount() == landscape.page_count)
        gate.set()
        qtbot.waitUntil(lambda: dialog._relayout is not None and dialog._relayout.done)
        qtbot.wait(50)
        assert dialog._pagination is landscape and not busy.isVisible()
        assert print_action.isEnabled()
        # Portrait again, unhindered: laid out on the worker, the preview refreshed.
        widget.setPortraitOrientation()
        qtbot.waitUntil(lambda: dialog._pagination is not landscape, timeout=15_000)
        portrait = dialog._pagination
        assert portrait is not None and portrait.height > portrait.width
        # (The 17-column ledger of issue #15 wraps into about as many portrait pages as
        # landscape ones, so the layouts are told apart by their page size.)
        assert (portrait.width, portrait.height) != (landscape.width, landscape.height)
        qtbot.waitUntil(lambda: widget.pageCount() == portrait.page_count)
        assert not busy.isVisible()
        assert len(threads) == 2
        assert all(t is not threading.main_thread() for t in threads)
        preview.close()
    finally:
        gate.set()
        ctx.runner.shutdown()


def test_print_to_a_printer(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.EVENT_STATS)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    dialog.print_to(printer)
    assert page_count(out) == 1
    assert "事件办理统计" in squeeze(pdf_text(out))
    assert "1" in dialog.status_label.text()


def test_unwritable_target_says_so(store: Store, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    dialog.export_excel(tmp_path / "missing-folder" / "x.xlsx")
    assert dialog.last_output is None
    assert dialog.message.text() and not dialog.busy
    assert dialog.excel_button.isEnabled()


# ------------------------------------------------------------------------ import


@pytest.fixture
def roster(tmp_path: Path, sample: Sample) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "roster.xlsx"
    existing = next(r for r in sample.dataset.residents if r.name == "张建国")
    return path, messy_roster(path, existing.id_number)


def _counts(store: Store) -> dict[EntityKind, int]:
    with store.read() as repos:
        return repos.records.counts()


def _import_dialog(ctx: AppContext, sample: Sample, qtbot) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(ctx, grid_id=sample.grids["g1"].id, confirm=lambda *_: True)
    qtbot.addWidget(dialog)
    return dialog


def test_import_dry_run_shows_split_and_reasons(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, roster: tuple[Path, dict[str, int]], tmp_path: Path, qtbot
) -> None:
    path, lines = roster
    ctx = _ctx(store, Role.WORKER, qtbot)
    before = _counts(store)
    dialog = _import_dialog(ctx, sample, qtbot)
    dialog.ask_open = lambda *_: str(path)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    preview = dialog.preview
    assert preview is not None
    assert (len(preview.accepted), len(preview.rejected)) == (6, 7)
    assert "6" in dialog.summary.text() and "7" in dialog.summary.text()
    assert dialog.import_button.isEnabled() and "6" in dialog.import_button.text()
    assert _counts(store) == before  # the check writes nothing

    model = dialog.model
    texts = {
        int(model.index(r, 0).data()): [
            str(model.index(r, c).data()) for c in range(model.columnCount())
        ]
        for r in range(model.rowCount())
    }
    assert texts[lines["a"]][1] == RowStatus.OK.label
    assert ID_A not in " ".join(" ".join(t) for t in texts.values())  # masked in the table
    assert "*" in texts[lines["a"]][3]
    assert texts[lines["no_name"]][1] == RowStatus.ERROR.label
    assert texts[lines["no_name"]][-1] == "缺少姓名"
    assert "系统中已登记" in texts[lines["dup_store"]][-1]
    assert f"与第{lines['a']}行重复" in texts[lines["dup_file"]][-1]

    dialog.errors_only.setChecked(True)
    assert dialog.proxy.rowCount() == 7

    errors = tmp_path / "errors.xlsx"
    dialog.ask_save = lambda *_: str(errors)
    qtbot.mouseClick(dialog.errors_button, Qt.MouseButton.LeftButton)
    sheet = load_workbook(errors).active
    assert sheet is not None
    written = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(written) == 7 and all(r[1] for r in written)
    assert "errors.xlsx" in dialog.status_label.text()


def test_import_confirmed_writes_and_publishes(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, roster: tuple[Path, dict[str, int]], qtbot
) -> None:
    path, _lines = roster
    ctx = _ctx(store, Role.WORKER, qtbot)
    seen: list[ChangeSet] = []
    ctx.bus.changed.connect(seen.append)
    before = _counts(store)
    dialog = _import_dialog(ctx, sample, qtbot)
    dialog.choose_file(path)
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported is not None, dialog.message.text()
    after = _counts(store)
    assert after[EntityKind.RESIDENT] == before[EntityKind.RESIDENT] + 6
    assert after[EntityKind.HOUSEHOLD] == before[EntityKind.HOUSEHOLD] + 3
    assert seen and {EntityKind.HOUSEHOLD, EntityKind.RESIDENT} <= seen[-1].kinds
    # Progress comes from the store's writer thread: queued to the UI thread.
    qtbot.waitUntil(lambda: bool(progress) and progress[-1] == 100)
    assert not dialog.import_button.isEnabled()  # imported once; choose a file again


def test_cancelled_import_leaves_the_store_unchanged(  # type: ignore[no-untyped-def]
    store: Store,
    sample: Sample,
    roster: tuple[Path, dict[str, int]],
    qtbot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a real worker thread: the user presses cancel after the first chunk is written
    (the worker waits for it there); the whole unit of work is rolled back."""
    path, _lines = roster
    ctx = _ctx(store, Role.WORKER, qtbot)
    ctx.runner = TaskRunner()
    seen: list[ChangeSet] = []
    ctx.bus.changed.connect(seen.append)
    before = _counts(store)
    real = import_dialog.import_roster

    def paced(*args, **kwargs):  # type: ignore[no-untyped-def]
        report, cancelled = kwargs["progress"], kwargs["cancelled"]

        def progress(done: int, total: int) -> None:
            report(done, total)
            deadline = time.monotonic() + 10
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)

        return real(*args, **{**kwargs, "progress": progress, "chunk_size": 2})

    monkeypatch.setattr(import_dialog, "import_roster", paced)
    dialog = _import_dialog(ctx, sample, qtbot)
    qtbot.waitUntil(lambda: dialog.grid_combo.count() > 0)
    dialog.choose_file(path)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    dialog.progress.valueChanged.connect(lambda value: value and dialog.cancel_import())
    dialog.start_import()
    assert dialog.cancel_button.isVisibleTo(dialog) and not dialog.close_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    try:
        assert dialog.imported is None
        assert "取消" in dialog.message.text() and "未作任何修改" in dialog.message.text()
        assert _counts(store) == before
        assert not seen
        assert dialog.import_button.isEnabled()  # may be tried again
        assert dialog.close_button.isEnabled()
    finally:
        ctx.runner.shutdown()


def test_not_a_roster_says_why(store: Store, sample: Sample, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "not.xlsx"
    bad.write_bytes(b"not a workbook")
    dialog = _import_dialog(_ctx(store, Role.WORKER, qtbot), sample, qtbot)
    dialog.choose_file(bad)
    assert dialog.preview is None
    assert "无法打开Excel文件" in dialog.message.text()
    assert not dialog.import_button.isEnabled()


def test_main_window_menu_opens_both_dialogs_on_the_current_area(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, qtbot
) -> None:
    from gridclient.ui.main_window import MainWindow

    window = MainWindow(_ctx(store, Role.TOWNSHIP, qtbot))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.tree.area_model.rowCount() > 0)  # filled after the list
    grid = sample.grids["g2"]
    assert window.tree.select_area(grid.id)
    titles = [a.text() for a in window.menuBar().actions()]
    assert any("Reports" in t or "报表" in t for t in titles)

    window.reports_action.trigger()
    report = window.findChild(ReportDialog)
    assert report is not None and report.isVisible()
    request = report.request()
    assert request is not None and request.area_id == grid.id
    report.close()

    window.import_action.trigger()
    importing = window.findChild(ImportDialog)
    assert importing is not None and importing.isVisible()
    assert importing.grid_combo.currentData() == grid.id
    importing.close()


def test_import_offers_the_sheets_and_confirms_warnings(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, tmp_path: Path, qtbot
) -> None:
    from datetime import date

    from gridcore.domain.enums import Gender
    from tests.unit.reports.test_real_rosters import _book, _id

    path = _book(
        tmp_path / "two.xlsx",
        [
            [1, "褚一", _id(701, date(1980, 1, 1), Gender.MALE), None, "子", None, "0701",
             "东村7号", None, None, None],
            [None, "合计", None, None, None, None, None, None, None, None, "1人"],
        ],
        before=["说明"],
    )  # fmt: skip
    questions: list[str] = []
    dialog = ImportDialog(
        _ctx(store, Role.TOWNSHIP, qtbot),
        grid_id=sample.grids["g1"].id,
        confirm=lambda _parent, _title, text: questions.append(text) or True,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(path)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert [dialog.sheet_combo.itemText(i) for i in range(dialog.sheet_combo.count())] == [
        "说明",
        "花名册",
    ]
    assert dialog.sheet_combo.isVisible() and dialog.sheet_combo.currentText() == "花名册"
    summary = dialog.summary.text()
    assert "“花名册”" in summary and "1 row(s) to import have a warning" in summary
    assert "1 total, signature or note line(s)" in summary
    qtbot.waitUntil(dialog.import_button.isEnabled)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert questions and "row 2: 该户（第2行）没有户主" in questions[0]
    qtbot.waitUntil(lambda: dialog.imported is not None)
    assert dialog.imported is not None and dialog.imported.residents_created == 1

    dialog.imported = None
    dialog.sheet_combo.setCurrentIndex(0)
    dialog.sheet_combo.activated.emit(0)
    qtbot.waitUntil(lambda: bool(dialog.message.text()))
    assert "未找到表头" in dialog.message.text()
    dialog.sheet_combo.setCurrentIndex(1)  # back to the roster after the wrong sheet
    dialog.sheet_combo.activated.emit(1)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.preview is not None and dialog.preview.sheet == "花名册"


def test_import_offers_every_sheet_when_the_roster_is_not_in_the_first_ones(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, tmp_path: Path, qtbot
) -> None:
    """Issue 12 deliver 6: only the first 10 sheets are looked through; the refusal
    offers every sheet in the chooser, and picking the roster's sheet reads it."""
    from tests.unit.reports.test_real_rosters import _book

    path = _book(tmp_path / "late.xlsx", [], before=[f"封面{n}" for n in range(1, 12)])
    dialog = ImportDialog(
        _ctx(store, Role.TOWNSHIP, qtbot),
        grid_id=sample.grids["g1"].id,
        confirm=lambda *_: True,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(path)
    qtbot.waitUntil(lambda: bool(dialog.message.text()))
    assert "已查看前 10 个工作表" in dialog.message.text() and dialog.preview is None
    assert dialog.sheet_combo.isVisible() and dialog.sheet_combo.count() == 12
    dialog.sheet_combo.setCurrentIndex(11)
    dialog.sheet_combo.activated.emit(11)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.preview is not None and dialog.preview.sheet == "花名册"


def test_import_asks_for_the_grid_when_none_is_selected(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, roster: tuple[Path, dict[str, int]], qtbot
) -> None:
    path, _lines = roster
    dialog = ImportDialog(_ctx(store, Role.TOWNSHIP, qtbot), confirm=lambda *_: True)
    qtbot.addWidget(dialog)
    dialog.choose_file(path)
    assert dialog.grid_combo.currentData() is None and dialog.grid_combo.count() == 4
    assert not dialog.import_button.isEnabled()
    dialog.grid_combo.setCurrentIndex(dialog.grid_combo.findData(sample.grids["g2"].id))
    assert dialog.import_button.isEnabled()


def test_print_asks_for_the_printer_first(store: Store, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.VISIT_REGISTER)
    dialog.print_report()
    asking = dialog.findChild(QPrintDialog)
    assert asking is not None
    qtbot.waitUntil(asking.isVisible)
    assert dialog.printer is not None
    assert dialog.printer.pageLayout().orientation().name == "Landscape"
    asking.reject()
    assert dialog.status_label.text() == "" and not dialog.busy  # nothing was printed


def test_place_roster_from_the_dialog(  # type: ignore[no-untyped-def]
    store: Store, sample: Sample, tmp_path: Path, qtbot
) -> None:
    """场所名册: a kind chooser (全部 by default), no period, masking offered; the
    exported sheet lists the township's places of the chosen kind."""
    from gridcore.domain.entities import Place
    from gridcore.domain.enums import PlaceKind

    with store.unit_of_work(actor="tester") as uow:
        grid = sample.grids["g1"].id
        uow.create(Place(grid_id=grid, name="东村2号出租房", kind=PlaceKind.RENTAL_HOUSING))
        uow.create(Place(grid_id=grid, name="东村小学", kind=PlaceKind.SCHOOL))
    dialog = _dialog(_ctx(store, Role.TOWNSHIP, qtbot), qtbot)
    _choose(dialog, ReportKind.PLACE_ROSTER)
    assert dialog.place_kind_combo.isVisibleTo(dialog)
    assert not dialog.program_combo.isVisibleTo(dialog)
    assert dialog.masked_box.isVisibleTo(dialog) and not dialog.period_row.isVisibleTo(dialog)
    request = dialog.request()
    assert request is not None and request.file_stem("和平镇") == "和平镇_场所名册"
    dialog.place_kind_combo.setCurrentIndex(
        dialog.place_kind_combo.findData(PlaceKind.RENTAL_HOUSING.value)
    )
    request = dialog.request()
    assert request is not None and request.file_stem("和平镇") == "和平镇_场所名册_出租房屋"
    target = tmp_path / "places.xlsx"
    dialog.export_excel(target)
    assert dialog.last_output == target, dialog.message.text()
    sheet = load_workbook(target).active
    assert sheet is not None
    cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    assert "东村2号出租房" in cells and "东村小学" not in cells
