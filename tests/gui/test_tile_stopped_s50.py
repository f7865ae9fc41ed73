"""s50: a batch tile said "Original deleted" for a photo whose deletion "Delete originals" began
and PhotoVet cut short (a crash, a power cut) while the photo's folder is not there now (its
USB stick not connected) or is on another stick: the photo may never have been deleted. The
tile says "Deletion stopped", its tooltip why and what to do, in the core's words
(``transfer.OriginalGone``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from photovet.core import transfer
from tests.gui.test_after_posting import posted, window  # noqa: F401 - fixtures
from tests.gui.test_tile_words_s42 import tiles


def test_a_tile_says_deletion_stopped_while_the_photos_folder_is_not_there(
        posted, qtbot, ws):  # noqa: F811
    win = posted
    items = win.batch.model.items
    # (after "Checking caption...", the caption's check after posting)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Approved"] * 3, timeout=10000)
    folder = Path(items[0].path).parent
    for it in items:      # "Delete originals" announced each deletion, then PhotoVet stopped
        transfer._mark_pending(ws.records, Path(it.path), it.analysis.sha256, None, "trash",
                               transfer.deletion_disk(folder))
    folder.rename(folder.with_name(folder.name + " (stick pulled out)"))
    win.batch.refresh_approvals()
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Deletion stopped"] * 3,
                    timeout=5000)
    tip = win.batch.model.data(win.batch.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "stopped part-way" in tip and "Connect the USB stick or drive it was on" in tip, tip
    assert "original was deleted" not in tip, tip


def test_a_tile_says_deletion_stopped_for_the_retention_schedules_deletion_too(
        posted, qtbot, ws):  # noqa: F811
    """s52: the same for a deletion the retention schedule began (its rows are its own): the
    tile said "Approved", as if nothing had been deleted, and the tooltip says to apply the
    schedule again, not to delete the batch's originals."""
    win = posted
    items = win.batch.model.items
    folder = Path(items[0].path).parent
    disk = transfer.deletion_disk(folder)
    with ws.db.atomic():
        for it in items:
            ws.db.execute(
                "INSERT INTO retention_deletions (kind, ref, path, sha256, method, state, "
                "pending_at, actor, file_id, disk_id) VALUES ('originals', ?, ?, ?, 'trash', "
                "'pending', '2026-12-04T09:00:00+00:00', 'Mrs Office', '', ?)",
                [it.path, it.path, it.analysis.sha256, disk])
    folder.rename(folder.with_name(folder.name + " (stick pulled out)"))
    win.batch.refresh_approvals()
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Deletion stopped"] * 3,
                    timeout=5000)
    tip = win.batch.model.data(win.batch.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "on the retention schedule and stopped part-way" in tip, tip
    assert "apply the retention schedule again (Register \u203a Due for deletion)" in tip, tip
