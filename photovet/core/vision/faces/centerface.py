"""CenterFace (MIT, ``assets/models/centerface.onnx``): the first face detector.

A fully convolutional network: it takes an RGB image (0..255, no normalisation) whose sides are
multiples of 32 and returns, at stride 4, a face-centre heatmap, box sizes (log scale), centre
offsets and five landmarks (``onnxfix.centerface_dynamic`` makes the shipped 32x32 graph accept
any size).

To miss as little as possible the photo is searched as a pyramid: a coarse pass (long side
``coarse_side``) for faces that fill the frame, then each of ``scales`` (1.0 = the photo's own
pixels). Large passes are cut into overlapping tiles, so memory and time grow linearly with the
pixels, and the total work is bounded (``max_pass_pixels``). Weak candidates (between
``candidate_threshold`` and ``threshold``) that no confident face explains are searched again,
upsampled by ``refine_scale``, in small windows around them (grid cells holding a candidate
scoring at least ``refine_min_score``; overlapping windows merged where that costs no more
pixels). What is still weak after that is
returned as *candidates*: fusion.py keeps one only where the second detector agrees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from photovet.core.offline import give_back_arena, large_runs
from photovet.core.vision.faces.boxes import inside_pads, nms, nms_merge, tile_spans
from photovet.core.vision.faces.pixels import Pyramid, pad_border, to_rgb
from photovet.core.vision.picture import Picture

_OUTPUTS = ("537", "538", "539", "540")   # heatmap, scale, offset, landmarks
_INPUT = "input.1"


def decode_centerface(heatmap: np.ndarray, scale: np.ndarray, offset: np.ndarray,
                      landmarks: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """CenterFace outputs for one image (shapes (h,w), (2,h,w), (2,h,w), (10,h,w)) ->
    boxes (N, 5: x1, y1, x2, y2, score) and landmarks (N, 10: x, y pairs) in input pixels.

    Heatmap peaks above ``threshold``; box height/width = exp(scale) * 4, centre =
    (cell + offset + 0.5) * 4; landmark k = box origin + (dx, dy) * box size.
    """
    ys, xs = np.nonzero(heatmap > threshold)
    if ys.size == 0:
        return np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32)
    s = heatmap[ys, xs]
    h = np.exp(scale[0, ys, xs]) * 4.0
    w = np.exp(scale[1, ys, xs]) * 4.0
    cy = (ys + offset[0, ys, xs] + 0.5) * 4.0
    cx = (xs + offset[1, ys, xs] + 0.5) * 4.0
    x1, y1 = cx - w / 2.0, cy - h / 2.0
    boxes = np.stack([x1, y1, x1 + w, y1 + h, s], axis=1).astype(np.float32)
    lms = np.empty((ys.size, 10), np.float32)
    for k in range(5):
        lms[:, 2 * k] = landmarks[2 * k + 1, ys, xs] * w + x1
        lms[:, 2 * k + 1] = landmarks[2 * k, ys, xs] * h + y1
    return boxes, lms


@dataclass
class Pass:
    """One level of the search pyramid: resize the photo by ``scale`` and cut it into tiles."""

    scale: float
    tiles: list[tuple[int, int, int, int]]   # x0, y0, x1, y1 in the *resized* image


def plan_passes(width: int, height: int, *, scales: Sequence[float], coarse_side: int,
                tile: int, overlap: int, max_pass_pixels: float) -> list[Pass]:
    """The pyramid for a photo of ``width`` x ``height`` (pure; unit-tested).

    A coarse pass (long side ``coarse_side``) is added when the photo is larger than that, and
    searched in one piece, as is any pass no larger than it; each
    requested scale is capped so the resized photo has at most ``max_pass_pixels`` pixels; scales
    that end up (nearly) equal are searched once.
    """
    long_side = max(width, height)
    wanted: list[float] = []
    if long_side > coarse_side:
        wanted.append(coarse_side / long_side)
    cap = math.sqrt(max_pass_pixels / max(1, width * height))
    for s in scales:
        wanted.append(min(float(s), cap))
    levels: list[float] = []
    for s in sorted(wanted):
        if s <= 0:
            continue
        if levels and s <= levels[-1] * 1.15:
            continue
        levels.append(s)
    passes = []
    for s in levels:
        sw, sh = max(1, int(round(width * s))), max(1, int(round(height * s)))
        if max(sw, sh) <= max(tile, coarse_side):
            # the coarse pass (and a small photo) in one piece: it is there to see a face
            # that fills the frame whole, which a tile would cut in two
            tiles = [(0, 0, sw, sh)]
        else:
            tiles = [(x0, y0, x1, y1) for y0, y1 in tile_spans(sh, tile, overlap)
                     for x0, x1 in tile_spans(sw, tile, overlap)]
        passes.append(Pass(s, tiles))
    return passes


def refine_cells(candidates: Sequence[tuple[float, float, float, float]], width: int, height: int,
                 *, cell: int, margin: int, max_face: int) -> list[tuple[int, int, int, int]]:
    """Windows (x0, y0, x1, y1, photo pixels) to search again, upsampled, for weak candidates.

    The photo is divided into a grid of ``cell`` px; every cell holding the centre of a small
    candidate (long side <= ``max_face``) is searched with ``margin`` px around it, so a face on
    a cell border is whole in at least one window. Windows come in the order of the candidates
    (callers pass the strongest first). Pure; unit-tested.
    """
    marked: dict[tuple[int, int], None] = {}      # insertion-ordered: first candidate first
    for x1, y1, x2, y2 in candidates:
        if max(x2 - x1, y2 - y1) > max_face:
            continue
        cx, cy = (x1 + x2) / 2.0, (y1 + y2) / 2.0
        if not (0 <= cx < width and 0 <= cy < height):
            continue
        marked.setdefault((int(cx // cell), int(cy // cell)), None)
    out = []
    for gx, gy in marked:
        x0 = max(0, gx * cell - margin)
        y0 = max(0, gy * cell - margin)
        x1 = min(width, (gx + 1) * cell + margin)
        y1 = min(height, (gy + 1) * cell + margin)
        if x1 > x0 and y1 > y0:
            out.append((x0, y0, x1, y1))
    return out


def merge_windows(windows: Sequence[tuple[int, int, int, int]], *, max_side: int
                  ) -> list[tuple[int, int, int, int]]:
    """Overlapping search windows run as one where that costs no more pixels: two windows
    become their bounding box when it is no larger than the two areas added up and no side of it
    is longer than ``max_side`` (so one run's memory stays bounded). Repeated until nothing
    merges; every pixel of every window stays inside some window. Order: a merged window takes
    the place of the earliest window in it. Pure."""
    wins = [tuple(int(v) for v in w) for w in windows]
    merged = True
    while merged:
        merged = False
        out: list[tuple[int, ...]] = []
        for w in wins:
            for k, o in enumerate(out):
                if w[2] <= o[0] or o[2] <= w[0] or w[3] <= o[1] or o[3] <= w[1]:
                    continue            # not overlapping
                u = (min(w[0], o[0]), min(w[1], o[1]), max(w[2], o[2]), max(w[3], o[3]))
                if max(u[2] - u[0], u[3] - u[1]) > max_side:
                    continue
                area = (u[2] - u[0]) * (u[3] - u[1])
                if area <= (w[2] - w[0]) * (w[3] - w[1]) + (o[2] - o[0]) * (o[3] - o[1]):
                    out[k] = u
                    merged = True
                    break
            else:
                out.append(w)
        wins = out
    return [(w[0], w[1], w[2], w[3]) for w in wins]



class CenterFace:
    """The CenterFace network and its search (pyramid, tiles, refinement windows)."""

    def __init__(self, session: Any, *, threshold: float = 0.3, scales: Sequence[float] = (1.0,),
                 coarse_side: int = 640, tile: int = 1024, overlap: int = 128,
                 max_pass_pixels: float = 4e6, candidate_threshold: float = 0.1,
                 refine_scale: float = 2.0, refine_max_pixels: float = 48e6):
        self._session = session
        self.threshold = float(threshold)
        self.scales = [float(s) for s in scales]
        self.coarse_side = int(coarse_side)
        # detection.tile 512 and tile_overlap 128 stay. Measured s37 (bench/face_variants.py,
        # one run each, against them): overlap 96 (a 12 MP photo's pass in 24 tiles, not 30)
        # cost 6-10 % less CPU per 12 MP photo but found 1787 of 1826 faces on ../shared's
        # composites (1788: 5 lost, 4 gained) and 589 of 696 on 4 WIDER composites (591), with
        # more false boxes; tiles of 640 (20 tiles): 3-8 % less CPU, 1785 of 1826 on ../shared's
        # composites, WIDER composites 591 (2 lost, one >= 32 px, 2 gained), 88 boxes where 93
        # were on the upscaled group photos. A border moved moves borderline faces either way.
        self.tile = int(tile)
        self.overlap = int(overlap)
        self.max_pass_pixels = float(max_pass_pixels)
        self.flip = False
        #: the passes whose tiles on the photo's border are widened past it ("coarse", "all"
        #: or "" for none), by ``edge_pad`` of the tile's side, filled with ``edge_fill``
        self.edge_passes = ""
        self.edge_pad = 0.12
        self.edge_fill = "reflect"
        self.nms_iou = 0.3
        self.candidate_threshold = float(candidate_threshold)
        self.refine_scale = float(refine_scale)
        self.refine_cell = 192
        self.refine_margin = 32
        self.refine_max_face = 64
        self.refine_max_pixels = float(refine_max_pixels)
        # Off by default. Measured side by side (bench/face_variants.py, s33, load ~11 on 2
        # cores): 128 px cells + merging up to 320 px + refine_min_score 0.15 halved the
        # refined pixels (12 MP composites 29.9 -> 14.3 Mpx, CPU 8.76 -> 5.59 s; throughput
        # profile CenterFace 2.94 -> 1.99 s per photo) but lost 14 and gained 7 WIDER faces
        # (3361 -> 3354 of 3614, partial occlusion 391 -> 386): rejected by the net-gain rule.
        # 128 px cells + merging up to 320 px, every candidate: lost 6 and gained 1 on the
        # WIDER test half (1739 -> 1734 of 1839): rejected too (the cell's context matters).
        # Merging alone up to 448 px: composites CPU -11 %, 120 MB more at the peak, and 4
        # WIDER test-half faces lost, 1 gained (1739 -> 1736): the windows are not
        # interchangeable (context and padding move borderline faces either way).
        # What the refinement buys and what it costs (s38: bench/face_variants.py and a
        # per-window trace; faces >= 10 px found with it and by nothing else): ../shared's
        # photos 2 faces (36 windows in 8 photos); 134 of the 403 WIDER photos 29 faces (13 of
        # 10-16 px, 14 of 16-24, 1 of 24-32, 1 >= 64) from 24 of 569 windows; 3 12 MP
        # composites of ../shared and 4 of WIDER 206 faces (185 of 10-16 px, 5 of 32-64) from
        # 66 of 482 windows. CPU per 12 MP photo: 36 % of detection on bench/throughput.py's
        # tiled photos (1.36 of 3.74 s, 27 windows), 9 % on five real group photos upscaled
        # (0.24 of 2.60 s, 5 windows), where the 4 MP pass (59 %) and YuNet (29 %) dominate.
        # Tried and not kept: skipping candidates mostly inside a YuNet box >= 0.6 / 0.3 / 0.1
        # (composites: windows -1 / -4 / -19 %, CPU -1 / -2 / -11 %; at 0.1 2 faces lost, one
        # >= 32 px); refinement at 1.5x (composites CPU -27 %, 7 faces lost, 1 on ../shared);
        # YuNet on each upsampled window first, CenterFace only where it sees >= 0.5 (no face
        # lost on the traces, but windows left 62 % on WIDER and 85 % on the composites, and
        # YuNet costs a quarter of a CenterFace window: more CPU on 12 MP photos); windows
        # batched in one run (8 x 512 px: 10 % slower than one by one, same outputs).
        self.refine_min_score = 0.0    # weaker candidates are not refined (still fused)
        self.refine_merge_side = 0     # overlapping windows merged up to this side (0: never)
        #: windows and photo pixels the last ``detect_raw`` refined (bench/face_variants.py;
        #: any thread's last call: read it when one photo is searched at a time). Nothing
        #: else of a call is kept on the instance: two photos may be searched at once
        #: (engine.ModelTurns), each with its own local state, the session shared.
        self.last_refine: tuple[int, int] = (0, 0)

    @classmethod
    def from_settings(cls, session: Any, det: Any) -> CenterFace:
        """``det``: the ``Detection`` settings section."""
        return cls(session, threshold=det.threshold, scales=det.scales, coarse_side=det.coarse_side,
                   tile=det.tile, overlap=det.tile_overlap, max_pass_pixels=det.max_pass_pixels,
                   candidate_threshold=det.candidate_threshold, refine_scale=det.refine_scale,
                   refine_max_pixels=det.refine_max_pixels)

    def give_back(self) -> None:
        """Return the buffers of the last search to the system (``offline.give_back_arena``)."""
        give_back_arena(self._session)

    def _run(self, arr: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """One network run on an RGB uint8 array (h, w, 3): zero-padded to multiples of 32."""
        h, w = arr.shape[:2]
        ph, pw = int(math.ceil(h / 32) * 32), int(math.ceil(w / 32) * 32)
        blob = np.zeros((1, 3, ph, pw), np.float32)
        blob[0, :, :h, :w] = arr.transpose(2, 0, 1)
        with large_runs.beside():   # never beside the text detector's overview (offline.TakeTurns)
            heat, scale, offset, lms = self._session.run(list(_OUTPUTS), {_INPUT: blob})
        boxes, marks = decode_centerface(heat[0, 0], scale[0], offset[0], lms[0], threshold)
        if len(boxes):
            keep = nms(boxes[:, :4], boxes[:, 4], 0.3, containment=1.01)
            boxes, marks = boxes[keep], marks[keep]
        return boxes, marks

    def run(self, arr: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """One network run on an RGB uint8 array (h, w, 3): boxes (N, 5) and landmarks (N, 10)
        in its pixels, above ``threshold``."""
        return self._run(arr, threshold)

    def _search(self, picture: Image.Image | np.ndarray, scale: float, tiles, threshold: float,
                flip: bool, offset: tuple[float, float] = (0, 0), pad: bool = False
                ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run the network on ``tiles`` of ``picture`` (the photo resized by ``scale``, or a
        crop of it starting at ``offset`` in resized pixels; an RGB image or array);
        detections in photo pixels. Tiles are cut from an image one at a time, so no array of
        a whole pass exists (12 MB for a 12 MP photo's 4 MP pass). ``pad``: a tile on the
        picture's border is widened past it (``edge_pad``, ``pad_border``)."""
        out_b, out_m = [], []
        variants = [False, True] if flip else [False]
        source = Picture(picture)
        ph, pw = source.shape[:2]
        for (x0, y0, x1, y1) in tiles:
            crop = source.region(x0, y0, x1, y1)
            pads = (0, 0, 0, 0)
            if pad and self.edge_pad > 0:
                crop, pads = pad_border(crop, (x0 == 0, y0 == 0, x1 == pw, y1 == ph),
                                        self.edge_pad, self.edge_fill)
            for flipped in variants:
                src = crop[:, ::-1] if flipped else crop
                b, m = self._run(np.ascontiguousarray(src), threshold)
                if not len(b):
                    continue
                if flipped:
                    cw = crop.shape[1]
                    b[:, [0, 2]] = cw - b[:, [2, 0]]
                    m[:, 0::2] = cw - m[:, 0::2]
                    # left/right eye and mouth corners swap under a mirror
                    m = m[:, [2, 3, 0, 1, 4, 5, 8, 9, 6, 7]]
                if any(pads):
                    b, m = inside_pads(b, m, (x1 - x0, y1 - y0), pads)
                    if not len(b):
                        continue
                ox, oy = x0 + offset[0], y0 + offset[1]
                b[:, [0, 2]] = (b[:, [0, 2]] + ox) / scale
                b[:, [1, 3]] = (b[:, [1, 3]] + oy) / scale
                m[:, 0::2] = (m[:, 0::2] + ox) / scale
                m[:, 1::2] = (m[:, 1::2] + oy) / scale
                out_b.append(b)
                out_m.append(m)
        return out_b, out_m

    def _refine(self, rgb: Image.Image, cells: Sequence[tuple[int, int, int, int]],
                refine: float, threshold: float, flip: bool
                ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The network on each window of ``cells`` (photo pixels) upsampled by ``refine``, the
        first ones first, until ``refine_max_pixels`` upsampled pixels are spent; detections in
        photo pixels (bench/throughput.py --profile times this as its own pass)."""
        out_b: list[np.ndarray] = []
        out_m: list[np.ndarray] = []
        budget = self.refine_max_pixels
        for (x0, y0, x1, y1) in cells:
            budget -= (x1 - x0) * (y1 - y0) * refine * refine
            if budget < 0:
                break
            crop = rgb.crop((x0, y0, x1, y1))
            cw, ch = max(1, int(round((x1 - x0) * refine))), max(1, int(round((y1 - y0) * refine)))
            up = np.asarray(crop.resize((cw, ch), Image.Resampling.BILINEAR))
            ox, oy = x0 * refine, y0 * refine
            b, m = self._search(up, refine, [(0, 0, cw, ch)], threshold, flip, offset=(ox, oy))
            out_b += b
            out_m += m
        return out_b, out_m

    def detect_raw(self, image: Image.Image, *, threshold: float | None = None,
                   scales: Sequence[float] | None = None, flip: bool | None = None,
                   refine_scale: float | None = None, candidates: bool = False,
                   pyramid: Pyramid | None = None):
        """All detections above ``threshold`` in photo pixels, merged across passes:
        boxes (N, 5: x1, y1, x2, y2, score) and landmarks (N, 10).

        After the pyramid passes, weak candidates (score between ``candidate_threshold`` and
        ``threshold``) that no confident face explains are looked at again, upsampled by
        ``refine_scale``, in small windows around them: tiny faces are confirmed there at a
        fraction of the cost of upsampling the whole photo.

        ``candidates=True`` also returns the weak candidates still unconfirmed (not overlapping
        a kept face) as a second (boxes, landmarks) pair, for fusion with another detector.

        ``pyramid``: the photo's scaled-down copies shared with the other detector (made here
        when not given).
        """
        rgb = to_rgb(image)
        if pyramid is None or pyramid.rgb is not rgb:
            pyramid = Pyramid(rgb)
        width, height = rgb.size
        self.last_refine = (0, 0)
        thr = self.threshold if threshold is None else float(threshold)
        cand_thr = min(thr, self.candidate_threshold)
        flip = self.flip if flip is None else flip
        refine = self.refine_scale if refine_scale is None else float(refine_scale)
        plan = plan_passes(width, height, scales=self.scales if scales is None else scales,
                           coarse_side=self.coarse_side, tile=self.tile, overlap=self.overlap,
                           max_pass_pixels=self.max_pass_pixels)
        empty = (np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32))
        all_b, all_m = [], []
        for p in plan:
            sw, sh = p.tiles[-1][2], p.tiles[-1][3]
            if abs(p.scale - 1.0) < 1e-6:
                scaled = rgb
            elif p.scale < 1:
                scaled = pyramid.box((sw, sh))
            else:
                scaled = rgb.resize((sw, sh), Image.Resampling.BILINEAR)
            coarse = p is not plan[-1] or len(plan) == 1
            pad = self.edge_passes == "all" or (self.edge_passes == "coarse" and coarse)
            b, m = self._search(scaled, p.scale, p.tiles, cand_thr, flip, pad=pad)
            all_b += b
            all_m += m
        if not all_b:
            return (*empty, *empty) if candidates else empty
        boxes, lms = np.concatenate(all_b), np.concatenate(all_m)
        strong = boxes[:, 4] >= thr
        finest = max(p.scale for p in plan)
        if refine > finest * 1.15 and (~strong).any():
            cands = boxes[~strong]
            sb = boxes[strong]
            # a candidate mostly inside a confident face is that face, not a new one
            unexplained = []
            for c in cands:
                if len(sb):
                    ix = np.maximum(0, np.minimum(c[2], sb[:, 2]) - np.maximum(c[0], sb[:, 0]))
                    iy = np.maximum(0, np.minimum(c[3], sb[:, 3]) - np.maximum(c[1], sb[:, 1]))
                    if ((ix * iy) / max(1e-6, (c[2] - c[0]) * (c[3] - c[1])) > 0.5).any():
                        continue
                if float(c[4]) >= self.refine_min_score:
                    unexplained.append(c)
            # strongest candidates first, so a cap on the work drops the least likely faces
            unexplained.sort(key=lambda c: -float(c[4]))
            small = [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in unexplained]
            cells = refine_cells(small, width, height, cell=self.refine_cell,
                                 margin=self.refine_margin, max_face=self.refine_max_face)
            if self.refine_merge_side > 0:
                cells = merge_windows(cells, max_side=self.refine_merge_side)
            self.last_refine = (len(cells), sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in cells))
            b, m = self._refine(rgb, cells, refine, thr, flip)
            all_b += b
            all_m += m
            boxes, lms = np.concatenate(all_b), np.concatenate(all_m)
        keep_thr = boxes[:, 4] >= thr
        weak_b, weak_m = boxes[~keep_thr], lms[~keep_thr]
        boxes, lms = boxes[keep_thr], lms[keep_thr]
        if len(boxes):
            keep, merged = nms_merge(boxes[:, :4], boxes[:, 4], self.nms_iou)
            out = boxes[keep].copy()
            out[:, :4] = merged
            kept = (out, lms[keep])
        else:
            kept = empty
        if not candidates:
            return kept
        if not len(weak_b):
            return (*kept, *empty)
        # weak candidates that no kept face explains (NMS over both, kept faces ranked first)
        allb = np.concatenate([kept[0], weak_b])
        rank = np.concatenate([2.0 + kept[0][:, 4], weak_b[:, 4]])
        survivors = [i - len(kept[0]) for i in nms(allb[:, :4], rank, self.nms_iou)
                     if i >= len(kept[0])]
        return (*kept, weak_b[survivors], weak_m[survivors])


__all__ = ["CenterFace", "Pass", "decode_centerface", "merge_windows", "plan_passes",
           "refine_cells"]
