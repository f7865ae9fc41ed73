"""Giving memory back between photos.

Decoding a 12 MP photo and running the models on it allocates a few hundred megabytes in many
blocks; glibc keeps freed blocks for reuse, so a long batch would hold the peak of its largest
photo forever (and two worker threads each their own). ``release()`` after each photo asks the C
library to return free memory to the system. It is a no-op where that call does not exist
(macOS, Windows, musl).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_trim = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _trim = getattr(_libc, "malloc_trim", None)
    except OSError:
        _trim = None


def release() -> None:
    """Return freed heap memory to the operating system (glibc); cheap (a few milliseconds)."""
    if _trim is not None:
        _trim(0)


__all__ = ["release"]
