"""s65: the list of exports (After posting > Exports and posts, and "Show their exports..." on
a pupil's page) kept each column at its words' width in a wide dialog, cramped together on
the left, and the caption column took the rest, mostly empty; and an export with no caption
read "Not recorded", as if PhotoVet had lost it. The width is shared among the columns, and
the cell says "No caption", its tooltip what that means."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from photovet.core.words import NO_CAPTION, NO_CAPTION_NOTE
from photovet.gui.dialogs.exports_history import ExportsDialog
from tests.core.afterpost_util import make_export
from tests.gui.fake_engine import JOEL, write_register


@pytest.mark.parametrize("width", [1000, 1360])
def test_a_wide_list_shares_its_width_and_says_no_caption(qtbot, ws, make_window, tmp_path,
                                                          width):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window({})
    for i in range(3):
        ws.records.add_export(make_export(tmp_path, i + 1, shown=[JOEL], name=f"award-00{i}"),
                              batch="Award", channel="facebook")
    dlg = ExportsDialog(win.ctx, parent=win)
    qtbot.addWidget(dlg)
    dlg.resize(width, 600)
    dlg.show()
    qtbot.waitExposed(dlg)
    table, model = dlg.table, dlg.model
    shown = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)]
    roomy = table.fontMetrics().averageCharWidth() * 3

    def shared() -> bool:
        return all(table.columnWidth(c) >= table.sizeHintForColumn(c) + roomy
                   for c in shown if c != model.CAPTION)

    qtbot.waitUntil(shared, timeout=3000)      # every column given room beyond its words
    view = table.viewport().width()
    assert sum(table.columnWidth(c) for c in shown) <= view + 1      # no sideways scrolling
    assert table.columnWidth(model.CAPTION) < view * 0.3             # not the rest of it
    # an export with no caption, said so
    cell = model.index(0, model.CAPTION)
    assert model.data(cell) == NO_CAPTION == "No caption"
    assert NO_CAPTION_NOTE in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    dlg.close()
