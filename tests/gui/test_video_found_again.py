"""A face row carried on with another face after a gap (s59): its question says where it was
lost and found again, and its bar is marked there, so the person answering for the whole row
looks at those moments."""

from __future__ import annotations

from PySide6.QtGui import QColor

from tests.core.test_video_one_track_two_faces import make_clip
from tests.core.test_video_workflow import BLUE, RED
from tests.gui.test_video_player import admin_ws, ctx, open_player  # noqa: F401 - fixtures


def test_a_row_lost_and_found_again_says_where_and_is_marked_there(
        qtbot, ctx, tmp_path):  # noqa: F811
    clip = make_clip(tmp_path / "podium.mp4", [(8, RED, 50), (0.3, None, 0), (0.5, BLUE, 42),
                                                (0.3, None, 0), (3, RED, 50)])
    a, player, _ctl = open_player(qtbot, ctx, clip, channel="website")
    (t,) = a.face_tracks
    assert t.decision == "cover" and t.needs_review and t.found_again
    player.select_track(t.id)
    assert "(from 0:08.3 and 0:09.1 it may be another face: check it is the same face all " \
        "through)" in player.track_label.text()
    (row,) = player.timeline.rows
    assert row.marks == tuple(t.found_again)
    # drawn: a dark line across the bar where it was found again (the bar is amber)
    player.resize(1280, 720)
    qtbot.wait(50)
    img = player.timeline.grab().toImage()
    x = round(player.timeline._x(row.marks[0]))
    y = 20 + 12                                   # the ruler, then the first row's middle
    dark = [QColor(img.pixel(x + dx, y)).lightness() for dx in (-1, 0, 1)]
    away = QColor(img.pixel(round(player.timeline._x(row.marks[0] - 1.0)), y)).lightness()
    assert min(dark) < 80 and away > 100, (dark, away)
