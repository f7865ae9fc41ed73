"""Covers in real exports (s63 audit), read back from the written file: every EXIF
orientation, every kind of picture PhotoVet reads, a channel's downscale, faces at the edges,
tiny and huge. The face is found by a stand-in detector in the picture as the check decoded
it, so these also show the check and the export see the same picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from photovet.core.pipeline import Engine, analyse_batch, export_batch, vet_batch
from tests.core.test_cover_audit_readback import FACE, ColourFaces, face_photo, vet
from tests.core.test_pipeline import TODAY


@pytest.fixture
def colour_engine(ws):
    return Engine(ws.settings, register=ws.register, face_engine=ColourFaces(),
                  cache=ws.cache, reviews=ws.reviews)


def in_face(path, face, size) -> np.ndarray:
    """The copy's pixels inside the face's oval (scaled to the copy), checking the copy is a
    plain upright JPEG of the shown picture's shape."""
    with Image.open(path) as im:
        assert im.format == "JPEG" and 0x0112 not in im.getexif()
        assert abs(im.size[0] / im.size[1] - size[0] / size[1]) < 0.02
        sx, sy = im.size[0] / size[0], im.size[1] / size[1]
        a = np.asarray(im.convert("RGB")).astype(int)
    x, y, w, h = face
    yy, xx = np.mgrid[0:a.shape[0], 0:a.shape[1]]
    inside = (((xx + 0.5 - (x + w / 2) * sx) / (w * sx / 2)) ** 2
              + ((yy + 0.5 - (y + h / 2) * sy) / (h * sy / 2)) ** 2) <= 1
    return a[inside]


def assert_covered(path, face, size) -> None:
    px = in_face(path, face, size)
    assert len(px) > 0
    spread = np.abs(px - np.median(px, axis=0)).max()
    assert spread < 24, f"the face shows through the cover (spread {spread})"


#: the turn that stores a picture shown upright under each EXIF orientation (its inverse is
#: what a viewer applies; Pillow's exif_transpose is the oracle below, not PhotoVet's table)
STORED = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
          6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_270}


@pytest.mark.parametrize("how", ["one pass", "checked first"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_covered_where_the_face_is_shown(colour_engine, tmp_path,
                                                              orientation, how):
    shown = face_photo()
    turn = STORED[orientation]
    stored = shown if turn is None else shown.transpose(turn)   # FLIP_LEFT_RIGHT is 0
    exif = Image.Exif()
    exif[0x0112] = orientation
    src = tmp_path / "phone.jpg"
    stored.save(src, "JPEG", quality=95, exif=exif)
    with Image.open(src) as im:
        viewed = np.asarray(ImageOps.exif_transpose(im).convert("RGB")).astype(int)
    assert np.abs(viewed - np.asarray(shown).astype(int)).mean() < 3   # the oracle agrees
    if how == "one pass":        # photovet export
        res = vet(colour_engine, src, tmp_path / "out")
    else:                        # the app: checked, then exported from a decode of its own
        (tmp_path / "out").mkdir()
        analyses = [s.result for s in analyse_batch([src], colour_engine, "website", on=TODAY)
                    if s.result is not None]
        [res] = [s.result for s in export_batch(analyses, tmp_path / "out", label="Trip",
                                                engine=colour_engine, channel="website")
                 if s.result is not None]
    assert res.ok and res.faces_covered == 1, res.error
    assert (res.width, res.height) == shown.size       # upright, the tag gone
    assert_covered(res.output, FACE, shown.size)


def _saved(im: Image.Image, kind: str, folder: Path) -> Path:
    if kind == "cmyk":          # Pillow writes Adobe (inverted) CMYK
        path = folder / "p.jpg"
        im.convert("CMYK").save(path, "JPEG", quality=95)
    elif kind == "I;16":
        path = folder / "p.png"
        grey = np.asarray(im.convert("L")).astype("<u2") * 257
        Image.frombytes("I;16", im.size, grey.tobytes()).save(path, "PNG")
    elif kind == "P":
        path = folder / "p.png"
        im.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(path, "PNG",
                                                                        transparency=0)
    elif kind == "RGBA":
        path = folder / "p.png"
        rgba = im.convert("RGBA")
        rgba.putalpha(200)
        rgba.save(path, "PNG")
    elif kind == "1":
        path = folder / "p.png"
        im.convert("L").point(lambda v: 255 if v > 60 else 0).convert(
            "1", dither=Image.Dither.NONE).save(path, "PNG")
    elif kind in ("WEBP", "HEIF", "TIFF"):
        path = folder / f"p.{kind.lower()}"
        im.save(path, kind, **({} if kind == "TIFF" else {"quality": 95}))
    else:                       # L, LA
        path = folder / "p.png"
        im.convert(kind).save(path, "PNG")
    return path


@pytest.mark.parametrize("kind", ["cmyk", "L", "I;16", "P", "RGBA", "LA", "1", "WEBP", "HEIF",
                                  "TIFF"])
def test_every_kind_of_picture_is_covered_solid(colour_engine, tmp_path, kind):
    if kind == "HEIF":
        pytest.importorskip("pillow_heif")
    shown = face_photo(bg=(20, 20, 20))         # a face bright enough in grey and in 1 bit
    src = _saved(shown, kind, tmp_path)
    res = vet(colour_engine, src, tmp_path / "out")
    assert res.ok and res.faces_covered == 1, res.error
    assert_covered(res.output, FACE, shown.size)


@pytest.mark.parametrize("long_edge", [320, 1024, None])
def test_a_downscaled_copy_is_covered_where_the_face_is(colour_engine, ws, tmp_path, long_edge):
    ws.channels.add("tiny", "Tiny", long_edge=long_edge)
    size, face = (3000, 2000), (2100, 300, 360, 450)
    src = tmp_path / "big.jpg"
    face_photo(size, face).save(src, "JPEG", quality=92)
    (tmp_path / "out").mkdir()
    steps = vet_batch_on(colour_engine, src, tmp_path / "out", "tiny")
    [res] = steps
    assert res.ok and res.faces_covered == 1, res.error
    assert max(res.width, res.height) == (long_edge or 3000)
    assert_covered(res.output, face, size)


def vet_batch_on(engine, src, out, channel):
    return [s.result for s in vet_batch([src], engine, channel, out, label="Big", on=TODAY)
            if s.result is not None]


@pytest.mark.parametrize("face", [(-30, 40, 80, 100), (350, 250, 80, 100), (-20, -30, 60, 70),
                                  (200, 150, 6, 8), (0, 0, 400, 300), (60, 10, 280, 280)],
                         ids=["left edge", "bottom right", "corner", "tiny", "whole photo",
                              "huge"])
def test_faces_at_the_edges_tiny_and_huge_are_covered(colour_engine, tmp_path, face):
    shown = face_photo(face=face)
    src = tmp_path / "edge.jpg"
    shown.save(src, "JPEG", quality=95)
    res = vet(colour_engine, src, tmp_path / "out")
    assert res.ok and res.faces_covered == 1, res.error
    assert_covered(res.output, face, shown.size)
