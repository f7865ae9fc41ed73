"""The register tab, the person page and the import preview for a renamed pupil, a UPN that
changes identity, and a pupil the MIS file stops listing (audit s27, findings 3, 5 and 7)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from photovet.core.register.reports import ImportReport, PersonNote
from photovet.gui.dialogs.import_wizard import WITHDRAWN_TINT, ImportWizard
from photovet.gui.dialogs.leaving_date import LeavingDateDialog
from photovet.gui.dialogs.person import PersonDialog
from photovet.gui.views.register_tab import FILTERS, person_status
from tests.gui.conftest import answer, modal
from tests.gui.fake_engine import REGISTER_ROWS, SAM, TORI, write_register

TODAY = dt.date.today()
DATES_FROM_TODAY = {"TODAY": 0}  # set again on the day each test runs (tests/conftest.py)


def _without(pid):
    return [r for r in REGISTER_ROWS if r[0] != pid]


def _renamed(rows, pid, surname, forename):
    return [[r[0], surname, forename, *r[3:]] if r[0] == pid else r for r in rows]


def test_a_pupil_missing_from_the_file_is_not_a_rejected_row(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "a.csv"))
    report = ws.import_register(write_register(tmp_path / "b.csv", _without(SAM)))
    assert [n.person_id for n in report.missing] == [SAM]
    win = make_window()
    view = win.register_view
    sam = ws.register.person(SAM)
    status = person_status(sam, TODAY)
    assert status == f"Not in the MIS file since {TODAY:%d/%m/%Y} \u2013 has Sam left?"
    assert "rejected" not in status.lower()
    summary = view.summary.text()
    assert "1 not in the MIS file" in summary and "with problems" not in summary
    # the filter for problems does not list them; the one for the MIS file does
    assert ("missing", "Not in the MIS file") in FILTERS
    view.proxy.set_category("invalid")
    assert view.people_shown() == []
    view.proxy.set_category("missing")
    assert [p.id for p in view.people_shown()] == [SAM]
    # the row's menu offers to record a leaving date, and it is recorded
    assert view.row_actions(sam)[0] == ("Record a leaving date\u2026", "leaving")
    assert [w for _t, w in view.row_actions(ws.register.person(TORI))] == ["open"]
    left = TODAY - dt.timedelta(days=2)

    def fill(dlg):
        dlg.date.setDate(left)
        dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    seen = answer(fill, kind=LeavingDateDialog)
    view.leaving_date_requested.emit(SAM)
    qtbot.waitUntil(lambda: ws.register.person(SAM).leaving_date == left, timeout=5000)
    assert seen is not None
    qtbot.waitUntil(lambda: "not in the MIS file" not in view.summary.text(), timeout=5000)
    assert "1 left school (always covered)" in view.summary.text()      # not just "5 pupils"
    assert person_status(ws.register.person(SAM), TODAY) == f"Left on {left:%d/%m/%Y}"


def test_the_person_page_says_since_when_and_offers_a_leaving_date(qtbot, ws, make_window,
                                                                   tmp_path):
    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.import_register(write_register(tmp_path / "b.csv", _without(SAM)))
    win = make_window()
    win.register_view.person_requested.emit(SAM)
    page = modal(kind=PersonDialog)
    text = page.banner.text()
    assert f"Not in the MIS file since {TODAY:%d/%m/%Y} \u2013 has Sam left?" in text
    assert "Register row rejected" not in text
    assert page.leaving_btn.isVisible()
    page.accept()
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    assert not page.leaving_btn.isVisible()
    page.accept()


def test_the_preview_says_old_and_new_names_and_flags_another_person(qtbot, ws, make_window,
                                                                     tmp_path):
    ws.import_register(write_register(tmp_path / "a.csv"))
    rows = _renamed(REGISTER_ROWS, TORI, "Ward", "Victoria")
    win = make_window()
    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    report = ws.register.import_csv(write_register(tmp_path / "b.csv", rows), dry_run=True)
    page = wiz.preview_page
    page._fill(report)
    heads = {page.tree.topLevelItem(i).text(0): page.tree.topLevelItem(i)
             for i in range(page.tree.topLevelItemCount())}
    [head] = [h for t, h in heads.items()
              if t.startswith("Names, year, class or leaving date updated")]
    child = head.child(0)
    assert child.text(0) == f"Tori Amos \u2192 Victoria Ward ({TORI})"
    assert "Legal surname: Amos \u2192 Ward" in child.text(1)
    assert head.isExpanded()
    # the page of the renamed pupil after the import: the former name is kept
    ws.import_register(write_register(tmp_path / "b.csv", rows))
    win.register_view.person_requested.emit(TORI)
    person = modal(kind=PersonDialog)
    labels = [person.details.itemAt(i).widget().text()
              for i in range(person.details.count()) if person.details.itemAt(i).widget()]
    assert "Also known as:" in labels
    assert any(t.startswith("Tori Amos (until ") for t in labels)
    person.accept()
    # found in the register tab by the former name
    view = win.register_view
    view.refresh()
    view.proxy.set_text("Tori Amos")
    assert [p.id for p in view.people_shown()] == [TORI]
    row = [p.id for p in view.model.people].index(TORI)
    tip = view.model.data(view.model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Also known as Tori Amos"
    # s36: a preview whose only news is the collapsed line of old leavers the retention
    # schedule removed says that nothing would change, above that line (it said nothing)
    quiet = ImportReport(file="c.csv", rows=1, encoding="utf-8", dry_run=True,
                         leavers_removed_before=[PersonNote("L1", "Lola Lane", "left")])
    page.tree.clear()                                # as a new dry run does
    page._fill(quiet)
    lines = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert lines == ["Nothing would change in the register: it matches this file but for the "
                     "leaver removed by retention, who is not imported.",
                     "1 leaver removed by retention is still in the MIS file: not imported"], lines


def test_the_preview_says_a_leaving_date_entered_here_is_kept_and_they_are_back_clears_it(
        qtbot, ws, make_window, tmp_path, monkeypatch):
    """s31: a leaving date entered by hand is kept by an import whose file has none (s30 only
    said it was cleared): the preview says so; the person page's "They are back" clears it
    after one question (audited)."""
    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.register.set_leaving_date(SAM, dt.date(2025, 7, 18))
    report = ws.register.import_csv(write_register(tmp_path / "a.csv"), dry_run=True)
    win = make_window()
    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    page = wiz.preview_page
    page._fill(report)
    heads = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    assert not [h for h in heads if h.text(0).startswith("Names, year, class or leaving date")]
    [head] = [h for h in heads if h.text(0).startswith("Leaving dates kept")]
    assert "They are back" in head.toolTip(1)
    assert head.childCount() == 1 and head.child(0).text(0).endswith(f"({SAM})")
    assert head.child(0).text(1) == ("Leaving date 18/07/2025 kept: entered here, not in the "
                                     "file")
    ws.import_register(write_register(tmp_path / "a.csv"))
    assert ws.register.person(SAM).leaving_date == dt.date(2025, 7, 18)
    # the person page: "They are back", asked once
    from PySide6.QtWidgets import QMessageBox

    asked = []

    def question(_parent, title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if len(asked) == 1 else \
            QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    win.register_view.person_requested.emit(SAM)
    person = modal(kind=PersonDialog)
    assert person.back_btn.isVisible()
    assert "The leaving date was entered in PhotoVet" in person.banner.text()
    assert not person.they_are_back()                      # Cancel: nothing changed
    assert ws.register.person(SAM).leaving_date == dt.date(2025, 7, 18)
    person.back_btn.click()
    assert asked[-1].startswith("Clear the leaving date 18/07/2025 of Sam ")
    # s31 walk: their face data went when they left; the question says what to do next
    assert "choose Enrol face photos" in asked[-1] and "stays covered" in asked[-1]
    qtbot.waitUntil(lambda: ws.register.person(SAM).leaving_date is None, timeout=5000)
    assert len(ws.audit.rows(action="register.back")) == 1
    qtbot.waitUntil(lambda: not person.back_btn.isVisible(), timeout=5000)
    person.accept()
    win.register_view.person_requested.emit(TORI)
    person = modal(kind=PersonDialog)
    assert not person.back_btn.isVisible()
    person.accept()


def test_the_import_result_says_the_kept_leaving_dates_in_the_apps_words(qtbot, ws,
                                                                          make_window, tmp_path):
    """Review s31: the result page after an import that kept a leaving date entered here
    showed the command line's "If someone is back: photovet register back ID ..." to office
    staff, and under the heading "Leaving dates kept (...) (1):", which then held two lines
    for the one it counts. The app's words are shown, on their own line."""
    import re

    from photovet.core.words import LEAVING_DATE_BACK_APP

    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.register.set_leaving_date(SAM, dt.date(2025, 7, 18))
    report = ws.import_register(write_register(tmp_path / "a.csv"))
    assert report.applied and len(report.leaving_dates_kept) == 1
    win = make_window()
    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    wiz.result_page._done(report)
    tree = wiz.result_page.lines
    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    [head] = [t for t in tops if t.text(0).startswith("Leaving dates kept")]
    assert re.search(r"\(1\):$", head.text(0)) and head.childCount() == 1
    assert head.child(0).text(0).endswith("Leaving date 18/07/2025 kept: entered here, not in "
                                          "the file")
    everything = [t.text(0) for t in tops] + [t.child(i).text(0) for t in tops
                                              for i in range(t.childCount())]
    assert not any("photovet register" in line for line in everything), everything
    assert LEAVING_DATE_BACK_APP in [t.text(0) for t in tops]
    wiz.reject()


def test_a_changed_identity_is_a_problem_row_in_the_preview(qtbot, ws, make_window, tmp_path):
    """The name and the date of birth of one UPN both change: a red section, and the face
    photo is deleted when imported."""
    head = [*REGISTER_ROWS[0], "Date of Birth"]
    first = [head] + [[*r, "01/02/2016"] for r in REGISTER_ROWS[1:]]
    ws.import_register(write_register(tmp_path / "a.csv", first))
    other = [head] + [([r[0], "Okoro", "Samuel", *r[3:], "17/01/2015"] if r[0] == TORI
                       else [*r, "01/02/2016"]) for r in REGISTER_ROWS[1:]]
    report = ws.register.import_csv(write_register(tmp_path / "b.csv", other), dry_run=True)
    win = make_window()
    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    page = wiz.preview_page
    page._fill(report)
    heads = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    [flag] = [h for h in heads if h.text(0).startswith("Same UPN, probably a different person")]
    assert flag.background(0).color() == WITHDRAWN_TINT and flag.isExpanded()
    assert flag.child(0).text(0) == f"Tori Amos \u2192 Samuel Okoro ({TORI})"
    assert "probably a different person" in flag.child(0).text(1)
    assert not any(h.text(0).startswith("Names, year, class") for h in heads)


def test_everyone_no_longer_in_the_file_gets_one_leaving_date(qtbot, ws, make_window, tmp_path):
    """Audit s28, finding 10: in September last July's Year 6 are simply absent from the MIS
    file; the office recorded each leaving date from each pupil's page. With "Not in the MIS
    file" shown, one button records one date for all of them (in one change)."""
    from photovet.gui.dialogs.leaving_date import LeavingDatesDialog

    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.import_register(write_register(tmp_path / "b.csv",
                                      [r for r in REGISTER_ROWS if r[0] not in (SAM, TORI)]))
    win = make_window()
    view = win.register_view
    assert not view.left_all_button.isVisibleTo(view)
    view.filter.setCurrentIndex(view.filter.findData("missing"))
    assert view.left_all_button.isVisibleTo(view)
    assert view.left_all_button.text() == "They have left: record a leaving date for 2\u2026"
    july = dt.date(TODAY.year - 1 if TODAY.month < 8 else TODAY.year, 7, 22)
    said: list[str] = []

    def fill(dlg):
        said.extend(w.text() for w in dlg.findChildren(QLabel))
        dlg.date.setDate(july)
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        assert ok.text() == "Record it for 2"
        ok.click()

    answer(fill, kind=LeavingDatesDialog)
    view.left_all_button.click()
    qtbot.waitUntil(lambda: ws.register.person(SAM).leaving_date == july, timeout=5000)
    assert ws.register.person(TORI).leaving_date == july
    question = next(t for t in said if "no longer in the MIS file" in t)
    assert "<b>2 people are</b>" in question and "Sam Brown" in question and \
        "Tori Amos" in question
    assert [p.id for p in view.people_shown()] == []           # no one left to ask about
    qtbot.waitUntil(lambda: not view.left_all_button.isVisibleTo(view), timeout=5000)
    assert len([r for r in ws.audit.rows(action="register.leaving-date")]) == 2


def test_the_preview_says_there_is_no_video_consent_and_offers_they_have_left(qtbot, ws,
                                                                              make_window,
                                                                              tmp_path):
    """s29: September's MIS file has no video consent columns (everyone covered in videos:
    said above the changes, with how to enter it), and last July's leavers are simply absent:
    the preview offers one leaving date for all of them, recorded with the import, or not now."""
    from PySide6.QtWidgets import QWizard

    ws.import_register(write_register(tmp_path / "a.csv"))
    september = write_register(tmp_path / "sept.csv",
                               [r for r in REGISTER_ROWS if r[0] not in (SAM, TORI)])
    win = make_window()
    wiz = ImportWizard(win.ctx, csv_path=september)
    qtbot.addWidget(wiz)
    wiz.show()
    qtbot.waitUntil(lambda: wiz.button(QWizard.WizardButton.NextButton).isEnabled(),
                    timeout=10000)
    wiz.next()
    wiz.next()
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.report is not None, timeout=10000)
    assert page.not_in_file.isVisibleTo(page)
    said = page.not_in_file.text()
    assert "<b>Consent not in this file</b>" in said
    assert ("This file has no video consent at all, so everyone will be covered in every video "
            "until their video consent is entered") in said
    assert "choose Enter a consent form\u2026, or add the missing columns" in said
    assert "photovet register set" not in said                # the app's words, not a command
    # the two pupils not in the file: "not now" unless chosen
    assert page.left_box.isVisibleTo(page) and sorted(page.left_ids) == sorted([SAM, TORI])
    assert "<b>2 people in the register are not in this file</b>" in page.left_text.text()
    assert page.left_no.isChecked() and page.left_choice() == (None, [])
    # "they have left" with no date (or not a date) keeps the page: never a guessed date
    page.left_yes.setChecked(True)
    assert not page.validatePage()
    page.left_date.line.setText("31/02/2026")
    assert not page.validatePage() and page.left_date.error.isVisibleTo(page)
    july = dt.date(TODAY.year - 1 if TODAY.month < 8 else TODAY.year, 7, 22)
    page.left_no.setChecked(True)
    page.left_date.line.setText(f"{july:%d/%m/%Y}")       # writing a date chooses "left"
    assert page.left_yes.isChecked() and page.validatePage()
    # s31 walk: the rows of the two say what was just chosen, not "will be covered"
    heads = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    [head] = [h for h in heads if h.text(0).startswith("Not in this file")]
    assert head.text(0) == f"Not in this file: they have left, leaving date {july:%d/%m/%Y} (2)"
    assert all(head.child(i).text(1).startswith(f"left school: leaving date {july:%d/%m/%Y}, "
                                                "recorded with this import")
               for i in range(head.childCount()))
    page.left_no.setChecked(True)                        # and back, when they change their mind
    assert head.text(0) == "Not in this file: these people will be covered (2)"
    assert "covered until a later import lists them again" in head.child(0).text(1)
    page.left_yes.setChecked(True)
    wiz.next()                                           # Import
    result = wiz.result_page
    qtbot.waitUntil(lambda: result.report is not None, timeout=10000)
    assert result.report.applied and sorted(result.report.left) == sorted([SAM, TORI])
    assert ws.register.person(SAM).leaving_date == july
    assert ws.register.person(TORI).leaving_date == july
    lines = [result.lines.topLevelItem(i).text(0) for i in range(result.lines.topLevelItemCount())]
    assert any(line.startswith(f"Leaving date {july:%d/%m/%Y} recorded for 2 people")
               for line in lines)
    assert (f"Leaving date {july:%d/%m/%Y} recorded for 2 people no longer in the file."
            in result.text.text())
    assert "Consent not in this file:" in lines          # sentence case, as the page (s36)
    assert not any("photovet register set" in line for line in lines)
    wiz.accept()


def test_not_now_records_no_leaving_date(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "a.csv"))
    win = make_window()
    wiz = ImportWizard(win.ctx, csv_path=write_register(tmp_path / "b.csv", _without(SAM)))
    qtbot.addWidget(wiz)
    from PySide6.QtWidgets import QWizard

    wiz.show()
    qtbot.waitUntil(lambda: wiz.button(QWizard.WizardButton.NextButton).isEnabled(),
                    timeout=10000)
    wiz.next()
    wiz.next()
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.report is not None, timeout=10000)
    assert page.left_ids == [SAM] and "<b>1 person in the register is not in this file</b>" \
        in page.left_text.text()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.result_page.report is not None, timeout=10000)
    assert wiz.result_page.report.applied and wiz.result_page.report.left == []
    assert ws.register.person(SAM).leaving_date is None
    assert ws.register.person(SAM).missing_since == TODAY
    wiz.accept()


def test_a_long_name_is_cut_in_the_register_never_the_consent(qtbot, ws, make_window,
                                                              tmp_path):
    """Walkthrough s30: "Christabel-Anastasia Montgomery-Fitzwilliam-Abernethy" made the Name
    column 340 px wide, pushing every channel's consent past a 1024 px laptop's screen. The
    column is cut at about 34 letters; its tooltip gives the whole name."""
    long = ["G919241716030", "Montgomery-Fitzwilliam-Abernethy", "Christabel-Anastasia",
            "Year 4", "4B", "Yes", "Yes", "No", "No"]
    ws.import_register(write_register(tmp_path / "mis.csv", [*REGISTER_ROWS, long]))
    win = make_window()
    view = win.register_view
    view.refresh()
    fm = view.table.fontMetrics()
    full = "Christabel-Anastasia Montgomery-Fitzwilliam-Abernethy"
    assert view.table.columnWidth(0) < fm.horizontalAdvance(full)
    assert view.table.columnWidth(0) >= fm.horizontalAdvance("Christabel-Anastasia Montgomery")
    row = [p.id for p in view.model.people].index("G919241716030")
    assert view.model.data(view.model.index(row, 0), Qt.ItemDataRole.ToolTipRole) == full


def test_the_preview_says_rows_fixed_and_people_back_in_the_file_apart(qtbot, make_window):
    """s40: the heading "Rows fixed since the last import" also listed pupils back in the file
    after being missing from an earlier one (their row was never wrong): each has its own."""
    win = make_window()
    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    report = ImportReport(file="c.csv", rows=2, encoding="utf-8", dry_run=True, revalidated=[
        PersonNote.row_restored(TORI, "Tori Amos", missing=False),
        PersonNote.row_restored(SAM, "Sam Lee", missing=True)])
    page = wiz.preview_page
    page._fill(report)
    heads = {page.tree.topLevelItem(i).text(0): page.tree.topLevelItem(i)
             for i in range(page.tree.topLevelItemCount())}
    fixed = heads["Rows fixed since the last import (1)"]
    back = heads["Back in the file after being missing from an earlier one (1)"]
    assert fixed.childCount() == back.childCount() == 1
    assert fixed.child(0).text(0) == f"Tori Amos ({TORI})"
    assert back.child(0).text(0) == f"Sam Lee ({SAM})"
    # walk s40: a long heading was cut at the first column ("... from an earlier one …"):
    # it reads across the row
    wiz.resize(880, 600)
    wiz.show()
    page.tree.setColumnWidth(0, 300)
    QApplication.processEvents()
    for head in (fixed, back):
        assert head.isFirstColumnSpanned()
        wide = QFontMetrics(head.font(0)).horizontalAdvance(head.text(0))
        assert page.tree.visualItemRect(head).width() > wide + 20, (head.text(0), wide)
    wiz.hide()
    # the command's summary says them apart too
    lines = report.summary_lines()
    assert "Register rows fixed (1):" in lines, lines
    assert lines[lines.index("Register rows fixed (1):") + 1].startswith(f"  Tori Amos ({TORI})")
    i = lines.index("Back in the MIS file after being missing from an earlier one (1):")
    assert lines[i + 1].startswith(f"  Sam Lee ({SAM})")


def test_they_are_back_for_someone_not_in_the_file_does_not_then_ask_if_they_left(
        qtbot, ws, make_window, tmp_path, monkeypatch):
    """s31 walk: straight after "They are back" the page of a pupil the MIS file no longer
    lists asked "has Sam left?". The question and the page now say what is true: the leaving
    date is cleared, and they stay covered until a file that lists them is imported."""
    from PySide6.QtWidgets import QMessageBox

    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.import_register(write_register(tmp_path / "b.csv", _without(SAM)))
    ws.register.set_leaving_date(SAM, TODAY - dt.timedelta(days=3))
    asked = []

    def question(_parent, title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    win = make_window()
    win.register_view.person_requested.emit(SAM)
    person = modal(kind=PersonDialog)
    assert person.they_are_back()
    assert "Sam is still not in the MIS file" in asked[0]
    assert "their consent decides again" not in asked[0].lower()
    said = f"They are back (their leaving date was cleared on {TODAY:%d/%m/%Y})."
    qtbot.waitUntil(lambda: said in person.banner.text(), timeout=5000)
    text = person.banner.text()
    assert "has Sam left?" not in text and "If they have left" not in text
    assert "Sam is still not in the MIS file (missing since " in text
    assert "they stay covered until a register file that lists them is imported" in text
    person.accept()
    # the page opened again says the same (it is read from the register, not the window)
    win.register_view.person_requested.emit(SAM)
    person = modal(kind=PersonDialog)
    assert said in person.banner.text() and "has Sam left?" not in person.banner.text()
    person.accept()


def test_the_register_list_says_back_but_not_in_the_file_after_they_are_back(
        qtbot, ws, make_window, tmp_path):
    """Walk s32: the list kept asking "has Sam left?" after They are back."""
    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.import_register(write_register(tmp_path / "b.csv", _without(SAM)))
    ws.register.set_leaving_date(SAM, TODAY - dt.timedelta(days=3))
    ws.register.they_are_back(SAM)
    win = make_window()
    view = win.register_view
    view.refresh()
    row = [p.id for p in view.model.people].index(SAM)
    status = view.model.data(view.model.index(row, 5))
    assert status == "Back, but not in the MIS file yet"
    # walk s33: its tooltip says what the status means, as the person page does (not "If they
    # have left, record their leaving date...")
    tip = view.model.data(view.model.index(row, 5), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Back, but not in the MIS file yet.\nThey are back (their leaving "
                          f"date was cleared on {TODAY:%d/%m/%Y}). Sam is still not in the MIS "
                          "file (missing since "), tip
    assert "If they have left" not in tip and "record their leaving date" not in tip
    # someone else the file stops listing is still asked about
    assert person_status(ws.register.person(SAM), TODAY) == \
        f"Not in the MIS file since {TODAY:%d/%m/%Y} \u2013 has Sam left?"


def test_a_long_status_is_cut_in_the_register_never_the_consent(qtbot, ws, make_window,
                                                                tmp_path):
    """Walkthrough s32: "Not in the MIS file since 30/11/2026 – has Lucy left?" made the Status
    column 320 px wide, pushing the channels' consent off a 1366 px screen. The column is as
    wide as the usual words ("Back, but not in the MIS file yet"); a longer status is cut,
    its tooltip says it whole, then what it means."""
    from photovet.gui.views.register_tab import STATUS_WIDTH_WORDS

    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.import_register(write_register(tmp_path / "b.csv", _without(SAM)))
    win = make_window()
    view = win.register_view
    view.refresh()
    fm = view.table.fontMetrics()
    row = [p.id for p in view.model.people].index(SAM)
    status = view.model.data(view.model.index(row, 5))
    assert status == f"Not in the MIS file since {TODAY:%d/%m/%Y} \u2013 has Sam left?"
    assert view.table.columnWidth(5) < fm.horizontalAdvance(status)          # cut...
    assert view.table.columnWidth(5) <= fm.horizontalAdvance(STATUS_WIDTH_WORDS) + 20
    assert view.table.columnWidth(5) >= fm.horizontalAdvance("Row rejected at import")
    tip = view.model.data(view.model.index(row, 5), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(status + ".\nThe register files imported since then do not list")
    # someone with nothing to say: no tooltip
    tori = [p.id for p in view.model.people].index(TORI)
    assert view.model.data(view.model.index(tori, 5), Qt.ItemDataRole.ToolTipRole) is None


def test_the_register_lists_status_is_the_cores(monkeypatch):
    """s46: the app's register list decided what stops a person being published itself (as
    ``photovet register list`` did, differently). It words what the core decides
    (``policy.person_standing``), whatever that is."""
    from photovet.core.models import Person
    from photovet.gui.views import register_tab

    asked = []

    def core(p, on, back=None):
        asked.append((p.id, on, back))
        return ["leaving", "do_not_photograph"]

    monkeypatch.setattr(register_tab, "person_standing", core)
    p = Person(id="X1", legal_forename="Sam", legal_surname="Hale",
               leaving_date=TODAY + dt.timedelta(days=30))
    assert register_tab.person_status(p, TODAY, "2026-01-01T00:00:00") == \
        f"Leaving on {p.leaving_date:%d/%m/%Y}; Do not photograph"
    assert asked == [("X1", TODAY, "2026-01-01T00:00:00")]
