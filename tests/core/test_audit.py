"""The audit log: append, read, and detect altered, removed and truncated rows."""

from __future__ import annotations

import json

import pytest

from photovet.core.audit import AuditLog
from photovet.core.storage import open_db

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


@pytest.fixture
def log():
    db = open_db()
    yield AuditLog(db)
    db.close()


def fill(log: AuditLog, n: int = 5) -> list[int]:
    return [log.record("test.action", {"n": i, "name": "Zoë"}, user="office") for i in range(n)]


def test_record_and_rows(log):
    ids = fill(log)
    assert ids == [1, 2, 3, 4, 5]
    rows = log.rows()
    assert [r["details"]["n"] for r in rows] == [0, 1, 2, 3, 4]
    r = rows[0]
    assert r["user"] == "office" and r["os_user"] and r["action"] == "test.action"
    assert r["time"].endswith("+00:00")
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    assert [r["id"] for r in log.rows(limit=2)] == [4, 5]
    log.record("other", {})
    assert [r["id"] for r in log.rows(action="other")] == [6]
    v = log.verify()
    assert v.ok and v.first_bad_id is None and v.rows == 6, v.message


def test_empty_log_verifies(log):
    assert log.verify().ok


def test_user_defaults_to_os_user(log):
    log.record("x", {})
    r = log.rows()[0]
    assert r["user"] == r["os_user"]


def test_altered_details_detected(log):
    fill(log)
    log.db.execute("UPDATE audit_log SET details = ? WHERE id = 3",
                   [json.dumps({"n": 99, "name": "Zoë"})])
    v = log.verify()
    assert not v.ok and v.first_bad_id == 3 and "altered" in v.message


@pytest.mark.parametrize("column,value", [("action", "x"), ("actor", "someone"),
                                          ("time", "2020-01-01T00:00:00+00:00"),
                                          ("os_user", "mallory")])
def test_altered_column_detected(log, column, value):
    fill(log)
    log.db.execute(f"UPDATE audit_log SET {column} = ? WHERE id = 2", [value])
    v = log.verify()
    assert not v.ok and v.first_bad_id == 2


def test_rehashed_row_still_breaks_the_next_link(log):
    from photovet.core.audit import row_hash

    fill(log)
    r = log.db.execute("SELECT * FROM audit_log WHERE id = 2").fetchone()
    new_details = json.dumps({"n": 42})
    h = row_hash(2, r[1], r[2], r[3], r[4], new_details, r[6])
    log.db.execute("UPDATE audit_log SET details = ?, hash = ? WHERE id = 2", [new_details, h])
    v = log.verify()
    assert not v.ok and v.first_bad_id == 3


def test_removed_middle_row_detected(log):
    fill(log)
    log.db.execute("DELETE FROM audit_log WHERE id = 3")
    v = log.verify()
    assert not v.ok and v.first_bad_id == 3 and "removed" in v.message


def test_removed_last_row_detected(log):
    fill(log)
    log.db.execute("DELETE FROM audit_log WHERE id = 5")
    v = log.verify()
    assert not v.ok and v.first_bad_id == 5 and "last 1 row" in v.message


def test_all_rows_removed_detected(log):
    fill(log)
    log.db.execute("DELETE FROM audit_log")
    v = log.verify()
    assert not v.ok and v.first_bad_id == 1


def test_appending_after_truncation_does_not_hide_it(log):
    fill(log)
    log.db.execute("DELETE FROM audit_log WHERE id = 5")
    log.record("after", {})  # id 6, links to row 4
    v = log.verify()
    assert not v.ok and v.first_bad_id == 5


def test_record_joins_outer_transaction_rollback(log):
    from photovet.core.storage import atomic

    fill(log, 2)
    with pytest.raises(RuntimeError):
        with atomic(log.db):
            log.record("inside", {})
            raise RuntimeError("boom")
    assert log.count() == 2 and log.verify().ok


def test_a_new_registers_first_change_rolled_back_leaves_the_next_one_possible(log):
    """The register's key is made with its first change: when that change is rolled back, so
    are the key's record and the signed head; the key kept in memory made every later change
    fail as "changed outside PhotoVet"."""
    from photovet.core.storage import atomic

    with pytest.raises(RuntimeError):
        with atomic(log.db):
            log.record("undone", {})
            raise RuntimeError("changed my mind")
    assert log.count() == 0
    log.record("done", {})
    assert log.count() == 1 and log.verify().ok


# --- on a server: round trips, and the notification sent with the COMMIT ----------------------

class _RoundTrips:
    """The round trips to the register's server: each wait on its connection for an answer
    (a statement sent alone is one; several joined by ``execute_all`` are one), and each query
    sent."""

    def __init__(self, monkeypatch, conn):
        import psycopg

        self.waits, self.queries = 0, []
        real_wait, real_execute = psycopg.Connection.wait, psycopg.Cursor.execute

        def wait(c, gen, *args, **kw):
            if c is conn:
                self.waits += 1
            return real_wait(c, gen, *args, **kw)

        def execute(cur, query, params=None, **kw):
            if cur.connection is conn:
                self.queries.append(str(query))
            return real_execute(cur, query, params, **kw)

        monkeypatch.setattr(psycopg.Connection, "wait", wait)
        monkeypatch.setattr(psycopg.Cursor, "execute", execute)


def _server_only(register_engine):
    if register_engine != "postgresql":
        pytest.skip("round trips and notifications are a server's")


def _listener():
    import os

    import psycopg

    conn = psycopg.connect(os.environ["PHOTOVET_REGISTER"], autocommit=True)
    conn.execute("LISTEN photovet_register")
    return conn


def _heard(conn) -> list[str]:
    """The notifications of the next transaction heard (those of one COMMIT arrive together:
    after the first, a short wait for any other)."""
    first = [n.payload for n in conn.notifies(timeout=5, stop_after=1)]
    return first + [n.payload for n in conn.notifies(timeout=0.1)]


def test_an_audit_row_on_a_server_is_two_round_trips_and_its_notice_goes_with_the_commit(
        log, register_engine, monkeypatch):
    """The signed head and the last row read at once, the row and the new head written at
    once: 2 round trips inside the caller's transaction (5 before), and the notification
    rides with the COMMIT (on its own, BEGIN + 2 + COMMIT = 4, 7 before)."""
    _server_only(register_engine)
    from photovet.core.storage import atomic

    fill(log, 1)
    trips = _RoundTrips(monkeypatch, log.db.conn)
    with atomic(log.db):
        log.db.execute("SELECT 1")
        before = trips.waits
        log.record("inside", {"n": 1})
        assert trips.waits - before == 2, trips.queries
    assert "pg_notify" in trips.queries[-1] and trips.queries[-1].endswith("COMMIT")
    trips.waits = 0
    log.record("alone", {})
    assert trips.waits == 4, trips.queries
    assert log.count() == 3 and log.verify().ok


def test_a_notice_of_a_change_rolled_back_is_never_sent_with_a_later_one(log, register_engine):
    _server_only(register_engine)
    from photovet.core.storage import atomic

    fill(log, 1)
    ear = _listener()
    try:
        with pytest.raises(RuntimeError):
            with atomic(log.db):
                log.record("undone", {})
                raise RuntimeError("changed my mind")
        log.record("done", {})
        heard = _heard(ear)
        assert [p.split(" ", 1)[1] for p in heard] == ["done"], heard
    finally:
        ear.close()
    assert log.count() == 2 and log.verify().ok


def test_a_notice_the_server_refuses_at_the_commit_saves_nothing_and_the_register_goes_on(
        log, register_engine):
    """A notification longer than the server takes (8000 bytes: 7000 characters of two bytes
    each) fails with the COMMIT it goes with: nothing of the transaction is saved and the
    connection is not left in a failed transaction."""
    _server_only(register_engine)
    import psycopg

    from photovet.core.storage import atomic

    fill(log, 1)
    with pytest.raises(psycopg.Error):
        with atomic(log.db):
            log.record("kept?", {})
            log.db.notify("é" * 7000)
    assert log.count() == 1
    log.record("next", {})
    assert log.count() == 2 and log.verify().ok


def test_statements_sent_together_run_in_order_and_one_that_fails_undoes_its_transaction(log):
    from photovet.core.storage import atomic

    db = log.db
    db.execute("CREATE TABLE together (id INTEGER PRIMARY KEY, v TEXT)")
    with atomic(db):
        db.execute_all([("INSERT INTO together (id, v) VALUES (?, ?)", [1, "a"]),
                        ("UPDATE together SET v = ? WHERE id = ?", ["b", 1])])
    assert db.all("SELECT id, v FROM together") == [(1, "b")]
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        with atomic(db):
            db.execute_all([("INSERT INTO together (id, v) VALUES (?, ?)", [2, "c"]),
                            ("INSERT INTO together (id, v) VALUES (?, ?)", [1, "again"]),
                            ("UPDATE together SET v = ? WHERE id = ?", ["d", 1])])
    assert db.all("SELECT id, v FROM together ORDER BY id") == [(1, "b")]
    db.execute_all([("INSERT INTO together (id, v) VALUES (?, ?)", [3, "e"])])
    assert [tuple(r) for r in db.all("SELECT id FROM together ORDER BY id")] == [(1,), (3,)]


def test_a_connection_lost_in_a_transaction_whose_caller_carried_on_is_not_committed(
        log, register_engine):
    """The server rolled the transaction back when the connection went; a caller that caught
    the error and carried on must not be told its change was saved (the COMMIT went to a new
    connection, with no transaction, and nothing was saved)."""
    _server_only(register_engine)
    import os

    import psycopg

    from photovet.core.errors import RegisterUnavailableError
    from photovet.core.storage import atomic

    db = log.db
    db.execute("CREATE TABLE kept (x INTEGER)")
    pid = db.scalar("SELECT pg_backend_pid()")
    with pytest.raises(RegisterUnavailableError, match="was not saved"):
        with atomic(db):
            db.execute("INSERT INTO kept (x) VALUES (1)")
            log.record("kept?", {})
            with psycopg.connect(os.environ["PHOTOVET_REGISTER"], autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            with pytest.raises(RegisterUnavailableError):
                db.execute("INSERT INTO kept (x) VALUES (2)")
    assert db.all("SELECT x FROM kept") == [] and log.count() == 0
    log.record("after", {})
    assert log.count() == 1 and log.verify().ok
