"""s65 walk: Review > Keep the rest covered (or K) on a video waiting for a decision stopped
with "Something unexpected went wrong (AttributeError: 'VideoAnalysis' object has no attribute
'texts')": the app looked for a photo's lines of text before asking the core. The core answers,
in its words (a video is decided track by track, in the player), and nothing is changed."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import answer, message_text
from tests.gui.test_video_marked_ready_words import open_video_with_a_face_open


def test_keep_the_rest_covered_on_a_video_says_why_it_is_not_for_videos(
        qtbot, ws, make_window, tmp_path):
    win, clip = open_video_with_a_face_open(qtbot, ws, make_window, tmp_path)
    said: list[str] = []
    answer(lambda box: (said.append(message_text(box)), box.accept()), kind=QMessageBox)
    assert win.review.keep_rest() is False
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    assert "a video is reviewed track by track, in the video player" in said[0].lower(), said
    assert "Something unexpected" not in said[0]
    assert "Nothing was changed." in said[0]
    assert win.batch.model.item_for(str(clip)).analysis.face_tracks[0].needs_review
    win.close()
