"""s41 walk: the Approval pane said "Choose a photo." while a photo was chosen and still
being checked ("What PhotoVet found" above it said it was being checked). It says the photo
is still being checked and what can be done once it is (the core's words)."""

from __future__ import annotations

import threading
from pathlib import Path

from photovet.core.words import approval_while_checking
from tests.gui.conftest import wait_checked
from tests.gui.fake_engine import make_batch, write_register


def test_the_approval_pane_says_a_chosen_photo_is_still_being_checked(qtbot, ws, make_window,
                                                                      tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 2)
    opened = threading.Event()
    win = make_window(faces, gate=opened)
    try:
        win.add_paths([str(p) for p in paths])
        qtbot.waitUntil(lambda: len(win.batch.model.items) == 2, timeout=15000)
        win.photos.batch.set_filter("all")
        assert win.photos.batch.select_path(str(paths[1]))
        qtbot.wait(50)
        item = win.review.current()
        assert item is not None and Path(item.path).name == "photo_001.jpg"
        assert item.analysis is None                    # still being checked
        said = win.photos.approval.state_label.text()
        assert said == approval_while_checking("photo"), said
        assert said == ("This photo is still being checked: it can be marked ready once "
                        "PhotoVet has finished.")
    finally:
        opened.set()
    wait_checked(qtbot, win, 2, timeout=30000)
    qtbot.wait(100)
    assert "still being checked" not in win.photos.approval.state_label.text()
    win.close()


def test_the_words_for_an_approver_and_a_video():
    assert approval_while_checking("video", approver=True) == (
        "This video is still being checked: it can be approved once PhotoVet has finished.")
