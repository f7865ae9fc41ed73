"""s61: a register file with no do-not-photograph column keeps everyone on the list, and the
import's preview says who, in the red of a withdrawal, before anything is imported."""

from __future__ import annotations

from tests.gui.fake_engine import DAN, REGISTER_ROWS, write_register
from tests.gui.test_import_counts import _previewed


def test_the_preview_lists_who_stays_on_the_do_not_photograph_list(qtbot, ws, make_window,
                                                                  tmp_path):
    ws.import_register(write_register(tmp_path / "september.csv"))
    assert {p.id: p.do_not_photograph for p in ws.register.people()}[DAN]
    without = [row[:-1] for row in REGISTER_ROWS]          # the column left out
    win = make_window()
    wiz = _previewed(qtbot, win, write_register(tmp_path / "october.csv", without))
    tree = wiz.preview_page.tree
    heads = {tree.topLevelItem(i).text(0): tree.topLevelItem(i)
             for i in range(tree.topLevelItemCount())}
    [head] = [h for t, h in heads.items() if t.startswith("Kept on the do-not-photograph list")]
    assert head.childCount() == 1 and "Dufour" in head.child(0).text(0)
    assert "untick Do not photograph" in head.child(0).text(1)
    wiz.reject()


def test_an_older_file_is_imported_only_when_the_person_says_it_is_todays(qtbot, ws,
                                                                           make_window,
                                                                           tmp_path):
    """s61: September's file imported again after October's gave back the consent October
    withdrew. The preview says so first, and Import waits for a tick."""
    from PySide6.QtWidgets import QWizard

    september = write_register(tmp_path / "september.csv")
    october = [row[:] for row in REGISTER_ROWS]
    october[1][6] = "No"                                   # Tori's Facebook consent withdrawn
    ws.import_register(september)
    ws.import_register(write_register(tmp_path / "october.csv", october))
    win = make_window()
    wiz = _previewed(qtbot, win, september)
    page = wiz.preview_page
    assert page.older_file.isVisible() and page.todays_export.isVisible()
    said = page.older_file.text()
    assert "An older file?" in said and "consent withdrawn since would come back for 1 " \
        "person" in said, said
    assert not page.isComplete()
    assert not wiz.button(QWizard.WizardButton.NextButton).isEnabled()
    page.todays_export.setChecked(True)
    assert page.isComplete()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.result_page.report is not None, timeout=10000)
    assert wiz.result_page.report.applied
    tori = {p.id: p for p in ws.register.people()}[REGISTER_ROWS[1][0]]
    assert tori.consent_state("facebook", "photo") == "yes"
    wiz.reject()


def test_a_reports_title_is_said_and_the_lines_of_a_closed_section_are_not_cut(
        qtbot, ws, make_window, tmp_path):
    """s62 walk: a report's title above the column headings is left out and said among the
    warnings; and the first column was sized to the open sections only, so a warning's
    "line 1" read "lir" once Warnings was opened."""
    width = len(REGISTER_ROWS[0])
    titled = [["Photo consent report"] + [""] * (width - 1), [""] * width, *REGISTER_ROWS]
    # the same people and consent as the register holds: nothing open but the closed sections
    ws.import_register(write_register(tmp_path / "september.csv"))
    win = make_window()
    wiz = _previewed(qtbot, win, write_register(tmp_path / "report.csv", titled))
    tree = wiz.preview_page.tree
    [warnings] = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                  if tree.topLevelItem(i).text(0).startswith("Warnings")]
    assert not warnings.isExpanded()
    lines = {warnings.child(j).text(0): warnings.child(j).text(1)
             for j in range(warnings.childCount())}
    assert lines["line 1"] == "'Photo consent report' is above the column headings: read as " \
        "the report's title and left out", lines
    # wide enough for each closed line, past the two levels of indentation
    need = max(tree.fontMetrics().horizontalAdvance(t) for t in lines) + 2 * tree.indentation()
    assert tree.columnWidth(0) >= need, (tree.columnWidth(0), need)
    wiz.reject()
