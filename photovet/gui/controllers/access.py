"""Signing in and out, the idle lock, and the core's refusals.

- At start: a fresh install creates its first administrator ("Set up PhotoVet"); otherwise
  the sign-in screen (a new account uses the one-time code an admin gave it). A PC that does
  not hold the register's key is allowed first with the admin secret (signing in is recorded
  in the register's audit log, which needs the key). ``PHOTOVET_USER`` / ``PHOTOVET_PASSWORD``
  sign in without the screen, as they do for the commands (scripts, tests).
- While the window is open: every key press and click tells the core someone is there
  (``ws.touch``); a timer asks the core whether the session locked itself (``ws.idle_locked``)
  and then shows the lock screen (the same person unlocks, or signs out for someone else).
- A refusal from the core during an action (``PermissionDenied``, ``NotSignedIn``,
  ``SessionLocked``) is shown in its words; a lock brings up the lock screen.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from photovet.core import logs
from photovet.core.errors import NotSignedIn, PhotoVetError, SessionLocked

from ..dialogs.sign_in import (
    LOCKED_BY_ITSELF,
    QUIT_GUARD_MS,
    AllowPCDialog,
    ChangePasswordDialog,
    FirstAdminDialog,
    FormDialog,
    LockDialog,
    SignInDialog,
)
from ..session import Session
from ..words import error_text

log = logs.get("gui")

USER_ENV, PASSWORD_ENV = "PHOTOVET_USER", "PHOTOVET_PASSWORD"
INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin}


def allow_pc_if_needed(ws, parent: QWidget | None = None) -> bool:
    """A PC without the register's key: an admin types the admin secret (else False)."""
    if ws.key_status() != "not-allowed":
        return True
    dlg = AllowPCDialog(
        ws.allow_this_pc, cancel_text="Quit", parent=parent,
        why="<b>This PC is not allowed to use the school's register yet.</b><br>The register "
            "is shared with other PCs, and this one does not hold its key. An admin allows "
            "this PC once by typing the register's admin secret (chosen when the register was "
            "moved to the school's server). Until then PhotoVet cannot be used here.")
    return bool(dlg.exec())


def sign_in_at_start(session: Session, parent: QWidget | None = None, *,
                     environ=os.environ) -> bool:
    """Someone is signed in (True), or the person chose Quit (False)."""
    ws = session.ws
    if not allow_pc_if_needed(ws, parent):
        return False
    if ws.needs_first_admin():
        return bool(FirstAdminDialog(session.create_first_admin, parent).exec())
    name = environ.get(USER_ENV, "").strip()
    password = environ.get(PASSWORD_ENV)
    why = ""
    if name and password:
        try:
            session.sign_in(name, password)
            return True
        except PhotoVetError as exc:
            why = error_text(exc, after=f"Signing in as {name} did not work")
    return bool(SignInDialog(session.sign_in, session.first_sign_in, name=name, why=why,
                             parent=parent).exec())


class IdleWatch(QObject):
    """Tells the core about keyboard and mouse input (``ws.touch``)."""

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() in INPUT_EVENTS:
            self.session.ws.touch()
        return False


class KeyboardBack(QObject):
    """When the last open dialog closes, the window takes the keyboard back (``back``). A
    window manager does this; without one (a kiosk, some remote sessions) the keyboard stayed
    with the closed dialog and the window's shortcuts did nothing (the GUI audit: Ctrl+E)."""

    def __init__(self, back: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self.back = back

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.Hide and isinstance(obj, QDialog) and obj.isWindow() \
                and obj.isModal():
            parent = obj.parentWidget()
            owner = parent.window() if parent is not None else None
            QTimer.singleShot(0, lambda: self._after_close(owner))
        return False

    def _after_close(self, owner: QWidget | None = None) -> None:
        if QApplication.activeModalWidget() is not None:
            return
        # a question asked over a list that stays open (the take-down list, the exports): the
        # keyboard goes back to that list. Raising the window instead put it over the list, which
        # looked closed (s41 walk: "Mark 6 items done" and the take-down list was gone)
        if isinstance(owner, QDialog) and isValid(owner) and owner.isVisible():
            owner.raise_()
            owner.activateWindow()
            return
        self.back()


#: what a window PhotoVet has open says over its content while PhotoVet is locked
VEILED = "PhotoVet is locked. What was open here comes back when the same person unlocks it."
LOCKED_TITLE = "PhotoVet is locked"


class Veil(QWidget):
    """A plain sheet over everything in one of PhotoVet's other windows (a person's page, the
    take-down list, a question) while PhotoVet is locked: the lock hid the main window's
    photos, and a window left open beside it still showed a pupil's name, consent or photo to
    whoever walked by (s54 walk: "Due for deletion" over the lock screen). Nothing in the
    window is hidden or closed (its work, a deletion in progress, goes on under it); the
    sheet stays on top of what is added to the window meanwhile."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("LockVeil")
        self.setAutoFillBackground(True)
        self.target = window
        lay = QVBoxLayout(self)
        said = QLabel(VEILED)
        said.setWordWrap(True)
        said.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(said)     # at the top: the lock screen opens over the middle
        lay.addStretch(1)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()
        window.installEventFilter(self)
        # its title too: a taskbar shows it ("Tori Ashby", a person's page)
        self.title = window.windowTitle()
        window.setWindowTitle(LOCKED_TITLE)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if obj is self.target:
            if ev.type() == QEvent.Type.Resize:
                self.setGeometry(self.target.rect())
            if ev.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded,
                             QEvent.Type.LayoutRequest):
                QTimer.singleShot(0, self._on_top)
        return False

    def _on_top(self) -> None:
        if isValid(self):
            self.raise_()

    def lift(self) -> None:
        if isValid(self.target):
            self.target.removeEventFilter(self)
            if self.target.windowTitle() == LOCKED_TITLE:
                self.target.setWindowTitle(self.title)
        if isValid(self):
            self.hide()
            self.deleteLater()


#: the kinds of window a sheet covers (not menus or tooltips)
WINDOW_KINDS = (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet,
                Qt.WindowType.Tool)


def other_windows(main: QWidget) -> list[QWidget]:
    """PhotoVet's windows on screen other than ``main``: its dialogs, questions and lists (not
    menus or tooltips)."""
    return [w for w in QApplication.topLevelWidgets()
            if w is not main and w.isVisible() and w.windowType() in WINDOW_KINDS]


def _signing_in(w: QWidget | None) -> bool:
    """Is ``w`` the lock or sign-in screen (or one of their family: a first admin, a new
    password, allowing this PC), or a window they opened? Never covered: they are how a person
    gets back in."""
    while w is not None:
        if isinstance(w, FormDialog):
            return True
        w = w.parentWidget()
    return False


#: said on the lock screen when it closed a window for choosing files
FILES_CLOSED = ("A window for choosing files or a folder was open: it was closed (nothing was "
                "chosen). Open it again once you are back.")


def close_file_windows() -> int:
    """Close every window for choosing files or a folder (Add photos, Export to...) as the lock
    comes, nothing chosen; how many. On Windows and macOS it is the system's own window, which
    no sheet of PhotoVet's can cover, and it shows the folder's photos (thumbnails of pupils);
    closed, the action that opened it simply finds nothing chosen."""
    closed = 0
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QFileDialog) and isValid(w) and w.isVisible():
            w.reject()
            closed += 1
    return closed


class Veils(QObject):
    """The sheets over PhotoVet's other windows while it is locked: those open when the lock
    came, and any window that opens meanwhile (a job that ends under the lock and says so in a
    message box: it came up over the lock screen), until someone is back at work."""

    def __init__(self, main: QWidget):
        super().__init__(main)
        self.main = main
        self.veils = [Veil(w) for w in other_windows(main)]
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow() \
                and obj is not self.main and obj.windowType() in WINDOW_KINDS \
                and not _signing_in(obj) \
                and not any(isValid(v) and v.target is obj for v in self.veils):
            self.veils.append(Veil(obj))
        return False

    def close_windows(self) -> None:
        """Close every window under a sheet (signing out: the next person does not see
        them); one that will not close yet (a deletion in progress) stays covered."""
        for veil in list(self.veils):
            if isValid(veil) and isValid(veil.target) and veil.target.isVisible():
                veil.target.close()

    def lift(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        for veil in self.veils:
            if isValid(veil):
                veil.lift()
        self.veils = []
        self.deleteLater()


class AccessController(QObject):
    """Sign out, change password, the lock screen, and the core's refusals."""

    quit_requested = Signal()

    def __init__(self, session: Session, window: QWidget, *, check_ms: int = 5000):
        super().__init__(window)
        self.session = session
        self.window = window
        self._lock_open = False
        self.watch = IdleWatch(session, self)
        self.keyboard_back = KeyboardBack(self._back_to_work, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.watch)
            app.installEventFilter(self.keyboard_back)
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check_idle)
        self.timer.start()

    def close(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.watch)
            app.removeEventFilter(self.keyboard_back)

    # -- the lock ---------------------------------------------------------------------------------

    def check_idle(self) -> None:
        if self.session.signed_in and not self._lock_open and self.session.locked():
            self.show_lock()

    def lock_now(self) -> None:
        self.session.lock()
        # the name is said once, in "Signed in:" (s41 walk: three times on one screen)
        self.show_lock("It was locked with Lock now (Account menu, Ctrl+L).")

    def show_lock(self, why: str = "") -> bool:
        """The lock screen; True when the same person carries on."""
        if self._lock_open or not self.session.signed_in:
            return False
        self._lock_open = True
        self.session.changed.emit()        # actions greyed while locked
        central = self.window.centralWidget() if hasattr(self.window, "centralWidget") else None
        if central is not None:
            central.hide()                 # nobody reads pupils' photos over the lock screen
        if close_file_windows():           # a folder's photos in the system's own window
            why = f"{why or LOCKED_BY_ITSELF}<br><br>{FILES_CLOSED}"
        # nor a person's page, a list or a question left open beside the window
        veils = Veils(self.window)
        result = 0
        try:
            dlg = LockDialog(self.session.name(), self.session.unlock, why=why,
                             parent=self.window)
            result = dlg.exec()
        finally:
            self._lock_open = False
            if central is not None:   # only for the same person, back at work
                central.setVisible(self.session.signed_in and not self.session.locked())
            if result == 1:
                veils.lift()
        if result == 1:                   # Unlock (accepted); else Sign out
            self._back_to_work()
            return True
        self.sign_out(confirm=False, veils=veils)
        return False

    def _back_to_work(self) -> None:
        """The window takes the keyboard back after the sign-in or lock screen. Without a
        window manager (a kiosk, some remote sessions) nothing else gives it back, and the
        window's shortcuts did nothing (the GUI audit: Ctrl+E did not open Export after
        signing in, though the toolbar button did). A window that was waiting for an answer
        when the lock came (a person's page) takes it back instead, on top: raising the main
        window put it over that page, which still held the keyboard (s54 walk, no window
        manager: a window that answered nothing, the page hidden behind it)."""
        modal = QApplication.activeModalWidget()
        w = modal if modal is not None and modal.isVisible() else self.window
        if w is not None and w.isVisible() and QApplication.activeWindow() is not w:
            w.raise_()
            w.activateWindow()

    # -- signing out, another person ----------------------------------------------------------------

    def sign_out(self, *, confirm: bool = False, veils: Veils | None = None) -> None:
        """Sign out, then the sign-in screen; Quit there closes PhotoVet. What the person had
        open beside the window (``veils``: under the lock screen's sheets) is closed first:
        the next person does not see it. A window that will not close yet (a deletion in
        progress) stays under its sheet until someone has signed in."""
        if confirm and QMessageBox.question(
                self.window, "Sign out",
                f"Sign {self.session.name()} out of PhotoVet? Someone else can then sign in. "
                "Nothing is lost: every decision is already saved.") != \
                QMessageBox.StandardButton.Yes:
            return
        log.info("signed out")
        self.session.sign_out()
        if veils is None:
            veils = Veils(self.window)
        veils.close_windows()
        try:
            self.sign_in_again()
        finally:
            veils.lift()

    def sign_in_again(self, why: str = "") -> bool:
        # opened by a click (Sign out on the lock screen, or in the menu's question): its
        # Quit does nothing for a moment, so a double-click there does not close PhotoVet
        dlg = SignInDialog(self.session.sign_in, self.session.first_sign_in, why=why,
                           quit_guard_ms=QUIT_GUARD_MS, parent=self.window)
        if dlg.exec():
            self._back_to_work()
            return True
        self.quit_requested.emit()
        return False

    def change_password(self) -> None:
        if ChangePasswordDialog(self.session.change_password, self.window).exec():
            QMessageBox.information(self.window, "Password changed",
                                    "Your password is changed. Use the new one from now on.")

    def allow_this_pc(self) -> bool:
        ok = bool(AllowPCDialog(self.session.ws.allow_this_pc, parent=self.window).exec())
        if ok:
            self.session.changed.emit()
        return ok

    # -- the core's refusals ------------------------------------------------------------------------

    def refused(self, parent: QWidget | None, title: str, exc: BaseException) -> None:
        """Show a refusal or error in plain words; a lock brings up the lock screen."""
        if isinstance(exc, SessionLocked):
            self.show_lock(error_text(exc))
            return
        if isinstance(exc, NotSignedIn):
            self.sign_in_again(error_text(exc))
            return
        QMessageBox.warning(parent or self.window, title, error_text(exc))


def guarded(refused: Callable[[QWidget | None, str, BaseException], None], parent: QWidget | None,
            title: str, fn: Callable[[], object]) -> object:
    """Run ``fn``; a PhotoVetError is shown (never a traceback) and None returned."""
    try:
        return fn()
    except PhotoVetError as exc:
        refused(parent, title, exc)
        return None


__all__ = ["AccessController", "IdleWatch", "allow_pc_if_needed", "guarded", "sign_in_at_start"]
