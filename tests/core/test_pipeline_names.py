"""A pupil's name written in the photo is read, matched to the register, and painted over in the
export, unless the pupil has name-with-photo consent for that channel (real OCR models)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from photovet.core.cache import AnalysisCache
from photovet.core.storage import open_db
from photovet.core.models import Person
from photovet.core.pipeline import Engine, export_batch
from photovet.core.settings import Settings

NAME_BOX = (60, 150, 520, 230)  # where the name is drawn


class NoFaces:
    def detect(self, image):
        return []

    def encode(self, image, faces):
        return []


class Reg:
    def __init__(self, db, name_consent: bool):
        self.db, self.audit = db, None
        self._people = [Person("P1", "Amelia", "Hartley", consents={"website": True, "facebook": True},
                               name_with_photo=name_consent)]

    def people(self):
        return list(self._people)

    def encodings(self):
        return []


def _badge(path):
    img = Image.new("RGB", (640, 400), (235, 235, 225))
    d = ImageDraw.Draw(img)
    d.rectangle([40, 130, 600, 250], fill=(255, 255, 255), outline=(30, 60, 120), width=4)
    d.text((70, 160), "Amelia Hartley", fill=(10, 10, 10), font=ImageFont.load_default(size=56))
    img.save(path, "JPEG", quality=95)
    return path


@pytest.mark.parametrize("consent", [False, True], ids=["no-name-consent", "name-consent"])
def test_pupil_name_is_covered_in_the_export_unless_consented(tmp_path, consent):
    photo = _badge(tmp_path / "badge.jpg")
    out = tmp_path / "out"
    out.mkdir()
    engine = Engine.load(Settings(), Reg(open_db(tmp_path / "r.db"), consent), faces=False)
    engine.face_engine = NoFaces()  # the stand-in detector finds no face; text is real
    engine.cache = AnalysisCache(tmp_path / "cache")
    a = engine.analyse(photo)
    engine.decide(a, "website", on=dt.date(2026, 11, 21))
    [name] = [t for t in a.texts if t.person == "P1"]
    assert name.kind == "pupil-name"
    assert name.final_decision == ("keep" if consent else "cover")

    [res] = [s.result for s in export_batch([a], out, label="badge", engine=engine, channel="website")
             if s.result is not None]
    assert res.ok, res.error
    x0, y0, x1, y1 = NAME_BOX
    ink = np.asarray(Image.open(res.output).convert("L"), dtype=float)[y0:y1, x0:x1]
    dark = (ink < 80).mean()  # share of near-black (glyph) pixels left where the name was
    if consent:
        assert dark > 0.03 and res.texts_covered == 0
    else:
        assert dark < 0.002 and res.texts_covered == 1 and res.names_covered == ["P1"]
