"""A photo the models read piece by piece, without an array of all of it.

A 12 MP photo is 36 MB as an array, on top of the decoded picture (48 MB in Pillow). The face
detector's tiles and the text reader's tiles and lines are cut from the picture one at a time;
only the text reader takes the whole array, and only while it scales the photo down.
"""

from __future__ import annotations

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


__all__ = ["Picture"]
