"""Principle 4 for covers (s63 audit): the export's read-back looked at the copy's size,
format and metadata, never at its covers, so a cover the renderer did not paint (or painted
partly, or lost before the disk) left a face in a copy that passed every check. Each cover's
area must now be flat paint in the picture before it is encoded (exactly) and in the copy as
read back from its file (allowing for JPEG's ringing), or the copy is refused and nothing is
kept (``cover.covers_showing_detail``)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photovet.core.errors import VerificationError
from photovet.core.media import cover as cover_mod
from photovet.core.media import export as export_mod
from photovet.core.media.cover import (
    READ_BACK_MAX_SPREAD,
    apply_covers,
    card_covers,
    covers_showing_detail,
    face_cover,
    text_cover,
)
from photovet.core.media.export import NameAllocator, encode_jpeg, export_photo, render
from photovet.core.models import Channel, Cover
from tests.core.test_export import job

WEB = Channel("website", "School website", long_edge=1024, quality=50)


def busy_photo(path: Path | None = None, size=(1600, 1200), seed: int = 3) -> Image.Image:
    """A picture with detail everywhere (as a face has): smooth noise and fine stripes."""
    rng = np.random.default_rng(seed)
    low = rng.integers(0, 256, (size[1] // 40, size[0] // 40, 3), dtype=np.uint8)
    im = np.asarray(Image.fromarray(low).resize(size, Image.Resampling.BICUBIC), np.int16)
    im = im + (np.indices(size[::-1])[1] % 7 < 3)[..., None] * 60
    out = Image.fromarray(np.clip(im, 0, 255).astype(np.uint8))
    if path is not None:
        out.save(path, "JPEG", quality=95)
    return out


def covers_of(size) -> list[Cover]:
    w, h = size
    line = [(300, 900), (700, 910), (700, 950), (300, 940)]
    return [face_cover((200, 200, 240, 280), size), face_cover((500, 300, 260, 300), size),
            face_cover((w - 100, 50, 200, 220), size),      # cut by the picture's edge
            face_cover((900, 700, 12, 14), size),            # a small face
            text_cover(line), *card_covers(line)]


def _out_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file()]


def test_covers_are_flat_paint_in_the_copy(tmp_path):
    src = tmp_path / "trip.jpg"
    busy_photo(src)
    covers = covers_of((1600, 1200))
    out = tmp_path / "out"
    out.mkdir()
    res = export_photo(job(src, covers), NameAllocator(out, "trip"), WEB)
    assert res.ok, res.error
    with Image.open(res.output) as copy:
        assert covers_showing_detail(copy, covers, (1600, 1200),
                                     max_spread=READ_BACK_MAX_SPREAD) == []
    # and the check sees detail where there is some: the same areas of the photo, uncovered
    bare = render(busy_photo(), [], long_edge=1024)
    assert covers_showing_detail(bare, covers, (1600, 1200))[:3] == [0, 1, 2]


@pytest.mark.parametrize("bug", ["not painted", "half painted", "see-through"])
def test_a_cover_the_renderer_did_not_paint_refuses_the_copy(tmp_path, monkeypatch, bug):
    real = apply_covers

    def buggy(image, covers, **kw):
        if bug == "not painted":
            return image
        if bug == "half painted":          # the top half of each face's cover only
            return real(image, [Cover(c.shape, (c.box[0], c.box[1], c.box[2], c.box[3] // 2),
                                      source=c.source) if c.box else c for c in covers], **kw)
        painted = real(image.copy(), covers, **kw)     # 70 % paint: the face shows through
        return Image.blend(image.convert("RGB"), painted, 0.7)

    monkeypatch.setattr(cover_mod, "apply_covers", buggy)
    src = tmp_path / "trip.jpg"
    busy_photo(src)
    out = tmp_path / "out"
    out.mkdir()
    res = export_photo(job(src, covers_of((1600, 1200))), NameAllocator(out, "trip"), WEB)
    assert not res.ok and res.output is None
    assert "failed its check" in res.error and "not solid, the first over a face" in res.error
    assert _out_files(out) == []                          # nothing kept, no temporary file


def test_a_copy_that_lost_its_covers_on_the_way_to_the_disk_is_refused(tmp_path, monkeypatch):
    src = tmp_path / "trip.jpg"
    busy_photo(src)
    real = encode_jpeg
    monkeypatch.setattr(export_mod, "encode_jpeg",
                        lambda image, q: real(render(busy_photo(), [], long_edge=1024), q))
    out = tmp_path / "out"
    out.mkdir()
    res = export_photo(job(src, covers_of((1600, 1200))), NameAllocator(out, "trip"), WEB)
    assert not res.ok and "not solid" in res.error and _out_files(out) == []


def test_verify_export_reads_the_covers(tmp_path):
    covers = covers_of((1600, 1200))
    good, bad = tmp_path / "good.jpg", tmp_path / "bad.jpg"
    good.write_bytes(encode_jpeg(render(busy_photo(), covers, long_edge=1024), 50))
    bad.write_bytes(encode_jpeg(render(busy_photo(), covers[1:], long_edge=1024), 50))
    export_mod.verify_export(good, (1024, 768), covers=covers, source_size=(1600, 1200))
    with pytest.raises(VerificationError, match=r"1 of its 8 covers is not solid, the first "
                                                r"over a face"):
        export_mod.verify_export(bad, (1024, 768), covers=covers, source_size=(1600, 1200))


@pytest.mark.parametrize("style", ["solid", "pixelate"])
@pytest.mark.parametrize("long_edge", [None, 800])
def test_what_is_flat_paint_passes_at_the_lowest_quality(style, long_edge):
    """No refusal of a good copy: covers over each other (a text cover over a face's), at the
    picture's edges, pixelated faces, and a black-and-white checkerboard around them (the most
    JPEG rings) at quality 50, the lowest a channel may have."""
    y, x = np.mgrid[0:1200, 0:1600]
    board = Image.fromarray(np.stack([((x // 3 + y // 3) % 2 * 255).astype(np.uint8)] * 3, -1))
    size = board.size
    covers = covers_of(size) + [face_cover((-60, -40, 200, 220), size),
                                text_cover([(150, 300), (500, 300), (500, 340), (150, 340)])]
    painted = render(board, covers, long_edge=long_edge, style=style)
    assert covers_showing_detail(painted, covers, size, style=style) == []
    back = Image.open(io.BytesIO(encode_jpeg(painted, 50)))
    assert covers_showing_detail(back, covers, size, style=style,
                                 max_spread=READ_BACK_MAX_SPREAD) == []
    # pixelated blocks are judged block by block: one block left as it was is caught
    if style == "pixelate" and long_edge is None:
        face = covers[1]
        x0, y0, w, h = face.box
        holed = painted.copy()
        holed.paste(board.crop((x0 + w // 2 - 12, y0 + h // 2 - 12, x0 + w // 2 + 12,
                                y0 + h // 2 + 12)), (x0 + w // 2 - 12, y0 + h // 2 - 12))
        assert 1 in covers_showing_detail(holed, covers, size, style=style)


def test_an_area_too_small_to_judge_is_not_judged():
    im = busy_photo(size=(400, 300))
    tiny = [face_cover((100, 100, 6, 7), (400, 300)), Cover("rect", (10, 10, 1, 1), source="face")]
    assert covers_showing_detail(im, tiny, (400, 300)) == []
