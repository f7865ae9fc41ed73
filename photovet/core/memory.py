"""Giving memory back between photos, and while a photo is checked.

Decoding a 12 MP photo and running the models on it allocates a few hundred megabytes in many
blocks; glibc keeps freed blocks for reuse, so a long batch would hold the peak of its largest
photo forever (and two worker threads each their own). ``release()`` after each photo asks the C
library to return free memory to the system.

Within a photo, ``return_large_blocks()`` (once, before the models run) keeps glibc from
raising its mmap threshold: by default, freeing one large block (a tile, a scaled copy of the
photo) raises the size from which blocks are mapped on their own to that block's size, up to
32 MB, so every later block of 1-32 MB is taken from the heap, whose free space is only given
back at the next ``release()``. Two photos checked side by side then held about 60 MB of freed
blocks at their peak. With the threshold fixed at 8 MB, blocks of 8 MB and more go straight
back to the system when freed (measured on 8 x 12 MP photos, two at a time: peak 646-659 ->
about 600 MB, for 3-6 % more CPU time in page faults; a 1 MB threshold gave 575 MB but took
50 % longer).

Both are no-ops where the calls do not exist (macOS, Windows, musl).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_trim = None
_mallopt = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _trim = getattr(_libc, "malloc_trim", None)
        _mallopt = getattr(_libc, "mallopt", None)
    except OSError:
        _trim = _mallopt = None

_M_TRIM_THRESHOLD = -1          # glibc's malloc.h
_M_MMAP_THRESHOLD = -3
LARGE_BLOCK = 8 * 1024 * 1024   # blocks this large are mapped on their own (see above)


def release() -> None:
    """Return freed heap memory to the operating system (glibc); cheap (a few milliseconds)."""
    if _trim is not None:
        _trim(0)


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold at ``LARGE_BLOCK``, so large freed blocks go back to the
    system at once (see the module's docstring). Idempotent; False where it cannot be set."""
    if _mallopt is None:
        return False
    # the trim threshold too: glibc raised it with the mmap threshold (to twice that) when a
    # large block was freed before this call, and the heap's free top would then be kept
    return bool(_mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK)) and \
        bool(_mallopt(_M_TRIM_THRESHOLD, 2 * LARGE_BLOCK))


__all__ = ["LARGE_BLOCK", "release", "return_large_blocks"]
