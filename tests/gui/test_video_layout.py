"""The video's room in the window at 1366 x 768 (the GUI audit, item 8: 3 timeline rows in a
70 px strip and a 30 px slider while the panel on the right stood empty): the slider spans the
picture, the timeline takes the height the decisions left, and the chosen track's decisions and
the sound sit where a photo's findings list goes (and go away for a photo)."""

from __future__ import annotations

from tests.gui.conftest import select_photo, wait_checked
from tests.gui.fake_engine import make_batch


def test_a_video_at_1366x768_has_a_wide_slider_a_tall_timeline_and_its_decisions_on_the_right(
        qtbot, make_window, tmp_path):
    from tests.core.test_video_workflow import SquareFaces, make_video

    paths, faces = make_batch(tmp_path / "photos", 1)
    clip = make_video(tmp_path / "photos" / "assembly.mp4")
    win = make_window(faces, face_engine=SquareFaces())
    win.add_paths([str(p) for p in paths] + [str(clip)])
    wait_checked(qtbot, win, 2, timeout=60000)
    select_photo(win, clip.name)
    player = win.photos.video
    qtbot.waitUntil(lambda: player.canvas.image is not None, timeout=15000)
    assert win.width() <= 1366
    # the slider has the picture's width (less the clock beside it)
    assert player.slider.width() >= player.canvas.width() - player.time_label.width() - 24
    # every row of the timeline is in view (two tracks here; eight before it scrolls)
    from photovet.gui.views.video_player import ROW_H, RULER_H

    assert player.timeline_scroll.viewport().height() >= RULER_H + 2 * ROW_H
    # and no taller than its rows: what a short list leaves goes to the picture (two rows sat
    # above an empty strip of 150 px, the picture 308 px high)
    assert player.timeline_scroll.height() <= RULER_H + 2 * ROW_H + 8
    assert player.canvas.height() >= 400, player.canvas.height()
    # the keys' hint has its room here, and is drawn (it is left out only when squeezed)
    assert player.keys_hint._fits(player.keys_hint.width()), player.keys_hint.width()
    # the decisions are in the findings panel, in view, not under the timeline
    findings = win.photos.findings
    assert findings.isAncestorOf(player.decisions) and player.decisions.isVisible()
    player.select_track(player.timeline.rows[0].track_id)
    # (nobody is enrolled: the rules cover it, so "Show" is offered and "Cover" is not)
    assert player.track_buttons["show"].isVisible()
    assert not findings.tree.isVisible()
    # a photo: its findings list is back and the video's decisions are gone
    select_photo(win, paths[0].name)
    qtbot.waitUntil(lambda: findings.tree.isVisible(), timeout=5000)
    assert not player.decisions.isVisible()
