"""s35, a head teacher approving at a second PC that shares the register with the office PC
(walks s34):

- "Waiting for approval (0)" while photos marked ready on the office PC waited: the approver's
  view now says what waits on the register that this PC has not checked (how many, on which
  computer, in which folder, who marked them ready and when, their file names) and what to do
  (open the folder here, or approve them at that PC). Nothing is listed or approvable here
  until this PC has checked it (fail closed).
- The list's tiles showed the photos as taken (faces the export covers): in the approver's
  view they are the photos as they will be published.
- A red "server cannot be reached" stayed in the approval panel after the server was back: it
  goes at the next successful read of the register, or when the change feed hears it is back.
- A long message squeezed the school's checklist to one line at 1366 x 768: the message
  scrolls, the checklist keeps its height."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.core.approval import this_computer
from photovet.core.errors import ApprovalError, RegisterUnavailableError
from photovet.gui import style
from photovet.gui.views.batch_view import published_key
from tests.gui.conftest import APPROVER_NAME, answer, checked_batch, click, sign_in_as


def _settle(n: int = 5) -> None:
    for _ in range(n):
        QApplication.processEvents()


def _away(*_a, **_k):
    raise RegisterUnavailableError("the register server (school-db) cannot be reached",
                                   hint="Check that the server is on.")


def test_an_approver_at_a_second_pc(qtbot, ws, make_window, tmp_path, monkeypatch):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2, checklist=True)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    _settle()
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

    # a long message at 1366 x 768: it scrolls past sixteen lines, and the checklist stays in
    # view (s65: it yields to the message, scrolling, rather than the message to three lines)
    long = "\n".join(["Nothing was approved."] + [
        f"photo_00{i}.jpg: the register server (school-db) cannot be reached: nothing answers "
        "there (the server may be off or restarting). Check that the server is on and this PC "
        "is on the school's network, then try again." for i in range(6)])
    win.approval._say_kept(long, error=True)
    for _ in range(5):
        QApplication.processEvents()
    checks = panel.checks_scroll
    assert panel.checks.isVisibleTo(panel)
    assert checks.height() >= 4 * panel.fontMetrics().lineSpacing()
    assert checks.geometry().bottom() < panel.approve_btn.mapTo(panel, QPoint(0, 0)).y()
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

    view = win.photos.batch
    # both are checked here: listed, nothing said of elsewhere
    assert view.elsewhere.isHidden()
    # their tiles are what will be published (a covered face is covered on the tile too)
    first = next(it for it in win.batch.model.items if it.path.endswith("photo_000.jpg"))
    a = first.analysis
    qtbot.waitUntil(lambda: first.published_for == published_key(a), timeout=10000)
    [x, y, w, h] = next(f.box for f in a.faces if f.decision == "cover")
    k = first.published.width() / a.width
    tile = first.published.pixelColor(int((x + w / 2) * k), int((y + h / 2) * k))
    with Image.open(first.path) as taken:
        face = taken.convert("RGB").getpixel((int(x + w / 2), int(y + h / 2)))
    assert sum(abs(c - t) for c, t in zip(face, tile.getRgb()[:3], strict=True)) > 60, \
        (face, tile.getRgb())
    # the approver's PC has not opened one of them (it was marked ready from another batch)
    gone = next(it.path for it in win.batch.model.items if it.path.endswith("photo_001.jpg"))
    win.batch.remove(gone)
    _settle()
    assert not view.elsewhere.isHidden()
    # s37: one line, the details on demand (the whole text took a third of the column)
    line = view.elsewhere.text()
    assert "1 more photo waits, not open on this PC." in line and "Details" in line, line
    assert "photo_001.jpg" not in line and "Open this folder" not in line
    short = view.elsewhere.sizeHint().height()
    view.elsewhere.linkActivated.emit("more")
    assert view.elsewhere_details_shown and "Hide details" in view.elsewhere.text()
    assert view.elsewhere.heightForWidth(view.elsewhere.width()) > short
    said = view.elsewhere.text().replace("\u200b", "")    # a folder may wrap at a '/' (s48)
    # s36: with those listed here, as "Show: Waiting for approval (1)" counts them
    assert "Waiting for approval for School website: 1 listed here, and 1 photo not open on " \
           "this PC" in said, said
    assert view.filter_combo.currentText() == "Waiting for approval (1)"
    assert "photo_001.jpg" in said and "Mrs Jo Preparer" in said, said
    assert this_computer() in said and str(Path(gone).parent) in said, said
    # the folder can be opened here: offered, and opening it lists the photo to check
    assert "Open this folder" in said
    view.elsewhere.linkActivated.emit("0")
    qtbot.waitUntil(lambda: any(it.path == gone for it in win.batch.model.items), timeout=5000)
    _settle()
    assert view.elsewhere.isHidden()     # being checked here: no longer "elsewhere"
    # outside the approver's view it is not said
    win.approval.set_approver_view(False)
    assert view.elsewhere.isHidden()
