"""A reason naming a pupil is refused under the box (s31): the dialog keeps the typed text and
grows, so the question above it (both its paragraphs) stays whole. Seen in the walk: the
refusal appeared, the dialog kept its height, and the question was cut at the top with its
second paragraph ("Say why this text may stay readable...") gone."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from photovet.gui.dialogs.reason import ReasonDialog

QUESTION = ("\u201cHOLIY\u201d: Looks like a name that is not in the register, on a sign, "
            "poster or backdrop near a face.\n\nSay why this text may stay readable (for example: it is a "
            "street name). Your reason is recorded with your name.")
REFUSAL = ("Write this without the pupil's name (\u201cTori Ashby\u201d): it is kept in the "
           "audit log. Use their initials or 'the pupil'.")


def test_the_refusal_does_not_squeeze_the_question(qtbot):
    dlg = ReasonDialog("Leave it readable", QUESTION, ok_text="Record and go on",
                       check=lambda text: REFUSAL if "Tori" in text else None)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.edit.setText("It is the film poster behind Tori Ashby")
    dlg.accept()
    QApplication.processEvents()
    assert dlg.isVisible() and dlg.refusal.isVisible()
    assert dlg.value() == "It is the film poster behind Tori Ashby"      # nothing lost
    question = next(lbl for lbl in dlg.findChildren(QLabel) if lbl.text() == QUESTION)
    for label in (question, dlg.refusal):
        assert label.height() >= label.heightForWidth(label.width()), label.text()[:30]
    dlg.edit.setText("It is the film poster behind the pupil")
    dlg.accept()
    assert dlg.result() == ReasonDialog.DialogCode.Accepted
