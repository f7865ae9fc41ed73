"""Menu items offered only when they can act (s51 walk).

Approve > "Delete this rejected original now..." was offered for a photo nobody had
rejected (s51 walk): it asked "Delete the original photo IMG_0001.jpg now?" and, answered Yes,
the core refused ("only a photo a senior leader has rejected can be deleted at once"). It is
offered only for a rejected photo (the core's ``rejections_of``), the tooltip saying why not."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication

from photovet.gui.views.batch_view import ItemRole
from tests.gui.conftest import APPROVER_NAME, PREPARER_NAME, sign_in_as
from tests.gui.test_sign_in import window  # noqa: F401 - fixture

DELETE = "Delete this rejected original now\u2026"


def _approve_menu(win):
    return next(a.menu() for a in win.menuBar().actions() if a.text() == "&Approve")


def test_delete_now_is_offered_only_for_a_rejected_photo(window, ws):  # noqa: F811
    menu = _approve_menu(window)
    delete = next(a for a in menu.actions() if a.text() == DELETE)
    view = window.photos.batch
    view.list.setCurrentIndex(view.proxy.index(0, 0))
    item = view.current_item()
    assert item is not None and window.ctx.session.allowed("originals.delete")
    menu.aboutToShow.emit()
    assert not delete.isEnabled()
    assert "Only a photo a senior leader rejected can be deleted at once." in delete.toolTip()
    ws.approvals.mark_ready(item.analysis)
    menu.aboutToShow.emit()
    assert not delete.isEnabled(), "marked ready is not rejected"
    sign_in_as(window, APPROVER_NAME)
    ws.approvals.reject(item.analysis, comment="a pupil's address on the fridge")
    sign_in_as(window, PREPARER_NAME)
    if view.current_item() is None:              # signing in again may leave none chosen
        row = next(r for r in range(view.proxy.rowCount())
                   if view.proxy.index(r, 0).data(ItemRole).path == item.path)
        view.list.setCurrentIndex(view.proxy.index(row, 0))
    assert view.current_item().path == item.path
    menu.aboutToShow.emit()
    assert delete.isEnabled(), delete.toolTip()
    assert "Only a photo" not in delete.toolTip()
    view.list.setCurrentIndex(view.proxy.index(1, 0))      # the other photo: not rejected
    assert not delete.isEnabled()


def test_stop_checking_is_offered_only_while_photos_are_checked(qtbot, ws, make_window,
                                                               tmp_path):
    """s51 walk: Review > Stop checking was offered with nothing being checked, and did
    nothing. Greyed out then, saying why; offered while photos are checked (each check held
    at the engine's gate until the menu was looked at)."""
    from tests.gui.fake_engine import make_batch

    gate = threading.Event()
    engines: list = []
    win = make_window(gate=gate, engines=engines)
    review = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Review")
    review.aboutToShow.emit()
    assert not win.batch.checking and not win.act_stop.isEnabled()
    assert win.act_stop.toolTip() == "Nothing is being checked now."
    paths, _faces = make_batch(tmp_path / "more", 3)
    try:
        win.add_paths([str(p) for p in paths])
        qtbot.waitUntil(lambda: any(e.calls for e in engines), timeout=10000)
        assert win.batch.checking                   # a check is waiting at the gate
        review.aboutToShow.emit()
        assert win.act_stop.isEnabled()
        assert win.act_stop.toolTip().startswith("Stop checking the photos not checked yet")
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not win.batch.checking, timeout=15000)
    review.aboutToShow.emit()
    assert not win.act_stop.isEnabled()


def test_k_keeps_the_rest_covered_only_from_the_photos(qtbot, ws, make_window, tmp_path):
    """s51 walk: K typed in the consent register's list (to find "Kessler") recorded "keep the
    rest covered" for the photo chosen in the Photos tab, out of sight. K decides only from the
    photos; the Review menu offers it only while they are on screen."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.gui.conftest import checked_batch, select_photo

    win = checked_batch(qtbot, ws, make_window, tmp_path, 3)
    item = next(it for it in win.batch.model.items if it.analysis and it.analysis.needs_review)
    select_photo(win, item.path.rsplit("/", 1)[1])
    before = len(ws.audit.rows(action="review.keep-rest-covered"))
    win.tabs.setCurrentIndex(1)
    table = win.register_view.table
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_K)
    QApplication.processEvents()
    assert len(ws.audit.rows(action="review.keep-rest-covered")) == before
    assert item.analysis.needs_review
    review = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Review")
    review.aboutToShow.emit()
    assert not win.act_keep.isEnabled()
    win.tabs.setCurrentIndex(0)
    review.aboutToShow.emit()
    assert win.act_keep.isEnabled()
    win.photos.batch.list.setFocus()
    QTest.keyClick(win.photos.batch.list, Qt.Key.Key_K)
    QApplication.processEvents()
    assert len(ws.audit.rows(action="review.keep-rest-covered")) == before + 1


def test_v_switches_what_will_be_published_only_from_the_photos(qtbot, ws, make_window,
                                                                 tmp_path):
    """V typed in the consent register's list switched the photo view out of sight; from the
    photos (the list or the picture) it still does."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.gui.conftest import checked_batch, select_photo

    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    select_photo(win, "photo_000.jpg")
    button = win.photos.photo.after_button
    shown = button.isChecked()
    win.tabs.setCurrentIndex(1)
    win.register_view.table.setFocus()
    QTest.keyClick(win.register_view.table, Qt.Key.Key_V)
    QApplication.processEvents()
    assert button.isChecked() == shown
    win.tabs.setCurrentIndex(0)
    win.photos.batch.list.setFocus()
    QTest.keyClick(win.photos.batch.list, Qt.Key.Key_V)
    QApplication.processEvents()
    assert button.isChecked() != shown


def test_the_next_photo_with_a_decision_is_shown_from_the_register_tab(qtbot, ws, make_window,
                                                                        tmp_path):
    """Review > Next photo with a decision (Ctrl+J, or the banner's link) from the consent
    register's tab chose it in the Photos tab, out of sight: the photos are shown with it."""
    from tests.gui.conftest import checked_batch

    win = checked_batch(qtbot, ws, make_window, tmp_path, 3)
    win.tabs.setCurrentIndex(1)
    win.link("review")
    assert win.tabs.currentIndex() == 0 and win.photos_stack.currentWidget() is win.photos
    item = win.photos.batch.current_item()
    assert item is not None and item.analysis.needs_review
