"""Settings in words a school office reads (GUI audit s24, item 17): the recognition choice
without stacked colons, a channel's size and quality said as the published photo's, every
keeping-data setting in one place (School rules, Keeping data), and the retention text naming
the menu the window really has."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from photovet.core.workspace import Workspace
from photovet.gui.context import AppContext
from photovet.gui.dialogs.settings import ChannelDialog, SettingsDialog
from tests.gui.fake_engine import FakeEngine

ADMIN, ADMIN_PW = "Test Admin", "a long password 123"


@pytest.fixture
def ctx(qtbot, tmp_path):
    w = Workspace.open(tmp_path / "home")
    w.create_first_admin(ADMIN, ADMIN_PW)
    c = AppContext(w, engine_factory=lambda ws: FakeEngine(ws))
    yield c
    w.close()


def labels(widget) -> list[str]:
    return [lab.text() for lab in widget.findChildren(QLabel)]


def test_recognition_is_named_in_the_list_and_explained_under_it(qtbot, ctx):
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    names = [dlg.strictness.itemText(i) for i in range(dlg.strictness.count())]
    assert names == ["Strict", "Standard (recommended)", "Relaxed"]
    assert not any(":" in n for n in names)
    dlg.strictness.setCurrentIndex(1)
    assert dlg.strictness_hint.text() == "Anyone PhotoVet is not sure about is covered."
    dlg.strictness.setCurrentIndex(0)
    assert dlg.strictness_hint.text().startswith("Shows a face only on a very close match")


def test_a_channels_size_and_quality_are_the_published_photos(qtbot, ctx):
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    heads = [dlg.channel_table.horizontalHeaderItem(c).text()
             for c in range(dlg.channel_table.columnCount())]
    assert heads[2:4] == ["Published photo size", "Published photo quality"]
    ch = ctx.ws.channels.all()[0]
    row = [dlg.channel_table.item(0, c).text() for c in range(5)]
    assert row[2] == (f"{ch.long_edge} pixels (longest side)" if ch.long_edge else "Full size")
    assert row[3] == f"{ch.quality} of 100"
    assert any("JPEG quality" in t for t in labels(dlg))
    edit = ChannelDialog(ch)
    qtbot.addWidget(edit)
    assert edit.quality.suffix() == " of 100"
    assert edit.size.suffix() == " pixels on the longest side"
    assert any(t.startswith("The published photo's JPEG quality") for t in labels(edit))


def test_keeping_data_is_in_one_place(qtbot, ctx):
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    school = dlg.tabs.widget(0)
    # the School tab only points to it; nothing there sets it
    assert not hasattr(dlg, "delete_when") and not hasattr(dlg, "leavers")
    assert "How long photos, face data and records are kept: School rules, Keeping data." \
        in labels(school)
    dlg.keeping_button.click()                        # and takes you there
    assert dlg.tabs.currentWidget() is dlg.rules and dlg.rules.tabs.currentIndex() == 0
    rules = dlg.rules
    keeping = rules.tabs.widget(0)
    assert rules.tabs.tabText(0) == "Keeping data"
    assert not any("School tab" in t for t in labels(keeping))       # no pointing back
    rules.delete_when.setCurrentIndex(rules.delete_when.findData("exported"))
    rules.retention["purge_encodings_days_after_leaving"].setValue(14)
    rules.retention["purge_encodings_days_after_missing"].setValue(60)
    new = dlg.settings()
    assert new.retention.delete_originals_when == "exported"
    assert new.retention.purge_encodings_days_after_leaving == 14
    assert new.retention.purge_encodings_days_after_missing == 60


def test_the_retention_text_names_the_menu_the_window_has(qtbot, ctx, make_window):
    win = make_window(workspace=ctx.ws)
    menus = {a.text().replace("&", ""): a.menu() for a in win.menuBar().actions() if a.menu()}
    register = [a.text() for a in menus["Register"].actions()]
    assert "Due for deletion\u2026" in register
    dlg = SettingsDialog(win.ctx)
    qtbot.addWidget(dlg)
    assert any("Register > Due for deletion" in t for t in labels(dlg.rules.tabs.widget(0)))


def test_the_readme_names_the_same_menu():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "Register → Due for\n   deletion" in readme or "Register → Due for deletion" in readme
    assert "Settings → School rules → Keeping data" in readme


def test_a_full_size_channel_stays_full_size_when_another_field_is_changed(qtbot, ctx):
    """s28: the channel dialog showed 2048 for a full-size channel, so changing only its
    quality saved 2048. Full size is a choice of its own and round-trips; a size can be
    chosen instead, and full size chosen again."""
    from tests.gui.conftest import answer, select_row

    ctx.ws.channels.update("website", long_edge=None)
    dlg = SettingsDialog(ctx, tab="channels")
    qtbot.addWidget(dlg)
    row = next(r for r in range(dlg.channel_table.rowCount())
               if dlg.channel_table.item(r, 0).data(256) == "website")
    assert dlg.channel_table.item(row, 2).text() == "Full size"
    seen = []

    def quality_only(ch: ChannelDialog) -> None:
        seen.append((ch.full_size.isChecked(), ch.size.isEnabled()))
        ch.quality.setValue(80)
        ch.accept()

    select_row(dlg.channel_table, row)
    answer(quality_only, kind=ChannelDialog)
    dlg.edit_channel()
    assert seen == [(True, False)]                      # shown as full size, no number to edit
    website = ctx.ws.channels.get("website")
    assert website.long_edge is None and website.quality == 80

    def at_most_1600(ch: ChannelDialog) -> None:
        ch.limited.setChecked(True)
        assert ch.size.isEnabled()
        ch.size.setValue(1600)
        ch.accept()

    answer(at_most_1600, kind=ChannelDialog)
    dlg.edit_channel()
    assert ctx.ws.channels.get("website").long_edge == 1600

    def full_again(ch: ChannelDialog) -> None:
        seen.append((ch.full_size.isChecked(), ch.size.value()))
        ch.full_size.setChecked(True)
        ch.accept()

    answer(full_again, kind=ChannelDialog)
    dlg.edit_channel()
    assert seen[-1] == (False, 1600)
    assert ctx.ws.channels.get("website").long_edge is None
    assert dlg.channel_table.item(row, 2).text() == "Full size"


@pytest.mark.parametrize("usable, said, used", [
    (1, "Automatic (this PC's one core)", 1),
    (2, "Automatic (both of this PC's cores)", 2),
    (4, "Automatic (3 of this PC's 4 cores, one kept free)", 3)])
def test_the_automatic_cores_say_what_the_app_uses(qtbot, ctx, monkeypatch, usable, said, used):
    """s38: the cores setting's Automatic said "All but one" where a two-core school laptop
    uses both (settings.automatic_cores): the words say the count the checks really use."""
    from photovet.core import settings as core_settings
    from photovet.core.settings import Performance
    from photovet.gui.dialogs.settings import edit_lines

    monkeypatch.setattr(core_settings, "usable_cpus", lambda: usable)
    assert Performance(cores=0).core_count() == used
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.cores.setValue(0)
    assert dlg.cores.text() == said
    assert "All but one" not in dlg.cores.text()
    # the line listing the change when it is saved says the same
    old, new = ctx.ws.settings.copy(), ctx.ws.settings.copy()
    old.performance.cores, new.performance.cores = 2, 0
    assert edit_lines(old, new) == [f"Processor cores for checking: {said}"]


def test_the_cores_box_goes_up_to_this_pcs_cores(qtbot, ctx, monkeypatch):
    """s39: the cores box went up to 64 whatever the PC had: it goes up to the cores this PC
    lets PhotoVet use (settings.usable_cpus, the count Automatic is worked out from) and says
    that count under it."""
    from photovet.core import settings as core_settings

    monkeypatch.setattr(core_settings, "usable_cpus", lambda: 4)
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    assert (dlg.cores.minimum(), dlg.cores.maximum()) == (0, 4)
    dlg.cores.setValue(9)
    assert dlg.cores.value() == 4
    assert dlg.cores_hint.text() == "This PC has 4 processor cores."


def test_more_cores_than_this_pc_has_are_shown_with_what_they_do(qtbot, ctx, monkeypatch):
    """This PC's settings file may hold more cores than the PC has (typed in by a technician,
    copied from a larger PC): the checks use this PC's cores (s39: they ran that many photos at
    once on them, Performance.photo_workers). The box shows the number as it is (Save does not
    change it behind the person's back), the hint says what it does, and a lower number can
    be chosen."""
    from photovet.core import settings as core_settings
    from photovet.gui.dialogs.settings import edit_lines

    monkeypatch.setattr(core_settings, "usable_cpus", lambda: 2)
    s = ctx.ws.settings.copy()
    s.performance.cores = 8
    ctx.ws.save_settings(s)
    performance = ctx.ws.settings.performance
    assert performance.core_count() == performance.photo_workers() == 2    # as the hint says
    assert performance.model_threads() == 1
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    assert (dlg.cores.value(), dlg.cores.maximum()) == (8, 8)
    assert dlg.cores_hint.text() == (
        "This PC has 2 processor cores, but 8 is set here: PhotoVet uses 2, as many as it has. "
        "Choose 2 or fewer, or Automatic, then Save.")
    assert dlg.settings().performance.cores == 8       # kept unless the person changes it
    dlg.cores.setValue(2)
    assert dlg.cores_hint.text() == "This PC has 2 processor cores."
    old, new = s.copy(), s.copy()
    new.performance.cores = 2
    assert edit_lines(old, new) == ["Processor cores for checking: 2"]
    assert edit_lines(new, old) == ["Processor cores for checking: 8 (this PC has 2: it uses 2)"]


def test_a_channel_refused_keeps_the_add_dialog_open_with_what_was_typed(qtbot, ctx):
    """s51 walk: "facebook " typed as a new channel's name, OK said "There is already a channel
    called 'facebook'" and closed the dialog, the name and every choice lost. The refusal names
    the channel as the list shows it, and the dialog stays open with what was typed; a name
    the core takes then adds it."""
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.conftest import answer, message_text

    dlg = SettingsDialog(ctx, tab="channels")
    qtbot.addWidget(dlg)
    said: list[str] = []
    after: list[tuple[bool, str, int]] = []

    def refuse_then_rename(ch: ChannelDialog) -> None:
        ch.label.setText("facebook ")
        ch.quality.setValue(77)
        answer(lambda box: (said.append(message_text(box)), box.accept()), kind=QMessageBox)
        ch.accept()
        after.append((ch.isVisible(), ch.label.text(), ch.quality.value()))
        ch.label.setText("School prospectus")
        ch.accept()

    answer(refuse_then_rename, kind=ChannelDialog)
    assert dlg.add_channel() is True
    assert said and "There is already a channel called 'Facebook'" in said[0], said
    assert after == [(True, "facebook ", 77)]
    assert ctx.ws.channels.get("school_prospectus").quality == 77
    assert [dlg.channel_table.item(r, 0).text()
            for r in range(dlg.channel_table.rowCount())][-1] == "School prospectus"


def test_turning_reading_text_off_is_said_for_what_it_means(qtbot, ctx):
    """s62: the box "Read the text in every photo..." said nothing of what unticking it does."""
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.text.isChecked()
    assert any("names on badges, certificates and pupils' work are neither looked for nor "
               "covered: each photo then says so, and a person must look for them" in t
               for t in labels(dlg)), labels(dlg)
