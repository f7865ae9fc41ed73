"""PhotoVet's log: a rotating file in the data folder (``logs/photovet.log``) that support can
read to see what happened on a school's PC.

It holds ids (register ids, export ids, content hashes, file names of photos), never people's
names or consent details: ``tests/core/test_logs.py`` runs a whole scenario and searches the
log for every name in the register.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "photovet"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(name)s: %(message)s"

_configured: dict[str, logging.Handler] = {}


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
        handler.close()
        del _configured[old_key]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                   backupCount=BACKUPS, encoding="utf-8",
                                                   delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.propagate = False
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
