"""The register database as the rest of the core sees it: a thin, engine-neutral interface.

Every module writes plain SQL with ``?`` placeholders in the subset SQLite and PostgreSQL
share. The engine classes (``sqlite.py``, ``postgres.py``) translate what little differs.
Writes are grouped with ``atomic()``: one transaction, nested calls join the outer one, and an
exception rolls the whole thing back.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterable, Iterator, Protocol, Sequence


def text_safe(value: Any) -> Any:
    """A file name that is not valid UTF-8 (Python keeps its bytes as "surrogates") cannot be
    stored as text: its odd bytes are written as \\xNN instead. Other values pass unchanged."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return value


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database:
    """Base class of the engines. Subclasses implement ``_execute``, ``_executemany``,
    ``_begin``, ``_commit``, ``_rollback``, ``tables`` and ``close``."""

    engine: str = ""
    #: Where the register lives, for messages ("register.db" or the server's address).
    location: str = ""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()

    @property
    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._local.depth = value

    # -- what engines provide ----------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def tables(self) -> set[str]:
        raise NotImplementedError

    def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT into a table with an ``id`` key and return the new row's id."""
        raise NotImplementedError

    # -- the interface -----------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        with self._lock:
            return self._execute(sql, list(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock:
            self._executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first row, or None."""
        with self._lock:
            return self._execute(sql, list(params)).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return list(self._execute(sql, list(params)).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = (), default: Any = None) -> Any:
        row = self.one(sql, params)
        return default if row is None else row[0]

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def atomic(self) -> Iterator["Database"]:
        """One write transaction. Nested use joins the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with self._lock:
            self._begin()
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._rollback()
                raise
            else:
                self._depth = 0
                self._commit()

    def lock(self, name: str) -> None:
        """Serialise writers on ``name`` until the current transaction ends (the audit chain's
        head). SQLite's write transactions are already serialised."""

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def atomic(db: Database) -> contextlib.AbstractContextManager[Database]:
    """``with atomic(db):`` is ``with db.atomic():``."""
    return db.atomic()
