"""flow.ordered_map: photos side by side, results in order, bounded, a failure stays with its
item, the stop flag, and no thread left running when it returns."""

from __future__ import annotations

import random
import threading
import time

import pytest

from photovet.core.flow import ordered_map


class Tracker:
    """Counts items started, running now (and the most at once) and finished."""

    def __init__(self, delay=lambda i: 0.0, fail=()):
        self.lock = threading.Lock()
        self.started: list[int] = []
        self.running = 0
        self.most = 0
        self.finished: list[int] = []
        self.delay = delay
        self.fail = set(fail)

    def __call__(self, i: int) -> int:
        with self.lock:
            self.started.append(i)
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.delay(i))
            if i in self.fail:
                raise ValueError(f"photo {i} is broken")
            return i * i
        finally:
            with self.lock:
                self.running -= 1
                self.finished.append(i)


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_results_come_in_the_order_of_the_items_whatever_order_they_finish_in(workers):
    rng = random.Random(workers)
    delays = [rng.uniform(0, 0.03) for _ in range(20)]
    # early items slow, late ones fast: they finish out of order when run side by side
    t = Tracker(delay=lambda i: delays[i] + (0.02 if i % 3 == 0 else 0))
    outs = list(ordered_map(t, range(20), workers=workers))
    assert [o.item for o in outs] == list(range(20))
    assert [o.result for o in outs] == [i * i for i in range(20)]
    assert all(o.error is None for o in outs)
    if workers > 1:
        assert t.most >= 2                     # really side by side
    assert t.most <= workers


def test_a_failing_item_in_the_middle_fails_alone_and_the_rest_go_on():
    t = Tracker(delay=lambda i: 0.01, fail={4, 5})
    outs = list(ordered_map(t, range(10), workers=3))
    assert [o.item for o in outs] == list(range(10))
    assert [o.error is not None for o in outs] == [i in (4, 5) for i in range(10)]
    assert "photo 4 is broken" in str(outs[4].error)
    assert [o.result for o in outs if o.error is None] == [i * i for i in range(10) if i not in (4, 5)]


@pytest.mark.parametrize("workers,ahead", [(1, 0), (2, 0), (2, 2), (3, 1)])
def test_the_queue_is_bounded_with_a_slow_consumer(workers, ahead):
    t = Tracker(delay=lambda i: 0.002)
    taken = 0
    for _out in ordered_map(t, range(30), workers=workers, ahead=ahead):
        time.sleep(0.02)       # the consumer (an export, a window) is slower than the work
        with t.lock:
            started = len(t.started)
        taken += 1
        # never more than the window started beyond what the caller has taken
        assert started <= taken + workers + ahead, (started, taken)
    assert taken == 30


def test_items_are_pulled_lazily_from_a_generator():
    pulled = []

    def items():
        for i in range(100):
            pulled.append(i)
            yield i

    gen = ordered_map(lambda i: i, items(), workers=2, ahead=1)
    first = next(gen)
    assert first.item == 0
    assert len(pulled) <= 4                  # not the whole batch
    gen.close()


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_the_stop_flag_starts_no_new_item_and_yields_nothing_more(workers):
    stop = threading.Event()
    t = Tracker(delay=lambda i: 0.01)
    seen = []
    for out in ordered_map(t, range(50), workers=workers, stop=stop):
        seen.append(out.item)
        if len(seen) == 3:
            stop.set()
    assert seen == [0, 1, 2]
    # at most the window of items had started when the flag was seen; none after
    assert len(t.started) <= 3 + workers
    assert t.running == 0                    # nothing still running when it returned
    time.sleep(0.05)
    assert len(t.started) <= 3 + workers


def test_with_drain_the_items_already_started_are_still_reported():
    stop = threading.Event()
    t = Tracker(delay=lambda i: 0.02)
    seen = []
    for out in ordered_map(t, range(50), workers=3, stop=stop, drain=True):
        seen.append(out.item)
        if len(seen) == 2:
            stop.set()
    # every item started was reported, in order, and no item started after the flag
    assert seen == sorted(t.started) == list(range(len(seen)))
    assert 2 <= len(seen) <= 2 + 3


def test_leaving_early_waits_for_the_running_items_and_starts_no_more():
    t = Tracker(delay=lambda i: 0.05)
    gen = ordered_map(t, range(50), workers=2)
    next(gen)
    gen.close()
    assert t.running == 0
    started = len(t.started)
    time.sleep(0.1)
    assert len(t.started) == started <= 4


@pytest.mark.parametrize("ahead,most_started", [(0, 2), (2, 4)])
def test_a_worker_whose_item_is_done_starts_the_next_while_an_earlier_one_still_runs(
        ahead, most_started):
    """Photo 0 is slow, the others fast. Without ``ahead`` the second worker, done with photo
    1, waits (its core idle) until photo 0 is taken; with ``ahead`` it goes on to photos 2 and
    3 meanwhile, and the results still come in order, never more than two running at once."""
    t = Tracker(delay=lambda i: 0.4 if i == 0 else 0.01)
    at_first_done: list[int] = []

    def fn(i: int) -> int:
        out = t(i)
        if i == 0:      # counted as photo 0 ends: once it is taken, ordered_map hands the
            with t.lock:    # next item over before yielding it, and a free worker may start it
                at_first_done.append(len(t.started))
        return out

    gen = ordered_map(fn, range(12), workers=2, ahead=ahead)
    first = next(gen)
    assert first.item == 0
    [started_before_first] = at_first_done
    rest = [o.item for o in gen]
    assert rest == list(range(1, 12))
    assert started_before_first == most_started, t.started
    assert t.most <= 2


def test_items_handed_over_ahead_do_not_start_after_a_stop_even_when_drained():
    """With ``ahead`` some items wait in the pool; a stop while they wait: they never start and
    are not reported (only the items that had started are), with drain=True too."""
    stop = threading.Event()

    def slow_first(i):
        if i == 0:
            stop.set()          # the stop comes while item 0 runs and items 1-3 are handed over
            time.sleep(0.2)
        return t(i)

    t = Tracker(delay=lambda i: 0.0)
    seen = [o.item for o in ordered_map(slow_first, range(20), workers=1, ahead=3, stop=stop,
                                        drain=True)]
    assert seen == [0]
    assert t.started == [0]


def test_each_item_handed_over_but_dropped_by_a_stop_is_told():
    """s43: a copy's number waits for every earlier photo to say whether it is exported; one
    a stop kept from starting never says, so ``skipped`` says it for it."""
    stop, handed = threading.Event(), threading.Event()

    def items():
        for i in range(20):
            if i == 3:
                handed.set()        # items 0-3 are handed over (workers + ahead = 4)
            yield i

    def first_stops(i):
        if i == 0:
            assert handed.wait(10)
            stop.set()
        return i

    skipped: list[int] = []
    seen = [o.item for o in ordered_map(first_stops, items(), workers=1, ahead=3, stop=stop,
                                        drain=True, skipped=skipped.append)]
    assert seen == [0]
    assert sorted(skipped) == [1, 2, 3]


def test_items_dropped_when_the_caller_stops_reading_are_told():
    """s43 audit: the caller stops reading (an error while it reports one item, Ctrl-C, a
    closed pipe): the items handed over but not started are dropped and told to ``skipped``
    (a copy's number waits for every earlier photo to say whether it is exported); the one
    running finishes and is not told."""
    running, release = threading.Event(), threading.Event()

    def slow_second(i):
        if i == 1:
            running.set()
            release.wait(10)
        return i

    skipped: list[int] = []
    gen = ordered_map(slow_second, range(10), workers=1, ahead=3, drain=True,
                      skipped=skipped.append)
    assert next(gen).item == 0
    assert running.wait(10)
    threading.Timer(0.2, release.set).start()
    gen.close()
    assert sorted(skipped) == [2, 3, 4]
