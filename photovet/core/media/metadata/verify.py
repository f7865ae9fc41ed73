"""The strict read-back check run on every export: anything besides the plain picture."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from photovet.core.errors import TruncatedImageError
from photovet.core.media.metadata.jpeg import jpeg_segments, segment_ident
from photovet.core.media.metadata.png import png_chunks


def verify_clean(path: str | Path, *, allow_icc: bool = False) -> list[str]:
    """Problems in an exported file: anything besides the plain picture. [] means clean."""
    path = Path(path)
    problems: list[str] = []
    data = path.read_bytes()
    if data[:3] == b"\xff\xd8\xff":
        segs, end = jpeg_segments(data)
        for marker, _off, payload in segs:
            if marker == 0xE0:
                if not payload.startswith(b"JFIF\x00"):
                    problems.append(f"APP0 block {segment_ident(payload)}")
                elif len(payload) >= 14 and payload[12] * payload[13] > 0:
                    problems.append("JFIF thumbnail")
            elif marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00") and allow_icc:
                continue
            elif 0xE1 <= marker <= 0xEF:
                problems.append(f"APP{marker - 0xE0} block {segment_ident(payload)}")
            elif marker == 0xFE:
                problems.append("JPEG comment")
        if end is None:
            problems.append("the JPEG data does not end properly")
        elif data[end:]:
            problems.append(f"{len(data) - end} bytes after the end of the picture")
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        end = None
        for ctype, _body, after in png_chunks(data):
            if ctype == b"iCCP" and allow_icc:
                continue
            if ctype not in (b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB",
                             b"sBIT", b"bKGD", b"pHYs"):
                problems.append(f"PNG block '{ctype.decode('latin-1')}'")
            if ctype == b"IEND":
                end = after
        if end is None:
            problems.append("the PNG data does not end properly")
        elif data[end:]:
            problems.append(f"{len(data) - end} bytes after the end of the picture")
    else:
        with Image.open(path) as im:
            for key in ("exif", "xmp", "comment", "XML:com.adobe.xmp"):
                if im.info.get(key):
                    problems.append(f"{key} data")
            if im.info.get("icc_profile") and not allow_icc:
                problems.append("colour profile")
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
        try:
            with Image.open(path) as im:
                if len(im.getexif()):
                    problems.append("EXIF data")
                if im.info.get("xmp"):
                    problems.append("XMP data")
                if im.info.get("icc_profile") and not allow_icc:
                    problems.append("colour profile")
        except Exception as exc:
            raise TruncatedImageError(f"the written copy cannot be read back ({exc})", path=path) from exc
    return sorted(set(problems), key=problems.index)
