"""Plain box geometry shared by faces, reviews and video tracks (no numpy, no models).

Two box forms: ``(x, y, w, h)`` (what ``Face.box``, reviews and annotations use) and
``(x1, y1, x2, y2)`` corners (what the detectors and video tracks use).
"""

from __future__ import annotations

from collections.abc import Sequence


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0.0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def float_box(box: Sequence[float]) -> tuple[float, float, float, float]:
    """A four-number box (either form) as a tuple of floats."""
    a, b, c, d = box
    return float(a), float(b), float(c), float(d)


def int_box(box: Sequence[float]) -> tuple[int, int, int, int]:
    """A four-number box (either form) as a tuple of ints (``int()``: towards zero)."""
    a, b, c, d = box
    return int(a), int(b), int(c), int(d)


def corner_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x1, y1, x2, y2) boxes."""
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


#: the oval a face's cover paints (``media.cover.face_cover``): the face box grown ``grow``
#: times, ``FACE_COVER_TALLER`` times that in height, its centre raised ``FACE_COVER_RAISE``
#: face heights for hair and forehead; a school may set grow down to ``FACE_COVER_MIN_GROW``
#: (``settings.CoverSettings``)
FACE_COVER_RAISE, FACE_COVER_TALLER, FACE_COVER_MIN_GROW = 0.08, 1.05, 1.1


def in_face_cover(points: Sequence[Sequence[float]], face_box: Sequence[float],
                  grow: float = FACE_COVER_MIN_GROW) -> bool:
    """Does every point lie inside the oval a cover of the face at ``face_box`` (x, y, w, h)
    paints, grown ``grow`` times (by default the least a school may set), with a pixel to
    spare? The oval is convex: a polygon whose corners are inside it is inside it. Where the
    picture's edge cuts the oval, the cover is a rectangle holding the rest of it."""
    x, y, w, h = (float(v) for v in face_box)
    rx = w * grow / 2.0 - 1.0
    ry = h * grow * FACE_COVER_TALLER / 2.0 - 1.0
    if rx <= 0 or ry <= 0 or not points:
        return False
    cx, cy = x + w / 2.0, y + h / 2.0 - FACE_COVER_RAISE * h
    return all(((float(px) - cx) / rx) ** 2 + ((float(py) - cy) / ry) ** 2 <= 1.0
               for px, py in points)


def merge_overlapping(rects: Sequence[Sequence[float]], max_side: float, waste: float = 0.15
                      ) -> list[tuple[int, int, int, int]]:
    """Join overlapping rectangles (x0, y0, x1, y1) whose joint bounding box adds at most
    ``waste`` of area that neither covers and has no side longer than ``max_side``, so that
    pixels two rectangles share are searched once. Every pixel of the input stays inside some
    output rectangle (``waste`` inf: every overlapping pair joined). Pure; unit-tested.
    The text reader's badge areas (``ocr``) and a video's windows around faces found turned
    (``media.video.analysis.follow_looks``)."""
    out = [tuple(int(v) for v in r) for r in rects]
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            a = out[i]
            for j in range(i + 1, len(out)):
                b = out[j]
                ix = min(a[2], b[2]) - max(a[0], b[0])
                iy = min(a[3], b[3]) - max(a[1], b[1])
                if ix <= 0 or iy <= 0:
                    continue
                u = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                if max(u[2] - u[0], u[3] - u[1]) > max_side:
                    continue
                covered = ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
                           - ix * iy)
                if (u[2] - u[0]) * (u[3] - u[1]) > (1.0 + waste) * covered:
                    continue
                out[i] = u
                del out[j]
                merged = True
                break
            if merged:
                break
    return out  # type: ignore[return-value]


__all__ = ["FACE_COVER_MIN_GROW", "FACE_COVER_RAISE", "FACE_COVER_TALLER", "box_iou",
           "corner_iou", "float_box", "in_face_cover", "int_box", "merge_overlapping"]
