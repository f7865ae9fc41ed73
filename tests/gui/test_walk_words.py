"""Words the s32 walk found wrong for what was on screen: the empty window asked to choose a
photo from an empty batch; "What PhotoVet found" asked to choose a photo while the chosen
one was being checked; the export's example file name was not the batch's."""

from __future__ import annotations

from photovet.gui.views.photo_view import NOTHING_ADDED


def test_the_empty_window_says_to_add_photos(make_window):
    win = make_window()
    assert win.photos.photo.canvas.message == NOTHING_ADDED
    assert "Choose a photo" not in win.photos.photo.canvas.message


def test_what_photovet_found_says_a_chosen_photo_is_being_checked(make_window):
    win = make_window()
    findings = win.photos.findings
    findings.show_analysis(None, {}, checking=True)
    assert findings.summary.text() == ("Still being checked: what PhotoVet finds in this photo "
                                       "is listed here.")
    findings.show_analysis(None, {})
    assert findings.summary.text() == "Choose a photo to see what PhotoVet found in it."


def test_an_empty_consent_history_says_so(qtbot, ws, make_window, tmp_path):
    from photovet.gui.dialogs.person import PersonDialog
    from tests.gui.fake_engine import REGISTER_ROWS, SAM, write_register

    # Sam's UPN on two rows: both rejected, nothing recorded for them (the walk's Sophie)
    twin = [SAM, "Brown", "Samuel", *REGISTER_ROWS[2][3:]]
    ws.import_register(write_register(tmp_path / "a.csv", [*REGISTER_ROWS, twin]),
                       skip_invalid=True)
    win = make_window()
    page = PersonDialog(win.ctx, SAM, parent=win)
    qtbot.addWidget(page)
    assert page.history.rowCount() == 1
    assert page.history.item(0, 0).text() == "No consent recorded for them yet."
    assert page.history.columnWidth(0) > page.history.fontMetrics().horizontalAdvance("Entered")


def test_a_double_click_in_the_register_opens_one_page(qtbot, ws, make_window, tmp_path):
    """Walk s32: a double-click is also an "activated" (Enter): two pages opened, one on the
    other, and Close seemed to do nothing the first time."""
    from PySide6.QtWidgets import QApplication

    from photovet.gui.dialogs.person import PersonDialog
    from tests.gui.fake_engine import write_register

    ws.import_register(write_register(tmp_path / "a.csv"))
    win = make_window()
    view = win.register_view
    win.tabs.setCurrentWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: view.table.isVisible() and view.table.model().rowCount() > 0,
                    timeout=5000)
    table = view.table
    index = table.model().index(0, 0)
    # what a double-click makes the table say (on Windows and Linux styles: both signals)
    table.doubleClicked.emit(index)
    table.activated.emit(index)
    QApplication.processEvents()
    pages = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, PersonDialog) and w.isVisible()]
    assert len(pages) == 1
    pages[0].accept()
