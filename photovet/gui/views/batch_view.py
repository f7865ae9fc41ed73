"""The batch: a grid of thumbnails with a status badge on each, filtered by status.

``BatchModel`` holds one ``PhotoItem`` per photo. Thumbnails arrive from the
``ThumbnailLoader`` as ``QImage`` and are painted directly (no thousands of pixmaps); a row whose
thumbnail is not loaded yet asks for it when it is first painted, so what is on screen loads first.
Rows are added and updated in batches (one insert for a dropped folder of 2,000 photos).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from photovet.core.media.video.linking import FaceCount, face_count
from photovet.core.media.video.reader import VIDEO_EXTENSIONS
from photovet.core.models import PhotoAnalysis
from photovet.core.policy import HANDED_ON, everyone_covered, waiting_for_decision
from photovet.core.words import (
    APPROVAL_ENDED,
    APPROVAL_ENDED_BADGE,
    EVERYONE_COVERED,
    media_count,
    media_of,
    text_tracks_covered,
    text_tracks_open,
)

from .. import style
from ..words import (
    APPROVED_CAPTION_CHECKING,
    APPROVED_CAPTION_CHECKING_BADGE,
    APPROVED_CAPTION_REFUSED,
    APPROVED_CAPTION_REFUSED_BADGE,
    APPROVED_CAPTION_REFUSED_NEXT,
    breakable_paths,
    clip_length,
    esc,
    media_words,
    plural,
)

ItemRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
PathRole = Qt.ItemDataRole.UserRole + 3
ApprovalRole = Qt.ItemDataRole.UserRole + 4

PENDING = "pending"
#: not checked, and not being checked either: checking was stopped, or the register's server
#: could not be reached (s42 walks: such tiles said "Checking..." and the list "10 being
#: checked" while nothing checked them)
NOT_CHECKED = "not-checked"
#: why a photo is not being checked (``PhotoItem.unchecked``): the tile's tooltip and the photo
#: view say it, with what to do
UNCHECKED_WHY = {
    "stopped": "Checking was stopped before this {media} was checked.",
    "unreached": "It could not be checked: the register's server could not be reached. "
                 "PhotoVet checks it again when the server is back.",
}
UNCHECKED_DO = ("It cannot be exported until it is checked: click \u201ccheck them now\u201d "
                "above the photos.")


_ROOT = QModelIndex()   # the model's root: rows of a flat list or table


APPROVAL_LABELS_WAITING = style.APPROVAL_LABELS["ready"]
#: the badge once a photo left the preparer's hands (the corner mark says it too)
APPROVAL_BADGES = {"ready": "Waiting for approval", "approved": "Approved",
                   "rejected": "Rejected", "void": "No longer approved"}


@dataclass
class PhotoItem:
    path: str
    #: decided for the window's channel: a PhotoAnalysis or a VideoAnalysis (read by what
    #: both have, and ``media``); None until checked
    analysis: Any = None
    thumb: QImage | None = None
    thumb_failed: bool = False
    approval: str = "draft"                    # draft | ready | approved | rejected | void
    approval_note: str = ""                    # why an approval no longer counts
    #: not checked and nobody is checking it ('' while it is being checked or waits its
    #: turn): 'stopped' (the Stop button) or 'unreached' (the register's server went away)
    unchecked: str = ""
    #: the content hash it was last checked as (kept when a check again fails: an original
    #: PhotoVet deleted is still known as that photo, s42)
    known_sha: str = ""
    #: approved, but why its approved caption may not go out now (the core's words, '' none;
    #: None while it is being checked, in the background)
    caption_refused: str | None = ""
    #: "void" only because its approver's role ended: still handed on (batch.as_handed_on)
    approval_lapsed: bool = False
    #: its original deleted after its safe copy was made (the core's ``OriginalGone``: the
    #: badge's words, 'Posted, original deleted'); None: not deleted by PhotoVet (s42)
    original_gone: Any = None
    #: a safe copy of it on the take-down list, not yet marked done (the core's
    #: ``takedown.OnTakedownList``): said on the tile before anything else (s43); None: not
    takedown: Any = None
    #: the tile as it will be published (covers painted, the core's renderer), for the
    #: approver's view; ``published_for``: the decisions it was drawn for (``published_key``)
    published: QImage | None = None
    published_for: tuple | None = None
    _faces: tuple[object, FaceCount] | None = field(default=None, repr=False, compare=False)

    def face_count(self) -> FaceCount:
        """A video's faces as its timeline's rows (the core's ``linking.face_count``; counted
        again only when a decision changed)."""
        a = self.analysis
        key = (id(a), tuple((t.id, t.decision, t.needs_review) for t in a.tracks))
        if self._faces is None or self._faces[0] != key:
            self._faces = (key, face_count(a))
        return self._faces[1]

    @property
    def everyone_covered(self) -> bool:
        """Waiting for approval (marked ready) with every face covered
        (``policy.everyone_covered``): the approver's list says so on its tile, and "Show" lists
        them apart (s36). One whose approval no longer counts is not: it is under "Approval no
        longer counts", and its tile has no band."""
        a = self.analysis
        return self.approval == "ready" and a is not None and everyone_covered(a)

    @property
    def is_video(self) -> bool:
        return getattr(self.analysis, "media", "photo") == "video"

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def status(self) -> str:
        if self.analysis is None:
            return NOT_CHECKED if self.unchecked else PENDING
        return self.analysis.status.value

    @property
    def handed_on(self) -> bool:
        """Marked ready (waiting for approval) or approved: no longer the preparer's to decide
        (what is still open stays covered, as the core decides)."""
        return self.approval in HANDED_ON or self.approval_lapsed

    @property
    def list_status(self) -> str:
        """The status the list counts and filters by: as the core says, except that a photo
        handed on with decisions open is no longer 'yours to decide' (its open items stay
        covered: it covers something)."""
        s = self.status
        if s == "failed" and self.original_gone is not None:
            # checked again once PhotoVet deleted its original: not a fault "could not be
            # checked" in the counts (its tile says "Original deleted", s42)
            return "original-gone"
        handed = "approved" if self.approval_lapsed else self.approval
        if s == "needs-review" and not waiting_for_decision(True, handed):
            return "will-cover"
        return s

    def open_decisions(self) -> list[str]:
        """What is still open, in words: '1 face to decide', 'the sound to decide'."""
        a = self.analysis
        if a is None or a.error:
            return []
        if self.is_video:
            out = []
            if self.face_count().open:
                out.append(plural(self.face_count().open, "face") + " to decide")
            out += [w + " to decide" for w in text_tracks_open(a.text_tracks)]
            if a.has_audio and a.sound_needs_review:
                out.append("the sound to decide")
            return out
        out = []
        open_faces = sum(1 for f in a.faces if f.needs_review)
        open_texts = sum(1 for t in a.texts if t.needs_review)
        open_flags = sum(1 for f in getattr(a, "flags", []) if getattr(f, "open", False))
        if open_faces:
            out.append(plural(open_faces, "face") + " to decide")
        if open_texts:
            out.append(plural(open_texts, "possible name") + " to decide")
        if open_flags:
            out.append(plural(open_flags, "question") + " to answer")
        return out

    def status_text(self) -> str:
        """Short words for the badge: 'Nothing to cover', 'Covers 2', 'Yours to decide',
        'Could not check' (what the "Show:" choice and the banner call "Could not be checked",
        short enough for the badge); once marked ready, approved or rejected, that ('Waiting
        for approval')."""
        a = self.analysis
        if a is None:
            return "Not checked yet" if self.unchecked else "Checking\u2026"
        s = a.status.value
        if self.takedown is not None:
            # a copy out there must come down (or must not go out): said whatever else is
            # true, its original deleted or its approval ended (fail closed: s43 walk)
            return self.takedown.badge
        if self.original_gone is not None:
            # before "Could not check": checked again once its original was deleted, it fails
            # (the file is gone); what happened is said, not a fault (s42)
            return self.original_gone.badge
        if s == "failed":
            return "Could not check"
        if self.approval == "ready" and self.approval_note:
            return APPROVAL_ENDED_BADGE     # waits for approval again: the note says why
        if self.approval == "approved" and self.caption_refused:
            return APPROVED_CAPTION_REFUSED_BADGE
        if self.approval == "approved" and self.caption_refused is None:
            return APPROVED_CAPTION_CHECKING_BADGE
        if self.approval in APPROVAL_BADGES:
            return APPROVAL_BADGES[self.approval]
        if s == "needs-review":
            return "Yours to decide"
        if s == "will-cover" and self.is_video:
            # faces as the timeline's rows: one face seen twice is one face covered
            return f"Covers {self.face_count().with_cover + a.covered_text_count}"
        if s == "will-cover":
            return f"Covers {a.cover_count + a.covered_text_count + len(a.manual)}"
        return "Nothing to cover"

    def status_detail(self) -> str:
        """A sentence for tooltips."""
        a = self.analysis
        if a is None:
            return self.unchecked_words() if self.unchecked else "Being checked."
        if a.error and self.original_gone is not None:
            return self.original_gone.summary
        if a.error:
            return f"Could not be checked: {a.error}."
        if self.is_video:
            return self._video_detail()
        parts = []
        open_faces = sum(1 for f in a.faces if f.needs_review)
        open_texts = sum(1 for t in a.texts if t.needs_review)
        if open_faces:
            parts.append(plural(open_faces, "face") + " to decide")
        if open_texts:
            parts.append(plural(open_texts, "possible name") + " to decide")
        if a.cover_count:
            parts.append(plural(a.cover_count, "face") + " covered")
        shown = len(a.faces) - a.cover_count
        if shown:
            parts.append(plural(shown, "face") + " shown")
        if a.covered_text_count:
            parts.append(plural(a.covered_text_count, "text") + " covered")
        if a.manual:
            parts.append(plural(len(a.manual), "area") + " covered by hand")
        if not parts:
            parts.append("no faces or names found")
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


    def unchecked_words(self) -> str:
        """Why this photo is not checked, and what to do (``unchecked``); '' while it is being
        checked."""
        if not self.unchecked:
            return ""
        media = "video" if media_of(Path(self.path)) == "video" else "photo"
        return f"Not checked yet. {UNCHECKED_WHY[self.unchecked].format(media=media)} " \
               f"{UNCHECKED_DO}"

    def _video_detail(self) -> str:
        """'1 face to decide. 3 faces followed (one seen twice; 0 shown, 3 covered); 1 name
        covered; sound removed until an approver listens.'"""
        a = self.analysis
        count = self.face_count()
        open_ = []
        if count.open:
            open_.append(plural(count.open, "face") + " to decide")
        open_ += [w + " to decide" for w in text_tracks_open(a.text_tracks)]
        if a.has_audio and a.sound_needs_review:
            open_.append("the sound to decide")
        parts = [count.followed(decided=True)]
        parts += text_tracks_covered(a.text_tracks)   # names, and lines naming the school
        if a.has_audio:
            parts.append({"keep": "sound kept", "mute": "sound silenced"}.get(
                a.sound, "sound removed until an approver listens" if a.sound_needs_review
                else "sound removed"))
        text = "; ".join(parts)
        text = text[0].upper() + text[1:] + "."
        if open_:
            first = "; ".join(open_)
            text = f"{first[0].upper()}{first[1:]}. {text}"
        return text


def published_key(a: PhotoAnalysis) -> tuple:
    """What a photo's published tile depends on: its content, channel and mode, and every
    face's, text's and hand cover's decision and place. A tile drawn for another key is never
    shown (a decision changed since: drawn again)."""
    return (a.sha256, a.channel, a.mode,
            tuple((tuple(f.box), f.decision) for f in a.faces),
            tuple((repr(getattr(t, "polygon", None)), t.decision) for t in a.texts),
            tuple((c.shape, repr(c.box), repr(getattr(c, "points", None)))
                  for c in getattr(a, "manual", ())))


#: what an approver's tile says until what will be published is drawn (never the original)
PUBLISHED_WAITING = "Preparing what will be published\u2026"
PUBLISHED_VIDEO = "Video: open it to see it as it will be published"
PUBLISHED_CHECKING = "Being checked\u2026"


class BatchModel(QAbstractListModel):
    thumbnails_wanted = Signal(list)   # paths on screen without a thumbnail yet
    #: the approver's view: paths on screen whose tile as it will be published is not drawn
    published_wanted = Signal(list)
    #: [(path, sha256)] of photos just checked: their tiles are read from the checked bytes
    checked_content = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[PhotoItem] = []
        self._row: dict[str, int] = {}
        self._asked: set[str] = set()
        #: the approver's view: tiles show what will be published, never the original (s35)
        self.published_view = False
        self._published_asked: dict[str, tuple] = {}
        # s35: what each photo adds to the counts, kept as rows change (each change recounted
        # every photo: 20-50 ms for 300 at every tile, approval or thumbnail). Every change
        # to an item goes through this model's methods (the tiles repaint from them too).
        self._counted: dict[str, tuple[str, ...]] = {}
        self._totals: dict[str, int] = {}

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.name
        if role == ItemRole:
            return item
        if role == StatusRole:
            return item.status
        if role == PathRole:
            return item.path
        if role == ApprovalRole:
            return item.approval
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = style.APPROVAL_LABELS.get(item.approval, "")
            if item.approval_note:
                extra += f": {item.approval_note}"
            if item.approval == "approved" and item.caption_refused:
                # as the approval panel says it (walk s33: the list said only "Approved")
                extra += (f"\n{APPROVED_CAPTION_REFUSED}: {item.caption_refused} "
                          f"{APPROVED_CAPTION_REFUSED_NEXT}")
            elif item.approval == "approved" and item.caption_refused is None:
                extra += f"\n{APPROVED_CAPTION_CHECKING}"
            if item.original_gone is not None:
                extra += "\n" + item.original_gone.detail("video" if item.is_video else "photo")
            if item.takedown is not None:
                extra = item.takedown.detail("video" if item.is_video else "photo") + \
                    "\n" + extra
            return f"{item.name}\n{item.status_detail()}\n{extra}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.name}: {item.status_text()}"
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- updates (batched) ---------------------------------------------------------------
    def clear(self) -> None:
        self.beginResetModel()
        self.items = []
        self._row = {}
        self._counted, self._totals = {}, {}
        self._asked = set()
        self._published_asked = {}
        self.endResetModel()

    def add_paths(self, paths: Iterable[str]) -> list[str]:
        """Append photos not already in the batch; returns the ones added."""
        new = []
        seen = set(self._row)
        for p in paths:
            p = str(p)
            if p not in seen:
                seen.add(p)
                new.append(p)
        if not new:
            return []
        first = len(self.items)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        for i, p in enumerate(new):
            self.items.append(PhotoItem(p))
            self._row[p] = first + i
        self._recount(range(first, len(self.items)))
        self.endInsertRows()
        return new

    def remove_path(self, path: str) -> None:
        r = self._row.get(str(path), -1)
        if r < 0:
            return
        self.beginRemoveRows(QModelIndex(), r, r)
        self._count(self._counted.pop(self.items[r].path, ()), -1)
        del self.items[r]
        self._row = {it.path: i for i, it in enumerate(self.items)}
        self.endRemoveRows()

    def row_of(self, path: str) -> int:
        return self._row.get(str(path), -1)

    def item(self, row: int) -> PhotoItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def item_for(self, path: str) -> PhotoItem | None:
        r = self.row_of(path)
        return self.items[r] if r >= 0 else None

    def _changed_rows(self, rows: list[int] | range) -> None:
        if not rows:
            return
        self._recount(rows)
        lo, hi = min(rows), max(rows)
        self.dataChanged.emit(self.index(lo), self.index(hi))

    def set_thumbnails(self, pairs: list[tuple[str, QImage | None]]) -> None:
        rows = []
        for path, img in pairs:
            r = self._row.get(path, -1)
            if r < 0:
                continue
            it = self.items[r]
            it.thumb = img
            it.thumb_failed = img is None
            rows.append(r)
        self._changed_rows(rows)

    def set_analyses(self, analyses: list[PhotoAnalysis]) -> None:
        rows, checked = [], []
        for a in analyses:
            r = self._row.get(str(a.path), -1)
            if r < 0:
                continue
            self.items[r].analysis = a
            self.items[r].unchecked = ""
            if a.sha256:
                self.items[r].known_sha = a.sha256
            rows.append(r)
            if not a.error and a.sha256:
                checked.append((str(a.path), a.sha256))
        self._changed_rows(rows)
        if checked:
            self.checked_content.emit(checked)

    def set_unchecked(self, paths: Iterable[str], why: str) -> None:
        """``paths`` are not checked and nobody is checking them (``why``: 'stopped' or
        'unreached'), or ('') are being checked again or wait their turn (s42)."""
        rows = []
        for path in paths:
            r = self._row.get(str(path), -1)
            if r >= 0 and self.items[r].analysis is None and self.items[r].unchecked != why:
                self.items[r].unchecked = why
                rows.append(r)
        self._changed_rows(rows)

    def set_approvals(self, states: dict[str, tuple[str, str]],
                      lapsed: set[str] | frozenset[str] = frozenset(),
                      captions: dict[str, str | None] | None = None,
                      gone: dict[str, Any] | None = None,
                      takedown: dict[str, Any] | None = None) -> None:
        """``states``: path -> (approval status, why it no longer counts, or why it waits for
        approval again); ``lapsed``: the paths whose approval no longer counts only because its
        approver's role ended; ``captions``: path -> why an approved photo's caption may not go
        out now (none: ''; None: being checked); ``gone``: path -> the core's
        ``OriginalGone`` for a photo whose original was deleted (None: not deleted);
        ``takedown``: path -> the core's ``OnTakedownList`` (None: not on the list); None
        (the list could not be read): each tile says what it said (never cleared so)."""
        rows = []
        for path, (st, note) in states.items():
            r = self._row.get(path, -1)
            if r < 0:
                continue
            it = self.items[r]
            now = (st, note, path in lapsed, (captions or {}).get(path, ""),
                   (gone or {}).get(path),
                   it.takedown if takedown is None else takedown.get(path))
            if (it.approval, it.approval_note, it.approval_lapsed, it.caption_refused,
                    it.original_gone, it.takedown) != now:
                (it.approval, it.approval_note, it.approval_lapsed, it.caption_refused,
                 it.original_gone, it.takedown) = now
                rows.append(r)
        self._changed_rows(rows)

    def set_caption_refusals(self, captions: dict[str, str]) -> None:
        """Approved captions checked in the background: path -> why the caption may not go
        out now ('' it may)."""
        rows = []
        for path, said in captions.items():
            r = self._row.get(path, -1)
            if r >= 0 and self.items[r].caption_refused != said:
                self.items[r].caption_refused = said
                rows.append(r)
        self._changed_rows(rows)

    def refresh_rows(self, rows: list[int] | None = None) -> None:
        if rows is None:
            self._changed_rows(range(len(self.items)))
        else:
            self._changed_rows(rows)

    def set_published_view(self, on: bool) -> None:
        """Tiles as they will be published (the approver's view), or the photos as taken."""
        if on != self.published_view:
            self.published_view = on
            self.refresh_rows()

    def ask_published(self, item: PhotoItem) -> None:
        """The tile of ``item`` as it will be published is wanted (once per set of
        decisions)."""
        a = item.analysis
        if a is None:
            return
        key = published_key(a)
        if self._published_asked.get(item.path) != key:
            self._published_asked[item.path] = key
            self.published_wanted.emit([item.path])

    def set_published(self, results: list[tuple[str, tuple, QImage | None]]) -> None:
        """Tiles drawn as they will be published: (path, the ``published_key`` drawn for, the
        picture or None when it could not be drawn). One drawn for decisions since changed
        is dropped."""
        rows = []
        for path, key, img in results:
            r = self._row.get(path, -1)
            if r < 0:
                continue
            it = self.items[r]
            if it.analysis is None or published_key(it.analysis) != key:
                continue
            it.published, it.published_for = img, key
            rows.append(r)
        self._changed_rows(rows)

    def ask_thumbnail(self, item: PhotoItem) -> None:
        if item.path not in self._asked:
            self._asked.add(item.path)
            self.thumbnails_wanted.emit([item.path])

    # -- summaries ----------------------------------------------------------------------
    @staticmethod
    def _counts_of(it: PhotoItem) -> tuple[str, ...]:
        """What one photo adds to ``counts``: its list status, its approval state (once
        checked, without an error), and whether it is a photo or a video (by its file name,
        as ``media_words`` says it; ``checked:``, once checked, with or without an error: the
        banner's "Checked 12 photos", not counted again at each refresh)."""
        media = media_of(Path(it.path))
        keys = [it.list_status, "media:" + media]
        if it.analysis is not None:
            keys.append("checked:" + media)
        if it.analysis is not None and not it.analysis.error:
            keys.append("approval:" + it.approval)
            if it.everyone_covered:
                # of those waiting for approval (a lapsed one is under its own choice: s36)
                keys.append(EVERYONE_COVERED_KEY)
        return tuple(keys)

    def _count(self, keys: tuple[str, ...], sign: int) -> None:
        for k in keys:
            self._totals[k] = self._totals.get(k, 0) + sign

    def _recount(self, rows: Iterable[int]) -> None:
        """The counts of ``rows`` (changed, or new) taken again."""
        for r in set(rows):
            if not 0 <= r < len(self.items):
                continue
            it = self.items[r]
            now = self._counts_of(it)
            before = self._counted.get(it.path, ())
            if now != before:
                self._count(before, -1)
                self._count(now, 1)
                self._counted[it.path] = now

    def counts(self) -> dict[str, int]:
        """How many photos in each list status (``all``: every one), in each approval state
        (``approval:...``) and of each kind (``media:photo``, ``media:video``): kept as rows
        change, not counted again at each change."""
        c = {k: v for k, v in self._totals.items() if v}
        c["all"] = len(self.items)
        # an approval that no longer counts waits for a senior leader again, with those ready
        c["approval:waiting"] = c.get("approval:ready", 0) + c.get("approval:void", 0)
        return c

    def analysed(self) -> list[PhotoAnalysis]:
        return [it.analysis for it in self.items if it.analysis is not None]

    def unanalysed_paths(self) -> list[str]:
        return [it.path for it in self.items if it.analysis is None]


#: the "Show" key (and count) of photos waiting for approval with every face covered
EVERYONE_COVERED_KEY = "approval:everyone-covered"

# Filter keys shown in the combo: (key, label)
FILTERS: list[tuple[str, str]] = [
    ("all", "All photos"),
    ("needs-review", "Yours to decide"),
    ("will-cover", "Covers something"),
    ("ready", "Nothing to cover"),
    ("failed", "Could not be checked"),
    (PENDING, "Still being checked"),
    (NOT_CHECKED, "Not checked yet"),
    ("approval:draft", "Not marked ready"),
    # marked ready; a photo whose approval no longer counts is listed under its own choice
    # below, never in both (s36 walk: "Waiting for approval (6)" above "Approval no longer
    # counts (6)" for the same six photos)
    ("approval:ready", "Waiting for approval"),
    # s36: of those, the ones in which every face is covered: approved or left out together
    ("approval:everyone-covered", f"Waiting, {EVERYONE_COVERED.lower()}"),
    ("approval:approved", "Approved"),
    ("approval:void", "Approval no longer counts"),
    ("approval:rejected", "Rejected"),
]


def all_label(counts: dict[str, int]) -> str:
    """'All photos', or 'All photos and videos' once the batch has a video (its list said
    'All photos (7)' above '5 photos and 2 videos'); ``counts``: ``BatchModel.counts``."""
    return "All photos and videos" if counts.get("media:video") else "All photos"


class StatusFilter(QSortFilterProxyModel):
    """The photos the "Show" choice lists, and the one ``kept``: a photo on screen that was
    just decided stays listed, even once it no longer matches, until the person moves on or
    chooses another "Show" (audit, second term, finding 12: answering the last question with
    "Yours to decide" shown took the photo out of the list, the view jumped to another photo,
    and the next "Mark ready" acted on that one)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.key = "all"
        self.kept: str | None = None

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def set_key(self, key: str) -> None:
        def change() -> None:
            self.key, self.kept = key, None
        self._refilter(change)

    def release(self) -> None:
        """The photo kept is listed again only if it matches the choice."""
        left, self.kept = self.kept, None
        if left is None or self.key == "all":
            return
        row = self.source().row_of(left)
        if row >= 0 and not self.filterAcceptsRow(row, QModelIndex()):
            self._refilter(lambda: None)

    def source(self) -> BatchModel:
        """The batch's model this list shows."""
        model = self.sourceModel()
        assert isinstance(model, BatchModel)
        return model

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self.key == "all":
            return True
        item: PhotoItem = self.source().items[source_row]
        if self.kept is not None and item.path == self.kept:
            return True
        if self.key == EVERYONE_COVERED_KEY:     # of those waiting, as counted
            return item.everyone_covered
        if self.key.startswith("approval:"):
            # each photo in one approval state, so in one of these choices (as counted)
            return item.analysis is not None and not item.analysis.error and \
                item.approval == self.key.split(":", 1)[1]
        return item.list_status == self.key


class BatchDelegate(QStyledItemDelegate):
    """A card: thumbnail, file name, coloured status badge, approval mark."""

    THUMB = 132
    PAD = 6
    #: the long edge a tile's picture is drawn at: the card's width (THUMB + 2 * PAD) less its
    #: 2 px margins and the padding. Thumbnails are made this size, so painting a tile is a
    #: plain copy (s46: made at THUMB, every landscape tile was rescaled at every paint)
    PICTURE = THUMB - 4

    def sizeHint(self, option, index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(self.THUMB + 2 * self.PAD, self.THUMB + 2 * self.PAD + 2 * fm.height() + 12)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index) -> None:
        item: PhotoItem = index.data(ItemRole)
        if item is None:
            return
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        r = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        p.setPen(QPen(style.SELECTED, 3) if selected else QPen(QColor("#d5dae0"), 1))
        p.setBrush(QColor("#e3eefb") if selected else QColor("#ffffff"))
        p.drawRoundedRect(QRectF(r), 6, 6)

        thumb_rect = QRect(r.left() + self.PAD, r.top() + self.PAD, r.width() - 2 * self.PAD, self.THUMB)
        picture = QRectF(thumb_rect)        # where the picture is drawn (the mark of a video)
        model = index.model()
        src = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
        if isinstance(src, BatchModel) and src.published_view:
            self._paint_published(p, thumb_rect, item, src)
            if item.everyone_covered:
                band = self._paint_everyone_covered(p, thumb_rect, option)
                # a video's mark above the band, not over its words (s65 walk: "\u25b6 0:09"
                # was drawn over "Everyone covered", which read "\u25b6 0:09ne covered")
                picture.setBottom(band.top() - 1)
        elif item.thumb is not None and not item.thumb.isNull():
            picture = self._draw_image(p, thumb_rect, item.thumb)
        else:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#eceff1"))
            p.drawRect(thumb_rect)
            p.setPen(QColor("#78909c"))
            p.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter,
                       "No preview" if item.thumb_failed else "Loading…")
            if not item.thumb_failed and isinstance(src, BatchModel):
                src.ask_thumbnail(item)

        if item.is_video or Path(item.path).suffix.lower() in VIDEO_EXTENSIONS:
            self._paint_video_mark(p, picture, item, option)

        fm = QFontMetrics(option.font)
        y = thumb_rect.bottom() + 4
        name_rect = QRect(r.left() + self.PAD, y, r.width() - 2 * self.PAD, fm.height())
        p.setPen(QColor("#263238"))
        p.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(item.name, Qt.TextElideMode.ElideMiddle, name_rect.width()))

        # status badge
        text = item.status_text()
        bg, fg = style.status_colours(item.status)
        if item.status != "failed" and item.analysis is not None and item.approval in APPROVAL_BADGES:
            bg = QColor(style.APPROVAL_COLOURS[item.approval])
            fg = QColor("#1f1f1f" if item.approval == "void" else "#ffffff")
            if item.approval == "approved" and item.caption_refused is None:
                # its caption not checked yet: not the green of "Approved"
                bg, fg = QColor("#e0e0e0"), QColor("#1f1f1f")
            elif item.approval == "approved" and item.caption_refused:
                # approved, but not with its caption: the colour of what needs a look again
                bg, fg = QColor(style.APPROVAL_COLOURS["void"]), QColor("#1f1f1f")
            elif item.approval == "ready" and item.approval_note:
                # its approval ended: the colour of what needs a look again (s42)
                bg, fg = QColor(style.APPROVAL_COLOURS["void"]), QColor("#1f1f1f")
        if item.original_gone is not None:
            # nothing more to do with it here: a quiet grey, not the green of "Approved"
            bg, fg = QColor(style.ORIGINAL_GONE_COLOUR), QColor("#ffffff")
        if item.takedown is not None:
            # a copy must come down: the red of the take-down banner, over everything (s43)
            bg, fg = QColor(style.TAKEDOWN_COLOUR), QColor("#ffffff")
        bw = min(fm.horizontalAdvance(text) + 14, name_rect.width())
        badge = QRectF(r.left() + self.PAD, y + fm.height() + 3, bw, fm.height() + 4)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(bg)
        p.drawRoundedRect(badge, 4, 4)
        p.setPen(fg)
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter,
                   fm.elidedText(text, Qt.TextElideMode.ElideRight, int(bw) - 6))

        # approval mark (top-right corner of the thumbnail)
        if item.approval != "draft":
            c = QColor(style.APPROVAL_COLOURS.get(item.approval, "#9e9e9e"))
            mark = self.mark_rect(option)
            p.setPen(QPen(QColor("#ffffff"), 2))
            p.setBrush(c)
            p.drawEllipse(mark)
            if item.approval == "ready":
                # a clock's hands: it waits (the walk: a "..." said nothing)
                mid, arm = mark.center(), mark.width() / 2 - 4
                p.setPen(QPen(QColor("#ffffff"), 2, Qt.PenStyle.SolidLine,
                              Qt.PenCapStyle.RoundCap))
                p.drawLine(mid, QPointF(mid.x(), mid.y() - arm))
                p.drawLine(mid, QPointF(mid.x() + arm * 0.7, mid.y()))
            else:
                p.setPen(QColor("#ffffff"))
                glyph = {"approved": "\u2713", "rejected": "\u2715",
                         "void": "!"}.get(item.approval, "")
                p.drawText(mark, Qt.AlignmentFlag.AlignCenter, glyph)
        p.restore()

    def mark_rect(self, option: QStyleOptionViewItem) -> QRectF:
        """Where a tile's approval mark is (the top-right corner of its thumbnail)."""
        r = option.rect.adjusted(2, 2, -2, -2)
        d = QFontMetrics(option.font).height() + 6
        right = r.left() + self.PAD + r.width() - 2 * self.PAD - 1
        return QRectF(right - d - 2, r.top() + self.PAD + 2, d, d)

    @staticmethod
    def mark_tip(item: PhotoItem) -> str:
        """What a tile's approval mark says when pointed at (the walk: the blue mark said
        nothing): 'Waiting for approval: marked ready; a senior leader approves or rejects it
        next'."""
        what = "video" if item.is_video else "photo"
        note = item.approval_note
        if note.startswith(APPROVAL_ENDED):
            # one label, not two ("Waiting for approval again: Approval ended: ...", words.py)
            note = note[len(APPROVAL_ENDED):].strip()
        tips = {"ready": f"{APPROVAL_LABELS_WAITING} again: {note}"
                if item.approval_note else
                f"{APPROVAL_LABELS_WAITING}: marked ready; a senior leader approves "
                f"or rejects this {what} next",
                "approved": f"Approved: this {what} may be exported",
                "rejected": "Rejected: choose it to read the approver's reason",
                "void": f"{style.APPROVAL_LABELS['void']}: it must be approved again"
                        + (f" ({item.approval_note})" if item.approval_note else "")}
        return tips.get(item.approval, "")

    def helpEvent(self, event, view, option, index) -> bool:
        item = index.data(ItemRole) if index.isValid() else None
        if event is not None and item is not None and item.approval != "draft" and \
                self.mark_rect(option).contains(QPointF(event.pos())):
            QToolTip.showText(event.globalPos(), self.mark_tip(item), view)
            return True
        return super().helpEvent(event, view, option, index)


    @staticmethod
    def _paint_video_mark(p: QPainter, rect: QRectF, item: PhotoItem,
                          option: QStyleOptionViewItem) -> QRectF:
        """A play sign and the clip's length in the bottom-left corner of its picture
        (``rect``), as a phone's gallery has it (s61 walk: a video's tile looked like a
        photo's, so the office could not tell which opens in the player). Where it is."""
        a = item.analysis
        seconds = getattr(a, "duration", 0.0) if a is not None and not a.error else 0.0
        text = f"\u25b6 {clip_length(seconds)}" if seconds else "\u25b6 Video"
        fm = QFontMetrics(option.font)
        h = fm.height() + 4
        box = QRectF(rect.left() + 4, max(rect.top(), rect.bottom() - h - 4),
                     fm.horizontalAdvance(text) + 12, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(38, 50, 56, 215))
        p.drawRoundedRect(box, 4, 4)
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        return box

    @staticmethod
    def _paint_everyone_covered(p: QPainter, rect: QRect, option: QStyleOptionViewItem
                                ) -> QRect:
        """The words "Everyone covered" in a band across the foot of the approver's tile
        (s36): a photo waiting for approval in which every face is covered. Where the band is."""
        fm = QFontMetrics(option.font)
        band = QRect(rect.left(), rect.bottom() - fm.height() - 5, rect.width(), fm.height() + 6)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(38, 50, 56, 215))
        p.drawRect(band)
        p.setPen(QColor("#ffffff"))
        p.drawText(band, Qt.AlignmentFlag.AlignCenter,
                   fm.elidedText(EVERYONE_COVERED, Qt.TextElideMode.ElideRight, band.width() - 6))
        return band

    @staticmethod
    def _draw_image(p: QPainter, rect: QRect, img: QImage) -> QRectF:
        """Draw ``img`` centred in ``rect``, never enlarged; where it went."""
        dpr = img.devicePixelRatio() or 1.0
        iw, ih = img.width() / dpr, img.height() / dpr   # logical size
        s = min(1.0, rect.width() / iw, rect.height() / ih)
        w, h = iw * s, ih * s
        x = round(rect.center().x() - w / 2 + 0.5)
        y = round(rect.center().y() - h / 2 + 0.5)
        if s >= 0.999:
            p.drawImage(QPoint(x, y), img)       # a plain copy (no rescale on the GUI thread)
        else:
            p.drawImage(QRectF(x, y, w, h), img)
        return QRectF(x, y, w, h)

    def _paint_published(self, p: QPainter, rect: QRect, item: PhotoItem,
                         model: BatchModel) -> None:
        """The approver's tile: the photo as it will be published, drawn by the core's
        renderer for its decisions now; until then (and for a video, whose published frames
        are seen in the player), words, never the photo as taken (s35: the approver's list
        showed pupils' faces the export covers)."""
        a = item.analysis
        if a is not None and not a.error and not item.is_video:
            if item.published_for == published_key(a):
                if item.published is not None and not item.published.isNull():
                    self._draw_image(p, rect, item.published)
                    return
                said = "No preview"
            else:
                said = PUBLISHED_WAITING
                model.ask_published(item)
        elif a is None:
            said = PUBLISHED_CHECKING
        else:
            said = "No preview" if a.error else PUBLISHED_VIDEO
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#eceff1"))
        p.drawRect(rect)
        p.setPen(QColor("#546e7a"))
        p.drawText(rect.adjusted(6, 6, -6, -6),
                   Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, said)


class BatchView(QWidget):
    """Filter bar + grid, or an explanation when there is nothing to show."""

    EMPTY_WORDS = ("Drop photos here, or choose a folder.\n\n"
                   "PhotoVet never changes your original photos: it makes safe copies when you "
                   "export.")

    current_changed = Signal(object)          # PhotoItem or None
    add_folder_requested = Signal()
    add_files_requested = Signal()
    remove_requested = Signal(list)            # paths to take out of the batch (never deleted)
    open_folder_requested = Signal(str)        # a folder of photos waiting elsewhere, opened here
    recheck_wanted = Signal()                  # "check them now": those not checked (s42)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = BatchModel(self)
        self.proxy = StatusFilter(self)
        self.proxy.setSourceModel(self.model)

        self.filter_combo = QComboBox()
        self.filter_combo.setAccessibleName("Show photos")
        for key, label in FILTERS:
            self.filter_combo.addItem(label, key)
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        # as wide as the panel, never wider than a short choice: the longest ("Waiting for
        # approval (10)") made the panel, and so the window, too wide for a 1024 px laptop
        self.filter_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.filter_combo.setMinimumContentsLength(12)
        # who is signed in decides what is open (a preparer) or only sees it (an approver,
        # or the approver's view): the count and the filter say it for them
        self.deciding = True
        self.count_label = QLabel()
        self.count_label.setObjectName("CountLabel")
        # "11 photos and 1 video · 4 yours to decide · 1 could not be checked · 4 being
        # checked": wrapped, never widening the window past the screen
        self.count_label.setWordWrap(True)
        self.count_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                       QSizePolicy.Policy.Preferred)
        # "3 rejected: see why" shows the rejected photos (the senior leader's reasons)
        self.count_label.setTextFormat(Qt.TextFormat.RichText)
        self.count_label.linkActivated.connect(
            lambda link: self.set_filter("approval:rejected") if link == "rejected" else
            self.recheck_wanted.emit() if link == "recheck" else None)

        # s35: the approver at another PC sharing the register: what waits for approval there
        # that this PC has not checked, and where it is (never shown nor approved here)
        self.elsewhere = QLabel("")
        self.elsewhere.setObjectName("WaitingElsewhere")
        self.elsewhere.setWordWrap(True)
        self.elsewhere.setTextFormat(Qt.TextFormat.RichText)
        self.elsewhere.setStyleSheet(style.BANNER_WARNING)
        self.elsewhere.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.elsewhere.linkActivated.connect(self._elsewhere_link)
        self.elsewhere.hide()
        self._elsewhere_folders: list[str] = []
        self._elsewhere_lines: list[str] = []
        # s37: one line ("10 more photos wait, not open on this PC. Details…"); where they are
        # and what to do on demand (the whole text took a third of the column at 1366 x 768)
        self._elsewhere_summary = ""
        self.elsewhere_details_shown = False
        self._elsewhere_paths: list[str] = []      # the folders its lines name
        self.elsewhere.installEventFilter(self)    # they wrap anew when it is resized

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        show = QLabel("Show:")
        show.setBuddy(self.filter_combo)
        bar.addWidget(show)
        bar.addWidget(self.filter_combo, 1)

        self.list = QListView()
        self.list.setObjectName("BatchGrid")
        self.list.setAccessibleName("Photos in this batch")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setLayoutMode(QListView.LayoutMode.Batched)
        self.list.setBatchSize(200)
        self.list.setSpacing(4)
        self.list.setWrapping(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setItemDelegate(BatchDelegate(self.list))
        self.list.setModel(self.proxy)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        # "Remove from this batch" on the photo chosen: right-click, or the Delete key
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self._remove_current)

        # empty state
        self.empty = QWidget()
        el = QVBoxLayout(self.empty)
        el.addStretch(1)
        self.empty_label = QLabel(self.EMPTY_WORDS)
        self.empty_label.setObjectName("EmptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        # as wide as the column, never wider: a long folder it names made the window wider
        # than a 1024 px screen (s48 walk); the folder wraps anew when it is resized
        self.empty_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                       QSizePolicy.Policy.Preferred)
        self.empty_label.installEventFilter(self)
        #: what the empty list says, as the core said it (the label's text may wrap after a
        #: folder separator: ``_show_empty_words``)
        self.empty_words = self.EMPTY_WORDS
        self._empty_paths: list[str] = []
        el.addWidget(self.empty_label)
        # one above the other: side by side they made the panel (and the window) too wide
        # for a 1024 px school laptop
        row = QVBoxLayout()
        self.empty_folder = QPushButton(style.icon("folder"), "Choose a folder…")
        self.empty_files = QPushButton(style.icon("files"), "Choose photos…")
        self.empty_folder.clicked.connect(self.add_folder_requested)
        self.empty_files.clicked.connect(self.add_files_requested)
        row.addWidget(self.empty_folder, 0, Qt.AlignmentFlag.AlignHCenter)
        row.addWidget(self.empty_files, 0, Qt.AlignmentFlag.AlignHCenter)
        el.addLayout(row)
        el.addStretch(2)

        self.no_match_text = QLabel("")
        self.no_match_text.setObjectName("EmptyState")
        self.no_match_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match_text.setWordWrap(True)
        self.show_all = QPushButton("Show all photos")
        self.show_all.clicked.connect(lambda *_: self.set_filter("all"))
        self.no_match = QWidget()
        nl = QVBoxLayout(self.no_match)
        nl.addStretch(1)
        nl.addWidget(self.no_match_text)
        nrow = QHBoxLayout()
        nrow.addStretch(1)
        nrow.addWidget(self.show_all)
        nrow.addStretch(1)
        nl.addLayout(nrow)
        nl.addStretch(2)

        self.stack = QStackedLayout()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.no_match)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        lay.addWidget(self.count_label)
        lay.addWidget(self.elsewhere)
        lay.addLayout(self.stack, 1)

        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset,
                    self.model.dataChanged):
            sig.connect(self._update_state)
        self._update_state()

    # -- state --------------------------------------------------------------------------
    def _filter_changed(self) -> None:
        keep = self.current_item()
        self.proxy.set_key(self.filter_combo.currentData())
        if keep is not None:
            self.select_path(keep.path)
        self._update_state()

    def set_filter(self, key: str) -> None:
        i = self.filter_combo.findData(key)
        if i >= 0:
            self.filter_combo.setCurrentIndex(i)

    def set_empty_words(self, text: str = "", paths: list[str] | None = None) -> None:
        """What the empty list says: ``text`` (the approver's, from the core's
        ``words.approver_nothing_open``), or "Drop photos here..." when ''. ``paths``: the
        folders named in it, which wrap at their separators (``breakable_path``; s48 walk: a
        long folder was cut off at 1024 x 768)."""
        self.empty_words = text or self.EMPTY_WORDS
        self._empty_paths = list(paths or []) if text else []
        self._show_empty_words()

    def _show_empty_words(self) -> None:
        """The empty list's words as wide as the label is now: a folder's name wider than the
        label also wraps after its '-', '_' or '.'."""
        fm, width = self.empty_label.fontMetrics(), self.empty_label.contentsRect().width()
        shown = breakable_paths(self.empty_words, self._empty_paths,
                                lambda part: width <= 0 or fm.horizontalAdvance(part) < width)
        if shown != self.empty_label.text():
            self.empty_label.setText(shown)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.Resize:
            if obj is self.elsewhere:
                if self.elsewhere_details_shown and self._elsewhere_lines:
                    self._show_elsewhere()
            elif obj is getattr(self, "empty_label", None):
                self._show_empty_words()
        return super().eventFilter(obj, ev)

    def set_elsewhere(self, lines: list[str], folders: list[str | None],
                      summary: str = "", paths: list[str] | None = None) -> None:
        """What waits for approval on the shared register that this PC has not checked, in
        the core's words (``words.waiting_elsewhere``: a first line, then one per folder), and
        for each folder the one this PC can open (None: it cannot), offered as a link. Shown
        as ``summary`` (``words.waiting_elsewhere_summary``, one line) with "Details…", which
        shows all of it (and "Hide details" goes back to the line). [] hides it. ``paths``:
        every folder the lines name, which wrap at their separators (``breakable_path``)."""
        if (lines, [f or "" for f in folders], summary) == (
                self._elsewhere_lines, self._elsewhere_folders, self._elsewhere_summary):
            return                          # said already (asked again at every change)
        self._elsewhere_lines = list(lines)
        self._elsewhere_folders = [f or "" for f in folders]
        self._elsewhere_summary = summary
        self._elsewhere_paths = list(paths or [])
        self._show_elsewhere()
        self._update_state()                # "Nothing open on this PC is waiting..."

    def show_elsewhere_details(self, shown: bool) -> None:
        """Where the photos waiting elsewhere are and what to do (True), or the one line."""
        self.elsewhere_details_shown = shown
        self._show_elsewhere()

    def _elsewhere_link(self, link: str) -> None:
        if link in ("more", "less"):
            self.show_elsewhere_details(link == "more")
        elif link.isdigit() and int(link) < len(self._elsewhere_folders):
            self.open_folder_requested.emit(self._elsewhere_folders[int(link)])

    def _show_elsewhere(self) -> None:
        lines, folders = self._elsewhere_lines, self._elsewhere_folders
        if not lines:
            self.elsewhere.hide()
            self.elsewhere.setText("")
            return
        head, rest = lines[0], lines[1:]
        if not self.elsewhere_details_shown:
            # not bold: a bold line wrapped to two in the list's column at 1366 x 768
            self.elsewhere.setText(f"{esc(self._elsewhere_summary or head)} "
                                   "<a href='more'>Details\u2026</a>")
            self.elsewhere.show()
            return
        items = []
        # a folder wraps after its separators (s48: a long one was cut off at 1024 x 768)
        fm, width = self.elsewhere.fontMetrics(), self.elsewhere.contentsRect().width() - 16
        for i, line in enumerate(rest):
            folder = folders[i] if i < len(folders) else ""
            link = f" <a href='{i}'>Open this folder</a>" if folder else ""
            line = breakable_paths(line, self._elsewhere_paths,
                                   lambda part: width <= 0 or fm.horizontalAdvance(part) < width)
            items.append(f"\u2022 {esc(line)}{link}")
        text = "<br>".join([f"<b>{esc(head)}</b>", *items, "<a href='less'>Hide details</a>"])
        if text != self.elsewhere.text():
            self.elsewhere.setText(text)
        self.elsewhere.show()

    def set_deciding(self, deciding: bool) -> None:
        """Whether who is signed in makes the decisions still open (a preparer) or not (an
        approver, or the approver's view: they are the preparer's): "4 yours to decide", or
        "4 still open for the preparer" (it said "yours to decide" to an approver)."""
        if deciding != self.deciding:
            self.deciding = deciding
            self._update_state()

    def _update_state(self, *args) -> None:
        c = self.model.counts()
        n = c["all"]
        if n == 0:
            self.stack.setCurrentWidget(self.empty)
            self.count_label.setText("")
        else:
            self.stack.setCurrentWidget(self.list if self.proxy.rowCount() else self.no_match)
            key = self.proxy.key
            self.no_match_text.setText(
                "Every decision in this batch is made." if key == "needs-review" else
                self._nothing_waiting() if key == "approval:ready" else
                "Nothing in this batch matches this choice.")
            # as media_words says it (by file name), from the counts kept
            bits = [media_count(c.get("media:photo", 0), c.get("media:video", 0))]
            open_word = "yours to decide" if self.deciding else "still open for the preparer"
            for key, word in (("needs-review", open_word), ("failed", "could not be checked"),
                              (PENDING, "being checked"),
                              (NOT_CHECKED, "<a href='recheck'>not checked yet: check them "
                                            "now</a>"),
                              ("approval:approved", "approved"),
                              ("approval:void", "to approve again")):
                if c.get(key):
                    bits.append(f"{c[key]} {word}")
            if c.get("approval:rejected"):
                # s35: the line counted every state but this one; the person chooses
                # "Rejected" in Show to read the senior leader's reasons
                bits.append(f"<a href='rejected'>{c['approval:rejected']} rejected: see "
                            "why</a>")
            held = self._held_apart()
            if held:
                # walk5: "Yours to decide (0)" above a tile: the photo just decided stays
                # on screen until the person moves on (finding 12), and says so
                label = dict(FILTERS).get(self.proxy.key, "")
                if self.proxy.key == "needs-review" and not self.deciding:
                    label = "Open for the preparer"
                bits.append(f"{esc(held)} stays listed until you move on (no longer "
                            f"“{esc(label)}”)")
            self.count_label.setText(" · ".join(bits))
        # keep the combo's labels honest: "All photos and videos" once a video is in the batch
        every = all_label(c)
        self.show_all.setText(f"Show {every[0].lower()}{every[1:]}")
        for i, (key, label) in enumerate(FILTERS):
            if key == "needs-review" and not self.deciding:
                label = "Open for the preparer"
            self.filter_combo.setItemText(i, f"{every if key == 'all' else label} "
                                             f"({c.get(key, 0)})")

    def _nothing_waiting(self) -> str:
        """The words where nothing in the list waits for approval: photos still being checked
        (again, after a change of the school's settings or the register) are not "nothing":
        they are counted, with those of them that were waiting or approved (s35: it said
        "Nothing is waiting for approval" while 12 marked ready were checked again)."""
        pending = [it for it in self.model.items if it.analysis is None and not it.unchecked]
        unchecked = [it.path for it in self.model.items if it.analysis is None and it.unchecked]
        void = [it.path for it in self.model.items if it.approval == "void"
                and it.analysis is not None and not it.analysis.error]
        if void:
            # listed under their own choice, not here: said, and where to find them
            label = dict(FILTERS)["approval:void"]
            void_note = (f" {media_words(void)} must be approved again: choose "
                         f"\u201c{label}\u201d in Show.")
        else:
            void_note = ""
        if unchecked:
            # s42: stopped, or the server away: nobody checks them ("still being checked" was
            # not true)
            one = len(unchecked) == 1
            void_note += (f" {media_words(unchecked)} {'is' if one else 'are'} not checked yet: "
                          "click \u201ccheck them now\u201d above.")
        if not pending:
            # s37 walk: "Nothing is waiting for approval." under "10 photos wait, not open on
            # this PC": what is open here
            here = " open on this PC" if self._elsewhere_lines else ""
            return (f"Nothing{here} is marked ready for approval." if void else
                    f"Nothing{here} is waiting for approval.") + void_note
        again = [it for it in pending if it.approval != "draft"]
        one = len(pending) == 1
        text = (f"Nothing checked so far is waiting for approval: "
                f"{media_words(it.path for it in pending)} {'is' if one else 'are'} still "
                "being checked")
        if len(again) == len(pending):
            text += " again after a change"
        elif again:
            text += f" ({len(again)} of them again, after a change)"
        return (text + ". Those waiting for approval are listed here as each is checked."
                + void_note)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        item = current.data(ItemRole) if current.isValid() else None
        self.current_changed.emit(item)
        kept = self.proxy.kept
        if kept is not None and (item is None or item.path != kept):
            # the person moved on: the photo kept leaves the list if it no longer matches
            # (after this signal: rows are not removed while the selection is changing)
            QTimer.singleShot(0, self, self._release)

    def hold(self, path: str) -> None:
        """A decision was just made on ``path``, the photo on screen: it stays listed (and
        chosen) while it is on screen, whatever the "Show" choice (finding 12)."""
        cur = self.current_item()
        if cur is not None and cur.path == path:
            self.proxy.kept = path
            self._update_state()

    def _held_apart(self) -> str:
        """The name of the photo listed only because it was just decided on screen (it no
        longer matches the "Show" choice), or ''."""
        kept = self.proxy.kept
        if kept is None or self.proxy.key == "all":
            return ""
        row = self.model.row_of(kept)
        if row < 0:
            return ""
        self.proxy.kept = None
        try:
            matches = self.proxy.filterAcceptsRow(row, QModelIndex())
        finally:
            self.proxy.kept = kept
        return "" if matches else self.model.items[row].name

    def _release(self) -> None:
        cur = self.current_item()
        if self.proxy.kept is not None and (cur is None or cur.path != self.proxy.kept):
            self.proxy.release()
            self._update_state()

    def _remove_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self.remove_requested.emit([item.path])

    def context_menu(self, item: PhotoItem) -> QMenu:
        menu = QMenu(self)
        act = menu.addAction("Remove from this batch")
        act.setToolTip("Take it out of this list; the file itself is not touched")
        act.triggered.connect(lambda *_: self.remove_requested.emit([item.path]))
        return menu

    def _context_menu(self, pos) -> None:
        idx = self.list.indexAt(pos)
        if not idx.isValid():
            return
        self.list.setCurrentIndex(idx)
        self.context_menu(idx.data(ItemRole)).exec(self.list.viewport().mapToGlobal(pos))

    # -- navigation ---------------------------------------------------------------------
    def current_item(self) -> PhotoItem | None:
        idx = self.list.currentIndex()
        return idx.data(ItemRole) if idx.isValid() else None

    def select_row(self, proxy_row: int) -> None:
        if 0 <= proxy_row < self.proxy.rowCount():
            idx = self.proxy.index(proxy_row, 0)
            self.list.setCurrentIndex(idx)
            self.list.scrollTo(idx)

    def select_path(self, path: str) -> bool:
        r = self.model.row_of(path)
        if r < 0:
            return False
        idx = self.proxy.mapFromSource(self.model.index(r))
        if not idx.isValid():
            return False
        self.list.setCurrentIndex(idx)
        self.list.scrollTo(idx)
        return True

    def select_after(self, item: PhotoItem | None) -> None:
        """Choose the first photo shown that comes after ``item`` in the batch (``item`` need
        not be shown: the photo chosen before the filter changed); none after it, or no
        ``item``: the first photo shown."""
        n = self.proxy.rowCount()
        if not n:
            return
        r = self.model.row_of(item.path) if item is not None else -1
        for row in range(n):
            if self.proxy.mapToSource(self.proxy.index(row, 0)).row() > r >= 0:
                self.select_row(row)
                return
        self.select_row(0)

    # (not QWidget.move, the widget's place: the photo ``step`` rows on in the list)
    def move(self, step: int) -> None:  # type: ignore[override]
        n = self.proxy.rowCount()
        if not n:
            return
        cur = self.list.currentIndex()
        row = cur.row() + step if cur.isValid() else 0
        self.select_row(max(0, min(n - 1, row)))

    def shown_items(self) -> list[PhotoItem]:
        """The photos the current choice shows, in order (what "all shown" acts on)."""
        return [self.proxy.index(r, 0).data(ItemRole) for r in range(self.proxy.rowCount())]

    def visible_paths(self) -> list[str]:
        out = []
        rect = self.list.viewport().rect()
        for row in range(self.proxy.rowCount()):
            idx = self.proxy.index(row, 0)
            if self.list.visualRect(idx).intersects(rect):
                out.append(idx.data(PathRole))
        return out

    def refresh_current(self) -> None:
        idx = self.list.currentIndex()
        if idx.isValid():
            src = self.proxy.mapToSource(idx)
            self.model.refresh_rows([src.row()])


__all__ = ["FILTERS", "BatchModel", "BatchView", "PhotoItem", "StatusFilter"]
