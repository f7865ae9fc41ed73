"""EXIF (and TIFF tags): GPS, camera, owner, dates, comments, maker notes."""

from __future__ import annotations

from typing import Any

from PIL import ExifTags, Image

from photovet.core.media.metadata.report import Report, clean_value, decode_text

GPS_LABEL = "GPS position"

_IFD0_TAGS: dict[int, tuple[str, str]] = {
    0x010E: ("text", "Description"),
    0x0131: ("software", "Software"),
    0x0132: ("date", "Date changed"),
    0x013B: ("owner", "Photographer (artist)"),
    0x013C: ("device", "Computer name"),
    0x8298: ("owner", "Copyright"),
    0x9C9B: ("text", "Title (Windows)"),
    0x9C9C: ("text", "Comment (Windows)"),
    0x9C9D: ("owner", "Author (Windows)"),
    0x9C9E: ("text", "Keywords (Windows)"),
    0x9C9F: ("text", "Subject (Windows)"),
    0xA431: ("device", "Camera serial number"),
}
_EXIF_IFD_TAGS: dict[int, tuple[str, str]] = {
    0x9003: ("date", "Date taken"),
    0x9004: ("date", "Date digitised"),
    0x9010: ("date", "Time zone"),
    0x9011: ("date", "Time zone"),
    0x9012: ("date", "Time zone"),
    0xA420: ("device", "Unique image ID"),
    0xA430: ("owner", "Camera owner name"),
    0xA431: ("device", "Camera serial number"),
    0xA432: ("device", "Lens details"),
    0xA433: ("device", "Lens make"),
    0xA434: ("device", "Lens model"),
    0xA435: ("device", "Lens serial number"),
    0x010E: ("text", "Description"),
    0x9C9C: ("text", "Comment (Windows)"),
}
_MAKERNOTE_PREFIXES = [
    (b"Nikon", "Nikon"), (b"OLYMPUS", "Olympus"), (b"OLYMP", "Olympus"), (b"OM SYSTEM", "OM System"),
    (b"FUJIFILM", "Fujifilm"), (b"Apple iOS", "Apple"), (b"SONY", "Sony"), (b"Panasonic", "Panasonic"),
    (b"PENTAX", "Pentax"), (b"AOC\x00", "Pentax"), (b"QVC", "Casio"), (b"SAMSUNG", "Samsung"),
    (b"LEICA", "Leica"), (b"Ricoh", "Ricoh"), (b"RICOH", "Ricoh"), (b"SIGMA", "Sigma"),
    (b"KDK", "Kodak"), (b"HUAWEI", "Huawei"), (b"GoPro", "GoPro"), (b"DJI", "DJI"),
]


def _rational(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return f if f == f and abs(f) != float("inf") else None


def _dms(value: Any) -> float | None:
    if isinstance(value, (tuple, list)):
        parts = [_rational(v) for v in value[:3]]
        if not parts or any(p is None for p in parts):
            return None
        deg = 0.0
        for i, p in enumerate(parts):
            deg += p / (60 ** i)
        return deg
    return _rational(value)


def format_latlon(lat: float, lon: float) -> str:
    return f"{abs(lat):.4f} {'N' if lat >= 0 else 'S'}, {abs(lon):.4f} {'E' if lon >= 0 else 'W'}"


def _ref(v: Any) -> str:
    return clean_value(v).upper()[:1]


def _gps_findings(rep: Report, gps: dict[int, Any], source: str) -> None:
    if not gps:
        return
    lat, lon = _dms(gps.get(2)), _dms(gps.get(4))
    names = sorted(ExifTags.GPSTAGS.get(k, hex(k)) for k in gps)
    data: dict[str, Any] = {"tags": names}
    alt = _rational(gps.get(6)) if 6 in gps else None
    if alt is not None:
        if gps.get(5) in (1, b"\x01"):
            alt = -alt
        data["altitude"] = round(alt, 2)
    if lat is not None and lon is not None and not (lat > 90 or lon > 180):
        if _ref(gps.get(1)) == "S":
            lat = -lat
        if _ref(gps.get(3)) == "W":
            lon = -lon
        data.update(lat=lat, lon=lon)
        value = format_latlon(lat, lon)
        if "altitude" in data:
            value += f", altitude {data['altitude']:.0f} m"
        rep.add("location", GPS_LABEL, value, source, data)
    else:
        rep.add("location", "GPS information (no position)", ", ".join(names), source, data)


def _user_comment(raw: Any) -> str:
    """EXIF UserComment: an 8-byte header names the charset of the rest."""
    if isinstance(raw, bytes):
        head, body = raw[:8], raw[8:]
        if head.startswith(b"UNICODE"):
            for enc in ("utf-16-be", "utf-16-le"):
                try:
                    return body.decode(enc)
                except UnicodeDecodeError:
                    pass
        if head.startswith(b"JIS"):
            return decode_text(body, "shift_jis")
        if head.startswith((b"ASCII", b"\x00\x00\x00\x00\x00\x00\x00\x00")):
            return decode_text(body)
        return decode_text(raw)
    return clean_value(raw)


def _xp_text(raw: Any) -> str:
    if isinstance(raw, (tuple, list)):
        raw = bytes(raw)
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-16-le")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return clean_value(raw)


def _makernote_vendor(data: bytes, make: str) -> str:
    for prefix, name in _MAKERNOTE_PREFIXES:
        if data.startswith(prefix):
            return name
    return make.split()[0].capitalize() if make else "unknown maker"


def exif_findings(rep: Report, exif: Image.Exif, source: str = "EXIF") -> None:
    tags = dict(exif)
    if not tags:
        return
    make = clean_value(tags.get(0x010F))
    model = clean_value(tags.get(0x0110))
    if make or model:
        camera = model if make and model.lower().startswith(make.lower().split()[0]) else f"{make} {model}"
        rep.add("device", "Camera make and model", camera.strip(), source,
                {"make": make, "model": model})
    for tag, (cat, label) in _IFD0_TAGS.items():
        if tag in tags:
            v = _xp_text(tags[tag]) if 0x9C9B <= tag <= 0x9C9F else tags[tag]
            rep.add(cat, label, v, source)
    try:
        ifd = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        ifd = {}
        rep.warnings.append("part of the EXIF block is damaged")
    for tag, (cat, label) in _EXIF_IFD_TAGS.items():
        if tag in ifd:
            rep.add(cat, label, ifd[tag], source)
    if 0x9286 in ifd:
        rep.add("text", "User comment", _user_comment(ifd[0x9286]), source)
    mn = ifd.get(0x927C)
    if isinstance(mn, bytes) and len(mn) > 4:
        vendor = _makernote_vendor(mn, make)
        rep.add("makernote", "Camera maker's private data (maker notes)",
                f"{vendor}, {len(mn)} bytes; may hold the camera serial number, owner name and a preview",
                source, {"vendor": vendor, "bytes": len(mn)})
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        gps = {}
        rep.warnings.append("the GPS part of the EXIF block is damaged")
    _gps_findings(rep, dict(gps), source)
    try:
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
    except Exception:
        ifd1 = {}
    if ifd1 and (0x0201 in ifd1 or 0x0111 in ifd1):
        length = ifd1.get(0x0202) or 0
        rep.add("embedded", "Small preview image (EXIF thumbnail)",
                f"{length} bytes" if length else "present", source, {"bytes": int(length or 0)},
                allow_empty=True)
    total = len(tags) + len(ifd) + len(gps) + len(ifd1)
    rep.add("other", "EXIF camera data", f"{total} tags", source, {"tags": total})
