"""Help > Copy diagnostics (issue 12): what support needs, from the log, which holds ids and
never names, even after a session that imported a register and reviewed photos."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

import photovet
from photovet.core import logs
from tests.gui.conftest import checked_batch, select_photo
from tests.gui.fake_engine import REGISTER_ROWS


def test_copy_diagnostics_has_the_log_and_no_names(qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 3, checklist=True)
    select_photo(win, "photo_000.jpg")
    assert win.review.face_action(2, "yes")
    logs.get("gui").info("diagnostics test marker")
    action = next(a for m in win.menuBar().actions() if m.text().replace("&", "") == "Help"
                  for a in m.menu().actions() if a.text() == "Copy diagnostics")
    action.trigger()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("PhotoVet diagnostics") and "diagnostics test marker" in text
    assert str(ws.home) in text
    assert f"\nPhotoVet {photovet.__version__}\n" in text      # s51: the version was missing
    names = {n for row in REGISTER_ROWS[1:] for n in (row[1], row[2])}
    assert not [n for n in names if n in text], "a person's name reached the log"


def test_a_log_that_cannot_be_written_is_said_once_in_plain_words(qtbot, ws, make_window,
                                                                  monkeypatch):
    """The core keeps the reason the support log could not be written (the command line says
    it at the end); the app said nothing. Now a banner says it once, with the fix, and it
    stays hidden once dismissed."""
    import errno

    monkeypatch.setattr(logs, "_problem", None)
    win = make_window()
    qtbot.wait(50)
    assert not win.log_banner.isVisible()

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(logs._PrivateLog, "_open", full)
    for handler in logs._configured.values():
        handler.stream = None          # the next line opens the file again, on a full disk
    logs.get("gui").warning("a line the full disk refuses")
    assert logs.write_problem() is not None
    qtbot.waitUntil(win.log_banner.isVisible, timeout=10000)
    text = win.log_banner.text()
    assert "cannot write its log" in text and "the disk is full" in text
    assert "Free some space" in text and "--" not in text      # no command to type
    win.link("hide-log")
    assert not win.log_banner.isVisible()
    logs.get("gui").warning("another line")
    qtbot.wait(win.log_banner.POLL_MS * 2)
    assert not win.log_banner.isVisible()      # said once


def test_about_says_the_version_the_licence_and_where_the_data_is(qtbot, ws, make_window):
    """s51 walk: Help > About said what PhotoVet does and nothing else: no version (the banner
    about old face signatures names "PhotoVet 0.1", and the package said 0.1.0 after that
    model was replaced), licence or data folder."""
    from tests.gui.conftest import answer

    win = make_window()
    said: list[str] = []
    answer(lambda box: (said.append(box.text()), box.accept()), kind=QMessageBox)
    win.about()
    assert said, "no About box"
    assert f"<b>PhotoVet {photovet.__version__}</b>" in said[0]
    assert "GNU General Public Licence, version 3 or later" in said[0]
    assert str(ws.home) in said[0]
    assert photovet.__version__ != "0.1.0"      # the signatures of 0.1 are the older ones
