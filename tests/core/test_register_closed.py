"""The register used after it was closed (s27): a timer or a background task still running as
the app closes got SQLite's "Cannot operate on a closed database" (a crash report), and a
register on a server would quietly have connected again. Storage now raises
``RegisterClosedError``, with words for a person, on both engines."""

from __future__ import annotations

import threading

import pytest

from photovet.core.errors import PhotoVetError, RegisterClosedError, RegisterError
from photovet.core.storage import open_db
from photovet.core.workspace import Workspace

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def test_every_use_after_close_raises_register_closed():
    db = open_db()
    db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
    db.close()
    assert db.closed
    calls = {
        "execute": lambda: db.execute("SELECT 1"),
        "one": lambda: db.one("SELECT 1"),
        "all": lambda: db.all("SELECT 1"),
        "scalar": lambda: db.scalar("SELECT 1"),
        "executemany": lambda: db.executemany("INSERT INTO t (v) VALUES (?)", [["a"]]),
        "insert": lambda: db.insert("INSERT INTO t (v) VALUES (?)", ["a"]),
        "tables": db.tables,
        "columns": lambda: db.columns("t"),
    }
    for name, call in calls.items():
        with pytest.raises(RegisterClosedError) as err:
            call()
        assert isinstance(err.value, RegisterError) and isinstance(err.value, PhotoVetError), name
    with pytest.raises(RegisterClosedError):
        with db.atomic():
            pass
    db.close()                                  # closing twice is harmless


def test_the_words_are_for_a_person():
    db = open_db()
    db.close()
    with pytest.raises(RegisterClosedError) as err:
        db.one("SELECT 1")
    text = err.value.full()
    assert "was already closed, so this was not done" in str(err.value)
    assert "Nothing was changed by it" in text and "do it again" in text
    assert "Cannot operate" not in text and "closed database" not in text


def test_a_workspace_closed_under_a_timer(tmp_path):
    """What the app's timers do (the change feed, a report): a store of a closed workspace."""
    ws = Workspace.open(tmp_path / "home")
    ws.close()
    with pytest.raises(RegisterClosedError):
        ws.register.people()
    with pytest.raises(RegisterClosedError):
        ws.audit.rows()


@pytest.mark.sqlite_only
def test_a_connection_closed_under_a_call_is_said_the_same_way():
    """Another thread closes the connection itself between two calls (SQLite): the engine's
    ProgrammingError becomes RegisterClosedError too."""
    db = open_db()
    t = threading.Thread(target=db.conn.close)
    t.start()
    t.join()
    with pytest.raises(RegisterClosedError):
        db.one("SELECT 1")
    assert db.closed
