"""The app's screens for issue 18, each built directly on a workspace with a signed-in account:
the approver's checklist, the photo's flags and school identifiers in review (accepting a flag,
adding the photo's camera with one click), the approved devices dialog, "due for deletion"
(with a fake clock; deleting in a worker after a confirmation that lists what goes) and the
School rules settings page. Every decision is the core's: the tests check that what a person
does in the window reaches the core and that the core's refusals are shown in its words."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QImage

from photovet.core.errors import PhotoVetError
from photovet.core.retention import KIND_LABELS
from photovet.core.settings import DEFAULT_CHECKS
from photovet.core.transfer import import_from_device
from photovet.core.workspace import Workspace
from photovet.gui.context import AppContext
from photovet.gui.controllers.checklist import ChecklistController
from photovet.gui.controllers.photo_flags import PhotoFlagsController
from photovet.gui.dialogs.contact_sheet import ContactSheetDialog, Tile
from photovet.gui.dialogs.devices import DevicesDialog
from photovet.gui.dialogs.school_rules import SchoolRulesPage
from photovet.gui.views.approval_panel import ApprovalPanel
from photovet.gui.views.batch_view import PhotoItem
from photovet.gui.views.checklist_ticks import ChecklistTicks
from photovet.gui.views.due_for_deletion import DueForDeletionDialog, confirmation_text
from photovet.gui.views.photo_flags import PhotoFlagsPanel, school_sentence
from tests.gui.conftest import (
    answer,
    button,
    click,
    look_through_sheet,
    message_text,
    select_row,
    stop_answering,
)
from tests.gui.fake_engine import FakeEngine, make_photo

ADMIN, ADMIN_PW = "Test Admin", "a long password 123"
APPROVER, APPROVER_PW = "Sam Head", "another long password 456"


@pytest.fixture
def admin_ws(tmp_path):
    w = Workspace.open(tmp_path / "home")
    w.create_first_admin(ADMIN, ADMIN_PW)
    yield w
    w.close()


def sign_in_approver(ws: Workspace) -> None:
    """A senior leader's account (the approver role), signed in instead of the admin."""
    if ADMIN not in [a.name for a in ws.accounts.list()] or ws.session.name != ADMIN:
        ws.sign_in(ADMIN, ADMIN_PW)
    code = ws.accounts.add(APPROVER, ["approver"])
    ws.first_sign_in(APPROVER, code, APPROVER_PW)


@pytest.fixture
def ctx(qtbot, admin_ws):
    c = AppContext(admin_ws, engine_factory=lambda w: FakeEngine(w))
    c.start_engine()
    assert c.engine is not None
    yield c
    c.shutdown(5000)


class Current:
    """The photo "shown" (what the window's batch list would give)."""

    def __init__(self, ctx, item: PhotoItem | None = None):
        self.ctx, self.item = ctx, item

    def __call__(self):
        return self.item

    def redecide(self, item) -> None:
        self.ctx.engine.decide(item.analysis, self.ctx.channel)


def checked(ctx, path: Path, channel: str = "website", faces=None) -> PhotoItem:
    eng = ctx.engine
    eng.faces = {path.name: faces or []}
    ctx.set_channel(channel)
    a = eng.analyse(path)
    eng.decide(a, channel)
    return PhotoItem(str(path), a)


# --------------------------------------------------------------------------------------------
# The approver's checklist
# --------------------------------------------------------------------------------------------

def test_the_checklist_shows_the_schools_checks_and_the_core_refuses_an_unticked_one(
        qtbot, ctx, tmp_path):
    ws = ctx.ws
    item = checked(ctx, make_photo(tmp_path / "p1.jpg"))
    ws.approvals.mark_ready(item.analysis)                     # the admin prepared it
    sign_in_approver(ws)
    ticks = ChecklistTicks()
    qtbot.addWidget(ticks)
    cur = Current(ctx, item)
    ctl = ChecklistController(ctx, ticks, cur, None)
    ctl.refresh()
    assert ticks.checks() == DEFAULT_CHECKS
    assert all(b.isEnabled() and not b.isChecked() for b in ticks.boxes)
    for n in (1, 2, 3):
        ticks.tick(n)
    assert ctl.ticked() == DEFAULT_CHECKS[:3]
    ctl.refresh()                                  # the same photo: the ticks stay
    assert ctl.ticked() == DEFAULT_CHECKS[:3]
    parts = ctx.engine.approval_parts(item.analysis)
    with pytest.raises(PhotoVetError) as refused:
        ws.approvals.approve(item.analysis, parts, checks=ctl.ticked(),
                             now=lambda: ctx.engine.approval_now(item.analysis))
    assert DEFAULT_CHECKS[3] in refused.value.message       # the core's words name the check
    assert ws.approvals.get(item.analysis.sha256, "website").status == "ready"
    ticks.tick(4)
    ws.approvals.approve(item.analysis, parts, checks=ctl.ticked(),
                         now=lambda: ctx.engine.approval_now(item.analysis))
    state = ws.approvals.get(item.analysis.sha256, "website")
    assert state.status == "approved" and state.parts["checks"] == DEFAULT_CHECKS
    ctl.refresh()                                  # approved: its signed ticks, read-only
    assert ctl.ticked() == DEFAULT_CHECKS
    assert not any(b.isEnabled() for b in ticks.boxes)
    assert APPROVER in ticks.hint.text()
    other = checked(ctx, make_photo(tmp_path / "p2.jpg", colour=(10, 90, 200)))
    cur.item = other                               # another photo starts unticked
    ctl.refresh()
    assert ctl.ticked() == [] and all(b.isEnabled() for b in ticks.boxes)


def test_a_preparer_sees_the_checks_greyed_and_the_panel_shows_them_to_the_approver_only(
        qtbot, ctx, tmp_path):
    item = checked(ctx, make_photo(tmp_path / "p1.jpg"))
    panel = ApprovalPanel()
    qtbot.addWidget(panel)
    panel.show()
    ctl = ChecklistController(ctx, panel.checks, Current(ctx, item), None)
    ctl.refresh()                                  # the admin holds no approver role
    assert not any(b.isEnabled() for b in panel.checks.boxes)
    assert "approver ticks" in panel.checks.hint.text()
    panel.show_state(item.analysis, None, "", "School website", required=True,
                     approver_view=False, approver="")
    assert not panel.checks.isVisible()
    panel.show_state(item.analysis, None, "", "School website", required=True,
                     approver_view=True, approver="")
    assert panel.checks.isVisible()


def test_the_checklist_follows_the_settings_and_a_selection_is_ticked_once(qtbot, ctx, tmp_path):
    ws = ctx.ws
    new = ws.settings.copy()
    new.update({"checklist": {"checks": ["No one in swimwear", "No pupil upset"]}})
    ws.save_settings(new)
    item = checked(ctx, make_photo(tmp_path / "p1.jpg"))
    ticks = ChecklistTicks()
    qtbot.addWidget(ticks)
    ctl = ChecklistController(ctx, ticks, Current(ctx, item), None)
    ctl.refresh()
    assert ticks.checks() == ["No one in swimwear", "No pupil upset"]
    # a selection ("Approve all shown") is ticked once, on its contact sheet, after looking
    sheet = ContactSheetDialog([Tile(f"p{i}.jpg", f"p{i}.jpg") for i in range(3)], ctl.checks(),
                               channel="School website", approver="Mr Sam Head")
    qtbot.addWidget(sheet)
    sheet.show()
    assert sheet.ticks.checks() == ["No one in swimwear", "No pupil upset"]
    assert not any(b.isEnabled() for b in sheet.ticks.boxes)    # nothing seen yet
    for i in range(3):
        sheet.show_result(i, [QImage(40, 30, QImage.Format.Format_RGB32)])
    look_through_sheet(sheet)
    sheet.ticks.tick(2)
    assert sheet.ticked() == ["No pupil upset"] and not sheet.approve_btn.isEnabled()
    sheet.ticks.tick(1)
    assert sheet.ticked() == ["No one in swimwear", "No pupil upset"]
    assert sheet.approve_btn.isEnabled() and sheet.approve_btn.text() == "Approve 3 photos"
    off = ws.settings.copy()
    off.update({"approval": {"required": False}})
    ws.save_settings(off)
    ctl.refresh()
    assert ctl.checks() == []


# --------------------------------------------------------------------------------------------
# Flags in review: the device, group shots, the school's identifiers
# --------------------------------------------------------------------------------------------

def flags_controller(qtbot, ctx, item):
    panel = PhotoFlagsPanel()
    qtbot.addWidget(panel)
    panel.show()
    cur = Current(ctx, item)
    calls = {"all": 0}

    def redecide_all():
        calls["all"] += 1

    ctl = PhotoFlagsController(ctx, panel, current=cur, redecide=cur.redecide,
                               redecide_all=redecide_all, reshow=lambda: ctl.show(), window=None)
    ctl.show()
    return panel, ctl, cur, calls


def test_a_photo_from_another_device_is_flagged_and_its_device_added_with_one_click(
        qtbot, ctx, tmp_path):
    ws = ctx.ws
    ws.devices.add_from_photo(make_photo(tmp_path / "school.jpg", serial="111"),
                              label="Office camera")
    item = checked(ctx, make_photo(tmp_path / "trip.jpg", serial="222"))
    panel, ctl, _cur, calls = flags_controller(qtbot, ctx, item)
    card = panel.card("device")
    assert card is not None
    text = card.plain
    assert "TestCam Model 1 (serial 222)" in text and "not on the school's list" in text
    assert "Please look at it" in text
    assert card.buttons["add-device"].isEnabled() and card.buttons["accept"].isEnabled()
    card.buttons["add-device"].click()                 # one click, no question
    assert [(d.device.serial, d.label) for d in ws.devices.all()] == [("111", "Office camera"),
                                                                      ("222", "")]
    assert calls["all"] == 1                       # every photo is decided again
    card = panel.card("device")
    assert "a school device" in card.plain and "add-device" not in card.buttons
    assert panel.message.text().startswith("TestCam Model 1 (serial 222) is now on the school's "
                                           "approved devices")
    # the audit log names the signed-in admin
    row = ws.audit.rows(action="device.add")[-1]
    assert row["details"]["serial"] == "222" and row["user"] == ADMIN


def test_a_flag_cards_button_taken_as_the_photo_is_shown_is_the_one_clicked_after(
        qtbot, ctx, tmp_path):
    """The photo is shown three times as it is chosen (its preview loaded, what will be
    published painted), and each time its flag cards were deleted and made anew: "Add this
    device to the approved list" pressed in between was a deleted button (s56; the question
    cards had the same fault, s55). The same words keep the same cards."""
    ws = ctx.ws
    ws.devices.add_from_photo(make_photo(tmp_path / "school.jpg", serial="111"),
                              label="Office camera")
    item = checked(ctx, make_photo(tmp_path / "trip.jpg", serial="222"))
    panel, ctl, _cur, calls = flags_controller(qtbot, ctx, item)
    add = panel.card("device").buttons["add-device"]
    ctl.show()                                       # its preview loaded
    ctl.show()                                       # what will be published painted
    assert panel.card("device").buttons["add-device"] is add
    add.click()                                      # the live button: it works
    assert [d.device.serial for d in ws.devices.all()] == ["111", "222"]
    assert calls["all"] == 1
    # what they say changed: made anew, saying it
    assert "a school device" in panel.card("device").plain


def test_a_device_the_file_does_not_name_cannot_be_added_and_the_core_says_why(
        qtbot, ctx, tmp_path):
    ws = ctx.ws
    ws.devices.add_from_photo(make_photo(tmp_path / "school.jpg", serial="111"))
    plain = tmp_path / "screenshot.png"
    Image.new("RGB", (320, 240), (90, 90, 90)).save(plain)
    item = checked(ctx, plain)
    panel, ctl, _cur, _calls = flags_controller(qtbot, ctx, item)
    card = panel.card("device")
    assert "does not say which camera" in card.plain
    assert "add-device" not in card.buttons          # nothing to add; accepting is offered
    seen = answer(lambda w: (message_text(w), button(w, "OK").click()))
    assert not ctl.add_device()                      # asked anyway: the core refuses
    assert seen and seen[0] == "Device not added"
    assert len(ws.devices.all()) == 1


def test_a_group_shot_flag_is_accepted_with_a_reason_and_undone(qtbot, ctx, tmp_path):
    ws = ctx.ws
    ws.channels.update("website", group_only=True)
    item = checked(ctx, make_photo(tmp_path / "portrait.jpg"),
                   faces=[((200, 120, 200, 240), None, "unknown")])
    panel, ctl, _cur, _calls = flags_controller(qtbot, ctx, item)
    card = panel.card("group-shot")
    assert "takes group shots only" in card.plain
    assert "before it can be approved or exported" in card.plain
    texts: list[str] = []
    answer(lambda w: (texts.append(message_text(w)), button(w, "OK").click()))
    assert not ctl.accept("group-shot", reason="  ")                # no reason: refused
    assert "Say why" in texts[0]
    assert ctl.accept("group-shot", reason="The whole relay team is in it")
    flag = next(f for f in item.analysis.flags if f.kind == "group-shot")
    assert flag.accepted == "The whole relay team is in it" and not flag.open
    card = panel.card("group-shot")
    assert "Accepted: \u201cThe whole relay team is in it\u201d" in card.plain
    assert "undo" in card.buttons
    assert ctl.undo("group-shot")
    assert next(f for f in item.analysis.flags if f.kind == "group-shot").open
    assert ws.audit.rows(action="review.flag-accept")


def test_an_approver_without_the_admin_role_cannot_add_the_device(qtbot, ctx, tmp_path):
    ws = ctx.ws
    ws.devices.add_from_photo(make_photo(tmp_path / "school.jpg", serial="111"))
    item = checked(ctx, make_photo(tmp_path / "trip.jpg", serial="222"))
    sign_in_approver(ws)
    panel, _ctl, _cur, _calls = flags_controller(qtbot, ctx, item)
    card = panel.card("device")
    assert not card.buttons["add-device"].isEnabled()
    assert card.buttons["accept"].isEnabled()                     # flag.accept: approver
    with pytest.raises(PhotoVetError):                             # and the core agrees
        ws.devices.add_from_photo(item.path)


def test_school_identifiers_found_are_listed_in_plain_words(qtbot, ctx, tmp_path):
    from photovet.core.models import TextItem

    item = checked(ctx, make_photo(tmp_path / "lanyard.jpg"), channel="facebook")
    a = item.analysis
    a.texts = [TextItem(polygon=[(10, 10), (200, 10), (200, 40), (10, 40)],
                        text="Oakfield Primary School", score=0.9, school="name"),
               TextItem(polygon=[(300, 300), (400, 300), (400, 400), (300, 400)],
                        text="School crest", score=0.3, school="crest", school_unsure=True)]
    ctx.engine.decide(a, "facebook")
    panel, _ctl, _cur, _calls = flags_controller(qtbot, ctx, item)
    assert panel.school.isVisible()
    html = panel.school.text()
    assert "Oakfield Primary School" in html and "2 found, 2 covered" in html
    assert school_sentence(a.texts[0]) == ("\u201cOakfield Primary School\u201d (the school's "
                                           "name): covered.")
    assert school_sentence(a.texts[1]) == ("The school's crest: covered (not certain: please "
                                           "look).")
    ctx.engine.decide(a, "website")                    # the website keeps them
    assert "left as it is" in school_sentence(a.texts[0])


# --------------------------------------------------------------------------------------------
# Approved devices
# --------------------------------------------------------------------------------------------

def test_the_devices_dialog_lists_adds_and_removes(qtbot, ctx, tmp_path):
    ws = ctx.ws
    dlg = DevicesDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.empty.isVisible() and not dlg.table.isVisible()
    changed = []
    dlg.changed.connect(lambda: changed.append(1))
    assert dlg.add_from_photo(str(make_photo(tmp_path / "a.jpg", serial="A1")), label="Office")
    assert dlg.table.rowCount() == 1
    row = [dlg.table.item(0, c).text() for c in range(5)]
    assert row[1] == "TestCam Model 1 (serial A1)" and row[2] == "Office"
    assert row[3] == dt.date.today().strftime("%d/%m/%Y") and row[4] == ADMIN
    # the same device again, and a picture that names no camera: the core's words
    assert not dlg.add_from_photo(str(tmp_path / "a.jpg"), label="")
    assert "already on the school's list" in dlg.message.text()
    png = tmp_path / "plain.png"
    Image.new("RGB", (64, 64)).save(png)
    assert not dlg.add_from_photo(str(png), label="")
    assert "does not say which camera" in dlg.message.text()
    select_row(dlg.table, 0)
    assert dlg.remove_btn.isEnabled()
    answer(click("&Yes"))
    assert dlg.remove_selected()
    assert ws.devices.all() == [] and changed == [1, 1]
    assert [r["action"] for r in ws.audit.rows(action="device.remove")] == ["device.remove"]


def test_a_photo_that_names_no_camera_is_said_before_a_name_is_asked(qtbot, ctx, tmp_path):
    """s51 walk: "Add from a photo..." asked a name for "the camera or phone that took
    IMG_0001.jpg", then said the photo names no camera. Now said at once, no name asked; a
    photo that names one is asked about by the device's own name."""
    dlg = DevicesDialog(ctx)
    qtbot.addWidget(dlg)
    png = tmp_path / "plain.png"
    Image.new("RGB", (64, 64)).save(png)
    asked: list[str] = []
    unasked = answer(lambda box: (asked.append(message_text(box)), box.reject()))
    assert not dlg.add_from_photo(str(png))
    stop_answering(unasked)
    assert asked == [] and "does not say which camera" in dlg.message.text()
    answer(lambda box: (asked.append(box.labelText()), box.reject()))
    assert not dlg.add_from_photo(str(make_photo(tmp_path / "a.jpg", serial="A1")))
    assert asked and asked[0].startswith("Add the TestCam Model 1 (serial A1) that took a.jpg "
                                         "to the school's approved devices?"), asked


def test_the_devices_dialog_is_read_only_without_the_permission(qtbot, ctx, tmp_path):
    ctx.ws.devices.add_from_photo(make_photo(tmp_path / "a.jpg", serial="A1"))
    sign_in_approver(ctx.ws)
    dlg = DevicesDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    select_row(dlg.table, 0)
    assert dlg.table.rowCount() == 1
    assert not dlg.add_btn.isEnabled() and not dlg.remove_btn.isEnabled()
    assert "Only an admin" in dlg.permission.text()
    assert not dlg.remove_selected(confirm=False)       # the core refuses it all the same
    assert "Not removed" in dlg.message.text() and len(ctx.ws.devices.all()) == 1


# --------------------------------------------------------------------------------------------
# Due for deletion
# --------------------------------------------------------------------------------------------

@pytest.fixture
def trash(monkeypatch, tmp_path):
    bin_ = tmp_path / "trash"
    bin_.mkdir()

    def fake(path):
        p = Path(path)
        os.replace(p, bin_ / p.name)

    monkeypatch.setattr("send2trash.send2trash", fake)
    return bin_


def imported(ws, tmp_path, n=2) -> list[Path]:
    device = tmp_path / "DCIM"
    device.mkdir()
    for i in range(n):
        make_photo(device / f"IMG_{i}.JPG", colour=(40 * i, 100, 150))
    steps = list(import_from_device(device, tmp_path / "photos", audit=ws.audit))
    return [Path(s.result.dest) for s in steps if s.result is not None]


def clock_at(days: int):
    now = dt.datetime.now(dt.UTC)
    return lambda: now + dt.timedelta(days=days)


def test_due_for_deletion_lists_per_kind_with_dates_and_deletes_after_confirmation(
        qtbot, ctx, tmp_path, trash):
    ws = ctx.ws
    files = imported(ws, tmp_path)
    dlg = DueForDeletionDialog(ctx, clock=clock_at(100))
    qtbot.addWidget(dlg)
    dlg.show()
    assert len(dlg.due_items()) == 2
    head = dlg.tree.topLevelItem(0)
    assert head.text(0) == f"{KIND_LABELS['originals']} (2)"
    assert head.text(2) == ("90 days after they were copied or marked ready, or after their last "
                            "export once no exported copy is left")
    # read whole: it wraps onto more lines (walkthrough s30: "... or marked rea...")
    dlg.resize(900, 560)
    qtbot.waitUntil(lambda: dlg.tree.visualItemRect(head).height()
                    >= 2 * dlg.tree.fontMetrics().height())
    assert head.toolTip(2) == head.text(2)
    due_day = (dt.date.today() + dt.timedelta(days=90)).strftime("%d/%m/%Y")
    assert {head.child(i).text(1) for i in range(2)} == {due_day}
    assert "IMG_0.JPG" in head.child(0).text(0) + head.child(1).text(0)
    assert dlg.apply_btn.isEnabled()
    # the confirmation says exactly what goes; cancelled, nothing is deleted
    question, short, full = confirmation_text(dlg.items, permanent=False)
    assert "Delete 2 items" in question and f"{KIND_LABELS['originals']}:" in short
    assert all(f.name in short and f.name in full for f in files) and "Recycle Bin" in short
    many = [dataclasses.replace(dlg.items[0], ref=f"r{i}", what=f"file{i}") for i in range(13)]
    _q, short13, full13 = confirmation_text(many, permanent=True)
    assert f"{KIND_LABELS['originals']}: 13" in short13 and "file12" not in short13
    assert "file12" in full13 and "deleted for good" in short13
    seen = answer(click("Cancel"))
    assert not dlg.apply()
    assert seen == ["Delete what is due?"] and all(f.exists() for f in files)
    details: list[str] = []
    answer(lambda w: (details.append(w.detailedText()), button(w, "Delete 2 items").click()))
    assert dlg.apply()
    qtbot.waitUntil(lambda: dlg.worker is None, timeout=15000)
    assert all(f.name in details[0] for f in files)
    assert not any(f.exists() for f in files)
    assert sorted(p.name for p in trash.iterdir()) == sorted(f.name for f in files)
    assert "Deleted 2." in dlg.message.text()
    assert dlg.tree.topLevelItem(0).child(0).text(2).startswith(
        "Deleted: moved to the Recycle Bin / Trash")
    runs = ws.audit.rows(action="retention.applied")
    assert runs and runs[-1]["details"]["counts"]["deleted"] == 2
    assert runs[-1]["user"] == ADMIN                  # audited by the core, as the admin
    assert {r["user"] for r in ws.audit.rows(action="retention.deleted")} == {ADMIN}
    dlg.refresh_btn.click()             # "Check again"
    assert dlg.due_items() == [] and not dlg.apply_btn.isEnabled()
    # s41 walk: "Deleted 14." stayed under the new list (of 13 then)
    assert dlg.message.text() == ""


def test_due_for_deletion_can_be_looked_at_but_not_applied_without_the_permission(
        qtbot, ctx, tmp_path):
    imported(ctx.ws, tmp_path)
    sign_in_approver(ctx.ws)
    dlg = DueForDeletionDialog(ctx, clock=clock_at(100))
    qtbot.addWidget(dlg)
    assert len(dlg.due_items()) == 2
    assert not dlg.apply_btn.isEnabled() and "Only an admin" in dlg.intro.text()
    # nor how it would be deleted (s46 walk: "Delete files for good" could be ticked)
    assert not dlg.permanent.isEnabled()
    assert dlg.refresh_btn.isEnabled()                      # "Check again" is for anyone


def test_nothing_due_before_the_period(qtbot, ctx, tmp_path):
    imported(ctx.ws, tmp_path)
    dlg = DueForDeletionDialog(ctx, clock=clock_at(10))
    qtbot.addWidget(dlg)
    assert dlg.due_items() == [] and "Nothing is due" in dlg.intro.text()
    assert not dlg.apply_btn.isEnabled()


def test_due_for_deletion_names_people_and_shows_signatures_due_later(qtbot, ctx, tmp_path):
    """Audit s28, finding 6: the list said "X919241717845: register row..." (no name), and
    the face signatures of pupils the September MIS file no longer lists were not mentioned."""
    import numpy as np

    from tests.gui.fake_engine import REGISTER_ROWS, SAM, TORI, write_register

    ws = ctx.ws
    ws.import_register(write_register(tmp_path / "july.csv"))
    for pid in (TORI, SAM):
        ws.register.store_signatures({pid: [(np.full(128, 0.1), f"{pid}.jpg")]},
                                     replace=True, source="test")
    ws.import_register(write_register(tmp_path / "september.csv",
                                      [r for r in REGISTER_ROWS if r[0] != SAM]))
    dlg = DueForDeletionDialog(ctx, clock=clock_at(0))
    qtbot.addWidget(dlg)
    dlg.show()
    head = next(dlg.tree.topLevelItem(i) for i in range(dlg.tree.topLevelItemCount())
                if dlg.tree.topLevelItem(i).text(0).startswith(KIND_LABELS["signatures"]))
    assert head.text(0) == f"{KIND_LABELS['signatures']} (0), 1 on a later day"
    assert head.isExpanded()
    row = head.child(head.childCount() - 1)
    assert row.text(0).startswith(f"Sam Brown ({SAM}): 1 face signature; not in the MIS file")
    grace = ws.settings.retention.purge_encodings_days_after_missing
    assert row.text(1) == (dt.date.today() + dt.timedelta(days=grace)).strftime("%d/%m/%Y")
    assert row.text(2).startswith("Not due yet: they are no longer in the MIS file. If they "
                                  "have left, record their leaving date")
    assert dlg.due_items() == [] and not dlg.apply_btn.isEnabled()   # nothing is deleted now
    # on its day it is due, named, and the confirmation names them too
    dlg = DueForDeletionDialog(ctx, clock=clock_at(grace))
    qtbot.addWidget(dlg)
    [item] = [i for i in dlg.due_items() if i.kind == "signatures"]
    assert dlg.what(item).startswith(f"Sam Brown ({SAM}): 1 face signature")
    _q, short, full = confirmation_text(dlg.items, False, dlg.what)
    assert f"Sam Brown ({SAM})" in short and f"Sam Brown ({SAM})" in full
    # deleted: no file went anywhere, so the Recycle Bin is not mentioned (audit s28, 12)
    dlg.show()
    answer(lambda w: button(w, next(b.text() for b in w.buttons()
                                    if b.text().startswith("Delete"))).click())
    assert dlg.apply()
    qtbot.waitUntil(lambda: dlg.worker is None, timeout=15000)
    assert "Deleted 1." in dlg.message.text()
    assert "Recycle Bin" not in dlg.message.text()
    assert SAM not in {pid for pid, _e in ws.register.encodings()}


# --------------------------------------------------------------------------------------------
# Settings > School rules
# --------------------------------------------------------------------------------------------

def test_the_schools_empty_identifiers_show_examples_not_real_looking_values(qtbot, ctx):
    """Audit s26 item 13: grey 'Oakfield Primary School', 'OPS' and an address read as filled
    in. Each example says it is one, and that nothing is set yet."""
    page = SchoolRulesPage(ctx)
    qtbot.addWidget(page)
    for edit in (page.names, page.abbreviations, page.address):
        assert edit.toPlainText() == ""
        hint = edit.placeholderText()
        assert hint.startswith("e.g. ") and "(empty: none set yet)" in hint, hint
        assert "Oakfield" not in hint and "OPS" not in hint and "WX1" not in hint
    assert page.names.placeholderText().startswith("e.g. St Mary's C of E Primary")


def test_the_school_rules_page_saves_retention_groups_identifiers_and_checks(qtbot, ctx):
    ws = ctx.ws
    page = SchoolRulesPage(ctx)
    qtbot.addWidget(page)
    assert page.retention["originals_days"].value() == 90
    assert page.check_texts() == DEFAULT_CHECKS
    page.retention["originals_days"].setValue(30)
    page.retention["cache_days"].setValue(7)
    page.min_faces.setValue(4)
    page.max_share.setValue(50)
    page.names.setPlainText("Oakfield Primary School\n\n  Oakfield   Juniors ")
    page.abbreviations.setPlainText("OPS")
    page.address.setPlainText("Oakfield Road\nWX1 4AB")
    page.checks.setCurrentRow(3)
    page.remove_check()
    assert page.add_check("Nobody is in a state of undress")
    page.move_check(-1)
    new = page.apply_to(ws.settings.copy())
    ws.save_settings(new)
    s = ws.reload_settings()
    assert s.retention.originals_days == 30 and s.retention.cache_days == 7
    assert s.group.min_faces == 4 and s.group.max_share == 0.5
    assert s.school.names == ["Oakfield Primary School", "Oakfield Juniors"]
    assert s.school.abbreviations == ["OPS"] and s.school.address_words == ["Oakfield Road",
                                                                           "WX1 4AB"]
    assert s.checklist.checks == DEFAULT_CHECKS[:2] + ["Nobody is in a state of undress",
                                                       DEFAULT_CHECKS[2]]
    assert ws.audit.rows(action="settings.change")
    # the same check twice: the core's words, nothing saved
    page.add_check(DEFAULT_CHECKS[0].upper())
    with pytest.raises(PhotoVetError, match="twice"):
        page.apply_to(ws.settings.copy())


def test_the_channels_rules_are_stored_at_once(qtbot, ctx):
    ws = ctx.ws
    page = SchoolRulesPage(ctx)
    qtbot.addWidget(page)
    changed = []
    page.channels_changed.connect(lambda: changed.append(1))
    cell = page.channel_rule_cell("website", "group_only")
    assert cell.checkState().name == "Unchecked"
    cell.setCheckState(cell.checkState().__class__.Checked)
    assert ws.channels.get("website").group_only and changed == [1]
    cover = page.channel_rule_cell("facebook", "cover_school")
    assert cover.checkState().name == "Checked"
    assert page.set_channel_rule("facebook", "cover_school", False)
    assert not ws.channels.get("facebook").cover_school
    assert page.channel_rule_cell("facebook", "cover_school").checkState().name == "Unchecked"


def test_crest_pictures_are_added_and_removed(qtbot, ctx, tmp_path):
    from tests.core.test_school_identifiers import draw_crest

    path = tmp_path / "crest.png"
    draw_crest(400).save(path)
    page = SchoolRulesPage(ctx)
    qtbot.addWidget(page)
    changed = []
    page.pictures_changed.connect(lambda: changed.append(1))
    assert page.add_picture(str(path), kind="crest")
    assert page.pictures.count() == 1 and not page.pictures.item(0).icon().isNull()
    assert "Crest: crest.png" in page.pictures.item(0).text()
    assert not page.add_picture(str(path), kind="crest")
    assert "already the school's" in page.message.text()
    page.pictures.item(0).setSelected(True)
    assert page.remove_picture(confirm=False)
    assert page.pictures.count() == 0 and ctx.ws.school_pictures.all() == [] and changed == [1, 1]


def test_the_settings_page_is_greyed_for_pictures_without_the_permission(qtbot, ctx):
    sign_in_approver(ctx.ws)
    page = SchoolRulesPage(ctx)
    qtbot.addWidget(page)
    assert not page.add_picture_btn.isEnabled()
    cell = page.channel_rule_cell("website", "group_only")
    assert not (cell.flags() & cell.flags().__class__.ItemIsEnabled)
    assert not page.set_channel_rule("website", "group_only", True)
    assert "Not changed" in page.message.text() and not ctx.ws.channels.get("website").group_only


# --------------------------------------------------------------------------------------------
# The window's hooks
# --------------------------------------------------------------------------------------------

def test_the_window_offers_the_screens_and_shows_a_photos_flags(qtbot, admin_ws, tmp_path):
    from photovet.gui.main_window import MainWindow

    ws = admin_ws
    ws.devices.add_from_photo(make_photo(tmp_path / "school.jpg", serial="111"))
    ctx = AppContext(ws, engine_factory=lambda w: FakeEngine(w))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    try:
        menu = win.school_rules._menu("Re&gister")
        texts = [a.text() for a in menu.actions()]
        assert "Approved devices\u2026" in texts and "Due for deletion\u2026" in texts
        assert win.school_rules.act_devices.isEnabled() and win.school_rules.act_due.isEnabled()
        photo = make_photo(tmp_path / "batch" / "trip.jpg", serial="222")
        win.add_paths([str(photo)])
        qtbot.waitUntil(lambda: len(win.batch.model.analysed()) == 1 and not win.batch.checking,
                        timeout=15000)
        win.photos.batch.select_row(0)
        qtbot.waitUntil(lambda: win.photos.flags.card("device") is not None, timeout=5000)
        assert "not on the school's list" in win.photos.flags.card("device").plain
        dlg = win.school_rules.open_devices()
        assert dlg.table.rowCount() == 1
        dlg.close()
        due = win.school_rules.open_due()
        assert due.isVisible()
        due.close()
        ws.sign_out()
        win.school_rules.refresh_permissions()
        assert not win.school_rules.act_devices.isEnabled()
    finally:
        win.close()


def test_a_device_name_the_core_refuses_is_asked_again_with_its_words(qtbot, monkeypatch):
    """A device's name naming a pupil is refused by the core (free_text, kept in the audit
    log): the question is asked again with the core's words and what was typed, and a
    cancel adds nothing."""
    from PySide6.QtWidgets import QInputDialog

    from photovet.core.free_text import refusal
    from photovet.core.models import Person
    from photovet.gui.dialogs.devices import ask_label

    pupils = [Person("T1", "Tori", "Ashby")]
    asked: list[tuple[str, str]] = []
    answers = iter([("Tori's iPad ", True), ("Class 4 iPad", True)])

    def get_text(parent, title, prompt, echo, text):
        asked.append((prompt, text))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    assert ask_label(None, "the iPad", lambda t: refusal(t, pupils)) == "Class 4 iPad"
    assert asked[1][1] == "Tori's iPad"
    assert refusal("Tori's iPad", pupils) in asked[1][0]
    assert "Write this" not in asked[0][0]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a: ("", False))
    assert ask_label(None, "the iPad", lambda t: refusal(t, pupils)) is None


def test_due_for_deletion_says_what_was_kept_and_why_only_when_something_was(
        qtbot, ctx, tmp_path, trash):
    """Walk s34: 'Deleted 1, kept 0, not deleted 0.' read to a DPO as 'nothing is kept'. The
    end says only what happened; an item kept for now is said with where to read why."""
    files = imported(ctx.ws, tmp_path)
    dlg = DueForDeletionDialog(ctx, clock=clock_at(100))
    qtbot.addWidget(dlg)
    dlg.show()
    files[0].unlink()                  # gone before the run: kept (the row says why)
    answer(lambda w: button(w, next(b.text() for b in w.buttons()
                                    if b.text().startswith("Delete"))).click())
    assert dlg.apply()
    qtbot.waitUntil(lambda: dlg.worker is None, timeout=15000)
    text = dlg.message.text()
    assert text.startswith("Deleted 1, 1 kept for now (each row says why)."), text
    assert "not deleted" not in text and "could not be deleted" not in text
