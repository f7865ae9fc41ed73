"""Where a decided video is covered, frame by frame.

A face is only *seen* on sampled frames; a cover must be on every frame it may be in. For each
covered track (media/video/tracking.py makes them; policy decides them):

- between two detections, the box is interpolated and padded by
  ``0.10 x size`` (detector jitter) ``+ min(max_pad x size, accel x t(T - t)/2 + ...)`` (how far
  a face accelerating at ``accel`` face sizes/s^2 can leave a straight line, plus a term for a
  stretch the detector did not see) ``+ speed x stride / 2``;
- before its first and after its last detection: ``pre``/``post`` seconds plus the longest
  interval between two looks at a face, extrapolated along the track's speed, the padding
  growing with time (capped at ``max_pad`` face sizes);
- never across a scene cut (the track's shot bounds it);
- between two tracks of one group linked across a gap (linking.py ``gap_links``: the same
  place moments apart, inside one shot) when either is covered: the gap too, interpolated and
  padded as a gap inside one track is (the face was most likely there, undetected);
- a face too fast for the tracker is a new track at each look (``fast_links``: one ends and
  another starts a look or two later, a few face sizes on): when either is covered, the two
  are covered as one track moving from one to the other, before, between and after
  (``chase_boxes``);
- the padded box becomes the photo rule's face cover (media/cover.py ``face_cover``: an
  ellipse ``grow`` times the face, a rectangle where the picture's edge cuts it).

A name (text track; a line naming the school, the school's crest) is covered by a rectangle
over its padded box (labelled for what it hides: ``words.cover_label``), from one reading
interval before its first sighting to one after its last (the crest, a fixed shape: padded by
its size and motion, from where its place was last known clear to where it was first found
gone: ``params_for``); a name worn under a face (a badge, a lanyard
card: ``VideoTrack.rides``) is also covered wherever that face's cover is, at its place
relative to the face, padded as a name is (``ride_boxes``): a badge moves with its wearer, and
a fast crossing is read once at best.

Nothing here decodes a frame: the GUI asks ``covers_at`` for any time; the export paints the
same covers (render.py).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from photovet.core.media.cover import CARD_SIDE, CARD_UP, face_cover
from photovet.core.media.video.linking import fast_links, gap_links
from photovet.core.models import NAME_KINDS, Cover, VideoAnalysis, VideoTrack
from photovet.core.words import BADGE_COVER, cover_label, crest_track


@dataclass
class CoverParams:
    fps: float = 30.0
    stride: int = 3                 # frames between detector runs
    sample_gap: int = 15            # longest regular interval between looks at a face
    pre: float = 0.5                # seconds covered before the first detection (+ sample_gap)
    post: float = 0.5               # and after the last
    base_pad: float = 0.10          # x face size, every frame (detector jitter)
    gap_pad: float = 0.5            # x face size per second away from the nearest detection
    accel: float = 2.0              # face sizes / s^2: how far interpolation can be off
    speed_pad: float = 1.0          # x (px per frame x stride): speed error between samples
    max_pad: float = 1.5            # x face size: a long gap is a wide cover, not an endless one
    #: x size: the most the cover before the first sighting or after the last is padded when
    #: where the track was is not known (no ``clear_before`` / ``clear_after``; None: max_pad)
    far_pad: float | None = None
    #: a crest (a fixed shape whose outline is found whole): its motion is taken from a
    #: straight line through its sightings where they lie on one (``crest_motion``)
    crest: bool = False
    #: x size per s^2: how far a crest whose motion is known may leave its line before its
    #: first sighting or after its last where its place was not known clear (0.5 a t^2)
    crest_accel: float = 1.0


Box = tuple[float, float, float, float]


def kind_of(track: VideoTrack) -> str:
    """Which padding a track's cover has (``params_for``): "face", "text" or "crest"."""
    return "crest" if crest_track(track) else track.kind


def params_for(analysis: VideoAnalysis, kind: str = "face") -> CoverParams:
    """The padding for ``analysis``'s face tracks (or text tracks, or crest tracks), from how
    it was sampled.

    A crest (``kind`` "crest") is a fixed shape on a jumper or a banner, its outline found
    whole (vision/crest.py): padded by a tenth of its size and by its motion (it is searched
    for again every ``crest_follow`` frames while it moves), half its size at most; its cover
    starts and ends where its place was known clear (``VideoTrack.clear_before``,
    ``clear_after``), else as a name's. A name's padding (a reading interval before and
    after, up to twice its size around) is for a line read once a second whose reading is
    unsure: on a crest it started up to 2 s early and covered 5 times the crest's width."""
    s = analysis.sampling or {}
    fps = float(analysis.fps or 30.0)
    stride = int(s.get("stride", 3))
    if kind == "crest":
        every = max(1, int(round(float(s.get("ocr_every", 1.0) or 1.0) * fps)))
        follow = max(1, int(s.get("crest_follow", 2 * stride)))
        gap = float(s.get("ocr_every", 1.0) or 1.0)
        return CoverParams(fps=fps, stride=follow, sample_gap=every, pre=gap, post=gap,
                           base_pad=0.10, gap_pad=0.5, accel=2.0, speed_pad=1.0, max_pad=0.5,
                           far_pad=1.5, crest=True)
    if kind == "text":
        every = max(1, int(round(float(s.get("ocr_every", 1.0) or 1.0) * fps)))
        gap = float(s.get("ocr_every", 1.0) or 1.0)
        return CoverParams(fps=fps, stride=every, sample_gap=every, pre=gap, post=gap,
                           base_pad=0.25, gap_pad=1.0, accel=2.0, speed_pad=1.0, max_pad=2.0)
    fine = int(s.get("fine_every", 0) or 0)
    # a face lying sideways or upside down is looked for on the whole frame every
    # ``sideways_every`` frames, on a frequent pass (s42: one coming in while another turned
    # face is followed in a window is found only then; with video.fine_every 0 and a short
    # video.pre its first frames were left uncovered)
    turned = int(s.get("sideways_every", 0) or 0)
    turned = -(-turned // max(1, stride)) * max(1, stride)
    return CoverParams(fps=fps, stride=stride, sample_gap=max(stride, fine, turned),
                       pre=float(s.get("pre", 0.5)), post=float(s.get("post", 0.5)))


def _grow(box: Box, pad: float) -> Box:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def _between(a: Box, b: Box, u: float) -> Box:
    """The box a share ``u`` of the way from ``a`` to ``b``."""
    return (a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u,
            a[2] + (b[2] - a[2]) * u, a[3] + (b[3] - a[3]) * u)


def _size(box: Box) -> float:
    return max(box[2] - box[0], box[3] - box[1])


#: A crest's sightings lie on a straight line when none is further from it than this share of
#: its size (its outline is found to a few px: vision/crest.py); its motion is then known
#: (``crest_motion``), to this share of its size per sighting.
CREST_LINE = 0.1
CREST_ERROR = 0.05


def crest_motion(track: VideoTrack, follow: int) -> tuple[float, float, float] | None:
    """A crest track's motion (vx, vy px a frame, and how far off that may be, px a frame)
    when its sightings say it: three or more over two ``follow`` intervals or more (it is
    searched for again every ``follow`` frames while it moves), their centres on one straight
    line (least squares, none off it by more than CREST_LINE of its size). None when not: too
    few, too close together in time, or not on a line (it turned or changed speed)."""
    frames = track.frames
    if len(frames) < 3 or frames[-1] - frames[0] < 2 * max(1, follow):
        return None
    f = [float(x) for x in frames]
    cx = [(b[0] + b[2]) / 2 for b in track.boxes]
    cy = [(b[1] + b[3]) / 2 for b in track.boxes]
    n = len(f)
    fm = sum(f) / n
    var = sum((x - fm) ** 2 for x in f)
    if var <= 0:
        return None
    s = sum(_size(b) for b in track.boxes) / n
    fit = []
    for c in (cx, cy):
        cm = sum(c) / n
        v = sum((x - fm) * (y - cm) for x, y in zip(f, c)) / var
        fit.append(v)
        if any(abs(y - (cm + v * (x - fm))) > CREST_LINE * s for x, y in zip(f, c)):
            return None
    # a sighting's place is known to CREST_ERROR of its size: the speed over the sightings'
    # span to twice that over the span
    return fit[0], fit[1], 2 * CREST_ERROR * s / (frames[-1] - frames[0])


def _on_line(track: VideoTrack, f: int, box: Box, vx: float, vy: float) -> Box:
    """Where a crest moving along a known line (``crest_motion``) is on frame ``f``: centred
    on that line (every sighting carried to ``f`` along it, averaged: one outline may be off
    by more than a tenth of its size), as large as ``box`` or the sightings' middle size,
    whichever is larger, and covering ``box`` too."""
    n = len(track.frames)
    cx = sum((b[0] + b[2]) / 2 + vx * (f - g) for g, b in zip(track.frames, track.boxes)) / n
    cy = sum((b[1] + b[3]) / 2 + vy * (f - g) for g, b in zip(track.frames, track.boxes)) / n
    ws = sorted(b[2] - b[0] for b in track.boxes)
    hs = sorted(b[3] - b[1] for b in track.boxes)
    w = max(box[2] - box[0], ws[n // 2]) / 2
    h = max(box[3] - box[1], hs[n // 2]) / 2
    return _union((cx - w, cy - h, cx + w, cy + h), box)


def _off_picture(box: Box, size: tuple[int, int] | None) -> bool:
    return size is not None and (box[2] <= 0 or box[3] <= 0 or box[0] >= size[0]
                                 or box[1] >= size[1])


def track_boxes(track: VideoTrack, n_frames: int, p: CoverParams,
                size: tuple[int, int] | None = None) -> dict[int, Box]:
    """Frame -> padded box (x1, y1, x2, y2) for every frame ``track`` may be on screen:
    from ``pre`` + one sampling interval before its first detection to as long after its last
    (from ``clear_before`` to ``clear_after`` when known: a crest), inside its shot and the
    video.

    A crest (``p.crest``) is moved before its first sighting and after its last along its
    motion where that is known (``crest_motion``; from its line, ``_on_line``; where its
    place was not known clear: only until it is wholly out of the picture of ``size``, padded
    by how far off that motion may be and by ``crest_accel``, never by half its speed); where
    it is not, padded by a fifth of its size, not a tenth (one outline may be off by more than
    a tenth: a moving 80 px crest on a pan, 13-18 %); seen over less than one ``stride``
    (found twice on two frames), its speed says how fast, not which way: not moved, padded
    by its speed each frame; between two sightings, padded across by its speed across and
    down by its speed down (a diagonal's speed both ways made a small fast crest's cover
    too wide)."""
    out: dict[int, Box] = {}
    frames, boxes = track.frames, track.boxes
    if not frames:
        return out
    speed = math.hypot(track.vx, track.vy)
    fps = p.fps
    vx, vy, off = track.vx, track.vy, 0.5 * speed      # moved along, and its error a frame
    ax, ay = abs(vx), abs(vy)                           # a crest's speed across and down
    known = None
    if p.crest:
        known = crest_motion(track, p.stride)
        if known is not None:
            vx, vy, off = known
            speed = math.hypot(vx, vy)
            ax, ay = abs(vx), abs(vy)
        elif frames[-1] - frames[0] < p.stride:
            vx = vy = 0.0
            off = ax = ay = speed
    # a crest whose motion is not known: a fifth of its size (one outline of a moving crest
    # may be off by more than a tenth, and no line through the others makes up for it)
    first_pad = 2 * p.base_pad if p.crest and known is None else p.base_pad
    for k in range(len(frames)):
        fa, ba = frames[k], boxes[k]
        if k + 1 < len(frames):
            fb, bb = frames[k + 1], boxes[k + 1]
        else:
            fb, bb = fa, ba
        span = max(1, fb - fa)
        T = (fb - fa) / fps
        seg_speed = math.hypot((bb[0] + bb[2] - ba[0] - ba[2]) / 2,
                               (bb[1] + bb[3] - ba[1] - ba[3]) / 2) / span
        missed = max(0.0, T - p.stride / fps)      # time the detector did not see it
        for f in (range(fa, fb) if fb > fa else (fa,)):
            u = (f - fa) / span
            box = _between(ba, bb, u) if fb > fa else ba
            s = _size(ba) + (_size(bb) - _size(ba)) * u
            t = (f - fa) / fps
            k_pad = first_pad + min(p.max_pad, p.accel * t * (T - t) / 2.0
                                     + p.gap_pad * missed * min(t, T - t) / max(T, 1e-6))
            if p.crest:
                sx = abs(bb[0] + bb[2] - ba[0] - ba[2]) / 2 / span
                sy = abs(bb[1] + bb[3] - ba[1] - ba[3]) / 2 / span
                px = k_pad * s + p.speed_pad * max(sx, ax) * p.stride * 0.5
                py = k_pad * s + p.speed_pad * max(sy, ay) * p.stride * 0.5
                px, py = min(px, p.max_pad * s), min(py, p.max_pad * s)
                out[f] = (box[0] - px, box[1] - py, box[2] + px, box[3] + py)
                continue
            pad = k_pad * s + p.speed_pad * max(seg_speed, speed) * p.stride * 0.5
            out[f] = _grow(box, min(pad, p.max_pad * s))
    lo = track.shot_start
    hi = n_frames - 1 if track.shot_end is None else min(n_frames - 1, track.shot_end)
    n_pre = int(round(p.pre * fps)) + max(p.stride, p.sample_gap)
    n_post = int(round(p.post * fps)) + max(p.stride, p.sample_gap)
    far = p.max_pad if p.far_pad is None else p.far_pad
    cap_pre = cap_post = far
    clear_pre = clear_post = False
    if track.clear_before is not None and track.clear_before < frames[0]:
        n_pre, cap_pre, clear_pre = frames[0] - track.clear_before, p.max_pad, True
    if track.clear_after is not None and track.clear_after > frames[-1]:
        n_post, cap_post, clear_post = track.clear_after - frames[-1], p.max_pad, True
    for sign, anchor_f, anchor, n, cap, clear in (
            (-1, frames[0], boxes[0], n_pre, cap_pre, clear_pre),
            (1, frames[-1], boxes[-1], n_post, cap_post, clear_post)):
        if known is not None:
            anchor = _on_line(track, anchor_f, anchor, vx, vy)
        s = _size(anchor)
        for k in range(1, n + 1):
            f = anchor_f + sign * k
            if f < lo or f > hi:
                break
            dt = k / fps
            dx, dy = vx * sign * k, vy * sign * k
            box = (anchor[0] + dx, anchor[1] + dy, anchor[2] + dx, anchor[3] + dy)
            if known is not None and not clear:
                # a crest moving along a known line, its place not known clear: where that
                # line puts it until it is wholly out of the picture, padded by how far off
                # the line may be (its motion's error, and a change of speed since)
                if _off_picture(box, size):
                    break
                pad = min(cap * s, (p.base_pad + 0.5 * p.crest_accel * dt * dt) * s + off * k)
            else:
                pad = min(cap * s, (p.base_pad + p.gap_pad * dt) * s + off * k)
            if p.crest:
                # never less than between two sightings (``first_pad``; where its motion is
                # known it is carried on from its line, _on_line)
                pad = max(pad, min(cap * s, first_pad * s + p.speed_pad * speed * p.stride * 0.5))
            out[f] = _grow(box, pad)
    return {f: b for f, b in out.items() if lo <= f <= hi and 0 <= f < n_frames}


def ride_boxes(analysis: VideoAnalysis, track: VideoTrack) -> dict[int, Box]:
    """Frame -> padded box of name ``track`` where the faces it is worn under are
    (``track.rides``): each face track's detections moved to the name's place relative to the
    face (scaled with the face), padded and extended in time as that face's cover is, with a
    name's padding."""
    out: dict[int, Box] = {}
    if track.kind != "text" or not track.rides:
        return out
    by_id = {t.id: t for t in analysis.tracks if t.kind == "face"}
    face_p = params_for(analysis, "face")
    text_p = params_for(analysis, kind_of(track))
    p = CoverParams(fps=face_p.fps, stride=face_p.stride, sample_gap=face_p.sample_gap,
                    pre=face_p.pre, post=face_p.post, base_pad=text_p.base_pad,
                    gap_pad=face_p.gap_pad, accel=face_p.accel, speed_pad=face_p.speed_pad,
                    max_pad=text_p.max_pad)
    chained = _chains(list(by_id.values()), face_p.stride)
    for fid, rel in track.rides:
        if by_id.get(fid) is None or not by_id[fid].frames:
            continue
        face = _joined([by_id[i] for i in chained.get(fid, [fid])])
        boxes = []
        for b in face.boxes:
            s = _size(b)
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            boxes.append((cx + rel[0] * s, cy + rel[1] * s, cx + rel[2] * s, cy + rel[3] * s))
        follow = VideoTrack(id=track.id, kind="text", frames=list(face.frames), boxes=boxes,
                            shot_start=face.shot_start, shot_end=face.shot_end,
                            vx=face.vx, vy=face.vy)
        for f, box in track_boxes(follow, analysis.frame_count, p).items():
            out[f] = _union(out[f], box) if f in out else box
    return out


def _chains(faces: list[VideoTrack], stride: int) -> dict[int, list[int]]:
    """Face track id -> the ids of the tracks joined to it by fast links (``fast_links``), in
    time order, itself included: one face too fast for the tracker, look by look."""
    nxt: dict[int, list[int]] = {}
    for a, b in fast_links(faces, stride):
        nxt.setdefault(a, []).append(b)
        nxt.setdefault(b, []).append(a)
    first = {t.id: t.first_frame for t in faces}
    out: dict[int, list[int]] = {}
    for start in nxt:
        if start in out:
            continue
        seen, todo = {start}, [start]
        while todo:
            for j in nxt.get(todo.pop(), []):
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        chain = sorted(seen, key=lambda i: (first[i], i))
        for i in chain:
            out[i] = chain
    return out


def _joined(parts: list[VideoTrack]) -> VideoTrack:
    """Face tracks as one (a fast face's looks): every detection in time order (one box a
    frame: the union where two meet), the speed from the first to the last."""
    if len(parts) == 1:
        return parts[0]
    at: dict[int, Box] = {}
    for t in parts:
        for f, b in zip(t.frames, t.boxes):
            at[f] = _union(at[f], b) if f in at else b
    frames = sorted(at)
    a, b = at[frames[0]], at[frames[-1]]
    span = max(1, frames[-1] - frames[0])
    return VideoTrack(id=parts[0].id, kind="face", frames=frames, boxes=[at[f] for f in frames],
                      shot_start=parts[0].shot_start, shot_end=parts[-1].shot_end,
                      vx=(a[0] + a[2] - b[0] - b[2]) / -2 / span,
                      vy=(a[1] + a[3] - b[1] - b[3]) / -2 / span)


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def cover_boxes(analysis: VideoAnalysis, track: VideoTrack) -> dict[int, Box]:
    """Frame -> padded box of ``track``'s cover: its own (``track_boxes``) and, for a name worn
    under a face, where that face is (``ride_boxes``; on a frame with both, one box over both).
    """
    out = track_boxes(track, analysis.frame_count, params_for(analysis, kind_of(track)),
                      (analysis.width, analysis.height))
    for f, box in ride_boxes(analysis, track).items():
        out[f] = _union(out[f], box) if f in out else box
    return out


def card_bands(analysis: VideoAnalysis, track: VideoTrack) -> dict[int, list[Box]]:
    """Frame -> the covers over the rest of the badge a name is printed on (a text track
    decided with ``card``: ``policy.covers_card_track``), as a photo's ``cover.card_covers``:
    a band ``CARD_UP`` of the name's line heights above the line and ``CARD_SIDE`` of its
    width beside it, on every frame the name's own cover reaches (``track_boxes``, and
    ``ride_boxes`` where it is worn under a face), around the line where the track or the
    face puts it then (its size, at the middle of its padded box: the padding
    is for not knowing where it is, not for its size). The line itself is left out: covered
    by its own cover, or kept readable. {} for any other track. s45: the school's name printed
    small above a pupil's name on a badge was covered in photos only. (Measured from the
    padded box instead, the bands covered 30 % of a 640 x 360 picture around a kept name,
    the wearer's face with it.)"""
    if not track.card or track.kind != "text" or not track.boxes:
        return {}
    ws = sorted(float(b[2] - b[0]) for b in track.boxes)
    hs = sorted(float(b[3] - b[1]) for b in track.boxes)
    w, h = ws[len(ws) // 2], hs[len(hs) // 2]
    if w <= 0 or h <= 0:
        return {}
    side, up = max(3.0, CARD_SIDE * w), max(6.0, CARD_UP * h)
    out: dict[int, list[Box]] = {}
    places = [track_boxes(track, analysis.frame_count, params_for(analysis, kind_of(track)),
                          (analysis.width, analysis.height))]
    # where the faces it is worn under put it, as its own cover (``cover_boxes``; s45 audit:
    # a name read once on a running pupil's badge was covered along her path, the rest of
    # the badge only where it was read), each face on its own (``ride_boxes`` joins them)
    places += [ride_boxes(analysis, dataclasses.replace(track, rides=[r])) for r in track.rides]
    for boxes in places:
        for f, (x0, y0, x1, y1) in boxes.items():
            cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
            left, top, right, bottom = cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0
            out.setdefault(f, []).extend([
                (left - side, top - up, right + side, top),     # above, the full width
                (left - side, top, left, bottom),                # to the left of the line
                (right, top, right + side, bottom)])             # to the right of the line
    return out


def _rect_cover(box: Box, size: tuple[int, int], label: str) -> Cover | None:
    """A text's rectangle cover: ``box`` (x1, y1, x2, y2) clipped to a picture of ``size``,
    out to whole pixels; None when nothing of it is on the picture."""
    w, h = size
    x1, y1 = max(0.0, box[0]), max(0.0, box[1])
    x2, y2 = min(float(w), box[2]), min(float(h), box[3])
    if x2 <= x1 or y2 <= y1:
        return None
    xi, yi = int(math.floor(x1)), int(math.floor(y1))
    return Cover("rect", box=(xi, yi, int(math.ceil(x2)) - xi, int(math.ceil(y2)) - yi),
                 source="text", label=label)


def _band_cover(box: Box, size: tuple[int, int]) -> Cover | None:
    """A band of a badge's cover (``card_bands``) on a picture of ``size``."""
    return _rect_cover(box, size, BADGE_COVER)


def cover_span(analysis: VideoAnalysis, track: VideoTrack) -> tuple[float, float] | None:
    """When ``track``'s own cover is on the picture (``cover_boxes``: what is published where
    it is covered): the times (s) of its first and last frame; None when it has none. A crest
    or a name is covered before it was first seen and after it was last seen (its padding):
    the player says this span, not only when it was seen (the command says ``track_span``)."""
    size = (analysis.width, analysis.height)
    on = [f for f, b in cover_boxes(analysis, track).items()
          if not (size[0] and size[1]) or not _off_picture(b, size)]
    if not on:
        return None
    return analysis.time_of(min(on)), analysis.time_of(max(on))


def bridge_boxes(a: VideoTrack, b: VideoTrack, n_frames: int, p: CoverParams) -> dict[int, Box]:
    """Frame -> padded box for the frames strictly between ``a``'s last detection and ``b``'s
    first (a gap link): the two ends joined as one track would join two detections."""
    join = VideoTrack(id=a.id, kind=a.kind, frames=[a.last_frame, b.first_frame],
                      boxes=[a.boxes[-1], b.boxes[0]], shot_start=a.shot_start,
                      shot_end=a.shot_end)
    return {f: box for f, box in track_boxes(join, n_frames, p).items()
            if a.last_frame < f < b.first_frame}


def chase_boxes(a: VideoTrack, b: VideoTrack, n_frames: int, p: CoverParams) -> dict[int, Box]:
    """Frame -> padded box for a fast link: the two tracks' detections as one track, its speed
    the jump from ``a``'s last box to ``b``'s first, so the cover follows the face between the
    two looks and goes on before the first and after the last as a track's does."""
    ea, sb = a.boxes[-1], b.boxes[0]
    gap = max(1, b.first_frame - a.last_frame)
    vx = (sb[0] + sb[2] - ea[0] - ea[2]) / 2 / gap
    vy = (sb[1] + sb[3] - ea[1] - ea[3]) / 2 / gap
    join = VideoTrack(id=a.id, kind="face", frames=list(a.frames) + list(b.frames),
                      boxes=list(a.boxes) + list(b.boxes), shot_start=a.shot_start,
                      shot_end=a.shot_end if a.shot_end is not None else b.shot_end,
                      vx=vx, vy=vy)
    return track_boxes(join, n_frames, p)


def bridges(analysis: VideoAnalysis, tracks: Iterable[VideoTrack] | None = None
            ) -> list[tuple[VideoTrack, dict[int, Box]]]:
    """(the covered track a bridge is drawn for, its boxes) for every gap link (linking.py) and
    every fast link (``fast_links``) of which at least one track is covered, among ``tracks``
    (default: all)."""
    chosen = list(tracks) if tracks is not None else list(analysis.tracks)
    by_id = {t.id: t for t in chosen}
    p = params_for(analysis, "face")
    out = []
    for ia, ib in gap_links(chosen, analysis.fps):
        a, b = by_id[ia], by_id[ib]
        owner = a if is_covered(a) else b if is_covered(b) else None
        if owner is not None:
            out.append((owner, bridge_boxes(a, b, analysis.frame_count, p)))
    for ia, ib in fast_links(chosen, p.stride):
        a, b = by_id[ia], by_id[ib]
        owner = a if is_covered(a) else b if is_covered(b) else None
        if owner is not None:
            out.append((owner, chase_boxes(a, b, analysis.frame_count, p)))
    return out


def track_span(analysis: VideoAnalysis, track: VideoTrack) -> tuple[int, int]:
    """First and last frame the track's cover is on (padding included)."""
    boxes = cover_boxes(analysis, track)
    if not boxes:
        return track.first_frame, track.last_frame
    return min(boxes), max(boxes)


def cover_shape(track: VideoTrack, box: Box, size: tuple[int, int], grow: float) -> Cover | None:
    """The Cover painted for ``track`` over padded ``box`` on a picture of ``size``."""
    w, h = size
    if track.kind == "text":
        # labelled for what it hides: a name, or the school's name, crest... (core/words.py)
        return _rect_cover(box, size, cover_label(track))
    x1, y1, x2, y2 = box
    if x2 <= 0 or y2 <= 0 or x1 >= w or y1 >= h:
        return None
    return face_cover((x1, y1, x2 - x1, y2 - y1), size, grow=grow)


def is_covered(track: VideoTrack) -> bool:
    """Fail closed: a face track is covered unless it is decided "show"; a name unless "keep"."""
    if track.kind == "text":
        return track.decision != "keep"
    return track.decision != "show"


class CoverPlan:
    """Every cover of a decided video, by frame (what the export paints and the GUI previews).

    Built once per decision (a few numbers per covered track and frame); ``at(frame)`` is then
    a dictionary look-up. ``only`` selects which tracks: the covered ones (default), or any
    decision (the GUI shows shown tracks as outlines)."""

    def __init__(self, analysis: VideoAnalysis, *, grow: float = 1.4,
                 tracks: Iterable[VideoTrack] | None = None, decision: str | None = "cover"):
        self.size = (analysis.width, analysis.height)
        self.grow = float(grow)
        self.by_frame: dict[int, list[tuple[int, Cover]]] = {}
        chosen = list(tracks) if tracks is not None else list(analysis.tracks)
        for t in chosen:
            if decision == "cover" and not is_covered(t):
                continue
            if decision not in (None, "cover") and t.decision != decision:
                continue
            for f, box in cover_boxes(analysis, t).items():
                c = cover_shape(t, box, self.size, self.grow)
                if c is not None:
                    self.by_frame.setdefault(f, []).append((t.id, c))
        if decision == "cover":
            # the rest of a badge, whether its name is covered or kept (s45; not a track's
            # outline: the app's timeline draws each track's own)
            for t in chosen:
                for f, bands in card_bands(analysis, t).items():
                    for band in bands:
                        c = _band_cover(band, self.size)
                        if c is not None:
                            self.by_frame.setdefault(f, []).append((t.id, c))
        for t, boxes in bridges(analysis, chosen):
            if decision not in (None, "cover") and t.decision != decision:
                continue
            for f, box in boxes.items():
                c = cover_shape(t, box, self.size, self.grow)
                if c is not None:
                    self.by_frame.setdefault(f, []).append((t.id, c))

    def at(self, frame: int) -> list[Cover]:
        return [c for _tid, c in self.by_frame.get(int(frame), ())]

    def tracks_at(self, frame: int) -> list[tuple[int, Cover]]:
        return list(self.by_frame.get(int(frame), ()))

    def frames(self) -> list[int]:
        return sorted(self.by_frame)


def covers_at(analysis: VideoAnalysis, seconds: float, *, grow: float = 1.4) -> list[Cover]:
    """The covers on the frame shown at ``seconds`` (display pixels of the analysed video)."""
    frame = analysis.frame_at(seconds)
    out: list[Cover] = []
    for t in analysis.tracks:
        if not is_covered(t):
            continue
        box = cover_boxes(analysis, t).get(frame)
        if box is not None:
            c = cover_shape(t, box, (analysis.width, analysis.height), grow)
            if c is not None:
                out.append(c)
    for t in analysis.tracks:
        for band in card_bands(analysis, t).get(frame, ()):
            c = _band_cover(band, (analysis.width, analysis.height))
            if c is not None:
                out.append(c)
    for t, boxes in bridges(analysis):
        box = boxes.get(frame)
        if box is not None:
            c = cover_shape(t, box, (analysis.width, analysis.height), grow)
            if c is not None:
                out.append(c)
    return out



def report_frame(analysis: VideoAnalysis) -> float:
    """The time of the frame a report shows of a video (s33): the middle one, said halfway
    to the next frame's start so that reading the exported file there gives that frame
    whatever its clock rounds to. 0.0 for a video of no frames."""
    times = analysis.frame_times
    if not times:
        return 0.0
    m = len(times) // 2
    nxt = times[m + 1] if m + 1 < len(times) else times[m] + 1.0 / float(analysis.fps or 30.0)
    return round((times[m] + nxt) / 2.0, 6)


def shown_at(analysis: VideoAnalysis, seconds: float
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the decided ``analysis`` leaves visible on the frame shown at ``seconds``, as a
    photo's export record keeps it (``ExportResult.faces_shown``, ``names_kept``): every face
    track not covered whose (padded) box is on that frame, as fractions of the picture (x, y,
    w, h) and whom it is shown as ('' nobody), and every name left readable there (its
    corners) and whose. Nothing here decodes the frame: faces the tracker never found are not
    known (as in a photo, where a face the detector missed is not covered either)."""
    frame = analysis.frame_at(seconds)
    w, h = float(analysis.width or 0), float(analysis.height or 0)
    faces: list[dict[str, Any]] = []
    names: list[dict[str, Any]] = []
    if w <= 0 or h <= 0:
        return faces, names
    for t in analysis.tracks:
        if is_covered(t) or (t.kind == "text" and not (t.person or t.text_kind in NAME_KINDS)):
            continue
        box = cover_boxes(analysis, t).get(frame)
        if box is None:
            continue
        x1, y1 = max(0.0, box[0]) / w, max(0.0, box[1]) / h
        x2, y2 = min(w, box[2]) / w, min(h, box[3]) / h
        if x2 <= x1 or y2 <= y1:
            continue
        if t.kind == "text":
            names.append({"polygon": [[x1, y1], [x2, y1], [x2, y2], [x1, y2]],
                          "person": t.person or ""})
        else:
            faces.append({"box": [round(x1, 5), round(y1, 5), round(x2 - x1, 5),
                                  round(y2 - y1, 5)], "person": t.person or ""})
    return faces, names


__all__ = ["CoverParams", "CoverPlan", "card_bands", "kind_of", "bridge_boxes", "bridges",
           "chase_boxes", "cover_boxes", "cover_shape", "cover_span", "covers_at", "crest_motion",
           "fast_links", "is_covered", "params_for", "report_frame", "ride_boxes", "shown_at",
           "track_boxes", "track_span"]
