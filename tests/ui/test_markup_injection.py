"""Issue 12, deliver 2: stored and received text is shown as text, never as markup.

Markup and image payloads (a red headline; ``<img>`` of a local file by ``file:`` URL,
by bare path and by UNC path) are planted in every free-text field of every record kind
(areas, households, residents, organisations, visits, events, event actions, conflicts,
the server's refusal messages); then every dialog, every tab of it and every list is
grabbed. The local image is pure red, as is the headline: a single pure-red pixel in a
grab means something rendered. Labels that hold a payload must be plain text, and item
tool tips (Qt renders tool tips as rich text when they look like it) must be escaped.
"""

from __future__ import annotations

import array
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from gridclient.storage.engine import read_session
from gridclient.storage.models import (
    AreaRow,
    EventActionRow,
    EventRow,
    HouseholdRow,
    MediationRow,
    OrganizationRow,
    OutboxRow,
    PatrolRow,
    PlaceInspectionRow,
    PlaceRow,
    ResidentRow,
    VisitRow,
)
from gridclient.storage.syncmeta import Conflict
from gridclient.ui.conflicts import ConflictsView
from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventDialog, EventReportDialog
from gridclient.ui.household_dialog import HouseholdDialog
from gridclient.ui.main_window import MainWindow
from gridclient.ui.mediation_dialog import MediationDialog
from gridclient.ui.organization_dialog import OrganizationDialog
from gridclient.ui.patrol_dialog import PatrolDialog
from gridclient.ui.place_dialog import PlaceDialog
from gridclient.ui.plaintext import TextLabel, escape, tooltip
from gridclient.ui.tasks import TaskRunner
from gridclient.ui.visit_detail import VisitDetailDialog
from gridclient.ui.visit_dialog import VisitDialog
from gridcore.domain.enums import EntityKind
from tests.demo_store import DemoStore

RED = 0xFFFF0000  # ARGB32 of pure red


@pytest.fixture
def probe(tmp_path: Path) -> Path:
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 0, 0))
    path = tmp_path / "probe.png"
    assert image.save(str(path))
    return path


def _payload(probe: Path) -> str:
    url = probe.as_uri()
    return (
        f'<h1 style="color:red">巨大警告：请立即转账</h1><img src="{url}">'
        f'<img src="{probe}"><img src="\\\\evil-host\\share\\x.png">'
    )


@pytest.fixture
def demo(demo_store: DemoStore, probe: Path) -> DemoStore:
    session = demo_store
    payload = _payload(probe)
    fields = {
        AreaRow: ("name",),
        HouseholdRow: ("address", "number", "notes"),
        ResidentRow: ("name", "workplace", "notes"),
        OrganizationRow: ("name", "leader", "address", "notes"),
        PatrolRow: ("patroller", "route", "places", "findings", "notes"),
        PlaceRow: ("name", "address", "contact", "notes"),
        PlaceInspectionRow: ("inspector", "findings", "hazards"),
        VisitRow: ("visitor", "content", "findings", "needs", "follow_up"),
        EventRow: ("title", "reporter", "description", "location", "people_involved"),
        EventActionRow: ("actor", "comment", "assignee"),
        MediationRow: ("mediator", "committee", "parties", "agreement", "follow_up", "notes"),
    }
    with session.store.engine.begin() as conn:
        for row, names in fields.items():
            conn.execute(update(row).values(dict.fromkeys(names, payload)))
    return session


def _ctx(demo: DemoStore) -> AppContext:
    return AppContext(demo.store, TaskRunner(synchronous=True), demo.info)


def _ids(demo: DemoStore) -> tuple[str, str, str]:
    with read_session(demo.store.engine) as session:
        household = session.scalars(
            select(VisitRow.household_id).where(VisitRow.deleted.is_(False)).limit(1)
        ).one()
        event = session.scalars(
            select(EventRow.id).where(EventRow.household_id.is_not(None)).limit(1)
        ).one()
        grid = session.scalars(
            select(HouseholdRow.grid_id).where(HouseholdRow.id == household)
        ).one()
    return household, event, grid


def _plant_conflict_and_refusal(demo: DemoStore, household: str, payload: str) -> None:
    with demo.store.write() as repos:
        repos.conflicts.add(
            Conflict(
                id="c0000000-0000-4000-8000-00000000c0de",
                entity=EntityKind.HOUSEHOLD,
                entity_id=household,
                field="notes",
                base=payload,
                mine=payload,
                theirs=payload,
                created_at=datetime(2026, 11, 20, 8, tzinfo=UTC),
                mine_side="incoming",
                server_user=payload,
                incoming_user=payload,
            )
        )
    with demo.store.engine.begin() as conn:
        conn.execute(update(OutboxRow).values(message=payload))


def _red_pixels(widget: QWidget) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    pixels = array.array("I", bytes(image.constBits()))
    return pixels.count(RED)


def _views(widget: QWidget) -> list[QWidget]:
    """The widget and each page of every tab widget in it, each made current."""
    shown: list[QWidget] = [widget]
    for tabs in widget.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            shown.append(tabs.widget(index))
    return shown


def _assert_nothing_renders(widget: QWidget) -> None:
    widget.resize(max(widget.width(), 1100), max(widget.height(), 800))
    for view in _views(widget):
        assert _red_pixels(widget) == 0, f"markup rendered in {type(view).__name__}"
    for label in widget.findChildren(QLabel):
        text = label.text()
        if "<h1" in text or "<img" in text:
            assert label.textFormat() == Qt.TextFormat.PlainText, (label.objectName(), text)
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a QListWidget's list model keeps columnCount private
            columns = 1
        for row in range(min(model.rowCount(QModelIndex()), 20)):
            for column in range(columns):
                tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str):
                    assert "<img" not in tip and "<h1" not in tip, tip


def test_the_detector_sees_rendered_markup(qtbot: QtBot, probe: Path) -> None:
    """The check can fail: the same payload in a rich-text label shows red pixels (the
    headline and the local image Qt loads)."""
    rich = QLabel(_payload(probe))
    rich.setTextFormat(Qt.TextFormat.RichText)
    qtbot.addWidget(rich)
    assert _red_pixels(rich) > 64 * 64 // 2
    safe = TextLabel(_payload(probe))
    qtbot.addWidget(safe)
    assert _red_pixels(safe) == 0
    assert "<h1" in safe.text()


def test_helpers_escape_and_wrap() -> None:
    assert escape('<img src="x">&') == "&lt;img src=&quot;x&quot;&gt;&amp;"
    assert (
        tooltip("<b>张</b>\n三") == "<p style='white-space:pre-wrap'>&lt;b&gt;张&lt;/b&gt;\n三</p>"
    )
    assert tooltip("") == ""


def test_no_dialog_renders_planted_markup(qtbot: QtBot, demo: DemoStore, probe: Path) -> None:
    household, event, grid = _ids(demo)
    _plant_conflict_and_refusal(demo, household, _payload(probe))
    ctx = _ctx(demo)
    with read_session(demo.store.engine) as session:
        visit = session.scalars(
            select(VisitRow.id).where(VisitRow.household_id == household).limit(1)
        ).one()
        patrol = session.scalars(select(PatrolRow.id).limit(1)).one()
        place = session.scalars(select(PlaceInspectionRow.place_id).limit(1)).one()
        organization = session.scalars(select(OrganizationRow.id).limit(1)).one()
        mediation = session.execute(select(MediationRow.id, MediationRow.event_id).limit(1)).one()
    dialogs: list[QWidget] = [
        HouseholdDialog(ctx, household),
        EventDialog(ctx, event),
        EventReportDialog(ctx, grid, household),
        VisitDialog(ctx, household),
        ConflictsView(ctx),
        VisitDetailDialog(ctx, visit),
        PatrolDialog(ctx, patrol),
        PlaceDialog(ctx, place),
        OrganizationDialog(ctx, organization),
        MediationDialog(ctx, mediation.event_id, mediation.id),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        if isinstance(dialog, ConflictsView):
            dialog.ensure_loaded()
            dialog.table.selectRow(0)
        _assert_nothing_renders(dialog)
    event_dialog = dialogs[1]
    assert isinstance(event_dialog, EventDialog)
    assert "<h1" in event_dialog.title_label.text()  # shown literally
    for key in ("location", "people", "reporter", "description"):
        label = event_dialog.detail_labels[key]
        assert "<h1" in label.text() and label.textFormat() == Qt.TextFormat.PlainText
    household_dialog = dialogs[0]
    assert isinstance(household_dialog, HouseholdDialog)
    assert "<h1" in household_dialog.heading.text()
    conflicts = dialogs[4]
    assert isinstance(conflicts, ConflictsView)
    assert "<h1" in conflicts.base_value.text()
    place_dialog = dialogs[7]
    assert isinstance(place_dialog, PlaceDialog)
    assert "<h1" in place_dialog.heading.text()
    assert "<h1" in place_dialog.inspection_table.item(0, 2).text()  # shown literally
    for planted in dialogs[8:]:  # the organization and the mediation: loaded, literally
        texts = [w.text() for w in planted.findChildren(QLabel)]
        texts += [w.text() for w in planted.findChildren(QLineEdit)]
        texts += [w.toPlainText() for w in planted.findChildren(QPlainTextEdit)]
        assert any("<h1" in text for text in texts), type(planted).__name__


def test_no_list_renders_planted_markup(qtbot: QtBot, demo: DemoStore, probe: Path) -> None:
    household, _event, _grid = _ids(demo)
    _plant_conflict_and_refusal(demo, household, _payload(probe))
    window = MainWindow(_ctx(demo))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.search_controller.is_ready, timeout=10_000)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        assert _red_pixels(window) == 0, window.tabs.tabText(index)
    _assert_nothing_renders(window)


def test_printed_reports_render_user_text_literally(qtbot: QtBot, probe: Path) -> None:
    """The print preview and PDF lay the report out from ``render_html``: a payload in
    the unit name, a row, a summary line or a note stays text."""
    from datetime import date

    from PySide6.QtGui import QPainter, QTextDocument

    from gridclient.reports.data import Column, Period, Report, ReportKind
    from gridclient.reports.render import render_html

    payload = _payload(probe)
    report = Report(
        kind=ReportKind.VISIT_REGISTER,
        unit_name=payload,
        period=Period(date(2026, 9, 1), date(2026, 9, 30)),
        columns=(Column("住址", 16), Column("走访内容", 30)),
        rows=((payload, payload),),
        totals=None,
        printed_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
        data_as_of=None,
        summary=(payload,),
        notes=(payload,),
    )
    document = QTextDocument()
    document.setHtml(render_html(report))
    document.setTextWidth(1000)
    image = QImage(1000, int(document.size().height()) + 10, QImage.Format.Format_ARGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    assert array.array("I", bytes(image.constBits())).count(RED) == 0
    assert "巨大警告" in document.toPlainText() and "<h1" in document.toPlainText()
