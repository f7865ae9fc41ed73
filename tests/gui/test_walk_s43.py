"""What the s43 walk (a school office's day under a real X display) found on screen."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import PREPARER_NAME, checked_batch, select_photo, sign_in_as


def test_the_next_photos_findings_start_at_their_top(qtbot, ws, make_window, tmp_path):
    """Scrolled down to a photo's hidden details, the next photo opened with its findings
    scrolled as far, the summary line at their top half cut off."""
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    sign_in_as(win, PREPARER_NAME)
    scroll = win.photos.findings_scroll
    scroll.setFixedHeight(60)           # what was found taller than its room: it scrolls
    names = sorted(Path(it.path).name for it in win.batch.model.items)
    select_photo(win, names[0])
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    select_photo(win, names[1])
    qtbot.waitUntil(lambda: win.review.current() is not None
                    and Path(win.review.current().path).name == names[1], timeout=5000)
    qtbot.wait(50)
    assert bar.value() == 0
