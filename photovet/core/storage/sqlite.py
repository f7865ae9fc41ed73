"""The embedded register: one SQLite file (``register.db``) in the data folder.

- WAL journal, a busy timeout, foreign keys on, ``synchronous = FULL``; the file (and its -wal
  and -shm companions) are mode 0600 because they hold children's personal and biometric data.
- A file that is not SQLite, is damaged, or is some other program's database raises
  ``CorruptRegisterError`` and is never written to.
- ``atomic()`` starts ``BEGIN IMMEDIATE``, so two processes serialise instead of corrupting each
  other; a writer that waits longer than the busy timeout gets ``RegisterLockedError``.
- A full disk, a register this account may not write, or a disk error raise
  ``RegisterDiskFullError`` / ``RegisterReadOnlyError`` / ``RegisterStorageError`` (the change
  in progress is rolled back), never "restore from a backup": nothing is wrong with the file.
- An empty (0-byte) or missing register.db beside an audit anchor (``register.db-anchor``: this
  PC saw a register there) raises ``RegisterMissingError``: a new, empty register is created
  only in a folder that never held one.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from photovet.core.errors import (
    CorruptRegisterError,
    RegisterDiskFullError,
    RegisterError,
    RegisterLockedError,
    RegisterMissingError,
    RegisterReadOnlyError,
    RegisterStorageError,
)
from photovet.core.storage.database import Database, text_safe

APP_ID = 0x50564554  # "PVET" in PRAGMA application_id: marks the file as PhotoVet's
BUSY_TIMEOUT_MS = 10_000
ANCHOR_SUFFIX = "-anchor"   # the audit anchor beside a register file (core/audit.py)

# SQLite's primary result codes (the low byte of an extended code)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 13, 14

log = logging.getLogger("photovet.storage")


def anchor_path(path: str | Path) -> Path:
    """The audit anchor this PC keeps beside the register file ``path``."""
    return Path(str(path) + ANCHOR_SUFFIX)


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(b"SQLite format 3\x00"):
        raise CorruptRegisterError(
            "this file is not a PhotoVet register (it is not an SQLite database); it was left "
            "untouched", path=path,
            hint="Move it aside, or point PHOTOVET_HOME at the folder that holds your register.")


def _code(exc: Exception) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _locked(exc: Exception) -> bool:
    if _code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return True
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _account() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "this account"


FULL_BELOW_BYTES = 8 * 1024 * 1024   # an I/O error on a disk with less free space: it is full


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def storage_error(exc: Exception, path: Path) -> RegisterError | None:
    """The PhotoVet error for an SQLite error that is about the disk or the file's permissions
    (full, read-only, I/O), or None when it is something else."""
    code, text = _code(exc), str(exc).lower()
    folder = path.parent
    if (code == _SQLITE_IOERR or "disk i/o error" in text) and _nearly_full(folder):
        # a full disk seen while SQLite sizes its -shm or -wal file reads as an I/O error
        code = _SQLITE_FULL
    if _locked(exc):
        return RegisterLockedError(
            "the register is busy (another PhotoVet window or command is writing)",
            hint="Wait a moment and try again.")
    if code == _SQLITE_FULL or "database or disk is full" in text:
        return RegisterDiskFullError(
            f"the disk holding PhotoVet's data ({folder}) is full; nothing was changed",
            hint="Free some space on that disk (or ask IT to), then try again.")
    if code == _SQLITE_READONLY or "readonly database" in text:
        return RegisterReadOnlyError(
            f"PhotoVet cannot save changes to its register: {path} is read-only for "
            f"{_account()}. Nothing is wrong with the register, and nothing was changed",
            hint=f"Ask IT to give this account write access to the folder {folder} and the "
                 "files in it. Do not restore the register from a backup: that would lose the "
                 "changes made since.")
    if code == _SQLITE_IOERR or "disk i/o error" in text:
        return RegisterStorageError(
            f"the disk holding PhotoVet's data ({folder}) could not be read or written (a disk "
            "error); the change in progress was not saved",
            hint="Check that the disk or network drive is connected and try again. If it "
                 "happens again, ask IT to check the disk before anything else is changed.")
    return None


def _no_access(path: Path) -> bool:
    """This account cannot read and write the register file, or create its companions."""
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return True
    return not os.access(path.parent, os.W_OK | os.X_OK)


def _refuse_empty_if_register_was_here(path: Path) -> None:
    """register.db is missing or 0 bytes: a fresh start only if this PC never saw a register
    here (no audit anchor beside it). A file cut short by a crash, a full disk or a copy that
    did not finish must not read as a new install (a new admin, an empty log, "intact")."""
    anchor = anchor_path(path)
    if not anchor.exists():
        return
    what = "is empty (0 bytes)" if path.exists() else "is missing"
    held = "a register"
    try:
        data = json.loads(anchor.read_text(encoding="utf-8"))
        count = int(data["count"])
        held = f"a register ({count} audit entr{'y' if count == 1 else 'ies'}"
        when = data.get("written_at")
        if when:
            day = _dt.datetime.fromisoformat(when).astimezone().strftime("%d/%m/%Y %H:%M")
            held += f", last recorded {day}"
        held += ")"
    except (OSError, ValueError, KeyError, TypeError):
        held = f"a register (its audit anchor {anchor.name} is there)"
    raise RegisterMissingError(
        f"the register file {what}, but this folder held {held}. It was probably cut short by a "
        "crash, a full disk or a copy that did not finish; nothing was changed", path=path,
        hint=f"Restore {path.name} from a backup; do not create a new admin. (Only to start "
             f"again with an empty register on purpose: move {anchor.name} out of {path.parent} "
             "too.)")


def _owner_only(path: Path) -> None:
    for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if p.exists():
            try:
                os.chmod(p, 0o600)
            except OSError:
                pass


class SQLiteDatabase(Database):
    engine = "sqlite"

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)
        self.location = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _check_header(self.path)
        if not self.path.exists() or self.path.stat().st_size == 0:
            _refuse_empty_if_register_was_here(self.path)
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            except PermissionError as exc:
                raise RegisterReadOnlyError(
                    f"PhotoVet cannot create its register in {self.path.parent}: this folder is "
                    f"read-only for {_account()}", path=self.path,
                    hint="Ask IT to give this account write access to that folder, or set "
                         "PHOTOVET_HOME to a folder you own.") from exc
            except OSError as exc:
                raise storage_error(exc, self.path) or RegisterStorageError(
                    f"PhotoVet cannot create its register in {self.path.parent} "
                    f"({exc.strerror or exc})", path=self.path) from exc
        _owner_only(self.path)
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            if app_id != APP_ID and tables:
                conn.close()
                raise CorruptRegisterError(
                    "this database belongs to another program, not PhotoVet; it was left "
                    "untouched", path=self.path,
                    hint="Choose a different data folder (PHOTOVET_HOME) for PhotoVet.")
            if app_id != APP_ID:
                conn.execute(f"PRAGMA application_id = {APP_ID}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            # Deleted rows are overwritten with zeros, not left in free pages (leavers' data).
            conn.execute("PRAGMA secure_delete = ON")
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                conn.close()
                raise CorruptRegisterError(
                    f"the register database is damaged ({ok}); it was left untouched",
                    path=self.path, hint="Restore register.db from a backup.")
        except sqlite3.DatabaseError as exc:
            if _locked(exc):
                raise RegisterLockedError(
                    "the register is busy (another PhotoVet window or command is writing)",
                    path=self.path, hint="Wait a moment and try again.") from exc
            known = storage_error(exc, self.path)
            if known is None and _no_access(self.path):
                # "unable to open database file": the folder is read-only, so SQLite cannot
                # make the -wal and -shm files beside the register
                known = storage_error(sqlite3.OperationalError(
                    "attempt to write a readonly database"), self.path)
            if known is not None:
                raise known from exc
            raise CorruptRegisterError(
                f"the register database could not be read ({exc}); it was left untouched",
                path=self.path, hint="Restore register.db from a backup.") from exc
        _owner_only(self.path)
        self.conn = conn

    # -- engine primitives ------------------------------------------------------------------

    def _convert(self, exc: sqlite3.Error) -> None:
        """Raise the PhotoVet error for a full disk, a read-only register, a disk error or a
        busy register; return for anything else (the caller re-raises it)."""
        known = storage_error(exc, self.path)
        if known is not None:
            raise known from exc

    def _closed_now(self, exc: sqlite3.Error) -> None:
        """The connection was closed under a call (``close()`` from another thread): raise
        ``RegisterClosedError``; return for anything else."""
        if isinstance(exc, sqlite3.ProgrammingError) and (
                self._closed or "closed database" in str(exc)):
            self._closed = True
            raise self._closed_error() from exc

    def _execute(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        self._check_open()
        try:
            return self.conn.execute(sql, [text_safe(p) for p in params])
        except sqlite3.OperationalError as exc:
            self._convert(exc)
            raise
        except sqlite3.ProgrammingError as exc:
            self._closed_now(exc)
            raise

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._check_open()
        try:
            self.conn.executemany(sql, ([text_safe(p) for p in row] for row in rows))
        except sqlite3.OperationalError as exc:
            self._convert(exc)
            raise
        except sqlite3.ProgrammingError as exc:
            self._closed_now(exc)
            raise

    def _begin(self) -> None:
        self._check_open()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.ProgrammingError as exc:
            self._closed_now(exc)
            raise
        except sqlite3.OperationalError as exc:
            self._convert(exc)
            raise RegisterLockedError(
                "the register is busy (another PhotoVet window or command is writing)",
                hint="Wait a moment and try again.") from exc

    def _commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            # a failed COMMIT (a full disk, most often: the WAL grows at commit) may leave the
            # transaction open: end it, so the caller's "nothing was changed" is true
            self._rollback()
            self._convert(exc)
            raise

    def _rollback(self) -> None:
        if self._closed:
            return      # closing ended any transaction (SQLite rolls it back)
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error as exc:   # never hide the error that caused the rollback
                log.warning("rollback failed (%s)", exc)

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._mutex:
            cur = self._execute(sql, list(params))
            if cur.lastrowid is None:   # an INSERT always sets it
                raise RegisterError("the register did not say which row it added", path=self.path)
            return int(cur.lastrowid)

    def tables(self) -> set[str]:
        with self._mutex:
            self._check_open()
            return {r[0] for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}

    def columns(self, table: str) -> list[str]:
        with self._mutex:
            self._check_open()
            return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def data_version(self) -> int:
        """Changes when another connection commits (a cheap "has anything changed?")."""
        with self._mutex:
            self._check_open()
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def scrub(self, *, vacuum: bool = False) -> None:
        """After deleting what must not be recoverable (leavers' face signatures, signatures
        that were stored in clear): ``secure_delete`` has already zeroed the freed cells; this
        copies the WAL into the file and truncates it (the WAL still holds old page images),
        and with ``vacuum`` rebuilds the file so no free page keeps anything. Needs no other
        connection in a read transaction to complete (it is retried at the next open)."""
        if self.in_transaction:
            raise RuntimeError("scrub() runs outside a transaction")
        with self._mutex:
            self._check_open()
            if vacuum:
                self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._closed = True
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
