"""One look over many items: what a pass over a batch reads once, not once per item.

Deciding a grid of photos asks the same questions again and again (a channel's rules, an
approver's roles). Inside ``ReadOnce.look()`` the answers are kept for that pass, on the thread
that began it only: a worker thread reads the register as ever, and the next look reads again
(a change made on another PC is seen then). Nested looks: the outer one holds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ReadOnce(Generic[K, V]):
    """Answers kept for one pass on one thread (see the module's note)."""

    def __init__(self) -> None:
        self._open: tuple[int, dict[K, V]] | None = None

    @contextmanager
    def look(self) -> Iterator[None]:
        if self._open is not None:          # nested, or another thread's look: that one holds
            yield
            return
        self._open = (threading.get_ident(), {})
        try:
            yield
        finally:
            self._open = None

    def get(self, key: K, read: Callable[[], V]) -> V:
        """``read()``'s answer for ``key``: kept inside this thread's look, fresh otherwise.
        An exception is not kept: the next call asks again."""
        opened = self._open
        if opened is None or opened[0] != threading.get_ident():
            return read()
        kept = opened[1]
        if key not in kept:
            kept[key] = read()
        return kept[key]
