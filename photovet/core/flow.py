"""Photos side by side: an ordered, bounded, stoppable parallel map over threads.

Checking a photo is mostly native code that lets other Python threads run (onnxruntime,
OpenCV, Pillow's decoder, encoder and resampling, numpy), so threads keep the cores busy
without a second copy of the models (bench/throughput.py measures it). ``ordered_map``:

- runs ``fn(item)`` on up to ``workers`` items at once, in threads;
- yields the results **in the order of the items**, whatever order they finish in;
- holds at most ``workers + ahead`` items handed to its threads but not yet taken by the
  caller, of which at most ``workers`` run at once: a 500-photo batch keeps a handful of
  photos in memory, never the whole batch (the bound). ``ahead`` lets a thread whose item is
  done start the next one while an earlier item is still running (results are yielded in
  order: without it the thread waits, and its core idles, until the earlier item is done);
- never stops for one item's failure: an exception is handed back with that item, and the
  rest go on (principle 6);
- checks ``stop`` before starting each item: once it is set no new item starts and items not
  yet started are dropped. Items already started finish; with ``drain=True`` their outcomes
  are still yielded (an export that was written and recorded is reported), otherwise nothing
  more is yielded. Either way the call returns only when no thread of it is still running (no
  thread uses a model after it returns). Stopping iteration (``close()``, or the generator
  being collected) drops what is not yet started and waits for what is running.
  ``skipped(item)`` is called for each item handed to a thread but dropped so (none is
  dropped otherwise): one that waits for every earlier item to say something (the copies'
  numbers, media/export.CopyNumbers) is told about those that never will.

With ``workers=1`` and ``ahead=0`` it runs in the caller's thread, one item at a time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Outcome(Generic[T, R]):
    """One item's result, or the exception its function raised (``error``)."""

    item: T
    result: R | None = None
    error: BaseException | None = None

    def value(self) -> R:
        """``fn(item)``'s result; the exception ``fn`` raised is raised again."""
        if self.error is not None:
            raise self.error
        return cast(R, self.result)     # set to fn(item) whenever error is None


class StopFlag(Protocol):
    """What ``stop`` must offer: a ``threading.Event``, or anything with ``is_set()``."""

    def is_set(self) -> bool: ...


def _stopped(stop: StopFlag | None) -> bool:
    return stop is not None and stop.is_set()


class _NotStarted:
    """What an item handed to the pool ahead gives when a stop came before it started."""


_NOT_STARTED = _NotStarted()


def ordered_map(fn: Callable[[T], R], items: Iterable[T], *, workers: int = 1, ahead: int = 0,
                stop: StopFlag | None = None, drain: bool = False,
                name: str = "photovet-work",
                skipped: Callable[[T], None] | None = None) -> Iterator[Outcome[T, R]]:
    """``Outcome(item, fn(item))`` for each item, in order (see the module notes)."""
    workers = max(1, int(workers))
    ahead = max(0, int(ahead))
    it = iter(items)
    if workers == 1 and ahead == 0:
        for item in it:
            if _stopped(stop):
                return
            try:
                out = Outcome(item, fn(item))
            except Exception as exc:
                out = Outcome(item, error=exc)
            if _stopped(stop) and not drain:
                return
            yield out
        return

    window = workers + ahead
    pending: deque[tuple[T, Future]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)

    def guarded(item: T) -> R | _NotStarted:
        # an item handed to the pool ahead starts only if no stop came meanwhile
        if _stopped(stop):
            if skipped is not None:
                skipped(item)
            return _NOT_STARTED
        return fn(item)

    def fill() -> None:
        while len(pending) < window and not _stopped(stop):
            try:
                item = next(it)
            except StopIteration:
                return
            pending.append((item, pool.submit(guarded, item)))

    try:
        fill()
        while pending:
            item, fut = pending.popleft()
            try:
                result = fut.result()
                if isinstance(result, _NotStarted):
                    continue    # stopped before it started: dropped, as if never handed over
                out = Outcome(item, cast(R, result))
            except Exception as exc:
                out = Outcome(item, error=exc)
            if _stopped(stop) and not drain:
                return
            fill()              # the next item starts before this one is handed over
            yield out
    finally:
        for item, fut in pending:
            if fut.cancel() and skipped is not None:
                skipped(item)
        pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["Outcome", "StopFlag", "ordered_map"]
