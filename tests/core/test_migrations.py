"""Schema history: migrations are named, ordered and unique, and a register made by every
released version of PhotoVet migrates to exactly the schema of a new one, keeping its rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from photovet.core.storage import open_db
from photovet.core.storage.migrations import MIGRATIONS, Migration, applied, migrate

DATA = Path(__file__).resolve().parents[1] / "data"
RELEASES = sorted(DATA.glob("register-v*.sql"))


def _schema(path: Path) -> dict:
    con = sqlite3.connect(path)
    out = {}
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                "LIKE 'sqlite_%' AND name != '_migrations'"):
        cols = [tuple(r[1:]) for r in con.execute(f"PRAGMA table_info({table})")]
        fks = sorted(tuple(r[2:5]) for r in con.execute(f"PRAGMA foreign_key_list({table})"))
        idx = sorted((r[1], r[2]) for r in con.execute(f"PRAGMA index_list({table})")
                     if not r[1].startswith("sqlite_autoindex"))
        out[table] = {"columns": cols, "foreign_keys": fks, "indexes": idx}
    con.close()
    return out


def _restore(sql: Path, target: Path) -> None:
    con = sqlite3.connect(target)
    con.executescript(sql.read_text(encoding="utf-8"))
    con.close()


def test_there_is_a_register_from_every_release():
    assert [p.name for p in RELEASES] >= ["register-v0.1.0.sql"]


@pytest.mark.parametrize("dump", RELEASES, ids=lambda p: p.stem)
def test_a_released_register_migrates_to_the_current_schema(dump, tmp_path):
    old = tmp_path / "old.db"
    _restore(dump, old)
    before = {t: sqlite3.connect(old).execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("people", "consents", "consent_history", "encodings", "exports",
                        "audit_log")}
    db = open_db(old)
    assert applied(db) == [m.name for m in MIGRATIONS] or set(applied(db)) == {m.name for m in MIGRATIONS}
    verified = __import__("photovet.core.audit", fromlist=["AuditLog"]).AuditLog(db).verify()
    assert verified.ok, verified.message
    for table, n in before.items():
        assert db.scalar(f"SELECT COUNT(*) FROM {table}") >= n, table
    db.close()
    fresh = tmp_path / "fresh.db"
    open_db(fresh).close()
    assert _schema(old) == _schema(fresh)


def test_migrating_twice_changes_nothing(tmp_path):
    db = open_db(tmp_path / "r.db")
    assert migrate(db) == []
    db.close()


def test_duplicate_migration_names_are_refused(tmp_path):
    db = open_db(tmp_path / "r.db")
    twice = MIGRATIONS + (Migration(MIGRATIONS[0].name, lambda db: None),)
    with pytest.raises(ValueError, match="unique"):
        migrate(db, twice)
    db.close()


def test_a_failing_migration_changes_nothing_and_is_not_recorded(tmp_path):
    db = open_db(tmp_path / "r.db")

    def broken(d):
        d.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(db, MIGRATIONS + (Migration("test-9999-broken", broken),))
    assert "half_done" not in db.tables()
    assert "test-9999-broken" not in applied(db)
    db.close()
