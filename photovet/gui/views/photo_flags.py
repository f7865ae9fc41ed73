"""What the school's own rules say about the whole photo (issue 18), in plain words, above what
PhotoVet found in it:

- the group-shot rule ("one pupil dominates" on a "group shots only" channel), which holds the
  photo until a person accepts it with a reason;
- the camera that took it and whether it is on the school's approved list (flagged for a look,
  never blocked), with "Add this device to the approved list" one click away;
- the school's names, initials, address words and crest found in it, and whether the channel
  covers them.

Every sentence and every state comes from the core (``policy.photo_flags``, the text items'
``school`` decisions); the buttons ask the core (``Reviewer.accept_flag``,
``DeviceList.add_from_photo``), which checks the permission again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import PhotoAnalysis, PhotoFlag
from photovet.core.words import SCHOOL_WORDS

from .. import style
from ..glyphs import app_drawable
from ..words import esc, read_words
from . import take_down

FLAG_TITLES = {"group-shot": "Group shot", "device": "Camera"}

AMBER = "QFrame#FlagCard { border: 1px solid #e0a000; border-radius: 4px; background: #fff8e1; }"
PLAIN = "QFrame#FlagCard { border: 1px solid #c9d3dc; border-radius: 4px; background: #f7f9fb; }"


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


def flag_state(flag: PhotoFlag) -> str:
    """What the flag means for the photo now, in plain words."""
    if flag.accepted:
        return f"Accepted: \u201c{flag.accepted}\u201d."
    if flag.needs_review and flag.blocks:
        return ("A person must look at it and accept it (with a reason) before it can be "
                "approved or exported.")
    if flag.needs_review:
        return "Please look at it: the photo is not blocked, the school decides."
    return ""


def device_addable(flag: PhotoFlag) -> bool:
    """The device the photo names can be put on the school's list (a known camera, one serial
    number at most, not already approved). The core refuses anything else all the same."""
    d = flag.data or {}
    return (flag.kind == "device" and d.get("approved") is not True
            and bool(d.get("make") or d.get("model")) and len(d.get("serials") or []) <= 1)


def school_sentence(item) -> str:
    """'“Oakfield Primary School” (the school's name): covered. The school's name (this channel
    covers school identifiers).'"""
    what = SCHOOL_WORDS.get(item.school, "the school")
    head = "The school's crest" if item.school == "crest" else \
        f"{read_words(item.text, getattr(item, 'kind', ''), app_drawable())} ({what})"
    unsure = " (not certain: please look)" if item.school_unsure and item.needs_review else ""
    if item.decision == "cover":
        return _sentence(f"{head}: covered{unsure}")
    return _sentence(f"{head}: left as it is (this channel does not cover school identifiers)")


class FlagCard(QFrame):
    def __init__(self, title: str, text: str, state: str, *, open_: bool,
                 buttons: list[tuple[str, str, object, bool, str]], parent=None):
        super().__init__(parent)
        self.setObjectName("FlagCard")
        self.setStyleSheet(AMBER if open_ else PLAIN)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        self.plain = f"{title}: {text}" + (f" {state}" if state else "")   # what it says
        self.label = QLabel(f"<b>{esc(title)}:</b> {esc(text)}"
                            + (f"<br><i>{esc(state)}</i>" if state else ""))
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.label)
        self.buttons: dict[str, QPushButton] = {}
        if buttons:
            row = QGridLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.setHorizontalSpacing(4)
            r = c = 0
            for key, text_, slot, enabled, tip in buttons:
                b = QPushButton(text_)
                b.setObjectName(f"flag-{key}")
                b.setEnabled(enabled)
                if tip:
                    b.setToolTip(tip)
                b.clicked.connect(slot)
                if key == "add-device":          # the one-click action: a row of its own
                    r, c = (r + 1, 0) if c else (r, 0)
                    row.addWidget(b, r, 0, 1, 2)
                    r += 1
                else:
                    row.addWidget(b, r, c)
                    r, c = (r + 1, 0) if c else (r, 1)
                self.buttons[key] = b
            lay.addLayout(row)


class PhotoFlagsPanel(QWidget):
    accept_requested = Signal(str)      # flag kind
    undo_requested = Signal(str)        # flag kind
    add_device_requested = Signal()
    devices_requested = Signal()        # open the list of approved devices

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("PhotoFlags")
        self.cards: list[FlagCard] = []
        self._cards_key: tuple | None = None      # what the cards shown say (``_spec``)
        self.school = QLabel("")
        self.school.setWordWrap(True)
        self.school.setTextFormat(Qt.TextFormat.RichText)
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(4, 0, 4, 0)
        self.lay.setSpacing(4)
        self.lay.addWidget(self.school)
        self.message = style.hint("")
        self.message.hide()
        self.lay.addWidget(self.message)
        self.show_analysis(None)

    def say(self, text: str) -> None:
        """A line under the cards (what was just done), until another photo is shown."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        if text:
            self.show()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._fit_cards()

    def _fit_cards(self) -> None:
        """Wrapped words keep their height however narrow the panel (never cut off)."""
        w = max(120, self.width() - 8)
        for c in self.cards:
            c.setMinimumHeight(c.layout().totalHeightForWidth(w))
        self.school.setMinimumHeight(self.school.heightForWidth(w) if self.school.text() else 0)

    def card(self, kind: str) -> FlagCard | None:
        return next((c for c in self.cards if c.property("kind") == kind), None)

    def show_analysis(self, a: PhotoAnalysis | None, *, can_accept: bool = False,
                      can_add_device: bool = False) -> None:
        same = a is not None and getattr(self, "_path", None) == a.path
        self._path = a.path if a is not None else None
        if not same:
            self.message.setText("")
            self.message.hide()
        if a is None or a.error or not isinstance(a, PhotoAnalysis):
            self._cards_key = None
            take_down(self.lay, self.cards)
            self.cards = []
            self.school.setText("")
            self.school.hide()
            self.hide()
            return
        specs = tuple(self._spec(flag, can_accept, can_add_device) for flag in a.flags)
        if not (same and specs == self._cards_key):
            # built again only when what they say changes: the photo is shown three times as
            # it is chosen (its preview loaded, what will be published painted), and each time
            # "Add this device to the approved list" was deleted and made anew, under a click
            # (s56, as the question cards in s55)
            self._cards_key = specs
            take_down(self.lay, self.cards)
            self.cards = []
            for pos, spec in enumerate(specs):
                card = self._card(spec)
                self.lay.insertWidget(pos, card)
                self.cards.append(card)
        found = [t for t in a.texts if t.school]
        if found:
            covered = sum(1 for t in found if t.decision == "cover")
            lines = "".join(f"<li>{esc(school_sentence(t))}</li>" for t in found)
            self.school.setText(f"<b>Says which school it is ({len(found)} found, {covered} "
                                f"covered):</b><ul style='margin:0'>{lines}</ul>")
        else:
            self.school.setText("")
        self.school.setVisible(bool(found))
        self.setVisible(bool(self.cards) or bool(found) or bool(self.message.text()))
        self._fit_cards()

    @staticmethod
    def _spec(flag: PhotoFlag, can_accept: bool, can_add_device: bool) -> tuple:
        """What a flag's card says and offers, as words (nothing built yet): (kind, title,
        sentence, state, open, ((button, words, enabled, tooltip), ...))."""
        kind = flag.kind
        buttons: list[tuple[str, str, bool, str]] = []
        no_perm = "Your account may not do this"
        if flag.accepted:
            buttons.append(("undo", "Undo the acceptance", can_accept,
                            "" if can_accept else no_perm))
        elif flag.needs_review:
            text = "Accept it as it is\u2026" if kind == "group-shot" else \
                "Accept for this photo\u2026"
            buttons.append(("accept", text, can_accept,
                            "Say why it may be published as it is (recorded with your name)"
                            if can_accept else no_perm))
        if kind == "device" and device_addable(flag):
            buttons.append(("add-device", "Add this device to the approved list",
                            can_add_device,
                            "Photos from this camera or phone then count as taken with a school "
                            "device (recorded with your name)" if can_add_device else
                            "Only an admin may change the school's approved devices"))
        if kind == "device":
            buttons.append(("devices", "The approved list\u2026", True, ""))
        return (kind, FLAG_TITLES.get(kind, kind.replace("-", " ").capitalize()),
                _sentence(flag.message), flag_state(flag), flag.open, tuple(buttons))

    def _card(self, spec: tuple) -> FlagCard:
        kind, title, sentence, state, open_, buttons = spec
        does = {"undo": lambda *_: self.undo_requested.emit(kind),
                "accept": lambda *_: self.accept_requested.emit(kind),
                "add-device": lambda *_: self.add_device_requested.emit(),
                "devices": lambda *_: self.devices_requested.emit()}
        card = FlagCard(title, sentence, state, open_=open_,
                        buttons=[(key, words, does[key], enabled, tip)
                                 for key, words, enabled, tip in buttons])
        card.setProperty("kind", kind)
        return card


__all__ = ["FlagCard", "PhotoFlagsPanel", "device_addable", "flag_state", "school_sentence"]


def _holds_words(area: QScrollArea, inner: QWidget) -> None:
    """A frameless scroll area around ``inner``, as wide as it is (wrapped words, no sideways
    scrolling), asking for no more height than it needs."""
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)


class FitScroll(QScrollArea):
    """A scroll area as tall as what it holds, up to ``max_height`` (then it scrolls): wrapped
    words are never cut off and never make the window taller than a school office screen."""

    def __init__(self, inner: QWidget, max_height: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.inner, self.max_height = inner, max_height
        _holds_words(self, inner)
        inner.installEventFilter(self)

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.inner and ev.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent,
                                               QEvent.Type.LayoutRequest, QEvent.Type.Resize):
            self._fit()
        return super().eventFilter(obj, ev)

    def _fit(self) -> None:
        if not self.inner.isVisibleTo(self):
            self.setFixedHeight(0)
            self.setVisible(False)
            return
        lay = self.inner.layout()
        w = max(120, self.viewport().width())
        want = lay.totalHeightForWidth(w) if lay is not None and lay.hasHeightForWidth() \
            else self.inner.sizeHint().height()
        self.setFixedHeight(min(self.max_height, max(0, want)))
        self.setVisible(want > 0)


class ContentScroll(QScrollArea):
    """A scroll area that asks for the height of what it holds (so a layout gives it that when
    there is room) but can shrink to ``min_height`` and then scrolls: unlike a fixed height,
    it never makes the widgets around it overlap on a small screen."""

    def __init__(self, inner: QWidget, min_height: int = 60, parent: QWidget | None = None):
        super().__init__(parent)
        self.inner, self.min_height = inner, min_height
        _holds_words(self, inner)
        inner.installEventFilter(self)

    def content_height(self) -> int:
        lay = self.inner.layout()
        w = max(120, self.viewport().width())
        return lay.totalHeightForWidth(w) if lay is not None and lay.hasHeightForWidth() \
            else self.inner.sizeHint().height()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.content_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(),
                     min(self.min_height, self.content_height()))

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.inner and ev.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent,
                                               QEvent.Type.LayoutRequest):
            self.setVisible(self.inner.isVisibleTo(self))
            self.updateGeometry()
        return super().eventFilter(obj, ev)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if ev.oldSize().width() != ev.size().width():
            self.updateGeometry()      # the words wrap anew: another height


class YieldingScroll(QScrollArea):
    """A scroll area that asks for little (``hint`` px high) and takes whatever room is left
    (a stretch): the panels beside it get their own height first, and it scrolls."""

    def __init__(self, inner: QWidget, hint: int = 100, parent: QWidget | None = None):
        super().__init__(parent)
        self.hint = hint
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def sizeHint(self) -> QSize:
        return QSize(self.widget().sizeHint().width(), self.hint)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.widget().minimumSizeHint().width(), min(self.hint, 80))


__all__ += ["ContentScroll", "FitScroll", "YieldingScroll"]
