"""Audit (second term), finding 12: with Show: "Yours to decide", pressing K (keep the rest
covered) took the photo out of the list and the view jumped to another photo; the next
"Mark ready" then acted on that other photo. The photo just answered stays chosen (and in the
list) until the person moves on; then the list drops it."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import wait_checked
from tests.gui.fake_engine import FACE_J, JOEL, make_batch, write_register


def names(win) -> list[str]:
    return [Path(it.path).name for it in win.photos.batch.shown_items()]


def test_answering_the_last_question_keeps_the_photo_until_the_person_moves_on(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 3)
    faces["photo_001.jpg"] = [(FACE_J, JOEL, "uncertain")]
    faces["photo_002.jpg"] = [(FACE_J, JOEL, "uncertain")]
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    batch = win.photos.batch
    batch.set_filter("needs-review")
    assert names(win) == ["photo_000.jpg", "photo_001.jpg", "photo_002.jpg"]
    assert batch.select_path(str(paths[1]))
    assert win.review.keep_rest()                           # K on photo_001
    qtbot.wait(50)                                          # the list settles
    assert not win.review.current().analysis.needs_review
    # still on the photo just answered, and it is still in the list
    assert Path(win.review.current().path).name == "photo_001.jpg"
    assert Path(batch.current_item().path).name == "photo_001.jpg"
    assert "photo_001.jpg" in names(win)
    # walk5: "Yours to decide (1)" above two tiles said nothing of the one just decided
    said = batch.count_label.text()
    assert said.endswith("photo_001.jpg stays listed until you move on (no longer "
                         "\u201cYours to decide\u201d)"), said
    # what the next button acts on is that photo
    assert win.photos.photo.title.text().startswith("photo_001.jpg")
    # moving on: the next photo, and the answered one leaves the list
    batch.move(1)
    qtbot.wait(50)
    assert Path(batch.current_item().path).name == "photo_002.jpg"
    assert names(win) == ["photo_000.jpg", "photo_002.jpg"]
    assert "stays listed" not in batch.count_label.text()
    # choosing the filter again shows only what matches
    batch.set_filter("all")
    batch.set_filter("needs-review")
    assert names(win) == ["photo_000.jpg", "photo_002.jpg"]


def test_a_photo_that_does_not_match_a_newly_chosen_filter_is_not_kept(qtbot, ws, make_window,
                                                                         tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 3)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    batch = win.photos.batch
    batch.set_filter("all")
    assert batch.select_path(str(paths[2]))                 # nothing to decide in it
    batch.set_filter("needs-review")
    qtbot.wait(50)
    assert names(win) == ["photo_000.jpg"]


def test_marking_ready_with_not_marked_ready_shown_stays_on_the_photo(qtbot, ws, make_window,
                                                                       tmp_path):
    from tests.gui.conftest import without_checklist
    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", 3)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    batch = win.photos.batch
    batch.set_filter("approval:draft")
    assert batch.select_path(str(paths[1]))
    win.approval.mark_ready()
    qtbot.wait(50)
    assert win.batch.model.items[1].approval == "ready"
    assert Path(batch.current_item().path).name == "photo_001.jpg"
    batch.move(1)
    qtbot.wait(50)
    assert names(win) == ["photo_000.jpg", "photo_002.jpg"]
