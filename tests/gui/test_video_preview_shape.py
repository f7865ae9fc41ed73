"""A video whose pixels are not square (a camcorder's anamorphic 1440 x 1080 shown 16:9; here
320 x 240 stored, pixels 4:3 wide) is published in that shape (the export keeps it), so the
review's player shows it in that shape, the original and "Show what will be published" alike,
with each track's outline still on its face; and the approver's contact sheet too. Before s64
the player drew the stored pixels: 4:3, every child narrower than in what goes out."""

from __future__ import annotations

import threading
from fractions import Fraction

import pytest
from PySide6.QtGui import QColor

from photovet.gui.controllers.approval import render_sheet
from tests.core.test_video_shown_shape import wide_pixels
from tests.core.test_video_workflow import make_video
from tests.gui.test_video_player import admin_ws, ctx, open_player, tracks  # noqa: F401

BACKGROUND = QColor("#20262c").rgb()


@pytest.fixture
def wide_clip(tmp_path):
    square = make_video(tmp_path / "square.mp4")
    wide = tmp_path / "sports day.mp4"
    wide_pixels(square, wide, Fraction(4, 3))
    return wide


def drawn_width_ratio(canvas) -> float:
    """The picture's width to its height as drawn on the canvas (found in the canvas's own
    pixels: whatever is not its dark background)."""
    shot = canvas.grab().toImage()
    y, x = shot.height() // 2, shot.width() // 2
    cols = [i for i in range(shot.width()) if shot.pixel(i, y) != BACKGROUND]
    rows = [j for j in range(shot.height()) if shot.pixel(x, j) != BACKGROUND]
    return (cols[-1] - cols[0] + 1) / (rows[-1] - rows[0] + 1)


def red_on_screen(canvas, x: float, y: float) -> bool:
    c = QColor(canvas.grab().toImage().pixel(int(x), int(y)))
    return c.red() > 170 and c.blue() < 90 and c.green() < 90


def test_the_player_shows_the_video_as_wide_as_it_is_published(qtbot, ctx, wide_clip):  # noqa: F811
    a, player, ctl = open_player(qtbot, ctx, wide_clip)
    assert (a.width, a.height) == (320, 240)            # the analysis: stored pixels
    canvas = player.canvas
    assert drawn_width_ratio(canvas) == pytest.approx(16 / 9, abs=0.03)
    # the red square's outline is on the red square as drawn (stretched with the picture)
    tori, _stranger = tracks(a)
    rect = next(canvas._rect(c) for tid, c, _col in canvas.outlines if tid == tori.id)
    for fx in (0.4, 0.5, 0.6):
        assert red_on_screen(canvas, rect.left() + fx * rect.width(), rect.center().y())
    # what will be published: the core's render, read back in the same shape
    player.published_btn.setChecked(True)
    qtbot.waitUntil(lambda: ctl._preview is not None and not ctl._loading
                    and bool(canvas.banner), timeout=60000)
    assert drawn_width_ratio(canvas) == pytest.approx(16 / 9, abs=0.03)
    # the approver's contact sheet: its moments in that shape too
    out = list(render_sheet(ctx.engine, [("video", a)], "solid", threading.Event(),
                            ctx.ws.previews().path))
    assert out[0][2] == "" and out[0][1]
    for img in out[0][1]:
        assert img.width() / img.height() == pytest.approx(16 / 9, abs=0.03)
