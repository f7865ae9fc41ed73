"""``looks.ReadOnce``: the one "read once per pass" rule behind ``Engine.one_look`` (channels)
and ``Approvals.one_look`` (approvers' roles): kept inside the look on the thread that began
it, fresh on any other thread and after the look, an exception never kept."""

from __future__ import annotations

import threading

import pytest

from photovet.core.looks import ReadOnce


def test_kept_for_one_look_on_its_thread_only():
    reads: list[str] = []
    seen: ReadOnce[str, int] = ReadOnce()

    def read(key: str) -> int:
        reads.append(key)
        return len(reads)

    assert seen.get("a", lambda: read("a")) == 1          # no look: read every time
    assert seen.get("a", lambda: read("a")) == 2
    with seen.look():
        with seen.look():                                   # nested: the outer one holds
            assert seen.get("a", lambda: read("a")) == 3
        assert seen.get("a", lambda: read("a")) == 3
        other: list[int] = []
        worker = threading.Thread(target=lambda: other.append(seen.get("a", lambda: read("a"))))
        worker.start()
        worker.join()
        assert other == [4]                                 # another thread reads fresh
        assert seen.get("a", lambda: read("a")) == 3
    assert seen.get("a", lambda: read("a")) == 5            # the next pass reads again


def test_an_error_is_asked_again_not_kept():
    calls = []
    seen: ReadOnce[str, int] = ReadOnce()

    def refuse() -> int:
        calls.append(1)
        raise LookupError("unknown")

    with seen.look():
        for _ in range(2):
            with pytest.raises(LookupError):
                seen.get("x", refuse)
    assert len(calls) == 2


def test_a_look_begun_on_a_worker_does_not_serve_the_main_thread():
    seen: ReadOnce[str, str] = ReadOnce()
    inside, done = threading.Event(), threading.Event()

    def worker() -> None:
        with seen.look():
            seen.get("k", lambda: "worker's")
            inside.set()
            done.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    try:
        assert seen.get("k", lambda: "fresh") == "fresh"
        with seen.look():                                   # the worker's look holds: no new one
            assert seen.get("k", lambda: "fresh again") == "fresh again"
    finally:
        done.set()
        t.join()
