"""Staff accounts (the ``accounts`` permission: admins). Every change is the core's call
(``ws.accounts.add / grant / end_role / reset / remove``); its refusals (the last admin is kept,
names are never reused, an admin cannot remove themself...) are shown in its words. A new
account's or a reset's one-time code is shown once, to be passed on."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from photovet.core import words
from photovet.core.accounts import CODE_HOURS, ROLE_LABELS, ROLES, TITLES
from photovet.core.errors import NotSignedIn, PhotoVetError

from ..context import AppContext
from ..dialogs.accounts import AddAccountDialog, RoleDialog, StaffAccountsDialog
from ..session import permission_refusal
from ..words import error_text, esc, when


class AccountsController(QObject):
    def __init__(self, ctx: AppContext, window: QWidget):
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.dialog: StaffAccountsDialog | None = None
        self._left: list = []   # the approvals asked about (ask_approvals), said after the change

    @property
    def accounts(self):
        return self.ctx.ws.accounts

    def open(self) -> StaffAccountsDialog | None:
        refusal = permission_refusal(self.ctx, "accounts")
        if refusal is not None:
            self.ctx.fail(self.window, "Staff accounts", refusal)
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        dlg = StaffAccountsDialog(self.window)
        dlg.add_requested.connect(self.add)
        dlg.grant_requested.connect(self.grant)
        dlg.end_role_requested.connect(self.end_role)
        dlg.reset_requested.connect(self.reset)
        dlg.remove_requested.connect(self.remove)

        def closed(*_):
            self.dialog = None
            dlg.deleteLater()

        dlg.finished.connect(closed)
        self.dialog = dlg
        self.reload()
        dlg.open()
        return dlg

    def reload(self) -> None:
        if self.dialog is not None:
            self.dialog.show_accounts(self.accounts.list())

    def _do(self, title: str, fn) -> object | None:
        """The core's call; a refusal shown in the dialog (a lock: the lock screen)."""
        try:
            result = fn()
        except NotSignedIn as exc:
            self.ctx.fail(self.dialog or self.window, title, exc)
            return None
        except PhotoVetError as exc:
            if self.dialog is not None:
                self.dialog.say(error_text(exc, after=title), error=True)
            else:
                QMessageBox.warning(self.window, title, error_text(exc))
            return None
        self._done()
        return result if result is not None else True

    def _done(self) -> None:
        """After a change the core made: the list again, and the window's buttons."""
        if self.dialog is not None:
            self.dialog.say("")
        self.reload()
        self.ctx.session.changed.emit()       # roles may have changed (the checklist, buttons)

    # -- changes --------------------------------------------------------------------------------

    def add(self, values: dict | None = None) -> str | None:
        """Add an account. From the form, a refusal is said in the form, which stays open with
        what was typed; the one-time code is shown once."""
        if values is not None:
            name = " ".join(values["name"].split())
            code = self._do("Not added", lambda: self._add(name, values))
        else:
            made: dict = {}

            def submit(vals: dict) -> str | None:
                name = " ".join(vals["name"].split())
                try:
                    made["code"] = self._add(name, vals)
                except NotSignedIn as exc:
                    dlg.reject()
                    self.ctx.fail(self.dialog or self.window, "Not added", exc)
                    return None
                except PhotoVetError as exc:
                    return error_text(exc, after="Not added")
                made["name"] = name
                return None

            dlg = AddAccountDialog(self.dialog or self.window, submit=submit)
            if not dlg.exec() or "code" not in made:
                return None
            name, code = made["name"], made["code"]
            self._done()
        if isinstance(code, str):
            if self.dialog is not None:
                self.dialog.select(name)
            self.show_code(name, code, new=True)
            return code
        return None

    def _add(self, name: str, values: dict) -> str:
        return self.accounts.add(name, values["roles"], valid_from=values.get("valid_from"),
                                 valid_to=values.get("valid_to"))

    def grant(self, name: str, values: dict | None = None) -> bool:
        if not name:
            return False
        if values is None:
            dlg = RoleDialog("Give a role", f"Which role should {name} have, and from when?",
                             list(ROLES), dates=True, ok_text="Give the role",
                             parent=self.dialog or self.window)
            if not dlg.exec():
                return False
            values = dlg.values()
        done = bool(self._do("Role not given", lambda: self.accounts.grant(
            name, values["role"], valid_from=values.get("valid_from"),
            valid_to=values.get("valid_to"))))
        if done and values["role"] == "approver" and values.get("valid_to") \
                and self.dialog is not None:
            self.dialog.say(words.approvals_after_last_day(name, values["valid_to"]))
        return done

    def end_role(self, name: str, role: str | None = None) -> bool:
        if not name:
            return False
        last_day = None                  # None: it ends now
        if role is None:
            held = self.accounts.get(name).roles()
            if not held:
                if self.dialog is not None:
                    self.dialog.say(f"{name} holds no role today.")
                return False
            dlg = RoleDialog("End a role", f"Which of {name}'s roles ends, and when?", held,
                             dates=False, ok_text="End the role", end=True,
                             parent=self.dialog or self.window)
            if not dlg.exec():
                return False
            role, last_day = dlg.values()["role"], dlg.values()["last_day"]
        later = last_day if last_day is not None and last_day >= _dt.date.today() else None
        choice = self.ask_approvals(name, "Don't end the role yet", later=later) \
            if role == "approver" else "cancel"
        if choice is None:
            return False
        done = bool(self._do("Role not ended", lambda: self.accounts.end_role(
            name, role, on=last_day, approvals=choice)))
        if done:
            self.say_approvals(name, choice, later=later)
        return done

    def ask_approvals(self, name: str, stop: str, *, later: _dt.date | None = None) -> str | None:
        """An approver's approvals not exported yet, when their role ends: cancelled (the
        default: fail closed, a current approver looks at them again) or kept. "cancel",
        "keep", or None when the admin stops (``stop``: that button's words; nothing changed).
        Asked only when there are some. ``later``: the role's last day, still to come: the
        choice applies then, to the approvals they give until then too."""
        self._left = []
        try:
            self._left = self.accounts.approvals_left(name)
        except PhotoVetError as exc:          # the core's words; nothing changed
            if self.dialog is not None:
                self.dialog.say(error_text(exc, after="Nothing changed"), error=True)
            return None
        left = len(self._left)
        if not left:
            return "cancel"
        what = "approval" if left == 1 else "approvals"
        items = words.media_count([(st.parts or {}).get("media", "photo") for st in self._left])
        if later is None:
            text = (
                f"{name} approved {items} that {'has' if left == 1 else 'have'} not been "
                "exported yet.\n\n"
                f"Cancel {'it' if left == 1 else 'them'}: {'it goes' if left == 1 else 'they go'}"
                " back to waiting for approval, and another senior leader looks again before "
                "anything is exported (recommended).\n\n"
                f"Keep {'it' if left == 1 else 'them'}: {'it' if left == 1 else 'they'} can "
                f"still be exported under {name}'s approval.")
        else:
            text = (
                f"{name} approved {items} that {'has' if left == 1 else 'have'} not been "
                f"exported yet. They can approve until {later:%d/%m/%Y}.\n\n"
                f"Cancel: after {later:%d/%m/%Y}, their approvals not exported by then no "
                "longer count, also those they give until then, and another senior leader "
                "looks again before anything is exported (recommended).\n\n"
                f"Keep: they can still be exported under {name}'s approval after that day.")
            what = "approvals"
        box = QMessageBox(
            QMessageBox.Icon.Question, "Their approvals not yet exported",
            text + "\n\nYour choice is recorded in the audit log.",
            parent=self.dialog or self.window)
        box.setObjectName("ApprovalsLeft")
        cancel = box.addButton(f"Cancel the {what}", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(f"Keep the {what}", QMessageBox.ButtonRole.ActionRole)
        box.addButton(stop, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return "cancel" if clicked is cancel else "keep" if clicked is keep else None

    def say_approvals(self, name: str, choice: str, *, later: _dt.date | None = None) -> None:
        """After the change: what happened to their approvals, in the dialog (``later``: the
        role's last day, still to come: what will happen then)."""
        left = len(self._left)
        if later is not None:
            # said even with none outstanding (nobody was asked): the approvals they give
            # until then are cancelled after it by default (as the command says it)
            if self.dialog is not None:
                self.dialog.say(words.approvals_after_last_day(name, later, choice == "keep"))
            return
        if not left:
            return
        self.ctx.approvals_changed.emit(list(dict.fromkeys(st.sha256 for st in self._left)))
        if self.dialog is None:
            return
        n = f"{left} {'approval' if left == 1 else 'approvals'}"
        were = "was" if left == 1 else "were"
        items = words.media_count([(st.parts or {}).get("media", "photo") for st in self._left])
        self.dialog.say(f"{name}'s {n} not yet exported {were} "
                        + (f"cancelled: the {items} {words.verb(left, 'waits', 'wait')} for "
                           "another senior leader's approval." if choice == "cancel"
                           else "kept."))

    def reset(self, name: str, confirm: bool = True) -> str | None:
        if not name:
            return None
        if confirm and QMessageBox.question(
                self.dialog or self.window, "New one-time code",
                f"Give {name} a new one-time code? Their password stops working now, and they "
                "choose a new one with the code.") != QMessageBox.StandardButton.Yes:
            return None
        code = self._do("No new code", lambda: self.accounts.reset(name))
        if isinstance(code, str):
            self.show_code(name, code, new=False)
            return code
        return None

    def remove(self, name: str, confirm: bool = True) -> bool:
        if not name:
            return False
        if confirm and QMessageBox.question(
                self.dialog or self.window, "Remove this account",
                f"Remove {name}'s account? Every role ends today and they can no longer sign "
                "in. What they did stays recorded under their name.") != \
                QMessageBox.StandardButton.Yes:
            return False
        choice = self.ask_approvals(name, "Don't remove them yet")
        if choice is None:
            return False
        done = bool(self._do("Not removed", lambda: self.accounts.remove(name,
                                                                       approvals=choice)))
        if done:
            self.say_approvals(name, choice)
        return done

    # -- the code, shown once ---------------------------------------------------------------------

    def show_code(self, name: str, code: str, *, new: bool) -> None:
        """The code, shown once, with the account's name exactly as they must type it (a title
        left out was the usual reason a first sign-in failed), both selectable and copyable."""
        info = self.accounts.get(name)
        until = when(info.code_expires) or f"{CODE_HOURS} hours from now"
        box = QMessageBox(QMessageBox.Icon.Information, "One-time code",
                          f"<p>{'The account is made. ' if new else ''}Give {esc(info.name)} "
                          f"their name and this one-time code:</p>"
                          f"<p>Name: <b>{esc(info.name)}</b></p>"
                          f"<p style='font-size:20pt; font-family:monospace'>"
                          f"<b>{esc(code)}</b></p>",
                          parent=self.dialog or self.window)
        box.setObjectName("OneTimeCode")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setInformativeText(
            f"They choose \u201cI have a one-time code\u201d and type their name exactly as "
            f"shown, \u201c{esc(info.name)}\u201d{title_note(info.name)} (capitals and spaces "
            f"do not matter), then this code, then their own password. It works once, until "
            f"{until}. PhotoVet does not show it again: write it down or tell "
            f"them now. Roles: {', '.join(ROLE_LABELS.get(r, r) for r in info.roles()) or 'none yet'}.")
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        # Escape closes it as OK does (s41 walk: with a second button Qt finds no escape
        # button, and Escape did nothing)
        box.setEscapeButton(box.button(QMessageBox.StandardButton.Ok))
        copy = box.addButton("Copy name and code", QMessageBox.ButtonRole.ActionRole)
        copy.setObjectName("CopyNameAndCode")
        copy.setToolTip("Copies the name and the code, to paste into a message to them")
        # an action button would close the box: copy, and keep it open
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(
            f"PhotoVet sign-in name: {info.name}\nOne-time code: {code}"))
        box.exec()


def title_note(name: str) -> str:
    """'', or a reminder that the title is part of the name ('Mr David Whitfield')."""
    first = name.split()[0].rstrip(".").casefold() if name.split() else ""
    if first in TITLES:
        return f", with \u201c{esc(name.split()[0])}\u201d"
    return ""


__all__ = ["AccountsController"]
