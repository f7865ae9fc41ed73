"""Cyclic garbage is collected on the GUI thread only (``app.collect_in_the_gui_thread``): a
collection started by a worker thread's allocations could delete Qt objects of the GUI thread
while it used them (s37: the app closed by a signal crashed inside the event loop while a
worker thread ran a collection)."""
from __future__ import annotations

import gc
import threading
import weakref

from photovet.gui.app import collect_in_the_gui_thread


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_cycles_are_collected_by_the_gui_threads_timer_not_by_a_worker(qtbot, qapp):
    was = gc.isenabled()          # (off: the GUI tests' own fixture, collect_on_the_gui_thread)
    gc.enable()                   # as at the app's start
    collect_in_the_gui_thread(qapp)
    timer = qapp._photovet_gc_timer
    try:
        assert not gc.isenabled()
        # garbage made, then a worker allocates far past the first threshold: no collection
        # runs there, so the cycle is still alive when the worker ends
        junk = _Cycle()
        gone = weakref.ref(junk)
        del junk

        def allocate() -> None:
            keep = [[] for _ in range(gc.get_threshold()[0] * 5)]
            assert gone() is not None       # (with gc on, a collection would have run here)
            del keep

        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert gone() is not None
        # the GUI thread's timer collects it once the allocations pass Python's own threshold;
        # allocated again at every look, as other threads of the test run free objects too (a
        # free counts down the same count: two CI runs, s42 and s43, saw it never pass)
        held: list[list] = []

        def collected() -> bool:
            held.extend([] for _ in range(gc.get_threshold()[0] * 2))
            return gone() is None

        qtbot.waitUntil(collected, timeout=3000)
        held.clear()
    finally:
        timer.stop()
        timer.deleteLater()
        del qapp._photovet_gc_timer
        if was:
            gc.enable()
        else:
            gc.disable()
