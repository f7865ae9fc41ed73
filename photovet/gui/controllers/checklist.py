"""The approver's checklist in the approval flow (issue 18).

The ticks belong to the photo in front of the approver: a fresh photo starts with nothing
ticked; an approved photo shows the ticks signed with its approval (read-only). The approval
controller asks ``ticked()`` (one photo; approve all shown ticks on its contact sheet) and hands
the ticks to the core (``Approvals.approve(..., checks=...)``), which refuses the approval
while a check is unticked; its words are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ..context import AppContext
from ..views.checklist_ticks import ChecklistTicks


class ChecklistController(QObject):
    def __init__(self, ctx: AppContext, ticks: ChecklistTicks,
                 current: Callable[[], Any], parent: QWidget):
        super().__init__(parent)
        self.ctx, self.ticks, self.current = ctx, ticks, current
        self.window = parent
        self._shown_for: tuple | None = None   # what the ticks on screen are for

    def checks(self) -> list[str]:
        """The school's checklist now (the same list the core checks the ticks against)."""
        if not self.ctx.ws.settings.approval.required:
            return []
        return self.ctx.ws.approvals.required_checks()

    def refresh(self, *_: Any) -> None:
        """Show the checks for the current photo. Ticks a person made stay while the same photo,
        channel, checklist and approval state are shown; anything else starts unticked."""
        item = self.current()
        a = getattr(item, "analysis", None)
        checks = self.checks()
        if a is None or a.error or not a.sha256 or not checks:
            self._shown_for = None
            self.ticks.set_checks([])
            return
        state = self.ctx.ws.approvals.get(a.sha256, a.channel)
        void = getattr(item, "approval", "") == "void"
        key = (a.sha256, a.channel, tuple(checks), state.status, void,
               state.fingerprint, self.ctx.ws.allowed("approve"))
        if key == self._shown_for:
            return
        self._shown_for = key
        if state.status == "approved" and not void and "checks" in state.parts:
            self.ticks.set_checks(checks, state.parts.get("checks", []), editable=False,
                                  note=f"Ticked by {state.approver or 'the approver'} when it "
                                       "was approved.")
            return
        editable = self.ctx.ws.allowed("approve")
        self.ticks.set_checks(checks, editable=editable,
                              note="" if editable else "The approver ticks these checks.")

    def ticked(self) -> list[str]:
        """The ticks for the current photo, in the checklist's own words."""
        return self.ticks.ticked()


__all__ = ["ChecklistController"]
