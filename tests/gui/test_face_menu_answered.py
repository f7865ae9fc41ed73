"""Audit (second term), finding 13: after "No, it is not Joel" the face's menu still offered
"No, it is not Joel". The menu shows what the core offers (Reviewer.face_choices)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication

from photovet.gui.views.photo_view import FACE
from tests.gui.conftest import select_photo, wait_checked
from tests.gui.fake_engine import make_batch, write_register


def menu_of(window, index: int) -> list[str]:
    seen: list = []

    def look() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, look)
            return
        seen.append([act.text() for act in menu.actions() if act.text()])
        menu.close()

    QTimer.singleShot(20, look)
    window.review.context_menu(FACE, index, QPoint(0, 0))
    return seen[0]


def test_no_it_is_not_is_offered_once(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 1)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 1)
    select_photo(win, "photo_000.jpg")
    menu = menu_of(win, 2)                             # Joel, uncertain
    assert "Yes, it is Joel" in menu and "No, it is not Joel" in menu
    assert win.review.face_action(2, "no")
    menu = menu_of(win, 2)
    assert "No, it is not Joel" not in menu
    assert "Yes, it is Joel" in menu and "Undo my decisions about this face" in menu
    assert win.review.face_action(2, "yes")
    menu = menu_of(win, 2)
    assert "Yes, it is Joel" not in menu and "No, it is not Joel" not in menu
