"""A pupil's name written in the photo is read, matched to the register, and painted over in the
export, unless the pupil has name-with-photo consent for that channel and the channel's names
rule allows the name as written (real OCR models)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from photovet.core.cache import AnalysisCache
from photovet.core.pipeline import Engine, export_batch
from photovet.core.register.people import Register
from photovet.core.settings import Settings
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

NAME_BOX = (60, 150, 520, 230)  # where the name is drawn
ON = dt.date(2026, 11, 21)


class NoFaces:
    def detect(self, image):
        return []

    def encode(self, image, faces, model=None):
        return []


def _register(tmp_path, name_consent: bool) -> Register:
    csv = tmp_path / "mis.csv"
    csv.write_text("UPN,Surname,Forename,Consent: School Website,Consent: Facebook,"
                   "Consent: Name with Photo\n"
                   f"A919241717737,Hartley,Amelia,Yes,Yes,{'Yes' if name_consent else 'No'}\n",
                   encoding="utf-8")
    reg = Register.open(tmp_path / "r.db", access=office_access())
    assert reg.import_csv(csv, today=ON).applied
    return reg


def _badge(path):
    img = Image.new("RGB", (640, 400), (235, 235, 225))
    d = ImageDraw.Draw(img)
    d.rectangle([40, 130, 600, 250], fill=(255, 255, 255), outline=(30, 60, 120), width=4)
    d.text((70, 160), "Amelia Hartley", fill=(10, 10, 10), font=ImageFont.load_default(size=56))
    img.save(path, "JPEG", quality=95)
    return path


def _dark_share(res) -> float:
    x0, y0, x1, y1 = NAME_BOX
    ink = np.asarray(Image.open(res.output).convert("L"), dtype=float)[y0:y1, x0:x1]
    return float((ink < 80).mean())  # share of near-black (glyph) pixels left where the name was


@pytest.mark.parametrize("consent", [False, True], ids=["no-name-consent", "name-consent"])
def test_pupil_name_is_covered_in_the_export_unless_consented(tmp_path, consent):
    photo = _badge(tmp_path / "badge.jpg")
    out = tmp_path / "out"
    out.mkdir()
    reg = _register(tmp_path, consent)
    try:
        engine = Engine.load(Settings(), reg, faces=False)
        engine.face_engine = NoFaces()  # the stand-in detector finds no face; text is real
        engine.cache = AnalysisCache(tmp_path / "cache")
        a = engine.analyse(photo)
        assert a.error is None and a.faces_checked and a.faces == []
        engine.decide(a, "website", on=ON)
        [name] = [t for t in a.texts if t.person == "A919241717737"]
        assert name.kind == "pupil-name" and name.form == "full"
        assert name.final_decision == ("keep" if consent else "cover")
        assert name.reason == ("Pupil's name (consent to show names on School website)" if consent
                               else "Pupil's name (no consent to show names)")

        [res] = [s.result for s in export_batch([a], out, label="badge", engine=engine,
                                                channel="website")
                 if s.result is not None]
        assert res.ok, res.error
        dark = _dark_share(res)
        if consent:
            assert dark > 0.03 and res.texts_covered == 0
            assert res.names_shown == ["A919241717737"] and res.names_covered == []
        else:
            assert dark < 0.002 and res.texts_covered == 1
            assert res.names_covered == ["A919241717737"] and res.names_shown == []
    finally:
        reg.close()


def test_full_name_is_covered_on_a_first_names_channel(tmp_path):
    """Facebook allows first names only: the consented pupil's full name is covered there."""
    photo = _badge(tmp_path / "badge.jpg")
    out = tmp_path / "out"
    out.mkdir()
    reg = _register(tmp_path, True)
    try:
        assert reg.channel("facebook").names == "first"
        engine = Engine.load(Settings(), reg, faces=False)
        engine.face_engine = NoFaces()
        engine.cache = AnalysisCache(tmp_path / "cache")
        a = engine.analyse(photo)
        assert a.error is None and a.faces_checked
        engine.decide(a, "facebook", on=ON)
        [name] = [t for t in a.texts if t.person == "A919241717737"]
        assert name.final_decision == "cover"
        assert name.reason == "Pupil's name (Facebook: first names only)"
        [res] = [s.result for s in export_batch([a], out, label="badge", engine=engine,
                                                channel="facebook")
                 if s.result is not None]
        assert res.ok, res.error
        assert res.texts_covered == 1 and res.names_covered == ["A919241717737"]
    finally:
        reg.close()
