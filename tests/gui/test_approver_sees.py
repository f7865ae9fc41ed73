"""What an approver must have seen before approving, and what they are shown beside the
checklist (the GUI audit of a school's first week, items 7 and 8).

- Item 8: a video (the shared clip: 20 faces in 9 s) was approved from its first frame. The
  player now reports what it had on screen to the core (``approval.VideoViews``), which
  decides; until the clip is seen whole, Approve is off and the panel says what is left.
  The contact sheet's three moments of a video are not all of it: such a video is left out.
- Item 7: who is shown was in a small scroll area inside another; the preparer's
  "Keep it covered" buttons were shown to an account that may only approve.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.gui.dialogs.contact_sheet import ContactSheetDialog
from tests.gui.conftest import (
    APPROVER_NAME,
    ONLY_PREPARER,
    answer,
    approve_on_sheet,
    checked_batch,
    click,
    select_photo,
    sign_in_as,
    wait_checked,
    without_checklist,
)
from tests.gui.fake_engine import make_batch, write_register


def _batch_with_a_video(qtbot, ws, make_window, tmp_path, photos: int = 1):
    from tests.core.test_video_workflow import SquareFaces, make_video

    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", photos)
    clip = make_video(tmp_path / "photos" / "assembly.mp4", seconds=2.0)
    win = make_window(faces, face_engine=SquareFaces())
    win.add_paths([str(p) for p in paths] + [str(clip)])
    wait_checked(qtbot, win, photos + 1, timeout=60000)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    assert {it.approval for it in win.batch.model.items} == {"ready"}
    sign_in_as(win, APPROVER_NAME)
    return win, clip


def _open_video(qtbot, win, clip) -> None:
    select_photo(win, clip.name)
    qtbot.waitUntil(lambda: win.photos.media.currentWidget() is win.photos.video, timeout=5000)
    qtbot.waitUntil(lambda: win.photos.video.canvas.image is not None, timeout=20000)


def test_a_video_is_approved_only_after_it_was_played_to_the_end(qtbot, ws, make_window,
                                                                 tmp_path):
    win, clip = _batch_with_a_video(qtbot, ws, make_window, tmp_path)
    win.approval.set_approver_view(True)
    _open_video(qtbot, win, clip)
    panel = win.photos.approval
    win.video.report_seen()                     # the first frame is on screen: said at once
    QApplication.processEvents()
    # from its first frame: Approve is off, and the panel says what is left, in the core's words
    assert not panel.approve_btn.isEnabled()
    assert panel.watch_label.isVisible()
    assert panel.watch_label.text().startswith(
        "Play the clip to the end (or step through it) before approving: 0 s of 2 s seen")
    # approving anyway (the A key, the menu): the core refuses in the same words
    win.approval.approve()
    item = win.batch.model.item_for(str(clip))
    assert item.approval == "ready"
    assert "Play the clip to the end" in panel.message.text()

    # played to the end (at whatever speed the player manages)
    player = win.photos.video
    player.play_btn.setChecked(True)
    qtbot.waitUntil(lambda: not player.play_btn.isChecked(), timeout=60000)
    qtbot.waitUntil(lambda: panel.approve_btn.isEnabled(), timeout=5000)
    assert not panel.watch_label.isVisible()
    panel.approve_btn.click()
    assert win.batch.model.item_for(str(clip)).approval == "approved", panel.message.text()
    actions = [r[0] for r in ws.db.all("SELECT action FROM audit_log ORDER BY id")]
    assert "video.watched" in actions


def test_a_video_stepped_a_second_at_a_time_counts_a_jump_to_the_end_does_not(
        qtbot, ws, make_window, tmp_path):
    win, clip = _batch_with_a_video(qtbot, ws, make_window, tmp_path)
    win.approval.set_approver_view(True)
    _open_video(qtbot, win, clip)
    player, panel = win.photos.video, win.photos.approval

    def shown_at(frame: int) -> None:
        player.set_frame_index(frame)
        qtbot.waitUntil(lambda: win.video._want is not None and not win.video._loading
                        and player.canvas.image is not None, timeout=10000)
        QApplication.processEvents()

    shown_at(player.slider.maximum())           # straight to the last frame
    win.video.report_seen()
    QApplication.processEvents()
    assert not panel.approve_btn.isEnabled()
    assert "not seen yet from 0:00.0 to 0:01.9" in panel.watch_label.text()
    # what was seen is marked on the timeline, from the core's record: the first moment and
    # the last, nothing between
    seen = player.timeline.seen
    assert seen is not None and len(seen) == 2 and seen[0] == (0.0, 0.0) and seen[1][0] > 1.9
    assert "marked green along the top of the timeline" in panel.watch_label.text()
    player.set_frame_index(0)
    for _ in range(3):                          # Shift+Right: a second on
        player.step_seconds(1.0)
        shown_at(player.frame())
    win.video.report_seen()
    QApplication.processEvents()
    assert panel.approve_btn.isEnabled(), panel.watch_label.text()


def test_a_preparer_has_nothing_marked_as_seen(qtbot, ws, make_window, tmp_path):
    win, clip = _batch_with_a_video(qtbot, ws, make_window, tmp_path)
    sign_in_as(win, ONLY_PREPARER)
    _open_video(qtbot, win, clip)
    assert win.photos.video.timeline.seen is None
    win.video.report_seen()
    assert ws.db.one("SELECT COUNT(*) FROM video_views")[0] == 0


def test_the_contact_sheet_leaves_out_a_video_not_seen_whole(qtbot, ws, make_window, tmp_path):
    """The sheet's three moments of a video are not all of it (fail closed): the video is left
    out, said on its tile and after; the photo is approved."""
    win, clip = _batch_with_a_video(qtbot, ws, make_window, tmp_path)
    seen = []

    def confirm(sheet: ContactSheetDialog) -> None:
        tile = next(t for t in sheet.tiles if t.tile.video)
        seen.append(tile.words.text())
        approve_on_sheet(sheet)
        seen.append(sheet.status.text())

    answer(confirm, kind=ContactSheetDialog, timeout=60)
    win.photos.approval.approve_all_btn.click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert "Left out:" in seen[0] and "Play the clip to the end" in seen[0]
    assert "1 video is left out: not seen whole in the player yet (assembly.mp4)" in seen[1]
    states = {it.path: it.approval for it in win.batch.model.items}
    assert states[str(clip)] == "ready"
    assert sorted(states.values()) == ["approved", "ready"]
    assert "1 video was left out: it has not been seen whole in the player" in \
        win.photos.approval.message.text()


def test_the_approver_sees_who_is_shown_and_no_preparers_buttons(qtbot, ws, make_window,
                                                                 tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    select_photo(win, "photo_000.jpg")
    findings = win.photos.findings
    # the preparer answers the open question (Joel, uncertain) with one click
    qtbot.waitUntil(lambda: bool(findings.cards) and all(
        b.isVisibleTo(findings) for c in findings.cards for b in c.buttons.values()),
        timeout=5000)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)            # may approve, may not prepare
    win.approval.set_approver_view(True)
    select_photo(win, "photo_000.jpg")
    for _ in range(5):
        QApplication.processEvents()
    panel = win.photos.approval
    assert panel.shown_label.isVisible()
    shown = panel.shown_label.text()
    assert "Shown: Tori Amos (consent for School website)" in shown
    assert "Joel" not in shown                # uncertain: covered until the preparer decides
    # the open question is shown, read-only, for the preparer
    assert findings.cards
    # (marked ready with it open: it waits for nobody, s30; "Still open for the preparer"
    # is said of a photo not handed on yet)
    assert findings.decide_title.text() == "Marked ready: 1 question left open, covered"
    assert not any(b.isVisibleTo(findings) for c in findings.cards for b in c.buttons.values())
    assert not findings.keep_rest_button.isVisibleTo(findings)
    assert "until a preparer decides" in findings.more.text()
    # a photo with nobody shown says so, not nothing
    select_photo(win, "photo_001.jpg")
    QApplication.processEvents()
    assert panel.shown_label.text() == "Nobody is shown: every face and name found is covered."


def test_closing_the_window_stores_what_was_seen_and_no_timer_runs_after(qtbot, ws, make_window,
                                                                         tmp_path):
    """CI found a report of the moments seen arriving from a timer after the window closed and
    its register with it ('Cannot operate on a closed database'); the window never told the
    player it was closing, so what was seen in the last second was also lost."""
    win, clip = _batch_with_a_video(qtbot, ws, make_window, tmp_path)
    win.approval.set_approver_view(True)
    _open_video(qtbot, win, clip)
    a = win.batch.model.item_for(str(clip)).analysis
    parts = win.ctx.engine.approval_parts(a)
    assert win.video._seen is not None and win.video.seen_timer.isActive()   # not yet told
    win.close()
    assert not win.video.seen_timer.isActive()
    assert ws.approvals.views.spans_seen(a, parts)       # the first frame, stored at close
    win.video.seen_timer.start()                         # a timer left running by mistake
    win.video._seen = (a, parts, [0.5])
    ws.close()
    qtbot.wait(1300)                                     # longer than a report's interval
    win.video.report_seen()                              # nothing is touched once closed


def test_the_contact_sheet_says_an_open_question_is_the_preparers(qtbot, ws, make_window,
                                                                 tmp_path):
    """Walkthrough s30: a tile on the approver's contact sheet said "1 decision still yours to
    decide (covered until then)" to the approver, who cannot decide it."""
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)   # photo_000: Joel is a question
    asked = answer(click("&Yes"), kind=QMessageBox)    # "... still have decisions open"
    win.approval.mark_all_shown_ready()          # what is open stays covered
    assert asked
    sign_in_as(win, APPROVER_NAME)
    item = next(it for it in win.batch.model.items if it.name == "photo_000.jpg")
    tile = win.approval.tile_for(item)
    assert "1 decision still open for the preparer (covered until decided)" in tile.open
    assert not any("yours" in line for line in tile.open + tile.lines)


def test_the_previous_persons_batch_summary_goes_when_the_approver_signs_in(
        qtbot, ws, make_window, tmp_path):
    """The walkthrough (round 30): the approver's first screen still said the preparer's
    'Checked 3 photos. ... have a decision for you'. Another person's summary goes; the batch
    is still there for them."""
    win = checked_batch(qtbot, ws, make_window, tmp_path, 3)
    qtbot.waitUntil(lambda: win.message_banner.text().startswith("Checked 3 photos."))
    sign_in_as(win, APPROVER_NAME)
    qtbot.wait(50)
    assert not win.message_banner.isVisibleTo(win), win.message_banner.text()
    assert "Checked" not in win.message_banner.text()
    assert len(win.batch.model.items) == 3
    win.batch.redecide_all()                   # deciding again does not bring it back
    qtbot.wait(200)
    assert "Checked" not in win.message_banner.text()


def test_the_count_says_open_decisions_are_the_preparers_to_an_approver(qtbot, ws, make_window,
                                                                        tmp_path):
    """s30: the list's count line said "3 photos · 1 yours to decide" to an approver, who
    cannot make those decisions (they are the preparer's: ``policy.waiting_for_decision``)."""
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 3)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    batch = win.photos.batch
    combo = batch.filter_combo
    label = lambda: combo.itemText(combo.findData("needs-review"))  # noqa: E731
    assert "1 yours to decide" in batch.count_label.text()
    assert label() == "Yours to decide (1)"
    sign_in_as(win, APPROVER_NAME)
    QApplication.processEvents()
    text = batch.count_label.text()
    assert "1 still open for the preparer" in text and "yours to decide" not in text, text
    assert label() == "Open for the preparer (1)"
    sign_in_as(win, ONLY_PREPARER)
    QApplication.processEvents()
    assert "1 yours to decide" in batch.count_label.text()
    assert label() == "Yours to decide (1)"


def test_each_person_shown_is_said_once_with_how_many_faces():
    """s36: the panel said 'Shown: Tori Amos' twice for two faces named Tori (one named by
    hand): each person once, with how many faces when more than one, and each reason once."""
    from photovet.gui.controllers.approval import face_lines

    names = {"A1": "Tori Amos", "B2": "Sam Hale"}.__getitem__
    box = (0, 0, 9, 9)
    shown = [(box, "A1", "Consent for School website"), (box, "B2", "Consent for School website"),
             (box, "A1", "Shown by hand: her mum agreed"), (box, None, "Shown by hand: staff"),
             (box, None, "Shown by hand: staff")]
    assert face_lines(shown, names) == [
        "Shown: Tori Amos, 2 faces (consent for School website; shown by hand: her mum agreed)",
        "Shown: Sam Hale (consent for School website)",
        "Shown: 2 faces not on the register (shown by hand: staff)"]
    # the same reason twice is said once; a video's rows are times seen, not faces
    same = [(box, "A1", "Consent for School website")] * 2
    assert face_lines(same, names) == ["Shown: Tori Amos, 2 faces (consent for School website)"]
    assert face_lines(same, names, photo=False) == [
        "Shown: Tori Amos (consent for School website)"]
    assert face_lines([(box, "A1", "")], names) == ["Shown: Tori Amos"]
    # one recognised, one named by hand: each part of the reasons once
    hand = [(box, "A1", "Consent for School website"),
            (box, "A1", "Consent for School website; named by hand")]
    assert face_lines(hand, names) == [
        "Shown: Tori Amos, 2 faces (consent for School website; named by hand)"]
