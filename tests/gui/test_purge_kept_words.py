"""Walk5 (PNG 112): "Delete originals" showed originals kept as the rules say (their copy
taken down, or not posted yet) in red, as problems. Only a problem is red now."""

from __future__ import annotations

from PySide6.QtCore import Qt

from photovet.core.transfer import PurgeItem, PurgeReport
from photovet.gui import style
from photovet.gui.dialogs.purge import PurgeDialog


def test_an_original_kept_as_planned_is_not_shown_as_a_problem(qtbot):
    dlg = PurgeDialog(["Trip"], "Trip")
    qtbot.addWidget(dlg)
    report = PurgeReport(batch="Trip", dry_run=True, permanent=False, items=[
        PurgeItem("/p/a.jpg", "refused", "it was taken down from School website and its copy "
                  "(trip-001.jpg) deleted, so no posted copy stands for it", as_planned=True),
        PurgeItem("/p/b.jpg", "refused", "its copy (trip-002.jpg) is no longer in the export "
                  "folder (moved or deleted outside PhotoVet)"),
        PurgeItem("/p/c.jpg", "would-delete", "its copy (trip-003.jpg) is checked unchanged and marked posted")])
    dlg.show_report(report)
    colours = [dlg.list.item(i).foreground().color() for i in range(dlg.list.count())]
    assert dlg.list.item(0).text().startswith("Kept: a.jpg \u2014 it was taken down")
    assert colours[0] != style.COVER and colours[2] != style.COVER
    assert colours[1] == style.COVER


def test_the_live_photo_clips_left_in_the_folder_are_said_and_cleared_on_an_error(qtbot):
    """s53: the iPhone Live Photo clips beside the photos deleted stay in the folder (never
    checked, no copy): the dialog says so under the list, as plain text (a file name is never
    markup), and says nothing of them when there are none or the list could not be made."""
    dlg = PurgeDialog(["Trip"], "Trip")
    qtbot.addWidget(dlg)
    dlg.show()
    item = PurgeItem("/p/IMG_0001.HEIC", "would-delete", "its copy is checked and posted")
    dlg.show_report(PurgeReport(batch="Trip", dry_run=True, permanent=False, items=[item],
                                live_clips_left=["/p/<i>IMG_0001.MOV"]))
    assert dlg.clips.isVisible()
    assert dlg.clips.text().startswith("1 Live Photo clip will stay in the folder "
                                       "(<i>IMG_0001.MOV)")
    assert dlg.clips.textFormat() == Qt.TextFormat.PlainText
    dlg.show_error("The batch could not be read.")
    assert not dlg.clips.isVisible()
    dlg.show_report(PurgeReport(batch="Trip", dry_run=True, permanent=False, items=[item]))
    assert not dlg.clips.isVisible()
