"""The whole photo's text pass skipped a tile with fewer than 40 edge pixels as flat (sky, a
wall). A large soft name has none above Canny's thresholds: "Olivia Bennett" 150 px high,
blurred by 10 px (a banner out of focus, a pupil's work behind the subject) was skipped and
left readable, and nothing was said (found by the s63 textgate probe on enlarged badge
photos). A tile is now skipped only when its brightness is flat too (``ocr.flat_tiles``)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from photovet.core.vision.cv import import_cv2
from photovet.core.vision.text.ocr import FLAT_RANGE, flat_tiles
from tests.video_clips import _font


def _photo(text_px: int, blur: float, ink: int, paper: int, size=(2800, 2100)) -> Image.Image:
    w, h = size
    shade = (paper * (0.95 + 0.05 * np.linspace(0, 1, h)))[:, None, None]   # a soft gradient
    im = Image.fromarray(np.repeat(np.repeat(shade, w, 1), 3, 2).astype(np.uint8))
    ImageDraw.Draw(im).text((100, 900), "Olivia Bennett", fill=(ink,) * 3, font=_font(text_px))
    return im.filter(ImageFilter.GaussianBlur(blur)) if blur else im


@pytest.fixture(scope="module")
def text_engine():
    from photovet.core.vision.text.ocr import TextEngine

    return TextEngine.load()


@pytest.mark.parametrize("text_px, blur, ink, paper", [
    (150, 10, 90, 170),         # a soft name 80 levels off its paper
    (250, 12, 100, 160),
    (100, 6, 110, 160),
])
def test_a_large_soft_name_is_read(text_engine, text_px, blur, ink, paper):
    """(Each is left unread with edges alone deciding: FLAT_RANGE 256, measured.)"""
    reads = [text for _box, text, _score in text_engine.read(_photo(text_px, blur, ink, paper))]
    assert "Olivia Bennett" in reads, reads


def test_only_tiles_flat_in_edges_and_brightness_are_skipped():
    cv2 = import_cv2()
    gray = np.full((400, 600), 140, np.uint8)
    gray[:, 200:400] = np.linspace(135, 143, 200, dtype=np.uint8)[None, :]  # sky: a soft ramp
    gray[150:250, 410:590] = 110                      # a soft patch, 30 levels off: not flat
    gray = cv2.GaussianBlur(gray, (0, 0), 12)
    cv2.putText(gray, "Jo", (20, 200), cv2.FONT_HERSHEY_SIMPLEX, 0.45, 60, 1)  # 10 px, sharp
    xs, ys = [(0, 200), (200, 400), (400, 600)], [(0, 400)]
    assert flat_tiles(gray, xs, ys, cv2) == {(200, 0, 400, 400)}
    assert FLAT_RANGE <= 12       # the detector reads a sharp line 12 levels off its paper
