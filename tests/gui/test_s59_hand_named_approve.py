"""s59: an approver asked "A face was named by hand" (the one question between pressing
Approve and the approval being stored) approves what was on screen when they pressed it. While
the question is open, the window goes on hearing the register's change feed: a change another
PC made (here a preparer's cover by hand) decides the photo again behind the question, and the
approval signed that, which the approver never looked at (the contact sheet already takes what
it signs before its question; the single Approve took it after)."""

from __future__ import annotations

import copy

from PySide6.QtWidgets import QMessageBox

from photovet.core.models import Cover
from tests.conftest import office_access
from tests.gui.conftest import answer, button
from tests.gui.test_twins_card import named_by_hand_and_ready, window  # noqa: F401


def test_a_change_heard_while_the_hand_named_question_is_open_is_not_approved(window, ws):  # noqa: F811
    named_by_hand_and_ready(window)
    item = window.review.current()
    shown_covers = len(window.ctx.engine.covers(item.analysis))

    def looked(box: QMessageBox) -> None:
        # another PC's preparer covers an area by hand now; this window hears it (the feed)
        access = ws.audit.access
        ws.audit.access = office_access("Mrs Elsewhere")
        try:
            ws.reviewer().add_cover(copy.deepcopy(item.analysis),
                                    Cover("rect", (5, 5, 40, 40), None, "manual"),
                                    ws.channels.get(item.analysis.channel))
        finally:
            ws.audit.access = access
        window.ctx.poll_changes()
        assert len(window.ctx.engine.covers(item.analysis)) == shown_covers + 1
        button(box, "I looked at it: approve").click()

    answer(looked, kind=QMessageBox)
    window.approval.approve()
    state = ws.approvals.get(item.analysis.sha256, item.analysis.channel)
    assert state.status != "approved", (
        "approved a cover added on another PC while the question was open, never looked at")
    said = window.photos.approval.message.text()
    assert "changed this photo" in said and "after you opened it" in said, said
