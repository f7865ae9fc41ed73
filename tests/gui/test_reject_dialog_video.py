"""s37: the Reject dialog of a video has a tick box for each face track named by hand, as a
photo's has one for each face (s36): numbered as the player numbers the tracks, with when it
is seen; ticked, the core takes the name off and covers the whole track, back with the
preparer to decide again. Before, the dialog showed no box for a video."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox

from photovet.core import policy
from photovet.core.words import names_returned
from photovet.gui.dialogs.reason import ReasonDialog
from photovet.gui.views.video_player import clock
from tests.gui.conftest import (
    APPROVER_NAME,
    answer,
    click,
    select_photo,
    sign_in_as,
    wait_checked,
    without_checklist,
)
from tests.gui.fake_engine import TORI, write_register


def test_the_reject_dialog_ticks_a_video_track_named_by_hand(qtbot, ws, make_window, tmp_path):
    from tests.core.test_video_workflow import SquareFaces, make_video, tracks_by_colour

    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    (tmp_path / "photos").mkdir()
    clip = make_video(tmp_path / "photos" / "assembly.mp4")
    win = make_window({}, face_engine=SquareFaces())
    win.add_paths([str(clip)])
    wait_checked(qtbot, win, 1, timeout=60000)
    video = win.batch.model.item_for(str(clip))
    (red,), _ = tracks_by_colour(video.analysis)
    win.ctx.ws.video_reviewer().track(video.analysis, red.id, "assign",
                                      win.ctx.current_channel(), person=TORI)
    win.batch.redecide(video)
    assert video.analysis.track(red.id).override_person == TORI
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    assert video.approval == "ready"
    sign_in_as(win, APPROVER_NAME)
    select_photo(win, "assembly.mp4")
    seen: list[str] = []

    def tick(d):
        seen.append(d.windowTitle())
        seen.append(d.findChild(QLabel, "NameWrongSaid").text())
        boxes = d.findChildren(QCheckBox, "NameWrongBox")
        seen.extend(b.text() for b in boxes)
        boxes[0].setChecked(True)
        d.accept()

    answer(tick, kind=ReasonDialog)
    win.approval.reject()
    assert video.approval == "rejected"
    t = video.analysis.track(red.id)
    assert seen == ["Reject this video",
                    "Tick a face whose name given by hand is wrong: the name is taken off and "
                    "the face covered in the whole video until the preparer says again who it "
                    "is.", f"Face {red.id + 1} (seen 0:00.0 to {clock(red.last_time)}) is not "
                    "Tori Amos"], seen
    # a clip of 2 s, the face in it to its last frame (1.97 s, looked at since s63)
    assert 1.5 < red.last_time < 2.0
    assert t.override_person is None and t.decision == "cover" and t.needs_review
    assert t.reason == policy.REASON_NAMING_RETURNED
    assert names_returned(1) in win.photos.approval.message.text()
