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
