"""Face signatures encrypted at rest, on both engines.

A signature (128 float64 numbers from the face model: biometric data) is stored as
``b"PVE1" + 12-byte random nonce + AES-256-GCM(vector) + 16-byte tag`` under the register's
signature key (``keys.py``: derived from the register key, which is never in the database).
The associated data binds the person id (and the model): a ciphertext moved to another child's
row does not decrypt, so nobody with write access to the database can make child A be
recognised as a consenting child B. ``encodings.key_id`` says which key encrypted a row.

A copied register.db or a dump of the server gives ciphertext only. Decrypted vectors live in
memory only (the recogniser loads everyone at once: 2,000 people take milliseconds).

Signatures stored in clear by an earlier version are encrypted at the first open that has the
key (``encrypt_plaintext``), in one transaction, and then (register file) the file is rebuilt
with VACUUM with ``secure_delete`` on, so no page keeps the clear bytes. Deleting a leaver's
signatures zeroes the freed space (``secure_delete``) and truncates the WAL; on a server,
deleted rows stay in the table's pages and the server's WAL until PostgreSQL reuses them
(VACUUM does not zero them): there the encryption is what protects them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from photovet.core.errors import KeyUnavailableError

if TYPE_CHECKING:
    import numpy as np

MAGIC = b"PVE1"


def _aad(person_id: str, model: str) -> bytes:
    return f"photovet-face-v1|{person_id}|{model}".encode()


def encrypt(key: bytes, person_id: str, model: str, vec: Any) -> bytes:
    import numpy as np  # noqa: PLC0415 (numpy where signatures are read or written, not before)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    nonce = os.urandom(12)
    raw = np.asarray(vec, dtype="<f8").reshape(-1).tobytes()
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, raw, _aad(person_id, model))


def decrypt(key: bytes, person_id: str, model: str, blob: bytes, dims: int) -> np.ndarray:
    import numpy as np  # noqa: PLC0415
    from cryptography.exceptions import InvalidTag  # noqa: PLC0415
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    blob = bytes(blob)
    if blob[:4] != MAGIC:
        raise KeyUnavailableError("a face signature is not in the encrypted form")
    try:
        raw = AESGCM(key).decrypt(blob[4:16], blob[16:], _aad(person_id, model))
    except InvalidTag:
        raise KeyUnavailableError(
            f"the face signature of {person_id} cannot be decrypted with this register's key "
            "(the row was altered or moved to another person)",
            hint="Enrol that person again.") from None
    return np.frombuffer(raw, dtype="<f8", count=dims).copy()


def rows_for(keys: Any, person_id: str, model: str, vectors: Iterable[tuple[Any, str]],
             now: str) -> list[tuple]:
    """INSERT rows (person_id, encoding, dims, photo_name, created_at, model, key_id)."""
    import numpy as np  # noqa: PLC0415

    from photovet.core.keys import key_id  # noqa: PLC0415

    key = keys.signature_key()
    kid = key_id(keys.master())
    out = []
    for vec, name in vectors:
        arr = np.asarray(vec, dtype=np.float64).reshape(-1)
        out.append((person_id, encrypt(key, person_id, model, arr), int(arr.size), name, now,
                    model, kid))
    return out


def read_all(db: Any, keys: Any, model: str | None = None) -> list[tuple[str, np.ndarray]]:
    """Every signature (of ``model``, or all) as (person id, vector), decrypted."""
    from photovet.core.keys import key_id  # noqa: PLC0415

    where, params = ("WHERE model = ?", [model]) if model else ("", [])
    rows = db.all(f"SELECT person_id, encoding, dims, model, key_id FROM encodings {where} "
                  "ORDER BY person_id, id", params)
    if not rows:
        return []
    key = keys.signature_key()
    kid = key_id(keys.master())
    out = []
    for pid, blob, dims, mdl, row_kid in rows:
        if row_kid is None:
            raise KeyUnavailableError(
                "some face signatures are still stored in clear (an earlier version); they are "
                "encrypted when the register is next opened with PhotoVet")
        if row_kid != kid:
            raise KeyUnavailableError(
                f"the face signature of {pid} was encrypted with another key of this register",
                hint="Enrol that person again.")
        out.append((pid, decrypt(key, pid, mdl, blob, int(dims))))
    return out


def encrypt_plaintext(db: Any, keys: Any, audit: Any) -> int:
    """Encrypt the signatures an earlier version stored in clear (one transaction, audited);
    returns how many. The caller then scrubs the register file (``SQLiteDatabase.scrub``)."""
    from photovet.core.keys import key_id  # noqa: PLC0415

    if not db.one("SELECT 1 FROM encodings WHERE key_id IS NULL LIMIT 1"):
        return 0
    import numpy as np  # noqa: PLC0415

    key = keys.signature_key()
    kid = key_id(keys.master())
    with db.atomic():
        rows = db.all("SELECT id, person_id, encoding, dims, model FROM encodings "
                      "WHERE key_id IS NULL")
        for rid, pid, blob, dims, model in rows:
            vec = np.frombuffer(bytes(blob), dtype=np.float64, count=int(dims))
            db.execute("UPDATE encodings SET encoding = ?, key_id = ? WHERE id = ?",
                       [encrypt(key, pid, model, vec), kid, rid])
        audit.record("register.signatures-encrypted", {"signatures": len(rows)},
                     user="PhotoVet (upgrade)")
    return len(rows)


def reencrypt(db: Any, old_key: bytes, new_key: bytes, new_kid: str) -> tuple[int, int]:
    """Inside the caller's transaction: every signature readable with ``old_key`` is
    encrypted with ``new_key``; any other is deleted. (re-encrypted, deleted)."""
    moved = dropped = 0
    for rid, pid, blob, dims, model in db.all(
            "SELECT id, person_id, encoding, dims, model FROM encodings"):
        try:
            vec = decrypt(old_key, pid, model, blob, int(dims)) if old_key else None
        except KeyUnavailableError:
            vec = None
        if vec is None:
            db.execute("DELETE FROM encodings WHERE id = ?", [rid])
            dropped += 1
            continue
        db.execute("UPDATE encodings SET encoding = ?, key_id = ? WHERE id = ?",
                   [encrypt(new_key, pid, model, vec), new_kid, rid])
        moved += 1
    return moved, dropped


__all__ = ["MAGIC", "decrypt", "encrypt", "encrypt_plaintext", "read_all", "reencrypt", "rows_for"]
