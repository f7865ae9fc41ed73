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
