"""Approval: the preparer marks photos ready; a senior leader (not the preparer) approves or
rejects them, one by one or all the photos the list shows after one check. An approval signs
exactly what will be published (``engine.approval_parts``); the approver's view shows that
rendered, by default. The rules are the core's (``photovet.core.approval``)."""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from photovet.core import logs, words
from photovet.core.errors import NotSignedIn, PhotoVetError
from photovet.core.transfer import delete_rejected_original

from ..context import AppContext
from ..dialogs.reason import ReasonDialog
from ..session import permit
from ..views.batch_view import PhotoItem
from ..views.photos_tab import PhotosTab
from ..words import error_text, plural, sentence
from .batch import BatchController
from .checklist import ChecklistController
from .review import ReviewController

log = logs.get("gui")


def media_count(items: list[PhotoItem]) -> str:
    """'4 photos and 1 video' for the items of the list (what each was checked as)."""
    return words.media_count(items)


class ApprovalController(QObject):
    def __init__(self, ctx: AppContext, tab: PhotosTab, batch: BatchController,
                 review: ReviewController, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.tab, self.batch, self.review = ctx, tab, batch, review
        self.window = parent
        self.approver_view = False
        panel = tab.approval
        panel.mark_ready_requested.connect(self.mark_ready)
        panel.mark_all_ready_requested.connect(self.mark_all_shown_ready)
        panel.approve_requested.connect(self.approve)
        panel.reject_requested.connect(self.reject)
        panel.approve_all_requested.connect(self.approve_all_shown)
        panel.delete_original_requested.connect(self.delete_original)
        review.shown.connect(lambda *_: self.show_state())
        ctx.approvals_changed.connect(lambda *_: self.show_state())
        ctx.settings_changed.connect(self.show_state)
        ctx.session.changed.connect(self.session_changed)
        batch.cleared.connect(self.show_state)
        # issue 18: the approver's checklist, ticked per photo or once for a selection
        self.checklist = ChecklistController(ctx, panel.checks, review.current, parent)

    @property
    def required(self) -> bool:
        return self.ctx.ws.settings.approval.required

    # -- showing -------------------------------------------------------------------------------

    def show_state(self) -> None:
        self.checklist.refresh()
        item = self.review.current()
        a = item.analysis if item is not None else None
        state = self.ctx.ws.approvals.get(a.sha256, a.channel) if a is not None and a.sha256 \
            else None
        void = item.approval_note if item is not None and item.approval == "void" else ""
        self.tab.approval.show_state(
            a, state, void, self.ctx.current_channel().label, required=self.required,
            approver_view=self.approver_view, approver=self.ctx.session.name())
        p, s = self.tab.approval, self.ctx.session
        for button, permission in ((p.ready_btn, "review"), (p.ready_all_btn, "review"),
                                   (p.approve_btn, "approve"), (p.reject_btn, "approve"),
                                   (p.approve_all_btn, "approve"),
                                   (p.delete_btn, "originals.delete")):
            permit(button, s, permission, button.isEnabled())

    def set_approver_view(self, on: bool) -> bool:
        """The senior leader's view: what will be published, the photos waiting for approval,
        and the approval buttons. Returns whether it is on."""
        if on and not self.ctx.session.allowed("approve"):
            on = False
        self.approver_view = on
        self.tab.photo.set_after_mode(on)
        self.tab.batch.set_filter("approval:ready" if on else "all")
        if on and self.tab.batch.current_item() is None:
            self.tab.batch.select_row(0)
        self.show_state()
        return on

    def session_changed(self) -> None:
        """Someone else signed in: a senior leader who does not prepare photos starts in the
        approver's view; someone who may not approve leaves it."""
        s = self.ctx.session
        want = s.allowed("approve") and (self.approver_view or not s.allowed("review"))
        if s.signed_in and not s.locked() and want != self.approver_view:
            self.set_approver_view(want)
        else:
            self.show_state()

    def _refused(self, title: str, exc: PhotoVetError) -> None:
        """The core's refusal in the panel, in its words (a lock: the lock screen)."""
        if isinstance(exc, NotSignedIn):
            self.ctx.fail(self.window, title, exc)
        else:
            self.tab.approval.say(error_text(exc), error=True)

    def _changed(self, items: list[PhotoItem]) -> None:
        self.ctx.approvals_changed.emit([it.analysis.sha256 for it in items])

    # -- preparing -----------------------------------------------------------------------------

    def _usable(self, item: PhotoItem | None) -> bool:
        return item is not None and item.analysis is not None and not item.analysis.error

    def mark_ready(self) -> None:
        item = self.review.current()
        if not self._usable(item) or not self.required:
            return
        if item.analysis.needs_review and QMessageBox.question(
                self.window, "Decisions still open",
                "This photo still has decisions for you (amber). If you mark it ready now, "
                "they stay covered. Mark it ready?") != QMessageBox.StandardButton.Yes:
            return
        self._mark([item])

    def mark_all_shown_ready(self) -> None:
        if not self.required:
            return
        todo = [it for it in self.tab.batch.shown_items()
                if self._usable(it) and it.approval in ("draft", "void", "rejected")]
        if not todo:
            self.tab.approval.say("Nothing to mark: every photo the list shows is already ready, "
                                  "approved, or could not be checked.")
            return
        still_open = [it for it in todo if it.analysis.needs_review]
        extra = (f"\n\n{media_count(still_open)} still "
                 f"{words.verb(len(still_open), 'has', 'have')} decisions open: what is open "
                 "stays covered.") if still_open else ""
        if any(getattr(it.analysis, "sound_needs_review", False) for it in still_open):
            extra += " A video's sound waits for the approver, who listens to it."
        if QMessageBox.question(
                self.window, "Mark photos ready",
                f"Mark {media_count(todo)} ready for a senior leader's approval for "
                f"{self.ctx.current_channel().label}?{extra}") != QMessageBox.StandardButton.Yes:
            return
        self._mark(todo)

    def _mark(self, items: list[PhotoItem]) -> None:
        problems, done = [], []
        for it in items:
            try:
                self.ctx.ws.approvals.mark_ready(it.analysis, batch=self.batch.label)
                done.append(it)
            except NotSignedIn as exc:
                self.ctx.fail(self.window, "Not marked ready", exc)
                break
            except PhotoVetError as exc:
                problems.append(f"{it.name}: {exc.full()}")
        if done:
            self._changed(done)
        if problems:
            self.tab.approval.say("Not marked ready:\n" + "\n".join(problems[:5]), error=True)
        else:
            self.tab.approval.say(f"{media_count(done)} marked ready for approval.")

    # -- approving -----------------------------------------------------------------------------

    def _approve(self, item: PhotoItem, checks: list[str] | None = None) -> None:
        a = item.analysis
        self.ctx.ws.approvals.approve(a, self.ctx.engine.approval_parts(a), checks=checks)

    def approve(self) -> None:
        item = self.review.current()
        if not self._usable(item) or not self.required or self.ctx.engine is None:
            return
        try:
            self._approve(item, self.checklist.ticked())
        except PhotoVetError as exc:
            self._refused("Not approved", exc)
            return
        self._changed([item])
        self._next_after(item)

    def _next_after(self, item: PhotoItem) -> None:
        """Go on to the next photo the list shows (the filter may have removed this one)."""
        shown = self.tab.batch.shown_items()
        if item in shown:
            self.tab.batch.move(1)
        elif shown:
            self.tab.batch.select_row(0)

    def approve_all_shown(self) -> None:
        """Every photo and video the list shows that waits for approval, after one confirmation
        and one checklist. Anything that goes wrong is said in the panel and in a dialog, never
        swallowed (a slot's exception would only reach the log)."""
        if not self.required or self.ctx.engine is None:
            return
        try:
            self._approve_all_shown()
        except Exception as exc:   # said to the person, in words, and logged
            # the log holds ids, never names: the exception's type and where, not its message
            log.error("approve all shown failed: %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            self.ctx.fail(self.window, "Not approved", exc)
            self.tab.approval.say(f"Nothing more was approved: {error_text(exc)}", error=True)

    def _approve_all_shown(self) -> None:
        todo = [it for it in self.tab.batch.shown_items()
                if self._usable(it) and it.approval in ("ready", "void")]
        if not todo:
            self.tab.approval.say("Nothing to approve: the list shows no photo waiting for "
                                  "approval.")
            return
        approver = self.ctx.session.name()
        if not self.confirm_approve_all(todo, approver):
            return
        checks = self.checklist.for_selection(len(todo))
        if checks is None:
            return
        problems, done = [], []
        for it in todo:
            try:
                self._approve(it, checks)
                done.append(it)
            except NotSignedIn as exc:
                self.ctx.fail(self.window, "Not approved", exc)
                break
            except PhotoVetError as exc:
                problems.append(f"{it.name}: {exc.full()}")
        if done:
            self._changed(done)
        text = f"{media_count(done)} approved by {approver}."
        if problems:
            text += " Not approved:\n" + "\n".join(problems[:5])
        self.tab.approval.say(text, error=bool(problems))

    def confirm_approve_all(self, items: list[PhotoItem], approver: str) -> bool:
        """One confirmation for the selection: who is shown and how much is covered, from what
        the core says each photo or video publishes (``engine.publication``: faces of a photo,
        face tracks of a video), never re-decided here."""
        engine = self.ctx.engine
        people = engine.people_by_id
        shown: set[str] = set()
        covered = 0
        for it in items:
            a = it.analysis
            shown |= set(engine.publication(a).people_shown)
            covered += a.cover_count + a.covered_text_count + len(a.manual)
        names = ", ".join(sorted(people[p].display_name for p in shown if p in people)) or \
            "nobody"
        what = media_count(items)
        box = QMessageBox(QMessageBox.Icon.Question, "Approve all shown",
                          f"Approve {what} for "
                          f"{self.ctx.current_channel().label} as {approver}?",
                          parent=self.window)
        box.setInformativeText(
            f"Faces shown: {names}.\n{plural(covered, 'face or name', 'faces or names')} "
            "covered.\n\n"
            "Each one is approved exactly as it is now; any later change to its review or to "
            "the consent of someone in it voids the approval.")
        box.setDetailedText("\n".join(it.name for it in items))
        ok = box.addButton(f"Approve {what}", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is ok

    def reject(self) -> None:
        item = self.review.current()
        if not self._usable(item) or not self.required:
            return
        dlg = ReasonDialog("Reject this photo", f"Reject {item.name} for "
                           f"{self.ctx.current_channel().label}? It will not be exported. Say "
                           "why, so the preparer knows (optional).", ok_text="Reject",
                           required=False, multiline=True, parent=self.window)
        if not dlg.exec():
            return
        try:
            self.ctx.ws.approvals.reject(item.analysis, comment=dlg.value())
        except PhotoVetError as exc:
            self._refused("Not rejected", exc)
            return
        self._changed([item])

    def delete_original(self) -> None:
        """A rejected photo's original, deleted at once (to the trash), audited."""
        item = self.review.current()
        if not self._usable(item):
            return
        answer = QMessageBox.warning(
            self.window, "Delete this original now?",
            f"Delete the original photo {item.name} now?\n\n{Path(item.path).parent}\n\nIt goes "
            "to the Recycle Bin / Trash (empty it to delete it for good). This is recorded in the "
            "audit log with your name.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            delete_rejected_original(item.path, sha256=item.analysis.sha256,
                                     approvals=self.ctx.ws.approvals, audit=self.ctx.ws.audit)
        except NotSignedIn as exc:
            self.ctx.fail(self.window, "Not deleted", exc)
            return
        except PhotoVetError as exc:
            QMessageBox.warning(self.window, "Not deleted", sentence(error_text(exc)))
            return
        self.batch.remove(item.path)
        self.ctx.records_changed.emit()
        self.tab.approval.say(f"{item.name} was moved to the Recycle Bin / Trash.")


__all__ = ["ApprovalController"]
