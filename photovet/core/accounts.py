"""Staff accounts, roles, sign-in, and the one place that says who may do what.

**Roles** (each held from a date, optionally to a date): *preparer* (reviews photos and marks
them ready), *approver* (a senior leader: approves or rejects, never their own preparation),
*poster* (exports approved photos, records posts and take-downs), *admin* (DPO / office
manager: imports, enrolment, consent by hand, settings, channels, accounts, keys, deletions).
An account may hold several. ``PERMISSIONS`` maps every guarded action to the roles that may
do it; ``Access.require`` is the only check, and every store calls it before it changes
anything, so a front end that forgets to grey out a button is still refused by the core.

**Passwords** are stored only as argon2id hashes (argon2-cffi's defaults, RFC 9106 low-memory:
t=3, 64 MiB, p=4; about 0.1-0.4 s to check); old hashes are upgraded at sign-in when the
parameters change. A new account gets a **one-time code** from an admin (12 characters without
look-alikes, shown as ``K7QM-3XPD-9TRW``, easy to read aloud; stored hashed; single use, even if
two PCs race; valid ``CODE_HOURS``) and chooses a password with it at first sign-in.
**Lock-out**: ``MAX_FAILURES`` wrong passwords or codes in a row lock the account for
``LOCK_MINUTES`` (an admin's reset unlocks it); failures and lock-outs are audited. An unknown
name costs the same time as a known one and gets the same answer. The password work happens
outside the register's writer lock.

**Sessions**: ``Session`` is the signed-in account; the Workspace holds it in its ``Access``,
which every store and the audit log share. Every audit row records ``session.name`` (names are
unique and never reused: a removed account keeps its row). The session **locks after the idle
time** the school sets (``accounts.idle_lock_minutes``): ``Access.require`` then refuses until
the same person unlocks it with their password.

**Without any account** (a fresh install) nothing can be done but creating the first admin
(``Accounts.create_first_admin``: refused as soon as one account exists, checked inside the
writer lock). ``Access.system(name)`` is a named identity with every right, for scripts that
run without staff accounts (tests, benchmarks, maintenance); the front ends never use it
(tests/core/test_layout.py checks).
"""

from __future__ import annotations

import builtins
import datetime as _dt
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from photovet.core.errors import AccountError, NotSignedIn, PermissionDenied, SessionLocked
from photovet.core.words import (
    CODE_RESET_COMMAND,
    ROLE_GRANT_COMMAND,
    ROLE_GRANT_ONE_COMMAND,
    USERS_ADD_COMMAND,
    USERS_LIST_COMMAND,
)

ROLES = ("preparer", "approver", "poster", "admin")
ROLE_LABELS = {"preparer": "Preparer", "approver": "Approver (senior leader)",
               "poster": "Poster", "admin": "Admin"}
#: what the first admin of a fresh install holds (a one-person office prepares and posts too;
#: approving is a senior leader's role, given separately)
FIRST_ADMIN_ROLES = ("admin", "preparer", "poster")

#: action -> (roles that may do it, what it is in words). The one table of who may do what.
PERMISSIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "review": (("preparer",), "review photos or mark them ready"),
    "approve": (("approver",), "approve or reject photos"),
    "export": (("preparer", "poster"), "export photos"),
    "post": (("poster",), "mark photos as posted"),
    "takedown": (("poster", "admin"), "record a take-down"),
    "device.import": (("preparer", "admin"), "import photos from a device"),
    "device.clear": (("admin",), "delete photos from a device"),
    "originals.delete": (("admin",), "delete original photos"),
    "register.import": (("admin",), "import the register"),
    "register.enrol": (("admin",), "enrol face photos"),
    "register.edit": (("admin",), "change consent by hand"),
    "register.remove": (("admin",), "remove someone from the register"),
    "register.retention": (("admin",), "delete face signatures"),
    "settings": (("admin",), "change the school's settings"),
    "approval.off": (("admin",), "turn approval off"),
    "channels": (("admin",), "add or change channels"),
    "accounts": (("admin",), "manage staff accounts"),
    "keys": (("admin",), "manage the register's keys"),
    "database": (("admin",), "move the register or change where it is"),
    "sar": (("admin",), "make a subject access report"),
    "audit.read": (("admin",), "read the audit log"),
    "audit.verify": (ROLES, "check the audit log"),
    # issue 18: what the school policies ask beyond faces
    "flag.accept": (("preparer", "approver"), "accept a photo's group-shot or device flag"),
    "devices.approve": (("admin",), "change the school's approved devices"),
    "school.pictures": (("admin",), "change the school's crest pictures"),
    "retention.apply": (("admin",), "delete what the retention schedule says is due"),
}

#: what happens to an approver's approvals not exported yet when their role ends: cancelled
#: (the default: fail closed, a current approver looks again) or kept (an admin's choice)
APPROVALS_CHOICES = ("cancel", "keep")

CODE_ALPHABET = "ACDEFHJKMNPQRTWXY34679"   # no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V
CODE_HOURS = 72
MAX_FAILURES = 5
LOCK_MINUTES = 15
# what to check after a refused sign-in (the same words whether or not the name exists)
WRONG_PASSWORD_HINT = (f"Check that Caps Lock is off, and your name as your admin typed it. After "
                       f"{MAX_FAILURES} wrong tries in a row an account is locked for "
                       f"{LOCK_MINUTES} minutes; an admin can give you a one-time code.")
WRONG_CODE_HINT = (f"Check the code as your admin gave it, and your name. A code works once, "
                   f"for {CODE_HOURS} hours; an admin can give you a new one.")
NO_CODE_HINT = ("Type your name exactly as your admin wrote it with the code, title included"
                "{example}; capitals and spaces do not matter. A code that was already used no "
                "longer works: sign in with your password, or ask an admin for a new code.")
TITLES = ("mr", "mrs", "miss", "ms", "mx", "dr", "rev", "revd", "prof", "sir", "dame")


def no_code_hint(typed: str) -> str:
    """The hint for a name with no code waiting, its example made from what was typed (never
    from an account: it names none): '(for example “Mr David Whitfield”, not “David
    Whitfield”)' when no title was typed."""
    name = " ".join((typed or "").split())
    first = name.split(" ", 1)[0].rstrip(".").casefold() if name else ""
    example = "" if not name or first in TITLES else \
        f" (for example \u201cMr {name}\u201d or \u201cMrs {name}\u201d, not \u201c{name}\u201d)"
    return NO_CODE_HINT.format(example=example)
MIN_PASSWORD = 10

_hasher: Any = None
_dummy: str | None = None


def _ph():
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher  # noqa: PLC0415

        _hasher = PasswordHasher()
    return _hasher


def set_hasher(hasher: Any) -> None:
    """Tests use ``argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)``."""
    global _hasher, _dummy
    _hasher, _dummy = hasher, None


def _hash(secret: str) -> str:
    return _ph().hash(secret)


def _verify(stored: str | None, secret: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError  # noqa: PLC0415

    global _dummy
    if not stored:
        if _dummy is None:
            _dummy = _ph().hash(secrets.token_hex(16))
        stored = _dummy  # the same work as a real check: names cannot be probed by timing
        try:
            _ph().verify(stored, secret)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return bool(_ph().verify(stored, secret))
    except (VerificationError, InvalidHashError):
        return False


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _iso(t: _dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def _parse(iso: str | None) -> _dt.datetime | None:
    return _dt.datetime.fromisoformat(iso) if iso else None


def name_key(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise AccountError("an account needs a name")
    if len(text) > 80 or re.search(r"[\x00-\x1f\x7f]", text):
        raise AccountError("an account's name must be at most 80 ordinary characters")
    return text


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(typed: str) -> str:
    s = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return "-".join(s[i:i + 4] for i in range(0, len(s), 4))


def check_password_rules(name: str, password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters",
                           hint="Three random words make a good one.")
    if name_key(password) == name_key(name) or name_key(name) in name_key(password):
        raise AccountError("the password cannot contain your name")


def _day(value: _dt.date | str | None) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


# --------------------------------------------------------------------------------------------
# Sessions and access
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoleGrant:
    role: str
    valid_from: _dt.date
    valid_to: _dt.date | None = None

    def holds_on(self, day: _dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Actor:
    """Who does something: a staff account (``account_id``), or a named tool (None)."""

    name: str
    account_id: int | None = None


@dataclass
class Session:
    """A signed-in account."""

    account_id: int
    name: str
    grants: tuple[RoleGrant, ...] = ()
    idle_minutes: float = 10
    last_activity: float = field(default_factory=time.monotonic)
    locked: bool = False

    def roles(self, on: _dt.date | None = None) -> frozenset[str]:
        day = on or _dt.date.today()
        return frozenset(g.role for g in self.grants if g.holds_on(day))

    def has(self, role: str, on: _dt.date | None = None) -> bool:
        return role in self.roles(on)

    def touch(self, now: float | None = None) -> None:
        self.last_activity = time.monotonic() if now is None else now

    def idle_locked(self, now: float | None = None) -> bool:
        """Locked by hand, or idle for longer than the school allows."""
        if self.locked:
            return True
        now = time.monotonic() if now is None else now
        return self.idle_minutes > 0 and now - self.last_activity >= self.idle_minutes * 60

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.account_id)


class Access:
    """Who is signed in and what they may do; one per Workspace, shared by every store and the
    audit log. ``require`` is the only permission check in PhotoVet."""

    def __init__(self, session: Session | None = None, *,
                 today: Callable[[], _dt.date] = _dt.date.today,
                 clock: Callable[[], float] = time.monotonic):
        self.session = session
        self._system: Actor | None = None
        self.today = today
        self.clock = clock
        # the account's roles as the register holds them now (None: the account was removed);
        # set by the workspace that owns this Access (Workspace: Accounts.current_grants)
        self.fresh_grants: Callable[[int], tuple[RoleGrant, ...] | None] | None = None

    @classmethod
    def system(cls, name: str) -> Access:
        """Every right, under ``name``: for tests, benchmarks and maintenance scripts that run
        without staff accounts. Never used by the app or the command line."""
        a = cls()
        a._system = Actor(clean_name(name))
        return a

    @property
    def signed_in(self) -> bool:
        return self._system is not None or self.session is not None

    def actor(self) -> Actor | None:
        """Who changes the register now (for the audit log); None when nobody is signed in."""
        if self._system is not None:
            return self._system
        return self.session.actor if self.session is not None else None

    def idle_locked(self) -> bool:
        return self.session is not None and self.session.idle_locked(self.clock())

    def touch(self) -> None:
        if self.session is not None and not self.session.idle_locked(self.clock()):
            self.session.touch(self.clock())

    def roles(self) -> frozenset[str]:
        if self._system is not None:
            return frozenset(ROLES)
        return self.session.roles(self.today()) if self.session else frozenset()

    def allowed(self, permission: str) -> bool:
        """May the signed-in account do ``permission`` now (for enabling buttons)?"""
        roles, _what = PERMISSIONS[permission]
        if self._system is not None:
            return True
        if self.session is None or self.idle_locked():
            return False
        return bool(set(roles) & self.roles())

    def reread_roles(self) -> bool:
        """Read the signed-in account's roles again as the register holds them now (a role
        granted or ended, or the account removed, on another PC): True when they changed, so
        the app shows the person what they may do now instead of what they could at sign-in.
        Nothing is allowed by it: ``require`` reads them again at every action."""
        s = self.session
        if s is None or self._system is not None or self.fresh_grants is None:
            return False
        grants = self.fresh_grants(s.account_id)
        now = tuple(grants) if grants is not None else ()
        if now == tuple(s.grants):
            return False
        s.grants = now
        return True

    def require(self, permission: str, *, carrying_on: bool = False) -> Actor:
        """The actor, if the signed-in account may do ``permission`` now; otherwise
        ``NotSignedIn`` / ``SessionLocked`` / ``PermissionDenied`` saying why.
        ``carrying_on``: a step of work the person started while signed in and unlocked (each
        copy of an export whose batch was allowed: ``Records.recorder``): the lock does not
        stop it, as it does a new action (a video taking longer than the idle time to export
        was refused at its end, and again when started again), and it is not use: the window
        still locks. Signed out, a role ended or the account removed still stop it."""
        roles, what = PERMISSIONS[permission]
        if self._system is not None:
            return self._system
        s = self.session
        if s is None:
            raise NotSignedIn(f"sign in first: only a signed-in member of staff can {what}")
        if not carrying_on and s.idle_locked(self.clock()):
            raise SessionLocked(
                f"PhotoVet locked itself after {s.idle_minutes:g} minutes without use",
                hint=f"{s.name} signs in again with their password to carry on.")
        if self.fresh_grants is not None:
            # the roles as they are NOW, not as they were at sign-in: a role ended or an
            # account removed on another PC stops at its next action (an audit saw a removed
            # approver's six approvals recorded, then exported)
            grants = self.fresh_grants(s.account_id)
            if grants is None:
                s.grants = ()
                raise PermissionDenied(
                    f"{s.name}'s account was removed: it can no longer {what}",
                    hint="Sign out; an admin can explain (Staff accounts).")
            s.grants = tuple(grants)
        if not set(roles) & s.roles(self.today()):
            need = " or ".join(roles)
            raise PermissionDenied(
                f"{s.name} cannot {what}: it needs the {need} role",
                hint=ROLE_GRANT_COMMAND)
        if not carrying_on:
            s.touch(self.clock())
        return s.actor


# --------------------------------------------------------------------------------------------
# The accounts store
# --------------------------------------------------------------------------------------------

@dataclass
class AccountInfo:
    id: int
    name: str
    grants: list[RoleGrant]
    has_password: bool
    code_pending: bool
    code_expires: str | None
    locked_until: str | None
    removed_at: str | None
    created_at: str
    created_by: str | None

    def roles(self, on: _dt.date | None = None) -> list[str]:
        day = on or _dt.date.today()
        return [r for r in ROLES if any(g.role == r and g.holds_on(day) for g in self.grants)]

    @property
    def status(self) -> str:
        if self.removed_at:
            return "removed"
        if self.locked_until and (_parse(self.locked_until) or _now()) > _now():
            return "locked"
        if self.code_pending and not self.has_password:
            return "waiting for first sign-in"
        if not self.has_password:
            return "no password (ask an admin for a code)"
        return "active"


class Accounts:
    """Staff accounts in the register (made by the Workspace)."""

    def __init__(self, db: Any, audit: Any, *, idle_minutes: Callable[[], float] = lambda: 10):
        self.db = db
        self.audit = audit
        self.access: Access = audit.access
        self.idle_minutes = idle_minutes
        # the approvals store (set by the Workspace): what an approver whose role ends leaves
        self.approvals: Any = None

    # -- reading ------------------------------------------------------------------------------

    def any(self) -> bool:
        """Has any account ever been made? (A fresh install has none: first-run.)"""
        return self.db.one("SELECT 1 FROM accounts LIMIT 1") is not None

    def current_grants(self, account_id: int) -> tuple[RoleGrant, ...] | None:
        """The account's role grants as the register holds them now; None when the account
        was removed (or is not there). What ``Access.require`` checks at every action."""
        # one query (on a server, one round trip at every action): the account and its grants
        rows = self.db.all(
            "SELECT a.removed_at, g.role, g.valid_from, g.valid_to FROM accounts a "
            "LEFT JOIN account_roles g ON g.account_id = a.id WHERE a.id = ? ORDER BY g.id",
            [account_id])
        if not rows or rows[0][0]:
            return None
        return tuple(RoleGrant(r[1], _dt.date.fromisoformat(r[2]), _day(r[3]))
                     for r in rows if r[1] is not None)

    def _grants(self, account_id: int) -> tuple[RoleGrant, ...]:
        return tuple(RoleGrant(r[0], _dt.date.fromisoformat(r[1]), _day(r[2])) for r in self.db.all(
            "SELECT role, valid_from, valid_to FROM account_roles WHERE account_id = ? "
            "ORDER BY id", [account_id]))

    _COLS = ("id, name, password_hash, code_hash, code_expires, failed, locked_until, "
             "removed_at, created_at, created_by")

    def _row(self, name: str) -> Any:
        return self.db.one(f"SELECT {self._COLS} FROM accounts WHERE name_key = ?",
                           [name_key(name)])

    def _find(self, name: str) -> Any:
        row = self._row(name)
        if row is None:
            raise AccountError(f"there is no account called '{' '.join(name.split())}'",
                               hint=USERS_LIST_COMMAND)
        return row

    def _info(self, r: Any) -> AccountInfo:
        return AccountInfo(int(r[0]), r[1], list(self._grants(int(r[0]))), bool(r[2]),
                           bool(r[3]), r[4], r[6], r[7], r[8], r[9])

    def get(self, name: str) -> AccountInfo:
        return self._info(self._find(name))

    def list(self) -> list[AccountInfo]:
        return [self._info(r) for r in self.db.all(
            f"SELECT {self._COLS} FROM accounts ORDER BY name_key")]

    # -- first run ------------------------------------------------------------------------------

    def create_first_admin(self, name: str, password: str, *,
                           roles: Iterable[str] = FIRST_ADMIN_ROLES) -> Session:
        """The first account of a fresh install, an admin, with a password; signs it in.
        Refused once any account exists."""
        name = clean_name(name)
        roles = self._check_roles(roles)
        if "admin" not in roles:
            raise AccountError("the first account must hold the admin role")
        check_password_rules(name, password)
        pw_hash = _hash(password)
        today = _dt.date.today().isoformat()
        now = _iso(_now())
        with self.db.atomic():
            if self.any():
                raise AccountError("PhotoVet already has accounts", hint=USERS_ADD_COMMAND)
            acc_id = self.db.insert(
                "INSERT INTO accounts (name, name_key, password_hash, created_at, created_by) "
                "VALUES (?, ?, ?, ?, NULL)", [name, name_key(name), pw_hash, now])
            self.db.executemany(
                "INSERT INTO account_roles (account_id, role, valid_from, valid_to, granted_at, "
                "granted_by) VALUES (?, ?, ?, NULL, ?, NULL)",
                [(acc_id, r, today, now) for r in roles])
            self.audit.record("account.first-admin", {"account": name, "roles": list(roles)},
                              user=name)
        return self._open_session(acc_id, name)

    # -- managing (admin) -----------------------------------------------------------------------

    def _check_roles(self, roles: Iterable[str]) -> builtins.list[str]:  # list: the method above
        out = []
        for r in roles:
            r = str(r).strip().lower()
            if r not in ROLES:
                raise AccountError(f"unknown role '{r}'", hint="Roles: " + ", ".join(ROLES))
            if r not in out:
                out.append(r)
        if not out:
            raise AccountError("give the account at least one role",
                               hint="Roles: " + ", ".join(ROLES))
        return out

    def add(self, name: str, roles: Iterable[str], *, valid_from: _dt.date | str | None = None,
            valid_to: _dt.date | str | None = None) -> str:
        """A new account holding ``roles`` (from ``valid_from``, default today, to
        ``valid_to``); returns the one-time code to give the person (shown once)."""
        actor = self.access.require("accounts")
        name = clean_name(name)
        roles = self._check_roles(roles)
        start, end = self._dates(valid_from, valid_to)
        code = new_code()
        code_hash = _hash(code)
        now = _now()
        with self.db.atomic():
            same = self._row(name)
            if same is not None:
                # the account's name as the list shows it ('office admin' typed: s51 walk)
                raise AccountError(f"there is already an account called '{same[1]}' (names are "
                                   "never reused, even after an account is removed)")
            acc_id = self.db.insert(
                "INSERT INTO accounts (name, name_key, code_hash, code_expires, created_at, "
                "created_by) VALUES (?, ?, ?, ?, ?, ?)",
                [name, name_key(name), code_hash, _iso(now + _dt.timedelta(hours=CODE_HOURS)),
                 _iso(now), actor.name])
            self.db.executemany(
                "INSERT INTO account_roles (account_id, role, valid_from, valid_to, granted_at, "
                "granted_by) VALUES (?, ?, ?, ?, ?, ?)",
                [(acc_id, r, start.isoformat(), end.isoformat() if end else None, _iso(now),
                  actor.name) for r in roles])
            self.audit.record("account.added", {"account": name, "roles": roles,
                                                "from": start.isoformat(),
                                                "to": end.isoformat() if end else None})
        return code

    @staticmethod
    def _dates(valid_from: Any, valid_to: Any) -> tuple[_dt.date, _dt.date | None]:
        start = _day(valid_from) or _dt.date.today()
        end = _day(valid_to)
        if end is not None and end < start:
            raise AccountError(f"a role cannot end ({end:%d/%m/%Y}) before it starts "
                               f"({start:%d/%m/%Y})")
        return start, end

    def grant(self, name: str, role: str, *, valid_from: _dt.date | str | None = None,
              valid_to: _dt.date | str | None = None) -> None:
        """Give an account a role (from/to dates)."""
        self.access.require("accounts")
        role = self._check_roles([role])[0]
        start, end = self._dates(valid_from, valid_to)
        with self.db.atomic():
            acc = self._find(name)
            if acc[7]:
                raise AccountError(f"the account {acc[1]} was removed")
            self.db.execute(
                "INSERT INTO account_roles (account_id, role, valid_from, valid_to, granted_at, "
                "granted_by) VALUES (?, ?, ?, ?, ?, ?)",
                [acc[0], role, start.isoformat(), end.isoformat() if end else None,
                 _iso(_now()), self.audit.actor_name()])
            self.audit.record("account.role-granted", {
                "account": acc[1], "role": role, "from": start.isoformat(),
                "to": end.isoformat() if end else None})

    def approvals_left(self, name: str) -> builtins.list[Any]:
        """The account's approvals that stand and are not exported yet (approval states: what
        ending its approver role, or removing it, asks about: ``end_role``'s ``approvals``)."""
        if self.approvals is None:
            return []
        return self.approvals.not_exported_by(int(self._find(name)[0]))

    @staticmethod
    def _check_approvals_choice(approvals: str) -> None:
        if approvals not in APPROVALS_CHOICES:
            raise AccountError(f"unknown choice for their approvals: '{approvals}'",
                               hint="cancel or keep")

    def _approvals_after_role(self, acc: Any, approvals: str, last: _dt.date) -> int:
        """The approver role of ``acc`` ends on ``last``: the admin's choice for its approvals
        not exported by then is kept with the role (``approvals_after``). A role that has ended
        (``last`` before today): they are cancelled now (each waits for approval again) or
        kept. A last day still to come: nothing changes now (they still approve until then);
        from the day after it, their approvals not exported by then no longer count unless the
        admin chose to keep them (``Approvals.lapsed_refusal``), the ones given meanwhile too.
        Audited either way. Returns how many are not exported now."""
        self._check_approvals_choice(approvals)
        self.db.execute("UPDATE account_roles SET approvals_after = ? WHERE account_id = ? AND "
                        "role = 'approver' AND valid_to = ?", [approvals, acc[0], last.isoformat()])
        if self.approvals is None:
            return 0
        left = self.approvals.not_exported_by(int(acc[0]))
        if last >= self.access.today():
            self.audit.record("account.approvals-when-role-ends", {
                "account": acc[1], "choice": approvals, "last_day": last.isoformat(),
                "count_now": len(left)})
            return len(left)
        if not left:
            return 0
        if approvals == "cancel":
            self.approvals.cancel_of(
                int(acc[0]), acc[1],
                why=f"{acc[1]}'s approval was cancelled when their approver role was ended "
                    f"(last day {last:%d/%m/%Y})")
        else:
            self.audit.record("account.approvals-kept", {
                "account": acc[1], "count": len(left), "last_day": last.isoformat(),
                "approvals": [[st.sha256, st.channel] for st in left]})
        return len(left)

    def end_role(self, name: str, role: str, *, on: _dt.date | None = None,
                 approvals: str = "cancel") -> int:
        """The account stops holding ``role`` after ``on`` (default: yesterday, i.e. now; a day
        gone by is refused: it would rewrite who held the role then).
        Ending the approver role: the approvals it gave that are not exported yet are
        cancelled (``approvals`` "cancel", the default: they wait for a current approver) or
        kept ("keep"), audited either way (ask first with ``approvals_left``). With a last day
        still to come the choice is kept with the role and applies when it ends, to the
        approvals given meanwhile too: cancelled ones then no longer count for an export
        (``Approvals.lapsed_refusal``)."""
        actor = self.access.require("accounts")
        self._check_approvals_choice(approvals)
        if on is not None and on < self.access.today():
            # a last day gone by would rewrite who held the role then, and its approvals
            raise AccountError(f"the last day {on:%d/%m/%Y} has already gone by",
                               hint="Give today or a later day, or leave the last day out to "
                                    "end the role now.")
        last = on or (_dt.date.today() - _dt.timedelta(days=1))
        with self.db.atomic():
            acc = self._find(name)
            if role == "admin" and acc[0] == actor.account_id:
                raise AccountError("you cannot take the admin role from yourself; another "
                                   "admin can")
            n = self._end_roles(acc[0], last, only=role)
            self._keep_an_admin()
            self.audit.record("account.role-ended", {"account": acc[1], "role": role,
                                                     "last_day": last.isoformat()})
            if role == "approver":
                self._approvals_after_role(acc, approvals, last)
        return n

    def _end_roles(self, account_id: int, last: _dt.date, only: str | None = None) -> int:
        where = " AND role = ?" if only else ""
        params: list[Any] = [last.isoformat(), account_id, last.isoformat()]
        if only:
            params.append(only)
        n = self.db.execute(
            "UPDATE account_roles SET valid_to = ? WHERE account_id = ? AND (valid_to IS NULL "
            f"OR valid_to > ?){where}", params).rowcount
        # roles that would only have started later never start; one that started today and
        # ends now stays (ending the day before it started: held on no day from now), the
        # record of the role its approvals today were given under (Approvals.lapsed_refusal)
        never = max(last, self.access.today())
        self.db.execute(f"DELETE FROM account_roles WHERE account_id = ? AND valid_from > ?{where}",
                        [account_id, never.isoformat()] + ([only] if only else []))
        return n

    def _keep_an_admin(self) -> None:
        today = _dt.date.today().isoformat()
        if not self.db.one(
                "SELECT 1 FROM account_roles r JOIN accounts a ON a.id = r.account_id WHERE "
                "r.role = 'admin' AND a.removed_at IS NULL AND r.valid_from <= ? AND "
                "(r.valid_to IS NULL OR r.valid_to >= ?)", [today, today]):
            raise AccountError("PhotoVet must keep at least one admin",
                               hint="Give another account the admin role first.")

    def remove(self, name: str, *, approvals: str = "cancel") -> None:
        """A member of staff leaves: every role ends today, the password and any code stop
        working. The account's row stays (the audit log names it; names are never reused).
        Their approvals not exported yet are cancelled or kept, as ``end_role``'s."""
        actor = self.access.require("accounts")
        last = _dt.date.today() - _dt.timedelta(days=1)
        with self.db.atomic():
            acc = self._find(name)
            if acc[7]:
                raise AccountError(f"the account {acc[1]} was already removed")
            if acc[0] == actor.account_id:
                raise AccountError("you cannot remove your own account; another admin can")
            self._end_roles(acc[0], last)
            self.db.execute("UPDATE accounts SET removed_at = ?, password_hash = NULL, "
                            "code_hash = NULL, code_expires = NULL WHERE id = ?",
                            [_iso(_now()), acc[0]])
            self._keep_an_admin()
            self.audit.record("account.removed", {"account": acc[1]})
            self._approvals_after_role(acc, approvals, last)

    def reset(self, name: str) -> str:
        """Forgotten password or locked out: a new one-time code (the old password stops
        working, the lock-out ends). Returns the code."""
        self.access.require("accounts")
        code = new_code()
        code_hash = _hash(code)
        with self.db.atomic():
            acc = self._find(name)
            if acc[7]:
                raise AccountError(f"the account {acc[1]} was removed")
            self.db.execute("UPDATE accounts SET password_hash = NULL, code_hash = ?, "
                            "code_expires = ?, failed = 0, locked_until = NULL WHERE id = ?",
                            [code_hash, _iso(_now() + _dt.timedelta(hours=CODE_HOURS)), acc[0]])
            self.audit.record("account.reset", {"account": acc[1]})
        return code

    # -- signing in -----------------------------------------------------------------------------

    def _open_session(self, acc_id: int, name: str) -> Session:
        grants = self._grants(acc_id)
        s = Session(acc_id, name, grants, idle_minutes=float(self.idle_minutes()),
                    last_activity=self.access.clock())
        return s

    def _check_usable(self, acc: Any) -> None:
        if acc[7]:
            # a removed account: the same answer as a wrong password
            raise AccountError("wrong name or password", hint=WRONG_PASSWORD_HINT)
        until = _parse(acc[6])
        if until and until > _now():
            raise AccountError(f"{acc[1]} is locked until {until.astimezone():%H:%M} after too "
                               "many wrong attempts", hint="Wait, or ask an admin to reset it.")

    def _fail(self, acc: Any, what: str) -> AccountError:
        locked = False
        with self.db.atomic():
            failed = int(self.db.scalar("SELECT failed FROM accounts WHERE id = ?", [acc[0]], 0)) + 1
            locked = failed >= MAX_FAILURES
            if locked:
                self.db.execute("UPDATE accounts SET failed = 0, locked_until = ? WHERE id = ?",
                                [_iso(_now() + _dt.timedelta(minutes=LOCK_MINUTES)), acc[0]])
            else:
                self.db.execute("UPDATE accounts SET failed = ? WHERE id = ?", [failed, acc[0]])
            self.audit.record("account.sign-in-failed", {"account": acc[1], "with": what,
                                                         "locked": locked}, user=acc[1])
        if locked:
            return AccountError(f"too many wrong attempts: {acc[1]} is locked for "
                                f"{LOCK_MINUTES} minutes", hint="Wait, or ask an admin to reset it.")
        if what == "password":
            return AccountError("wrong name or password", hint=WRONG_PASSWORD_HINT)
        # the name has a code waiting (the answer for a name without one differs, as before):
        # it is the code that is wrong, not the name
        return AccountError(f"that is not the one-time code given to {acc[1]}",
                            hint=WRONG_CODE_HINT)

    def check_password(self, name: str, password: str) -> int:
        """The account id if ``password`` is right (lock-out counted); AccountError if not."""
        acc = self._row(name)
        if acc is None or not acc[2] or acc[7]:
            _verify(None, password or "")
            if acc is not None and not acc[2] and not acc[7]:
                raise AccountError(f"{acc[1]} has no password yet: sign in with the one-time "
                                   "code an admin gave you")
            raise AccountError("wrong name or password", hint=WRONG_PASSWORD_HINT)
        self._check_usable(acc)
        if not _verify(acc[2], password or ""):
            raise self._fail(acc, "password")
        return int(acc[0])

    def sign_in(self, name: str, password: str) -> Session:
        """Check the password; the session (not yet held by anyone: ``Workspace.sign_in``)."""
        acc_id = self.check_password(name, password)
        acc = self._find(name)
        session = self._open_session(acc_id, acc[1])
        if not session.roles(self.access.today()):
            raise AccountError(f"{acc[1]} holds no role today",
                               hint=ROLE_GRANT_ONE_COMMAND)
        new_hash = _hash(password) if _ph().check_needs_rehash(acc[2]) else None
        with self.db.atomic():
            if new_hash:
                self.db.execute("UPDATE accounts SET password_hash = ? WHERE id = ?",
                                [new_hash, acc_id])
            self.db.execute("UPDATE accounts SET failed = 0, locked_until = NULL WHERE id = ?",
                            [acc_id])
            self.audit.record("account.signed-in", {"account": acc[1]}, user=acc[1])
        return session

    def first_sign_in(self, name: str, code: str, new_password: str) -> Session:
        """Use the one-time code (once) to choose a password; the new session."""
        acc = self._row(name)
        if acc is None or not acc[3] or acc[7]:
            # an unknown name, a code already used and a removed account get the same answer
            # (it names no account), led by what is most often wrong: the name
            _verify(None, code or "")
            raise AccountError(f"no one-time code is waiting for the name "
                               f"\u201c{' '.join((name or '').split())}\u201d",
                               hint=no_code_hint(name))
        self._check_usable(acc)
        check_password_rules(acc[1], new_password)
        if not _verify(acc[3], normalise_code(code)):
            raise self._fail(acc, "one-time code")
        expires = _parse(acc[4])
        if expires and expires < _now():
            raise AccountError("this one-time code has expired", hint=CODE_RESET_COMMAND)
        pw_hash = _hash(new_password)
        with self.db.atomic():
            # single use, even if two PCs race with the same code: one UPDATE matches
            n = self.db.execute("UPDATE accounts SET password_hash = ?, code_hash = NULL, "
                                "code_expires = NULL, failed = 0, locked_until = NULL "
                                "WHERE id = ? AND code_hash = ?", [pw_hash, acc[0], acc[3]]).rowcount
            if n != 1:
                raise AccountError("this one-time code was already used")
            self.audit.record("account.password-set", {"account": acc[1], "with": "one-time code"},
                              user=acc[1])
        session = self._open_session(int(acc[0]), acc[1])
        if not session.roles(self.access.today()):
            raise AccountError(f"{acc[1]}'s password is set, but the account holds no role today",
                               hint=ROLE_GRANT_ONE_COMMAND)
        return session

    def change_password(self, session: Session, old: str, new: str) -> None:
        """The signed-in person changes their own password."""
        self.check_password(session.name, old)
        check_password_rules(session.name, new)
        pw_hash = _hash(new)
        with self.db.atomic():
            self.db.execute("UPDATE accounts SET password_hash = ? WHERE id = ?",
                            [pw_hash, session.account_id])
            self.audit.record("account.password-set", {"account": session.name, "with": "old "
                                                       "password"}, user=session.name)


__all__ = ["APPROVALS_CHOICES", "Access", "AccountInfo", "Accounts", "Actor", "CODE_ALPHABET",
           "CODE_HOURS",
           "FIRST_ADMIN_ROLES", "LOCK_MINUTES", "MAX_FAILURES", "PERMISSIONS", "ROLES",
           "ROLE_LABELS", "RoleGrant", "Session", "check_password_rules", "name_key",
           "TITLES", "new_code", "no_code_hint", "normalise_code", "set_hasher"]
