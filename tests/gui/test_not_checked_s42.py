"""s42 walks: photos nobody is checking said as not checked.

After the Stop button (and after the register's server went away mid-check: test_other_pcs),
the tiles still said "Checking..." and the list "10 being checked" for photos nobody was
checking; only the banner said the truth. Now their tiles say "Not checked yet", the count says
how many with a link to check them, the photo view and the approval pane say so and what to do,
and "check them now" checks them."""

from __future__ import annotations

import threading

from photovet.gui.views.batch_view import NOT_CHECKED
from tests.gui.conftest import select_photo
from tests.gui.fake_engine import make_batch, write_register


def test_photos_left_by_the_stop_button_say_not_checked_yet_and_can_be_checked(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 6)
    gate, engines = threading.Event(), []
    win = make_window(faces, gate=gate, engines=engines)
    try:
        win.add_paths([str(p) for p in paths])
        qtbot.waitUntil(lambda: bool(engines) and len(engines[0].calls) >= 1, timeout=15000)
        win.batch.stop_checking()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not win.batch.checking, timeout=15000)
    model = win.batch.model
    left = model.unanalysed_paths()
    assert left, "the stop came after every photo was checked"
    said = {it.status_text() for it in model.items if it.analysis is None}
    assert said == {"Not checked yet"}, said
    assert all(it.status == NOT_CHECKED for it in model.items if it.analysis is None)
    line = win.photos.batch.count_label.text()
    assert f"{len(left)} <a href='recheck'>not checked yet: check them now</a>" in line, line
    assert "being checked" not in line, line
    combo = win.photos.batch.filter_combo
    assert f"Not checked yet ({len(left)})" in [combo.itemText(i) for i in range(combo.count())]
    assert "Still being checked (0)" in [combo.itemText(i) for i in range(combo.count())]
    # the photo itself: why, and what to do, not "Still being checked..."
    item = next(it for it in model.items if it.analysis is None)
    select_photo(win, item.name)
    canvas = win.photos.photo.canvas
    qtbot.waitUntil(lambda: "Not checked yet" in canvas.message, timeout=5000)
    assert "Checking was stopped before this photo was checked." in canvas.message
    assert "check them now" in canvas.message
    approval = win.photos.approval.state_label.text()
    assert "not checked yet" in approval and "still being checked" not in approval, approval
    # "check them now" in the count: checked, and the tiles say so as they are
    win.photos.batch.count_label.linkActivated.emit("recheck")
    qtbot.waitUntil(lambda: not model.unanalysed_paths() and not win.batch.checking,
                    timeout=15000)
    assert "Not checked yet" not in {it.status_text() for it in model.items}
    assert "not checked yet" not in win.photos.batch.count_label.text()
    win.close()
