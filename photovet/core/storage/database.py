"""The register database as the rest of the core sees it: a thin, engine-neutral interface.

Every module writes plain SQL with ``?`` placeholders in the subset SQLite and PostgreSQL
share. The engine classes (``sqlite.py``, ``postgres.py``) translate what little differs.
Writes are grouped with ``atomic()``: one transaction, nested calls join the outer one, and an
exception rolls the whole thing back.

Writers are serialised on both engines: every ``atomic()`` takes the register-wide writer lock
when it begins (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``BEGIN`` + an advisory transaction
lock), so read-modify-write code (an import planning against the current consents, the audit
chain's head, consent history's "old" values) stays correct with several PCs writing at once.
Keep slow work (hashing files, face models, password hashing) outside ``atomic()``.

One ``Database`` object may be shared by threads (the app's workers): a transaction and the
statements of other threads do not interleave (an internal re-entrant lock).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from photovet.core.errors import RegisterClosedError
from photovet.core.fsutil import crash_point, sha256_no_follow

log = logging.getLogger("photovet.storage")


def text_safe(value: Any) -> Any:
    """A file name that is not valid UTF-8 (Python keeps its bytes as "surrogates") cannot be
    stored as text: its odd bytes are written as \\xNN instead. Other values pass unchanged.
    Both engines store every value through this (a PostgreSQL register refused such a name,
    and stopped a whole import from a device: s42); ``stored_path`` finds the file again."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return value.encode("utf-8", "surrogateescape").decode("utf-8",
                                                                       "backslashreplace")
            except UnicodeEncodeError:   # a lone UTF-16 half (a Windows name): as \\udNNN
                return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


#: a byte ``text_safe`` wrote as \\xNN (only bytes 0x80-0xff are ever written so)
_WRITTEN_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")


def written_name(text: str) -> str:
    """The name ``text`` (a file name as the register holds it) was stored from: its \\xNN
    back as the bytes ``text_safe`` wrote so; ``text`` itself when it has none. For a file that
    is not on the disk under that name (``stored_path`` cannot look), e.g. a photo put back
    from its hidden name."""
    raw = _WRITTEN_BYTE.sub(lambda m: chr(0xDC00 + int(m[1], 16)), text)
    return raw if raw != text and text_safe(raw) == text else text


def stored_path(text: str, sha256: str = "") -> str:
    """The file a path read back from the register names. A name that was not UTF-8 was
    stored with its odd bytes as \\xNN (``text_safe``): read back as it is, that names no file
    (the retention schedule never found such a photo, purge said it was missing). When no file
    has the stored text as its name and one has those bytes, that one; else the text as it is.

    A name that really holds the four characters "\\xe9" and one with that byte are the same
    text in the register. When both files are there, ``sha256`` (the content the row recorded)
    says which the row is about (s43: the byte's row was read back as the other file, found
    "changed", and kept): the one with that content (read only in that case), else the text
    as it is. Rows that are looked up by place are also matched by content
    (``forget_original_place``, purge's and the retention schedule's rows), so neither file's
    row is marked for the other's."""
    if "\\x" not in text:
        return text
    raw = _WRITTEN_BYTE.sub(lambda m: chr(0xDC00 + int(m[1], 16)), text)
    if raw == text or text_safe(raw) != text or not os.path.lexists(raw):
        return text
    if not os.path.lexists(text):
        return raw
    if sha256 and _content(raw) == sha256 and _content(text) != sha256:
        return raw          # both there: the one whose content the row recorded
    return text


def twin_content(path: str) -> str | None:
    """The content (sha256) of the OTHER file whose place is stored as the same text as
    ``path``'s (a name with a byte that is not UTF-8 and one with the characters "\\xNN"),
    when there is one on the disk; else None (the common case: no file is read)."""
    if "\\x" in path:              # the characters: the other has the bytes
        other = _WRITTEN_BYTE.sub(lambda m: chr(0xDC00 + int(m[1], 16)), path)
        if other == path or text_safe(other) != path:
            return None
    else:
        other = text_safe(path)
        if other == path or "\\x" not in other:
            return None
    return _content(other) if os.path.lexists(other) else None


def _content(path: str) -> str:
    """The sha256 of the file at ``path`` itself ('' when it cannot be read, or is a link)."""
    try:
        return sha256_no_follow(path)
    except OSError:
        return ""


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database:
    """Base class of the engines. Subclasses implement ``_execute``, ``_executemany``,
    ``_begin``, ``_commit``, ``_rollback``, ``tables``, ``columns``, ``insert`` and ``close``."""

    engine: str = ""
    #: Where the register lives, for messages ("register.db" or the server's address).
    location: str = ""

    def __init__(self) -> None:
        self._mutex = threading.RLock()
        self._local = threading.local()
        self._after_commit: list[Callable[[], None]] = []
        self._closed = False

    # -- closed ------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """``close()`` was called: every later use raises ``RegisterClosedError``."""
        return self._closed

    def _closed_error(self) -> RegisterClosedError:
        return RegisterClosedError()

    def _check_open(self) -> None:
        """Raise ``RegisterClosedError`` when the register was closed (a timer or a worker
        still running as the app closes), rather than the engine's own error (SQLite's
        "Cannot operate on a closed database"; PostgreSQL would quietly connect again)."""
        if self._closed:
            raise self._closed_error()

    @property
    def _depth(self) -> int:
        """Transaction depth of the calling thread (worker threads share one connection; only
        the thread that opened a transaction is in it, the others wait on the mutex)."""
        return getattr(self._local, "depth", 0)

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._local.depth = value

    # -- what engines provide ----------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _execute_all(self, statements: list[tuple[str, list[Any]]]) -> None:
        """Several statements in order (an engine that can sends them together)."""
        for sql, params in statements:
            self._execute(sql, params)

    def _begin(self) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def _prepare(self) -> None:
        """Before a transaction begins (PostgreSQL reconnects a lost connection here)."""

    def tables(self) -> set[str]:
        raise NotImplementedError

    def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT into a table with an ``id`` key and return the new row's id."""
        raise NotImplementedError

    def notify(self, payload: str = "") -> None:
        """Tell other PCs the register changed (PostgreSQL: NOTIFY, delivered at COMMIT and
        only if the transaction commits). Nothing to do for a register on one PC."""

    # -- the interface -----------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        with self._mutex:
            self._check_open()
            return self._execute(sql, list(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._mutex:
            self._check_open()
            self._executemany(sql, rows)

    def execute_all(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
        """Run several statements whose rows are not wanted, in order, as if one after the
        other (the first that fails raises, and what follows it does not run). A register on a
        server gets them in one round trip instead of one each."""
        with self._mutex:
            self._check_open()
            self._execute_all([(sql, list(params)) for sql, params in statements])

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first row, or None."""
        with self._mutex:
            self._check_open()
            return self._execute(sql, list(params)).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._mutex:
            self._check_open()
            return list(self._execute(sql, list(params)).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = (), default: Any = None) -> Any:
        row = self.one(sql, params)
        return default if row is None else row[0]

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """One write transaction (the register-wide writer lock is held until it ends).
        Nested use joins the outer transaction."""
        with self._mutex:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._check_open()
            self._prepare()
            try:
                self._begin()
            except BaseException:
                self._rollback()   # e.g. BEGIN ran, then the writer lock was not granted
                raise
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._after_commit.clear()
                self._rollback()
                raise
            self._depth = 0
            crash_point("db.commit")
            try:
                self._commit()
            except BaseException:
                self._after_commit.clear()
                raise
            crash_point("db.committed")
            callbacks, self._after_commit = self._after_commit, []
        for fn in callbacks:
            try:
                fn()
            except Exception:
                log.exception("a follow-up to a saved change failed")

    def on_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the current transaction has committed (at once when there is none).
        Not run if it rolls back."""
        if self._depth:
            self._after_commit.append(fn)
        else:
            fn()

    def lock(self, name: str) -> None:
        """Kept for callers that name what they serialise on: every ``atomic()`` already holds
        the register-wide writer lock on both engines, so there is nothing more to take."""

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def atomic(db: Database) -> contextlib.AbstractContextManager[Database]:
    """``with atomic(db):`` is ``with db.atomic():``."""
    return db.atomic()
