"""The import's preview gives the list of changes the room (walk s33): a file with three rows
with problems showed them in a table that took most of the page, and the changes (25 new
people, what the import is for) in three lines above it. The table of problems is now as tall
as its rows, up to a third of the page; the changes have the rest."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from photovet.gui.dialogs.import_wizard import ImportWizard
from tests.gui.conftest import modal
from tests.gui.fake_engine import REGISTER_ROWS, write_register

NEXT = QWizard.WizardButton.NextButton


def test_a_few_rows_with_problems_leave_the_changes_the_room(qtbot, make_window, tmp_path):
    head = REGISTER_ROWS[0]
    rows = [head]
    for i in range(25):      # new people
        rows.append([f"K{100000000010 + i}", f"Surname{i}", f"Name{i}", "Year 3", "3R",
                     "Yes", "No", "No", "No"])
    rows.append(["E100000000901", "Bad", "One", "Year 3", "3R", "Maybe", "No", "No", "No"])
    rows.append(["E100000000902", "Twice", "A", "Year 3", "3R", "Yes", "No", "No", "No"])
    rows.append(["E100000000902", "Twice", "B", "Year 3", "3R", "No", "No", "No", "No"])
    rows.append(["", "Nobody", "Zed", "Year 3", "3R", "No", "No", "No", "No"])    # no UPN
    csv_path = write_register(tmp_path / "mis.csv", rows)
    win = make_window()
    win.register.import_register(str(csv_path))
    wiz = modal(kind=ImportWizard)
    wiz.resize(890, 640)                        # as on a 1366 x 768 office screen
    qtbot.waitUntil(lambda: wiz.button(NEXT).isEnabled(), timeout=10000)
    wiz.next()
    wiz.next()
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.report is not None and page.error_box.isVisible(),
                    timeout=10000)
    qtbot.wait(100)                              # laid out
    errors, tree = page.errors, page.tree
    # each problem said once (s36 walk: every one was in the list and in the table): a
    # rejected row of someone is under "Rows with problems" with its line, the table has only
    # the row that is no one's
    heads = {tree.topLevelItem(i).text(0): tree.topLevelItem(i)
             for i in range(tree.topLevelItemCount())}
    problems = heads["Rows with problems: these people will be covered (3)"]
    said = [problems.child(i).text(1) for i in range(3)]
    assert all("line " in text for text in said), said
    assert errors.rowCount() == 1 and errors.item(0, 0).text() == "30"
    assert "ALWAYS" not in page.skip_note.text()
    rows_tall = errors.rowHeight(0) + errors.horizontalHeader().height()
    # the table is no taller than its rows need (or the least it ever is), and every row shows
    assert errors.height() <= max(rows_tall + 4 * errors.frameWidth() + 8,
                                  3 * errors.verticalHeader().defaultSectionSize())
    assert errors.height() >= rows_tall
    # the list of changes has more room than the problems
    assert tree.height() > 1.5 * errors.height(), (tree.height(), errors.height())
    wiz.reject()
