"""A photo the models read piece by piece, without an array of all of it, and the one rule for
cutting a length into overlapping tiles (``tile_spans``).

A 12 MP photo is 36 MB as an array, on top of the decoded picture (48 MB in Pillow). The face
detector's tiles and the text reader's tiles and lines are cut from the picture one at a time,
and the reader scales a large photo down a band of rows at a time (``ocr.scaled_down``); the
whole array is only taken for a photo the reader enlarges or reads at its own size (small ones),
or one whose rows do not fall into short bands.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


class Picture:
    """An RGB PIL image, or an RGB uint8 array (h, w, 3), with its ``shape`` as an array's."""

    def __init__(self, image: Any):
        self._image = image
        if isinstance(image, np.ndarray):
            self.shape = image.shape
        else:
            self.shape = (image.height, image.width, 3)

    def whole(self) -> np.ndarray:
        if isinstance(self._image, np.ndarray):
            return self._image
        return np.asarray(self._image, dtype=np.uint8)

    def region(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """The pixels of [x0, x1) x [y0, y1) (inside the picture) as an RGB uint8 array."""
        if isinstance(self._image, np.ndarray):
            return self._image[y0:y1, x0:x1]
        return np.asarray(self._image.crop((x0, y0, x1, y1)), dtype=np.uint8)


def tile_spans(length: int, tile: int, overlap: int, multiple: int = 1) -> list[tuple[int, int]]:
    """(start, end) spans covering [0, length) with the fewest tiles of at most ``tile`` px that
    overlap by at least ``overlap`` px, shrunk to share the length evenly (less padding and
    overlap wasted than fixed-size tiles), their size rounded up to a ``multiple`` (the face
    models take sides in multiples of 32) but never above ``tile``. Pure; unit-tested."""
    if length <= tile:
        return [(0, length)]
    overlap = min(overlap, tile // 2)
    n = math.ceil((length - overlap) / (tile - overlap))      # >= 2 here
    size = math.ceil((length + (n - 1) * overlap) / n)
    size = min(tile, math.ceil(size / multiple) * multiple)
    starts = [round(k * (length - size) / (n - 1)) for k in range(n)]
    return [(s, min(length, s + size)) for s in starts]


__all__ = ["Picture", "tile_spans"]
