"""The video player of the review (issue 17): the picture at the playhead with every track's
outline (or, with "Show what will be published", the core's own rendering of the covered
video), a transport (play / pause, a slider to scrub, frame steps), a timeline with one row per
track (who, the decision, from-to), the selected track's decisions for the whole clip, and the
sound (what the channel's rule does with it; silence or remove it; the approver's "I listened").

This module only draws and reports what a person does (signals); controllers/video.py asks the
core (``VideoReviewer``, ``SoundChecks``, ``Engine.video_preview``) and feeds the results back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from photovet.core.media.metadata.video import SOUND_SWITCHED_OFF
from photovet.core.media.video.covers import cover_span, is_covered
from photovet.core.media.video.linking import FaceCount, face_count, gap_links, track_groups
from photovet.core.models import UNREAD_AFTER_CUE, MatchStatus, VideoAnalysis, VideoTrack
from photovet.core.policy import cue_track_ids, waiting_for_decision, waiting_on_cue
from photovet.core.words import (
    PLACE_FOR_A_NAME,
    crest_track,
    hidden_details_removed,
    school_note,
    school_only,
    text_track_word,
    text_tracks_open,
    text_tracks_read,
)

from .. import style
from ..session import permission_tip
from ..words import esc
from .banners import ElidedLabel

ROW_H = 24
VISIBLE_ROWS = 8                # rows the timeline shows before it scrolls (1366 x 768)
LABEL_W = 250                   # the names' column: at least this, more on a wide timeline
RULER_H = 20


def clock(seconds: float) -> str:
    """'1:05.2' (minutes, seconds and tenths)."""
    seconds = max(0.0, float(seconds))
    m, s = divmod(seconds, 60)
    return f"{int(m)}:{s:04.1f}"


def track_who(t: VideoTrack, people_by_id: dict[str, Any]) -> str:
    if crest_track(t):
        # found by its picture, not read: no words ("Might be the school's crest")
        note = school_note(t)
        return note[:1].upper() + note[1:]
    if t.kind == "text":
        return f"\u201c{t.text}\u201d" if t.text else \
            (PLACE_FOR_A_NAME if t.context == UNREAD_AFTER_CUE else "A name")
    if t.override == "not-a-face":
        return "Not a face"
    who = t.who
    if who:
        p = people_by_id.get(who)
        return p.display_name if p is not None else who
    if t.match_status == MatchStatus.UNCERTAIN.value and t.person:
        p = people_by_id.get(t.person)
        return f"Might be {p.display_name if p is not None else t.person}"
    return "Not recognised"


def decision_word(t: VideoTrack) -> str:
    if t.kind == "text":
        if t.decision == "keep":
            return "left visible" if crest_track(t) else "kept readable"
        return "covered"
    return "shown" if t.decision == "show" else "covered"


def track_sentence(t: VideoTrack, people_by_id: dict[str, Any],
                   analysis: VideoAnalysis | None = None) -> str:
    """'Face 2: Tori Ashby, shown from 0:00.4 to 0:03.1. Consent for videos on Facebook.';
    'School 5: “Oakfield Primary School” (the school's name), covered from ...'. A name or
    crest covered, with its ``analysis``: when its cover is on (what is published,
    covers.cover_span), and when it was seen."""
    kind = "Face" if t.kind == "face" else text_track_word(t)
    who = track_who(t, people_by_id)
    why = "" if t.reason.strip().rstrip(".") == who else t.reason   # not "Not recognised" twice
    if school_only(t):
        if not crest_track(t):          # the crest's row already says what it is
            who += f" ({school_note(t)})"
        if t.decision == "keep" and not why.strip():
            why = "This channel does not cover school identifiers."
    when = f"from {clock(t.first_time)} to {clock(t.last_time)}"
    span = _cover_span(analysis, t)
    if span is not None:
        when = (f"from {clock(span[0])} to {clock(span[1])} (seen from {clock(t.first_time)} "
                f"to {clock(t.last_time)})")
    text = f"{kind} {t.id + 1}: {who}, {decision_word(t)} {when}. {why}".strip()
    if not text.endswith("."):
        text += "."
    if t.near_note and not t.hand_named:
        # the core's words: "It could also be Hope Bennett, Grace's twin (Facebook videos: No)"
        text += f" {t.near_note}."
    if t.refused:
        text += f" Your change was not used: {t.refused}."
    return text


def _cover_span(a: VideoAnalysis | None, t: VideoTrack) -> tuple[float, float] | None:
    """When a covered name's or crest's cover is on (the core's covers.cover_span), or None:
    a face, a track not covered, or no analysis."""
    if a is None or t.kind != "text" or not is_covered(t):
        return None
    return cover_span(a, t)


def group_sentence(chosen: VideoTrack, members: list[VideoTrack],
                   people_by_id: dict[str, Any], offered: Any = None,
                   analysis: VideoAnalysis | None = None) -> str:
    """The chosen track's sentence; for a group, one line per time it was seen and what a
    decision on the row reaches (media/video/linking.py), for the decisions ``offered`` (all
    when not given: a button the row does not offer is not explained)."""
    if len(members) <= 1:
        return track_sentence(chosen, people_by_id, analysis)
    offered = set(offered) if offered is not None else {"cover", "show", "assign", "not-a-face"}
    times = "twice" if len(members) == 2 else f"{len(members)} times"
    lines = [f"Face {members[0].id + 1}, seen {times} (the same place moments apart, one "
             "face moving too fast to follow, or recognised as the same person):"]
    lines += [f"\u2022 {track_sentence(m, people_by_id)}" for m in members]
    bits = []
    if "cover" in offered:
        bits.append("Cover covers it every time.")
    if "show" in offered:
        bits.append("Show shows it only where PhotoVet recognised the same person; the other "
                    "times stay covered.")
    alone = [w for k, w in (("assign", "\u201cWho is this?\u201d"),
                            ("not-a-face", "\u201cNot a face\u201d")) if k in offered]
    if alone:
        bits.append(f"{' and '.join(alone)} {'are' if len(alone) > 1 else 'is'} for Face "
                    f"{chosen.id + 1} only.")
    if bits:
        lines.append(" ".join(bits))
    return "\n".join(lines)


def track_colour(t: VideoTrack, waiting: bool = False) -> QColor:
    """``waiting``: a place after a cue whose question another track asks
    (``policy.waiting_on_cue``): amber as that track is."""
    if t.needs_review or waiting:
        return style.REVIEW
    if t.kind == "text":
        return style.TEXT_KEEP if t.decision == "keep" else style.COVER
    return style.SHOW if t.decision == "show" else style.COVER


def open_sentence(a: VideoAnalysis, *, can_review: bool = False, can_listen: bool = False,
                  count: FaceCount | None = None, approval: str = "draft") -> str:
    """What is still open in a video, said for who is signed in ('' when nothing is): the
    faces and names in amber, and the sound removed until an approver listens (an approver
    answers with "I listened"; a preparer can only publish it without sound). Once handed on
    (``approval`` marked ready or approved: ``policy.waiting_for_decision``), what is open
    waits for nobody and stays covered, as the batch's banner and a photo's panel say."""
    bits = []
    count = count or face_count(a)
    names = sum(1 for t in a.text_tracks if t.needs_review)
    amber = ([f"{count.open} face{'s' if count.open != 1 else ''}"] if count.open else []) + \
        text_tracks_open(a.text_tracks, possible=False)
    if amber:
        verb = "is" if count.open + names == 1 else "are"
        if not waiting_for_decision(True, approval):
            # s45 walk (PNG 47): "3 names are yours to decide" under the banner's "Nothing is
            # waiting for your decision" after "Mark ready": the core says nothing waits
            what = "approved" if approval == "approved" else "marked ready"
            stays = f"{'it stays' if count.open + names == 1 else 'they stay'} covered"
            if approval == "approved":
                end = "(in amber)."
            elif can_review:
                end = "(in amber). Nothing here is waiting for your decision."
            else:
                # s46 walk: an approver read "Nothing here is waiting for a decision" over a
                # video waiting for their approval (and their listening): what is left open
                # is covered in what they approve
                end = "(in amber) in what you approve."
            bits.append(f"It was {what} with {' and '.join(amber)} left open: {stays} {end}")
        else:
            who = "yours to decide" if can_review else "still to decide by a preparer"
            bits.append(f"{' and '.join(amber)} {verb} {who} (in amber; covered until then).")
    if a.has_audio and a.sound_needs_review:
        if can_listen and can_review:
            bits.append("The sound is removed until you listen to the whole video (“I "
                        "listened to the whole video”), or choose “Publish it without "
                        "sound”.")
        elif can_listen:
            bits.append("The sound is removed until you listen to the whole video (“I "
                        "listened to the whole video”).")
        elif can_review:
            bits.append("The sound is removed until an approver listens to the whole video; "
                        "to publish it without sound, choose “Publish it without sound”.")
        else:
            bits.append("The sound is removed until an approver listens to the whole video.")
    return " ".join(bits)


def video_summary(a: VideoAnalysis, *, can_review: bool = False, can_listen: bool = False,
                  groups: list[list[int]] | None = None, approval: str = "draft") -> str:
    """'A video of 0:12.4: 3 faces followed (one seen twice; 1 shown, 2 covered); 1 name
    covered; sound removed.' (the findings panel's first line for a video): faces as the
    timeline's rows (``linking.face_count``), then what is open for who is signed in."""
    if a.error:
        return (f"This video could not be checked: {a.error.strip().rstrip('.')}. It will not "
                "be exported.")
    count = face_count(a, groups)
    bits = [f"A video of {clock(a.duration)}: {count.followed(decided=True)}"]
    if a.names_not_looked_for:    # reading text turned off (s62: said nowhere)
        bits.append("names not looked for")
    bits += text_tracks_read(a.text_tracks)   # names, and lines naming the school
    if a.has_audio:
        bits.append("sound " + {"keep": "kept", "mute": "silenced",
                                "remove": "removed"}.get(a.sound, a.sound))
    n = len(a.metadata.findings) if a.metadata else 0
    if n:
        bits.append(hidden_details_removed(n))
    text = "; ".join(bits) + "."
    still = open_sentence(a, can_review=can_review, can_listen=can_listen, count=count,
                          approval=approval)
    return f"{text} {still}" if still else text


def _span(a: VideoAnalysis, t: VideoTrack) -> tuple[float, float]:
    return t.first_time, max(t.last_time, t.first_time + (1.0 / a.fps if a.fps else 0.04))


def group_label(members: list[VideoTrack], people_by_id: dict[str, Any]) -> str:
    """'Face 3: Tori Ashby \u2014 shown' for one track; 'Face 3 (seen 3 times): ...' for a group
    (``partly shown`` when its tracks are decided differently)."""
    first = members[0]
    named = [t for t in members if t.who]
    who = track_who(named[0] if named else first, people_by_id)
    words = {decision_word(t) for t in members}
    word = words.pop() if len(words) == 1 else "partly shown"
    times = "" if len(members) == 1 else \
        f" (seen {'twice' if len(members) == 2 else f'{len(members)} times'})"
    kind = "Face" if first.kind == "face" else text_track_word(first)
    return f"{kind} {first.id + 1}{times}: {who} \u2014 {word}"


def waiting_tracks(a: VideoAnalysis) -> set[int]:
    """The ids of the places after a cue waiting on another track's question
    (``policy.waiting_on_cue``)."""
    return {a.tracks[i].id for i in waiting_on_cue(a.tracks)}


def track_colours(a: VideoAnalysis, waiting: set[int] | None = None) -> dict[int, QColor]:
    """Each track's colour by id (``track_colour``), a place after a cue waiting on another's
    question amber as that one (``waiting``: ``waiting_tracks``, found when not given)."""
    waiting = waiting_tracks(a) if waiting is None else waiting
    return {t.id: track_colour(t, t.id in waiting) for t in a.tracks}


def timeline_rows(a: VideoAnalysis, people_by_id: dict[str, Any],
                  groups: list[list[int]] | None = None) -> list[Row]:
    """One row per face group (linking.py: a person lost for a moment, or recognised again, is
    one row) in order of appearance, then one per name."""
    rows = []
    by_id = {t.id: t for t in a.tracks}
    joins: dict[int, list[tuple[float, float]]] = {}
    for ia, ib in gap_links(a.tracks, a.fps):
        ta, tb = by_id[ia], by_id[ib]
        if is_covered(ta) or is_covered(tb):        # covers.py covers the gap too
            joins.setdefault(ia, []).append((ta.last_time, tb.first_time))
    for g in track_groups(a) if groups is None else groups:
        members = [by_id[tid] for tid in g]
        spans = tuple((*_span(a, t), track_colour(t), t.needs_review) for t in members)
        rows.append(Row(members[0].id, group_label(members, people_by_id),
                        min(sp[0] for sp in spans), max(sp[1] for sp in spans),
                        spans[0][2], any(sp[3] for sp in spans), tuple(g), spans,
                        tuple(j for tid in g for j in joins.get(tid, ())),
                        tuple(x for t in members if t.needs_review for x in t.found_again)))
    # a place after a cue whose question another place asks is drawn as waiting, as that one
    waits = waiting_tracks(a)
    colours = track_colours(a, waits)
    for t in sorted(a.text_tracks, key=lambda t: (t.first_time, t.id)):
        start, end = _span(a, t)
        open_ = t.needs_review or t.id in waits
        seen = ((start, end, colours[t.id], open_),)
        span = _cover_span(a, t)
        if span is None:
            rows.append(Row(t.id, group_label([t], people_by_id), start, end, colours[t.id],
                            open_, spans=seen))
            continue
        # covered before it was seen and after (its padding): the row runs as long as its
        # cover, the thin bar where it is covered but was not seen (what is published)
        cover = ((span[0], start),) if span[0] < start else ()
        cover += ((end, span[1]),) if span[1] > end else ()
        rows.append(Row(t.id, group_label([t], people_by_id), min(start, span[0]),
                        max(end, span[1]), colours[t.id], open_, spans=seen, joins=cover))
    return rows


@dataclass
class Row:
    """One row of the timeline: a name, or a face's group (media/video/linking.py: the tracks
    of one person), drawn as one bar per track (``spans``: start, end, colour, needs review)."""

    track_id: int                      # the group's first track (what a click chooses)
    label: str
    start: float
    end: float
    colour: QColor
    review: bool = False
    track_ids: tuple[int, ...] = ()
    spans: tuple[tuple[float, float, QColor, bool], ...] = ()
    joins: tuple[tuple[float, float], ...] = ()   # unseen between two tracks, covered too
    #: where another face may have taken the place of a face whose question is open
    #: (VideoTrack.found_again: after a gap, a jump, a change of size; its question asks the
    #: person to look there), a mark on its bar
    marks: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if not self.track_ids:
            self.track_ids = (self.track_id,)
        if not self.spans:
            self.spans = ((self.start, self.end, self.colour, self.review),)


class TrackTimeline(QWidget):
    """One row per track: who and the decision on the left, a bar from its first to its last
    second (its cover's span) on the right; the playhead across. Click a row to choose the
    track; click the ruler (or double-click a bar) to go to that moment."""

    track_clicked = Signal(int)
    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[Row] = []
        self.duration = 0.0
        self.position = 0.0
        self.selected: int | None = None
        # what the signed-in approver has seen of the video (the core's stretches, seconds),
        # marked along the ruler; None: not shown (someone who does not approve)
        self.seen: list[tuple[float, float]] | None = None
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Tracks of the video")

    def set_rows(self, rows: list[Row], duration: float) -> None:
        self.rows, self.duration = rows, max(0.001, duration)
        self.setFixedHeight(RULER_H + ROW_H * max(1, len(rows)) + 4)
        self.update()

    def set_position(self, seconds: float) -> None:
        self.position = seconds
        self.update()

    def set_selected(self, track_id: int | None) -> None:
        self.selected = track_id
        self.update()

    def set_seen(self, spans: list[tuple[float, float]] | None) -> None:
        self.seen = None if spans is None else [(float(a), float(b)) for a, b in spans]
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(700, RULER_H + ROW_H * max(1, len(self.rows)) + 4)

    @property
    def label_w(self) -> int:
        """The names' column: 250 px, up to 320 on a wide timeline (the bars keep 55 %)."""
        return int(max(LABEL_W, min(320, self.width() * 0.45)))

    def _x(self, seconds: float) -> float:
        span = max(1.0, self.width() - self.label_w - 8)
        return self.label_w + span * min(1.0, max(0.0, seconds / self.duration))

    def _time(self, x: float) -> float:
        span = max(1.0, self.width() - self.label_w - 8)
        return min(self.duration, max(0.0, (x - self.label_w) / span * self.duration))

    def row_at(self, y: float) -> int | None:
        i = int((y - RULER_H) // ROW_H)
        return self.rows[i].track_id if y >= RULER_H and 0 <= i < len(self.rows) else None

    def row_index(self, track_id: int | None) -> int | None:
        """The row a track is drawn in (its group's)."""
        for i, r in enumerate(self.rows):
            if track_id in r.track_ids:
                return i
        return None

    def mousePressEvent(self, ev) -> None:
        p = ev.position()
        if p.y() < RULER_H and p.x() >= self.label_w:
            self.seek_requested.emit(self._time(p.x()))
            return
        tid = self.row_at(p.y())
        if tid is not None:
            self.track_clicked.emit(tid)

    def mouseDoubleClickEvent(self, ev) -> None:
        p = ev.position()
        tid = self.row_at(p.y())
        if tid is not None and p.x() >= self.label_w:
            self.seek_requested.emit(self._time(p.x()))

    def ruler(self, advance: Callable[[str], float], step: float) -> list[tuple[float, str]]:
        """The ruler's ticks, each with its time label or "" (a tick per ``step`` seconds):
        every tick labelled on a clip up to 10 s, else every 5 s (every tick on longer
        steps), and never a label running into the one before it or off the right edge (a 9 s
        clip at 1024 px labelled every second ran "0:000:010:02" together, walk s47).
        ``advance``: a label's width in pixels."""
        out: list[tuple[float, str]] = []
        free_from = float("-inf")           # where the last label drawn ends, with a gap
        t, w = 0.0, self.width()
        while t <= self.duration + 1e-6:
            x = self._x(t)
            label = clock(t).rsplit(".", 1)[0]
            wide = advance(label)
            every = self.duration <= 10 or int(round(t / step)) % (5 if step == 1.0 else 1) == 0
            if every and x + 2 >= free_from and x + 2 + wide <= w:
                out.append((x, label))
                free_from = x + 2 + wide + 6
            else:
                out.append((x, ""))
            t += step
        return out

    def paintEvent(self, _ev) -> None:
        qp = QPainter(self)
        qp.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = self.width()
        qp.fillRect(self.rect(), QColor("#fbfcfd"))
        # the ruler: a tick per second (or per 10 s on long videos)
        qp.setPen(QColor("#8a96a3"))
        step = 1.0 if self.duration <= 30 else 10.0 if self.duration <= 600 else 60.0
        f = QFont(self.font())
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1))
        qp.setFont(f)
        for x, label in self.ruler(qp.fontMetrics().horizontalAdvance, step):
            qp.drawLine(QPointF(x, RULER_H - 6), QPointF(x, RULER_H))
            if label:
                qp.drawText(QPointF(x + 2, RULER_H - 8), label)
        if self.seen is not None:           # the approver's seen stretches, in green
            x0, x1 = self._x(0.0), self._x(self.duration)
            qp.fillRect(QRectF(x0, RULER_H - 4, max(1.0, x1 - x0), 4), QColor("#d9dee3"))
            for start, end in self.seen:
                a, b = self._x(start), self._x(end)
                qp.fillRect(QRectF(a, RULER_H - 4, max(2.0, b - a), 4), QColor("#2e7d32"))
        if not self.rows:
            qp.setPen(QColor("#555"))
            qp.drawText(QRectF(8, RULER_H, w - 16, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                        "No faces or names were found in this video.")
        for i, r in enumerate(self.rows):
            y = RULER_H + i * ROW_H
            if self.selected in r.track_ids:
                qp.fillRect(QRectF(0, y, w, ROW_H), QColor("#e3eefb"))
            elif i % 2:
                qp.fillRect(QRectF(0, y, w, ROW_H), QColor("#f3f5f7"))
            qp.setPen(QColor("#1f2933"))
            qp.drawText(QRectF(6, y, self.label_w - 10, ROW_H),
                        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                        qp.fontMetrics().elidedText(r.label, Qt.TextElideMode.ElideRight,
                                                    self.label_w - 12))
            for start, end in r.joins:         # not seen, covered all the same: a thin bar
                x1, x2 = self._x(start), self._x(end)
                qp.fillRect(QRectF(x1, y + ROW_H / 2 - 2, max(1.0, x2 - x1), 4),
                            style.COVER.lighter(115))
            for start, end, colour, review in r.spans:
                x1, x2 = self._x(start), self._x(end)
                bar = QRectF(x1, y + 5, max(3.0, x2 - x1), ROW_H - 10)
                qp.setPen(QPen(colour.darker(130), 1))
                qp.setBrush(colour)
                qp.drawRoundedRect(bar, 3, 3)
                if review:
                    qp.setPen(QPen(QColor("#7a5200"), 2, Qt.PenStyle.DotLine))
                    qp.setBrush(Qt.BrushStyle.NoBrush)
                    qp.drawRoundedRect(bar.adjusted(-2, -2, 2, 2), 4, 4)
            # where another face may have taken its place: its question asks to look there
            qp.setPen(QPen(QColor("#1f2933"), 2))
            for at in r.marks:
                mx = self._x(at)
                qp.drawLine(QPointF(mx, y + 3), QPointF(mx, y + ROW_H - 3))
        x = self._x(self.position)
        qp.setPen(QPen(QColor("#1565c0"), 2))
        qp.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        qp.end()


class VideoCanvas(QWidget):
    """The frame at the playhead, scaled to fit, with outlines of the tracks on it."""

    clicked = Signal(int)      # a track's outline was clicked

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.size_px = (0, 0)                      # the analysed video's display size
        self.outlines: list[tuple[int, Any, QColor]] = []   # (track id, Cover, colour)
        self.selected: int | None = None
        self.together: set[int] = set()            # outlined with it (places after one cue)
        self.message = ""
        self.banner = ""
        self.setMinimumSize(320, 160)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_frame(self, image: QImage | None, outlines: list, banner: str = "") -> None:
        self.image, self.outlines, self.banner = image, outlines, banner
        self.message = "" if image is not None else self.message
        self.update()

    def set_message(self, text: str) -> None:
        self.message = text
        self.update()

    def picture(self) -> QRectF:
        """Where the frame is drawn: as large as fits, in the frame's own shape. The core gives
        the frame in the shape a player shows it (``frames.grab(shown=True)``: a video whose
        pixels are not square is wider than its stored pixels, as it is published); the
        outlines are places in the stored pixels (``size_px``) and are stretched with it."""
        w, h = self.size_px
        if self.image is not None and not self.image.isNull() and h:
            iw, ih = self.image.width(), self.image.height()
            if iw and ih:
                w = h * iw / ih
        if not w or not h:
            return QRectF(0, 0, self.width(), self.height())
        k = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * k) / 2, (self.height() - h * k) / 2, w * k, h * k)

    def _rect(self, cover) -> QRectF:
        pic = self.picture()
        sw, sh = self.size_px
        kx, ky = (pic.width() / sw, pic.height() / sh) if sw and sh else (1.0, 1.0)
        if cover.box:
            x, y, w, h = cover.box
        else:
            xs = [p[0] for p in cover.points or [(0, 0)]]
            ys = [p[1] for p in cover.points or [(0, 0)]]
            x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
        return QRectF(pic.x() + x * kx, pic.y() + y * ky, w * kx, h * ky)

    def on_screen(self, track_id: int) -> QRect | None:
        """Where the track is outlined on the frame shown, in global coordinates (a question
        about it is put beside it); None when it is not on this frame."""
        rects = [self._rect(cover) for tid, cover, _c in self.outlines if tid == track_id]
        if not rects:
            return None
        r = rects[0]
        for other in rects[1:]:
            r = r.united(other)
        r = r.toAlignedRect()
        return QRect(self.mapToGlobal(r.topLeft()), r.size())

    def mousePressEvent(self, ev) -> None:
        p = ev.position()
        for tid, cover, _c in self.outlines:
            if self._rect(cover).contains(p):
                self.clicked.emit(tid)
                return

    @staticmethod
    def number_box(r: QRectF, label: str, fm, top: float) -> QRectF:
        """Where a track's number goes: a tab on the outline's top-left corner (inside the
        outline when the outline touches the picture's top)."""
        box = QRectF(r.left(), r.top() - fm.height() - 1, fm.horizontalAdvance(label) + 8,
                     fm.height() + 1)
        if box.top() < top:
            box.moveTop(r.top())
        return box

    def _number(self, qp: QPainter, r: QRectF, label: str, colour: QColor, top: float) -> None:
        """The track's number in white on its outline's colour (in the outline's colour on
        the picture it could not be read: dark green on a green playground)."""
        box = self.number_box(r, label, qp.fontMetrics(), top)
        qp.fillRect(box, colour)
        qp.setPen(QColor("white"))
        qp.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def paintEvent(self, _ev) -> None:
        qp = QPainter(self)
        qp.fillRect(self.rect(), QColor("#20262c"))
        if self.image is not None and not self.image.isNull():
            pic = self.picture()
            oy = pic.y()
            qp.drawImage(pic, self.image)
            qp.setRenderHint(QPainter.RenderHint.Antialiasing)
            for tid, cover, colour in self.outlines:
                chosen = tid == self.selected or tid in self.together
                edge = style.SELECTED if chosen else colour
                pen = QPen(edge, 3 if chosen else 2)
                qp.setPen(pen)
                qp.setBrush(Qt.BrushStyle.NoBrush)
                r = self._rect(cover)
                if cover.shape == "ellipse":
                    qp.drawEllipse(r)
                else:
                    qp.drawRect(r)
                self._number(qp, r, str(tid + 1), edge, oy)
        if self.banner:
            qp.fillRect(QRectF(0, 0, self.width(), 24), QColor(0, 0, 0, 150))
            qp.setPen(QColor("white"))
            qp.drawText(QRectF(8, 0, self.width() - 16, 24), Qt.AlignmentFlag.AlignVCenter,
                        self.banner)
        if self.message:
            qp.setPen(QColor("#e8eef3"))
            qp.drawText(self.rect().adjusted(20, 20, -20, -20),
                        int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                        self.message)
        qp.end()


class KeysHint(QLabel):
    """The keys' hint in the room the video's buttons leave: on one or two lines, or not drawn
    when even two are not enough (at 1024 px it stood one letter wide and 9 lines tall,
    pushing the timeline down: s46). The buttons' tooltips say the keys too."""

    LINES = 2

    def _fits(self, width: int) -> bool:
        return width > 0 and super().heightForWidth(width) <= self._most()

    def _most(self) -> int:
        m = self.contentsMargins()
        return self.LINES * self.fontMetrics().lineSpacing() + m.top() + m.bottom()

    def heightForWidth(self, width: int) -> int:
        return super().heightForWidth(width) if self._fits(width) else \
            min(super().heightForWidth(width), self._most())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, min(super().minimumSizeHint().height(), self._most()))

    def paintEvent(self, ev) -> None:
        if self._fits(self.width()):
            super().paintEvent(ev)


class VideoPlayer(QWidget):
    """What the controller listens to: the person scrubs, plays, steps, asks for the published
    version, chooses a track and a decision for it, or a sound decision."""

    seek_requested = Signal(float)
    play_toggled = Signal(bool)
    published_toggled = Signal(bool)
    track_selected = Signal(int)
    track_action = Signal(int, str)    # track id, "show" | "cover" | "assign" | "not-a-face" |
    #                                    "undo" | "keep" (names)
    sound_action = Signal(str)         # "mute" | "remove" | "rule"
    listened_requested = Signal()
    open_externally = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("VideoPlayer")
        self.analysis: VideoAnalysis | None = None
        self.people_by_id: dict[str, Any] = {}
        self.selected: int | None = None
        self.groups: dict[int, list[int]] = {}      # track id -> its group's ids (faces)
        # the core's answer to what a track's row offers (VideoReviewer.row_choices: the
        # decisions that change something, what is already so, what Undo reaches and keeps);
        # set by the controller
        self.row_choices: Any = None
        # the file's name, cut in the middle when long (s50, as the photo's)
        self.title = ElidedLabel("", min_width=120, mode=Qt.TextElideMode.ElideMiddle)
        self.title.setObjectName("SectionTitle")
        self.canvas = VideoCanvas()
        self.canvas.clicked.connect(self.select_track)

        self.play_btn = QPushButton("Play")
        self.play_btn.setCheckable(True)
        self.play_btn.toggled.connect(self._play_toggled)
        self.back_btn = QPushButton("\u25c0 Frame")
        self.back_btn.setToolTip("One frame back (Left arrow; Shift+Left: a second back)")
        self.next_btn = QPushButton("Frame \u25b6")
        self.next_btn.setToolTip("One frame on (Right arrow; Shift+Right: a second on)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Position in the video")
        self.slider.setToolTip("Drag to move through the video. Left and Right arrows: a frame; "
                               "with Shift: a second")
        self.slider.setRange(0, 0)
        self.slider.setMinimumHeight(22)
        self.slider.valueChanged.connect(self._slid)
        self.time_label = QLabel("0:00.0 / 0:00.0")
        self.published_btn = QPushButton("Show what will be published")
        self.published_btn.setCheckable(True)
        self.published_btn.setToolTip("Plays and steps through the covered version, rendered by "
                                      "the same code as the export")
        self.published_btn.toggled.connect(self.published_toggled)
        # says what pressing it does next, as the photo's does (s64 walk: it stayed "Show what
        # will be published" while showing it)
        self.published_btn.toggled.connect(lambda on: self.published_btn.setText(
            "Show the faces' outlines" if on else "Show what will be published"))
        self.back_btn.clicked.connect(lambda *_: self.step(-1))
        self.next_btn.clicked.connect(lambda *_: self.step(1))
        # the slider has the whole width of the picture; the buttons go on the line below
        scrub = QHBoxLayout()
        scrub.addWidget(self.slider, 1)
        scrub.addWidget(self.time_label)
        self.keys_hint = KeysHint("\u2190 \u2192 a frame \u00b7 Shift+\u2190 \u2192 a second")
        self.keys_hint.setObjectName("Hint")
        self.keys_hint.setStyleSheet("color: #52606d;")
        # the room the buttons leave, on two lines if it must: at its full width it made the
        # window too wide for a 1024 px school laptop (the buttons' tooltips say it too)
        self.keys_hint.setWordWrap(True)
        self.keys_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        transport = QHBoxLayout()
        transport.addWidget(self.play_btn)
        transport.addWidget(self.back_btn)
        transport.addWidget(self.next_btn)
        transport.addWidget(self.keys_hint, 1)
        transport.addWidget(self.published_btn)
        for key, frames, seconds in (("Left", -1, 0.0), ("Right", 1, 0.0),
                                     ("Shift+Left", 0, -1.0), ("Shift+Right", 0, 1.0)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda f=frames, sec=seconds: self.step(f) if f
                                 else self.step_seconds(sec))

        self.timeline = TrackTimeline()
        self.timeline.track_clicked.connect(self.select_track)
        self.timeline.seek_requested.connect(self.seek)
        scroll = QScrollArea()
        scroll.setWidget(self.timeline)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(RULER_H + ROW_H * 2 + 8)
        self.timeline_scroll = scroll

        # the chosen track (its group): what it is and its decisions for the whole clip, and
        # the sound. A panel of its own: the window puts it where a photo's findings go.
        self.track_label = QLabel("Click a track (a row below, or an outline on the picture) "
                                  "to decide it for the whole clip.")
        self.track_label.setWordWrap(True)
        self.track_buttons: dict[str, QPushButton] = {}
        tb = QGridLayout()
        tb.setContentsMargins(0, 0, 0, 0)
        for n, (key, text, tip) in enumerate((
                ("show", "Show for the whole clip\u2026", "Show this face in every frame"),
                ("cover", "Cover for the whole clip", "Cover this face or name in every frame"),
                ("assign", "Who is this?\u2026", "Say who this is (for the whole track)"),
                ("not-a-face", "Not a face", "It is not a face (it stays covered)"),
                ("keep", "Leave readable\u2026",
                 "Leave this name (or the school's name or crest) readable or visible"),
                ("undo", "Undo my decisions", "The rules decide this track again"),
                ("go", "Go to it", "Move the playhead to where the track starts"))):
            b = QPushButton(text)
            b.setObjectName(f"track-{key}")
            b.setToolTip(tip)
            if key == "go":
                b.clicked.connect(lambda *_: self._go_to_selected())
            else:
                b.clicked.connect(lambda *_, k=key: self._act(k))
            tb.addWidget(b, n // 2, n % 2)
            self.track_buttons[key] = b
        self._track_grid = tb

        # the sound
        self.sound_label = QLabel("")
        self.sound_label.setWordWrap(True)
        self.sound_label.setTextFormat(Qt.TextFormat.RichText)
        self.sound_buttons: dict[str, QPushButton] = {}
        sb = QVBoxLayout()
        sb.setContentsMargins(0, 0, 0, 0)
        # listening comes before saying so: "Open in your video player" above "I listened"
        for key, text in (("mute", "Silence the sound"), ("remove", "Remove the sound"),
                          ("rule", "Let the channel's rule decide"),
                          ("open", "Open in your video player to listen"),
                          ("listened", "I listened to the whole video\u2026")):
            b = QPushButton(text)
            b.setObjectName(f"sound-{key}")
            if key == "listened":
                b.clicked.connect(lambda *_: self.listened_requested.emit())
            elif key == "open":
                b.clicked.connect(lambda *_: self.open_externally.emit())
            else:
                b.clicked.connect(lambda *_, k=key: self.sound_action.emit(k))
            sb.addWidget(b, 0, Qt.AlignmentFlag.AlignLeft)
            self.sound_buttons[key] = b

        self.decisions = QWidget()
        self.decisions.setObjectName("VideoDecisions")
        dl = QVBoxLayout(self.decisions)
        dl.setContentsMargins(0, 6, 0, 0)
        dl.addWidget(self.track_label)
        dl.addLayout(tb)
        dl.addSpacing(8)
        dl.addWidget(self.sound_label)
        dl.addLayout(sb)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.canvas, 3)
        lay.addLayout(scrub)
        lay.addLayout(transport)
        lay.addWidget(scroll, 2)
        lay.addWidget(self.decisions)
        self.show_video(None, {})

    # -- showing --------------------------------------------------------------------------------

    @property
    def position(self) -> float:
        a = self.analysis
        return a.time_of(self.slider.value()) - (a.frame_times[0] if a and a.frame_times else 0.0) \
            if a is not None else 0.0

    def frame(self) -> int:
        return self.slider.value()

    def show_video(self, a: VideoAnalysis | None, people_by_id: dict[str, Any], *,
                   title: str = "", can_review: bool = False, can_listen: bool = False,
                   channel_label: str = "", channel_rule: str = "") -> None:
        same = a is not None and self.analysis is not None and a.path == self.analysis.path
        self.analysis, self.people_by_id = a, people_by_id
        self.can_review = can_review
        if a is None or a.error:
            self.title.setText(title)
            self.canvas.size_px = (0, 0)
            self.canvas.set_frame(None, [])
            self.canvas.set_message(f"This video could not be checked: {a.error}" if a is not None
                                    else "Choose a video.")
            self.timeline.set_rows([], 1.0)
            self.groups = {}
            self.slider.setRange(0, 0)
            self.selected = None
            self._track_panel()
            self.sound_label.setText("")
            for b in self.sound_buttons.values():
                b.hide()
            return
        self.title.setText(title)
        self.canvas.size_px = (a.width, a.height)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, a.frame_count - 1))
        if not same:
            self.slider.setValue(0)
            self.selected = None
        self.slider.blockSignals(False)
        groups = track_groups(a)
        self.groups = {tid: g for g in groups for tid in g}
        rows = timeline_rows(a, people_by_id, groups)
        self.timeline.set_rows(rows, a.duration)
        shown = min(VISIBLE_ROWS, max(2, len(rows)))
        self.timeline_scroll.setMinimumHeight(RULER_H + ROW_H * shown + 8)
        # never taller than its rows: the room a short list leaves goes to the picture (two
        # rows sat above an empty strip of 150 px at 1366 x 768)
        self.timeline_scroll.setMaximumHeight(RULER_H + ROW_H * max(2, len(rows)) + 8)
        self._time_label()
        self._track_panel()
        self._sound(a, can_listen, channel_label, channel_rule)

    def _time_label(self) -> None:
        a = self.analysis
        self.time_label.setText(f"{clock(self.position)} / {clock(a.duration if a else 0)}")
        self.timeline.set_position(self.position)

    def _track_panel(self) -> None:
        a = self.analysis
        t = None
        if a is not None and self.selected is not None:
            try:
                t = a.track(self.selected)
            except KeyError:
                self.selected = None
        self.timeline.set_selected(self.selected)
        self.canvas.selected = self.selected
        # the other places after a chosen place's cue: one question, outlined with it
        self.canvas.together = set() if a is None or t is None else \
            set(cue_track_ids(a.tracks, t.id)[1:])
        self.canvas.update()
        if t is None:
            self.track_label.setText("Click a track (a row below, or an outline on the picture) "
                                     "to decide it for the whole clip.")
            for b in self.track_buttons.values():
                b.hide()
            return
        members = [a.track(tid) for tid in self.groups.get(t.id, [t.id])]
        # what the row offers and what is already so are the core's answer
        # (VideoReviewer.row_choices); without it nothing is offered but "Go to it"
        choices = self.row_choices(t.id) if self.row_choices is not None else None
        actions = set(choices.actions) if choices is not None else set()
        text = group_sentence(t, members, self.people_by_id, actions, analysis=a)
        if choices is not None and choices.settled:
            text += f"\n{choices.settled}"
        held = list(choices.held) if choices is not None else []
        if held:      # fail closed: Undo on a row never shows a face someone covered
            one = len(held) == 1
            faces = " and ".join(f"Face {tid + 1}" for tid in held)
            text += (f"\n{faces} {'was' if one else 'were'} decided on {'its' if one else 'their'}"
                     f" own and {'is' if one else 'are'} covered: Undo here leaves "
                     f"{'it' if one else 'them'} covered (the rules alone would show "
                     f"{'it' if one else 'them'}). To undo that, click "
                     f"{'its outline' if one else 'their outlines'} on the picture.")
        self.track_label.setText(text)
        # the buttons offered, two to a line with no gaps where one is not offered
        shown = [b for k, b in self.track_buttons.items() if k == "go" or k in actions]
        for b in self.track_buttons.values():
            self._track_grid.removeWidget(b)
        for n, b in enumerate(shown):
            self._track_grid.addWidget(b, n // 2, n % 2)
        for k, b in self.track_buttons.items():
            b.setVisible(b in shown)
            self._permit(b, k == "go" or self.can_review)

    def _sound(self, a: VideoAnalysis, can_listen: bool, channel_label: str, rule: str) -> None:
        from photovet.core.channels import AUDIO_RULE_LABELS  # noqa: PLC0415 - Qt-free words

        if not a.has_audio:
            off = any(f.label == SOUND_SWITCHED_OFF for f in (a.metadata.findings
                                                               if a.metadata else []))
            # an MP4/MOV whose sound track is switched off (reader.main_audio_stream): QuickTime
            # and VLC play no sound, players built on FFmpeg may (the ffmpeg tool decodes it),
            # so the approver is told why it is not published
            self.sound_label.setText(
                "<b>Sound:</b> its sound track is switched off in the file, so most video "
                "players play no sound; it is not published." if off else
                "<b>Sound:</b> this video has no sound.")
            for b in self.sound_buttons.values():
                b.hide()
            return
        word = {"keep": "kept", "mute": "silenced", "remove": "removed"}.get(a.sound, a.sound)
        rule_words = AUDIO_RULE_LABELS.get(rule, rule)
        # the reason says why (the core's words); "cannot check spoken names" once, not twice
        said = "" if "spoken names" in a.sound_reason else \
            " PhotoVet cannot check spoken names: listen to the whole video."
        text = (f"<b>Sound: {esc(word)}.</b> {esc(a.sound_reason)}.<br>{esc(channel_label)}'s "
                f"rule: {esc(rule_words.lower())}.{said}")
        if a.sound_needs_review:
            text = f"<span style='color:#7a5200'>{text}</span>"
        self.sound_label.setText(text)
        b = self.sound_buttons
        b["mute"].setVisible(a.sound == "keep")
        # removed only until an approver listens: the preparer may settle it by publishing the
        # video without sound (the core takes less sound as the answer); without this button a
        # preparer's video stayed "yours to decide" with nothing they could do
        settle = a.sound == "remove" and a.sound_needs_review
        b["remove"].setVisible(a.sound != "remove" or settle)
        b["remove"].setText("Publish it without sound" if settle else "Remove the sound")
        b["remove"].setProperty("photovet_tip", "Settles the question: with no sound there is "
                                "nothing to listen to" if settle else "")
        b["rule"].setVisible(a.sound_reason.endswith("by hand"))
        b["listened"].setVisible(rule == "listen" and a.sound == "remove"
                                 and not a.sound_reason.endswith("by hand"))
        b["listened"].setEnabled(can_listen)
        b["listened"].setToolTip("" if can_listen else "An approver confirms they listened")
        b["open"].setVisible(True)
        for k in ("mute", "remove", "rule"):
            self._permit(b[k], self.can_review)

    @staticmethod
    def _permit(button: QPushButton, ok: bool) -> None:
        """Enabled for who may decide; greyed out, its tooltip says who may (an approver saw
        the decisions greyed out and no word why)."""
        base = button.property("photovet_tip")
        if base is None:
            base = button.toolTip()
            button.setProperty("photovet_tip", base)
        button.setEnabled(ok)
        tip = "" if ok else permission_tip("review")
        button.setToolTip("\n".join(x for x in (base, tip) if x))

    def set_frame(self, image: QImage | None, outlines: list, *, published: bool) -> None:
        self.canvas.set_frame(image, outlines,
                              "What will be published (covers as the export paints them)"
                              if published else "")

    # -- the person's actions -----------------------------------------------------------------

    def select_track(self, track_id: int) -> None:
        self.selected = track_id
        self._track_panel()
        # its row is brought into view (an outline clicked on the picture: the timeline shows
        # eight rows and scrolls; the row chosen could be below them, s56)
        i = self.timeline.row_index(track_id)
        if i is not None:
            self.timeline_scroll.ensureVisible(self.timeline.label_w // 2,
                                               RULER_H + ROW_H * i + ROW_H // 2, 0,
                                               ROW_H // 2 + 2)
        self.track_selected.emit(track_id)

    def _go_to_selected(self) -> None:
        a = self.analysis
        if a is not None and self.selected is not None:
            self.set_frame_index(a.track(self.selected).first_frame)

    def _act(self, key: str) -> None:
        if self.selected is not None:
            self.track_action.emit(self.selected, key)

    def _slid(self, _value: int) -> None:
        self._time_label()
        self.seek_requested.emit(self.position)

    def set_frame_index(self, frame: int) -> None:
        self.slider.setValue(max(0, min(self.slider.maximum(), int(frame))))

    def seek(self, seconds: float) -> None:
        a = self.analysis
        if a is None or not a.frame_times:
            return
        self.set_frame_index(a.frame_at(a.frame_times[0] + seconds))

    def step(self, frames: int) -> None:
        self.set_frame_index(self.slider.value() + frames)

    def step_seconds(self, seconds: float) -> None:
        """Move the playhead ``seconds`` (a second on or back with Shift and an arrow)."""
        a = self.analysis
        if a is None or not a.frame_times:
            return
        self.set_frame_index(a.frame_at(a.time_of(self.slider.value()) + seconds))

    def _play_toggled(self, on: bool) -> None:
        self.play_btn.setText("Pause" if on else "Play")
        self.play_toggled.emit(on)


__all__ = ["Row", "TrackTimeline", "VideoCanvas", "VideoPlayer", "clock", "decision_word",
           "group_label", "group_sentence", "timeline_rows", "track_colour", "track_colours",
           "track_sentence", "open_sentence", "track_who", "video_summary"]
