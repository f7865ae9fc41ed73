"""A real face engine that keeps what its models found and computed for each picture, for a
module that checks the same pictures more than once (another threshold, another register
engine): the models' work depends on the picture alone, so the second time is the first's
result, copied (the pipeline writes its matches on the faces). Everything else, and every
picture seen once, is the engine's own work."""

from __future__ import annotations

import copy
import hashlib


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
            self.found[key] = copy.deepcopy(self.engine.detect(image))
        return copy.deepcopy(self.found[key])

    def encode(self, image, faces, model):
        key = (self._picture(image), model,
               tuple((tuple(f.box), tuple(map(tuple, f.landmarks or ()))) for f in faces))
        if key not in self.signatures:
            self.signatures[key] = self.engine.encode(image, faces, model)
        return [None if e is None else e.copy() for e in self.signatures[key]]

    def portrait_faces(self, image, *, sureness: bool = True):
        key = (self._picture(image), sureness)
        if key not in self.portraits:
            self.portraits[key] = self.engine.portrait_faces(image, sureness=sureness)
        return [(box, enc.copy(), sure) for box, enc, sure in self.portraits[key]]
