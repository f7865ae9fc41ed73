"""XMP packets: every property, with GPS, people tagged and descriptions named for what they are."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from photovet.core.media.metadata.exif import GPS_LABEL, format_latlon
from photovet.core.media.metadata.report import Report

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
_RDF_LI = f"{{{NS['rdf']}}}li"


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


def xmp_findings(rep: Report, data: bytes, source: str = "XMP") -> None:
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
