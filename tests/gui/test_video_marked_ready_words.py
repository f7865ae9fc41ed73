"""s45 walk (PNG 47): after "Mark ready", a video's panel still said "3 names are yours to
decide" while the banner said "Nothing is waiting for your decision". The core says a video
handed on waits for nobody (policy.waiting_for_decision): the banner was right, and the video's
summary now says what is left open stays covered, as a photo's panel does."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import answer, click, select_photo, wait_checked, without_checklist
from tests.gui.fake_engine import make_batch, write_register


def open_video_with_a_face_open(qtbot, ws, make_window, tmp_path):
    """A batch of a photo and a made clip, checked; the clip's first face left open and the
    clip open in the player: (window, the clip's path)."""
    from tests.core.test_video_workflow import SquareFaces, make_video

    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 1)
    clip = make_video(tmp_path / "photos" / "assembly.mp4")
    win = make_window(faces, face_engine=SquareFaces())
    win.add_paths([str(p) for p in paths] + [str(clip)])
    wait_checked(qtbot, win, 2, timeout=60000)
    video = win.batch.model.item_for(str(clip))
    assert video.analysis.face_tracks and not video.analysis.error
    video.analysis.face_tracks[0].needs_review = True      # one face left open
    assert video.analysis.needs_review
    select_photo(win, clip.name)
    qtbot.waitUntil(lambda: win.photos.media.currentWidget() is win.photos.video, timeout=5000)
    return win, clip


def test_a_video_marked_ready_with_a_face_open_no_longer_says_yours_to_decide(
        qtbot, ws, make_window, tmp_path):
    without_checklist(ws)
    win, clip = open_video_with_a_face_open(qtbot, ws, make_window, tmp_path)
    summary = win.photos.findings.summary
    before = summary.text()
    assert "1 face is yours to decide" in before, before
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    assert win.batch.model.item_for(str(clip)).approval == "ready"
    assert "Nothing is waiting for your decision" in win.batch.banner.text()
    qtbot.waitUntil(lambda: "yours to decide" not in summary.text(), timeout=5000)
    after = summary.text()
    assert "It was marked ready with 1 face left open: it stays covered" in after, after
    assert "Nothing here is waiting for your decision." in after, after
    win.close()


def test_an_approver_is_not_told_nothing_waits_on_a_video_waiting_for_their_approval():
    """s46 walk: the approver's view of a video handed on with a name left open said "Nothing
    here is waiting for a decision", above "The sound is removed until you listen": it waits
    for their approval. What is left open is said as covered in what they approve."""
    from photovet.core.media.video.linking import FaceCount
    from photovet.core.models import VideoAnalysis
    from photovet.gui.views.video_player import open_sentence

    a = VideoAnalysis(path="v.mp4", sha256="x", channel="website", has_audio=True)
    a.sound_needs_review = True
    count = FaceCount(faces=2, tracks=2, covered=1, open=1)
    approver = open_sentence(a, can_listen=True, count=count, approval="ready")
    assert "Nothing here is waiting" not in approver, approver
    assert approver.startswith("It was marked ready with 1 face left open: it stays covered "
                               "(in amber) in what you approve. The sound is removed until "
                               "you listen"), approver
    preparer = open_sentence(a, can_review=True, count=count, approval="ready")
    assert "it stays covered (in amber). Nothing here is waiting for your decision." in \
        preparer, preparer
    approved = open_sentence(a, can_listen=True, count=count, approval="approved")
    assert approved.startswith("It was approved with 1 face left open: it stays covered (in "
                               "amber)."), approved
    assert "Nothing here is waiting" not in approved and "what you approve" not in approved
