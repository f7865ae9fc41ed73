"""tests/core/seen_faces.py keeps a portrait's faces for the whole run (``$PHOTOVET_TEST_RUN``):
a portrait one module read is not read again by another module's engine that reads the same
way, and is read again by an engine that reads otherwise, for another picture or another
question (a fake engine counts what it is asked)."""

from __future__ import annotations

import numpy as np
from PIL import Image

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
