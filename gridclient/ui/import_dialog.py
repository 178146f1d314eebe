"""导入花名册: an Excel roster into one grid, checked first, imported all or nothing.

1. Choose the .xlsx: it is read and every row checked on the task runner (nothing is
   written); the table shows each row with its status and reasons, in Chinese.
2. The rejected rows can be saved as an .xlsx with the reason per row, to correct and
   import again.
3. "Import" asks once, then writes the accepted rows in one unit of work on the runner,
   with progress and a cancel that rolls everything back. When it commits, one
   ChangeSet on the bus lets the lists refresh.

ID numbers in the table are masked (the file itself is the user's own).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QSortFilterProxyModel, QStandardPaths
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.imports.roster import (
    ImportCancelled,
    ImportResult,
    RosterError,
    RosterPreview,
    RosterRow,
    RowStatus,
    import_roster,
    read_roster,
    write_error_workbook,
)
from gridclient.reports.data import AreaChoice, report_areas
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    Column,
    Confirm,
    InlineMessage,
    RecordTableModel,
    ask,
    emphasize,
    make_readable,
    make_table,
)
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.report_dialogs import failure_text, save_file_dialog
from gridclient.ui.screen_fit import fit_to_screen
from gridclient.ui.tasks import TaskContext, TaskHandle
from gridcore.domain import idnumber
from gridcore.domain.enums import AreaLevel

__all__ = ["AskPath", "ImportDialog"]

AskPath = Callable[[QWidget, str, str, str], str]
"""(parent, caption, folder or suggested path, filter) → the chosen path or ""."""


def _ask_open(parent: QWidget, caption: str, folder: str, filters: str) -> str:
    path, _selected = QFileDialog.getOpenFileName(parent, caption, folder, filters)
    return path


def _columns() -> list[Column[RosterRow]]:
    return [
        Column(QCoreApplication.translate("ImportDialog", "Row"), lambda r: str(r.line)),
        Column(
            QCoreApplication.translate("ImportDialog", "Status"),
            lambda r: r.status.label,
            alert=lambda r: r.status is RowStatus.ERROR,
        ),
        Column(QCoreApplication.translate("ImportDialog", "Name"), lambda r: r.name),
        Column(
            QCoreApplication.translate("ImportDialog", "ID number"),
            lambda r: idnumber.mask(r.id_number) if r.id_number else "",
        ),
        Column(
            QCoreApplication.translate("ImportDialog", "Gender"),
            lambda r: r.gender.label if r.gender else "",
        ),
        Column(
            QCoreApplication.translate("ImportDialog", "Relation"),
            lambda r: r.relation.label if r.status is RowStatus.OK else "",
        ),
        Column(
            QCoreApplication.translate("ImportDialog", "Household"),
            lambda r: r.household_number or r.address,
        ),
        Column(
            QCoreApplication.translate("ImportDialog", "Reasons"),
            lambda r: "；".join([*r.reasons, *r.warnings]),
            alert=lambda r: r.status is RowStatus.ERROR or bool(r.warnings),
        ),
    ]


class ImportDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        *,
        grid_id: str | None = None,
        parent: QWidget | None = None,
        ask_open: AskPath = _ask_open,
        ask_save: AskPath = save_file_dialog,
        confirm: Confirm = ask,
    ) -> None:
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self.ask_open = ask_open
        self.ask_save = ask_save
        self.confirm = confirm
        self._wanted_grid = grid_id
        self._closed = False
        self._handle: TaskHandle | None = None
        self._importing = False
        self.path: Path | None = None
        self.preview: RosterPreview | None = None
        self.imported: ImportResult | None = None
        self.setWindowTitle(self.tr("Import roster"))
        fit_to_screen(self, 1100, 700)

        heading = emphasize(TextLabel(self.tr("Import an Excel roster")), point_size=15)
        explain = TextLabel(
            self.tr(
                "The file is checked first and nothing is written until you confirm. "
                "Rows with errors are not imported; save them, correct them in Excel and "
                "import that file again."
            )
        )
        explain.setWordWrap(True)
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("No file chosen"))
        self.choose_button = QPushButton(self.tr("Choose file…"))
        self.choose_button.clicked.connect(lambda: self.choose_file())
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        self.grid_combo = QComboBox()
        self.grid_combo.setEnabled(False)
        self.grid_combo.currentIndexChanged.connect(lambda _i: self._update_buttons())
        self.sheet_combo = QComboBox()
        self.sheet_combo.setToolTip(self.tr("The sheet of the workbook that holds the roster"))
        self.sheet_combo.activated.connect(self._sheet_chosen)
        form = QFormLayout()
        form.addRow(self.tr("Excel file"), file_row)
        form.addRow(self.tr("Sheet"), self.sheet_combo)
        form.addRow(self.tr("Into grid"), self.grid_combo)
        self._sheet_row = form

        self.summary = TextLabel()
        self.summary.setWordWrap(True)
        self.errors_only = QCheckBox(self.tr("Show only rows with errors"))
        self.errors_only.toggled.connect(self._filter)
        self.model: RecordTableModel[RosterRow] = RecordTableModel(_columns(), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(1)
        self.table = make_table(self.proxy)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((60, 70, 90, 170, 50, 90, 170)):
            self.table.setColumnWidth(column, width)

        self.progress = QProgressBar()
        self.progress.hide()
        self.status_label = TextLabel()
        self.status_label.setWordWrap(True)
        self.message = InlineMessage()

        self.errors_button = QPushButton(self.tr("Save rows with errors…"))
        self.errors_button.clicked.connect(lambda: self.save_errors())
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(self.tr("Cancel import"))
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        for button in (
            self.choose_button,
            self.errors_button,
            self.import_button,
            self.cancel_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.errors_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addLayout(form)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.errors_only)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._show_sheet_row(False)
        self._update_buttons()
        self._load_grids()

    def _show_sheet_row(self, visible: bool) -> None:
        self._sheet_row.setRowVisible(self.sheet_combo, visible)

    # -- grids --------------------------------------------------------------------------
    def _load_grids(self) -> None:
        store, grids = self.ctx.store, self.ctx.user.grid_ids

        def work(_task: TaskContext) -> list[AreaChoice]:
            return [a for a in report_areas(store, grids or None) if a.level is AreaLevel.GRID]

        self._handle = self.ctx.runner.submit(work, on_done=self._show_grids, on_error=self._failed)

    def _show_grids(self, result: object) -> None:
        if self._closed:
            return
        assert isinstance(result, list)
        self.grid_combo.clear()
        wanted = self._wanted_grid if len(result) > 1 else None
        if len(result) > 1 and not any(g.id == wanted for g in result):
            # Several grids and none picked in the tree: the user chooses, no default.
            self.grid_combo.addItem(self.tr("Choose the grid…"), None)
        for grid in result:
            assert isinstance(grid, AreaChoice)
            self.grid_combo.addItem(grid.name, grid.id)
        if wanted is not None:
            self.grid_combo.setCurrentIndex(max(0, self.grid_combo.findData(wanted)))
        self.grid_combo.setEnabled(len(result) > 1)
        if not result:
            self.message.show_message(self.tr("There is no grid in the local data to import into."))
        self._update_buttons()

    # -- state --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.done

    def _update_buttons(self) -> None:
        idle = not self.busy
        preview = self.preview
        self.choose_button.setEnabled(idle)
        self.errors_button.setEnabled(idle and preview is not None and bool(preview.rejected))
        self.import_button.setEnabled(
            idle
            and preview is not None
            and bool(preview.accepted)
            and self.imported is None
            and self.grid_combo.currentData() is not None
        )
        count = len(preview.accepted) if preview is not None else 0
        self.import_button.setText(self.tr("Import %n row(s)", "", count))
        self.cancel_button.setVisible(self._importing)
        self.close_button.setEnabled(not self._importing)

    def _set_busy(self, text: str, *, steps: bool = False) -> None:
        self.message.show_message("")
        self.status_label.setText(text)
        self.progress.setRange(0, 100 if steps else 0)
        self.progress.setValue(0)
        self.progress.show()

    def _set_idle(self, text: str = "") -> None:
        self.progress.hide()
        self.status_label.setText(text)
        self._importing = False
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._set_idle()
        if isinstance(exc, RosterError) and len(exc.sheets) > 1:
            # The roster was looked for in the first sheets only: offer them all.
            self.sheet_combo.clear()
            self.sheet_combo.addItems(list(exc.sheets))
            self.sheet_combo.setCurrentIndex(-1)
            self._show_sheet_row(True)
        self.message.show_message(_error_text(exc))

    def _filter(self, errors_only: bool) -> None:
        self.proxy.setFilterFixedString(RowStatus.ERROR.label if errors_only else "")

    # -- 1. check -----------------------------------------------------------------------
    def _sheet_chosen(self, _index: int) -> None:
        """Read the sheet picked in the chooser (again after one without a roster)."""
        sheet = self.sheet_combo.currentText()
        shown = self.preview.sheet if self.preview is not None else None
        if self.path is not None and sheet and sheet != shown:
            self.choose_file(self.path, sheet=sheet)

    def choose_file(self, path: Path | None = None, *, sheet: str | None = None) -> None:
        """Ask for the workbook (unless given) and check it on the runner: the first
        sheet with a roster header, or ``sheet`` (the chooser shows every sheet)."""
        if self.busy:
            return
        if path is None:
            folder = str(self.path.parent) if self.path else _documents()
            chosen = self.ask_open(
                self, self.tr("Choose roster"), folder, self.tr("Excel workbooks (*.xlsx)")
            )
            if not chosen:
                return
            path = Path(chosen)
        self.path = path
        self.preview = None
        self.imported = None
        self.file_edit.setText(str(path))
        self.model.set_rows([])
        self.summary.setText("")
        self._set_busy(self.tr("Checking {name}…").format(name=path.name))
        store = self.ctx.store

        def work(_task: TaskContext) -> RosterPreview:
            return read_roster(path, store, sheet=sheet)

        self._handle = self.ctx.runner.submit(
            work, on_done=self._show_preview, on_error=self._failed, lane="cpu"
        )
        self._update_buttons()

    def _show_preview(self, result: object) -> None:
        if self._closed:
            return
        assert isinstance(result, RosterPreview)
        self.preview = result
        self.model.set_rows(result.rows)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(result.sheets))
        self.sheet_combo.setCurrentText(result.sheet)
        self._show_sheet_row(len(result.sheets) > 1)
        lines = [
            self.tr(
                "Sheet “{sheet}”, header in row {rows}. {ok} row(s) can be imported, "
                "{bad} row(s) have errors."
            ).format(
                sheet=result.sheet,
                rows="、".join(map(str, result.header_rows)),
                ok=len(result.accepted),
                bad=len(result.rejected),
            )
        ]
        if result.warned:
            lines.append(
                self.tr(
                    "%n row(s) to import have a warning: check them before importing.",
                    "",
                    len(result.warned),
                )
            )
        if result.skipped:
            lines.append(
                self.tr(
                    "%n total, signature or note line(s) below the table skipped.",
                    "",
                    len(result.skipped),
                )
            )
        if result.unmapped:
            lines.append(
                self.tr("Columns not imported: {columns}").format(
                    columns="、".join(result.unmapped)
                )
            )
        self.summary.setText("\n".join(lines))
        self._set_idle(self.tr("Checked. Nothing has been written yet."))

    # -- 2. errors ----------------------------------------------------------------------
    def save_errors(self, path: Path | None = None) -> None:
        preview = self.preview
        if preview is None or not preview.rejected or self.busy:
            return
        if path is None:
            assert self.path is not None
            suggested = str(self.path.with_name(f"{self.path.stem}_错误行.xlsx"))
            chosen = self.ask_save(
                self,
                self.tr("Save rows with errors"),
                suggested,
                self.tr("Excel workbooks (*.xlsx)"),
            )
            if not chosen:
                return
            path = Path(chosen).with_suffix(".xlsx")
        target = path
        self._set_busy(self.tr("Saving the rows with errors…"))

        def work(_task: TaskContext) -> int:
            return write_error_workbook(preview, target)

        def done(count: object) -> None:
            if self._closed:
                return
            self._set_idle(
                self.tr("Saved {count} row(s) with their reasons to {path}.").format(
                    count=count, path=target
                )
            )

        self._handle = self.ctx.runner.submit(work, on_done=done, on_error=self._failed, lane="cpu")
        self._update_buttons()

    # -- 3. import ----------------------------------------------------------------------
    def start_import(self) -> None:
        preview = self.preview
        grid_id = self.grid_combo.currentData()
        if preview is None or not preview.accepted or not isinstance(grid_id, str) or self.busy:
            return
        households = len({r.household_key for r in preview.accepted})
        question = self.tr(
            "Import {people} person(s) in about {households} household(s) into {grid}? "
            "{bad} row(s) with errors will not be imported."
        ).format(
            people=len(preview.accepted),
            households=households,
            grid=self.grid_combo.currentText(),
            bad=len(preview.rejected),
        )
        if preview.warned:
            first = preview.warned[0]
            question += " " + self.tr(
                "{count} row(s) have a warning, such as row {line}: {warning}. "
                "Import them as they are?"
            ).format(count=len(preview.warned), line=first.line, warning=first.warnings[0])
        if not self.confirm(self, self.tr("Import roster"), question):
            return
        self._importing = True
        self._set_busy(self.tr("Importing…"), steps=True)
        store, actor = self.ctx.store, self.ctx.user.username

        def work(task: TaskContext) -> ImportResult:
            def progress(done: int, total: int) -> None:
                task.progress(done, total, "")

            return import_roster(
                store,
                preview,
                grid_id=grid_id,
                actor=actor,
                progress=progress,
                cancelled=lambda: task.cancelled,
            )

        # Parsing and grouping on the CPU lane; the write itself goes to the store's
        # writer (``import_roster``), so saves elsewhere queue behind it, never fail.
        self._handle = self.ctx.runner.submit(
            work,
            on_done=self._imported,
            on_error=self._failed,
            on_progress=self._progressed,
            lane="cpu",
        )
        self._update_buttons()

    def _progressed(self, done: int, total: int, _message: str) -> None:
        if self._closed or total <= 0:
            return
        self.progress.setValue(done * 100 // total)
        self.status_label.setText(
            self.tr("Importing {done} of {total}…").format(done=done, total=total)
        )

    def cancel_import(self) -> None:
        if self._handle is not None and not self._handle.done:
            self._handle.cancel()
            self.status_label.setText(self.tr("Cancelling…"))

    def _imported(self, result: object) -> None:
        assert isinstance(result, ImportResult)
        # Published even when the dialog was closed meanwhile: the data did change.
        self.ctx.publish(result.changes)
        if self._closed:
            return
        self.imported = result
        self._set_idle(
            self.tr(
                "Imported {people} person(s) and {households} new household(s); "
                "{ops} change(s) wait to be synced."
            ).format(
                people=result.residents_created,
                households=result.households_created,
                ops=result.ops,
            )
        )

    def _shut(self) -> None:
        self._closed = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._importing:
            event.ignore()  # cancel first: closing must not leave an import behind
            return
        self._shut()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        if self._importing:
            return
        self._shut()
        super().done(result)


def _documents() -> str:
    return (
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        or QDir.homePath()
    )


def _error_text(exc: BaseException) -> str:
    return failure_text(
        exc,
        (RosterError, ImportCancelled),
        QCoreApplication.translate(
            "ImportDialog",
            "The import failed because of an unexpected error ({name}); nothing was written. "
            "Try again; if it still fails, send the log file to your IT staff.",
        ),
    )
