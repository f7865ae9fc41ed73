"""A real face engine that keeps what its models found and computed for each picture, for a
module that checks the same pictures more than once (another threshold, another register
engine): the models' work depends on the picture alone, so the second time is the first's
result, copied (the pipeline writes its matches on the faces). Everything else, and every
picture seen once, is the engine's own work.

The faces of a portrait (``portrait_faces``, what enrolment reads) are also kept for the whole
run in the run's folder (``$PHOTOVET_TEST_RUN``, tests/conftest.py): the scenario's 21
enrolment portraits are read by test_scenario.py, test_enrolment.py and test_faces_accuracy.py,
0.8 CPU seconds each. Kept by the picture's pixels and by what the engine reads them with (its
settings, thresholds and model version): another engine, or the same with other settings, reads
again. Written whole under its final name (a worker reading one never sees half of it); two
workers reading the same portrait at once both read it, and both write the same.

What the detectors found on a picture (``detect``) and its faces' signatures (``encode``) are
kept for the run the same way: the scenario's 41 trip photos are checked by test_scenario.py
(``Engine.analyse``) and read as portraits by test_faces_accuracy.py (every identity photo):
the engine's own ``portrait_faces`` runs with this wrapper as its ``self``, so its detection
and signatures are the ones kept (s37: 0.45 CPU s a photo, read twice a run)."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import inspect
import json
import os
import pickle
import tempfile
from pathlib import Path


class SeenFaces:
    def __init__(self, engine):
        self.engine = engine
        self.found: dict = {}
        self.signatures: dict = {}
        self.portraits: dict = {}

    def __getattr__(self, name):
        return getattr(self.engine, name)

    @staticmethod
    def _picture(image) -> tuple:
        return image.size, image.mode, hashlib.sha256(image.tobytes()).hexdigest()

    def detect(self, image):
        key = self._picture(image)
        if key not in self.found:
            self.found[key] = self._kept_for_the_run(
                ("detect", key), lambda: self.engine.detect(image))
        return copy.deepcopy(self.found[key])

    def encode(self, image, faces, model=None):
        if model is None:         # the engine's own default, as portrait_faces calls it
            model = inspect.signature(type(self.engine).encode).parameters["model"].default
        key = (self._picture(image), model,
               tuple((tuple(f.box), tuple(map(tuple, f.landmarks or ()))) for f in faces))
        if key not in self.signatures:
            self.signatures[key] = self._kept_for_the_run(
                ("encode",) + key, lambda: self.engine.encode(image, faces, model))
        return [None if e is None else e.copy() for e in self.signatures[key]]

    def portrait_faces(self, image, *, sureness: bool = True):
        key = (self._picture(image), sureness)
        if key not in self.portraits:
            self.portraits[key] = self._kept_for_the_run(key, lambda: self._portrait(image, sureness))
        return [(box, enc.copy(), sure) for box, enc, sure in self.portraits[key]]

    def _portrait(self, image, sureness: bool):
        kind = type(self.engine)
        if callable(getattr(kind, "detect", None)) and callable(getattr(kind, "encode", None)):
            # the engine's own method, detecting and encoding through this wrapper
            return kind.portrait_faces(self, image, sureness=sureness)
        return self.engine.portrait_faces(image, sureness=sureness)

    def _engine_reads_with(self) -> str:
        """What the engine's results depend on besides the picture."""
        e = self.engine
        settings = getattr(e, "settings", None)
        parts = {"engine": type(e).__qualname__,
                 "version": str(getattr(e, "version", "")),
                 "model": str(getattr(e, "signature_model", ""))}
        for name in ("detection", "recognition"):
            part = getattr(settings, name, None)
            parts[name] = dataclasses.asdict(part) if dataclasses.is_dataclass(part) else repr(part)
        for name in ("use_yunet", "yunet_threshold", "agree_threshold", "candidate_threshold",
                     "min_face_px", "num_jitters"):
            parts[name] = repr(getattr(e, name, None))
        cf = getattr(e, "centerface", None)
        for name in ("candidate_threshold", "refine_min_score"):
            parts["centerface." + name] = repr(getattr(cf, name, None))
        return json.dumps(parts, sort_keys=True, default=repr)

    def _kept_for_the_run(self, key: tuple, work):
        run = os.environ.get("PHOTOVET_TEST_RUN")
        if not run:
            return work()
        folder = Path(run) / "portrait-faces"
        digest = hashlib.sha256(repr((key, self._engine_reads_with())).encode()).hexdigest()
        path = folder / f"{digest}.pickle"
        try:
            return pickle.loads(path.read_bytes())
        except FileNotFoundError:
            pass
        result = work()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(result, fh)
        os.replace(tmp, path)
        return result
