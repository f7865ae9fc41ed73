"""WebP (RIFF) chunks: EXIF, XMP and data after the end."""

from __future__ import annotations

import struct

from photovet.core.media.metadata.report import Report, trailer_findings
from photovet.core.media.metadata.xmp import xmp_findings


def riff_chunks(data: bytes) -> tuple[list[tuple[bytes, bytes]], int]:
    out = []
    size = struct.unpack("<I", data[4:8])[0] + 8 if len(data) >= 8 else len(data)
    i = 12
    while i + 8 <= min(size, len(data)):
        ctype = data[i:i + 4]
        length = struct.unpack("<I", data[i + 4:i + 8])[0]
        out.append((ctype, data[i + 8:i + 8 + length]))
        i += 8 + length + (length % 2)
    return out, size


def webp_findings(rep: Report, data: bytes) -> None:
    chunks, size = riff_chunks(data)
    for ctype, body in chunks:
        if ctype == b"XMP ":
            xmp_findings(rep, body)
        elif ctype not in (b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"EXIF", b"ICCP"):
            rep.add("other", "Extra WebP data block", f"'{ctype.decode('latin-1')}', {len(body)} bytes",
                    "WebP")
    if size < len(data):
        trailer_findings(rep, data[size:], False, "WebP trailer")
