"""Walk s34 (a head teacher's approval session): the comms lead prepared a photo showing a
pupil; the pupil's parent then withdrew consent. The head saw the pupil covered, "Waiting for
approval (prepared by ...)", and nothing said why the photo was not as prepared. The approver's
panel now says each consent change of someone in the photo made since it was marked ready (the
core's list: ``approval.consent_changes_since_ready``)."""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtWidgets import QApplication, QMessageBox

from photovet.core.approval import consent_changes_since_ready
from photovet.core.words import changed_since_ready
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    checked_batch,
    click,
    select_photo,
    sign_in_as,
    wait_checked,
)
from tests.gui.fake_engine import SAM, TORI


def _prepared(qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    assert {it.approval for it in win.batch.model.items} == {"ready"}
    # times are stored to the second: a change in the second it was marked ready (the
    # register import just before) is not said, so the withdrawal comes a second later
    time.sleep(1.1)
    return win


def _shown(qtbot, win, name="photo_000.jpg") -> str:
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    select_photo(win, name)
    for _ in range(5):
        QApplication.processEvents()
    return win.photos.approval.shown_label.text()


def test_a_consent_withdrawn_after_it_was_marked_ready_is_said_to_the_approver(
        qtbot, ws, make_window, tmp_path):
    win = _prepared(qtbot, ws, make_window, tmp_path)
    [item] = [it for it in win.batch.model.items if it.path.endswith("photo_000.jpg")]
    state = ws.approvals.get(item.analysis.sha256, item.analysis.channel)
    ws.register.set_consent(TORI, "website", "no", requested_by="Mrs Amos (mother), by email",
                            requested_on=dt.date.today(), request_required=True)
    ws.register.set_consent(SAM, "website", "no")     # not in the photo: not said
    win.ctx.register_changed.emit()
    wait_checked(qtbot, win, 2)
    [change] = consent_changes_since_ready(state, item.analysis, ws.register.history)
    assert (change.person_id, change.channel, change.new_state) == (TORI, "website", "no")
    shown = _shown(qtbot, win)
    today = dt.date.today().strftime("%d/%m/%Y")
    line = changed_since_ready("Tori Amos", "School website consent", "Yes", "No", today,
                               state.preparer)
    assert shown.startswith(line.replace("'", "&#x27;")) or shown.startswith(line), shown
    assert "Sam" not in shown
    assert "Shown: Tori Amos" not in shown            # covered now, as the core decides


def test_nothing_is_said_when_no_consent_changed_since(qtbot, ws, make_window, tmp_path):
    win = _prepared(qtbot, ws, make_window, tmp_path)
    shown = _shown(qtbot, win)
    assert "Changed since" not in shown and "Shown: Tori Amos" in shown


def test_the_contact_sheet_tile_says_it_too(qtbot, ws, make_window, tmp_path):
    win = _prepared(qtbot, ws, make_window, tmp_path)
    ws.register.set_consent(TORI, "website", "no", requested_by="Mrs Amos (mother), by email",
                            requested_on=dt.date.today(), request_required=True)
    win.ctx.register_changed.emit()
    wait_checked(qtbot, win, 2)
    sign_in_as(win, APPROVER_NAME)
    tiles = {it.name: win.approval.tile_for(it) for it in win.batch.model.items}
    [first] = [t for n, t in tiles.items() if n == "photo_000.jpg"]
    assert first.lines[0].startswith("Changed since ") and "Tori Amos's School website " \
        "consent went from Yes to No on" in first.lines[0]
    assert not any("Changed since" in line for n, t in tiles.items() if n != "photo_000.jpg"
                   for line in t.lines)


def test_an_approval_a_withdrawal_ended_is_said_once(qtbot, ws, make_window, tmp_path):
    """s37 walk: the panel said "Approval ended: consent was withdrawn on ... for someone it
    showed; approve it again as it is now." and under it "Changed since ... marked it ready:
    Tori Amos's School website consent went from Yes to No on ...; what is shown here is as it
    is now" (no full stop): the same thing twice. Once now, with whose consent."""
    from photovet.core.words import approval_ended_by_change, approval_ended_by_withdrawal

    win = _prepared(qtbot, ws, make_window, tmp_path)
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    select_photo(win, "photo_000.jpg")
    panel = win.photos.approval
    qtbot.waitUntil(lambda: panel.approve_btn.isEnabled(), timeout=5000)
    win.approval.approve()
    [item] = [it for it in win.batch.model.items if it.path.endswith("photo_000.jpg")]
    assert item.approval == "approved"
    time.sleep(1.1)         # (times are stored to the second)
    sign_in_as(win, PREPARER_NAME)
    ws.register.set_consent(TORI, "website", "no", requested_by="Mrs Amos (mother), by email",
                            requested_on=dt.date.today(), request_required=True)
    sign_in_as(win, APPROVER_NAME)
    win.ctx.register_changed.emit()
    wait_checked(qtbot, win, 2)
    today = dt.date.today().strftime("%d/%m/%Y")
    state = ws.approvals.get(item.analysis.sha256, item.analysis.channel)
    assert state.status == "ready" and state.note == approval_ended_by_withdrawal(today)
    select_photo(win, "photo_001.jpg")
    select_photo(win, "photo_000.jpg")
    for _ in range(5):
        QApplication.processEvents()
    said = (panel.state_label.text() + "<br>" + panel.shown_label.text()).replace("&#x27;", "'")
    line = approval_ended_by_change("Tori Amos", "School website consent", "Yes", "No", today)
    assert said.count("Approval ended") == 1 and line in said, said
    assert "Changed since" not in said and "for someone it showed" not in said, said
    assert line.endswith(".") and "Tori Amos's School website consent went from Yes to No" in line
    # the preparer's view still says the stored note (it names nobody)
    win.approval.set_approver_view(False)
    assert approval_ended_by_withdrawal(today) in panel.state_label.text()
