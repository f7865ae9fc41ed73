"""s42 walks: what a batch tile says, from the core's state.

- After a withdrawal of one pupil's Facebook consent, the tile of the one photo whose approval
  it ended said "Waiting for approval", the words of every photo never approved: nobody could
  tell which photos needed anything. The core ends only the approvals that showed the pupil
  (``approval.end_by_withdrawal``); that tile now says "Approval ended" (``ApprovalState.ended``),
  the others stay "Approved".
- After "Delete originals", the tiles still said "Approved": they say "Original deleted", and
  the tile's tooltip and the photo view that it was posted (``transfer.originals_gone``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from photovet.gui.dialogs.person import PersonDialog
from photovet.gui.dialogs.withdrawal import WithdrawalDialog
from photovet.gui.views.batch_view import BatchDelegate
from tests.gui.conftest import answer, button, click, modal
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import approve_all, posted, window  # noqa: F401 - fixtures


def withdrawal_question(win, person: str, channel: str = "facebook",
                        media: str = "photo") -> tuple[PersonDialog, str]:
    """Withdraw ``person``'s ``channel`` consent for ``media`` on their page, as the office
    does (who asked, then "Withdraw consent"): (their page, the question the withdrawal
    asked)."""
    from PySide6.QtWidgets import QLabel

    win.register_view.person_requested.emit(person)
    page = modal(kind=PersonDialog)
    asked: list[str] = []

    def fill(dlg: WithdrawalDialog) -> None:
        asked.extend(lb.text() for lb in dlg.findChildren(QLabel))
        dlg.who.setText("Mrs Amos (mother), by email")
        button(dlg, "Withdraw consent").click()
    answer(fill, kind=WithdrawalDialog)
    combo = page.combos[(channel, media)]
    combo.setCurrentIndex(combo.findData("no"))
    return page, next(t for t in asked if "Change consent" in t)


def tiles(win, ws):
    """(file, the tile's words, the core's approval status) of each photo."""
    return [(it.name, it.status_text(), ws.approvals.get(it.analysis.sha256, "facebook").status)
            for it in win.batch.model.items]


def test_a_withdrawal_changes_only_the_tile_of_the_photo_that_showed_the_pupil(
        window, ws, qtbot):  # noqa: F811
    approve_all(window)
    assert [t[1] for t in tiles(window, ws)] == ["Approved"] * 3
    page, _question = withdrawal_question(window, TORI)
    page.accept()
    # trip_0 showed Tori: its approval ended (fail closed), said so on its tile; Jane's photo
    # and the photo with nobody in it are as they were
    qtbot.waitUntil(lambda: tiles(window, ws)[0][1] == "Approval ended", timeout=5000)
    assert tiles(window, ws) == [("trip_0.jpg", "Approval ended", "ready"),
                                 ("trip_1.jpg", "Approved", "approved"),
                                 ("trip_2.jpg", "Approved", "approved")]
    first = window.batch.model.items[0]
    assert first.analysis.faces[0].decision == "cover"
    tip = BatchDelegate.mark_tip(first)
    # one label, not two (s42 audit: "Waiting for approval again: Approval ended: consent...")
    assert tip.startswith("Waiting for approval again: consent was withdrawn on ")
    assert tip.endswith("for someone it showed; a senior leader must approve it again as it "
                        "is now.")
    # a photo marked ready afresh waits as any other
    ws.approvals.mark_ready(first.analysis)
    window.ctx.approvals_changed.emit([first.analysis.sha256])
    qtbot.waitUntil(lambda: first.status_text() == "Waiting for approval", timeout=5000)


def delete_the_originals(win, qtbot):
    """Delete originals for "Sports day", answering its question: the window, still open."""
    purge = win.after.delete_originals("Sports day")
    qtbot.waitUntil(lambda: purge.report is not None, timeout=10000)
    answer(click("Delete 3 originals"), kind=QMessageBox)
    purge.delete_btn.click()
    qtbot.waitUntil(lambda: purge.report is not None and not purge.report.dry_run,
                    timeout=10000)
    return purge


def test_tiles_say_the_originals_were_deleted(posted, qtbot, ws, monkeypatch):  # noqa: F811
    win = posted
    originals = [Path(it.path) for it in win.batch.model.items]
    # (each tile says "Checking caption..." while the caption's check runs after posting: on a
    # loaded CI machine it was still running here)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Approved"] * 3, timeout=10000)
    purge = delete_the_originals(win, qtbot)
    assert not any(p.exists() for p in originals)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Original deleted"] * 3,
                    timeout=5000)
    tip = win.batch.model.data(win.batch.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Its safe copy was exported and posted, then the original was deleted: PhotoVet " \
           "cannot export this photo again." in tip, tip
    purge.accept()
    # the photo itself: what happened, not "the file does not exist (was it moved or deleted?)"
    win.photos.batch.select_row(1)
    canvas = win.photos.photo.canvas
    qtbot.waitUntil(lambda: "original was deleted" in canvas.message, timeout=5000)
    assert canvas.message == ("This photo cannot be shown here. Its safe copy was exported and "
                              "posted, then the original was deleted: PhotoVet cannot export "
                              "this photo again."), canvas.message
    # the approval panel asks the core's rule (s45: it was the panel's alone) and says its
    # words, offering neither approval nor marking ready
    from photovet.core import policy

    monkeypatch.setattr(policy, "original_deleted_refusal",
                        lambda deleted, media, detail="": f"CORE: {detail}" if deleted else None)
    win.photos.batch.select_row(0)
    win.photos.batch.select_row(1)
    panel = win.photos.approval
    qtbot.waitUntil(lambda: panel.state_label.text().startswith("CORE: Its safe copy"),
                    timeout=5000)
    assert not panel.approve_btn.isEnabled() and not panel.ready_btn.isEnabled()


def test_originals_deleted_still_say_so_when_checked_again(posted, qtbot, ws):  # noqa: F811
    """s42 second round: checked again once their originals were deleted (the school's
    settings changed, the register changed, "check them now"), the tiles said "Could not
    check" and the view "could not be checked: the file does not exist"; "Mark all shown
    ready..." still offered them. They say "Original deleted" and what became of the copy,
    and are not offered."""
    from types import SimpleNamespace

    from photovet.core.transfer import OriginalGone
    from photovet.gui.controllers.video import VideoController

    win = posted
    purge = delete_the_originals(win, qtbot)
    purge.accept()
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Original deleted"] * 3,
                    timeout=5000)
    # approved with another caption, they were offered to be marked ready with a new one
    assert win.approval._to_mark_all("Our sports day") == []
    win.batch.check_all_again()
    model = win.batch.model
    qtbot.waitUntil(lambda: not win.batch.checking and all(
        it.analysis is not None for it in model.items), timeout=15000)
    assert all(it.analysis.error for it in model.items)      # the files are gone
    qtbot.waitUntil(lambda: [it.status_text() for it in model.items] == ["Original deleted"] * 3,
                    timeout=5000)
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "original was deleted" in tip and "Could not be checked" not in tip, tip
    line = win.photos.batch.count_label.text()
    assert "could not be checked" not in line, line
    win.photos.batch.select_row(1)
    canvas = win.photos.photo.canvas
    qtbot.waitUntil(lambda: "original was deleted" in canvas.message, timeout=5000)
    assert "could not be checked" not in canvas.message, canvas.message
    found = win.photos.findings.summary.text()
    approval = win.photos.approval.state_label.text()
    for said in (found, approval):
        assert "original was deleted" in said and "could not be checked" not in said, said
    # the video player says the same of a video whose original was deleted
    video = SimpleNamespace(original_gone=OriginalGone(exported=True, posted=True))
    said = VideoController._cannot_show(video, "the file does not exist")
    assert said == ("This video cannot be shown here. Its safe copy was exported and posted, "
                    "then the original was deleted: PhotoVet cannot export this video again."), said
    assert VideoController._cannot_show(SimpleNamespace(original_gone=None), "x") == \
        "This video cannot be shown: x"


def test_the_withdrawal_question_says_which_approvals_it_ends(window, ws, qtbot):  # noqa: F811
    """s42 second round: the question before a withdrawal named only the photos already
    exported (to take down); the approvals of photos not exported yet that it ends were said
    only afterwards ("1 approval ended"). The question says them, from the core's count
    (``Approvals.withdrawal_would_end``: the rule the withdrawal ends them by)."""
    approve_all(window)
    # the core's count is the withdrawal's own: Tori's photo only
    would = ws.approvals.withdrawal_would_end(TORI, "facebook", "photo", register=ws.register)
    assert [st.sha256 for st in would] == [window.batch.model.items[0].analysis.sha256]
    page, question = withdrawal_question(window, TORI)
    assert "It also ends the approval of 1 photo that shows them or names them in its " \
           "caption: a senior leader must approve it again before it can be exported." \
           in question, question
    qtbot.waitUntil(lambda: tiles(window, ws)[0][1] == "Approval ended", timeout=5000)
    assert page.said.text().startswith("1 approval ended"), page.said.text()
    # nothing was ended by asking: the withdrawal ended it, and only it
    assert [t[2] for t in tiles(window, ws)] == ["ready", "approved", "approved"]
    page.accept()
