"""Who is signed in, for the window: the one place the app reads the core's session.

The core holds the signed-in account (``Workspace.access``) and decides every permission
(``accounts.PERMISSIONS``, ``Access.require``). This module only *shows* it: the name and roles
for the status bar, ``allowed(permission)`` to enable a button, and a tooltip built from the
core's own table saying which role may do something. It decides nothing; a button left enabled
by mistake is still refused by the core (``PermissionDenied``), and the window says so.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from photovet.core.accounts import PERMISSIONS, ROLE_LABELS, ROLES
from photovet.core.errors import AccountError
from photovet.core.workspace import Workspace


def role_words(roles) -> str:
    """('admin', 'preparer') -> 'Preparer, Admin' (in the core's order of roles)."""
    return ", ".join(ROLE_LABELS.get(r, r) for r in ROLES if r in set(roles))


def permission_tip(permission: str) -> str:
    """'Needs the Approver (senior leader) role (approve or reject photos).' from the core's
    table of who may do what."""
    roles, what = PERMISSIONS[permission]
    if set(roles) >= set(ROLES):
        return f"Anyone signed in can {what}."
    who = " or ".join(ROLE_LABELS.get(r, r) for r in roles)
    return f"Needs the {who} role (to {what})."


def who_may(permission: str) -> str:
    """'someone with the Preparer or Poster role' from the core's table of who may do what
    (for "what next" after a step another role takes on)."""
    roles, _what = PERMISSIONS[permission]
    if set(roles) >= set(ROLES):
        return "anyone signed in"
    return f"someone with the {' or '.join(ROLE_LABELS.get(r, r) for r in roles)} role"


def permit(target, session: Session, permission: str, enabled: bool = True) -> None:
    """Enable a button or menu item only when the signed-in account may do ``permission``
    (and ``enabled``: it can do something now); its tooltip always says which role may.
    The core refuses anyway: this only spares the person a refusal."""
    base = target.property("photovet_tip")
    if base is None:
        base = target.toolTip() if not hasattr(target, "text") or \
            target.toolTip() != target.text().replace("&", "") else ""
        target.setProperty("photovet_tip", base)
    ok = session.allowed(permission)
    target.setEnabled(bool(enabled) and ok)
    tip = permission_tip(permission)
    if not ok and session.signed_in:
        tip = f"{tip} {session.name()} does not have it."
    target.setToolTip(f"{base}\n{tip}" if base else tip)


def permission_refusal(ctx_or_session, permission: str) -> Exception:
    """The core's own refusal for ``permission`` now (PermissionDenied, SessionLocked or
    NotSignedIn, with its words), or None when it is allowed: asked of the core, never
    re-worded here."""
    session = getattr(ctx_or_session, "session", ctx_or_session)
    try:
        session.ws.require(permission)
    except AccountError as exc:
        return exc
    return None


class Session(QObject):
    """The signed-in member of staff, as the window shows them. ``changed`` is emitted after a
    sign-in, sign-out, lock or unlock, so every action can be enabled again."""

    changed = Signal()

    def __init__(self, ws: Workspace, parent: QObject | None = None):
        super().__init__(parent)
        self.ws = ws

    # -- reading ---------------------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.ws.session is not None

    def name(self) -> str:
        s = self.ws.session
        return s.name if s is not None else ""

    def roles(self) -> frozenset[str]:
        return self.ws.access.roles()

    def allowed(self, permission: str) -> bool:
        return self.ws.allowed(permission)

    def locked(self) -> bool:
        return self.ws.idle_locked()

    def summary(self) -> str:
        """'Signed in: Mrs J Patel (Preparer, Admin)' for the status bar."""
        if not self.signed_in:
            return "Nobody is signed in"
        if self.locked():
            return f"Locked: {self.name()} unlocks with their password"
        roles = role_words(self.roles()) or "no role today"
        return f"Signed in: {self.name()} ({roles})"

    # -- changing (each one the core's call, then ``changed``) -----------------------------------

    def create_first_admin(self, name: str, password: str) -> None:
        self.ws.create_first_admin(name, password)
        self.changed.emit()

    def sign_in(self, name: str, password: str) -> None:
        try:
            self.ws.sign_in(name, password)
        finally:
            self.changed.emit()

    def first_sign_in(self, name: str, code: str, new_password: str) -> None:
        try:
            self.ws.first_sign_in(name, code, new_password)
        finally:
            self.changed.emit()

    def unlock(self, password: str) -> None:
        self.ws.unlock(password)
        self.changed.emit()

    def lock(self) -> None:
        self.ws.lock()
        self.changed.emit()

    def sign_out(self) -> None:
        self.ws.sign_out()
        self.changed.emit()

    def change_password(self, old: str, new: str) -> None:
        self.ws.change_password(old, new)

    def reread_roles(self) -> None:
        """An account changed on another PC (or by a command): the signed-in person's roles as
        the register holds them now, and ``changed`` when they are not what the window shows
        (a role ended there greys out what it allowed here; the core refuses it anyway)."""
        if self.ws.access.reread_roles():
            self.changed.emit()


__all__ = ["Session", "permission_tip", "permission_refusal", "permit", "role_words"]
