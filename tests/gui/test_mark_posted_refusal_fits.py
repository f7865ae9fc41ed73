"""The "Mark as posted" form grows to show a refused caption whole (s31 walk): it kept its
height, so the refusal sat in a four-line box with a scroll bar and the hint above it ("PhotoVet
checks it with the channel's rules...") was drawn over half-hidden."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from photovet.core.models import Channel
from photovet.gui.dialogs.mark_posted import MarkPostedDialog

REFUSAL = ("The caption names someone it may not (\u201cTori Ashby\u201d: no consent to name "
           "this pupil with a photo on School website: use initials); nothing was marked as "
           "posted. Suggested caption: TA wins the award.")


def test_a_refused_caption_is_shown_whole(qtbot):
    dlg = MarkPostedDialog(["School website 30-11-2026"],
                           [Channel("website", "School website", names="full")],
                           batch="School website 30-11-2026", on_submit=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.caption.setText("Tori Ashby wins the award")
    dlg.show_refusal(REFUSAL, "TA wins the award")
    QApplication.processEvents()
    area, refusal = dlg.refusal_area, dlg.refusal
    assert area.height() >= refusal.heightForWidth(area.viewport().width()), "scrolls"
    assert not area.verticalScrollBar().isVisible()
    hint = next(lbl for lbl in dlg.findChildren(QLabel) if "channel's rules" in lbl.text())
    assert hint.height() >= hint.heightForWidth(hint.width())
    assert hint.geometry().bottom() < dlg.mapFromGlobal(
        area.mapToGlobal(area.rect().topLeft())).y()
    assert dlg.caption.text() == "Tori Ashby wins the award"


def test_no_lone_radio_button_when_there_is_nothing_else_to_choose(qtbot):
    """Walk s32: opened from the export, the form showed "( ) Every photo of the batch" alone;
    with exports chosen in a list the two choices are offered (s65: a batch's photos and
    videos, as the intro says them)."""
    chs = [Channel("website", "School website", names="full")]
    dlg = MarkPostedDialog(["Trip"], chs, batch="Trip", on_submit=lambda: None)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.by_batch.isChecked() and not dlg.by_batch.isVisible()
    assert dlg.values()["batch"] == "Trip"
    two = MarkPostedDialog(["Trip"], chs, batch="Trip", selected=2, on_submit=lambda: None)
    qtbot.addWidget(two)
    two.show()
    assert two.by_batch.isVisible() and two.by_selection.isVisible()
    assert two.by_batch.text() == "Every photo and video of the batch"


WALK5 = ("Nothing was marked as posted: the caption \u201cTA and friends at the coast\u201d is "
         "not the one a senior leader approved (\u201cTA collects her award\u201d was).\n"
         "Not posted yet: post it with the caption a senior leader approved (or with none), "
         "then mark it. Already posted with this caption: press Mark as posted and answer that "
         "it went out with this caption, to record it as it went out; it is then on the "
         "take-down list: take it down.")


def test_the_refusal_stays_inside_the_window_it_was_opened_from(qtbot):
    """Walk5 (PNG 74): opened from the export's result at 1366 x 768, the refused caption
    wrapped to a narrow column beside "Use the suggested caption" and the form ran past the
    bottom of the export window, over its buttons. The refusal takes the form's width, the
    suggestion sits under it, and the form stays inside the window it came from."""
    from PySide6.QtWidgets import QDialog

    export = QDialog()
    qtbot.addWidget(export)
    export.setGeometry(320, 70, 700, 560)
    export.show()
    qtbot.waitExposed(export)
    dlg = MarkPostedDialog(["School website 01-12-2026"],
                           [Channel("website", "School website", names="full")],
                           batch="School website 01-12-2026", on_submit=lambda: None,
                           parent=export)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.caption.setText("TA and friends at the coast")
    dlg.show_refusal(WALK5, "TA collects her award")
    QApplication.processEvents()
    area, button = dlg.refusal_area, dlg.use_suggestion
    # the suggestion is under the refusal, which is (nearly) as wide as the form
    assert button.mapTo(dlg, button.rect().topLeft()).y() >= \
        area.mapTo(dlg, area.rect().bottomLeft()).y()
    assert area.width() >= dlg.width() * 0.8
    assert export.frameGeometry().contains(dlg.frameGeometry()), (
        export.frameGeometry(), dlg.frameGeometry())
    dlg.close()


def test_the_caption_box_tells_one_story(qtbot):
    """s37 walk: the box said "Optional: if not the export's caption" right beside "A post
    with another caption is not allowed". Photos approved with a caption say only that; others
    say when to type one."""
    from photovet.core.words import POSTED_CAPTION_EMPTY, POSTED_CAPTION_HINT

    chs = [Channel("website", "School website", names="full")]
    plain = MarkPostedDialog(["Trip"], chs, batch="Trip", on_submit=lambda: None)
    qtbot.addWidget(plain)
    plain.show()
    hint = plain.findChild(QLabel, "PostedCaptionHint")
    assert plain.caption.placeholderText() == POSTED_CAPTION_EMPTY
    assert hint.isVisible() and hint.text() == POSTED_CAPTION_HINT
    approved = MarkPostedDialog(["Trip"], chs, batch="Trip", on_submit=lambda: None,
                                approved_captions={"Trip": ["Sports day"]})
    qtbot.addWidget(approved)
    approved.show()
    note = approved.findChild(QLabel, "ApprovedCaptionNote")
    assert note.isVisible() and "another caption is not allowed" in note.text()
    assert approved.caption.placeholderText() == ""
    assert not approved.findChild(QLabel, "PostedCaptionHint").isVisible()
    texts = " ".join(lbl.text() for lbl in approved.findChildren(QLabel) if lbl.isVisible())
    assert "Optional" not in texts and "Type the caption only" not in texts
