"""JPEG: the raw segment list (APPn blocks, comments, MPF previews) and data after the end of
the picture (motion-photo videos, extra previews)."""

from __future__ import annotations

import re
import struct

from photovet.core.media.metadata.iptc import photoshop_findings
from photovet.core.media.metadata.report import Report, trailer_findings
from photovet.core.media.metadata.xmp import xmp_findings

_MARKER_RE = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def jpeg_segments(data: bytes) -> tuple[list[tuple[int, int, bytes]], int | None]:
    """([(marker, offset, payload)], offset just after EOI or None when the image never ends).
    Entropy-coded data is skipped; payloads are those of marker segments only."""
    segs: list[tuple[int, int, bytes]] = []
    if data[:2] != b"\xff\xd8":
        return segs, None
    i, n = 2, len(data)
    while i < n:
        if data[i] != 0xFF:
            # stray byte between segments (some cameras): look for the next marker
            m = _MARKER_RE.search(data, i)
            if not m:
                return segs, None
            i = m.start()
        while i < n and data[i] == 0xFF and i + 1 < n and data[i + 1] == 0xFF:
            i += 1  # fill bytes
        if i + 1 >= n:
            return segs, None
        marker = data[i + 1]
        if marker == 0xD9:
            return segs, i + 2
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        if i + 4 > n:
            return segs, None
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        payload = data[i + 4:i + 2 + length]
        segs.append((marker, i, payload))
        i += 2 + length
        if marker == 0xDA:  # start of scan: skip entropy-coded data
            m = _MARKER_RE.search(data, i)
            if not m:
                return segs, None
            i = m.start()
    return segs, None



def jpeg_findings(rep: Report, data: bytes, *, partial: bool = False) -> None:
    """``partial``: ``data`` is only the start of a very large file (its end is not a cut)."""
    segs, end = jpeg_segments(data)
    has_mpf = False
    ext_xmp: dict[bytes, dict[int, bytes]] = {}
    for marker, _off, payload in segs:
        if marker == 0xE0:
            if payload.startswith(b"JFIF\x00"):
                if len(payload) >= 14 and payload[12] * payload[13] > 0:
                    rep.add("embedded", "Small preview image (JFIF thumbnail)",
                            f"{payload[12]} x {payload[13]} pixels", "JFIF")
            elif payload.startswith(b"JFXX\x00"):
                rep.add("embedded", "Small preview image (JFIF thumbnail)", f"{len(payload)} bytes", "JFIF")
            else:
                rep.add("other", APP_BLOCK, segment_ident(payload), "JPEG APP0")
        elif marker == 0xE1:
            if payload.startswith(b"Exif\x00"):
                continue  # read through Pillow
            if payload.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
                continue  # read with the image's info
            if payload.startswith(b"http://ns.adobe.com/xmp/extension/\x00"):
                body = payload[35:]
                guid, offset = body[:32], struct.unpack(">I", body[36:40])[0] if len(body) >= 40 else 0
                ext_xmp.setdefault(guid, {})[offset] = body[40:]
                continue
            rep.add("other", APP_BLOCK, segment_ident(payload), "JPEG APP1")
        elif marker == 0xE2:
            if payload.startswith(b"ICC_PROFILE\x00"):
                continue  # reported from the image's info
            if payload.startswith(b"MPF\x00"):
                has_mpf = True
                rep.add("embedded", "Extra pictures (MPF previews)",
                        "larger previews or depth images stored with the photo", "MPF")
            elif payload.startswith(b"FPXR"):
                rep.add("embedded", "Camera preview data (FlashPix)", f"{len(payload)} bytes", "JPEG")
            else:
                rep.add("other", APP_BLOCK, segment_ident(payload), "JPEG APP2")
        elif marker == 0xED:
            photoshop_findings(rep, payload)
        elif marker == 0xEE:
            if not payload.startswith(b"Adobe"):
                rep.add("other", APP_BLOCK, segment_ident(payload), "JPEG APP14")
        elif 0xE3 <= marker <= 0xEF:
            rep.add("other", APP_BLOCK, segment_ident(payload), f"JPEG APP{marker - 0xE0}")
        elif marker == 0xFE:
            rep.add("text", "Comment", payload, "JPEG comment")
    for parts in ext_xmp.values():
        blob = b"".join(parts[k] for k in sorted(parts))
        xmp_findings(rep, blob, "XMP (extended)")
    if end is not None and end < len(data):
        trailer_findings(rep, data[end:], has_mpf, "JPEG trailer")
    elif end is None and not partial:
        rep.warnings.append("the JPEG data does not end properly (the file may be cut short)")


#: what a JPEG block of data the picture does not need is called where people read it (s43
#: walk: "Camera data block (APP12): 'Ducky'"; which block it was is kept in the finding's
#: source, "JPEG APP12")
APP_BLOCK = "Extra data from the camera or an editing program"
#: blocks whose name says nothing to a school office, said in words
_KNOWN_BLOCKS = {"Ducky": "Photoshop's \u201cSave for Web\u201d settings"}


def segment_ident(payload: bytes) -> str:
    head = payload[:24].split(b"\x00", 1)[0]
    text = "".join(chr(c) if 32 <= c < 127 else "" for c in head)
    if text in _KNOWN_BLOCKS:
        return f"{_KNOWN_BLOCKS[text]}, {len(payload)} bytes"
    return f"'{text}', {len(payload)} bytes" if text else f"{len(payload)} bytes"
