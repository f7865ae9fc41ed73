"""Review of the current photo: showing it (with what will be published) and recording every
change a person makes through the core's ``Reviewer``.

Every decision is stored in the register the moment it is made (and audited); nothing is kept
only in the window, so a restart keeps the review. A change policy refuses is explained in
plain words; a change made elsewhere meanwhile (another PC) is reported with "Reload".
"""

from __future__ import annotations

import collections
import copy
import functools
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from photovet.core import policy
from photovet.core.errors import PhotoVetError
from photovet.core.media import imaging
from photovet.core.media.preview import published_image
from photovet.core.media.video.reader import is_video_file
from photovet.core.memory import release as release_memory
from photovet.core.models import Cover
from photovet.core.review import ALL, ReviewConflict, ReviewRefused
from photovet.core.words import (
    app_hint,
    approval_withdrawn,
    covering_what_was_left_readable,
    media_of,
    tally,
)

from ..context import AppContext
from ..dialogs.reason import ReasonDialog
from ..dialogs.who import PersonPicker, place_beside
from ..glyphs import app_drawable
from ..session import permission_tip
from ..tasks import pil_to_qimage
from ..views.batch_view import PhotoItem
from ..views.photo_view import COVER, FACE, NOTHING_ADDED, TEXT, face_name, face_person
from ..views.photos_tab import PhotosTab
from ..words import read_words, sentence, text_question
from .batch import BatchController, approval_state, as_handed_on

PREVIEW_MAX = 1600
PREVIEWS_KEPT = 4


def render_published(pil_image, covers: list[Cover], size: tuple[int, int], style: str):
    """The preview with the export's covers painted on (worker thread; the core's renderer, the
    same as the approver's contact sheet, so what is shown is what is exported)."""
    return pil_to_qimage(published_image(pil_image, covers, size, style=style))


def tell_stays_covered(window, ask: policy.OverrideAsk, beside: QRect | None = None) -> None:
    """Once a face was named: what the naming did not do, when the core says so
    (``OverrideAsk.note``: a face PhotoVet matched to a pupil who must never be published
    keeps its cover whatever it is named, s36), at once, not only in the findings later;
    ``beside``: the face on screen (global coordinates), left in view."""
    if ask.note:
        box = QMessageBox(QMessageBox.Icon.Information, "Name recorded: the face stays covered",
                          sentence(ask.note), parent=window)
        box.setObjectName("NamedStaysCovered")
        if beside is not None:
            box.adjustSize()
            place_beside(box, beside)
        box.exec()


def confirm_assignment(window, ask: policy.OverrideAsk, name: str,
                       beside: QRect | None = None, *, confirming: bool = False,
                       check=None) -> str | None:
    """Naming a face by hand, as the core answered (``Reviewer.face_ask`` /
    ``VideoReviewer.track_ask`` "assign"): "" when no reason is needed, the reason typed after
    a confirmation that says what PhotoVet recognised and both people's consent (the core's
    words), or None (cancelled, or refused: said). ``name``: the person chosen;
    ``confirming``: it is PhotoVet's own uncertain match (a twin or a look-alike near it may
    not be shown here); ``check``: the core's refusal of a reason that names a pupil
    (``Workspace.free_text_refusal``)."""
    if ask.allowed:
        return ""
    if not ask.needs_reason:        # refused whatever the reason (or an answer not known)
        QMessageBox.information(window, "This change is not allowed",
                                sentence(ask.words or "this change is not allowed")
                                + "\n\nNothing was changed.")
        return None
    dlg = ReasonDialog(
        "It could be someone else" if confirming else "PhotoVet recognised someone else",
        f"{ask.words}\n\nIf you are sure this is {name}, say why. Your reason and your name are "
        "kept with the photo, and the approver is shown that this face was named by hand.",
        ok_text=f"It is {name}: record",
        placeholder="For example: checked with the class teacher, who can tell them apart"
        if confirming else "For example: twins, checked with the class teacher",
        parent=window, check=check)
    dlg.setObjectName("AssignReasonDialog")
    if beside is not None:      # the face stays in view while the person decides
        dlg.adjustSize()
        place_beside(dlg, beside)
    return (dlg.value() or None) if dlg.exec() else None


def ask_reason(window, title: str, question: str, placeholder: str = "", *,
               about: QRect | None = None, check=None) -> str:
    """The question why (a face shown or called not a face, words left readable), for a photo
    or a video: the reason typed, "" when cancelled. ``about``: the face or words asked about,
    on screen (global coordinates): the question is put beside it, never over it (centred on
    the window, it could hide the very words it asks about); ``check``: the core's refusal of
    a reason that names a pupil."""
    dlg = ReasonDialog(title, question, ok_text="Record and go on", placeholder=placeholder,
                       parent=window, check=check)
    if about is not None:
        dlg.adjustSize()
        place_beside(dlg, about)
    return dlg.value() if dlg.exec() else ""


def ask_refused(window, ask: policy.OverrideAsk, title: str) -> bool:
    """The core's answer says no reason would make the change allowed: said (nothing changed),
    True. False when it may be made (at once, or with a reason)."""
    if ask.allowed or ask.needs_reason:
        return False
    QMessageBox.information(window, title, sentence(ask.words or "this change is not allowed")
                            + "\n\nNothing was changed.")
    return True


def _as_seen(method):
    """A decision made from what the person saw when they began it: the photo's review
    version then (the outermost call keeps it, through its dialogs, a reason typed or a person
    picked, during which another PC's change may arrive and be shown) is the version the core
    checks (s42: a reason typed here while the other PC kept the face covered recorded
    "show" over it without a word). ``_record`` uses it."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        if self._seen is not None:
            return method(self, *args, **kwargs)
        item = self.current()
        self._seen = (item.path, item.analysis.review_version) \
            if item is not None and item.analysis is not None else None
        try:
            return method(self, *args, **kwargs)
        finally:
            self._seen = None
    return run


class ReviewController(QObject):
    shown = Signal(object)      # the PhotoItem now shown (or None)
    changed = Signal(object)    # a PhotoItem whose review changed

    def __init__(self, ctx: AppContext, tab: PhotosTab, batch: BatchController,
                 parent: QWidget):
        super().__init__(parent)
        self.ctx, self.tab, self.batch = ctx, tab, batch
        self.window = parent
        # (path, review version) the decision being made began from: ``_as_seen``
        self._seen: tuple[str, str] | None = None
        # path -> (PIL preview, QImage, the checked content it was decoded from: "" when it
        # was decoded before the photo was checked, and then decoded again from the checked
        # bytes before it is shown: a file changed since it was checked is never shown as if
        # it were the checked photo)
        self.previews: collections.OrderedDict[str, tuple[Any, QImage, str]] = \
            collections.OrderedDict()
        self.published: dict[str, tuple[str, QImage]] = {}
        self._loading: str | None = None      # the photo whose preview is being decoded
        self._stale: str | None = None        # a photo whose preview was let go to decode again
        self._rendering: str | None = None    # the photo being painted as published
        # One preview decoded and one "what will be published" painted at a time; when one is
        # done, the photo then on screen is next. Moving quickly through a batch of 12 MP
        # photos used to decode every photo passed, each in a thread of its own, at once.
        # ``_wanted`` is the photo on screen whose preview is wanted (a plain string the
        # workers read, no widget): a job for a photo already left is skipped. Each job ends
        # by giving freed memory back to the system (in the worker, not the window's thread):
        # the C library kept about 150 MB of freed decodes after a look through 40 photos.
        self._wanted: str | None = None
        # files found to be videos by their content while still being checked: the player
        # shows their frames (controllers/video.py); they are never sent to the photo decoder
        self._videos: set[str] = set()
        # issue 17: shows the item itself and returns True when it is not a photo (a video)
        self.media_hook: Callable[[PhotoItem | None], bool] | None = None
        photo, canvas, findings = tab.photo, tab.photo.canvas, tab.findings
        tab.batch.current_changed.connect(lambda *_: self.show_current())
        batch.analysed.connect(self._analysed)
        batch.unchecked_changed.connect(self._unchecked_changed)
        batch.cleared.connect(self.show_current)
        canvas.selected.connect(lambda k, i: findings.select(k, i))
        canvas.context_requested.connect(self.context_menu)
        canvas.cover_drawn.connect(self.add_cover)
        canvas.navigate.connect(tab.batch.move)
        findings.row_selected.connect(lambda k, i: canvas.select(k, i))
        findings.context_requested.connect(self.context_menu)
        findings.face_action.connect(self.face_action)
        findings.text_action.connect(self.text_action)
        findings.keep_rest.connect(self.keep_rest)
        findings.keys_back.connect(lambda: canvas.setFocus(Qt.FocusReason.OtherFocusReason))
        # marked ready or approved (here or on another PC): its open questions are said again
        batch.model.dataChanged.connect(lambda *_: self._approval_shown())
        # the open questions' buttons are for an account that may make them (the core's roles)
        ctx.session.changed.connect(
            lambda *_: findings.set_can_decide(self.ctx.ws.allowed("review")))
        photo.after_toggled.connect(lambda *_: self.show_current())
        photo.assign_requested.connect(self.assign_selected)
        ctx.register_changed.connect(self.show_current)
        ctx.reviews_changed.connect(self._reviewed_elsewhere)
        ctx.session.changed.connect(self._session_changed)
        # the list on the left filled in, emptied or changed its choice with nothing chosen
        # (the senior leader's waiting list fills in as the last batch is checked again):
        # open the first one, or say what is true (never "Add photos" beside a list of them)
        self._settling = False
        proxy = tab.batch.proxy
        for sig in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset,
                    proxy.layoutChanged):
            sig.connect(self._list_changed)
        # ...and the batch filled in with none of it for the choice (s38 walk: the senior
        # leader's "Waiting for approval (0)" beside 41 approved photos read "Add photos to
        # start", said before the batch was read and never again)
        model = tab.batch.model
        for sig in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            sig.connect(self._list_changed)

    # -- the current photo -------------------------------------------------------------------------

    def current(self) -> PhotoItem | None:
        return self.tab.batch.current_item()

    def _reviewer(self):
        """The core's ``Reviewer`` for the signed-in account, with the engine's register rows."""
        return self.ctx.ws.reviewer(self._people().get)

    def _people(self) -> dict[str, Any]:
        return self.ctx.engine.people_by_id if self.ctx.engine is not None else {}

    def _analysed(self, analyses: list) -> None:
        cur = self.current()
        if cur is not None and any(a.path == cur.path for a in analyses):
            self.show_current()

    def _reviewed_elsewhere(self, shas: list[str]) -> None:
        """The photo on screen is shown again when another PC changed its review (the batch,
        connected first, has decided it again)."""
        item = self.current()
        if item is not None and item.analysis is not None and \
                (not shas or item.analysis.sha256 in shas):
            self.show_current()

    def _unchecked_changed(self, paths: list[str]) -> None:
        """The photo on screen is no longer being checked (stopped, the server away), or is
        again: its view says which (s42: "Still being checked..." while nobody checked it)."""
        item = self.current()
        if item is not None and item.path in paths:
            self.show_current()

    def show_current(self) -> None:
        if self.ctx.register_closed:
            # a late redraw (the list settling, a preview or a check arriving) of a window
            # closed with its register: nothing to show, the register is not read, and no
            # listener of ``shown`` is told
            return
        item = self.current()
        self._wanted = None
        self.tab.showing(item.path if item is not None else None)
        photo, findings = self.tab.photo, self.tab.findings
        if item is None:
            if self.media_hook is not None:
                self.media_hook(None)         # back to the photo view (a video was shown)
            photo.clear(self.nothing_chosen())
            findings.show_analysis(None, {})
            self.shown.emit(None)
            return
        if self.media_hook is not None and self.media_hook(item):
            self.shown.emit(item)
            return
        photo.can_review = self.ctx.ws.allowed("review")
        # (an approval lapsed with its approver's role is still handed on: as_handed_on)
        photo.approval = as_handed_on(self.ctx, item.analysis, item.approval)
        a = item.analysis
        preview = self.previews.get(item.path)
        if preview is not None and a is not None and not a.error and preview[2] != a.sha256:
            del self.previews[item.path]      # decoded before it was checked, or another file
            self.published.pop(item.path, None)
            self._stale = item.path           # decoded again, even if its load is ending now
            preview = None
        image = preview[1] if preview else None
        if a is None:
            # s42: one nobody checks (stopped, the server away) says so and what to do; s45: the
            # hint under it no longer says "Click a face..." from the photo shown before
            photo.show_checking(item.name,
                                f"{item.name}\n\n{item.unchecked_words()}" if item.unchecked
                                else f"{item.name}\n\nStill being checked\u2026",
                                checking=not item.unchecked)
        elif a.error and item.original_gone is not None:
            # checked again once PhotoVet deleted its original: what happened (s42), not
            # "could not be checked: the file does not exist"
            photo.show_analysis(None, None, self._people(), item.name)
            media = media_of(item.path)
            photo.canvas.set_message(f"{item.name}\n\nThis {media} cannot be shown here. "
                                     f"{item.original_gone.detail(media)}")
        elif item.original_gone is not None:
            # deleted, not checked again yet: said as a preview that cannot be read says it
            # (s44 walk: the original was still drawn from memory as if it could be worked on)
            photo.show_analysis(None, None, self._people(), item.name)
            media = media_of(item.path)
            photo.canvas.set_message(f"This {media} cannot be shown here. "
                                     f"{item.original_gone.detail(media)}")
        elif a.error:
            # a file that could not be checked: why, and what to do, never "Loading..." forever
            photo.show_analysis(None, None, self._people(), item.name)
            photo.canvas.set_message(
                f"{item.name}\n\nThis file could not be checked: {a.error.strip().rstrip('.')}.\n\n"
                "It is never exported. To take it out of the batch, right-click it in the list "
                "and choose \u201cRemove from this batch\u201d (the file itself is not "
                "touched).")
        else:
            photo.show_analysis(a, image, self._people(), item.name)
        gone = item.original_gone is not None
        if (a is None or not a.error) and not gone:
            self._wanted = item.path
            if preview is None and item.path not in self._videos:
                self._load_preview(item.path)
        if photo.canvas.show_after and a is not None and not a.error and preview is not None \
                and not gone:
            key = self._published_key(a)
            done = self.published.get(item.path)
            photo.canvas.set_after(done[1] if done and done[0] == key else None)
            if not done or done[0] != key:
                self._render(item)
        findings.can_decide = self.ctx.ws.allowed("review")
        findings.approval = photo.approval
        findings.show_analysis(a, self._people(), checking=a is None,
                               not_checked=a is None and bool(item.unchecked))
        if a is not None and a.error and item.original_gone is not None:
            # not "could not be checked (the file does not exist...)": what happened (s42)
            findings.say_summary(item.original_gone.detail(media_of(item.path)))
        self.shown.emit(item)

    def _approval_shown(self) -> None:
        """The photo on screen's approval state as the list holds it, for its open questions
        (``policy.waiting_for_decision``: the banner and the panel say the same)."""
        item = self.current()
        if item is not None and item.analysis is not None and not item.is_video:
            state = as_handed_on(self.ctx, item.analysis, item.approval)
            self.tab.findings.set_approval(state)
            self.tab.photo.set_approval(state)

    def _session_changed(self) -> None:
        """Someone else signed in: the tools that change a review are theirs only if they may
        review."""
        photo = self.tab.photo
        photo.can_review = self.ctx.ws.allowed("review")
        a = photo.canvas.analysis
        photo.set_enabled_tools(a is not None and not a.error)

    def nothing_chosen(self) -> str:
        """What the middle says when no photo is chosen: true for the batch and the list."""
        items = self.batch.model.items
        if not items:
            return NOTHING_ADDED
        view = self.tab.batch
        if not view.proxy.rowCount():
            # the choice by its name, without its count (s36: "Nothing in this batch is in the
            # list on the left for this choice" left the office to work out which choice)
            choice = re.sub(r" \(\d+\)$", "", view.filter_combo.currentText())
            return (f"Nothing in this batch is \u201c{choice}\u201d now. To see the others, "
                    f"choose \u201c{view.show_all.text()}\u201d on the left.")
        videos = tally(items)[1]
        return f"Choose a photo{' or video' if videos else ''} on the left to see it."

    def _list_changed(self, *_args) -> None:
        if not self._settling:            # once, after the list has settled
            self._settling = True
            QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        self._settling = False
        if self.ctx.register_closed or self.current() is not None:
            return
        if self.tab.batch.proxy.rowCount():
            self.tab.batch.select_row(0)      # opens it (current_changed)
        if self.current() is None:
            # only the words in the middle: nothing else changed (the approval panel keeps
            # what it just said, e.g. "11 approved by ...")
            self.tab.photo.clear(self.nothing_chosen())

    def _checked_sha(self, path: str) -> str:
        """The content PhotoVet checked for the photo on screen at ``path`` ("" before)."""
        cur = self.current()
        a = cur.analysis if cur is not None and cur.path == path else None
        return a.sha256 if a is not None and not a.error else ""

    def _load_preview(self, path: str) -> None:
        if self._loading is not None:
            return          # one at a time: ``_preview_done`` starts the next
        self._loading = path
        sha = self._checked_sha(path)

        def load():
            if path != self._wanted:
                return None               # moved past before its turn came
            if is_video_file(path):       # by content: shown the video's way once checked
                return path, None, None
            pil = imaging.thumbnail(path, PREVIEW_MAX, sha256=sha or None)
            out = path, pil, pil_to_qimage(pil)
            release_memory()              # the decode's buffers (and previews let go since)
            return out

        def loaded(res) -> None:
            if res is None:
                return
            p, pil, qimg = res
            if pil is None:
                self._videos.add(p)
                return
            self.previews[p] = (pil, qimg, sha)
            while len(self.previews) > PREVIEWS_KEPT:
                old, _ = self.previews.popitem(last=False)
                self.published.pop(old, None)
            cur = self.current()
            if cur is not None and cur.path == p:
                self.show_current()

        def failed(text: str) -> None:
            cur = self.current()
            if cur is not None and cur.path == path:
                gone = cur.original_gone
                # its original deleted after posting: what happened, not "the file does not
                # exist (was it moved or deleted?)" (s42)
                self.tab.photo.canvas.set_message(
                    f"This photo cannot be shown here. {gone.detail('photo')}"
                    if gone is not None else f"This photo cannot be shown: {text}")

        self.ctx.workers.start(load, name="preview", on_return=loaded, on_error=failed,
                               on_finish=lambda *_: self._preview_done(path))

    def _preview_done(self, path: str) -> None:
        self._loading = None
        wanted = self._wanted
        again = self._stale == wanted         # its preview was let go as not the checked one
        self._stale = None
        if wanted is not None and (wanted != path or again) and wanted not in self.previews \
                and wanted not in self._videos:
            self._load_preview(wanted)

    def _published_key(self, a) -> str:
        return f"{a.channel}|{a.review_version}|{self.ctx.ws.settings.cover.style}|" \
               f"{[(f.decision, f.box) for f in a.faces]}|{[t.decision for t in a.texts]}"

    def _render(self, item: PhotoItem) -> None:
        a, preview = item.analysis, self.previews.get(item.path)
        if a is None or preview is None or self.ctx.engine is None or self._rendering is not None:
            return          # one at a time: ``_render_done`` starts the next
        self._rendering = item.path
        key = self._published_key(a)
        covers = self.ctx.engine.covers(a)
        pil, size, style = preview[0], (a.width, a.height), self.ctx.ws.settings.cover.style
        path = item.path

        def render():
            if path != self._wanted:
                return None               # moved past before its turn came
            out = render_published(pil, covers, size, style)
            release_memory()
            return out

        def rendered(img: QImage | None) -> None:
            if img is None:
                return
            self.published[path] = (key, img)
            cur = self.current()
            if cur is not None and cur.path == path:
                self.show_current()

        self.ctx.workers.start(render, name="published", on_return=rendered,
                               on_error=lambda t: self.tab.photo.canvas.set_message(
                                   f"What will be published cannot be shown: {t}"),
                               on_finish=lambda *_: self._render_done(path))

    def _render_done(self, path: str) -> None:
        """Paint the photo on screen next if it still needs it: another photo (moved on), or
        this one changed while it was painted (a decision made meanwhile). Not again after a
        failure: its message stays."""
        self._rendering = None
        item = self.current()
        if item is None or item.analysis is None or item.path != self._wanted \
                or not self.tab.photo.canvas.show_after:
            return
        done = self.published.get(item.path)
        if item.path == path and done is None:
            return
        if not done or done[0] != self._published_key(item.analysis):
            self._render(item)

    # -- recording a decision --------------------------------------------------------------------

    def _record(self, what, *, retry_reason: bool = False) -> bool:
        """Run ``what(reviewer, analysis, channel)`` (as the signed-in account); re-decide and
        show. False when the change was not made (cancelled, refused, or changed elsewhere)."""
        item = self.current()
        if self._seen is not None and (item is None or item.path != self._seen[0]):
            # the photo left the list on screen while its dialog was open (s42: the other PC
            # answered its last question, and "Yours to decide" no longer held it): the
            # decision is still about that photo (never another one's face or line), and the
            # core says if it was changed meanwhile
            item = self.batch.model.item_for(self._seen[0])
        if item is None or item.analysis is None or item.analysis.error or self.ctx.engine is None:
            return False
        reviewer = self._reviewer()
        seen = item.analysis
        if self._seen is not None and self._seen[1] != seen.review_version:
            # changed elsewhere while a dialog of this decision was open: the core checks the
            # version the person decided on, and says who changed it
            seen = copy.copy(seen)
            seen.review_version = self._seen[1]
        try:
            what(reviewer, seen, self.ctx.current_channel())
        except ReviewRefused as exc:
            QMessageBox.information(self.window, "This change is not allowed",
                                    sentence(exc.message) + "\n\nNothing was changed.")
            return False
        except ReviewConflict as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Changed by someone else",
                              sentence(exc.message) + (f"\n\n{sentence(app_hint(exc.hint) or '')}" if exc.hint
                                                       else ""),
                              parent=self.window)
            reload = box.addButton("Reload the photo", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is reload:
                self.reload()
            return False
        except PhotoVetError as exc:
            self.ctx.fail(self.window, "Not changed", exc)
            return False
        self.batch.redecide(item)
        self.published.pop(item.path, None)
        self.show_current()
        self.changed.emit(item)
        self.ctx.approvals_changed.emit([item.analysis.sha256])
        return True

    def reload(self) -> None:
        item = self.current()
        if item is not None:
            self.batch.redecide(item)
            self.show_current()

    # -- faces -----------------------------------------------------------------------------------

    @_as_seen
    def face_action(self, index: int, action: str) -> bool:
        item = self.current()
        if item is None or item.analysis is None or not 0 <= index < len(item.analysis.faces):
            return False
        face = item.analysis.faces[index]
        self.tab.photo.canvas.select(FACE, index)
        if action == "yes":
            # "Yes, it is Grace": as the core has it, a reason first when someone near the face
            # (a twin, a look-alike) may not be shown here (policy.assign_needs_reason)
            pid = face.person
            ask = self._assign_ask(item.analysis, index, pid) if pid else policy.OverrideAsk(
                policy.ALLOWED)
            reason = self.assign_reason(item.analysis, index, pid, ask) if pid else ""
            if reason is None:
                return False
            done = self._record(lambda r, a, ch: r.face(a, index, "assign", ch,
                                                           person=pid, reason=reason))
            if done:
                tell_stays_covered(self.window, ask, self._face_rect(item.analysis, index))
            return done
        if action in ("no", "cover"):
            return self._record(lambda r, a, ch: r.face(a, index, "cover", ch))
        if action == "not-a-face":
            return self.not_a_face(index)
        if action == "undo":
            return self._record(lambda r, a, ch: r.undo_face(a, index, ch))
        if action == "who":
            return self.assign(index)
        if action == "show":
            return self.show_face(index)
        return False

    @_as_seen
    def show_face(self, index: int) -> bool:
        """Show a covered face: the core refuses it, or asks for a reason, or allows it."""
        return self._face_with_reason(
            index, "show", "Show this face?", "This face cannot be shown",
            "For example: an adult visitor who agreed to be in the photo")

    @_as_seen
    def not_a_face(self, index: int) -> bool:
        """It is not a face (so it is not covered): the core refuses it (a recognised face),
        asks for a reason (a sure detection), or allows it at once (a weak box)."""
        return self._face_with_reason(
            index, "not-a-face", "Not a face?", "This cannot be marked not a face",
            "For example: a pattern on the wall, a cartoon character on a T-shirt")

    def _face_with_reason(self, index: int, action: str, title: str, refused_title: str,
                          placeholder: str) -> bool:
        """``action`` on a face as the core's policy has it: refused whatever the reason (said,
        nothing changed), allowed with a reason (asked, recorded with the name), or allowed."""
        a = self.current().analysis
        ask = self._reviewer().face_ask(a, index, action, self.ctx.current_channel(),
                                        mode=a.mode)
        if ask_refused(self.window, ask, refused_title):
            return False
        if not self.approval_withdrawn_ok(a, index, action):
            return False
        reason = ""
        if ask.needs_reason:
            reason = self.ask_reason(
                title, f"{sentence(ask.words)}\n\nYour reason is recorded with your name.",
                placeholder=placeholder, about=self._face_rect(a, index))
            if not reason:
                return False
        return self._record(lambda r, a_, ch: r.face(a_, index, action, ch,
                                                        reason=reason, mode=a_.mode))

    def approval_withdrawn_ok(self, a, index: int, action: str, *, text: bool = False
                              ) -> bool:
        """Before a change that withdraws the photo's approval (the core says which approvals
        it voids: ``Reviewer.face_scopes``, ``Approvals.voided_by_review``; the one on this
        channel only while it counts now): what was approved and posted, and what the change
        does, with Cancel. True to go on (nothing approved is withdrawn, or they chose to)."""
        ws = self.ctx.ws
        channel = self.ctx.current_channel()
        try:
            reviewer = self._reviewer()
            scopes = (reviewer.text_scopes(a, index, action, channel) if text else
                      reviewer.face_scopes(a, index, action, channel, mode=a.mode))
            voids = [st for st in ws.approvals.voided_by_review(a.sha256, scopes)
                     if st.channel != a.channel or approval_state(self.ctx, a)[0] == "approved"]
            if not voids:
                return True
            label = ws.channels.label
            posts = [(label(p.channel), p.posted_on)
                     for rec in ws.records.exports_of([a.sha256]) for p in rec.posts]
        except PhotoVetError as exc:
            self.ctx.fail(self.window, "Not changed", exc)
            return False
        change = ("Leaving this text readable" if text else
                  {"show": "Showing this face",
                   "not-a-face": "Marking it as not a face"}.get(action, "This change"))
        box = QMessageBox(QMessageBox.Icon.Warning, "Withdraw the approval?",
                          approval_withdrawn(change, [(st.approver or "", label(st.channel),
                                                       st.decided_at or "") for st in voids],
                                             posts), parent=self.window)
        box.setObjectName("ApprovalWithdrawnBox")
        go = box.addButton("Withdraw the approval and go on", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is go

    def ask_reason(self, title: str, question: str, placeholder: str = "",
                   about: QRect | None = None) -> str:
        return ask_reason(self.window, title, question, placeholder, about=about,
                          check=self.ctx.ws.free_text_refusal)

    def assign_selected(self) -> None:
        kind, index = self.tab.photo.canvas.selection
        a = self.current().analysis if self.current() is not None else None
        if a is None or not a.faces:
            return
        if kind != FACE:
            if len(a.faces) != 1:
                QMessageBox.information(self.window, "Who is this?",
                                        "Click a face first, then choose Who is this?")
                return
            index = 0
        self.assign(index)

    @_as_seen
    def assign(self, index: int) -> bool:
        item = self.current()
        if item is None or item.analysis is None or self.ctx.engine is None:
            return False
        pid = self.choose_person(index)
        if not pid:
            return False
        ask = self._assign_ask(item.analysis, index, pid)
        reason = self.assign_reason(item.analysis, index, pid, ask)
        if reason is None:
            return False
        done = self._record(lambda r, a, ch: r.face(a, index, "assign", ch, person=pid,
                                                     reason=reason, mode=a.mode))
        if done:        # the name kept, the face still covered: said at once, and why
            tell_stays_covered(self.window, ask, self._face_rect(item.analysis, index))
        return done

    def _face_rect(self, a, index: int) -> QRect:
        """Face ``index`` of ``a`` on screen, in global coordinates."""
        canvas = self.tab.photo.canvas
        r = canvas.to_screen(a.faces[index].box).toRect()
        return QRect(canvas.mapToGlobal(r.topLeft()), r.size())

    def _text_rect(self, a, index: int) -> QRect | None:
        """Text ``index`` of ``a`` on screen, in global coordinates (None: it has no place)."""
        t = a.texts[index]
        if not t.polygon:
            return None
        canvas = self.tab.photo.canvas
        r = canvas.poly_to_screen(t.polygon).boundingRect().toRect()
        return QRect(canvas.mapToGlobal(r.topLeft()), r.size())

    def _assign_ask(self, a, index: int, pid: str) -> policy.OverrideAsk:
        return self._reviewer().face_ask(a, index, "assign", self.ctx.current_channel(),
                                         person=pid, mode=a.mode)

    def assign_reason(self, a, index: int, pid: str,
                      ask: policy.OverrideAsk | None = None) -> str | None:
        """Naming ``face`` as ``pid``: "" when the core needs no reason; else, after telling
        the person whom PhotoVet recognised and their consent (the core's words), the reason
        they type (None: they did not confirm). Refused outright: said, None. ``ask``: the
        core's answer, when already asked."""
        ask = ask or self._assign_ask(a, index, pid)
        chosen = self._people().get(pid)
        return confirm_assignment(self.window, ask,
                                  chosen.display_name if chosen is not None else "them",
                                  self._face_rect(a, index),
                                  confirming=policy.recognised_as(a.faces[index]) == pid,
                                  check=self.ctx.ws.free_text_refusal)

    def choose_person(self, index: int) -> str | None:
        a = self.current().analysis
        people = list(self._people().values())
        dlg = PersonPicker(people, self.ctx.current_channel(), a.media, parent=self.window)
        canvas = self.tab.photo.canvas
        r = canvas.to_screen(a.faces[index].box).toRect()
        dlg.place_beside(QRect(canvas.mapToGlobal(r.topLeft()), r.size()))
        return dlg.chosen() if dlg.exec() else None

    # -- texts -----------------------------------------------------------------------------------

    @_as_seen
    def text_action(self, index: int, action: str) -> bool:
        item = self.current()
        if item is None or item.analysis is None or not 0 <= index < len(item.analysis.texts):
            return False
        self.tab.photo.canvas.select(TEXT, index)
        if action == "cover":
            if not self.cover_here_ok(item.analysis, [index]):
                return False
            return self._record(lambda r, a, ch: r.text(a, index, "cover", ch))
        t = item.analysis.texts[index]
        ask = self._reviewer().text_ask(item.analysis, index, "keep",
                                        self.ctx.current_channel())
        if ask_refused(self.window, ask, "This text stays covered"):
            return False
        if not self.approval_withdrawn_ok(item.analysis, index, "keep", text=True):
            return False
        reason = ""
        if ask.needs_reason:
            reason = self.ask_reason(
                "Leave this text readable?",
                "{}: {}.".format(*text_question(t.text, t.kind, t.reason, app_drawable(),
                                                t.context))
                + f"\n\n{sentence(ask.words)} "
                "Your reason is recorded with your name.",
                placeholder="For example: it is the name of the street, not a pupil",
                about=self._text_rect(item.analysis, index))
            if not reason:
                return False
        return self._record(lambda r, a, ch: r.text(a, index, "keep", ch,
                                                       reason=reason))

    @_as_seen
    def keep_rest(self) -> bool:
        """"Keep the rest covered" (the panel's button, or K): only while the photo waits for
        a decision (``policy.waiting_for_decision``, as the list holds it and as the register
        says now: ``approval_state``), as the button is shown. On a photo marked ready or
        approved what is open already stays covered, and K recorded a decision that voided
        its approval (the button is hidden there): now nothing is changed, and the status bar
        says why."""
        item = self.current()
        if item is None or item.analysis is None or not item.analysis.needs_review:
            return False
        a = item.analysis
        # as the list holds it and as the register says now; an approval that lapsed with its
        # approver's role is still handed on (s31: K acted there, voiding it once more)
        held = as_handed_on(self.ctx, a, item.approval)
        now = as_handed_on(self.ctx, a, approval_state(self.ctx, a)[0])
        if not (policy.waiting_for_decision(True, held)
                and policy.waiting_for_decision(True, now)):
            done = "approved" if "approved" in (now, held) else "marked ready"
            lapsed = as_handed_on(self.ctx, a, "void") == "approved"     # as the register says
            self.batch.status.say(
                f"Nothing changed: this photo was {done} with its open questions covered, and "
                "they stay covered." + (
                    " Its approval no longer counts only because its approver's role ended: a "
                    "current senior leader approves it again (Approve \u203a Approve again "
                    "where the approver's role ended\u2026)." if lapsed else ""))
            return False
        # a video's lines are tracks, decided in the player: the core refuses it in its words
        # (s65 walk: K on a video stopped with "AttributeError: 'VideoAnalysis' object has no
        # attribute 'texts'" before the core was asked)
        if getattr(a, "media", "photo") == "photo" and not self.cover_here_ok(
                a, [i for i, t in enumerate(a.texts) if t.needs_review]):
            return False
        return self._record(lambda r, a, ch: r.keep_rest_covered(a, ch))

    def cover_here_ok(self, a, indices: list[int]) -> bool:
        """Before covering the lines ``indices``: when a person left any of them readable for
        another channel, the core's words say it will be covered there too (a cover is for
        every channel), with Cancel. True to go on (none was, or they chose to)."""
        try:
            kept = self._reviewer().kept_readable_elsewhere(a, indices,
                                                            self.ctx.current_channel())
            label = self.ctx.ws.channels.label
        except PhotoVetError as exc:
            self.ctx.fail(self.window, "Not changed", exc)
            return False
        if not kept:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Cover it on every channel?",
                          covering_what_was_left_readable(
                              [a.texts[i].text for i in kept],
                              [label(c) for cs in kept.values() for c in cs]),
                          parent=self.window)
        box.setObjectName("CoverEverywhereBox")
        go = box.addButton("Cover it on every channel" if len(kept) == 1 else
                           "Cover them on every channel", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is go

    # -- areas covered by hand ------------------------------------------------------------------

    def add_cover(self, shape: str, box: tuple) -> bool:
        shape = "ellipse" if shape == "ellipse" else "rect"
        cover = Cover(shape, tuple(int(v) for v in box), None, "manual", "covered by hand")
        return self._record(lambda r, a, ch: r.add_cover(a, cover, ch))

    @_as_seen
    def remove_cover(self, index: int) -> bool:
        item = self.current()
        if item is None or item.analysis is None or not 0 <= index < len(item.analysis.manual):
            return False
        target = item.analysis.manual[index].to_dict()
        stored = self.ctx.ws.reviews.load(item.analysis.sha256, ALL).covers
        pos = next((i for i, c in enumerate(stored) if c.cover.to_dict() == target), None)
        if pos is None:
            QMessageBox.information(
                self.window, "This area stays covered",
                "This area is covered because an earlier decision about a face or a text no "
                "longer fits the photo (see the notes on the right). It stays covered.")
            return False
        return self._record(lambda r, a, ch: r.remove_cover(a, pos, ch))

    # -- menus -----------------------------------------------------------------------------------

    @_as_seen
    def context_menu(self, kind: str, index: int, gpos) -> None:
        item = self.current()
        if item is None or item.analysis is None or item.analysis.error:
            return
        a = item.analysis
        m = QMenu(self.window)
        # what the face or text offers and what is already so are the core's answer
        # (Reviewer.face_choices / text_choices): no "Cover this face" where it is covered
        reviewer = self.ctx.ws.reviewer(self._people().get)
        channel = self.ctx.current_channel()
        if kind == FACE and 0 <= index < len(a.faces):
            f = a.faces[index]
            offer = reviewer.face_choices(a, index, channel)
            head = m.addAction(f"Face {index + 1}: {face_name(f, self._people())} \u2014 "
                               f"{'shown' if f.decision == 'show' else 'covered'}")
            head.setEnabled(False)
            if offer.settled:
                m.addAction(offer.settled).setEnabled(False)
            m.addSeparator()
            person = face_person(f, self._people())
            if person is not None and "yes" in offer.actions:
                # (a twin or look-alike near it who may not be shown: a reason is asked)
                m.addAction(f"Yes, it is {person.first_name}"
                            + ("\u2026" if f.near_note else ""),
                            lambda: self.face_action(index, "yes"))
            if person is not None and "no" in offer.actions:
                m.addAction(f"No, it is not {person.first_name}",
                            lambda: self.face_action(index, "no"))
            for key, text, action in (("cover", "Cover this face", "cover"),
                                      ("show", "Show this face\u2026", "show"),
                                      ("assign", "Who is this?\u2026", "who"),
                                      ("not-a-face", "Not a face", "not-a-face"),
                                      ("undo", "Undo my decisions about this face", "undo")):
                if key in offer.actions:
                    # (a default argument would receive the action's "checked" flag)
                    m.addAction(text, (lambda x: lambda: self.face_action(index, x))(action))
        elif kind == TEXT and 0 <= index < len(a.texts):
            t = a.texts[index]
            offer = reviewer.text_choices(a, index, channel)
            head = m.addAction(f"{read_words(t.text, t.kind, app_drawable(), t.context)} \u2014 "
                               f"{'covered' if t.decision == 'cover' else 'kept readable'}")
            head.setEnabled(False)
            if offer.settled:
                m.addAction(offer.settled).setEnabled(False)
            m.addSeparator()
            if "cover" in offer.actions:
                m.addAction("Cover this text", lambda: self.text_action(index, "cover"))
            if "keep" in offer.actions:
                m.addAction("Leave this text readable\u2026", lambda: self.text_action(index, "keep"))
        elif kind == COVER:
            m.addAction("Remove this covered area", lambda: self.remove_cover(index))
        else:
            return
        if not self.ctx.ws.allowed("review"):
            # shown, greyed out, with who may: an approver was offered them, then refused
            for act in m.actions():
                act.setEnabled(False)
            m.addSeparator()
            m.addAction(permission_tip("review")).setEnabled(False)
        m.exec(gpos)


__all__ = ["ReviewController", "render_published"]
