"""SIGTERM and SIGINT close the window from the event loop's top level, never inside the code
that happened to be running when the signal came (s38: a close run inside a slot or a paint
stops the workers, delivers what they sent and flushes deferred deletes, which can delete the
object whose code is still on the stack: the app ended by SIGTERM crashed now and then, -11)."""

from __future__ import annotations

import os
import signal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from photovet.gui.app import end_on_signals


class Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.closed_inside: list[bool] = []
        self.inside = False

    def closeEvent(self, ev) -> None:
        self.closed_inside.append(self.inside)
        super().closeEvent(ev)


def test_a_signal_in_the_middle_of_a_slot_closes_the_window_after_it(qtbot, monkeypatch):
    app = QApplication.instance()
    win = Window()
    qtbot.addWidget(win)
    win.show()
    quits: list[int] = []
    monkeypatch.setattr(app, "quit", lambda: quits.append(1))
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    old_fd = signal.set_wakeup_fd(-1)
    try:
        end_on_signals(app, win)

        def slot() -> None:             # a slot running when the signal comes
            win.inside = True
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGINT)      # a second signal while closing
            for _ in range(1000):       # Python runs the handler between these lines
                pass
            win.inside = False

        QTimer.singleShot(0, slot)
        qtbot.waitUntil(lambda: bool(win.closed_inside), timeout=5000)
        qtbot.wait(50)
        assert win.closed_inside == [False]        # closed once, after the slot returned
        assert quits == [1] and not win.isVisible()
    finally:
        for s, h in saved.items():
            signal.signal(s, h)
        signal.set_wakeup_fd(old_fd)
        sockets = getattr(app, "_photovet_signal_sockets", None)
        if sockets is not None:
            sockets[2].setEnabled(False)
            for sock in sockets[:2]:
                sock.close()
            del app._photovet_signal_sockets
