"""s50: the person page brought the take-down list up to date on the window's thread when it
opened and after every change (``Workspace.takedown``: 0.5 s and more of a frozen window on a
register of a few thousand exports). It runs in a worker with its own workspace; the page says
it is checking meanwhile, shows the latest answer only, and nothing once it has closed."""

from __future__ import annotations

import threading

from photovet.core.workspace import Workspace
from photovet.gui.dialogs.person import CHECKING_TAKEDOWN, PersonDialog
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import posted, window  # noqa: F401 - fixtures

DOWN = ("On the take-down list because of Tori: 1 posted photo must be taken down from "
        "Facebook. See After posting > Take-down list\u2026")


def test_the_person_pages_take_down_check_runs_off_the_windows_thread(
        posted, qtbot, ws, monkeypatch):  # noqa: F811
    win = posted
    ws.register.set_consent(TORI, "facebook", "no")
    threads: list[bool] = []
    real = Workspace.takedown

    def watched(self, *a, **k):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(self, *a, **k)

    monkeypatch.setattr(Workspace, "takedown", watched)
    threads.clear()
    page = PersonDialog(win.ctx, TORI)
    qtbot.addWidget(page)
    # at once: said to be checking, in the calm colour, not the list's answer yet
    assert page.takedown_label.text() == CHECKING_TAKEDOWN
    qtbot.waitUntil(lambda: page.takedown_label.text() == DOWN, timeout=10000)
    assert threads and not any(threads), threads       # never on the window's thread
    page.accept()


def test_a_page_closed_before_its_check_is_back_is_left_alone(
        posted, qtbot, ws, monkeypatch):  # noqa: F811
    win = posted
    ws.register.set_consent(TORI, "facebook", "no")
    go = threading.Event()
    real = Workspace.takedown

    def slow(self, *a, **k):
        if threading.current_thread() is not threading.main_thread():
            go.wait(10)
        return real(self, *a, **k)

    monkeypatch.setattr(Workspace, "takedown", slow)
    page = PersonDialog(win.ctx, TORI)
    page.accept()
    go.set()
    qtbot.waitUntil(lambda: not [w for w in win.ctx.workers.running
                                 if w.name == "person-takedown"], timeout=10000)
    qtbot.wait(300)                  # its answer delivered
    assert page.takedown_label.text() == CHECKING_TAKEDOWN      # not written after it closed


def test_only_the_latest_check_is_shown(posted, qtbot, ws):  # noqa: F811
    """Consent withdrawn then given back while the first check runs: the page ends with the
    second answer (nothing listed), never the first."""
    win = posted
    page = PersonDialog(win.ctx, TORI)
    qtbot.addWidget(page)
    ws.register.set_consent(TORI, "facebook", "no")
    win.ctx.register_changed.emit()
    ws.register.set_consent(TORI, "facebook", "yes")
    win.ctx.register_changed.emit()
    qtbot.waitUntil(lambda: not page._takedown_checking, timeout=10000)
    qtbot.wait(300)                  # the first check's answer, if it came after, is not shown
    assert page.takedown_label.isHidden(), page.takedown_label.text()
    page.accept()
