"""s65 walk: after a withdrawal that put posted photos on the take-down list, the person page
said "On the take-down list because of Tori: 1 posted photo must be taken down from Facebook.
See After posting > Take-down list..." twice: in the red banner at the top of the page and
again in the Exported photos and videos box. It is said once, at the top; the box points up
to it, and says it again itself once the top banner goes."""

from __future__ import annotations

import threading

from photovet.core.errors import RegisterStorageError
from photovet.core.workspace import Workspace
from photovet.gui import style
from photovet.gui.dialogs.person import (
    TAKEDOWN_ABOVE,
    TAKEDOWN_UNCHECKED_ABOVE,
)
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import posted, window  # noqa: F401 - fixtures
from tests.gui.test_tile_words_s42 import withdrawal_question

DOWN = ("On the take-down list because of Tori: 1 posted photo must be taken down from "
        "Facebook. See After posting > Take-down list\u2026")


def test_a_withdrawal_says_what_must_come_down_once(posted, qtbot):  # noqa: F811
    page, _ = withdrawal_question(posted, TORI)
    qtbot.waitUntil(lambda: page.said.text().startswith(f"{DOWN}\n1 approval ended"),
                    timeout=10000)
    assert page.said.isVisibleTo(page)
    # the box points up to it rather than saying it again
    assert page.takedown_label.text() == TAKEDOWN_ABOVE
    assert page.takedown_label.isVisibleTo(page)
    assert DOWN not in page.takedown_label.text()
    # a check again (a change made elsewhere) while the top banner still says it: the box
    # still points up, and the top banner still leads with it
    posted.ctx.register_changed.emit()
    assert page.takedown_label.text() == TAKEDOWN_ABOVE
    qtbot.waitUntil(lambda: not page._takedown_checking, timeout=10000)
    assert page.takedown_label.text() == TAKEDOWN_ABOVE
    assert page.said.text().startswith(f"{DOWN}\n1 approval ended")
    # the top banner goes (a consent form about to be entered): the box says it itself again
    page.say_saved([])
    assert not page.said.isVisibleTo(page)
    assert page.takedown_label.text() == DOWN
    assert page.takedown_label.isVisibleTo(page)
    assert page.takedown_label.styleSheet() == style.BANNER_ERROR
    page.accept()


def test_a_check_that_failed_is_said_once_too(posted, qtbot, monkeypatch):  # noqa: F811
    real = Workspace.takedown

    def failing(self, *a, **k):
        if threading.current_thread() is not threading.main_thread():
            raise RegisterStorageError("The register could not be read.")
        return real(self, *a, **k)

    monkeypatch.setattr(Workspace, "takedown", failing)
    page, _ = withdrawal_question(posted, TORI)
    qtbot.waitUntil(lambda: page.said.text().startswith(
        "Could not check the take-down list: "), timeout=10000)
    assert page.takedown_label.text() == TAKEDOWN_UNCHECKED_ABOVE
    page.say_saved([])
    assert page.takedown_label.text().startswith("Could not check the take-down list: ")
    page.accept()
