"""A window closed while a redraw is pending (s33, after commit 7a2b6c5 fixed the approval
panel alone): the list settling, a batch decided again, the photo shown again, and every
listener of the photo view's ``shown`` run after the register was closed. None of them reads
the closed register (which raises ``RegisterClosedError``); each shows nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from photovet.core.errors import RegisterClosedError
from tests.gui.conftest import checked_batch, select_photo


def test_a_window_closed_with_redraws_pending_never_reads_the_closed_register(
        qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    select_photo(win, "photo_000.jpg")
    item = win.review.current()
    assert item is not None and item.analysis is not None
    # pending when the window closes: the photo shown again, the list settling, the batch
    # decided again (a channel or the register changed)
    QTimer.singleShot(0, win.review.show_current)
    win.review._list_changed()
    win.batch.redecide_all()
    assert win.batch._redecide
    win.close()
    ws.close()
    with pytest.raises(RegisterClosedError):
        ws.db.one("SELECT 1")                                        # it is closed
    qtbot.wait(200)               # the pending ones run now (an error in any fails the test)
    assert not win.batch._redecide
    # late, each of them again, and every listener of the photo view's ``shown``
    win.review.show_current()
    win.review._settle()
    win.review.shown.emit(item)
    win.review.shown.emit(None)
    win.school_rules.flags.show()
    win.approval.show_state()
    win.batch.redecide_all()
    qtbot.wait(50)
    win.batch._checked([(1, item.analysis)], 1, win.batch._generation)
