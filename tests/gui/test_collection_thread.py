"""Python's cyclic garbage is collected on the GUI thread only while a GUI test runs, as in the
app (``gui.app.collect_in_the_gui_thread``, tested with the app in test_app_start). s56, CI's
core file: an AppContext a test left, its change-feed timer running, was deleted by a collection
that a background thread's allocations started; Qt could not stop the timer from that thread,
and the next test's events fired it on the deleted object (SIGSEGV in activateTimers)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject


class Left(QObject):
    """A Qt object nobody holds any more but itself (a cycle): only a collection frees it;
    it says in which thread."""

    def __init__(self, seen: list[str]):
        super().__init__()
        self.me = self
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


def test_a_background_threads_allocations_never_collect_a_gui_tests_garbage(qtbot):
    seen: list[str] = []
    Left(seen)                                      # garbage at once, in a cycle

    def allocate() -> None:                          # as the clone pool's or a proxy's thread
        keep = [[] for _ in range(50_000)]          # far past Python's collection threshold
        del keep

    t = threading.Thread(target=allocate, name="background")
    t.start()
    t.join()
    assert seen == []                               # not collected there
    import gc

    gc.collect()                                    # (the fixture does this at the test's end)
    assert seen == ["MainThread"]
