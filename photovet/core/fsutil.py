"""Durable, all-or-nothing file writes, shared by everything that writes a file.

A crash at any moment leaves either the old file or the new one, never half of one: the data
goes to a temporary file in the same folder, is flushed and fsynced, then renamed over the
target, and the folder is fsynced so the rename itself survives a power cut.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def fsync_dir(path: str | Path) -> None:
    """Make a rename/link/unlink in ``path`` durable (a no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: str | Path, text: str, *, prefix: str = ".photovet-tmp-") -> Path:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)
    return path


def pid_alive(pid: int) -> bool:
    """Is a process with this id running? (Used to tell a dead process's leftovers.)"""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - no cheap check: treat as alive, clean by age
        return True
    try:
        os.kill(pid, 0)  # signal 0 checks existence
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


_NO_HARD_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                  errno.EACCES, getattr(errno, "ENOSYS", -1))


def link_no_overwrite(tmp: str | Path, final: str | Path) -> None:
    """Give the file ``tmp`` the name ``final`` too, never replacing an existing file
    (FileExistsError). ``tmp`` keeps its name; the caller removes it. On file systems without
    hard links (FAT/exFAT sticks, some network shares) the file is renamed instead, after
    checking the name is free (a tiny window on POSIX; Windows' rename refuses by itself)."""
    try:
        os.link(tmp, final)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.name != "nt" and os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, "exists", str(final)) from exc
        os.rename(tmp, final)
