"""What an inspection found so far: findings without repeats, warnings, and the value cleaning
shared by every format reader."""

from __future__ import annotations

import re
from typing import Any

from photovet.core.models import Finding

MAX_VALUE = 160  # characters of a value shown to the user


def decode_text(raw: bytes, charset: str | None = None) -> str:
    """Text bytes from a file's metadata, decoded the way the writer most likely meant them:
    UTF-8 first (what phones and modern software write), then the charset the file declares
    (EXIF UserComment, IPTC 1:90), then Chinese GBK when the bytes can only be that, then
    Windows-1252 (older Windows software), then Latin-1 (every byte means something)."""
    for enc in ("utf-8", charset):
        if not enc:
            continue
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    cjk = _chinese(raw)
    if cjk is not None:
        return cjk
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _chinese(raw: bytes) -> str | None:
    """Chinese written by older Chinese Windows software (GBK) with no charset said, as in
    "ACD Systems \u6570\u7801\u5f71\u50cf": taken as GBK only when every run of non-ASCII bytes
    pairs up and reads as Chinese characters, so accented Latin text ("Cr\u00e8me", "Zo\u00eb") is
    never taken for it."""
    runs = re.findall(rb"[\x80-\xff]+", raw)
    if not runs or any(len(r) % 2 for r in runs):
        return None
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if wide and all(0x4E00 <= ord(ch) <= 0x9FFF or 0x3000 <= ord(ch) <= 0x303F
                    or 0xFF00 <= ord(ch) <= 0xFFEF for ch in wide):
        return text
    return None


def _redecode(text: str, charset: str | None = None) -> str:
    """Undo a Latin-1 reading of text bytes. Pillow reads EXIF text one byte per character, so
    UTF-8 "\u00a9" arrives as "\u00c2\u00a9" ("Copyright \u00c2\u00a9 News Ltd"); text with
    characters beyond Latin-1 was decoded properly already and is kept."""
    if all(ord(ch) < 0x80 for ch in text) or any(ord(ch) > 0xFF for ch in text):
        return text
    return decode_text(text.encode("latin-1"), charset)


def clean_value(value: Any, charset: str | None = None) -> str:
    """A short printable string, or "" when there is nothing meaningful in the value."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = decode_text(value, charset)
    elif isinstance(value, str):
        value = _redecode(value, charset)
    if isinstance(value, (tuple, list)):
        value = ", ".join(clean_value(v, charset) for v in value if clean_value(v, charset))
    text = str(value).replace("\x00", " ")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1].rstrip() + "\u2026"
    return text


class Report:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.warnings: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, category: str, label: str, value: Any = "", source: str = "",
            data: dict[str, Any] | None = None, *, allow_empty: bool = False) -> None:
        text = clean_value(value)
        if not text and not allow_empty:
            return
        key = (label, text)
        if key in self._seen:
            return
        self._seen.add(key)
        self.findings.append(Finding(category=category, label=label, value=text, source=source,
                                     data=dict(data or {})))

    def has(self, label: str) -> bool:
        return any(f.label == label for f in self.findings)

def trailer_findings(rep: Report, trailer: bytes, has_mpf: bool, source: str) -> None:
    body = trailer.rstrip(b"\x00\xff")
    if not body:
        return
    size = len(trailer)
    if b"MotionPhoto_Data" in trailer or b"mpvd" in trailer[:64] or b"ftyp" in trailer:
        rep.add("embedded", "Motion-photo video", f"a video clip of {size // 1024} KB after the picture",
                source, {"bytes": size})
    elif trailer.lstrip(b"\x00")[:3] == b"\xff\xd8\xff":
        label = "Extra pictures (MPF previews)" if has_mpf else "Hidden picture after the end of the image"
        rep.add("embedded", label, f"{size // 1024} KB after the picture", source, {"bytes": size})
    else:
        what = "Samsung camera data" if b"SEFT" in trailer[-64:] else f"{size} bytes"
        rep.add("embedded", "Data after the end of the picture", what, source, {"bytes": size})
