"""tests/models_once.py: a model's answer for a picture is reused only for the same pixels read
the same way (the engine's settings, the text reader's options, the areas looked at closely),
and a caller writing on what it got changes nothing kept."""

from __future__ import annotations

from PIL import Image

from photovet.core.models import Face
from photovet.core.settings import Settings
from photovet.core.vision.faces import FaceEngine
from photovet.core.vision.text.ocr import TextEngine
from tests import models_once
from tests.models_once import models_read_once


def _picture(colour: str) -> Image.Image:
    return Image.new("RGB", (16, 12), colour)


def test_the_same_pixels_read_the_same_way_are_read_once(monkeypatch):
    asked: list[str] = []

    def detect(engine, image):
        asked.append(f"detect {image.getpixel((0, 0))} {engine.candidate_threshold}")
        return [Face(box=(1, 2, 3, 4), score=0.9)]

    def read(engine, image, focus=(), *, scale=None):
        asked.append(f"read {image.getpixel((0, 0))} {list(focus)} {engine.options['x']}")
        return [([(0, 0), (1, 0), (1, 1), (0, 1)], "Tom", 0.9)]

    monkeypatch.setattr(models_once, "_FOUND", {})       # these answers are kept nowhere else
    monkeypatch.setattr(FaceEngine, "detect", detect)
    monkeypatch.setattr(TextEngine, "read", read)
    models_read_once(monkeypatch)

    faces = object.__new__(FaceEngine)
    faces.settings, faces.candidate_threshold = Settings(), 0.5
    stricter = object.__new__(FaceEngine)
    stricter.settings, stricter.candidate_threshold = Settings(), 0.6
    found = faces.detect(_picture("red"))
    found[0].person = "A1"
    assert faces.detect(_picture("red"))[0].person is None
    stricter.detect(_picture("red"))
    faces.detect(_picture("blue"))
    assert asked == ["detect (255, 0, 0) 0.5", "detect (255, 0, 0) 0.6",
                     "detect (0, 0, 255) 0.5"]

    asked.clear()
    text, other = object.__new__(TextEngine), object.__new__(TextEngine)
    text.options, other.options = {"x": 1}, {"x": 2}
    for _ in range(2):
        text.read(_picture("red"))
        text.read(_picture("red"), [(0, 0, 8, 8)])
        other.read(_picture("red"))
    assert asked == ["read (255, 0, 0) [] 1", "read (255, 0, 0) [(0, 0, 8, 8)] 1",
                     "read (255, 0, 0) [] 2"]
