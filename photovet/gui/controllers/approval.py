"""Approval: the preparer marks photos ready; a senior leader (not the preparer) approves or
rejects them, one by one or all the photos the list shows after looking at each on a contact
sheet of what will be published (dialogs/contact_sheet.py). An approval signs exactly what will
be published (``engine.approval_parts``); the approver's view shows that
rendered, by default. The rules are the core's (``photovet.core.approval``)."""

from __future__ import annotations

import copy
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QWidget

from photovet.core import logs, policy, words
from photovet.core.approval import consent_changes_since_ready, waiting_elsewhere
from photovet.core.errors import (
    ApprovalConflict,
    NotSignedIn,
    PhotoVetError,
    RegisterUnavailableError,
    ended,
)
from photovet.core.media.video.linking import face_count
from photovet.core.review import named_by_hand
from photovet.core.transfer import delete_rejected_original, rejections_of
from photovet.core.video_review import named_by_hand as video_named_by_hand

from ..context import AppContext
from ..dialogs.batch_caption import MarkReadyQuestion
from ..dialogs.contact_sheet import ContactSheetDialog, Tile
from ..dialogs.reason import ReasonDialog
from ..dialogs.who import place_beside
from ..session import permission_refusal, permit, who_may
from ..tasks import pil_to_qimage
from ..views.batch_view import BatchDelegate, PhotoItem, published_key
from ..views.photos_tab import PhotosTab
from ..views.video_player import clock
from ..words import error_text, plural, sentence
from .batch import BatchController
from .checklist import ChecklistController
from .review import ReviewController

log = logs.get("gui")

#: the contact sheet's pictures are rendered at most this size (a tile shows 300 x 220)
SHEET_EDGE = 480


def render_sheet(engine, jobs: list[tuple], style: str, stop, workdir):
    """Worker: each item of an "Approve all shown" as it will be published, by the core's
    renderers (``core.media.preview``), in the sheet's order: (index, [QImage], "") or
    (index, None, why it cannot be shown). A video's moments are rendered in ``workdir`` (the
    core's preview folder, ``Workspace.previews()``). Touches no widget."""
    from photovet.core.media.preview import (  # noqa: PLC0415 - PyAV loads on first use
        published_thumbnail,
        published_video_frames,
    )
    from photovet.core.memory import release  # noqa: PLC0415

    for index, job in enumerate(jobs):
        if stop.is_set():
            return
        out: tuple[int, list[QImage] | None, str]
        try:
            if job[0] == "video":
                pictures = [pil_to_qimage(im) for _t, im in
                            published_video_frames(engine, job[1], long_edge=SHEET_EDGE,
                                                   workdir=workdir)]
            else:
                pictures = [pil_to_qimage(published_thumbnail(
                    job[1], job[2], job[3], long_edge=SHEET_EDGE, style=style,
                    sha256=job[4]))]
            out = (index, pictures, "")
        except Exception as exc:   # said on the tile, in words; the item is left out
            out = (index, None, error_text(exc))
        release()
        yield out


def render_tiles(jobs: list[tuple], edge: int, dpr: float, style: str, stop):
    """Worker: each photo of the approver's list as it will be published, by the core's
    renderer (``core.media.preview``), at most ``edge`` px: (path, the key it was drawn for,
    QImage or None when it cannot be drawn, said "No preview"). Touches no widget."""
    from photovet.core.media.preview import published_thumbnail  # noqa: PLC0415
    from photovet.core.memory import release  # noqa: PLC0415

    for path, key, covers, size, sha in jobs:
        if stop.is_set():
            return
        img = None
        if covers is not None:
            try:
                img = pil_to_qimage(published_thumbnail(path, covers, size, long_edge=edge,
                                                        style=style, sha256=sha))
                img = img.convertToFormat(QImage.Format.Format_RGB32)
                img.setDevicePixelRatio(dpr)
            except Exception as exc:   # said on the tile ("No preview"); ids only in the log
                log.info("published tile not drawn: %s", type(exc).__name__)
                img = None
        release()
        yield path, key, img


def _lower_first(text: str) -> str:
    """'Consent for Facebook' -> 'consent for Facebook' (a word in capitals stays)."""
    text = (text or "").strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def face_lines(faces_shown: list[tuple[Any, str | None, str]], name_of: Callable[[str], str],
               *, photo: bool = True) -> list[str]:
    """'Shown: Tori Amos (consent for School website)', a line for each person shown (the
    publication's ``faces_shown``), said once however many faces carry their name (one named
    by hand, one recognised: 'Shown: Tori Amos, 2 faces (consent for School website; named by
    hand)', each part of their reasons once); faces not on the register on one line ('Shown: 2
    faces not on the register').
    A video's rows are the times a face was seen, not faces: not counted."""
    faces: dict[str, int] = {}
    whys: dict[str, list[str]] = {}
    for _box, who, why in faces_shown:
        key = who or ""
        faces[key] = faces.get(key, 0) + 1
        said = whys.setdefault(key, [])
        for part in _lower_first(why).split("; "):     # 'consent for X; named by hand'
            if part.strip() and _lower_first(part) not in said:
                said.append(_lower_first(part))
    lines = []
    for key, n in faces.items():
        many = photo and n > 1
        if key:
            name = name_of(key) + (f", {n} faces" if many else "")
        else:
            name = f"{n} faces not on the register" if many else "a face not on the register"
        reasons = whys.get(key, [])
        lines.append(f"Shown: {name}" + (f" ({'; '.join(reasons)})" if reasons else ""))
    return lines


def media_count(items: list[PhotoItem]) -> str:
    """'4 photos and 1 video' for the items of the list (what each was checked as)."""
    return words.media_count(items)


#: "Approve all shown..."'s tooltip: what it does, and why it is greyed out
APPROVE_ALL_TIP = "Approve every photo and video the list shows, after one check"
NOTHING_WAITING_TIP = ("Nothing the list shows is waiting for approval: a photo or video "
                       "waits once a preparer has marked it ready.")
#: "Mark all shown ready..."'s tooltip: what it does; greyed out, why (``nothing_to_mark``)
MARK_ALL_TIP = "Mark every photo and video the list shows as ready for approval"
#: why "Mark all shown ready..." does nothing: the list shows nothing at all (its choice, or
#: no photos yet), or nothing it shows can be marked (s38 office walk; s48: the button was
#: enabled over an empty list)
NOTHING_SHOWN_TO_MARK = ("Nothing to mark: the list shows no photos. Add photos, or change "
                         "what it shows in \u201cShow:\u201d above it.")
NOTHING_LEFT_TO_MARK = ("Nothing to mark: every photo the list shows is already ready, "
                        "approved, could not be checked, or its original was deleted.")


def batch_refused(why: str) -> str:
    """The core's refusal (``why``) of the caption typed for all of them in "Mark all shown
    ready"'s question, as the panel says it: not the caption of the photo shown."""
    return f"The caption for all of them was not used. {why}"


class ApprovalController(QObject):
    def __init__(self, ctx: AppContext, tab: PhotosTab, batch: BatchController,
                 review: ReviewController, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.tab, self.batch, self.review = ctx, tab, batch, review
        self.window = parent
        self.approver_view = False
        # called before anything is approved: the video player reports what the approver saw
        # until now (controllers/video.py), so the core decides on all of it
        self.before_approve: Callable[[], None] = lambda: None
        self._approve_all_action: QAction | None = None      # the menu's (main_window.py)
        # words that stay said while this photo is on screen ((content hash, words)): a
        # refusal of a photo that changed meanwhile is said, then the photo is shown again as
        # it is now (after its preview is drawn), which would otherwise clear the words
        # what the panel said of the photo shown ((its content hash, or None when none is),
        # the words, an error?): said again while it stays shown, as the register's change
        # feed hears this PC's own approvals a moment later and shows the photo afresh (s32:
        # "4 photos approved" vanished within 2 seconds, leaving "Choose a photo.")
        self._kept: tuple[tuple[str, str] | None, str, bool] | None = None
        # the sentence of the kept words about videos left out of "Approve all shown" as not
        # seen whole, and those videos: dropped from them once each is seen whole (s65 walk:
        # "1 video was left out: it has not been seen whole" stayed beside Approve, enabled,
        # after the senior leader had played it to the end)
        self._kept_unseen: tuple[str, list[PhotoItem]] | None = None
        # the panel says the register's server could not be reached (in red): cleared at the
        # next successful read of the register, or when the change feed hears it is back
        # (walk s34: the red words stayed under "The register's server is back.")
        self._server_said = False
        ctx.register_reachable.connect(self._reachable)
        # "Approve again where the approver's role ended": the approvals waited for while
        # their photos are added and checked ((content hashes, words said of those left out,
        # their paths in the list)): each photo's own check is waited for, not the batch's
        self._role_ended: tuple[set[str], str, list[str]] | None = None
        batch.finished_checking.connect(self._role_ended_checked)
        batch.analysed.connect(lambda *_: self._role_ended_checked(finished=False))
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
        batch.cleared.connect(self._batch_cleared)
        batch.captions_checked.connect(self.show_state)    # an approved caption's check is back
        # "Approve all shown..." follows what the list shows (a filter, photos added or
        # removed, an approval state changed)
        proxy = tab.batch.proxy
        for sig in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset,
                    proxy.layoutChanged, proxy.dataChanged):
            sig.connect(lambda *_: self.update_all_shown())
        # "Mark all shown ready..." too, and as a caption is typed (one typed may mark again
        # those marked ready with another)
        panel.caption_edit.textChanged.connect(lambda *_: self.update_mark_all())
        self._mark_all_action: QAction | None = None         # the menu's (main_window.py)
        # the caption for all of them typed in "Mark all shown ready"'s question, refused by
        # the core, and the question closed: offered again in the next question (checked by
        # the core again), not typed again (s50); cleared once used, or with a new batch
        self._batch_caption = ""
        # issue 18: the approver's checklist, ticked per photo or once for a selection
        self.checklist = ChecklistController(ctx, panel.checks, review.current, parent)
        # s35: what waits for approval on the shared register that this PC has not checked
        tab.batch.open_folder_requested.connect(lambda folder: batch.add_paths([folder]))
        batch.analysed.connect(lambda *_: self.show_elsewhere())
        # s35: the approver's tiles, as they will be published (drawn in a worker)
        self._published_todo: list[str] = []
        self._published_worker: Any = None
        batch.model.published_wanted.connect(self._published_wanted)
        ctx.engine_ready.connect(self._draw_published)      # those asked for before it was
        ctx.channel_changed.connect(lambda *_: self.show_elsewhere())
        for sig in (batch.model.rowsInserted, batch.model.rowsRemoved, batch.model.modelReset):
            sig.connect(lambda *_: self.show_elsewhere())

    @property
    def required(self) -> bool:
        return self.ctx.ws.settings.approval.required

    # -- showing -------------------------------------------------------------------------------

    def show_state(self) -> None:
        if self.ctx.register_closed:
            # a window closed with its register: a late redraw of its photo (a timer of the
            # photo view) has nothing to show and must not use the register
            return
        try:
            self._show_state()
        except RegisterUnavailableError as exc:
            # the server away: what the panel says stays (the banner says the server is
            # away); nothing is shown as if it had been read, and the slot does not raise
            log.info("approval not read: %s", type(exc).__name__)

    def _show_state(self) -> None:
        # what is open is "yours to decide" only to whom may decide it, outside the approver's
        # view (an approver was told "1 yours to decide")
        deciding = self.ctx.session.allowed("review") and not self.approver_view
        if deciding != self.tab.batch.deciding:
            self.tab.batch.set_deciding(deciding)
            self.batch.refresh_summary()        # "... for approval", or "... for you"
        item = self.review.current()
        a = item.analysis if item is not None else None
        state = self.ctx.ws.approvals.get(a.sha256, a.channel) if a is not None and a.sha256 \
            else None
        self.checklist.refresh()
        if self._server_said:       # the register was read: the server is back
            self._server_back()
        void = item.approval_note if item is not None and item.approval == "void" else ""
        shown, unseen, four_eyes = None, "", ""
        usable = self._usable(item) and self.ctx.engine is not None
        if usable and item is not None and self.approver_view and self.required:
            shown = self.shown_lines(item.analysis)
            unseen = self.unseen(item.analysis)
            four_eyes = self.four_eyes(item.analysis)
        self.tab.approval.show_state(
            a, state, void, self.ctx.current_channel().label, required=self.required,
            note_said=shown is not None and self.ended_said(shown),
            approver_view=self.approver_view, approver=self.ctx.session.name(),
            shown=shown, unseen=unseen, hand_named=self.hand_named(a),
            caption_refused=self.approved_caption_refused(a, state, void),
            elsewhere=self.rejected_elsewhere(a),
            checking=words.media_of(item) if item is not None and a is None else "",
            not_checked=bool(item is not None and a is None and item.unchecked),
            # checked again once its original was deleted: what happened, not "it could not
            # be checked" (s42); that it cannot be marked ready or approved is the core's rule
            # (s45: ``Approvals.mark_ready`` and ``approve`` refuse it too)
            gone=self.original_refusal(item) or "",
            # a copy of it on the take-down list: said first (s43)
            takedown=item.takedown.detail(words.media_of(item.path))
            if item is not None and item.takedown is not None else "",
            four_eyes=four_eyes)
        if self._kept is not None and self._kept_unseen is not None:
            sentence, videos = self._kept_unseen
            if not any(it.analysis is not None and self.unseen(it.analysis) for it in videos):
                self._kept = (self._kept[0], self._kept[1].replace(sentence, ""),
                              self._kept[2])
                self._kept_unseen = None
        if self._kept is not None:
            if self._shown_key() == self._kept[0]:
                self.tab.approval.say(self._kept[1], error=self._kept[2])
            else:
                self._kept = None           # another photo: said no more
        p, s = self.tab.approval, self.ctx.session
        for button, permission in ((p.ready_btn, "review"),
                                   (p.approve_btn, "approve"), (p.reject_btn, "approve"),
                                   (p.delete_btn, "originals.delete")):
            permit(button, s, permission, button.isEnabled())
        self.update_all_shown()
        self.show_elsewhere()

    @staticmethod
    def original_refusal(item: PhotoItem | None) -> str | None:
        """Why the photo shown may not be marked ready or approved because PhotoVet deleted its
        original (the batch's ``original_gone``, from the core's ``originals_gone``), in the
        core's words (``policy.original_deleted_refusal``), or None."""
        if item is None or item.original_gone is None:
            return None
        media = words.media_of(item.path)
        return policy.original_deleted_refusal(True, media, item.original_gone.detail(media))

    def show_elsewhere(self) -> None:
        """In the approver's view: what waits for approval for the channel on the shared
        register that this PC has not checked (marked ready on another PC, or from a folder
        not open here), where it is and what to do, in the core's words; never listed nor
        approvable here (s35: "Waiting for approval (0)" at the second PC while twelve
        waited). Photos being checked here are not "elsewhere". Hidden outside the
        approver's view, and when the register cannot be read."""
        view = self.tab.batch
        if not (self.approver_view and self.required and self.ctx.session.allowed("approve")):
            view.set_elsewhere([], [])
            view.set_empty_words()
            return
        ch = self.ctx.current_channel()
        items = self.batch.model.items
        checked = {it.analysis.sha256 for it in items
                   if it.analysis is not None and it.analysis.sha256}
        # being checked, or could not be checked (said on its own tile): open here
        listed = {it.path for it in items if it.analysis is None or it.analysis.error}
        try:
            groups = waiting_elsewhere(self.ctx.ws.approvals.waiting(ch.id), checked, listed)
        except PhotoVetError as exc:        # the server away: said by its own banner
            log.info("waiting elsewhere not read: %s", type(exc).__name__)
            return
        # s36: the first line says too how many wait here, as "Show" counts them
        here = self.batch.model.counts().get("approval:waiting", 0)
        view.set_elsewhere(words.waiting_elsewhere(groups, ch.label, here=here),
                           [g.folder if g.here else None for g in groups],
                           words.waiting_elsewhere_summary(groups, here=here),
                           [g.folder for g in groups if g.folder])
        # the empty list says where what waits for approval is, or that nothing waits
        view.set_empty_words(words.approver_nothing_open(groups, ch.label),
                             [g.folder for g in groups if g.folder])

    def approved_caption_refused(self, a, state, void: str) -> str | None:
        """Why the caption a photo was approved with may not go out now, as export would say
        it (``batch.approved_caption_refused``, asked once for the panel and the photo list:
        ``BatchController.caption_refused``), or ''; None while it is being checked."""
        if void:
            return ""
        return self.batch.caption_refused(a, state)

    def _batch_cleared(self) -> None:
        """A new batch: nothing said of the old photos is said again."""
        self._kept = None
        self._batch_caption = ""
        self.show_state()

    def _shown_key(self) -> tuple[str, str] | None:
        """The photo shown and the channel it is shown for (None when none is shown): what
        was said of it is said no more on another channel (s43 walk: "8 photos marked ready
        for approval." for the School website stayed under "Not marked ready for Facebook
        yet" once the channel was changed)."""
        item = self.review.current()
        return self._key_of(item.analysis if item is not None else None)

    @staticmethod
    def _key_of(a) -> tuple[str, str] | None:
        return (a.sha256, a.channel) if a is not None else None

    def _say_kept(self, text: str, error: bool = False) -> None:
        """``text`` in the panel, said again while the photo now shown (or none) stays shown:
        what was done is not wiped by the register's change feed a moment later."""
        self._kept = (self._shown_key(), text, error)
        self.tab.approval.say(text, error=error)

    def waiting_shown(self) -> list[PhotoItem]:
        """What "Approve all shown" would put on the contact sheet: every photo and video the
        list shows that waits for approval (marked ready, or approved before a change)."""
        return [it for it in self.tab.batch.shown_items()
                if self._usable(it) and it.approval in ("ready", "void")
                and it.original_gone is None]     # its original deleted: nothing to export (s42)

    def menu_action(self, action: QAction) -> QAction:
        """The Approve menu's "Approve all shown...": greyed out with the button."""
        self._approve_all_action = action
        action.setToolTip(APPROVE_ALL_TIP)
        return action

    def mark_all_menu_action(self, action: QAction) -> QAction:
        """The Approve menu's "Mark all shown ready...": greyed out with the button."""
        self._mark_all_action = action
        action.setToolTip(MARK_ALL_TIP)
        return action

    def update_all_shown(self) -> None:
        """"Mark all shown ready..." and "Approve all shown...", as the list shows now."""
        self.update_mark_all()
        self.update_approve_all()

    def nothing_to_mark(self) -> str:
        """Why "Mark all shown ready" would mark nothing with the caption in the box (the
        list shows nothing, or nothing it shows can be marked), or '' when it marks some."""
        caption = policy.caption_text(self.tab.approval.caption_edit.text())
        try:
            if self._to_mark_all(caption, first=True):
                return ""
        except PhotoVetError as exc:    # the server away: said when pressed, by the core
            log.info("what to mark not read: %s", type(exc).__name__)
            return ""
        return NOTHING_LEFT_TO_MARK if self.tab.batch.shown_items() else NOTHING_SHOWN_TO_MARK

    def update_mark_all(self) -> None:
        """"Mark all shown ready..." (the button and the menu's) only when it would mark
        something; otherwise greyed out, the tooltip saying why (s48: it was enabled over an
        empty list). The role's words follow, as for every button."""
        why = self.nothing_to_mark() if self.required else "Approval is turned off."
        for target in (self.tab.approval.ready_all_btn, self._mark_all_action):
            if target is None:
                continue
            target.setProperty("photovet_tip", why or MARK_ALL_TIP)
            permit(target, self.ctx.session, "review", not why)

    def update_approve_all(self) -> None:
        """"Approve all shown..." (the button and the menu's) only when something the list
        shows waits for approval; otherwise greyed out, the tooltip saying why (the role's
        words follow, as for every button)."""
        waiting = bool(self.waiting_shown()) if self.required else False
        for target in (self.tab.approval.approve_all_btn, self._approve_all_action):
            if target is None:
                continue
            target.setProperty("photovet_tip", APPROVE_ALL_TIP if waiting
                               else NOTHING_WAITING_TIP)
            permit(target, self.ctx.session, "approve", waiting)

    def shown_lines(self, a) -> list[str]:
        """Who is shown and which names stay readable, a line each, as the core's publication
        says (the contact sheet's words: the GUI audit, item 7)."""
        pub = self.ctx.engine.publication(a)
        lines = face_lines(pub.faces_shown, self._name,
                           photo=getattr(a, "media", "photo") == "photo")
        lines += self.readable_lines(pub)
        lines = list(dict.fromkeys(lines))          # a video: one line per person and reason
        # reading text turned off: never "every ... name found is covered" alone (walk s62: a
        # badge's name readable under it)
        unread = getattr(a, "names_not_looked_for", False)
        return self.changed_since_ready(a) + \
            (lines or ["Nobody is shown: every face found is covered." if unread else
                       "Nobody is shown: every face and name found is covered."]) + \
            ([words.NAMES_NOT_LOOKED_FOR] if unread else [])

    def readable_lines(self, pub) -> list[str]:
        """Each name or text left readable, and why, as the core's publication says
        (``texts_kept``): the approval panel's lines and the contact sheet's tile alike (s45
        walk, PNG 64: the tile did not say "Mrs Hughes" was left readable by hand)."""
        lines = []
        for text, who, why in pub.texts_kept:
            what = (f"{self._name(who)}'s name" if who else
                    f"\u201c{text}\u201d" if text else "a name not on the register")
            lines.append(f"Readable: {what}" + (f" ({_lower_first(why)})" if why else ""))
        return list(dict.fromkeys(lines))

    def rejected_elsewhere(self, a) -> list[str]:
        """Each rejection of this photo for another channel, with the senior leader's comment
        (walk s34: a face named by hand applies on every channel; the head's "That is ZC, not
        JA" on the website was not seen where the photo read "Nothing to cover")."""
        if a is None or not a.sha256:
            return []
        labels = self.ctx.ws.channels.labels()
        return [words.rejected_elsewhere(labels.get(s.channel, s.channel), s.approver or "",
                                         words.uk_day(s.decided_at), s.comment or "")
                for s in self.ctx.ws.approvals.for_photo(a.sha256)
                if s.channel != a.channel and s.status == "rejected"]

    def changed_since_ready(self, a) -> list[str]:
        """A line for each consent change of someone in the photo made after it was marked
        ready (walk s34: the head saw a pupil covered in a photo prepared to show him, and
        nothing said why): the core's list, in the core's words."""
        state = self.ctx.ws.approvals.get(a.sha256, a.channel) if a.sha256 else None
        if state is None:
            return []
        labels = self.ctx.ws.channels.labels()
        out = []
        # a withdrawal that ended its approval is said once, with whose and what ("Approval
        # ended: Tori Ashby's School website consent went from Yes to No ..."), in place of
        # the stored note that names nobody (s37: said twice); ``ended_said``
        note = state.note or ""
        ended = words.approval_ended_note(note)
        for c in consent_changes_since_ready(state, a, self.ctx.ws.register.history):
            what = ("do-not-photograph answer" if c.channel == "do_not_photograph" else
                    "name-with-photo consent" if c.channel == "name_with_photo" else
                    labels.get(c.channel, c.channel) + (" (videos)" if c.media == "video"
                                                        else "") + " consent")
            said = (self._name(c.person_id), what, words.consent_word(c.old_state),
                    words.consent_word(c.new_state), words.uk_day(c.when))
            # (the withdrawal of the day the note says: one made before it was approved did
            # not end it)
            out.append(words.approval_ended_by_change(*said)
                       if ended and c.is_withdrawal and f" on {said[4]} " in note
                       else words.changed_since_ready(*said, state.preparer or ""))
        return out

    def ended_said(self, lines: list[str]) -> bool:
        """Do ``lines`` (``changed_since_ready``'s) say why its approval ended, so the stored
        note ("Approval ended: consent was withdrawn ... for someone it showed") is not said
        again above them?"""
        return any(line.startswith(words.APPROVAL_ENDED) for line in lines)

    def four_eyes(self, a) -> str:
        """Why the signed-in approver may not approve this photo or video themselves (they
        prepared it, or changed it or someone's consent in it since it was marked ready): the
        core's words, '' when they may."""
        try:
            return self.ctx.ws.approvals.four_eyes_refusal(a) or ""
        except PhotoVetError as exc:       # the register away: said when pressed, by the core
            log.info("four eyes not read: %s", type(exc).__name__)
            return ""

    def unseen(self, a) -> str:
        """What the signed-in approver still has to see of a video before approving it (the
        core's words: ``VideoViews.refusal``), '' for a photo or a video seen whole."""
        if getattr(a, "media", "photo") != "video" or not self.ctx.session.allowed("approve"):
            return ""
        try:
            return self.ctx.ws.approvals.views.refusal(a, self.ctx.engine.approval_parts(a)) \
                or ""
        except PhotoVetError as exc:       # said, and Approve stays off (fail closed)
            return error_text(exc)
    def hand_named(self, a) -> list[tuple[str, str, str]]:
        """(who, the core's note, its kind: ``policy.HAND_*``, what PhotoVet itself decided;
        one of ``HAND_LOOK_AT`` is looked at on its own) for each face (a video: face track)
        the core shows because a person named it by hand."""
        if a is None or getattr(a, "error", None) or self.ctx.engine is None:
            return []
        return [(self._name(pid), note, kind) for pid, kind, note in policy.hand_named_shown(a)]

    def set_approver_view(self, on: bool) -> bool:
        """The senior leader's view: what will be published, the photos waiting for approval,
        and the approval buttons. Returns whether it is on."""
        if on and not self.ctx.session.allowed("approve"):
            on = False
        self.approver_view = on
        self.tab.photo.set_after_mode(on)
        self.tab.set_approver(on)       # what was found in one line, the checklist whole
        # the list's tiles as they will be published, never the photos as taken (s35)
        self.batch.model.set_published_view(on)
        # what waits for the approver: those marked ready; when none are, those whose approval
        # no longer counts (each is listed under one choice: s36)
        counts = self.batch.model.counts()
        first = "approval:void" if counts.get("approval:void") and \
            not counts.get("approval:ready") else "approval:ready"
        self.tab.batch.set_filter(first if on else "all")
        if on and self.tab.batch.current_item() is None:
            self.tab.batch.select_row(0)
        self.show_state()
        return on

    def _published_wanted(self, paths: list[str]) -> None:
        """Tiles of the approver's list to draw as they will be published: queued, and drawn
        in one worker at a time by the core's renderer (``preview.published_thumbnail``, as
        the contact sheet's), each for the decisions it has now."""
        for path in paths:
            if path not in self._published_todo:
                self._published_todo.append(path)
        if self._published_worker is None:
            QTimer.singleShot(0, self, self._draw_published)

    def _draw_published(self) -> None:
        engine = self.ctx.engine
        if self._published_worker is not None or engine is None or self.ctx.register_closed:
            return
        todo, self._published_todo = self._published_todo, []
        jobs = []
        for path in todo:
            item = self.batch.model.item_for(path)
            a = item.analysis if item is not None else None
            if a is None or a.error or item is None or item.is_video:
                continue
            try:
                covers = engine.covers(a)
            except PhotoVetError as exc:     # not drawn: the tile says "No preview"
                log.info("published tile not drawn: %s", type(exc).__name__)
                covers = None
            jobs.append((path, published_key(a), covers, (a.width, a.height), a.sha256))
        if not jobs:
            return
        edge = int(BatchDelegate.PICTURE * max(1.0, float(self.window.devicePixelRatioF() or 1)))
        dpr = max(1.0, float(self.window.devicePixelRatioF() or 1.0))
        style_ = self.ctx.ws.settings.cover.style

        def run(stop):
            return render_tiles(jobs, edge, dpr, style_, stop)

        def done(*_a) -> None:
            self._published_worker = None
            if self._published_todo:
                QTimer.singleShot(0, self, self._draw_published)

        self._published_worker = self.ctx.workers.start(
            run, name="published-tiles", batch_ms=40, on_yield=self.batch.model.set_published,
            on_finish=done)

    def session_changed(self) -> None:
        """Someone else signed in: a senior leader who does not prepare photos starts in the
        approver's view; someone who may not approve leaves it."""
        self._kept = None                   # never said to the next person
        self._server_said = False
        self.tab.approval.forget_typed()    # nor what the one before typed
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
            self._server_said = isinstance(exc, RegisterUnavailableError)

    def _reachable(self, reachable: bool) -> None:
        """The change feed heard the register's server go away or come back: back, what the
        panel said of it being away goes (the next read succeeded)."""
        if reachable and self._server_said:
            self.show_state()

    def _server_back(self) -> None:
        """The register was read again after the panel said its server could not be reached:
        those red words go, and what they left to do is said."""
        self._server_said = False
        self._kept = None
        self._say_kept("The register's server is back: what was not saved while it was away "
                       "can be done again now.")

    def _changed(self, items: list[PhotoItem]) -> None:
        self.ctx.approvals_changed.emit([it.analysis.sha256 for it in items])

    # -- preparing -----------------------------------------------------------------------------

    def _usable(self, item: PhotoItem | None) -> TypeGuard[PhotoItem]:
        return item is not None and item.analysis is not None and not item.analysis.error

    def _caption_refused(self, items: list[PhotoItem], caption: str | None = None) -> bool:
        """The caption in the box checked by the core's one check (``Engine.caption_refusal``:
        the channel's rules for these items' media types) before the preparer is asked
        anything: refused, it is said in the panel with "Use the suggested caption" where
        the core suggests one, and nothing is marked ready (True). An empty box: nothing to
        check. The core checks it again for each item when it is marked ready. ``caption``:
        the one for all of them typed in "Mark all shown ready"'s question instead (None: the
        box's): refused, it is said in the panel, never put in the box (``batch_refused``)."""
        box = caption is None
        refused = self._caption_refusal(
            items, self.tab.approval.caption_edit.text() if caption is None else caption)
        if refused is None:
            return False
        if self.ctx.engine is None:
            self.tab.approval.say(refused[0], error=True)       # not checked: not a refusal
        elif box:
            self.tab.approval.say_refused(*refused)
        else:
            self._say_kept(batch_refused(refused[0]), error=True)
        return True

    def _caption_refusal(self, items: list[PhotoItem], caption: str) -> tuple[str, str] | None:
        """Why the core refuses ``caption`` for ``items`` (``Engine.caption_refusal``), in its
        words with its suggestion, and the suggestion offered ('' none), or None (an empty
        caption: nothing to check)."""
        caption = caption.strip()
        if not caption:
            return None
        from photovet.core.pipeline import batch_media  # noqa: PLC0415

        engine = self.ctx.engine
        if engine is None:          # never proposed unchecked
            return ("The caption cannot be checked yet (PhotoVet is still starting): nothing "
                    "was marked ready. Try again in a moment.", "")
        refused = engine.caption_refusal(caption, self.ctx.current_channel(), media=batch_media(
            [it.analysis for it in items]), outcome="nothing was marked ready")
        if refused is None:
            return None
        suggestion = getattr(refused, "suggestion", "") or ""
        offered = suggestion if policy.caption_text(suggestion) not in (
            "", policy.caption_text(caption)) else ""
        # no suggestion at all: the core's hint says why (nothing is left without the name)
        hint = "" if offered or suggestion.strip() else (getattr(refused, "hint", "") or "")
        return sentence(refused.message) + (
            f"\nSuggested caption: {suggestion}" if offered else
            f"\n{hint}" if hint else ""), offered

    def mark_ready(self) -> None:
        item = self.review.current()
        if not self._usable(item) or not self.required:
            return
        if self._caption_refused([item]):
            return
        if item.approval == "approved" and self.tab.approval.caption_changed() and \
                QMessageBox.question(
                    self.window, "Mark ready with a new caption",
                    f"{item.name} is approved with another caption. Marking it ready with this "
                    "caption asks a senior leader to approve it again, with the caption. Mark "
                    "it ready?") != QMessageBox.StandardButton.Yes:
            return
        if item.analysis.needs_review and QMessageBox.question(
                self.window, "Decisions still open", still_open_text(item)) != \
                QMessageBox.StandardButton.Yes:
            return
        self.tab.batch.hold(item.path)      # it stays on screen ("Not marked ready" shown)
        self._mark([item])                  # with the caption in the box, its own

    def mark_all_shown_ready(self) -> None:
        """Mark every photo the list shows ready, with one caption for all of them typed in
        the question itself (s37, ``MarkReadyQuestion``: it took three steps, the box under
        the photo, the button, and again when the box had been left empty). The caption is
        checked by the core before anything is asked (refused: said in the panel with the
        suggestion, nothing asked), and again when it was changed in the question (refused:
        asked again, with why and the suggestion in the question); each photo's again as it
        is marked ready (``_mark``: a refusal there names the photo). The caption typed in
        the question is the batch's, never put in the box under the photo shown, which holds
        that photo's (or video's) own caption (s48: a caption refused in the question was
        left there, read as the video's own)."""
        if not self.required:
            return
        caption = policy.caption_text(self.tab.approval.caption_edit.text())
        asked: list[str] | None = None
        refused: tuple[str, str] | None = None      # the caption typed in the question
        # the caption for all of them refused last time (the box under the photo empty):
        # offered again, with why the core refuses it now (or not, if it no longer does)
        kept = self._batch_caption if not caption else ""
        while True:
            todo = self._to_mark_all(caption or kept)
            if not todo:
                # the list may show nothing at all (its choice, or no photos yet): said so, not
                # "every photo the list shows is already ready" (s38 office walk)
                self.tab.approval.say(NOTHING_LEFT_TO_MARK if self.tab.batch.shown_items()
                                      else NOTHING_SHOWN_TO_MARK)
                return
            if kept:
                caption, kept = kept, ""
                refused = self._caption_refusal(todo, caption)
            elif asked is None and self._caption_refused(todo):
                return          # the box's caption: said in the panel before asking
            if [it.path for it in todo] == asked and refused is None:
                break       # the caption changed in the question, for the same photos
            extra = self._mark_all_extra(todo)
            tail = f"\n\n{extra}" if extra else ""
            box = MarkReadyQuestion(self.window, self._mark_all_question(
                todo, caption, refused is not None) + tail,
                caption, refused, count=len(todo),
                # said again for the caption typed in it (never "with no caption?" over one)
                wording=lambda typed, todo=todo, tail=tail: self._mark_all_question(
                    todo, policy.caption_text(typed)) + tail)
            if box.exec() != QMessageBox.StandardButton.Yes:
                if refused is not None:     # why it was refused, said; not in the photo's box
                    self._say_kept(batch_refused(refused[0]), error=True)
                    # and what was typed, offered again next time (s50: typed again)
                    self._batch_caption = policy.caption_text(box.caption())
                return
            asked = [it.path for it in todo]
            typed = policy.caption_text(box.caption())
            if typed == caption and refused is None:
                break
            # one the core refuses is asked again with why and its suggestion, in the question;
            # a caption that changes which photos are marked (approved with another) asks again
            caption = typed
            refused = self._caption_refusal(self._to_mark_all(caption), caption)
        self._batch_caption = ""
        # the box's own caption, unchanged, is still the box's (refused: said with it)
        self._mark(todo, None if caption == policy.caption_text(
            self.tab.approval.caption_edit.text()) else caption)

    def _to_mark_all(self, caption: str, *, first: bool = False) -> list[PhotoItem]:
        """The photos the list shows that "Mark all shown ready" marks with ``caption``: not
        ready yet and, with a caption, also those marked ready or approved with another (they
        are then approved again, with this one). ``first``: only the first of them (is there
        one?), those not ready yet looked at before any approval is read."""
        ws = self.ctx.ws
        shown = [it for it in self.tab.batch.shown_items()
                 # not one whose original PhotoVet deleted (the core's ``originals_gone``): it
                 # cannot be exported again, so there is nothing to mark (s42 walk: offered)
                 if self._usable(it) and it.original_gone is None]
        todo = []
        for it in sorted(shown, key=lambda it: it.approval not in ("draft", "void", "rejected")) \
                if first else shown:
            if it.approval in ("draft", "void", "rejected") or (
                    caption and it.approval in ("ready", "approved") and policy.caption_text(
                        ws.approvals.get(it.analysis.sha256, it.analysis.channel).caption)
                    != caption):
                todo.append(it)
                if first:
                    break
        return todo

    def _mark_all_question(self, todo: list[PhotoItem], caption: str,
                           refused: bool = False) -> str:
        """What "Mark all shown ready" asks, with the caption the approver signs with them
        (``refused``: the caption typed in the question cannot go with them as it is)."""
        if refused:
            return (f"Mark {media_count(todo)} ready for a senior leader's approval for "
                    f"{self.ctx.current_channel().label}? The caption below cannot go with "
                    f"{'it' if len(todo) == 1 else 'them'} as it is: correct it, or use the "
                    "suggested caption.")
        return (f"Mark {media_count(todo)} ready for a senior leader's approval for "
                f"{self.ctx.current_channel().label}, "
                + (f"with the caption {words.caption_word(caption)}" + (
                    " (one caption for all of them)?" if len(todo) > 1 else "?") if caption
                   else "with no caption?" + (
                       # walk s33: the box under the photo reads as that photo's own; the one
                       # caption for all of them is typed in the question (s37)
                       " To propose one caption for all of them, type it below."
                       if len(todo) > 1 else "")))

    def _mark_all_extra(self, todo: list[PhotoItem]) -> str:
        """What else the preparer should know before marking ``todo`` ready ('' nothing)."""
        still_open = [it for it in todo if it.analysis.needs_review]
        extra = (f"{media_count(still_open)} still "
                 f"{words.verb(len(still_open), 'has', 'have')} decisions open: what is open "
                 "stays covered.") if still_open else ""
        if any(getattr(it.analysis, "sound_needs_review", False) for it in still_open):
            extra += " A video's sound waits for the approver, who listens to it."
        gone = [it for it in self.tab.batch.shown_items() if it.original_gone is not None]
        if gone:
            extra += ("\n\n" if extra else "") + (
                f"{media_count(gone)} {words.verb(len(gone), 'is', 'are')} left out: "
                f"{'its original was' if len(gone) == 1 else 'their originals were'} deleted, "
                "so PhotoVet cannot export "
                f"{'it' if len(gone) == 1 else 'them'} again.")
        again = [it for it in todo if it.approval == "approved"]
        if again:
            extra += ("\n\n" if extra else "") + (
                f"{media_count(again)} {words.verb(len(again), 'was', 'were')} approved with "
                f"another caption: a senior leader approves "
                f"{'it' if len(again) == 1 else 'them'} again, with this one.")
        return extra

    def _mark(self, items: list[PhotoItem], caption: str | None = None) -> None:
        """Mark ``items`` ready with ``caption`` (None: the one in the box under the photo)."""
        self._kept = None
        problems, done = [], []
        lost = False
        engine = self.ctx.engine
        ch = self.ctx.current_channel()
        # the batch's caption, checked once for all of them (and again for each by the core)
        # before the preparer was asked; checked again here: the register may have changed
        # while the question was open
        if self._caption_refused(items, caption):
            return
        caption = (self.tab.approval.caption_edit.text() if caption is None else caption).strip()
        for it in items:
            try:
                self.ctx.ws.approvals.mark_ready(
                    it.analysis, batch=self.batch.label, caption=caption,
                    caption_refusal=engine.proposed_caption_check(
                        ch, media=(getattr(it.analysis, "media", "photo"),))
                    if engine is not None else None)
                done.append(it)
            except NotSignedIn as exc:
                self.ctx.fail(self.window, "Not marked ready", exc)
                break
            except PhotoVetError as exc:
                problems.append(error_text(exc, after=it.name))
                lost = lost or isinstance(exc, RegisterUnavailableError)
        if done:
            self.tab.approval.marked_ready([(it.analysis.sha256, it.analysis.channel)
                                            for it in done])
            self._changed(done)
        if problems:
            self._say_kept("Not marked ready:\n" + "\n".join(problems[:5]), error=True)
            self._server_said = lost
        else:
            self._say_kept(f"{media_count(done)} marked ready for approval.")

    # -- approving -----------------------------------------------------------------------------

    def _approve(self, item: PhotoItem, checks: list[str] | None = None,
                 hand_named_checked: bool = False,
                 shown: tuple[Any, dict[str, Any], str | None] | None = None) -> None:
        """Approve ``item`` as ``shown`` (the analysis as on screen, what an approval of it
        signs, and the caption shown with it: taken when Approve was pressed; None: now)."""
        if shown is None:
            shown = (item.analysis, self.ctx.engine.approval_parts(item.analysis),
                     self.tab.approval.shown_caption)
        a, parts, caption = shown
        self.ctx.ws.approvals.approve(a, parts, checks=checks,
                                      seen_on="the photo, opened",
                                      hand_named_checked=hand_named_checked,
                                      now=self._as_now(a), caption=caption)

    def _as_now(self, a):
        """What the core asks while storing an approval: the photo decided again as it is now,
        compared with the one on screen (``a``, left as it is)."""
        engine = self.ctx.engine
        return lambda: engine.approval_now(a)

    def _show_as_now(self, items: list[PhotoItem]) -> None:
        """Photos whose approval was refused because they changed after the approver opened
        them: what changed elsewhere is read (the register's change feed), and these are
        decided again and shown as they are now."""
        self.ctx.poll_changes()
        self.ctx.reviews_changed.emit([it.analysis.sha256 for it in items])

    def confirm_hand_named(self, item: PhotoItem) -> bool | None:
        """A photo the core approves only when its approver looked at its faces named by hand
        over a refused recognition (policy.hand_named_refusal): asked, with the core's notes.
        False: no such face; True: confirmed; None: not confirmed."""
        a = item.analysis
        if not policy.hand_named_refusal(a):
            return False
        notes = "\n".join(f"\u2022 {who}: {note}" for who, note, kind in self.hand_named(a)
                          if kind in policy.HAND_LOOK_AT)
        label = self.ctx.current_channel().label
        kinds = {f.hand_named for f in getattr(a, "faces", ()) if f.decision == "show"}
        what = (f"a face PhotoVet recognised as someone who may not be shown on {label} was "
                "named by hand as someone else" if policy.HAND_OVER_REFUSAL in kinds else
                "a face PhotoVet was not certain of was named by hand, and it could also be "
                f"someone who may not be shown on {label}")
        box = QMessageBox(QMessageBox.Icon.Warning, "A face was named by hand",
                          f"In {item.name}, {what}:\n\n{notes}\n\nLook at that face on the "
                          "photo. Approve only if you are sure who it is.", parent=self.window)
        yes = box.addButton("I looked at it: approve", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("HandNamedConfirm")
        face = next((f for f in getattr(a, "faces", ()) if f.decision == "show"
                     and f.hand_named in policy.HAND_LOOK_AT), None)
        if face is not None and self.tab.photo.isVisible():   # the face stays in view
            canvas = self.tab.photo.canvas
            r = canvas.to_screen(face.box).toRect()
            box.adjustSize()
            place_beside(box, QRect(canvas.mapToGlobal(r.topLeft()), r.size()))
        box.exec()
        return True if box.clickedButton() is yes else None

    def approve(self) -> None:
        item = self.review.current()
        if not self._usable(item) or not self.required or self.ctx.engine is None:
            return
        self._kept = None
        self.before_approve()
        # what is on screen as Approve is pressed is what is signed, with its caption: taken
        # before the question below, while which the register's change feed may decide the
        # photo again behind it (s59: the approval signed that, never looked at); a change
        # since is the core's to refuse (ApprovalConflict), as with the contact sheet's
        shown = (copy.copy(item.analysis), self.ctx.engine.approval_parts(item.analysis),
                 self.tab.approval.shown_caption)
        looked = self.confirm_hand_named(item)
        if looked is None:
            return
        try:
            self._approve(item, self.checklist.ticked(), hand_named_checked=looked, shown=shown)
        except ApprovalConflict as exc:
            self._kept = (self._key_of(item.analysis), error_text(exc), True)
            self._show_as_now([item])               # shown again as it is now, still said
            self._refused("Not approved", exc)
            return
        except PhotoVetError as exc:
            self._refused("Not approved", exc)
            return
        row = self.tab.batch.shown_items().index(item) if item in \
            self.tab.batch.shown_items() else 0
        self._changed([item])
        self._next_after(item, row)
        # said beside the next photo, and kept while it is shown (s37 walk: the photo left the
        # list and the next one came, with nothing saying the approval was made)
        self._say_kept(f"{item.name} approved for {self.ctx.current_channel().label}.")

    def _next_after(self, item: PhotoItem, row: int = 0) -> None:
        """Go on to the next photo the list shows. The filter may have removed this one (the
        approver's 'Waiting for approval'): then the next is the one now in its ``row``, not
        the first of the list."""
        batch = self.tab.batch
        shown = batch.shown_items()
        if item in shown:
            if batch.current_item() is not item:
                batch.select_path(item.path)
            batch.move(1)
        elif shown:
            batch.select_row(min(row, len(shown) - 1))

    def approve_all_shown(self) -> None:
        """Every photo and video the list shows that waits for approval, after one confirmation
        and one checklist. Anything that goes wrong is said in the panel and in a dialog, never
        swallowed (a slot's exception would only reach the log)."""
        if not self.required or self.ctx.engine is None:
            return
        self.before_approve()
        try:
            self._approve_all_shown()
        except Exception as exc:   # said to the person, in words, and logged
            # the log holds ids, never names: the exception's type and where, not its message
            log.error("approve all shown failed: %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            self.ctx.fail(self.window, "Not approved", exc)
            self.tab.approval.say(error_text(exc, after="Nothing more was approved"), error=True)

    def approve_role_ended(self) -> None:
        """One action for a current senior leader: every approval on the channel in use that
        no longer counts because its approver's role ended (``Approvals.role_ended``: it
        cannot be kept after the fact) is approved again. Their photos are added to the list
        (checked if they are not yet), the list shows those whose approval no longer counts,
        and they go on one contact sheet of what each publishes now, as "Approve all
        shown\u2026" does. An original no longer where it was approved is said."""
        if not self.required or self.ctx.engine is None:
            return
        ch = self.ctx.current_channel()
        try:
            lapsed = self.ctx.ws.approvals.role_ended(channel=ch.id)
        except PhotoVetError as exc:
            self.ctx.fail(self.window, "Not approved", exc)
            return
        if not lapsed:
            self.tab.approval.say(f"Nothing to approve again: no approval on {ch.label} lost "
                                  "its approver.")
            return
        here = [s for s, _ in lapsed if s.path and Path(s.path).is_file()]
        gone = [s for s, _ in lapsed if s not in here]
        note = ""
        if gone:
            one = len(gone) == 1
            note = (f" {words.media_count([(s.parts or {}).get('media', 'photo') for s in gone])}"
                    f" {'is' if one else 'are'} no longer where {'it was' if one else 'they were'}"
                    " approved: add " + ("it" if one else "them") + " again from where "
                    + ("it is" if one else "they are") + " now, then approve "
                    + ("it" if one else "them") + " ("
                    + ", ".join(Path(s.path).name for s in gone[:3] if s.path)
                    + ("\u2026" if len(gone) > 3 else "") + ").")
        if not here:
            self.tab.approval.say(note.strip(), error=True)
            return
        paths = list(dict.fromkeys(str(Path(s.path).absolute()) for s in here))
        self._role_ended = ({s.sha256 for s in here}, note, paths)
        listed = {it.path for it in self.batch.model.items}
        new = [p for p in paths if p not in listed]
        if new:
            self.tab.approval.say(f"Adding {words.media_count(len(new), 0)} whose approval "
                                  "no longer counts (their approver's role ended); when they "
                                  "are checked, a contact sheet shows them to approve again.")
            self.batch.add_paths(new, quiet=True)
        else:
            self._role_ended_checked()

    def _role_ended_checked(self, finished: bool = True) -> None:
        """The photos of ``approve_role_ended`` are in the list and checked: shown, and put on
        one contact sheet. Only their own checks are waited for (s31: it waited for every
        photo of the batch to be checked, a whole card's worth for one photo). Checking that
        ended with some of them not checked (stopped) is said, and nothing is approved."""
        if self._role_ended is None:
            return
        shas, note, paths = self._role_ended
        # (one not in the list yet is being added: waited for too)
        unchecked = [p for p in paths if (it := self.batch.model.item_for(p)) is None
                     or it.analysis is None]
        if unchecked:
            if finished and not self.batch.checks_waiting:
                self._role_ended = None
                self.tab.approval.say(
                    f"Not approved again: {words.media_count(len(unchecked), 0)} not checked yet "
                    f"(checking stopped). Check {'it' if len(unchecked) == 1 else 'them'}, "
                    "then choose Approve again where the approver's role ended\u2026",
                    error=True)
            return
        self._role_ended = None
        self.batch.refresh_approvals()
        self.tab.batch.set_filter("approval:void")
        if not self.required or self.ctx.engine is None:
            return
        self.before_approve()
        try:
            self._approve_all_shown(only=shas, note=note)
        except Exception as exc:   # said to the person, in words, and logged (ids only)
            log.error("approve again failed: %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            self.ctx.fail(self.window, "Not approved", exc)

    def _approve_all_shown(self, only: set[str] | None = None, note: str = "") -> None:
        self._kept = None
        todo = self.waiting_shown()
        if only is not None:
            todo = [it for it in todo if it.analysis.sha256 in only]
        if not todo:
            self.tab.approval.say("Nothing to approve: the list shows nothing waiting for "
                                  "approval.")
            return
        # what the signed-in approver may not approve themselves (they prepared it, or since it
        # was marked ready changed it, someone's consent in it or the school's settings): the
        # core's answer and words (four_eyes_refusal), left off the contact sheet and said. The
        # s64 walk: Mrs Head looked through a sheet of two photos, ticked every check, pressed
        # Approve and read only then, in a clipped box, that she could approve neither.
        barred = [(it, why) for it in todo if (why := self.four_eyes(it.analysis))]
        if barred:
            them = [it for it, _why in barred]
            todo = [it for it in todo if all(it is not b for b in them)]
            said = "\n".join(f"{it.name}: {why}" for it, why in barred[:3]) + (
                f"\n\u2026 and {len(barred) - 3} more" if len(barred) > 3 else "")
            one = len(barred) == 1
            if not todo:
                which = ("the " + media_count(them).removeprefix("1 ") if one
                         else f"any of the {media_count(them)}")
                self._say_kept(f"Nothing to approve here: you cannot approve {which} shown "
                               f"yourself.\n{said}", error=True)
                return
            left_off = (f"\n{media_count(them)} {'was' if one else 'were'} left off the "
                        f"contact sheet: you cannot approve {'it' if one else 'them'} "
                        f"yourself.\n{said}")
            note = left_off + note
        approver = self.ctx.session.name()
        # what the contact sheet shows is what is signed: the parts are taken with its covers
        signed = [self.ctx.engine.approval_parts(it.analysis) for it in todo]
        # ...and the review each was decided with: another PC's change heard while the sheet
        # is open decides the list's photos again, not what the sheet showed
        shown = [copy.copy(it.analysis) for it in todo]
        # ...and the caption proposed with each, on its tile: signed with it
        captions = [self.ctx.ws.approvals.get(it.analysis.sha256, it.analysis.channel).caption
                    for it in todo]
        chosen = self.contact_sheet(todo, approver, captions)
        if chosen is None:
            if barred:           # why they were not on the sheet, said all the same
                self._say_kept(left_off.strip())
            return
        picked, checks = chosen
        seen_on = f"a contact sheet of {media_count(todo)}"
        problems, done, changed = [], [], []
        # the register's server went away: said once, with the photos not approved counted
        # (it said the same three lines for each of the 15 photos: walk s34)
        lost: tuple[RegisterUnavailableError, list[PhotoItem]] | None = None
        for n, i in enumerate(picked):
            it = todo[i]
            try:
                self.ctx.ws.approvals.approve(shown[i], signed[i], checks=checks,
                                              seen_on=seen_on, now=self._as_now(shown[i]),
                                              caption=captions[i])
                done.append(it)
            except NotSignedIn as exc:
                self.ctx.fail(self.window, "Not approved", exc)
                break
            except RegisterUnavailableError as exc:
                lost = (exc, [todo[j] for j in picked[n:]])
                break
            except ApprovalConflict as exc:
                changed.append(it)
                problems.append(f"{it.name}: {ended(exc.message)}")
            except PhotoVetError as exc:
                problems.append(error_text(exc, after=it.name))
        if done:
            self._changed(done)
        # what was done, where the approver is looking: for which channel, and what next
        if done:
            them, who = ("it" if len(done) == 1 else "them"), who_may("export")
            # who exports next, as the core's table of roles says (an approver who is not a
            # preparer or poster cannot: walkthrough s33)
            nxt = (f"{'It' if len(done) == 1 else 'They'} can be exported now."
                   if permission_refusal(self.ctx, "export") is None else
                   f"{who[:1].upper()}{who[1:]} can export {them} now.")
            text = (f"{media_count(done)} approved for {self.ctx.current_channel().label} by "
                    f"{approver}. {nxt}")
        else:
            text = "Nothing was approved."
        kept = set(picked)
        held = [it for i, it in enumerate(todo) if i not in kept and self.unseen(it.analysis)]
        self._kept_unseen = None
        if held:
            one = len(held) == 1
            unseen = (f" {media_count(held)} {'was' if one else 'were'} left out: "
                      f"{'it has' if one else 'they have'} not been seen whole in the player: "
                      f"open {'it' if one else 'each'}, play {'it' if one else 'them'} to the "
                      f"end (or step through), then approve {'it' if one else 'them'}.")
            text += unseen
            self._kept_unseen = (unseen, held)
        alone = [it for i, it in enumerate(todo)
                 if i not in kept and it not in held and policy.hand_named_refusal(it.analysis)]
        out = [it for i, it in enumerate(todo)
               if i not in kept and it not in held and it not in alone]
        left = len(out)
        if alone:
            text += (f" {media_count(alone)} {words.verb(len(alone), 'shows', 'show')} a face "
                     "named by hand over a refused recognition: open "
                     f"{'it' if len(alone) == 1 else 'each'} and approve "
                     f"{'it' if len(alone) == 1 else 'them'} on "
                     f"{'its' if len(alone) == 1 else 'their'} own ("
                     + ", ".join(it.name for it in alone[:3])
                     + ("\u2026" if len(alone) > 3 else "") + ").")
        if left:
            text += (f" {media_count(out)} could not be shown on the contact sheet and "
                     f"{'was' if left == 1 else 'were'} left out: open "
                     f"{'it' if left == 1 else 'each'} to approve {'it' if left == 1 else 'them'}.")
        if problems:
            text += " Not approved:\n" + "\n".join(problems[:5])
            if len(problems) > 5:
                text += f"\n\u2026 and {len(problems) - 5} more"
        if lost is not None:
            away, rest = lost
            one = len(rest) == 1
            text += (f"\n{error_text(away)}\n{media_count(rest)} {'was' if one else 'were'} not "
                     f"approved and still {'waits' if one else 'wait'}: approve "
                     f"{'it' if one else 'them'} again when the server is back.")
        text += note
        if changed:
            one = len(changed) == 1
            text += (f"\n{media_count(changed)} changed after the contact sheet was made: "
                     f"{'it is' if one else 'they are'} shown as {'it is' if one else 'they are'} "
                     f"now and still {'waits' if one else 'wait'} for approval.")
            self._kept = (self._shown_key(), text, bool(problems))
            self._show_as_now(changed)               # shown again as they are now, still said
        self._say_kept(text, error=bool(problems) or lost is not None)
        self._server_said = lost is not None

    def _name(self, person_id: str) -> str:
        p = self.ctx.engine.people_by_id.get(person_id)
        return p.display_name if p is not None else "someone on the register"

    def tile_for(self, item: PhotoItem) -> Tile:
        """The words on a contact-sheet tile: what the core says the photo or video publishes
        (``engine.publication``) and what is still open, never re-decided here."""
        a = item.analysis
        pub = self.ctx.engine.publication(a)
        video = getattr(a, "media", "photo") == "video"
        # walk s34: a consent changed since the preparer marked it ready, said first (the
        # sheet showed a pupil covered in a photo prepared to show him, and nothing said why)
        lines: list[str] = self.changed_since_ready(a) if a.sha256 else []
        shown = [self._name(p) for p in pub.people_shown]
        others = sum(1 for _box, who, _why in pub.faces_shown if not who)
        if others:
            shown.append(plural(others, "face not on the register", "faces not on the register"))
        lines.append(f"Faces shown: {', '.join(shown)}" if shown else "No face shown")
        hand = self.hand_named(a)
        if video:
            # faces as the player's rows (one face seen twice is one face)
            faces, texts, areas = face_count(a).with_cover, a.covered_text_count, 0
        else:
            faces = sum(1 for c in pub.covers if c.source == "face")
            # the covers over the rest of a badge (where the channel hides the school) are
            # not names or words of their own (policy.covers_card)
            badges = sum(1 for c in pub.covers if c.source == "text"
                         and c.label == words.BADGE_COVER)
            texts = sum(1 for c in pub.covers if c.source == "text") - badges
            areas = len(pub.covers) - faces - texts - badges
        covered = [w for n, w in ((faces, plural(faces, "face")),
                                  (texts, plural(texts, "name or word", "names or words")),
                                  (areas, plural(areas, "area by hand", "areas by hand"))) if n]
        lines.append(f"Covered: {', '.join(covered)}" if covered else "Nothing covered")
        if getattr(a, "names_not_looked_for", False):
            lines.append("Names not looked for (reading text is off)")
        # each name or text left readable, in the approval panel's words (s45 walk: a name
        # left readable by hand, not on the register, was not said on the tile)
        lines += self.readable_lines(pub)
        if video and getattr(a, "has_audio", False):
            lines.append({"keep": "Sound kept", "mute": "Sound silenced"}.get(
                getattr(pub, "sound", "remove"), "Sound removed"))
        still: list[str] = []
        parts = (a.text_tracks if video else list(a.faces) + list(a.texts))
        waiting = sum(1 for x in parts if x.needs_review) + (face_count(a).open if video else 0)
        # the approver's sheet: open for the preparer, as the approver's panel says it (it
        # said "still yours to decide" to an approver, who cannot decide them)
        if waiting:
            still.append(f"{plural(waiting, 'decision')} still open for the preparer (covered "
                         "until decided)")
        if video and a.sound_needs_review:
            still.append("The sound is still open for the preparer (removed until decided)")
        still += [f.message for f in getattr(a, "flags", ()) if f.open]
        alone = ""
        if policy.hand_named_refusal(a):      # the core never approves it in bulk
            over = any(k == policy.HAND_OVER_REFUSAL for _p, k, _n in policy.hand_named_shown(a))
            alone = ("Named by hand over a refused recognition" if over else
                     "Named by hand, and it could be a twin or look-alike who may not be "
                     "shown") + ": open it and approve it on its own (it is not approved from here)"
            still.append(alone)
        # a video's three moments here are not all of it: approved only once the approver has
        # seen it whole in the player (the core's VideoViews; fail closed)
        return Tile(item.path, item.name, video=video, lines=lines, open=still,
                    held=self.unseen(a) if video else "",
                    hand=[f"{who}: {note}" for who, note, _kind in hand], alone=alone)

    def contact_sheet(self, items: list[PhotoItem], approver: str,
                      captions: list[str] | None = None) -> tuple[list[int], list[str]] | None:
        """Every item as it will be published, rendered in a worker by the core, with the
        school's checklist and the caption proposed with each (``captions``, said on its
        tile); None when the approver cancels, else the indexes of the items seen as
        published and the ticks."""
        engine = self.ctx.engine
        style = self.ctx.ws.settings.cover.style
        jobs = [("video", it.analysis) if getattr(it.analysis, "media", "photo") == "video"
                else ("photo", it.path, engine.covers(it.analysis),
                      (it.analysis.width, it.analysis.height), it.analysis.sha256)
                for it in items]
        shown: set[str] = set()
        covered = hand = others = 0
        # the same photo twice (under another name): one approval, one export (s52 walk: the
        # sheet showed it twice and counted its covers twice); said on its second tile
        first_of: dict[str, str] = {}
        again: dict[int, str] = {}
        for i, it in enumerate(items):
            sha = getattr(it.analysis, "sha256", "")
            if sha and sha in first_of:
                again[i] = first_of[sha]
            elif sha:
                first_of[sha] = it.name
        for i, it in enumerate(items):
            if i in again:
                continue
            a = it.analysis
            pub = engine.publication(a)
            shown |= set(pub.people_shown)
            # faces shown that are nobody on the register (shown by hand): said as the tiles
            # say them (the summary said "Faces shown: nobody" over a face shown by hand)
            others += sum(1 for _box, who, _why in pub.faces_shown if not who)
            hand += len(policy.hand_named_shown(a))
            faces = face_count(a).with_cover if getattr(a, "media", "photo") == "video" \
                else a.cover_count
            covered += faces + a.covered_text_count + len(getattr(a, "manual", ()))
        names = ", ".join(sorted(self._name(p) for p in shown) + (
            [plural(others, "face not on the register", "faces not on the register")]
            if others else [])) or "nobody"
        summary = (f"Faces shown: {names}. "
                   f"{plural(covered, 'face or name', 'faces or names')} covered in all.")
        if hand:
            summary += (f" {plural(hand, 'face')} shown because a person named "
                        f"{'it' if hand == 1 else 'them'} by hand (said on "
                        f"{'its tile' if hand == 1 else 'their tiles'}).")
        if captions is not None:
            summary += " " + words.sheet_captions(captions)
        tiles = [self.tile_for(it) for it in items]
        for i, name in again.items():
            tiles[i].lines.insert(0, f"The same photo as {name}: approved and exported with "
                                     "it, once")
        for tile, caption in zip(tiles, captions or [], strict=False):
            tile.lines.append(words.approval_caption("ready", caption, None))
        dlg = ContactSheetDialog(tiles, self.checklist.checks(),
                                 channel=self.ctx.current_channel().label, approver=approver,
                                 summary=summary, parent=self.window)
        open_ = [True]

        def got(batch: list) -> None:
            if open_[0]:
                for index, pictures, error in batch:
                    dlg.show_result(index, pictures, error)

        workdir = self.ctx.ws.previews().path   # the core's, in the data folder

        def run(stop):
            return render_sheet(engine, jobs, style, stop, workdir)

        worker = self.ctx.workers.start(run, name="contact-sheet", on_yield=got)
        try:
            accepted = dlg.exec()
        finally:
            open_[0] = False
            worker.stop()
        picked, ticks = dlg.approvable(), dlg.ticked()
        dlg.deleteLater()
        return (picked, ticks) if accepted else None

    def reject(self) -> None:
        item = self.review.current()
        if not self._usable(item) or not self.required:
            return
        self._kept = None
        what = "video" if getattr(item.analysis, "media", "photo") == "video" else "photo"
        dlg = ReasonDialog(f"Reject this {what}", f"Reject {item.name} for "
                           f"{self.ctx.current_channel().label}? It will not be exported. Say "
                           "why, so the preparer knows (optional).", ok_text="Reject",
                           required=False, multiline=True, parent=self.window,
                           check=self.ctx.ws.free_text_refusal)
        boxes = self._name_wrong_boxes(dlg, item.analysis)
        if not dlg.exec():
            return
        wrong = [i for i, box in boxes if box.isChecked()]
        try:
            self.ctx.ws.approvals.reject(item.analysis, comment=dlg.value(), wrong_names=wrong)
        except PhotoVetError as exc:
            self._refused("Not rejected", exc)
            return
        if wrong:
            # the review changed too: the photo is decided again with the face covered, and
            # shown again when it is the one on screen
            self.batch.redecide(item)
            if self.review.current() is item:
                self.review.show_current()
        shown = self.tab.batch.shown_items()
        row = shown.index(item) if item in shown else 0
        self._changed([item])
        if item not in self.tab.batch.shown_items():
            # the approver's 'Waiting for approval' no longer lists it: the next one in its row
            self._next_after(item, row)
        # said beside the photo now shown, and kept while it is (s37 walk: the photo left the
        # list with nothing saying it was rejected)
        said = f"{item.name} rejected: back with the preparer."
        if wrong:
            said += " " + words.names_returned(len(wrong))
        self._say_kept(said)

    def _name_wrong_boxes(self, dlg: ReasonDialog, a) -> list[tuple[int, QCheckBox]]:
        """One tick box in the rejection dialog for each face of a photo a person said who it
        is by hand (``review.named_by_hand``), or each face track of a video
        (``video_review.named_by_hand``, numbered as the player numbers them, with when it is
        seen: s37): ticked, the rejection says that name is wrong, and the core takes it off
        and covers the face (the whole track) until the preparer decides again."""
        eng = self.ctx.engine
        video = getattr(a, "media", "photo") == "video"
        if video:
            named = [(t.id, t.override_person or "",
                      f" (seen {clock(t.first_time)} to {clock(t.last_time)})")
                     for t in (a.track(tid) for tid in video_named_by_hand(a))]
        else:
            named = [(i, a.faces[i].override_person or "", "") for i in named_by_hand(a)]
        out: list[tuple[int, QCheckBox]] = []
        if not named:
            return out
        lay = dlg.layout()
        # what a tick does, said once above the boxes (one line each: the words wrap here)
        said = QLabel(f"Tick a face whose name given by hand is wrong: the name is taken off and "
                      f"the face covered{' in the whole video' if video else ''} until the "
                      "preparer says again who it is.")
        said.setWordWrap(True)
        said.setObjectName("NameWrongSaid")
        lay.insertWidget(1, said)
        for n, (i, pid, seen) in enumerate(named):
            name = eng.name_of(pid) if eng is not None else pid
            box = QCheckBox(f"Face {i + 1}{seen} is not {name}")
            box.setObjectName("NameWrongBox")
            lay.insertWidget(2 + n, box)
            out.append((i, box))
        return out

    def current_rejected(self) -> bool:
        """Whether the photo in the window was rejected (on any channel): only then may its
        original be deleted at once (the core's ``rejections_of``; it refuses anyway)."""
        item = self.review.current()
        if not self._usable(item):          # as delete_original asks
            return False
        try:
            return bool(rejections_of(self.ctx.ws.approvals, item.analysis.sha256))
        except PhotoVetError:           # the register away: its banner says so
            return False

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


def still_open_text(item: PhotoItem) -> str:
    """The question before marking ready with decisions open, for a photo or a video, naming
    what is open ('1 face to decide; the sound to decide')."""
    what = "video" if item.is_video else "photo"
    open_ = item.open_decisions()
    listed = f": {'; '.join(open_)}" if open_ else ""
    where = "" if item.is_video else " (in amber)"
    sound = (" The sound stays removed unless the approver listens to it."
             if item.is_video and getattr(item.analysis, "sound_needs_review", False) else "")
    return (f"This {what} still has decisions open{listed}{where}. If you mark it ready now, "
            f"what is open stays covered.{sound} Mark it ready?")


__all__ = ["ApprovalController", "face_lines", "still_open_text"]
