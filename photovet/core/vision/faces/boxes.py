"""Boxes: overlap, non-maximum suppression, tiling, clipping. Pure numpy, unit-tested.

Two box forms: ``(x, y, w, h)`` (what ``Face.box`` and the annotations use) and arrays of
``x1, y1, x2, y2`` corners (what the detectors produce).
"""

from __future__ import annotations

import math

import numpy as np

from photovet.core.geometry import box_iou  # re-exported: (x, y, w, h) IoU lives in core/geometry
from photovet.core.vision.picture import tile_spans as spans


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU between (N, 4) and (M, 4) corner boxes."""
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    ix = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = ix * iy
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(aa[:, None] + ab[None, :] - inter, 1e-9)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.3,
        containment: float = 0.6, min_side: float = 0.0) -> np.ndarray:
    """Indices of boxes kept, best score first.

    ``boxes`` (N, 4) as x1, y1, x2, y2. A box is suppressed by a better-scoring one when their
    IoU is at least ``iou_threshold`` or when at least ``containment`` of it lies inside the
    better one and its side (square root of its area) is at least ``min_side`` of the better
    one's (a partial face cut by a tile border, the same face seen tighter). With ``min_side``
    (``NESTED_MIN_SIDE``) a smaller box inside a bigger one is kept: it may be another,
    smaller face, and dropped it would be shown or covered as the bigger face is (fail
    closed: it is a face of its own). A better box inside a bigger one does not remove the
    bigger one: coverage first.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    if len(boxes) == 0:
        return np.zeros((0,), dtype=np.int64)
    x1, y1, x2, y2 = boxes.T
    areas = np.maximum(0.0, x2 - x1) * np.maximum(0.0, y2 - y1)
    order = np.argsort(-scores, kind="stable")
    if len(boxes) > 64 and iou_threshold > 0 and containment > 0 \
            and np.isfinite(boxes).all():
        fast = _nms_pairs(x1, y1, x2, y2, areas, order, iou_threshold, containment, min_side)
        if fast is not None:
            return fast
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        if not rest.size:
            break
        order = rest[~_suppresses(x1, y1, x2, y2, areas, i, rest, iou_threshold, containment,
                                  min_side)]
    return np.asarray(keep, dtype=np.int64)


def _suppresses(x1, y1, x2, y2, areas, i, j, iou_threshold: float, containment: float,
                min_side: float = 0.0) -> np.ndarray:
    """Whether box ``i`` (better ranked; an index or an array of them) suppresses box ``j``
    (``nms``'s rule): IoU at least ``iou_threshold``, or at least ``containment`` of ``j``
    inside ``i`` with ``j``'s side at least ``min_side`` of ``i``'s. Only a box lying inside
    the better one goes; a better box lying inside a bigger one never removes the bigger one
    (the bigger one may be the whole face)."""
    xx1 = np.maximum(x1[i], x1[j])
    yy1 = np.maximum(y1[i], y1[j])
    xx2 = np.minimum(x2[i], x2[j])
    yy2 = np.minimum(y2[i], y2[j])
    inter = np.maximum(0.0, xx2 - xx1) * np.maximum(0.0, yy2 - yy1)
    union = areas[i] + areas[j] - inter
    iou = np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)
    inside = np.where(areas[j] > 0, inter / np.maximum(areas[j], 1e-9), 0.0)
    if min_side > 0:
        inside = np.where(areas[j] >= min_side * min_side * areas[i], inside, 0.0)
    return ~((iou < iou_threshold) & (inside < containment))


#: pairs of boxes whose x ranges overlap, at most, that ``_nms_pairs`` compares at once (bounds
#: its memory: about 20 arrays of up to 8 bytes a pair, 32 MB); more and ``nms`` compares box
#: by box. The densest 12 MP composite of ../shared (549 faces): 95,000 pairs at most in a call
_MAX_PAIRS = 200_000


def _nms_pairs(x1, y1, x2, y2, areas, order, iou_threshold: float, containment: float,
               min_side: float = 0.0) -> np.ndarray | None:
    """``nms``'s result (the same boxes, the same order), computed from the pairs of boxes
    whose x ranges overlap instead of box by box: a box only suppresses a box it intersects,
    and a detector's boxes are small and many (a 12 MP photo's fine pass: thousands per run),
    so there are few such pairs and the box-by-box loop spent its time in numpy's call
    overhead. The same rule on each pair as the loop (``_suppresses``), so the same decisions. None when
    there are more than ``_MAX_PAIRS`` such pairs (the caller then loops)."""
    n = len(x1)
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    by_x = np.argsort(x1, kind="stable")
    xs = x1[by_x]
    # for the k-th box by x1: the boxes after it whose x1 lies before its x2 (x ranges overlap)
    ends = np.searchsorted(xs, x2[by_x], side="left")
    counts = np.maximum(ends - np.arange(1, n + 1), 0)
    total = int(counts.sum())
    if total > _MAX_PAIRS:
        return None
    first = np.repeat(np.arange(n), counts)
    starts = np.cumsum(counts) - counts
    second = first + 1 + (np.arange(total) - np.repeat(starts, counts))
    a, b = by_x[first], by_x[second]
    # i: the better-ranked box of a pair (the one that may suppress), j: the other
    swap = rank[a] > rank[b]
    i = np.where(swap, b, a)
    j = np.where(swap, a, b)
    hit = _suppresses(x1, y1, x2, y2, areas, i, j, iou_threshold, containment, min_side)
    i, j = i[hit], j[hit]
    # suppressed boxes grouped by the box that suppresses them
    by_i = np.argsort(i, kind="stable")
    targets = j[by_i]
    ptr = np.searchsorted(i[by_i], np.arange(n + 1), side="left")
    removed = np.zeros(n, bool)
    keep = []
    for k in order.tolist():
        if removed[k]:
            continue
        keep.append(k)
        lo, hi = ptr[k], ptr[k + 1]
        if hi > lo:
            removed[targets[lo:hi]] = True
    return np.asarray(keep, dtype=np.int64)


def nms_merge(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.3,
              containment: float = 0.6, min_side: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """NMS across pyramid levels that never shrinks the area covered.

    Returns (kept indices, their boxes). A kept box is grown to the union with every *larger*
    box it suppressed: at two scales the network may see the same big face once whole and once
    as its inner part (eyes to mouth) with a higher score; the face must be covered whole.

    Each suppressed box belongs to the best-ranked kept box that suppressed it (overlaps it
    enough and scores higher). Computed as arrays, a block of suppressed boxes at a time: a
    12 MP group photo has thousands of boxes, and the pairwise loop in Python cost seconds.
    """
    keep = nms(boxes, scores, iou_threshold, containment, min_side)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if len(keep) == 0:
        return keep, boxes[:0]
    merged = boxes[keep].copy()
    areas = np.maximum(0.0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0.0, boxes[:, 3] - boxes[:, 1])
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    rank = np.empty(len(boxes), np.int64)
    rank[order] = np.arange(len(boxes))
    suppressed = np.setdiff1d(np.arange(len(boxes)), keep)
    kb, ka, kr = boxes[keep], areas[keep], rank[keep]
    for start in range(0, len(suppressed), _BLOCK):
        js = suppressed[start:start + _BLOCK]
        bj, aj = boxes[js], areas[js]
        iw = np.maximum(0.0, np.minimum(kb[None, :, 2], bj[:, None, 2])
                        - np.maximum(kb[None, :, 0], bj[:, None, 0]))
        ih = np.maximum(0.0, np.minimum(kb[None, :, 3], bj[:, None, 3])
                        - np.maximum(kb[None, :, 1], bj[:, None, 1]))
        inter = iw * ih
        union = ka[None, :] + aj[:, None] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            overlaps = (union > 0) & (inter / np.where(union > 0, union, 1.0) >= iou_threshold)
            inside = (aj[:, None] > 0) & (inter / np.where(aj > 0, aj, 1.0)[:, None] >= containment)
        if min_side > 0:
            inside &= aj[:, None] >= min_side * min_side * ka[None, :]   # as nms decided
        hit = (overlaps | inside) & (kr[None, :] <= rank[js][:, None])
        has = hit.any(axis=1)
        first = hit.argmax(axis=1)
        for j, k in zip(js[has], first[has]):
            if areas[j] > ka[k]:
                m, b = merged[k], boxes[j]
                merged[k] = [min(m[0], b[0]), min(m[1], b[1]), max(m[2], b[2]), max(m[3], b[3])]
    return keep, merged


#: suppressed boxes compared with the kept ones at once in ``nms_merge`` (bounds the memory of
#: the pairwise arrays: 256 x 2,000 kept boxes = 4 MB each)
_BLOCK = 256


#: ``merge_nested`` folds an inner box only when its side (the square root of its area) is at
#: least this share of the outer box's: the same face seen tighter. A smaller box inside a face
#: may be another, smaller face (a baby held to a cheek, a child peeking past a parent); folded,
#: it would take the big face's decision and be shown with it, so it stays a face of its own,
#: decided on its own (covered unless recognised and allowed).
NESTED_MIN_SIDE = 0.6


def merge_nested(boxes: np.ndarray, scores: np.ndarray, containment: float = 0.8,
                 min_side: float = NESTED_MIN_SIDE) -> tuple[np.ndarray, np.ndarray]:
    """Fold a kept box that lies almost wholly inside another kept box, and is nearly as large
    (its side at least ``min_side`` of the other's: ``NESTED_MIN_SIDE``), into it ("a second
    box on one face"). ``nms`` keeps a better-scoring box inside a bigger one (coverage first);
    a person would then review one face twice. The outer box is kept, grown to the union of
    both, with the better score. A smaller inner box is never folded: it may be another
    person's face, and folded it would be decided as the face around it (shown when that
    person may be shown): fail closed, it is a face of its own (one more box to review when it
    was a part of the same face). Returns (kept indices, boxes N x 5). Boxes are x1, y1, x2, y2.

    Largest box first; each box is compared with all the kept (possibly grown) boxes at once,
    and folds into the first that holds it and is at most ``1 / min_side`` its side."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4).copy()
    scores = np.asarray(scores, dtype=np.float64).reshape(-1).copy()
    areas = np.maximum(0.0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0.0, boxes[:, 3] - boxes[:, 1])
    kept = np.zeros(len(boxes), np.int64)     # kept indices, in the order they were kept
    n = 0
    for i in np.argsort(-areas, kind="stable"):     # largest first: inner boxes fold into it
        host = -1
        if n and areas[i] > 0:
            bk = boxes[kept[:n]]
            bi = boxes[i]
            iw = np.maximum(0.0, np.minimum(bi[2], bk[:, 2]) - np.maximum(bi[0], bk[:, 0]))
            ih = np.maximum(0.0, np.minimum(bi[3], bk[:, 3]) - np.maximum(bi[1], bk[:, 1]))
            ak = (bk[:, 2] - bk[:, 0]) * (bk[:, 3] - bk[:, 1])    # as grown so far
            inside = ((iw * ih / areas[i] >= containment)
                      & (areas[i] >= min_side * min_side * ak))
            if inside.any():
                host = int(kept[int(inside.argmax())])
        if host < 0:
            kept[n] = i
            n += 1
            continue
        b = boxes[host]
        boxes[host] = [min(b[0], boxes[i][0]), min(b[1], boxes[i][1]),
                       max(b[2], boxes[i][2]), max(b[3], boxes[i][3])]
        scores[host] = max(scores[host], scores[i])
    idx = np.sort(kept[:n])
    if not len(idx):
        return idx, np.zeros((0, 5))
    return idx, np.concatenate([boxes[idx], scores[idx, None]], axis=1)


def tile_spans(length: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    """``picture.tile_spans`` for the face models: tile sides in multiples of 32."""
    return spans(length, tile, overlap, multiple=32)


def clip_box(
    x1: float, y1: float, x2: float, y2: float, width: int, height: int,
) -> tuple[int, int, int, int] | None:
    """Float corners -> integer (x, y, w, h) inside the image, or None when nothing is left."""
    ix1 = int(math.floor(max(0.0, x1)))
    iy1 = int(math.floor(max(0.0, y1)))
    ix2 = int(math.ceil(min(float(width), x2)))
    iy2 = int(math.ceil(min(float(height), y2)))
    if ix2 - ix1 < 1 or iy2 - iy1 < 1:
        return None
    return (ix1, iy1, ix2 - ix1, iy2 - iy1)


def inside_pads(boxes: np.ndarray, marks: np.ndarray, size: tuple[int, int],
                pads: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Detections on a padded array (``pad_border``) back in the pixels of the array before it
    was padded (``size`` = its (w, h)): a box whose centre lies in a pad is dropped (a mirrored
    face, or a face's half seen twice), the others are clipped to the picture. Pure."""
    left, top = pads[0], pads[1]
    w, h = size
    b, m = boxes.copy(), marks.copy()
    b[:, [0, 2]] -= left
    b[:, [1, 3]] -= top
    m[:, 0::2] -= left
    m[:, 1::2] -= top
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    ok = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
    b, m = b[ok], m[ok]
    b[:, [0, 2]] = b[:, [0, 2]].clip(0, w)
    b[:, [1, 3]] = b[:, [1, 3]].clip(0, h)
    return b, m


__all__ = ["box_iou", "clip_box", "inside_pads", "iou_matrix", "nms", "nms_merge",
           "tile_spans"]
