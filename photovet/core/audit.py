"""The audit log: an append-only, hash-chained record of everything that matters.

Each row holds the time (UTC, ISO 8601), the operating-system user, the PhotoVet user (the name
a person typed, e.g. the approver; defaults to the OS user), the action, details (JSON) and the
hash of the previous row. A row's hash is the SHA-256 of its canonical content plus the
previous hash, so changing any stored value, or removing a row from the middle, breaks the chain.

Removing the LAST rows would leave a valid but shorter chain, so a separate ``audit_meta`` row
(updated in the same transaction as every append) keeps the count and the last hash: truncation
is detected too. What a hash chain cannot detect is someone recomputing every hash after an edit;
it is tamper-evident against casual edits with a database tool, not a signature.

Imports, enrolments, purges, consent edits, overrides, exports, approvals and deletions all call
``AuditLog(db).record(action, details, user=...)``. ``record`` joins the caller's transaction
when there is one, so the audit row is written if and only if the change is.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import json
from dataclasses import dataclass
from typing import Any


from photovet.core import logs
from photovet.core.storage import Database, atomic
from photovet.core.storage.database import text_safe
from photovet.core.errors import AuditError

log = logs.get("audit")

GENESIS = "0" * 64


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001  (no login name in some service contexts)
        return "unknown"


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def row_hash(row_id: int, time: str, osu: str, user: str, action: str, details: str,
             prev_hash: str) -> str:
    blob = json.dumps([row_id, time, osu, user, action, details, prev_hash],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class AuditVerification:
    ok: bool
    first_bad_id: int | None
    message: str
    rows: int = 0


class AuditLog:
    def __init__(self, db: Database):
        self.db = db

    def record(self, action: str, details: dict[str, Any] | None = None, *,
               user: str | None = None) -> int:
        """Append one row; returns its id. Joins the caller's transaction if there is one."""
        if not action or not str(action).strip():
            raise AuditError("an audit row needs an action")
        osu = os_user()
        who = (user or "").strip() or osu
        text = text_safe(canonical_details(details or {}))
        who = text_safe(who)
        now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")
        with atomic(self.db):
            self.db.lock("audit")
            # The chain's head is kept in audit_meta: ids are never reused, even after the
            # last row was deleted (that removal is then reported by verify()).
            meta = self.db.one("SELECT last_id, last_hash FROM audit_meta WHERE key = 'chain'")
            last = self.db.one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            prev = last[1] if last else GENESIS
            new_id = max(meta[0] if meta else 0, last[0] if last else 0) + 1
            h = row_hash(new_id, now, osu, who, action, text, prev)
            self.db.execute(
                "INSERT INTO audit_log (id, time, os_user, actor, action, details, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [new_id, now, osu, who, action, text, prev, h],
            )
            self.db.execute(
                "UPDATE audit_meta SET count = count + 1, last_id = ?, last_hash = ? "
                "WHERE key = 'chain'", [new_id, h])
        log.info("audit #%d %s", new_id, action)
        return new_id

    def rows(self, limit: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
        """The rows in time order (oldest first); with ``limit``, the most recent ``limit``."""
        where, params = "", []
        if action:
            where, params = "WHERE action = ?", [action]
        sql = f"SELECT id, time, os_user, actor, action, details, prev_hash, hash FROM audit_log {where} ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        out = []
        for r in self.db.execute(sql, params).fetchall():
            try:
                details = json.loads(r[5])
            except ValueError:
                details = {"_unparsable": r[5]}
            out.append({"id": r[0], "time": r[1], "os_user": r[2], "user": r[3], "action": r[4],
                        "details": details, "prev_hash": r[6], "hash": r[7]})
        out.reverse()
        return out

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]

    def verify(self) -> AuditVerification:
        """Walk the chain. Reports the first row that was altered or removed."""
        prev_hash, prev_id, n = GENESIS, 0, 0
        cur = self.db.execute(
            "SELECT id, time, os_user, actor, action, details, prev_hash, hash FROM audit_log "
            "ORDER BY id")
        for r in cur:
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
        meta = self.db.execute(
            "SELECT count, last_id, last_hash FROM audit_meta WHERE key = 'chain'").fetchone()
        if meta is None:
            return AuditVerification(False, prev_id + 1 if n else None,
                                     "audit log broken: its check record was removed", n)
        m_count, m_last_id, m_last_hash = meta
        if m_count != n or m_last_id != prev_id or m_last_hash != prev_hash:
            if m_last_id > prev_id:
                gone = m_last_id - prev_id
                return AuditVerification(
                    False, prev_id + 1,
                    f"audit log broken: the last {gone} row(s) were removed "
                    f"(the log should end at row {m_last_id}, it ends at row {prev_id})", n)
            return AuditVerification(
                False, prev_id if prev_id else None,
                f"audit log broken: its check record does not match the log "
                f"({m_count} rows recorded, {n} found)", n)
        return AuditVerification(True, None, f"audit log intact: {n} rows, chain verified", n)


__all__ = ["AuditLog", "AuditVerification", "GENESIS", "os_user"]
