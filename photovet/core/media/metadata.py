"""What a photo file would leak besides its pixels, and a check that an export leaks nothing.

``inspect_file`` reads EXIF (with Pillow), XMP, IPTC and the Photoshop block, PNG chunks,
WebP/ISO-BMFF boxes and the raw JPEG segment list itself, so it also sees data hidden after the
end of the picture (motion-photo videos, extra previews). It never decodes the pixels.

``verify_clean`` is the strict read-back check run on every export.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any, Iterator
from xml.etree import ElementTree

from PIL import ExifTags, Image

from photovet.core.errors import ImageError, TruncatedImageError
from photovet.core.media.imaging import _Opened, extension_mismatch, read_orientation, stored_orientation
from photovet.core.models import Finding, MetadataReport

_MAX_VALUE = 160  # characters of a value shown to the user


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
    "ACD Systems 数码影像": taken as GBK only when every run of non-ASCII bytes pairs up and
    reads as Chinese characters, so accented Latin text ("Crème", "Zoë") is never taken for
    it."""
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


def _clean(value: Any, charset: str | None = None) -> str:
    """A short printable string, or "" when there is nothing meaningful in the value."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = decode_text(value, charset)
    elif isinstance(value, str):
        value = _redecode(value, charset)
    if isinstance(value, (tuple, list)):
        value = ", ".join(_clean(v, charset) for v in value if _clean(v, charset))
    text = str(value).replace("\x00", " ")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > _MAX_VALUE:
        text = text[: _MAX_VALUE - 1].rstrip() + "…"
    return text


class _Report:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.warnings: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, category: str, label: str, value: Any = "", source: str = "",
            data: dict[str, Any] | None = None, *, allow_empty: bool = False) -> None:
        text = _clean(value)
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


# --------------------------------------------------------------------------------------------
# EXIF
# --------------------------------------------------------------------------------------------

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
    return _clean(v).upper()[:1]


def _gps_findings(rep: _Report, gps: dict[int, Any], source: str) -> None:
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
    return _clean(raw)


def _xp_text(raw: Any) -> str:
    if isinstance(raw, (tuple, list)):
        raw = bytes(raw)
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-16-le")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return _clean(raw)


def _makernote_vendor(data: bytes, make: str) -> str:
    for prefix, name in _MAKERNOTE_PREFIXES:
        if data.startswith(prefix):
            return name
    return make.split()[0].capitalize() if make else "unknown maker"


def _exif_findings(rep: _Report, exif: Image.Exif, source: str = "EXIF") -> None:
    tags = dict(exif)
    if not tags:
        return
    make = _clean(tags.get(0x010F))
    model = _clean(tags.get(0x0110))
    if make or model:
        camera = model if make and model.lower().startswith(make.lower().split()[0]) else f"{make} {model}"
        rep.add("device", "Camera make and model", camera.strip(), source)
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


# --------------------------------------------------------------------------------------------
# XMP
# --------------------------------------------------------------------------------------------

NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "stEvt": "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "exifEX": "http://cipa.jp/exif/1.0/",
    "aux": "http://ns.adobe.com/exif/1.0/aux/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "mwg-rs": "http://www.metadataworkinggroup.com/schemas/regions/",
    "MP": "http://ns.microsoft.com/photo/1.2/",
    "MPRI": "http://ns.microsoft.com/photo/1.2/t/RegionInfo#",
    "MPReg": "http://ns.microsoft.com/photo/1.2/t/Region#",
    "MicrosoftPhoto": "http://ns.microsoft.com/photo/1.0/",
    "GCamera": "http://ns.google.com/photos/1.0/camera/",
    "Container": "http://ns.google.com/photos/1.0/container/",
    "Item": "http://ns.google.com/photos/1.0/container/item/",
    "xmpGImg": "http://ns.adobe.com/xap/1.0/g/img/",
    "lr": "http://ns.adobe.com/lightroom/1.0/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "crs": "http://ns.adobe.com/camera-raw-settings/1.0/",
    "stRef": "http://ns.adobe.com/xap/1.0/sType/ResourceRef#",
    "GPano": "http://ns.google.com/photos/1.0/panorama/",
    "stArea": "http://ns.adobe.com/xmp/sType/Area#",
    "stDim": "http://ns.adobe.com/xap/1.0/sType/Dimensions#",
}
_PREFIX = {uri: p for p, uri in NS.items()}
# Microsoft wrote a wrong URI for years; treat it the same.
_PREFIX["http://ns.microsoft.com/photo/1.0"] = "MicrosoftPhoto"

_XMP_MAP: dict[str, tuple[str, str]] = {
    # location
    "photoshop:City": ("location", "Town or city"),
    "photoshop:State": ("location", "County or state"),
    "photoshop:Country": ("location", "Country"),
    "Iptc4xmpCore:Location": ("location", "Place name (sublocation)"),
    "Iptc4xmpCore:CountryCode": ("location", "Country"),
    "Iptc4xmpExt:Sublocation": ("location", "Place name (sublocation)"),
    "Iptc4xmpExt:City": ("location", "Town or city"),
    "Iptc4xmpExt:ProvinceState": ("location", "County or state"),
    "Iptc4xmpExt:CountryName": ("location", "Country"),
    "Iptc4xmpExt:LocationName": ("location", "Place name (sublocation)"),
    # owner / author
    "dc:creator": ("owner", "Author / photographer"),
    "dc:rights": ("owner", "Copyright"),
    "xmpRights:Owner": ("owner", "Owner"),
    "photoshop:AuthorsPosition": ("owner", "Author's job title"),
    "photoshop:Credit": ("owner", "Credit line"),
    "photoshop:Source": ("owner", "Source"),
    "photoshop:CaptionWriter": ("owner", "Caption writer"),
    "Iptc4xmpCore:CiEmailWork": ("owner", "Contact e-mail"),
    "Iptc4xmpCore:CiTelWork": ("owner", "Contact phone number"),
    "Iptc4xmpCore:CiAdrExtadr": ("owner", "Contact address"),
    "Iptc4xmpCore:CiAdrCity": ("owner", "Contact address"),
    "Iptc4xmpCore:CiAdrPcode": ("owner", "Contact address"),
    "Iptc4xmpCore:CiUrlWork": ("owner", "Contact web address"),
    "aux:OwnerName": ("owner", "Camera owner name"),
    "exifEX:CameraOwnerName": ("owner", "Camera owner name"),
    # device
    "aux:SerialNumber": ("device", "Camera serial number"),
    "exifEX:BodySerialNumber": ("device", "Camera serial number"),
    "MicrosoftPhoto:CameraSerialNumber": ("device", "Camera serial number"),
    "aux:LensSerialNumber": ("device", "Lens serial number"),
    "exifEX:LensSerialNumber": ("device", "Lens serial number"),
    "aux:Lens": ("device", "Lens model"),
    "exifEX:LensModel": ("device", "Lens model"),
    "exif:ImageUniqueID": ("device", "Unique image ID"),
    # dates
    "xmp:CreateDate": ("date", "Date created"),
    "xmp:ModifyDate": ("date", "Date changed"),
    "xmp:MetadataDate": ("date", "Date changed"),
    "photoshop:DateCreated": ("date", "Date created"),
    "exif:DateTimeOriginal": ("date", "Date taken"),
    "exif:DateTimeDigitized": ("date", "Date digitised"),
    "MicrosoftPhoto:DateAcquired": ("date", "Date imported"),
    # text
    "dc:description": ("text", "Description"),
    "dc:title": ("text", "Title"),
    "dc:subject": ("text", "Keywords"),
    "lr:hierarchicalSubject": ("text", "Keywords"),
    "MicrosoftPhoto:LastKeywordXMP": ("text", "Keywords"),
    "photoshop:Headline": ("text", "Headline"),
    "photoshop:Instructions": ("text", "Instructions"),
    "exif:UserComment": ("text", "User comment"),
    "Iptc4xmpExt:Event": ("text", "Event"),
    "Iptc4xmpExt:PersonInImage": ("people", "Names of people in the photo"),
    # software
    "xmp:CreatorTool": ("software", "Software"),
    "stEvt:softwareAgent": ("software", "Editing software (history)"),
    # embedded
    "xmpGImg:image": ("embedded", "Small preview image (XMP thumbnail)"),
    "GCamera:MicroVideo": ("embedded", "Motion-photo video"),
    "GCamera:MotionPhoto": ("embedded", "Motion-photo video"),
}
PEOPLE_LABEL = "Names of people tagged in the photo"
_RDF_LI = "{%s}li" % NS["rdf"]


_SKIP_NS = {NS["rdf"], "adobe:ns:meta/", "http://www.w3.org/XML/1998/namespace"}


def _split(tag: str) -> tuple[str | None, str]:
    """(namespace URI or None, local name)."""
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        return uri, local
    return None, tag


def _qname(uri: str, local: str) -> str:
    return f"{_PREFIX.get(uri, uri)}:{local}" if uri in _PREFIX else f"{{{uri}}}{local}"


def _el_value(el: ElementTree.Element) -> str:
    if len(el) == 0:
        return (el.text or "").strip()
    items = [(li.text or "").strip() for li in el.iter(_RDF_LI)]
    return "; ".join(i for i in items if i)


def _xmp_latlon(text: str) -> float | None:
    """XMP GPS coordinates: '43,28.0469N' or '43,28,2.8N' or a decimal with a letter."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEWnsew])\s*", text)
    if not m:
        return None
    val = float(m[1]) + float(m[2] or 0) / 60 + float(m[3] or 0) / 3600
    return -val if m[4].upper() in "SW" else val


def parse_xmp(data: bytes) -> tuple[list[tuple[str, str]], set[str]]:
    """[(prefix:name, value)] for every property with a value, and the namespaces used."""
    text = data.rstrip(b"\x00 \r\n\t")
    start = text.find(b"<x:xmpmeta")
    if start < 0:
        start = text.find(b"<rdf:RDF")
    end_tag = b"</x:xmpmeta>" if text.find(b"</x:xmpmeta>") >= 0 else b"</rdf:RDF>"
    end = text.rfind(end_tag)
    if start >= 0 and end > start:
        text = text[start:end + len(end_tag)]
    root = ElementTree.fromstring(text)
    props: list[tuple[str, str]] = []
    namespaces: set[str] = set()
    for el in root.iter():
        uri, local = _split(el.tag)
        if uri is not None and uri not in _SKIP_NS:
            namespaces.add(_PREFIX.get(uri, uri))
            q = _qname(uri, local)
            v = _el_value(el)
            if v:
                props.append((q, v))
            elif len(el) == 0 or el.attrib:
                props.append((q, ""))
        for k, v in el.attrib.items():
            auri, alocal = _split(k)
            if auri is None or auri in _SKIP_NS:
                continue
            namespaces.add(_PREFIX.get(auri, auri))
            props.append((_qname(auri, alocal), v.strip()))
    return props, namespaces


def _xmp_findings(rep: _Report, data: bytes, source: str = "XMP") -> None:
    try:
        props, namespaces = parse_xmp(data)
    except (ElementTree.ParseError, ValueError) as exc:
        rep.warnings.append(f"the XMP block is damaged and could not be read in full ({exc})")
        rep.add("other", "Adobe XMP data (damaged)", f"{len(data)} bytes", source,
                {"bytes": len(data)}, allow_empty=True)
        # still look for the most serious things with a plain text search
        for m in re.finditer(rb"(?:mwg-rs:Name|MPReg:PersonDisplayName)=\"([^\"]+)\"", data):
            rep.add("people", PEOPLE_LABEL, m[1].decode("utf-8", "replace"), source)
        if re.search(rb"GPSLatitude", data):
            rep.add("location", "GPS information (no position)", "in damaged XMP", source)
        return
    grouped: dict[str, list[str]] = {}
    names: list[str] = []
    regions = 0
    lat = lon = None
    for q, v in props:
        if q in ("mwg-rs:Name", "MPReg:PersonDisplayName"):
            if v and v not in names:
                names.append(v)
            continue
        if q in ("mwg-rs:Area", "MPReg:Rectangle"):
            regions += 1
            continue
        if q == "exif:GPSLatitude":
            lat = _xmp_latlon(v)
            continue
        if q == "exif:GPSLongitude":
            lon = _xmp_latlon(v)
            continue
        if q.startswith("exif:GPS"):
            grouped.setdefault("__gps", []).append(q.split(":", 1)[1])
            continue
        if q in ("Item:Semantic",) and v.lower() in ("motionphoto", "video"):
            rep.add("embedded", "Motion-photo video", "video clip stored with the photo", source)
            continue
        if q == "GCamera:MotionPhoto" and v.strip() == "0":
            continue
        if q in _XMP_MAP and v:
            cat, label = _XMP_MAP[q]
            if cat == "embedded" and label != "Motion-photo video":
                v = f"{len(v) * 3 // 4} bytes"
            elif label == "Motion-photo video":
                v = "video clip stored with the photo"
            vals = grouped.setdefault(f"{cat}\x00{label}", [])
            if v not in vals:
                vals.append(v)
    if lat is not None and lon is not None:
        rep.add("location", GPS_LABEL, format_latlon(lat, lon), source, {"lat": lat, "lon": lon})
    elif "__gps" in grouped:
        rep.add("location", "GPS information (no position)", ", ".join(sorted(set(grouped["__gps"]))), source)
    grouped.pop("__gps", None)
    if names:
        rep.add("people", PEOPLE_LABEL, ", ".join(names), source, {"names": names, "regions": regions})
    elif regions:
        rep.add("people", "Face areas marked in the file (no names)", f"{regions} areas", source,
                {"regions": regions})
    for key, vals in grouped.items():
        cat, label = key.split("\x00", 1)
        rep.add(cat, label, "; ".join(vals), source)
    rep.add("other", "Adobe XMP data", ", ".join(sorted(namespaces)) or f"{len(data)} bytes", source,
            {"namespaces": sorted(namespaces), "bytes": len(data)}, allow_empty=True)


# --------------------------------------------------------------------------------------------
# IPTC (IIM) and the Photoshop block
# --------------------------------------------------------------------------------------------

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


def _iptc_findings(rep: _Report, data: bytes, source: str = "IPTC") -> None:
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
        v = _clean(decode_text(raw, charset))
        if v:
            vals = grouped.setdefault(_IPTC_MAP[ds], [])
            if v not in vals:
                vals.append(v)
    for (cat, label), vals in grouped.items():
        rep.add(cat, label, "; ".join(vals), source)
    rep.add("other", "IPTC caption data", f"{len(records)} fields", source, {"fields": len(records)})


def _photoshop_findings(rep: _Report, data: bytes) -> None:
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
            _iptc_findings(rep, body)
        elif rid in (0x0409, 0x040C):
            rep.add("embedded", "Small preview image (Photoshop thumbnail)", f"{len(body)} bytes",
                    "Photoshop", {"bytes": len(body)})
        elif rid == 0x0424:
            _xmp_findings(rep, body)
        i = j + 4 + size + (size % 2)
    if count:
        rep.add("other", "Photoshop data block", f"{count} resources", "Photoshop", {"resources": count})


# --------------------------------------------------------------------------------------------
# JPEG segments
# --------------------------------------------------------------------------------------------

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


def _trailer_findings(rep: _Report, trailer: bytes, has_mpf: bool, source: str) -> None:
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


def _jpeg_findings(rep: _Report, data: bytes) -> None:
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
                rep.add("other", "Camera data block (APP0)", _ident(payload), "JPEG")
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
            rep.add("other", "Camera data block (APP1)", _ident(payload), "JPEG")
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
                rep.add("other", "Camera data block (APP2)", _ident(payload), "JPEG")
        elif marker == 0xED:
            _photoshop_findings(rep, payload)
        elif marker == 0xEE:
            if not payload.startswith(b"Adobe"):
                rep.add("other", "Camera data block (APP14)", _ident(payload), "JPEG")
        elif 0xE3 <= marker <= 0xEF:
            rep.add("other", f"Camera data block (APP{marker - 0xE0})", _ident(payload), "JPEG")
        elif marker == 0xFE:
            rep.add("text", "Comment", payload, "JPEG comment")
    for parts in ext_xmp.values():
        blob = b"".join(parts[k] for k in sorted(parts))
        _xmp_findings(rep, blob, "XMP (extended)")
    if end is not None and end < len(data):
        _trailer_findings(rep, data[end:], has_mpf, "JPEG trailer")
    elif end is None:
        rep.warnings.append("the JPEG data does not end properly (the file may be cut short)")


def _ident(payload: bytes) -> str:
    head = payload[:24].split(b"\x00", 1)[0]
    text = "".join(chr(c) if 32 <= c < 127 else "" for c in head)
    return f"'{text}', {len(payload)} bytes" if text else f"{len(payload)} bytes"


# --------------------------------------------------------------------------------------------
# PNG, WebP, ISO-BMFF (HEIF/AVIF), TIFF, GIF
# --------------------------------------------------------------------------------------------

_PNG_HARMLESS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
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


def _png_text(ctype: bytes, body: bytes) -> tuple[str, bytes]:
    key, _, rest = body.partition(b"\x00")
    if ctype == b"zTXt":
        try:
            rest = zlib.decompress(rest[1:], bufsize=1 << 16)[:1 << 20]
        except zlib.error:
            rest = b""
    elif ctype == b"iTXt":
        flag, _method = rest[:1], rest[1:2]
        rest = rest[2:]
        _lang, _, rest = rest.partition(b"\x00")
        _tkey, _, rest = rest.partition(b"\x00")
        if flag == b"\x01":
            try:
                rest = zlib.decompress(rest)[:1 << 20]
            except zlib.error:
                rest = b""
    return key.decode("latin-1"), rest


def _png_findings(rep: _Report, data: bytes) -> bytes | None:
    """Returns the eXIf chunk's bytes, if any."""
    exif = None
    end = None
    for ctype, body, after in png_chunks(data):
        if ctype in (b"tEXt", b"zTXt", b"iTXt"):
            key, text = _png_text(ctype, body)
            if key == "XML:com.adobe.xmp":
                _xmp_findings(rep, text)
            elif key.lower().startswith("raw profile type"):
                kind = key[len("raw profile type"):].strip()
                if kind.lower() in ("exif", "app1"):
                    rep.add("other", "EXIF camera data (stored as PNG text)", f"{len(text)} bytes", "PNG text")
                elif kind.lower() == "iptc":
                    rep.add("other", "IPTC caption data (stored as PNG text)", f"{len(text)} bytes", "PNG text")
                elif kind.lower() == "xmp":
                    rep.add("other", "Adobe XMP data (stored as PNG text)", f"{len(text)} bytes", "PNG text")
                else:
                    rep.add("other", f"Data block stored as PNG text ({kind})", f"{len(text)} bytes", "PNG text")
            else:
                cat = "date" if "date" in key.lower() or "time" in key.lower() else "text"
                rep.add(cat, f"Text in the file ({key})", text, "PNG text", allow_empty=True)
        elif ctype == b"eXIf":
            exif = body
        elif ctype == b"tIME" and len(body) == 7:
            y, mo, d, h, mi, s = struct.unpack(">HBBBBB", body)
            rep.add("date", "Date changed", f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}", "PNG")
        elif ctype not in _PNG_HARMLESS:
            rep.add("other", "Extra PNG data block", f"'{ctype.decode('latin-1')}', {len(body)} bytes", "PNG")
        if ctype == b"IEND":
            end = after
    if end is not None and end < len(data):
        _trailer_findings(rep, data[end:], False, "PNG trailer")
    return exif


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


def _webp_findings(rep: _Report, data: bytes) -> None:
    chunks, size = riff_chunks(data)
    for ctype, body in chunks:
        if ctype == b"XMP ":
            _xmp_findings(rep, body)
        elif ctype not in (b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"EXIF", b"ICCP"):
            rep.add("other", "Extra WebP data block", f"'{ctype.decode('latin-1')}', {len(body)} bytes", "WebP")
    if size < len(data):
        _trailer_findings(rep, data[size:], False, "WebP trailer")


def bmff_boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """Top-level ISO-BMFF boxes: (type, offset, size)."""
    out = []
    i, n = 0, len(data)
    while i + 8 <= n:
        size = struct.unpack(">I", data[i:i + 4])[0]
        btype = data[i + 4:i + 8]
        if size == 1 and i + 16 <= n:
            size = struct.unpack(">Q", data[i + 8:i + 16])[0]
        elif size == 0:
            size = n - i
        if size < 8:
            break
        out.append((btype, i, size))
        i += size
    return out


def _bmff_findings(rep: _Report, data: bytes, im: Image.Image) -> None:
    for btype, off, size in bmff_boxes(data):
        if btype == b"mpvd":
            rep.add("embedded", "Motion-photo video", f"a video clip of {size // 1024} KB", "HEIF",
                    {"bytes": size})
        elif btype == b"moov":
            rep.add("embedded", "Video stored with the photo", f"{size // 1024} KB", "HEIF", {"bytes": size})
    if b"MotionPhoto_Data" in data[-(1 << 20):]:
        rep.add("embedded", "Motion-photo video", "Samsung motion photo data", "HEIF")
    info = im.info
    thumbs = info.get("thumbnails") or []
    if thumbs:
        rep.add("embedded", "Small preview image (HEIF thumbnail)", f"{len(thumbs)} preview(s)", "HEIF",
                {"count": len(thumbs)})
    depth = info.get("depth_images") or []
    if depth:
        rep.add("embedded", "Depth map", f"{len(depth)} image(s)", "HEIF")
    aux = info.get("aux") or {}
    if aux:
        rep.add("embedded", "Auxiliary images (HDR/portrait data)", ", ".join(map(str, aux))[:120], "HEIF")
    extra_frames = getattr(im, "n_frames", 1) - 1
    if extra_frames > 0:
        rep.add("embedded", "Other pictures in the same file", f"{extra_frames}", "HEIF")
    for md in info.get("metadata") or []:
        kind = _clean(md.get("type") if isinstance(md, dict) else "")
        if kind.lower() == "iptc" and isinstance(md, dict) and isinstance(md.get("data"), bytes):
            _iptc_findings(rep, md["data"])
        else:
            rep.add("other", "Extra HEIF data block", kind or "unknown", "HEIF")


def _tiff_findings(rep: _Report, im: Image.Image) -> None:
    tags = getattr(im, "tag_v2", {})
    xmp = tags.get(700)
    if xmp:
        _xmp_findings(rep, bytes(xmp) if not isinstance(xmp, bytes) else xmp)
    iptc = tags.get(33723)
    if iptc:
        raw = iptc if isinstance(iptc, bytes) else b"".join(
            (v.to_bytes(4, "big") if isinstance(v, int) else bytes(v)) for v in (iptc if isinstance(iptc, (list, tuple)) else [iptc]))
        _iptc_findings(rep, raw)
    ps = tags.get(34377)
    if ps:
        _photoshop_findings(rep, ps if isinstance(ps, bytes) else bytes(ps))
    frames = getattr(im, "n_frames", 1)
    if frames > 1:
        rep.add("embedded", "Other pictures in the same file", f"{frames - 1} more page(s)", "TIFF")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

_READ_LIMIT = 256 << 20


def _read_all(op: _Opened) -> bytes:
    op.fh.seek(0)
    data = op.fh.read(_READ_LIMIT)
    op.fh.seek(0)
    return data


def _icc_description(icc: bytes) -> str:
    try:
        import io

        from PIL import ImageCms

        return (ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))) or "").strip()
    except Exception:
        return ""


def inspect_file(path: str | Path) -> MetadataReport:
    """Everything in the file besides the picture that an export removes.

    Raises the same typed errors as :func:`photovet.core.media.imaging.load_image` when the file is
    not a readable image. Never decodes the pixels.
    """
    return inspect_bytes(None, path)


def inspect_bytes(data: bytes | None, path: str | Path) -> MetadataReport:
    """``inspect_file`` on bytes already read (``path`` names them); None reads the file."""
    path = Path(path)
    rep = _Report()
    with _Opened(path, max_pixels=1 << 62, data=data) as op:
        im = op.im
        fmt = op.format
        report = MetadataReport(format=fmt, extension_mismatch=extension_mismatch(path, im.format or fmt))
        if report.extension_mismatch:
            rep.warnings.append(f"the file name says {path.suffix or 'nothing'} but it is really a {fmt} image")
        try:
            data = _read_all(op)
        except OSError as exc:
            from photovet.core.media.imaging import _read_error

            raise _read_error(path, exc) from exc
        try:
            _inspect(rep, im, fmt, data)
        except ImageError:
            raise
        except Exception as exc:  # a damaged block must not hide everything else
            rep.warnings.append(f"part of the metadata could not be read ({type(exc).__name__}: {exc})")
        try:
            report.orientation = stored_orientation(im)
            if fmt != "HEIF":
                _o, warns = read_orientation(im)
                rep.warnings.extend(warns)
        except Exception:
            report.orientation = 1
    report.findings = sorted(rep.findings, key=_order)
    report.warnings = rep.warnings
    return report


def _order(f: Finding) -> int:
    from photovet.core.models import FINDING_CATEGORIES

    return FINDING_CATEGORIES.index(f.category) if f.category in FINDING_CATEGORIES else 99


def _inspect(rep: _Report, im: Image.Image, fmt: str, data: bytes) -> None:
    # EXIF (PNG: from the eXIf chunk we read ourselves, so Pillow never decodes the image)
    exif_obj: Image.Exif | None = None
    if fmt == "PNG":
        raw = _png_findings(rep, data)
        if raw:
            exif_obj = Image.Exif()
            try:
                exif_obj.load(raw)
            except Exception:
                rep.warnings.append("the EXIF block is damaged and could not be read in full")
                rep.add("other", "EXIF camera data (damaged)", f"{len(raw)} bytes", "EXIF", allow_empty=True)
                exif_obj = None
    else:
        try:
            exif_obj = im.getexif()
        except Exception as exc:
            rep.warnings.append(f"the EXIF block is damaged and could not be read in full ({type(exc).__name__})")
            rep.add("other", "EXIF camera data (damaged)", "present", "EXIF", allow_empty=True)
    if exif_obj is not None:
        if fmt != "TIFF":
            _exif_findings(rep, exif_obj)
        else:
            _exif_findings(rep, exif_obj, "TIFF tags")

    if fmt == "JPEG":
        _jpeg_findings(rep, data)
    elif fmt == "WEBP":
        _webp_findings(rep, data)
    elif fmt in ("HEIF", "AVIF"):
        _bmff_findings(rep, data, im)
    elif fmt == "TIFF":
        _tiff_findings(rep, im)

    if fmt not in ("PNG", "WEBP", "TIFF"):
        xmp = im.info.get("xmp")
        if xmp:
            _xmp_findings(rep, xmp if isinstance(xmp, bytes) else str(xmp).encode())
        elif fmt in ("HEIF", "AVIF"):
            # XMP stored as an item the decoder does not attach to the primary picture
            for m in re.finditer(rb"<x:xmpmeta.*?</x:xmpmeta>", data, re.S):
                _xmp_findings(rep, m.group(0), "XMP (extra item)")
    if fmt == "GIF" and im.info.get("comment"):
        rep.add("text", "Comment", im.info["comment"], "GIF comment")
    icc = im.info.get("icc_profile")
    if icc:
        desc = _icc_description(icc) or "unnamed"
        rep.add("colour", "Colour profile", f"{desc} (colours converted to sRGB)", "ICC", {"description": desc})


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
                    problems.append(f"APP0 block {_ident(payload)}")
                elif len(payload) >= 14 and payload[12] * payload[13] > 0:
                    problems.append("JFIF thumbnail")
            elif marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00") and allow_icc:
                continue
            elif 0xE1 <= marker <= 0xEF:
                problems.append(f"APP{marker - 0xE0} block {_ident(payload)}")
            elif marker == 0xFE:
                problems.append("JPEG comment")
        if end is None:
            problems.append("the JPEG data does not end properly")
        elif data[end:]:
            problems.append(f"{len(data) - end} bytes after the end of the picture")
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        end = None
        for ctype, body, after in png_chunks(data):
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


__all__ = ["inspect_bytes", "inspect_file", "verify_clean", "parse_xmp", "parse_iptc", "jpeg_segments", "format_latlon",
           "GPS_LABEL", "PEOPLE_LABEL"]

