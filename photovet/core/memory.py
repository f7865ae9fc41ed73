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

It also lowers glibc's trim threshold to ``TRIM_BELOW`` (4 MB; it had been set to twice the
mmap threshold, 16 MB): blocks under 8 MB (a tile's input and outputs, the reader's lines,
numpy's temporaries) come from the heap, and a heap kept up to 16 MB free at its top until the
photo's ``release()``. Measured (s43, side by side, alternately): 4 x 12 MP photos one after
another in a worker thread, 422-426 -> 413-415 MB at the peak, 4.04 -> 4.09 CPU s per photo
(2 MB and 1 MB gave no more); two photos at a time (``bench/peak.py``), 8 photos with 2 MB:
509 / 524 / 540 -> 513 / 505 / 508 MB, 16 photos with 4 MB: 528 / 526 -> 507 / 521 MB, CPU per
photo 4-7 % more there, on a machine whose load moved between runs (docs/MEASUREMENTS.md).
The main thread's heap gives its top back as the block is freed (tests/core/test_memory.py); in
a small probe another thread's heap kept its 12 MB free top under either threshold, so which of
the worker threads' blocks the lower threshold returns is not settled: the gain is measured.

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
TRIM_BELOW = 4 * 1024 * 1024    # a heap's free top larger than this goes back at once (above)


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
    # large block was freed before this call, and each heap's free top would then be kept
    # (it was set to 2 x LARGE_BLOCK, 16 MB, until s43: see the module's docstring)
    return bool(_mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK)) and \
        bool(_mallopt(_M_TRIM_THRESHOLD, TRIM_BELOW))


__all__ = ["LARGE_BLOCK", "TRIM_BELOW", "release", "return_large_blocks"]
