"""Regenerate the screenshots of the practiced event loop (issue #15 item 3).

    QT_QPA_PLATFORM=offscreen python docs/make_event_practice_screenshots.py

On the demo data: a grid worker's report is accepted, 书记阅批, dispatched to 派出所,
handed back (退回乡镇), re-dispatched (改派) to 司法所, given an approved extension and
closed, then evaluated 不满意 (返工, round 1). Saved: the township's event dialog
(``event_practice_t1.png``), the 申请延期 form (``event_practice_extension_form.png``) and
the township's 登记事件 dialog with a source (``event_practice_intake.png``).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shots import chinese_app, save

from gridclient.config import Paths
from gridclient.demo.bootstrap import open_demo
from gridclient.storage.events import append_action
from gridclient.ui.context import AppContext
from gridclient.ui.event_dialogs import EventDialog, EventReportDialog
from gridclient.ui.tasks import TaskRunner
from gridclient.userinfo import UserInfo
from gridcore.domain.catalog import stamp_terms
from gridcore.domain.entities import CST, Event, EventAction
from gridcore.domain.enums import EventActionKind as A
from gridcore.domain.enums import EventSource, Ledger, Role, Satisfaction, Urgency


def main() -> int:
    app, translators = chinese_app()
    with tempfile.TemporaryDirectory() as tmp:
        session = open_demo(Paths.resolve(Path(tmp)).ensure())
        try:
            store = session.store
            worker = session.info
            grid_id = worker.grid_ids[0]
            office = UserInfo("township01", "林晓梅", Role.TOWNSHIP, "和平镇")
            event = Event(
                grid_id=grid_id,
                category_code="01001",
                ledger=Ledger.APPEAL,
                urgency=Urgency.NORMAL,
                title="两户因宅基地边界砌墙发生争执",
                reporter=worker.username,
                reported_at=datetime.now(UTC),
                time_limit_days=15,
                category_name="邻里纠纷",
                location="3组",
            )
            with store.read() as repos:
                catalog = repos.catalog.load()
            event = stamp_terms(event, catalog)

            def step(user: UserInfo, kind: A, **extra: Any) -> None:
                with store.unit_of_work(actor=user.username) as uow:
                    action = EventAction(
                        event_id=event.id,
                        kind=kind,
                        actor=user.username,
                        actor_role=user.role,
                        at=uow.now(),
                        **extra,
                    )
                    append_action(uow, action)

            with store.unit_of_work(actor=worker.username) as uow:
                uow.append(event)
            step(worker, A.REPORT)
            step(office, A.SECRETARY_REVIEW, comment="请司法所牵头，一周内化解")
            step(office, A.ACCEPT, comment="已受理")
            step(office, A.NOTIFY_ACCEPTANCE, comment="已电话告知当事人")
            step(office, A.DISPATCH, assignee="派出所", comment="请派出所处理")
            step(office, A.HAND_BACK, comment="属邻里纠纷，不属于派出所职责，请改派")
            step(office, A.REDISPATCH, assignee="司法所", comment="改派司法所调处")
            original = event.reported_at.astimezone(CST).date() + timedelta(days=15)
            step(
                office,
                A.REQUEST_EXTENSION,
                comment="一方当事人在外务工，需待其返乡后调解",
                deadline=original + timedelta(days=10),
            )
            step(office, A.APPROVE_EXTENSION, comment="同意延期")
            step(office, A.FEEDBACK, comment="司法所组织调解，双方同意按原界砌墙")
            step(worker, A.VERIFY, comment="现场核实属实")
            step(office, A.CLOSE, comment="结案")
            step(
                worker, A.EVALUATE, satisfaction=Satisfaction.UNSATISFIED, comment="群众认为墙未拆"
            )

            tctx = AppContext(store, TaskRunner(synchronous=True), office)
            dialog = EventDialog(tctx, event.id)
            dialog.resize(1180, 760)
            save(app, dialog, "event_practice_t1.png")
            dialog.reject()

            wctx = AppContext(store, TaskRunner(synchronous=True), worker)
            other = Event(
                grid_id=grid_id,
                category_code="01001",
                ledger=Ledger.APPEAL,
                urgency=Urgency.NORMAL,
                title="排水沟堵塞引发邻里争执",
                reporter=worker.username,
                reported_at=datetime.now(UTC),
                time_limit_days=15,
                category_name="邻里纠纷",
            )
            other = stamp_terms(other, catalog)
            event = other
            with store.unit_of_work(actor=worker.username) as uow:
                uow.append(other)
            step(worker, A.REPORT)
            step(office, A.ACCEPT, comment="已受理")
            step(office, A.DISPATCH, assignee="grid", comment="请网格员调解")
            dialog = EventDialog(wctx, other.id)
            dialog.resize(1180, 760)
            form = dialog.start_action(A.REQUEST_EXTENSION)
            form.comment_edit.setPlainText("需协调村民小组长共同到场")
            save(app, form, "event_practice_extension_form.png")
            form.reject()
            dialog.reject()

            intake = EventReportDialog(tctx, grid_id)
            intake.source_combo.setCurrentIndex(intake.source_combo.findData(EventSource.HOTLINE))
            intake.choose_category_by_name("噪音扰民")
            intake.title_edit.setText("群众来电反映夜间广场舞噪音")
            intake.resize(780, 700)
            save(app, intake, "event_practice_intake.png")
            intake.reject()
        finally:
            session.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
