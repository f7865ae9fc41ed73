"""Audit (second term), finding 13: after a photo was taken down, the person page still said
"3 exported photos list Seun (3 marked posted)", with nothing about the take-down. It says
"1 taken down" too (takedown.taken_down: items marked done and not open again)."""

from __future__ import annotations

from photovet.core.records import takedown
from photovet.gui.dialogs.person import PersonDialog
from tests.gui.conftest import modal
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
    items = ws.takedown()
    assert len(items) == 1
    takedown.mark_done(ws.records, [items[0].id], note="Removed from the Facebook page")
    win.ctx.records_changed.emit()
    assert page.exports_label.text() == \
        "1 exported photo lists Tori (1 marked posted, 1 taken down)."
    page.accept()


def test_an_item_open_again_is_not_counted_as_taken_down(posted, ws):  # noqa: F811
    ws.register.set_consent(TORI, "facebook", "no")
    items = ws.takedown()
    takedown.mark_done(ws.records, [items[0].id])
    exports = ws.records.exports(person=TORI)
    assert takedown.taken_down(ws.records, exports) == {items[0].export_id}
    ws.db.execute("UPDATE takedown_items SET done_at = NULL WHERE id = ?", [items[0].id])
    assert takedown.taken_down(ws.records, exports) == set()


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
    assert page.exports_label.text() == (
        "No exported photo lists this person. 1 exported photo may show Tori: a face in it may "
        "be theirs though staff did not name it as them (their subject access report lists it).")
    assert "Joel" not in page.exports_label.text()
    assert not page.exports_btn.isEnabled()
    # a photo of her own as well: counted apart, "more"
    ws.records.add_export(make_export(tmp_path, 2, shown=[TORI], name="own"), batch="Trip",
                          channel="facebook")
    win.ctx.records_changed.emit()
    assert page.exports_label.text() == (
        "1 exported photo lists Tori (0 marked posted). 1 more exported photo may show Tori: a "
        "face in it may be theirs though staff did not name it as them (their subject access "
        "report lists it).")
    joel = PersonDialog(win.ctx, JOEL)
    qtbot.addWidget(joel)
    assert joel.exports_label.text() == "1 exported photo lists Joel (0 marked posted)."
    page.accept()
    joel.accept()
