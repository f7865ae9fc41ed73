"""A photo already approved, exported and posted (walkthrough s31): "Show this face..." says
that it withdraws the approval, and that the posted copy stays as posted, before anything is
changed, and can be cancelled; exporting again says how many were already posted, and when,
before the export runs."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from photovet.gui.dialogs.reason import ReasonDialog
from tests.gui.conftest import answer, button, message_text, select_photo, wait_checked
from tests.gui.fake_engine import FACE_A, FACE_B, TORI, make_photo, write_register
from tests.gui.test_after_posting import approve_all, export

POSTED_ON = _dt.date(2026, 11, 12)


@pytest.fixture
def posted(qtbot, ws, make_window, tmp_path):
    """Three photos approved for Facebook and exported; two of them posted on 12/11/2026.
    trip_0 shows Tori and an unknown face (covered)."""
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths = [make_photo(tmp_path / "trip" / f"trip_{i}.jpg", faces=[FACE_A, FACE_B] if i == 0
                        else [], colour=(150 + 30 * i, 140, 130)) for i in range(3)]
    win = make_window({"trip_0.jpg": [(FACE_A, TORI, "recognised"),
                                      (FACE_B, None, "unknown")]})
    win.ctx.set_channel("facebook")
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    approve_all(win)
    dlg = export(win, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    dlg.reject()
    recs = sorted(ws.records.exports(batch="Sports day"), key=lambda r: r.source_path)
    first_two = [r.output_path for r in recs if not r.source_path.endswith("trip_2.jpg")]
    assert ws.records.mark_posted(files=[Path(p) for p in first_two], channel="facebook",
                                  date=POSTED_ON) == 2
    return win


def face_b(win):
    return win.review.current().analysis.faces[1]


def test_show_this_face_on_a_posted_photo_warns_first_and_can_be_cancelled(posted, ws):
    win = posted
    select_photo(win, "trip_0.jpg")
    assert face_b(win).decision == "cover"
    seen: list[str] = []
    answer(lambda box: (seen.append(message_text(box)),
                        box.button(QMessageBox.StandardButton.Cancel).click()),
           kind=QMessageBox)
    assert not win.review.face_action(1, "show")
    text = seen[0]
    assert "This photo was approved by" in text and "for Facebook" in text
    assert "posted on Facebook on 12/11/2026" in text
    assert "Showing this face withdraws the approval" in text
    assert "The copy already posted stays as it was posted" in text
    # cancelled: nothing changed, the approval still counts
    assert face_b(win).decision == "cover" and face_b(win).override is None
    a = win.review.current().analysis
    assert ws.approvals.check(a, win.ctx.engine.approval_parts(a)).ok

    def why(dlg: ReasonDialog) -> None:
        dlg.edit.setText("An adult visitor who agreed to be in the photo")
        button(dlg, "Record and go on").click()

    answer(lambda box: button(box, "Withdraw the approval and go on").click(),
           kind=QMessageBox)
    answer(why, kind=ReasonDialog, delay=300)
    assert win.review.face_action(1, "show")
    assert face_b(win).decision == "show"
    a = win.review.current().analysis
    assert not ws.approvals.check(a, win.ctx.engine.approval_parts(a)).ok


def test_show_this_face_on_an_unapproved_photo_asks_nothing_more(qtbot, ws, make_window,
                                                                  tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    p = make_photo(tmp_path / "one.jpg", faces=[FACE_B])
    win = make_window({"one.jpg": [(FACE_B, None, "unknown")]})
    win.add_paths([str(p)])
    wait_checked(qtbot, win, 1)
    select_photo(win, "one.jpg")
    seen: list[str] = []

    def why(dlg: ReasonDialog) -> None:
        seen.append(type(dlg).__name__)
        dlg.edit.setText("An adult visitor who agreed to be in the photo")
        button(dlg, "Record and go on").click()

    answer(why, kind=ReasonDialog)
    assert win.review.face_action(0, "show")
    assert seen == ["ReasonDialog"]         # no warning about an approval first


def test_export_again_says_how_many_were_already_posted(posted, qtbot, tmp_path):
    dlg = export(posted, qtbot, tmp_path / "again", label="Sports day again")
    qtbot.waitUntil(lambda: dlg.posted_note.isVisible(), timeout=10000)
    # s33: which two, by file name (the batch's names: never a pupil's)
    assert dlg.posted_note.text().startswith(
        "2 of 3 photos were already posted to Facebook on 12/11/2026 (trip_0.jpg and "
        "trip_1.jpg). Exporting makes new copies of them:"), dlg.posted_note.text()
    assert dlg.export_btn.text() == "Export 3 photos"
    # the names said are the names written (they said sports-day-2026-001.jpg whatever the name)
    assert "(sports-day-again-001.jpg\u2026)" in dlg.names.text()
    dlg.label.setText("Trip to the zoo")
    assert "(trip-to-the-zoo-001.jpg\u2026)" in dlg.names.text()
    dlg.reject()


def test_leave_this_text_readable_on_an_approved_photo_warns_first(qtbot, ws, make_window,
                                                                    tmp_path):
    """As "Show this face...": leaving a covered name readable withdrew the approval without
    a word."""
    ws.import_register(write_register(tmp_path / "mis.csv"))
    p = make_photo(tmp_path / "sign.jpg")
    box = [(40, 300), (220, 300), (220, 330), (40, 330)]
    win = make_window({}, {"sign.jpg": [(box, "Jeff Kravitz", None, "name-like")]})
    win.ctx.set_channel("facebook")
    win.add_paths([str(p)])
    wait_checked(qtbot, win, 1)
    select_photo(win, "sign.jpg")
    assert win.review.keep_rest()                  # its open question answered: covered
    approve_all(win)
    select_photo(win, "sign.jpg")
    seen: list[str] = []
    answer(lambda box: (seen.append(message_text(box)),
                        box.button(QMessageBox.StandardButton.Cancel).click()),
           kind=QMessageBox)
    assert not win.review.text_action(0, "keep")
    assert "This photo was approved by" in seen[0] and "for Facebook" in seen[0]
    assert "Leaving this text readable withdraws the approval" in seen[0]
    assert "posted" not in seen[0]                 # not posted: nothing said about it
    t = win.review.current().analysis.texts[0]
    assert t.decision == "cover"
    a = win.review.current().analysis
    assert ws.approvals.check(a, win.ctx.engine.approval_parts(a)).ok


def test_the_words_for_what_was_already_posted():
    from photovet.core.words import already_posted

    day = ["2026-11-12", "2026-11-12T09:30:00+00:00"]
    assert already_posted((0, 0), (3, 0), "Facebook", []) == ""
    assert already_posted((1, 0), (1, 0), "Facebook", day[:1]).startswith(
        "This photo was already posted to Facebook on 12/11/2026. Exporting makes new copies "
        "of it:")
    assert already_posted((2, 0), (2, 0), "Facebook", day).startswith(
        "Both photos were already posted to Facebook on 12/11/2026.")        # never "All 2"
    # which ones (walkthrough s33), shortened when many; the only one is "This photo"
    assert already_posted((2, 0), (2, 0), "Facebook", day, ["a.jpg", "b.jpg"]).startswith(
        "Both photos were already posted to Facebook on 12/11/2026 (a.jpg and b.jpg). ")
    assert already_posted((1, 0), (1, 0), "Facebook", day, ["a.jpg"]).startswith(
        "This photo was already posted to Facebook on 12/11/2026. ")
    assert already_posted((6, 0), (9, 0), "Facebook", [], [f"p{i}.jpg" for i in range(6)]) \
        .startswith("6 of 9 photos were already posted to Facebook (p0.jpg, p1.jpg, p2.jpg and "
                    "3 more). ")
    assert already_posted((1, 1), (1, 1), "X", day).startswith(
        "The photo and the video were already posted to X")
    # photos and videos together: each kind said (s39: "2 of 3 (2 photos) were")
    assert already_posted((2, 0), (2, 1), "Facebook", day, ["a.jpg", "b.jpg"]).startswith(
        "Both photos were already posted to Facebook on 12/11/2026 (a.jpg and b.jpg); the "
        "video was not. Exporting makes new copies of them:")
    assert already_posted((1, 1), (2, 1), "X", []).startswith(
        "1 of the 2 photos and the video were already posted to X. ")
    assert already_posted((0, 1), (3, 1), "X", []).startswith(
        "The video was already posted to X; the 3 photos were not. Exporting makes new copies "
        "of it:")
    assert already_posted((2, 1), (2, 2), "X", []).startswith(
        "Both photos and 1 of the 2 videos were already posted to X. ")
    assert already_posted((3, 0), (3, 0), "Facebook", ["2026-11-02", "2026-11-09",
                                                      "2026-11-20"]).startswith(
        "All 3 photos were already posted to Facebook between 02/11/2026 and 20/11/2026.")


@pytest.mark.parametrize("media, approval, said", [
    ((0, 1), True, "Your original video is not changed. It is exported only if a senior leader "
                   "approved it, exactly as approved."),
    ((3, 0), True, "Your original photos are not changed. Only photos a senior leader "
                   "approved, exactly as approved, are exported."),
    ((2, 1), True, "Your original photos and videos are not changed. Only photos and videos a "
                   "senior leader approved"),
    ((0, 2), False, "Your original videos are not changed."),
])
def test_the_export_dialog_says_what_the_batch_holds_at_the_top(qtbot, media, approval, said):
    """s39: exporting one video, the top of the export window said 'Your original photos are
    not changed. Only photos a senior leader approved...'."""
    from PySide6.QtWidgets import QLabel

    from photovet.gui.dialogs.export import ExportDialog

    dlg = ExportDialog("Facebook", "Trip", "/tmp/out", approval_required=approval, media=media)
    qtbot.addWidget(dlg)
    text = dlg.findChild(QLabel, "ExportIntro").text()
    assert said in text and ("photos" in said or "photo" not in text), text
    if not approval:
        banner = dlg.findChild(QLabel, "Banner").text()
        assert banner.endswith("these videos have not been approved by a senior leader."), banner


def test_the_export_dialog_says_videos_under_the_caption(qtbot):
    """s40: the caption's hint and the note on captions that differ said "photos" for a batch
    of videos; said with what is exported (the batch's until the plan is known)."""
    from PySide6.QtWidgets import QLabel

    from photovet.gui.dialogs.export import ExportDialog

    dlg = ExportDialog("Facebook", "Trip", "/tmp/out", approval_required=True, media=(0, 3))
    qtbot.addWidget(dlg)
    assert "records it with the videos, so a take-down" in dlg.caption_check.text()
    assert "Working out which videos can be exported" in dlg.plan.text()
    dlg.show_captions_differ()
    note = dlg.findChild(QLabel, "CaptionsDiffer")
    assert note.text().startswith("These videos were approved with different captions, so "
                                  "they are exported with none. To post a caption with the "
                                  "videos approved with it,"), note.text()
    # the plan exports two of them and a photo: said so
    dlg.show_plan((1, 2), [])
    assert note.text().startswith("These photos and videos were approved"), note.text()
    assert "records it with the photos and videos" in dlg.caption_check.text()
    dlg.approved_caption = "Sports day"
    dlg.caption.setText("Sports day")
    dlg.show_caption_check("Sports day", True, [], "")
    assert dlg.caption_check.text() == (
        "\u2713 This is the caption a senior leader approved with these photos and videos. It "
        "names nobody who must not be named here, and is recorded with the photos and videos.")
    one = ExportDialog("Facebook", "Trip", "/tmp/out", approval_required=True, media=(0, 1))
    qtbot.addWidget(one)
    assert "photo" not in one.caption_check.text()


def test_the_done_page_says_held_back_apart_from_not_exported(qtbot):
    """s40 walk: the four the plan held back (listed before the export as held back) were
    counted after it as '3 photos and 1 video not exported', as if something went wrong."""
    from photovet.gui.dialogs.export import ExportDialog

    dlg = ExportDialog("Facebook", "Trip", "/tmp/out", approval_required=True, media=(3, 1))
    qtbot.addWidget(dlg)
    held = [("a.jpg", "waiting for a senior leader's approval"),
            ("v.mp4", "not marked ready and approved yet")]
    dlg.show_plan((2, 0), held, (1, 1))
    dlg.finished_with((2, 0), held, "/tmp/out", False, False, failed_media=(1, 1))
    assert dlg.result.text() == ("<b>Exported 2 photos</b> for Facebook. 1 photo and 1 video "
                                 "held back, as said before the export:")
    assert dlg.failures.count() == 2
    dlg.finished_with((2, 0), [*held, ("b.jpg", "the disk is full")], "/tmp/out", False, False,
                      failed_media=(2, 1))
    assert dlg.result.text() == ("<b>Exported 2 photos</b> for Facebook. 1 photo and 1 video "
                                 "held back, as said before the export, and 1 photo not "
                                 "exported:")
    dlg.finished_with((2, 0), [("b.jpg", "the disk is full")], "/tmp/out", False, False)
    assert dlg.result.text() == "<b>Exported 2 photos</b> for Facebook. 1 photo not exported:"
