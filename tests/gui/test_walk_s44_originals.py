"""s44 walk: "Delete originals" keeps an original still wanted on the take-down list's
channel (the ``posted`` fixture's ``window`` is not test_review's, so apart from
test_walk_s44)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import answer, click
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import posted, window, withdraw  # noqa: F401 - fixtures
from tests.gui.test_tile_words_s42 import tiles


def test_delete_originals_keeps_a_posted_photo_waiting_to_be_approved_again(
        posted, qtbot, ws):  # noqa: F811
    """s43/s44 walk: after a pupil's Facebook consent was withdrawn, their posted photo was on
    the take-down list and waited for a senior leader to approve it again (with them covered)
    for Facebook; "Delete originals" offered its original all the same, and once deleted it
    could never be posted again. The core keeps an original still wanted on a channel: marked
    ready or approved there and not exported there since (``transfer._still_wanted``), now also
    when its approval there ended after the export; the others are deleted as before."""
    win = posted
    withdraw(win, TORI, qtbot)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] ==
                    ["Take down", "Approved", "Approved"], timeout=10000)
    purge = win.after.delete_originals("Sports day")
    qtbot.waitUntil(lambda: purge.report is not None, timeout=10000)
    by_name = {Path(i.source).name: i for i in purge.report.items}
    kept = by_name["trip_0.jpg"]
    assert kept.status == "refused", kept
    assert kept.reason.startswith("kept: it is waiting for approval or approved for Facebook "
                                  "and not exported there again yet"), kept.reason
    assert [by_name[n].status for n in ("trip_1.jpg", "trip_2.jpg")] == ["would-delete"] * 2
    answer(click("Delete 2 originals"), kind=QMessageBox)
    purge.delete_btn.click()
    qtbot.waitUntil(lambda: purge.report is not None and not purge.report.dry_run,
                    timeout=10000)
    assert Path(kept.source).exists()
    assert not any(Path(by_name[n].source).exists() for n in ("trip_1.jpg", "trip_2.jpg"))
    purge.accept()


def test_a_photo_whose_original_was_deleted_is_not_offered_for_approval(
        posted, qtbot, ws):  # noqa: F811
    """s43/s44 walk: after "Delete originals", a photo whose approval had ended still said
    "Waiting for a senior leader's approval ... approve it again as it is now" and drew the
    original, until it was checked again and failed. Its original is gone: it can never be
    exported again, so the panel and the photo view say what happened, and nothing offers to
    mark it ready or approve it."""
    from tests.gui.test_tile_words_s42 import delete_the_originals

    win = posted
    purge = delete_the_originals(win, qtbot)
    purge.accept()
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Original deleted"] * 3,
                    timeout=5000)
    item = win.batch.model.items[1]
    assert item.analysis is not None and not item.analysis.error     # not checked again yet
    win.photos.batch.select_row(0)
    win.photos.batch.select_row(1)
    panel = win.photos.approval
    said = item.original_gone.detail("photo")
    qtbot.waitUntil(lambda: panel.state_label.text() == said, timeout=5000)
    assert "approve" not in panel.state_label.text().lower()
    assert not panel.ready_btn.isEnabled() and not panel.approve_btn.isEnabled()
    canvas = win.photos.photo.canvas
    qtbot.waitUntil(lambda: said in canvas.message, timeout=5000)


def test_the_export_history_uses_the_screen_and_cuts_a_long_list_of_faces(
        posted, qtbot, ws, monkeypatch):  # noqa: F811
    """s44 walk at 1366 x 768: the export history opened 1100 px wide, and Posted and
    Caption were behind its scroll bar; a photo's several names made "Faces shown" the widest
    column. It opens as wide as the screen allows (up to 1400 px), and a long list of faces is
    cut with "\u2026" (its tooltip says them all)."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QScreen

    from photovet.gui.dialogs.exports_history import ExportsModel

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1366, 740))
    dlg = posted.after.open_exports()
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 3, timeout=5000)
    assert dlg.width() == 1366 - 24
    many = ", ".join(["Victoria Ashby-Fairweather"] * 4)
    monkeypatch.setattr(ExportsModel, "text", lambda self, r, col: many if col == 5 else "x")
    dlg.reload()
    fm = dlg.table.fontMetrics()
    assert dlg.table.columnWidth(ExportsModel.FACES) <= \
        fm.averageCharWidth() * ExportsModel.FACES_CHARS
    assert dlg.model.data(dlg.model.index(0, ExportsModel.FACES),
                          Qt.ItemDataRole.ToolTipRole) == many
    dlg.close()
