"""Approval: a preparer marks a photo ready; an approver (a named senior leader who is not the
preparer) approves or rejects it. Export takes approved photos only, unless the school's
settings turn approval off (a one-person office), which the app shows as a warning.

Photos are identified by the sha256 of the original's content, so renaming or moving a file
does not lose its approval, and a changed file needs approving again. Every step is audited.
Overrides made while reviewing (showing an unknown face, adding a redaction) are audited here
too, through ``record_override``.
"""

from __future__ import annotations

import datetime as _dt
import getpass
from dataclasses import dataclass


from photovet.core.storage import Database, atomic
from photovet.core.errors import ApprovalError

DRAFT, READY, APPROVED, REJECTED = "draft", "ready", "approved", "rejected"


@dataclass
class ApprovalState:
    sha256: str
    status: str = DRAFT
    path: str = ""
    batch: str = ""
    preparer: str | None = None
    approver: str | None = None
    comment: str = ""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _audit(db: Database):
    from photovet.core.audit import AuditLog  # noqa: PLC0415

    return AuditLog(db)


def _same_person(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


class Approvals:
    def __init__(self, db: Database):
        self.db = db

    def get(self, sha256: str) -> ApprovalState:
        r = self.db.one("SELECT status, path, batch, preparer, approver, comment FROM approvals "
                        "WHERE sha256 = ?", [sha256])
        if r is None:
            return ApprovalState(sha256)
        return ApprovalState(sha256, r[0], r[1] or "", r[2] or "", r[3], r[4], r[5] or "")

    def status(self, sha256: str) -> str:
        return self.get(sha256).status

    def mark_ready(self, sha256: str, path: str, *, preparer: str, batch: str = "") -> None:
        if not preparer or not preparer.strip():
            raise ApprovalError("say who prepared the photo before marking it ready")
        with atomic(self.db):
            self.db.execute(
                "INSERT INTO approvals (sha256, path, batch, status, preparer, prepared_at, "
                "approver, decided_at, comment) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, '') "
                "ON CONFLICT (sha256) DO UPDATE SET path = excluded.path, batch = excluded.batch, "
                "status = excluded.status, preparer = excluded.preparer, "
                "prepared_at = excluded.prepared_at, approver = NULL, decided_at = NULL, "
                "comment = ''", [sha256, str(path), batch, READY, preparer.strip(), _now()])
            _audit(self.db).record(
                "photo marked ready",
                {"sha256": sha256, "path": str(path), "batch": batch},
                user=preparer.strip(),
            )

    def _decide(self, sha256: str, status: str, approver: str, comment: str) -> None:
        if not approver or not approver.strip():
            raise ApprovalError("say which senior leader is approving")
        state = self.get(sha256)
        if state.status == DRAFT:
            raise ApprovalError(
                "this photo has not been marked ready by a preparer yet",
                hint="The person who prepared the photo marks it ready first.",
            )
        if _same_person(state.preparer, approver):
            raise ApprovalError(
                f"{approver.strip()} prepared this photo, so cannot also approve it",
                hint="A different senior leader must approve it (or turn off approval in Settings "
                     "for a one-person office).",
            )
        with atomic(self.db):
            self.db.execute("UPDATE approvals SET status = ?, approver = ?, decided_at = ?, "
                            "comment = ? WHERE sha256 = ?",
                            [status, approver.strip(), _now(), comment or "", sha256])
            _audit(self.db).record(
                f"photo {status}",
                {"sha256": sha256, "path": state.path, "batch": state.batch, "comment": comment or ""},
                user=approver.strip(),
            )

    def approve(self, sha256: str, *, approver: str, comment: str = "") -> None:
        self._decide(sha256, APPROVED, approver, comment)

    def reject(self, sha256: str, *, approver: str, comment: str = "") -> None:
        self._decide(sha256, REJECTED, approver, comment)

    def record_override(self, sha256: str, path: str, what: str, details: dict, *,
                        user: str | None = None) -> None:
        """Audit a change a person made while reviewing (shown an unknown face, added a mask...).
        A photo that was approved goes back to ready: the approver must see the change."""
        with atomic(self.db):
            _audit(self.db).record(
                f"review: {what}", dict(details, sha256=sha256, path=str(path)),
                user=user or getpass.getuser(),
            )
            state = self.get(sha256)
            if state.status == APPROVED:
                self.db.execute("UPDATE approvals SET status = ?, approver = NULL, "
                                "decided_at = NULL WHERE sha256 = ?", [READY, sha256])
