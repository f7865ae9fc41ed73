"""Approval a senior leader can do in a minute (issue 15, item 5): the approver's view shows what
will be published; "Approve all shown" works over the filtered list with a count and one
confirmation; stale state is cleared when the batch or the person changes; a rejected photo's
original can be deleted at once (audited)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from photovet.gui.dialogs.reason import ReasonDialog
from photovet.gui.session import APPROVER, NameDialog
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    button,
    click,
    message_text,
    select_photo,
    wait_checked,
)
from tests.gui.fake_engine import make_batch, write_register


@pytest.fixture
def window(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"), user="test")
    paths, faces = make_batch(tmp_path / "photos", 4)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 4)
    return win


def sign_in_approver(dlg: NameDialog) -> None:
    dlg.name.setCurrentText(APPROVER_NAME)
    button(dlg, "Approve as me").click()


def mark_all_ready(win) -> None:
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()


def test_mark_ready_then_approve_all_shown_with_a_count_and_one_confirmation(window, qtbot, ws):
    mark_all_ready(window)
    assert {it.approval for it in window.batch.model.items} == {"ready"}
    assert ws.approvals.get(window.batch.model.items[0].analysis.sha256, "website").preparer \
        == PREPARER_NAME

    answer(sign_in_approver, kind=NameDialog)
    window.act_approver.trigger()                       # the senior leader's view
    assert window.act_approver.isChecked() and window.approval.approver_view
    photo = window.photos.photo
    assert photo.after_button.isChecked()               # what will be published, by default
    assert window.photos.batch.filter_combo.currentData() == "approval:ready"
    qtbot.waitUntil(lambda: photo.canvas.after is not None, timeout=5000)

    seen = []

    def confirm(box: QMessageBox) -> None:
        seen.append(message_text(box))
        button(box, "Approve 4 photos").click()

    answer(confirm, kind=QMessageBox)
    window.photos.approval.approve_all_btn.click()
    assert "Approve 4 photos for School website as Mr Sam Head?" in seen[0]
    assert "Faces shown: Joel Clarke, Tori Amos" not in seen[0]     # Joel is only a question
    assert "Faces shown: Tori Amos" in seen[0]
    assert {it.approval for it in window.batch.model.items} == {"approved"}
    assert "4 photos approved by Mr Sam Head" in window.photos.approval.message.text()
    assert window.photos.batch.proxy.rowCount() == 0   # the waiting list is empty now


def test_the_preparer_cannot_approve_their_own_photos(window):
    mark_all_ready(window)
    select_photo(window, "photo_001.jpg")
    window.ctx.session.sign_in(APPROVER, PREPARER_NAME)
    window.approval.set_approver_view(True)
    window.approval.approve()
    assert "prepared this photo, so cannot also approve it" in \
        window.photos.approval.message.text()
    assert window.review.current().approval == "ready"


def test_a_change_after_approval_voids_it_and_says_why(window, qtbot):
    mark_all_ready(window)
    window.ctx.session.sign_in(APPROVER, APPROVER_NAME)
    window.approval.set_approver_view(True)
    select_photo(window, "photo_000.jpg")
    path = window.review.current().path
    window.approval.approve()
    assert window.batch.item(path).approval == "approved", \
        window.photos.approval.message.text()
    window.approval.set_approver_view(False)
    select_photo(window, "photo_000.jpg")
    assert window.review.face_action(2, "yes")           # the review changes after approval
    item = window.review.current()
    assert item.approval == "void"
    assert "the review changed after it was approved" in item.approval_note
    assert "no longer counts" in window.photos.approval.state_label.text()


def test_stale_state_is_cleared_when_the_batch_or_the_person_changes(window):
    mark_all_ready(window)
    window.ctx.session.sign_in(APPROVER, APPROVER_NAME)
    window.approval.set_approver_view(True)
    select_photo(window, "photo_001.jpg")
    window.approval.approve()
    assert "Approving as" in window.photos.approval.who.text()
    # the senior leader leaves: the view goes back to the preparer's, no name shown
    window.approval.sign_out()
    assert not window.approval.approver_view and window.ctx.session.name(APPROVER) == ""
    assert window.photos.approval.who.isHidden()
    # a new batch: nothing about the old photos is left on screen
    answer(click("&Yes"), kind=QMessageBox)
    window.act_new.trigger()
    assert window.batch.model.rowCount() == 0
    assert window.photos.approval.state_label.text() == "Choose a photo."
    assert not window.photos.approval.ready_btn.isEnabled()
    assert window.photos.findings.summary.text().startswith("Choose a photo")


def test_new_batch_asks_first(window):
    answer(click("&No"), kind=QMessageBox)
    window.act_new.trigger()
    assert window.batch.model.rowCount() == 4


def test_a_rejected_photo_can_be_deleted_at_once_and_it_is_audited(window, ws, qtbot):
    mark_all_ready(window)
    window.ctx.session.sign_in(APPROVER, APPROVER_NAME)
    window.approval.set_approver_view(True)
    select_photo(window, "photo_002.jpg")
    path = window.review.current().path

    def why(dlg: ReasonDialog) -> None:
        dlg.edit.setPlainText("A pupil's home address is on the fridge")
        button(dlg, "Reject").click()

    answer(why, kind=ReasonDialog)
    window.approval.reject()
    item = window.batch.item(path)
    assert item.approval == "rejected"
    assert window.photos.approval.delete_btn.isVisible()
    answer(click("&Yes"), kind=QMessageBox)
    window.photos.approval.delete_btn.click()
    from pathlib import Path

    assert not Path(path).exists() and window.batch.item(path) is None
    actions = [r[0] for r in ws.db.all("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["original-delete-pending", "original-deleted"]


def test_approval_off_is_a_warning_and_the_buttons_go(window, ws):
    s = ws.settings.copy()
    s.approval.required = False
    ws.save_settings(s, user="test")
    window.ctx.settings_saved(s.analysis_key())
    assert "Approval is turned off" in window.approval_banner.text()
    assert not window.photos.approval.ready_btn.isVisible()
