"""IPTC (IIM) records and the Photoshop resource block that carries them."""

from __future__ import annotations

import struct

from photovet.core.media.metadata.report import Report, clean_value, decode_text
from photovet.core.media.metadata.xmp import xmp_findings

_IPTC_MAP: dict[int, tuple[str, str]] = {
    5: ("text", "Title"),
    15: ("text", "Category"),
    20: ("text", "Category"),
    25: ("text", "Keywords"),
    40: ("text", "Instructions"),
    55: ("date", "Date created"),
    60: ("date", "Time created"),
    62: ("date", "Date digitised"),
    65: ("software", "Software"),
    70: ("software", "Software"),
    80: ("owner", "Author / photographer"),
    85: ("owner", "Author's job title"),
    90: ("location", "Town or city"),
    92: ("location", "Place name (sublocation)"),
    95: ("location", "County or state"),
    100: ("location", "Country"),
    101: ("location", "Country"),
    103: ("other", "Job reference"),
    105: ("text", "Headline"),
    110: ("owner", "Credit line"),
    115: ("owner", "Source"),
    116: ("owner", "Copyright"),
    118: ("owner", "Contact"),
    120: ("text", "Caption"),
    122: ("owner", "Caption writer"),
}


def parse_iptc(data: bytes) -> list[tuple[int, int, bytes]]:
    out = []
    i = 0
    n = len(data)
    while i + 5 <= n:
        if data[i] != 0x1C:
            i += 1
            continue
        rec, ds = data[i + 1], data[i + 2]
        size = struct.unpack(">H", data[i + 3:i + 5])[0]
        i += 5
        if size & 0x8000:  # extended length
            ln = size & 0x7FFF
            size = int.from_bytes(data[i:i + ln], "big")
            i += ln
        out.append((rec, ds, data[i:i + size]))
        i += size
    return out


def iptc_findings(rep: Report, data: bytes, source: str = "IPTC") -> None:
    records = parse_iptc(data)
    if not records:
        return
    grouped: dict[tuple[str, str], list[str]] = {}
    # 1:90 CodedCharacterSet: ESC % G is UTF-8; without it the text is most often Windows-1252
    charset = "utf-8" if any(rec == 1 and ds == 90 and b"%G" in raw for rec, ds, raw in records) \
        else None
    for rec, ds, raw in records:
        if rec != 2 or ds not in _IPTC_MAP:
            continue
        v = clean_value(decode_text(raw, charset))
        if v:
            vals = grouped.setdefault(_IPTC_MAP[ds], [])
            if v not in vals:
                vals.append(v)
    for (cat, label), vals in grouped.items():
        rep.add(cat, label, "; ".join(vals), source)
    rep.add("other", "IPTC caption data", f"{len(records)} fields", source, {"fields": len(records)})


def photoshop_findings(rep: Report, data: bytes) -> None:
    """APP13 'Photoshop 3.0' image resource blocks."""
    if data.startswith(b"Photoshop 3.0\x00"):
        data = data[14:]
    i, n = 0, len(data)
    count = 0
    while i + 12 <= n and data[i:i + 4] in (b"8BIM", b"MeSa", b"PHUT", b"AgHg", b"DCSR"):
        rid = struct.unpack(">H", data[i + 4:i + 6])[0]
        nlen = data[i + 6]
        j = i + 7 + nlen
        if (nlen + 1) % 2:
            j += 1
        if j + 4 > n:
            break
        size = struct.unpack(">I", data[j:j + 4])[0]
        body = data[j + 4:j + 4 + size]
        count += 1
        if rid == 0x0404:
            iptc_findings(rep, body)
        elif rid in (0x0409, 0x040C):
            rep.add("embedded", "Small preview image (Photoshop thumbnail)", f"{len(body)} bytes",
                    "Photoshop", {"bytes": len(body)})
        elif rid == 0x0424:
            xmp_findings(rep, body)
        i = j + 4 + size + (size % 2)
    if count:
        rep.add("other", "Photoshop data block", f"{count} resource{'s' * (count != 1)}",
                "Photoshop", {"resources": count})
