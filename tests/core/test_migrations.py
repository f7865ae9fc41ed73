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


def test_an_up_to_date_register_is_checked_in_one_transaction(tmp_path, monkeypatch):
    """Opening a register reads what is applied once (on a server, one transaction per
    migration was ~160 round trips at every open); a new migration is still applied, alone."""
    db = open_db(tmp_path / "r.db")
    begins: list[int] = []
    real = type(db)._begin

    def begin(self):
        begins.append(1)
        return real(self)

    monkeypatch.setattr(type(db), "_begin", begin)
    assert migrate(db) == []
    assert len(begins) == 1
    added = Migration("test-9998-added", lambda d: d.execute("CREATE TABLE added (x INTEGER)"))
    assert migrate(db, MIGRATIONS + (added,)) == ["test-9998-added"]
    assert len(begins) == 1 + 2 and "added" in db.tables()
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


@pytest.mark.parametrize("dump", RELEASES, ids=lambda p: p.stem)
def test_a_released_register_gets_its_key_at_the_first_open(dump, photovet_home):
    """The first open by this version: the register gets a key on this PC, its face
    signatures (stored in clear by 0.1) are encrypted, the audit log's head is signed as it
    stood (earlier rows keep the hash chain's protection only, and verify says so), and the
    first admin is still to be created."""
    from photovet.core.workspace import Workspace

    path = photovet_home / "register.db"
    _restore(dump, path)
    clear = [bytes(r[0]) for r in sqlite3.connect(path).execute("SELECT encoding FROM encodings")]
    rows_before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    ws = Workspace.open(photovet_home)
    try:
        assert ws.key_status() == "ready" and ws.needs_first_admin()
        assert ws.db.scalar("SELECT COUNT(*) FROM encodings WHERE key_id IS NULL") == 0
        assert len(ws.register.encodings()) == len(clear)
        v = ws.audit.verify()
        assert v.ok, v.message
        assert any(f"rows 1 to {rows_before}" in n for n in v.notes), v.notes
    finally:
        ws.close()
    data = path.read_bytes()
    assert clear and not any(c[:64] in data for c in clear)


def test_approvals_an_admin_kept_before_are_kept_with_the_role(tmp_path):
    """accounts-0002-approvals-after-role: an approver role ended before it, whose approvals
    the admin kept (audited as account.approvals-kept), is marked 'keep', so those approvals
    still count under the new rule; another ended role is not (fail closed)."""
    import json

    at = [m.name for m in MIGRATIONS].index("accounts-0002-approvals-after-role")
    db = open_db(tmp_path / "r.db", migrate_schema=False)
    migrate(db, MIGRATIONS[:at])
    with db.atomic():
        for i, name in ((1, "Mr Head"), (2, "Mrs Deputy")):
            db.execute("INSERT INTO accounts (id, name, name_key, created_at) VALUES (?, ?, ?, "
                       "'2026-09-01T08:00:00+00:00')", [i, name, name.casefold()])
            db.execute("INSERT INTO account_roles (account_id, role, valid_from, valid_to, "
                       "granted_at) VALUES (?, 'approver', '2026-09-01', '2026-11-20', "
                       "'2026-09-01T08:00:00+00:00')", [i])
        db.execute("INSERT INTO audit_log (time, os_user, actor, action, details, prev_hash, "
                   "hash) VALUES ('2026-11-21T08:00:00+00:00', 'x', 'Ada', "
                   "'account.approvals-kept', ?, '', '')",
                   [json.dumps({"account": "Mr Head", "count": 2, "last_day": "2026-11-20"})])
    assert "accounts-0002-approvals-after-role" in migrate(db)
    assert [tuple(r) for r in db.all("SELECT account_id, approvals_after FROM account_roles "
                                     "ORDER BY account_id")] == [(1, "keep"), (2, None)]
    db.close()
