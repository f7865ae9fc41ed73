"""Audit (second term), finding 13: the line under the photo said only "right-click" and "F";
face decisions are reachable from the keyboard (F chooses a face, the Menu key opens its
choices; or Tab to the list on the right). Both are said, and the Menu key works on the photo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from photovet.gui.views.photo_view import FACE
from tests.gui.conftest import select_photo, wait_checked
from tests.gui.fake_engine import make_batch, write_register


def test_the_keyboard_way_to_a_faces_choices_is_said_and_works(qtbot, ws, make_window,
                                                               tmp_path, monkeypatch):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 1)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 1)
    select_photo(win, "photo_000.jpg")
    win.review.keep_rest()                              # nothing open: the "select" hint
    photo = win.photos.photo
    canvas = photo.canvas
    qtbot.waitUntil(lambda: canvas.analysis is not None, timeout=5000)
    hint = photo.hint.text()
    assert "right-click" in hint and "Menu key" in hint and "Tab to the list" in hint
    asked = []
    monkeypatch.setattr(win.review, "context_menu",
                        lambda kind, index, gpos: asked.append((kind, index)))
    canvas.context_requested.disconnect()
    canvas.context_requested.connect(win.review.context_menu)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Menu)              # nothing chosen yet: nothing opens
    assert asked == []
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    assert canvas.selection == (FACE, 1)
    qtbot.keyClick(canvas, Qt.Key.Key_Menu)
    qtbot.keyClick(canvas, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert asked == [(FACE, 1), (FACE, 1)]
