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
    assert page.exports_label.text() == "1 exported photo list Tori (1 marked posted)."
    items = ws.takedown()
    assert len(items) == 1
    takedown.mark_done(ws.records, [items[0].id], note="Removed from the Facebook page")
    win.ctx.records_changed.emit()
    assert page.exports_label.text() == \
        "1 exported photo list Tori (1 marked posted, 1 taken down)."
    page.accept()


def test_an_item_open_again_is_not_counted_as_taken_down(posted, ws):  # noqa: F811
    ws.register.set_consent(TORI, "facebook", "no")
    items = ws.takedown()
    takedown.mark_done(ws.records, [items[0].id])
    exports = ws.records.exports(person=TORI)
    assert takedown.taken_down(ws.records, exports) == {items[0].export_id}
    ws.db.execute("UPDATE takedown_items SET done_at = NULL WHERE id = ?", [items[0].id])
    assert takedown.taken_down(ws.records, exports) == set()
