"""Pixels for the face models: whatever the photo's mode, 8-bit RGB."""

from __future__ import annotations

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


__all__ = ["to_rgb"]
