"""The window fits a school office screen (1366 x 768): no label, banner or status text can make
its minimum width larger than the screen (the audit saw it grow to 1410 px while checking, after
approving and with the take-down banner, cutting off "Mark all shown ready...", "Reject" and the
signed-in name)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.gui.conftest import (
    APPROVER_NAME,
    ONLY_PREPARER,
    row_in_view,
    select_photo,
    sign_in_as,
    wait_checked,
    wait_settled,
)
from tests.gui.fake_engine import make_batch, write_register

SCREEN_WIDTH = 1366
COUNT = ("11 photos and 1 video \u00b7 4 yours to decide \u00b7 1 could not be checked \u00b7 "
         "4 being checked \u00b7 6 approved \u00b7 2 rejected \u00b7 3 ready for approval")


def min_width(win) -> int:
    QApplication.processEvents()
    win.centralWidget().layout().activate()
    win.layout().activate()
    return win.minimumSizeHint().width()


def test_long_texts_never_make_the_window_wider_than_the_screen(qtbot, ws, make_window,
                                                                tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 3)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    assert min_width(win) <= SCREEN_WIDTH

    win.photos.batch.count_label.setText(COUNT)                       # while checking
    win.status.progress_to(4, 12, f"Checking 11 photos and 1 video\u2026 {COUNT}")
    win.who.setText("Signed in: Mrs Josephine Patel-Okonkwo (Preparer, Approver (senior "
                    "leader), Poster, Admin)")
    assert min_width(win) <= SCREEN_WIDTH
    win.takedown_banner.say("<b>Take these down now:</b> 3 posts show someone whose consent "
                            "was withdrawn since they were posted (School website, Facebook, "
                            "Newsletter). <a href='takedown'>Open the take-down list</a> " * 3)
    win.message_banner.say(COUNT + " <a href='review'>Review</a> <a href='hide'>Hide</a>")
    win.problem("PhotoVet could not start its checking process, so photos cannot be "
                "checked. " * 3)
    assert min_width(win) <= SCREEN_WIDTH

    sign_in_as(win, APPROVER_NAME)                                    # the approver's view
    win.photos.approval.say("not every check is ticked: " + "; ".join(
        f"'{c}'" for c in ws.settings.checklist.checks), error=True)
    assert min_width(win) <= SCREEN_WIDTH
    # the whole sentence is still there, for the tooltip and for a wider window
    assert win.status.label.text().startswith("Checking 11 photos and 1 video\u2026 11 photos")
    assert win.status.label.toolTip() == win.status.label.text()
    win.resize(SCREEN_WIDTH, 768)
    QApplication.processEvents()
    assert win.width() <= SCREEN_WIDTH
    # ...and the signed-in name still gets its room in the status bar (cut, never squeezed out)
    assert win.who.isVisible() and win.who.width() >= 160


LAPTOP_WIDTH = 1024


def test_the_window_fits_a_small_school_laptop_with_a_photo_or_a_video_open(qtbot, ws,
                                                                             make_window,
                                                                             tmp_path):
    """1024 x 768 (small school laptops): the window was at least 1293 px wide, the list of
    findings and the approval buttons off the screen. The video player's row of buttons set
    the width of the middle even with a photo on screen, and the empty batch's two buttons
    side by side and the longest "Show:" choice set the list's."""
    win = make_window({})
    assert min_width(win) <= LAPTOP_WIDTH                               # nothing added yet
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 3)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    assert min_width(win) <= LAPTOP_WIDTH                               # a photo on screen
    win.photos.media.setCurrentWidget(win.photos.video)
    assert min_width(win) <= LAPTOP_WIDTH                               # a video on screen
    win.photos.media.setCurrentWidget(win.photos.photo)
    win.resize(LAPTOP_WIDTH, 768)
    QApplication.processEvents()
    assert win.width() <= LAPTOP_WIDTH
    # the findings and the approval buttons are on the screen, not pushed off its right edge
    side = win.photos.splitter.widget(2)
    assert side.isVisible() and side.mapTo(win, side.rect().topRight()).x() <= LAPTOP_WIDTH


def test_the_wide_dialogs_are_never_wider_than_the_screen(qtbot, monkeypatch):
    """The take-down list (1100 px) and the exports (1100 px) opened wider than a 1024 px
    laptop: the Close button and the end of every line were off the screen."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    from photovet.gui.dialogs.takedown import TakedownDialog

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1024, 728))
    dlg = TakedownDialog()
    qtbot.addWidget(dlg)
    assert dlg.width() <= 1024 and dlg.height() <= 728
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1920, 1040))
    roomy = TakedownDialog()
    qtbot.addWidget(roomy)
    assert roomy.width() == 1100          # a big screen keeps the room it was given


def test_the_toolbar_fits_a_small_laptop_with_getting_started_on_it(qtbot, ws, make_window):
    """The walkthrough (round 30): at 1024 px the toolbar overflowed into "\u00bb", hiding
    "Getting started (1 of 5)", the first-run help. It fits, even with a school's own channel
    with a long name in "Post to:"."""
    from PySide6.QtWidgets import QToolBar, QToolButton

    ws.channels.add("parish", "The parish magazine and the Oakfield village newsletter")
    win = make_window()
    win.resize(LAPTOP_WIDTH, 768)
    QApplication.processEvents()
    assert win.act_setup.isVisible() and win.act_setup.text().startswith("Getting started (")
    tb = win.findChild(QToolBar, "MainToolbar")
    for action in tb.actions():
        button = tb.widgetForAction(action)
        if action.isVisible() and button is not None:
            assert button.isVisible(), action.text()
            assert button.mapTo(win, button.rect().topRight()).x() <= LAPTOP_WIDTH
    ext = tb.findChild(QToolButton, "qt_toolbar_ext_button")
    assert ext is None or not ext.isVisible()
    assert win.act_folder.text() == "Add a folder\u2026"      # the whole words in the menu


def test_the_list_of_faces_and_text_keeps_its_rows_under_two_questions(qtbot, ws, make_window,
                                                                      tmp_path):
    """The walkthrough (round 30, shots 27 and 30): under two question cards the list of faces
    and text shrank to 1.5 lines, inside three nested scroll bars. The list is as tall as its
    rows (at least LIST_MIN_HEIGHT) and the panel scrolls as one; the questions' buttons can
    all be reached."""
    from PySide6.QtWidgets import QPushButton, QScrollArea

    from photovet.gui.views.findings import FindingsPanel

    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 1)
    box = [(40, 300), (220, 300), (220, 330), (40, 330)]
    texts = {paths[0].name: [(box, "Jeff Kravitz", None, "name-like"),
                             (box, "BARU", None, "name-like")]
             + [(box, f"Sign number {i} on the wall", None, "") for i in range(8)]}
    win = make_window(faces, texts)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 1)
    win.resize(1366, 768)
    QApplication.processEvents()
    panel, tree = win.photos.findings, win.photos.findings.tree
    select_photo(win, paths[0].name)
    QApplication.processEvents()

    # the photo's preview loaded and what will be published painted: each of those shows the
    # photo again, which builds its rows anew (s54: a full CI run saw a card's button deleted
    # under this test as the preview arrived)
    wait_settled(qtbot, win)
    QApplication.processEvents()
    assert len(panel.cards) >= 2, [(t.text, t.decision, t.needs_review, t.kind)
                                   for t in panel.analysis.texts]
    QApplication.processEvents()
    rows = sum(tree.visualItemRect(tree.topLevelItem(i)).height()
               for i in range(tree.topLevelItemCount()))
    assert rows > 0
    assert tree.height() >= FindingsPanel.LIST_MIN_HEIGHT
    assert not tree.verticalScrollBar().isVisible()            # the list never scrolls itself
    def inner() -> list:
        return [s for s in panel.findChildren(QScrollArea)
                if s.isVisible() and s.verticalScrollBar().isVisible()]

    # one scroll area: the panel's. Qt settles a scroll area's bars in posted layout events, so
    # the settled state is asked for (s45: one full run like CI's saw the photo's details area
    # (FitScroll) with its bar shown; never alone, in 3 + 3 runs of the module; a bar that
    # stays still fails here)
    try:
        qtbot.waitUntil(lambda: inner() == [], timeout=3000)
    except Exception:
        pass
    assert inner() == []
    assert win.photos.findings_scroll.verticalScrollBar().maximum() > 0   # and it scrolls
    for card in panel.cards:
        for b in card.findChildren(QPushButton):
            if b.isVisibleTo(card):
                win.photos.findings_scroll.ensureWidgetVisible(b)
                # scrolled there in posted layout events, as the bars above (s48: one full
                # run on 7b3f68d saw "Yes, it is Joel" not yet in view after one round of them)
                try:
                    qtbot.waitUntil(lambda b=b: not b.visibleRegion().isEmpty(), timeout=3000)
                except Exception:
                    pass
                assert not b.visibleRegion().isEmpty(), b.text()
    last = tree.topLevelItem(1).child(tree.topLevelItem(1).childCount() - 1)
    tree.setCurrentItem(last)                                   # chosen: scrolled into view

    # once the layouts waiting to run have run, as above (s54: a full CI run saw the row 80 px
    # below the panel's edge after one round of them)
    qtbot.waitUntil(lambda: row_in_view(win, last), timeout=3000)


LONG_SUMMARY = ("312 pupils \u00b7 41 staff \u00b7 298 enrolled (face photo) \u00b7 12 do not "
                "photograph \u00b7 3 rows rejected at import (2 in the register) \u00b7 14 not in "
                "the MIS file \u00b7 22 left school (always covered)")


def room_asked(win) -> int:
    """The window's least width, and the three panels' own least widths (a fixed minimum such as
    the side panel's 300 px counted) with the splitter's handles and the window's margins. Every
    layout is measured afresh: a hidden tab's keeps its old size until something lays it out
    again (live, opening a video did), yet a tab widget is as wide as its widest tab."""
    from PySide6.QtWidgets import QWidget

    for w in [win, *win.findChildren(QWidget)]:
        if w.layout() is not None:
            w.layout().invalidate()
            w.layout().activate()
    split = win.photos.splitter
    panels = sum(max(split.widget(i).minimumWidth(), split.widget(i).minimumSizeHint().width())
                 for i in range(split.count()))
    margins = win.width() - split.width()
    return max(min_width(win), panels + (split.count() - 1) * split.handleWidth() + margins)


def test_a_video_open_at_1024_for_the_preparer_and_the_approver_with_a_full_register(
        qtbot, ws, make_window, tmp_path):
    """s46 walk (PNG 35): at 1024 x 768, signed in as the approver with a video open, the window
    grew to 1253 px and stayed: the Approve button and the findings were off the screen. The
    hidden Consent register tab's one-line summary (rejected rows, people not in the MIS file,
    leavers) asked 858 px, and a tab widget is as wide as its widest page."""
    from tests.core.test_video_workflow import SquareFaces, make_video

    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 1)
    clip = make_video(tmp_path / "photos" / "assembly.mp4")
    win = make_window(faces, face_engine=SquareFaces())
    win.register_view.summary.setText(LONG_SUMMARY)
    win.add_paths([str(p) for p in paths] + [str(clip)])
    wait_checked(qtbot, win, 2, timeout=60000)
    for name in (ONLY_PREPARER, APPROVER_NAME):
        sign_in_as(win, name)
        QApplication.processEvents()
        win.register_view.summary.setText(LONG_SUMMARY)
        select_photo(win, clip.name)
        qtbot.waitUntil(lambda: win.photos.video.canvas.image is not None, timeout=15000)
        win.resize(LAPTOP_WIDTH, 768)
        QApplication.processEvents()
        assert room_asked(win) <= LAPTOP_WIDTH, name
        assert win.width() <= LAPTOP_WIDTH, name
        side = win.photos.splitter.widget(2)
        assert side.mapTo(win, side.rect().topRight()).x() <= LAPTOP_WIDTH, name
        # the keys' hint beside the video's buttons: on two lines at most, or not drawn (at
        # 1024 it stood one letter wide and 9 lines tall, pushing the timeline down)
        hint = win.photos.video.keys_hint
        line = hint.fontMetrics().lineSpacing()
        assert hint.height() <= 2 * line + 8, (name, hint.width(), hint.height())
    # the whole summary is still there, on more lines
    assert win.register_view.summary.text() == LONG_SUMMARY
