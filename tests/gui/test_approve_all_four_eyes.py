"""s64 walk: a senior leader who may not approve some photos themselves (they prepared them,
or since they were marked ready changed them, someone's consent in them or the school's
settings: the core's four-eyes answer) pressed "Approve all shown...", looked through a
contact sheet of them, ticked every check, pressed Approve and only then read, in a clipped
box, "Nothing was approved. Not approved: ... so cannot also approve it". Those photos are
now left off the sheet and said at once, in the core's words; with nothing left, no sheet."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from photovet.gui.dialogs.contact_sheet import ContactSheetDialog
from tests.gui.conftest import (
    DEPUTY,
    answer,
    approve_on_sheet,
    checked_batch,
    click,
    select_photo,
    sign_in_as,
    stop_answering,
)
from tests.gui.test_approval import mark_all_ready


@pytest.fixture
def window(qtbot, ws, make_window, tmp_path):
    return checked_batch(qtbot, ws, make_window, tmp_path, 3)


def test_nothing_they_may_approve_opens_no_contact_sheet_and_says_why(window):
    sign_in_as(window, DEPUTY)                          # prepares and approves
    mark_all_ready(window)
    assert {it.approval for it in window.batch.model.items} == {"ready"}
    assert window.approval.set_approver_view(True)
    sheets = answer(approve_on_sheet, kind=ContactSheetDialog, timeout=3)
    window.approval.approve_all_shown()
    assert sheets == []                                 # no sheet to look through for nothing
    stop_answering(sheets)
    said = window.photos.approval.message.text()
    assert said.startswith("Nothing to approve here: you cannot approve any of the 3 photos "
                           "shown yourself.\n"), said
    assert f"photo_000.jpg: {DEPUTY} prepared this photo, so cannot also approve it." in said
    assert {it.approval for it in window.batch.model.items} == {"ready"}


def test_the_ones_they_may_not_approve_are_left_off_the_sheet_and_said(window):
    mark_all_ready(window)                              # the preparer marks all three
    sign_in_as(window, DEPUTY)
    select_photo(window, "photo_000.jpg")
    answer(click("&Yes"), kind=QMessageBox)             # (its decisions still open: covered)
    window.approval.mark_ready()                        # he marks one ready again himself
    assert window.approval.set_approver_view(True)
    window.photos.batch.set_filter("approval:ready")
    tiles: list = []

    def look(sheet: ContactSheetDialog) -> None:
        tiles.extend(t.tile.name for t in sheet.tiles)
        approve_on_sheet(sheet)

    answer(look, kind=ContactSheetDialog)
    window.approval.approve_all_shown()
    assert sorted(tiles) == ["photo_001.jpg", "photo_002.jpg"]
    said = window.photos.approval.message.text()
    assert said.startswith("2 photos approved for School website by Mr Deputy."), said
    assert ("1 photo was left off the contact sheet: you cannot approve it yourself.\n"
            f"photo_000.jpg: {DEPUTY} prepared this photo, so cannot also approve it.") in said
    assert {it.name: it.approval for it in window.batch.model.items} == {
        "photo_000.jpg": "ready", "photo_001.jpg": "approved", "photo_002.jpg": "approved"}


def test_why_they_were_left_off_is_said_when_the_sheet_is_cancelled(window):
    mark_all_ready(window)
    sign_in_as(window, DEPUTY)
    select_photo(window, "photo_000.jpg")
    answer(click("&Yes"), kind=QMessageBox)
    window.approval.mark_ready()
    assert window.approval.set_approver_view(True)
    window.photos.batch.set_filter("approval:ready")
    answer(lambda sheet: sheet.reject(), kind=ContactSheetDialog)
    window.approval.approve_all_shown()
    assert window.photos.approval.message.text().startswith(
        "1 photo was left off the contact sheet: you cannot approve it yourself.\n"
        f"photo_000.jpg: {DEPUTY} prepared this photo, so cannot also approve it.")
