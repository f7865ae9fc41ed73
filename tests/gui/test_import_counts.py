"""The import and Getting started count the same people, and say what the difference is
(GUI audit s24, item 17: the import said "25 new people", Getting started then "27 people in
the register": the two people whose rows were rejected are in the register, always covered)."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from photovet.gui.dialogs.import_wizard import ImportWizard, found_text
from photovet.gui.dialogs.person import PersonDialog
from tests.gui.conftest import modal
from tests.gui.fake_engine import REGISTER_ROWS, write_register


def _previewed(qtbot, win, csv_path) -> ImportWizard:
    """The import wizard of ``win`` on ``csv_path``, shown, at its preview (the columns as
    found: the dry run done)."""
    wiz = ImportWizard(win.ctx, csv_path=csv_path)
    qtbot.addWidget(wiz)
    wiz.resize(900, 640)
    wiz.show()
    qtbot.waitUntil(lambda: wiz.button(QWizard.WizardButton.NextButton).isEnabled(),
                    timeout=10000)
    wiz.next()
    wiz.next()                                         # the columns as found: the dry run
    qtbot.waitUntil(lambda: wiz.preview_page.report is not None, timeout=10000)
    return wiz


def test_rejected_rows_are_counted_apart_in_the_import_and_getting_started(qtbot, ws,
                                                                            make_window,
                                                                            tmp_path):
    bad = ["E100000000006", "Evans", "Eve", "Year 3", "3C", "Maybe", "Yes", "No", "No"]
    report = ws.import_register(write_register(tmp_path / "mis.csv", [*REGISTER_ROWS, bad]),
                                skip_invalid=True)
    assert report.applied and len(report.new_people) == 5 and len(report.invalidated) == 1
    assert len(ws.register.people()) == 6

    win = make_window()
    body = win.checklist.rows[0].body.text()
    assert body == ("6 people in the register: 5 ready, and 1 always covered because its row "
                    "was rejected. Fix those rows in the MIS and import the register again.")

    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    wiz.result_page._done(report)
    text = wiz.result_page.text.text()
    assert ("6 rows; 5 new people; 1 person whose row was rejected (in the register, always "
            "covered until fixed); 0 withdrawals.") in text
    # s40 walk: the preview's line said "new, row rejected (...)": what is wrong comes first
    (note,) = report.invalidated
    assert note.message == ("row rejected (line 7: Consent: School Website is 'Maybe': it must "
                            "be Yes or No, or blank for not recorded): not in the register "
                            "before, covered until fixed"), note.message
    # ... and the person page and the register's tip say it without brackets in brackets
    # ("their row (row rejected (line 7: ...))")
    said = ("On line 7 of the file, Consent: School Website is 'Maybe': it must be Yes or No, "
            "or blank for not recorded.")
    win.register_view.person_requested.emit(note.person_id)
    page = modal(kind=PersonDialog)
    text = html.unescape(page.banner.text())
    page.accept()
    assert f"found a problem with their row. {said} They are always covered" in text, text
    assert "((" not in text and "row rejected (" not in text
    view = win.register_view
    view.refresh()
    row = [p.id for p in view.model.people].index(note.person_id)
    tip = view.model.data(view.model.index(row, 5), Qt.ItemDataRole.ToolTipRole)
    assert f"had a problem and was not imported. {said} They are always" in tip, tip


def test_the_dry_run_says_errors_and_warnings_apart_and_long_lines_wrap(qtbot, ws, make_window,
                                                                        tmp_path):
    """Audit s26 item 10: 'No problems.' stood directly above 'Warnings (6)'; warnings ended in
    '…' and could not be read; the result said '1 people have blank consent cells'."""
    blank = ["E100000000006", "Evans", "Eve", "Year 3", "3C", "", "", "No", "No"]
    # a consent column for a channel PhotoVet does not know: a long warning (the columns the
    # file lacks altogether are said above the list now, not under Warnings)
    rows = [[*r, "Photo consent: Prospectus" if i == 0 else "Yes"]
            for i, r in enumerate([*REGISTER_ROWS, blank])]
    wiz = _previewed(qtbot, make_window(), write_register(tmp_path / "mis.csv", rows))
    page = wiz.preview_page
    report = page.report
    n_warn = len(report.warnings)
    assert n_warn >= 2 and not report.errors and len(report.blank_consents) == 1
    status = page.status.text()
    assert "No problems" not in status
    assert f"No row problems; {n_warn} warnings (under Warnings)." in status
    # every warning can be read in full: its row wraps, it is not cut with '…'
    warnings = next(page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())
                    if page.tree.topLevelItem(i).text(0).startswith("Warnings"))
    warnings.setExpanded(True)
    qtbot.wait(50)
    line = page.tree.fontMetrics().height()
    longest = max((warnings.child(i) for i in range(warnings.childCount())),
                  key=lambda c: len(c.text(1)))
    width = page.tree.columnWidth(1)
    assert page.tree.fontMetrics().horizontalAdvance(longest.text(1)) > width   # too long for one line
    assert page.tree.visualItemRect(longest).height() >= 2 * line
    assert found_text(0, 0) == "No problems."
    assert found_text(2, 1) == "2 row problems (listed below); 1 warning (under Warnings)."
    assert found_text(1, 0) == "1 row problem (listed below); no warnings."
    # the result: each heading counts exactly the lines under it (the walkthrough, round 30:
    # 'Warnings (1):' stood above the warning and the blank-cells line)
    lines = report.summary_lines()
    at = lines.index(f"Warnings ({n_warn}):")
    assert [x.startswith("  ") for x in lines[at + 1:at + 2 + n_warn]] == [True] * n_warn + [False]
    at = lines.index("Consent not recorded (blank cells), counted as No (1):")
    assert lines[at + 1].startswith("  Eve Evans (E100000000006): no consent recorded for ")
    assert lines[at + 1].endswith("counted as No")
    assert not any("1 people" in x for x in lines)
    wiz.reject()


def test_the_import_result_lists_under_each_heading_what_it_counts(qtbot, ws, make_window,
                                                                   tmp_path):
    """The walkthrough (round 30, shot 11): the result page said 'Warnings (1):' and then two
    lines, the blank consent cells line after the warning. Each heading holds the lines it
    counts."""
    blank = ["E100000000006", "Evans", "Eve", "Year 3", "3C", "", "", "No", "No"]
    rows = [[*r, "Photo consent: Prospectus" if i == 0 else "Yes"]
            for i, r in enumerate([*REGISTER_ROWS, blank])]
    report = ws.import_register(write_register(tmp_path / "mis.csv", rows))
    assert report.applied and report.warnings and len(report.blank_consents) == 1
    win = make_window()
    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    wiz.result_page._done(report)
    tree = wiz.result_page.lines
    headings = {tree.topLevelItem(i).text(0): tree.topLevelItem(i)
                for i in range(tree.topLevelItemCount())}
    checked = 0
    for text, item in headings.items():
        m = re.search(r"\((\d+)\):$", text)
        if m:                                          # 'New people (6):' holds 6 lines
            assert item.childCount() == int(m.group(1)), text
            assert item.isExpanded(), text
            checked += 1
    warnings = next(v for k, v in headings.items() if k.startswith("Warnings ("))
    assert all("blank" not in warnings.child(i).text(0) for i in range(warnings.childCount()))
    blank_heading = headings["Consent not recorded (blank cells), counted as No (1):"]
    assert blank_heading.child(0).text(0).startswith("Eve Evans (E100000000006)")
    assert checked >= 3, list(headings)
    wiz.reject()


def test_the_preview_says_a_withdrawal_undoes_a_form_entered_by_hand(qtbot, ws, make_window,
                                                                     tmp_path):
    """Audit s28, finding 8: a Yes typed in from a paper form, then an MIS file with the cell
    blank: the preview's withdrawal says the Yes was entered by hand, and the status line says
    what to do."""
    from tests.gui.fake_engine import SAM

    blank_sam = [[*r[:5], "", "", *r[7:]] if r[0] == SAM else r for r in REGISTER_ROWS]
    csv_path = write_register(tmp_path / "mis.csv", blank_sam)
    ws.import_register(csv_path)
    ws.register.set_consent(SAM, "facebook", True)
    preview = _previewed(qtbot, make_window(), csv_path).preview_page
    assert "1 withdrawal undoes a Yes entered by hand in PhotoVet (a consent form?)" in \
        preview.status.text()
    head = preview.tree.topLevelItem(0)
    assert head.text(0).startswith("Consent withdrawn")
    assert head.child(0).text(1).startswith(
        "Facebook Yes -> not recorded (the Yes was entered in PhotoVet by Mrs Jo Preparer on ")
    assert head.child(0).text(1).endswith("; this file has it blank)")


def test_a_warning_says_its_line_and_column_whole_when_the_column_name_has_a_colon():
    """Walkthrough s30: an MIS column "Consent: X (Twitter)" split the preview's line at its own
    colon: 'line 6, Consent' beside "X (Twitter): 'N/A' means not recorded: counted as No"."""
    from photovet.core.register.reports import RowProblem
    from photovet.gui.dialogs.import_wizard import _describe

    w = RowProblem(6, "Consent: X (Twitter)", "N/A", "'N/A' means not recorded: counted as No",
                   "U919241721225", "not_recorded")
    assert _describe(w) == ("line 6, Consent: X (Twitter)",
                            "'N/A' means not recorded: counted as No")
    assert _describe(RowProblem(None, "", "", "the file has no UPN column")) == (
        "the file", "the file has no UPN column")


def test_a_new_person_on_the_do_not_photograph_list_is_said_so_in_the_preview():
    """Walkthrough s30: a new pupil marked Do Not Photograph in the MIS file was listed under
    New people as "Year 6, 6H" only: the preview said it nowhere."""
    from photovet.core.models import Person
    from photovet.gui.dialogs.import_wizard import _describe

    oliver = Person(id="Z919241720729", legal_forename="Oliver", legal_surname="Whitaker",
                    year_group="Year 6", reg_group="6H", do_not_photograph=True)
    assert _describe(oliver) == ("Oliver Whitaker (Z919241720729)",
                                 "Year 6, 6H, do not photograph")


def test_the_preview_holds_back_a_pupil_removed_before_unless_ticked(qtbot, ws, make_window):
    """s35: a pupil removed from PhotoVet whom the MIS file still lists is not added back
    silently: the preview says so, with a tick to add them again (unticked: held back), and
    that the names kept under a replaced register key can no longer be recognised."""
    from PySide6.QtCore import Qt

    from photovet.core.register.reports import ImportReport, PersonNote
    from photovet.core.words import REMOVED_BEFORE_HELD

    said = "This pupil was removed from PhotoVet on 01/12/2026: importing adds them again"
    report = ImportReport(file="mis.csv", rows=3, dry_run=True, forgotten_unreadable=2,
                          removed_before=[PersonNote("S1", "Sam Hale", said)])
    win = make_window()
    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    page = wiz.preview_page
    page._fill(report)
    (head,) = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())
               if page.tree.topLevelItem(i).text(0).startswith(REMOVED_BEFORE_HELD)]
    sam = head.child(0)
    assert (sam.text(0), sam.text(1)) == ("Sam Hale (S1)", said)
    assert sam.checkState(0) == Qt.CheckState.Unchecked and page.add_again_choice() == []
    sam.setCheckState(0, Qt.CheckState.Checked)
    assert page.add_again_choice() == ["S1"]
    assert sam.text(1).startswith(said + ". Ticked: they will be added again")
    assert not page.forgotten_note.isHidden()
    assert page.forgotten_note.text().startswith(
        "2 names of removed pupils can no longer be recognised in imports: they were kept "
        "under the old register key")
    # shown again (Back, Next): the tick stays for the same row
    page.tree.clear()
    page._fill(report)
    assert page.add_again_choice() == ["S1"]


def test_an_old_leaver_removed_by_retention_can_be_ticked_to_add_again(qtbot, ws, make_window,
                                                                       tmp_path):
    """s37: the collapsed line of old leavers the retention schedule removed ("1 leaver
    removed by retention is still in the MIS file: not imported") had no tick: one removed by
    mistake could be added again only with the command's --add-again. Opened, each has a
    tick, and the import adds the one ticked through the same core call."""
    from PySide6.QtCore import Qt

    from photovet.core.words import leavers_removed_still_in_file
    from photovet.gui.dialogs.import_wizard import LEAVERS_ADD_AGAIN
    from tests.gui.fake_engine import SAM

    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.register.delete_people([(SAM, "retention schedule: due on 01/09/2026")],
                              by_retention=True)
    assert ws.register.find(SAM) is None
    rows = [[*r, "Leaving Date" if i == 0 else "18/07/2025" if r[0] == SAM else ""]
            for i, r in enumerate(REGISTER_ROWS)]
    wiz = _previewed(qtbot, make_window(), write_register(tmp_path / "mis.csv", rows))
    page = wiz.preview_page
    assert [n.person_id for n in page.report.leavers_removed_before] == [SAM]
    (head,) = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())
               if page.tree.topLevelItem(i).text(0) == leavers_removed_still_in_file(1)]
    assert not head.isExpanded() and head.text(1) == LEAVERS_ADD_AGAIN
    sam = head.child(0)
    assert sam.text(0) == f"Sam Brown ({SAM})"
    assert sam.checkState(0) == Qt.CheckState.Unchecked and page.add_again_choice() == []
    head.setExpanded(True)
    sam.setCheckState(0, Qt.CheckState.Checked)
    assert page.add_again_choice() == [SAM]
    assert sam.text(1).endswith(". Ticked: they will be added again with this import, with "
                                "the file's consent.")
    # shown again (Back, Next): the tick stays, and the line is open on it
    page.tree.clear()
    page._fill(page.report)
    (head,) = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())
               if page.tree.topLevelItem(i).text(0) == leavers_removed_still_in_file(1)]
    assert head.isExpanded() and head.child(0).checkState(0) == Qt.CheckState.Checked
    wiz.next()                                         # import
    qtbot.waitUntil(lambda: wiz.result_page.report is not None, timeout=10000)
    report = wiz.result_page.report
    assert report.applied and [n.person_id for n in report.added_again] == [SAM]
    assert ws.register.find(SAM) is not None


def test_a_upn_on_two_rows_is_one_person_in_the_register_in_the_import_and_getting_started(
        qtbot, ws, make_window, tmp_path):
    """s41 walk (the scenario's register): a UPN on two rows and one other rejected row. The
    import's last page said "3 people whose rows were rejected (in the register ...)" and
    each name on the shared UPN "not in the register before, covered until fixed";
    Getting started (rightly) "2 always covered ... 1 more rejected row shared a UPN with
    another row: that person is not in the register at all": the office looked for a pupil
    the register does not hold."""
    bad = ["E100000000006", "Evans", "Eve", "Year 3", "3C", "Maybe", "Yes", "No", "No"]
    first = ["F100000000007", "Fox", "Fay", "Year 2", "2A", "No", "No", "No", "No"]
    other = ["F100000000007", "Fox", "Finn", "Year 4", "4A", "Yes", "Yes", "Yes", "No"]
    report = ws.import_register(write_register(tmp_path / "mis.csv",
                                               [*REGISTER_ROWS, first, bad, other]),
                                skip_invalid=True)
    assert report.applied and len(ws.register.people()) == 7
    assert report.rejected_counts() == (2, 1)
    notes = {n.name: n.message for n in report.invalidated}
    assert notes["Fay Fox"].endswith(": not in the register before, covered until fixed")
    # s45 walk: "(the UPN is Fay Fox's there)" read as if Fay had been in the register
    # before this import; she is added by it, from the first of the rows
    assert notes["Finn Fox"].endswith(": not added to the register (it takes this UPN for Fay "
                                      "Fox, on the first of these rows), covered until fixed"), \
        notes["Finn Fox"]

    win = make_window()
    body = win.checklist.rows[0].body.text()
    assert body.startswith("7 people in the register: 5 ready, and 2 always covered because "
                           "their rows were rejected. 1 more rejected row shared a UPN with "
                           "another row: that person is not in the register at all."), body

    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    wiz.result_page._done(report)
    text = wiz.result_page.text.text()
    assert ("8 rows; 5 new people; 2 people whose rows were rejected (in the register, always "
            "covered until fixed); 1 more rejected row shared a UPN with another row (that "
            "person is not in the register at all); 0 withdrawals.") in text, text
    lines = "\n".join(report.summary_lines(plain=True))
    assert ("Rejected rows (lines 7, 8, 9): the consent in them was not imported. 2 of those "
            "people are in the register, always covered until their rows are fixed in the MIS "
            "and imported again; 1 more row shared a UPN with another row: that person is not "
            "in the register at all.") in lines, lines
    # the heading over the three names counts rows, not people (s41 walk: "Rows rejected:
    # these people are now covered (3)" above a name that is not in the register)
    assert "Rows rejected: these people are now covered (3):" not in lines, lines
    assert ("Rows rejected (3 rows, 2 people in the register): everyone on them is "
            "covered:") in lines, lines
    heads = [wiz.result_page.lines.topLevelItem(i).text(0)
             for i in range(wiz.result_page.lines.topLevelItemCount())]
    assert ("Rows rejected (3 rows, 2 people in the register): everyone on them is "
            "covered:") in heads, heads
