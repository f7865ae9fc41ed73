"""s54 walk: PhotoVet locked itself with "Due for deletion" open, and the list (a leaver's
name, file names) stayed readable beside the lock screen; the lock hid only the main window's
photos. Every other window PhotoVet has open (a person's page, a list, a question) is covered
by a plain sheet while locked, uncovered when the same person unlocks, and closed when they
sign out for someone else."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout, QWidget

from photovet.gui.controllers.access import VEILED, Veil
from photovet.gui.dialogs.sign_in import LockDialog, SignInDialog
from tests.gui.conftest import APPROVER_NAME, PREPARER_NAME, answer, button, password_of
from tests.gui.test_sign_in import idle, window  # noqa: F401 - the fixture

NAME = "Tori Ashby, Year 5: consent for the website withdrawn"


class Page(QDialog):
    """A window like a person's page: a pupil's name in it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle("Tori Ashby")
        lay = QVBoxLayout(self)
        self.label = QLabel(NAME)
        lay.addWidget(self.label)
        self.resize(420, 260)


def _readable(page: Page) -> bool:
    """Is the name what a person sees at its place (nothing over it)?"""
    at = page.childAt(page.label.geometry().center())
    return at is page.label


def _covered(page: Page) -> bool:
    """Covered, and its title (a taskbar shows it) no longer the pupil's name."""
    veil = page.findChild(Veil)
    return veil is not None and veil.isVisible() and veil.geometry() == page.rect() \
        and not _readable(page) and VEILED in veil.findChild(QLabel).text() \
        and page.windowTitle() == "PhotoVet is locked"


def _unlock(seen: list, page: Page):
    def act(dlg: LockDialog) -> None:
        seen.append(_covered(page))
        page.resize(500, 300)                 # a window resized under its sheet stays covered
        seen.append(page.findChild(Veil).geometry() == page.rect())
        dlg.password.setText(password_of(PREPARER_NAME))
        dlg.ok.click()
    return act


def test_a_window_open_beside_is_covered_while_locked_and_shown_again_on_unlock(
        window, qtbot):  # noqa: F811
    page = Page(window)
    page.show()
    qtbot.waitExposed(page)
    assert _readable(page)
    seen: list = []
    idle(window.ctx.ws)
    answer(_unlock(seen, page), kind=LockDialog)
    window.access.check_idle()
    assert seen == [True, True]
    qtbot.waitUntil(lambda: page.findChild(Veil) is None, timeout=2000)
    assert page.isVisible() and _readable(page) and page.windowTitle() == "Tori Ashby"


def test_a_question_open_when_the_lock_comes_is_covered_and_goes_on_after(window, qtbot):  # noqa: F811
    """The lock comes while a window waits for an answer (its own event loop): it is
    covered, and after the unlock it is the window on top, with the keyboard, answered as if
    nothing happened (s54 walk, no window manager: the unlock raised the main window over
    the person's page, which still held the keyboard)."""
    page = Page(window)
    seen: list = []

    def in_the_page(p: Page) -> None:
        idle(window.ctx.ws)
        answer(_unlock(seen, p), kind=LockDialog)
        window.access.check_idle()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is p, timeout=3000)
        seen.append(_readable(p))       # its sheet lifted (deleted once this loop ends)
        p.accept()

    answer(in_the_page, kind=Page)
    assert page.exec() == QDialog.DialogCode.Accepted
    assert seen == [True, True, True]


def test_signing_out_at_the_lock_closes_what_the_person_had_open(window, qtbot):  # noqa: F811
    page = Page(window)
    page.show()
    qtbot.waitExposed(page)
    seen: list = []

    def sign_in(dlg: SignInDialog) -> None:
        seen.append(page.isVisible())           # closed before the next person is asked
        dlg.name.setText(APPROVER_NAME)
        dlg.password.setText(password_of(APPROVER_NAME))
        dlg.ok.click()

    idle(window.ctx.ws)
    answer(lambda dlg: (seen.append(_covered(page)), button(dlg, "Sign out").click()),
           kind=LockDialog)
    answer(sign_in, kind=SignInDialog, delay=100)
    window.access.check_idle()
    assert seen == [True, False]
    assert window.ctx.session.name() == APPROVER_NAME and not page.isVisible()


def test_a_window_that_opens_while_locked_is_covered_as_it_appears(window, qtbot):  # noqa: F811
    """A job that ends under the lock says so in a window of its own (a message box naming a
    report, a list): it came up over the lock screen, readable. It is covered as it appears,
    and uncovered with the rest when the same person unlocks."""
    late: list[Page] = []
    seen: list = []

    def unlock(dlg: LockDialog) -> None:
        page = Page(window)
        late.append(page)
        page.show()
        qtbot.waitExposed(page)
        seen.append(_covered(page))
        dlg.password.setText(password_of(PREPARER_NAME))
        dlg.ok.click()

    idle(window.ctx.ws)
    answer(unlock, kind=LockDialog)
    window.access.check_idle()
    assert seen == [True]
    qtbot.waitUntil(lambda: late[0].findChild(Veil) is None, timeout=2000)
    assert _readable(late[0]) and late[0].windowTitle() == "Tori Ashby"


def test_the_sign_in_screen_and_what_it_opens_are_never_covered(window, qtbot):  # noqa: F811
    """After a sign-out at the lock screen, windows that open are covered until someone has
    signed in, except the sign-in screen itself and what it opens (a question of its own):
    they are how a person gets back in."""
    from PySide6.QtWidgets import QMessageBox

    seen: list = []

    def sign_in(dlg: SignInDialog) -> None:
        seen.append(dlg.findChild(Veil) is None)
        own = QMessageBox(QMessageBox.Icon.Information, "A question", "Of the sign-in screen",
                          parent=dlg)
        own.show()
        seen.append(own.findChild(Veil) is None)
        other = Page(window)                    # a job's window, not the sign-in screen's
        other.show()
        seen.append(_covered(other))
        own.close()
        other.close()
        dlg.name.setText(APPROVER_NAME)
        dlg.password.setText(password_of(APPROVER_NAME))
        dlg.ok.click()

    idle(window.ctx.ws)
    answer(lambda dlg: button(dlg, "Sign out").click(), kind=LockDialog)
    answer(sign_in, kind=SignInDialog, delay=100)
    window.access.check_idle()
    assert seen == [True, True, True]


def test_a_window_for_choosing_files_is_closed_as_the_lock_comes(window, qtbot):  # noqa: F811
    """On Windows and macOS "Add photos" and "Export to..." open the system's own window, which
    no sheet of PhotoVet's covers, and it shows the folder's photos. As the lock comes it is
    closed, nothing chosen (the action finds nothing to do), and the lock screen says so."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog

    seen: list = []

    def unlock(dlg: LockDialog) -> None:
        still_open = [w for w in QApplication.topLevelWidgets()
                      if isinstance(w, QFileDialog) and w.isVisible()]
        seen.append(still_open)
        seen.append(" ".join(lab.text() for lab in dlg.findChildren(QLabel)))
        dlg.password.setText(password_of(PREPARER_NAME))
        dlg.ok.click()
        for w in still_open:           # left open (the code before): closed here, no hang
            QTimer.singleShot(0, w.reject)

    def lock_while_choosing(_files: QFileDialog) -> None:
        idle(window.ctx.ws)
        answer(unlock, kind=LockDialog)
        window.access.check_idle()

    answer(lock_while_choosing, kind=QFileDialog)
    chosen = QFileDialog.getExistingDirectory(window, "Choose a folder of photos", "/")
    assert chosen == ""                                    # nothing chosen: nothing done
    assert seen[0] == []                                   # closed before the lock screen
    assert "A window for choosing files or a folder was open: it was closed" in seen[1]
    assert "It locks itself when nobody has used it for a while." in seen[1]
    assert window.ctx.session.signed_in and not window.ctx.session.locked()
