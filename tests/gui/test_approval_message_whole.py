"""s65: the approval panel's message under the buttons was cut to three lines at 1024 x 768
and scrolled: a four-eyes refusal (Approve pressed with its key A, Approve all shown refused
for every photo) could not be read whole. Now the checklist yields to the message and
scrolls; and a refusal already said above the buttons (the four-eyes words) is said once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import DEPUTY, checked_batch, select_photo, sign_in_as, wait_settled
from tests.gui.test_approval import mark_all_ready


@pytest.mark.parametrize("size", [(1024, 738), (1366, 738)])      # less a title and task bar
@pytest.mark.parametrize("how", ["approve", "approve all"])
def test_a_four_eyes_refusal_is_read_whole_under_the_buttons(qtbot, ws, make_window, tmp_path,
                                                             size, how):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2, checklist=True)
    sign_in_as(win, DEPUTY)                      # prepares, then signs as the approver
    mark_all_ready(win)
    select_photo(win, "photo_001.jpg")
    assert win.approval.set_approver_view(True)
    win.resize(*size)
    panel = win.photos.approval
    qtbot.waitUntil(lambda: panel.checks.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: win.photos.photo.canvas.after is not None, timeout=5000)
    wait_settled(qtbot, win)
    assert panel.watch_label.isVisible()         # said before Approve is pressed (s62)
    if how == "approve":
        win.approval.approve()                   # the key A: refused in the core's words
    else:
        win.approval.approve_all_shown()         # neither may be approved by them
    QApplication.processEvents()
    said = panel.message.text()
    assert panel.message.isVisible() and "so cannot also approve it" in said, said
    assert said.count("so cannot also approve it") == (1 if how == "approve" else 2)

    def rect(w) -> QRect:
        return QRect(w.mapTo(win, QPoint(0, 0)), w.size())

    box = panel.message_scroll
    qtbot.waitUntil(lambda: box.height() >= box.content_height(), timeout=5000)
    assert box.verticalScrollBar().maximum() == 0                 # the whole message, no scroll
    assert rect(box).bottom() <= rect(win.centralWidget()).bottom()
    # said once: not again above the buttons
    assert not panel.watch_label.isVisible()
    # the rest stays on screen: the buttons, and the checklist (scrolling) above them
    for w in (panel.approve_btn, panel.reject_btn, panel.approve_all_btn, panel.who):
        assert w.isVisible() and rect(w).bottom() < rect(box).top(), w
    checks = rect(panel.checks_scroll)
    assert checks.height() >= 4 * panel.fontMetrics().lineSpacing()
    assert checks.bottom() < rect(panel.approve_btn).top()
