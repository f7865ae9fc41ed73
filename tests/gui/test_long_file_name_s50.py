"""s50: a photo or video with a very long file name (a phone's shared-album export, a teacher's
"Sports day 2026 - Year 5 relay - final heat - ...") made the window's minimum width the
name's width (1247 px measured, past a 1024 x 768 school laptop), pushing the findings and the
approval buttons off the screen. The name above the photo is cut in the middle with "…" (the
start and the extension stay, the whole name in its tooltip), so the window fits."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QApplication

from tests.core.test_video_workflow import make_video
from tests.gui.conftest import select_photo, wait_checked
from tests.gui.fake_engine import make_batch, write_register
from tests.gui.test_window_size import LAPTOP_WIDTH, min_width

LONG = ("Sports day 2026 - Year 5 and Year 6 relay races on the top field - final heat with "
        "the parents watching from the fence - taken by Mrs Patel on her school iPad - copy "
        "for the newsletter and the school website 0042")


def test_a_long_file_name_never_makes_the_window_wider_than_a_laptop(qtbot, ws, make_window,
                                                                     tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths, faces = make_batch(tmp_path / "photos", 1)
    photo = paths[0].with_name(LONG + ".jpg")
    shutil.copy(paths[0], photo)
    clip = make_video(tmp_path / "photos" / (LONG + ".mp4"))
    win = make_window(faces)
    win.add_paths([str(photo), str(clip)])
    wait_checked(qtbot, win, 2, timeout=60000)
    for name, view in ((photo.name, win.photos.photo), (clip.name, win.photos.video)):
        select_photo(win, name)
        qtbot.waitUntil(lambda view=view: win.photos.media.currentWidget() is view,
                        timeout=5000)
        QApplication.processEvents()
        assert min_width(win) <= LAPTOP_WIDTH, (name, min_width(win))
        win.resize(LAPTOP_WIDTH, 768)
        QApplication.processEvents()
        assert win.width() <= LAPTOP_WIDTH
        title = view.title
        shown = title.displayed() if hasattr(title, "displayed") else title.text()
        # cut in the middle: its start and its extension stay; the whole of it in the tooltip
        assert "\u2026" in shown and shown.startswith("Sports day"), shown
        assert shown.endswith(name[-8:]), shown
        assert title.toolTip() == title.text() and name in title.text()
        # and it leaves room before "Show what will be published" (photos)
        if view is win.photos.photo:
            gap = view.after_button.x() - (title.x() + title.width())
            assert gap >= 6, gap
