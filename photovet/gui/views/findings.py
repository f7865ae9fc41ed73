"""What PhotoVet found in the current photo, and why each thing is shown or covered.

At the top, the decisions that are the person's to make (an uncertain match: "Yes, it is Joel"
/ "No"; text that looks like a name PhotoVet cannot place), each one click. Below, every face,
every text read in the photo (covered or kept, with why: issue 15 "kept text is invisible to
the reviewer"), the areas covered by hand, and the hidden details the export removes. Clicking a
row selects it on the photo; right-clicking offers the changes a person may make.

Fragments and lines read with low confidence that stay readable as ordinary text ("D", "—",
"My wa") are listed under "Other text (n)", folded, so they do not crowd the names; every one
is still listed (nothing read is hidden from the reviewer) and selecting one on the photo
opens the group. Presentation only: which text is covered is policy's decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import PhotoAnalysis
from photovet.core.policy import (
    NAMED_BY_HAND,
    cue_places,
    hand_named_shown,
    text_fragment,
    waiting_for_decision,
    waiting_on_cue,
)
from photovet.core.words import (
    HIDDEN_DETAILS_REMOVED,
    NAMES_NOT_LOOKED_FOR,
    hidden_details_removed,
)

from .. import style
from ..glyphs import Drawable
from ..words import esc, plural, read_words, text_question, uk_dates
from . import take_down
from .photo_view import COVER, FACE, TEXT, face_name, face_person

#: the list's fold of text kept readable as no name (fragments, low confidence)
OTHER_TEXT = "Other text"

KindRole = Qt.ItemDataRole.UserRole + 1
IndexRole = Qt.ItemDataRole.UserRole + 2

CATEGORY_WORDS = {
    "location": "Location", "people": "People tagged", "embedded": "Hidden pictures",
    "device": "Camera", "owner": "Owner", "date": "Dates", "text": "Comments",
    "software": "Software", "makernote": "Camera maker's data", "colour": "Colour profile",
    "other": "Other hidden detail",
}
#: how big a detail is ("2353 bytes", "1 resource", "12 tags", "3 fields"), alone or after
#: what it is ("'Ducky', 15 bytes"): nothing a school can judge, left out of the line (s36 walk)
_A_SIZE = re.compile(r"(^|,\s*)\d+ (bytes?|resources?|tags?|fields?)$")


def hidden_line(category: str, label: str, value: str) -> str:
    """One line of "Hidden details removed by the export": 'Location — GPS position: 52.9,
    -1.1', 'Other hidden detail — Adobe XMP data' (not 'Other — Adobe XMP data: 2353
    bytes')."""
    value = _A_SIZE.sub("", (value or "").strip())
    core = f"{label}: {value}" if value else label
    return f"{CATEGORY_WORDS.get(category, CATEGORY_WORDS['other'])} \u2014 {core}"


def face_sentence(face, people_by_id: dict[str, Any]) -> str:
    """'Joel Smith: shown. Consent for Facebook.'"""
    verb = "shown" if face.decision == "show" else "covered"
    reason = face.reason
    if face.hand_note and reason.endswith(NAMED_BY_HAND):
        # the note says it, with who and whom ("...; named by hand. Named by hand by ...")
        reason = reason[:-len(NAMED_BY_HAND)]
    text = f"{face_name(face, people_by_id)}: {verb}. {reason}".rstrip()
    if not text.endswith("."):
        text += "."
    if face.hand_note:
        # the core's words: "Named by hand by Mrs Jane Okafor: PhotoVet recognised Joe Harris..."
        text += f" {face.hand_note}" + ("" if face.hand_note.endswith(("\u201d", ".")) else ".")
    elif face.near_note:
        # the core's words: "It could also be Hope Bennett, Grace's twin (Facebook: No)"
        text += f" {face.near_note}."
    if face.refused:
        text += f" Your change was not used: {face.refused}."
    return text


def text_sentence(item, can_draw: Callable[[str], bool] | None = None) -> str:
    """'“Muhammad Iqbal”: covered. Pupil's name (no consent to show names).' ``can_draw``:
    whether this PC's fonts draw a character (``Drawable``): those it cannot are said after
    the quote ('“口” (a Chinese/Japanese character, U+53E3): kept readable. ...')."""
    said = read_words(item.text, item.kind, can_draw, getattr(item, "context", ""))
    if item.decision == "cover":
        why = item.reason or "covered"
        text = f"{said}: covered. {why}"
    else:
        why = item.reason or "Ordinary text, not a name"
        text = f"{said}: kept readable. {why}"
    if not text.endswith("."):
        text += "."
    if item.refused:
        text += f" Your change was not used: {item.refused}."
    return text


def other_text(item) -> bool:
    """Is this line listed under "Other text": kept readable as ordinary text (not a name,
    not the school's, nobody's decision, nothing open), and only a fragment or read with low
    confidence? Where it is listed only; what it decides is the core's."""
    return (item.decision == "keep" and not item.needs_review and not item.kind
            and not item.school and not item.override and not item.refused
            and (item.low_confidence or text_fragment(item.text)))


def initials_like(text: str) -> bool:
    """'OPS', 'S.M.P.': capitals only, 2 to 5 letters (a school's initials on a logo may be
    asked about as a possible name; the question then says where to name them)."""
    letters = [c for c in text or "" if c.isalpha()]
    return 2 <= len(letters) <= 5 and all(c.isupper() for c in letters) and \
        all(c.isalpha() or c in ". " for c in text.strip())


def texts_read(n: int, covered: int) -> str:
    """The lines of text read in a photo and what became of them, as a person says it (s40:
    "1 text read: 0 covered"): "1 line of text read, left readable", "2 lines of text read:
    1 covered, 1 left readable", "3 lines of text read: all covered"."""
    read = f"{plural(n, 'line')} of text read"
    if not covered:
        return f"{read}, left readable"
    if covered >= n:
        return f"{read}: {'covered' if n == 1 else 'all covered'}"
    return f"{read}: {covered} covered, {n - covered} left readable"


def summary_sentence(a: PhotoAnalysis) -> str:
    if a.error:
        # as the picture's place says it (s52 walk: "(... ends early (the file may be
        # incompletely copied))", and "This photo" of a text file named .jpg)
        return (f"This file could not be checked: {a.error.strip().rstrip('.')}. It will not be "
                "exported.")
    shown = sum(1 for f in a.faces if f.decision == "show")
    bits = []
    if a.faces:
        hand = len(hand_named_shown(a))
        bits.append(f"{plural(len(a.faces), 'face')}: {shown} shown"
                    + (f" ({hand} named by hand)" if hand else "") + f", {a.cover_count} covered")
    else:
        bits.append("No faces found")
    if a.names_not_looked_for:    # (s62: said nothing, as for no text)
        bits.append("names not looked for")
    elif a.texts:
        bits.append(texts_read(len(a.texts), a.covered_text_count))
    if a.manual:
        bits.append(f"{plural(len(a.manual), 'area')} covered by hand")
    removed = len(a.metadata.findings) if a.metadata else 0
    if removed:
        bits.append(hidden_details_removed(removed))
    return "; ".join(bits) + "."


class WrapDelegate(QStyledItemDelegate):
    """Rows that wrap to the width of the list, so no finding is ever cut off."""

    def __init__(self, tree: QTreeWidget):
        super().__init__(tree)
        self.tree = tree

    def _width(self, index) -> int:
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        return max(80, self.tree.viewport().width() - self.tree.indentation() * (depth + 1) - 8)

    def sizeHint(self, option, index) -> QSize:
        fm = option.fontMetrics
        f = index.data(Qt.ItemDataRole.FontRole)
        if f is not None:
            fm = QFontMetrics(f)
        w = self._width(index)
        r = fm.boundingRect(QRect(0, 0, w, 100000), int(Qt.TextFlag.TextWordWrap),
                            str(index.data() or ""))
        return QSize(w, r.height() + 6)

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        colour = opt.palette.highlightedText().color() if selected else \
            (opt.palette.text().color() if not index.data(Qt.ItemDataRole.ForegroundRole)
             else index.data(Qt.ItemDataRole.ForegroundRole).color())
        painter.setPen(colour)
        painter.setFont(opt.font)
        painter.drawText(opt.rect.adjusted(3, 3, -3, -3),
                         int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignTop), text)
        painter.restore()


class DecisionCard(QFrame):
    """One open decision with its one-click answers. A click on it, or a Tab onto one of its
    buttons, says ``chosen``: the face or text it asks about is shown on the photo (several
    cards can say the same words, "Words on the photo: looks like a name...", and only the
    place on the photo tells them apart)."""

    chosen = Signal()
    PERSON_FOCUS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                    Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason)

    STYLE = ("QFrame#DecisionCard {{ border: {width}px solid {colour}; border-radius: 4px;"
             " background: #fff8e1; }}")

    def __init__(self, question: str, buttons: list[tuple[str, str, Any]], parent=None):
        super().__init__(parent)
        self.setObjectName("DecisionCard")
        self.set_chosen(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        q = QLabel(question)
        q.setToolTip("Click to see where it is on the photo")   # the question, not its buttons
        q.setWordWrap(True)
        q.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(q)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in buttons:
            b = QPushButton(text)
            b.setObjectName(f"decide-{key}")
            b.clicked.connect(slot)
            b.installEventFilter(self)
            row.addWidget(b)
            self.buttons[key] = b
        row.addStretch(1)
        lay.addLayout(row)

    def set_chosen(self, on: bool) -> None:
        """Outlined in the colour the photo outlines what is chosen, or not."""
        self.is_chosen = bool(on)
        self.setStyleSheet(self.STYLE.format(width=2 if on else 1,
                                             colour=style.SELECTED.name() if on else "#e0a000"))

    def mousePressEvent(self, ev) -> None:
        self.chosen.emit()
        super().mousePressEvent(ev)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # a person moving to it (never focus handed on as a card is built or goes)
        if event.type() == QEvent.Type.FocusIn and event.reason() in self.PERSON_FOCUS:
            self.chosen.emit()
        return False


class FindingsPanel(QWidget):
    MAX_CARDS = 3          # more questions wait below (the photo view stays in sight)
    LIST_MIN_HEIGHT = 160  # about six rows of faces and text, whatever is above the list


    row_selected = Signal(str, int)                 # kind, index
    #: a face or a text chosen on the photo (a click, F): what says why it is shown or
    #: covered, its question card or else its row, for the panel around the list (which is
    #: what scrolls) to bring into view
    why_chosen = Signal(object)                     # a DecisionCard or a QTreeWidgetItem
    face_action = Signal(int, str)                  # index, "yes" | "no" | ...
    text_action = Signal(int, str)                  # index, "cover" | "keep"
    keep_rest = Signal()
    summary_said = Signal(str)                      # the summary line, each time it is said
    keys_back = Signal()                            # the last question answered from the keys
    context_requested = Signal(str, int, object)    # kind, index, global QPoint

    def __init__(self, parent=None):
        super().__init__(parent)
        self.analysis: PhotoAnalysis | None = None
        self.people_by_id: dict[str, Any] = {}
        # may the signed-in account make the preparer's decisions (the core's "review"
        # permission, set by the controller)? If not, the open questions are shown without
        # their buttons (the GUI audit, item 7: an approver-only account saw "Keep it covered")
        self.can_decide = True
        # the photo's approval state for the channel (set by the controller): once it is
        # handed on (marked ready or approved), what is open is no longer waiting for a
        # decision (policy.waiting_for_decision: the banner says the same)
        self.approval = "draft"
        self._glyphs: Drawable | None = None          # which characters the list draws
        self.heading = QLabel("What PhotoVet found")
        self.heading.setObjectName("SectionTitle")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)

        self.decide_box = QWidget()
        self.decide_lay = QVBoxLayout(self.decide_box)
        self.decide_lay.setContentsMargins(0, 0, 0, 0)
        self.more = QLabel("")
        self.more.setWordWrap(True)
        self.decide_title = QLabel("")
        self.decide_title.setObjectName("SectionTitle")
        # "Approved: 12 questions left open, covered" on one line set the side panel's
        # least width (s50): it wraps instead
        self.decide_title.setWordWrap(True)
        self.decide_lay.addWidget(self.decide_title)
        self.cards: list[DecisionCard] = []
        self._cards_key: tuple | None = None      # what the cards shown say (kept if the same)
        self._list_key: tuple | None = None       # the rows the list shows (``_plan``)
        self._chosen: tuple[str, int] = ("", -1)   # the face or text chosen (its card outlined)
        self._pulled: tuple[str, int] | None = None   # a question asked as it was chosen
        self.keep_rest_button = QPushButton("Keep the rest covered")
        self.keep_rest_button.setToolTip("Every decision still open stays covered, and counts as "
                                         "decided (recorded with your name; shortcut: K)")
        self.keep_rest_button.clicked.connect(self._keep_rest)

        self.tree = QTreeWidget()
        # the list is as tall as its rows, at least LIST_MIN_HEIGHT, and never scrolls by
        # itself: the panel around it is the one scroll area (the walkthrough, round 30: under
        # two questions and the "named by hand" box it shrank to 1.5 lines, with three nested
        # scroll bars)
        self.tree.setMinimumHeight(self.LIST_MIN_HEIGHT)
        self.tree.setSizeAdjustPolicy(QTreeWidget.SizeAdjustPolicy.AdjustToContents)
        self.tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.tree.itemExpanded.connect(lambda *_: self.tree.updateGeometry())
        self.tree.itemCollapsed.connect(lambda *_: self.tree.updateGeometry())
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        # rows wrap to the panel's width (never cut off): one column, as wide as the panel
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tree.setItemDelegate(WrapDelegate(self.tree))
        self.tree.setAccessibleName("Faces, texts and hidden details found in this photo")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context)
        self.tree.currentItemChanged.connect(self._current)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.summary)
        # the questions keep their whole height (squeezed, their words were cut off); the
        # panel scrolls as one (photos_tab's YieldingScroll), so the window never grows taller
        # than a 768-pixel screen
        lay.addWidget(self.decide_box)
        lay.addWidget(self.tree, 1)
        lay.addStretch(0)          # takes the space when the tree is hidden (a video)
        self.show_analysis(None, {})

    # -- showing --------------------------------------------------------------------------------

    def set_approval(self, approval: str) -> None:
        """The photo on screen was marked ready, approved, or sent back: its open questions
        are said again."""
        if approval != self.approval:
            self.approval = approval
            self._cards(self.analysis)

    def set_can_decide(self, on: bool) -> None:
        """Whoever is signed in may (or may not) answer the open questions: shown again."""
        if bool(on) != self.can_decide:
            self.can_decide = bool(on)
            self._cards(self.analysis)

    def show_analysis(self, a: PhotoAnalysis | None, people_by_id: dict[str, Any], *,
                      checking: bool = False, not_checked: bool = False) -> None:
        """``checking``: a photo is chosen and still being checked (``a`` is None)."""
        keep = self.selected()
        same = a is not None and self.analysis is not None and a.path == self.analysis.path
        if not same:
            self._chosen = ("", -1)
            self._pulled = None
        self.analysis, self.people_by_id = a, people_by_id
        self._cards(a)
        if a is None:
            self._list_key = None
            self.tree.blockSignals(True)
            self.tree.clear()
            self.tree.blockSignals(False)
            self.say_summary(
                "Not checked yet: what PhotoVet finds in this photo is listed here once it is "
                "checked." if not_checked else
                "Still being checked: what PhotoVet finds in this photo is listed here."
                if checking else "Choose a photo to see what PhotoVet found in it.")
            return
        self.say_summary(summary_sentence(a))
        sections = () if a.error else self._plan(a)
        if same and sections == self._list_key:
            # the same rows (the photo shown again as its preview loads and as what will be
            # published is painted): the list stays as it is, its chosen row, its open "Other
            # text" and where the panel was scrolled to with it
            return
        # "Other text" opened on this photo stays open when its list changes (a decision)
        opened = same and self._other_open()
        self._list_key = sections
        self.tree.blockSignals(True)
        self.tree.clear()
        self._build(sections, other_open=opened)
        self.tree.blockSignals(False)
        if same and keep[0]:
            # (not brought into view: a decision made on a card above it keeps the card there)
            self.select(*keep, show=False)

    def say_summary(self, text: str) -> None:
        """The panel's first line, and the approver's one-line view of it (``summary_said``):
        a video's is said by the video controller through here too."""
        self.summary.setText(text)
        self.summary_said.emit(text)

    def _cards(self, a: PhotoAnalysis | None) -> None:
        """The open questions as cards. The photo is shown again as its preview loads and as
        what will be published is painted: the same questions keep the same cards (built
        anew each time, a button was deleted under the person's click)."""
        opened = []
        if a is not None and not a.error:
            opened = [(FACE, i) for i, f in enumerate(a.faces) if f.needs_review] + \
                     [(TEXT, i) for i, t in enumerate(a.texts) if t.needs_review]
        waiting = waiting_for_decision(True, self.approval)
        decide = self.can_decide
        asked = opened[:self.MAX_CARDS]
        # a face or a text chosen on the photo whose question waits below the first few is
        # asked in the last card's place, and stays there until it is answered or another
        # takes its place: it is answered where it is looked at (s56 walk: eight questions,
        # and the one clicked on was not among the cards)
        below = opened[self.MAX_CARDS:]
        chosen = self._asking(*self._chosen)
        self._pulled = chosen if chosen in below else \
            self._pulled if self._pulled in below else None
        if self._pulled is not None:
            asked = asked[:-1] + [self._pulled]
        specs = [(kind, i, *(self._face_question(i) if kind == FACE else
                             self._text_question(i)))
                 for kind, i in asked]
        if not opened:
            title = more = ""
        elif not waiting:
            # handed on: nothing here waits for anyone; each stays covered (the banner says
            # "Nothing is waiting for your decision" of it too)
            done = "Approved" if self.approval == "approved" else "Marked ready"
            title = f"{done}: {plural(len(opened), 'question')} left open, covered"
        else:
            title = (f"Yours to decide ({len(opened)})" if decide else
                     f"Still open for the preparer ({len(opened)})")
        rest = len(opened) - self.MAX_CARDS
        if not opened:
            pass
        elif not waiting:
            what = "approved" if self.approval == "approved" else "marked ready"
            then = ("so it must be approved again" if self.approval == "approved" else
                    "before a senior leader approves it")
            more = (f"\u2026and {plural(rest, 'more')}. " if rest > 0 else "") + (
                f"Nothing is waiting for your decision: it was {what} with these covered, and "
                f"they stay covered. Deciding one now changes what is published, {then}."
                if decide else f"It was {what} with these covered: they stay covered until a "
                               "preparer decides them.")
        elif decide:
            more = (f"\u2026and {plural(rest, 'more question')}: answer these first, or keep "
                    "the rest covered." if rest > 0 else "")
        else:
            more = ((f"\u2026and {plural(rest, 'more')}. " if rest > 0 else "")
                    + "Each stays covered until a preparer decides it; what will be published "
                      "is shown with them covered.")
        keep_rest = len(opened) > 1 and decide and waiting
        key = (tuple(specs), decide, title, more, keep_rest)
        if key == self._cards_key:
            self._mark_card(*self._chosen)     # the same words on another photo: its choice
            return
        self._cards_key = key
        had_focus = self._focused_question()
        for c in self.cards:
            # hiding a card hands its button's focus on to the next card's: never a choice
            c.blockSignals(True)
        take_down(self.decide_lay, self.cards)
        self.cards = []
        self.decide_lay.removeWidget(self.keep_rest_button)
        self.decide_lay.removeWidget(self.more)
        self.decide_box.setVisible(bool(opened))
        if not opened:
            if had_focus is not None:
                self._keys_after(had_focus)
            return
        self.decide_title.setText(title)
        for kind, i, question, answers in specs:
            card = DecisionCard(question, [
                (action, label, self._answer(kind, i, action)) for action, label in answers])
            card.setProperty("target", (kind, i))
            card.set_chosen(chosen == (kind, i))
            card.chosen.connect(lambda k=kind, j=i: self._card_chosen(k, j))
            if not decide:       # read-only: what is open, never a button this account can't use
                for b in card.buttons.values():
                    b.hide()
            self.decide_lay.addWidget(card)
            self.cards.append(card)
        self.more.setText(more)
        self.decide_lay.addWidget(self.more)
        self.more.setVisible(bool(more))
        if keep_rest:
            self.decide_lay.addWidget(self.keep_rest_button)
        self.keep_rest_button.setVisible(keep_rest)
        self._fit_cards()
        if had_focus is not None:
            self._keys_after(had_focus)

    def _card_chosen(self, kind: str, i: int) -> None:
        """A card was clicked or tabbed to: what it asks about is chosen on the photo (the
        list's row too, without scrolling the panel away from the card)."""
        self.select(kind, i, show=False)
        self.row_selected.emit(kind, i)

    def _asking(self, kind: str, i: int) -> tuple[str, int]:
        """The question that decides face or text ``i``: its own, or, for a place after a cue
        that waits on another place's question (``policy.waiting_on_cue``), that place's."""
        a = self.analysis
        if kind == TEXT and a is not None and i in waiting_on_cue(a.texts):
            return TEXT, next(j for j in cue_places(a.texts, i)[1:] if a.texts[j].needs_review)
        return kind, i

    def _mark_card(self, kind: str, i: int) -> None:
        self._chosen = (kind, i)
        asking = self._asking(kind, i)
        for c in self.cards:
            on = c.property("target") == asking
            if on != c.is_chosen:
                c.set_chosen(on)

    def _answer(self, kind: str, i: int, action: str) -> Callable[..., None]:
        """A card's button: says which question was answered, and how. Answered from the
        keys, they go on as ``_keys_after`` says, also when a question (why?) came between
        and the cards were built while the focus was in it."""
        signal = self.face_action if kind == FACE else self.text_action

        def answered(*_args) -> None:
            n = next((k for k, c in enumerate(self.cards) if c.property("target") == (kind, i)),
                     None)
            keyed = n is not None and self._focused_question() is not None
            signal.emit(i, action)
            if keyed and self._focused_question() is None:
                self._keys_after(n)
        return answered

    def _keep_rest(self, *_args) -> None:
        keyed = self._focused_question() is not None
        self.keep_rest.emit()
        if keyed and self._focused_question() is None:
            self._keys_after(0)

    def _focused_question(self) -> int | None:
        """Where the keys are among the questions: the place of the card holding them (0 for
        "Keep the rest covered"), None when they are elsewhere."""
        focus = QApplication.focusWidget()
        if focus is None:
            return None
        if focus is self.keep_rest_button:
            return 0
        return next((n for n, c in enumerate(self.cards) if c.isAncestorOf(focus)), None)

    def _keys_after(self, n: int) -> None:
        """The question ``n`` (its place in the cards) was answered from the keys and its card
        went: the next question takes them, on its answer that keeps it covered (a Space
        pressed once too often never shows a face or leaves a name readable); after the last,
        they go back to the photo (they fell to whatever came next: the channel's list, where
        an arrow key changes the channel)."""
        if not self.cards:
            self.keys_back.emit()
            return
        if not self.can_decide:
            return
        card = self.cards[min(n, len(self.cards) - 1)]
        safe = card.buttons.get("no") or card.buttons.get("cover")
        if safe is not None:
            safe.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_cards(self) -> None:
        """Wrapped questions keep their height however narrow the panel (never cut off)."""
        w = max(120, self.width() - 8)
        for c in self.cards:
            c.setMinimumHeight(c.layout().totalHeightForWidth(w))

    def _face_question(self, i: int) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Face ``i``'s question and its answers (action, button label)."""
        f = self.analysis.faces[i]
        person = face_person(f, self.people_by_id)
        if f.override_person and f.refused:
            # a name given by hand that the core does not use (no reason over a recognition):
            # the core's words, and the way to give it again (with a reason) or keep it covered
            return (f"<b>Face {i + 1}:</b> {esc(f.reason)}. {esc(f.refused)}.",
                    (("no", "Keep it covered"), ("who", "Who is this?\u2026")))
        if person is not None:
            extra = ", ".join(x for x in (person.year_group, person.reg_group) if x)
            q = (f"<b>Face {i + 1}:</b> is this <b>{esc(person.display_name)}</b>"
                 f"{' (' + esc(extra) + ')' if extra else ''}? PhotoVet is not certain. They have "
                 "consent, so if it is them their face is shown.")
            if f.near_note:
                # the core's words: a twin or look-alike near it who may not be shown here
                q += (f" <b>{esc(f.near_note)}</b>: if you say it is them, you are asked why.")
            first = person.first_name or person.display_name
            yes = f"Yes, it is {first}" + ("\u2026" if f.near_note else "")
            return q, (("yes", yes), ("no", "No"), ("who", "Someone else\u2026"))
        return (f"<b>Face {i + 1}:</b> {esc(f.reason)}.",
                (("no", "Keep it covered"), ("who", "Who is this?\u2026")))

    def _text_question(self, i: int) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Text ``i``'s question and its answers (action, button label)."""
        t = self.analysis.texts[i]
        said, why = text_question(t.text, t.kind, t.reason, self._drawable(), t.context)
        q = f"<b>{esc(said)}</b>: {esc(why)}."
        if t.kind == "name-like" and initials_like(t.text):
            q += (" If these are the school's initials (on a logo or a sign), add them in "
                  "Settings, School rules, The school: they then follow each channel's rule "
                  "for the school's name.")
        return q, (("cover", "Keep it covered"), ("keep", "Leave it readable\u2026"))

    def _drawable(self) -> Drawable:
        """Which characters the list's font draws (``Drawable``), kept while its font is."""
        font = self.tree.font()
        if self._glyphs is None or self._glyphs.font != font:
            self._glyphs = Drawable(font)
        return self._glyphs

    def _section(self, title: str) -> QTreeWidgetItem:
        head = QTreeWidgetItem([title])
        f = head.font(0)
        f.setBold(True)
        head.setFont(0, f)
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.addTopLevelItem(head)
        head.setExpanded(True)
        return head

    def _row(self, parent: QTreeWidgetItem, text: str, kind: str = "", index: int = -1,
             colour: QColor | None = None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setToolTip(0, text)
        item.setData(0, KindRole, kind)
        item.setData(0, IndexRole, index)
        if colour is not None:
            item.setForeground(0, QBrush(colour))
        return item

    def _plan(self, a: PhotoAnalysis) -> tuple:
        """The list's rows for ``a``, as words and colours (nothing built yet): ((section
        title, rows, other), ...), each row (text, kind, index, colour name), ``other`` the rows
        folded under "Other text" in the texts' section (empty elsewhere). The list is built
        from it (``_build``), and built again only when it changes."""
        def row(text: str, kind: str = "", index: int = -1, colour: QColor | None = None):
            return (text, kind, index, colour.name() if colour is not None else "")

        face_rows = [] if a.faces else [row(
            "No faces found." if a.faces_checked else
            "Faces were not checked: this photo will not be exported.")]
        for i, f in enumerate(a.faces):
            colour = style.REVIEW.darker(140) if f.needs_review or (
                f.hand_named and f.decision == "show") else \
                style.SHOW if f.decision == "show" else style.COVER
            face_rows.append(row(f"{i + 1}.  {face_sentence(f, self.people_by_id)}", FACE, i,
                                 colour))
        sections = [(f"Faces ({len(a.faces)})", tuple(face_rows), ())]
        # with reading text turned off, said here in the colour of a decision to make, never
        # "No text found." (s62)
        unread = a.names_not_looked_for
        # (first, also above a crest found without reading)
        text_rows = [row(NAMES_NOT_LOOKED_FOR, colour=style.REVIEW.darker(140))] if unread \
            else [] if a.texts else [row("No text found.")]
        others = [i for i, t in enumerate(a.texts) if other_text(t)]
        waiting = waiting_on_cue(a.texts)
        for i, t in enumerate(a.texts):
            if i in others:
                continue
            colour = style.REVIEW.darker(140) if t.needs_review or i in waiting \
                else style.COVER if t.decision == "cover" else QColor("#37474f")
            text_rows.append(row(text_sentence(t, self._drawable()), TEXT, i, colour))
        other_rows = tuple(row(text_sentence(a.texts[i], self._drawable()), TEXT, i,
                               QColor("#37474f")) for i in others)
        sections.append((f"Text in the photo ({len(a.texts)})", tuple(text_rows), other_rows))
        if a.manual:
            names = {"ellipse": "An oval", "rect": "A rectangle", "polygon": "An area"}
            sections.append((f"Covered by hand ({len(a.manual)})", tuple(
                row(f"{names.get(c.shape, 'An area')} covered by hand. Right-click to remove "
                    "it.", COVER, i, style.MANUAL) for i, c in enumerate(a.manual)), ()))
        if a.review_notes:
            sections.append(("Notes on earlier decisions",
                             tuple(row(n, colour=style.COVER) for n in a.review_notes), ()))
        meta = a.metadata.findings if a.metadata else []
        hidden_rows = [] if meta else [row("Nothing besides the picture.")]
        # a detail kept twice in the file (EXIF and XMP: "Date taken: 27/08/2004 13:52") is
        # one line saying so, not the same line twice
        lines: dict[str, int] = {}
        for fnd in meta:
            value = uk_dates(fnd.value) if fnd.category == "date" else fnd.value
            line = hidden_line(fnd.category, fnd.label, value)
            lines[line] = lines.get(line, 0) + 1
        for line, n in lines.items():
            times = "twice" if n == 2 else f"{n} times"
            hidden_rows.append(row(line + (f" (in the file {times})" if n > 1 else "")))
        hidden_rows.extend(row(w) for w in a.warnings if w != NAMES_NOT_LOOKED_FOR)
        sections.append((f"{HIDDEN_DETAILS_REMOVED} ({len(meta)})", tuple(hidden_rows), ()))
        return tuple(sections)

    def _build(self, sections: tuple, *, other_open: bool = False) -> None:
        """The list from ``_plan``'s rows; "Other text" open if ``other_open``."""
        for title, rows, other in sections:
            head = self._section(title)
            for text, kind, index, colour in rows:
                self._row(head, text, kind, index, QColor(colour) if colour else None)
            if other:
                group = QTreeWidgetItem(head, [f"{OTHER_TEXT} ({len(other)}): fragments and "
                                               "lines read with low confidence, kept readable"])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setToolTip(0, "Not names: each stays readable. Open to see every one.")
                for text, kind, index, colour in other:
                    self._row(group, text, kind, index, QColor(colour) if colour else None)
                group.setExpanded(other_open)

    def _other_open(self) -> bool:
        """Is the "Other text" group open in the list shown?"""
        return any(item.text(0).startswith(OTHER_TEXT + " (") and item.isExpanded()
                   for item in self.rows())

    # -- selection -------------------------------------------------------------------------------

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.tree.doItemsLayout()   # rows wrap again at the new width
        self._fit_cards()           # and the questions keep their height

    def select(self, kind: str, index: int, *, show: bool = True) -> None:
        """Highlight the row of a face/text/cover (from a click on the photo), and its card if
        it has one; with ``show``, what says why it is shown or covered is brought into view
        (``why_chosen``): its card if it has one (the question waiting), else its row."""
        self._mark_card(kind, index)
        asking = self._asking(kind, index)
        if self.analysis is not None and not any(
                c.property("target") == asking for c in self.cards):
            self._cards(self.analysis)     # its question, if it waits below, is asked now
        chosen = None
        self.tree.blockSignals(True)
        try:
            self.tree.clearSelection()
            for item in self.rows():
                if item.data(0, KindRole) == kind and item.data(0, IndexRole) == index:
                    parent = item.parent()
                    while parent is not None:      # a row folded under "Other text"
                        parent.setExpanded(True)
                        parent = parent.parent()
                    self.tree.setCurrentItem(item)
                    chosen = item
                    break
        finally:
            self.tree.blockSignals(False)
        card = next((c for c in self.cards if c.property("target") == asking), None)
        if show and (card is not None or chosen is not None):
            self.why_chosen.emit(card if card is not None else chosen)

    def rows(self) -> list[QTreeWidgetItem]:
        """Every row of the list, those folded in a group too, in order."""
        out: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            for c in range(item.childCount()):
                out.append(item.child(c))
                walk(item.child(c))

        for t in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(t))
        return out

    def selected(self) -> tuple[str, int]:
        item = self.tree.currentItem()
        if item is None or not item.data(0, KindRole):
            return ("", -1)
        return (item.data(0, KindRole), int(item.data(0, IndexRole)))

    def _current(self, item: QTreeWidgetItem | None, _prev=None) -> None:
        if item is not None and item.data(0, KindRole):
            self._mark_card(item.data(0, KindRole), int(item.data(0, IndexRole)))
            self.row_selected.emit(item.data(0, KindRole), int(item.data(0, IndexRole)))

    def _context(self, pos) -> None:
        item = self.tree.itemAt(pos)
        if item is None or not item.data(0, KindRole):
            return
        self.context_requested.emit(item.data(0, KindRole), int(item.data(0, IndexRole)),
                                    self.tree.viewport().mapToGlobal(pos))


__all__ = ["DecisionCard", "FindingsPanel", "face_sentence", "other_text", "summary_sentence",
           "text_sentence", "texts_read", "Drawable"]
