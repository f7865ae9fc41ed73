"""Review: every human decision about a photo, stored in the register the moment it is made.

A photo's review is kept per content hash in two parts ("scopes"):

- ``*`` (every channel): decisions about what the photo *is* or that only ever cover more:
  who a face is, "not a face", covering a face or a text, areas covered by hand. Covering is
  never undone by switching channel (fail closed).
- one per channel: decisions that show more on that channel only: showing a face the rules
  cover (with the stated reason), leaving a name readable.

Each part has a version. An edit names the versions it was made against; if someone else
(another window, another PC sharing the register) changed the review meanwhile, the edit is
refused with who and when ("changed by Mrs Dufour at 10:42: reload the photo"), never silently
lost. Every edit is audited.

``apply_review`` puts a review onto a fresh analysis (after a restart, or on another PC): each
decision is matched to the face or text it was made about by position (a text's also by the
words it read: a line left readable that now reads otherwise is not left readable). A cover
whose face or text is no longer found is kept as an area covered by hand (fail closed); any other decision
that no longer fits is dropped and listed in ``analysis.review_notes``: so is a show, a name or a
"not a face" whose face is now found as a box reaching well beyond the one decided on
(``reaches_beyond``), and "leave it readable" whose line or place is found reaching well beyond
the one decided on; a cover covers whatever it matches. A decision made on a face or line again
replaces the stored decisions about it (``face_decision_about``, ``text_decision_about``): those
that match it, and those that match nothing and overlap mostly it alone (no longer fitting, not
used); never another face's or line's, nor a cover that matches nothing (it covers its own
area).

Policy (policy.py) decides what an override may do; ``Reviewer`` refuses, before storing, what
policy refuses (``ReviewRefused``), and policy checks every stored override again at every
decision.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from photovet.core import free_text
from photovet.core.errors import PhotoVetError
from photovet.core.geometry import box_iou, int_box
from photovet.core.models import Channel, Cover, Face, MatchStatus, PhotoAnalysis, TextItem
from photovet.core.policy import (
    REASON_NAMING_RETURNED,
    REFUSED,
    OverrideAsk,
    cue_places,
    face_override_ask,
    face_override_refusal,
    flag_accept_refusal,
    lookalikes_covered,
    near_people,
    recognised_as,
    rule_for_face,
    text_override_ask,
    text_override_refusal,
)
from photovet.core.storage import Database
from photovet.core.words import full_sentence

ALL = "*"
FACE_ACTIONS = ("cover", "show", "assign", "not-a-face")
TEXT_ACTIONS = ("cover", "keep")
MATCH_IOU = 0.5


class ReviewConflict(PhotoVetError):
    """Somebody else changed this photo's review since it was loaded."""


class ReviewRefused(PhotoVetError):
    """Policy does not allow this change (the message says why)."""


def _only_photos(analysis: Any) -> None:
    """A video's decisions are made per track (video_review.VideoReviewer), never through a
    photo's review: refused, so a photo action (a shortcut, a menu) cannot reach a video."""
    if getattr(analysis, "media", "photo") != "photo":
        raise ReviewRefused("a video is reviewed track by track, in the video player "
                            "(show, cover or assign a whole track there)")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass
class FaceDecision:
    box: tuple[int, int, int, int]
    action: str                     # FACE_ACTIONS
    person: str | None = None       # for "assign"
    reason: str = ""                # why it may be shown
    by: str = ""
    at: str = ""


@dataclass
class TextDecision:
    polygon: list[tuple[float, float]]
    text: str
    action: str                     # TEXT_ACTIONS
    reason: str = ""
    by: str = ""
    at: str = ""


@dataclass
class FlagDecision:
    """A person accepted a photo-level flag (issue 18: a group-shot or device flag)."""

    kind: str
    reason: str
    by: str = ""
    at: str = ""


#: where an accepted flag is kept: a group shot is judged for one channel's rule; the device
#: that took the photo is the same on every channel
FLAG_SCOPES = {"group-shot": "channel", "device": ALL}


@dataclass
class HandCover:
    cover: Cover
    by: str = ""
    at: str = ""


@dataclass
class Review:
    """One scope of one photo's review (``channel`` is ``ALL`` or a channel id)."""

    sha256: str
    channel: str = ALL
    faces: list[FaceDecision] = field(default_factory=list)
    texts: list[TextDecision] = field(default_factory=list)
    covers: list[HandCover] = field(default_factory=list)
    version: int = 0
    updated_by: str = ""
    updated_at: str = ""
    flags: list[FlagDecision] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.faces or self.texts or self.covers or self.flags)

    def content(self) -> dict[str, Any]:
        """The decisions only (no versions or times), JSON-ready."""
        out = {
            "faces": [asdict(f) | {"box": list(f.box)} for f in self.faces],
            "texts": [asdict(t) | {"polygon": [list(p) for p in t.polygon]} for t in self.texts],
            "covers": [{"cover": c.cover.to_dict(), "by": c.by, "at": c.at} for c in self.covers],
        }
        if self.flags:   # (absent when none: reviews made before flags keep their hash)
            out["flags"] = [asdict(f) for f in self.flags]
        return out

    @classmethod
    def from_content(cls, sha256: str, channel: str, data: dict[str, Any], version: int,
                     updated_by: str, updated_at: str) -> Review:
        return cls(
            sha256, channel,
            faces=[FaceDecision(tuple(d["box"]), d["action"], d.get("person"), d.get("reason", ""),
                                d.get("by", ""), d.get("at", "")) for d in data.get("faces", [])],
            texts=[TextDecision([tuple(p) for p in d["polygon"]], d.get("text", ""), d["action"],
                                d.get("reason", ""), d.get("by", ""), d.get("at", ""))
                   for d in data.get("texts", [])],
            covers=[HandCover(Cover.from_dict(d["cover"]), d.get("by", ""), d.get("at", ""))
                    for d in data.get("covers", [])],
            version=version, updated_by=updated_by, updated_at=updated_at,
            flags=[FlagDecision(d["kind"], d.get("reason", ""), d.get("by", ""), d.get("at", ""))
                   for d in data.get("flags", [])])


def decision_scope(kind: str, action: str) -> str:
    """Where a decision is stored: decisions that only cover, or say what something is, apply
    on every channel; decisions that show more apply to one channel."""
    if kind == "face" and action == "show":
        return "channel"
    if kind == "text" and action == "keep":
        return "channel"
    return ALL


def review_hash(parts: Sequence[Review]) -> str:
    blob = json.dumps([[r.channel, r.content()] for r in parts], sort_keys=True, default=list)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def accepted_flags(parts: Sequence[Review]) -> dict[str, str]:
    """Flag kind -> the reason a person gave when accepting it (both scopes)."""
    out: dict[str, str] = {}
    for r in parts:
        for f in r.flags:
            out[f.kind] = f.reason
    return out


def versions(parts: Sequence[Review]) -> str:
    return ":".join(str(r.version) for r in parts)


# --------------------------------------------------------------------------------------------
# Matching decisions to what analysis found
# --------------------------------------------------------------------------------------------

def _poly_box(poly: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def match_face(faces: Sequence[Face], box: Sequence[float]) -> int | None:
    best, best_iou = None, MATCH_IOU
    for i, f in enumerate(faces):
        v = box_iou(f.box, box)
        if v >= best_iou:
            best, best_iou = i, v
    return best


#: how far a face's box found again may reach beyond the box a decision other than a cover was
#: made on, and still take it, across and down each (both sides together): a share of the
#: decided box's width or height (a face found again 1.2 times as big and moved by a tenth of
#: its size reaches 0.22), at least a few pixels (a stored box is whole pixels, cut down)
REACH_SHARE = 0.3
REACH_PIXELS = 3.0


def reaches_beyond(decided: Sequence[float], found: Sequence[float]) -> bool:
    """Does box ``found`` (x, y, w, h) reach well beyond box ``decided`` (``REACH_*``)? A
    face checked again may come out as a bigger box than the one decided on (two faces found
    as one, the face with more around it): a show, a name or a "not a face" taken to it would
    uncover what nobody decided on; so would a line or a place left readable
    (``apply_review``). Pure; ``video_review.reaches_beyond`` is a track's, in frames."""
    dx, dy, dw, dh = (float(v) for v in decided)
    fx, fy, fw, fh = (float(v) for v in found)
    across = max(0.0, dx - fx) + max(0.0, fx + fw - (dx + dw))
    down = max(0.0, dy - fy) + max(0.0, fy + fh - (dy + dh))
    return across > max(REACH_PIXELS, REACH_SHARE * dw) or \
        down > max(REACH_PIXELS, REACH_SHARE * dh)


def _overlap_share(a: Sequence[float], b: Sequence[float]) -> float:
    """How much of the smaller of boxes ``a`` and ``b`` (x, y, w, h) lies in the other, 0-1."""
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3])
    return iw * ih / smaller if smaller > 0 else 0.0


def _unfit_about(boxes: Sequence[Sequence[float]], box: Sequence[float]) -> int | None:
    """The one box of ``boxes`` a decision at ``box`` that matched none of them (not used) is
    about: the only one that holds most of it or lies mostly within it; None when none or
    more than one does (it stays, its note with it)."""
    near = [i for i, b in enumerate(boxes) if _overlap_share(b, box) >= MATCH_IOU]
    return near[0] if len(near) == 1 else None


def face_decision_about(faces: Sequence[Face], d: FaceDecision) -> int | None:
    """The face of ``faces`` stored decision ``d`` is about: the one a decision made on that
    face again replaces (``Reviewer._face_change``) and undoing it forgets (``undo_face``).
    The face it matches (``match_face``: ``apply_review`` applies it there, or does not
    because that face reaches well beyond it, ``reaches_beyond``), never another; a
    decision that matches no face (not used, noted) is about the one face its box overlaps
    mostly (``_unfit_about``), except a cover: it still covers its own area, which may be
    more than any face found now, and stays (fail closed)."""
    i = match_face(faces, d.box)
    if i is not None or d.action == "cover":
        return i
    return _unfit_about([f.box for f in faces], d.box)


def text_decision_about(texts: Sequence[TextItem], d: TextDecision) -> int | None:
    """The line or place of ``texts`` stored decision ``d`` is about, as
    ``face_decision_about``: the one it matches (``match_text``), else, for a "leave it
    readable" that matches none (not used, noted), the one line its box overlaps mostly; a
    cover that matches none still covers its own area and stays."""
    i = match_text(texts, d.polygon, d.text)
    if i is not None or d.action == "cover":
        return i
    return _unfit_about([_poly_box(t.polygon) for t in texts], _poly_box(d.polygon))


def match_text(texts: Sequence[TextItem], polygon: Sequence[Sequence[float]],
               text: str = "") -> int | None:
    """The line a decision made about the line at ``polygon`` that read ``text`` applies to:
    of the lines whose box overlaps it by ``MATCH_IOU`` or more, one that reads the same words
    first, then the one overlapping it most. Two lines with the same box (one read again with
    other words) each keep their own decision (s42: by the box alone, a decision on one went to
    the other). ``text`` empty (a decision stored without its words): by the box alone.
    Whether a decision to leave a line readable applies to a line with other words is
    ``apply_review``'s to say (it does not)."""
    box = _poly_box(polygon)
    best, best_key = None, (False, MATCH_IOU)
    for i, t in enumerate(texts):
        key = (bool(text) and t.text == text, box_iou(_poly_box(t.polygon), box))
        if key[1] >= MATCH_IOU and key >= best_key:
            best, best_key = i, key
    return best


def keep_applies_to(answer: Any, item: Any) -> bool:
    """Does a "leave it readable" answer (a photo's ``TextDecision``, a video's text
    ``TrackDecision``) apply to the line or text track it matched by place? Only where that
    reads the words the person saw, none for none: read otherwise now (read again, another
    line where it was, a name found where nothing was read), it is asked again (s58 audit:
    an answer without words matched a line with words by its box alone and published it).
    The one rule for ``apply_review``, ``Reviewer.kept_readable_elsewhere`` and
    ``video_review.apply_video_review``."""
    return answer.text == item.text


def apply_review(analysis: PhotoAnalysis, parts: Sequence[Review], *, grow: float = 1.4
                 ) -> PhotoAnalysis:
    """Set the overrides of ``analysis`` from its review (both scopes), in place."""
    from photovet.core.media.cover import face_cover, grow_polygon  # noqa: PLC0415 (numpy, PIL)

    for f in analysis.faces:
        f.override = f.override_person = None
        f.override_reason = f.refused = f.assigned_by = f.assign_reason = ""
    for t in analysis.texts:
        t.override = None
        t.override_reason = t.refused = ""
    analysis.manual = []
    analysis.review_notes = []
    size = (analysis.width, analysis.height)
    # identity first ("who is this", "not a face"), then covers, then shows: cover beats show
    order = {"assign": 0, "not-a-face": 0, "cover": 1, "show": 2}
    face_decisions = sorted(((d, r.channel) for r in parts for d in r.faces),
                            key=lambda x: order.get(x[0].action, 3))
    for d, _scope in face_decisions:
        i = match_face(analysis.faces, d.box)
        if i is not None and d.action != "cover" and reaches_beyond(d.box, analysis.faces[i].box):
            # the face found there now reaches well beyond the one decided on (s65: two faces
            # found as one box, IoU 0.5, and the visitor's "show" showed the pupil beside
            # them): asked again, covered meanwhile by the rules; a cover covers all of it
            i = None
        if i is None:
            if d.action == "cover":
                analysis.manual.append(face_cover(d.box, size, grow=grow))
                analysis.review_notes.append(
                    "A face covered by hand is no longer found where it was; the area stays covered.")
            else:
                analysis.review_notes.append(
                    f"A decision about a face ({d.action}) no longer fits this photo and was not used.")
            continue
        f = analysis.faces[i]
        if d.action == "assign":
            f.override_person = d.person
            f.assigned_by, f.assign_reason = d.by, d.reason
        elif d.action == "not-a-face":
            if f.override != "cover":
                # the reason goes with it: the policy asks one of a sure detection
                f.override, f.override_reason = "not-a-face", d.reason
        elif d.action == "cover":
            f.override = "cover"
            if d.reason == REASON_NAMING_RETURNED:     # an approver said its name was wrong
                f.override_reason = d.reason
        elif d.action == "show" and f.override not in ("cover",):
            f.override, f.override_reason = "show", d.reason
    text_decisions = sorted(((d, r.channel) for r in parts for d in r.texts),
                            key=lambda x: 0 if x[0].action == "cover" else 1)
    for td, _scope in text_decisions:
        i = match_text(analysis.texts, td.polygon, td.text)
        if i is not None and td.action == "keep" and not keep_applies_to(td, analysis.texts[i]):
            # this line reads otherwise than the answer saw (an answer stored before words
            # were kept, s42, included): asked again
            i = None
        bigger = i is not None and td.action == "keep" and reaches_beyond(
            _poly_box(td.polygon), _poly_box(analysis.texts[i].polygon))
        if bigger:
            # the line or place found there now reaches well beyond the one left readable
            # (s65: a place after "my name is" where nothing was read, found twice as tall,
            # left readable where a name may be written that nobody saw): asked again
            i = None
        if i is None:
            if td.action == "cover":
                analysis.manual.append(Cover("polygon", None, grow_polygon(td.polygon), "manual",
                                             "text covered by hand"))
                analysis.review_notes.append(
                    f"Text covered by hand (\u201c{td.text}\u201d) is no longer found; "
                    "the area stays covered.")
            elif td.text:
                analysis.review_notes.append(
                    f"A decision to leave \u201c{td.text}\u201d readable no longer fits and was not used.")
            elif bigger:
                analysis.review_notes.append(
                    "A decision to leave readable a place where no words were read no longer "
                    "fits (the place found there now is bigger) and was not used.")
            else:
                analysis.review_notes.append(
                    "A decision to leave readable a place where no words were read no longer "
                    "fits (words are read there now, or it is gone) and was not used.")
            continue
        t = analysis.texts[i]
        if td.action == "cover":
            t.override = "cover"
        elif t.override != "cover":
            t.override, t.override_reason = "keep", td.reason
    for r in parts:
        analysis.manual.extend(c.cover for c in r.covers)
    analysis.review_version = versions(parts)
    return analysis


def named_by_hand(analysis: PhotoAnalysis) -> list[int]:
    """The faces of a photo a person said by hand who they are (``face.override_person``:
    named, or PhotoVet's uncertain match confirmed), by index: what an approver may say is
    wrong when rejecting it (``naming_returned``)."""
    return [i for i, f in enumerate(analysis.faces)
            if f.override_person and f.override != "not-a-face"]


def naming_returned(analysis: PhotoAnalysis, faces: Sequence[int], by: str
                    ) -> Callable[[Review, Review], dict[str, Any]]:
    """What an approver's "this face's name given by hand is wrong" does to the photo's review
    (for ``ReviewStore.edit``, s36): each face's decisions are taken off and the face covered,
    a cover kept with ``REASON_NAMING_RETURNED`` (the face waits for a person to say again who
    it is: ``policy.decide_face``); returns the audit details (ids only). Refused
    (``PhotoVetError``) for a face that is not named by hand (``named_by_hand``)."""
    _only_photos(analysis)
    named = set(named_by_hand(analysis))
    for i in faces:
        if i not in named:
            raise PhotoVetError(f"face {i + 1} of this photo was not named by hand")
    picked = sorted(set(faces))
    boxes = [int_box(analysis.faces[i].box) for i in picked]

    def change(every: Review, one: Review) -> dict[str, Any]:
        for part in (every, one):       # the decisions ``apply_review`` applies to those faces,
            # never another face's that overlaps one (s41: a "cover" by hand went with it)
            part.faces = [d for d in part.faces if match_face(analysis.faces, d.box) not in picked]
        every.faces += [FaceDecision(b, "cover", None, REASON_NAMING_RETURNED, by, _now())
                        for b in boxes]
        return {"faces": [i + 1 for i in picked],
                "named": [analysis.faces[i].override_person for i in picked],
                "recognised": [recognised_as(analysis.faces[i]) for i in picked]}

    return change


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------

class ReviewStore:
    """Reviews in the register database (table ``reviews``), with optimistic versions."""

    def __init__(self, db: Database, audit: Any = None):
        if audit is None:
            from photovet.core.audit import AuditLog  # noqa: PLC0415

            audit = AuditLog(db)
        self.db = db
        self.audit = audit

    def load(self, sha256: str, scope: str) -> Review:
        row = self.db.one("SELECT doc, version, actor, updated_at FROM reviews "
                          "WHERE sha256 = ? AND channel = ?", [sha256, scope])
        return self._review(sha256, scope, row)

    @staticmethod
    def _review(sha256: str, scope: str, row: Any) -> Review:
        if row is None:
            return Review(sha256, scope)
        return Review.from_content(sha256, scope, json.loads(row[0]), int(row[1]), row[2] or "",
                                   row[3] or "")

    def parts(self, sha256: str, channel: str) -> list[Review]:
        """Both scopes of a photo's review for ``channel`` (every-channel part first), read in
        one query (s36: two per photo at each refresh of the photo list, a round trip each on
        a school's server)."""
        rows = {r[0]: r[1:] for r in self.db.all(
            "SELECT channel, doc, version, actor, updated_at FROM reviews "
            "WHERE sha256 = ? AND channel IN (?, ?)", [sha256, ALL, channel])}
        return [self._review(sha256, ALL, rows.get(ALL)),
                self._review(sha256, channel, rows.get(channel))]

    def _save(self, review: Review, *, user: str, expected: int | None) -> Review:
        now = _now()
        cur = self.db.one("SELECT version, actor, updated_at FROM reviews WHERE sha256 = ? AND "
                          "channel = ?", [review.sha256, review.channel])
        current = int(cur[0]) if cur else 0
        if expected is not None and current != expected:
            raise ReviewConflict(
                f"this photo's review was changed by {cur[1] or 'someone'} at "
                f"{local_time(cur[2])} since you opened it; reload the photo and decide again",
                hint="Nothing you did was lost: your change was not made.")
        doc = json.dumps(review.content(), sort_keys=True)
        if cur is None:
            self.db.execute("INSERT INTO reviews (sha256, channel, version, doc, actor, updated_at)"
                            " VALUES (?, ?, 1, ?, ?, ?)", [review.sha256, review.channel, doc, user, now])
        else:
            n = self.db.execute("UPDATE reviews SET version = version + 1, doc = ?, actor = ?, "
                                "updated_at = ? WHERE sha256 = ? AND channel = ? AND version = ?",
                                [doc, user, now, review.sha256, review.channel, current]).rowcount
            if n != 1:
                raise ReviewConflict("this photo's review was changed at the same moment by "
                                     "someone else; reload the photo and decide again")
        review.version, review.updated_by, review.updated_at = current + 1, user, now
        return review

    def edit(self, sha256: str, channel: str, change: Callable[[Review, Review], dict[str, Any]],
             *, expected: str | None = None, action: str,
             permission: str = "review") -> list[Review]:
        """Load both scopes, let ``change(all_part, channel_part)`` modify them and return the
        audit details, store what changed (version-checked), audit. Returns the new parts.
        Made by the signed-in preparer (or whoever holds ``permission``: accepting a photo's
        flag is also an approver's)."""
        user = self.audit.access.require(permission).name
        with self.db.atomic():
            self.db.lock("review")
            parts = self.parts(sha256, channel)
            before = [json.dumps(p.content(), sort_keys=True) for p in parts]
            exp = [int(v) for v in expected.split(":")] if expected else [None, None]
            for part, want in zip(parts, exp):
                if want is not None and part.version != want:
                    self._conflict(part)
            details = change(parts[0], parts[1])
            for part, old in zip(parts, before):
                if json.dumps(part.content(), sort_keys=True) != old:
                    self._save(part, user=user, expected=part.version)
            self.audit.record(action, dict(details, sha256=sha256, channel=channel))
        return parts

    def _conflict(self, part: Review) -> None:
        raise ReviewConflict(
            f"this photo's review was changed by {part.updated_by or 'someone'} at "
            f"{local_time(part.updated_at)} since you opened it; reload the photo and decide again",
            hint="Your change was not made.")

    def reviewed_photos(self) -> list[str]:
        return [r[0] for r in self.db.all("SELECT DISTINCT sha256 FROM reviews")]


def local_time(iso: str | None) -> str:
    """A stored time as a person reads it: "14:02 on 29/11/2026" (this PC's time zone); "an
    unknown time" when there is none, the stored text when it cannot be read."""
    if not iso:
        return "an unknown time"
    try:
        return _dt.datetime.fromisoformat(iso).astimezone().strftime("%H:%M on %d/%m/%Y")
    except ValueError:
        return iso


# --------------------------------------------------------------------------------------------
# Making decisions (what the app and the command line call)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Choices:
    """What a person can do about one face or text of a photo that would change something
    (``actions``: of ``FACE_ACTIONS`` and ``TEXT_ACTIONS``, and "undo"), and what is already so,
    in plain words (``settled``: '' when there is nothing to say)."""

    actions: tuple[str, ...] = ()
    settled: str = ""


#: the reason a dry run (``face_scopes``, ``text_scopes``, the choices offered) judges with:
#: it is asked before the person types theirs, so only a refusal no reason lifts counts
_A_REASON = "a reason"


class Reviewer:
    """Records a person's decisions about a photo, refusing what policy refuses.

    ``person_of(id)`` gives the register row (or None); the analysis passed in must be the
    decided analysis the person was looking at (its ``review_version`` is the version checked).
    """

    def __init__(self, store: ReviewStore, person_of: Callable[[str], Any], *,
                 today: Callable[[], _dt.date] = _dt.date.today):
        self.store = store
        self.person_of = person_of
        self.today = today

    def _who(self) -> str:
        """The signed-in preparer (refused at once for anyone else)."""
        return self.store.audit.access.require("review").name

    def _no_pupil_named(self, reason: str) -> None:
        """A reason is kept in the review and the audit log: refused when it names a pupil
        (free_text)."""
        why = free_text.check(self.store.db, reason)
        if why:
            raise ReviewRefused(why)

    def _face(self, analysis: PhotoAnalysis, index: int) -> Face:
        if not 0 <= index < len(analysis.faces):
            raise PhotoVetError(f"this photo has no face {index + 1}")
        return analysis.faces[index]

    def _rows(self, face: Face, action: str, person: str | None) -> tuple[Any, Any]:
        """The register rows a change to ``face`` is judged with: whom it is taken to be (for
        "assign", ``person``, the one chosen) and whom PhotoVet itself recognised."""
        pid = person if action == "assign" else (face.override_person or face.person)
        machine = recognised_as(face)
        return (self.person_of(pid) if pid else None,
                self.person_of(machine) if machine else None)

    def face_ask(self, analysis: PhotoAnalysis, index: int, action: str, channel: Channel, *,
                 person: str | None = None, mode: str | None = None) -> OverrideAsk:
        """Before ``face`` is called: may ``action`` be made on face ``index`` (allowed, needs
        a reason and what to show, or refused and why)? Judged as ``face`` judges it, with
        the same register rows (``mode``: the analysis's when not given)."""
        _only_photos(analysis)
        if action not in FACE_ACTIONS:
            return OverrideAsk(REFUSED, f"unknown decision '{action}' for a face")
        f = self._face(analysis, index)
        row, recognised = self._rows(f, action, person)
        return face_override_ask(action, f, row, channel, analysis.media,
                                 mode or analysis.mode, self.today(), recognised=recognised,
                                 near=near_people(f, self.person_of))

    def _face_refusal(self, analysis: PhotoAnalysis, index: int, action: str,
                      channel: Channel, *, person: str | None, reason: str, mode: str
                      ) -> str | None:
        """Why ``face`` refuses ``action`` on face ``index`` (None: it would be made), the one
        judgement ``face`` and ``face_scopes`` share."""
        if action not in FACE_ACTIONS:
            return f"unknown decision '{action}' for a face"
        face = self._face(analysis, index)
        row, recognised = self._rows(face, action, person)
        if action == "assign" and row is None:
            return f"no one with id '{person}' in the register"
        return face_override_refusal(action, face, row, channel, analysis.media, mode,
                                     self.today(), reason, recognised=recognised,
                                     near=near_people(face, self.person_of))

    def face(self, analysis: PhotoAnalysis, index: int, action: str, channel: Channel, *,
             person: str | None = None, reason: str = "", mode: str | None = None
             ) -> list[Review]:
        """Record ``action`` ("cover", "show", "assign", "not-a-face") for face ``index``,
        judged with ``mode`` (the analysis's when not given, as ``face_ask`` and
        ``face_scopes``: never a looser one by default)."""
        _only_photos(analysis)
        user = self._who()
        mode = mode or analysis.mode
        refusal = self._face_refusal(analysis, index, action, channel, person=person,
                                     reason=reason, mode=mode)
        if refusal:
            raise ReviewRefused(refusal)
        self._no_pupil_named(reason)
        change = self._face_change(analysis, index, action, channel, person=person,
                                   reason=reason, mode=mode, user=user)
        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action=f"review.face-{action}")

    def _face_change(self, analysis: PhotoAnalysis, index: int, action: str, channel: Channel,
                     *, person: str | None, reason: str, mode: str, user: str
                     ) -> Callable[[Review, Review], dict[str, Any]]:
        """What ``face`` does to a photo's review parts (every channel's, this channel's), for
        ``ReviewStore.edit``; returns the audit details."""
        face = self._face(analysis, index)
        row, _recognised = self._rows(face, action, person)
        machine = recognised_as(face)
        box = int_box(face.box)
        twins = [pid for pid, _row in lookalikes_covered(
            face, person, near_people(face, self.person_of), channel, analysis.media, mode,
            self.today())] if action == "assign" else []

        # "show" where the rules already show it (only a hand cover was in the way): forget
        # the cover, store nothing more
        rules_show = action == "show" and rule_for_face(
            face, row, channel, analysis.media, mode, self.today()).action == "show"

        def ours(d: FaceDecision) -> bool:
            # a decision this face's replaces: one ``apply_review`` applies to this face, not
            # one that overlaps it and is another face's (s41: "covered" on one of two
            # overlapping boxes took away the other's decision, and so on for ever); nor one
            # that no longer fits it, matching none, noted (s65: the note stayed for ever
            # beside the new decision): ``face_decision_about``
            return face_decision_about(analysis.faces, d) == index

        def change(every: Review, one: Review) -> dict[str, Any]:
            identity = action in ("assign", "not-a-face")
            unfit: list[dict[str, Any]] = []
            for part in (every, one):
                kept = [d for d in part.faces if not ours(d) or (
                    not identity and d.action in ("assign", "not-a-face"))]
                unfit += [{"box": list(d.box), "decision": d.action, "person": d.person}
                          for d in part.faces if d not in kept
                          and match_face(analysis.faces, d.box) is None]
                part.faces = kept
            target = every if decision_scope("face", action) == ALL else one
            if not rules_show:
                target.faces.append(FaceDecision(box, action, person if action == "assign" else None,
                                                 reason.strip(), user, _now()))
            details = {"face": index, "box": list(box), "decision": action,
                       "person": person if action == "assign" else None,
                       "reason": reason.strip()}
            if action == "assign" and machine and machine != person:
                # whom PhotoVet recognised (an id), so the audit says what was overridden
                details["recognised"] = machine
                details["match"] = face.match_status
            if action == "assign" and twins:
                # who else it could be, and may not be shown here (ids)
                details["could_also_be"] = twins
            if unfit:
                # the decisions it replaces that no longer fitted this face (not used)
                details["replaces_unfit"] = unfit
            return details

        return change

    def face_scopes(self, analysis: PhotoAnalysis, index: int, action: str, channel: Channel,
                    *, person: str | None = None, mode: str | None = None) -> list[str]:
        """Before ``face`` is called: the parts of the photo's review the change would alter
        (``ALL``: every channel's; a channel id: that channel's), nothing stored. Every
        approval that signed an altered part no longer counts once the change is made
        (``Approvals.voided_by_review``). A decision ``face`` would refuse, whatever the
        reason typed (it is asked before the reason), alters nothing: [] (an unknown decision,
        a face the photo does not have, someone not in the register, a face policy will not let
        be shown or named; as ``text_scopes``). ``mode``: the analysis's when not given, as
        ``face``."""
        _only_photos(analysis)
        mode = mode or analysis.mode
        if not 0 <= index < len(analysis.faces) or self._face_refusal(
                analysis, index, action, channel, person=person, reason=_A_REASON, mode=mode):
            return []
        return self._scopes(analysis, channel, self._face_change(
            analysis, index, action, channel, person=person, reason="", mode=mode, user=""))

    def face_choices(self, analysis: PhotoAnalysis, index: int, channel: Channel) -> Choices:
        """What face ``index`` of the decided ``analysis`` offers: only the decisions that would
        change something, and what is already so. "cover": it is shown, still to decide, or a
        person's "show" / "not a face" is on it (a face the rules or a person already cover,
        with nothing open, is not offered it); "show" and "not-a-face": where policy would
        allow them with a reason (where no reason could, ``settled`` says why it cannot be
        shown); "assign": always; "undo": when a person decided something about it; "yes" and
        "no" (is it the uncertain match's nearest person?) while nobody has said who it is, "no"
        only until it is answered (audit, second term, finding 13: "No, it is not Hope" was
        still offered after it was chosen)."""
        f = self._face(analysis, index)
        row, recognised = self._rows(f, "show", None)
        today = self.today()

        def refused(action: str) -> str | None:
            return face_override_refusal(action, f, row, channel, analysis.media, analysis.mode,
                                         today, _A_REASON, recognised=recognised,
                                         near=near_people(f, self.person_of))

        words: list[str] = []
        cover = f.decision != "cover" or f.needs_review or f.override not in (None, "cover")
        show = f.decision != "show"
        if show and (why := refused("show")):
            show = False
            words.append(f"It cannot be shown: {full_sentence(why)}")
        if not cover:
            words.insert(0, "Covered by hand." if f.override == "cover" else
                         "Covered by the rules.")
        asked = (f.match_status == MatchStatus.UNCERTAIN.value and f.who is None
                 and f.override != "not-a-face" and f.person is not None
                 and self.person_of(f.person) is not None)
        offered = {"yes": asked, "no": asked and f.override != "cover",
                   "cover": cover, "show": show, "assign": True,
                   "not-a-face": f.override != "not-a-face" and not refused("not-a-face"),
                   "undo": bool(f.override or f.override_person)}
        return Choices(tuple(a for a, ok in offered.items() if ok), " ".join(words))

    def text_choices(self, analysis: PhotoAnalysis, index: int, channel: Channel) -> Choices:
        """What text ``index`` offers, as ``face_choices``: "cover" where it is readable,
        still to decide, or a person left it readable; "keep" where it is covered or still to
        decide and policy would allow it with a reason (where no reason could, ``settled`` says
        why)."""
        if not 0 <= index < len(analysis.texts):
            raise PhotoVetError(f"this photo has no text {index + 1}")
        t = analysis.texts[index]
        row = self.person_of(t.person) if t.person else None
        words: list[str] = []
        cover = t.decision != "cover" or t.needs_review or t.override not in (None, "cover")
        # a line left readable that still waits for a person can be confirmed readable: that
        # closes it (decide_text: a person confirming what the rules do leaves nothing open)
        keep = t.decision != "keep" or t.needs_review
        if keep and (why := text_override_refusal(
                "keep", t, row, _A_REASON, channel=channel, media=analysis.media,
                mode=analysis.mode, on=self.today())):
            keep = False
            words.append(f"It cannot be left readable: {full_sentence(why)}")
        if not cover:
            words.insert(0, "Covered by hand." if t.override == "cover" else
                         "Covered by the rules.")
        offered = {"cover": cover, "keep": keep}
        return Choices(tuple(a for a, ok in offered.items() if ok), " ".join(words))

    def undo_face(self, analysis: PhotoAnalysis, index: int, channel: Channel) -> list[Review]:
        """Forget every decision about face ``index``: the rules decide it again."""
        _only_photos(analysis)
        box = int_box(self._face(analysis, index).box)

        def change(every: Review, one: Review) -> dict[str, Any]:
            for part in (every, one):     # (another face's decision overlapping it is kept)
                part.faces = [d for d in part.faces
                              if face_decision_about(analysis.faces, d) != index]
            return {"face": index, "box": list(box)}

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None, action="review.face-undo")

    def text_ask(self, analysis: PhotoAnalysis, index: int, action: str, channel: Channel
                 ) -> OverrideAsk:
        """Before ``text`` is called: may ``action`` be made on text ``index`` (allowed, needs a
        reason and what to show, or refused and why)? Judged as ``text`` judges it."""
        _only_photos(analysis)
        if action not in TEXT_ACTIONS:
            return OverrideAsk(REFUSED, f"unknown decision '{action}' for a text")
        if not 0 <= index < len(analysis.texts):
            raise PhotoVetError(f"this photo has no text {index + 1}")
        item = analysis.texts[index]
        row = self.person_of(item.person) if item.person else None
        return text_override_ask(action, item, row, channel=channel, media=analysis.media,
                                 mode=analysis.mode, on=self.today())

    def text(self, analysis: PhotoAnalysis, index: int, action: str, channel: Channel, *,
             reason: str = "") -> list[Review]:
        _only_photos(analysis)
        user = self._who()
        if action not in TEXT_ACTIONS:
            raise ReviewRefused(f"unknown decision '{action}' for a text")
        if not 0 <= index < len(analysis.texts):
            raise PhotoVetError(f"this photo has no text {index + 1}")
        item = analysis.texts[index]
        row = self.person_of(item.person) if item.person else None
        refusal = text_override_refusal(action, item, row, reason, channel=channel,
                                        media=analysis.media, mode=analysis.mode,
                                        on=self.today())
        if refusal:
            raise ReviewRefused(refusal)
        self._no_pupil_named(reason)
        return self.store.edit(analysis.sha256, channel.id,
                               self._text_change(analysis.texts, index, action, reason, user),
                               expected=analysis.review_version or None,
                               action=f"review.text-{action}")

    @staticmethod
    def _text_change(texts: Sequence[TextItem], index: int, action: str, reason: str, user: str
                     ) -> Callable[[Review, Review], dict[str, Any]]:
        """What ``text`` does to a photo's review parts, for ``ReviewStore.edit``: the
        decisions it replaces are those ``apply_review`` applies to this line (``match_text``),
        never another line's that overlaps it (s41: img23's 'NNNN' and 'NN' on one chest, IoU
        0.73: "Keep it covered" on either took away the other's, and one stayed open for ever).
        The places after one cue where nothing was read are decided together
        (``policy.cue_places``: one question asked for them all)."""
        item = texts[index]
        places = cue_places(texts, index)

        def change(every: Review, one: Review) -> dict[str, Any]:
            for part in (every, one):     # (``text_decision_about``: s41, s65 as faces)
                part.texts = [d for d in part.texts
                              if text_decision_about(texts, d) not in places]
            target = every if decision_scope("text", action) == ALL else one
            for i in places:
                poly = [(float(x), float(y)) for x, y in texts[i].polygon]
                target.texts.append(TextDecision(poly, texts[i].text, action, reason.strip(),
                                                 user, _now()))
            return {"text": index, "decision": action, "person": item.person,
                    "reason": reason.strip()} | ({"with": places[1:]} if places[1:] else {})

        return change

    def text_scopes(self, analysis: PhotoAnalysis, index: int, action: str, channel: Channel
                    ) -> list[str]:
        """Before ``text`` is called: the parts of the photo's review the change would alter
        (as ``face_scopes``), nothing stored; [] for a decision ``text`` would refuse
        whatever the reason typed."""
        _only_photos(analysis)
        if action not in TEXT_ACTIONS or not 0 <= index < len(analysis.texts):
            return []
        item = analysis.texts[index]
        row = self.person_of(item.person) if item.person else None
        if text_override_refusal(action, item, row, _A_REASON, channel=channel,
                                 media=analysis.media, mode=analysis.mode, on=self.today()):
            return []
        return self._scopes(analysis, channel, self._text_change(
            analysis.texts, index, action, "", ""))

    def _scopes(self, analysis: PhotoAnalysis, channel: Channel,
                change: Callable[[Review, Review], dict[str, Any]]) -> list[str]:
        parts = copy.deepcopy(self.store.parts(analysis.sha256, channel.id))
        before = [json.dumps(p.content(), sort_keys=True) for p in parts]
        change(parts[0], parts[1])
        return [p.channel for p, old in zip(parts, before)
                if json.dumps(p.content(), sort_keys=True) != old]

    def kept_readable_elsewhere(self, analysis: PhotoAnalysis, indices: Sequence[int],
                                channel: Channel) -> dict[int, list[str]]:
        """Of the lines ``indices``, those a person left readable for another channel than
        ``channel`` (line -> those channels' ids): covering a line is a decision for every
        channel and beats leaving it readable (``apply_review``), so "Keep it covered" here
        covers it there too; the app says so before it is made (s43/s44 walk: a line left
        readable, with a reason, for the School website was covered there by "Keep it
        covered" on Facebook, and nobody was told). A place after a cue counts with the places
        decided with it (``policy.cue_places``: covering one covers them all; s58 audit: the
        other place, left readable for the website, was covered there unsaid). Reads only."""
        want = {j for i in indices if 0 <= i < len(analysis.texts)
                for j in cue_places(analysis.texts, i)}
        if not want or not analysis.sha256:
            return {}
        found: dict[int, list[str]] = {}
        for scope, doc in self.store.db.all(
                "SELECT channel, doc FROM reviews WHERE sha256 = ? AND channel NOT IN (?, ?) "
                "ORDER BY channel", [analysis.sha256, ALL, channel.id]):
            for d in Review.from_content(analysis.sha256, scope, json.loads(doc), 0, "",
                                         "").texts:
                i = match_text(analysis.texts, d.polygon, d.text)
                if d.action == "keep" and i in want and keep_applies_to(d, analysis.texts[i]):
                    found.setdefault(i, [])
                    if scope not in found[i]:
                        found[i].append(scope)
        return found

    def keep_rest_covered(self, analysis: PhotoAnalysis, channel: Channel) -> list[Review]:
        """Every face and text still open stays covered, as a decision (so it is not open);
        a place after a cue with the others after it (one question: ``policy.cue_places``)."""
        _only_photos(analysis)
        user = self._who()
        faces = [i for i, f in enumerate(analysis.faces) if f.needs_review]
        texts = sorted({j for i, t in enumerate(analysis.texts) if t.needs_review
                        for j in cue_places(analysis.texts, i)})

        def change(every: Review, one: Review) -> dict[str, Any]:
            for i in faces:
                every.faces.append(FaceDecision(int_box(analysis.faces[i].box),
                                                "cover", None, "", user, _now()))
            for i in texts:
                t = analysis.texts[i]
                every.texts.append(TextDecision([(float(x), float(y)) for x, y in t.polygon],
                                                t.text, "cover", "", user, _now()))
            return {"faces": faces, "texts": texts}

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action="review.keep-rest-covered")

    def accept_flag(self, analysis: PhotoAnalysis, kind: str, channel: Channel, *,
                    reason: str) -> list[Review]:
        """The signed-in preparer or approver accepts a photo-level flag ("group-shot",
        "device") with a reason; the analysis must be decided for ``channel`` (its flags are
        what the person saw)."""
        _only_photos(analysis)
        user = self.store.audit.access.require("flag.accept").name
        refusal = flag_accept_refusal(analysis, kind, reason)
        if refusal:
            raise ReviewRefused(refusal)
        self._no_pupil_named(reason)

        def change(every: Review, one: Review) -> dict[str, Any]:
            target = one if FLAG_SCOPES.get(kind) == "channel" else every
            target.flags = [f for f in target.flags if f.kind != kind]
            target.flags.append(FlagDecision(kind, reason.strip(), user, _now()))
            return {"flag": kind, "reason": reason.strip()}

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action="review.flag-accept", permission="flag.accept")

    def undo_flag(self, analysis: PhotoAnalysis, kind: str, channel: Channel) -> list[Review]:
        """Forget that a flag was accepted: it is open again."""
        _only_photos(analysis)
        def change(every: Review, one: Review) -> dict[str, Any]:
            for part in (every, one):
                part.flags = [f for f in part.flags if f.kind != kind]
            return {"flag": kind}

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action="review.flag-undo", permission="flag.accept")

    def add_cover(self, analysis: PhotoAnalysis, cover: Cover, channel: Channel) -> list[Review]:
        _only_photos(analysis)
        user = self._who()
        if cover.shape not in ("rect", "ellipse", "polygon"):
            raise ReviewRefused(f"unknown shape '{cover.shape}'")
        cover = Cover(cover.shape, int_box(cover.box) if cover.box else None,
                      cover.points, "manual", cover.label or "covered by hand")

        def change(every: Review, one: Review) -> dict[str, Any]:
            every.covers.append(HandCover(cover, user, _now()))
            return {"cover": cover.to_dict()}

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None, action="review.cover-add")

    def remove_cover(self, analysis: PhotoAnalysis, index: int, channel: Channel) -> list[Review]:
        _only_photos(analysis)
        def change(every: Review, one: Review) -> dict[str, Any]:
            if not 0 <= index < len(every.covers):
                raise PhotoVetError("that covered area is no longer there; reload the photo")
            gone = every.covers.pop(index)
            return {"cover": gone.cover.to_dict()}

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action="review.cover-remove")


__all__ = ["ALL", "Choices", "FLAG_SCOPES", "FaceDecision", "FlagDecision", "HandCover",
           "accepted_flags", "Review",
           "ReviewConflict", "ReviewRefused", "ReviewStore", "Reviewer", "TextDecision", "apply_review",
           "decision_scope",
           "match_face", "match_text", "review_hash", "versions"]
__all__ += ["keep_applies_to", "named_by_hand", "naming_returned", "reaches_beyond"]
__all__ += ["face_decision_about", "text_decision_about"]
