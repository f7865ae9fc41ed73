"""Large freed blocks go back to the system while a photo is checked (core/memory.py)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import numpy as np
import pytest

from photovet.core import memory

MB = 1024 * 1024


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def _glibc() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return hasattr(libc, "gnu_get_libc_version")
    except OSError:
        return False


@pytest.mark.skipif(not _glibc(), reason="the mmap threshold is glibc's")
def test_a_large_freed_block_goes_back_to_the_system_even_after_a_larger_one():
    """Freeing a block raises glibc's mmap threshold to its size by default, so later blocks
    a little smaller stayed in the heap once freed; with the threshold fixed they do not."""
    assert memory.return_large_blocks()
    assert memory.return_large_blocks()          # idempotent
    larger = np.ones(30 * MB, np.uint8)   # under glibc's 32 MB cap on the raised threshold
    del larger
    block = 2 * memory.LARGE_BLOCK
    before = _rss()
    a = np.ones(block, np.uint8)                 # touched: resident
    during = _rss()
    del a
    after = _rss()
    assert during - before >= block * 0.9
    assert after - before < 2 * MB, f"{(after - before) / MB:.1f} MB kept after the block was freed"


def test_release_and_the_threshold_are_safe_to_call_anywhere():
    memory.release()
    assert memory.return_large_blocks() in (True, False)
