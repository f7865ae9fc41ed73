"""Walk s34 (a DPO's month-end): a parent asked to take their child off the website; the office
set the person page's Photos to No and Videos stayed Yes, so videos of the child could still go
on the website. A withdrawal of one kind of consent where the same channel's other kind is Yes
offers to withdraw that too, ticked; both are changed in one go, with who asked and when."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel

from photovet.core.words import other_media_still_yes
from photovet.gui.dialogs.person import PersonDialog
from photovet.gui.dialogs.withdrawal import WithdrawalDialog
from tests.gui.conftest import answer, button, modal
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import window  # noqa: F401 - fixture


def _withdraw(untick: bool, seen: list):
    def fill(dlg: WithdrawalDialog) -> None:
        box = dlg.findChild(QCheckBox, "AlsoWithdraw")
        seen.append(box.text() if box is not None else None)
        seen.append(box.isChecked() if box is not None else None)
        if box is not None and untick:
            box.setChecked(False)
        dlg.who.setText("Mrs Amos (mother), by email")
        button(dlg, "Withdraw consent").click()
    return fill


def _page(win, ws):
    ws.register.set_consent(TORI, "facebook", "yes", media="video")
    win.register_view.person_requested.emit(TORI)
    return modal(kind=PersonDialog)


def test_withdrawing_photos_offers_the_videos_still_yes_and_withdraws_both(window, ws):  # noqa: F811
    page = _page(window, ws)
    seen: list = []
    answer(_withdraw(False, seen), kind=WithdrawalDialog)
    combo = page.combos[("facebook", "photo")]
    combo.setCurrentIndex(combo.findData("no"))
    assert seen == [other_media_still_yes("photo", "Facebook"), True]       # offered, ticked
    assert seen[0].startswith("Withdraw their video consent for Facebook too (it is Yes)")
    p = ws.register.person(TORI)
    assert p.consent_state("facebook", "photo") == "no"
    assert p.consent_state("facebook", "video") == "no"
    # both withdrawals say who asked, in the history
    asked = [c for c in ws.register.history(TORI) if c.channel == "facebook"
             and c.new_state == "no"]
    assert sorted(c.media for c in asked) == ["photo", "video"]
    assert all(c.requested_by == "Mrs Amos (mother), by email" for c in asked)
    assert page.combos[("facebook", "video")].currentData() == "no"        # the page shows it
    page.accept()


def test_unticked_only_the_kind_asked_about_is_withdrawn(window, ws):  # noqa: F811
    page = _page(window, ws)
    seen: list = []
    answer(_withdraw(True, seen), kind=WithdrawalDialog)
    combo = page.combos[("facebook", "photo")]
    combo.setCurrentIndex(combo.findData("no"))
    p = ws.register.person(TORI)
    assert (p.consent_state("facebook", "photo"), p.consent_state("facebook", "video")) == \
        ("no", "yes")
    page.accept()


def test_nothing_is_offered_when_the_other_kind_is_not_yes(window, ws):  # noqa: F811
    window.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    assert ws.register.person(TORI).consent_state("facebook", "video") != "yes"
    seen: list = []
    answer(_withdraw(False, seen), kind=WithdrawalDialog)
    combo = page.combos[("facebook", "photo")]
    combo.setCurrentIndex(combo.findData("no"))
    assert seen == [None, None]
    assert ws.register.person(TORI).consent_state("facebook", "photo") == "no"
    page.accept()


def test_withdrawing_videos_says_videos_already_exported_are_listed(window, ws):  # noqa: F811
    """The question names the kind withdrawn: 'Videos already exported...', not 'Photos'."""
    page = _page(window, ws)
    said: list = []

    def fill(dlg: WithdrawalDialog) -> None:
        said.extend(lbl.text() for lbl in dlg.findChildren(QLabel))
        _withdraw(True, [])(dlg)
    answer(fill, kind=WithdrawalDialog)
    combo = page.combos[("facebook", "video")]
    combo.setCurrentIndex(combo.findData("no"))
    text = " ".join(said)
    assert "Videos already exported that show them" in text, text
    assert "Photos already exported" not in text
    page.accept()
