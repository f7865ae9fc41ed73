"""s65 walk: Review > Keep the rest covered (or K) on a video waiting for a decision stopped
with "Something unexpected went wrong (AttributeError: 'VideoAnalysis' object has no attribute
'texts')": the app looked for a photo's lines of text before asking the core. The core answers,
in its words (a video is decided track by track, in the player), and nothing is changed."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import answer, message_text, select_photo, wait_checked
from tests.gui.fake_engine import make_batch, write_register


def test_keep_the_rest_covered_on_a_video_says_why_it_is_not_for_videos(
        qtbot, ws, make_window, tmp_path):
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
    said: list[str] = []
    answer(lambda box: (said.append(message_text(box)), box.accept()), kind=QMessageBox)
    assert win.review.keep_rest() is False
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    assert "a video is reviewed track by track, in the video player" in said[0].lower(), said
    assert "Something unexpected" not in said[0]
    assert "Nothing was changed." in said[0]
    assert win.batch.model.item_for(str(clip)).analysis.face_tracks[0].needs_review
    win.close()
