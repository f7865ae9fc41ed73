"""The shared register: a PostgreSQL database on the school's server, used by several PCs.

Same interface as ``sqlite.py`` (plain SQL with ``?`` placeholders). What differs:

- ``?`` becomes ``%s`` once per distinct statement (outside quotes and comments; a literal
  ``%`` is doubled); Python ``bool`` parameters are sent as 0/1 (the schema keeps SQLite's
  INTEGER flags, which PostgreSQL will not fill from a boolean).
- ``insert()`` appends ``RETURNING id`` (psycopg cursors have no ``lastrowid``).
- ``atomic()`` runs ``BEGIN`` (READ COMMITTED, the server's default: each statement after the
  lock sees every earlier commit) and takes ONE register-wide writer lock,
  ``pg_advisory_xact_lock``, held until COMMIT or ROLLBACK, like SQLite's ``BEGIN IMMEDIATE``.
  Locking only the audit chain's head is not enough: two imports would both read the consents
  before either wrote, and consent history would record stale "old" values. A writer waits at
  most ``lock_timeout`` (10 s), then gets ``RegisterLockedError``.
- Each write transaction sends ``NOTIFY photovet_register`` (from ``AuditLog.record``): other
  PCs listening (``changes.py``) hear of it when, and only if, it commits. The server holds a
  notification back until COMMIT anyway, so it is sent with the COMMIT (one round trip).
- ``execute_all`` sends several statements in one round trip (one query, the values bound on
  this side by psycopg's ``ClientCursor``; run in order, the rest skipped after one fails).
- A server that goes away: every error on a broken connection becomes
  ``RegisterUnavailableError`` (the server rolls the open transaction back, so nothing is half
  written); the next call reconnects. A failure during COMMIT is ambiguous and says so.
  After a server restart, a connection idle since then is found closed before its next
  statement is sent (the server's goodbye has arrived: read without a round trip) and is
  replaced; a connection found lost at a transaction's first statement (``BEGIN`` and the
  lock, which write nothing) is replaced and the transaction begun once more; a read outside
  a transaction (one SELECT that changes nothing, ``only_reads``) found lost only once sent
  (a server that vanished without a goodbye and came back) is read once more on a new
  connection. Nothing later in a transaction, and no other statement outside one, is ever
  sent twice.
  TCP keepalives and ``tcp_user_timeout`` notice a dead server in about 15 s;
  ``idle_in_transaction_session_timeout`` stops a crashed PC from holding the writer lock.

``psycopg`` (3, with its bundled libpq) is imported only when a register is on a server.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import select
import time
from collections.abc import Iterable, Sequence
from typing import Any

from photovet.core.errors import RegisterError, RegisterLockedError, RegisterUnavailableError
from photovet.core.storage.database import Cursor, Database, text_safe

log = logging.getLogger("photovet.storage")

APP_ID = 0x50564554            # "PVET": the writer lock's key (SQLite's application_id too)
BUSY_TIMEOUT_MS = 10_000        # how long a writer waits for another PC's transaction
CONNECT_TIMEOUT_S = 5
IDLE_IN_TRANSACTION_MS = 60_000
#: a connection unused this long is looked at before its next statement: a server restart
#: takes longer (0.3-0.5 s for a test server on tmpfs without fsync, the fastest there is);
#: the look costs ~8 us, skipped in a run of statements (a page's reads)
IDLE_CHECK_S = 0.05
NOTIFY_CHANNEL = "photovet_register"

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?|%")

#: a statement that only reads: sent again, once, on a new connection when the first was lost
#: (outside a transaction only); anything that could change something on the server is not
_READS = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_NOT_ONLY_READS = re.compile(
    r"pg_notify|nextval|setval|pg_advisory|set_config|pg_terminate|pg_cancel|\blo_|;|"
    r"\bINTO\b|\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY|KEY)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def only_reads(sql: str) -> bool:
    """``sql`` is one SELECT that changes nothing on the server (no notification, sequence,
    lock, SELECT INTO, row lock): sending it twice is the same as once."""
    return bool(_READS.match(sql)) and not _NOT_ONLY_READS.search(sql)


@functools.lru_cache(maxsize=4096)
def to_pyformat(sql: str) -> str:
    """``?`` -> ``%s`` outside quotes and comments; every literal ``%`` -> ``%%``."""

    def sub(m: re.Match) -> str:
        t = m.group(0)
        if t == "?":
            return "%s"
        return t.replace("%", "%%")

    return _TOKENS.sub(sub, sql)


def _param(p: Any) -> Any:
    if isinstance(p, bool):
        return int(p)
    # a file name that is not UTF-8 is stored as SQLite stores it (its odd bytes as \\xNN):
    # psycopg refused it, and the copy of such a photo from a device stopped the import (s42)
    p = text_safe(p)
    if isinstance(p, str) and "\x00" in p:
        # PostgreSQL text cannot hold NUL; SQLite would store it. Refuse the same way on both
        # (the register import reports it per cell before it gets here).
        raise RegisterError("a value contains a NUL character, which the register cannot store")
    return p


def _params(params: Sequence[Any]) -> list[Any] | None:
    if not params:
        return None
    return [_param(p) for p in params]


def describe(conninfo: str) -> str:
    """``host:port/dbname`` of a connection string or URL (never the password)."""
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

    d = conninfo_to_dict(conninfo)
    return f"{d.get('host') or 'localhost'}:{d.get('port') or 5432}/{d.get('dbname') or ''}"


# What the driver says when a connection cannot be made, in the office's words (it said
# "cannot be reached: \tIs the server running on that host and accepting TCP/IP connections?"
# in the middle of the approval panel: walk s34). First match wins; anything else keeps the
# driver's last line, white space tidied.
_NOT_CONNECTED = (
    (("password authentication failed",),
     "refused PhotoVet's password (an IT person checks the password kept on this PC against "
     "the server's)"),
    (("connection refused", "is the server running"),
     "cannot be reached: nothing answers there (the server may be off or restarting)"),
    (("timeout expired", "timed out"),
     "cannot be reached: no answer in time (the server or the network is down or slow)"),
    (("failed to resolve host", "could not translate host name", "name or service not known"),
     "cannot be reached: this PC cannot find the server by its name (the network, or the "
     "server's name in the settings)"),
    (("no pg_hba.conf entry",),
     "refused this PC (its pg_hba.conf does not let this PC in: for the school's IT)"),
    (("the database system is starting up", "the database system is shutting down",
      "the database system is in recovery mode", "the database system is not yet accepting"),
     "cannot be reached: it is starting up or shutting down"),
    # a server that lost its power, or a network cut (s43, measured: libpq's own words ended
    # "before or while processing the request.", which said nothing to the office)
    (("server closed the connection unexpectedly", "no route to host",
      "network is unreachable", "connection reset"),
     "cannot be reached: the connection was cut (the server may be off or starting again, or "
     "the network is down)"),
    (("too many clients", "remaining connection slots"),
     "cannot be reached: it has no free connection (too many clients)"),
    (("certificate verify failed", "certificate", "ssl"),
     "cannot be reached: the encrypted connection could not be made (is the server's "
     "certificate the one PhotoVet was given at setup?)"),
)


def why_not_connected(exc: BaseException) -> str:
    """Why a connection to the register's server failed, after "the register server (...)":
    'cannot be reached: nothing answers there (...)', 'refused PhotoVet's password (...)'."""
    text = str(exc)
    low = text.casefold()
    for keys, words in _NOT_CONNECTED:
        if any(k in low for k in keys):
            return words
    last = " ".join(((text.strip().splitlines() or ["no answer"])[-1]).split())
    return f"cannot be reached: {last or 'no answer'}"


class PostgresDatabase(Database):
    engine = "postgresql"

    def __init__(self, conninfo: str, *, password: str | None = None):
        super().__init__()
        import psycopg  # noqa: PLC0415 (only a register on a server needs it)

        self._psycopg = psycopg
        self._conninfo = conninfo
        self._password = password
        self.location = describe(conninfo)
        self._notices: list[str] = []   # this transaction's notifications, sent with its COMMIT
        self.conn = self._connect()
        self._used = time.monotonic()   # when this connection last answered (or failed)

    # -- connection ---------------------------------------------------------------------------

    def _connect(self) -> Any:
        psycopg = self._psycopg
        from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

        kw: dict[str, Any] = dict(
            autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="PhotoVet",
            keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
            tcp_user_timeout=15_000,
            options=f"-c lock_timeout={BUSY_TIMEOUT_MS} "
                    f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS} "
                    "-c default_transaction_isolation=read\\ committed",
        )
        given = conninfo_to_dict(self._conninfo).get("options")
        if given:  # the address's own options (e.g. search_path) come after ours
            kw["options"] += " " + str(given)
        if self._password is not None:
            kw["password"] = self._password
        try:
            return psycopg.connect(self._conninfo, **kw)
        except psycopg.OperationalError as exc:
            raise RegisterUnavailableError(
                f"the register server ({self.location}) {why_not_connected(exc)}",
                hint="Check that the server is on and this PC is on the school's network, "
                     "then try again. Nothing was saved.") from exc

    def _broken(self) -> bool:
        return bool(self.conn.broken or self.conn.closed)

    def _dropped_while_idle(self) -> bool:
        """Did the server close this connection while nothing was in flight (a server restart
        tells every idle connection so, and closes it)? Found without a round trip: only what
        already arrived is read, before anything is sent, so nothing of the next statement can
        have reached the server (s42: the first action after a restart failed once with "Do it
        again"). Anything odd here: not known, the statement is sent as before."""
        pgconn = self.conn.pgconn     # non-blocking (psycopg's): reading never waits
        for _ in range(4):      # the server's goodbye, then the connection's end (TLS: apart)
            try:
                if not select.select([pgconn.socket], [], [], 0)[0]:
                    break
                pgconn.consume_input()
            except self._psycopg.OperationalError:
                break           # the end of the connection: ``broken`` says so
            except Exception:
                return False
            if self._broken():
                break
        return self._broken()

    def _ensure(self) -> None:
        """Reconnect a lost connection, never inside a transaction (its work is gone), and
        never one this register closed (``RegisterClosedError``). Outside a transaction, a
        connection the server closed while it was idle is found before use, and replaced."""
        self._check_open()
        if (not self._depth and time.monotonic() - self._used >= IDLE_CHECK_S
                and not self._broken() and self._dropped_while_idle()):
            log.info("the register server closed this PC's idle connection (a restart?): "
                     "connecting again")
        if self._broken() and not self._depth:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = self._connect()

    def _translate(self, exc: Exception) -> Exception:
        errors = self._psycopg.errors
        if self._closed:        # closed under a call (``close()`` from another thread)
            return self._closed_error()
        if isinstance(exc, (errors.LockNotAvailable, errors.DeadlockDetected)):
            return RegisterLockedError(
                "the register is busy (another PC is saving a change)",
                hint="Wait a moment and try again.")
        if isinstance(exc, self._psycopg.OperationalError) and (self._broken() or isinstance(
                exc, (errors.AdminShutdown, errors.CrashShutdown, errors.CannotConnectNow,
                      errors.IdleInTransactionSessionTimeout))):
            return RegisterUnavailableError(
                f"the connection to the register server ({self.location}) was lost; the change "
                "in progress was not saved",
                hint="Nothing was half saved. Do it again when the server is back; a batch "
                     "carries on from where it stopped.")
        return exc

    def _run(self, fn):
        self._ensure()
        try:
            return fn()
        except self._psycopg.Error as exc:
            new = self._translate(exc)
            if new is exc:
                raise
            raise new from exc
        finally:
            self._used = time.monotonic()

    # -- engine primitives ----------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        p = _params(params)
        q = to_pyformat(sql) if p is not None else sql
        # self.conn is looked up after _run has reconnected a lost connection
        if self._depth or not only_reads(sql):
            return self._run(lambda: self.conn.execute(q, p))
        try:
            return self._run(lambda: self.conn.execute(q, p))
        except RegisterUnavailableError:
            if not self._broken() or self._closed:
                raise
            # A read outside a transaction, on a connection found lost only once it was sent
            # (s43: a server that vanished without a goodbye, a power cut, and came back: the
            # idle check sees nothing until TCP keepalives notice, ~15 s, and the read failed
            # with "Do it again"). Reading changes nothing: read once more on a new
            # connection. A server still away is said ("cannot be reached"). Never a write.
            log.info("the register server's connection was lost during a read: reading "
                     "again on a new connection")
            return self._run(lambda: self.conn.execute(q, p))

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        q = to_pyformat(sql)
        data = [_params(r) or [] for r in rows]
        if not data:
            return

        def run() -> None:
            with self.conn.cursor() as cur:
                cur.executemany(q, data)

        self._run(run)

    def _execute_all(self, statements: list[tuple[str, list[Any]]]) -> None:
        if len(statements) == 1:
            self._execute(*statements[0])
            return
        # One message, one round trip: the statements joined into one query, their values
        # bound by psycopg on this side (``ClientCursor``: quoted and escaped by libpq for the
        # connection), which the server runs in order, stopping at the first that fails.
        # (psycopg's pipeline mode also sends them together, but waits on the connection once
        # a statement and twice more a block: no fewer waits than one statement at a time.)
        query = "; ".join(to_pyformat(sql) for sql, _ in statements)
        values = [v for _, params in statements for v in (_params(params) or [])]

        def run() -> None:
            with self._psycopg.ClientCursor(self.conn) as cur:
                cur.execute(query, values)

        self._run(run)

    def _begin(self) -> None:
        # One round trip, not two: without parameters both statements go in one simple query
        # (a lock not granted in time still fails with the transaction begun, and ``atomic``
        # rolls it back).
        begin = f"BEGIN; SELECT pg_advisory_xact_lock({int(APP_ID)})"
        self._ensure()      # a server that cannot be reached is said at once, not tried twice
        try:
            self._execute(begin, [])
        except RegisterUnavailableError:
            if not self._broken() or self._closed:
                raise
            # The connection was found lost at the transaction's first statement, which
            # writes nothing (and the server ends a transaction whose connection is gone):
            # begun once more on a new connection. A server still away fails again, and is
            # said. Never later in a transaction: what was sent may or may not have been saved.
            log.info("the register server's connection was lost before the transaction "
                     "began: beginning it again on a new connection")
            self._execute(begin, [])

    def _commit(self) -> None:
        notices, self._notices = self._notices, []
        if self._broken():
            # lost during the transaction (and the error caught by a caller that carried on):
            # the server rolled it back. A COMMIT now would go to a new connection, which has
            # no transaction, and "succeed" with nothing saved.
            raise RegisterUnavailableError(
                f"the connection to the register server ({self.location}) was lost; the change "
                "in progress was not saved",
                hint="Nothing was half saved. Do it again when the server is back; a batch "
                     "carries on from where it stopped.")
        try:
            if notices:
                # sent with the COMMIT: the server delivers them at COMMIT, and only then
                self._execute_all([("SELECT pg_notify(?, ?)", [NOTIFY_CHANNEL, n]) for n in notices]
                                  + [("COMMIT", [])])
            else:
                self._execute("COMMIT", [])
        except RegisterUnavailableError as exc:
            raise RegisterUnavailableError(
                f"the connection to the register server ({self.location}) was lost while the "
                "change was being saved; it may or may not have been saved",
                hint="When the server is back, check the register (a batch carries on from "
                     "where it stopped and skips what was saved).") from exc
        except BaseException:
            # a notification refused before the COMMIT, which then did not run: the
            # transaction is still open (and failed) until it is rolled back
            self._rollback()
            raise

    def _rollback(self) -> None:
        self._notices = []
        if not self._closed and not self._broken():
            with contextlib.suppress(Exception):
                self.conn.execute("ROLLBACK")

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._mutex:
            return int(self._execute(sql + " RETURNING id", list(params)).fetchone()[0])

    def tables(self) -> set[str]:
        return {r[0] for r in self.all(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.all(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? ORDER BY ordinal_position", [table])]

    def notify(self, payload: str = "") -> None:
        with self._mutex:
            self._check_open()
            if self._depth:      # sent with the COMMIT (delivered then either way)
                self._notices.append(payload[:7000])
            else:
                self._execute("SELECT pg_notify(?, ?)", [NOTIFY_CHANNEL, payload[:7000]])

    def server_version(self) -> int:
        self._check_open()
        return int(self.conn.info.server_version)

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(Exception):
            self.conn.close()


__all__ = ["APP_ID", "NOTIFY_CHANNEL", "PostgresDatabase", "describe", "to_pyformat",
           "why_not_connected"]
