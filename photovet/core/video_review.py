"""Review of a video: a person's decisions about whole tracks and about the sound, stored in the
register the moment they are made (table ``video_reviews``), versioned, audited, and applied to
every later analysis of the same file (after a restart, on another PC).

Like a photo's review (review.py) it has two scopes: ``*`` (every channel) for what a track
*is* or what only covers more (who it is, "not a face", cover, less sound), and one per channel
for what shows more there (show a face the rules cover, leave a name readable). A decision is
about a whole track: covering a track covers it on every frame it is on.

A decision is matched to the track it was made about by kind, time and place (the frames and
boxes are stored with it), so it survives a new analysis with other settings. A cover whose
track is no longer found is kept as a covered track of its own (fail closed); any other
decision that no longer fits is dropped and listed in ``analysis.review_notes``.

The approver's confirmation that they listened to the whole video (``SoundChecks``) is stored
per video and channel: on a channel whose sound rule is "listen", policy keeps the sound only
then (``policy.decide_sound``).

Policy decides what a person may change: ``VideoReviewer`` refuses before storing what policy
refuses (``ReviewRefused``), and policy checks every stored decision again at every decision.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from photovet.core import free_text
from photovet.core.errors import PhotoVetError
from photovet.core.geometry import corner_iou
from photovet.core.media.video.linking import could_be_same, group_of, group_targets
from photovet.core.models import Channel, MatchStatus, VideoAnalysis, VideoTrack
from photovet.core.policy import (
    REASON_NAMING_RETURNED,
    REFUSED,
    SAME_FACE_SAID,
    SOUND_ACTIONS,
    OverrideAsk,
    cue_track_ids,
    decide_track,
    maybe_refused_ask,
    near_people,
    recognised_as,
    same_as_rows,
    same_face_refusal,
    text_override_ask,
    text_override_refusal,
    track_as_face,
    track_as_text,
    track_override_ask,
    track_override_refusal,
)
from photovet.core.review import ALL, ReviewConflict, ReviewRefused, keep_applies_to
from photovet.core.storage import Database
from photovet.core.words import full_sentence, row_settled

TRACK_ACTIONS = {"face": ("cover", "show", "assign", "not-a-face"), "text": ("cover", "keep")}
#: an unmatched cover becomes a track with an id from here up (never an analysis id)
HAND_TRACK_IDS = 1_000_000


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass
class TrackDecision:
    """One decision about one whole track (frames and boxes identify the track)."""

    kind: str                                   # "face" | "text"
    frames: list[int]
    boxes: list[tuple[float, float, float, float]]
    action: str                                 # TRACK_ACTIONS[kind]
    person: str | None = None                   # for "assign"
    reason: str = ""
    text: str = ""
    by: str = ""
    at: str = ""
    shot_start: int = 0
    shot_end: int | None = None
    #: made from a timeline row for another track of the group (linking.py), not for this one
    #: chosen: undoing the row forgets it; undoing another row member leaves it
    row: bool = False

    def content(self) -> dict[str, Any]:
        d = asdict(self) | {"boxes": [list(b) for b in self.boxes]}
        if not self.row:
            d.pop("row")          # decisions stored before rows hash as they did
        return d


@dataclass
class VideoReview:
    """One scope of one video's review (``channel`` is ``ALL`` or a channel id)."""

    sha256: str
    channel: str = ALL
    tracks: list[TrackDecision] = field(default_factory=list)
    sound: str | None = None                    # "mute" | "remove": less sound than the rule
    sound_by: str = ""
    sound_at: str = ""
    version: int = 0
    updated_by: str = ""
    updated_at: str = ""

    def content(self) -> dict[str, Any]:
        return {
            "tracks": [t.content() for t in self.tracks],
            "sound": self.sound, "sound_by": self.sound_by, "sound_at": self.sound_at,
        }

    @classmethod
    def from_content(cls, sha256: str, channel: str, data: dict[str, Any], version: int,
                     updated_by: str, updated_at: str) -> VideoReview:
        return cls(
            sha256, channel,
            tracks=[TrackDecision(d["kind"], [int(f) for f in d["frames"]],
                                  [tuple(b) for b in d["boxes"]], d["action"], d.get("person"),
                                  d.get("reason", ""), d.get("text", ""), d.get("by", ""),
                                  d.get("at", ""), int(d.get("shot_start", 0)),
                                  d.get("shot_end"), bool(d.get("row", False)))
                    for d in data.get("tracks", [])],
            sound=data.get("sound"), sound_by=data.get("sound_by", ""),
            sound_at=data.get("sound_at", ""), version=version, updated_by=updated_by,
            updated_at=updated_at)


def video_review_hash(parts: Sequence[VideoReview]) -> str:
    blob = json.dumps([[r.channel, r.content()] for r in parts], sort_keys=True, default=list)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def versions(parts: Sequence[VideoReview]) -> str:
    return ":".join(str(r.version) for r in parts)


# --------------------------------------------------------------------------------------------
# Matching decisions to tracks
# --------------------------------------------------------------------------------------------

def _box4(b: Sequence[float]) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = b
    return x1, y1, x2, y2


def _box_near(frames: Sequence[int], boxes: Sequence[Sequence[float]], f: int) -> Sequence[float]:
    i = min(range(len(frames)), key=lambda k: abs(frames[k] - f))
    return boxes[i]


def track_similarity(d: TrackDecision, t: VideoTrack) -> float:
    """0 (not the same track) to 1: overlap in time times overlap in place."""
    if d.kind != t.kind or not d.frames or not t.frames:
        return 0.0
    lo, hi = max(d.frames[0], t.first_frame), min(d.frames[-1], t.last_frame)
    union = max(d.frames[-1], t.last_frame) - min(d.frames[0], t.first_frame) + 1
    if hi < lo:
        # a one-frame track and the decision are the same when their frames coincide
        return 0.0
    time = (hi - lo + 1) / union
    mid = (lo + hi) // 2
    place = corner_iou(_box_near(d.frames, d.boxes, mid), _box_near(t.frames, t.boxes, mid))
    return time * place


MATCH = 0.25


#: how far (frames, in all) a track may reach beyond the first and last frames a decision other
#: than a cover was made on, and still take it: two looks (faces are looked for every 3rd
#: frame; a track checked again may be found a look or two earlier or later) or a tenth of
#: the frames decided on
REACH_FRAMES = 6
REACH_SHARE = 0.1


def reaches_beyond(d: TrackDecision, t: VideoTrack) -> bool:
    """Does track ``t`` hold frames well beyond those decision ``d`` was made on
    (``REACH_*``)? A track checked again may be longer than the one decided on (the tracker
    carried it on with another face, or joined two): a show, a name or a "not a face" taken
    to it would go to frames nobody decided on. Pure."""
    if not d.frames or not t.frames:
        return False
    first, last = d.frames[0], d.frames[-1]
    slack = max(REACH_FRAMES, REACH_SHARE * (last - first + 1))
    return max(0, first - t.first_frame) + max(0, t.last_frame - last) > slack


def match_track(tracks: Sequence[VideoTrack], d: TrackDecision) -> int | None:
    best, score = None, MATCH
    for i, t in enumerate(tracks):
        s = track_similarity(d, t)
        if s >= score:
            best, score = i, s
    return best


def decision_about(tracks: Sequence[VideoTrack], d: TrackDecision, t: VideoTrack) -> bool:
    """Is stored decision ``d`` about track ``t`` of ``tracks``: the track it is applied to
    (``match_track``), so a decision made on ``t`` again, or ``t``'s undo, replaces or
    forgets it? Never another track's that merely overlaps ``t`` by ``MATCH`` (s65: a face
    shown beside a child covered by hand, their boxes a third in common, took the child's
    cover away, and the rules then showed the child), as ``review.face_decision_about`` for
    a photo's faces (s41)."""
    i = match_track(tracks, d)
    return i is not None and tracks[i].id == t.id


def _hand_track(d: TrackDecision, tid: int) -> VideoTrack:
    return VideoTrack(id=tid, kind=d.kind, frames=list(d.frames), boxes=list(d.boxes),
                      scores=[1.0] * len(d.frames), shot_start=d.shot_start, shot_end=d.shot_end,
                      match_status=MatchStatus.UNKNOWN.value, text=d.text,
                      text_kind="name-like" if d.kind == "text" else "", override="cover",
                      best_box=d.boxes[0] if d.boxes else None,
                      best_frame=d.frames[0] if d.frames else -1)


def apply_video_review(analysis: VideoAnalysis, parts: Sequence[VideoReview]) -> str | None:
    """Set the tracks' overrides from the review (both scopes), in place. Returns the sound the
    review asks for ("mute", "remove" or None)."""
    analysis.tracks = [t for t in analysis.tracks if t.id < HAND_TRACK_IDS]
    for t in analysis.tracks:
        t.override = t.override_person = None
        t.override_reason = t.refused = t.assigned_by = t.assign_reason = ""
    analysis.review_notes = []
    order = {"assign": 0, "not-a-face": 0, "cover": 1, "show": 2, "keep": 2}
    decisions = sorted(((d, r.channel) for r in parts for d in r.tracks),
                       key=lambda x: order.get(x[0].action, 3))
    extra = HAND_TRACK_IDS
    for d, _scope in decisions:
        i = match_track(analysis.tracks, d)
        if i is not None and d.kind == "text" and d.action == "keep" and \
                not keep_applies_to(d, analysis.tracks[i]):
            i = None                      # reads otherwise now: asked again, as in a photo
        if i is not None and d.action != "cover" and reaches_beyond(d, analysis.tracks[i]):
            # the track now holds frames nobody decided on (s65: a visitor's face shown for
            # 100 frames was shown for 400, the track carried on with another face): asked
            # again, covered meanwhile; a cover covers all of it
            i = None
        if i is None:
            if d.action == "cover":
                analysis.tracks.append(_hand_track(d, extra))
                extra += 1
                analysis.review_notes.append(
                    "A track covered by hand is no longer found where it was; that area stays "
                    "covered for the same time.")
            else:
                analysis.review_notes.append(
                    f"A decision about a track ({d.action}) no longer fits this video and was "
                    "not used.")
            continue
        t = analysis.tracks[i]
        if d.action == "assign":
            t.override_person = d.person
            t.assigned_by, t.assign_reason = d.by, d.reason
        elif d.action == "not-a-face":
            if t.override != "cover":
                # the reason goes with it: the policy asks one of a sure detection
                t.override, t.override_reason = "not-a-face", d.reason
        elif d.action == "cover":
            t.override = "cover"
            if d.reason == REASON_NAMING_RETURNED:     # an approver said its name was wrong
                t.override_reason = d.reason
        elif t.override != "cover":
            t.override, t.override_reason = d.action, d.reason
    analysis.review_version = versions(parts)
    sounds = [r.sound for r in parts if r.sound in SOUND_ACTIONS]
    if not sounds:
        return None
    return max(sounds, key=SOUND_ACTIONS.index)


def named_by_hand(analysis: VideoAnalysis) -> list[int]:
    """The face tracks of a video a person said by hand who they are (``override_person``:
    "Who is this?", or PhotoVet's uncertain match confirmed), by track id: what an approver
    may say is wrong when rejecting it (``naming_returned``). Numbered for people as the
    player and ``photovet scan`` number them: id + 1 ("Face 3", "track 3")."""
    return [t.id for t in analysis.tracks
            if t.kind == "face" and t.override_person and t.override != "not-a-face"
            and t.id < HAND_TRACK_IDS]


def naming_returned(analysis: VideoAnalysis, track_ids: Sequence[int], by: str
                    ) -> Callable[[VideoReview, VideoReview], dict[str, Any]]:
    """What an approver's "this face's name given by hand is wrong" does to a video's review
    (for ``VideoReviewStore.edit``, s37; the photo's is ``review.naming_returned``): every
    decision about each track, in both scopes, is taken off and the whole track covered, a
    cover kept with ``REASON_NAMING_RETURNED`` (it waits for a person to say again who it is:
    ``policy.decide_face``); returns the audit details (numbers and ids only). Refused
    (``PhotoVetError``) for a track that is not a face named by hand (``named_by_hand``)."""
    named = set(named_by_hand(analysis))
    for tid in track_ids:
        if tid not in named:
            raise PhotoVetError(f"face {tid + 1} of this video was not named by hand")
    picked = [analysis.track(tid) for tid in sorted(set(track_ids))]

    def change(every: VideoReview, one: VideoReview) -> dict[str, Any]:
        for part in (every, one):
            part.tracks = [d for d in part.tracks
                           if not any(decision_about(analysis.tracks, d, t) for t in picked)]
        every.tracks += [TrackDecision("face", list(t.frames), [_box4(b) for b in t.boxes],
                                       "cover", None, REASON_NAMING_RETURNED, "", by, _now(),
                                       t.shot_start, t.shot_end) for t in picked]
        return {"tracks": [t.id + 1 for t in picked],
                "named": [t.override_person for t in picked],
                "recognised": [recognised_as(track_as_face(t)) for t in picked]}

    return change


# --------------------------------------------------------------------------------------------
# The stores
# --------------------------------------------------------------------------------------------

class VideoReviewStore:
    """Video reviews in the register (table ``video_reviews``), with optimistic versions."""

    def __init__(self, db: Database, audit: Any):
        self.db = db
        self.audit = audit

    def load(self, sha256: str, scope: str) -> VideoReview:
        row = self.db.one("SELECT doc, version, actor, updated_at FROM video_reviews "
                          "WHERE sha256 = ? AND channel = ?", [sha256, scope])
        if row is None:
            return VideoReview(sha256, scope)
        return VideoReview.from_content(sha256, scope, json.loads(row[0]), int(row[1]),
                                        row[2] or "", row[3] or "")

    def parts(self, sha256: str, channel: str) -> list[VideoReview]:
        return [self.load(sha256, ALL), self.load(sha256, channel)]

    def edit(self, sha256: str, channel: str,
             change: Callable[[VideoReview, VideoReview], dict[str, Any]], *,
             expected: str | None = None, action: str, permission: str = "review"
             ) -> list[VideoReview]:
        """Load both scopes, apply ``change``, store what changed (version-checked), audit, in
        one transaction. Made by the signed-in preparer (or whoever holds ``permission``: an
        approver's rejection that says a name given by hand is wrong)."""
        user = self.audit.access.require(permission).name
        with self.db.atomic():
            parts = self.parts(sha256, channel)
            before = [json.dumps(p.content(), sort_keys=True) for p in parts]
            want = [int(v) for v in expected.split(":")] if expected else [None, None]
            for part, w in zip(parts, want):
                if w is not None and part.version != w:
                    raise ReviewConflict(
                        f"this video's review was changed by {part.updated_by or 'someone'} "
                        "since you opened it; reload the video and decide again",
                        hint="Your change was not made.")
            details = change(parts[0], parts[1])
            now = _now()
            for part, old in zip(parts, before):
                if json.dumps(part.content(), sort_keys=True) == old:
                    continue
                doc = json.dumps(part.content(), sort_keys=True)
                if part.version == 0 and self.db.one(
                        "SELECT 1 FROM video_reviews WHERE sha256 = ? AND channel = ?",
                        [sha256, part.channel]) is None:
                    self.db.execute("INSERT INTO video_reviews (sha256, channel, version, doc, "
                                    "actor, updated_at) VALUES (?, ?, 1, ?, ?, ?)",
                                    [sha256, part.channel, doc, user, now])
                else:
                    n = self.db.execute(
                        "UPDATE video_reviews SET version = version + 1, doc = ?, actor = ?, "
                        "updated_at = ? WHERE sha256 = ? AND channel = ? AND version = ?",
                        [doc, user, now, sha256, part.channel, part.version]).rowcount
                    if n != 1:
                        raise ReviewConflict("this video's review was changed at the same "
                                             "moment by someone else; reload and decide again")
                part.version, part.updated_by, part.updated_at = part.version + 1, user, now
            self.audit.record(action, dict(details, sha256=sha256, channel=channel))
        return parts


class SoundChecks:
    """An approver's confirmation that they listened to a video's whole sound track, per video
    and channel (table ``video_listens``; audited)."""

    def __init__(self, db: Database, audit: Any):
        self.db = db
        self.audit = audit

    def confirm(self, sha256: str, channel: str) -> str:
        """The signed-in approver listened to the whole video; returns their name."""
        who = self.audit.access.require("approve")
        with self.db.atomic():
            self.db.execute("INSERT INTO video_listens (sha256, channel, actor, account_id, "
                            "listened_at) VALUES (?, ?, ?, ?, ?)",
                            [sha256, channel, who.name, who.account_id, _now()])
            self.audit.record("video.listened", {"sha256": sha256, "channel": channel})
        return who.name

    def listened_by(self, sha256: str, channel: str) -> str | None:
        row = self.db.one("SELECT actor FROM video_listens WHERE sha256 = ? AND channel = ? "
                          "ORDER BY id DESC LIMIT 1", [sha256, channel])
        return row[0] if row else None


# --------------------------------------------------------------------------------------------
# Making decisions (what the app and the command line call)
# --------------------------------------------------------------------------------------------

#: the decisions a timeline row can offer, in the order a panel shows them
ROW_ACTIONS = ("show", "cover", "assign", "not-a-face", "keep", "undo")


@dataclass(frozen=True)
class RowChoices:
    """What a person can do on a timeline row that would change something (``actions``, in
    ``ROW_ACTIONS`` order), and what is already so, in plain words (``settled``: '' when there
    is nothing to say). ``undo`` and ``held``: ``VideoReviewer.undo_reach``."""

    actions: tuple[str, ...] = ()
    settled: str = ""
    undo: tuple[int, ...] = ()
    held: tuple[int, ...] = ()

class VideoReviewer:
    """Records a person's decisions about a video's tracks and sound, refusing what policy
    refuses. The analysis passed in must be the decided analysis the person was looking at."""

    def __init__(self, store: VideoReviewStore, person_of: Callable[[str], Any], *,
                 today: Callable[[], _dt.date] = _dt.date.today):
        self.store = store
        self.person_of = person_of
        self.today = today

    def _track(self, analysis: VideoAnalysis, track_id: int) -> VideoTrack:
        try:
            return analysis.track(track_id)
        except KeyError:
            raise PhotoVetError(f"this video has no track {track_id}") from None

    def _rows(self, t: VideoTrack, action: str, person: str | None) -> tuple[Any, Any]:
        """For a change to a track: the register row of whom it is taken to be (for "assign",
        ``person``, the one chosen; for a name, whose name it is) and, for a face, whom
        PhotoVet itself recognised."""
        if t.kind != "face":
            return (self.person_of(t.person) if t.person else None), None
        pid = person if action == "assign" else (t.override_person or t.person)
        machine = recognised_as(track_as_face(t))
        return (self.person_of(pid) if pid else None,
                self.person_of(machine) if machine else None)

    def track_ask(self, analysis: VideoAnalysis, track_id: int, action: str, channel: Channel,
                  *, person: str | None = None, mode: str | None = None) -> OverrideAsk:
        """Before ``track`` or ``group`` is called: may ``action`` be made on ``track_id``
        (allowed, needs a reason and what to show, or refused and why)? Judged as they judge
        the chosen track (``mode``: the analysis's when not given)."""
        t = self._track(analysis, track_id)
        if action not in TRACK_ACTIONS[t.kind]:
            return OverrideAsk(REFUSED, f"unknown decision '{action}' for a "
                                        f"{'face' if t.kind == 'face' else 'name'}")
        row, recognised = self._rows(t, action, person)
        mode = mode or analysis.mode
        if t.kind == "face":
            face = track_as_face(t)
            ask = track_override_ask(action, t, row, channel, mode, self.today(),
                                     recognised=recognised,
                                     near=near_people(face, self.person_of),
                                     same=same_as_rows(analysis, t, self.person_of))
            if action == "show" and t.who is None:
                # nobody is sure who it is: it may be a face of the clip taken to be someone
                # who may not be shown here (policy says who may not). Faces both encoded were
                # compared (same_as: refused above when alike), and a face whose appearance is
                # not known (too small, no landmarks) is refused above too (same_as_rows: it
                # cannot be ruled out); the warning stays for anything the refusal lets through
                others = [analysis.track(i) for i in could_be_same(analysis, track_id)]
                ask = maybe_refused_ask(
                    ask, [(self.person_of(o.who), bool(o.override_person)) for o in others
                          if o.who and not (t.views and o.views)], channel, "video", mode,
                    self.today())
            return ask
        return text_override_ask(action, track_as_text(t), row, channel=channel, media="video",
                                 mode=mode, on=self.today())

    def _no_pupil_named(self, reason: str) -> None:
        """A reason is kept in the review and the audit log: refused when it names a pupil
        (free_text)."""
        why = free_text.check(self.store.db, reason)
        if why:
            raise ReviewRefused(why)

    def _prepare(self, analysis: VideoAnalysis, t: VideoTrack, action: str, channel: Channel,
                 person: str | None, reason: str, mode: str, user: str
                 ) -> tuple[TrackDecision, bool]:
        """The decision to store for ``t`` and whether the rules already do it (then only its
        other decisions are forgotten). Raises ``ReviewRefused`` where policy refuses."""
        if action not in TRACK_ACTIONS[t.kind]:
            raise ReviewRefused(f"unknown decision '{action}' for a "
                                f"{'face' if t.kind == 'face' else 'name'}")
        if t.kind == "face":
            row, recognised = self._rows(t, action, person)
            if action == "assign" and row is None:
                raise ReviewRefused(f"no one with id '{person}' in the register")
            face = track_as_face(t)
            refusal = track_override_refusal(action, t, row, channel, mode, self.today(),
                                             reason, recognised=recognised,
                                             near=near_people(face, self.person_of),
                                             same=same_as_rows(analysis, t, self.person_of))
        else:
            row, _ = self._rows(t, action, person)
            refusal = text_override_refusal(action, track_as_text(t), row, reason,
                                            channel=channel, media="video", mode=mode,
                                            on=self.today())
        if refusal:
            raise ReviewRefused(refusal)
        # "show" where the rules already show it: only forget a cover, store nothing more
        rules_show = False
        if action in ("show", "keep"):
            probe = VideoTrack.from_dict(t.to_dict())
            probe.override = None
            probe.override_reason = ""
            rules_show = decide_track(probe, row, channel, mode, self.today()).action == action
        decision = TrackDecision(t.kind, list(t.frames), [_box4(b) for b in t.boxes], action,
                                 person if action == "assign" else None, reason.strip(), t.text,
                                 user, _now(), t.shot_start, t.shot_end)
        return decision, rules_show

    def _store(self, analysis: VideoAnalysis, channel: Channel, action: str,
               items: list[tuple[VideoTrack, TrackDecision, bool]], details: dict[str, Any]
               ) -> list[VideoReview]:
        identity = action in ("assign", "not-a-face")

        def change(every: VideoReview, one: VideoReview) -> dict[str, Any]:
            for t, decision, rules_show in items:
                for part in (every, one):
                    part.tracks = [d for d in part.tracks
                                   if not decision_about(analysis.tracks, d, t) or (
                                       not identity and d.action in ("assign", "not-a-face"))]
                scope = one if action in ("show", "keep") else every
                if not rules_show:
                    scope.tracks.append(decision)
            return details

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action=f"review.video-track-{action}")

    def track(self, analysis: VideoAnalysis, track_id: int, action: str, channel: Channel, *,
              person: str | None = None, reason: str = "", mode: str = "consent"
              ) -> list[VideoReview]:
        """Record ``action`` for a whole track: faces "cover", "show", "assign" (``person``),
        "not-a-face"; names "cover", "keep"."""
        user = self.store.audit.access.require("review").name
        t = self._track(analysis, track_id)
        self._no_pupil_named(reason)
        decision, rules_show = self._prepare(analysis, t, action, channel, person, reason, mode,
                                             user)
        items = [(t, decision, rules_show)]
        for tid in cue_track_ids(analysis.tracks, track_id)[1:]:
            other = self._track(analysis, tid)
            d, show = self._prepare(analysis, other, action, channel, person, reason, mode, user)
            d.row = True
            items.append((other, d, show))
        details: dict[str, Any] = {
            "track": track_id, "kind": t.kind, "decision": action,
            "person": person if action == "assign" else None, "reason": reason.strip(),
            "from": round(t.first_time, 2), "to": round(t.last_time, 2)}
        if len(items) > 1:
            details["tracks"] = [x[0].id for x in items]
        return self._store(analysis, channel, action, items, details)

    def group(self, analysis: VideoAnalysis, track_id: int, action: str, channel: Channel, *,
              person: str | None = None, reason: str = "", mode: str = "consent"
              ) -> tuple[list[VideoReview], list[int]]:
        """Record ``action`` made on the timeline row of ``track_id``'s group
        (media/video/linking.py) for the tracks ``group_targets`` names, in one change; the
        others' decisions are marked as made from the row. The chosen track's refusal is raised;
        another track policy refuses is left as it is. "undo": the chosen track's decisions and
        the others' row decisions are forgotten. Returns the review and the ids decided."""
        targets = self._targets(analysis, track_id, action)
        if action == "undo":
            return self._undo_row(analysis, targets, channel), targets
        user = self.store.audit.access.require("review").name
        chosen = self._track(analysis, track_id)
        self._no_pupil_named(reason)
        items = [(chosen, *self._prepare(analysis, chosen, action, channel, person, reason,
                                         mode, user))]
        for tid in targets[1:]:
            t = self._track(analysis, tid)
            try:
                decision, rules_show = self._prepare(analysis, t, action, channel, person,
                                                     reason, mode, user)
            except ReviewRefused:
                continue
            decision.row = True
            items.append((t, decision, rules_show))
        ids = [t.id for t, _d, _r in items]
        details: dict[str, Any] = {
            "track": track_id, "kind": chosen.kind, "decision": action,
            "person": person if action == "assign" else None, "reason": reason.strip(),
            "from": round(min(t.first_time for t, _d, _r in items), 2),
            "to": round(max(t.last_time for t, _d, _r in items), 2)}
        if len(ids) > 1:
            details["tracks"] = ids
        return self._store(analysis, channel, action, items, details), ids

    def _targets(self, analysis: VideoAnalysis, track_id: int, action: str) -> list[int]:
        """The tracks a decision on ``track_id``'s row is made for (``group_targets``), and the
        places decided with it (``policy.cue_track_ids``: after its cue, one question)."""
        targets = group_targets(analysis, track_id, action)
        return targets + [tid for tid in cue_track_ids(analysis.tracks, track_id)
                          if tid not in targets]

    def _kept_by_undo(self, analysis: VideoAnalysis, t: VideoTrack, channel: Channel) -> bool:
        """Fail closed: undoing a row never forgets another track's own decisions when the
        track is covered now and the rules alone would show it (a person covered that one on
        its own), nor a cover kept for a track no longer found (forgetting it removes the
        cover)."""
        if t.id >= HAND_TRACK_IDS:
            return True
        if t.decision in ("show", "keep"):
            return False          # shown now: the rules decide it again, showing no more
        return self._rules(analysis, t, channel) in ("show", "keep")

    def _rules(self, analysis: VideoAnalysis, t: VideoTrack, channel: Channel) -> str:
        """What the rules alone decide for ``t`` (no decision of a person)."""
        probe = VideoTrack.from_dict(t.to_dict())
        probe.override, probe.override_person, probe.override_reason = None, None, ""
        row = self.person_of(probe.person) if probe.person else None
        return decide_track(probe, row, channel, analysis.mode, self.today()).action

    def _undo_plan(self, analysis: VideoAnalysis, track_ids: Sequence[int], channel: Channel
                   ) -> tuple[Callable[[TrackDecision], bool], list[VideoTrack]]:
        """Which stored decisions a row's undo forgets (``forget(d)``), and the other tracks
        whose own decisions it keeps (``_kept_by_undo``): the chosen track's; the others' made
        from the row; the others' own, unless forgetting them could show a face covered now."""
        chosen = self._track(analysis, track_ids[0])
        others = [self._track(analysis, tid) for tid in track_ids[1:]]
        kept = [t for t in others if self._kept_by_undo(analysis, t, channel)]
        kept_ids = {t.id for t in kept}

        def forget(d: TrackDecision) -> bool:
            if decision_about(analysis.tracks, d, chosen):
                return True
            return any(decision_about(analysis.tracks, d, t) and (d.row or t.id not in kept_ids)
                       for t in others)

        return forget, kept

    def undo_reach(self, analysis: VideoAnalysis, track_id: int, channel: Channel
                   ) -> tuple[list[int], list[int]]:
        """What "Undo" on ``track_id``'s row would do, before it is done: (the tracks whose
        decisions it forgets, the tracks of the row whose own decisions it keeps because the
        rules alone would show them). The app shows Undo only when the first is not empty."""
        targets = self._targets(analysis, track_id, "undo")
        forget, kept = self._undo_plan(analysis, targets, channel)
        parts = self.store.parts(analysis.sha256, channel.id)
        reach = [tid for tid in targets
                 if any(forget(d) and decision_about(analysis.tracks, d,
                                                     self._track(analysis, tid))
                        for p in parts for d in p.tracks)]
        held = [t.id for t in kept if any(decision_about(analysis.tracks, d, t) and not d.row
                                          for p in parts for d in p.tracks)]
        return reach, held

    def row_choices(self, analysis: VideoAnalysis, track_id: int, channel: Channel
                    ) -> RowChoices:
        """What ``track_id``'s timeline row offers (its group's, media/video/linking.py): only
        the decisions that would change something, and what is already so. The analysis must
        be decided for ``channel``.

        - "cover": a track it reaches (``group_targets``) is shown, still to decide, or has a
          person's "show" / "not a face" / "leave readable" on it (a cover replaces it). A row
          the rules (or a person) already cover whenever it is seen, with nothing open, is not
          offered it: covering it again changes nothing (``settled`` says so, words.row_settled).
        - "show" / "keep": a track it reaches is covered, and policy would allow it with a
          reason; where no reason could (the register says No), ``settled`` says why.
        - "not-a-face": a face not already marked so, where policy would allow it with a reason.
        - "assign": every face (who it is is the person's to say).
        - "undo": when it reaches a decision (``undo_reach``)."""
        t = self._track(analysis, track_id)
        members = [self._track(analysis, tid) for tid in group_of(analysis, track_id)]
        reach, held = self.undo_reach(analysis, track_id, channel)
        face = t.kind == "face"
        today = self.today()
        pid = t.override_person or t.person
        row = self.person_of(pid) if pid else None
        mode = analysis.mode
        words: list[str] = []

        def refused(action: str) -> str | None:
            """Why ``action`` on the chosen track is refused whatever the reason given."""
            if face:
                tf = track_as_face(t)
                machine = recognised_as(tf)
                return track_override_refusal(action, t, row, channel, mode, today, "a reason",
                                              recognised=self.person_of(machine) if machine
                                              else None,
                                              near=near_people(tf, self.person_of),
                                              same=same_as_rows(analysis, t, self.person_of))
            return text_override_refusal(action, track_as_text(t), row, "a reason",
                                         channel=channel, media="video", mode=mode, on=today)

        covering = [self._track(analysis, tid) for tid in self._targets(analysis, track_id,
                                                                        "cover")]
        cover = any(x.decision != "cover" or x.needs_review
                    or x.override not in (None, "cover") for x in covering)
        showing = "show" if face else "keep"
        shown = [self._track(analysis, tid) for tid in self._targets(analysis, track_id, showing)]
        show = any(x.decision != showing for x in shown)
        if show and (why := refused(showing)):
            show = False
            if face and t.near_note and not t.hand_named and why == same_face_refusal(
                    t, same_as_rows(analysis, t, self.person_of), channel, mode, today):
                # the row already says whom it may be (near_note): not said twice
                words.append(SAME_FACE_SAID)
            else:
                words.append(f"It cannot be {'shown' if face else 'left readable'}: "
                             + full_sentence(why))
        not_face = face and t.override != "not-a-face" and not refused("not-a-face")
        if not cover and all(m.decision == "cover" for m in members):
            by_hand = {m.override == "cover" for m in members}
            how = ("by hand" if by_hand == {True} else "by the rules" if by_hand == {False}
                   else "by hand and by the rules")
            words.insert(0, row_settled("covered", how))
        elif all(m.decision == showing for m in members):
            words.insert(0, row_settled("shown" if face else "left readable"))
        offered = {"show": face and show, "cover": cover, "assign": face,
                   "not-a-face": not_face, "keep": not face and show, "undo": bool(reach)}
        return RowChoices(tuple(a for a in ROW_ACTIONS if offered[a]), " ".join(words),
                          tuple(reach), tuple(held))

    def _undo_row(self, analysis: VideoAnalysis, track_ids: Sequence[int], channel: Channel
                  ) -> list[VideoReview]:
        forget, _kept = self._undo_plan(analysis, track_ids, channel)

        def change(every: VideoReview, one: VideoReview) -> dict[str, Any]:
            for part in (every, one):
                part.tracks = [d for d in part.tracks if not forget(d)]
            out: dict[str, Any] = {"track": track_ids[0]}
            if len(track_ids) > 1:
                out["tracks"] = list(track_ids)
            return out

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action="review.video-track-undo")

    def undo_track(self, analysis: VideoAnalysis, track_id: int, channel: Channel
                   ) -> list[VideoReview]:
        """Forget every decision about a track (and the other places after its cue, decided
        with it): the rules decide it again."""
        return self._undo_row(analysis, cue_track_ids(analysis.tracks, track_id), channel)

    def sound(self, analysis: VideoAnalysis, action: str | None, channel: Channel
              ) -> list[VideoReview]:
        """Ask for less sound on every channel ("mute" or "remove"), or None to let the
        channel's rule decide again."""
        user = self.store.audit.access.require("review").name
        if action not in (None, "mute", "remove"):
            raise ReviewRefused("the sound can be silenced or removed by hand, not kept: "
                                "the channel's rule (and an approver who listened) keeps it")

        def change(every: VideoReview, one: VideoReview) -> dict[str, Any]:
            every.sound, every.sound_by, every.sound_at = action, user if action else "", \
                _now() if action else ""
            return {"sound": action}

        return self.store.edit(analysis.sha256, channel.id, change,
                               expected=analysis.review_version or None,
                               action="review.video-sound")


__all__ = ["HAND_TRACK_IDS", "ROW_ACTIONS", "RowChoices", "SoundChecks", "TRACK_ACTIONS",
           "TrackDecision", "VideoReview",
           "VideoReviewStore", "VideoReviewer", "apply_video_review", "decision_about",
           "match_track",
           "named_by_hand", "naming_returned", "track_similarity", "video_review_hash"]
