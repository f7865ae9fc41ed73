"""Walk s34 (two PCs, one register server): the head approved while the server was away; the
approval panel said so in red, and the red words stayed after "The register's server is back."
They now go at the next successful read of the register (or when the change feed hears the
server is back), and the panel says what was not saved can be done again. And a long message
(the server away for "Approve all shown") squeezed the school's checklist to one line at
1366 x 768: the message now scrolls past five lines, and the checklist keeps its height."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.core.errors import ApprovalError, RegisterUnavailableError
from photovet.gui import style
from tests.gui.conftest import APPROVER_NAME, answer, checked_batch, click, sign_in_as


def _away(*_a, **_k):
    raise RegisterUnavailableError("the register server (school-db) cannot be reached",
                                   hint="Check that the server is on.")


def test_the_red_words_of_a_server_away_go_when_it_is_back(qtbot, ws, make_window, tmp_path,
                                                            monkeypatch):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2, checklist=True)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    panel = win.photos.approval
    real, read = ws.approvals.approve, ws.approvals.get
    monkeypatch.setattr(ws.approvals, "approve", _away)
    win.approval.approve()
    monkeypatch.setattr(ws.approvals, "get", _away)
    win.approval.show_state()           # a read while it is away: the words stay
    monkeypatch.setattr(ws.approvals, "get", read)
    assert "cannot be reached" in panel.message.text()
    assert panel.message.styleSheet() == style.BANNER_ERROR and panel.message.isVisibleTo(panel)
    # the server is back (the change feed says so): the red words go
    monkeypatch.setattr(ws.approvals, "approve", real)
    win.ctx.register_reachable.emit(True)
    QApplication.processEvents()
    assert "cannot be reached" not in panel.message.text()
    assert "server is back" in panel.message.text()
    assert panel.message.styleSheet() == style.BANNER_INFO

    # the next read of the register alone clears them too (no word from the feed)
    monkeypatch.setattr(ws.approvals, "approve", _away)
    win.approval.approve()
    assert "cannot be reached" in panel.message.text()
    monkeypatch.setattr(ws.approvals, "approve", real)
    win.approval.show_state()
    assert "cannot be reached" not in panel.message.text()

    # a long message at 1366 x 768: it scrolls, and every line of the checklist reads
    long = "\n".join(["Nothing was approved."] + [
        f"photo_00{i}.jpg: the register server (school-db) cannot be reached: nothing answers "
        "there (the server may be off or restarting). Check that the server is on and this PC "
        "is on the school's network, then try again." for i in range(6)])
    win.approval._say_kept(long, error=True)
    for _ in range(5):
        QApplication.processEvents()
    checks = panel.checks_scroll
    assert panel.checks.isVisibleTo(panel) and checks.height() >= checks.content_height()
    box = panel.message_scroll
    assert box.isVisibleTo(panel) and box.height() <= box.cap() < panel.message.height()
    assert box.verticalScrollBar().maximum() > 0          # the rest is read by scrolling

    # another refusal is not taken for the server's: it is not replaced by "is back"
    monkeypatch.setattr(ws.approvals, "approve", lambda *a, **k: (_ for _ in ()).throw(
        ApprovalError("this photo changed")))
    win.approval.approve()
    assert "This photo changed" in panel.message.text()
    win.ctx.register_reachable.emit(True)
    assert "server is back" not in panel.message.text()
