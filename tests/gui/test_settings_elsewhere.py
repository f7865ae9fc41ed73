"""The school's settings changed outside the open window (another PC on the shared register, or
a photovet command) reach it through the register's change feed: read again, what is shown
decided again, and a banner in the school's words. Saving a setting that cancels approvals asks
first, with the core's count; the banner then says what really changed."""

from __future__ import annotations

from html import unescape

from PySide6.QtCore import Qt

from photovet.core.workspace import Workspace
from photovet.gui.dialogs.settings import SettingsDialog
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    button,
    checked_batch,
    message_text,
    password_of,
    select_photo,
    select_row,
    sign_in_as,
    wait_checked,
)
from tests.gui.fake_engine import TORI


def tori(win):
    item = next(it for it in win.batch.model.items if it.path.endswith("photo_000.jpg"))
    return next(f for f in item.analysis.faces if f.person == TORI)


def another_pc(home, change) -> None:
    """The office admin changes the school's settings on another PC (its own Workspace)."""
    other = Workspace.open(home)
    try:
        other.sign_in(PREPARER_NAME, password_of(PREPARER_NAME))
        new = other.settings.copy()
        change(new)
        other.save_settings(new)
    finally:
        other.close()


def approve_all(win, ws) -> None:
    engine = win.ctx.engine
    items = [it for it in win.batch.model.items if it.analysis is not None]
    for it in items:
        ws.approvals.mark_ready(it.analysis)
    sign_in_as(ws, APPROVER_NAME)
    for it in items:
        ws.approvals.approve(it.analysis, engine.approval_parts(it.analysis),
                             now=lambda it=it: engine.approval_now(it.analysis))
    sign_in_as(win, PREPARER_NAME)
    win.ctx.approvals_changed.emit([it.analysis.sha256 for it in items])


def test_the_mode_changed_on_another_pc_reaches_the_review_screen(qtbot, ws, make_window,
                                                                 tmp_path, photovet_home):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2, checklist=True)
    select_photo(win, "photo_000.jpg")
    assert tori(win).decision == "show"            # Tori: consent for the website
    assert win.photos.findings.summary.text().startswith("3 faces: 1 shown, 2 covered")

    another_pc(photovet_home, lambda s: setattr(s, "mode", "no-identifiable-children"))
    # the window hears of it within seconds, by itself (its timer reads the change feed)
    qtbot.waitUntil(lambda: tori(win).decision == "cover", timeout=8000)
    assert win.ctx.ws.settings.mode == "no-identifiable-children"
    assert tori(win).reason == "No identifiable children on this channel"
    qtbot.waitUntil(lambda: win.photos.findings.summary.text().startswith(
        "3 faces: 0 shown, 3 covered"), timeout=3000)
    text = unescape(win.message_banner.text())
    assert ("The school's settings were changed by Mrs Jo Preparer on another computer or from "
            "the command line: the school's mode (now \u201cno identifiable children\u201d). "
            "What will be published has been decided again.") in text, text


def test_a_change_this_window_saved_is_not_announced_as_another_pcs(qtbot, ws, make_window,
                                                                    tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 1, checklist=True)
    before = ws.settings.analysis_key()
    new = ws.settings.copy()
    new.retention.cache_days = 9
    ws.save_settings(new)
    win.ctx.settings_saved(before)
    win.ctx.poll_changes()
    assert "another computer" not in win.message_banner.text()


def test_saving_the_schools_name_asks_first_with_the_count_and_says_what_changed(
        qtbot, ws, make_window, tmp_path):
    """A new name for the school: only the approvals of photos that show text (photo_001, a
    shop sign) are to be given again; the question says how many, and the photos with no text
    keep their approval (the office does not approve everything again)."""
    from tests.gui.conftest import without_checklist
    from tests.gui.fake_engine import make_batch, write_register

    named = ws.settings.copy()
    named.update({"school": {"names": ["Oakfield Primary School"]}})
    ws.save_settings(named)
    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", 3)
    sign = [[(100, 200), (300, 200), (300, 240), (100, 240)], "Wexbridge Bakery", None, ""]
    win = make_window(faces, {"photo_001.jpg": [sign]})
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    approve_all(win, ws)
    asked: list = []

    def name_the_school(answer_with: str):
        def act(settings: SettingsDialog) -> None:
            settings.rules.names.setPlainText("St Mary's C of E Primary")
            settings.rules.abbreviations.setPlainText("SMP")
            answer(lambda box: (asked.append(message_text(box)), button(box, answer_with).click()))
            button(settings, "Save").click()
            if answer_with == "Go back":          # nothing saved: the dialog stays open
                assert settings.isVisible()
                settings.reject()
        return act

    # Go back: nothing saved, nothing cancelled
    answer(name_the_school("Go back"), kind=SettingsDialog)
    win.register.settings("rules")
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=5000)
    qtbot.waitUntil(lambda: not any(isinstance(w, SettingsDialog) and w.isVisible()
                                    for w in win.findChildren(SettingsDialog)), timeout=5000)
    told = ("1 approved photo shows text that may be the school's name: it will need approving "
            "again. Approved photos with no text keep their approval.")
    assert asked[0].startswith(f"The school's name and details will change. {told}"), asked
    assert "Save?" in asked[0]
    assert ws.settings.school.names == ["Oakfield Primary School"]
    assert {ws.approvals.get(it.analysis.sha256, "website").status
            for it in win.batch.model.items} == {"approved"}

    # Save: saved, and the banner says what really changed and which approvals no longer count
    said: list[str] = []
    real_say = win.message_banner.say
    win.message_banner.say = lambda html, kind=None: (said.append(unescape(html)),
                                                      real_say(html, kind))
    answer(name_the_school("Save"), kind=SettingsDialog)
    win.register.settings("rules")
    qtbot.waitUntil(lambda: ws.settings.school.names == ["St Mary's C of E Primary"],
                    timeout=5000)
    assert len(asked) == 2
    assert not any("recognition" in s for s in said), said
    assert any(f"The school's name and details changed: 3 photos are being checked again. {told}"
               in s for s in said), said
    wait_checked(qtbot, win, 3)
    # once checked, the summary keeps saying it until someone hides it
    qtbot.waitUntil(lambda: unescape(win.message_banner.text()).startswith("Checked 3 photos."),
                    timeout=5000)
    assert f"The school's name and details changed. {told}" in unescape(win.message_banner.text())
    win.batch.hide_summary()
    win.batch._summary = True
    win.batch.refresh_summary()
    assert "no text keep" not in win.message_banner.text()
    for it in win.batch.model.items:       # the count was true, both ways
        parts = win.ctx.engine.approval_parts(it.analysis)
        ok = ws.approvals.check(it.analysis, parts).ok
        assert ok == (not it.path.endswith("photo_001.jpg")), it.path


def test_a_setting_that_cancels_no_approval_is_saved_without_a_question(qtbot, ws, make_window,
                                                                        tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    approve_all(win, ws)
    dlg = win.register.settings("rules")
    asked: list = []
    dlg.confirm_voids = lambda change: asked.append(change) or True
    dlg.rules.retention["cache_days"].setValue(12)
    button(dlg, "Save").click()
    assert ws.settings.retention.cache_days == 12 and asked == []
    assert {ws.approvals.get(it.analysis.sha256, "website").status
            for it in win.batch.model.items} == {"approved"}


def test_approvals_a_change_elsewhere_voided_wait_for_the_approver_again(qtbot, ws, make_window,
                                                                         tmp_path, photovet_home):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    approve_all(win, ws)
    sign_in_as(win, APPROVER_NAME)
    batch = win.photos.batch
    assert batch.filter_combo.currentData() == "approval:ready"
    assert batch.proxy.rowCount() == 0 and "2 approved" in batch.count_label.text()

    another_pc(photovet_home, lambda s: setattr(s, "mode", "no-identifiable-children"))
    qtbot.waitUntil(lambda: {it.approval for it in win.batch.model.items} == {"void"},
                    timeout=8000)
    assert batch.proxy.rowCount() == 0
    # each photo under one choice (s36 walk: the same two were in both), and the empty
    # "Waiting for approval" says where they are
    assert batch.filter_combo.currentText() == "Waiting for approval (0)"
    assert batch.filter_combo.itemText(batch.filter_combo.findData("approval:void")) == \
        "Approval no longer counts (2)"
    assert batch.no_match_text.text() == (
        "Nothing is marked ready for approval. 2 photos must be approved again: choose "
        "\u201cApproval no longer counts\u201d in Show.")
    # the approver's view opened again starts where they wait, none being marked ready
    win.approval.set_approver_view(False)
    assert win.approval.set_approver_view(True)
    assert batch.filter_combo.currentData() == "approval:void"
    assert batch.proxy.rowCount() == 2
    assert "2 to approve again" in batch.count_label.text()
    assert "2 approvals (2 photos) no longer count: they must be approved again." in \
        unescape(win.message_banner.text())


def test_a_crest_picture_asks_first_when_it_would_void_approvals(qtbot, ws, make_window,
                                                                 tmp_path):
    from tests.core.test_school_identifiers import draw_crest

    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    crest = tmp_path / "crest.png"
    draw_crest(400).save(crest)
    dlg = win.register.settings("rules")
    asked: list = []
    dlg.rules.confirm_voids = lambda change, action: asked.append(
        (change.question(), action)) or False
    assert dlg.rules.add_picture(str(crest), kind="crest") and asked == []   # nothing to void
    dlg.rules.pictures.item(0).setSelected(True)
    assert dlg.rules.remove_picture(confirm=False) and asked == []
    wait_checked(qtbot, win, 2)
    approve_all(win, ws)
    assert not dlg.rules.add_picture(str(crest), kind="crest")              # Go back
    # a crest changes what photos are checked against: which approvals change is known only
    # after checking again, so the office is told they MAY have to be given again
    assert asked == [("Changing the school's crest and logo pictures means that 2 approvals "
                      "(2 photos) may no longer count: they are checked again, and any that "
                      "would now cover or show someone differently must be approved again.",
                      "Add the picture")]
    assert ws.school_pictures.all() == []
    keys = {it.analysis.analysis_key for it in win.batch.model.items}
    dlg.rules.confirm_voids = lambda change, action: True                    # Add
    assert dlg.rules.add_picture(str(crest), kind="crest")
    assert len(ws.school_pictures.all()) == 1
    qtbot.waitUntil(lambda: "may no longer count" in win.message_banner.text(), timeout=5000)
    assert "The school's crest and logo pictures changed" in unescape(win.message_banner.text())
    dlg.reject()
    # checked again (no crest in them): both publish what was approved, so both still count
    qtbot.waitUntil(lambda: not win.batch.checking and all(
        it.analysis is not None and it.analysis.analysis_key not in keys
        for it in win.batch.model.items), timeout=15000)
    engine = win.ctx.engine
    assert all(ws.approvals.check(it.analysis, engine.approval_parts(it.analysis)).ok
               for it in win.batch.model.items)
    # s29: and the banner says so, no longer that they "may" not count
    qtbot.waitUntil(lambda: "still count" in win.message_banner.text(), timeout=5000)
    said = unescape(win.message_banner.text())
    assert "may no longer count" not in said
    assert ("The school's crest and logo pictures changed. Checked again: 2 approvals still "
            "count: they publish what was approved.") in said, said


def test_a_save_over_a_change_made_elsewhere_is_refused_and_shows_the_new_settings(
        qtbot, ws, make_window, tmp_path, photovet_home):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 1)
    dlg = win.register.settings("school")
    dlg.cover_style.setCurrentIndex(dlg.cover_style.findData("pixelate"))   # my changes
    dlg.rules.retention["cache_days"].setValue(12)
    # another PC makes the mode stricter (a setting I did not touch: kept, no conflict) and
    # keeps the analysis cache 45 days (one I changed too: that is the conflict)

    def theirs(s):
        s.mode = "no-identifiable-children"
        s.retention.cache_days = 45
    another_pc(photovet_home, theirs)
    asked: list[str] = []
    answer(lambda box: (asked.append(message_text(box)),
                        button(box, "Show the new settings").click()))
    button(dlg, "Save").click()
    qtbot.waitUntil(lambda: dlg.conflict_note.isVisible(), timeout=5000)
    assert asked[0].startswith(f"{PREPARER_NAME} changed "), asked
    assert "while you had Settings open. Your changes were not saved" in asked[0]
    # their change stands, nothing of mine was saved
    assert ws.settings.mode == "no-identifiable-children"
    assert ws.settings.cover.style == "solid" and ws.settings.retention.cache_days == 45
    # the dialog shows the settings as they are now, and lists my changes to make again
    assert dlg.isVisible() and dlg.mode.currentData() == "no-identifiable-children"
    assert dlg.cover_style.currentData() == "solid"
    note = unescape(dlg.conflict_note.text())
    assert "Not saved." in note and f"{PREPARER_NAME} changed " in note
    assert "Covered faces look like: Coarse blocks (too coarse to recognise anyone)" in note
    assert "Saved check results: 12 days" in note
    # "Put my changes back in": only what I changed, over the new settings; saved with Save
    assert "Put my changes back in" in note
    dlg.conflict_note.linkActivated.emit("mine")
    assert dlg.cover_style.currentData() == "pixelate"
    assert dlg.rules.retention["cache_days"].value() == 12
    assert dlg.mode.currentData() == "no-identifiable-children"
    button(dlg, "Save").click()
    qtbot.waitUntil(lambda: ws.settings.cover.style == "pixelate", timeout=5000)
    assert ws.settings.mode == "no-identifiable-children"
    assert ws.settings.retention.cache_days == 12


def test_a_channel_change_that_voids_approvals_asks_first(qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    approve_all(win, ws)
    for it in win.batch.model.items:    # as the checking process keeps them on this PC
        ws.cache.put(it.analysis.sha256, it.analysis.analysis_key,
                     {"analysis": it.analysis.detected().to_dict()})
    dlg = win.register.settings("channels")
    values = dict(label="School website", names="full", long_edge=2048, quality=88,
                  fixed_mode="no-identifiable-children")
    asked: list[str] = []
    answer(lambda box: (asked.append(message_text(box)), button(box, "Go back").click()))
    assert not dlg.change_channel("website", values)
    assert asked == ["Changing School website's rule for children (now \u201cno identifiable "
                     "children\u201d) means that 2 approvals (2 photos) no longer count: they "
                     "must be approved again.\n\nChange the channel?\n"], asked
    assert ws.channels.get("website").fixed_mode is None
    # its size alone voids nothing: changed without a question
    assert dlg.change_channel("website", dict(values, fixed_mode=None, long_edge=1600))
    assert ws.channels.get("website").long_edge == 1600 and len(asked) == 1
    answer(lambda box: button(box, "Change the channel").click())
    assert dlg.change_channel("website", values)
    assert ws.channels.get("website").fixed_mode == "no-identifiable-children"
    qtbot.waitUntil(lambda: "2 approvals (2 photos) no longer count" in
                    unescape(win.message_banner.text()), timeout=5000)
    for it in win.batch.model.items:
        assert not ws.approvals.check(it.analysis, win.ctx.engine.approval_parts(
            win.ctx.engine.decide(it.analysis, "website"))).ok
    dlg.reject()


def test_changing_a_channel_keeps_what_another_pc_changed_on_it_meanwhile(
        qtbot, ws, make_window, tmp_path, photovet_home):
    from photovet.gui.dialogs.settings import ChannelDialog

    win = make_window()
    dlg = win.register.settings("channels")
    select_row(dlg.channel_table, 0)
    assert dlg.channel_table.item(0, 0).data(256) == "website"     # Qt.UserRole

    def meanwhile_then_ok(channel: ChannelDialog) -> None:
        other = Workspace.open(photovet_home)                        # another PC
        try:
            other.sign_in(PREPARER_NAME, password_of(PREPARER_NAME))
            other.channels.update("website", names="initials")
        finally:
            other.close()
        channel.quality.setValue(80)                                 # my change
        channel.accept()

    answer(meanwhile_then_ok, kind=ChannelDialog)
    dlg.edit_channel()
    website = ws.channels.get("website")
    assert website.quality == 80 and website.names == "initials"     # both changes stand
    dlg.reject()


def test_a_channel_rule_on_school_rules_asks_first_when_it_voids_approvals(qtbot, ws,
                                                                          make_window):
    from photovet.core.models import PhotoAnalysis, TextItem

    win = make_window()
    engine = win.ctx.engine
    # a photo approved for Facebook, the school's name on a sign in it (covered there)
    a = PhotoAnalysis(path="/trip/sign.jpg", sha256="5c" * 32, width=400, height=300,
                      faces_checked=True, analysis_key=engine.cache_key(),
                      texts=[TextItem(polygon=[(50, 200), (250, 200), (250, 230), (50, 230)],
                                      text="Oakfield Primary", score=0.95, school="name")])
    ws.cache.put(a.sha256, a.analysis_key, {"analysis": a.detected().to_dict()})
    engine.decide(a, "facebook")
    ws.approvals.mark_ready(a)
    sign_in_as(ws, APPROVER_NAME)
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    sign_in_as(ws, PREPARER_NAME)
    dlg = win.register.settings("rules")
    asked: list = []
    dlg.rules.confirm_voids = lambda change, action: asked.append(
        (change.question(), action)) or False                      # Go back
    assert not dlg.rules.set_channel_rule("facebook", "cover_school", False)
    assert asked == [("Changing whether Facebook covers the school's name and crest (now "
                      "shown) means that 1 approval (1 photo) no longer counts: it must be "
                      "approved again.", "Change the rule")]
    assert ws.channels.get("facebook").cover_school is True
    assert dlg.rules.channel_rule_cell("facebook", "cover_school").checkState() == \
        Qt.CheckState.Checked                                      # shown as it still is
    dlg.rules.confirm_voids = lambda change, action: True           # Change the rule
    assert dlg.rules.set_channel_rule("facebook", "cover_school", False)
    assert ws.channels.get("facebook").cover_school is False
    dlg.reject()
def test_a_settings_window_open_while_another_pc_makes_the_mode_stricter_keeps_it(
        qtbot, ws, make_window, tmp_path, photovet_home):
    """The admin has Settings open; on another PC the mode is made stricter; the admin changes
    how long the cache is kept and saves. The stricter mode stays (the window stored every
    section from its copy, so its old mode undid the other PC's), whether or not the window
    had heard of the change yet."""
    win = checked_batch(qtbot, ws, make_window, tmp_path, 1)
    for heard in (True, False):
        another_pc(photovet_home, lambda s: setattr(s, "mode", "consent"))
        win.ctx.poll_changes()
        assert ws.settings.mode == "consent"
        dlg = win.register.settings("rules")
        dlg.confirm_voids = lambda change: True
        another_pc(photovet_home, lambda s: setattr(s, "mode", "no-identifiable-children"))
        if heard:
            win.ctx.poll_changes()
        dlg.rules.retention["cache_days"].setValue(12 + heard)
        button(dlg, "Save").click()
        other = Workspace.open(photovet_home)
        try:
            assert other.settings.mode == "no-identifiable-children"
            assert other.settings.retention.cache_days == 12 + heard
        finally:
            other.close()
        assert ws.settings.mode == "no-identifiable-children"   # the window holds the register's


def test_the_first_runs_own_save_of_the_schools_name_says_nothing_with_no_photo_checked(
        qtbot, ws, make_window):
    """The walkthrough (round 30, shot 06): on the first run, with no photo checked yet, the
    admin's own save of the school's name put up 'The school's name and details changed:
    photos added now are checked with the new settings'. Nothing was checked with the old
    settings, so nothing needs saying; with photos in the batch it is still said (above)."""
    win = make_window()
    qtbot.waitUntil(lambda: win.ctx.engine is not None, timeout=10000)
    said: list[str] = []
    real_say = win.message_banner.say
    win.message_banner.say = lambda html, kind=None: (said.append(unescape(html)),
                                                      real_say(html, kind))

    def name_the_school(settings: SettingsDialog) -> None:
        settings.rules.names.setPlainText("St Mary's C of E Primary")
        button(settings, "Save").click()

    answer(name_the_school, kind=SettingsDialog)
    win.register.settings("rules")
    qtbot.waitUntil(lambda: ws.settings.school.names == ["St Mary's C of E Primary"],
                    timeout=5000)
    qtbot.wait(300)
    assert not any("changed" in s for s in said), said
    assert not win.message_banner.isVisibleTo(win), win.message_banner.text()
