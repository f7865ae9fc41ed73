"""TIFF: XMP, IPTC and Photoshop tags beside the EXIF ones."""

from __future__ import annotations

from PIL import Image

from photovet.core.media.metadata.iptc import iptc_findings, photoshop_findings
from photovet.core.media.metadata.report import Report
from photovet.core.media.metadata.xmp import xmp_findings
from photovet.core.words import count


def tiff_findings(rep: Report, im: Image.Image) -> None:
    tags = getattr(im, "tag_v2", {})
    xmp = tags.get(700)
    if xmp:
        xmp_findings(rep, bytes(xmp) if not isinstance(xmp, bytes) else xmp)
    iptc = tags.get(33723)
    if iptc:
        parts = iptc if isinstance(iptc, (list, tuple)) else [iptc]
        raw = iptc if isinstance(iptc, bytes) else b"".join(
            (v.to_bytes(4, "big") if isinstance(v, int) else bytes(v)) for v in parts)
        iptc_findings(rep, raw)
    ps = tags.get(34377)
    if ps:
        photoshop_findings(rep, ps if isinstance(ps, bytes) else bytes(ps))
    frames = getattr(im, "n_frames", 1)
    if frames > 1:
        rep.add("embedded", "Other pictures in the same file", count(frames - 1, "more page"), "TIFF")
