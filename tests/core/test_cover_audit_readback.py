"""The export looks at the covers (s63 cover audit): a copy whose cover was not painted,
painted in part or in the wrong place is refused and nothing is written. Before, the check read back only the
size and the metadata, so a renderer bug would have published the face."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photovet.core.errors import VerificationError
from photovet.core.media import cover as cover_mod
from photovet.core.media.cover import (
    READ_BACK_MAX_SPREAD,
    card_covers,
    covers_showing_detail,
    face_cover,
    text_cover,
)
from photovet.core.media.export import encode_jpeg, render, verify_export
from photovet.core.models import Cover, Face
from photovet.core.pipeline import Engine, vet_batch
from tests.core.test_pipeline import ENC_STRANGER, TODAY

BACKGROUND = (30, 90, 160)
FACE = (40, 30, 70, 90)


class ColourFaces:
    """Finds the one 'face' of these photos: the pixels far from the top-left pixel's colour,
    in the picture it is given (so in the orientation the check decoded)."""

    def detect(self, image):
        a = np.asarray(image.convert("RGB")).astype(int)
        ys, xs = np.nonzero(np.abs(a - a[0, 0]).max(axis=2) > 40)
        if len(xs) == 0:
            return []
        x1, y1 = int(xs.min()), int(ys.min())
        return [Face(box=(x1, y1, int(xs.max()) + 1 - x1, int(ys.max()) + 1 - y1), score=0.99)]

    def encode(self, image, faces, model=None):
        return [ENC_STRANGER for _ in faces]      # nobody known: covered on every channel


@pytest.fixture
def colour_engine(ws):
    return Engine(ws.settings, register=ws.register, face_engine=ColourFaces(),
                  cache=ws.cache, reviews=ws.reviews)


def face_photo(size=(400, 300), face=FACE, bg=BACKGROUND) -> Image.Image:
    """An oval 'face' with eyes and a mouth (detail a cover must hide) on a plain ground."""
    im = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(im)
    x, y, w, h = face
    d.ellipse([x, y, x + w - 1, y + h - 1], fill=(230, 170, 140))
    for ex in (x + w * 0.3, x + w * 0.7):
        d.ellipse([ex - 5, y + h * 0.35 - 4, ex + 5, y + h * 0.35 + 4], fill=(20, 20, 20))
    d.rectangle([x + w * 0.3, y + h * 0.7, x + w * 0.7, y + h * 0.75], fill=(150, 30, 40))
    return im


def vet(engine, src: Path, out: Path, records=None):
    """``photovet export``'s way: checked, decided and exported in one pass."""
    out.mkdir(exist_ok=True)
    steps = list(vet_batch([src], engine, "website", out, label="Sports Day", on=TODAY,
                           records=records))
    [res] = [s.result for s in steps if s.result is not None]
    return res


def test_an_export_whose_cover_was_not_painted_is_refused_and_not_kept(ws, colour_engine,
                                                                       tmp_path, monkeypatch):
    src = tmp_path / "src.jpg"
    face_photo().save(src, "JPEG", quality=95)
    good = vet(colour_engine, src, tmp_path / "good", ws.records)
    assert good.ok and good.faces_covered == 1, good.error
    assert len(ws.records.exports()) == 1

    # a renderer bug: the covers are not painted at all
    monkeypatch.setattr(cover_mod, "apply_covers", lambda image, covers, **kw: image)
    res = vet(colour_engine, src, tmp_path / "out", ws.records)
    assert not res.ok and res.output is None
    assert "not solid" in res.error and "not made" in res.error, res.error
    assert list((tmp_path / "out").iterdir()) == []        # neither a copy nor a temporary
    assert len(ws.records.exports()) == 1                  # nor a record


def test_an_export_with_half_a_cover_is_refused(colour_engine, tmp_path, monkeypatch):
    src = tmp_path / "src.jpg"
    face_photo().save(src, "JPEG", quality=95)
    painted = cover_mod.apply_covers

    def top_half_only(image, covers, **kw):
        half = [Cover("rect", (c.box[0], c.box[1], c.box[2], c.box[3] // 2), source=c.source)
                for c in covers]
        return painted(image, half, **kw)

    monkeypatch.setattr(cover_mod, "apply_covers", top_half_only)
    res = vet(colour_engine, src, tmp_path / "out")
    assert not res.ok and "not solid" in res.error, res.error
    assert [p.name for p in (tmp_path / "out").iterdir()] == []


def test_a_cover_painted_in_the_wrong_place_is_refused(colour_engine, tmp_path, monkeypatch):
    """Covers landing elsewhere (a picture turned one way for the check and another for the
    export) leave the face showing where the check said it was."""
    src = tmp_path / "src.jpg"
    face_photo().save(src, "JPEG", quality=95)
    painted = cover_mod.apply_covers

    def mirrored(image, covers, **kw):
        w = image.size[0]
        moved = [Cover(c.shape, (w - c.box[0] - c.box[2], c.box[1], c.box[2], c.box[3]),
                       source=c.source) for c in covers]
        return painted(image, moved, **kw)

    monkeypatch.setattr(cover_mod, "apply_covers", mirrored)
    res = vet(colour_engine, src, tmp_path / "out")
    assert not res.ok and "not solid" in res.error, res.error


def test_verify_export_reads_each_cover_back(tmp_path):
    """verify_export itself: the same picture passes with its covers painted, and is refused
    (VerificationError) without."""
    im = face_photo()
    covers = [face_cover(FACE, im.size)]
    good, bare = tmp_path / "good.jpg", tmp_path / "bare.jpg"
    good.write_bytes(encode_jpeg(render(im, covers, long_edge=None), 85))
    bare.write_bytes(encode_jpeg(render(im, [], long_edge=None), 85))
    verify_export(good, im.size, covers=covers, source_size=im.size)
    with pytest.raises(VerificationError, match="not solid"):
        verify_export(bare, im.size, covers=covers, source_size=im.size)


def _noise(size, seed=3) -> Image.Image:
    """A hard 4-pixel random texture: the worst ground for JPEG next to a flat cover."""
    rng = np.random.default_rng(seed)
    w, h = size
    cells = rng.integers(0, 256, (h // 4 + 1, w // 4 + 1, 3), dtype=np.uint8)
    return Image.fromarray(cells).resize((w, h), Image.Resampling.NEAREST)


@pytest.mark.parametrize("quality", [50, 95])
@pytest.mark.parametrize("long_edge", [None, 640])
@pytest.mark.parametrize("style", ["solid", "pixelate"])
def test_good_covers_pass_whatever_the_quality_scale_and_overlaps(quality, long_edge, style):
    """No false alarm on a hard texture: faces at the edges and overlapping, tiny and huge,
    text and a badge over a face, at the lowest JPEG quality a channel may have, scaled down
    or not; the bare picture is refused every time."""
    size = (1200, 900)
    im = _noise(size)
    line = [(300, 500), (520, 520), (515, 560), (295, 540)]
    covers = [face_cover(b, size) for b in ((-60, 100, 200, 240), (150, 120, 220, 260),
                                            (1100, 820, 160, 160), (600, 400, 6, 7))]
    covers += [text_cover(line), *card_covers(line), face_cover((700, 80, 300, 330), size)]
    back = Image.open(io.BytesIO(encode_jpeg(render(im, covers, long_edge=long_edge,
                                                    style=style), quality)))
    assert covers_showing_detail(back, covers, size, style=style,
                                 max_spread=READ_BACK_MAX_SPREAD) == []
    bare = Image.open(io.BytesIO(encode_jpeg(render(im, [], long_edge=long_edge), quality)))
    assert covers_showing_detail(bare, covers, size, style=style,
                                 max_spread=READ_BACK_MAX_SPREAD) != []


def test_a_pixelated_face_is_read_back_block_by_block(ws, colour_engine, tmp_path,
                                                      monkeypatch):
    """The "pixelate" style: each block of the oval one colour of its own; a copy with the
    face left as it was is refused."""
    ws.settings.cover.style = "pixelate"
    src = tmp_path / "src.jpg"
    face_photo().save(src, "JPEG", quality=95)
    good = vet(colour_engine, src, tmp_path / "good")
    assert good.ok and good.faces_covered == 1, good.error
    with Image.open(good.output) as im:
        x, y, w, h = FACE
        face = np.asarray(im.convert("L"))[y + 10:y + h - 10, x + 10:x + w - 10]
    assert np.ptp(face) > 10          # blocks, not one fill: the style was used

    monkeypatch.setattr(cover_mod, "apply_covers", lambda image, covers, **kw: image)
    res = vet(colour_engine, src, tmp_path / "out")
    assert not res.ok and "not solid" in res.error, res.error
    assert list((tmp_path / "out").iterdir()) == []
