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
