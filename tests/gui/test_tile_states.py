"""Tiles and counts show the real state (audit s26 item 11): after Mark ready, an approval or a
rejection the tiles still said "Yours to decide" and the header "4 yours to decide"; Mark ready
on a video said "This photo still has decisions for you (amber)"; after an approval the list
went back to its first photo instead of the next."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.gui.controllers.approval import still_open_text
from photovet.gui.dialogs.reason import ReasonDialog
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    checked_batch,
    click,
    select_photo,
    sign_in_as,
)


@pytest.fixture
def window(qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 4)  # photo_000: Joel is a question
    return win


def by_name(win, name: str):
    return next(it for it in win.batch.model.items if it.name == name)


def test_tiles_and_the_count_follow_mark_ready_approval_and_rejection(window, qtbot,
                                                                     monkeypatch):
    # s36: the banner's "Checked 4 photos." made each file's name a Path again at every
    # refresh (every approval, every review change): it is the list's count, kept as rows
    # change
    from photovet.gui.controllers import batch

    def no_names(paths):
        raise AssertionError("the summary read every file name again")

    monkeypatch.setattr(batch, "media_words", no_names)
    window.batch.refresh_summary()
    assert "Checked 4 photos." in window.batch.banner.text()
    view = window.photos.batch
    first = by_name(window, "photo_000.jpg")
    assert first.status == "needs-review" and first.status_text() == "Yours to decide"
    assert "1 yours to decide" in view.count_label.text()

    answer(click("&Yes"), kind=QMessageBox)
    window.approval.mark_all_shown_ready()
    items = window.batch.model.items
    assert [it.status_text() for it in items] == ["Waiting for approval"] * 4
    assert first.status == "needs-review"                 # the core's status is untouched
    assert "yours to decide" not in view.count_label.text()
    assert view.model.counts().get("needs-review", 0) == 0
    banner = window.batch.banner.text()
    assert "a decision for you" not in banner and "Nothing is waiting for your decision" in banner
    assert "Checked 4 photos." in banner
    assert view.filter_combo.itemText(view.filter_combo.findData("needs-review")) == \
        "Yours to decide (0)"
    # the mark in a tile's corner says what it means when pointed at (s36 walk: a blue
    # "..." said nothing); the rest of the tile says its name and state, as before
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QStyleOptionViewItem, QToolTip

    option = QStyleOptionViewItem()
    option.rect, option.font = view.list.visualRect(view.proxy.index(0, 0)), view.list.font()
    port = view.list.viewport()
    for at, said in ((view.list.itemDelegate().mark_rect(option).center().toPoint(),
                      "Waiting for approval: marked ready; a senior leader approves or rejects "
                      "this photo next"),
                     (option.rect.center() + QPoint(0, 40), "photo_000.jpg\n")):
        QApplication.sendEvent(port, QHelpEvent(QEvent.Type.ToolTip, at, port.mapToGlobal(at)))
        assert QToolTip.text().startswith(said), QToolTip.text()
    QToolTip.hideText()

    sign_in_as(window, APPROVER_NAME)
    assert view.filter_combo.currentData() == "approval:ready"
    order = [it.name for it in view.shown_items()]
    view.select_row(1)
    approved = view.current_item()
    window.approval.approve()
    assert approved.approval == "approved" and approved.status_text() == "Approved"
    # the next photo, the one now where the approved one was, not the first of the list
    assert view.current_item().name == order[2]
    assert "1 approved" in view.count_label.text()

    rejected = view.current_item()
    answer(lambda d: d.accept(), kind=ReasonDialog)
    window.approval.reject()
    assert rejected.approval == "rejected" and rejected.status_text() == "Rejected"
    assert rejected is not first and first.approval == "ready"
    assert "yours to decide" not in view.count_label.text()


def test_a_rejected_photo_with_a_question_is_yours_to_decide_again(window):
    """...and (s36) the Reject dialog has a tick box for each face named by hand; ticked, the
    name is taken off and the face covered, back with the preparer to decide again."""
    from PySide6.QtWidgets import QCheckBox, QLabel

    from photovet.core import policy
    from photovet.core.words import names_returned
    from tests.gui.fake_engine import JOEL

    first = by_name(window, "photo_000.jpg")
    window.ctx.ws.reviewer().face(first.analysis, 1, "assign", window.ctx.current_channel(),
                                  person=JOEL)
    window.batch.redecide(first)
    assert first.analysis.faces[1].decision == "show"
    answer(click("&Yes"), kind=QMessageBox)
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    view = window.photos.batch
    view.select_path(first.path)
    assert "If a name is wrong, say so in \u201cReject\u2026\u201d" in \
        window.photos.approval.hand.text()
    seen: list[str] = []

    def tick(d):
        boxes = d.findChildren(QCheckBox, "NameWrongBox")
        seen.append(d.findChild(QLabel, "NameWrongSaid").text())
        seen.extend(b.text() for b in boxes)
        boxes[0].setChecked(True)
        d.accept()

    answer(tick, kind=ReasonDialog)
    window.approval.reject()
    assert first.status_text() == "Rejected"
    # what a tick does, said once above the boxes (s37: each box said it, in one long line)
    assert seen == ["Tick a face whose name given by hand is wrong: the name is taken off and "
                    "the face covered until the preparer says again who it is.",
                    "Face 2 is not Joel Clarke"]
    face = first.analysis.faces[1]
    assert face.override_person is None and face.decision == "cover" and face.needs_review
    assert face.reason == policy.REASON_NAMING_RETURNED
    assert names_returned(1) in window.photos.approval.message.text()
    assert view.model.counts().get("needs-review") == 1  # back with the preparer
    # s30: said so to the approver (it said "1 yours to decide" to them); to the preparer,
    # theirs to decide again
    assert "1 still open for the preparer" in view.count_label.text()
    sign_in_as(window, PREPARER_NAME)
    assert "1 yours to decide" in view.count_label.text()


def test_mark_ready_with_decisions_open_names_a_photo_or_a_video_and_what_is_open(window):
    photo = by_name(window, "photo_000.jpg")
    text = still_open_text(photo)
    assert text.startswith("This photo still has decisions open: 1 face to decide (in amber).")
    video = SimpleNamespace(is_video=True, open_decisions=lambda: ["the sound to decide"],
                            analysis=SimpleNamespace(sound_needs_review=True))
    text = still_open_text(video)
    assert text.startswith("This video still has decisions open: the sound to decide.")
    assert "photo" not in text and "amber" not in text
    assert "The sound stays removed unless the approver listens to it." in text


def test_after_an_approval_the_list_goes_on_to_the_next_photo(window):
    answer(click("&Yes"), kind=QMessageBox)
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    view = window.photos.batch
    order = [it.name for it in view.shown_items()]
    view.select_row(2)
    window.approval.approve()
    assert [it.name for it in view.shown_items()] == order[:2] + order[3:]
    assert view.current_item().name == order[3]           # not order[0]
    window.approval.approve()                             # the last one: the one before it
    assert view.current_item().name == order[1]


def test_an_approved_photo_with_a_question_left_open_waits_for_nobody(window, qtbot):
    """s30: the banner said "Nothing is waiting for your decision" while the panel said "Yours
    to decide (1)" beside an approved photo with a question left open (covered). One place
    decides what waits for a decision (policy.waiting_for_decision): handed on (marked ready or
    approved), it waits for nobody, and the panel says it stays covered and what deciding now
    would mean."""
    findings = window.photos.findings
    select_photo(window, "photo_000.jpg")
    qtbot.waitUntil(lambda: bool(findings.cards), timeout=5000)
    assert findings.decide_title.text() == "Yours to decide (1)"      # before it is handed on
    assert window.photos.photo.hint.text().startswith("Amber means a decision is yours")
    answer(click("&Yes"), kind=QMessageBox)                  # mark ready with it left open
    window.approval.mark_all_shown_ready()
    select_photo(window, "photo_000.jpg")
    qtbot.waitUntil(lambda: findings.decide_title.text().startswith("Marked ready:"),
                    timeout=5000)
    sign_in_as(window, APPROVER_NAME)
    view = window.photos.batch
    view.select_path(by_name(window, "photo_000.jpg").path)
    window.approval.approve()
    assert by_name(window, "photo_000.jpg").approval == "approved"
    sign_in_as(window, PREPARER_NAME)
    select_photo(window, "photo_000.jpg")
    qtbot.waitUntil(lambda: findings.decide_title.text().startswith("Approved:"), timeout=5000)
    # the banner's summary is built from these counts (it went when the approver signed in:
    # it was about the previous person's work, and says no decision waits either way)
    assert window.batch.model.counts().get("needs-review", 0) == 0
    window.batch.refresh_summary()
    assert "decision for you" not in window.batch.banner.text()
    assert findings.decide_title.text() == "Approved: 1 question left open, covered"
    assert "Yours to decide" not in findings.decide_title.text()
    assert findings.more.text().startswith("Nothing is waiting for your decision: it was "
                                           "approved with these covered")
    assert "must be approved again" in findings.more.text()
    assert "Amber means a decision is yours" not in window.photos.photo.hint.text()
    assert view.filter_combo.itemText(view.filter_combo.findData("needs-review")) == \
        "Yours to decide (0)"


def test_k_on_an_approved_photo_changes_nothing_and_keeps_its_approval(window, qtbot):
    """s30: the K shortcut ("Keep the rest covered") still worked on an approved photo with a
    question left open (the panel's button is hidden there) and voided its approval. Now K
    changes nothing where the button is hidden, and says why; where the photo waits for a
    decision K works as before."""
    from PySide6.QtGui import QKeySequence

    findings = window.photos.findings
    answer(click("&Yes"), kind=QMessageBox)                  # mark ready with it left open
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    window.photos.batch.select_path(by_name(window, "photo_000.jpg").path)
    window.approval.approve()
    assert by_name(window, "photo_000.jpg").approval == "approved"
    sign_in_as(window, PREPARER_NAME)
    select_photo(window, "photo_000.jpg")
    qtbot.waitUntil(lambda: findings.decide_title.text().startswith("Approved:"), timeout=5000)
    assert not findings.keep_rest_button.isVisibleTo(findings)
    [k] = [a for a in window.findChildren(type(window.menuBar().actions()[0]))
           if a.shortcut() == QKeySequence("K")]
    k.trigger()                                              # the K key
    QApplication.processEvents()
    a = by_name(window, "photo_000.jpg").analysis
    assert window.ctx.ws.approvals.status(a.sha256, a.channel) == "approved"
    assert by_name(window, "photo_000.jpg").approval == "approved"
    assert a.needs_review                                    # still open, still covered
    assert window.batch.status.label.text().startswith(
        "Nothing changed: this photo was approved with its open questions covered")


def test_k_on_a_photo_whose_approval_lapsed_with_its_approvers_role_changes_nothing(
        window, qtbot):
    """s31: K ("Keep the rest covered") acted on an approved photo whose approval no longer
    counts only because its approver's role ended (the list shows it "void", which waits for
    a decision), changing its review once more. The photo is as it was approved: still handed
    on, waiting for a current senior leader (Approve again), not its preparer. K changes
    nothing and says so; the panel's button is hidden, as on an approved photo."""
    import datetime as dt

    from PySide6.QtGui import QKeySequence

    findings = window.photos.findings
    answer(click("&Yes"), kind=QMessageBox)                  # mark ready with it left open
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    window.photos.batch.select_path(by_name(window, "photo_000.jpg").path)
    window.approval.approve()
    ws = window.ctx.ws
    a = by_name(window, "photo_000.jpg").analysis
    reviewed = "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'review.%'"
    before = ws.db.scalar(reviewed)
    # the approver's last day (set in advance, approvals not kept) has come and gone
    ws.db.execute("UPDATE account_roles SET valid_to = ? WHERE role = 'approver' AND "
                  "account_id = (SELECT id FROM accounts WHERE name = ?)",
                  [(dt.date.today() - dt.timedelta(days=1)).isoformat(), APPROVER_NAME])
    sign_in_as(window, PREPARER_NAME)
    window.batch.refresh_approvals()
    item = by_name(window, "photo_000.jpg")
    assert item.approval == "void" and item.approval_lapsed
    # the list says the same: not "yours to decide" (it covers what is open)
    assert item.list_status == "will-cover"
    assert window.batch.model.counts().get("needs-review", 0) == 0
    select_photo(window, "photo_000.jpg")
    qtbot.waitUntil(lambda: findings.decide_title.text().startswith("Approved:"), timeout=5000)
    assert not findings.keep_rest_button.isVisibleTo(findings)
    [k] = [x for x in window.findChildren(type(window.menuBar().actions()[0]))
           if x.shortcut() == QKeySequence("K")]
    k.trigger()                                              # the K key
    QApplication.processEvents()
    assert ws.db.scalar(reviewed) == before                  # nothing recorded
    assert a.needs_review                                    # still open, still covered
    said = window.batch.status.label.text()
    assert said.startswith("Nothing changed: this photo was approved with its open questions "
                           "covered") and "approver's role ended" in said, said
    assert [s.sha256 for s, _why in ws.approvals.role_ended()] == [a.sha256]


def test_a_file_that_could_not_be_checked_says_so_on_its_tile(qtbot, ws, make_window, tmp_path):
    """Walkthrough s30: its tile said "Failed" while the Show: choice and the banner say
    "Could not be checked" (the whole of that does not fit on a tile's badge)."""
    from tests.gui.conftest import wait_checked

    broken = tmp_path / "broken.jpg"
    broken.write_text("not a photo")
    win = make_window({})
    win.add_paths([str(broken)])
    wait_checked(qtbot, win, 1)
    item = by_name(win, "broken.jpg")
    assert item.status_text() == "Could not check"
    # the badge has room for it (as the tile draws it): never cut to "Could not be ch..."
    view = win.photos.batch
    pad = view.list.itemDelegate().PAD
    room = view.list.visualRect(view.proxy.index(0, 0)).width() - 2 * pad
    assert view.list.fontMetrics().horizontalAdvance(item.status_text()) + 14 <= room


def test_one_refresh_of_the_approvals_reads_each_channel_once(window, qtbot, monkeypatch):
    """s35: the list's approval states read the channels table once per photo (each
    ``Engine.channel``: ~2.3 ms a photo on the GUI thread, 300 photos ~0.7 s). One refresh
    reads each channel once; the next refresh reads it again (a channel changed on another PC
    is seen), and what is shown is what it was."""
    answer(click("&Yes"), kind=QMessageBox)                  # mark ready with it left open
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    for name in ("photo_000.jpg", "photo_001.jpg", "photo_002.jpg"):
        window.photos.batch.select_path(by_name(window, name).path)
        window.approval.approve()
    shown = [(it.name, it.approval) for it in window.batch.model.items]
    assert [a for _, a in shown].count("approved") == 3, shown
    register = window.ctx.engine.register
    reads: list[str] = []
    real = register.channel
    monkeypatch.setattr(register, "channel", lambda cid: reads.append(cid) or real(cid))
    window.batch.refresh_approvals()
    assert reads == ["website"]
    window.batch.refresh_approvals()
    assert reads == ["website", "website"]           # not kept from one refresh to the next
    assert [(it.name, it.approval) for it in window.batch.model.items] == shown
    # s36: the school's settings made into the analysis keys once a refresh (each approved
    # photo's approval parts made them three times, ~60% of a refresh), and each photo's
    # approval read once (it was read again to check it): again at the next refresh
    engine, approvals = window.ctx.engine, window.ctx.ws.approvals
    keys: list[bool] = []
    real_key = engine.settings.analysis_key
    monkeypatch.setattr(engine.settings, "analysis_key",
                        lambda **kw: keys.append(kw.get("school", True)) or real_key(**kw))
    got: list[str] = []
    real_get = approvals.get
    monkeypatch.setattr(approvals, "get", lambda sha, ch: got.append(sha) or real_get(sha, ch))
    window.batch.refresh_approvals()
    once = len(keys)
    assert 0 < once <= 2, keys                      # once for each key asked, not per photo
    assert sorted(got) == sorted(it.analysis.sha256 for it in window.batch.model.items)
    window.batch.refresh_approvals()
    assert len(keys) == 2 * once                    # not kept from one refresh to the next
    assert [(it.name, it.approval) for it in window.batch.model.items] == shown

    # s36: with nothing for the "Show" choice, the middle said "Nothing in this batch is in
    # the list on the left for this choice": it names the choice and the way back
    view = window.photos.batch
    view.filter_combo.setCurrentIndex(view.filter_combo.findData("approval:rejected"))
    qtbot.waitUntil(lambda: "Rejected" in window.photos.photo.canvas.message, timeout=5000)
    assert window.photos.photo.canvas.message == (
        "Nothing in this batch is \u201cRejected\u201d now. To see the others, choose "
        "\u201cShow all photos\u201d on the left.")
