"""s61 walk: a video's tile in the list looked like a photo's (a still of the clip, its name
elided "face_reco..._clip.mp4"), so the office could not tell which one opens in the player.
A video's tile has a play sign and the clip's length in its top-left corner."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from photovet.core.models import PhotoAnalysis, VideoAnalysis
from photovet.gui.views.batch_view import BatchView, PathRole
from photovet.gui.words import clip_length
from tests.gui.test_batch_counts_s35 import _painted


def _dark_in_corner(img: QImage) -> int:
    """Dark pixels in the bottom-left corner of the picture (the mark; the thumbnails here are
    plain white, 132 x 99, drawn centred in the tile's 188 x 132 place)."""
    return sum(1 for x in range(30, 100) for y in range(90, 125)
               if img.pixelColor(x, y).lightness() < 110)


def test_a_video_tile_shows_a_play_sign_and_a_photo_tile_does_not(qtbot):
    view = BatchView()
    qtbot.addWidget(view)
    view.model.add_paths(["/trip/assembly.mp4", "/trip/sports_day.jpg", "/trip/choir.MOV"])
    white = QImage(132, 99, QImage.Format.Format_RGB32)
    white.fill(QColor("white"))
    for item in view.model.items:
        item.thumb = white
    by_name = {view.proxy.index(r, 0).data(PathRole): r for r in range(view.proxy.rowCount())}
    assert len(by_name) == 3
    # before it is checked a clip is known by its file name
    assert _dark_in_corner(_painted(view, by_name["/trip/assembly.mp4"])) > 50
    assert _dark_in_corner(_painted(view, by_name["/trip/choir.MOV"])) > 50
    assert _dark_in_corner(_painted(view, by_name["/trip/sports_day.jpg"])) == 0
    # once checked, by what it is (the length is in the mark)
    view.model.set_analyses([
        VideoAnalysis(path="/trip/assembly.mp4", sha256="a" * 64, fps=10.0,
                      frame_times=[i / 10 for i in range(92)]),
        PhotoAnalysis(path="/trip/sports_day.jpg", sha256="b" * 64)])
    assert _dark_in_corner(_painted(view, by_name["/trip/assembly.mp4"])) > 50
    assert _dark_in_corner(_painted(view, by_name["/trip/sports_day.jpg"])) == 0


def test_a_clip_length_reads_as_a_phone_shows_it():
    assert [clip_length(s) for s in (0.2, 9.2, 9.6, 65, 3723.4)] == \
        ["0:01", "0:09", "0:10", "1:05", "1:02:03"]
