"""PNG chunks: text, EXIF, XMP, colour profile and data after the end."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from photovet.core.media.metadata.report import Report, trailer_findings
from photovet.core.media.metadata.xmp import xmp_findings

PNG_HARMLESS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
                 b"bKGD", b"pHYs", b"hIST", b"sPLT", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCv",
                 b"cLLi", b"iCCP", b"eXIf"}


def png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes, int]]:
    """(type, body, offset after the chunk)."""
    i = 8
    n = len(data)
    while i + 8 <= n:
        length = struct.unpack(">I", data[i:i + 4])[0]
        ctype = data[i + 4:i + 8]
        body = data[i + 8:i + 8 + length]
        i += 12 + length
        yield ctype, body, min(i, n)
        if ctype == b"IEND":
            return


#: the most of a compressed text chunk that is unpacked (what is shown is far shorter): a
#: chunk of 1 MB can unpack to 1 GB of zeros
TEXT_LIMIT = 1 << 20


def _unpack(raw: bytes) -> bytes:
    """A compressed text chunk's first ``TEXT_LIMIT`` bytes unpacked, never more (b"" when
    it is not zlib data). ``zlib.decompress`` unpacks all of it whatever its ``bufsize``: a
    1 MB PNG whose text chunk after the picture unpacked to 1 GB held 2 GB while its
    metadata was listed (s59 review; Pillow refuses such a chunk only when it decodes)."""
    try:
        return zlib.decompressobj().decompress(raw, TEXT_LIMIT)
    except zlib.error:
        return b""


def _png_text(ctype: bytes, body: bytes) -> tuple[str, bytes]:
    key, _, rest = body.partition(b"\x00")
    if ctype == b"zTXt":
        rest = _unpack(rest[1:])
    elif ctype == b"iTXt":
        flag, _method = rest[:1], rest[1:2]
        rest = rest[2:]
        _lang, _, rest = rest.partition(b"\x00")
        _tkey, _, rest = rest.partition(b"\x00")
        if flag == b"\x01":
            rest = _unpack(rest)
    return key.decode("latin-1"), rest


def png_findings(rep: Report, data: bytes) -> bytes | None:
    """Returns the eXIf chunk's bytes, if any."""
    exif = None
    end = None
    for ctype, body, after in png_chunks(data):
        if ctype in (b"tEXt", b"zTXt", b"iTXt"):
            key, text = _png_text(ctype, body)
            if key == "XML:com.adobe.xmp":
                xmp_findings(rep, text)
            elif key.lower().startswith("raw profile type"):
                kind = key[len("raw profile type"):].strip()
                if kind.lower() in ("exif", "app1"):
                    rep.add("other", "EXIF camera data (stored as PNG text)", f"{len(text)} bytes",
                            "PNG text")
                elif kind.lower() == "iptc":
                    rep.add("other", "IPTC caption data (stored as PNG text)", f"{len(text)} bytes",
                            "PNG text")
                elif kind.lower() == "xmp":
                    rep.add("other", "Adobe XMP data (stored as PNG text)", f"{len(text)} bytes",
                            "PNG text")
                else:
                    rep.add("other", f"Data block stored as PNG text ({kind})", f"{len(text)} bytes",
                            "PNG text")
            else:
                cat = "date" if "date" in key.lower() or "time" in key.lower() else "text"
                rep.add(cat, f"Text in the file ({key})", text, "PNG text", allow_empty=True)
        elif ctype == b"eXIf":
            exif = body
        elif ctype == b"tIME" and len(body) == 7:
            y, mo, d, h, mi, s = struct.unpack(">HBBBBB", body)
            rep.add("date", "Date changed", f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}", "PNG")
        elif ctype not in PNG_HARMLESS:
            rep.add("other", "Extra PNG data block", f"'{ctype.decode('latin-1')}', {len(body)} bytes", "PNG")
        if ctype == b"IEND":
            end = after
    if end is not None and end < len(data):
        trailer_findings(rep, data[end:], False, "PNG trailer")
    return exif
