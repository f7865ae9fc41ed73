"""Approve > "Delete this rejected original now..." was offered for a photo nobody had
rejected (s51 walk): it asked "Delete the original photo IMG_0001.jpg now?" and, answered Yes,
the core refused ("only a photo a senior leader has rejected can be deleted at once"). It is
offered only for a rejected photo (the core's ``rejections_of``), the tooltip saying why not."""

from __future__ import annotations

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
