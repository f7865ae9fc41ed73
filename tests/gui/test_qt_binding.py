"""The Qt binding must not leak references to Python's singletons.

PySide6 6.12.0 on Python 3.11 drops a reference to True/False/None on every Signal.emit() and
void call; a long batch then aborts Python ("Fatal Python error: bool_dealloc"). pyproject.toml
excludes it; this test fails if a broken binding is installed anyway."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal


class _Emitter(QObject):
    ping = Signal(int)


def test_emit_and_void_calls_keep_singleton_refcounts(qapp):
    obj = _Emitter()
    obj.ping.connect(lambda v: None)
    timer = QTimer()
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for i in range(2000):
        obj.ping.emit(i)
        timer.start(1000)
    after = [sys.getrefcount(x) for x in (None, True, False)]
    drift = [a - b for a, b in zip(after, before)]
    assert all(abs(d) < 100 for d in drift), f"reference counts drifted by {drift}"


def test_the_app_entry_point_builds_the_application_and_window(qapp, photovet_home):
    from photovet.core.workspace import Workspace
    from photovet.gui.app import make_app
    from photovet.gui.context import AppContext
    from photovet.gui.main_window import MainWindow
    from tests.gui.fake_engine import FakeEngine

    app = make_app([])
    assert app is qapp and app.applicationName() == "PhotoVet"
    ws = Workspace.open(photovet_home)
    win = MainWindow(AppContext(ws, engine_factory=FakeEngine))
    try:
        assert win.windowTitle().startswith("PhotoVet")
    finally:
        win.close()
        win.deleteLater()
        ws.close()
