"""PhotoVet's log: a rotating file in the data folder (``logs/photovet.log``) that support can
read to see what happened on a school's PC.

It holds ids (register ids, export and audit ids, short content hashes, ``ref(path)`` for a
file), never people's names, consent details or file names (a teacher's file name is often a
pupil's name): ``tests/cli/test_logs.py`` runs a whole scenario as real commands and searches the
log for every name in the register and every file name it used.

Until a data folder is opened nothing is logged and nothing reaches the screen (a NullHandler);
warnings from libraries (``logging.captureWarnings``) go to the same file.

A log that cannot be written (permission denied, a full disk) never stops a command and never
prints a traceback: the handler keeps the first reason (``write_problem()``), stays silent,
and the front end says it once ("PhotoVet cannot write its log file ...").
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "photovet"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(name)s: %(message)s"

_configured: dict[str, logging.Handler] = {}
logging.getLogger(LOG_NAME).addHandler(logging.NullHandler())


def ref(path: str | os.PathLike[str]) -> str:
    """A file as the log names it: a short hash of its path and its extension
    (``file#3fa2c19b.jpg``), the same in every run, never the name itself."""
    text = os.fsencode(os.fspath(path))
    return f"file#{hashlib.sha256(text).hexdigest()[:8]}{Path(os.fspath(path)).suffix.lower()[:6]}"


def sha(digest: str) -> str:
    """A content hash as the log shows it (its first 12 characters)."""
    return (digest or "-")[:12]


# The first reason the log could not be written in this process: (log file, reason in words).
_problem: tuple[Path, str] | None = None


def _why(exc: BaseException | None) -> str:
    if isinstance(exc, PermissionError) or getattr(exc, "errno", None) in (errno.EACCES,
                                                                            errno.EPERM):
        return "permission denied"
    if getattr(exc, "errno", None) in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    if getattr(exc, "errno", None) == errno.EROFS:
        return "the disk is read-only"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return type(exc).__name__ if exc is not None else "unknown problem"


def _note_problem(path: str | Path, exc: BaseException | None) -> None:
    global _problem
    if _problem is None:
        _problem = (Path(path), _why(exc))


def write_problem() -> tuple[Path, str] | None:
    """(log file, why in words) when the log could not be written in this process, else None."""
    return _problem


class _PrivateLog(logging.handlers.RotatingFileHandler):
    """The log and its rotated copies are created readable by this user only (0600)."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """A line that could not be written: remember why (once), print nothing. The stream is
        dropped so a later line tries again (space freed, the file made writable)."""
        import sys  # noqa: PLC0415

        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            return          # not the file's fault (a line that could not be formatted): skip it
        _note_problem(self.baseFilename, exc)
        stream, self.stream = self.stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:
                pass


def log_path(home: Path) -> Path:
    return Path(home) / "logs" / "photovet.log"


def setup(home: Path, level: int = logging.INFO) -> Path:
    """Send the ``photovet`` loggers to ``<home>/logs/photovet.log`` (once per folder)."""
    path = log_path(home)
    key = str(path)
    root = logging.getLogger(LOG_NAME)
    root.setLevel(level)
    if key in _configured:
        return path
    for old_key, handler in list(_configured.items()):  # a different data folder (tests)
        root.removeHandler(handler)
        logging.getLogger("py.warnings").removeHandler(handler)
        handler.close()
        del _configured[old_key]
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:   # the command goes on without a log (write_problem says why)
        _note_problem(path, exc)
    handler = _PrivateLog(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                          delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.propagate = False
    logging.getLogger("py.warnings").addHandler(handler)   # library warnings, with the rest
    _configured[key] = handler
    try:
        if path.exists():
            os.chmod(path, 0o600)
    except OSError:
        pass
    return path


def get(name: str) -> logging.Logger:
    """A logger under ``photovet`` (``get("export")`` -> ``photovet.export``)."""
    return logging.getLogger(f"{LOG_NAME}.{name}")


def tail(home: Path, max_bytes: int = 200_000) -> str:
    """The end of the log (for "Copy diagnostics")."""
    path = log_path(home)
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_bytes))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
