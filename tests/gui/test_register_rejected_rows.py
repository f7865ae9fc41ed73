"""Walk5 (PNGs 15, 116): the register tab's header said "2 with problems" when 3 rows were
rejected: two rows shared a UPN, and the second pupil (Martin) was in the register nowhere, so
searching "Martin" found nothing. Every rejected row is counted, and the row that holds the UPN
says (and is found by) the other rows' names and lines."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.fake_engine import REGISTER_ROWS, TORI, write_register


def test_every_rejected_row_is_counted_and_a_shared_upn_names_each_row(
        qtbot, ws, make_window, tmp_path):
    rows = [*REGISTER_ROWS,
            [TORI, "Dunmore", "Martin", "Year 4", "4P", "Yes", "Yes", "Yes", "No"],
            ["A100000000099", "Fenwick", "Charlotte", "Year 3", "3R", "Maybe", "Yes", "Yes",
             "No"]]
    report = ws.import_register(write_register(tmp_path / "r.csv", rows), skip_invalid=True)
    assert report.applied and len(report.skipped_rows) == 3
    win = make_window()
    view = win.register_view
    summary = view.summary.text()
    assert "3 rows rejected at import (2 in the register)" in summary, summary
    assert "with problems" not in summary
    # Martin's row is not in the register; searching his name finds the row holding the UPN,
    # whose status tip says whose rows share it, and on which lines
    view.search.setText("Martin")
    shown = view.people_shown()
    assert [p.id for p in shown] == [TORI]
    row = next(r for r in range(view.model.rowCount())
               if view.model.person_at(r).id == TORI)
    status = view.model.index(row, 5).data(Qt.ItemDataRole.DisplayRole)
    assert status == "Row rejected: UPN also on Martin Dunmore's row (line 7)", status
    tip = view.model.index(row, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert "line 2 (Tori Amos)" in tip and "(Martin Dunmore)" in tip, tip
    assert "other rows with the UPN are not" in tip
