"""s59 hostile review of what a photo or video carries besides its picture: fixtures made here
(Pillow, PyAV), one test per defect found."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import pytest
from PIL import Image

from photovet.core.media.metadata import inspect_bytes


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def _png_with_text_after_the_picture(ctype: bytes, body: bytes) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 60)).save(buf, "PNG")
    data = buf.getvalue()
    end = data.index(b"IEND") - 4
    return data[:end] + _chunk(ctype, body) + data[end:]


def _zeros_packed(megabytes: int) -> bytes:
    co = zlib.compressobj(9)
    block = bytes(1 << 20)
    return b"".join(co.compress(block) for _ in range(megabytes)) + co.flush()


@pytest.mark.parametrize("ctype", [b"zTXt", b"iTXt"])
def test_a_png_text_chunk_that_unpacks_to_hundreds_of_mb_is_not_unpacked_whole(ctype):
    """A compressed text chunk after the picture (Pillow reads none before decoding) of 250 KB
    that unpacks to 256 MB: listing the metadata unpacked all of it (zlib.decompress's bufsize
    is only where it starts), 2 GB held for a 1 MB file, a file of a few MB enough to exhaust
    a school PC's memory and end the whole batch. Only the start that is shown is unpacked."""
    packed = _zeros_packed(256)
    body = (b"Comment\x00\x00" + packed if ctype == b"zTXt"
            else b"Comment\x00\x01\x00\x00\x00" + packed)
    data = _png_with_text_after_the_picture(ctype, body)
    assert len(data) < 400_000
    tracemalloc.start()
    try:
        report = inspect_bytes(data, "bomb.png")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20, f"{peak >> 20} MB held to list the text of a {len(data) >> 10} KB PNG"
    assert [f.label for f in report.findings] == ["Text in the file (Comment)"]


def _heic_with_top_box(payload: bytes) -> bytes:
    pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(buf, "HEIF", quality=80)
    return buf.getvalue() + (8 + len(payload)).to_bytes(4, "big") + b"free" + payload


def test_a_heic_full_of_unclosed_xmp_openings_is_listed_in_one_pass():
    """A HEIC's XMP the decoder does not attach to the picture is looked for in the whole
    file: a regular expression searched from every '<x:xmpmeta' to the end of the file when
    nothing closed it, 8 s for a 1 MB file with a thousand of them, hours for a few MB, and
    the batch waited (no error, no end). A packet that is closed is still read."""
    import time

    data = _heic_with_top_box(b"<x:xmpmeta" * 3000 + b"A" * (1 << 20))
    t0 = time.perf_counter()
    inspect_bytes(data, "slow.heic")
    assert time.perf_counter() - t0 < 3.0
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
           b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Leeds"/>'
           b"</rdf:RDF></x:xmpmeta>")
    report = inspect_bytes(_heic_with_top_box(xmp + b"<x:xmpmeta" * 5), "city.heic")
    assert any(f.label == "Town or city" and f.value == "Leeds" for f in report.findings), \
        report.findings


def _png_with_chunk_before_the_picture(ctype: bytes, body: bytes) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 60)).save(buf, "PNG")
    data = buf.getvalue()
    at = data.index(b"IDAT") - 4
    return data[:at] + _chunk(ctype, body) + data[at:]


@pytest.mark.parametrize("ctype,body", [
    (b"zTXt", b"Raw profile type xmp\x00\x00" + zlib.compress(b"a1b2" * (1 << 19))),
    (b"iCCP", b"Printer\x00\x00" + zlib.compress(b"\x00" * (3 << 19))),
], ids=["large-xmp-as-text", "large-colour-profile"])
def test_a_png_with_a_text_or_profile_chunk_over_pillows_limit_is_not_called_damaged(
        tmp_path, ctype, body):
    """A PNG whose metadata text (ImageMagick's hex 'Raw profile type xmp' of a bloated XMP) or
    colour profile unpacks to over 1 MB is refused by Pillow: PhotoVet said "the image data is
    damaged (Decompressed data too large for PngImagePlugin.MAX_TEXT_CHUNK)", though nothing is
    wrong with the picture. It is still refused (Pillow reads no more), with what is wrong and
    what to do."""
    from photovet.core.errors import UnsupportedImageError
    from photovet.core.media.imaging import load_image
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings

    path = tmp_path / "poster.png"
    path.write_bytes(_png_with_chunk_before_the_picture(ctype, body))
    with pytest.raises(UnsupportedImageError) as err:
        load_image(path)
    assert "too large to read safely" in err.value.message
    assert "damaged" not in err.value.message and "MAX_TEXT" not in err.value.message
    assert "without its metadata" in (err.value.hint or "")
    settings = Settings()
    settings.text.enabled = False
    analysis = Engine(settings, face_engine=None).analyse(path, use_cache=False)
    assert analysis.error and "too large to read safely" in analysis.error, analysis.error
