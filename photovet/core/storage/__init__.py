"""Where the register lives: an SQLite file in the data folder (the default, for one PC), or a
school's PostgreSQL server (several PCs of one office). The rest of the core talks to either
through ``Database`` (plain SQL, ``?`` placeholders, ``atomic()`` transactions).

``open_db(target)`` takes a file path or a ``postgresql://`` address. With no target it uses
``$PHOTOVET_REGISTER`` (a path or an address: tests, CI and scripts) or ``register.db`` in the
data folder. The Workspace decides the target from this PC's settings (``database.url``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from photovet.core.paths import register_path
from photovet.core.storage.database import Database, atomic
from photovet.core.storage.migrations import migrate
from photovet.core.storage.server import is_server_url, secure_conninfo, split_password
from photovet.core.storage.sqlite import SQLiteDatabase

if TYPE_CHECKING:   # psycopg is imported only when a register is on a server
    from photovet.core.storage.postgres import PostgresDatabase


def default_target() -> str | Path:
    """``$PHOTOVET_REGISTER`` when set, else register.db in the data folder."""
    env = os.environ.get("PHOTOVET_REGISTER", "").strip()
    if env:
        return env if is_server_url(env) else Path(env).expanduser()
    return register_path()


def connect(target: str | Path, *, password: str | None = None,
            certificate: str | Path | None = None) -> Database:
    """Open (without migrating) the register at ``target``: a path, or a server address
    (TLS is required unless the server is this PC; ``certificate`` is the pinned one)."""
    if is_server_url(target):
        return connect_server(str(target), password=password, certificate=certificate)
    return SQLiteDatabase(Path(target))


def connect_server(url: str, *, password: str | None = None,
                   certificate: str | Path | None = None) -> PostgresDatabase:
    """``connect`` for a ``postgresql://`` address (a password in it is used when ``password``
    is None)."""
    from photovet.core.storage.postgres import PostgresDatabase  # noqa: PLC0415

    url, in_url = split_password(url)
    return PostgresDatabase(secure_conninfo(url, certificate),
                            password=password if password is not None else in_url)


def open_db(target: str | Path | None = None, *, migrate_schema: bool = True,
            password: str | None = None, certificate: str | Path | None = None) -> Database:
    """Open (creating if needed) the register and bring its schema up to date."""
    db = connect(target if target is not None else default_target(), password=password,
                 certificate=certificate)
    if migrate_schema:
        try:
            migrate(db)
        except BaseException:
            db.close()
            raise
    return db


__all__ = ["Database", "SQLiteDatabase", "atomic", "connect", "connect_server", "default_target",
           "is_server_url", "migrate", "open_db"]
