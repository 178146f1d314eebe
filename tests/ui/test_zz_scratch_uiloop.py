from pathlib import Path
from tests.ui.test_forms import A
from tests.ui.test_forms import report_event, township, open_event, click, type_text, ctx, demo, household_id  # noqa
from tests.ui import test_login
chinese = test_login.chinese

LONG = ("经民政办、司法所与村调委会三方现场调解，双方同意由东户出资疏通排水沟并加装盖板，"
        "西户负责清理院内积水造成的损失，约定本月底前完工，调解协议已签字并拍照存档。")

def test_look(qtbot, ctx, household_id):
    out = Path("/tmp/uiloop_shots")
    event_id = report_event(qtbot, ctx, household_id)
    t = township(ctx)
    d = open_event(qtbot, t, event_id)
    qtbot.wait(50)
    click(qtbot, d.action_buttons[A.ACCEPT])
    f = d.action_form
    type_text(qtbot, f.comment_edit, LONG)
    qtbot.wait(50)
    f.grab().save(str(out / "scratch_form_accept.png"))
    click(qtbot, f.ok_button)
    qtbot.wait(100)
    click(qtbot, d.action_buttons[A.DISPATCH])
    f = d.action_form
    qtbot.wait(50)
    f.grab().save(str(out / "scratch_form_dispatch.png"))
    f.assignee_combo.lineEdit().clear()
    type_text(qtbot, f.assignee_combo.lineEdit(), "民政办")
    click(qtbot, f.ok_button)
    qtbot.wait(100)
    d.grab().save(str(out / "scratch_dialog_long.png"))
    print(d.timeline.horizontalScrollBar().isVisible(), d.timeline.columnWidth(3), d.timeline.viewport().width())
    wd = open_event(qtbot, ctx, event_id)
    qtbot.wait(100)
    wd.grab().save(str(out / "scratch_worker_dispatched.png"))
    print([b.text() for b in wd.action_buttons.values()])
    click(qtbot, wd.action_buttons[A.COMMENT])
    f = wd.action_form
    qtbot.wait(50)
    f.grab().save(str(out / "scratch_form_comment.png"))
