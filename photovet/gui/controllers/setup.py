"""The first-run checklist: what is set up and what is not, worked out from the register and
the settings each time anything changes (so an import from the checklist shows at once, on the
checklist and on the register tab: issue 15)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from photovet.core.accounts import PERMISSIONS
from photovet.core.words import register_count

from ..context import AppContext
from ..session import permit
from ..views.checklist import ChecklistPanel, Step
from ..words import plural
from .register import RegisterController


class SetupController(QObject):
    changed = Signal(int, int)       # steps done, steps in all

    def __init__(self, ctx: AppContext, panel: ChecklistPanel, register: RegisterController,
                 parent: QWidget, accounts=None):
        super().__init__(parent)
        self.ctx, self.panel, self.register, self.accounts = ctx, panel, register, accounts
        self.window = parent
        panel.step_clicked.connect(self.step)
        for sig in (ctx.register_changed, ctx.channels_changed, ctx.settings_changed,
                    ctx.engine_ready, ctx.session.changed):
            sig.connect(self.refresh)
        self.refresh()

    def steps(self) -> list[Step]:
        ws, qs = self.ctx.ws, self.ctx.qs
        people = ws.register.people()
        enrolled = sum(1 for p in people if p.enrolled)
        labels = ", ".join(c.label for c in ws.channels.all())
        approval = ws.settings.approval.required
        can_approve = set(PERMISSIONS["approve"][0])       # who may approve: the core's table
        approvers = ", ".join(a.name for a in ws.accounts.list()
                              if not a.removed_at and can_approve & set(a.roles()))
        # done when set, or looked at (a school may leave it empty); looked at and left empty
        # while a channel must not identify the school, the step says what that means (the
        # core's warning, also in the window's banner)
        school_checked = bool(qs.value("setup/school_checked", False, type=bool))
        school_warning = ws.school_name_warning()
        school_set = ws.settings.school.configured or school_checked
        missing = sum(1 for p in people if p.missing_since is not None)
        rejected = sum(1 for p in people if not p.valid and p.missing_since is None)
        return [
            Step("register", "Import the consent register",
                 f"{register_count(len(people), rejected, missing, ws.register.rejected_rows())}."
                 if people else
                 "Export your pupils and staff with their photo consent from your MIS (SIMS, "
                 "Arbor, Bromcom or another) as a CSV file. You see every change before it is "
                 "saved.", bool(people), "Import again\u2026" if people else "Import the register\u2026",
                 permission="register.import"),
            Step("enrol", "Enrol face photos",
                 f"{enrolled} of {plural(len(people), 'person', 'people')} enrolled. PhotoVet "
                 "recognises only enrolled people; everyone else is covered." if people else
                 "Once the register is in, add one clear portrait per person (your MIS photo "
                 "export named by UPN, or the photographer's files named by pupil) so PhotoVet "
                 "can recognise who has consent.",
                 enrolled > 0, "Enrol face photos\u2026", enabled=bool(people),
                 permission="register.enrol"),
            Step("channels", "Check where you post",
                 f"Channels: {labels}. Add the school's own (a prospectus, a local paper) and set "
                 "how much of a name each may show.",
                 bool(qs.value("setup/channels_checked", False, type=bool)),
                 "Check the channels\u2026", permission="channels"),
            Step("school", "Tell PhotoVet the school's name",
                 (school_warning if school_set and school_warning else
                  "The school's names, initials and address: covered wherever PhotoVet reads "
                  "them on channels whose rule says so." if school_set else
                  "Its names, initials and address as they appear on badges, signs and "
                  "uniforms, so that photos do not show which school it is where a channel's "
                  "rule says so. Until then, only text shaped like a school's name "
                  "(\u201cOakfield Primary School\u201d) is covered, not the name alone, "
                  "its initials or its address."),
                 school_set, "The school's name\u2026", permission="settings"),
            Step("approval", "Give your staff their accounts",
                 ("A senior leader who did not prepare the photos approves each one before "
                  "export. " if approval else
                  "Approval is OFF: photos are exported without a senior leader's check. ")
                 + (f"Approvers now: {approvers}." if approvers else
                    "Add an account with the Approver role for each senior leader who "
                    "approves, and one for everyone else who uses PhotoVet."),
                 bool(approvers) or not approval, "Staff accounts\u2026",
                 permission="accounts"),
        ]

    def refresh(self) -> None:
        steps = self.steps()
        self.panel.show_steps(steps)
        # a step's button only for the roles that may do it, greyed out otherwise with the
        # role it needs in its tooltip (s46 walk: an approver's "Import again..." was enabled
        # and answered "Mr G Whitcombe cannot import the register: it needs the admin role")
        session = self.ctx.session
        for row, step in zip(self.panel.rows, steps):
            if step.permission:
                permit(row.button, session, step.permission, step.enabled)
        if session.signed_in and steps[0].done and not any(
                session.allowed(s.permission) for s in steps if s.permission):
            self.panel.note.setText(f"These steps are an admin's: {session.name()} does not "
                                    "have the Admin role, so their buttons are greyed out.")
        self.changed.emit(sum(1 for s in steps if s.done), len(steps))

    @property
    def complete(self) -> bool:
        return all(s.done for s in self.steps())

    def step(self, key: str) -> None:
        if key == "register":
            self.register.import_register()
        elif key == "enrol":
            self.register.enrol()
        elif key == "channels":
            dlg = self.register.settings("channels")
            dlg.finished.connect(lambda *_: self._checked("setup/channels_checked"))
        elif key == "school":
            dlg = self.register.settings("rules")
            dlg.rules.tabs.setCurrentIndex(2)            # "The school"
            dlg.finished.connect(lambda *_: self._checked("setup/school_checked"))
        elif key == "approval" and self.accounts is not None:
            dlg = self.accounts.open()
            if dlg is not None:
                dlg.finished.connect(lambda *_: self.refresh())

    def _checked(self, key: str) -> None:
        self.ctx.qs.setValue(key, True)
        self.refresh()


__all__ = ["SetupController"]
