"""One person, one row: face tracks that are the same person, grouped (pure: no model, no I/O).

The tracker (tracking.py) ends a track whenever it is unsure: a face the detector misses for
longer than ``max_gap`` (a pupil turns away, someone walks in front), a crossing (identity must
never flow from one face into another), a scene cut. So one person is often several tracks, and
a reviewer would have to decide each of them. Tracks are therefore *grouped*, never merged: each
track keeps its own frames, boxes, recognition and covers, and policy still decides each one.

Two tracks are in one group when

- **gap link** (the same place, moments apart, inside one shot): track B starts at most
  ``RELINK_SECONDS`` after track A's last detection, B's first box is near A's last (centres
  within ``1 + gap seconds`` face sizes, at most 3), sizes within 1.5x; A is B's only candidate
  and B is A's; no third face is near either box during the gap (it could be the same person);
  and they are not two different people by recognition (``VideoTrack.who``); or
- **the same person**: both are taken to be the same register person by the rules the core
  already uses (``who``: recognised on every view that could be encoded, or assigned by hand); or
- **a fast face's looks** (``fast_chain_links``): a face moving more than its size between two
  looks is a new one-look track at each look (seven rows for one child dashing across); B
  starts a look or two after A ends, a few face sizes on (``fast_links``, what covers.py
  covers as one moving face), and each is the other's only such look at that moment, with no
  third face near and nobody saying they are two people.

What a group does (fail closed):

- **cover** a group: every track in it is covered (more cover is always allowed);
- **show**: only the tracks taken to be the *same person* as the chosen one (``who``), never
  one a person covered by hand, never one seen once; a gap link alone never shows anything. A
  chosen track nobody is sure of decides only itself;
- **undo** the row: everything the row shows as decided goes back to the rules (the chosen
  track's decisions, what was decided from the row for the others, and the others' own
  decisions), except a track covered now that the rules alone would show: a person covered
  that one on its own, and undo never turns a cover into a show for a track not chosen
  (video_review.VideoReviewer.undo_reach);
- say who it is / not a face: the chosen track only;
- between two gap-linked tracks of which at least one is covered, the face was most likely
  still there, undetected: covers.py covers the gap too (``gap_links``), interpolated and
  padded as a long gap inside one track is. Per-frame covering is never less than without
  links.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from photovet.core.models import VideoAnalysis, VideoTrack

RELINK_SECONDS = 3.0        # the longest gap bridged between two tracks of one place
SIZE_RATIO = 1.5            # sizes within this factor may be the same face
NEAR_SIZES = 3.0            # a bystander nearer than this (face sizes) makes a link unsure


def _size(b: Sequence[float]) -> float:
    return max(1.0, b[2] - b[0], b[3] - b[1])


def _centre(b: Sequence[float]) -> tuple[float, float]:
    return (b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0


def _dist(a: Sequence[float], b: Sequence[float]) -> float:
    (ax, ay), (bx, by) = _centre(a), _centre(b)
    return math.hypot(ax - bx, ay - by)


def _box_at(t: VideoTrack, frame: int) -> Sequence[float]:
    i = min(range(len(t.frames)), key=lambda k: abs(t.frames[k] - frame))
    return t.boxes[i]


def _who(t: VideoTrack) -> str | None:
    return t.who


def _could_follow(a: VideoTrack, b: VideoTrack, fps: float, seconds: float) -> bool:
    if a is b or a.kind != "face" or b.kind != "face" or not a.frames or not b.frames:
        return False
    if a.shot_start != b.shot_start or a.shot_end != b.shot_end:
        return False
    gap = b.first_frame - a.last_frame
    if gap <= 0 or gap > seconds * fps:
        return False
    wa, wb = _who(a), _who(b)
    if wa and wb and wa != wb:
        return False
    if a.override == "not-a-face" or b.override == "not-a-face":
        return False
    ba, bb = a.boxes[-1], b.boxes[0]
    sa, sb = _size(ba), _size(bb)
    if not (1.0 / SIZE_RATIO <= sb / sa <= SIZE_RATIO):
        return False
    reach = min(NEAR_SIZES, 1.0 + gap / fps) * max(sa, sb)
    return _dist(ba, bb) <= reach


def _bystander(a: VideoTrack, b: VideoTrack, faces: Sequence[VideoTrack]) -> bool:
    """A third face on screen during the gap (or at either end) near A's last or B's first box:
    the lost face may be that one, so the link is unsure."""
    lo, hi = a.last_frame, b.first_frame
    for c in faces:
        if c is a or c is b or c.last_frame < lo or c.first_frame > hi:
            continue
        for anchor, f in ((a.boxes[-1], max(lo, c.first_frame)),
                          (b.boxes[0], min(hi, c.last_frame))):
            if _dist(anchor, _box_at(c, f)) <= NEAR_SIZES * _size(anchor):
                return True
    return False


def gap_links(tracks: Sequence[VideoTrack], fps: float,
              seconds: float = RELINK_SECONDS) -> list[tuple[int, int]]:
    """(A id, B id) for every sure gap link (module notes), A before B."""
    fps = float(fps or 30.0)
    faces = sorted((t for t in tracks if t.kind == "face" and t.frames),
                   key=lambda t: t.first_frame)
    nxt: dict[int, list[VideoTrack]] = {}
    prev: dict[int, list[VideoTrack]] = {}
    starts = [t.first_frame for t in faces]
    for a in faces:
        for b in faces[_first_at_or_after(starts, a.last_frame + 1):]:
            if b.first_frame - a.last_frame > seconds * fps:
                break
            if _could_follow(a, b, fps, seconds):
                nxt.setdefault(a.id, []).append(b)
                prev.setdefault(b.id, []).append(a)
    out = []
    for a in faces:
        bs = nxt.get(a.id, [])
        if len(bs) != 1:
            continue
        b = bs[0]
        if len(prev.get(b.id, [])) != 1 or _bystander(a, b, faces):
            continue
        out.append((a.id, b.id))
    return out


#: a face track that ends and another that starts at most this many sampling intervals later,
#: no more than FAST_SIZES face sizes per interval away, sizes within FAST_RATIO: perhaps one
#: face moving too fast for the tracker (it starts a new track at each look)
FAST_INTERVALS = 2
FAST_SIZES = 3.0
FAST_RATIO = 1.5


def fast_links(tracks: Sequence[VideoTrack], stride: int) -> list[tuple[int, int]]:
    """(A id, B id), A before B, for every pair of face tracks that may be one face too fast for
    the tracker (``FAST_*``; inside one shot). A face moving more than about its size between
    two looks is a new one-look track at each look, and each track's cover stood still where it
    was seen: between two looks and after the last one the face moved on, uncovered (at 29 px a
    frame a 72 px face was partly readable on 12 of its 20 frames). Covers use every such pair
    (covers.chase_boxes); a row joins only the sure ones (``fast_chain_links``)."""
    faces = sorted((t for t in tracks if t.kind == "face" and t.frames),
                   key=lambda t: t.first_frame)
    starts = [t.first_frame for t in faces]
    reach = FAST_INTERVALS * max(1, stride)
    out = []
    for a in faces:
        ea = a.boxes[-1]
        for b in faces[bisect.bisect_right(starts, a.last_frame):]:
            gap = b.first_frame - a.last_frame
            if gap > reach:
                break
            if b.shot_start != a.shot_start:
                continue
            sb = b.boxes[0]
            sa_, sb_ = _size(ea), _size(sb)
            if max(sa_, sb_) > FAST_RATIO * min(sa_, sb_):
                continue
            dist = math.hypot((sb[0] + sb[2] - ea[0] - ea[2]) / 2,
                              (sb[1] + sb[3] - ea[1] - ea[3]) / 2)
            if dist <= FAST_SIZES * min(sa_, sb_) * max(1.0, gap / max(1, stride)):
                out.append((a.id, b.id))
    return out


def fast_chain_links(tracks: Sequence[VideoTrack], stride: int) -> list[tuple[int, int]]:
    """(A id, B id) among ``fast_links`` sure enough to make one row of a fast face's looks:
    B is the earliest look after A that links to A, and the only one at that frame; A is the
    latest look before B that links to B, and the only one at that frame; nobody says they
    are two people (``who``), neither is "not a face", and no third face is near either end
    (``_bystander``). Two children running side by side fast stay rows of their own."""
    faces = [t for t in tracks if t.kind == "face" and t.frames]
    by_id = {t.id: t for t in faces}
    nxt: dict[int, list[VideoTrack]] = {}
    prev: dict[int, list[VideoTrack]] = {}
    for ia, ib in fast_links(faces, stride):
        nxt.setdefault(ia, []).append(by_id[ib])
        prev.setdefault(ib, []).append(by_id[ia])
    out = []
    for a in sorted(faces, key=lambda t: (t.first_frame, t.id)):
        bs = nxt.get(a.id, [])
        if not bs:
            continue
        first = min(b.first_frame for b in bs)
        soonest = [b for b in bs if b.first_frame == first]
        if len(soonest) != 1:
            continue
        b = soonest[0]
        before = prev.get(b.id, [])
        last = max(x.last_frame for x in before)
        latest = [x for x in before if x.last_frame == last]
        if len(latest) != 1 or latest[0] is not a:
            continue
        wa, wb = _who(a), _who(b)
        if (wa and wb and wa != wb) or "not-a-face" in (a.override, b.override):
            continue
        if _bystander(a, b, faces):
            continue
        out.append((a.id, b.id))
    return out


def _first_at_or_after(starts: list[int], frame: int) -> int:
    return bisect.bisect_left(starts, frame)


def track_groups(analysis: VideoAnalysis) -> list[list[int]]:
    """The face tracks' groups (track ids in time order; groups in order of their first
    appearance). Every face track is in exactly one group."""
    faces = [t for t in analysis.tracks if t.kind == "face"]
    parent = {t.id: t.id for t in faces}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(x: int, y: int) -> None:
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    for a, b in gap_links(faces, analysis.fps):
        join(a, b)
    for a, b in fast_chain_links(faces, int((analysis.sampling or {}).get("stride", 3))):
        join(a, b)
    by_who: dict[str, int] = {}
    for t in faces:
        w = _who(t)
        if w:
            if w in by_who:
                join(by_who[w], t.id)
            else:
                by_who[w] = t.id
    order = {t.id: (t.first_frame, t.id) for t in faces}
    groups: dict[int, list[int]] = {}
    for t in faces:
        groups.setdefault(root(t.id), []).append(t.id)
    out = [sorted(g, key=order.__getitem__) for g in groups.values()]
    return sorted(out, key=lambda g: order[g[0]])


def group_of(analysis: VideoAnalysis, track_id: int) -> list[int]:
    """The ids of the group ``track_id`` is in (itself alone for a name or an unknown id)."""
    for g in track_groups(analysis):
        if track_id in g:
            return g
    return [track_id]


def seen_together(a: VideoTrack, b: VideoTrack) -> bool:
    """Both faces were found on one same frame: two different people."""
    return not set(a.frames).isdisjoint(b.frames)


def could_be_same(analysis: VideoAnalysis, track_id: int) -> list[int]:
    """The clip's other face tracks that may be the same person as ``track_id``: every one never
    found on a frame with it (whatever its row: a person turns away, leaves and comes back,
    is filmed from another side). Only two faces seen together are surely two people; for a
    warning, not a decision (video_review.VideoReviewer.track_ask)."""
    chosen = analysis.track(track_id)
    return [t.id for t in analysis.tracks if t.kind == "face" and t.id != track_id
            and not seen_together(chosen, t)]


def group_targets(analysis: VideoAnalysis, track_id: int, action: str) -> list[int]:
    """The tracks a decision made on ``track_id``'s row applies to, the chosen one first
    (module notes). Besides the chosen track:

    - "cover": every other track of the group not already covered by hand;
    - "show": only those taken to be the same person as the chosen one (``who``), not covered
      by hand (a person looked at that one and covered it) and seen on two sampled frames at
      least (policy trusts no single view); nobody sure who the chosen one is: none;
    - "undo": every other track of the group (the reviewer forgets what was decided for them,
      but keeps the own decisions of one the rules alone would show: ``undo_reach``);
    - anything else: none."""
    chosen = analysis.track(track_id)
    others = [analysis.track(tid) for tid in group_of(analysis, track_id) if tid != track_id]
    if action == "cover":
        return [track_id] + [t.id for t in others if t.override != "cover"]
    if action == "undo":
        return [track_id] + [t.id for t in others]
    if action == "show":
        who = _who(chosen)
        if not who:
            return [track_id]
        return [track_id] + [t.id for t in others if _who(t) == who and t.override != "cover"
                             and t.detections >= 2]
    return [track_id]


_TIMES = {2: "twice"}
_SMALL = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _times(n: int) -> str:
    return _TIMES.get(n, f"{n} times")


@dataclass(frozen=True)
class FaceCount:
    """A video's faces as a person sees them: one per timeline row (``track_groups``), not one
    per track (the tracker splits a person it loses for a moment). Counting only: what is
    covered is decided per track by policy and never changes here."""

    faces: int = 0                  # rows (groups)
    tracks: int = 0                 # face tracks in them
    shown: int = 0                  # faces shown every time they are seen
    covered: int = 0                # faces covered every time they are seen
    partly: int = 0                 # faces shown some of the times, covered the others
    open: int = 0                   # faces with a decision still to make (covered until then)
    seen: tuple[int, ...] = ()      # how many times each face seen more than once was seen

    @property
    def with_cover(self) -> int:
        """Faces covered at least some of the time."""
        return self.covered + self.partly

    def followed(self, *, decided: bool = False) -> str:
        """'3 faces followed (one seen twice)', '1 face followed (seen 3 times)', 'no faces
        found'; with ``decided``: '3 faces followed (one seen twice; 1 shown, 2 covered)'."""
        if not self.faces:
            return "no faces found"
        text = f"{self.faces} face{'s' if self.faces != 1 else ''} followed"
        inside = []
        if self.seen:
            n = _SMALL.get(len(self.seen), str(len(self.seen)))
            if self.faces == 1:
                inside.append(f"seen {_times(self.seen[0])}")
            elif len(set(self.seen)) == 1:
                inside.append(f"{n} seen {_times(self.seen[0])}")
            else:
                inside.append(f"{n} seen more than once")
        if decided:
            inside.append(self.decided())
        return f"{text} ({'; '.join(inside)})" if inside else text

    def decided(self) -> str:
        """'1 shown, 2 covered' ('1 partly shown' when some of one face's times are shown)."""
        bits = [f"{n} {w}" for n, w in ((self.shown, "shown"), (self.covered, "covered"),
                                         (self.partly, "partly shown"))
                if n or (w != "partly shown" and not self.partly)]
        return ", ".join(bits)

    def to_dict(self) -> dict[str, int | list[int]]:
        return {"faces": self.faces, "tracks": self.tracks, "shown": self.shown,
                "covered": self.covered, "partly_shown": self.partly, "to_decide": self.open,
                "seen_more_than_once": list(self.seen)}


def face_count(analysis: VideoAnalysis, groups: list[list[int]] | None = None) -> FaceCount:
    """How many faces a video has as a person sees them (one per ``track_groups`` row) and how
    they are decided: what the tile, the summary, the tooltip and the commands say. ``groups``:
    ``track_groups(analysis)`` when the caller has it already."""
    by_id = {t.id: t for t in analysis.face_tracks}
    shown = covered = partly = open_ = tracks = 0
    seen: list[int] = []
    for g in track_groups(analysis) if groups is None else groups:
        members = [by_id[tid] for tid in g if tid in by_id]
        if not members:
            continue
        tracks += len(members)
        if len(members) > 1:
            seen.append(len(members))
        n_shown = sum(1 for t in members if t.decision == "show")
        if n_shown == len(members):
            shown += 1
        elif n_shown:
            partly += 1
        else:
            covered += 1
        if any(t.needs_review for t in members):
            open_ += 1
    return FaceCount(shown + covered + partly, tracks, shown, covered, partly, open_,
                     tuple(sorted(seen, reverse=True)))


__all__ = ["FAST_INTERVALS", "FAST_RATIO", "FAST_SIZES", "FaceCount", "RELINK_SECONDS",
           "face_count", "fast_chain_links", "fast_links", "gap_links", "group_of",
           "group_targets", "track_groups"]
