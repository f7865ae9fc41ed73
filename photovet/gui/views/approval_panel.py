"""Approval of the current photo for the channel: what state it is in and the buttons that
fit the person in front of the screen (the preparer marks photos ready; a senior leader
approves or rejects them). The rules are the core's (``photovet.core.approval``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photovet.core import policy
from photovet.core.approval import ApprovalState
from photovet.core.policy import caption_text
from photovet.core.words import (
    approval_caption,
    approval_note_said,
    approval_while_checking,
    media_of,
)

from .. import style
from ..words import (
    APPROVED_CAPTION_CHECKING,
    APPROVED_CAPTION_REFUSED,
    APPROVED_CAPTION_REFUSED_NEXT,
    day,
    esc,
)
from .checklist_ticks import ChecklistTicks
from .photo_flags import ContentScroll


def state_sentence(state: ApprovalState | None, void: str, channel_label: str, *,
                   note: bool = True) -> str:
    """``note``: PhotoVet's note on it is said here (False: the lines of who is shown say it,
    with whose consent: ``ApprovalController.ended_said``)."""
    if state is None or state.status == "draft":
        return f"Not marked ready for {esc(channel_label)} yet."
    # PhotoVet's own note on it (signed again once a pupil's name was taken out of its
    # review's reasons; waiting for approval again, and why): s35
    note = f"<br>{esc(approval_note_said(state.note))}" if state.note and note else ""
    if state.status == "ready":
        return (f"Waiting for a senior leader's approval for {esc(channel_label)} "
                f"(prepared by {esc(state.preparer or '')}).{note}")
    if state.status == "rejected":
        c = f": \u201c{esc(state.comment)}\u201d" if state.comment else "."
        return f"<b>Rejected</b> by {esc(state.approver or '')} on {day(state.decided_at)}{c}"
    if void:
        return f"<b>The approval no longer counts</b>: {esc(void)}."
    c = f" \u201c{esc(state.comment)}\u201d" if state.comment else ""
    return (f"<b>Approved</b> for {esc(channel_label)} by {esc(state.approver or '')} on "
            f"{day(state.decided_at)}.{c}{note}")


class WordsScroll(QScrollArea):
    """The panel's message: it asks for the height of its words, up to ``lines`` lines, and
    yields down to ``least`` lines when the panel is short of room, then it scrolls; hidden
    with the message. A long message (the server away while approving 15 photos) took the
    room of the school's checklist, which was squeezed to one line under it (walk s34, at
    1366 x 768): the checklist keeps its height, the message scrolls.

    s65: at 1024 x 768 a refusal of four or more lines (a four-eyes refusal; "Approve all
    shown" refused for each photo) was cut to three lines and scrolled. ``yields``, a scroll
    area above it (the checklist), yields down to ``yields_to`` px while the message shows,
    and the message keeps up to ``least`` lines: a long message is read whole and the
    checklist scrolls instead (nothing can be approved until the message is read)."""

    def __init__(self, label: QLabel, lines: int = 12, least: int = 3,
                 parent: QWidget | None = None, *, yields: ContentScroll | None = None,
                 yields_to: int = 0):
        super().__init__(parent)
        self.label, self.lines, self.least = label, lines, least
        self.yields, self.yields_to = yields, yields_to
        self._yields_least = yields.min_height if yields is not None else 0
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        label.installEventFilter(self)
        self.fit()

    def _lines(self, n: int) -> int:
        return self.label.fontMetrics().lineSpacing() * n + 16

    def cap(self) -> int:
        """The most it asks for: ``lines`` lines of the label's words and its padding."""
        return self._lines(self.lines)

    def content_height(self) -> int:
        w = max(120, self.viewport().width())
        return max(self.label.heightForWidth(w), self.label.minimumHeight(),
                   self.label.minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), min(self.cap(), self.content_height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(),
                     min(self._lines(self.least), self.content_height()))

    def fit(self) -> None:
        """Shown with the message, asking for its words' height again."""
        shown = self.label.isVisibleTo(self)
        self.setVisible(shown)
        self.setMaximumHeight(self.cap())
        self.updateGeometry()
        if self.yields is not None:
            self.yields.min_height = self.yields_to if shown else self._yields_least
            self.yields.updateGeometry()

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if obj is self.label and ev.type() in (QEvent.Type.ShowToParent,
                                               QEvent.Type.HideToParent):
            self.fit()
        return super().eventFilter(obj, ev)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if ev.oldSize().width() != ev.size().width():
            self.updateGeometry()          # the words wrap anew: another height


class ApprovalPanel(QWidget):
    mark_ready_requested = Signal()
    mark_all_ready_requested = Signal()
    approve_requested = Signal()
    reject_requested = Signal()
    approve_all_requested = Signal()
    delete_original_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = QLabel("Approval")
        self.heading.setObjectName("SectionTitle")
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("Banner")
        self.message.hide()

        self.ready_btn = QPushButton(style.icon("ready"), "Mark ready")
        self.ready_btn.setToolTip("This photo is checked: send it to a senior leader for approval")
        self.ready_all_btn = QPushButton("Mark all shown ready\u2026")
        self.ready_all_btn.setToolTip("Mark every photo the list shows as ready for approval")
        # s48: the keys are said in the tooltips, not as "(A)" / "(R)" in the words (read as
        # part of the label); Alt+A and Alt+R are the menu bar's Approve and Review menus, so
        # the buttons keep the plain keys A and R (main_window.py)
        self.approve_btn = QPushButton(style.icon("approve"), "Approve")
        self.approve_btn.setObjectName("Primary")
        self.approve_btn.setToolTip("Approve it for this channel, as it will be published, "
                                    "with its caption (shortcut: A)")
        self.reject_btn = QPushButton(style.icon("reject"), "Reject\u2026")
        self.reject_btn.setToolTip("Reject it, saying why: it goes back to the preparer "
                                   "(shortcut: R)")
        self.approve_all_btn = QPushButton("Approve all shown\u2026")
        self.approve_all_btn.setToolTip("Approve every photo the list shows, after one check")
        self.delete_btn = QPushButton("Delete this original now\u2026")
        self.delete_btn.setToolTip("A rejected photo can be deleted at once (to the Recycle Bin / "
                                   "Trash); this is recorded in the audit log")
        # faces shown because a person named them by hand, in the core's words: the approver
        # reads whom PhotoVet recognised and who named them (the s26 audit, item 1)
        self.hand = QLabel("")
        self.hand.setObjectName("HandNamed")
        self.hand.setWordWrap(True)
        self.hand.setTextFormat(Qt.TextFormat.RichText)
        self.hand.setStyleSheet(style.BANNER_ERROR)
        self.hand.hide()
        self.who = QLabel("")
        self.who.setWordWrap(True)
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.who.linkActivated.connect(lambda *_: self.sign_out_requested.emit())

        self.ready_btn.clicked.connect(self.mark_ready_requested)
        self.ready_all_btn.clicked.connect(self.mark_all_ready_requested)
        self.approve_btn.clicked.connect(self.approve_requested)
        self.reject_btn.clicked.connect(self.reject_requested)
        self.approve_all_btn.clicked.connect(self.approve_all_requested)
        self.delete_btn.clicked.connect(self.delete_original_requested)
        # issue 18: the approver's checklist (filled by controllers/checklist.py)
        self.checks = ChecklistTicks()
        # the GUI audit, item 7: who is shown and which names stay readable, beside the
        # checklist, in the core's words (the approver's view showed a summary count only)
        self.shown_label = QLabel("")
        self.shown_label.setObjectName("ApprovalShown")
        self.shown_label.setWordWrap(True)
        self.shown_label.setTextFormat(Qt.TextFormat.RichText)
        self.shown_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shown_label.hide()
        # s31: the caption is part of what is approved. The preparer proposes it here (for
        # "Mark ready" and "Mark all shown ready"); the approver reads it here, and approves
        # it with the photo; export then allows that caption or none
        self.caption_edit = QLineEdit()
        self.caption_edit.setObjectName("ProposedCaption")
        self.caption_edit.setPlaceholderText("Caption to post with this photo (optional)")
        self.caption_edit.setToolTip(
            "The caption you propose to post with this photo (Mark ready), or with every "
            "photo the list shows (Mark all shown ready: one caption for all of them). It "
            "is checked for pupils' names first; the senior leader sees it and approves it "
            "with the photos, and they are exported with this caption or none.")
        # s32: the box holds the selected photo's own proposed caption (it kept the text of
        # the photo before, so a caption could be proposed for the wrong photo); what is
        # typed and not yet marked ready stays with its photo while another is looked at
        self._caption_for: tuple[str, str] | None = None   # (content hash, channel) shown
        self._caption_base = ""                            # its caption as stored
        self._typed: dict[tuple[str, str], str] = {}       # typed, not marked ready yet
        # a refused caption's suggestion, offered with one click (the core's suggestion)
        self.suggestion = ""
        self.use_suggestion_btn = QPushButton("Use the suggested caption")
        self.use_suggestion_btn.setObjectName("UseSuggestedCaption")
        self.use_suggestion_btn.clicked.connect(self.use_suggestion)
        self.use_suggestion_btn.hide()
        # the refusal said of the caption typed for this photo ((content hash, channel), the
        # caption, the words, the suggestion): said again while both stay (the photo shown
        # afresh, a change heard from another PC, would otherwise clear it)
        self._refusal: tuple[tuple[str, str] | None, str, str, str] | None = None
        # a photo already marked ready or approved is marked ready again with a new caption
        self.caption_edit.textChanged.connect(lambda *_: self._update_ready())
        self._ready_base = False              # Mark ready fits the photo whatever the caption
        self._ready_again: str | None = None  # ...or with another caption than this one
        self.caption_label = QLabel("")
        self.caption_label.setObjectName("ApprovalCaption")
        self.caption_label.setWordWrap(True)
        self.caption_label.setTextFormat(Qt.TextFormat.RichText)
        self.caption_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption_label.hide()
        #: the caption the approver is shown for the current photo (None: none shown), the
        #: one the approval signs (``Approvals.approve(caption=...)``)
        self.shown_caption: str | None = None
        # the GUI audit, item 8: what is left to see of a video before it can be approved
        self.watch_label = QLabel("")
        self.watch_label.setObjectName("ApprovalWatch")
        self.watch_label.setWordWrap(True)
        self.watch_label.setStyleSheet("color: #7a5200;")
        self.watch_label.hide()

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.ready_btn, 0, 0)
        grid.addWidget(self.ready_all_btn, 0, 1)
        grid.addWidget(self.approve_btn, 1, 0)
        grid.addWidget(self.reject_btn, 1, 1)
        grid.addWidget(self.approve_all_btn, 2, 0, 1, 2)
        grid.addWidget(self.delete_btn, 3, 0, 1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.state_label)
        lay.addWidget(self.shown_label)
        lay.addWidget(self.caption_label)
        lay.addWidget(self.hand)
        # the checklist asks for its whole height (a 1366 x 768 screen has room for the
        # school's checks when "What PhotoVet found" above yields), and scrolls only below that:
        # a fixed height squeezed it into two rows and let the buttons overlap the checks
        # s35: it keeps its whole height (up to 320 px, a long list of checks), the message
        # under the buttons and what PhotoVet found yielding first; s65: while a message shows,
        # the checklist yields to it (WordsScroll) and scrolls
        self.checks_scroll = ContentScroll(self.checks, 320)
        lay.addWidget(self.checks_scroll)
        lay.addWidget(self.watch_label)
        lay.addWidget(self.caption_edit)
        lay.addLayout(grid)
        lay.addWidget(self.who)
        self.message_scroll = WordsScroll(self.message, lines=16, least=16, yields=self.checks_scroll,
                                          yields_to=self.fontMetrics().lineSpacing() * 5)
        lay.addWidget(self.message_scroll)
        lay.addWidget(self.use_suggestion_btn)
        self.show_state(None, None, "", "", required=True, approver_view=False, approver="")

    def show_state(self, analysis, state: ApprovalState | None, void: str, channel_label: str, *,
                   required: bool, approver_view: bool, approver: str,
                   shown: list[str] | None = None, unseen: str = "",
                   hand_named: list[tuple[str, str, str]] | None = None,
                   caption_refused: str | None = "",
                   elsewhere: list[str] | None = None, note_said: bool = False,
                   checking: str = "", not_checked: bool = False, gone: str = "",
                   takedown: str = "", four_eyes: str = "") -> None:
        """Everything about the current photo; buttons only when they can do something.
        ``shown``: who is shown and which names stay readable, a line each (the approver's
        view); ``unseen``: the core's words for what is left to see of a video before it can
        be approved ('' when nothing is); ``hand_named``: (who, the core's note, its kind:
        ``policy.HAND_*``) for each face shown because a person named it by hand;
        ``caption_refused``: why the caption it was approved with may not go out now (the
        core's words, as export says it; '' when it may; None while it is being checked);
        ``elsewhere``: its rejections for other channels, with the senior leader's comment (the
        core's words); ``note_said``: ``shown`` says why its approval ended, with whose
        consent: the approval's note is not said again above it; ``checking``: a photo or
        video is chosen and still being checked (``analysis`` is None): 'photo' or 'video';
        ``takedown``: the core's words for a copy of it on the take-down list, said first
        whatever else is true (s43); ``four_eyes``: the core's words for why the signed-in
        approver may not approve it themselves (``Approvals.four_eyes_refusal``; s62: said
        only once Approve was pressed): Approve is off and it is said under it."""
        self.message.hide()
        self.offer_suggestion("")
        self.caption_edit.setPlaceholderText(   # a video's caption is the video's (s38 walk)
            f"Caption to post with this {media_of(analysis) if analysis is not None else 'photo'}"
            " (optional)")
        self.shown_label.hide()
        self.watch_label.hide()
        self.show_hand_named(hand_named or [] if analysis is not None else [])
        self.show_caption(state if analysis is not None else None, approver_view, required,
                          void=bool(void))
        if self._refusal is not None:
            key, typed, text, suggestion = self._refusal
            if key == self._caption_for and typed == caption_text(self.caption_edit.text()):
                self.say_refused(text, suggestion)
            else:
                self._refusal = None
        if not required:
            self.state_label.setText("Approval is turned off in the school's settings: photos "
                                     "are exported without a senior leader's approval.")
            for b in (self.ready_btn, self.ready_all_btn, self.approve_btn, self.reject_btn,
                      self.approve_all_btn, self.delete_btn):
                b.hide()
            self.who.hide()
            return
        # its original deleted: nothing can be marked ready, approved or exported again, so
        # what happened is said, not "approve it again as it is now" (s44 walk)
        usable = analysis is not None and not analysis.error and not gone
        status = "draft" if state is None else state.status
        said = state_sentence(state, void, channel_label,
                              note=not (note_said and approver_view)) if usable else \
            (gone or f"This {media_of(analysis)} cannot be approved: it could not be checked."
             if analysis is not None else
             approval_while_checking(checking, approver=approver_view,
                                     not_checked=not_checked) if checking else
             "Choose a photo.")
        if usable and caption_refused and status == "approved" and not void:
            # walk5: "Approved" for a caption export refuses: said as export says it
            said += (f"<br><b>{APPROVED_CAPTION_REFUSED}</b>: {esc(caption_refused)} "
                     f"{APPROVED_CAPTION_REFUSED_NEXT}")
        elif usable and caption_refused is None and status == "approved" and not void:
            said += f"<br>{esc(APPROVED_CAPTION_CHECKING)}"
        if usable and elsewhere:
            said += "".join(f"<br><b>{esc(line)}</b>" for line in elsewhere)
        if takedown:
            said = f"<b>{esc(takedown)}</b><br>{said}"
        self.state_label.setText(said)
        for b in (self.ready_btn, self.ready_all_btn):
            b.setVisible(not approver_view)
        for b in (self.approve_btn, self.reject_btn, self.approve_all_btn):
            b.setVisible(approver_view)
        # "Mark all shown ready..." and "Approve all shown..." follow what the list shows
        # (``ApprovalController.update_all_shown``)
        for b in (self.approve_all_btn, self.delete_btn):
            b.setEnabled(True)
        self._ready_base = usable and (status in ("draft", "rejected") or bool(void))
        self._ready_again = state.caption if usable and state is not None and \
            status in ("ready", "approved") else None
        self._update_ready()
        can_approve = usable and (status == "ready" or bool(void))
        self.approve_btn.setEnabled(can_approve and not unseen and not four_eyes)
        if approver_view and can_approve and four_eyes:
            self.watch_label.setText(four_eyes)
            self.watch_label.setVisible(not self._says(four_eyes))
        elif approver_view and can_approve and unseen:
            self.watch_label.setText(unseen + ". What you have seen is marked green along the "
                                     "top of the timeline.")
            self.watch_label.show()
        if approver_view and usable and shown is not None:
            self.shown_label.setText("<br>".join(esc(line) for line in shown))
            self.shown_label.show()
        self.reject_btn.setEnabled(usable and status in ("ready", "approved"))
        self.delete_btn.setVisible(usable and status == "rejected")
        self.checks.setVisible(approver_view and usable and bool(self.checks.checks()))
        self.who.setVisible(approver_view)
        self.who.setText(f"Approving as <b>{esc(approver)}</b>" if approver else "")

    def caption_changed(self) -> bool:
        """Is the caption typed another than the one the current photo was marked ready
        with (it is then marked ready again with it, for approval afresh)?"""
        return self._ready_again is not None and \
            caption_text(self.caption_edit.text()) != caption_text(self._ready_again)

    def _update_ready(self) -> None:
        self.ready_btn.setEnabled(self._ready_base or self.caption_changed())

    def show_caption(self, state: ApprovalState | None, approver_view: bool,
                     required: bool, *, void: bool = False) -> None:
        """The caption of the current photo's approval: the one proposed (the approver approves
        it with the photo: ``shown_caption``), or approved; the preparer's box holds the one
        proposed for it, to keep or change when marking it ready again. ``void``: the approval
        no longer counts, so its caption is proposed again, not approved (it said "Caption
        approved" under "The approval no longer counts")."""
        status = state.status if state is not None else "draft"
        self.shown_caption = state.caption if state is not None and approver_view and \
            status in ("ready", "approved") else None
        self.caption_edit.setVisible(required and not approver_view)
        self._follow_photo(state)
        if not required or state is None or status == "draft":
            self.caption_label.hide()
            return
        counts = status == "approved" and not void
        said = approval_caption("approved" if counts else "ready", state.caption,
                                state.approved_caption)
        head, _, rest = said.partition(": ")
        if approver_view and not counts:
            head = "Caption you approve with it" if state.caption else "No caption proposed"
            rest = rest if state.caption else "it is exported with none"
        self.caption_label.setText(f"<b>{esc(head)}</b>: {esc(rest)}")
        self.caption_label.show()

    def _follow_photo(self, state: ApprovalState | None) -> None:
        """The box holds the shown photo's own proposed caption ('' when it has none): another
        photo shown puts its caption in the box (what was typed for the one before, not yet
        marked ready, is kept for it, and is back when it is shown again); the same photo
        shown again (its state read afresh) keeps what is being typed, and takes the stored
        caption only when nothing was typed over it."""
        key = (state.sha256, state.channel) if state is not None and state.sha256 else None
        stored = state.caption if state is not None and state.status != "draft" else ""
        typed = self.caption_edit.text()
        edited = caption_text(typed) != caption_text(self._caption_base)
        if key != self._caption_for:
            if self._caption_for is not None:
                if edited:
                    self._typed[self._caption_for] = typed
                else:
                    self._typed.pop(self._caption_for, None)
            self._caption_for, self._caption_base = key, stored
            self.caption_edit.setText(self._typed.pop(key, stored) if key is not None else "")
            return
        self._caption_base = stored
        if not edited and typed != stored:
            self.caption_edit.setText(stored)

    def marked_ready(self, keys: list[tuple[str, str]]) -> None:
        """These photos ((content hash, channel)) were marked ready: the captions typed for
        them before are stored or replaced, no longer waiting in the box; the photo shown among
        them shows its caption as stored next (s48: not the words typed before marking it)."""
        for key in keys:
            self._typed.pop(key, None)
        if self._caption_for in keys:
            self._caption_for, self._caption_base = None, ""

    def forget_typed(self) -> None:
        """Captions typed and not marked ready, forgotten (another person signed in: never
        shown to them, nor proposed in their name)."""
        self._typed.clear()
        self._caption_for, self._caption_base = None, ""
        self.caption_edit.setText("")

    def offer_suggestion(self, suggestion: str) -> None:
        """"Use the suggested caption" under the words saying why the caption was refused,
        when the core suggested one ('' hides it)."""
        self.suggestion = suggestion
        self.use_suggestion_btn.setToolTip(f"Put \u201c{suggestion}\u201d in the caption box"
                                           if suggestion else "")
        self.use_suggestion_btn.setText("Use the suggested caption")
        self.use_suggestion_btn.setEnabled(True)
        self.use_suggestion_btn.setVisible(bool(suggestion))
        self.message.setMinimumHeight(0)

    def use_suggestion(self) -> None:
        """The suggestion goes in the box, and the panel keeps its shape: the words and the
        button stay where they were (saying it was used) until the next thing is said, so
        "Mark ready" does not move under the pointer (walk5: it rose to where the button had
        been, and a second click would have marked the photo ready unread)."""
        if not self.suggestion:
            self.offer_suggestion("")
            self.message.hide()
            return
        self.caption_edit.setText(self.suggestion)
        self.suggestion = ""
        self.message.setMinimumHeight(self.message.height())
        self.message.setStyleSheet(style.BANNER_INFO)
        self.message.setText("The suggested caption is in the box: read it, then press "
                             "\u201cMark ready\u201d.")
        self.message_scroll.fit()
        self._refusal = None
        self.use_suggestion_btn.setText("Suggested caption used")
        self.use_suggestion_btn.setEnabled(False)

    def show_hand_named(self, items: list[tuple[str, str, str]]) -> None:
        if not items:
            self.hand.hide()
            self.hand.setText("")
            return
        over = any(k in policy.HAND_LOOK_AT for _w, _n, k in items)
        # what PhotoVet itself decided (the core's words), not "did not decide" of a face it
        # recognised as someone else (s36)
        head = (f"<b>Named by hand ({len(items)})</b>: "
                f"{esc(policy.hand_named_heading([k for _w, _n, k in items]))}; look at "
                f"{'it' if len(items) == 1 else 'each'} before approving.")
        if over:
            head += " This photo is approved on its own, never with \u201cApprove all shown\u201d."
        # s36: a rejection can say which name is wrong (the face goes back to the preparer)
        head += (" If a name is wrong, say so in \u201cReject\u2026\u201d: that face goes back "
                 "to the preparer, covered.")
        lines = "".join(f"<br>\u2022 <b>{esc(who)}</b>: {esc(note)}" for who, note, _k in items)
        self.hand.setText(head + lines)
        self.hand.show()

    def say(self, text: str, error: bool = False, suggestion: str = "") -> None:
        """``text`` under the buttons; ``suggestion``: a caption the core suggests instead of
        the one refused, offered as "Use the suggested caption"."""
        self.message.setStyleSheet(style.BANNER_ERROR if error else style.BANNER_INFO)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        if self._says(self.watch_label.text()):
            # s65 walk: a four-eyes refusal (Approve pressed with its key) was said twice, one
            # above the other, and the second, under the buttons, was cut to three lines and
            # scrolled at 1024 x 768: said once, in full, under the buttons
            self.watch_label.hide()
        self.offer_suggestion(suggestion)
        self.message_scroll.fit()
        self._refusal = None

    def _says(self, text: str) -> bool:
        """The message under the buttons shows and says ``text`` (line breaks aside), alone or
        among others ("Approve all shown" refused for each photo, this one's said with it)."""
        return bool(text) and self.message.isVisibleTo(self) and \
            " ".join(text.split()) in " ".join(self.message.text().split())

    def say_refused(self, text: str, suggestion: str = "") -> None:
        """Why the caption in the box was refused (the core's words), with its suggestion
        offered; said again while the same photo is shown with the same caption."""
        self.say(text, error=True, suggestion=suggestion)
        self._refusal = (self._caption_for, caption_text(self.caption_edit.text()), text,
                         suggestion)


__all__ = ["ApprovalPanel", "state_sentence"]
