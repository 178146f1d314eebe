"""Regenerate the 调解 screenshots in docs/screenshots/ (issue #16 item 4).

    QT_QPA_PLATFORM=offscreen python docs/make_mediation_screenshots.py

From the demo (a throw-away data directory, the worker signed in, synchronous task
runner, Chinese): the event dialog of a dispute event with its 调解 section, that
mediation record open in the MediationDialog, and a new record saved with nothing filled
in (the messages under the fields), each on a 1366×768 laptop screen.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from shots import chinese_app, laptop_screen, laptop_size

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventDialog
from gridclient.ui.mediation_dialog import MediationDialog
from gridclient.ui.tasks import TaskRunner
from gridcore.domain.entities import Mediation
from gridcore.domain.enums import MediationOutcome


def _showcase(ctx: AppContext) -> Mediation:
    """A concluded mediation with several sessions, an agreement and a follow-up."""
    with ctx.store.read() as repos:
        found: list[Mediation] = []
        for grid in ctx.user.grid_ids:
            for history in repos.records.events_of_grid(grid):
                found += repos.records.mediations_of_event(history.event.id)
    return max(
        found,
        key=lambda m: (
            m.outcome is MediationOutcome.SUCCESS,
            bool(m.follow_up),
            len(m.sessions),
            m.started_on,
        ),
    )


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            ctx = AppContext(session.store, TaskRunner(synchronous=True), session.info)
            mediation = _showcase(ctx)
            event = EventDialog(ctx, mediation.event_id)
            laptop_size(event)
            laptop_screen(app, None, event, name="event_mediation")
            dialog = MediationDialog(ctx, mediation.event_id, mediation.id, parent=event)
            laptop_size(dialog)
            laptop_screen(app, None, dialog, name="mediation_dialog")
            dialog.reject()
            empty = MediationDialog(ctx, mediation.event_id, parent=event)
            laptop_size(empty)
            empty.parties_edit.setPlainText("")
            empty.committee_combo.setEditText("")
            empty.outcome_combo.setCurrentIndex(
                empty.outcome_combo.findData(MediationOutcome.SUCCESS)
            )
            empty.save()
            app.processEvents()
            # The messages make it grow as far as the screen allows (``grow_to_content``):
            # this display is not a laptop's, so fit it to the laptop's work area again.
            laptop_size(empty)
            laptop_screen(app, None, empty, name="mediation_dialog_errors")
            empty.reject()
            event.reject()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
