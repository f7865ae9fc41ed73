"""The video's summary in the window says what is open for who is signed in, and is said again
after a change and after someone else signs in (it was set once, when the video was chosen: the
preparer's 'Publish it without sound' left it saying the sound was open)."""

from __future__ import annotations

from tests.gui.conftest import (
    APPROVER_NAME,
    DEPUTY,
    PREPARER_NAME,
    select_photo,
    sign_in_as,
    wait_checked,
)


def _a_video_with_sound_to_listen_to(qtbot, make_window, ws, tmp_path):
    """A window with one checked video whose channel keeps sound only once an approver
    listened to it."""
    from tests.core.test_video_workflow import SquareFaces, make_video

    (tmp_path / "photos").mkdir()
    clip = make_video(tmp_path / "photos" / "assembly.mp4")
    win = make_window({}, face_engine=SquareFaces())
    ws.channels.update(win.ctx.current_channel().id, audio="listen")
    win.add_paths([str(clip)])
    wait_checked(qtbot, win, 1, timeout=60000)
    return win, clip


def test_the_summary_follows_the_change_and_who_is_signed_in(qtbot, make_window, ws, tmp_path):
    win, clip = _a_video_with_sound_to_listen_to(qtbot, make_window, ws, tmp_path)
    select_photo(win, clip.name)
    player = win.photos.video
    qtbot.waitUntil(lambda: player.canvas.image is not None, timeout=15000)
    summary = win.photos.findings.summary
    a = win.review.current().analysis
    assert a.sound_needs_review and not any(t.needs_review for t in a.tracks)
    assert "Publish it without sound" in summary.text(), summary.text()
    assert "amber" not in summary.text()
    # a deputy signs in (prepares and approves): the same video says what they can do
    sign_in_as(win, DEPUTY)
    qtbot.waitUntil(lambda: "until you listen" in summary.text(), timeout=5000)
    assert "I listened to the whole video" in summary.text()
    assert player.sound_buttons["listened"].isEnabled()
    # the preparer publishes it without sound: nothing is left open, and the summary says so
    sign_in_as(win, PREPARER_NAME)
    qtbot.waitUntil(lambda: "Publish it without sound" in summary.text(), timeout=5000)
    player.sound_buttons["remove"].click()
    qtbot.waitUntil(lambda: "listen" not in summary.text(), timeout=5000)
    assert summary.text().endswith("removed."), summary.text()


def test_the_approvers_one_line_says_the_video_and_its_sound(qtbot, make_window, ws, tmp_path):
    """An approver sees what was found in one line: for a video it said "Choose a photo to see
    what PhotoVet found in it." with the video open (s38 walk), so the sound waiting for them
    to listen was said nowhere on their screen."""
    win, clip = _a_video_with_sound_to_listen_to(qtbot, make_window, ws, tmp_path)
    sign_in_as(win, APPROVER_NAME)
    select_photo(win, clip.name)
    tab = win.photos
    qtbot.waitUntil(lambda: tab.video.canvas.image is not None, timeout=15000)
    assert tab.found_summary.isVisible() and not tab.findings_scroll.isVisible()
    line = tab.found_summary.text()
    assert line.startswith("A video of"), line
    assert "until you listen" in line, line
    # the sound's own words say "spoken names" once (they said it twice in a row)
    tab.show_found_details(True)
    card = tab.video.sound_label.text()
    assert card.count("spoken names") == 1, card
    assert tab.approval.caption_edit.placeholderText() == \
        "Caption to post with this video (optional)"


def test_a_face_seen_twice_is_one_face_in_the_window_and_on_the_contact_sheet(
        qtbot, make_window, tmp_path):
    """The tile said 'Covers 2' and the approver's contact sheet 'Covered: 2 faces' for one row
    of the timeline (a face lost for a moment and found again in the same place)."""
    from tests.core.test_video_workflow import SquareFaces, make_lost_video

    (tmp_path / "photos").mkdir()
    clip = make_lost_video(tmp_path / "photos" / "lost.mp4")
    win = make_window({}, face_engine=SquareFaces())
    win.add_paths([str(clip)])
    wait_checked(qtbot, win, 1, timeout=60000)
    select_photo(win, clip.name)
    player = win.photos.video
    qtbot.waitUntil(lambda: player.canvas.image is not None, timeout=15000)
    item = win.review.current()
    tori = min(item.analysis.face_tracks, key=lambda t: t.first_frame)
    player.select_track(tori.id)
    player.track_buttons["cover"].click()
    a = win.review.current().analysis
    assert len(a.face_tracks) == 2 and all(t.decision == "cover" for t in a.face_tracks)
    assert len(player.timeline.rows) == 1
    assert item.status_text() == "Covers 1"
    summary = win.photos.findings.summary.text()
    assert "1 face followed (seen twice; 0 shown, 1 covered)" in summary, summary
    tile = win.approval.tile_for(item)
    assert "Covered: 1 face" in tile.lines, tile.lines
