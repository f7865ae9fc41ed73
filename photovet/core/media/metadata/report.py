"""What an inspection found so far: findings without repeats, warnings, and the value cleaning
shared by every format reader."""

from __future__ import annotations

import re
from typing import Any

from photovet.core.models import Finding

MAX_VALUE = 160  # characters of a value shown to the user


def clean_value(value: Any) -> str:
    """A short printable string, or "" when there is nothing meaningful in the value."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        raw = value
        for enc in ("utf-8", "latin-1"):
            try:
                value = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if isinstance(value, (tuple, list)):
        value = ", ".join(clean_value(v) for v in value if clean_value(v))
    text = str(value).replace("\x00", " ")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1].rstrip() + "…"
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
