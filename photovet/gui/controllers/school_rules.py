"""The window's hooks for the school's own rules (issue 18), in one place so the main window
needs one line: the photo's flags in review, Register > Approved devices and Register > Due for
deletion. Each screen asks the core; the permissions are the core's (``ws.allowed`` only greys
out what the signed-in account may not do, the core refuses it all the same)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from ..dialogs.devices import DevicesDialog
from ..views.due_for_deletion import DueForDeletionDialog
from .photo_flags import PhotoFlagsController


class SchoolRulesHooks:
    def __init__(self, win: QMainWindow, *, clock: Callable[[], _dt.datetime] | None = None):
        self.win = win
        self.ctx = win.ctx
        self.clock = clock
        self.flags = PhotoFlagsController(
            win.ctx, win.photos.flags, current=win.review.current, redecide=win.batch.redecide,
            redecide_all=win.batch.redecide_all, reshow=win.review.show_current, window=win)
        win.review.shown.connect(self.flags.show)
        self.act_devices = QAction("Approved devices\u2026", win)
        self.act_devices.setToolTip("The school's cameras and phones: photos from other devices "
                                    "are flagged in review")
        self.act_devices.triggered.connect(lambda *_: self.open_devices())
        self.act_due = QAction("Due for deletion\u2026", win)
        self.act_due.setToolTip("What the school's retention schedule says is due for deletion")
        self.act_due.triggered.connect(lambda *_: self.open_due())
        menu = self._menu("Re&gister")
        if menu is not None:
            menu.addSeparator()
            menu.addAction(self.act_devices)
            menu.addAction(self.act_due)
            menu.aboutToShow.connect(self.refresh_permissions)
        self.refresh_permissions()

    def _menu(self, title: str) -> QMenu | None:
        for a in self.win.menuBar().actions():
            if a.text() == title and a.menu() is not None:
                return a.menu()
        return None

    def refresh_permissions(self) -> None:
        """Anyone signed in sees the lists; changing them is greyed out inside for whoever
        lacks ``devices.approve`` / ``retention.apply``."""
        signed_in = self.ctx.ws.session is not None
        self.act_devices.setEnabled(signed_in)
        self.act_due.setEnabled(signed_in)

    def open_devices(self) -> DevicesDialog:
        return self.flags.open_devices()

    def open_due(self) -> DueForDeletionDialog:
        dlg = DueForDeletionDialog(self.ctx, clock=self.clock, parent=self.win)
        dlg.applied.connect(lambda *_: (self.ctx.records_changed.emit(),
                                        self.ctx.register_changed.emit()))
        dlg.finished.connect(lambda *_: dlg.deleteLater())
        dlg.open()
        return dlg


def install_school_rules(win: QMainWindow) -> SchoolRulesHooks:
    return SchoolRulesHooks(win)


__all__ = ["SchoolRulesHooks", "install_school_rules"]
