"""A video in a batch with photos: its picture comes through the video path (a frame of the
clip), never the photo decoder. The window asked for a photo's preview of the clip while it was
still being checked, and the log said 'background task preview failed: UnsupportedImageError'
for a normal video."""

from __future__ import annotations

import logging

from tests.gui.conftest import select_photo, wait_checked
from tests.gui.fake_engine import make_photo


def test_a_clip_and_a_photo_log_no_preview_failure_and_the_clip_shows_a_picture(
        qtbot, make_window, tmp_path, app_log):
    from tests.core.test_video_workflow import SquareFaces, make_video

    folder = tmp_path / "photos"
    folder.mkdir()
    clip = make_video(folder / "assembly.mp4")
    photo = make_photo(folder / "sports_day.jpg")
    win = make_window({}, face_engine=SquareFaces())
    # the clip first: it is the item on screen while the batch is still being checked
    win.add_paths([str(clip), str(photo)])
    qtbot.waitUntil(lambda: win.review.current() is not None, timeout=15000)
    wait_checked(qtbot, win, 2, timeout=60000)
    select_photo(win, clip.name)
    player = win.photos.video
    qtbot.waitUntil(lambda: player.canvas.image is not None, timeout=15000)
    assert not player.canvas.image.isNull() and player.canvas.image.width() > 0
    select_photo(win, photo.name)
    qtbot.waitUntil(lambda: photo.as_posix() in {str(p) for p in win.review.previews},
                    timeout=15000)
    qtbot.wait(200)
    failures = [r.getMessage() for r in app_log
                if "failed" in r.getMessage() or r.levelno >= logging.ERROR]
    # the log is heard (a check that hears nothing would pass on any failure)
    assert any(r.getMessage().startswith("checked video") for r in app_log), \
        [r.getMessage() for r in app_log]
    assert not failures, failures
    assert str(clip) not in win.review.previews       # never decoded as a photo


def test_the_list_says_photos_and_videos_once_a_video_is_in_the_batch(
        qtbot, make_window, tmp_path):
    """The list said 'All photos (7)' above '5 photos and 2 videos', and 'No photo is waiting
    for approval' when the videos were all that was waiting."""
    from tests.core.test_video_workflow import SquareFaces, make_video

    folder = tmp_path / "photos"
    folder.mkdir()
    photo = make_photo(folder / "sports_day.jpg")
    win = make_window({}, face_engine=SquareFaces())
    batch = win.photos.batch
    win.add_paths([str(photo)])
    wait_checked(qtbot, win, 1)
    assert batch.filter_combo.itemText(0) == "All photos (1)"
    win.add_paths([str(make_video(folder / "assembly.mp4"))])
    wait_checked(qtbot, win, 2, timeout=60000)
    assert batch.filter_combo.itemText(0) == "All photos and videos (2)"
    assert batch.count_label.text().startswith("1 photo and 1 video")
    batch.set_filter("approval:ready")
    assert batch.no_match_text.text() == "Nothing is waiting for approval."
    assert batch.show_all.text() == "Show all photos and videos"
    batch.set_filter("failed")
    assert batch.no_match_text.text() == "Nothing in this batch matches this choice."
