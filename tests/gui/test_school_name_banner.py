"""Before photos are prepared for a channel that must not identify the school, the window says
when PhotoVet does not know the school's name (the core's warning), with a way to set it; an
account that may not change settings is told who can."""

from __future__ import annotations

from html import unescape

from photovet.core.workspace import Workspace
from photovet.gui.dialogs.settings import SettingsDialog
from tests.gui.conftest import APPROVER_NAME, PREPARER_NAME, password_of, sign_in_as

WARNING = "PhotoVet does not yet know your school's name"


def test_the_banner_warns_for_a_channel_that_covers_the_school_until_its_name_is_set(
        qtbot, ws, make_window, photovet_home):
    win = make_window()
    win.ctx.set_channel("website")              # the website says which school it is anyway
    assert WARNING not in unescape(win.approval_banner.text())
    win.ctx.set_channel("facebook")
    text = unescape(win.approval_banner.text())
    assert WARNING in text and "in photos and videos for Facebook" in text, text
    assert "href='school-name'" in text
    win.link("school-name")                     # Settings, where the school's names are set
    dlg = next(d for d in win.findChildren(SettingsDialog) if d.isVisible())
    assert dlg.tabs.currentWidget() is dlg.rules and dlg.rules.tabs.currentIndex() == 2
    dlg.reject()
    sign_in_as(win, APPROVER_NAME)              # may not change settings: told who can
    text = unescape(win.approval_banner.text())
    assert WARNING in text and "An admin sets it" in text and "href" not in text
    other = Workspace.open(photovet_home)       # the office admin sets it on another PC
    try:
        other.sign_in(PREPARER_NAME, password_of(PREPARER_NAME))
        new = other.settings.copy()
        new.update({"school": {"names": ["Oakfield Primary School"]}})
        other.save_settings(new)
    finally:
        other.close()
    qtbot.waitUntil(lambda: WARNING not in win.approval_banner.text(), timeout=8000)


def test_getting_started_says_what_an_empty_name_means_once_looked_at(qtbot, make_window):
    win = make_window()
    school = win.checklist.rows[3]
    assert not school.mark.text().endswith("Done") and WARNING not in school.body.text()
    win.ctx.qs.setValue("setup/school_checked", True)       # Settings opened, closed unnamed
    win.setup.refresh()
    assert school.mark.text().endswith("Done")              # looked at: a school may leave it
    assert school.body.text().startswith(WARNING)           # but it says what that means
