"""tests/core/seen_faces.py keeps a portrait's faces for the whole run (``$PHOTOVET_TEST_RUN``):
a portrait one module read is not read again by another module's engine that reads the same
way, and is read again by an engine that reads otherwise, for another picture or another
question (a fake engine counts what it is asked)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from photovet.core.models import Face
from photovet.core.settings import Settings
from tests.core.seen_faces import SeenFaces


class CountingFaces:
    version = "test"
    signature_model = "sface"

    def __init__(self, candidate_threshold: float = 0.5, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.candidate_threshold = candidate_threshold
        self.asked = 0

    def portrait_faces(self, image, *, sureness: bool = True):
        self.asked += 1
        return [((10, 20, 30, 40), np.full(4, float(self.asked)), 0.9 if sureness else 1.0)]


def _picture(colour: str) -> Image.Image:
    return Image.new("RGB", (16, 12), colour)


def test_a_portrait_read_by_one_module_is_not_read_again_by_another(tmp_path, monkeypatch):
    monkeypatch.setenv("PHOTOVET_TEST_RUN", str(tmp_path))
    first, second = CountingFaces(), CountingFaces()
    read = SeenFaces(first).portrait_faces(_picture("red"))
    again = SeenFaces(second).portrait_faces(_picture("red"))
    assert (first.asked, second.asked) == (1, 0)
    assert [(box, sure) for box, _, sure in again] == [((10, 20, 30, 40), 0.9)]
    assert np.array_equal(read[0][1], again[0][1])
    again[0][1][:] = 7           # a caller writing on what it got changes nothing kept
    assert SeenFaces(second).portrait_faces(_picture("red"))[0][1][0] == 1.0
    assert not list(tmp_path.rglob(".part-*"))


def test_another_picture_question_or_engine_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PHOTOVET_TEST_RUN", str(tmp_path))
    SeenFaces(CountingFaces()).portrait_faces(_picture("red"))
    engine = CountingFaces()
    SeenFaces(engine).portrait_faces(_picture("blue"))
    SeenFaces(engine).portrait_faces(_picture("red"), sureness=False)
    assert engine.asked == 2
    stricter = CountingFaces(candidate_threshold=0.6)
    other_settings = Settings()
    other_settings.recognition.min_face_px += 10
    elsewise = CountingFaces(settings=other_settings)
    for e in (stricter, elsewise):
        SeenFaces(e).portrait_faces(_picture("red"))
        assert e.asked == 1


def test_without_a_run_folder_each_module_reads_for_itself(monkeypatch):
    monkeypatch.delenv("PHOTOVET_TEST_RUN", raising=False)
    first, second = CountingFaces(), CountingFaces()
    SeenFaces(first).portrait_faces(_picture("red"))
    SeenFaces(second).portrait_faces(_picture("red"))
    assert (first.asked, second.asked) == (1, 1)


class CountingDetector(CountingFaces):
    """Detects and encodes (counted), and reads a portrait with its own detect and encode, as
    FaceEngine does."""

    detected = encoded = 0

    def detect(self, image):
        self.detected += 1
        return [Face(box=(1, 2, 3, 4), score=0.9)]

    def encode(self, image, faces, model="sface"):
        self.encoded += 1
        return [np.full(4, float(self.encoded)) for _ in faces]

    def portrait_faces(self, image, *, sureness: bool = True):
        faces = self.detect(image)
        return [(f.box, e, 0.8) for f, e in zip(faces, self.encode(image, faces))]


def test_a_pictures_faces_found_by_one_module_are_not_found_again_by_another(tmp_path,
                                                                             monkeypatch):
    """The scenario's photos are checked by one module (detect, encode) and read as portraits
    by another: the second finds nothing again, whichever asks first; a wrong picture or
    another question is asked again."""
    monkeypatch.setenv("PHOTOVET_TEST_RUN", str(tmp_path))
    checked = CountingDetector()
    seen = SeenFaces(checked)
    faces = seen.detect(_picture("red"))
    sig = seen.encode(_picture("red"), faces, "sface")
    portraits = CountingDetector()
    read = SeenFaces(portraits).portrait_faces(_picture("red"))
    assert (portraits.detected, portraits.encoded) == (0, 0)
    assert [(box, sure) for box, _, sure in read] == [((1, 2, 3, 4), 0.8)]
    assert np.array_equal(read[0][1], sig[0])
    faces[0].person = "A1"          # a caller writing on what it got changes nothing kept
    assert SeenFaces(portraits).detect(_picture("red"))[0].person is None
    later = CountingDetector()       # portrait first, then the check
    SeenFaces(later).portrait_faces(_picture("blue"))
    SeenFaces(later).detect(_picture("blue"))
    SeenFaces(later).encode(_picture("blue"), [Face(box=(1, 2, 3, 4), score=0.9)])
    SeenFaces(later).encode(_picture("blue"), [Face(box=(1, 2, 3, 4), score=0.9)], "dlib")
    assert (later.detected, later.encoded) == (1, 2)
