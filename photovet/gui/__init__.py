"""PhotoVet's desktop app (PySide6). Thin: every decision is made in photovet.core."""


def _guard_singleton_refcounts() -> bool:
    """Work around a PySide6 6.12 reference-count bug on CPython < 3.12.

    PySide6 6.12 returns ``None``, ``True`` and ``False`` from many calls (``Signal.emit()``,
    void methods such as ``QTimer.start()``) without taking a reference, so each call drops one
    reference to that singleton; after enough calls CPython aborts ("Fatal Python error:
    none_dealloc / bool_dealloc"). From 3.12 these objects are immortal and nothing is needed.
    Here each gets a huge reference count once, so it can never reach zero. Harmless if the bug
    is fixed (a singleton merely holds extra references). Returns True when applied.
    """
    import ctypes
    import platform
    import sys

    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    if getattr(_guard_singleton_refcounts, "done", False):
        return True
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    _guard_singleton_refcounts.done = True
    return True


_guard_singleton_refcounts()
