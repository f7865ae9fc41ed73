"""Signing in: the first administrator of a fresh install, the sign-in screen (with a one-time
code from an admin, the first time), the lock screen after the idle time, changing one's own
password, and allowing this PC with the admin secret.

Each dialog is a form: it hands what was typed to a function of the core (given by the
controller) and shows the core's refusal in its own words (wrong password, locked account,
expired code, the password rules). It checks nothing itself but that the new password was typed
the same twice.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.accounts import MIN_PASSWORD
from photovet.core.errors import PhotoVetError

from .. import style
from ..words import error_text
from .common import ok_cancel

Submit = Callable[..., None]


def _password(name: str, placeholder: str = "") -> QLineEdit:
    """A password field; ``name`` is what a screen reader says."""
    e = QLineEdit()
    e.setEchoMode(QLineEdit.EchoMode.Password)
    e.setAccessibleName(name)
    if placeholder:
        e.setPlaceholderText(placeholder)
    return e


class FormDialog(QDialog):
    """A title, an explanation, a form, a line for the core's refusal, and buttons."""

    def __init__(self, title: str, intro: str, ok_text: str, *, cancel_text: str = "Cancel",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowIcon(style.icon("app"))
        self.setModal(True)
        self.lay = QVBoxLayout(self)
        self.heading = QLabel(title)
        self.heading.setObjectName("SectionTitle")
        self.heading.setFont(style.bold(self.heading.font(), 3))
        self.lay.addWidget(self.heading)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.lay.addWidget(self.intro)
        self.form = QFormLayout()
        self.lay.addLayout(self.form)
        self.problem = QLabel("")
        self.problem.setObjectName("Problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#b23b3b;")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.lay.addWidget(self.problem)
        self.buttons = ok_cancel(self, ok_text, cancel_text=cancel_text, on_ok=self._submit)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.lay.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        # grow to show all of it (a refusal with what to check runs to three lines): the
        # fields keep their height and no sentence is cut off
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def attempt(self, fn: Callable[[], None]) -> bool:
        """Run the core's call; on a refusal show its words and stay open."""
        self.say("")
        try:
            fn()
        except PhotoVetError as exc:
            self.say(error_text(exc))
            return False
        self.accept()
        return True

    def _submit(self) -> None:  # pragma: no cover - each dialog has its own
        self.accept()


class FirstAdminDialog(FormDialog):
    """A fresh install: the first administrator chooses a name and password."""

    def __init__(self, create: Submit, parent: QWidget | None = None):
        super().__init__(
            "Set up PhotoVet",
            "<b>Welcome to PhotoVet.</b><br>Nobody has an account here yet. Create the first "
            "administrator's account: yours, if you look after the consent register (often the "
            "office manager or data protection lead). You can add the rest of the staff "
            "afterwards (Staff accounts in the Register menu).",
            "Create account and sign in", cancel_text="Quit", parent=parent)
        self.create = create
        self.name = QLineEdit()
        self.name.setPlaceholderText("Your full name, for example Mrs J Patel")
        self.name.setAccessibleName("Your name")
        self.password = _password("Password", f"At least {MIN_PASSWORD} characters")
        self.again = _password("Password again")
        self.form.addRow("Your &name:", self.name)
        self.form.addRow("&Password:", self.password)
        self.form.addRow("Password &again:", self.again)
        note = QLabel("Three random words make a good password. Keep it to yourself: "
                      "everything you do in PhotoVet is recorded under your name.")
        note.setWordWrap(True)
        note.setStyleSheet("color:#555;")
        self.form.addRow(note)
        self.name.setFocus()

    def _submit(self) -> None:
        if self.password.text() != self.again.text():
            self.say("The two passwords are not the same. Type them again.")
            return
        self.attempt(lambda: self.create(self.name.text(), self.password.text()))


#: how long Quit is not taken after the sign-in screen opens under the pointer (after Sign out)
QUIT_GUARD_MS = 800


class SignInDialog(FormDialog):
    """Name and password; or, the first time, the one-time code an admin gave and a new
    password chosen with it.

    ``quit_guard_ms``: Quit (its button, the close button) does nothing that long
    after the screen opened. Opened by Sign out on the lock screen, its Quit button comes up
    where Sign out was, under the pointer: s39, a double-click on Sign out closed PhotoVet
    (its second click pressed Quit; reproduced under Xvfb with xdotool)."""

    def __init__(self, sign_in: Submit, first_sign_in: Submit, *, name: str = "",
                 why: str = "", quit_guard_ms: int = 0, parent: QWidget | None = None):
        super().__init__("Sign in to PhotoVet",
                         why or "Sign in with your own account: what you do is recorded "
                         "under your name.", "Sign in", cancel_text="Quit", parent=parent)
        self.quit_guard_ms = quit_guard_ms
        self._opened = QElapsedTimer()
        self.sign_in, self.first_sign_in = sign_in, first_sign_in
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Your name")
        self.form.addRow("Your &name:", self.name)
        self.password = _password("Password")
        self.form.addRow("&Password:", self.password)
        # the first time: the one-time code and a new password (rows shown on request)
        self.code = QLineEdit()
        self.code.setPlaceholderText("for example K7QM-3XPD-9TRW")
        self.code.setAccessibleName("One-time code")
        self.new_password = _password("New password", f"At least {MIN_PASSWORD} characters")
        self.again = _password("New password again")
        self.form.addRow("One-time &code:", self.code)
        self.form.addRow("New pass&word:", self.new_password)
        self.form.addRow("New password a&gain:", self.again)
        self._with_code = False
        for w in (self.code, self.new_password, self.again):
            self.form.setRowVisible(w, False)
        self.switch = QPushButton("I have a one-time code from an admin")
        self.switch.setFlat(True)
        self.switch.setStyleSheet("text-align:left; color:#1f5fa8; text-decoration:underline;")
        self.switch.clicked.connect(lambda: self.use_code(not self._with_code))
        self.form.addRow(self.switch)
        self._first_field().setFocus()

    def use_code(self, on: bool) -> None:
        self._with_code = on
        self.form.setRowVisible(self.password, not on)
        for w in (self.code, self.new_password, self.again):
            self.form.setRowVisible(w, on)
        self.switch.setText("I have a password" if on else
                            "I have a one-time code from an admin")
        self.ok.setText("Set password and sign in" if on else "Sign in")
        self.say("")
        # as tall as its rows, after the last refusal is cleared (s37 walk: back from the
        # code, the screen kept the height of the code's rows and refusal, the rows spread out
        # with gaps between them)
        self.layout().activate()
        self.adjustSize()
        # the name first while it is empty (audit, second term, finding 13: the cursor went to
        # the code with no name typed)
        self._first_field().setFocus()

    @property
    def with_code(self) -> bool:
        return self._with_code

    def showEvent(self, ev) -> None:
        self._opened.start()
        super().showEvent(ev)

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        """Escape does not quit PhotoVet (s42 two-PC walk: Escape on the lock screen signed
        the person out, a second one here closed PhotoVet): Quit is its button or the close
        button."""
        if ev.key() == Qt.Key.Key_Escape:
            ev.accept()
            return
        super().keyPressEvent(ev)

    def reject(self) -> None:
        """Quit, unless the screen opened a moment ago (``quit_guard_ms``): then the click or
        key meant for the screen before it is not taken as Quit."""
        if self.quit_guard_ms and self._opened.isValid() and \
                self._opened.elapsed() < self.quit_guard_ms:
            # the click gave Quit the keyboard: given back to the field to type in, or the
            # person's Enter after typing their name would press Quit
            self._first_field().setFocus()
            return
        super().reject()

    def _first_field(self) -> QLineEdit:
        """The field to type in first: the name while it is empty, else the code or the
        password."""
        if not self.name.text().strip():
            return self.name
        return self.code if self._with_code else self.password

    def _submit(self) -> None:
        if self.with_code:
            if self.new_password.text() != self.again.text():
                self.say("The two new passwords are not the same. Type them again.")
                return
            self.attempt(lambda: self.first_sign_in(self.name.text(), self.code.text(),
                                                    self.new_password.text()))
        else:
            ok = self.attempt(lambda: self.sign_in(self.name.text(), self.password.text()))
            if not ok:
                self.password.selectAll()
                self.password.setFocus()


#: why the lock screen is up, when nobody locked it
LOCKED_BY_ITSELF = "It locks itself when nobody has used it for a while."


class LockDialog(FormDialog):
    """PhotoVet locked itself (idle time) or was locked: the same person carries on with their
    password, or signs out so that someone else can sign in."""

    SIGNED_OUT = 2

    def __init__(self, name: str, unlock: Submit, *, why: str = "",
                 parent: QWidget | None = None):
        super().__init__("PhotoVet is locked",
                         f"{why or LOCKED_BY_ITSELF}"
                         "<br><br>To carry on where you left off, type the password of the "
                         "person signed in. Someone else? Sign out first (nothing is lost).",
                         "Unlock", cancel_text="Sign out", parent=parent)
        self.setObjectName("LockDialog")
        self.unlock_fn = unlock
        self.who = QLabel(name)
        self.who.setFont(style.bold(self.who.font()))
        self.password = _password("Password")
        self.form.addRow("Signed in:", self.who)
        self.form.addRow("&Password:", self.password)
        self.buttons.rejected.disconnect()
        self.buttons.rejected.connect(lambda: self.done(self.SIGNED_OUT))
        self.password.setFocus()

    def _submit(self) -> None:
        if not self.attempt(lambda: self.unlock_fn(self.password.text())):
            self.password.selectAll()

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        """Escape neither unlocks nor signs out (s42 walk: a stray Escape signed the person out
        and the next one quit PhotoVet): signing out is the Sign out button."""
        if ev.key() == Qt.Key.Key_Escape:
            ev.accept()
            return
        super().keyPressEvent(ev)

    def reject(self) -> None:
        """Closing the lock screen does not unlock: it signs out."""
        self.done(self.SIGNED_OUT)


class ChangePasswordDialog(FormDialog):
    def __init__(self, change: Submit, parent: QWidget | None = None):
        super().__init__("Change your password", "Type your password now, then the new one "
                         "twice.", "Change password", parent=parent)
        self.change = change
        self.old = _password("Password now")
        self.new = _password("New password", f"At least {MIN_PASSWORD} characters")
        self.again = _password("New password again")
        self.form.addRow("Password &now:", self.old)
        self.form.addRow("&New password:", self.new)
        self.form.addRow("New password &again:", self.again)
        self.old.setFocus()

    def _submit(self) -> None:
        if self.new.text() != self.again.text():
            self.say("The two new passwords are not the same. Type them again.")
            return
        self.attempt(lambda: self.change(self.old.text(), self.new.text()))


class AllowPCDialog(FormDialog):
    """This PC does not hold the register's key: an admin types the admin secret."""

    def __init__(self, allow: Submit, *, why: str = "", cancel_text: str = "Not now",
                 parent: QWidget | None = None):
        super().__init__(
            "Allow this PC",
            why or "<b>This PC is not allowed to read the register's face signatures yet.</b>"
            "<br>Until an admin allows it, PhotoVet recognises nobody here, so every face is "
            "covered. An admin allows this PC once by typing the register's admin secret "
            "(chosen when the register was set up or moved to the school's server).",
            "Allow this PC", cancel_text=cancel_text, parent=parent)
        self.allow = allow
        self.secret = _password("Admin secret")
        self.form.addRow("Admin &secret:", self.secret)
        self.secret.setFocus()

    def _submit(self) -> None:
        self.attempt(lambda: self.allow(self.secret.text()))


__all__ = ["AllowPCDialog", "ChangePasswordDialog", "FirstAdminDialog", "FormDialog",
           "LockDialog", "SignInDialog"]
