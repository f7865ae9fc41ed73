"""The audit log: an append-only, hash-chained record of everything that matters, anchored
outside its own table.

Each row holds the time (UTC, ISO 8601), the operating-system user, the **signed-in account**
(``actor``: the name of the staff account of the session, never a name someone typed; before
anyone signs in - sign-in attempts, the first admin, upgrades at open - the account concerned
or the OS user), the action, details (JSON) and the hash of the previous row. A row's hash is
the SHA-256 of its content plus the previous hash, so changing any stored value, or removing a
row from the middle, breaks the chain.

What else catches what (``verify``):

1. ``audit_meta`` (count, last id, last hash), updated with every append, catches removing the
   LAST rows while leaving the meta row alone.
2. **A keyed MAC over the head** (``audit_meta.mac`` = HMAC-SHA256 of register id, count, last
   id and last hash, under the audit key derived from the register key, which is never in the
   database: ``keys.py``). Without the key, nobody can delete the tail rows and update
   ``audit_meta``, empty the log and reset it, or edit a row and recompute every hash after
   it: the head's MAC no longer fits. An append first checks the head's MAC, so a tampered log
   is never signed over by the next change (the change is refused and the log says so).
3. **An anchor outside the database**: after every change it appends, and after every
   successful verification, this PC writes the head it saw to a small file (for a register
   file, ``register.db-anchor`` beside it; for a register on a server, ``audit-anchor.json`` in
   the data folder), MACed with the same key: "the log must contain row N with hash H". A
   database put back from an older copy, or cut back by someone who held the key but not this
   file, no longer contains that row as it was. An anchor of another register (or one that
   cannot be read) is never replaced by a change: it stays and ``verify`` reports it until an
   admin moves it aside; and a register file found empty or missing beside an anchor is not
   started again (``storage/sqlite.py``).

What someone who holds the register key (any Windows/OS user of an allowed PC who can read
its key store, or the admin secret) can still do: rewrite history completely - edit or delete
rows, recompute every hash, re-sign the head - and, by also rewriting (or deleting) the anchor
file on every PC that has one, leave nothing to notice. Deleting an anchor file only removes
that PC's third check (verify says so). Rows written before the register had a key (an upgrade)
are protected by the plain hash chain only (verify says from which row the anchoring starts).
Only a copy kept outside PhotoVet's reach (printed, exported to a write-once store, sent to
another organisation) protects against a key holder.

Imports, enrolments, purges, consent edits, reviews, exports, approvals, accounts and deletions
all call ``AuditLog.record(action, details)``. ``record`` joins the caller's transaction when
there is one, so the audit row is written if and only if the change is; on a server it also
announces the change to the other PCs (``changes.py``).
"""

from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photovet.core.errors import AuditError, KeyUnavailableError
from photovet.core.storage import Database, atomic
from photovet.core.storage.database import text_safe
from photovet.core.words import AUDIT_CHANGED_ADMIN_COMMAND, AUDIT_CHANGED_COMMAND, count

GENESIS = "0" * 64
ANCHOR_VERSION = 1
log = logging.getLogger("photovet.audit")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def row_hash(row_id: int, time: str, osu: str, user: str, action: str, details: str,
             prev_hash: str) -> str:
    blob = json.dumps([row_id, time, osu, user, action, details, prev_hash],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def default_anchor_path(db: Database) -> Path | None:
    """Where this PC keeps the anchor of a register that is a file (beside it)."""
    from photovet.core.storage.sqlite import anchor_path  # noqa: PLC0415

    path = getattr(db, "path", None)
    return anchor_path(path) if path is not None else None


@dataclass
class AuditVerification:
    ok: bool
    first_bad_id: int | None
    message: str
    rows: int = 0
    #: things a person should know that do not make the log broken (no anchor on this PC...)
    notes: list[str] = field(default_factory=list)


class AuditLog:
    """The audit log of one register. ``access`` says who is signed in (accounts.Access);
    ``keys`` is the register's key on this PC (keys.RegisterKeys; made from this PC's key
    store when not given); ``anchor`` the anchor file (None: none)."""

    def __init__(self, db: Database, *, access: Any = None, keys: Any = None,
                 anchor: Path | str | None | bool = True):
        from photovet.core.accounts import Access  # noqa: PLC0415
        from photovet.core.keys import RegisterKeys  # noqa: PLC0415

        self.db = db
        self.access = access if access is not None else Access()
        self.keys = keys if keys is not None else RegisterKeys(db)
        if anchor is True:
            anchor = default_anchor_path(db)
        self.anchor = Path(anchor) if anchor else None

    # -- who ----------------------------------------------------------------------------------

    def actor_name(self, user: str | None = None) -> str:
        """The name recorded for a change now: the signed-in account (or the named tool);
        ``user`` only when nobody is signed in (sign-in attempts, first run, upgrades)."""
        actor = self.access.actor()
        if actor is not None:
            return actor.name
        return (user or "").strip() or os_user()

    # -- writing ------------------------------------------------------------------------------

    def record(self, action: str, details: dict[str, Any] | None = None, *,
               user: str | None = None) -> int:
        """Append one row; returns its id. Joins the caller's transaction if there is one.
        ``user`` names who acted only when nobody is signed in; a signed-in account always
        wins."""
        if not action or not str(action).strip():
            raise AuditError("an audit row needs an action")
        from photovet.core.keys import head_mac, head_ok  # noqa: PLC0415

        osu = os_user()
        who = text_safe(self.actor_name(user))
        text = text_safe(canonical_details(details or {}))
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")
        key = self._audit_key()
        rid = self.keys.register_id
        with atomic(self.db):
            # The signed head and the last row in one read, the row and the new head in one
            # write: on a server, two round trips (the notification goes with the COMMIT).
            meta = self.db.one(
                "SELECT m.count, m.last_id, m.last_hash, m.mac, l.id, l.hash FROM audit_meta m "
                "LEFT JOIN (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) l ON 1 = 1 "
                "WHERE m.key = 'chain'")
            if meta is None:
                raise AuditError("the audit log's check record is missing; nothing was changed",
                                 hint=AUDIT_CHANGED_COMMAND)
            count, last_id, last_hash, head = int(meta[0]), int(meta[1]), meta[2], meta[3]
            if not head_ok(key, head, rid, count, last_id, last_hash):
                raise AuditError(
                    "the audit log was changed outside PhotoVet (its signed head does not "
                    "match); nothing was changed, and nothing can be until it is checked",
                    hint=AUDIT_CHANGED_ADMIN_COMMAND)
            last_row = int(meta[4]) if meta[4] is not None else 0
            prev = meta[5] if meta[4] is not None else GENESIS
            new_id = max(last_id, last_row) + 1
            h = row_hash(new_id, now, osu, who, action, text, prev)
            new_count = count + 1
            self.db.execute_all([
                ("INSERT INTO audit_log (id, time, os_user, actor, action, details, prev_hash, "
                 "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 [new_id, now, osu, who, action, text, prev, h]),
                ("UPDATE audit_meta SET count = ?, last_id = ?, last_hash = ?, mac = ? "
                 "WHERE key = 'chain'",
                 [new_count, new_id, h, head_mac(key, rid, new_count, new_id, h)]),
            ])
            self.db.notify(f"{new_id} {action}")
            if self.anchor is not None:
                self.db.on_commit(lambda: self._write_anchor(key, new_count, new_id, h))
            self.db.on_commit(lambda: log.info("audit #%d %s", new_id, action))
        return new_id

    def _audit_key(self) -> bytes:
        try:
            return self.keys.audit_key()
        except KeyUnavailableError:
            raise
        except Exception as exc:
            raise KeyUnavailableError(f"this PC's key store cannot be used ({exc})",
                                      hint="On Linux without a desktop keyring, set "
                                           "PHOTOVET_KEYSTORE=file.") from exc

    # -- the anchor ---------------------------------------------------------------------------

    def _write_anchor(self, key: bytes, count: int, last_id: int, last_hash: str) -> None:
        from photovet.core.fsutil import atomic_write_text  # noqa: PLC0415
        from photovet.core.keys import key_id, mac  # noqa: PLC0415

        assert self.anchor is not None
        current = self._read_anchor()
        rid = self.keys.register_id
        if current is not None and (current.get("_bad") or current.get("register_id") != rid):
            # The anchor is of another register (this one replaced the register this PC saw:
            # a file cut short and started again, another school's copy...) or is unreadable.
            # Overwriting it would erase the one record that says so: it stays, and verify
            # reports it until an admin moves it aside on purpose.
            log.warning("audit anchor %s kept: it is not this register's (verify reports it)",
                        self.anchor.name)
            return
        if current and int(current.get("last_id", 0)) > last_id:
            return  # never move the anchor back
        body = {"version": ANCHOR_VERSION, "register_id": rid, "count": count,
                "last_id": last_id, "last_hash": last_hash,
                "key_id": key_id(self.keys.master(create=False)),
                "written_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")}
        body["mac"] = mac(key, "audit-anchor-v1", rid, count, last_id, last_hash)
        try:
            atomic_write_text(self.anchor, json.dumps(body, indent=1), prefix=".anchor-")
            os.chmod(self.anchor, 0o600)
        except OSError as exc:
            log.warning("audit anchor not written (%s)", exc)

    def _read_anchor(self) -> dict[str, Any] | None:
        if self.anchor is None or not self.anchor.exists():
            return None
        try:
            data = json.loads(self.anchor.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {"_bad": True}
        except (OSError, ValueError):
            return {"_bad": True}

    # -- reading ------------------------------------------------------------------------------

    def rows(self, limit: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
        """The rows in time order (oldest first); with ``limit``, the most recent ``limit``."""
        where = ""
        params: list[Any] = []
        if action:
            where, params = "WHERE action = ?", [action]
        sql = ("SELECT id, time, os_user, actor, action, details, prev_hash, hash FROM audit_log "
               f"{where} ORDER BY id DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        out = []
        for r in self.db.all(sql, params):
            try:
                details = json.loads(r[5])
            except ValueError:
                details = {"_unparsable": r[5]}
            out.append({"id": r[0], "time": r[1], "os_user": r[2], "user": r[3], "action": r[4],
                        "details": details, "prev_hash": r[6], "hash": r[7]})
        out.reverse()
        return out

    def count(self) -> int:
        return int(self.db.scalar("SELECT COUNT(*) FROM audit_log", (), 0))

    def head(self) -> tuple[int, int]:
        """(count, last id): changes with every change to the register (other PCs poll it)."""
        r = self.db.one("SELECT count, last_id FROM audit_meta WHERE key = 'chain'")
        return (int(r[0]), int(r[1])) if r else (0, 0)

    def verify(self) -> AuditVerification:
        """Walk the chain, check the signed head and this PC's anchor. Reports the first row
        that was altered or removed, or what else does not fit."""
        v = self._verify_chain()
        if not v.ok:
            return v
        v = self._verify_signed_head(v)
        if not v.ok:
            return v
        v = self._verify_anchor(v)
        if v.ok and self.anchor is not None:
            meta = self.db.one("SELECT count, last_id, last_hash FROM audit_meta "
                               "WHERE key = 'chain'")
            try:
                key = self.keys.audit_key(create=False)
                self._write_anchor(key, int(meta[0]), int(meta[1]), meta[2])
            except Exception as exc:
                log.warning("audit anchor not advanced (%s)", exc)
        return v

    def _verify_chain(self) -> AuditVerification:
        prev_hash, prev_id, n = GENESIS, 0, 0
        for r in self.db.all(
                "SELECT id, time, os_user, actor, action, details, prev_hash, hash FROM audit_log "
                "ORDER BY id"):
            row_id, time, osu, user, action, details, stored_prev, stored_hash = r
            if row_id != prev_id + 1 or stored_prev != prev_hash:
                missing = prev_id + 1
                if row_id != prev_id + 1:
                    what = (f"row {missing} was removed" if row_id == missing + 1
                            else f"rows {missing} to {row_id - 1} were removed")
                    return AuditVerification(False, missing, f"audit log broken: {what} "
                                             f"(row {row_id} does not follow row {prev_id})", n)
                return AuditVerification(False, row_id, f"audit log broken at row {row_id}: it does "
                                         f"not link to row {prev_id} (a row was altered or replaced)", n)
            if row_hash(row_id, time, osu, user, action, details, stored_prev) != stored_hash:
                return AuditVerification(False, row_id,
                                         f"audit log broken at row {row_id}: its content was altered", n)
            prev_hash, prev_id = stored_hash, row_id
            n += 1
        meta = self.db.one("SELECT count, last_id, last_hash FROM audit_meta WHERE key = 'chain'")
        if meta is None:
            return AuditVerification(False, prev_id + 1 if n else None,
                                     "audit log broken: its check record was removed", n)
        m_count, m_last_id, m_last_hash = int(meta[0]), int(meta[1]), meta[2]
        if m_count != n or m_last_id != prev_id or m_last_hash != prev_hash:
            if m_last_id > prev_id:
                gone = m_last_id - prev_id
                return AuditVerification(
                    False, prev_id + 1,
                    f"audit log broken: the last {count(gone, 'row')} "
                    f"{'was' if gone == 1 else 'were'} removed "
                    f"(the log should end at row {m_last_id}, it ends at row {prev_id})", n)
            return AuditVerification(
                False, prev_id if prev_id else None,
                f"audit log broken: its check record does not match the log "
                f"({m_count} rows recorded, {n} found)", n)
        return AuditVerification(True, None, f"audit log intact: {n} rows, chain verified", n)

    def _verify_signed_head(self, v: AuditVerification) -> AuditVerification:
        from photovet.core.keys import head_ok  # noqa: PLC0415

        row = self.db.one("SELECT count, last_id, last_hash, mac FROM audit_meta "
                          "WHERE key = 'chain'")
        try:
            key = self.keys.audit_key(create=False)
        except KeyUnavailableError as exc:
            if self.keys.status() == "new":
                v.notes.append("the register has no key yet: the log's head is not signed")
                return v
            return AuditVerification(False, None, "the audit log's signed head cannot be checked "
                                     f"on this PC: {exc.message}", v.rows, v.notes)
        if not row[3]:
            return AuditVerification(
                False, int(row[1]) + 1 if row[1] else None,
                "audit log broken: its head is not signed (the check record was replaced or "
                "reset outside PhotoVet)", v.rows, v.notes)
        if not head_ok(key, row[3], self.keys.register_id, int(row[0]), int(row[1]), row[2]):
            return AuditVerification(
                False, None,
                "audit log broken: its signed head does not match (rows were removed, the log "
                "was emptied, or hashes were recomputed, without the register's key)",
                v.rows, v.notes)
        start = self.db.scalar("SELECT value FROM register_info WHERE key = 'anchored_from'")
        if start and int(start) > 1:
            v.notes.append(f"rows 1 to {int(start) - 1} were written before the register had a "
                           "key: they are covered by the hash chain only")
        v.message = f"audit log intact: {v.rows} rows, chain and signed head verified"
        return v

    def _verify_anchor(self, v: AuditVerification) -> AuditVerification:
        from photovet.core.keys import key_id, mac_ok  # noqa: PLC0415

        if self.anchor is None:
            return v
        a = self._read_anchor()
        if a is None:
            v.notes.append("no anchor on this PC yet to compare the log's length with (one is "
                           "written now)")
            return v
        if a.get("_bad") or not {"register_id", "count", "last_id", "last_hash"} <= set(a):
            return AuditVerification(False, None, f"the audit anchor file on this PC ({self.anchor})"
                                     " is unreadable or was altered", v.rows, v.notes)
        rid = self.keys.register_id
        if a["register_id"] != rid:
            try:
                seen = f"{int(a['count'])} audit entries"
            except (TypeError, ValueError):
                seen = "its audit entries"
            return AuditVerification(
                False, None, "audit log broken: this is not the register this PC last saw (its "
                f"register id changed; this PC saw another register with {seen}); it may have "
                "been replaced. If that register was lost, restore it from a backup. Only if it "
                f"was replaced on purpose: an admin moves {self.anchor} aside, and the next "
                "check starts a new anchor", v.rows, v.notes)
        key = self.keys.audit_key(create=False)
        same_key = a.get("key_id") == key_id(self.keys.master(create=False))
        if same_key and not mac_ok(key, a.get("mac"), "audit-anchor-v1", rid, int(a["count"]),
                                   int(a["last_id"]), a["last_hash"]):
            return AuditVerification(False, None, f"the audit anchor file on this PC ({self.anchor})"
                                     " was altered", v.rows, v.notes)
        if not same_key:
            v.notes.append("this PC's anchor was made under an earlier key of the register; its "
                           "claim is checked but its signature cannot be")
        n_id, n_hash = int(a["last_id"]), a["last_hash"]
        got = self.db.scalar("SELECT hash FROM audit_log WHERE id = ?", [n_id])
        if got != n_hash or v.rows < int(a["count"]):
            seen = _dt.datetime.fromisoformat(a["written_at"]).astimezone().strftime(
                "%d/%m/%Y %H:%M") if a.get("written_at") else "earlier"
            what = "is missing" if got is None else "is not the row this PC saw"
            return AuditVerification(
                False, n_id,
                f"audit log broken: row {n_id}, which this PC saw on {seen}, {what} (the log "
                f"was cut back, replaced by an older copy, or rewritten)", v.rows, v.notes)
        return v


__all__ = ["AuditLog", "AuditVerification", "GENESIS", "default_anchor_path", "os_user"]
