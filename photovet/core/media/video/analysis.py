"""Pass 1: what is in a video, independent of any channel (cached like a photo's analysis).

One decode of the whole clip, one frame in memory at a time:

- scene cuts from a 64 x 36 luma thumbnail taken straight from the decoded plane: frame i-1
  starts a new shot when it differs from frame i-2 by more than ``cut_threshold`` *and* so does
  frame i (a camera flash changes one frame and is ignored); every track ends at a cut;
- faces on sampled frames (``FaceEngine.detect_passes``): the frame scaled to
  ``det_long_side`` every ``stride`` frames and on the last frame, and at its own resolution
  in tiles every ``fine_every`` frames; detections join tracks (tracking.py) one frame late, so a cut is
  known before a frame's detections join anything, and, when names are read, always then,
  however busy the detector's thread is (what the reads below see of the faces depends on the
  file alone);
  faces lying sideways or upside down (a child lying down or hanging from a climbing frame, a
  picture shown turned): the frequent pass's frame turned 90, 180 and 270 degrees
  (``FaceEngine.detect_turned_looks``, its faces kept where no upright one is) every
  ``sideways_every`` frames (as often as the fine pass, 0.5 s at 30 fps: a cover starts
  ``pre`` = 0.5 s before a track's first detection, so a face found that late is still covered
  from when it came), and for ``sideways_keep`` seconds after one was found, on every frequent
  pass, a window around it at every turn (``follow_looks``), or, where more than one face was
  found at a turn (a video shown turned), that turn on the whole frame; so its cover follows
  it as closely as an upright face's (s42: before, both sideways turns on the whole frame
  after any find: one stray box on an upright clip cost as much as the look itself);
- for recognition, each face track keeps its best crop per stretch of time (score x size x
  frontalness; stretches start at 1 s and double when there are more than ``crops_per_track``,
  so memory stays bounded and the samples stay spread over the track's life), and each part
  of it found again after a gap or a jump, or where its face becomes too small to read or
  readable again, or where the face itself changes from one look to the next (``face_look``,
  read on the detector's scaled frame as it is found) (``part_break``: perhaps another face the
  tracker carried it on with) keeps a crop of its own;
- names: every ``ocr_every`` seconds the frame is read (the photo text engine, badge areas below
  faces first) and lines that are, or may be, names become text tracks, and so do lines that
  name the school, marked as a photo's are (``school.mark_school_texts``: the school's own
  words, or a line shaped like any school's name, unsure); a face whose track
  began after the last read is read once more as soon as it is seen twice (a badge crossing
  the picture between two reads); and a part of the picture that changed since the last read
  and has settled is read at once, that part only (``changed_since_read``: a name card or a
  caption on screen for less than a second, a new shot); a part that changed and does not
  settle (a camera pan, a card carried across) is read every quarter of a reading interval
  (``moved_since_read``), and a name found is read again every ``stride`` frames where it is
  going while it moves (``_followed``; on the next frame too when it was found once), so its
  cover follows it; and a part that changed since it was read and looks like text
  (``text_since_read``: sharp steps close together) is read at once, at most every
  ``TEXT_GAP`` frames, so a card on screen that long is read however short. A name read
  below a face (``names.worn``) rides on that face track (``VideoTrack.rides``): its cover
  follows the face from the track's first frame to its last, where the badge was on screen
  but not read;
- the school's crest (``crest_matcher``: vision/crest.py, the photo's search, on frames already
  decoded): the whole picture once a reading interval (``ocr_every``, the frames whose text is
  read as a whole) and on the first frame after a scene cut, the parts that changed since they
  were searched (a change detector of its own: at once when they settle, a banner held up;
  every CREST_MOVING reading intervals when not, a banner carried across; in a large picture
  a block where one sample changed a lot has changed too: a crest under half a block,
  ``crest_moved``), and around each
  crest found, every ``CREST_FOLLOW`` x ``stride`` frames while it moves (``_crest_followed``,
  as names are followed), so its cover follows it. Crests found join tracks of their own (a
  third tracker) and become text tracks naming the school (``school`` "crest", unsure when no
  match of the track was sure): policy decides them as a photo's crest (``track_as_text``).
  Each knows where its place was last known clear before it was found and first found empty
  after (``VideoTrack.clear_before``, ``clear_after``): its cover starts and ends there.
  A crest worn under a face rides on it as a badge does. And, with the school's words set,
  the photo's zoomed second look for them in small print around the names read
  (``school.find_small_school_text``), on whole reads only, once per name followed
  (``_small_print``).

At the end each face track is recognised from its crops: RECOGNISED as P only when every crop
that could be encoded says P (and at least two do, when two were kept), and every part of it
had a crop; any disagreement, near miss or part nobody could read makes it UNCERTAIN. Two
tracks on screen at the same time cannot both be P: both become uncertain. Nothing here
decides show or cover (policy.decide_video does, per channel).

Which tracks may be one person (``same_faces``): the tracker splits a child it loses for a
moment, and linking.py joins only what it is sure of. So every track's crops are also encoded
with the current signature model (whether or not anyone is enrolled), and each track lists the
other tracks of the clip never seen on a frame with it whose nearest pair of signatures is
within ``same_limit`` (``VideoTrack.same_as``: ids and distances only; the signatures are
dropped here, as the recognition's are). ``VideoTrack.views`` says how many signatures a track
had: 0 means its appearance is not known (every view under ``min_encode_px``, or no landmarks),
and policy then cannot rule it out (policy.same_face_refused).
"""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photovet.core import logs
from photovet.core.errors import VideoError
from photovet.core.geometry import corner_iou, float_box, merge_overlapping
from photovet.core.media.video.reader import (
    VIDEO_GATE,
    Frame,
    PinnedVideo,
    VideoInfo,
    display_rgb,
    iter_frames,
    luma,
    probe,
)
from photovet.core.media.video.tracking import Det, Tracker, TrackerParams
from photovet.core.memory import release
from photovet.core.models import NAME_KINDS, Face, MatchStatus, VideoAnalysis, VideoTrack
from photovet.core.vision.faces.signatures import CURRENT, signable

log = logs.get("video")


@dataclass
class VideoParams:
    """How a video is sampled (from ``settings.video``; see settings.VideoSettings)."""

    det_long_side: int = 960
    stride: int = 3
    fine_every: int = 15
    threshold: float = 0.3
    tile: int = 1024
    ocr_every: float = 1.0
    cut_threshold: float = 0.45
    max_gap: float = 1.5
    pre: float = 0.5
    post: float = 0.5
    threads: int = 2                 # decoder threads
    crops_per_track: int = 6
    min_encode_px: int = 40          # smaller faces are not encoded (covered)
    text_min_score: float = 0.5
    #: two tracks whose nearest signatures are closer than this may be one person (SFace
    #: distance; 0: not looked for). The photo matcher's widest "near": the staff accept
    #: distance + the uncertain band (module notes; calibration in same_faces)
    same_limit: float = 1.03
    #: nobody enrolled: signatures of only this many best crops per track, for its appearance
    #: alone (an SFace run each; 6 cost 20 % of a 360p clip's analysis, 3 about 10 %)
    appearance_views: int = 3
    #: faces lying sideways or upside down (the picture shown turned, a child lying down or
    #: hanging from a climbing frame): the frequent pass's frame turned each of
    #: ``turned_quarters`` quarter turns (1: 90 degrees, 2: 180, 3: 270) is searched too
    #: (``FaceEngine.detect_turned_looks``) every ``sideways_every`` frames (0: never), and,
    #: for ``sideways_keep`` seconds after a face was found at one turn, that turn on every
    #: frequent pass in a window around it (``sideways_margin`` of its side on each side), so
    #: its track is followed as an upright face's is; where the windows would cover more than
    #: ``sideways_window_share`` of the frame, the whole frame at that turn
    sideways_every: int = 15
    sideways_keep: float = 1.5
    sideways_threshold: float = 0.3     # the frequent pass's own (``threshold``)
    turned_quarters: tuple[int, ...] = (1, 2, 3)
    sideways_margin: float = 1.0
    sideways_window_share: float = 0.5
    sideways_window_faces: int = 1

    @classmethod
    def from_settings(cls, settings: Any) -> VideoParams:
        v = settings.video
        det = settings.detection
        turned = tuple(sorted(((1, 3) if det.sideways else ()) + ((2,) if det.upside_down
                                                                   else ())))
        return cls(det_long_side=v.det_long_side, stride=v.stride, fine_every=v.fine_every,
                   threshold=v.threshold, tile=v.tile, ocr_every=v.ocr_every,
                   cut_threshold=v.cut_threshold, max_gap=v.max_gap, pre=v.pre, post=v.post,
                   threads=max(1, min(2, settings.performance.core_count())),
                   min_encode_px=settings.recognition.min_face_px,
                   text_min_score=settings.text.min_score,
                   same_limit=same_limit(settings.recognition),
                   sideways_every=(v.fine_every or 15) if turned else 0,
                   sideways_threshold=v.threshold, turned_quarters=turned)

    def sampling(self) -> dict[str, Any]:
        return {"det_long_side": self.det_long_side, "stride": self.stride,
                "fine_every": self.fine_every, "threshold": self.threshold,
                "ocr_every": self.ocr_every, "pre": self.pre, "post": self.post,
                "sideways_every": self.sideways_every, "sideways_keep": self.sideways_keep,
                "sideways_threshold": self.sideways_threshold,
                "turned_quarters": list(self.turned_quarters),
                "sideways_margin": self.sideways_margin,
                "sideways_window_share": self.sideways_window_share,
                "sideways_window_faces": self.sideways_window_faces}


def same_limit(recognition: Any) -> float:
    """How near two tracks' signatures must be for them to be perhaps one person: the widest
    distance at which the photo matcher still says a face is near someone (``Match.near``: the
    staff accept distance, the looser one, + the uncertain band)."""
    return float(max(recognition.pupil_distance, recognition.staff_distance)
                 + recognition.uncertain_band)


# --------------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------------

def _overlap(a: Any, b: Any) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def newest_boxes(hits: dict[int, list[tuple[int, Any]]]) -> list[tuple[int, Any]]:
    """The faces among ``hits`` (per quarter turn, (frame, box)), each by its newest box and
    the turn it was found at then: an older box overlapping a newer one of a later frame, at
    whatever turn, is that face before it moved (a chain: each look's box overlaps the next
    one's while it moves less than its size a look; a face lying aslant is found at one turn,
    then another)."""
    seen: list[tuple[int, Any]] = []
    kept = []
    every = sorted(((f, q, b) for q, hs in hits.items() for f, b in hs), key=lambda h: -h[0])
    for f, q, b in every:
        if not any(g > f and _overlap(b, o) for g, o in seen):
            kept.append((q, b))
        seen.append((f, b))
    return kept


def follow_looks(hits: dict[int, list[tuple[int, Any]]], quarters: tuple[int, ...],
                 scale: tuple[float, float], size: tuple[int, int], *, margin: float,
                 most_faces: int, share: float
                 ) -> list[tuple[int, tuple[int, int, int, int] | None]]:
    """The turned looks of a frequent pass between two whole-frame ones, after faces were
    found turned (``hits``: per quarter turn, (frame, box in the caller's pixels) of each
    found in the last ``sideways_keep`` seconds): a window around each face (its newest box,
    ``margin`` of its side on every side, in the pass's pixels: the caller's / ``scale``;
    windows that overlap merged) searched at every turn of ``quarters`` (a face lying
    aslant is found at one turn, then at another); a turn more than ``most_faces`` faces were
    found at, or whose windows would cover more than ``share`` of the picture (``size``,
    the pass's), searched on the whole picture instead (a picture shown turned, a group lying
    down), and then so is any turn when all the windows together would. (quarters, window
    x0, y0, x1, y1 or None: the whole picture). Pure."""
    kx, ky = scale
    aw, ah = size

    def window(b: Any) -> list[int]:
        x0, y0, x1, y1 = b[0] / kx, b[1] / ky, b[2] / kx, b[3] / ky
        m = margin * max(x1 - x0, y1 - y0, 16.0)
        return [max(0, int(x0 - m)), max(0, int(y0 - m)),
                min(aw, int(math.ceil(x1 + m))), min(ah, int(math.ceil(y1 + m)))]

    def merged(wins: list[list[int]]) -> list[tuple[int, int, int, int]]:
        # windows that overlap joined, however much they waste (never wider than the picture)
        return merge_overlapping(wins, max(aw, ah), waste=math.inf)

    def area(wins: list[tuple[int, int, int, int]]) -> int:
        return sum((w[2] - w[0]) * (w[3] - w[1]) for w in wins)

    found = newest_boxes(hits)
    whole: list[int] = []
    for q in quarters:
        mine = [b for fq, b in found if fq == q]
        if mine and (len(mine) > most_faces
                     or area(merged([window(b) for b in mine])) > share * aw * ah):
            whole.append(q)
    faces = [b for fq, b in found if fq not in whole]
    wins = merged([window(b) for b in faces])
    if wins and area(wins) > share * aw * ah:
        whole = sorted(set(whole) | {fq for fq, _b in found})
        wins = []
    looks: list[tuple[int, tuple[int, int, int, int] | None]] = [(q, None) for q in whole]
    looks += [(q, (w[0], w[1], w[2], w[3])) for q in quarters if q not in whole for w in wins]
    return looks


def scaled_size(w: int, h: int, long_side: int) -> tuple[int, int]:
    """The frame scaled to ``long_side`` (never up), sides rounded to multiples of 32 (the
    detector's stride: nothing wasted on padding)."""
    s = min(1.0, long_side / max(w, h))
    if s >= 1.0:
        return w, h
    return max(32, int(round(w * s / 32)) * 32), max(32, int(round(h * s / 32)) * 32)


def thumb(y_plane: np.ndarray) -> np.ndarray:
    """About 64 x 36 luma samples normalised for brightness and contrast (a cut changes the
    picture; a light change does not)."""
    h, w = y_plane.shape
    sy, sx = max(1, h // 36), max(1, w // 64)
    t = y_plane[::sy, ::sx][:36, :64].astype(np.float32)
    return (t - t.mean()) / (t.std() + 8.0)


def display_luma(y_plane: np.ndarray, rotation: int, mirror: bool = False) -> np.ndarray:
    """The luma plane turned as the picture is shown (a view, no copy; ``mirror``: flipped
    left to right first, reader.orientation_of)."""
    k = (int(rotation) // 90) % 4
    if mirror:
        y_plane = y_plane[:, ::-1]
    return np.rot90(y_plane, k) if k else y_plane


class MirroredText:
    """The text engine for a mirrored video's picture (reader.orientation_of): a player shows it
    mirrored, so its writing reads backwards ("Tori Hale" was read "9lsH inoT" and not taken
    for a name, s64); each picture given is read flipped back left to right, and what is read
    is put back in that picture's own pixels (corners in the order read: top left, top right,
    bottom right, bottom left). The places are the picture's as shown, as every other place
    the analysis finds."""

    def __init__(self, engine: Any):
        self.engine = engine

    def read(self, image: Image.Image, focus: Sequence[Sequence[float]] = (), *,
             scale: float | None = None) -> list[Any]:
        from PIL import ImageOps  # noqa: PLC0415

        w = image.width
        back = [(w - a[2], a[1], w - a[0], a[3], *a[4:]) for a in focus]
        kw = {"scale": scale} if scale is not None else {}
        out = []
        for poly, text, score in self.engine.read(ImageOps.mirror(image), back, **kw):
            pts = [(w - float(x), float(y)) for x, y in poly]
            if len(pts) == 4:
                pts = [pts[1], pts[0], pts[3], pts[2]]
            out.append((pts, text, score))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


class MirroredCrests:
    """The crest search for a mirrored video's picture: the school's crest is shown mirrored
    and the search's features (vision/crest.py, ORB) are not mirror-blind (s64: a crest on a
    still found with 80 matching points was not found mirrored; on a 1.2 s mirrored clip it
    was found on 3 searches, one 16 px off its place, and on 5, within 9 px, flipped back);
    each picture is searched flipped back left to right and what is found put back in that
    picture's own pixels, as ``MirroredText``."""

    def __init__(self, matcher: Any):
        self.matcher = matcher

    def find(self, image: Image.Image) -> list[Any]:
        from PIL import ImageOps  # noqa: PLC0415

        w = image.width
        hits = self.matcher.find(ImageOps.mirror(image))
        for hit in hits:
            hit.quad = [(w - float(x), float(y)) for x, y in hit.quad]
        return hits

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)


def picture_thumb(shown: np.ndarray) -> np.ndarray:
    """``thumb`` of the picture as shown (``display_luma``), its 36 x 64 samples spread over
    the whole picture, so that each of CHANGE_BLOCKS is the part of the picture
    ``block_area`` reads (``thumb`` samples from the stored top left corner: a phone's
    portrait video, stored turned, had its changed parts read in other places)."""
    h, w = shown.shape
    rows = np.arange(36) * h // 36 + h // 72
    cols = np.arange(64) * w // 64 + w // 128
    t = shown[np.ix_(rows, cols)].astype(np.float32)
    return (t - t.mean()) / (t.std() + 8.0)


def thumb_difference(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return 10.0
    return float(np.abs(a - b).mean())


def view_quality(det: Det) -> float:
    """Bigger, surer and more frontal is better for recognition (eyes level, nose between)."""
    frontal = 1.0
    lm = det.landmarks
    if lm is not None and len(lm) >= 6:
        lx, _ly, rx, _ry, nx, _ny = lm[:6]
        eye = max(1e-3, abs(rx - lx))
        frontal = max(0.1, 1.0 - abs((nx - (lx + rx) / 2) / eye))
    return float(det.score) * min(det.size, 200.0) * frontal


class BestCrops:
    """Per track, the best face crop in each stretch of time of each of its parts (module
    notes). A part begins where the track was found again after a gap, a jump, a change of
    size or of look (``part_break``): the tracker may have carried it on with another face
    there (s59: two of 24 tracks on a stage clip; s60: another face of one size at once), so
    each part keeps a crop of its own however long the track and its stretches grow, and
    recognition reads every part. At most ``2 x keep`` parts keep one; beyond that, either
    side of the start least like a new face, the poorer view is given up. ``unread_parts``:
    parts no crop was taken of (too small to encode) or whose crop was given up: nobody can
    say whose face they are (the track is then uncertain)."""

    def __init__(self, keep: int, fps: float):
        self.keep = max(1, int(keep))
        self.parts_kept = 2 * self.keep
        self.bucket = max(1, int(round(fps)))
        self.part = 0
        #: the frames each later part begins at
        self.starts: list[int] = []
        #: each later part's weight: how much its start looked like a new face (merge order)
        self.weights: dict[int, float] = {}
        self.read: set[int] = set()
        self.items: dict[tuple[int, int], tuple[float, Image.Image,
                                                 tuple[int, int, int, int]]] = {}

    def new_part(self, frame: int, weight: float) -> None:
        """The track goes on at ``frame`` after a gap or a jump (``part_break``)."""
        self.part += 1
        self.starts.append(int(frame))
        self.weights[self.part] = float(weight)

    def unread_parts(self, heard: set[int] | None = None) -> int:
        """Parts no crop was kept of; with ``heard`` (the parts of which some crop kept gave a
        signature), also those whose every crop gave none (too small on its shorter side, no
        landmarks found: a face turned away, half out of the picture): read by nobody too."""
        return self.part + 1 - len(self.read if heard is None else self.read & heard)

    def wants(self, frame: int, quality: float) -> bool:
        cur = self.items.get((self.part, frame // self.bucket))
        return cur is None or quality > cur[0]

    def put(self, frame: int, quality: float, crop: Image.Image,
            box: tuple[int, int, int, int]) -> None:
        self.items[(self.part, frame // self.bucket)] = (quality, crop, box)
        self.read.add(self.part)
        while len(self.items) > self.keep:
            parts = [k[0] for k in self.items]
            if len(set(parts)) < len(parts):
                # longer stretches, never across parts
                self.bucket *= 2
                merged: dict[tuple[int, int], tuple[float, Image.Image,
                                                    tuple[int, int, int, int]]] = {}
                for (part, b), item in self.items.items():
                    key = (part, b // 2)
                    if key not in merged or item[0] > merged[key][0]:
                        merged[key] = item
                self.items = merged
                continue
            if len(self.items) <= self.parts_kept:
                break
            # one crop a part, too many parts: of the two parts either side of the start least
            # like a new face, the poorer view is given up, and its part counts as unread
            order = sorted(self.items)
            i = min(range(1, len(order)), key=lambda j: (self.weights.get(order[j][0], 0.0), j))
            poorer = min(order[i - 1], order[i], key=lambda k: self.items[k][0])
            del self.items[poorer]
            self.read.discard(poorer[0])


#: a track's next detection starts a new part (``BestCrops``, ``part_break``) when at least
#: this many of the detector's looks found nothing of it between...
PART_MISSED_LOOKS = 2
#: ...or its face moved at least this many face sizes from the last detection, or this many
#: after one look that missed it (s59: another face at the place of the last one)...
PART_JUMP_ALONE = 1.0
PART_JUMP_AFTER_MISS = 0.5
#: ...or its size changed by this factor between two looks, or it became too small to read
#: or readable again
PART_SIZE_RATIO = 1.5


#: ...or the face itself changed from one look to the next (``look_change``: another child
#: turning to the camera as this one turns away, stepping out from behind, a cut the cut
#: detector did not see, at the same place and size; s60), by at least this in its shape
#: (the direction of its edges)...
PART_LOOK_SHAPE = 0.37
#: ...or this in its brightness pattern and colour (hair, skin). Measured on 11 public clips
#: (the stage clip in ../shared, Intel's CC-BY sample videos: people walking, turning their
#: heads, signing with their hands before their faces), faces of 40 px or more: 2 of 518 pairs
#: of one face from one look to the next start a part (a hand passing before it), and 93 % of
#: 454 pairs of two faces of about one size on one frame would (bench/video_looks.py,
#: docs/MEASUREMENTS.md)
PART_LOOK_COLOUR = 0.45
#: the face's box widened by this share of its size on each side for ``face_look`` (the hair
#: and the edge of the face tell two children apart as much as the face does)
LOOK_MARGIN = 0.15
#: ``face_look`` reads the face at LOOK_SIDE x LOOK_SIDE pixels: its shape in 4 x 4 cells of
#: LOOK_BINS edge directions, its brightness and colour in LOOK_CELLS x LOOK_CELLS cells
LOOK_SIDE, LOOK_BINS, LOOK_CELLS = 32, 8, 8
_LOOK_SHAPE_LEN = 16 * LOOK_BINS
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def face_look(rgb: np.ndarray, box: Sequence[float], kx: float, ky: float) -> np.ndarray | None:
    """A small description of a face for ``look_change``, from the detector's scaled frame
    ``rgb`` (``box`` in the caller's pixels, ``kx``, ``ky`` its scale): the box widened by
    LOOK_MARGIN, read at LOOK_SIDE pixels a side. First its shape: the strength of its edges in
    each of LOOK_BINS directions in 4 x 4 cells, as one unit vector (a light change, a camera's
    exposure is not another face); then its brightness pattern (normalised for brightness and
    contrast) and two colour differences (skin and hair) in LOOK_CELLS x LOOK_CELLS cells: two
    faces of one shape and colours apart. None where the box is under LOOK_CELLS pixels on the
    scaled frame."""
    h, w = rgb.shape[:2]
    m = LOOK_MARGIN * max(box[2] - box[0], box[3] - box[1])
    x1, x2 = max(0, int((box[0] - m) / kx)), min(w, int(math.ceil((box[2] + m) / kx)))
    y1, y2 = max(0, int((box[1] - m) / ky)), min(h, int(math.ceil((box[3] + m) / ky)))
    if x2 - x1 < LOOK_CELLS or y2 - y1 < LOOK_CELLS:
        return None
    small = np.asarray(Image.fromarray(np.ascontiguousarray(rgb[y1:y2, x1:x2, :3])).resize(
        (LOOK_SIDE, LOOK_SIDE), Image.Resampling.BOX), dtype=np.float32)
    y = small @ _LUMA
    gx, gy = np.zeros_like(y), np.zeros_like(y)
    gx[:, 1:-1] = y[:, 2:] - y[:, :-2]
    gy[1:-1] = y[2:] - y[:-2]
    direction = np.minimum((np.arctan2(gy, gx) % np.pi) * (LOOK_BINS / np.pi),
                           LOOK_BINS - 1).astype(np.int64)
    cell = LOOK_SIDE // 4
    rows, cols = np.indices(y.shape) // cell
    shape = np.bincount(((rows * 4 + cols) * LOOK_BINS + direction).ravel(),
                        weights=np.hypot(gx, gy).ravel(), minlength=_LOOK_SHAPE_LEN)
    shape = shape * (8.0 / (np.linalg.norm(shape) + 1e-3))
    k = LOOK_SIDE // LOOK_CELLS
    cells = small.reshape(LOOK_CELLS, k, LOOK_CELLS, k, 3).mean(axis=(1, 3))
    cy = cells @ _LUMA
    return np.concatenate([shape, ((cy - cy.mean()) / (cy.std() + 8.0)).ravel(),
                           ((cells[..., 2] - cy) / 32.0).ravel(),
                           ((cells[..., 0] - cy) / 32.0).ravel()]).astype(np.float32)


def look_change(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """How unlike two ``face_look`` descriptions are, as a share of the change that starts a
    part (1.0: PART_LOOK_SHAPE in shape or PART_LOOK_COLOUR in brightness and colour, mean
    absolute differences); 0 where either is not known."""
    if a is None or b is None or a.shape != b.shape:
        return 0.0
    d = np.abs(a - b)
    return float(max(d[:_LOOK_SHAPE_LEN].mean() / PART_LOOK_SHAPE,
                     d[_LOOK_SHAPE_LEN:].mean() / PART_LOOK_COLOUR))


def encodable(d: Det, min_px: int) -> bool:
    """Whether a crop of ``d`` can give a signature: its box as handed to the engine (whole
    pixels), by the engine's own rule (``signatures.signable``)."""
    return signable(int(d.w), int(d.h), min_px)


def part_break(prev: Det, d: Det, stride: int, min_px: int = 0,
               looked: Det | None = None) -> float:
    """How much ``d`` (the next detection of the track whose last was ``prev``) looks like a
    new face in the track's place: 0 for none (the same part), else a weight (missed looks
    plus the jump in face sizes, the change of size and of look). With ``min_px``, a face
    that becomes too small to read, or readable again, starts a part too (s59 review: a
    stranger under min_face_px taking a child's place within a look, 1.4 times smaller, was
    the child's part and read in no crop; a part too small to read leaves the track
    uncertain, BestCrops). And where both have a ``face_look``, a face that changed from one
    look to the next (``look_change`` >= 1: s60, another face of the same size taking the
    place within a look stayed in the first face's part and was read only if one of its crops
    was the best of its stretch of time).
    ``looked``: the track's last detection with a look, where ``prev`` has none (found on a
    frame only the fine pass searched): the look is compared with it."""
    missed = max(0, int(round((d.frame - prev.frame) / max(1, stride))) - 1)
    size = max(1.0, prev.size)
    jump = math.hypot(d.cx - prev.cx, d.cy - prev.cy) / size
    ratio = max(d.size, 1.0) / size
    grew = max(ratio, 1.0 / ratio)
    crossed = min_px > 0 and encodable(prev, min_px) != encodable(d, min_px)
    changed = look_change(prev.look if prev.look is not None or looked is None else looked.look,
                          d.look)
    if (missed >= PART_MISSED_LOOKS or jump >= PART_JUMP_ALONE
            or (missed >= 1 and jump >= PART_JUMP_AFTER_MISS) or grew >= PART_SIZE_RATIO
            or crossed or changed >= 1.0):
        return missed + jump + (grew - 1.0) + changed + 1e-3
    return 0.0


def recognise(results: list[Any], offered: int) -> tuple[str, str | None, float | None,
                                                          float | None]:
    """A track's status from the ``Match`` of each encoded crop: (status, person, distance,
    margin). RECOGNISED only when every crop says the same person (and at least two do, when
    two or more crops were offered)."""
    if not results:
        return MatchStatus.UNKNOWN.value, None, None, None
    rec = [m for m in results if m.status is MatchStatus.RECOGNISED]
    people = sorted({m.person for m in results if m.person})
    dists = [m.distance for m in results if m.distance is not None]
    margins = [m.margin for m in results if m.margin is not None]
    dist = float(np.mean(dists)) if dists else None
    margin = float(min(margins)) if margins else None
    if len(rec) == len(results) and len(people) == 1 and len(rec) >= min(2, offered):
        return MatchStatus.RECOGNISED.value, people[0], dist, margin
    if people:
        nearest = min((m for m in results if m.person), key=lambda m: m.distance or 9.0).person
        return MatchStatus.UNCERTAIN.value, nearest, dist, margin
    return MatchStatus.UNKNOWN.value, None, dist, margin


def near_of(results: list[Any], person: str | None) -> list[tuple[str, float]]:
    """The other people any encoded crop of a track was near (``Match.near``, and a crop's own
    match to someone else), nearest first, each at its nearest: who the track could also be."""
    best: dict[str, float] = {}
    for m in results:
        seen = list(getattr(m, "near", []) or [])
        if m.person and m.distance is not None:
            seen.append((m.person, float(m.distance)))
        for pid, dist in seen:
            if pid != person and (pid not in best or dist < best[pid]):
                best[pid] = float(dist)
    return sorted(best.items(), key=lambda x: (x[1], x[0]))


def same_faces(tracks: list[VideoTrack], signatures: dict[int, list[np.ndarray]],
               limit: float) -> None:
    """Sets every face track's ``views`` (its signatures) and ``same_as``: the other tracks
    never seen on one frame with it (two faces on a frame are two people) whose nearest pair of
    signatures is closer than ``limit``, nearest first, as (track id, distance). The nearest
    pair, not the mean: one view alike is enough to say "may be" (fail closed)."""
    faces = [t for t in tracks if t.kind == "face"]
    vecs: dict[int, np.ndarray] = {}
    for t in faces:
        got = [np.asarray(v, dtype=np.float64).reshape(-1) for v in signatures.get(t.id, [])
               if v is not None]
        got = [v for v in got if v.size and np.all(np.isfinite(v))]
        t.views = len(got)
        t.same_as = []
        if got:
            vecs[t.id] = np.stack(got)
    if limit <= 0:
        return
    frames = {t.id: set(t.frames) for t in faces}
    for i, a in enumerate(faces):
        for b in faces[i + 1:]:
            if a.id not in vecs or b.id not in vecs or not frames[a.id].isdisjoint(frames[b.id]):
                continue
            va, vb = vecs[a.id], vecs[b.id]
            d2 = (va * va).sum(1)[:, None] + (vb * vb).sum(1)[None, :] - 2.0 * (va @ vb.T)
            dist = float(np.sqrt(max(0.0, float(d2.min()))))
            if dist < limit:
                a.same_as.append((b.id, round(dist, 4)))
                b.same_as.append((a.id, round(dist, 4)))
    for t in faces:
        t.same_as.sort(key=lambda x: (x[1], x[0]))


def one_person_at_a_time(tracks: list[VideoTrack]) -> None:
    """Two face tracks on screen at once cannot be the same person: both become uncertain."""
    rec = [t for t in tracks if t.kind == "face" and t.match_status == MatchStatus.RECOGNISED.value]
    for i, a in enumerate(rec):
        for b in rec[i + 1:]:
            if a.person == b.person and a.first_frame <= b.last_frame and b.first_frame <= a.last_frame:
                a.match_status = b.match_status = MatchStatus.UNCERTAIN.value


def summarise_text(track: VideoTrack, items: list[Any]) -> None:
    """A text track's reading: the surest line read; whose name only when every reading that
    names someone names the same person (otherwise it stays a name nobody is sure of). A
    track any reading of which names the school (``TextItem.school``, as a photo's line is
    marked: ``school.mark_school_texts``) is a school identifier too: what its surest sure
    reading names, unsure only when no reading was sure. A track no reading of which is a
    name is not one (``text_kind`` ""): the school's words alone."""
    best = max(items, key=lambda it: float(it.score))
    track.text = best.text
    track.low_confidence = any(it.low_confidence for it in items) and best.low_confidence
    school = [it for it in items if getattr(it, "school", "")]
    sure = [it for it in school if not it.school_unsure]
    if school:
        hit = max(sure or school, key=lambda x: float(x.score))
        track.school, track.school_unsure = hit.school, not sure
    else:
        track.school, track.school_unsure = "", False
    # the places after one cue share the cue of the frame each was first found on
    track.cue = next((it.cue for it in items if getattr(it, "cue", "")), "")
    if not any(it.kind in NAME_KINDS for it in items):
        track.person, track.text_kind, track.form = None, "", ""
        track.context = next((it.context for it in items if it.context), "")
        return
    names = [it for it in items if it.kind in ("pupil-name", "staff-name")]
    people = {it.person for it in names}
    if names and len(people) == 1 and None not in people:
        it = max(names, key=lambda x: float(x.score))
        track.person, track.text_kind, track.form, track.context = it.person, it.kind, it.form, it.context
        track.text = it.text
        return
    kinds = [it.kind for it in items]
    track.person = None
    track.text_kind = "pupil-name" if "pupil-name" in kinds else (
        "staff-name" if "staff-name" in kinds else "name-like")
    track.context = next((it.context for it in items if it.context), "")
    track.form = ""


# --------------------------------------------------------------------------------------------
# The pass
# --------------------------------------------------------------------------------------------


@dataclass
class _State:
    tracker: Tracker
    text_tracker: Tracker
    #: the school's own words (vision/text/school.SchoolMatcher), or None when none are set:
    #: a line shaped like any school's name is marked all the same (``_read_names``)
    school_matcher: Any = None
    crops: dict[int, BestCrops] = field(default_factory=dict)
    best: dict[int, tuple[float, int, tuple[float, float, float, float]]] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    cuts: list[int] = field(default_factory=list)
    last_read: int = -1       # the last frame whose text was read
    #: the picture as last read, block by block (changed_since_read): a whole read sets it
    #: all, a read of a changed area only those blocks
    read_thumb: np.ndarray | None = None
    last_area_read: int = -1
    #: the last read of the parts that moved since they were read (moved_since_read): kept
    #: apart from reads of parts that settled, which may come more often than MOVING_EVERY
    last_moved_read: int = -1
    recent: deque[np.ndarray] = field(default_factory=deque)   # the last thumbnails, newest last
    #: the last read of the parts that changed and look like text (text_like)
    last_text_read: int = -1
    #: the school's crest pictures (vision/crest.CrestMatcher), or None: not looked for
    crest: Any = None
    #: where the crest was found (``_find_crests``), joined into tracks as names are
    crest_tracker: Tracker | None = None
    #: the picture as last searched for the crest, block by block (``_look_for_crest``), the
    #: frame each block (CHANGE_BLOCKS) was last searched on and the first frame it changed
    #: on since (-1: never searched / not changed since)
    crest_thumb: np.ndarray | None = None
    crest_searched: np.ndarray | None = None
    crest_changed: np.ndarray | None = None
    #: the last search of the parts that changed since searched and did not settle, and of
    #: the parts that settled
    crest_moved_search: int = -1
    crest_settled_search: int = -1
    #: every search for the crest: (frame, area searched: x0, y0, x1, y1): where it was not
    #: found bounds a crest track's cover after its last sighting (``_crest_tracks``)
    crest_log: list[tuple[int, tuple[int, int, int, int]]] = field(default_factory=list)
    #: per text track (id), what the zoomed look around that name found (``_small_print``)
    small_print: dict[int, Any] = field(default_factory=dict)


def analyse_video(path: str | Path, *, face_engine: Any, matcher: Any = None,
                  text_engine: Any = None, name_matcher: Any = None,
                  school_matcher: Any = None, crest_matcher: Any = None,
                  params: VideoParams | None = None, info: VideoInfo | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  stop: threading.Event | None = None,
                  source: PinnedVideo | None = None) -> VideoAnalysis:
    """Analyse one video (the module notes), decoded through ``source`` when given (the file
    the caller hashed). ``school_matcher``: the school's own words (a ``SchoolMatcher``), or
    None; lines shaped like any school's name are marked either way. ``crest_matcher``: the
    school's crest pictures (a ``CrestMatcher``), or None (not looked for). Raises ``VideoError``
    for a file that cannot be read to its end (the caller marks it failed); ``stop`` set:
    ``VideoError`` too (an analysis that did not see every frame is never used). One video at
    a time per process (reader.VIDEO_GATE)."""
    with VIDEO_GATE:
        try:
            return _analyse_video(path, face_engine=face_engine, matcher=matcher,
                                  text_engine=text_engine, name_matcher=name_matcher,
                                  school_matcher=school_matcher, crest_matcher=crest_matcher,
                                  params=params, info=info, progress=progress, stop=stop,
                                  source=source)
        finally:
            give_back(face_engine)


def give_back(face_engine: Any) -> None:
    """The models' working buffers back to the system once a video is analysed (s45): the
    arena every model shares (offline._shared_arena) kept what CenterFace's 1024 px tiles and
    the text detector's whole frames had grown it to, under the export's decoder and encoder.
    1080p clip with names read (bench/video.py --clips badges1080 --text): 236 MB given back,
    the analysis and export's peak 660 -> 533 MB. A model busy with a photo checked meanwhile
    is left alone (``FaceEngine.give_back``)."""
    back = getattr(face_engine, "give_back", None)
    if back is not None:
        back()
    release()


def _analyse_video(path: str | Path, *, face_engine: Any, matcher: Any, text_engine: Any,
                   name_matcher: Any, school_matcher: Any, crest_matcher: Any,
                   params: VideoParams | None,
                   info: VideoInfo | None, progress: Callable[[int, int], None] | None,
                   stop: threading.Event | None, source: PinnedVideo | None) -> VideoAnalysis:
    p = params or VideoParams()
    path = Path(path)
    info = info or probe(path, source=source)
    if info.mirror:
        # its writing and the crest are shown backwards: read and searched flipped back
        if text_engine is not None:
            text_engine = MirroredText(text_engine)
        if crest_matcher is not None:
            crest_matcher = MirroredCrests(crest_matcher)
    W, H = info.size
    fps = float(info.fps or 30.0)
    an = VideoAnalysis(path=str(path), width=W, height=H, fps=fps, rotation=info.rotation,
                       mirror=info.mirror,
                       has_audio=info.audio is not None, sampling=p.sampling())
    dw, dh = scaled_size(W, H, p.det_long_side)
    fine = p.fine_every if (p.fine_every and (dw, dh) != (W, H)) else 0
    st = _State(Tracker(TrackerParams(fps=fps, max_gap=p.max_gap)),
                Tracker(TrackerParams(fps=fps, iou_gate=0.1, dist_gate=2.0, ambiguity=1.01,
                                      max_gap=max(2.5, 2.5 * p.ocr_every))),
                school_matcher=school_matcher if school_matcher is not None and
                not getattr(school_matcher, "empty", False) else None,
                crest=crest_matcher if crest_matcher is not None and
                getattr(crest_matcher, "usable", True) else None)
    if st.crest is not None:
        st.crest_tracker = Tracker(TrackerParams(fps=fps, iou_gate=0.1, dist_gate=2.0,
                                                 ambiguity=1.01,
                                                 max_gap=max(2.5, 2.5 * CREST_EVERY)))
    # the whole picture is searched for the crest this often (frames), on the frames whose
    # text is read as a whole when names are read (the same reading interval)
    crest_stride = max(1, int(round((p.ocr_every or CREST_EVERY) * fps)))
    # the parts that changed since they were searched and do not settle, this often
    crest_moving = max(p.stride, int(round(CREST_MOVING * (p.ocr_every or CREST_EVERY) * fps)))
    if st.crest is not None:
        an.sampling["crest_follow"] = CREST_FOLLOW * p.stride
    matching = matcher is not None and bool(getattr(matcher, "ids", None))
    # every track's appearance, enrolled or not (same_faces): the crops kept for recognition
    appearance = p.same_limit > 0 and callable(getattr(face_engine, "encode", None))
    want_crops = matching or appearance
    ocr_stride = max(1, int(round(p.ocr_every * fps))) if (text_engine is not None
                                                            and p.ocr_every > 0) else 0
    # a part of the picture that changed since it was read and does not hold still (a camera
    # pan, a card carried across) is read this often (moved_since_read)
    moving_gap = max(p.stride, int(round(MOVING_EVERY * p.ocr_every * fps)))
    th2 = th1 = None
    total = frame_count_hint(info)         # what a player shows (a trimmed clip's edit)

    def apply(fr: Frame, dets: list[Det]) -> None:
        st.tracker.update(fr.index, dets)
        full = None
        for t in st.tracker.active:
            d = t.dets[-1]
            if d.frame != fr.index:
                continue
            q = view_quality(d)
            if t.id not in st.best or q > st.best[t.id][0]:
                st.best[t.id] = (q, d.frame, d.box)
            if not want_crops:
                continue
            cr = st.crops.get(t.id)
            if cr is None:
                cr = st.crops[t.id] = BestCrops(p.crops_per_track, fps)
            if len(t.dets) > 1:
                prev = t.dets[-2]
                # the last look known, only where the detection before has none (a frame only
                # the fine pass searched): no copy of a long track's detections at every look
                looked = None if prev.look is not None else next(
                    (x for x in itertools.islice(reversed(t.dets), 2, None)
                     if x.look is not None), None)
                weight = part_break(prev, d, p.stride, p.min_encode_px, looked)
                if weight:
                    cr.new_part(fr.index, weight)
            if not encodable(d, p.min_encode_px) or not cr.wants(fr.index, q):
                continue
            if full is None:
                full = display_rgb(fr.frame, info.rotation, mirror=info.mirror)
            m = 0.6 * d.size
            x1, y1 = max(0, int(d.box[0] - m)), max(0, int(d.box[1] - m))
            x2, y2 = min(W, int(d.box[2] + m)), min(H, int(d.box[3] + m))
            crop = Image.fromarray(np.ascontiguousarray(full[y1:y2, x1:x2]))
            cr.put(fr.index, q, crop, (int(d.box[0] - x1), int(d.box[1] - y1), int(d.w), int(d.h)))

    turned = getattr(face_engine, "detect_turned_looks", None) \
        if p.sideways_every and p.turned_quarters else None
    keep_turned = int(round(p.sideways_keep * fps))
    #: the last frame the whole frame was searched turned, and per quarter turn the faces
    #: found at it (frame, box in the caller's pixels), newest last, for ``keep_turned``
    #: frames (detect runs in one thread, frame by frame, so these are the same whatever the
    #: timing)
    turned_look = [-(10 ** 9)]
    turned_hits: dict[int, list[tuple[int, np.ndarray]]] = {q: [] for q in p.turned_quarters}

    def turned_looks(i: int, kx: float, ky: float, aw: int, ah: int
                     ) -> list[tuple[int, tuple[int, int, int, int] | None]]:
        """The looks due on frame ``i`` (module notes, ``follow_looks``): every turn on the
        whole frame every ``sideways_every`` frames, else where faces were found turned in the
        last ``keep_turned`` frames."""
        for q in turned_hits:
            turned_hits[q] = [(f, b) for f, b in turned_hits[q] if i - f <= keep_turned]
        if i - turned_look[0] >= p.sideways_every:
            turned_look[0] = i
            return [(q, None) for q in p.turned_quarters]
        return follow_looks(turned_hits, p.turned_quarters, (kx, ky), (aw, ah),
                            margin=p.sideways_margin, most_faces=p.sideways_window_faces,
                            share=p.sideways_window_share)

    def detect(fr: Frame, base: bool, fine_now: bool) -> list[Det]:
        passes = []
        if base:
            passes.append((display_rgb(fr.frame, info.rotation, (dw, dh), info.mirror),
                           W / dw, H / dh))
        if fine_now:
            passes.append((display_rgb(fr.frame, info.rotation, mirror=info.mirror), 1.0, 1.0))
        boxes, marks = face_engine.detect_passes(passes, threshold=p.threshold, tile=p.tile)
        if turned is not None and base:
            arr, kx, ky = passes[0]
            looks = turned_looks(fr.index, kx, ky, arr.shape[1], arr.shape[0])
            if looks:
                # faces lying sideways or upside down, where no upright face was found
                tb, tm, tq = turned(arr, kx, ky, boxes, looks, threshold=p.sideways_threshold,
                                    tile=p.tile)
                for b, q in zip(tb, tq):
                    turned_hits.setdefault(int(q), []).append((fr.index, b[:4].copy()))
                if len(tb):
                    boxes, marks = np.concatenate([boxes, tb]), np.concatenate([marks, tm])
        # each face's look on the frequent pass's frame (part_break: another face in its place)
        scaled = passes[0] if base and want_crops else None
        del passes
        dets = []
        for b, m in zip(boxes, marks):
            x1, y1 = max(0.0, float(b[0])), max(0.0, float(b[1]))
            x2, y2 = min(float(W), float(b[2])), min(float(H), float(b[3]))
            if x2 - x1 < 1 or y2 - y1 < 1:
                continue
            look = face_look(scaled[0], (x1, y1, x2, y2), scaled[1], scaled[2]) \
                if scaled is not None else None
            dets.append(Det(fr.index, (x1, y1, x2, y2), float(b[4]), tuple(float(v) for v in m),
                            look=look))
        return dets

    # Detection runs in a second thread while this one decodes the next frames (the network
    # and the decoder release the GIL, so two cores are used). The tracker still sees every
    # event in frame order: a cut at frame k (known once frame k+1 is decoded) before the
    # detections of frame k, and those once frame k+1 has been decoded. When names are read,
    # the detections of frame k join before anything of frame k+1 looks at the faces (the text
    # reads: ``_unread_face``, ``_on_faces``, the badge areas), waiting for the detector where
    # it is not done: what is read, where, and what it is taken for, depend on the file alone.
    # They joined when the detector happened to be done, up to two looks later on a busy
    # machine: the stage clip's reads came on other frames from one run to the next, and the
    # app said "2 names read" or "3 names read" of it (s43). Without names read nothing looks
    # at the faces before the end, and the detector may stay up to two looks behind.
    events: deque[tuple[str, Any, Any]] = deque()     # ("cut", frame, None) | ("det", Frame, future)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photovet-video-detect")
    behind = 0 if ocr_stride else 2

    def drain(current: int, *, limit: int, final: bool = False) -> None:
        """Every cut queued and the detections of the frames before ``current`` (all of them
        when ``final``) into the tracker in order, waiting for the detector while more than
        ``limit`` looks are queued (0: every one)."""
        while events:
            kind, a, fut = events[0]
            if kind == "cut":
                st.tracker.cut(a)
                events.popleft()
                continue
            ready = final or a.index < current
            busy = sum(1 for e in events if e[0] == "det")
            if not ready or (not fut.done() and busy <= limit):
                return
            events.popleft()
            apply(a, fut.result())

    n = 0
    new_shot = 0            # the first frame of a shot seen since its cut (searched for the crest)
    frames = iter_frames(path, threads=p.threads, expected=info.frames, end_marker=True,
                         source=source)
    last: Frame | None = None
    try:
        for fr in frames:
            if fr is None:
                if last is not None and last.index % p.stride != 0 and \
                        not (fine and last.index % fine == 0):
                    # the last frame is always looked at: a face coming in after the last look
                    # has no later look to find it and start its cover back from there (s63
                    # audit: one on the last two frames was exported uncovered)
                    events.append(("det", last, pool.submit(detect, last, True, False)))
                # every frame decoded and the file still open: the last detections and crops
                # read their frames before the file closes
                drain(n, limit=0, final=True)
                break
            last = fr
            if stop is not None and stop.is_set():
                raise VideoError("checking was stopped before the end of the video", path=path)
            i = fr.index
            n = i + 1
            if i == 0 and fr.frame.pts is not None and fr.frame.time_base is not None:
                an.sampling["origin"] = float(fr.frame.pts * fr.frame.time_base)
            st.times.append(round(fr.time, 5))
            th = thumb(luma(fr.frame))
            # (th1 is set whenever th2 is: th2 is the older of the two)
            if th2 is not None and th1 is not None and \
                    thumb_difference(th2, th1) > p.cut_threshold and \
                    thumb_difference(th2, th) > p.cut_threshold:
                st.cuts.append(i - 1)
                st.text_tracker.cut(i - 1)
                if st.crest_tracker is not None:
                    st.crest_tracker.cut(i - 1)
                    new_shot = i
                at = len(events)
                while at > 0 and events[at - 1][0] == "det" and events[at - 1][1].index >= i - 1:
                    at -= 1
                events.insert(at, ("cut", i - 1, None))
            th2, th1 = th1, th
            drain(i, limit=behind)
            base = i % p.stride == 0
            fine_now = bool(fine) and i % fine == 0
            if base or fine_now:
                events.append(("det", fr, pool.submit(detect, fr, base, fine_now)))
            if ocr_stride or st.crest is not None:
                # the parts read are places in the picture as shown (block_area): a video
                # stored turned (a phone's) or whose sides are not multiples of the thumbnail's
                # had its changed parts read elsewhere (picture_thumb)
                shown = display_luma(luma(fr.frame), info.rotation, info.mirror)
                th = picture_thumb(shown)
                st.recent.append(th)
                if len(st.recent) > STEADY_FRAMES + 1:
                    st.recent.popleft()
            if ocr_stride:
                if i % ocr_stride == 0 or _unread_face(st, i, p):
                    _read_names(fr, i, info, text_engine, name_matcher, st, p)
                    st.last_read, st.read_thumb = i, th.copy()
                else:
                    since = i - max(st.last_read, st.last_area_read)
                    changed = changed_since_read(st.read_thumb, st.recent) \
                        if since >= p.stride else None
                    # due a quarter interval after the last whole read or read of moving
                    # parts, whatever settled parts were read meanwhile (parts settling in
                    # turn, read every 7 frames, never let an 8-frame wait come)
                    moving = changed is None and \
                        i - max(st.last_read, st.last_moved_read) >= moving_gap
                    if moving:
                        changed = moved_since_read(st.read_thumb, th)
                    if changed is not None and st.read_thumb is not None:
                        _read_names(fr, i, info, text_engine, name_matcher, st, p,
                                    area=block_area(changed, W, H), frame_scale=moving)
                        st.last_area_read = i
                        if moving:
                            st.last_moved_read = i
                        st.read_thumb[_cells(changed, th.shape)] = th[_cells(changed, th.shape)]
                    # what changed since it was read (and was not read just now) and looks
                    # like text is read at once, at most every TEXT_GAP frames: a card on
                    # screen for less than the waits above (7 or 8 frames) was read only
                    # when a read fell on it
                    if st.read_thumb is not None and i - st.last_text_read >= TEXT_GAP:
                        lettered = text_since_read(st.read_thumb, th, shown,
                                                   _on_faces(st, i, p, W, H))
                        if lettered is not None:
                            _read_names(fr, i, info, text_engine, name_matcher, st, p,
                                        area=block_area(lettered, W, H), frame_scale=True)
                            st.last_text_read = i
                            st.read_thumb[_cells(lettered, th.shape)] = th[_cells(lettered, th.shape)]
                    for area in _followed(st, i, p, W, H):
                        _read_names(fr, i, info, text_engine, name_matcher, st, p, area=area,
                                    frame_scale=True)
            if st.crest is not None:
                # the crest: the whole picture once a reading interval and on a new shot's
                # first frame, the parts that changed since they were searched, and around
                # each crest found while it moves (module notes, _look_for_crest)
                _look_for_crest(fr, i, info, st, p, th, W, H,
                                whole=i % crest_stride == 0 or i == new_shot,
                                moving_gap=crest_moving)
            if progress is not None and i % 15 == 0:
                progress(min(i, total), total)   # (a duration that undercounts: never past)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        events.clear()
        frames.close()
    an.frame_times = st.times
    an.cuts = st.cuts
    faces = st.tracker.finish("face", 0, st.times)
    for t in faces:
        if t.id in st.best:
            _q, bf, bb = st.best[t.id]
            t.best_frame, t.best_box = bf, float_box(bb)
        else:
            t.best_frame, t.best_box = t.first_frame, t.boxes[0]
        cr = st.crops.get(t.id)
        if cr is not None and cr.starts:
            # where each later part begins (part_break): a person answering for the track is
            # asked to check it is one face all through (policy.decide_track)
            t.found_again = [round(float(st.times[f]), 3) for f in cr.starts if f < len(st.times)]
    signatures: dict[int, list[np.ndarray]] = {}
    for t in faces:
        cr = st.crops.get(t.id)
        results = []
        heard: set[int] = set()      # the parts a crop of which gave a signature matched
        if cr is not None:
            best = sorted(cr.items.items(), key=lambda kv: -kv[1][0])
            for (part, _b), (_q, crop, box) in best if matching \
                    else best[:max(1, p.appearance_views)]:
                # a signature of every model someone is enrolled with (as for photos), and of
                # the current one for the track's appearance
                models = list(matcher.models) if matching else []
                if appearance and CURRENT not in models:
                    models.append(CURRENT)
                encs = {m: face_engine.encode(crop, [Face(box=box, score=1.0)], m)[0]
                        for m in models}
                if encs.get(CURRENT) is not None:
                    signatures.setdefault(t.id, []).append(encs[CURRENT])
                if matching:
                    mine = {m: e for m, e in encs.items() if m in matcher.models}
                    if any(e is not None for e in mine.values()):
                        results.append(matcher.match_photo({m: [e] for m, e in mine.items()})[0])
                        heard.add(part)
        if matching:
            t.samples = len(results)
            t.match_status, t.person, t.distance, t.margin = recognise(
                results, len(cr.items) if cr is not None else 0)
            if (t.match_status == MatchStatus.RECOGNISED.value and cr is not None
                    and cr.unread_parts(heard)):
                # a part of the track no crop was taken of, or none of whose crops gave a
                # signature, may be another face (BestCrops): a crop taken but never read
                # counted as read, and the track was recognised from the other parts' crops
                # (s59 review: a stranger's box 44 x 34 after a gap, under min_face_px on its
                # shorter side, shown as the consenting child)
                t.match_status = MatchStatus.UNCERTAIN.value
            t.near = near_of(results, t.person)
        else:
            t.match_status = MatchStatus.NO_REGISTER.value if matcher is not None else \
                MatchStatus.UNKNOWN.value
    if matching:
        one_person_at_a_time(faces)
    same_faces(faces, signatures if appearance else {}, p.same_limit)
    signatures.clear()
    st.crops.clear()
    texts = st.text_tracker.finish("text", len(faces), st.times)
    raw = st.text_tracker.raw()
    for t, dets in zip(texts, raw):
        items = [d.payload for d in dets if d.payload is not None]
        if items:
            summarise_text(t, items)
        t.best_frame, t.best_box = t.first_frame, t.boxes[0]
        t.rides = worn_under(dets, faces, slack=max(p.stride, p.fine_every or 0))
    crests = _crest_tracks(st, len(faces) + len(texts), faces,
                           slack=max(p.stride, p.fine_every or 0), size=(W, H))
    an.tracks = faces + texts + crests
    an.faces_checked = True
    an.texts_checked = bool(ocr_stride)
    if progress is not None:
        progress(n, n)
    return an


#: A part of the picture (one of 12 x 16 blocks of the scene-cut thumbnail) that changed by
#: more than CHANGE since it was last read and has been steady (changed by less than STEADY)
#: for STEADY_FRAMES frames: something new is on screen and holding still (a name card, a
#: caption, a new shot). That part is read at once rather than at the next once-a-second read
#: (on the shared stage clip, 12 x 16 / 1.0 / 0.1 / 6 frames read changed areas 13 times in
#: 11 s: moving people are rarely steady, a caption is).
CHANGE_BLOCKS = (12, 16)
CHANGE = 1.0
STEADY = 0.1
STEADY_FRAMES = 6


def _blocks(a: np.ndarray, *, most: bool = False) -> np.ndarray:
    """``a`` (a thumbnail's per-sample values) as CHANGE_BLOCKS blocks: each block's mean, or
    with ``most`` its largest sample."""
    by, bx = CHANGE_BLOCKS
    h, w = a.shape
    h, w = h // by * by, w // bx * bx
    cells = a[:h, :w].reshape(by, h // by, bx, w // bx)
    return cells.max(axis=(1, 3)) if most else cells.mean(axis=(1, 3))


def _cells(blocks: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The thumbnail cells of the chosen ``blocks`` (a boolean block mask) as a cell mask."""
    by, bx = blocks.shape
    h, w = shape[0] // by * by, shape[1] // bx * bx
    cells = np.zeros(shape[:2], dtype=bool)
    cells[:h, :w] = np.repeat(np.repeat(blocks, h // by, axis=0), w // bx, axis=1)
    return cells


def changed_since_read(read: np.ndarray | None, recent: deque[np.ndarray]) -> np.ndarray | None:
    """The blocks of the picture that changed since they were last read for text (``read``,
    thumbnail) and held still since the oldest of ``recent`` (thumbnails, newest last), as a
    boolean block mask; None when there are none. A name card on screen for less than a
    second between two once-a-second reads was never read (an audit): it is read as soon as it
    has appeared and settled. Moving people and a panning camera are not steady, so they add
    few reads; each read makes what it read the new reference."""
    if read is None or len(recent) < STEADY_FRAMES + 1:
        return None
    now, before = recent[-1], recent[0]
    if now.shape != read.shape or now.shape != before.shape:
        return np.ones(CHANGE_BLOCKS, dtype=bool)
    hit = (_blocks(np.abs(now - read)) > CHANGE) & (_blocks(np.abs(now - before)) < STEADY)
    return hit if bool(hit.any()) else None


#: A part of the picture that changed since it was last read but never holds still (a camera
#: pan: every block moves; a card carried across) is never read by the rule above, and a name
#: card on screen for under a second between two once-a-second reads was missed (an audit:
#: 0.7 s during a pan, readable in the export). Such a part is read every MOVING_EVERY reading
#: intervals (a quarter: a card on screen 0.6 s is read at least twice), that part only.
MOVING_EVERY = 0.25


def moved_since_read(read: np.ndarray | None, now: np.ndarray) -> np.ndarray | None:
    """The blocks of the picture (``now``, thumbnail) that changed by more than CHANGE since they
    were last read (``read``), steady or not, as a boolean block mask; None when there are
    none. The caller reads them at most every MOVING_EVERY reading intervals."""
    if read is None:
        return None
    if now.shape != read.shape:
        return np.ones(CHANGE_BLOCKS, dtype=bool)
    hit = _blocks(np.abs(now - read)) > CHANGE
    return hit if bool(hit.any()) else None


#: A part of the picture that changed since it was read and looks like text now (more than
#: TEXT_LIKE of its samples a sharp step, SHARP levels of luma or more, from the next one
#: across or down: the strokes of letters) is read on the frame it is seen, at most every
#: TEXT_GAP frames, so a name card on screen for TEXT_GAP frames or more is read on one of
#: them, the camera still or panning. Without it a card was read only when one of the reads
#: above fell on it: a card on screen under 7 frames (still) or 8 (panning, or anything
#: else moving) could be missed (s31, a drawn card at 8 start frames in a reading interval,
#: 30 fps: still, 2-6 frames missed at 1-2 of them; panning, 2 frames at 7, 3-6 at 3-4; with
#: this rule none, 1-8 frames). A drawn 24 px card's blocks are 0.05-0.18; the shared stage
#: clip has 5 % of its blocks over 0.05 (the edges of people and lights): TEXT_GAP bounds
#: what those cost (there, 50 reads became 105, most of them small parts: the analysis's CPU
#: 14.4-16.9 s, mean 15.3, against 13.3-14.8 s, mean 14.0, before: about 10 % more, in
#: 4 + 5 runs side by side on 2 shared, loaded cores). A card under about half a block
#: (12 px high in 640 x 360) changes no block enough for any of these rules to see it.
#: Blocks on a face being tracked are left out (its eyes and mouth look like letters; its
#: badge is read by the rules for faces).
SHARP = 40
TEXT_LIKE = 0.05
TEXT_GAP = 3


def text_like(shown: np.ndarray) -> np.ndarray:
    """Per block of the picture as shown (``display_luma``; CHANGE_BLOCKS), the share of
    samples with a sharp step to the next sample across or down (a frame over 640 px is
    sampled every few px: a few ms a frame)."""
    h, w = shown.shape
    s = max(1, -(-max(h, w) // 640))
    a = shown[::s, ::s].astype(np.int16)
    step = np.zeros(a.shape, dtype=np.float32)
    step[:, 1:] = np.abs(np.diff(a, axis=1)) > SHARP
    step[1:, :] = np.maximum(step[1:, :], np.abs(np.diff(a, axis=0)) > SHARP)
    return _blocks(step)


def text_since_read(read: np.ndarray | None, now: np.ndarray, shown: np.ndarray,
                    faces: np.ndarray | None = None) -> np.ndarray | None:
    """The blocks that changed since they were read (``moved_since_read``) and look like
    text now (``text_like`` over TEXT_LIKE), but for ``faces`` (a block mask: blocks mostly
    on a face being tracked, whose eyes and mouth look like letters to this measure, and
    whose badge is read by the rules for faces), as a boolean block mask; None when there
    are none (text_like is worked out only when something changed)."""
    moved = moved_since_read(read, now)
    if moved is None:
        return None
    if faces is not None:
        moved &= ~faces
    if not bool(moved.any()):
        return None
    hit = moved & (text_like(shown) > TEXT_LIKE)
    return hit if bool(hit.any()) else None


def _on_faces(st: _State, i: int, p: VideoParams, width: int, height: int) -> np.ndarray:
    """The blocks (CHANGE_BLOCKS) mostly on a face being tracked, where it is predicted on
    frame ``i`` (its detections join one frame late)."""
    by, bx = CHANGE_BLOCKS
    out = np.zeros((by, bx), dtype=bool)
    gap = max(p.stride, p.fine_every or 0)
    bw, bh = width / bx, height / by
    for t in st.tracker.active:
        if i - t.dets[-1].frame > gap:
            continue
        x0, y0, x1, y1 = t.predict(i)
        c0, c1 = int(math.ceil(x0 / bw - 0.5)), int(math.floor(x1 / bw + 0.5))
        r0, r1 = int(math.ceil(y0 / bh - 0.5)), int(math.floor(y1 / bh + 0.5))
        if c1 > c0 and r1 > r0:
            out[max(0, r0):max(0, r1), max(0, c0):max(0, c1)] = True
    return out


#: A name that moves (or was seen once, so its motion is not known) is read again every
#: detector interval (``stride`` frames), around where it is going, for as long
#: as it is found and moves faster than FOLLOW_SPEED px a frame: its cover then follows it
#: reading by reading instead of standing where it was read once (a name seen once on a
#: panning card was covered where it was read while the card moved on).
FOLLOW_SPEED = 0.5


def _followed(st: _State, i: int, p: VideoParams, width: int, height: int
              ) -> list[tuple[int, int, int, int]]:
    """The areas (x0, y0, x1, y1) to read on frame ``i`` to follow the names found ``stride``
    frames ago (or found once, the frame before) that move or whose motion is not known yet
    (FOLLOW_SPEED): each one's
    predicted box, grown by twice its height, half its width and its motion since it was last
    found (a card seen once may move either way). A name not found by one such read (a blurred
    frame mid-pan) is looked for once more, one interval later, before it is let go: following
    stopped after one miss, and its cover stood still until the next read of moving parts."""
    out = []
    for t in st.text_tracker.active:
        d = t.dets[-1]
        gap = i - d.frame
        # a name found once is looked for on the next frame too: its motion is then known
        # (its cover follows it, covers.track_boxes) though it may be gone before the next
        # detector interval (a card on screen 3 frames in a pan, read on its first)
        if gap not in (p.stride, 2 * p.stride) and not (gap == 1 and len(t.dets) == 1):
            continue
        speed = math.hypot(t.vx, t.vy)
        if len(t.dets) >= 2 and speed < FOLLOW_SPEED:
            continue
        x0, y0, x1, y1 = t.predict(i)
        m = 2.0 * d.h + 0.5 * d.w + speed * gap
        out.append((max(0, int(x0 - m)), max(0, int(y0 - m)),
                    min(width, int(math.ceil(x1 + m))), min(height, int(math.ceil(y1 + m)))))
    return [a for a in out if a[2] > a[0] and a[3] > a[1]]


def block_area(blocks: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """The picture's area (x0, y0, x1, y1) to read for the chosen blocks: them and one block
    around them (a line of text may run on past the part that changed: ``_read_area`` reads
    the whole width of those rows when a line reaches the area's side)."""
    by, bx = blocks.shape
    ys, xs = np.nonzero(blocks)
    bw, bh = width / bx, height / by
    return (max(0, int((xs.min() - 1) * bw)), max(0, int((ys.min() - 1) * bh)),
            min(width, int(math.ceil((xs.max() + 2) * bw))),
            min(height, int(math.ceil((ys.max() + 2) * bh))))


def _read_area(rgb: np.ndarray, area: tuple[int, int, int, int], text_engine: Any,
               frame_scale: bool = False) -> list[Any]:
    """The text in ``area`` of the picture, in the picture's pixels. A line that reaches the
    area's left or right side (where the picture goes on) may be cut there and would be
    covered only in part: those rows are then read across the whole width.

    ``frame_scale``: the area is read at the scale the whole frame is read at (the text
    engine's ``detection_scale``), as the frequent reads of moving parts and names followed
    are: on its own a small part is enlarged up to 3x (``det_min_side``), and a 360 x 330 part
    of a 640 x 360 frame then costs more than the whole frame enlarged 1.5x. The parts read
    because they changed and settled (rare) keep their own scale."""
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = area
    scale_of = getattr(text_engine, "detection_scale", None)
    kw = {"scale": scale_of(w, h)} if frame_scale and callable(scale_of) else {}

    def read(a: int, b: int) -> list[Any]:
        image = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, a:b]))
        return [([(float(x) + a, float(y) + y0) for x, y in poly], text, score)
                for poly, text, score in text_engine.read(image, **kw)]

    reads = read(x0, x1)
    edge = 0.01 * w + 2
    cut = any((x0 > 0 and min(q[0] for q in poly) <= x0 + edge) or
              (x1 < w and max(q[0] for q in poly) >= x1 - edge) for poly, _t, _s in reads)
    return read(0, w) if cut and (x0 > 0 or x1 < w) else reads


def face_box_at(track: VideoTrack, frame: int, slack: int) -> tuple[float, float, float, float] | None:
    """Where face ``track`` was on ``frame``: between two detections, the box interpolated;
    up to ``slack`` frames before its first or after its last, that detection's box; else
    None."""
    fr, bx = track.frames, track.boxes
    if not fr or frame < fr[0] - slack or frame > fr[-1] + slack:
        return None
    if frame <= fr[0]:
        return float_box(bx[0])
    if frame >= fr[-1]:
        return float_box(bx[-1])
    k = bisect.bisect_right(fr, frame) - 1
    fa, fb = fr[k], fr[k + 1]
    u = (frame - fa) / max(1, fb - fa)
    a, b = bx[k], bx[k + 1]
    return (a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u,
            a[2] + (b[2] - a[2]) * u, a[3] + (b[3] - a[3]) * u)


def worn_under(dets: list[Det], faces: list[VideoTrack], *, slack: int
               ) -> list[tuple[int, tuple[float, float, float, float]]]:
    """The face tracks a name (its readings ``dets``) is worn under, by the photo's rule
    (``names.worn``: below the face, near it, smaller than it), each with the name's box
    relative to the face (from the face box's centre, in face sizes; every reading's box under
    that face in one). A badge is read once a second at best, or once when a face crosses the
    picture between two reads: it was on screen, moving with its wearer, before and after each
    reading, so its cover follows the face (covers.py ``ride_boxes``)."""
    from photovet.core.vision.text.names import worn  # noqa: PLC0415

    rel: dict[int, tuple[float, float, float, float]] = {}
    for d in dets:
        it = d.payload
        polygon = getattr(it, "polygon", None) or [(d.box[0], d.box[1]), (d.box[2], d.box[1]),
                                                   (d.box[2], d.box[3]), (d.box[0], d.box[3])]
        for f in faces:
            fb = face_box_at(f, d.frame, slack)
            if fb is None:
                continue
            w, h = fb[2] - fb[0], fb[3] - fb[1]
            if w <= 0 or h <= 0 or not worn(polygon, [(fb[0], fb[1], w, h)]):
                continue
            size, cx, cy = max(w, h), (fb[0] + fb[2]) / 2, (fb[1] + fb[3]) / 2
            r = ((d.box[0] - cx) / size, (d.box[1] - cy) / size,
                 (d.box[2] - cx) / size, (d.box[3] - cy) / size)
            old = rel.get(f.id)
            rel[f.id] = r if old is None else (min(old[0], r[0]), min(old[1], r[1]),
                                               max(old[2], r[2]), max(old[3], r[3]))
    return [(fid, (round(r[0], 4), round(r[1], 4), round(r[2], 4), round(r[3], 4)))
            for fid, r in sorted(rel.items())]


def _unread_face(st: _State, i: int, p: VideoParams) -> bool:
    """Is a face on screen now (seen twice, so its badge is in view) whose track began after
    the last frame read for text? Its badge would otherwise never be read when the face is on
    screen for less than a reading interval between two reads (an audit: a pupil crossing the
    picture in 0.6 s with a lanyard was exported with the name readable). One more read then;
    text tracks are padded by a reading interval both ways, so that read covers the badge's
    whole time on screen.

    A face faster than the tracker follows (more than about a face size between two looks) is
    a new track at each look, each seen once: two such new faces seen on two different frames
    since the last read count as a face seen twice (a badge crossing in 0.7 s at 22 px a frame
    was never read)."""
    gap = max(p.stride, p.fine_every or 0)
    once: set[int] = set()
    now = False
    for t in st.tracker.active:
        if t.dets[0].frame <= st.last_read:
            continue
        on_screen = i - t.dets[-1].frame <= gap
        if len(t.dets) >= 2 and on_screen:
            return True
        once.add(t.dets[0].frame)
        now = now or on_screen
    return now and len(once) >= 2


def _read_names(fr: Frame, i: int, info: VideoInfo, text_engine: Any, name_matcher: Any,
                st: _State, p: VideoParams,
                area: tuple[int, int, int, int] | None = None, frame_scale: bool = False) -> None:
    """Read the frame's text (only ``area``, x0, y0, x1, y1, when given, at the whole frame's
    scale with ``frame_scale``: ``_read_area``); lines that are (or may be) names, and lines
    that name the school, join the text tracker. After a whole frame's read the text
    detector's buffers go back (``TextEngine.give_back``, s45): kept, they sat in the models'
    shared arena beside the face searches of the frames until the next read (1080p stage clip
    with names read: the analysis's peak 614 -> 517 MB). Not after a part's read (a name
    followed every few frames): given back after every read, a clip of 6 badges walking
    across took 57-66 -> 70 CPU s for 535 -> 499 MB."""
    try:
        _read_names_now(fr, i, info, text_engine, name_matcher, st, p, area, frame_scale)
    finally:
        back = getattr(text_engine, "give_back", None)
        if back is not None and area is None:
            back()


def _read_names_now(fr: Frame, i: int, info: VideoInfo, text_engine: Any, name_matcher: Any,
                    st: _State, p: VideoParams, area: tuple[int, int, int, int] | None,
                    frame_scale: bool) -> None:
    from photovet.core.vision.text.names import badge_areas, classify_texts  # noqa: PLC0415
    from photovet.core.vision.text.school import (  # noqa: PLC0415
        find_small_school_text,
        mark_school_texts,
    )

    rgb = display_rgb(fr.frame, info.rotation, mirror=info.mirror)
    face_boxes = []
    for t in st.tracker.active:
        d = t.dets[-1]
        if i - d.frame <= max(p.stride, p.fine_every or 0):
            face_boxes.append((d.box[0], d.box[1], d.w, d.h))
    image = None
    if area is not None:
        reads = _read_area(rgb, area, text_engine, frame_scale)
        del rgb
    else:
        image = Image.fromarray(rgb)
        del rgb
        reads = text_engine.read(image, focus=badge_areas(face_boxes))
    items = classify_texts(reads, name_matcher, faces=face_boxes, min_score=p.text_min_score)
    # lines naming the school, as in a photo (pipeline._school_marks): the school's own words,
    # else a line shaped like any school's name (unsure); policy covers them on channels that
    # cover school identifiers (a sign or a badge reading "Oakfield Primary School")
    mark_school_texts(items, st.school_matcher)
    looked: list[tuple[Any, list[Any]]] = []
    if image is not None and st.school_matcher is not None:
        # the photo's zoomed second look around the names read, for the school's own words in
        # small print beside them (a lanyard): on whole reads only, once a reading interval,
        # and once per name followed (_small_print)
        more, looked = _small_print(
            image, items, i, st, lambda name, known: find_small_school_text(
                image, [name, *known], text_engine, st.school_matcher,
                classify=lambda got: classify_texts(got, name_matcher, faces=face_boxes,
                                                    min_score=p.text_min_score)))
        items += more
    dets = []
    for it in items:
        if it.kind not in NAME_KINDS and not it.school:
            continue
        if getattr(it, "cue", ""):
            # the places after one cue are those read with it, on this frame: another
            # certificate shown later where this one was (a slide, a stand filmed from a
            # tripod) has a cue of its own, and its own question (s58 audit: its places
            # waited on the first's question and took the answer given about the first)
            it.cue = f"{i}:{it.cue}"
        xs = [q[0] for q in it.polygon]
        ys = [q[1] for q in it.polygon]
        dets.append(Det(i, (min(xs), min(ys), max(xs), max(ys)), float(it.score), payload=it))
    st.text_tracker.update(i, dets)
    if looked:
        # what each name's closer look found is kept with the track it joined
        around = {id(name): found for name, found in looked}
        for t in st.text_tracker.active:
            d = t.dets[-1]
            if d.frame == i and id(d.payload) in around:
                st.small_print[t.id] = _SmallPrint(d.box, [
                    (it, _relative(_poly_box(it.polygon), d.box)) for it in around[id(d.payload)]])


@dataclass
class _SmallPrint:
    """What the zoomed look around a name found (the school's words in small print beside it),
    each line with its box relative to the name's (``_relative``), and the name's box then."""

    box: tuple[float, float, float, float]
    found: list[tuple[Any, tuple[float, float, float, float]]]


#: A name followed is looked at closer again only when it is read this much larger than when
#: it was (nearer the camera: small print that could not be read may be now)
SMALL_PRINT_GROWTH = 1.5


def _poly_box(poly: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [q[0] for q in poly], [q[1] for q in poly]
    return (min(xs), min(ys), max(xs), max(ys))


def _relative(box: tuple[float, float, float, float], to: tuple[float, float, float, float]
              ) -> tuple[float, float, float, float]:
    """``box`` relative to box ``to``: from its top left, in its height."""
    h = max(1.0, to[3] - to[1])
    return ((box[0] - to[0]) / h, (box[1] - to[1]) / h, (box[2] - to[0]) / h,
            (box[3] - to[1]) / h)


def _small_print(image: Image.Image, items: list[Any], i: int, st: _State,
                 look: Callable[[Any, list[Any]], list[Any]]) -> tuple[list[Any],
                                                                    list[tuple[Any, list[Any]]]]:
    """The school's words in small print beside the names read on a whole read of frame ``i``
    (``look(name, known)``: the photo's zoomed look around one name, ``known``: the school's
    lines found already, not reported again), and which names were looked around now, with
    what was found. A name that is a text track followed since an earlier look (its predicted
    place, IoU 0.3 or more) is not looked at again: what that look found is carried to where
    the name is now (s35: the same badge was zoomed into once a second for as long as it was on
    screen), unless it is read SMALL_PRINT_GROWTH times larger than then."""
    known = [it for it in items if it.school]
    out: list[Any] = []
    looked: list[tuple[Any, list[Any]]] = []
    for name in [it for it in items if it.kind]:
        box = _poly_box(name.polygon)
        earlier = None
        for t in st.text_tracker.active:
            sp = st.small_print.get(t.id)
            if sp is not None and corner_iou(t.predict(i), box) >= 0.3:
                earlier = sp
                break
        if earlier is not None and (box[3] - box[1]) <= SMALL_PRINT_GROWTH * (
                earlier.box[3] - earlier.box[1]):
            h = max(1.0, box[3] - box[1])
            for it, rel in earlier.found:
                x0, y0 = box[0] + rel[0] * h, box[1] + rel[1] * h
                x1, y1 = box[0] + rel[2] * h, box[1] + rel[3] * h
                out.append(replace(it, polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
            continue
        found = look(name, known + out)
        out += found
        looked.append((name, found))
    return out, looked


#: Without a text engine (names not read) the crest is still searched for once a second.
CREST_EVERY = 1.0
#: what a crest track reads as (a photo's crest item says the same: pipeline._school_marks)
CREST_TEXT = "School crest"


@dataclass
class _CrestSeen:
    """A crest found (``CrestHit``) and since when its place may have shown it
    (``_clear_since``: None when not known)."""

    hit: Any
    since: int | None


def _find_crests(fr: Frame, i: int, info: VideoInfo, st: _State,
                 area: tuple[int, int, int, int] | None = None) -> None:
    """Search frame ``i`` (only ``area``, x0, y0, x1, y1, when given) for the school's crest
    (vision/crest.py, as a photo is searched); every crest found joins the crest tracker, its
    outline, how sure the match is and since when its place may have shown it kept with it.
    The search is logged (``_State.crest_log``) and the blocks it covered are marked searched
    (``_searched``)."""
    w, h = info.size
    x0, y0, x1, y1 = area if area is not None else (0, 0, w, h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return
    rgb = display_rgb(fr.frame, info.rotation, mirror=info.mirror)
    if area is not None:
        rgb = rgb[y0:y1, x0:x1]
    image = Image.fromarray(np.ascontiguousarray(rgb))
    del rgb
    dets = []
    for hit in st.crest.find(image):
        if area is not None:
            hit.quad = [(x + x0, y + y0) for x, y in hit.quad]
        xs = [q[0] for q in hit.quad]
        ys = [q[1] for q in hit.quad]
        box = (min(xs), min(ys), max(xs), max(ys))
        dets.append(Det(i, box, min(1.0, hit.inliers / 100),
                        payload=_CrestSeen(hit, _clear_since(st, box, w, h))))
    st.crest_log.append((i, (x0, y0, x1, y1)))
    _searched(st, i, (x0, y0, x1, y1), w, h)
    if st.crest_tracker is not None:
        st.crest_tracker.update(i, dets)


def _block_grid(width: int, height: int) -> tuple[int, int, float, float]:
    by, bx = CHANGE_BLOCKS
    return by, bx, width / bx, height / by


def _searched(st: _State, i: int, area: tuple[int, int, int, int], width: int,
              height: int) -> None:
    """The blocks wholly inside ``area`` were searched for the crest on frame ``i``: as they
    are now is what was searched (``crest_thumb``), changed since: not."""
    if st.crest_searched is None or st.crest_changed is None or not st.recent:
        return
    by, bx, bw, bh = _block_grid(width, height)
    x0, y0, x1, y1 = area
    c0, c1 = int(math.ceil(x0 / bw - 1e-6)), int(math.floor(x1 / bw + 1e-6))
    r0, r1 = int(math.ceil(y0 / bh - 1e-6)), int(math.floor(y1 / bh + 1e-6))
    if c1 <= c0 or r1 <= r0:
        return
    blocks = np.zeros((by, bx), dtype=bool)
    blocks[max(0, r0):min(by, r1), max(0, c0):min(bx, c1)] = True
    now = st.recent[-1]
    if st.crest_thumb is None or st.crest_thumb.shape != now.shape:
        st.crest_thumb = now.copy()
    cells = _cells(blocks, now.shape)
    st.crest_thumb[cells] = now[cells]
    st.crest_searched[blocks] = i
    st.crest_changed[blocks] = -1


def _clear_since(st: _State, box: tuple[float, float, float, float], width: int,
                 height: int) -> int | None:
    """The last frame on which the place of a crest found now at ``box`` was known not to show
    it: the blocks at least half under it (CHANGE_BLOCKS; every block it lies on when none is)
    were searched, and looked as they did then until the frame before they changed; the
    earliest of those. None when not known: a block under it never searched, or most of its blocks not
    changed since they were last searched (the crest was there and that search missed it, or
    it changes the picture too little; a block or two of a crest's flat middle may not
    change)."""
    if st.crest_searched is None or st.crest_changed is None:
        return None
    by, bx, bw, bh = _block_grid(width, height)
    half, touched = [], []
    for r in range(max(0, int(box[1] // bh)), min(by, int(box[3] // bh) + 1)):
        for c in range(max(0, int(box[0] // bw)), min(bx, int(box[2] // bw) + 1)):
            ox = min(box[2], (c + 1) * bw) - max(box[0], c * bw)
            oy = min(box[3], (r + 1) * bh) - max(box[1], r * bh)
            if ox <= 0 or oy <= 0:
                continue
            touched.append((r, c))
            if ox * oy >= 0.5 * bw * bh:
                half.append((r, c))
    # a crest under half a block (no block half under it): the blocks it lies on (s36: their
    # single samples' change says it came, ``crest_moved``)
    under = half or touched
    changes = []
    for r, c in under:
        if int(st.crest_searched[r, c]) < 0:
            return None
        if int(st.crest_changed[r, c]) >= 0:
            changes.append(int(st.crest_changed[r, c]) - 1)
    if not under or 2 * len(changes) < len(under):
        return None
    return min(changes)


#: The parts of the picture that changed since they were searched for the crest and do not
#: settle (a banner carried across, a pan) are searched every CREST_MOVING reading intervals,
#: that part only (at once when the picture was still till then); a part that changed and
#: settled at once (at most every detector interval). A crest on screen under a reading
#: interval between two whole searches was missed unless it stood still where names were
#: read (s35: a crest carried across in 0.6 s). On the shared stage clip (people moving all
#: the time), crest searches with names read: 22 -> 46 in 9.2 s, their CPU 0.12 -> 0.19-0.21 s
#: a video second (bench/video.py --text --crest). s36: every half interval (15 frames at
#: 30 fps) a crest on screen under 15 frames while the camera pans was missed when the
#: searches fell either side of it (bench/crest.py --video: 5 of 24 crests on screen 4-10
#: frames missed, 37 of 217 frames left bare); every quarter (8 frames), 1 of 24 (4 frames),
#: 4 frames bare. Cost, the crest's searches alone with no text read (2 shared, loaded
#: cores): the stage clip 46 -> 51 searches, 0.17 -> 0.21 s of CPU a video second; the
#: generated 1920 x 1080 clip 0.14 -> 0.16 s (with ``crest_moved``'s single samples, 0.29 s).
CREST_MOVING = 0.25


#: A crest smaller than half a block (a 70 px crest in a 1920 x 1080 picture, whose blocks are
#: 120 x 90 px) changes too few of a block's thumbnail samples (every 30 px there) for the
#: block's mean change to pass CHANGE: it was searched for only once a reading interval, and
#: one carried across in under a second was missed. For the crest a block has also changed
#: when one of its samples changed by CREST_SPOT or more (brightness and contrast are
#: normalised: a sample's noise is a tenth of that), in pictures whose blocks are larger than
#: the smallest crest found (CREST_MIN_PX across, 1.2 times as high: vision/crest.py finds
#: none under about 60 px); in smaller ones the block's mean sees any crest found (at 640 x
#: 360 the rule added searches for nothing: 0.05 s of CPU a video second on the stage clip).
CREST_SPOT = 1.5
CREST_MIN_PX = 60


def crest_moved(searched: np.ndarray | None, now: np.ndarray,
                size: tuple[int, int] = (0, 0)) -> np.ndarray | None:
    """The blocks of the picture (``now``, ``picture_thumb``; the picture ``size`` px) that
    changed since they were searched for the crest (``searched``): by more than CHANGE on
    average (``moved_since_read``), or, where a block is larger than the smallest crest
    found, by CREST_SPOT or more at one sample (a crest under half a block); None when none
    did."""
    if searched is None:
        return None
    if now.shape != searched.shape:
        return np.ones(CHANGE_BLOCKS, dtype=bool)
    d = np.abs(now - searched)
    hit = _blocks(d) > CHANGE
    by, bx = CHANGE_BLOCKS
    if size[0] * size[1] > by * bx * CREST_MIN_PX * CREST_MIN_PX * 1.2:
        hit |= _blocks(d, most=True) >= CREST_SPOT
    return hit if bool(hit.any()) else None


def _look_for_crest(fr: Frame, i: int, info: VideoInfo, st: _State, p: VideoParams,
                    th: np.ndarray, width: int, height: int, *, whole: bool,
                    moving_gap: int) -> None:
    """The crest searches of frame ``i`` (module notes): the whole picture when ``whole`` (once
    a reading interval, a new shot's first frame); else the blocks that changed since they were
    searched (``th``: this frame's ``picture_thumb``), at once when they settled
    (``changed_since_read``), every ``moving_gap`` frames when not; and around each crest
    followed (``_crest_followed``). Every block's state is kept for ``_clear_since``."""
    if st.crest_changed is None or st.crest_searched is None:
        st.crest_changed = np.full(CHANGE_BLOCKS, -1, dtype=np.int64)
        st.crest_searched = np.full(CHANGE_BLOCKS, -1, dtype=np.int64)
    changed = crest_moved(st.crest_thumb, th, (width, height))
    if changed is not None:
        st.crest_changed[changed & (st.crest_changed < 0)] = i
    if whole or st.crest_thumb is None:
        _find_crests(fr, i, info, st)
        return
    areas = []
    settled = changed_since_read(st.crest_thumb, st.recent) \
        if i - st.crest_settled_search >= p.stride else None
    if settled is not None:
        areas.append(block_area(settled, width, height))
        st.crest_settled_search = i
    # (due whatever settled parts were searched meanwhile: parts left behind by someone
    # walking across settle one after another and kept a crest carried past from being
    # searched for)
    rest = changed if settled is None or changed is None else changed & ~settled
    if rest is not None and bool(rest.any()) and i - st.crest_moved_search >= moving_gap:
        areas.append(block_area(rest, width, height))
        st.crest_moved_search = i
    areas += _crest_followed(st, i, p, width, height)
    for area in areas:
        _find_crests(fr, i, info, st, area)


#: A crest found that moves is searched for again every CREST_FOLLOW detector intervals
#: (``stride`` frames) around where it is going. A search costs what a whole frame's does
#: (matching the crest's points and fitting its outline, not finding the frame's points:
#: 25-50 ms): every interval, a crest on screen for a whole clip cost 0.22 s of CPU a video
#: second at 640 x 360 (the analysis without names, 0.84 s) and 0.52 s at 1920 x 1080; every
#: second interval, 0.14 s and 0.29 s (a drawn crest moving 1-4 px a frame for 5 s, 2 shared
#: and loaded cores). Between two searches the cover is interpolated and padded as a name's
#: is (covers.py).
CREST_FOLLOW = 2


def _crest_followed(st: _State, i: int, p: VideoParams, width: int, height: int
                    ) -> list[tuple[int, int, int, int]]:
    """The areas (x0, y0, x1, y1) to search on frame ``i`` to follow the crests found
    CREST_FOLLOW detector intervals ago (or found once, the frame before) that move or whose
    motion is not known yet, as names are followed (``_followed``): each one's predicted box
    grown by half its size and its motion since it was last found. A crest not found by one
    such search is looked for once more, one interval later."""
    out: list[tuple[int, int, int, int]] = []
    if st.crest_tracker is None:
        return out
    every = CREST_FOLLOW * p.stride
    for t in st.crest_tracker.active:
        d = t.dets[-1]
        gap = i - d.frame
        if gap not in (every, 2 * every) and not (gap == 1 and len(t.dets) == 1):
            continue
        speed = math.hypot(t.vx, t.vy)
        if len(t.dets) >= 2 and speed < FOLLOW_SPEED:
            continue
        x0, y0, x1, y1 = t.predict(i)
        m = 0.5 * d.size + speed * gap
        out.append((max(0, int(x0 - m)), max(0, int(y0 - m)),
                    min(width, int(math.ceil(x1 + m))), min(height, int(math.ceil(y1 + m)))))
    return [a for a in out if a[2] > a[0] and a[3] > a[1]]


def _crest_tracks(st: _State, first_id: int, faces: list[VideoTrack], *, slack: int,
                  size: tuple[int, int]) -> list[VideoTrack]:
    """The crests found as text tracks naming the school (``school`` "crest", as a photo's
    crest item: policy decides them as it decides a photo's, ``track_as_text``): sure when one
    match of the track was sure (``CrestHit.certain``), else unsure (covered and sent for
    review where the channel covers school identifiers). A crest worn under a face (a
    jumper's badge) rides on that face as a name badge does (``worn_under``). Each knows
    where its place was last known clear before it was found and first after (``clear_before``,
    ``clear_after``: its cover's start and end, covers.py)."""
    if st.crest_tracker is None:
        return []
    tracks = st.crest_tracker.finish("text", first_id, st.times)
    for t, dets in zip(tracks, st.crest_tracker.raw()):
        seen = [d.payload for d in dets if isinstance(d.payload, _CrestSeen)]
        hits = [s.hit for s in seen]
        t.clear_before = _clear_before(t, seen[0].since if seen else None, size)
        t.clear_after = _clear_after(t, st.crest_log, size)
        t.text, t.text_kind, t.person, t.form, t.context = CREST_TEXT, "", None, "", ""
        t.school = "crest"
        t.school_unsure = not any(getattr(h, "certain", False) for h in hits)
        k = max(range(len(dets)), key=lambda j: dets[j].score)
        t.best_frame, t.best_box = t.frames[k], t.boxes[k]
        t.rides = worn_under(dets, faces, slack=slack)
    return tracks


def _inside(box: tuple[float, float, float, float], area: tuple[float, float, float, float]
            ) -> bool:
    return area[0] <= box[0] and area[1] <= box[1] and box[2] <= area[2] and box[3] <= area[3]


def _shifted(box: tuple[float, float, float, float], dx: float, dy: float
             ) -> tuple[float, float, float, float]:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def _clear_before(t: VideoTrack, since: int | None, size: tuple[int, int]) -> int | None:
    """Where crest track ``t``'s cover may start: the frame its first sighting's place was
    last known clear (``since``), when that is known, in its shot, and the crest, moved back
    along its motion to then, was still within half its size of that place and wholly in the
    picture (else it came from elsewhere, or in at the picture's side: not known). A place
    that changed at the shot's cut or before is clear from the shot's first frame on (no
    cover crosses a cut)."""
    if since is None or since >= t.first_frame:
        return None
    since = max(since, t.shot_start)
    k = t.first_frame - since
    box = t.boxes[0]
    s = max(box[2] - box[0], box[3] - box[1])
    if math.hypot(t.vx, t.vy) * k > 0.5 * s:
        return None
    if not _inside(_shifted(box, -t.vx * k, -t.vy * k), (0, 0, size[0], size[1])):
        return None
    return since


def _clear_after(t: VideoTrack, log: list[tuple[int, tuple[int, int, int, int]]],
                 size: tuple[int, int]) -> int | None:
    """Where crest track ``t``'s cover may end: the first search after its last sighting, in
    its shot, of an area holding the whole place it would then be (its last box moved on along
    its motion, wholly in the picture) that did not find it; or the first frame that place is
    wholly out of the picture. None when neither (covered as a name is after)."""
    last, box = t.last_frame, t.boxes[-1]
    end = t.shot_end
    k0 = bisect.bisect_right(log, (last, (1 << 30,) * 4))
    for f, area in log[k0:]:
        if end is not None and f > end:
            break
        k = f - last
        at = _shifted(box, t.vx * k, t.vy * k)
        if at[2] <= 0 or at[3] <= 0 or at[0] >= size[0] or at[1] >= size[1]:
            return f
        if _inside(at, (0, 0, size[0], size[1])) and _inside(at, area):
            return f
    return None


def frame_count_hint(info: VideoInfo) -> int:
    """Frames to expect, to count progress by: the frames a player shows. The container's
    count, or the duration's when it announces none; for a clip trimmed on a phone (an MP4 edit
    list: reader.py's notes) the container still announces every frame recorded, and the
    duration is the edit's: then the duration's (s65: the progress of a clip trimmed to a third
    counted to 90 frames and ended at 30). A clip shorter than it announces by less than 2 %
    (a frame's rounding) keeps the announced count."""
    shown = int(math.ceil(info.duration * (info.fps or 30) - 1e-6)) if info.duration > 0 else 0
    if not info.frames:
        return shown
    if shown and shown < info.frames * 0.98:
        return shown
    return info.frames


__all__ = ["NAME_KINDS", "BestCrops", "VideoParams", "analyse_video", "block_area",
           "changed_since_read", "face_box_at",
           "moved_since_read",
           "one_person_at_a_time", "recognise", "same_faces", "same_limit", "scaled_size",
           "summarise_text", "thumb", "thumb_difference", "view_quality", "worn_under"]
