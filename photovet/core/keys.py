"""The register's key, and where this PC keeps secrets.

**Where secrets live** (``default_key_store()``): the OS keyring through ``keyring`` when it has
a real backend (Windows Credential Manager, macOS Keychain, Secret Service on a Linux desktop);
otherwise (headless Linux, CI: keyring has no backend there) one file per secret in this user's
configuration folder (``paths.config_dir()/keys``, mode 0600 in a 0700 folder), which is not
the data folder: a copy or backup of the data folder does not carry the keys.
``PHOTOVET_KEYSTORE=file`` or ``=keyring`` forces one. What each protects:

- OS keyring: stops a copied register.db, dump or backup from being read; stops other users of
  the PC (Windows DPAPI, Keychain). Does not stop malware running as the user, or the PC's admin.
- key file: stops a copied register.db, dump or backup; other non-admin users of the PC. Does
  not stop anyone who can read this user's files (the user, the PC's admin, a stolen
  unencrypted disk).

**The register key.** One random 256-bit key per register, stored only in the key store of
each PC allowed to use the register (``register-<register id>``), never in the database; the
database keeps its fingerprint (``register_info.key_id``, the first 16 hex digits of its
SHA-256). Two keys are derived from it (HKDF-SHA256): the **signature key** (AES-256-GCM for
face signatures, ``register/signatures.py``) and the **audit key** (HMAC-SHA256 over the audit
chain's head, ``audit.py``). A PC without the key cannot read face signatures (everyone is
covered) and cannot change the register (every change is audited, and the audit head must be
signed).

- A new register gets its key at the first change on the first PC. A register made before keys
  existed gets one at its first open: its signatures are encrypted then, and the audit head
  signed (rows before that point are covered by the plain hash chain only).
- A key is never made for a register that shows signs of having had one (encrypted signatures,
  a wrapped key, a signed audit head): a copied register.db on another PC, or a register whose
  key was lost, says "this PC is not allowed" instead of quietly starting a new key.
- **Admin secret** (required for a register on a server, optional on one PC): the key is also
  stored in ``key_wraps`` wrapped (AES-256-GCM) under a key derived from the admin's secret
  (argon2id, t=4, m=256 MiB, p=2: about 1-2 s, once per PC). A new PC is allowed by an admin
  typing the secret once (``allow_this_pc``). A dump holds only the wrapped key: its safety
  rests on the secret's strength (ask for four or more random words).
- ``replace_key`` (recovery when no PC holds the key any more and there is no admin secret, or
  after a leak): a new key; signatures that cannot be read are deleted (re-enrol), the audit
  head is signed with the new key and the replacement is audited. Other PCs must be allowed
  again.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any, Protocol

from photovet.core.errors import KeyUnavailableError, PhotoVetError
from photovet.core.words import ADMIN_SECRET_COMMAND, ALLOW_PC_COMMAND, REPLACE_KEY_COMMAND

SERVICE = "PhotoVet"
#: argon2id for the admin secret (tests lower it)
KDF = {"time_cost": 4, "memory_cost": 262_144, "parallelism": 2}
MIN_SECRET = 16


# --------------------------------------------------------------------------------------------
# Key stores
# --------------------------------------------------------------------------------------------

class KeyStore(Protocol):
    kind: str

    def get(self, name: str) -> str | None: ...

    def put(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class FileKeyStore:
    """One 0600 file per secret in a 0700 folder."""

    kind = "file"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        return self.folder / f"{safe[:80]}-{digest}.key"

    def get(self, name: str) -> str | None:
        p = self._path(name)
        try:
            return p.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def put(self, name: str, value: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        p = self._path(name)
        tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(value)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


class KeyringKeyStore:
    """The OS keyring (service "PhotoVet")."""

    kind = "keyring"

    def __init__(self, backend: Any = None):
        import keyring  # noqa: PLC0415 (import and backend discovery take ~0.1-0.3 s)

        self._k = backend or keyring.get_keyring()

    def get(self, name: str) -> str | None:
        return self._k.get_password(SERVICE, name)

    def put(self, name: str, value: str) -> None:
        self._k.set_password(SERVICE, name, value)

    def delete(self, name: str) -> None:
        import keyring.errors  # noqa: PLC0415

        try:
            self._k.delete_password(SERVICE, name)
        except keyring.errors.PasswordDeleteError:
            pass


def usable_keyring() -> bool:
    """Is there a real OS keyring (not keyring's "fail" backend, nor a plain-text one)?"""
    try:
        import keyring  # noqa: PLC0415
        from keyring.backends import chainer, fail  # noqa: PLC0415
    except ImportError:
        return False
    try:
        k = keyring.get_keyring()
    except Exception:
        return False
    if isinstance(k, fail.Keyring):
        return False
    if isinstance(k, chainer.ChainerBackend) and not k.backends:
        return False
    return not type(k).__module__.startswith("keyrings.alt")


_default: KeyStore | None = None
_default_for: tuple[str, str] | None = None


def default_key_store() -> KeyStore:
    """This PC's key store (see the module notes). ``PHOTOVET_KEYSTORE=file|keyring``."""
    global _default, _default_for
    from photovet.core.paths import config_dir  # noqa: PLC0415

    forced = os.environ.get("PHOTOVET_KEYSTORE", "").strip().lower()
    folder = str(config_dir() / "keys")
    if _default is not None and _default_for == (forced, folder):
        return _default
    if forced == "file" or (forced != "keyring" and not usable_keyring()):
        store: KeyStore = FileKeyStore(Path(folder))
    else:
        store = KeyringKeyStore()
    _default, _default_for = store, (forced, folder)
    return store


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"))


# --------------------------------------------------------------------------------------------
# The register key
# --------------------------------------------------------------------------------------------

def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def _derive(master: bytes, purpose: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: PLC0415

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"photovet " + purpose).derive(master)


def mac(key: bytes, *fields: Any) -> str:
    """HMAC-SHA256 over the JSON of ``fields``, hex."""
    blob = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, blob, hashlib.sha256).hexdigest()


def mac_ok(key: bytes, expected: str | None, *fields: Any) -> bool:
    return bool(expected) and hmac.compare_digest(mac(key, *fields), str(expected))


def _kek(secret: str, salt: bytes, params: dict[str, int]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw  # noqa: PLC0415

    return hash_secret_raw(secret.encode("utf-8"), salt, hash_len=32, type=Type.ID,
                           time_cost=params["time_cost"], memory_cost=params["memory_cost"],
                           parallelism=params["parallelism"])


def register_id(db: Any) -> str:
    rid = db.scalar("SELECT value FROM register_info WHERE key = 'register_id'")
    if not rid:
        raise PhotoVetError("the register has no id (its schema is not up to date)")
    return str(rid)


class _Guarded:
    """A key store whose failures (a locked or broken OS keyring) are PhotoVet errors."""

    def __init__(self, store: KeyStore):
        self._s = store
        self.kind = store.kind

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except OSError as exc:
            folder = getattr(self._s, "folder", None)
            if folder is None:
                raise self._unusable(exc) from exc
            from photovet.core.paths import folder_error  # noqa: PLC0415

            words = folder_error(Path(folder), exc, "config")   # the same type as ever, in words
            raise KeyUnavailableError(words.message, hint=words.hint) from exc
        except Exception as exc:
            raise self._unusable(exc) from exc

    def _unusable(self, exc: Exception) -> KeyUnavailableError:
        return KeyUnavailableError(
            f"this PC's key store ({self.kind}) cannot be used ({type(exc).__name__}: {exc})",
            hint="Unlock the desktop keyring, or set PHOTOVET_KEYSTORE=file to keep keys in "
                 "a file only this user can read.")

    def get(self, name: str) -> str | None:
        return self._call(self._s.get, name)

    def put(self, name: str, value: str) -> None:
        self._call(self._s.put, name, value)

    def delete(self, name: str) -> None:
        self._call(self._s.delete, name)


class RegisterKeys:
    """The register key on this PC (see the module notes)."""

    def __init__(self, db: Any, store: KeyStore | None = None):
        self.db = db
        self._store = _Guarded(store) if store is not None and not isinstance(store, _Guarded) \
            else store
        self._master: bytes | None = None
        self._rid: str | None = None
        #: set when this object made the key (the register had none): the audit head was
        #: adopted (signed as it stood) at that moment
        self.made_here = False

    @property
    def store(self) -> KeyStore:
        if self._store is None:
            self._store = _Guarded(default_key_store())
        return self._store

    @property
    def register_id(self) -> str:
        if self._rid is None:
            self._rid = register_id(self.db)
        return self._rid

    @property
    def _name(self) -> str:
        return f"register-{self.register_id}"

    def key_id_in_register(self) -> str | None:
        return self.db.scalar("SELECT value FROM register_info WHERE key = 'key_id'")

    def _was_keyed(self) -> bool:
        """Signs that the register had a key before (so a new one must not be made quietly)."""
        if self.key_id_in_register():
            return True
        if self.db.one("SELECT 1 FROM encodings WHERE key_id IS NOT NULL LIMIT 1"):
            return True
        if self.db.one("SELECT 1 FROM key_wraps LIMIT 1"):
            return True
        return bool(self.db.scalar("SELECT mac FROM audit_meta WHERE key = 'chain'"))

    def status(self) -> str:
        """"ready" (this PC holds the key), "new" (the register has no key yet: the next
        change makes one here) or "not-allowed" (the register has a key this PC lacks)."""
        if self._master is not None:
            return "ready"
        stored = self.store.get(self._name)
        kid = self.key_id_in_register()
        if stored:
            return "ready" if kid in (None, key_id(unb64(stored))) else "not-allowed"
        return "not-allowed" if self._was_keyed() else "new"

    @property
    def available(self) -> bool:
        return self.status() != "not-allowed"

    def _not_allowed(self, extra: str = "") -> KeyUnavailableError:
        has_secret = self.db.one("SELECT 1 FROM key_wraps LIMIT 1") is not None
        how = ALLOW_PC_COMMAND if has_secret else REPLACE_KEY_COMMAND
        return KeyUnavailableError(
            "this PC is not allowed to use this register: it does not hold the register's key"
            + (f" ({extra})" if extra else "") + "; face recognition is off and nothing can be "
            "changed from this PC", hint=how)

    def master(self, *, create: bool = True) -> bytes:
        """The register key (made now when the register has none and ``create``)."""
        if self._master is not None:
            return self._master
        stored = self.store.get(self._name)
        kid = self.key_id_in_register()
        if stored:
            key = unb64(stored)
            if kid is None:
                # _make stores the key first: a crash before its transaction committed leaves
                # the key here and a register without it. Finish what _make does (the audit
                # head signed as it stands, if nothing signed it): adopting the key alone left
                # an unsigned head that refused every change afterwards.
                with self.db.atomic():
                    self._record_key_id(key)
                    if self.db.scalar("SELECT mac FROM audit_meta WHERE key = 'chain'") is None:
                        self._sign_head(key)
            elif kid != key_id(key):
                raise self._not_allowed("this PC holds a different key for it")
            self._keep(key)
            return key
        if not create or self._was_keyed():
            raise self._not_allowed()
        return self._make()

    def _make(self) -> bytes:
        key = os.urandom(32)
        self.store.put(self._name, b64(key))  # before the database: a crash leaves a key to adopt
        with self.db.atomic():
            self._record_key_id(key)
            self._sign_head(key)
            self._keep(key)
        self.made_here = True
        return key

    def _keep(self, key: bytes) -> None:
        """Hold the key from now on, once the register has it for good: found or made inside a
        caller's transaction that is then rolled back, the register may have no key (nor a
        signed head), and the next use adopts the stored key again (holding it here refused
        every change after: "the audit log was changed outside PhotoVet")."""

        def keep() -> None:
            self._master = key

        self.db.on_commit(keep)

    def _record_key_id(self, key: bytes) -> None:
        with self.db.atomic():
            self.db.execute("INSERT INTO register_info (key, value) VALUES ('key_id', ?) "
                            "ON CONFLICT (key) DO NOTHING", [key_id(key)])
            if self.key_id_in_register() != key_id(key):  # another PC made one at the same time
                self.store.delete(self._name)
                raise self._not_allowed("another PC made the register's key at the same moment")

    def _sign_head(self, key: bytes) -> None:
        """Sign the audit chain's head as it stands (the moment a register gets its key)."""
        row = self.db.one("SELECT count, last_id, last_hash FROM audit_meta WHERE key = 'chain'")
        if row is None:
            return
        self.db.execute("UPDATE audit_meta SET mac = ? WHERE key = 'chain'",
                        [head_mac(_derive(key, b"audit v1"), self.register_id, *row)])
        self.db.execute("INSERT INTO register_info (key, value) VALUES ('anchored_from', ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [str(int(row[1]) + 1)])

    def signature_key(self) -> bytes:
        return _derive(self.master(), b"signatures v1")

    def audit_key(self, *, create: bool = True) -> bytes:
        return _derive(self.master(create=create), b"audit v1")

    def cache_key(self) -> bytes | None:
        """What the analysis cache seals its entries with (cache.py), or None when this PC
        does not hold the register key (then the cache is not used)."""
        try:
            return _derive(self.master(), b"cache v1")
        except KeyUnavailableError:
            return None

    def forget_cached(self) -> None:
        self._master = None

    # -- admin secret -------------------------------------------------------------------------

    def has_admin_secret(self) -> bool:
        return self.db.one("SELECT 1 FROM key_wraps LIMIT 1") is not None

    def wrap(self, secret: str, key: bytes | None = None) -> tuple:
        """The key (this register's, or ``key``) wrapped under the admin secret: the slow
        argon2 work (1-2 s), done before any transaction. Stored with ``store_wrap``."""
        check_secret(secret)
        key = key if key is not None else self.master()
        salt = os.urandom(16)
        params = dict(KDF)
        kek = _kek(secret, salt, params)
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

        nonce = os.urandom(12)
        wrapped = nonce + AESGCM(kek).encrypt(nonce, key, self._wrap_aad())
        return key_id(key), json.dumps({"argon2id": params}), salt, wrapped

    def store_wrap(self, wrap: tuple, *, actor: str | None) -> None:
        """Keep ``wrap`` as the register's only admin-secret wrap (joins a transaction)."""
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        with self.db.atomic():
            self.db.execute("DELETE FROM key_wraps")
            self.db.execute("INSERT INTO key_wraps (key_id, kdf, salt, wrapped, created_at, "
                            "created_by) VALUES (?, ?, ?, ?, ?, ?)", [*wrap, now, actor])

    def wrap_with_admin_secret(self, secret: str, *, actor: str | None) -> None:
        """Store the key wrapped under the admin secret (replaces an earlier wrap)."""
        self.store_wrap(self.wrap(secret), actor=actor)

    def _wrap_aad(self) -> bytes:
        return b"photovet-register-key-v1|" + self.register_id.encode()

    def unwrap(self, secret: str) -> bytes:
        """The key, from the admin secret (KeyUnavailableError when it is not the secret)."""
        row = self.db.one("SELECT key_id, kdf, salt, wrapped FROM key_wraps ORDER BY created_at "
                          "DESC LIMIT 1")
        if row is None:
            raise KeyUnavailableError("this register has no admin secret to allow a PC with",
                                      hint=ADMIN_SECRET_COMMAND)
        kid, kdf, salt, wrapped = row[0], json.loads(row[1]), bytes(row[2]), bytes(row[3])
        kek = _kek(secret, salt, kdf["argon2id"])
        from cryptography.exceptions import InvalidTag  # noqa: PLC0415
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

        try:
            key = AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], self._wrap_aad())
        except InvalidTag:
            raise KeyUnavailableError("that is not the admin secret of this register") from None
        if key_id(key) != kid or (self.key_id_in_register() not in (None, kid)):
            raise KeyUnavailableError("the admin secret opens an old key of this register; "
                                      "set the admin secret again on a PC that holds the key")
        return key

    def allow_this_pc(self, secret: str) -> None:
        """Keep the register key on this PC, from the admin secret."""
        key = self.unwrap(secret)
        self.store.put(self._name, b64(key))
        self._master = key

    def forget_on_this_pc(self) -> None:
        self.store.delete(self._name)
        self._master = None

    # -- replacing the key --------------------------------------------------------------------

    def new_key_bytes(self) -> bytes:
        return os.urandom(32)

    def install(self, key: bytes) -> None:
        """Make ``key`` the register's key (inside the caller's transaction): fingerprint,
        this PC's store, the audit head signed with it. The caller re-encrypts or deletes the
        signatures and re-wraps the admin secret."""
        self.db.execute("INSERT INTO register_info (key, value) VALUES ('key_id', ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key_id(key)])
        self.db.execute("DELETE FROM key_wraps")
        self._sign_head(key)
        self.store.put(self._name, b64(key))
        self._master = key


def head_mac(audit_key: bytes, rid: str, count: int, last_id: int, last_hash: str) -> str:
    return mac(audit_key, "audit-head-v1", rid, int(count), int(last_id), str(last_hash))


def head_ok(audit_key: bytes, expected: str | None, rid: str, count: int, last_id: int,
            last_hash: str) -> bool:
    return mac_ok(audit_key, expected, "audit-head-v1", rid, int(count), int(last_id),
                  str(last_hash))


def check_secret(secret: str) -> None:
    if len(secret or "") < MIN_SECRET or len(set(secret)) < 6:
        raise PhotoVetError(f"the admin secret must be at least {MIN_SECRET} characters",
                            hint="Four or more random words make a good one; keep it written "
                                 "down somewhere safe, away from the PCs.")


__all__ = ["FileKeyStore", "KeyStore", "KeyringKeyStore", "RegisterKeys", "b64", "check_secret",
           "default_key_store", "head_mac", "head_ok", "key_id", "mac", "mac_ok", "register_id", "unb64",
           "usable_keyring"]
