"""The person page at 1366 x 768 (s31 walk): under a banner of three lines the left column
(consent, do not photograph, the note under it; the details now sit on the right) is read
whole, to its last line, each label as tall as its wrapped text. And an account that may not
change the register reads the page greyed out, with the role it needs (s32 walk)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QScrollArea

from photovet.gui.dialogs.person import PersonDialog
from tests.gui.fake_engine import REGISTER_ROWS, SAM, write_register


def test_the_left_column_is_never_cut_under_a_long_banner(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.import_register(write_register(tmp_path / "b.csv",
                                      [r for r in REGISTER_ROWS if r[0] != SAM]))
    win = make_window()
    page = PersonDialog(win.ctx, SAM, parent=win)
    qtbot.addWidget(page)
    # as it opens at 1366 x 768 (fit_resize: 1000 x 700) less what the fonts of a school PC
    # take beyond the test's (the walk's screen cut the last line at 700)
    page.resize(1000, 600)
    # a banner of three lines and more (the walk's: not in the MIS file, and no face photo)
    page.banner.setText("<b>Not in the MIS file since 30/11/2026 \u2013 has Sam left?</b> "
                        + "The register files imported since then do not list them. " * 3)
    page.show()
    qtbot.waitExposed(page)
    for _ in range(3):
        QApplication.processEvents()
    assert page.banner.isVisible()
    assert page.banner.height() >= page.banner.heightForWidth(page.banner.width())
    left = page.findChild(QScrollArea)
    inner = left.widget()
    viewport = left.viewport()
    for label in inner.findChildren(QLabel):
        if not label.isVisible() or not label.wordWrap() or not label.text():
            continue
        need = label.heightForWidth(label.width())
        assert label.height() >= need, (label.text()[:60], label.height(), need)
    # it fits, to its last line: nothing to scroll for, nothing cut at the bottom
    QApplication.processEvents()
    assert page.banner.height() >= 3 * page.banner.fontMetrics().lineSpacing()
    assert left.verticalScrollBar().maximum() == 0
    bottom = max(w.geometry().bottom() for w in inner.findChildren(QLabel) if w.isVisible())
    assert bottom <= viewport.height()


def test_a_preparer_reads_the_person_page_greyed_out_with_the_role_it_needs(
        qtbot, ws, make_window, tmp_path):
    """Walk s32: a preparer could choose No for Facebook, type who asked, press Withdraw
    consent, and only then be refused (with a command to type). What the core's roles do not
    allow them is greyed out, with the role it needs; what they may do is not."""
    from tests.gui.conftest import ONLY_PREPARER, PREPARER_NAME, sign_in_as

    ws.import_register(write_register(tmp_path / "a.csv"))
    win = make_window()
    sign_in_as(win, ONLY_PREPARER)
    page = PersonDialog(win.ctx, SAM, parent=win)
    qtbot.addWidget(page)
    assert page.combos and not any(c.isEnabled() for c in page.combos.values())
    assert "Needs the Admin role (to change consent by hand)" in \
        next(iter(page.combos.values())).toolTip()
    assert not page.dnp.isEnabled() and not page.form_btn.isEnabled()
    assert not page.remove_btn.isEnabled() and not page.enrol_btn.isEnabled()
    assert not page.sar_btn.isEnabled()
    assert not page.read_only.isHidden()
    assert page.read_only.text() == ("You can read this page. Changing it needs the Admin "
                                      "role (to change consent by hand).")
    page.close()
    # the office's first admin changes it
    sign_in_as(win, PREPARER_NAME)
    page = PersonDialog(win.ctx, SAM, parent=win)
    qtbot.addWidget(page)
    assert all(c.isEnabled() for c in page.combos.values())
    assert page.sar_btn.isEnabled() and page.read_only.isHidden()


def test_the_consent_history_fits_its_four_columns_after_a_withdrawal(
        qtbot, ws, make_window, tmp_path, monkeypatch):
    """Walk s39 at 1366 x 768: after a withdrawal the history's first column widened (the
    table sized it with the line across it, who asked) and, with the vertical scroll bar, the
    "By" column went under a horizontal one ("Mrs Jo Offi", "Register ir"). Each column is
    as wide as its values; the four fit the page as it opens at 1366 x 768 (1100 x 700)."""
    import datetime as _dt

    from tests.gui.conftest import PREPARER_NAME

    ws.import_register(write_register(tmp_path / "a.csv"))
    asked = {"requested_by": "Mrs Ellison (mother), by email", "requested_on": _dt.date.today(),
             "how": "typed in PhotoVet"}
    for ch in ("facebook", "x", "instagram", "newsletter", "press"):
        ws.register.set_consent(SAM, ch, True, **asked)
    from photovet.gui.dialogs import person

    asked_size: list[tuple[int, int]] = []     # the size the page asks for (the test's
    monkeypatch.setattr(person, "fit_resize",  # screen is 800 wide: it gets it at 1366)
                        lambda dlg, w, h: asked_size.append((w, h)))
    win = make_window()
    page = PersonDialog(win.ctx, SAM, parent=win)
    qtbot.addWidget(page)
    page.resize(*asked_size[0])
    page.show()
    qtbot.waitExposed(page)
    ws.register.set_consent(SAM, "website", False, **asked)      # withdrawn, with who asked
    page.reload()
    for _ in range(3):
        QApplication.processEvents()
    table = page.history
    assert table.verticalScrollBar().maximum() > 0           # as many rows as the walk's
    fm = table.fontMetrics()
    stamp = table.item(0, 0).text()
    assert table.columnWidth(0) <= fm.horizontalAdvance(stamp) + 16, table.columnWidth(0)
    widths = [table.columnWidth(c) for c in range(4)]
    assert sum(widths) <= table.viewport().width(), (widths, table.viewport().width())
    assert widths[3] >= max(fm.horizontalAdvance(t) for t in ("Register import", PREPARER_NAME))


def test_the_history_says_the_do_not_photograph_list_in_its_own_words(qtbot, ws, make_window,
                                                                      tmp_path):
    """s61 walk: every pupil's history opened with "Do not photograph: Not recorded -> No"
    from the first import, which reads as a consent refused. Being left off the list by the
    first import is no news; going on it and off it says "On the list", "Not on the list"."""
    import datetime as _dt

    from tests.gui.fake_engine import DAN

    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.register.set_do_not_photograph(SAM, True, requested_by="Mrs Brown (mother)",
                                      requested_on=_dt.date.today())
    win = make_window()
    for pid, expected in ((SAM, ["Not on the list \u2192 On the list"]),
                          (DAN, ["Not on the list \u2192 On the list"])):
        page = PersonDialog(win.ctx, pid, parent=win)
        qtbot.addWidget(page)
        t = page.history
        rows = [(t.item(r, 1).text(), t.item(r, 2).text()) for r in range(t.rowCount())
                if t.item(r, 1) is not None and t.item(r, 2) is not None]
        listed = [change for what, change in rows if what == "Do not photograph"]
        assert listed == expected, rows
        page.close()
