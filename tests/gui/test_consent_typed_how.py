"""s35: a Yes typed on the pupil's page recorded no how: the change now keeps "typed in
PhotoVet" beside the signed-in person, and the page's consent history says both (the name in
"By", how on the line under the change, where who asked is said)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from photovet.core.words import CONSENT_TYPED
from photovet.gui.dialogs.person import PersonDialog
from tests.gui.conftest import PREPARER_NAME, answer, click, modal
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import window  # noqa: F401 - fixture


def test_a_yes_typed_on_the_page_says_who_and_how(window, ws):  # noqa: F811
    window.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    combo = page.combos[("facebook", "video")]
    assert combo.currentData() != "yes"
    answer(click("&Yes"), kind=QMessageBox)
    combo.setCurrentIndex(combo.findData("yes"))
    [h] = [c for c in ws.register.history(TORI) if c.channel == "facebook"
           and c.media == "video" and c.new_state == "yes"]
    assert h.source == f"user:{PREPARER_NAME}" and h.how == CONSENT_TYPED
    # newest first: the change, by whom, and on the line under it, how
    assert page.history.item(0, 3).text() == PREPARER_NAME
    assert page.history.item(1, 0).text() == "\u21b3 Typed in PhotoVet"
    assert page.history.columnSpan(1, 0) == page.history.columnCount()
    page.accept()
