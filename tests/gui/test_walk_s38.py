"""s38 walk of the office's and the senior leader's day at 1366 x 768: once "Approve all shown"
emptied the approver's list, "Show the boxes" stayed bright blue with no photo (a button that
did nothing) and "Show all…" opened an empty list of what was found."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from photovet.gui.views.photo_view import PhotoView
from photovet.gui.views.photos_tab import PhotosTab


def test_show_all_is_offered_for_a_photo_only_and_resets_with_none(qtbot):
    tab = PhotosTab()
    qtbot.addWidget(tab)
    tab.set_approver(True)
    tab.show()
    assert not tab.found_toggle.isVisibleTo(tab)        # nothing shown yet
    tab.showing("/photos/IMG_0001.jpg")
    assert tab.found_toggle.isVisibleTo(tab)
    tab.show_found_details(True)
    tab.showing("/photos/IMG_0001.jpg")                 # the same photo again: kept
    assert tab.found_details
    tab.showing(None)                                   # the list emptied: one line, no link
    assert not tab.found_details and not tab.found_toggle.isVisibleTo(tab)
    assert tab.found_summary.isVisibleTo(tab)


def test_what_will_be_published_is_greyed_with_no_photo_even_when_it_was_on(qtbot):
    view = PhotoView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    button = view.after_button
    button.setEnabled(True)
    button.setChecked(True)                             # the approver's view: published
    QApplication.processEvents()
    on = button.grab().toImage().pixelColor(4, button.height() // 2)
    assert on == QColor("#1565c0"), on.name()
    view.clear()
    QApplication.processEvents()
    assert not button.isEnabled() and button.isChecked()
    off = button.grab().toImage().pixelColor(4, button.height() // 2)
    assert off.name() != "#1565c0" and off.saturationF() < 0.3, off.name()


def test_photos_added_with_none_for_the_choice_are_not_called_none(qtbot, ws, make_window,
                                                                     tmp_path):
    """The senior leader's window opened on "Waiting for approval (0)" beside 41 approved
    photos read "Add photos to start" (said before the batch was read, never again)."""
    from photovet.gui.views.photo_view import NOTHING_ADDED
    from tests.gui.conftest import wait_checked
    from tests.gui.fake_engine import make_batch

    paths, faces = make_batch(tmp_path / "photos", 2)
    win = make_window(faces)
    view, canvas = win.photos.batch, win.photos.photo.canvas
    view.filter_combo.setCurrentIndex(view.filter_combo.findData("approval:rejected"))
    assert canvas.message == NOTHING_ADDED
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 2)
    assert view.filter_combo.currentData() == "approval:rejected"
    qtbot.waitUntil(lambda: canvas.message != NOTHING_ADDED, timeout=5000)
    assert win.review.current() is None
    assert canvas.message == ("Nothing in this batch is \u201cRejected\u201d now. To see "
                              "the others, choose \u201cShow all photos\u201d on the left.")


def test_mark_all_shown_ready_with_an_empty_list_says_the_list_is_empty(qtbot, make_window):
    """It said "every photo the list shows is already ready" when the list showed none."""
    win = make_window({})
    win.approval.mark_all_shown_ready()
    panel = win.photos.approval
    assert panel.message.text() == ("Nothing to mark: the list shows no photos. Add photos, "
                                     "or change what it shows in \u201cShow:\u201d above it.")
