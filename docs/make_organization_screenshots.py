"""Regenerate the 组织 screenshots in docs/screenshots/ and the 组织名册 sample page.

    QT_QPA_PLATFORM=offscreen python docs/make_organization_screenshots.py

The demo worker's main window on its Organizations tab and the dialog of one
organization, in Chinese, from a throw-away data directory on the synchronous task
runner; then page 1 of the township's 组织名册 as a PNG (``pdftoppm -r 80``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from shots import chinese_app, save

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.reports.data import build_organization_roster, report_areas
from gridclient.reports.render import render_pdf
from gridclient.ui.context import AppContext
from gridclient.ui.main_window import MainWindow
from gridclient.ui.organization_dialog import OrganizationDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.enums import Role

REPORTS = Path(__file__).resolve().parent / "reports"


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            window = MainWindow(ctx)
            window.resize(1366, 728)
            window.show()
            window.tabs.setCurrentWidget(window.organization_pane)
            app.processEvents()
            save(app, window, "organizations_tab.png")
            first = window.organization_model.ids()[0]
            dialog = OrganizationDialog(ctx, first, parent=window)
            save(app, dialog, "organization_dialog.png")
            dialog.reject()
            window.close()
            top = report_areas(session.store)[0]  # the top area the worker's data holds
            report = build_organization_roster(session.store, top.code, Role.TOWNSHIP)
            pdf = Path(tmp) / "organizations.pdf"
            render_pdf(report, pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                 str(REPORTS / "organizations")],
                check=True,
            )  # fmt: skip
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
