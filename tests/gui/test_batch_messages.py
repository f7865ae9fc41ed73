"""What the window says while a batch is added and checked: photos and videos counted by name."""

from __future__ import annotations

from tests.gui.conftest import wait_checked
from tests.gui.fake_engine import make_batch, write_register


def test_adding_photos_says_how_many_and_checking_counts_them(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 3)
    win = make_window(faces)
    said: list[str] = []
    real_say = win.message_banner.say
    win.message_banner.say = lambda html, kind=None: (said.append(html), real_say(html, kind))
    statuses: list[str] = []
    real_progress = win.status.progress_to
    win.status.progress_to = lambda done, total, text="", stop=None: (
        statuses.append(text), real_progress(done, total, text, stop=stop))
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    assert any(s.startswith("Added 3 photos.") for s in said), said
    assert "Checking 3 photos\u2026" in statuses, statuses
    assert any(s == "Checking: 3 of 3" for s in statuses), statuses
    assert win.photos.batch.count_label.text().startswith("3 photos"), \
        win.photos.batch.count_label.text()
    qtbot.waitUntil(lambda: win.message_banner.text().startswith("Checked 3 photos."))
