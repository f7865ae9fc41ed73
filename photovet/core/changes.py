"""Other PCs' changes to the register, within seconds.

Every change to the register writes an audit row in the same transaction, so the audit log is
an exact list of what changed, in order, from every PC. ``ChangeFeed`` (``Workspace.changes()``)
reads the rows added since it last looked:

- ``poll()``: the changes since the last call (cheap: one indexed read of the chain's head,
  about 0.05 ms on SQLite and 0.1 ms on a server on the same network; the rows only when the
  head moved). The app can call it from a timer.
- ``subscribe(callback)``: a background thread calls ``callback(changes)`` soon after another
  PC (or this one) commits a change. On a server it LISTENs for the NOTIFY each change sends
  (delivered when, and only if, the change commits: typically well under 0.1 s), with polling
  every ``safety_poll`` seconds as a safety net; on a register file, and when the server does
  not answer, it polls every ``interval`` seconds. After a lost connection it calls back once
  with a ``resync`` change (notifications sent meanwhile were lost: reload everything).
  The callback runs in that thread: the app forwards it to its window thread (a queued signal).

Each ``Change`` has the audit row's id, action (``register.import``, ``register.consent-edit``,
``review.face-cover``, ``approval.approved``, ``takedown.list-updated``...), the account and
the time, so the app reloads only what the change touches (the take-down banner on
``takedown.*`` / ``register.*``, a photo's review on ``review.*`` with its ``sha256``...).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("photovet.changes")

RESYNC = "resync"


@dataclass(frozen=True)
class Change:
    id: int
    action: str
    actor: str = ""
    time: str = ""
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def area(self) -> str:
        """``register``, ``review``, ``approval``, ``export``, ``takedown``, ``account``..."""
        return self.action.split(".", 1)[0]


def _head(db: Any) -> tuple[int, int]:
    r = db.one("SELECT count, last_id FROM audit_meta WHERE key = 'chain'")
    return (int(r[0]), int(r[1])) if r else (0, 0)


def _since(db: Any, last_id: int, limit: int = 1000) -> list[Change]:
    out = []
    for rid, action, actor, time, details in db.all(
            "SELECT id, action, actor, time, details FROM audit_log WHERE id > ? ORDER BY id "
            "LIMIT ?", [int(last_id), int(limit)]):
        try:
            d = json.loads(details)
        except ValueError:
            d = {}
        out.append(Change(int(rid), action, actor or "", time or "", d if isinstance(d, dict) else {}))
    return out


class ChangeFeed:
    """Changes since the feed was made (see the module notes). ``open_db`` opens another
    connection to the same register for the background thread."""

    #: How often a listener waiting for a NOTIFY looks whether it was closed (no traffic: a
    #: wait on the socket). ``close()`` returns within this (it was 0.5 s: every closed feed
    #: and each test of it waited that long).
    WAKE_S = 0.1

    def __init__(self, db: Any, open_db: Callable[[], Any] | None = None, *,
                 interval: float = 2.0, safety_poll: float = 30.0):
        self.db = db
        self._open = open_db
        self.interval = interval
        self.safety_poll = safety_poll
        self._head = _head(db)
        self._last_id = self._head[1]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.mode = ""

    # -- pulling ------------------------------------------------------------------------------

    def _read(self, db: Any) -> list[Change]:
        head = _head(db)
        with self._lock:
            if head == self._head:
                return []
            changes = _since(db, self._last_id)
            self._head = head
            if changes:
                self._last_id = changes[-1].id
            elif head[1] < self._last_id:  # the log moved back: something is badly wrong
                self._last_id = head[1]
                changes = [Change(0, RESYNC)]
            return changes

    def poll(self) -> list[Change]:
        """The changes (from any PC) since the last call, oldest first."""
        return self._read(self.db)

    # -- pushing ------------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[list[Change]], None]) -> ChangeFeed:
        """Call ``callback(changes)`` from a background thread whenever changes arrive."""
        if self._thread is not None:
            raise RuntimeError("this feed already has a subscriber")
        if self._open is None:
            raise RuntimeError("this feed cannot open its own connection")
        engine = getattr(self.db, "engine", "sqlite")
        self.mode = "listen" if engine == "postgresql" else "poll"
        target = self._listen if self.mode == "listen" else self._poll_loop
        ready = threading.Event()
        self._thread = threading.Thread(target=target, args=(self._open, callback, ready),
                                        daemon=True,
                                        name=f"photovet-changes-{self.mode}")
        self._thread.start()
        ready.wait(10)
        return self

    def _deliver(self, callback: Callable[[list[Change]], None], changes: list[Change]) -> None:
        if changes:
            try:
                callback(changes)
            except Exception:
                log.exception("a change subscriber failed")

    def _poll_loop(self, open_db: Callable[[], Any], callback: Callable[[list[Change]], None],
                   ready: threading.Event) -> None:
        db = None
        try:
            while not self._stop.is_set():
                try:
                    if db is None:
                        db = open_db()
                    ready.set()
                    self._deliver(callback, self._read(db))
                except Exception as exc:
                    log.info("change polling: %s", exc)
                    if db is not None:
                        db.close()
                        db = None
                    ready.set()
                self._stop.wait(self.interval)
        finally:
            if db is not None:
                db.close()

    def _listen(self, open_db: Callable[[], Any], callback: Callable[[list[Change]], None],
                ready: threading.Event) -> None:
        from photovet.core.storage.postgres import NOTIFY_CHANNEL  # noqa: PLC0415

        lost = False
        while not self._stop.is_set():
            db = None
            try:
                db = open_db()
                db.execute(f"LISTEN {NOTIFY_CHANNEL}")
                ready.set()
                if lost:
                    self._deliver(callback, [Change(0, RESYNC)])
                    lost = False
                self._deliver(callback, self._read(db))
                conn = db.conn
                while not self._stop.is_set():
                    got = False
                    for _n in conn.notifies(timeout=min(self.safety_poll, self.WAKE_S),
                                            stop_after=1):
                        got = True
                    if got or self._safety_due():
                        self._deliver(callback, self._read(db))
            except Exception as exc:
                log.info("change listener: %s", exc)
                lost = True
                ready.set()
                self._stop.wait(self.interval)
            finally:
                if db is not None:
                    db.close()

    _last_safety = 0.0

    def _safety_due(self) -> bool:
        import time  # noqa: PLC0415

        now = time.monotonic()
        if now - self._last_safety >= self.safety_poll:
            self._last_safety = now
            return True
        return False

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None


__all__ = ["Change", "ChangeFeed", "RESYNC"]
