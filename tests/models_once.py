"""What the face and text models found on a picture, kept for the test process, for the tests
that run PhotoVet's commands on small drawn photos (tests/cli/conftest.py) and for the kill
campaign's preparation (tests/core/kill_util.py ``in_process``): they are about what a command
says, records and writes, and each of them checked the same drawn photos with the real models
again, in a new data folder (whose analysis cache starts empty) or as a file a byte longer.
The command still runs whole (analysis, its cache, decisions, rendering, reading back); only
the models' answer for a picture they have already seen is the first answer, copied: it
depends on the pixels and on what the models read them with (the engine's settings,
thresholds and versions, the text reader's options, the areas it is asked to look at
closely), all of which are in the key.

The models' own tests (tests/core/test_faces*.py, test_text*.py...) never use this. A process
a test starts (``python -m photovet``) reads for itself."""

from __future__ import annotations

import copy
import json

import pytest

from tests.core.seen_faces import SeenFaces

_picture = SeenFaces._picture

_FOUND: dict = {}


def _kept(key, work):
    if key not in _FOUND:
        _FOUND[key] = work()
    return copy.deepcopy(_FOUND[key])


def models_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch the real models' ``detect``, ``encode`` and ``read`` for one test."""
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.vision.text.ocr import TextEngine

    detect, encode, read = FaceEngine.detect, FaceEngine.encode, TextEngine.read

    def faces_key(engine) -> str:
        return SeenFaces(engine)._engine_reads_with()

    def kept_detect(engine, image):
        return _kept(("detect", faces_key(engine), _picture(image)),
                     lambda: detect(engine, image))

    def kept_encode(engine, image, faces, model=encode.__defaults__[0]):
        boxes = tuple((tuple(f.box), tuple(map(tuple, f.landmarks or ()))) for f in faces)
        return _kept(("encode", faces_key(engine), _picture(image), model, boxes),
                     lambda: encode(engine, image, faces, model))

    def kept_read(engine, image, focus=(), *, scale=None):
        reads_with = json.dumps([type(engine).__qualname__, engine.options], sort_keys=True,
                                default=repr)
        areas = tuple(tuple(float(v) for v in area) for area in focus)
        return _kept(("read", reads_with, _picture(image), areas, scale),
                     lambda: read(engine, image, focus, scale=scale))

    monkeypatch.setattr(FaceEngine, "detect", kept_detect)
    monkeypatch.setattr(FaceEngine, "encode", kept_encode)
    monkeypatch.setattr(TextEngine, "read", kept_read)
