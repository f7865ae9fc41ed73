"""Walk s34 (a DPO's month-end): forgetting a leaver, the confirmation said what is deleted
and the end "Deleted 1, kept 0, not deleted 0." -- nothing said what PhotoVet keeps about them
afterwards, nor what it means for photos of them. Both now say it (words.LEAVER_ROW_GONE):
their face is covered like anyone unknown's, a subject access report finds nothing, and the
audit log keeps their register id, never their name."""

from __future__ import annotations

from photovet.core.words import LEAVER_ROW_GONE
from photovet.gui.views.due_for_deletion import DueForDeletionDialog, confirmation_text
from tests.gui.conftest import answer, button
from tests.gui.test_school_rules_screens import admin_ws, clock_at, ctx  # noqa: F401 - fixtures


def _leaver(ws, tmp_path):
    csv = tmp_path / "register.csv"
    csv.write_text("Admission No,Surname,Forename,Leaving Date,Consent: School Website\n"
                   "L1,Leaver,Lola,18/07/2020,Yes\nS1,Stayer,Sam,,Yes\n", encoding="utf-8")
    assert ws.import_register(csv).applied


def test_forgetting_a_leaver_says_what_stays_before_and_after(qtbot, ctx, tmp_path):  # noqa: F811
    _leaver(ctx.ws, tmp_path)
    dlg = DueForDeletionDialog(ctx, clock=clock_at(0))
    qtbot.addWidget(dlg)
    dlg.show()
    [item] = [i for i in dlg.due_items() if i.kind == "leavers-rows"]
    assert "face signature" not in dlg.what(item)            # Lola had none
    _q, short, _full = confirmation_text(dlg.items, False, dlg.what)
    assert LEAVER_ROW_GONE in short
    assert "register id, never by name" in LEAVER_ROW_GONE
    answer(lambda w: button(w, next(b.text() for b in w.buttons()
                                    if b.text().startswith("Delete"))).click())
    assert dlg.apply()
    qtbot.waitUntil(lambda: dlg.worker is None, timeout=15000)
    assert dlg.message.text().startswith("Deleted 1. ")
    assert LEAVER_ROW_GONE in dlg.message.text()
    assert ctx.ws.register.find("L1") is None


def test_nothing_about_leavers_is_said_when_no_leaver_is_deleted(qtbot, ctx, tmp_path):  # noqa: F811
    _leaver(ctx.ws, tmp_path)
    dlg = DueForDeletionDialog(ctx, clock=clock_at(0))
    qtbot.addWidget(dlg)
    others = [i for i in dlg.items if i.kind != "leavers-rows"]
    _q, short, _full = confirmation_text(others, False, dlg.what)
    assert LEAVER_ROW_GONE not in short
