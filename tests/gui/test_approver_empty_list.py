"""s46 walk (PNG 29, 31): an approver with nothing open on this PC read only "Drop photos here,
or choose a folder. PhotoVet never changes your original photos: it makes safe copies when you
export." Nothing said whether anything waited for their approval, nor where. The empty list now
says it in the core's words (``words.approver_nothing_open``), from the register's count of what
waits (``approval.waiting_elsewhere``): the GUI decides nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.gui.views.batch_view import BatchView
from tests.gui.conftest import (
    APPROVER_NAME,
    ONLY_PREPARER,
    answer,
    checked_batch,
    click,
    sign_in_as,
)


def _settle(n: int = 5) -> None:
    for _ in range(n):
        QApplication.processEvents()


def test_the_approvers_empty_list_says_what_waits_for_approval_and_where(qtbot, ws, make_window,
                                                                         tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    view = win.photos.batch
    paths = [it.path for it in win.batch.model.items]
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    assert len(ws.approvals.waiting("website")) == 2
    # the approver's PC has nothing open: how many wait, and in which folder
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    for p in paths:
        win.batch.remove(p)
    _settle()
    assert view.stack.currentWidget() is view.empty and view.empty_label.isVisible()
    said = view.empty_words       # as the core said it (the label may wrap after a '/': s48)
    assert view.empty_label.text().replace("\u200b", "") == said
    folder = str(Path(paths[0]).parent)
    assert said.startswith(f"2 photos wait for approval for School website. They are in "
                           f"{folder}."), said
    assert "Choose a folder" in said and "Drop photos here" not in said
    # the preparer's own words for the preparer
    sign_in_as(win, ONLY_PREPARER)
    win.approval.set_approver_view(False)
    _settle()
    assert view.empty_label.text() == BatchView.EMPTY_WORDS


def test_the_approvers_empty_list_says_when_nothing_waits(qtbot, ws, make_window):
    win = make_window({})
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    _settle()
    view = win.photos.batch
    said = view.empty_label.text()
    assert said.startswith("Nothing is waiting for approval for School website."), said
    assert "Drop photos here" not in said
