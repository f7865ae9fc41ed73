"""The register and the school's settings: importing the MIS export, enrolling face photos, a
person's page (with their subject access report), the settings and the channels. After every
change the context announces it, and every view re-reads what it shows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ..context import AppContext
from ..dialogs.enrol import EnrolDialog
from ..dialogs.import_wizard import ImportWizard
from ..dialogs.leaving_date import record_leaving_date, record_leaving_dates
from ..dialogs.person import PersonDialog
from ..dialogs.settings import SettingsDialog
from ..session import permission_refusal


class RegisterController(QObject):
    def __init__(self, ctx: AppContext, parent: QWidget, *, on_sar=None, on_exports=None):
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent
        self.on_sar = on_sar
        self.on_exports = on_exports
        self.enrol_dialog: EnrolDialog | None = None
        self._pages: dict[str, PersonDialog] = {}      # the person pages open, by person

    # -- import ---------------------------------------------------------------------------------

    def import_register(self, csv_path: str | None = None) -> ImportWizard | None:
        if not self.ctx.session.allowed("register.import"):
            self.ctx.fail(self.window, "Import the register", permission_refusal(
                self.ctx, "register.import"))
            return None
        wiz = ImportWizard(self.ctx, csv_path=csv_path, parent=self.window)
        wiz.imported.connect(self.ctx.register_changed)
        wiz.imported.connect(self.ctx.records_changed)
        wiz.finished.connect(lambda *_: wiz.deleteLater())
        wiz.open()
        return wiz

    # -- enrolment ------------------------------------------------------------------------------

    def enrol(self) -> EnrolDialog:
        if self.enrol_dialog is not None:
            self.enrol_dialog.raise_()
            return self.enrol_dialog
        dlg = EnrolDialog(self.window)
        dlg.set_ready(self.ctx.engine is not None)

        def ready() -> None:
            dlg.set_ready(True)

        self.ctx.engine_ready.connect(ready)
        dlg.enrol_requested.connect(lambda kind, path: self._enrol(dlg, kind, path))

        def closed(*_):
            self.ctx.engine_ready.disconnect(ready)
            self.enrol_dialog = None
            dlg.deleteLater()

        dlg.finished.connect(closed)
        self.enrol_dialog = dlg
        dlg.open()
        return dlg

    def _enrol(self, dlg: EnrolDialog, kind: str, path: str) -> None:
        engine, ctx = self.ctx.engine, self.ctx
        if engine is None:
            dlg.show_error("PhotoVet is not ready yet")
            return
        session = ctx.ws.session

        def run():
            with ctx.thread_workspace() as wws:
                # said as each portrait is read (a queued signal: this is a worker thread)
                return engine.enrol(kind, path, session=session, register=wws.register,
                                    progress=dlg.progressed.emit)

        def done(report: Any) -> None:
            dlg.show_report(report)
            if report.enrolled:
                self.ctx.register_changed.emit()

        ctx.workers.start(run, name="enrol", on_return=done, on_error=dlg.show_error)

    # -- people ---------------------------------------------------------------------------------

    def open_person(self, person_id: str) -> PersonDialog:
        # one page per person: a double-click in the register is also an "activated" (Enter),
        # and each opened a page (walk s32: Close had to be pressed twice, the first seemed to
        # do nothing)
        shown = self._pages.get(person_id)
        if shown is not None and shown.isVisible():
            shown.raise_()
            shown.activateWindow()
            return shown
        dlg = PersonDialog(self.ctx, person_id, parent=self.window)
        self._pages[person_id] = dlg
        dlg.finished.connect(lambda *_: self._pages.pop(person_id, None)
                             if self._pages.get(person_id) is dlg else None)
        if self.on_sar is not None:
            dlg.sar_requested.connect(lambda pid: self.on_sar(pid, dlg))
        if self.on_exports is not None:
            # opened as the page's own window: the page is modal to the main window, and a
            # window of the main window's would be blocked by it (s64 walk: the list's Close and
            # choices did nothing until the page under it was closed)
            dlg.exports_requested.connect(lambda pid: self.on_exports(pid, dlg))
        dlg.enrol_requested.connect(self.enrol)
        dlg.finished.connect(lambda *_: dlg.deleteLater())
        dlg.open()
        return dlg

    def record_leaving_date(self, person_id: str) -> bool:
        """Someone no longer in the MIS file: record when they left (has Alex left?)."""
        return record_leaving_date(self.ctx, person_id, self.window)

    def record_leaving_dates(self, person_ids: list) -> bool:
        """Everyone the register shows as no longer in the MIS file: one leaving date."""
        return record_leaving_dates(self.ctx, list(person_ids), self.window)

    # -- settings and channels --------------------------------------------------------------------

    def settings(self, tab: str = "school") -> SettingsDialog:
        dlg = SettingsDialog(self.ctx, tab=tab, parent=self.window)
        # (read again when a save was refused and the dialog showed the settings anew)
        dlg.saved.connect(lambda: self.ctx.settings_saved(dlg.analysis_key_before, dlg.change))
        dlg.channels_changed.connect(self.ctx.channels_changed)
        # a new crest changes what checking finds: the helper restarts and the batch is re-checked
        dlg.pictures_changed.connect(lambda: self.ctx.settings_saved(
            "", dlg.rules.picture_change, what="the school's crest and logo pictures"))
        dlg.finished.connect(lambda *_: dlg.deleteLater())
        dlg.open()
        return dlg


__all__ = ["RegisterController"]
