"""The audit log anchored outside its table (issue 10, item 7): truncating it, emptying it,
recomputing every hash, or putting back an older copy is detected without the register's key;
and what someone holding the key can still do is shown, not hidden."""

from __future__ import annotations

import json
import shutil

import pytest

from photovet.core.audit import GENESIS, AuditLog, row_hash
from photovet.core.errors import AuditError
from photovet.core.keys import head_mac, mac
from photovet.core.storage import open_db
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


@pytest.fixture
def log(photovet_home, register_engine):
    db = open_db()
    anchor = True if register_engine == "sqlite" else photovet_home / "audit-anchor.json"
    a = AuditLog(db, access=office_access(), anchor=anchor)
    for i in range(8):
        a.record("test.action", {"n": i})
    assert a.verify().ok
    yield a
    db.close()


def meta(log):
    return log.db.one("SELECT count, last_id, last_hash, mac FROM audit_meta WHERE key = 'chain'")


def rows(log):
    return log.db.all("SELECT id, time, os_user, actor, action, details, prev_hash, hash "
                      "FROM audit_log ORDER BY id")


def write(log, sql, params=()):
    with log.db.atomic():
        log.db.execute(sql, list(params))


def test_deleting_the_tail_and_fixing_audit_meta_is_detected(log):
    last_kept = rows(log)[4]
    write(log, "DELETE FROM audit_log WHERE id > 5")
    write(log, "UPDATE audit_meta SET count = 5, last_id = 5, last_hash = ? WHERE key = 'chain'",
          [last_kept[7]])
    v = log.verify()
    assert not v.ok and "signed head does not match" in v.message
    # and with the MAC removed too ("an old register that was never signed")
    write(log, "UPDATE audit_meta SET mac = NULL")
    v = log.verify()
    assert not v.ok and "head is not signed" in v.message


def test_deleting_everything_and_resetting_is_detected(log):
    write(log, "DELETE FROM audit_log")
    write(log, "UPDATE audit_meta SET count = 0, last_id = 0, last_hash = ? WHERE key = 'chain'",
          [GENESIS])
    v = log.verify()
    assert not v.ok and "signed head does not match" in v.message


def test_recomputing_every_hash_without_the_key_is_detected(log):
    prev = GENESIS
    recomputed = []
    for r in rows(log):
        rid, time, osu, actor, action, details, _p, _h = r
        if rid == 3:
            details = json.dumps({"n": 999}, separators=(",", ":"))   # the forged change
        h = row_hash(rid, time, osu, actor, action, details, prev)
        recomputed.append((details, prev, h, rid))
        prev = h
    with log.db.atomic():
        for details, p, h, rid in recomputed:
            log.db.execute("UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?",
                           [details, p, h, rid])
        log.db.execute("UPDATE audit_meta SET last_hash = ? WHERE key = 'chain'", [prev])
    assert AuditLog(log.db, anchor=False)._verify_chain().ok     # the chain alone is fooled
    v = log.verify()
    assert not v.ok and "signed head does not match" in v.message


def test_a_tampered_log_is_never_signed_over_by_the_next_change(log):
    write(log, "DELETE FROM audit_log WHERE id > 6")
    write(log, "UPDATE audit_meta SET count = 6, last_id = 6, last_hash = (SELECT hash FROM "
               "audit_log WHERE id = 6) WHERE key = 'chain'")
    n = log.count()
    with pytest.raises(AuditError, match="changed outside PhotoVet"):
        log.record("register.consent-edit", {"x": 1})
    assert log.count() == n and not log.verify().ok


def test_an_older_copy_put_back_is_caught_by_the_anchor(log, register_engine, tmp_path):
    """A consistent, correctly signed older state (a backup put back, or the database rolled
    back) passes the chain and the signed head; this PC's anchor says it saw more."""
    if register_engine == "sqlite":
        path = log.db.path
        log.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(path, tmp_path / "older.db")
        for i in range(3):
            log.record("after.copy", {"i": i})
        assert log.verify().ok
        log.db.close()
        shutil.copy(tmp_path / "older.db", path)
        log.db = open_db(path)
    else:  # the same on the server: the rows after row 8 and the head as it was then
        old = meta(log)
        for i in range(3):
            log.record("after.copy", {"i": i})
        assert log.verify().ok
        write(log, "DELETE FROM audit_log WHERE id > 8")
        write(log, "UPDATE audit_meta SET count = ?, last_id = ?, last_hash = ?, mac = ? "
                   "WHERE key = 'chain'", list(old))
    fresh = AuditLog(log.db, anchor=log.anchor)
    assert fresh._verify_chain().ok
    v = fresh.verify()
    assert not v.ok and "row 11, which this PC saw" in v.message and "is missing" in v.message


def test_the_anchor_cannot_be_moved_back_without_the_key(log):
    a = json.loads(log.anchor.read_text())
    a["last_id"], a["count"] = 2, 2
    a["last_hash"] = rows(log)[1][7]
    log.anchor.write_text(json.dumps(a))
    v = log.verify()
    assert not v.ok and "anchor file on this PC" in v.message and "altered" in v.message


def test_another_register_in_its_place_is_detected(log):
    write(log, "UPDATE register_info SET value = 'someone-else' WHERE key = 'register_id'")
    fresh = AuditLog(log.db, anchor=log.anchor)
    v = fresh.verify()
    assert not v.ok


def test_what_someone_holding_the_key_can_still_do(log):
    """Said plainly in audit.py: with the register key, history can be rewritten and re-signed;
    this PC's anchor still notices, unless it is rewritten too (with the same key)."""
    key = log.keys.audit_key()
    rid = log.keys.register_id
    write(log, "DELETE FROM audit_log WHERE id > 5")
    last = rows(log)[-1]
    write(log, "UPDATE audit_meta SET count = 5, last_id = 5, last_hash = ?, mac = ? "
               "WHERE key = 'chain'", [last[7], head_mac(key, rid, 5, 5, last[7])])
    v = log.verify()
    assert not v.ok and "row 8, which this PC saw" in v.message       # the anchor still sees it
    a = json.loads(log.anchor.read_text())
    a.update(count=5, last_id=5, last_hash=last[7],
             mac=mac(key, "audit-anchor-v1", rid, 5, 5, last[7]))
    log.anchor.write_text(json.dumps(a))
    assert log.verify().ok     # the limit: a key holder who also rewrites every anchor


def test_verify_moves_the_anchor_forward_and_notes_what_it_cannot_check(log):
    for _ in range(2):
        log.record("more", {})
    v = log.verify()
    assert v.ok and json.loads(log.anchor.read_text())["last_id"] == 10
    log.anchor.unlink()
    v = log.verify()
    assert v.ok and any("no anchor on this PC" in n for n in v.notes)
    assert log.anchor.exists()
