"""s35, a head teacher at a second PC sharing the register: "Waiting for approval (0)" while
twelve photos marked ready on the office PC waited for them. The approver's view now says what
waits on the register that this PC has not checked: how many, on which computer, in which
folder, who marked them ready and when, their file names, and what to do (open the folder here,
or approve them at that PC). Nothing is listed or approvable here until this PC has checked it
(fail closed)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.core.approval import this_computer
from photovet.gui.views.batch_view import published_key
from tests.gui.conftest import APPROVER_NAME, answer, checked_batch, click, sign_in_as


def _settle(n: int = 5) -> None:
    for _ in range(n):
        QApplication.processEvents()


def test_the_approver_is_told_what_waits_on_another_pc(qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    _settle()
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
    said = view.elsewhere.text()
    assert "1 photo waits for approval" in said and "not open on this PC" in said, said
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
