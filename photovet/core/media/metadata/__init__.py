"""What a photo file would leak besides its pixels, and a check that an export leaks nothing.

One module per kind of block or container (``exif``, ``xmp``, ``iptc``, ``jpeg``, ``png``,
``webp``, ``bmff``, ``tiff``), each adding findings to a ``Report``; ``CONTAINER_READERS`` picks
the container's reader by the format the file really is (not its name). ``verify`` is the
read-back check of an export.

``inspect_file`` reads EXIF (with Pillow), XMP, IPTC and the Photoshop block, PNG chunks,
WebP/ISO-BMFF boxes and the raw JPEG segment list itself, so it also sees data hidden after the
end of the picture (motion-photo videos, extra previews). It never decodes the pixels.

``verify_clean`` is the strict read-back check run on every export.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image, ImageCms

from photovet.core.errors import ImageError
from photovet.core.media.imaging import (
    OpenedImage,
    extension_mismatch,
    read_error,
    read_orientation,
    stored_orientation,
)
from photovet.core.media.metadata.bmff import bmff_findings
from photovet.core.media.metadata.exif import GPS_LABEL, exif_findings, format_latlon
from photovet.core.media.metadata.iptc import parse_iptc
from photovet.core.media.metadata.jpeg import jpeg_findings, jpeg_segments
from photovet.core.media.metadata.png import png_chunks, png_findings
from photovet.core.media.metadata.report import Report
from photovet.core.media.metadata.tiff import tiff_findings
from photovet.core.media.metadata.verify import verify_clean
from photovet.core.media.metadata.webp import webp_findings
from photovet.core.media.metadata.xmp import PEOPLE_LABEL, parse_xmp, xmp_findings
from photovet.core.models import FINDING_CATEGORIES, Finding, MetadataReport
from photovet.core.words import count

#: a file up to this size is read whole to list its metadata; a larger one only in part
_WHOLE_LIMIT = 64 << 20
#: the start of a larger file that is read (where EXIF, XMP, comments and text chunks are) ...
_HEAD = 16 << 20
#: ... and its end (where a motion-photo video or a phone's extra data is stored)
_TAIL = 4 << 20


def _read_for_metadata(op: OpenedImage, given: bytes | None) -> tuple[bytes, bytes | None, int]:
    """(the bytes the readers walk, the file's last bytes when only its start was read, the
    file's size). Bytes already read (and hashed) are used as they are; a file on disk larger
    than _WHOLE_LIMIT (a 5 GB file named .jpg) is read only at its start and its end."""
    if given is not None:
        return given, None, len(given)
    size = op.fh.seek(0, io.SEEK_END)
    op.fh.seek(0)
    try:
        if size <= _WHOLE_LIMIT:
            return op.fh.read(), None, size
        head = op.fh.read(_HEAD)
        op.fh.seek(max(len(head), size - _TAIL))
        return head, op.fh.read(_TAIL), size
    finally:
        op.fh.seek(0)


def _size_words(size: int) -> str:
    return f"{size / (1 << 30):.1f} GB" if size >= 1 << 30 else f"{size / (1 << 20):.0f} MB"


def _tail_findings(rep: Report, tail: bytes, source: str) -> None:
    """What the end of a very large file shows (its middle was not read)."""
    if b"MotionPhoto_Data" in tail or b"ftyp" in tail:
        rep.add("embedded", "Motion-photo video", "video data at the end of the file", source)
    elif b"SEFT" in tail[-64:]:
        rep.add("embedded", "Data after the end of the picture", "Samsung camera data", source)


def xmp_packets(data: bytes) -> Iterator[bytes]:
    """Each ``<x:xmpmeta ...</x:xmpmeta>`` in ``data``, in one pass. A regular expression
    (``<x:xmpmeta.*?</x:xmpmeta>``) searched from each opening to the end of the file when
    nothing closes it: a 1 MB HEIC holding a thousand openings took 8 s to list, one of a few
    MB hours, and the batch waited for it (s59 review)."""
    start = data.find(_XMP_OPEN)
    while start >= 0:
        end = data.find(_XMP_CLOSE, start)
        if end < 0:
            return              # nothing after this opening closes it, nor any later one
        end += len(_XMP_CLOSE)
        yield data[start:end]
        start = data.find(_XMP_OPEN, end)


_XMP_OPEN, _XMP_CLOSE = b"<x:xmpmeta", b"</x:xmpmeta>"


def _icc_description(icc: bytes) -> str:
    try:
        return (ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))) or "").strip()
    except Exception:
        return ""


#: The reader of each container's own blocks (EXIF, XMP, ICC and comments are read for all).
#: formats whose file may hold an animation (PNG: APNG): its first picture is the photo
ANIMATED_FORMATS = ("GIF", "WEBP", "PNG")

CONTAINER_READERS: dict[str, Callable[[Report, bytes, Image.Image], None]] = {
    "JPEG": lambda rep, data, im: jpeg_findings(rep, data),
    "WEBP": lambda rep, data, im: webp_findings(rep, data),
    "HEIF": bmff_findings,
    "AVIF": bmff_findings,
    "TIFF": lambda rep, data, im: tiff_findings(rep, im),
}


def inspect_file(path: str | Path) -> MetadataReport:
    """Everything in the file besides the picture that an export removes.

    Raises the same typed errors as :func:`photovet.core.media.imaging.load_image` when the file is
    not a readable image. Never decodes the pixels.
    """
    return inspect_bytes(None, path)


def inspect_bytes(data: bytes | None, path: str | Path) -> MetadataReport:
    """``inspect_file`` on bytes already read (``path`` names them); None reads the file."""
    path = Path(path)
    rep = Report()
    with OpenedImage(path, max_pixels=1 << 62, data=data) as op:
        im = op.im
        fmt = op.format
        report = MetadataReport(format=fmt, extension_mismatch=extension_mismatch(path, im.format or fmt))
        if report.extension_mismatch:
            rep.warnings.append(
                f"the file name says {path.suffix or 'nothing'} but it is really a {fmt} image")
        try:
            data, tail, size = _read_for_metadata(op, data)
        except OSError as exc:
            raise read_error(path, exc) from exc
        if tail is not None:
            rep.warnings.append(
                f"the file is very large ({_size_words(size)}): PhotoVet read its start and its "
                f"last {_TAIL >> 20} MB for hidden data, not all of it (an export keeps only the "
                "picture, whatever else is in the file)")
        try:
            _inspect(rep, im, fmt, data, tail)
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
    return FINDING_CATEGORIES.index(f.category) if f.category in FINDING_CATEGORIES else 99


def _inspect(rep: Report, im: Image.Image, fmt: str, data: bytes,
             tail: bytes | None = None) -> None:
    """``tail``: the file's last bytes when ``data`` is only its start (a very large file)."""
    # EXIF (PNG: from the eXIf chunk we read ourselves, so Pillow never decodes the image)
    exif_obj: Image.Exif | None = None
    if fmt == "PNG":
        raw = png_findings(rep, data)
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
            rep.warnings.append(
                f"the EXIF block is damaged and could not be read in full ({type(exc).__name__})")
            rep.add("other", "EXIF camera data (damaged)", "present", "EXIF", allow_empty=True)
    if exif_obj is not None:
        if fmt != "TIFF":
            exif_findings(rep, exif_obj)
        else:
            exif_findings(rep, exif_obj, "TIFF tags")

    reader = CONTAINER_READERS.get(fmt)
    if fmt == "JPEG" and tail is not None:
        jpeg_findings(rep, data, partial=True)
    elif reader is not None:
        reader(rep, data, im)
    if tail is not None:
        _tail_findings(rep, tail, f"{fmt} trailer")

    if fmt not in ("PNG", "WEBP", "TIFF"):
        xmp = im.info.get("xmp")
        if xmp:
            xmp_findings(rep, xmp if isinstance(xmp, bytes) else str(xmp).encode())
        elif fmt in ("HEIF", "AVIF"):
            # XMP stored as an item the decoder does not attach to the primary picture
            for packet in xmp_packets(data):
                xmp_findings(rep, packet, "XMP (extra item)")
    if fmt in ANIMATED_FORMATS:
        # only the first picture is checked and published (imaging.OpenedImage.decode): the
        # person is told the rest is left out, as a TIFF's other pages and a HEIC's are
        try:
            frames = int(getattr(im, "n_frames", 1))
        except Exception:   # a damaged frame after the first: the count is not known
            frames = 0
        if frames != 1:
            rep.add("embedded", "Other pictures in the same file",
                    (f"{count(frames - 1, 'more frame')} of an animation" if frames > 1
                     else "more frames of an animation, some damaged")
                    + "; only the first picture is checked and published", fmt)
    if fmt == "GIF" and im.info.get("comment"):
        rep.add("text", "Comment", im.info["comment"], "GIF comment")
    icc = im.info.get("icc_profile")
    if icc:
        desc = _icc_description(icc) or "unnamed"
        rep.add("colour", "Colour profile", f"{desc} (colours converted to sRGB)", "ICC",
                {"description": desc})


__all__ = ["CONTAINER_READERS", "GPS_LABEL", "PEOPLE_LABEL", "format_latlon", "inspect_bytes",
           "inspect_file", "jpeg_segments", "parse_iptc", "parse_xmp", "png_chunks", "verify_clean"]
