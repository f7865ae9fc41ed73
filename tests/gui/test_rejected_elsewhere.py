"""Walk s34: the head rejected a photo for the website ("That is ZC, not JA": a face the comms
lead had named by hand). Naming a face applies on every channel, so on the newsletter the same
photo read "Nothing to cover" and nothing said a senior leader had rejected it. The approval
panel of another channel now says each rejection, with the comment."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.core.words import rejected_elsewhere
from tests.gui.conftest import (
    APPROVER_NAME,
    answer,
    checked_batch,
    click,
    select_photo,
    sign_in_as,
)


def test_a_rejection_for_one_channel_is_said_on_the_others(qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    channel = win.ctx.current_channel()
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)
    [item] = [it for it in win.batch.model.items if it.path.endswith("photo_000.jpg")]
    ws.approvals.reject(item.analysis, comment="That is ZC, not JA")
    other = next(c for c in ws.channels.all() if c.id != channel.id)
    win.ctx.set_channel(other.id)
    select_photo(win, "photo_000.jpg")
    for _ in range(5):
        QApplication.processEvents()
    said = win.photos.approval.state_label.text()
    line = rejected_elsewhere(channel.label, APPROVER_NAME, dt.date.today().strftime("%d/%m/%Y"),
                              "That is ZC, not JA")
    assert line.replace("\u201c", "&#x201c;") in said or line in said, said
    # the other photo, and the channel it was rejected for, say no such thing
    select_photo(win, "photo_001.jpg")
    QApplication.processEvents()
    assert "Rejected for" not in win.photos.approval.state_label.text()
    win.ctx.set_channel(channel.id)
    select_photo(win, "photo_000.jpg")
    QApplication.processEvents()
    assert "Rejected for" not in win.photos.approval.state_label.text()
