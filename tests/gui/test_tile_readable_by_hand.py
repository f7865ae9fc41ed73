"""s45 walk (PNG 64): on the approver's contact sheet, a tile whose name was left readable by
hand ("Mrs Hughes") did not say so, though the approval panel did (``shown_lines``). The tile
now says each name or text left readable in the panel's own words."""

from __future__ import annotations

from tests.gui.test_review import window  # noqa: F401 - fixture
from tests.gui.test_walk_s44 import _leave_readable_on_the_website


def test_a_tile_says_a_text_left_readable_by_hand_as_the_approval_panel_does(
        window, qtbot):  # noqa: F811
    win = window
    _leave_readable_on_the_website(win)
    item = win.review.current()
    panel = [line for line in win.approval.shown_lines(item.analysis)
             if line.startswith("Readable: ")]
    assert any("left readable by hand" in line for line in panel), panel
    tile = win.approval.tile_for(item)
    for line in panel:                    # every readable line of the panel, on the tile too
        assert line in tile.lines, (line, tile.lines)
