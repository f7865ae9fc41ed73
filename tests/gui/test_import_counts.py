"""The import and Getting started count the same people, and say what the difference is
(GUI audit s24, item 17: the import said "25 new people", Getting started then "27 people in
the register": the two people whose rows were rejected are in the register, always covered)."""

from __future__ import annotations

from photovet.gui.dialogs.import_wizard import ImportWizard
from tests.gui.fake_engine import REGISTER_ROWS, write_register


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
    assert body.startswith("6 people in the register: 5 ready, and 1 whose row was rejected "
                           "(always covered until the MIS is fixed")

    wiz = ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    wiz.result_page._done(report)
    text = wiz.result_page.text.text()
    assert ("6 rows; 5 new people; 1 person whose row was rejected (in the register, always "
            "covered until fixed); 0 withdrawals.") in text
