"""Pixels for the face models: whatever the photo's mode, 8-bit RGB; a photo's scaled-down
copies made once for every detector that asks for them."""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB for the models: greyscale, palette, RGBA, CMYK, 16-bit... all become 8-bit RGB."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(image, dtype=np.float64)
        hi = arr.max() if arr.size else 1.0
        arr = (arr * (255.0 / hi) if hi > 255 else arr).clip(0, 255).astype(np.uint8)
        return Image.fromarray(arr, "L").convert("RGB")
    return image.convert("RGB")


def pad_border(arr: np.ndarray, sides: tuple[bool, bool, bool, bool], fraction: float,
               fill: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``arr`` (h, w, 3) widened past the photo's border on ``sides`` (left, top, right, bottom)
    by ``fraction`` of its side there, so a face the border cuts is seen with room around it:
    ``fill`` "grey" (128) or "reflect" (the pixels mirrored at the border). Returns the padded
    array and the pads (left, top, right, bottom) in px. Pure; unit-tested."""
    h, w = arr.shape[:2]
    px, py = int(round(fraction * w)), int(round(fraction * h))
    if fill == "reflect":           # a mirror cannot reach further than the picture itself
        px, py = min(px, w - 1), min(py, h - 1)
    pads = (px if sides[0] else 0, py if sides[1] else 0, px if sides[2] else 0,
            py if sides[3] else 0)
    if not any(pads):
        return arr, pads
    spec = ((pads[1], pads[3]), (pads[0], pads[2]), (0, 0))
    if fill == "reflect":
        return np.pad(arr, spec, mode="reflect"), pads
    if fill == "grey":
        return np.pad(arr, spec, mode="constant", constant_values=128), pads
    raise ValueError(f"unknown fill {fill!r}")


class Pyramid:
    """One photo's scaled-down copies (Pillow's BOX filter), each made once however many
    detectors ask for it: CenterFace's and YuNet's coarse passes and CenterFace's look at the
    photo upside down all want it at 640 px (21-25 ms of CPU each on a 12 MP photo).
    Thread-safe (the two detectors run side by side).

    Only copies of at most ``keep_pixels`` are kept for the next caller; a larger one (a fine
    pass) is made for its caller alone, so it is freed as soon as that pass is done."""

    def __init__(self, rgb: Image.Image, keep_pixels: int = 1_000_000):
        self.rgb = rgb
        self.keep_pixels = int(keep_pixels)
        self._made: dict[tuple[int, int], Image.Image] = {}
        self._lock = threading.Lock()

    def box(self, size: tuple[int, int]) -> Image.Image:
        """The photo resized to ``size`` (w, h) with the BOX filter; the photo itself at its own
        size."""
        size = (int(size[0]), int(size[1]))
        if size == self.rgb.size:
            return self.rgb
        if size[0] * size[1] > self.keep_pixels:
            return self.rgb.resize(size, Image.Resampling.BOX)
        with self._lock:   # the other detector waits for the copy instead of making its own
            made = self._made.get(size)
            if made is None:
                made = self._made[size] = self.rgb.resize(size, Image.Resampling.BOX)
            return made


__all__ = ["Pyramid", "pad_border", "to_rgb"]
