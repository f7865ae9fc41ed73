"""Loading photos: by content, upright, 8-bit sRGB RGB, pixel guard before decoding, typed errors."""

from __future__ import annotations

import builtins
import hashlib
import io
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from photovet.core.errors import (
    EmptyFileError,
    FileVanishedError,
    ImageError,
    ImageTooLargeError,
    NotAFileError,
    TruncatedImageError,
    UnreadableFileError,
    UnsupportedImageError,
)
from photovet.core.media import imaging
from photovet.core.media.imaging import (
    collect_photos,
    load_image,
    sha256_file,
    thumbnail,
)


def pattern(w: int = 96, h: int = 64) -> Image.Image:
    """An asymmetric picture: any flip or rotation changes it a lot."""
    y, x = np.mgrid[0:h, 0:w]
    arr = np.zeros((h, w, 3), np.uint8)
    arr[..., 0] = (x * 255 // (w - 1)).astype(np.uint8)
    arr[..., 1] = (y * 255 // (h - 1)).astype(np.uint8)
    arr[: h // 3, : w // 4, 2] = 255          # a blue block at the top left only
    return Image.fromarray(arr, "RGB")


# stored = INVERSE[o](display): what a camera writes for orientation o
INVERSE = {
    1: [],
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_90],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_270],
}


def stored_for(display: Image.Image, orientation: int) -> Image.Image:
    im = display
    for op in INVERSE[orientation]:
        im = im.transpose(op)
    return im


def save_with_orientation(path: Path, display: Image.Image, orientation: int, fmt: str = "JPEG") -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    kw = {"quality": 95} if fmt == "JPEG" else {}
    stored_for(display, orientation).save(path, fmt, exif=exif.tobytes(), **kw)


def diff(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size, (a.size, b.size)
    return float(np.abs(np.asarray(a, np.int16) - np.asarray(b, np.int16)).mean())


@pytest.mark.parametrize("fmt,ext", [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("TIFF", ".tif")])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_comes_out_upright(tmp_path, orientation, fmt, ext):
    display = pattern()
    path = tmp_path / f"o{orientation}{ext}"
    save_with_orientation(path, display, orientation, fmt)
    loaded = load_image(path)
    assert loaded.orientation == orientation
    assert loaded.image.mode == "RGB"
    assert loaded.image.size == display.size
    assert loaded.stored_size == stored_for(display, orientation).size
    tol = 4.0 if fmt in ("JPEG", "WEBP") else 0.5
    assert diff(loaded.image, display) < tol
    # the check can fail: the mirrored picture is far away
    assert diff(loaded.image, display.transpose(Image.Transpose.FLIP_LEFT_RIGHT)) > 20


@pytest.mark.parametrize("bad", [0, 9, 65535])
def test_invalid_orientation_is_normal_with_a_warning(tmp_path, bad):
    display = pattern()
    path = tmp_path / "bad.jpg"
    exif = Image.Exif()
    exif[0x0112] = bad
    display.save(path, "JPEG", quality=95, exif=exif.tobytes())
    loaded = load_image(path)
    assert loaded.orientation == 1
    assert any("orientation" in w and str(bad) in w for w in loaded.warnings)
    assert diff(loaded.image, display) < 4


def test_heif_is_not_rotated_twice(tmp_path):
    pytest.importorskip("pillow_heif")
    display = pattern()
    path = tmp_path / "phone.heic"
    # pillow-heif writes the rotation as 'irot' and applies it on reading; the EXIF value is
    # kept only as information. Whatever it writes, the result must be the display picture.
    exif = Image.Exif()
    exif[0x0112] = 6
    stored_for(display, 6).save(path, "HEIF", exif=exif.tobytes(), quality=95)
    loaded = load_image(path)
    assert loaded.format == "HEIF"
    assert loaded.image.size == display.size
    assert diff(loaded.image, display) < 8


def test_a_heic_cut_short_is_refused_not_painted_green(tmp_path, monkeypatch):
    """A phone's HEIC is a grid of tiles: the HEIF decoder fills the tiles missing from a
    cut-short file with flat green and raises nothing (an audit exported one, half green, with
    2 of its 8 faces found). It is refused as incomplete."""
    pillow_heif = pytest.importorskip("pillow_heif")
    monkeypatch.setattr(pillow_heif.options, "GRID_TILE_SIZE", 256)   # tiles, as phones write
    noise = np.random.default_rng(0).integers(0, 255, (768, 1024, 3), dtype=np.uint8)
    whole = tmp_path / "whole.heic"
    Image.fromarray(noise).save(whole, "HEIF", quality=90)
    assert load_image(whole).image.size == (1024, 768)
    data = whole.read_bytes()
    for keep in (0.6, 0.95):
        cut = tmp_path / f"cut{keep}.heic"
        cut.write_bytes(data[:int(len(data) * keep)])
        try:                                  # what the decoder alone does (1.x): green
            with Image.open(cut) as im:
                im.load()
                assert np.asarray(im)[-1, -1].tolist() == [0, 136, 0]
        except ValueError:
            pass                              # a decoder that says so itself: fine too
        with pytest.raises(TruncatedImageError, match="HEIC file ends early"):
            load_image(cut)
        with pytest.raises(TruncatedImageError, match="ends early"):
            load_image(cut, data=cut.read_bytes())


def _png_bytes(mode_image: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    mode_image.save(buf, "PNG", **kw)
    return buf.getvalue()


def test_modes_convert_to_8bit_rgb(tmp_path):
    cases: dict[str, tuple[Image.Image, str, tuple[int, int, int]]] = {}
    grey16 = Image.fromarray(np.full((8, 8), 32768, np.uint16))  # I;16 mid-grey
    cases["grey16.png"] = (grey16, "PNG", (128, 128, 128))
    cases["grey.png"] = (Image.new("L", (8, 8), 200), "PNG", (200, 200, 200))
    cases["bw.png"] = (Image.new("1", (8, 8), 1), "PNG", (255, 255, 255))
    pal = Image.new("P", (8, 8), 1)
    pal.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    cases["palette.png"] = (pal, "PNG", (10, 200, 30))
    cases["la.png"] = (Image.new("LA", (8, 8), (0, 0)), "PNG", (255, 255, 255))  # transparent -> white
    cases["rgba.png"] = (Image.new("RGBA", (8, 8), (255, 0, 0, 255)), "PNG", (255, 0, 0))
    cases["rgba-clear.webp"] = (Image.new("RGBA", (8, 8), (0, 0, 0, 0)), "WEBP", (255, 255, 255))
    cases["cmyk.jpg"] = (Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG", (255, 0, 0))
    cases["cmyk.tif"] = (Image.new("CMYK", (8, 8), (0, 0, 0, 0)), "TIFF", (255, 255, 255))
    cases["int32.tif"] = (Image.fromarray(np.full((8, 8), 65535, np.int32), "I"), "TIFF", (255, 255, 255))
    for name, (im, fmt, expected) in cases.items():
        path = tmp_path / name
        kw = {"lossless": True} if fmt == "WEBP" else {}
        im.save(path, fmt, **kw)
        loaded = load_image(path)
        assert loaded.image.mode == "RGB", name
        px = loaded.image.getpixel((4, 4))
        assert all(abs(a - b) <= 3 for a, b in zip(px, expected)), (name, px, expected)


def test_palette_transparency_composites_on_white(tmp_path):
    pal = Image.new("P", (8, 8), 0)
    pal.putpalette([0, 0, 0] * 256)
    path = tmp_path / "gif.gif"
    pal.save(path, "GIF", transparency=0)
    assert load_image(path).image.getpixel((1, 1)) == (255, 255, 255)


def test_icc_profile_is_converted_to_srgb_and_dropped(tmp_path):
    # an image tagged with a LAB-to-sRGB round trip is hard to build; use the sRGB profile and
    # check the output carries no profile and keeps its colours
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "icc.jpg"
    Image.new("RGB", (8, 8), (30, 120, 220)).save(path, "JPEG", quality=95, icc_profile=srgb)
    loaded = load_image(path)
    assert "icc_profile" not in loaded.image.info
    assert all(abs(a - b) <= 3 for a, b in zip(loaded.image.getpixel((4, 4)), (30, 120, 220)))


def test_wide_gamut_photo_is_converted(tmp_path):
    from tests.conftest import shared_data

    src = shared_data("metadata") / "pillow__xmp_test.jpg"  # Adobe RGB (1998)
    with Image.open(src) as raw:
        naive = raw.convert("RGB")
        naive.load()
    loaded = load_image(src)
    assert loaded.image.size == naive.size
    # Adobe RGB values differ from sRGB; a real conversion changes the numbers
    assert diff(loaded.image, naive) > 1.0


def test_avif_and_heic_open_by_content(tmp_path):
    display = pattern()
    for fmt, name in (("AVIF", "a.jpg"), ("HEIF", "h.png")):  # deliberately wrong extensions
        path = tmp_path / name
        display.save(path, fmt, quality=95)
        loaded = load_image(path)
        assert loaded.format == fmt
        assert diff(loaded.image, display) < 10


# --------------------------------------------------------------------------------------------
# Pixel guard
# --------------------------------------------------------------------------------------------

def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def huge_png_header(w: int = 20000, h: int = 20000) -> bytes:
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def huge_jpeg(tmp_path: Path) -> Path:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 20000, 20000)
    path = tmp_path / "huge.jpg"
    path.write_bytes(bytes(data))
    return path


def test_20000_square_is_refused_before_decoding(tmp_path, monkeypatch):
    png = tmp_path / "huge.png"
    png.write_bytes(huge_png_header())
    jpg = huge_jpeg(tmp_path)
    decoded = []
    real_load = Image.Image.load

    def spy(self, *a, **k):
        decoded.append(self.size)
        return real_load(self, *a, **k)

    monkeypatch.setattr(Image.Image, "load", spy)
    for path in (png, jpg):
        t = time.perf_counter()
        with pytest.raises(ImageTooLargeError) as ei:
            load_image(path)
        assert time.perf_counter() - t < 1.0
        assert str(ei.value).startswith(path.name + ": ")
        assert "400 megapixels" in str(ei.value) and "limit is 100" in str(ei.value)
    assert (20000, 20000) not in [tuple(s) for s in decoded]


def test_pixel_limit_is_configurable(tmp_path):
    path = tmp_path / "p.png"
    pattern(100, 100).save(path)
    with pytest.raises(ImageTooLargeError):
        load_image(path, max_pixels=5_000)
    assert load_image(path, max_pixels=10_000).image.size == (100, 100)


def test_pixel_limit_comes_from_this_pcs_settings(tmp_path, photovet_home):
    from photovet.core.workspace import Workspace

    (photovet_home / "settings.json").write_text('{"performance": {"max_pixels": 1000000}}')
    path = tmp_path / "p.png"
    pattern(1001, 1000).save(path)
    with Workspace.open(photovet_home) as ws:
        assert ws.settings.performance.max_pixels == 1_000_000
        engine = ws.load_engine(faces=False, text=False)
        a = engine.analyse(path)
    assert "limit is 1 megapixels" in a.error
    with pytest.raises(ImageTooLargeError, match="limit is 1 megapixels"):
        load_image(path, max_pixels=1_000_000)


# --------------------------------------------------------------------------------------------
# Bad files: a typed error, naming the file, never a Pillow exception
# --------------------------------------------------------------------------------------------

def _good_jpeg() -> bytes:
    buf = io.BytesIO()
    pattern(400, 300).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _good_png() -> bytes:
    buf = io.BytesIO()
    pattern(400, 300).save(buf, "PNG")
    return buf.getvalue()


def _png_idat_crc_wrong() -> bytes:
    """A whole PNG whose picture data's checksum (IDAT's CRC) is wrong."""
    data = bytearray(_good_png())
    at = data.find(b"IDAT")
    end = at + 4 + int.from_bytes(data[at - 4:at], "big")
    data[end:end + 4] = bytes(4)
    return bytes(data)


def _png_idat_changed() -> bytes:
    """A whole PNG with 32 bytes of its picture data changed (its CRC as it was): Pillow
    decoded it black from there down, and said nothing."""
    data = bytearray(_good_png())
    at = data.find(b"IDAT")
    mid = at + 4 + int.from_bytes(data[at - 4:at], "big") // 2
    data[mid:mid + 32] = b"\xff\x00\xff\xc8" * 8
    return bytes(data)


def _jpeg_marker_in_the_middle() -> bytes:
    """A whole JPEG with a stray marker in the middle of its picture data."""
    data = bytearray(_good_jpeg())
    mid = len(data) // 2
    data[mid:mid + 4] = b"\xff\xc8\x00\x10"
    return bytes(data)


BAD_FILES = [
    ("empty.jpg", lambda: b"", EmptyFileError, "empty"),
    ("truncated.jpg", lambda: _good_jpeg()[: len(_good_jpeg()) // 2], TruncatedImageError, "ends early"),
    ("header-only.jpg", lambda: _good_jpeg()[:300], TruncatedImageError, "damaged"),
    ("notes.jpg", lambda: b"Dear parents,\nthe trip is on Friday.\n" * 20, UnsupportedImageError, "text file"),
    ("random.jpg", lambda: bytes(range(256)) * 8, UnsupportedImageError, "not an image"),
    ("doc.png", lambda: b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", UnsupportedImageError, "PDF"),
    ("clip.jpg", lambda: b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64,
     UnsupportedImageError, "video"),
    ("broken-png.png", lambda: huge_png_header()[:20], TruncatedImageError, "damaged"),
    ("crc.png", _png_idat_crc_wrong, TruncatedImageError, "PNG file is damaged"),
    ("changed.png", _png_idat_changed, TruncatedImageError, "PNG file is damaged"),
    ("marker.jpg", _jpeg_marker_in_the_middle, TruncatedImageError,
     "damaged part of the way through"),
]


@pytest.mark.parametrize("name,make,error,words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_give_one_line_typed_errors(tmp_path, name, make, error, words):
    path = tmp_path / name
    path.write_bytes(make())
    for fn in (load_image, thumbnail):
        with pytest.raises(error) as ei:
            fn(path)
        text = str(ei.value)
        assert text.startswith(f"{name}: ")
        assert words.lower() in text.lower()
        assert "\n" not in text


# --------------------------------------------------------------------------------------------
# JPEGs damaged the way a card or a copy damages them: libjpeg only warns, Pillow said nothing
# --------------------------------------------------------------------------------------------

def _photo_like(w: int = 800, h: int = 600) -> Image.Image:
    """Gradients, a block and noise: picture data as full as a camera's (a flat picture's is
    so small that damage to it is mostly in the headers)."""
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:h, 0:w]
    arr = np.stack([x * 255 // w, y * 255 // h, (x + y) * 255 // (w + h)], -1).astype(float)
    arr += rng.normal(0, 18, arr.shape)
    arr[h // 4:h // 2, w // 3:w // 2] = (200, 40, 40)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _jpeg_bytes(im: Image.Image | None = None, **options) -> bytes:
    buf = io.BytesIO()
    (im or _photo_like()).save(buf, "JPEG", **options)
    return buf.getvalue()


def _picture_at(data: bytes, where: float) -> int:
    """The offset ``where`` (0..1) of the way from a JPEG's first scan's start to its end."""
    sos = data.find(b"\xff\xda")
    start = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    return int(start + (len(data) - start) * where)


def _overwritten(data: bytes, where: float, block: bytes) -> bytes:
    """``data`` with ``block`` written over its picture data at ``where``: the same length,
    as a card or a copy damages a file."""
    at = _picture_at(data, where)
    out = bytearray(data)
    out[at:at + len(block)] = block
    return bytes(out)


def _flipped(data: bytes, where: float) -> bytes:
    """``data`` with one byte of its picture data changed at ``where``."""
    out = bytearray(data)
    out[_picture_at(data, where)] ^= 0x5A
    return bytes(out)


def _middle_kb(data: bytes) -> bytes:
    """1 KB from the middle of another file (a card's cluster written to the wrong file)."""
    return data[len(data) // 2:len(data) // 2 + 1024]


_RANDOM16 = bytes([0x3A, 0x91, 0x07, 0xC4, 0x5E, 0x22, 0xB8, 0x6D,
                   0x10, 0xEF, 0x84, 0x39, 0xA7, 0x5B, 0xD2, 0x0C])

DAMAGED_JPEGS = [
    # (name, picture data; libjpeg's warning, for the record)
    ("zeros-baseline.jpg",          # 64 bytes zeroed: "105 extraneous bytes before marker"
     lambda: _overwritten(_jpeg_bytes(quality=90), 0.3, bytes(64))),
    ("flip-444.jpg",                # one byte changed: "43 extraneous bytes before marker"
     lambda: _flipped(_jpeg_bytes(quality=90, subsampling=0), 0.3)),
    ("random-progressive.jpg",      # 16 random bytes: "bad Huffman code"
     lambda: _overwritten(_jpeg_bytes(quality=90, progressive=True), 0.3, _RANDOM16)),
    ("other-file-restart.jpg",      # 1 KB of another JPEG's picture data, restart markers
     lambda: _overwritten(_jpeg_bytes(quality=90, restart_marker_rows=1), 0.5,
                          _middle_kb(_jpeg_bytes(quality=70)))),
    ("zeros-progressive-restart.jpg",   # "premature end of data segment"
     lambda: _overwritten(_jpeg_bytes(quality=90, progressive=True, restart_marker_blocks=64),
                          0.5, bytes(64))),
]


@pytest.mark.parametrize("name,make", DAMAGED_JPEGS, ids=[d[0] for d in DAMAGED_JPEGS])
def test_a_jpeg_damaged_mid_picture_is_refused_in_words(tmp_path, name, make):
    """Bytes overwritten in the middle of a JPEG's picture data: Pillow decoded every one of
    these without a word, grey or garbled from the damage on (checked, exported, published).
    libjpeg warns; the photo is refused, one line naming the file, saying what to do."""
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(TruncatedImageError) as ei:
        load_image(path)
    text = str(ei.value)
    assert text == f"{name}: {imaging.JPEG_DAMAGED}" and "\n" not in text
    assert "the JPEG file is damaged" in text and "copy it again" in text
    assert "save it again as a JPEG" in ei.value.full()
    with pytest.raises(TruncatedImageError):   # the bytes already read, as analysis passes them
        load_image(path, data=path.read_bytes())


CLEAN_JPEGS = [
    ("baseline", lambda: _jpeg_bytes(quality=90)),
    ("444", lambda: _jpeg_bytes(quality=95, subsampling=0)),
    ("422", lambda: _jpeg_bytes(quality=95, subsampling=1)),
    ("progressive", lambda: _jpeg_bytes(quality=90, progressive=True)),
    ("optimized", lambda: _jpeg_bytes(quality=90, optimize=True)),
    ("restart-rows", lambda: _jpeg_bytes(quality=90, restart_marker_rows=1)),
    ("progressive-restart", lambda: _jpeg_bytes(quality=90, progressive=True,
                                                restart_marker_blocks=17)),
    ("cmyk", lambda: _jpeg_bytes(_photo_like().convert("CMYK"), quality=90)),
    ("grey", lambda: _jpeg_bytes(_photo_like().convert("L"), quality=90)),
    ("odd-size", lambda: _jpeg_bytes(_photo_like(1001, 7), quality=90)),
    ("quality-5", lambda: _jpeg_bytes(quality=5)),
    ("quality-100", lambda: _jpeg_bytes(quality=100, subsampling=0)),
    # what a phone puts after the picture (a second, small JPEG: MPF, a motion photo's data)
    ("bytes-after-the-end", lambda: _jpeg_bytes(quality=90) + bytes(100)
     + _jpeg_bytes(_photo_like(160, 120))),
]


@pytest.mark.parametrize("name,make", CLEAN_JPEGS, ids=[c[0] for c in CLEAN_JPEGS])
def test_undamaged_jpegs_of_every_kind_are_not_called_damaged(tmp_path, name, make):
    path = tmp_path / f"{name}.jpg"
    path.write_bytes(make())
    assert imaging.jpeg_damage(path.read_bytes()) is None
    assert load_image(path).image.size[0] > 0


def _jfif_2(data: bytes) -> bytes:
    """``data`` saying JFIF version 2.01 (libjpeg: "unknown JFIF revision number")."""
    out = bytearray(data)
    out[out.find(b"JFIF\x00") + 5] = 2
    return bytes(out)


def _adobe_7(data: bytes) -> bytes:
    """A CMYK JPEG's Adobe block with a colour transform libjpeg does not know (7)."""
    out = bytearray(data)
    out[out.find(b"Adobe") + 11] = 7
    return bytes(out)


def test_a_warning_about_the_headers_does_not_stop_the_damage_check(tmp_path):
    """libjpeg stops at its first warning: one about the headers (an unknown JFIF version, an
    Adobe colour transform it does not know) came before the picture data was read, and damage
    after it went unseen. The picture data is checked again without the application blocks:
    undamaged, such a photo loads; damaged, it is refused."""
    plain = _jpeg_bytes(quality=90)
    cmyk = _jpeg_bytes(_photo_like().convert("CMYK"), quality=90)
    for name, data in (("jfif2.jpg", _jfif_2(plain)), ("adobe7.jpg", _adobe_7(cmyk))):
        path = tmp_path / name
        path.write_bytes(data)
        assert load_image(path).image.size == (800, 600)
        path.write_bytes(_overwritten(data, 0.5, bytes(64)))
        with pytest.raises(TruncatedImageError, match="the JPEG file is damaged"):
            load_image(path)


def _sampled_4x2(data: bytes) -> bytes:
    """``data`` (4:2:0) saying its brightness is sampled 4 x 2 (4:1:0, ``cjpeg -sample 4x2``):
    libjpeg and Pillow decode it, libjpeg-turbo's simplified API (simplejpeg's) cannot."""
    out = bytearray(data)
    sof = out.find(b"\xff\xc0")
    assert out[sof + 11] == 0x22
    out[sof + 11] = 0x42
    return bytes(out)


def test_a_jpeg_the_damage_check_cannot_read_is_refused_not_passed(tmp_path):
    """TurboJPEG stops at "Could not determine subsampling level" before reading any picture
    data (4:1:0, mixed colour sampling); Pillow decodes such a JPEG, damaged or not. It was
    taken as undamaged: checked, exported and published unchecked. Now it is refused in words,
    the batch going on."""
    damaged = _sampled_4x2(_overwritten(_jpeg_bytes(quality=90), 0.3, _RANDOM16))
    clean = _sampled_4x2(_jpeg_bytes(quality=90))
    Image.open(io.BytesIO(damaged)).load()      # Pillow: not a word
    for name, data in (("damaged-410.jpg", damaged), ("clean-410.jpg", clean)):
        path = tmp_path / name
        path.write_bytes(data)
        for given in (None, data):
            with pytest.raises(UnsupportedImageError) as ei:
                load_image(path, data=given)
            assert str(ei.value) == f"{name}: {imaging.JPEG_NOT_CHECKED}"
            assert "Save it again as a JPEG" in ei.value.full()
    with pytest.raises(imaging.JpegNotChecked, match="subsampling"):
        imaging.jpeg_damage(damaged)


def test_a_jpeg_broken_in_its_headers_keeps_the_decode_s_words(tmp_path):
    """A JPEG neither the check nor the decode can read is refused in the decode's words
    (what is wrong with it), not as "could not be checked"."""
    data = bytearray(_jpeg_bytes(quality=90))
    sos = data.find(b"\xff\xda")
    data[sos + 6] = 0x33            # the picture data asks for Huffman tables 3, never defined
    path = tmp_path / "headers.jpg"
    path.write_bytes(bytes(data))
    with pytest.raises(TruncatedImageError) as ei:
        load_image(path)
    assert "damaged part of the way through" in str(ei.value)


def test_a_photo_loaded_by_its_path_is_decoded_from_the_bytes_checked(tmp_path, monkeypatch):
    """load_image(path) (enrolment's portraits) read the file for the damage check, then the
    decode read it again: a file rewritten in between (damaged, or another picture) was
    decoded unchecked. The bytes are read once; the decode is of those the check passed."""
    clean = _jpeg_bytes(quality=90)
    damaged = _overwritten(clean, 0.3, _RANDOM16)
    path = tmp_path / "portrait.jpg"
    path.write_bytes(clean)
    real = imaging.jpeg_damage

    def checked_then_rewritten(data):
        said = real(data)
        path.write_bytes(damaged)           # rewritten in place after the check
        return said

    monkeypatch.setattr(imaging, "jpeg_damage", checked_then_rewritten)
    got = np.asarray(load_image(path).image)
    monkeypatch.setattr(imaging, "jpeg_damage", real)
    assert np.array_equal(got, np.asarray(load_image(path, data=clean).image))


def test_without_the_jpeg_checker_every_jpeg_is_refused_never_passed(tmp_path, monkeypatch):
    """A broken install without simplejpeg: each JPEG refused in words (the batch goes on),
    never let through unchecked; other formats are not affected."""
    import sys

    monkeypatch.setitem(sys.modules, "simplejpeg", None)    # import simplejpeg -> ImportError
    path = tmp_path / "a.jpg"
    path.write_bytes(_jpeg_bytes(quality=90))
    with pytest.raises(UnsupportedImageError, match="cannot check JPEG photos for damage"):
        load_image(path)
    png = tmp_path / "a.png"
    pattern().save(png)
    assert load_image(png).image.size == (96, 64)


def test_a_damaged_jpeg_fails_alone_in_a_batch(tmp_path, photovet_home):
    """Checking a folder: the damaged JPEG is one clear error for that file, the others are
    checked as ever."""
    from photovet.core.pipeline import analyse_batch
    from photovet.core.workspace import Workspace

    good = tmp_path / "good.jpg"
    good.write_bytes(_jpeg_bytes(quality=90))
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(DAMAGED_JPEGS[0][1]())
    good2 = tmp_path / "good2.jpg"
    good2.write_bytes(_jpeg_bytes(quality=80))
    with Workspace.open(photovet_home) as ws:
        engine = ws.load_engine(faces=False, text=False)
        results = [s.result for s in analyse_batch([good, bad, good2], engine, "website")
                   if s.result is not None]
    assert [bool(r.error) for r in results] == [False, True, False]
    assert results[1].error == imaging.JPEG_DAMAGED


def test_folder_instead_of_a_file(tmp_path):
    folder = tmp_path / "IMG_0001.jpg"
    folder.mkdir()
    with pytest.raises(NotAFileError, match="folder"):
        load_image(folder)


def test_missing_file(tmp_path):
    with pytest.raises(FileVanishedError) as ei:
        load_image(tmp_path / "gone.jpg")
    assert str(ei.value).startswith("gone.jpg: ")


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.jpg"
    path.write_bytes(_good_jpeg())
    real_open, real_os_open = builtins.open, imaging.os.open

    def deny(file, *a, **k):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)

    def deny_os(file, *a, **k):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_os_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", deny)
    monkeypatch.setattr(imaging.os, "open", deny_os)    # files are opened with os.open (O_NONBLOCK)
    with pytest.raises(UnreadableFileError, match="permission denied"):
        load_image(path)
    with pytest.raises(UnreadableFileError):
        sha256_file(path)


def test_file_vanishing_between_open_and_decode(tmp_path, monkeypatch):
    path = tmp_path / "v.jpg"
    path.write_bytes(_good_jpeg())
    real = imaging.OpenedImage.decode

    def vanish(self):
        raise FileNotFoundError(2, "No such file")

    monkeypatch.setattr(imaging.OpenedImage, "decode", lambda self: (_ for _ in ()).throw(
        imaging.read_error(self.path, FileNotFoundError(2, "gone"))))
    with pytest.raises(FileVanishedError, match="disappeared"):
        load_image(path)
    monkeypatch.setattr(imaging.OpenedImage, "decode", real)
    assert load_image(path).image.size == (400, 300)


def test_all_errors_are_image_errors():
    for _name, _make, error, _w in BAD_FILES:
        assert issubclass(error, ImageError)


# --------------------------------------------------------------------------------------------
# Thumbnails, hashes, collecting
# --------------------------------------------------------------------------------------------

def test_thumbnail_is_small_upright_and_uses_draft(tmp_path):
    display = pattern(1600, 1200)
    path = tmp_path / "big.jpg"
    save_with_orientation(path, display, 6)
    th = thumbnail(path, 200)
    assert th.mode == "RGB" and max(th.size) == 200
    assert th.size == (200, 150)  # landscape after applying orientation 6
    assert diff(th, display.resize(th.size, Image.Resampling.LANCZOS)) < 8


def test_sha256_file(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc" * 100000)
    assert sha256_file(path) == hashlib.sha256(b"abc" * 100000).hexdigest()


def test_collect_photos(tmp_path):
    root = tmp_path / "trip"
    (root / "day 1").mkdir(parents=True)
    (root / ".hidden").mkdir()
    pattern().save(root / "b.jpg")
    pattern().save(root / "day 1" / "a.png")
    pattern().save(root / "day 1" / "no-extension", "PNG")    # image by content
    (root / "day 1" / "notes.txt").write_text("list of names")
    (root / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64)
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    pattern().save(root / ".hidden" / "c.jpg")
    (root / "broken.jpg").write_bytes(b"")                   # named like a photo: reported by load
    explicit_text = tmp_path / "named.txt"
    explicit_text.write_text("hello")

    photos, skipped = collect_photos([root, explicit_text, root / "b.jpg"])
    rel = [p.relative_to(tmp_path).as_posix() for p in photos]
    assert rel == ["trip/b.jpg", "trip/broken.jpg", "trip/day 1/a.png", "trip/day 1/no-extension",
                   "named.txt"]
    reasons = {p.name: why for p, why in skipped}
    assert set(reasons) == {"clip.mp4", "notes.txt"}
    assert "video" in reasons["clip.mp4"] and "text" in reasons["notes.txt"]


def test_folders_that_held_nothing_are_named(tmp_path):
    """s58: ``photovet scan EMPTY_FOLDER photo.jpg`` said nothing of the folder (alone it was an
    error). A folder given that brought no photo, no video and nothing left out with a reason
    (empty, or hidden files only) is named; one that brought anything is not, and neither is a
    file, a folder inside one given, or a folder reported as unreadable."""
    from photovet.core.media.imaging import folders_without_media

    trip = tmp_path / "trip"
    (trip / "empty inside").mkdir(parents=True)
    pattern().save(trip / "a.jpg")
    empty = tmp_path / "day 2"
    empty.mkdir()
    hidden = tmp_path / "day 3"
    hidden.mkdir()
    pattern().save(hidden / ".b.jpg")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "list.txt").write_text("names")                   # left out with a reason
    # a folder whose name starts like another's ("day 2" and "day 22"): nothing of one is
    # taken for the other's
    lookalike = tmp_path / "day 22"
    lookalike.mkdir()
    pattern().save(lookalike / "c.jpg")
    given = [trip, empty, hidden, notes, lookalike, trip / "a.jpg"]
    photos, skipped = collect_photos(given)
    assert folders_without_media(given, photos, skipped) == [empty, hidden]
    # a folder reported as unreadable has been spoken of
    assert folders_without_media([empty], [], [(empty, "this folder could not be read")]) == []
    # as given (relative or not), by where it is
    assert folders_without_media([str(empty)], photos, skipped) == [empty]


def test_collect_photos_lists_a_folder_as_a_file_manager_does(tmp_path):
    """s52 walk: "IMG_2001 (1).jpg" came before IMG_2001.jpg in the batch and in the list of
    originals to delete (by the whole name a space sorts before the dot), and by that order
    "Trip 10.jpg" before "Trip 9.jpg" and its exported copy took the earlier number. Numbers
    are compared as numbers, a name before its copies, letters without case, folders too."""
    root = tmp_path / "trip"
    root.mkdir()
    for name in ["IMG_2001 (1).jpg", "IMG_2001.jpg", "Trip 10.jpg", "trip 9.jpg", "IMG_999.jpg"]:
        pattern().save(root / name)
    for day in ("Day 10", "Day 2"):
        (root / day).mkdir()
        pattern().save(root / day / "a.jpg")
    photos, _skipped = collect_photos([root])
    assert [p.relative_to(root).as_posix() for p in photos] == [
        "IMG_999.jpg", "IMG_2001.jpg", "IMG_2001 (1).jpg", "trip 9.jpg", "Trip 10.jpg",
        "Day 2/a.jpg", "Day 10/a.jpg"]


def _live_pair(folder: Path, stem: str, *, content_id: str | None = "1F2E3D4C-0000-4A5B-9C8D"
               "-112233445566", photo: bool = True) -> Path:
    """A Live Photo as an iPhone's photos copied to a PC hold it: STEM.jpg (its photo) and
    STEM.MOV, a 1.5 s clip with sound whose QuickTime metadata carries Apple's content id."""
    from tests.video_clips import make_clip

    folder.mkdir(parents=True, exist_ok=True)
    if photo:
        pattern().save(folder / f"{stem}.jpg")
    clip = folder / f"{stem}.MOV"
    make_clip(clip, size=(64, 48), seconds=1.5, fmt="mov",
              metadata={"com.apple.quicktime.content.identifier": content_id}
              if content_id else None,
              fmt_options={"movflags": "use_metadata_tags"} if content_id else None)
    return clip


def test_a_live_photos_clip_beside_its_photo_is_left_out_of_a_batch(tmp_path):
    """s52: an iPhone keeps a short clip with sound with each photo (Live Photos, on by
    default), and copying its photos to the PC brings both: a trip of 300 photos was 300
    photos and 300 videos to check and approve. The clip beside its photo is left out of a
    batch, said why; a clip named on its own, a video that is not a Live Photo's, and one whose
    photo is not there are checked as before; a device's import copies them all."""
    trip = tmp_path / "trip"
    live = _live_pair(trip, "IMG_0001")
    plain = _live_pair(trip, "IMG_0002", content_id=None)        # a video filmed as a video
    alone = _live_pair(trip, "IMG_0003", photo=False)            # its photo deleted already
    assert imaging.live_photo_clip(live) and imaging.live_photo_clip(alone)
    assert not imaging.live_photo_clip(plain)

    files, skipped = imaging.collect_media([trip], live_clips=False)
    assert [f.name for f in files] == ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0002.MOV",
                                       "IMG_0003.MOV"]
    assert [(p.name, why) for p, why in skipped] == [(
        "IMG_0001.MOV", "the moving part of an iPhone Live Photo (IMG_0001.jpg is its photo): "
        "left out, as the clip is not what the photo shows; add it on its own to check it as a "
        "video")]
    assert skipped[0][1].startswith(imaging.LIVE_CLIP)
    # named on its own: checked
    assert imaging.collect_media([live], live_clips=False)[0] == [live]
    # all of them otherwise (a device's import copies and clears every file)
    assert len(imaging.collect_media([trip])[0]) == 5
    from photovet.core import transfer
    assert live in transfer._list_photos(trip)[0]


@pytest.mark.parametrize("content", [b"", b"\x00\x00\x00\x08", b"\xff\xd8\xff\xe0" + b"\x00" * 64,
                                     b"\x00\x00\x00\x00moov" + b"com.apple.quicktime.content"
                                     b".identifier", b"\x00\x00\x00\x04ftyp"])
def test_a_file_that_is_not_a_live_photos_clip_is_said_not_to_be(tmp_path, content):
    f = tmp_path / "IMG_0001.MOV"
    f.write_bytes(content)
    expected = content.startswith(b"\x00\x00\x00\x00moov")   # a box to the end: read
    assert imaging.live_photo_clip(f) is expected


def test_sniff():
    assert imaging.sniff(b"\xff\xd8\xff\xe0") == "JPEG"
    assert imaging.sniff(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic") == "HEIF"
    assert imaging.sniff(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1") == "AVIF"
    assert imaging.sniff(b"hello world\n") == "text"
    assert imaging.sniff(b"\x00\x01\x02\x03" * 10) is None


# --- files that are not files, and files far larger than a photo (audit 2, B5 and B2) ---------

def _in_a_thread(fn, seconds: float = 10.0):
    """fn() in a thread: what it returned or raised, or "hung" after ``seconds``."""
    import threading

    box: dict = {}

    def go():
        try:
            box["value"] = fn()
        except BaseException as exc:   # handed back to the test
            box["error"] = exc

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(seconds)
    return "hung" if t.is_alive() else box


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_before_it_is_opened_for_ever(tmp_path):
    """Before: reading it waited for ever for a writer (inspect and scan hung)."""
    import os

    from photovet.core.media.video.reader import is_video_file

    fifo = tmp_path / "fifo.jpg"
    os.mkfifo(fifo)
    try:
        assert _in_a_thread(lambda: is_video_file(fifo)) == {"value": False}
        for fn in (lambda: imaging.read_file(fifo), lambda: load_image(fifo),
                   lambda: sha256_file(fifo), lambda: imaging.open_regular(fifo)):
            out = _in_a_thread(fn)
            assert out != "hung"
            assert isinstance(out.get("error"), NotAFileError), out
            assert out["error"].message == "this is not a regular file (a device, socket or pipe)"
    finally:
        try:   # free a reader the old code left waiting
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


def test_a_file_far_larger_than_any_photo_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """Before: a 5 GB file of zeros named .jpg was read into memory whole (5.3 GB) before its
    type was known."""
    zeros = tmp_path / "sparse.jpg"
    with open(zeros, "wb") as fh:
        fh.truncate(5 * 1024**3)          # sparse: takes no disk space
    png = tmp_path / "big.png"
    with open(png, "wb") as fh:
        fh.write(huge_png_header(9000, 9000))
        fh.truncate(400 * 1024**2)

    reads: list[int] = []
    real_open = imaging.open_regular

    def counting(path):
        fh = real_open(path)
        read = fh.read

        def read_counted(n=-1):
            reads.append(n)
            return read(n)
        fh.read = read_counted  # type: ignore[method-assign]
        return fh

    monkeypatch.setattr(imaging, "open_regular", counting)
    with pytest.raises(UnsupportedImageError) as err:
        imaging.read_file(zeros)
    assert err.value.message == "this 5.0 GB file is not a photo PhotoVet can read"
    with pytest.raises(ImageTooLargeError) as err:
        imaging.read_file(png)
    assert err.value.message == ("the file is too large to open safely (400 MB; a photo within "
                                 "this PC's limit of 100 megapixels is at most 302 MB)")
    assert reads and all(0 <= n <= 4096 for n in reads), reads     # only the first bytes
    # the limit follows the PC's pixel limit
    with pytest.raises(ImageTooLargeError):
        imaging.read_file(png, max_pixels=20_000_000)
    small = tmp_path / "ok.png"
    Image.new("RGB", (64, 48)).save(small)
    assert imaging.read_file(small, max_pixels=20_000_000) == small.read_bytes()
    assert imaging.photo_file_limit() == 100_000_000 * 3 + 16 * 1024 * 1024   # about 302 MB


def test_a_preview_of_the_checked_content_refuses_a_file_changed_since(tmp_path):
    """Red-team round: the approver's previews read the file from disk again unchecked, so a
    photo replaced after it was checked showed the approver something other than what their
    approval signs. Given the checked hash, the preview is decoded from bytes read once and
    hashed; another file under the same name is refused in words."""
    from photovet.core.errors import FileChangedError
    from photovet.core.media.preview import published_thumbnail

    path = tmp_path / "IMG_0001.jpg"
    Image.new("RGB", (640, 480), (200, 30, 30)).save(path, "JPEG")
    checked = hashlib.sha256(path.read_bytes()).hexdigest()
    small = imaging.thumbnail(path, 128, sha256=checked)
    assert small.size == (128, 96) and small.getpixel((64, 48))[0] > 150
    assert published_thumbnail(path, [], (640, 480), long_edge=128, sha256=checked).size == (128, 96)

    Image.new("RGB", (640, 480), (30, 30, 200)).save(path, "JPEG")     # swapped on disk
    with pytest.raises(FileChangedError) as err:
        imaging.thumbnail(path, 128, sha256=checked)
    assert "changed after PhotoVet checked it" in str(err.value)
    assert "IMG_0001.jpg" in str(err.value)
    with pytest.raises(FileChangedError):
        published_thumbnail(path, [], (640, 480), long_edge=128, sha256=checked)
    assert imaging.thumbnail(path, 128).getpixel((64, 48))[2] > 150       # unchecked: as before


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="symbolic links")
def test_a_folders_link_to_a_file_that_is_gone_says_so_and_the_rest_are_checked(tmp_path):
    """Before: 'not a regular file', which a school cannot act on (a phone's folder copied with
    its links, a card taken out)."""
    import os

    Image.new("RGB", (32, 24), (90, 120, 150)).save(tmp_path / "kept.jpg")
    os.symlink(tmp_path / "gone" / "trip-001.jpg", tmp_path / "trip-001.jpg")
    os.mkfifo(tmp_path / "pipe.jpg")
    photos, skipped = imaging.collect_photos([tmp_path])
    assert photos == [tmp_path / "kept.jpg"]
    why = dict(skipped)
    assert why[tmp_path / "trip-001.jpg"] == (
        f"a shortcut (link) to a file that is not there: {tmp_path / 'gone' / 'trip-001.jpg'}")
    assert why[tmp_path / "pipe.jpg"] == "not a regular file (a device, socket or pipe)"

def test_an_upright_rgb_photo_is_decoded_once_not_copied(tmp_path, monkeypatch):
    """The decoded pixels are handed on as they are (a 12 MP copy was 46 MB more at the decode's
    peak); they stay whole and usable after the file is closed, from bytes or from the path."""
    path = tmp_path / "p.jpg"
    pattern(320, 240).save(path, quality=95)
    want = np.asarray(Image.open(path).convert("RGB"))
    copies = []
    real_copy = Image.Image.copy
    monkeypatch.setattr(Image.Image, "copy", lambda self: (copies.append(self.size),
                                                           real_copy(self))[1])
    for loaded in (load_image(path), load_image(path, data=path.read_bytes())):
        img = loaded.image
        assert img.mode == "RGB" and img.size == (320, 240)
        np.testing.assert_array_equal(np.asarray(img), want)
        img.crop((0, 0, 10, 10)).load()
    assert copies == []


def test_pixels_mapped_from_the_file_are_copied_before_it_is_closed():
    """Pixels that are the file's memory are copied (they go when the file's image closes)."""
    src = pattern(32, 24)
    mapped = Image.frombuffer("RGBA", src.size, src.convert("RGBA").tobytes(), "raw", "RGBA", 0, 1)
    assert mapped.readonly
    out = imaging._detached(mapped)
    assert out.im is not mapped.im and not out.readonly
    fresh = src.copy()
    assert imaging._detached(fresh).im is fresh.im


def test_a_pillow_without_the_private_call_copies_instead(monkeypatch):
    """``_detached`` uses Pillow's private ``Image._new``; a Pillow that changes it costs a copy,
    never every photo refused."""
    src = pattern(32, 24)
    monkeypatch.delattr(Image.Image, "_new")
    monkeypatch.setattr(Image.Image, "copy", lambda self: ("copied", self.size))
    assert imaging._detached(src) == ("copied", (32, 24))
