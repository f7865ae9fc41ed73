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


__all__ = ["box_iou", "corner_iou", "float_box", "int_box"]
