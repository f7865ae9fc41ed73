"""The export's done page says which videos went out without their sound (s39: only the
findings said it; the person posting reads the done page)."""

from __future__ import annotations

from pathlib import Path

import av
from PySide6.QtWidgets import QLabel

from photovet.gui.dialogs.export import ExportDialog
from tests.core.test_video_workflow import SquareFaces, make_video
from tests.gui.conftest import wait_checked, without_checklist
from tests.gui.fake_engine import write_register


def _done_page(qtbot) -> ExportDialog:
    dlg = ExportDialog("Facebook", "Trip", "/tmp/out", approval_required=True)
    qtbot.addWidget(dlg)
    return dlg


def test_the_done_page_names_each_video_without_its_sound(qtbot):
    dlg = _done_page(qtbot)
    note = dlg.findChild(QLabel, "WithoutSound")
    dlg.finished_with((1, 1), [], "/tmp/out", False, False)
    assert not note.isVisibleTo(dlg) and note.text() == ""
    dlg.finished_with((0, 1), [], "/tmp/out", False, False,
                      without_sound=[("assembly.mp4", "Sound removed on Facebook")])
    assert note.isVisibleTo(dlg)
    assert note.text() == ("<b>assembly.mp4 was exported without its sound</b>: sound removed "
                           "on Facebook.")
    dlg.finished_with((0, 2), [], "/tmp/out", False, False,
                      without_sound=[("a.mp4", "Sound silenced on Facebook"),
                                     ("b.mp4", "Sound removed by hand")])
    assert note.text() == ("<b>2 videos were exported without their sound:</b><ul "
                           "style='margin:0'><li>a.mp4: sound silenced on Facebook</li>"
                           "<li>b.mp4: sound removed by hand</li></ul>")
    # a later export with every video's sound kept: the note goes
    dlg.finished_with((0, 1), [], "/tmp/out", False, False, without_sound=[])
    assert not note.isVisibleTo(dlg)


def test_a_video_exported_with_its_sound_removed_says_so_on_the_done_page(
        qtbot, ws, make_window, tmp_path):
    """End to end: a clip with a sound track, the channel's rule removes the sound; the copy
    has no sound (read back with PyAV) and the done page says so with the policy's reason."""
    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    s = ws.settings.copy()
    s.approval.required = False
    ws.save_settings(s)
    ws.channels.update("website", audio="remove")
    (tmp_path / "photos").mkdir()
    clip = make_video(tmp_path / "photos" / "assembly.mp4", seconds=1.0)
    with av.open(str(clip)) as c:
        assert c.streams.audio                      # the original has sound
    win = make_window({}, face_engine=SquareFaces())
    win.add_paths([str(clip)])
    wait_checked(qtbot, win, 1, timeout=60000)
    dlg = win.export.open()
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=30000)
    (tmp_path / "out").mkdir()
    dlg.folder.setText(str(tmp_path / "out"))
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=60000)
    assert "Exported 1 video" in dlg.result.text(), dlg.result.text()
    (copy,) = Path(tmp_path / "out").glob("*.mp4")
    with av.open(str(copy)) as c:
        assert not c.streams.audio
    note = dlg.findChild(QLabel, "WithoutSound")
    assert note.isVisibleTo(dlg)
    assert note.text() == ("<b>assembly.mp4 was exported without its sound</b>: sound removed "
                           "on School website.")
    dlg.reject()
