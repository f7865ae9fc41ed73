"""First run cannot strand anyone (issue 15, item 2).

The bug: after "Import register" on the welcome page the page disappeared and the register tab
said "No one in the register yet" with "Enrol photos..." greyed out. Now every register change
refreshes every view, and the checklist (register, enrolment, channels, who approves) stays
reachable until it is done."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton, QWizard

from photovet.gui.dialogs.enrol import EnrolDialog
from photovet.gui.dialogs.import_wizard import ImportWizard
from photovet.gui.dialogs.settings import ChannelDialog, SettingsDialog
from tests.gui.conftest import answer, button, modal
from tests.gui.fake_engine import JANE, JOEL, TORI, write_portraits, write_register


def step_button(win, key: str) -> QPushButton:
    return win.checklist.findChild(QPushButton, f"step-{key}")


def import_through_the_wizard(qtbot, csv_path) -> ImportWizard:
    wiz = modal(kind=ImportWizard)
    wiz.file_page.path_edit.setText(str(csv_path))
    qtbot.waitUntil(wiz.file_page.isComplete, timeout=10000)   # read in a worker
    wiz.next()                                           # the columns
    assert wiz.mapping_page.combos["id"].currentText() == "UPN"
    wiz.next()                                           # the dry run, in a worker
    qtbot.waitUntil(lambda: wiz.preview_page.isComplete(), timeout=10000)
    assert "Consent withdrawn" not in wiz.preview_page.status.text()
    wiz.next()                                           # import
    qtbot.waitUntil(lambda: wiz.result_page.isComplete(), timeout=10000)
    assert "was imported" in wiz.result_page.text.text()
    return wiz


def test_import_from_the_checklist_shows_everywhere_at_once(qtbot, make_window, tmp_path):
    win = make_window()                                         # the first admin, signed in
    assert win.photos_stack.currentWidget() is win.checklist
    assert win.register_view.stack.currentIndex() == 1          # "No one in the register yet"
    assert not step_button(win, "enrol").isEnabled()
    csv_path = write_register(tmp_path / "mis.csv")

    step_button(win, "register").click()
    wiz = import_through_the_wizard(qtbot, csv_path)
    wiz.accept()

    # the register tab, the checklist and the enrol buttons all know at once
    assert win.register_view.model.rowCount() == 5
    assert win.register_view.stack.currentIndex() == 0
    assert win.register_view.enrol_button.isEnabled()
    assert "5 people in the register" in win.checklist.rows[0].body.text()
    assert win.checklist.rows[0].mark.text().endswith("Done")
    assert step_button(win, "enrol").isEnabled()
    assert win.act_setup.isVisible() and "2 of 5" in win.act_setup.text()   # + an approver
    assert win.photos_stack.currentWidget() is win.checklist     # the checklist stays

    # enrol from the checklist: the register tab shows who is enrolled
    portraits = write_portraits(tmp_path / "portraits", [TORI, JOEL, JANE])
    step_button(win, "enrol").click()
    dlg = modal(kind=EnrolDialog)
    qtbot.waitUntil(lambda: dlg.ready, timeout=5000)
    dlg.path.setText(str(portraits))
    # how far it is, as each portrait is read (s36 walk: no count for over a minute)
    said: list = []
    dlg.progressed.connect(lambda done, total: said.append((done, total, dlg.state.text(),
                                                            dlg.busy.value())))
    button(dlg, "Enrol").click()
    # s37: said at once, before any portrait is read; Close waits, greyed (a click did nothing)
    assert dlg.state.text() == "Reading portraits\u2026" and dlg.busy.isVisibleTo(dlg)
    assert not dlg.close_btn.isEnabled() and "finishes first" in dlg.close_btn.toolTip()
    qtbot.waitUntil(lambda: not dlg.running, timeout=10000)
    assert [s[:2] for s in said] == [(1, 3), (2, 3), (3, 3)]
    assert said[1][2:] == ("Reading portraits: 2 of 3 read\u2026", 2)
    assert dlg.close_btn.isEnabled()
    assert "3 people enrolled" in dlg.state.text()
    dlg.accept()
    people = {p.id: p for p in win.register_view.model.people}
    assert people[TORI].enrolled and not people["B100000000002"].enrolled
    assert "3 of 5 people enrolled" in win.checklist.rows[1].body.text()

    # channels: a channel the school adds works in the window at once (issue 11)
    def add_prospectus(settings: SettingsDialog) -> None:
        def fill(ch: ChannelDialog) -> None:
            ch.label.setText("School prospectus")
            ch.accept()
        answer(fill, kind=ChannelDialog)
        button(settings, "Add a channel").click()
        qtbot.waitUntil(lambda: settings.channel_table.rowCount() == 8, timeout=5000)
        settings.reject()

    answer(add_prospectus, kind=SettingsDialog)
    step_button(win, "channels").click()
    qtbot.waitUntil(lambda: win.checklist.rows[2].mark.text().endswith("Done"), timeout=5000)
    assert win.channel_combo.findData("school_prospectus") >= 0
    assert "School prospectus" in [c.label for c in win.register_view.model.channels]

    # the school's name (a GUI audit: setup never asked, so badges kept the school's name)
    assert not win.checklist.rows[3].mark.text().endswith("Done")
    # (s33: a line shaped like a school's name is covered before the name is set)
    assert "only text shaped like a school's name" in win.checklist.rows[3].body.text()

    def name_the_school(settings: SettingsDialog) -> None:
        assert settings.tabs.currentWidget() is settings.rules
        assert settings.rules.tabs.currentIndex() == 2            # "The school"
        settings.rules.names.setPlainText("Hollins Lane Primary School")
        settings.rules.abbreviations.setPlainText("HLPS")
        button(settings, "Save").click()

    answer(name_the_school, kind=SettingsDialog)
    step_button(win, "school").click()
    qtbot.waitUntil(lambda: win.checklist.rows[3].mark.text().endswith("Done"), timeout=5000)
    assert win.ctx.ws.settings.school.names == ["Hollins Lane Primary School"]

    # who approves: the test register has an approver already
    assert win.checklist.rows[4].mark.text().endswith("Done")
    assert "Approvers now: Mr Deputy, Mr Sam Head" in win.checklist.rows[4].body.text()
    assert not win.act_setup.isVisible()                       # done: no longer in the way

    # and the office can start
    button(win.checklist, "Start checking photos").click()
    assert win.photos_stack.currentWidget() is win.photos


def test_the_checklist_stays_reachable_until_done(qtbot, make_window):
    win = make_window()
    button(win.checklist, "Start checking photos").click()
    assert win.photos_stack.currentWidget() is win.photos
    assert win.act_setup.isVisible() and "1 of 5" in win.act_setup.text()
    win.act_setup.trigger()
    assert win.photos_stack.currentWidget() is win.checklist


def test_getting_started_leads_back_to_the_photos_of_the_batch_open(qtbot, make_window,
                                                                     tmp_path):
    """s51 walk: Getting started opened with ten photos checked: its only way back was "Start
    checking photos" below the last step (out of sight at 1024 x 768), and a click on the
    Photos tab did nothing. The button says "Back to the photos"; the tab goes back too."""
    from tests.gui.fake_engine import make_batch

    paths, faces = make_batch(tmp_path / "photos", 2)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: len(win.batch.model.analysed()) >= 2, timeout=15000)
    win.act_setup.trigger()
    assert win.photos_stack.currentWidget() is win.checklist
    assert win.checklist.start.text() == "Back to the photos"
    win.tabs.setCurrentIndex(1)                     # the register's tab, then Photos again:
    win.tabs.tabBarClicked.emit(0)                  # what it showed (clicked from elsewhere)
    win.tabs.setCurrentIndex(0)
    assert win.photos_stack.currentWidget() is win.checklist
    win.tabs.tabBarClicked.emit(0)                  # Photos clicked while on it: the photos
    assert win.photos_stack.currentWidget() is win.photos and win.tabs.currentIndex() == 0
    win.act_setup.trigger()
    button(win.checklist, "Back to the photos").click()
    assert win.photos_stack.currentWidget() is win.photos


def test_a_dry_run_with_errors_imports_nothing_until_the_person_says_so(qtbot, make_window,
                                                                        tmp_path):
    rows = [["UPN", "Legal Surname", "Legal Forename", "Consent: Facebook"],
            ["A100000000001", "Amos", "Tori", "Yes"],
            ["B100000000002", "Brown", "Sam", "Maybe"]]
    csv_path = write_register(tmp_path / "messy.csv", rows)
    win = make_window()
    win.register.import_register()
    wiz = modal(kind=ImportWizard)
    wiz.file_page.path_edit.setText(str(csv_path))
    qtbot.waitUntil(wiz.file_page.isComplete, timeout=10000)
    wiz.next()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.preview_page.report is not None, timeout=10000)
    page = wiz.preview_page
    # Sam's row problem said once, with whose row it is (s36: not in the table as well)
    head = page.tree.topLevelItem(0)
    assert head.text(0) == "Rows with problems: these people will be covered (1)"
    assert "maybe" in head.child(0).text(1).lower() and page.errors.rowCount() == 0
    assert not page.isComplete()                               # the Import button is off
    page.skip.setChecked(True)
    assert page.isComplete()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.result_page.isComplete(), timeout=10000)
    wiz.done(QDialog.DialogCode.Accepted)
    assert [p.id for p in win.register_view.model.people if p.valid] == ["A100000000001"]


def test_a_do_not_photograph_pupil_s_yes_is_shown_as_not_used(qtbot, make_window, tmp_path, ws):
    """Dan is on the do-not-photograph list with Yes for every channel in the MIS: his row says
    the Yes is not used (a GUI audit read '✓ Yes' as consent), in the core's words."""
    from tests.gui.fake_engine import DAN, TORI

    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window()
    model = win.register_view.model
    rows = {model.data(model.index(r, 1)): r for r in range(model.rowCount())}
    first_channel = len(model.FIXED)
    dan = model.index(rows[DAN], first_channel)
    assert model.data(dan) == "\u2713 Yes (not used)"
    assert "do-not-photograph" in model.data(dan, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(rows[TORI], first_channel)) == "\u2713 Yes"


def test_a_file_that_is_not_a_register_stays_on_the_first_page_with_words(qtbot, make_window,
                                                                          tmp_path, ws):
    """A GUI audit chose a text file: the wizard went on to 'Check the columns' and told the
    office to run a command. Now the first page says what is wrong, in the app's words."""
    win = make_window()
    bad = tmp_path / "broken.jpg"
    bad.write_text("this is not a photo\n", encoding="utf-8")
    win.register.import_register()
    wiz = modal(kind=ImportWizard)
    wiz.file_page.path_edit.setText(str(bad))
    qtbot.waitUntil(lambda: not wiz.file_page.reading, timeout=10000)   # read in a worker
    assert not wiz.button(QWizard.WizardButton.NextButton).isEnabled()
    wiz.next()
    assert wiz.currentPage() is wiz.file_page
    text = wiz.file_page.message.text()
    assert text == ("This doesn't look like a register export (no UPN or surname column). "
                    "Check you chose the CSV from SIMS, Arbor or Bromcom."), text
    assert "photovet" not in text.lower() and "--" not in text
    assert ws.register.is_empty()
    wiz.reject()


def test_a_register_far_larger_than_a_school_asks_first(qtbot, make_window, tmp_path, ws,
                                                        monkeypatch):
    """200,000 rows were imported without a question: now the wizard asks a plain question;
    'Choose another file' stays on the first page, 'Use this file' goes on and imports."""
    from photovet.core.register.importer import LARGE_REGISTER_ROWS
    from photovet.gui.dialogs.import_wizard import FilePage

    n = LARGE_REGISTER_ROWS + 1
    rows = [["UPN", "Legal Surname", "Legal Forename", "Consent: Facebook"]] + \
        [[f"X{i:012d}", "Stone", "Amelia", "Yes"] for i in range(n)]
    csv_path = write_register(tmp_path / "council.csv", rows)
    asked: list[str] = []
    answers = [False, True]
    monkeypatch.setattr(FilePage, "ask_large", lambda self, q: (asked.append(q),
                                                                answers.pop(0))[1])
    win = make_window()
    win.register.import_register()
    wiz = modal(kind=ImportWizard)
    wiz.file_page.path_edit.setText(str(csv_path))
    qtbot.waitUntil(wiz.file_page.isComplete, timeout=10000)
    wiz.next()
    assert wiz.currentPage() is wiz.file_page and len(asked) == 1
    assert f"{n:,} rows" in asked[0] and asked[0].endswith("Is this the right file?")
    assert "Choose the file with your school's pupils" in wiz.file_page.message.text()
    wiz.next()
    assert wiz.currentPage() is wiz.mapping_page and wiz.large_ok
    wiz.next()
    qtbot.waitUntil(lambda: wiz.preview_page.report is not None or bool(wiz.preview_page.failure),
                    timeout=60000)
    assert not wiz.preview_page.failure, wiz.preview_page.failure
    assert wiz.preview_page.report.rows == n
    wiz.reject()


def test_the_enrol_dialog_starts_afresh_when_folder_or_csv_is_chosen(qtbot, tmp_path):
    """The audit (item 19): the folder's path and the last result list stayed when the person
    switched to a CSV file (and back)."""
    from photovet.core.register.reports import EnrolProblem, EnrolReport

    dlg = EnrolDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.set_ready(True)
    dlg.path.setText(str(tmp_path))
    assert dlg.go.isEnabled()
    dlg.show_report(EnrolReport(enrolled={TORI: 1}, photos=2,
                                errors=[EnrolProblem("", str(tmp_path / "x.jpg"), "no face")]))
    assert dlg.problems.isVisible() and "1 person enrolled" in dlg.state.text()
    dlg.from_csv.setChecked(True)
    assert dlg.path.text() == "" and not dlg.problems.isVisible()
    assert dlg.problems.count() == 0 and dlg.state.text() == "" and not dlg.go.isEnabled()
    csv = tmp_path / "enrol.csv"
    csv.write_text("UPN,Photo\n", encoding="utf-8")
    dlg.path.setText(str(csv))
    assert dlg.go.isEnabled()
    dlg.from_folder.setChecked(True)
    assert dlg.path.text() == "" and not dlg.go.isEnabled()


def test_enrol_asks_before_enrolling_the_same_portraits_again(qtbot, tmp_path):
    """s43 walk: after a run, "Enrol" stayed as it was and a second press re-enrolled everyone
    silently. It says "Enrol again..." and asks first (Cancel the default); another folder is
    a new run."""
    from PySide6.QtWidgets import QMessageBox

    from photovet.core.register.reports import EnrolReport
    from tests.gui.conftest import click

    dlg = EnrolDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.set_ready(True)
    asked: list = []
    dlg.enrol_requested.connect(lambda kind, path: asked.append((kind, path)))
    dlg.path.setText(str(tmp_path))
    assert dlg.go.text() == "Enrol"
    dlg.go.click()
    assert asked == [("folder", str(tmp_path))]
    dlg.show_report(EnrolReport(enrolled={TORI: 1}, photos=1))
    assert dlg.go.isEnabled() and dlg.go.text() == "Enrol again\u2026"
    assert "choose another folder or file" in dlg.go.toolTip()
    seen = answer(click("Cancel"), kind=QMessageBox)
    dlg.go.click()
    assert seen == ["Enrol again?"] and len(asked) == 1 and not dlg.running
    assert "1 person enrolled" in dlg.state.text()            # what happened still said
    seen = answer(click("Enrol again"), kind=QMessageBox)
    dlg.go.click()
    assert seen == ["Enrol again?"] and len(asked) == 2 and dlg.running
    dlg.show_report(EnrolReport(enrolled={TORI: 1}, photos=1))
    other = tmp_path / "more"
    other.mkdir()
    dlg.path.setText(str(other))
    assert dlg.go.text() == "Enrol" and dlg.go.toolTip() == ""
    dlg.go.click()                                            # no question: a new run
    assert asked[-1] == ("folder", str(other)) and len(asked) == 3


def test_the_enrol_dialog_lists_photos_taken_by_the_name_in_the_file_name(qtbot, tmp_path):
    """Audit s28, finding 4: a photographer's folder named by pupil is enrolled by name, and the
    dialog lists which pupil each file was taken as, to check."""
    from photovet.core.register.reports import EnrolReport

    dlg = EnrolDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    assert "by name (Rosie Cooper.jpg)" in dlg.from_folder.text()
    dlg.show_report(EnrolReport(enrolled={TORI: 1}, photos=1,
                                by_name=[("Tori Amos.jpg", TORI, "Tori Amos")]))
    assert dlg.problems.isVisible()
    assert "1 photo found by the name in the file name: check each one is the right pupil (listed below)." in \
        dlg.state.text()
    assert dlg.problems.item(0).text() == \
        f"Check: Tori Amos.jpg: taken as Tori Amos ({TORI}), from the name in the file name."


def test_the_enrolment_report_says_how_many_photos_were_used_and_checks_only_those(qtbot):
    """Walkthrough s30: "6 people enrolled from 6 photos of 6."; "4 photos could not be used:
    3 photos found by the name in the file name: check each one..." (a colon running into
    another sentence), and a "Check:" line for each photo that was then refused."""
    import html
    import re

    from photovet.core.register.reports import EnrolProblem, EnrolReport

    def plain(rich: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", rich))

    dlg = EnrolDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.show_report(EnrolReport(enrolled={JOEL: 1, JANE: 1}, photos=2))
    assert plain(dlg.state.text()) == "2 people enrolled from 2 photos."

    failed = EnrolReport(enrolled={JANE: 1}, photos=3, by_name=[
        ("Joel Abrahams.jpg", JOEL, "Joel Abrahams"), ("Jane Ng.jpg", JANE, "Jane Ng")])
    failed.errors.append(EnrolProblem(JOEL, "/photos/Joel Abrahams.jpg",
                                      f"{JOEL}: 2 faces in the enrolment photo; use a single "
                                      "portrait"))
    failed.errors.append(EnrolProblem("", "/photos/Nobody.jpg", "no one in the register ..."))
    dlg.show_report(failed)
    assert plain(dlg.state.text()) == (
        "1 person enrolled from 1 of the 3 photos. 2 photos could not be used (listed below). "
        "1 photo found by the name in the file name: check each one is the right pupil "
        "(listed below).")
    lines = [dlg.problems.item(i).text() for i in range(dlg.problems.count())]
    assert [x for x in lines if x.startswith("Check:")] == [
        f"Check: Jane Ng.jpg: taken as Jane Ng ({JANE}), from the name in the file name."]
    assert any(x.startswith("Joel Abrahams.jpg: ") for x in lines)
    # the pupil's name first, the UPN after it (s37 walk: the UPN alone)
    failed.errors[0].name = "Joel Abrahams"
    dlg.show_report(failed)
    lines = [dlg.problems.item(i).text() for i in range(dlg.problems.count())]
    assert f"Joel Abrahams.jpg: Joel Abrahams ({JOEL}): 2 faces in the enrolment photo; use a " \
        "single portrait" in lines, lines


def test_the_checklist_greys_out_an_admins_steps_for_an_approver_and_says_why(
        qtbot, make_window, tmp_path, ws):
    """s46 walk: signed in as a senior leader (Approver only), Getting started offered
    "Import again...", "Enrol face photos...", "Check the channels..." and the rest, enabled;
    each answered "... cannot import the register: it needs the admin role". They are greyed
    out, each tooltip saying the role it needs, and the page says why."""
    from tests.gui.conftest import APPROVER_NAME, sign_in_as

    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window()
    keys = ("register", "enrol", "channels", "school", "approval")
    assert all(step_button(win, k).isEnabled() for k in keys)        # the admin: all of them
    sign_in_as(win, APPROVER_NAME)
    for k in keys:
        b = step_button(win, k)
        assert not b.isEnabled(), k
        assert "Admin role" in b.toolTip() and f"{APPROVER_NAME} does not have it" in \
            b.toolTip(), (k, b.toolTip())
    assert "Admin role" in win.checklist.note.text(), win.checklist.note.text()
    assert win.checklist.start.isEnabled()
