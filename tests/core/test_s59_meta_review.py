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
