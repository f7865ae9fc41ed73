"""s35: after an export, the copies earlier exports left in the folder were looked for (each
read and hashed: seconds for 300 large copies) on the window's thread, the window frozen; and
removing them hashed each again there. Both run in a worker (``gui/tasks``); the question is
asked when the list is back, and what was removed is said when that is back."""

from __future__ import annotations

import contextlib
import threading
from types import SimpleNamespace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from photovet.core.errors import SessionLocked
from photovet.core.records import earlier
from photovet.gui.context import AppContext
from photovet.gui.controllers.export import EARLIER_TITLE, ExportController
from photovet.gui.tasks import Workers
from tests.gui.conftest import answer, click, message_text


class _Ctx(QObject):
    records_changed = Signal()

    def __init__(self):
        super().__init__()
        self.workers = Workers(self)
        self.register_closed = False
        self.ws = SimpleNamespace(records="the window's records")
        self.opened: list[str] = []
        self.on_refusal = None

    fail = AppContext.fail          # the window's one way of saying a problem

    @contextlib.contextmanager
    def thread_workspace(self):
        self.opened.append(threading.current_thread().name)
        yield SimpleNamespace(records="the worker's records")


def test_earlier_copies_are_looked_for_and_removed_in_a_worker(qtbot, monkeypatch, tmp_path):
    ran: dict[str, tuple[bool, object]] = {}
    copy = earlier.EarlierCopy(7, str(tmp_path / "trip_1.jpg"), "a" * 64, "/photos/trip_1.jpg",
                               "out of date: a newer copy was written now")

    def find(records, results, folder, channel):
        ran["find"] = (threading.current_thread() is threading.main_thread(), records)
        return [copy]

    def remove(records, copies):
        ran["remove"] = (threading.current_thread() is threading.main_thread(), records)
        for c in copies:
            c.removed, c.message = True, "removed"
        return list(copies)

    monkeypatch.setattr(earlier, "earlier_copies", find)
    monkeypatch.setattr(earlier, "remove_earlier_copies", remove)
    ctx, window = _Ctx(), QWidget()
    qtbot.addWidget(window)
    ctrl = ExportController(ctx, batch=None, parent=window)    # type: ignore[arg-type]
    ctrl.results, ctrl._channel = [], "website"
    def then_ok(w):
        ran["done"] = message_text(w)
        click("OK")(w)

    def remove_them(w):
        ran["said"] = message_text(w)
        click("Remove them")(w)
        answer(then_ok, kind=QMessageBox, delay=20)     # what was removed, when it is back

    answer(remove_them, kind=QMessageBox)
    ctrl._earlier_copies(str(tmp_path))
    assert "said" not in ran                      # nothing asked before the list is back
    qtbot.waitUntil(lambda: "done" in ran, timeout=5000)
    assert "trip_1.jpg: out of date" in ran["said"]
    assert ran["done"].startswith("1 earlier copy removed.")
    # each read in a worker, with the worker's own workspace (never the window's thread)
    assert ran["find"] == (False, "the worker's records")
    assert ran["remove"] == (False, "the worker's records")
    assert len(ctx.opened) == 2 and threading.main_thread().name not in ctx.opened
    ctx.workers.stop_all(5000)


def test_a_sign_in_refusal_from_the_earlier_copies_worker_brings_up_the_sign_in_screen(
        qtbot, monkeypatch, tmp_path):
    """s36: the session locked while the earlier copies were looked for: the worker's
    ``SessionLocked`` went to a warning box with its words (the window's own actions bring up
    the lock screen, ``AppContext.fail``); now it is routed the same way."""
    def find(records, results, folder, channel):
        raise SessionLocked("PhotoVet locked itself after 10 minutes without use.")

    monkeypatch.setattr(earlier, "earlier_copies", find)
    ctx, window = _Ctx(), QWidget()
    qtbot.addWidget(window)
    routed: list = []
    ctx.on_refusal = lambda parent, title, exc: routed.append((parent, title, exc))
    warned: list = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a))
    ctrl = ExportController(ctx, batch=None, parent=window)    # type: ignore[arg-type]
    ctrl.results, ctrl._channel = [], "website"
    ctrl._earlier_copies(str(tmp_path))
    qtbot.waitUntil(lambda: bool(routed) or bool(warned), timeout=5000)
    assert not warned
    (parent, title, exc), = routed
    assert parent is window and title == EARLIER_TITLE and isinstance(exc, SessionLocked)
    assert exc.__traceback__ is None            # the worker's frames are not kept alive
    ctx.workers.stop_all(5000)
