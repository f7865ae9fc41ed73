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

import sqlite_utils

from photovet.core.db import atomic, migration
from photovet.core.errors import ApprovalError

DRAFT, READY, APPROVED, REJECTED = "draft", "ready", "approved", "rejected"


@migration("approval-0001-approvals")
def _create_approvals(db: sqlite_utils.Database) -> None:
    db["approvals"].create(
        {
            "sha256": str,
            "path": str,
            "batch": str,
            "status": str,
            "preparer": str,
            "prepared_at": str,
            "approver": str,
            "decided_at": str,
            "comment": str,
        },
        pk="sha256",
    )


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


def _audit(db: sqlite_utils.Database):
    from photovet.core.audit import AuditLog  # noqa: PLC0415

    return AuditLog(db)


def _same_person(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


class Approvals:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def get(self, sha256: str) -> ApprovalState:
        rows = list(self.db["approvals"].rows_where("sha256 = ?", [sha256]))
        if not rows:
            return ApprovalState(sha256)
        r = rows[0]
        return ApprovalState(
            sha256, r["status"], r["path"] or "", r["batch"] or "", r["preparer"], r["approver"],
            r["comment"] or "",
        )

    def status(self, sha256: str) -> str:
        return self.get(sha256).status

    def mark_ready(self, sha256: str, path: str, *, preparer: str, batch: str = "") -> None:
        if not preparer or not preparer.strip():
            raise ApprovalError("say who prepared the photo before marking it ready")
        with atomic(self.db):
            self.db["approvals"].upsert(
                {
                    "sha256": sha256, "path": str(path), "batch": batch, "status": READY,
                    "preparer": preparer.strip(), "prepared_at": _now(), "approver": None,
                    "decided_at": None, "comment": "",
                },
                pk="sha256",
            )
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
            self.db["approvals"].update(
                sha256,
                {"status": status, "approver": approver.strip(), "decided_at": _now(),
                 "comment": comment or ""},
            )
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
                self.db["approvals"].update(sha256, {"status": READY, "approver": None,
                                                     "decided_at": None})
