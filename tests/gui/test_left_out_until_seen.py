"""s65 walk: "Approve all shown" left a video out (not seen whole in the player) and said so
under the buttons, kept while the video stayed shown. The senior leader played it to the end;
Approve came on, and beside it the panel still said "1 video was left out: it has not been
seen whole in the player: open it, play it to the end...". Once every video it named is seen
whole, that sentence goes; the rest of what was said stays."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from photovet.gui.dialogs.contact_sheet import ContactSheetDialog
from tests.gui.conftest import answer, approve_on_sheet, play_video_through
from tests.gui.test_approver_sees import _batch_with_a_video

LEFT_OUT = "1 video was left out: it has not been seen whole in the player"


def test_the_left_out_video_is_no_longer_said_unseen_once_played_through(
        qtbot, ws, make_window, tmp_path):
    win, clip = _batch_with_a_video(qtbot, ws, make_window, tmp_path)
    answer(approve_on_sheet, kind=ContactSheetDialog, timeout=60)
    win.photos.approval.approve_all_btn.click()
    panel = win.photos.approval
    qtbot.waitUntil(lambda: LEFT_OUT in panel.message.text(), timeout=10000)
    assert "1 photo approved for" in panel.message.text()
    assert win.review.current() is not None and win.review.current().path == str(clip)
    play_video_through(qtbot, win, clip)
    QApplication.processEvents()
    qtbot.waitUntil(panel.approve_btn.isEnabled, timeout=5000)
    win.approval.show_state()                    # shown afresh (the change feed does this)
    said = panel.message.text()
    assert LEFT_OUT not in said and "not been seen whole" not in said, said
    assert "1 photo approved for" in said and panel.message.isVisible()
