"""s37, the senior leader's and the office's day at 1366 x 768 (walk under Xvfb):

- what waits for approval but is not open on this PC took 230 px of the approver's list
  column (two folders: a third of it): one line now, where they are and what to do on demand
  ("Details…"), with the same words and the same "Open this folder" links; an empty list
  under it says nothing open on this PC waits (it said "Nothing is waiting for approval.");
- a senior leader read "Nothing is waiting for your decision" above "Waiting for approval (7)",
  and an approval was said nowhere."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from PySide6.QtWidgets import QApplication

from photovet.core import words
from photovet.gui.views.batch_view import BatchView


def _group(folder: str, n: int, here: bool = True):
    return SimpleNamespace(names=[f"IMG_{i:04d}.jpg" for i in range(n)], computer="OFFICE-1",
                           folder=folder, preparers=["Mrs Dee Office"],
                           last=dt.datetime(2026, 12, 1, 9, 30), here=here)


def test_waiting_elsewhere_is_one_line_with_its_details_on_demand(qtbot):
    view = BatchView()
    qtbot.addWidget(view)
    view.resize(330, 600)              # the list's column in a 1366 x 768 window
    view.show()
    groups = [_group("/home/office/Pictures/Sports day", 6),
              _group("/home/office/Pictures/Assembly 28 Nov", 4),
              _group("D:\\Trip", 2, here=False)]
    lines = words.waiting_elsewhere(groups, "Facebook", here=8)
    folders = [g.folder if g.here else None for g in groups]
    view.set_elsewhere(lines, folders, words.waiting_elsewhere_summary(groups, here=8))
    QApplication.processEvents()
    label = view.elsewhere
    assert label.isVisibleTo(view)
    assert label.text().startswith("12 more photos wait, not open on this PC. "), label.text()
    assert "Details" in label.text() and "Sports day" not in label.text()
    width = label.width()
    line = label.fontMetrics().lineSpacing()
    short = label.heightForWidth(width)
    # one line of words and the banner's padding (it was 230 px: 16 lines)
    assert short < 2 * line + 16, (short, line, width)

    # the details: every word the core says, each folder this PC can open as a link
    seen: list[str] = []
    view.open_folder_requested.connect(seen.append)
    label.linkActivated.emit("more")
    text = label.text()
    assert view.elsewhere_details_shown
    for said in lines:
        assert words_in(said, text), said
    assert text.count("Open this folder") == 2 and "Hide details" in text
    assert label.heightForWidth(width) > 5 * short
    label.linkActivated.emit("1")
    assert seen == ["/home/office/Pictures/Assembly 28 Nov"]
    # what waits changes while the details are open: they stay open, with the new words
    groups = groups[:1]
    view.set_elsewhere(words.waiting_elsewhere(groups, "Facebook", here=8), [groups[0].folder],
                       words.waiting_elsewhere_summary(groups, here=8))
    assert "Assembly" not in label.text() and "Hide details" in label.text()
    label.linkActivated.emit("less")
    assert not view.elsewhere_details_shown
    assert label.text().startswith("6 more photos wait, not open on this PC.")
    # none listed here: not "more"
    assert words.waiting_elsewhere_summary(groups, here=0) == \
        "6 photos wait, not open on this PC."
    assert words.waiting_elsewhere_summary([_group("x", 1)], here=3) == \
        "1 more photo waits, not open on this PC."
    # nothing listed here waits: said of this PC, under the line saying what waits elsewhere
    # (it said "Nothing is waiting for approval." under "6 photos wait, not open on this PC")
    assert view._nothing_waiting() == "Nothing open on this PC is waiting for approval."
    view.set_elsewhere([], [], "")
    assert label.isHidden()
    assert view._nothing_waiting() == "Nothing is waiting for approval."


def words_in(said: str, html: str) -> bool:
    """``said`` is in the label's rich text (escaped as the label escapes it)."""
    from photovet.gui.words import esc

    return esc(said) in html


def test_the_senior_leaders_banner_and_an_approval_said(qtbot, ws, make_window, tmp_path):
    """s37 walk: a senior leader with 7 photos waiting for their approval read "Checked 8
    photos. Nothing is waiting for your decision." (the preparer's decisions), and approving a
    photo took it off the list with nothing saying it was approved."""
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.conftest import APPROVER_NAME, answer, checked_batch, click, sign_in_as
    from tests.gui.fake_engine import FACE_A, FACE_B, FACE_J, make_photo

    win = checked_batch(qtbot, ws, make_window, tmp_path, 3)
    # the preparer: photo_000 has a face PhotoVet is not sure of, theirs to decide
    qtbot.waitUntil(lambda: "1 has a decision for you" in win.message_banner.text())
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()

    def review_menu() -> list[str]:
        menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Review")
        return [a.text() for a in menu.actions() if a.isVisible()]

    # the preparer's decisions are not offered to a senior leader, who makes none (s37 walk)
    assert "Next photo with a decision for you" in review_menu()
    sign_in_as(win, APPROVER_NAME)
    assert "Next photo with a decision for you" not in review_menu(), review_menu()
    win.approval.set_approver_view(True)
    # the senior leader adds a photo from another folder, not prepared yet (a face PhotoVet is
    # not sure of): the batch is checked again
    win.add_paths([str(make_photo(tmp_path / "more" / "photo_000.jpg", colour=(90, 90, 90),
                                  faces=[FACE_A, FACE_B, FACE_J]))])
    qtbot.waitUntil(lambda: win.message_banner.text().startswith("Checked 4 photos."),
                    timeout=15000)
    said = win.message_banner.text()
    assert "Nothing is waiting for your decision" not in said and "for you" not in said, said
    assert "3 wait for approval." in said, said
    assert "1 still open for the preparer (covered until they decide)." in said, said

    # one approved: said beside the next photo, and kept while it is shown
    view = win.photos.batch
    view.set_filter("approval:waiting")
    first = view.shown_items()[0]
    view.select_path(first.path)
    panel = win.photos.approval
    qtbot.waitUntil(lambda: panel.approve_btn.isEnabled(), timeout=5000)
    win.approval.approve()
    assert first.approval == "approved"
    assert view.current_item() is not first
    assert panel.message.text() == f"{first.name} approved for School website.", \
        panel.message.text()
    win.approval.show_state()               # the register's change feed: still said
    assert panel.message.text() == f"{first.name} approved for School website."
    assert panel.message.isVisibleTo(panel)

    # the next one rejected: said beside the photo that comes next, as an approval is (s37 walk:
    # it left the list with nothing saying "rejected")
    from photovet.gui.dialogs.reason import ReasonDialog
    second = view.current_item()
    answer(click("Reject"), kind=ReasonDialog)
    win.approval.reject()
    assert second.approval == "rejected"
    assert second not in view.shown_items()
    assert view.current_item() is not None and view.current_item() is not second
    assert panel.message.text() == f"{second.name} rejected: back with the preparer.", \
        panel.message.text()
    win.approval.show_state()
    assert panel.message.text() == f"{second.name} rejected: back with the preparer."


def test_the_approvers_column_keeps_the_checklist_whole_under_three_banners(
        qtbot, ws, make_window, tmp_path):
    """s37 walk at 1366 x 768: under three banners "What PhotoVet found" was squeezed to 48 px
    (a cut line of a camera's name) and the checklist's last check was cut off into a scroll.
    For an approver what was found is one line, its details on demand; the checklist and the
    Approve and Reject buttons are whole."""
    import time

    from PySide6.QtCore import QPoint, QRect

    from tests.gui.conftest import (
        APPROVER_NAME,
        PREPARER_NAME,
        checked_batch,
        select_photo,
        sign_in_as,
    )
    from tests.gui.conftest import wait_checked as checked
    from tests.gui.fake_engine import TORI
    from tests.gui.test_approval import mark_all_ready

    win = checked_batch(qtbot, ws, make_window, tmp_path, 2, checklist=True)
    panel, tab = win.photos.approval, win.photos
    panel.caption_edit.setText("Year 5 at the sports day, with their teachers and the parents "
                               "who helped")
    mark_all_ready(win)
    time.sleep(1.1)         # a consent changed since: a line more in the panel
    ws.register.set_consent(TORI, "website", "no", requested_by="Mrs Amos (mother), by email",
                            requested_on=dt.date.today(), request_required=True)
    win.ctx.register_changed.emit()
    checked(qtbot, win, 2)
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    win.resize(1366, 700)          # 768 less a title bar and a task bar
    select_photo(win, "photo_000.jpg")
    qtbot.waitUntil(lambda: panel.checks.isVisible(), timeout=5000)
    qtbot.wait(1500)        # the take-down list read after the change (it hid the banner)
    for banner, said in ((win.takedown_banner, "<b>2 photos on the take-down list</b>: a "
                          "family withdrew consent for photos already posted."),
                         (win.approval_banner, "The school's name is not set in the settings: "
                          "photos for School website must not identify the school."),
                         (win.message_banner, "Checked 2 photos. 2 wait for approval.")):
        banner.say(said)
    for _ in range(10):
        QApplication.processEvents()
    assert win.takedown_banner.isVisible() and win.approval_banner.isVisible()

    def rect(w) -> QRect:
        return QRect(w.mapTo(win, QPoint(0, 0)), w.size())

    # what was found: one line, as the panel says it
    assert tab.found_line.isVisible() and not tab.findings_scroll.isVisible()
    assert tab.found_summary.text() == tab.findings.summary.text() != ""
    # the checklist whole, above the buttons, nothing scrolled
    viewport = rect(panel.checks.parentWidget())
    for row in panel.checks.rows:
        assert viewport.contains(rect(row)), (rect(row), viewport)
    assert panel.checks_scroll.verticalScrollBar().maximum() == 0
    buttons = [rect(b) for b in (panel.approve_btn, panel.reject_btn)]
    assert viewport.bottom() < min(b.top() for b in buttons)
    assert all(b.bottom() <= rect(win.centralWidget()).bottom() for b in buttons)
    # its details on demand, and back
    tab.found_toggle.click()
    assert tab.findings_scroll.isVisible() and not tab.found_summary.isVisible()
    tab.found_toggle.click()
    assert not tab.findings_scroll.isVisible() and tab.found_summary.isVisible()
    # s38: "Show all…" is for the photo it was chosen on: the same photo shown again (a
    # check arriving) keeps it, the next photo opens in one line, its checklist whole (it
    # stayed open from photo to photo and squeezed the checklist out of sight)
    tab.found_toggle.click()
    win.review.show_current()
    assert tab.findings_scroll.isVisible() and tab.found_details
    select_photo(win, "photo_001.jpg")
    qtbot.waitUntil(lambda: not tab.findings_scroll.isVisible(), timeout=5000)
    assert tab.found_summary.isVisible() and not tab.found_details
    assert tab.found_toggle.text() == "Show all…"
    select_photo(win, "photo_000.jpg")
    # the preparer's view is as it was: what was found in full
    sign_in_as(win, PREPARER_NAME)
    win.approval.set_approver_view(False)
    assert tab.findings_scroll.isVisible() and not tab.found_line.isVisible()


def test_the_approvers_line_says_how_many_warnings_are_open(qtbot):
    """What was found in one line still says that a warning about the photo is open (its words
    are in the details; a blocking one refuses the approval in the core)."""
    from photovet.gui.views.photos_tab import PhotosTab

    tab = PhotosTab()
    qtbot.addWidget(tab)
    tab.set_approver(True)
    tab.findings.analysis = SimpleNamespace(flags=[SimpleNamespace(open=True),
                                                   SimpleNamespace(open=False)])
    tab.findings.summary_said.emit("No faces found.")
    assert tab.found_summary.text() == ("No faces found. 1 warning about the photo still open "
                                        "(Show all\u2026).")
    tab.findings.analysis = SimpleNamespace(flags=[])
    tab.findings.summary_said.emit("No faces found.")
    assert tab.found_summary.text() == "No faces found."
