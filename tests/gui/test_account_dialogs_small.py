"""Audit (second term), finding 13, the small ones about accounts: the one-time-code sign-in
puts the cursor in the name while it is empty; "Add a staff account" does not move its text
when the name and a role are given; a role can be ended after a last day (a leaver at the end
of term), as "Add an account" has an Until date."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from photovet.gui.dialogs.accounts import AddAccountDialog, RoleDialog, grants_text
from photovet.gui.dialogs.sign_in import SignInDialog
from tests.gui.conftest import APPROVER_NAME, answer


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
    info = ws.accounts.get(APPROVER_NAME)
    assert info.roles() == ["approver"]                         # still theirs today...
    assert grants_text(info) == f"Approver (senior leader) (until {last:%d/%m/%Y})"
    assert info.roles(last + _dt.timedelta(days=1)) == []       # ...not after the last day
    answer(lambda d: d.accept(), kind=RoleDialog)               # "now"
    window.accounts.end_role(APPROVER_NAME)
    assert ws.accounts.get(APPROVER_NAME).roles() == []
    dlg.accept()
