"""Faces (and names) across time: detections made on sampled frames joined into tracks.

Pure (numpy only, no model, no I/O): tested with made-up detections.

At each sampled frame, every open track predicts its box (constant velocity, smoothed); a
detection may join a track when their IoU is at least ``iou_gate`` *or* their centres are
closer than ``dist_gate`` face sizes (the gate widens while the track coasts) with sizes within
2x, so small fast faces, whose boxes no longer overlap between samples, stay one track. Pairs
are taken best first.

Ambiguity splits: when a detection could join two tracks, or a track could take two
detections, and the second choice is at least ``ambiguity`` times as good as the first, the
tracks involved end there and new tracks start. Identity must never flow from one person to
another through a crossing: a track that is shown (a pupil with consent) must contain nobody
else, whatever it costs in track count.

A track that finds nothing coasts on its prediction; after ``max_gap`` seconds without a
detection it ends. A scene cut ends every track (``cut``): nobody's identity, and no cover,
crosses into the next shot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from photovet.core.geometry import corner_iou, float_box
from photovet.core.models import VideoTrack


@dataclass
class Det:
    """One detection on one frame: a box (x1, y1, x2, y2), display pixels."""

    frame: int
    box: tuple[float, float, float, float]
    score: float = 1.0
    landmarks: tuple[float, ...] | None = None
    payload: object = None           # what else the caller wants to keep (a text reading)
    #: a small picture of the face (video analysis ``face_look``), to see another face take its
    #: place from one look to the next
    look: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2.0

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2.0

    @property
    def w(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def h(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def size(self) -> float:
        return max(self.w, self.h)


@dataclass
class _Track:
    id: int
    dets: list[Det] = field(default_factory=list)
    vx: float = 0.0          # px per frame, smoothed
    vy: float = 0.0
    vs: float = 0.0          # size change per frame
    closed: bool = False
    shot_start: int = 0
    shot_end: int | None = None

    @property
    def last(self) -> int:
        return self.dets[-1].frame

    def size(self) -> float:
        return self.dets[-1].size

    def predict(self, frame: int) -> tuple[float, float, float, float]:
        d = self.dets[-1]
        dt = frame - d.frame
        cx, cy = d.cx + self.vx * dt, d.cy + self.vy * dt
        w = max(2.0, d.w + self.vs * dt)
        h = max(2.0, d.h + self.vs * dt * (d.h / max(d.w, 1e-6)))
        return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    def add(self, det: Det, alpha: float = 0.5) -> None:
        if self.dets:
            p = self.dets[-1]
            dt = max(1, det.frame - p.frame)
            vx, vy = (det.cx - p.cx) / dt, (det.cy - p.cy) / dt
            vs = (det.size - p.size) / dt
            if len(self.dets) == 1:
                self.vx, self.vy, self.vs = vx, vy, vs
            else:
                self.vx = alpha * vx + (1 - alpha) * self.vx
                self.vy = alpha * vy + (1 - alpha) * self.vy
                self.vs = alpha * vs + (1 - alpha) * self.vs
        self.dets.append(det)


@dataclass
class TrackerParams:
    fps: float = 30.0
    iou_gate: float = 0.2
    dist_gate: float = 0.8          # centre distance / face size
    ambiguity: float = 0.8          # second-best affinity >= this x best: split
    max_gap: float = 1.5            # seconds a track coasts without a detection
    size_ratio: float = 2.0         # sizes within this factor may be the same face


class Tracker:
    """Online association of sampled detections into tracks (module notes)."""

    def __init__(self, params: TrackerParams | None = None):
        self.p = params or TrackerParams()
        self._tracks: list[_Track] = []
        self._next = 0
        self.shot_start = 0
        self.cuts: list[int] = []

    @property
    def active(self) -> list[_Track]:
        return [t for t in self._tracks if not t.closed]

    def cut(self, frame: int) -> None:
        """A scene cut: ``frame`` is the first frame of a new shot; every track ends."""
        for t in self.active:
            t.closed = True
            t.shot_end = frame - 1
        self.shot_start = frame
        self.cuts.append(frame)

    def _affinity(self, t: _Track, pred: tuple[float, float, float, float], d: Det) -> float:
        """0: cannot be the same face; higher: better."""
        size = max(t.size(), 1.0)
        if not (1.0 / self.p.size_ratio <= d.size / size <= self.p.size_ratio):
            return 0.0
        ov = corner_iou(pred, d.box)
        pcx, pcy = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2
        dist = math.hypot(d.cx - pcx, d.cy - pcy) / size
        gap = (d.frame - t.last) / self.p.fps
        gate = self.p.dist_gate * (1.0 + 2.0 * gap)
        close = max(0.0, 1.0 - dist / gate)
        if ov < self.p.iou_gate and close <= 0:
            return 0.0
        return max(ov, 0.5 * close) + 1e-6

    def _new(self, d: Det) -> _Track:
        t = _Track(self._next, shot_start=self.shot_start)
        self._next += 1
        t.add(d)
        self._tracks.append(t)
        return t

    def update(self, frame: int, dets: Sequence[Det]) -> None:
        """The detections found on sampled ``frame`` (every face, already merged)."""
        for t in self.active:
            if (frame - t.last) / self.p.fps > self.p.max_gap:
                t.closed = True
        act = self.active
        preds = [t.predict(frame) for t in act]
        a = np.zeros((len(act), len(dets)))
        for i, t in enumerate(act):
            for j, d in enumerate(dets):
                a[i, j] = self._affinity(t, preds[i], d)
        split_t: set[int] = set()
        split_d: set[int] = set()
        if self.p.ambiguity <= 1.0:
            for i in range(len(act)):
                row = np.sort(a[i])[::-1]
                if len(row) > 1 and row[1] > 0 and row[1] >= self.p.ambiguity * row[0]:
                    split_t.add(i)
                    split_d.update(np.nonzero(a[i] >= self.p.ambiguity * row[0])[0].tolist())
            for j in range(len(dets)):
                col = np.sort(a[:, j])[::-1]
                if len(col) > 1 and col[1] > 0 and col[1] >= self.p.ambiguity * col[0]:
                    split_d.add(j)
                    split_t.update(np.nonzero(a[:, j] >= self.p.ambiguity * col[0])[0].tolist())
        used_t, used_d = set(split_t), set(split_d)
        for i in split_t:
            act[i].closed = True
        for j in sorted(split_d):
            self._new(dets[j])
        pairs = sorted(((a[i, j], i, j) for i in range(len(act)) for j in range(len(dets))
                        if a[i, j] > 0), reverse=True)
        for _score, i, j in pairs:
            if i in used_t or j in used_d:
                continue
            act[i].add(dets[j])
            used_t.add(i)
            used_d.add(j)
        for j, d in enumerate(dets):
            if j not in used_d:
                self._new(d)

    def finish(self, kind: str = "face", first_id: int = 0,
               times: Sequence[float] | None = None) -> list[VideoTrack]:
        """Every track as a ``VideoTrack`` (ids from ``first_id``); ``times``: frame times."""
        out = []
        for k, t in enumerate(self._tracks):
            t.closed = True
            fr = [d.frame for d in t.dets]
            out.append(VideoTrack(
                id=first_id + k, kind=kind, frames=fr,
                boxes=[float_box(d.box) for d in t.dets],
                scores=[float(d.score) for d in t.dets], shot_start=t.shot_start,
                shot_end=t.shot_end, vx=float(t.vx), vy=float(t.vy),
                first_time=float(times[fr[0]]) if times is not None and fr[0] < len(times) else 0.0,
                last_time=float(times[fr[-1]]) if times is not None and fr[-1] < len(times) else 0.0))
        return out

    def raw(self) -> list[list[Det]]:
        """The detections of each track (in track order), for the caller's own bookkeeping."""
        return [list(t.dets) for t in self._tracks]


__all__ = ["Det", "Tracker", "TrackerParams"]
