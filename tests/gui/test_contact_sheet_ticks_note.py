"""s65: the approver's contact sheet said "Tick each check once you have seen all 8 photos and
1 video; a tick says it holds for every one of them." while the video was left out of the
approval (not seen whole in the player yet). The checklist's note counts what the ticks are
for, what Approve approves, and keeps counting it so when a tile is left out after the sheet
opened (it could not be shown) and once every tile has been seen."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from photovet.gui.dialogs.contact_sheet import ContactSheetDialog, Tile

CHECKS = ["Everyone is dressed appropriately"]


def _picture() -> QImage:
    img = QImage(64, 48, QImage.Format.Format_RGB32)
    img.fill(QColor("#336699"))
    return img


def _sheet(qtbot, tiles: list[Tile]) -> ContactSheetDialog:
    sheet = ContactSheetDialog(tiles, CHECKS, channel="School website",
                               approver="Mrs Anne Okafor")
    qtbot.addWidget(sheet)
    return sheet


def _see_all(sheet: ContactSheetDialog, failed: dict[int, str] | None = None) -> None:
    failed = failed or {}
    for i, tile in enumerate(sheet.tiles):
        sheet.show_result(i, None, failed[i]) if i in failed else \
            sheet.show_result(i, [_picture()])
        tile.mark_seen()
    sheet._update_buttons()


def test_the_note_counts_what_approve_approves_not_a_video_left_out(qtbot):
    photos = [Tile(f"/x/p{i}.jpg", f"p{i}.jpg") for i in range(8)]
    sheet = _sheet(qtbot, photos + [Tile("/x/trip.mp4", "trip.mp4", video=True,
                                         held="not seen whole in the player")])
    assert sheet.ticks.hint.text() == ("Tick each check once you have seen all 8 photos; a "
                                       "tick says it holds for every one of them.")
    sheet._update_buttons()
    assert sheet.approve_btn.text() == "Approve 8 photos"
    assert "8 photos" in sheet.ticks.hint.text() and "video" not in sheet.ticks.hint.text()
    _see_all(sheet)
    assert sheet.all_seen() and sheet.ticks.boxes[0].isEnabled()
    assert sheet.ticks.hint.text() == ("Tick a check only if it holds for all 8 photos; the "
                                       "ticks are kept with each approval.")


def test_the_note_follows_a_tile_left_out_after_the_sheet_opened(qtbot):
    """A video that could not be shown is left out once the sheet tried to show it; a photo
    approved only on its own is never approved here."""
    tiles = [Tile(f"/x/p{i}.jpg", f"p{i}.jpg") for i in range(3)] + \
        [Tile("/x/group.jpg", "group.jpg", alone="it must be approved on its own"),
         Tile("/x/assembly.mp4", "assembly.mp4", video=True)]
    sheet = _sheet(qtbot, tiles)
    assert sheet.ticks.hint.text().startswith(
        "Tick each check once you have seen all 3 photos and 1 video; ")
    sheet.show_result(4, None, "the file is damaged")
    sheet._update_buttons()
    assert sheet.approve_btn.text() == "Approve 3 photos"
    assert sheet.ticks.hint.text() == ("Tick each check once you have seen all 3 photos; a "
                                       "tick says it holds for every one of them.")
    _see_all(sheet, {4: "the file is damaged"})
    assert sheet.ticks.hint.text().startswith("Tick a check only if it holds for all 3 photos;")


def test_one_or_nothing_to_approve_is_said_so(qtbot):
    one = _sheet(qtbot, [Tile("/x/p.jpg", "p.jpg"),
                         Tile("/x/trip.mp4", "trip.mp4", video=True,
                              held="not seen whole in the player")])
    assert one.ticks.hint.text() == ("Tick each check once you have seen the 1 photo that can "
                                     "be approved; a tick says it holds for it.")
    only = _sheet(qtbot, [Tile("/x/p.jpg", "p.jpg")])
    assert only.ticks.hint.text() == ("Tick each check once you have seen it; a tick says it "
                                      "holds for it.")
    none = _sheet(qtbot, [Tile("/x/trip.mp4", "trip.mp4", video=True,
                               held="not seen whole in the player")])
    assert none.ticks.hint.text() == ("Nothing here can be approved yet, so there is nothing "
                                      "to tick.")
    _see_all(none)
    assert not none.approve_btn.isEnabled()
    assert none.ticks.hint.text() == ("Nothing here can be approved yet, so there is nothing "
                                      "to tick.")
