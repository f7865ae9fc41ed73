"""s45 walk (PNG 95): under a photo still being checked, the hint said "Click a face or a text
to see why it is shown or covered..." (left from the photo shown before), with nothing to click.
It now says the photo is still being checked; a checked photo gets the clicking hint back."""

from __future__ import annotations

import threading

from tests.gui.conftest import select_photo
from tests.gui.fake_engine import make_batch, write_register


def test_the_hint_under_a_photo_still_being_checked_says_so(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 4)
    gate, engines = threading.Event(), []
    win = make_window(faces, gate=gate, engines=engines)
    try:
        win.add_paths([str(p) for p in paths])
        qtbot.waitUntil(lambda: bool(engines) and len(engines[0].calls) >= 1, timeout=15000)
        model = win.batch.model
        checked = [it for it in model.items if it.analysis is not None]
        waiting = [it for it in model.items if it.analysis is None]
        assert waiting, "every photo was checked before the gate"
        view = win.photos.photo
        if checked:       # a checked photo first: its hint is the clicking one
            select_photo(win, checked[0].name)
            qtbot.waitUntil(lambda: view.canvas.analysis is not None, timeout=5000)
            assert "Click a face" in view.hint.text() or "Amber" in view.hint.text()
        select_photo(win, waiting[-1].name)
        qtbot.waitUntil(lambda: "Still being checked" in view.canvas.message, timeout=5000)
        hint = view.hint.text()
        assert "still being checked" in hint and "Click a face" not in hint, hint
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not win.batch.checking, timeout=15000)
    select_photo(win, waiting[-1].name)
    qtbot.waitUntil(lambda: win.photos.photo.canvas.analysis is not None, timeout=5000)
    assert "still being checked" not in win.photos.photo.hint.text()
    win.close()
