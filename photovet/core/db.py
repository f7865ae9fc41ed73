"""The one SQLite database in the data folder (``register.db``): opening it safely, and named
migrations.

- WAL journal, a busy timeout, foreign keys on; the file is created with mode 0600 (owner only)
  because it holds children's personal and biometric data.
- A file that is not SQLite, is damaged, or is some other program's database raises
  ``CorruptRegisterError`` and is never written to.
- Schema changes happen only through named migrations. Each feature module registers its own
  with ``@migration("register-0001-people")``; ``open_db`` applies, in registration order, every
  one not yet recorded in the ``_migrations`` table, each inside a transaction.
- ``atomic(db)`` groups writes in one transaction (``BEGIN IMMEDIATE``, so two processes
  serialise instead of corrupting each other).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib
import os
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

from photovet.core.errors import CorruptRegisterError, RegisterLockedError
from photovet.core.paths import register_path

APP_ID = 0x50564554  # "PVET" in PRAGMA application_id: marks the file as PhotoVet's
BUSY_TIMEOUT_MS = 10_000

Migration = Callable[[sqlite_utils.Database], None]
_MIGRATIONS: list[tuple[str, Migration]] = []

# Modules whose import registers migrations. Listed here so opening the database always
# brings every table up to date, whichever feature asked for it first.
MIGRATION_MODULES = (
    "photovet.core.audit",
    "photovet.core.register.store",
    "photovet.core.approval",
    "photovet.core.records.store",
)


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a schema migration. Names must be unique and must never change once shipped."""

    def deco(fn: Migration) -> Migration:
        if any(n == name for n, _ in _MIGRATIONS):
            return fn  # re-import of the same module
        _MIGRATIONS.append((name, fn))
        return fn

    return deco


def _load_migration_modules() -> None:
    for mod in MIGRATION_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:  # a real missing dependency inside the module
                raise


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(b"SQLite format 3\x00"):
        raise CorruptRegisterError(
            "this file is not a PhotoVet register (it is not an SQLite database); it was left untouched",
            path=path,
            hint="Move it aside, or point PHOTOVET_HOME at the folder that holds your register.",
        )


def open_db(path: str | Path | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the register database and bring its schema up to date."""
    path = Path(path) if path else register_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _check_header(path)
    new = not path.exists() or path.stat().st_size == 0
    if new:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        if app_id != APP_ID and tables:
            conn.close()
            raise CorruptRegisterError(
                    "this database belongs to another program, not PhotoVet; it was left untouched",
                    path=path,
                    hint="Choose a different data folder (PHOTOVET_HOME) for PhotoVet.",
                )
        if app_id != APP_ID:
            conn.execute(f"PRAGMA application_id = {APP_ID}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            conn.close()
            raise CorruptRegisterError(
                f"the register database is damaged ({ok}); it was left untouched",
                path=path,
                hint="Restore register.db from a backup.",
            )
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise RegisterLockedError(
                "the register is busy (another PhotoVet window or command is writing)",
                path=path, hint="Wait a moment and try again.",
            ) from exc
        raise CorruptRegisterError(
            f"the register database could not be read ({exc}); it was left untouched",
            path=path,
            hint="Restore register.db from a backup.",
        ) from exc
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            try:
                os.chmod(side, 0o600)
            except OSError:
                pass
    db = sqlite_utils.Database(conn)
    if migrate:
        apply_migrations(db)
    return db


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    if "_migrations" not in db.table_names():
        return []
    return [r["name"] for r in db["_migrations"].rows_where(order_by="rowid")]


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply every registered migration not yet applied. Returns the names applied now."""
    _load_migration_modules()
    done_now: list[str] = []
    with atomic(db):
        if "_migrations" not in db.table_names():
            db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, fn in list(_MIGRATIONS):
        with atomic(db):
            already = db.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone()
            if already:
                continue
            fn(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                [name, _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")],
            )
            done_now.append(name)
    return done_now


@contextlib.contextmanager
def atomic(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction. Nested use joins the outer transaction."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise RegisterLockedError(
            "the register is busy (another PhotoVet window or command is writing)",
            hint="Wait a moment and try again.",
        ) from exc
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
