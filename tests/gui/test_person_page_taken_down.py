"""Audit (second term), finding 13: after a photo was taken down, the person page still said
"3 exported photos list Seun (3 marked posted)", with nothing about the take-down. It says
"1 taken down" too (takedown.taken_down: items marked done and not open again)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from photovet.core.records import takedown
from photovet.gui.dialogs.person import PersonDialog
from tests.gui.conftest import modal, select_row
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import posted, window  # noqa: F401 - fixtures


def test_the_person_page_says_what_was_taken_down(posted, qtbot, ws):  # noqa: F811
    win = posted
    ws.register.set_consent(TORI, "facebook", "no")        # withdrawn: Tori's photo listed
    win.ctx.register_changed.emit()
    qtbot.waitUntil(lambda: win.takedown_banner.isVisible(), timeout=10000)
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    assert page.exports_label.text() == "1 exported photo lists Tori (1 marked posted)."
    # s32: and that it is on the take-down list, on the page (the banner is behind it); s50:
    # checked in a worker
    down = ("On the take-down list because of Tori: 1 posted photo must be taken down from "
            "Facebook. See After posting > Take-down list\u2026")
    qtbot.waitUntil(lambda: page.takedown_label.text() == down, timeout=10000)
    assert page.takedown_label.isVisible()
    items = ws.takedown()
    assert len(items) == 1
    takedown.mark_done(ws.records, [items[0].id], note="Removed from the Facebook page")
    win.ctx.records_changed.emit()
    assert page.exports_label.text() == \
        "1 exported photo lists Tori (1 marked posted, 1 taken down)."
    qtbot.waitUntil(page.takedown_label.isHidden, timeout=10000)   # done: no longer said
    page.accept()


def test_the_person_page_says_a_withdrawal_made_on_it_puts_photos_on_the_take_down_list(
        posted, qtbot, ws):  # noqa: F811
    """s32 walkthrough: consent withdrawn on the person page itself; the page says at once
    that their photo is on the take-down list (from the core's records), and which channel."""
    win = posted
    page = PersonDialog(win.ctx, TORI)
    qtbot.addWidget(page)
    qtbot.waitUntil(page.takedown_label.isHidden, timeout=10000)  # consent given: nothing
    ws.register.set_consent(TORI, "facebook", "no")
    win.ctx.register_changed.emit()                          # as the page's own change does
    qtbot.waitUntil(lambda: page.takedown_label.text().startswith(
        "On the take-down list because of Tori: 1 posted photo must be taken down from "
        "Facebook"), timeout=10000)
    assert [i.channel for i in ws.takedown()] == ["facebook"]  # the core's list says the same
    page.accept()


def test_an_item_open_again_is_not_counted_as_taken_down(posted, ws):  # noqa: F811
    ws.register.set_consent(TORI, "facebook", "no")
    items = ws.takedown()
    takedown.mark_done(ws.records, [items[0].id])
    exports = ws.records.exports(person=TORI)
    assert takedown.taken_down(ws.records, exports) == {items[0].export_id}
    ws.db.execute("UPDATE takedown_items SET done_at = NULL WHERE id = ?", [items[0].id])
    assert takedown.taken_down(ws.records, exports) == set()


def _their_exports(page, win):
    """Press "Show their exports…" on ``page``: the exports history filtered by that person."""
    from photovet.gui.dialogs.exports_history import ExportsDialog

    page.exports_btn.click()
    [hist] = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, ExportsDialog) and w.isVisible()]
    return hist


def test_the_person_page_counts_photos_that_may_show_them(qtbot, ws, make_window, tmp_path):
    """A face confirmed as Joel while Tori was near it may be Tori's: the office answers her
    parent from her page, so it says that photo may show her, never naming Joel; Joel's page
    is as before."""
    from tests.core.afterpost_util import make_export
    from tests.gui.fake_engine import JOEL, write_register

    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window({})
    r = make_export(tmp_path, 1, shown=[JOEL], name="twins")
    r.people_maybe, r.maybe_missing = [(TORI, JOEL, "near")], {TORI: ""}
    ws.records.add_export(r, batch="Trip", channel="facebook")
    page = PersonDialog(win.ctx, TORI)
    qtbot.addWidget(page)
    page.exports_requested.connect(lambda pid: win.after.open_exports(person=pid))  # as the app
    assert page.exports_label.text() == (
        "No exported photo lists this person. 1 exported photo may show Tori: a face in it may "
        "be theirs though staff did not name it as them (their subject access report lists it).")
    assert "Joel" not in page.exports_label.text()
    assert page.exports_btn.isEnabled()        # s29: was disabled, though there is one to show
    hist = _their_exports(page, win)
    assert hist.model.rowCount() == 1
    assert hist.model.text(hist.model.records[0], hist.model.PERSON) == "May show them"
    tip = hist.model.data(hist.model.index(0, hist.model.PERSON), Qt.ItemDataRole.ToolTipRole)
    assert tip == ("May show them: a face in it may be theirs (staff named it as another "
                   "person); their subject access report lists it.")
    # s30: nor whom that face was shown as, beside it ("Faces shown: Joel Wright" and "May
    # show them" put the two names together); the core's words, in that row only
    from photovet.core.words import MAYBE_PEOPLE_NOT_SAID

    row = [hist.model.text(hist.model.records[0], c) for c in range(hist.model.columnCount())]
    assert row[hist.model.COLUMNS.index("Faces shown")] == MAYBE_PEOPLE_NOT_SAID
    assert row[hist.model.COLUMNS.index("Names readable")] == MAYBE_PEOPLE_NOT_SAID
    assert not any("Joel" in cell for cell in row)
    tips = [hist.model.data(hist.model.index(0, c), Qt.ItemDataRole.ToolTipRole)
            for c in range(hist.model.columnCount())]
    assert not any("Joel" in (t or "") for t in tips)
    select_row(hist.table, 0)                               # said under the list too
    assert f"<b>{tip}</b>" in hist.caption.text() and "Joel" not in hist.caption.text()
    assert not hist.table.isColumnHidden(hist.model.PERSON)
    assert hist.count.text() == ("1 export, 0 marked posted; 1 may show Tori Amos (a face shown "
                                 "as someone else may be theirs).")
    hist.person.setCurrentIndex(0)                          # everyone: as before
    assert hist.table.isColumnHidden(hist.model.PERSON)
    assert hist.count.text() == "1 export, 0 marked posted."
    hist.accept()
    # a photo of her own as well: counted apart, "more"
    ws.records.add_export(make_export(tmp_path, 2, shown=[TORI], name="own"), batch="Trip",
                          channel="facebook")
    win.ctx.records_changed.emit()
    assert page.exports_label.text() == (
        "1 exported photo lists Tori (0 marked posted). 1 more exported photo may show Tori: a "
        "face in it may be theirs though staff did not name it as them (their subject access "
        "report lists it).")
    hist = _their_exports(page, win)
    assert [hist.model.text(r, hist.model.PERSON) for r in hist.model.records] == [
        "Face shown", "May show them"]                       # newest first
    assert hist.model.text(hist.model.records[0], 5) == "Tori Amos"     # her own: as before
    assert "1 may show Tori Amos" in hist.count.text()
    hist.accept()
    joel = PersonDialog(win.ctx, JOEL)
    qtbot.addWidget(joel)
    assert joel.exports_label.text() == "1 exported photo lists Joel (0 marked posted)."
    page.accept()
    joel.accept()
