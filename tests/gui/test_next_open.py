"""s41 walk: after "Checked 16 photos. 10 have a decision for you", the link showed the
photos with a decision with the second of them chosen (IMG_0005), not the first (IMG_0004):
the photo chosen before (IMG_0001, nothing to decide) left the list, Qt chose the first row
in its place, and "next" then moved one on from it. The next photo with a decision is the
first one after the photo that was chosen, in the batch's order."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import wait_checked
from tests.gui.fake_engine import FACE_J, JOEL, make_batch, write_register


def chosen(win) -> str:
    return Path(win.photos.batch.current_item().path).name


def batch_with_decisions(qtbot, ws, make_window, tmp_path, open_ones):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 5)
    faces["photo_000.jpg"] = []
    for name in open_ones:
        faces[name] = [(FACE_J, JOEL, "uncertain")]
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 5)
    return win, paths


def test_the_link_chooses_the_first_photo_with_a_decision(qtbot, ws, make_window, tmp_path):
    win, paths = batch_with_decisions(qtbot, ws, make_window, tmp_path,
                                      ["photo_002.jpg", "photo_003.jpg"])
    batch = win.photos.batch
    batch.set_filter("all")
    assert batch.select_path(str(paths[0]))          # nothing to decide in it
    win.link("review")                                # "2 have a decision for you"
    qtbot.wait(50)
    assert chosen(win) == "photo_002.jpg"
    win.next_open()                                   # Ctrl+J: the next one
    qtbot.wait(50)
    assert chosen(win) == "photo_003.jpg"


def test_next_after_a_photo_without_a_decision_is_the_next_one_in_the_batch(
        qtbot, ws, make_window, tmp_path):
    win, paths = batch_with_decisions(qtbot, ws, make_window, tmp_path,
                                      ["photo_001.jpg", "photo_004.jpg"])
    batch = win.photos.batch
    batch.set_filter("all")
    assert batch.select_path(str(paths[2]))          # between the two with a decision
    win.next_open()
    qtbot.wait(50)
    assert chosen(win) == "photo_004.jpg"
    # after the last one with a decision: the first one (not the last one again)
    batch.set_filter("all")
    assert batch.select_path(str(paths[0]))
    win.next_open()
    qtbot.wait(50)
    assert chosen(win) == "photo_001.jpg"


def test_next_from_the_last_photo_with_a_decision_goes_round_to_the_first(
        qtbot, ws, make_window, tmp_path):
    """s41 (review_burden bench): on the last photo with a decision, still open, "next" stayed
    on it: a photo with a decision left open before it was never offered again."""
    win, paths = batch_with_decisions(qtbot, ws, make_window, tmp_path,
                                      ["photo_001.jpg", "photo_003.jpg"])
    batch = win.photos.batch
    batch.set_filter("needs-review")
    assert batch.select_path(str(paths[3]))          # the last one, its question left open
    win.next_open()
    qtbot.wait(50)
    assert chosen(win) == "photo_001.jpg"
    win.next_open()
    qtbot.wait(50)
    assert chosen(win) == "photo_003.jpg"
