"""Twins on the "Yours to decide" card (the s27 audit, item 2): PhotoVet is not certain face 1 is
Grace Bennett (consent), and her twin Hope (no consent) is near it too. The card names Hope in
the core's words; "Yes, it is Grace" asks a reason first (cancel: nothing changes); once given,
the face is shown and said to be named by hand wherever that is said, and the approver is told
whom it could also be and approves it only on its own."""

from __future__ import annotations

import html
import re

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from photovet.core import policy
from photovet.gui.dialogs.reason import ReasonDialog
from photovet.gui.views.photo_view import face_tag
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    button,
    click,
    select_photo,
    sign_in_as,
    wait_checked,
    without_checklist,
)
from tests.gui.fake_engine import FACE_J, make_batch, write_register

GRACE, HOPE = "G100000000001", "H100000000002"
ROWS = [["UPN", "Legal Surname", "Legal Forename", "Year Group", "Reg Group", "DOB",
         "Consent: School Website", "Consent: Facebook", "Family ID"],
        [GRACE, "Bennett", "Grace", "Year 3", "3J", "04/05/2019", "Yes", "Yes", "F100"],
        [HOPE, "Bennett", "Hope", "Year 3", "3J", "04/05/2019", "No", "No", "F100"]]
TWIN = "It could also be Hope Bennett, Grace's twin (School website: No)"


def plain(rich: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rich))


@pytest.fixture
def window(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv", ROWS))
    without_checklist(ws)
    paths, _faces = make_batch(tmp_path / "photos", 2)
    win = make_window({"photo_000.jpg": [(FACE_J, GRACE, "uncertain", 0.99, [(HOPE, 0.88)])]})
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 2)
    select_photo(win, "photo_000.jpg")
    return win


def current(win):
    return win.review.current().analysis


def card(win):
    cards = list(win.photos.findings.cards)
    assert len(cards) == 1
    return cards[0]


def test_the_card_names_the_twin_and_yes_asks_why(window, ws):
    c = card(window)
    question = plain(c.findChild(QLabel).text())
    assert "is this Grace Bennett (Year 3, 3J)? PhotoVet is not certain." in question
    assert TWIN in question and "you are asked why" in question
    assert c.buttons["yes"].text() == "Yes, it is Grace\u2026"
    # and the face list says it too
    assert TWIN in window.photos.findings.tree.topLevelItem(0).child(0).text(0)

    said: list = []
    answer(lambda dlg: (said.append(dlg.findChild(QLabel).text()), dlg.reject()),
           kind=ReasonDialog)
    c.buttons["yes"].click()                       # cancelled: nothing changes
    assert said and "could also be Hope Bennett, Grace's twin (School website: No)" in said[0]
    a = current(window)
    assert a.faces[0].decision == "cover" and ws.reviews.load(a.sha256, "*").empty

    def give(dlg: ReasonDialog) -> None:
        assert dlg.windowTitle() == "It could be someone else"
        # a pupil's name is refused before the dialog closes: the reason is kept in the audit
        # log (free_text); the text stays to be rewritten
        dlg.edit.setText("Mrs Lee: Grace has the fringe")
        button(dlg, "It is Grace Bennett").click()
        assert dlg.isVisible() and not dlg.refusal.isHidden()
        assert dlg.refusal.text().startswith("Write this without the pupil's name "
                                             "(\u201cGrace\u201d): it is kept in the audit log")
        assert dlg.value() == "Mrs Lee: Grace has the fringe"
        dlg.edit.setText("the class teacher knows them by the fringe")
        assert dlg.refusal.isHidden()
        button(dlg, "It is Grace Bennett").click()

    answer(give, kind=ReasonDialog)
    card(window).buttons["yes"].click()
    f = current(window).faces[0]
    assert f.who == GRACE and f.decision == "show"
    assert f.hand_named == policy.HAND_LOOKALIKE
    assert f.hand_note.startswith(f"Confirmed by hand by {PREPARER_NAME}: PhotoVet thought it "
                                  "might be Grace Bennett (School website: Yes), not certain; it "
                                  "could also be Hope Bennett, Grace's twin (School website: No)")
    # said where "named by hand" is said: the label on the photo and the face list
    assert face_tag(0, f, window.review._people()) == "1 Grace shown, named by hand"
    faces = window.photos.findings.tree.topLevelItem(0)
    assert f.hand_note in faces.child(0).text(0)


def named_by_hand_and_ready(window) -> None:
    """The twin's face named Grace by hand (with a reason), the photo marked ready, and the
    approver signed in with it chosen."""
    def give(dlg: ReasonDialog) -> None:
        dlg.edit.setText("the class teacher knows them by the fringe")
        button(dlg, "It is Grace Bennett").click()

    answer(give, kind=ReasonDialog)
    card(window).buttons["yes"].click()
    answer(click("&Yes"), kind=QMessageBox)
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    select_photo(window, "photo_000.jpg")


def test_the_approver_is_told_whom_it_could_also_be_and_approves_it_alone(window, ws):
    named_by_hand_and_ready(window)
    panel = window.photos.approval
    text = plain(panel.hand.text())
    assert "Named by hand (1)" in text and "Grace Bennett" in text
    assert "Hope Bennett, Grace's twin (School website: No)" in text
    assert "never with \u201cApprove all shown\u201d" in text
    item = window.review.current()
    tile = window.approval.tile_for(item)
    assert any("could be a twin or look-alike" in o and "on its own" in o for o in tile.open)

    asked: list = []

    def looked(box: QMessageBox) -> None:
        asked.append(box.text())
        button(box, "I looked at it: approve").click()

    answer(looked, kind=QMessageBox)
    window.approval.approve()
    assert "could also be someone who may not be shown on School website" in asked[0]
    assert "Hope Bennett" in asked[0]
    assert window.batch.item(item.path).approval == "approved"


def test_the_enrol_dialog_warns_of_a_portrait_almost_the_same_face(qtbot, ws, tmp_path):
    """Enrolling Grace when her twin Hope is enrolled: the core's report (a real enrolment, a
    stand-in encoder) shown by the dialog names both, and Grace is still enrolled."""
    from photovet.core.vision.faces import SFACE
    from photovet.gui.dialogs.enrol import EnrolDialog
    from tests.core.test_twins import SIG_GRACE, SIG_HOPE, _portraits

    ws.import_register(write_register(tmp_path / "mis.csv", ROWS))
    ws.register.store_signatures({HOPE: [(SIG_HOPE, "h.jpg")]}, replace=True, source="test",
                                 model=SFACE)
    report = ws.register.enrol_folder(tmp_path / "new",
                                      _portraits(tmp_path / "new", {GRACE: SIG_GRACE}))
    dlg = EnrolDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.show_report(report)
    assert "1 person enrolled" in plain(dlg.state.text())
    assert "1 portrait is almost the same face as someone else enrolled" in \
        plain(dlg.state.text())
    assert dlg.problems.isVisible()
    line = dlg.problems.item(0).text()
    assert line.startswith("Warning: Grace Bennett's photo is almost the same face as Hope "
                           "Bennett's (already enrolled)")


def test_a_video_row_says_whom_an_uncertain_track_could_also_be():
    """The player's row sentence carries the core's note (decided by policy.decide_track)."""
    from photovet.core.models import VideoTrack
    from photovet.gui.views.video_player import track_sentence
    from tests.core.test_twins import FB, GRACE_ROW, HOPE_ROW, ON

    t = VideoTrack(id=0, frames=[0, 5, 10], boxes=[(0, 0, 40, 40)] * 3, scores=[0.9] * 3,
                   match_status="uncertain", person=GRACE_ROW.id, near=[(HOPE_ROW.id, 0.9)])
    d = policy.decide_track(t, GRACE_ROW, FB, "consent", ON, recognised=GRACE_ROW,
                            near={HOPE_ROW.id: HOPE_ROW})
    t.decision, t.reason, t.needs_review = d.action, d.reason, d.needs_review
    words = track_sentence(t, {GRACE_ROW.id: GRACE_ROW, HOPE_ROW.id: HOPE_ROW})
    assert "It could also be Hope Bennett, Grace's twin (Facebook videos: No)." in words
