"""Regenerate the 场所 screenshots in docs/screenshots/ and the 场所名册 sample pages.

    QT_QPA_PLATFORM=offscreen python docs/make_place_screenshots.py

The demo worker's main window on its Places tab (all, then the places whose last check
left a hazard open), the dialog of a key place with its inspection records, the form of
a new inspection record, in Chinese, from a throw-away data directory on the synchronous
task runner; then page 1 of the township's 场所名册 (all kinds, and 出租房屋 only) as
PNGs (``pdftoppm -r 80``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from shots import chinese_app, save

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.reports.data import build_place_roster, report_areas
from gridclient.reports.render import render_pdf
from gridclient.storage.places import PlaceFocus
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.place_dialog import PlaceDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.demo.texts import PLACE_CHECKS
from gridcore.domain.entities import Place
from gridcore.domain.enums import PlaceKind, Role

REPORTS = Path(__file__).resolve().parent / "reports"


def _page(pdf: Path, name: str) -> None:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(REPORTS / name)],
        check=True,
    )  # fmt: skip
    print(REPORTS / f"{name}.png")


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            window = MainWindow(ctx)
            window.resize(1366, 728)
            window.show()
            window.tabs.setCurrentWidget(window.place_pane)
            app.processEvents()
            save(app, window, "places_tab.png")
            bar = window.place_filters
            bar.focus.setCurrentIndex(bar.focus.findData(PlaceFocus.HAZARD.value))
            app.processEvents()
            save(app, window, "places_tab_hazards.png")
            bar.focus.setCurrentIndex(0)
            app.processEvents()
            # A key place with the most checks.
            ids = window.place_model.ids()
            with session.store.read() as repos:
                places = [p for p in repos.records.get_many(Place, ids).values() if p.is_key]
            chosen = next(
                (p for p in places if p.kind is PlaceKind.HAZARDOUS_CHEMICALS),
                places[0] if places else None,
            )
            assert chosen is not None
            dialog = PlaceDialog(ctx, chosen.id, parent=window)
            save(app, dialog, "place_dialog.png")
            dialog.add_inspection()
            form = dialog.inspection_form
            assert form is not None
            findings, hazards = PLACE_CHECKS[chosen.kind.value][0]
            form.findings_edit.setPlainText(findings)
            form.hazards_edit.setText(hazards)
            form.deadline_check.setChecked(True)
            save(app, form, "place_inspection_form.png")
            form.reject()
            dialog.reject()
            window.close()
            top = report_areas(session.store)[0]  # the top area the worker's data holds
            pdf = Path(tmp) / "places.pdf"
            render_pdf(build_place_roster(session.store, top.code, Role.TOWNSHIP), pdf)
            _page(pdf, "places")
            rental = build_place_roster(
                session.store, top.code, Role.WORKER, place_kind=PlaceKind.RENTAL_HOUSING
            )
            render_pdf(rental, pdf)
            _page(pdf, "places-rental-worker")
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
