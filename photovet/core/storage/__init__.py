"""Where the register lives: an SQLite file in the data folder (the default, for one PC), or a
school's PostgreSQL server (several PCs of one office). The rest of the core talks to either
through ``Database`` (plain SQL, ``?`` placeholders, ``atomic()`` transactions)."""

from __future__ import annotations

from pathlib import Path

from photovet.core.paths import register_path
from photovet.core.storage.database import Database, atomic
from photovet.core.storage.migrations import migrate
from photovet.core.storage.sqlite import SQLiteDatabase


def open_db(path: str | Path | None = None, *, migrate_schema: bool = True) -> Database:
    """Open (creating if needed) the register database and bring its schema up to date."""
    db = SQLiteDatabase(Path(path) if path else register_path())
    if migrate_schema:
        try:
            migrate(db)
        except BaseException:
            db.close()
            raise
    return db


__all__ = ["Database", "SQLiteDatabase", "atomic", "migrate", "open_db"]
