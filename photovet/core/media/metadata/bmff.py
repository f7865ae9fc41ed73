"""ISO-BMFF (HEIF/HEIC, AVIF): the item boxes that carry EXIF, XMP and IPTC."""

from __future__ import annotations

import struct

from PIL import Image

from photovet.core.media.metadata.iptc import iptc_findings
from photovet.core.media.metadata.report import Report, clean_value
from photovet.core.words import count


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


def bmff_findings(rep: Report, data: bytes, im: Image.Image) -> None:
    for btype, _off, size in bmff_boxes(data):
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
        rep.add("embedded", "Small preview image (HEIF thumbnail)", count(len(thumbs), "preview"), "HEIF",
                {"count": len(thumbs)})
    depth = info.get("depth_images") or []
    if depth:
        rep.add("embedded", "Depth map", count(len(depth), "image"), "HEIF")
    aux = info.get("aux") or {}
    if aux:
        rep.add("embedded", "Auxiliary images (HDR/portrait data)", ", ".join(map(str, aux))[:120], "HEIF")
    extra_frames = getattr(im, "n_frames", 1) - 1
    if extra_frames > 0:
        rep.add("embedded", "Other pictures in the same file", f"{extra_frames}", "HEIF")
    for md in info.get("metadata") or []:
        kind = clean_value(md.get("type") if isinstance(md, dict) else "")
        if kind.lower() == "iptc" and isinstance(md, dict) and isinstance(md.get("data"), bytes):
            iptc_findings(rep, md["data"])
        else:
            rep.add("other", "Extra HEIF data block", kind or "unknown", "HEIF")
