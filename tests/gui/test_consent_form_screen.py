"""Entering a family's paper consent form (audit s28, finding 3): from the person page, one
screen with every channel's photo and video answer, "Yes on every channel" per column, and one
confirmation for the whole form (it was three clicks and a dialog per answer: 45 clicks a
pupil). A withdrawal among the answers asks who asked for it, once."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QMessageBox

from photovet.core.models import NO, NOT_RECORDED, YES
from photovet.gui.dialogs.consent_form import ConsentFormDialog
from photovet.gui.dialogs.person import PersonDialog
from photovet.gui.dialogs.withdrawal import WithdrawalDialog
from tests.gui.conftest import answer, button, modal
from tests.gui.fake_engine import SAM, TORI, write_register


def _open_form(win, pid):
    win.register_view.person_requested.emit(pid)
    page = modal(kind=PersonDialog)
    assert page.form_btn.isVisible() and page.form_btn.isEnabled()
    return page


def test_a_form_with_yes_everywhere_is_one_click_a_column_and_one_confirmation(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window()
    page = _open_form(win, SAM)                  # Sam: No on the website and Facebook
    channels = [c.id for c in ws.channels.all()]
    asked: list = []

    def fill(form):
        form.findChild(type(form.save_btn), "all-photo-yes").click()
        form.findChild(type(form.save_btn), "all-video-yes").click()
        assert len(form.edits()) == 2 * len(channels)
        answer(lambda box: (asked.append(box.text()), button(box, "&Yes").click()),
               kind=QMessageBox)
        form.save_btn.click()

    answer(fill, kind=ConsentFormDialog)
    page.enter_form()
    sam = ws.register.person(SAM)
    for ch in channels:
        assert sam.consent_state(ch, "photo") == YES, ch
        assert sam.consent_state(ch, "video") == YES, ch
    # one confirmation, listing every answer
    [text] = asked
    assert text.startswith(f"Save {2 * len(channels)} consent answers for Sam Brown")
    assert "Facebook: No \u2192 Yes" in text and "Facebook (videos): Not recorded \u2192 Yes" \
        in text
    # the page shows the register as it is now
    qtbot.waitUntil(lambda: page.combos[("facebook", "photo")].currentData() == YES,
                    timeout=5000)
    page.accept()


def test_a_withdrawal_in_the_form_asks_who_asked_and_nothing_changes_on_cancel(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window()
    page = _open_form(win, TORI)                 # Tori: Yes on the website and Facebook

    def no_photos(form):
        form.findChild(type(form.save_btn), "all-photo-no").click()
        answer(lambda dlg: dlg.reject(), kind=WithdrawalDialog)      # cancelled
        form.save_btn.click()
        assert form.isVisible()                  # still open: nothing saved
        form.reject()

    answer(no_photos, kind=ConsentFormDialog)
    page.enter_form()
    assert ws.register.person(TORI).consent_state("facebook", "photo") == YES

    def no_photos_asked(form):
        form.findChild(type(form.save_btn), "all-photo-no").click()

        def who(dlg):
            # another pupil's full name: the core's words, asked before the dialog closes
            dlg.who.setText("Sam Brown's mum, on the form")
            button(dlg, "Save the form").click()
            assert dlg.isVisible() and dlg.error.isVisible()
            assert "\u201cSam Brown\u201d" in dlg.error.text()
            dlg.who.setText("Mrs Amos (mother), on the form")
            dlg.day.setText((dt.date.today() - dt.timedelta(days=1)).strftime("%d/%m/%Y"))
            button(dlg, "Save the form").click()
        answer(who, kind=WithdrawalDialog)
        form.save_btn.click()

    answer(no_photos_asked, kind=ConsentFormDialog)
    page.enter_form()
    tori = ws.register.person(TORI)
    assert tori.consent_state("facebook", "photo") == NO
    assert tori.consent_state("website", "photo") == NO
    assert tori.consent_state("facebook", "video") == NOT_RECORDED
    withdrawals = [c for c in ws.register.history(TORI) if c.is_withdrawal]
    assert {c.requested_by for c in withdrawals} == {"Mrs Amos (mother), on the form"}
    page.accept()
