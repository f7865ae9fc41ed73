"""Face signatures encrypted at rest, on both engines; the register's key held by the PCs
allowed (the admin secret allows another one); signatures stored in clear by an earlier
version encrypted at the first open; a leaver's signatures cannot be recovered from the file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from photovet.core.errors import KeyUnavailableError
from photovet.core.keys import FileKeyStore, RegisterKeys
from photovet.core.pipeline import Engine
from photovet.core.register.people import Register
from photovet.core.storage import open_db
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

P1, P2 = "A919241717737", "G919241714767"
CSV = f"UPN,Surname,Forename,Website\n{P1},Ashby,Tori,Yes\n{P2},Abrahams,Joel,Yes\n"
SECRET = "correct horse battery staple"


def vec(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=128)


@pytest.fixture
def reg(tmp_path):
    (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
    r = Register.open(access=office_access())
    r.import_csv(tmp_path / "r.csv")
    yield r
    r.close()


def other_pc(tmp_path: Path, name: str = "pc2") -> Register:
    """The same register opened on another PC (its own, empty key store)."""
    db = open_db()
    from photovet.core.audit import AuditLog

    return Register(db, audit=AuditLog(db, access=office_access(),
                                       keys=RegisterKeys(db, FileKeyStore(tmp_path / name))))


def test_round_trip_and_nothing_in_clear(reg):
    reg.store_signatures({P1: [(vec(1), "a.jpg"), (vec(2), "b.jpg")], P2: [(vec(3), "c.jpg")]},
                         replace=True, source="test")
    got = reg.encodings()
    assert [p for p, _ in got] == [P1, P1, P2]
    assert np.array_equal(got[2][1], vec(3)) and np.array_equal(got[0][1], vec(1))
    kid = reg.keys.key_id_in_register()
    for blob, key_id in reg.db.all("SELECT encoding, key_id FROM encodings"):
        blob = bytes(blob)
        assert blob[:4] == b"PVE1" and len(blob) == 4 + 12 + 1024 + 16 and key_id == kid
        for v in (vec(1), vec(2), vec(3)):
            assert v.astype("<f8").tobytes()[:64] not in blob


def test_a_signature_moved_to_another_child_does_not_decrypt(reg):
    reg.store_signatures({P1: [(vec(1), "a.jpg")]}, replace=True, source="test")
    with reg.db.atomic():
        reg.db.execute("UPDATE encodings SET person_id = ?", [P2])
    with pytest.raises(KeyUnavailableError, match=f"signature of {P2} cannot be decrypted"):
        reg.encodings()


def test_another_pc_without_the_key_can_neither_read_nor_change(reg, tmp_path):
    reg.store_signatures({P1: [(vec(1), "a.jpg")]}, replace=True, source="test")
    other = other_pc(tmp_path)
    try:
        assert other.keys.status() == "not-allowed"
        with pytest.raises(KeyUnavailableError, match="not allowed to use this register"):
            other.encodings()
        with pytest.raises(KeyUnavailableError):
            other.set_consent(P1, "website", False)
        assert other.consent_states(P1)["photo"]["website"] == "yes"   # reading still works
        eng = Engine(other.settings, register=other)   # fail closed: nobody is recognised
        assert eng.recognition_off and eng.matcher is None
    finally:
        other.close()


def test_the_admin_secret_allows_another_pc(reg, tmp_path):
    reg.store_signatures({P1: [(vec(7), "a.jpg")]}, replace=True, source="test")
    reg.keys.wrap_with_admin_secret(SECRET, actor="office")
    stored = " ".join(str(r) for r in reg.db.all("SELECT * FROM key_wraps"))
    assert SECRET not in stored
    other = other_pc(tmp_path)
    try:
        with pytest.raises(KeyUnavailableError, match="not the admin secret"):
            other.keys.allow_this_pc("a guess of sixteen chars")
        other.keys.allow_this_pc(SECRET)
        assert np.array_equal(other.encodings()[0][1], vec(7))
        again = other_pc(tmp_path)          # kept in that PC's key store
        assert again.keys.status() == "ready"
        again.close()
    finally:
        other.close()


def test_a_new_key_after_a_leak(reg, tmp_path):
    ws = Workspace.open(access=office_access())
    try:
        ws.register.store_signatures({P1: [(vec(1), "a.jpg")]}, replace=True, source="test")
        old = ws.keys.signature_key()
        done = ws.replace_key(admin_secret=SECRET)
        assert done == {"reencrypted": 1, "deleted": 0}
        assert ws.keys.signature_key() != old
        assert np.array_equal(ws.register.encodings()[0][1], vec(1))
        assert ws.audit.verify().ok
        assert ws.audit.rows(action="register.key-replaced")
    finally:
        ws.close()
    other = other_pc(tmp_path)
    try:
        assert other.keys.status() == "not-allowed"
        other.keys.allow_this_pc(SECRET)
        assert other.encodings()
    finally:
        other.close()


def _file_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir())
                    if p.is_file() and p.name.startswith("register.db"))


@pytest.mark.sqlite_only
def test_signatures_stored_in_clear_are_encrypted_at_the_first_open(photovet_home):
    """A register from an earlier version held signatures in clear: the first open encrypts
    them and rebuilds the file; no byte of them is left anywhere in it."""
    db = open_db(photovet_home / "register.db")
    clear = {P1: vec(11), P2: vec(12)}
    with db.atomic():
        for pid, v in clear.items():
            db.execute("INSERT INTO people (id) VALUES (?)", [pid])
            db.execute("INSERT INTO encodings (person_id, encoding, dims, created_at) VALUES "
                       "(?, ?, 128, 'then')", [pid, v.tobytes()])
    db.close()
    pieces = [v.tobytes()[i:i + 16] for v in clear.values() for i in range(0, 1024, 16)]
    assert any(p in _file_bytes(photovet_home) for p in pieces)   # the scan sees them before
    ws = Workspace.open(access=office_access())
    try:
        got = dict(ws.register.encodings())
        assert np.array_equal(got[P1], clear[P1]) and np.array_equal(got[P2], clear[P2])
        assert ws.db.scalar("SELECT COUNT(*) FROM encodings WHERE key_id IS NULL") == 0
        assert ws.audit.rows(action="register.signatures-encrypted")[0]["details"] == {
            "signatures": 2}
    finally:
        ws.close()
    data = _file_bytes(photovet_home)
    left = [p for p in pieces if p in data]
    assert not left, f"{len(left)} 16-byte pieces of a clear signature are still in the files"


@pytest.mark.sqlite_only
@pytest.mark.parametrize("secure_delete", ["ON", "OFF"])
def test_a_leavers_signatures_cannot_be_recovered_from_the_file(photovet_home, tmp_path,
                                                               secure_delete):
    """After the purge no 16-byte piece of the leaver's (encrypted) signatures is in
    register.db, -wal or -shm. OFF is the negative control: without secure_delete the deleted
    ciphertext is still in the file, so the scan can find it."""
    (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
    reg = Register.open(access=office_access())
    reg.db.conn.execute(f"PRAGMA secure_delete = {secure_delete}")
    reg.import_csv(tmp_path / "r.csv")
    reg.store_signatures({P1: [(vec(1), "stay.jpg")]}, replace=True, source="test")
    reg.store_signatures({P2: [(vec(98), "a.jpg"), (vec(99), "b.jpg")]}, replace=False,
                         source="test")
    blobs = [bytes(b) for (b,) in reg.db.all("SELECT encoding FROM encodings WHERE "
                                             "person_id = ?", [P2])]
    reg.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert blobs[0][16:48] in _file_bytes(photovet_home)           # it is there before
    assert vec(99).astype("<f8").tobytes()[:32] not in _file_bytes(photovet_home)  # never clear
    with reg.db.atomic():
        reg.db.execute("UPDATE people SET leaving_date = '2020-07-20' WHERE id = ?", [P2])
    assert reg.purge_leavers(days=0) == [P2]
    reg.close()
    data = _file_bytes(photovet_home)
    pieces = [b[i:i + 16] for b in blobs for i in range(4, len(b) - 16, 16)]
    found = [p for p in pieces if p in data]
    if secure_delete == "ON":
        assert not found, f"{len(found)} pieces of the leaver's signatures are left in the files"
        with Register.open(access=office_access()) as again:
            assert [p for p, _ in again.encodings()] == [P1]
    else:
        assert found, "negative control: without secure_delete the ciphertext stays in the file"


def test_the_key_is_never_in_the_database(reg, photovet_home):
    reg.store_signatures({P1: [(vec(1), "a.jpg")]}, replace=True, source="test")
    key = reg.keys.master()
    for table in reg.db.tables():
        for row in reg.db.all(f'SELECT * FROM "{table}"'):
            for v in row:
                if isinstance(v, (bytes, memoryview)):
                    assert key not in bytes(v)
                elif isinstance(v, str):
                    assert key.hex() not in v and __import__("base64").b64encode(key).decode() not in v
    if reg.db.engine == "sqlite":
        assert key not in _file_bytes(photovet_home)
    assert os.environ["PHOTOVET_KEYSTORE"] == "file"


def test_a_key_store_that_cannot_be_used_is_a_clear_error(tmp_path):
    class LockedKeyring:
        kind = "keyring"

        def get(self, name):
            raise RuntimeError("the keyring is locked")

        put = delete = get

    db = open_db()
    keys = RegisterKeys(db, LockedKeyring())
    with pytest.raises(KeyUnavailableError, match="key store \\(keyring\\) cannot be used") as e:
        keys.master()
    assert "PHOTOVET_KEYSTORE=file" in e.value.hint
    db.close()
