""""Add photos" lets the office choose the clips of a trip as well as its photos (s56 walk: the
dialog's only filter was "Photos", so a teacher's IMG_0002.MOV did not show, though a folder
added whole checks its videos). Every kind PhotoVet reads is listed, from the core's own lists,
whatever the case of the file's name."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from photovet.core.media.imaging import IMAGE_EXTENSIONS, VIDEO_EXTENSIONS
from photovet.gui import main_window
from tests.gui.fake_engine import make_photo


def patterns(filter_: str) -> list[str]:
    """The patterns of one filter entry ("Photos (*.jpg *.png)" -> ["*.jpg", "*.png"])."""
    return filter_[filter_.index("(") + 1:filter_.rindex(")")].split()


def shows(filter_: str, name: str) -> bool:
    return any(fnmatch.fnmatch(name.lower(), p.lower()) for p in patterns(filter_))


def test_add_photos_shows_photos_and_videos_and_adds_both(qtbot, make_window, tmp_path,
                                                          monkeypatch):
    from tests.core.test_video_workflow import make_video

    folder = tmp_path / "phone"
    folder.mkdir()
    clip = make_video(folder / "IMG_0002.MOV")
    photo = make_photo(folder / "IMG_0001.JPG")
    asked: list = []

    def choose(parent, title, start, filters, *args, **kwargs):
        asked.append((title, filters))
        return [str(photo), str(clip)], filters.split(";;")[0]

    monkeypatch.setattr(main_window.QFileDialog, "getOpenFileNames", staticmethod(choose))
    win = make_window({})
    win.act_files.trigger()
    title, filters = asked[0]
    assert title == "Choose photos and videos"
    first, *others = filters.split(";;")
    assert first.startswith("Photos and videos (")          # the one shown first
    for name in ("IMG_0001.JPG", "IMG_0002.MOV", "clip.mp4", "scan.jfif", "IMG_0003.HEIC",
                 "burst.mpo", "IMG_0004.hif"):
        assert shows(first, name), name
    assert not shows(first, "register.csv")
    assert {f"*{e}" for e in IMAGE_EXTENSIONS | VIDEO_EXTENSIONS} == set(patterns(first))
    assert [o.split(" (")[0] for o in others] == ["Photos", "Videos", "All files"]
    assert shows(others[1], "IMG_0002.MOV") and not shows(others[1], "IMG_0001.JPG")
    # both go into the batch
    qtbot.waitUntil(lambda: {Path(it.path).name for it in win.batch.model.items} ==
                    {"IMG_0001.JPG", "IMG_0002.MOV"}, timeout=15000)
