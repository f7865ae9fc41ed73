"""Audit (second term), finding 13, the small ones about accounts: the one-time-code sign-in
puts the cursor in the name while it is empty; "Add a staff account" does not move its text
when the name and a role are given; a role can be ended after a last day (a leaver at the end
of term), as "Add an account" has an Until date."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.gui.dialogs.accounts import AddAccountDialog, RoleDialog, grants_text
from photovet.gui.dialogs.contact_sheet import ContactSheetDialog
from photovet.gui.dialogs.sign_in import SignInDialog
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    approve_on_sheet,
    checked_batch,
    click,
    sign_in_as,
)


def test_the_one_time_code_sign_in_starts_in_the_name_while_it_is_empty(qtbot):
    dlg = SignInDialog(lambda *a: None, lambda *a: None)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.switch.click()                               # "I have a one-time code from an admin"
    assert dlg.focusWidget() is dlg.name
    dlg.name.setText("Mrs Karen Lowe")
    dlg.switch.click()
    dlg.switch.click()                               # with a name: straight to the code
    assert dlg.focusWidget() is dlg.code


def test_add_a_staff_account_keeps_its_text_in_place_as_it_is_filled_in(qtbot):
    dlg = AddAccountDialog()
    qtbot.addWidget(dlg)
    dlg.resize(497, 300)
    dlg.show()
    qtbot.waitExposed(dlg)
    QApplication.processEvents()
    before = (dlg.name.geometry().top(), dlg.roles.geometry().top(), dlg.height())
    dlg.name.setText("Mr David Whitfield")
    dlg.roles.boxes["approver"].setChecked(True)
    QApplication.processEvents()
    assert not dlg.need.isVisible() and dlg.add_btn.isEnabled()
    assert (dlg.name.geometry().top(), dlg.roles.geometry().top(), dlg.height()) == before


def test_a_role_ends_now_or_after_a_last_day(qtbot, ws, make_window):
    window = make_window()
    dlg = window.accounts.open()
    last = _dt.date.today() + _dt.timedelta(days=30)
    seen = []

    def choose(d: RoleDialog) -> None:
        seen.append(d.last_day.text())
        d.last_day.setDate(QDate(last.year, last.month, last.day))
        d.accept()

    answer(choose, kind=RoleDialog)
    window.accounts.end_role(APPROVER_NAME)
    assert seen == ["now"]                                      # the default: as before
    # no approvals outstanding: nobody is asked keep or cancel, but what happens after the
    # last day to those they give until then is said (s30: it said nothing), as the command
    assert dlg.message.text() == (f"After {last:%d/%m/%Y}, Mr Sam Head's approvals not exported "
                                  "by then no longer count: another senior leader approves "
                                  "them again.")
    info = ws.accounts.get(APPROVER_NAME)
    assert info.roles() == ["approver"]                         # still theirs today...
    assert grants_text(info) == f"Approver (senior leader) (until {last:%d/%m/%Y})"
    assert info.roles(last + _dt.timedelta(days=1)) == []       # ...not after the last day
    answer(lambda d: d.accept(), kind=RoleDialog)               # "now"
    window.accounts.end_role(APPROVER_NAME)
    assert ws.accounts.get(APPROVER_NAME).roles() == []
    dlg.accept()


def _approved_two(qtbot, ws, make_window, tmp_path):
    window = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    answer(click("&Yes"), kind=QMessageBox)
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    answer(approve_on_sheet, kind=ContactSheetDialog)
    window.photos.approval.approve_all_btn.click()
    assert {it.approval for it in window.batch.model.items} == {"approved"}
    sign_in_as(window, PREPARER_NAME)                 # the office: an admin
    return window


def _end_now(window, choice: str | None) -> list[str]:
    """End the approver's role now, answering the question about their approvals with the
    button starting ``choice`` (None: "Don't end the role yet"); returns the question's text
    and its default button's."""
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def pick(box: QMessageBox) -> None:
        seen.append(box.text())
        seen.append(box.defaultButton().text())
        if choice is None:
            next(b for b in box.buttons() if b.text().startswith("Don't")).click()
        else:
            next(b for b in box.buttons() if b.text().startswith(choice)).click()

    answer(lambda d: d.accept(), kind=RoleDialog)
    answer(pick, kind=QMessageBox)
    window.accounts.end_role(APPROVER_NAME)
    return seen


def test_ending_an_approvers_role_asks_about_their_approvals_not_exported(
        qtbot, ws, make_window, tmp_path):
    """s28: the admin is told how many of the approver's approvals are not exported yet and
    chooses; cancelling (the default button) sends the photos back to waiting for approval,
    audited; stopping changes nothing."""
    window = _approved_two(qtbot, ws, make_window, tmp_path)
    dlg = window.accounts.open()
    seen = _end_now(window, None)                         # not yet: nothing changed
    assert "Mr Sam Head approved 2 photos that have not been exported yet." in seen[0]
    assert "back to waiting for approval" in seen[0] and "recorded in the audit log" in seen[0]
    assert seen[1] == "Cancel the approvals"               # the default: fail closed
    assert ws.accounts.get(APPROVER_NAME).roles() == ["approver"]
    seen = _end_now(window, "Cancel")
    assert ws.accounts.get(APPROVER_NAME).roles() == []
    assert {it.approval for it in window.batch.model.items} == {"ready"}
    assert len(ws.audit.rows(action="approval.cancelled")) == 2
    assert dlg.message.text() == ("Mr Sam Head's 2 approvals not yet exported were cancelled: "
                                  "the 2 photos wait for another senior leader's approval.")
    dlg.accept()


def test_an_admin_can_keep_them(qtbot, ws, make_window, tmp_path):
    window = _approved_two(qtbot, ws, make_window, tmp_path)
    dlg = window.accounts.open()
    _end_now(window, "Keep")
    assert ws.accounts.get(APPROVER_NAME).roles() == []
    assert {it.approval for it in window.batch.model.items} == {"approved"}
    [kept] = ws.audit.rows(action="account.approvals-kept")
    assert kept["details"]["count"] == 2 and kept["user"] == "Mrs Jo Preparer"
    assert "kept" in dlg.message.text()
    dlg.accept()


def test_a_last_day_to_come_asks_about_their_approvals_then_and_cancels_nothing_now(
        qtbot, ws, make_window, tmp_path):
    """s29: with a last day still to come the question says the choice applies after that day,
    to the approvals they give until then too; cancelling changes nothing now (they still
    approve), and the dialog says what will happen."""
    window = _approved_two(qtbot, ws, make_window, tmp_path)
    dlg = window.accounts.open()
    last = _dt.date.today() + _dt.timedelta(days=5)
    seen: list[str] = []

    def until(d: RoleDialog) -> None:
        d.last_day.setDate(QDate(last.year, last.month, last.day))
        d.accept()

    def pick(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text().startswith("Cancel")).click()

    answer(until, kind=RoleDialog)
    answer(pick, kind=QMessageBox)
    window.accounts.end_role(APPROVER_NAME)
    assert f"They can approve until {last:%d/%m/%Y}." in seen[0]
    assert "also those they give until then" in seen[0]
    assert ws.accounts.get(APPROVER_NAME).roles() == ["approver"]
    assert {it.approval for it in window.batch.model.items} == {"approved"}
    assert ws.audit.rows(action="approval.cancelled") == []
    assert dlg.message.text() == (f"After {last:%d/%m/%Y}, Mr Sam Head's approvals not exported "
                                  "by then no longer count: another senior leader approves "
                                  "them again.")
    dlg.accept()
