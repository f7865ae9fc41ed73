"""Loading photos safely: by content, upright, 8-bit sRGB, with a pixel limit checked before decoding.

Everything that can go wrong with a file becomes one of the typed errors in
:mod:`photovet.core.errors`, whose text names the file and the cause. Pillow's own
``UnidentifiedImageError`` and ``DecompressionBombError`` never escape from here.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import os
import re
import stat as _stat
import struct
import warnings
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from photovet.core.errors import (
    LINK_LOOP,
    EmptyFileError,
    FileChangedError,
    FileVanishedError,
    ImageError,
    ImageTooLargeError,
    NotAFileError,
    TruncatedImageError,
    UnreadableFileError,
    UnsupportedImageError,
    not_there,
)
from photovet.core.fsutil import name_order
from photovet.core.media.live_photos import LIVE_CLIP, LIVE_PHOTO_SUFFIXES, live_photo_clip
from photovet.core.words import MAX_PIXELS_COMMAND

try:  # HEIC/HEIF from phones. pillow-heif is a hard dependency, but fail soft if it is missing.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True
except Exception:  # pragma: no cover - only on a broken install
    HEIF_AVAILABLE = False

# Our own guard (``max_pixels``, checked from the header before anything is decoded) replaces
# Pillow's: its warning and its error would name a limit the school never set.
Image.MAX_IMAGE_PIXELS = None
warnings.simplefilter("ignore", Image.DecompressionBombWarning)
ImageFile.LOAD_TRUNCATED_IMAGES = False

DEFAULT_MAX_PIXELS = 100_000_000


def decoders() -> str:
    """The libraries that turn a photo's bytes into the picture analysed and exported, with
    their versions: part of every analysis key (``Engine.cache_key``). An update may turn a
    photo upright otherwise (or read it in other colours); an analysis kept from before it
    placed its covers in the old picture, and a flip or a half turn keeps the size, so only
    the key can tell (s63 cover audit)."""
    return package_versions(("pillow", "pillow-heif"))


@functools.cache
def package_versions(names: tuple[str, ...]) -> str:
    """"pillow 13.0.0, pillow-heif 1.9.0": the installed versions of ``names``."""
    from importlib import metadata  # noqa: PLC0415

    out = []
    for name in names:
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:      # pragma: no cover - a broken install
            out.append(f"{name} ?")
    return ", ".join(out)


# Very large photos are decoded at a reduced scale: libjpeg scales by 1/2, 1/4 or 1/8 while it
# decodes (no full-size copy ever exists), keeping at least this many pixels on the long side.
# Every export is smaller than this, and faces of 10 px at full size stay at 5 px or more. All
# coordinates (analysis, review, covers) are in the decoded picture, the same every time.
DECODE_LONG_EDGE = 6000

# A baseline JPEG holds at least this many bits per pixel: even a perfectly flat picture costs a
# few bits per 8x8 block. Far less means the picture data is missing (a damaged or forged header
# that claims a huge size): decoding would make a grey picture and use gigabytes.
MIN_JPEG_BITS_PER_PIXEL = 0.004

# The largest photo FILE PhotoVet reads into memory, for a pixel limit (performance.max_pixels):
# its bytes are read whole (hashed, inspected and decoded from one read), so a huge file named
# .jpg must be refused from its size and first bytes, before it is read. A picture within the
# limit stored as 8-bit RGB with no compression at all weighs 3 bytes a pixel; every real photo
# format is smaller than that (at 100 megapixels, the default limit: JPEG at the best quality
# about 40-60 MB, HEIC 20-30 MB, an 8-bit PNG at most its raw 300 MB). The margin covers what a
# phone adds beside the picture (previews, a motion photo's few seconds of video). Only 16-bit
# or uncompressed TIFF/PNG masters at the limit weigh more: not a school's photos, and the
# message says to save them as JPEG. Sizes are shown as Windows shows them (1 GB = 1024^3
# bytes): 100 MP -> 302 MB.
PHOTO_FILE_BYTES_PER_PIXEL = 3
PHOTO_FILE_MARGIN_BYTES = 16 * 1024 * 1024


def photo_file_limit(max_pixels: int | None = None) -> int:
    """The largest photo file (bytes) PhotoVet reads, for the pixel limit ``max_pixels``."""
    pixels = DEFAULT_MAX_PIXELS if max_pixels is None else int(max_pixels)
    return pixels * PHOTO_FILE_BYTES_PER_PIXEL + PHOTO_FILE_MARGIN_BYTES


def file_size_text(size: int) -> str:
    """A file size for a person, as Windows shows it: 5.0 GB, 302 MB, 820 KB."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.0f} MB"
    return f"{max(1, round(size / 1024))} KB"


NOT_REGULAR = "this is not a regular file (a device, socket or pipe)"

# Formats PhotoVet accepts (Pillow's names). MPO is a JPEG with extra pictures (MPF).
SUPPORTED_FORMATS = {"JPEG", "MPO", "PNG", "HEIF", "AVIF", "WEBP", "TIFF", "GIF", "BMP"}

FORMAT_EXTENSIONS: dict[str, set[str]] = {
    "JPEG": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "MPO": {".jpg", ".jpeg", ".mpo"},
    "PNG": {".png"},
    "HEIF": {".heic", ".heif", ".hif"},
    "AVIF": {".avif"},
    "WEBP": {".webp"},
    "TIFF": {".tif", ".tiff"},
    "GIF": {".gif"},
    "BMP": {".bmp"},
}
IMAGE_EXTENSIONS = set().union(*FORMAT_EXTENSIONS.values())

_SRGB_PROFILE = None


def _srgb():
    global _SRGB_PROFILE
    if _SRGB_PROFILE is None:
        _SRGB_PROFILE = ImageCms.createProfile("sRGB")
    return _SRGB_PROFILE


@dataclass
class LoadedImage:
    """A decoded photo: RGB, 8-bit, display orientation, sRGB."""

    image: Image.Image
    format: str
    orientation: int = 1                    # the stored EXIF value (invalid values shown as 1)
    warnings: list[str] = field(default_factory=list)
    stored_size: tuple[int, int] = (0, 0)   # width, height as stored (before orientation)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


# --------------------------------------------------------------------------------------------
# Sniffing by content
# --------------------------------------------------------------------------------------------

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
#: the boxes a QuickTime movie without an ftyp box may begin with (FFmpeg's mov probe)
_QUICKTIME_FIRST = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"junk"}
_VIDEO_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"qt  ", b"M4V ", b"3gp4", b"3gp5", b"avc1", b"dash"}


def sniff(head: bytes) -> str | None:
    """The kind of file from its first bytes: an image format name, or a description of
    something that is not a photo ("text", "video", "pdf", ...); None when unknown."""
    if not head:
        return None
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "raw" if head[8:10] == b"CR" else "TIFF"
    if head[:15] == b"FUJIFILMCCD-RAW" or head[:4] in (b"IIRO", b"IIRS") or head[:4] == b"IIU\x00":
        return "raw"
    if head[:2] == b"BM":
        return "BMP"
    if head[4:8] == b"ftyp" and head[8:12] == b"crx ":
        return "raw"
    if head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(len(head), 64), 4)}
        if brands & _AVIF_BRANDS and head[8:12] in _AVIF_BRANDS:
            return "AVIF"
        if brands & _HEIF_BRANDS:
            return "HEIF"
        if brands & _AVIF_BRANDS:
            return "AVIF"
        return "video"
    if head[4:8] in _QUICKTIME_FIRST and int.from_bytes(head[:4], "big") not in range(2, 8):
        # a QuickTime movie needs no ftyp: older cameras and QuickTime itself begin with the
        # index, the data or a padding box (s59 review: such a .mov was checked as a photo,
        # "not an image format PhotoVet can read", though FFmpeg reads it)
        return "video"
    if head[:5] == b"%PDF-":
        return "pdf"
    if head[:9] == b"SIMPLE  =":
        return "fits"
    if head[:4] == b"RIFF" and head[8:12] in (b"WAVE", b"AVI "):
        return "audio" if head[8:12] == b"WAVE" else "video"
    if head[:4] in (b"fLaC", b"OggS") or head[:3] == b"ID3" or head[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return "audio"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head[:4] in (b"\x1aE\xdf\xa3",) or head[:4] == b"RIFF":
        return "video"
    if _looks_like_text(head):
        return "text"
    return None


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    if not sample or b"\x00" in sample.lstrip(b"\xff\xfe\xef\xbb\xbf")[:2048]:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        if exc.start < len(sample) - 4:
            return False
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control <= len(sample) // 100


_NOT_IMAGE_MESSAGES = {
    "text": "not a photo or video: it looks like a text file",
    "video": "not a photo: it looks like a video file",
    "audio": "not a photo: it looks like a sound recording",
    "pdf": "not a photo or video: it is a PDF document",
    "zip": "not a photo or video: it looks like a zip archive or office document",
    "fits": "not a photo: it is a FITS astronomy image",
    "raw": ("a camera RAW file, which PhotoVet does not read: use the JPEG or HEIC the camera "
            "or its software makes"),
}
RAW_EXTENSIONS = {".cr2", ".cr3", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".dng", ".orf", ".rw2",
                  ".raf", ".pef", ".srw", ".x3f", ".3fr", ".erf", ".kdc", ".mrw", ".iiq"}


# --------------------------------------------------------------------------------------------
# Opening
# --------------------------------------------------------------------------------------------

def _check_file(path: Path) -> int:
    """Stat the path: the size in bytes, or a typed error."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise FileVanishedError(not_there(path), path=path) from exc
    except PermissionError as exc:
        raise UnreadableFileError("permission denied: PhotoVet is not allowed to read this file",
                                  path=path) from exc
    except OSError as exc:
        raise read_error(path, exc) from exc
    if _stat.S_ISDIR(st.st_mode):
        raise NotAFileError("this is a folder, not a photo file", path=path)
    if not _stat.S_ISREG(st.st_mode):
        raise NotAFileError(NOT_REGULAR, path=path)
    if st.st_size == 0:
        raise EmptyFileError("the file is empty (0 bytes); it was probably not copied completely",
                             path=path)
    return st.st_size


def open_regular(path: str | Path) -> BinaryIO:
    """Open a file to read, refusing what is not a regular file (NotAFileError) before it can
    block: a named pipe with no writer would wait for ever, and a device never ends. The check
    is on the file opened (fstat), so nothing can be swapped in after it. OSError as ``open``."""
    path = Path(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not _stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFileError(NOT_REGULAR, path=path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_error(path: Path, exc: OSError) -> ImageError:
    if isinstance(exc, FileNotFoundError):
        return FileVanishedError("the file disappeared while PhotoVet was reading it", path=path)
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return UnreadableFileError("permission denied: PhotoVet is not allowed to read this file",
                                   path=path)
    if isinstance(exc, IsADirectoryError):
        return NotAFileError("this is a folder, not a photo file", path=path)
    if exc.errno == errno.ELOOP:   # s65: was "(Too many levels of symbolic links)"
        return NotAFileError(LINK_LOOP, path=path)
    return UnreadableFileError(f"the file could not be read ({exc.strerror or exc})", path=path)


def _too_large(path: Path, exc: Exception | None, limit: int,
               size: tuple[int, int] | None = None) -> ImageTooLargeError:
    if size is not None:
        what = f"{size[0]} x {size[1]} = {size[0] * size[1] / 1e6:.0f} megapixels"
    else:
        m = re.search(r"\((\d+) pixels\)", str(exc))
        what = f"{int(m[1]) / 1e6:.0f} megapixels" if m else "too many pixels"
    return ImageTooLargeError(
        f"the image is too large to open safely ({what}; the limit is {limit / 1e6:.0f} megapixels)",
        path=path,
        hint=MAX_PIXELS_COMMAND)


def _boxes_end_early(fh: BinaryIO) -> bool:
    """An ISO media file (HEIC, AVIF) whose top-level boxes run past the end of the file: a
    copy that was cut short. Reads box headers only; leaves ``fh`` at the start."""
    try:
        size = fh.seek(0, io.SEEK_END)
        pos = 0
        while pos + 8 <= size:
            fh.seek(pos)
            hdr = fh.read(16)
            n, head = int.from_bytes(hdr[:4], "big"), 8
            if n == 1:
                n, head = int.from_bytes(hdr[8:16], "big"), 16
            elif n == 0:
                return False            # the last box runs to the end of the file
            if n < head or pos + n > size:
                return True
            pos += n
        return pos != size              # a few stray bytes: a header cut in two
    finally:
        fh.seek(0)


#: a PNG whose own checksums say it is damaged (a chunk's CRC), whatever Pillow makes of it
PNG_DAMAGED = ("the PNG file is damaged (its own checks do not match what it holds), so part "
               "of the picture may be missing or wrong: copy it again from where it came from")


def _png_checksum_wrong(fh: BinaryIO) -> bool:
    """A PNG with a chunk whose CRC does not match its bytes. Pillow checks the chunks it reads
    before the picture data, never the picture data's (IDAT, an animation's fdAT): 32 bytes
    changed in the middle of a photo's IDAT decoded without a word, black from there down, and
    so did a wrong CRC. A chunk that runs past the end is left to the decoder (it says the file
    ends early). Reads the file once, a chunk at a time; leaves ``fh`` at the start."""
    try:
        fh.seek(8)
        while True:
            head = fh.read(8)
            if len(head) < 8:
                return False
            length = int.from_bytes(head[:4], "big")
            if length > 0x7FFFFFFF:
                return True                       # no valid PNG has such a length
            crc = zlib.crc32(head[4:8])
            left = length
            while left:
                part = fh.read(min(left, 1 << 20))
                if not part:
                    return False
                crc = zlib.crc32(part, crc)
                left -= len(part)
            stored = fh.read(4)
            if len(stored) < 4:
                return False
            if int.from_bytes(stored, "big") != crc:
                return True
            if head[4:8] == b"IEND":
                return False
    finally:
        fh.seek(0)


#: a photo whose picture data stops before the picture does
ENDS_EARLY = "the image data ends early (the file was probably not copied completely)"
#: a JPEG whose picture data libjpeg had to guess at (its own warnings), whatever Pillow makes of it
JPEG_DAMAGED = ("the JPEG file is damaged (part of its picture data is not what a JPEG holds), "
                "so part of the picture may be grey, smeared or wrong: copy it again from where "
                "it came from")
#: what to do when every copy is the same (the camera or phone saved it so)
JPEG_DAMAGED_HINT = ("If every copy says the same, open the photo and look at it: if it looks "
                     "whole, save it again as a JPEG in a photo editor and check that copy.")
#: PhotoVet cannot look for damage in JPEGs: a broken install, every JPEG refused until mended
JPEG_CHECK_MISSING = ("PhotoVet cannot check JPEG photos for damage on this computer (its JPEG "
                      "checker, simplejpeg, is missing)")

# libjpeg's warnings that say the picture data is damaged (jerror.h, JWRN_*): it filled in what
# it could not read (grey, or the last colour smeared on) and went on. "bad ICC marker" is
# about the colour profile only (ignored with a warning when it cannot be used), never refused.
_JPEG_DAMAGE_WORDS = ("corrupt jpeg data", "premature end of jpeg file",
                      "inconsistent progression sequence", "invalid sos parameters")
_JPEG_NOT_DAMAGE = ("bad icc marker",)
#: a JPEG the damage check could not read at all, though the decode may (libjpeg-turbo's
#: simplified API knows fewer layouts than its full one: 4:1:0 or mixed colour sampling)
JPEG_NOT_CHECKED = ("this JPEG is saved in a way PhotoVet's damage check cannot read, so it "
                    "could not be checked for damage")
JPEG_NOT_CHECKED_HINT = "Save it again as a JPEG in a photo editor and check that copy."


class JpegNotChecked(Exception):
    """The damage check could not read the JPEG (libjpeg-turbo's words): not "no damage"."""


def jpeg_damage(data: bytes | memoryview) -> str | None:
    """libjpeg's warning when a JPEG's picture data is damaged, else None.

    Pillow's JPEG decoder keeps libjpeg's warnings to itself: bytes overwritten in the middle
    of the picture data (a failing card, a bad copy) decoded as a picture grey or garbled from
    there on, said by nobody. libjpeg-turbo (simplejpeg's, told to stop at a warning) says
    when it had to guess: "Corrupt JPEG data: 78 extraneous bytes before marker 0xd9",
    "premature end of data segment", "bad Huffman code", "Premature end of JPEG file". It
    decodes at 1/8 scale: every bit of the picture data is still read (the scale only drops
    detail after), 20 ms for a 12 MP baseline photo, 0.1 s for a progressive one.

    What it cannot see: damage that still decodes as valid JPEG data and falls back into step
    before the next marker (a bit flipped, a few bytes changed, sometimes a run of zeros):
    libjpeg decodes a wrong block or a wrong band without any complaint, and nothing short
    of the original can tell. On 89 damaged fixtures Pillow decoded without a word, 59 were
    caught; most of the 30 missed changed little or nothing that can be seen, but not all
    (a 4 KB run of zeros in a baseline photo, a bit flip: a band of wrong colour). libjpeg
    stops at its first warning: one about the headers (an unknown JFIF version, an Adobe
    colour transform it does not know) would end the check before the picture data, so the
    picture data is then checked again without the application blocks. Errors that are not
    warnings are left to the decode that follows, which refuses what it cannot read.

    WebP has no such check: libwebp (Pillow's, OpenCV's) and FFmpeg's decoder decoded every one
    of 35 lossy and lossless WebPs with bytes changed mid-picture without a complaint (its
    picture data has no checksum, and any bits decode as some picture)."""
    import simplejpeg  # noqa: PLC0415 - imported at first use: an install without it refuses JPEGs

    def complaint(jpeg: bytes | memoryview) -> str | None:
        try:
            simplejpeg.decode_jpeg(jpeg, colorspace="GRAY", strict=True,
                                   min_height=1, min_width=1, min_factor=8)
        except ValueError as exc:
            return str(exc)
        return None

    def damage(text: str) -> bool:
        low = text.lower()
        return any(w in low for w in _JPEG_DAMAGE_WORDS) and not any(w in low for w in _JPEG_NOT_DAMAGE)

    text = complaint(data)
    if text and not damage(text):
        # a warning about the headers (an unknown JFIF version, an Adobe colour transform)
        # stops libjpeg before the picture data: check the picture data again without the
        # application blocks, which hold no part of it
        bare = _without_app_blocks(data)
        if bare is None:
            raise JpegNotChecked(text)
        text = complaint(bare)
        if text and not damage(text):
            # still not read through (TurboJPEG: "Could not determine subsampling level"):
            # the picture data was never looked at, which is not "undamaged"
            raise JpegNotChecked(text)
    return text if text and damage(text) else None


def _without_app_blocks(data: bytes | memoryview) -> bytes | None:
    """A JPEG's bytes without its application blocks (APP0-APP15) and comments, the picture
    data untouched; None when its blocks cannot be followed to the picture data."""
    mv = memoryview(data)
    if bytes(mv[:2]) != b"\xff\xd8":
        return None
    out, i = [b"\xff\xd8"], 2
    while i + 4 <= len(mv):
        if mv[i] != 0xFF:
            return None
        marker = mv[i + 1]
        if marker == 0xFF:              # fill byte
            i += 1
            continue
        if marker == 0xDA:              # the picture data from here on
            out.append(bytes(mv[i:]))
            return b"".join(out)
        length = int.from_bytes(mv[i + 2:i + 4], "big")
        if length < 2:
            return None
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            out.append(bytes(mv[i:i + 2 + length]))
        i += 2 + length
    return None


#: a PNG whose text, metadata or colour profile chunks unpack to more than Pillow reads
#: (PngImagePlugin: 1 MB a chunk, 64 MB in all): the picture itself may be whole
PNG_TEXT_TOO_LARGE = ("the PNG holds a block of text, metadata or colour profile too large to "
                      "read safely (over 1 MB once unpacked, or over 64 MB in all), so it "
                      "was not opened; the picture itself may be fine")
PNG_TEXT_TOO_LARGE_HINT = ("Export it again as a JPEG or PNG without its metadata (most photo "
                           "editors offer this) and check that copy.")


def _damaged_or_too_much_text(path: Path, exc: Exception) -> ImageError:
    """The error for a decoder's ValueError and the like: damaged picture data, or (s59
    review) Pillow's refusal of a PNG's oversized text or colour profile chunk, which said
    "the image data is damaged (Decompressed data too large for
    PngImagePlugin.MAX_TEXT_CHUNK)" of a picture nothing was wrong with."""
    text = str(exc)
    if isinstance(exc, ValueError) and ("MAX_TEXT_CHUNK" in text or "MAX_TEXT_MEMORY" in text):
        return UnsupportedImageError(PNG_TEXT_TOO_LARGE, path=path, hint=PNG_TEXT_TOO_LARGE_HINT)
    return TruncatedImageError(f"the image data is damaged ({exc})", path=path)


class OpenedImage:
    """An open file handle plus the Pillow image (header read only, nothing decoded yet)."""

    def __init__(self, path: Path, max_pixels: int | None, data: bytes | None = None):
        self.path = path
        self.limit = DEFAULT_MAX_PIXELS if max_pixels is None else int(max_pixels)
        self.fh: BinaryIO
        if data is not None:  # the bytes were read (and hashed) already: decode exactly those
            if not data:
                raise EmptyFileError("the file is empty (0 bytes); it was probably not copied "
                                     "completely", path=path)
            self.fh = io.BytesIO(data)
        else:
            _check_file(path)
            try:
                self.fh = open_regular(path)
            except OSError as exc:
                raise read_error(path, exc) from exc
        try:
            self.head = self.fh.read(4096)
            self.fh.seek(0)
            self.kind = sniff(self.head)
            if self.kind == "TIFF" and path.suffix.lower() in RAW_EXTENSIONS:
                self.kind = "raw"   # RAW files are TIFF-shaped; Pillow would misread them
            if self.kind in ("raw", "fits", "audio"):
                raise UnsupportedImageError(_NOT_IMAGE_MESSAGES[self.kind], path=path)
            if self.kind in ("HEIF", "AVIF") and _boxes_end_early(self.fh):
                # the HEIF decoder paints what is missing flat green and says nothing
                raise TruncatedImageError(
                    f"the {'HEIC' if self.kind == 'HEIF' else 'AVIF'} file ends early (it was "
                    "probably not copied completely): part of the picture is missing",
                    path=path)
            if self.kind == "PNG" and _png_checksum_wrong(self.fh):
                # Pillow checks the picture data's checksums nowhere: damage inside it decoded
                # as a picture black from there down, said by nobody
                raise TruncatedImageError(PNG_DAMAGED, path=path)
            self.im = self._open_image()
            self.format = "JPEG" if self.im.format == "MPO" else (self.im.format or "")
            if self.im.format not in SUPPORTED_FORMATS:
                raise UnsupportedImageError(
                    f"{self.im.format or 'this'} images are not supported "
                    "(use JPEG, PNG, HEIC, WebP, TIFF or AVIF)", path=path)
            w, h = self.im.size
            limit = self.limit
            if w <= 0 or h <= 0:
                raise TruncatedImageError("the image header is damaged (zero size)", path=path)
            if w * h > limit:
                raise _too_large(path, None, limit, (w, h))
            self._check_jpeg_payload(w, h)
        except BaseException:
            self.close()
            raise

    def _check_jpeg_payload(self, w: int, h: int) -> None:
        """Refuse a baseline JPEG whose data is far too small for the size its header claims."""
        if self.im.format not in ("JPEG", "MPO") or w * h < 4_000_000:
            return
        if getattr(self.im, "layer", None) is None:
            return
        progressive = bool(self.im.info.get("progressive") or self.im.info.get("progression"))
        if progressive:
            return
        here = self.fh.tell()
        size = self.fh.seek(0, io.SEEK_END)
        self.fh.seek(here)
        if size * 8 / (w * h) < MIN_JPEG_BITS_PER_PIXEL:
            raise TruncatedImageError(
                f"the file is far too small for the {w} x {h} picture its header describes "
                f"({size:,} bytes): the picture data is missing or the file is damaged",
                path=self.path)

    def check_jpeg_data(self) -> str | None:
        """Refuse a JPEG whose picture data libjpeg finds damaged (``jpeg_damage``), before
        it is decoded: TruncatedImageError, in words for the school. Other formats: nothing.

        Returns libjpeg-turbo's words when the check could not read the JPEG at all: the
        caller decodes it (a file broken in its headers is refused there, in the decode's
        words) and must refuse it if the decode succeeds (JPEG_NOT_CHECKED), never take it
        as undamaged."""
        if self.im.format not in ("JPEG", "MPO"):
            return None
        here = self.fh.tell()
        try:
            if isinstance(self.fh, io.BytesIO):
                data: bytes | memoryview = self.fh.getbuffer()
            else:
                self.fh.seek(0)
                data = self.fh.read()
        except OSError as exc:
            raise read_error(self.path, exc) from exc
        unchecked = None
        try:
            damage = jpeg_damage(data)
        except JpegNotChecked as exc:
            damage, unchecked = None, str(exc) or "not read"
        except ImportError as exc:
            raise UnsupportedImageError(JPEG_CHECK_MISSING, path=self.path,
                                        hint="Install PhotoVet again.") from exc
        except MemoryError as exc:
            raise ImageTooLargeError("not enough memory to decode this image",
                                     path=self.path) from exc
        finally:
            if isinstance(data, memoryview):
                data.release()      # a BytesIO with a view on it cannot be closed
            self.fh.seek(here)
        if damage and "premature end of jpeg file" in damage.lower():
            # the picture data stops before the picture does: a copy cut short, said so
            raise TruncatedImageError(ENDS_EARLY, path=self.path)
        if damage:
            raise TruncatedImageError(JPEG_DAMAGED, path=self.path, hint=JPEG_DAMAGED_HINT)
        return unchecked

    def _open_image(self) -> Image.Image:
        path = self.path
        try:
            return Image.open(self.fh)
        except Image.DecompressionBombError as exc:
            hard = 2 * (Image.MAX_IMAGE_PIXELS or 0) or self.limit
            raise _too_large(path, exc, min(self.limit, hard)) from exc
        except UnidentifiedImageError as exc:
            if self.kind in _NOT_IMAGE_MESSAGES:
                raise UnsupportedImageError(_NOT_IMAGE_MESSAGES[self.kind], path=path) from exc
            if self.kind in ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"):
                raise TruncatedImageError(
                    f"the {self.kind} data is damaged or ends early (the file may be incompletely copied)",
                    path=path) from exc
            if self.kind in ("HEIF", "AVIF"):
                if not HEIF_AVAILABLE and self.kind == "HEIF":
                    raise UnsupportedImageError("HEIC support (pillow-heif) is not installed",
                                                path=path) from exc
                raise TruncatedImageError(f"the {self.kind} data is damaged or cannot be decoded",
                                          path=path) from exc
            raise UnsupportedImageError("not an image format PhotoVet can read", path=path) from exc
        except OSError as exc:
            if exc.errno is None:  # Pillow's own "Truncated File Read" and the like
                raise TruncatedImageError(
                    "the image data is damaged or ends early (the file may be incompletely copied)",
                    path=path) from exc
            raise read_error(path, exc) from exc
        except (SyntaxError, ValueError, EOFError, struct.error, RuntimeError) as exc:
            raise _damaged_or_too_much_text(path, exc) from exc

    def decode(self) -> Image.Image:
        path = self.path
        try:
            if getattr(self.im, "n_frames", 1) > 1:
                self.im.seek(0)
            self.im.load()
            return self.im
        except Image.DecompressionBombError as exc:
            hard = 2 * (Image.MAX_IMAGE_PIXELS or 0) or self.limit
            raise _too_large(path, exc, min(self.limit, hard)) from exc
        except FileNotFoundError as exc:
            raise read_error(path, exc) from exc
        except PermissionError as exc:
            raise read_error(path, exc) from exc
        except MemoryError as exc:
            raise ImageTooLargeError("not enough memory to decode this image", path=path) from exc
        except OSError as exc:
            text = str(exc)
            if "truncated" in text or "ended prematurely" in text:
                raise TruncatedImageError(ENDS_EARLY, path=path) from exc
            if "broken data stream" in text:
                # a whole file damaged part of the way through (a bad copy, a failing card):
                # "ends early" named the wrong cause
                raise TruncatedImageError(
                    "the picture data is damaged part of the way through (a bad copy or a "
                    "failing memory card): copy it again from where it came from",
                    path=path) from exc
            if exc.errno is not None:
                raise read_error(path, exc) from exc
            raise TruncatedImageError(f"the image data is damaged ({text})", path=path) from exc
        except (SyntaxError, ValueError, EOFError, IndexError, struct.error, RuntimeError) as exc:
            raise _damaged_or_too_much_text(path, exc) from exc

    def close(self) -> None:
        try:
            im = getattr(self, "im", None)
            if im is not None:
                im.close()
        finally:
            self.fh.close()

    def __enter__(self) -> OpenedImage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
# Orientation and colour
# --------------------------------------------------------------------------------------------

_TRANSPOSE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}


def read_orientation(im: Image.Image) -> tuple[int, list[str]]:
    """(orientation to apply 1..8, warnings). HEIF images come back already rotated by the
    decoder, so for them the stored value is reported elsewhere and 1 is returned here."""
    if im.format in ("HEIF",):
        return 1, []
    warns: list[str] = []
    try:
        value = im.getexif().get(0x0112)
    except Exception as exc:  # damaged EXIF must not stop the photo
        return 1, [f"the EXIF block is damaged and was ignored ({type(exc).__name__})"]
    if value is None:
        return 1, []
    try:
        value = int(value if not isinstance(value, (tuple, list)) else value[0])
    except (TypeError, ValueError):
        return 1, [f"invalid orientation value {value!r} treated as normal (1)"]
    if value not in range(1, 9):
        warns.append(f"invalid orientation value {value} treated as normal (1)")
        return 1, warns
    return value, warns


def stored_orientation(im: Image.Image) -> int:
    """The orientation value as stored in the file (HEIF: the value before the decoder rotated)."""
    if im.format == "HEIF":
        value = im.info.get("original_orientation") or 1
        return value if value in range(1, 9) else 1
    return read_orientation(im)[0]


def _decoder_applied(im: Image.Image, orientation: int) -> bool:
    """True when the decoder itself already turned the picture upright (Pillow does this for
    TIFF in ``load_end`` and removes the tag; pillow-heif does it for HEIF): never rotate twice."""
    if orientation == 1:
        return False
    if im.format in ("TIFF", "HEIF"):
        return True
    try:
        return im.getexif().get(0x0112) in (None, 1)
    except Exception:
        return False


def apply_orientation(image: Image.Image, orientation: int) -> Image.Image:
    for op in _TRANSPOSE.get(orientation, []):
        image = image.transpose(op)
    return image


def _to_8bit(im: Image.Image) -> Image.Image:
    """I;16 / I / F greyscale to 8-bit L without clipping the top of the range."""
    arr = np.asarray(im)
    out: np.ndarray
    if im.mode.startswith("I;16"):
        out = (arr.astype(np.uint32) + 128) // 257
    elif im.mode == "F":
        a = arr.astype(np.float64)
        scale = 255.0 if np.nanmax(a) <= 1.0 else 1.0
        out = np.clip(np.nan_to_num(a) * scale, 0, 255)
    else:  # "I": 32-bit int; PNG/TIFF 16-bit data lands here as 0..65535
        a = arr.astype(np.int64)
        out = (a + 128) // 257 if a.max(initial=0) > 255 else a
        out = np.clip(out, 0, 255)
    return Image.fromarray(out.astype(np.uint8), "L")


def to_srgb(im: Image.Image, icc: bytes | None, warns: list[str]) -> Image.Image:
    """Any mode to 8-bit RGB in sRGB; alpha composited on white."""
    mode = im.mode
    alpha = None
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        im = _to_8bit(im)
    elif mode == "1":
        im = im.convert("L")
    elif mode in ("P", "PA"):
        im = im.convert("RGBA") if (mode == "PA" or "transparency" in im.info) else im.convert("RGB")
    elif mode in ("LA", "La"):
        im = im.convert("LA")
    elif mode in ("RGBa",):
        im = im.convert("RGBA")
    elif mode == "LAB":
        im = _lab_to_rgb(im)
        icc = None
    mode = im.mode
    if mode in ("RGBA", "LA"):
        alpha = im.getchannel("A")
        im = im.convert("RGB" if mode == "RGBA" else "L")
    if mode in ("YCbCr", "HSV"):
        im = im.convert("RGB")
    if im.mode not in ("RGB", "L", "CMYK"):
        im = im.convert("RGB")

    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            desc = (ImageCms.getProfileDescription(src) or "").strip()
            if im.mode != "RGB" or "srgb" not in desc.lower().replace(" ", ""):
                # (an RGB photo already in sRGB: nothing to do)
                im = _profile_to_profile(im, src, _srgb(),
                                         renderingIntent=ImageCms.Intent.PERCEPTUAL)
        except Exception as exc:  # a broken or mismatched profile: plain conversion
            warns.append(f"the colour profile could not be used and was ignored ({type(exc).__name__})")
    if im.mode != "RGB":   # an RGB image's convert("RGB") is only a copy (load_image: none)
        im = im.convert("RGB")
    if alpha is not None and alpha.getextrema() != (255, 255):
        white = Image.new("RGB", im.size, (255, 255, 255))
        im = Image.composite(im, white, alpha)
    return im


def _lab_to_rgb(im: Image.Image) -> Image.Image:
    lab = ImageCms.createProfile("LAB")
    return _profile_to_profile(im, lab, _srgb())


def _profile_to_profile(im: Image.Image, src: Any, dst: Any, **options: Any) -> Image.Image:
    """``ImageCms.profileToProfile`` to RGB, as a new image (never in place)."""
    out = ImageCms.profileToProfile(im, src, dst, outputMode="RGB", **options)
    if out is None:     # only returned for inPlace=True, never asked for here
        raise ImageCms.PyCMSError("the colour conversion returned no picture")
    return out


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def load_image(path: str | Path, *, max_pixels: int | None = None,
               data: bytes | None = None) -> LoadedImage:
    """Open a photo by its content and return it upright, RGB, 8-bit, sRGB. With ``data``, the
    file's bytes already read (``path`` then only names it in messages).

    Raises a typed :class:`~photovet.core.errors.ImageError` for every kind of bad file.
    """
    path = Path(path)
    if data is None:
        # read once: the damage check and the decode see the same bytes (read twice through
        # the file, it could change between the check and the decode: enrolment's portraits)
        data = read_file(path, max_pixels=max_pixels)
    with OpenedImage(path, max_pixels, data) as op:
        im = op.im
        stored = tuple(getattr(im, "_tile_size", None) or im.size) if im.format == "TIFF" else im.size
        fmt = op.format
        orientation, warns = read_orientation(im)
        stored_value = stored_orientation(im)
        icc = im.info.get("icc_profile")
        unchecked = op.check_jpeg_data()   # Pillow's decode would fill damage in grey, unsaid
        if im.format in ("JPEG", "MPO") and max(im.size) >= 2 * DECODE_LONG_EDGE:
            k = DECODE_LONG_EDGE / max(im.size)   # draft keeps at least this size on both sides
            im.draft(im.mode if im.mode in ("RGB", "L", "CMYK") else "RGB",
                     (max(1, int(im.size[0] * k)), max(1, int(im.size[1] * k))))
        decoded = op.decode()
        if unchecked:   # decoded, but never checked for damage: refused, not passed
            raise UnsupportedImageError(JPEG_NOT_CHECKED, path=path, hint=JPEG_NOT_CHECKED_HINT)
        if _decoder_applied(im, orientation):
            orientation = 1
        try:
            image = to_srgb(decoded, icc, warns)
            image = apply_orientation(image, orientation)
            if image is decoded:  # keep nothing tied to the file about to be closed
                image = _detached(decoded)
        except MemoryError as exc:
            raise ImageTooLargeError("not enough memory to convert this image", path=path) from exc
        except ImageError:
            raise
        except Exception as exc:
            raise UnsupportedImageError(
                f"the image could not be converted ({type(exc).__name__}: {exc})", path=path) from exc
    image.info = {}
    return LoadedImage(image=image, format=fmt, orientation=stored_value, warnings=warns,
                       stored_size=stored)


def _detached(decoded: Image.Image) -> Image.Image:
    """The decoded pixels under an image of their own, which closing the file's image leaves
    alone (``close`` drops that image's hold on its pixels, not the pixels): no copy. A 12 MP
    photo's decode held 92 MB at its peak with a copy, 46 MB without; with two photos checked at
    once, one decoding while the other was at its own peak, that was 46 MB more at the peak.
    Pixels that are the file's own memory (memory-mapped, read-only) are copied, as before."""
    if getattr(decoded, "map", None) is not None or decoded.readonly:
        return decoded.copy()
    try:
        return decoded._new(decoded.im)   # Image.copy() is _new(im.copy()): the same, uncopied
    except (AttributeError, TypeError):
        # a Pillow whose private _new changed: a copy (46 MB more at a 12 MP photo's decode),
        # never every photo refused as "could not be converted"
        return decoded.copy()


def thumbnail(path: str | Path, size: int = 256, *, max_pixels: int | None = None,
              sha256: str | None = None) -> Image.Image:
    """A small upright RGB preview, fast: JPEGs are decoded at reduced scale (draft mode).

    ``sha256``: the content PhotoVet checked. The preview is then decoded from bytes read once
    and hashed, and a file that is no longer those bytes raises ``FileChangedError``: what a
    preparer reviews and an approver signs is shown from the checked content, never from
    whatever the file holds now (export refuses a changed file the same way)."""
    path = Path(path)
    data = None
    if sha256:
        data = read_file(path, max_pixels=max_pixels)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise FileChangedError.since_checked(path)
    return _thumbnail(path, size, max_pixels, data)


def hashed_thumbnail(path: str | Path, size: int = 256, *, max_pixels: int | None = None
                     ) -> tuple[Image.Image, str]:
    """``thumbnail`` decoded from the file's bytes read once, and those bytes' sha256: a
    picture shown before the file is checked can be compared with the check afterwards
    without reading the file again (the batch's tiles)."""
    path = Path(path)
    data = read_file(path, max_pixels=max_pixels)
    return _thumbnail(path, size, max_pixels, data), hashlib.sha256(data).hexdigest()


def _thumbnail(path: Path, size: int, max_pixels: int | None, data: bytes | None
               ) -> Image.Image:
    with OpenedImage(path, max_pixels, data) as op:
        im = op.im
        orientation, warns = read_orientation(im)
        icc = im.info.get("icc_profile")
        if im.format in ("JPEG", "MPO"):
            # draft works in stored orientation; ask for enough pixels on both sides
            im.draft("RGB", (size, size))
        decoded = op.decode()
        if _decoder_applied(im, orientation):
            orientation = 1
        small = decoded.copy()
    if max(small.size) > size * 2:
        small.thumbnail((size * 2, size * 2), Image.Resampling.BILINEAR, reducing_gap=2.0)
    small = to_srgb(small, icc, warns)
    small = apply_orientation(small, orientation)
    small.thumbnail((size, size), Image.Resampling.LANCZOS)
    small.info = {}
    return small


def read_file(path: str | Path, *, max_pixels: int | None = None) -> bytes:
    """The file's bytes (typed errors when it cannot be read). A file larger than any photo
    within the pixel limit could be (``photo_file_limit``) is refused from its size and first
    bytes, without reading it into memory."""
    path = Path(path)
    size = _check_file(path)
    try:
        with open_regular(path) as fh:
            pixels = DEFAULT_MAX_PIXELS if max_pixels is None else int(max_pixels)
            limit = photo_file_limit(pixels)
            if size > limit:
                kind = sniff(fh.read(4096))
                if kind not in SUPPORTED_FORMATS:
                    raise UnsupportedImageError(
                        f"this {file_size_text(size)} file is not a photo PhotoVet can read",
                        path=path)
                raise ImageTooLargeError(
                    f"the file is too large to open safely ({file_size_text(size)}; a photo "
                    f"within this PC's limit of {pixels / 1e6:.0f} megapixels is at most "
                    f"{file_size_text(limit)})",
                    path=path, hint="Save it as a JPEG in a photo editor, or check that it is "
                                    "the right file.")
            return fh.read()
    except OSError as exc:
        raise read_error(path, exc) from exc


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of the file's bytes (typed errors when it cannot be read)."""
    path = Path(path)
    _check_file(path)
    h = hashlib.sha256()
    try:
        with open_regular(path) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise read_error(path, exc) from exc
    return h.hexdigest()


def extension_mismatch(path: str | Path, fmt: str) -> bool:
    ext = Path(path).suffix.lower()
    known = FORMAT_EXTENSIONS.get(fmt)
    if not known:
        return False
    return ext not in known


def _is_hidden(p: Path) -> bool:
    return p.name.startswith(".") or p.name in ("Thumbs.db", "desktop.ini")


VIDEO_EXTENSIONS = {".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".webm", ".mkv"}


def _classify_in_folder(p: Path, videos: bool = False) -> str | None:
    """None when the file should be processed; otherwise why it is skipped."""
    if p.suffix.lower() in IMAGE_EXTENSIONS:
        return None  # named like a photo: load reports any problem with it
    if videos and p.suffix.lower() in VIDEO_EXTENSIONS:
        return None  # named like a video: reading it reports any problem with it
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None  # let load report the real cause
    if not head:
        return "not a photo (empty file)"
    kind = sniff(head)
    if kind in SUPPORTED_FORMATS:
        return None  # a photo with an odd or missing extension
    if videos and kind == "video":
        return None
    if kind in _NOT_IMAGE_MESSAGES:
        return _NOT_IMAGE_MESSAGES[kind].replace("not an image: it", "not a photo: it")
    return "not a photo (not an image format PhotoVet reads)"


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError:   # permission denied on a parent, a loop...: load says what is wrong
        return False


#: how ``collect_photos`` starts the reason for a folder it could not read (its photos are
#: missing from the list: a device import reports it as a failure, never as "left alone")
UNREADABLE_FOLDER = "this folder could not be read"


def unreadable_folder_why(err: OSError) -> str:
    """Why a folder could not be read, said after ``UNREADABLE_FOLDER`` (up to the reason's
    first ';'): in words for a folder this account may not open (s65: the system's
    "(Permission denied)"), else the system's words in brackets."""
    if isinstance(err, PermissionError) or err.errno in (errno.EACCES, errno.EPERM):
        return ": PhotoVet is not allowed to open it (permission denied)"
    return f" ({err.strerror or err})"


#: what to do about a folder of photos PhotoVet may not open (said after its reason)
UNREADABLE_FOLDER_TODO = ("Ask IT to give your account access to it, or copy its photos into "
                          "a folder of your own and check that folder.")
#: a symbolic link in a folder whose file is gone (moved, deleted, on a card no longer inserted)
BROKEN_LINK = "a shortcut (link) to a file that is not there"


def _not_regular(f: Path) -> str:
    """Why a folder's entry that is not a regular file was left out, in a school's words."""
    try:
        if f.is_symlink():
            try:
                os.stat(f)
            except OSError as exc:
                if exc.errno == errno.ELOOP:   # s65: was "to a file that is not there: itself"
                    return LINK_LOOP
            return f"{BROKEN_LINK}: {os.readlink(f)}"
    except OSError:
        pass
    return "not a regular file (a device, socket or pipe)"


def _exported_copy(f: Path, exported: Mapping[str, str] | None) -> str | None:
    """Why ``f`` is left out when PhotoVet exported it (its batch), else None."""
    if not exported:
        return None
    batch = exported.get(os.path.normcase(os.path.abspath(f)))
    if batch is None:
        try:
            batch = exported.get(os.path.normcase(os.path.realpath(f)))
        except (OSError, RuntimeError, ValueError):
            batch = None
    if batch is None:
        return None
    return (f"{EXPORTED_COPY} (batch '{batch}'), not an original; "
            "left out so it is not checked or exported again")


def collect_media(paths: Iterable[str | Path], *, exported: Mapping[str, str] | None = None,
                  live_clips: bool = True) -> tuple[list[Path], list[tuple[Path, str]]]:
    """``collect_photos``, keeping videos too (MP4, MOV, M4V, 3GP, WebM: by content or name).
    ``live_clips=False``: a Live Photo's clip found in a folder beside its photo is left out
    (``LIVE_CLIP``), as a batch to check wants (a device's import copies every file)."""
    return collect_photos(paths, videos=True, exported=exported, live_clips=live_clips)


#: how ``collect_photos`` says a file found in a folder is one of PhotoVet's own exports
EXPORTED_COPY = "a copy PhotoVet exported"
def _live_clip_of(f: Path, photo_stems: dict[str, str]) -> str | None:
    """Why ``f`` is left out of a batch when it is a Live Photo's clip whose photo is in the
    same folder (``photo_stems``: each photo's name without its extension, in lower case ->
    its name), else None."""
    photo = photo_stems.get(f.stem.casefold())
    if photo is None or f.suffix.lower() != ".mov" or not live_photo_clip(f):
        return None
    return (f"{LIVE_CLIP} ({photo} is its photo): left out, as the clip is not what the "
            "photo shows; add it on its own to check it as a video")


def collect_photos(paths: Iterable[str | Path], *, videos: bool = False,
                   exported: Mapping[str, str] | None = None, live_clips: bool = True
                   ) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand folders (recursively, sorted, hidden files skipped).

    Returns (files to process, [(file or folder, why it was skipped)]). Files named explicitly
    are always returned (loading reports what is wrong with them: missing, unreadable, a link
    loop...). Inside folders, files that are clearly not photos by their content (text, video,
    documents) are skipped with a reason, and so are folders that cannot be read. With
    ``exported`` (Records.exported_paths: path -> batch), files found in folders that PhotoVet
    exported are skipped too: safe copies in a subfolder of the originals are not originals.
    With ``videos`` and ``live_clips=False``, the clip of an iPhone Live Photo found in a folder
    beside its photo is skipped too (``live_photo_clip``; s52: a trip copied from a phone
    brought a 2-second clip with sound for each photo, each checked and approved as a video).
    """
    photos: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            photos.append(p)

    def unreadable(err: OSError) -> None:
        where = Path(err.filename) if err.filename else Path("?")
        denied = isinstance(err, PermissionError) or err.errno in (errno.EACCES, errno.EPERM)
        skipped.append((where, f"{UNREADABLE_FOLDER}{unreadable_folder_why(err)}; its photos "
                               "were not checked"
                               + (f". {UNREADABLE_FOLDER_TODO}" if denied else "")))

    for raw in paths:
        p = Path(raw)
        if _is_dir(p):
            for root, dirs, files in os.walk(p, onerror=unreadable):
                # listed as a file manager lists them (IMG_9 before IMG_10): the batch's
                # order, and the numbers of its exported copies
                dirs[:] = sorted((d for d in dirs if not d.startswith(".")), key=name_order)
                stems = {} if live_clips or not videos else {
                    os.path.splitext(n)[0].casefold(): n for n in files
                    if os.path.splitext(n)[1].lower() in LIVE_PHOTO_SUFFIXES}
                for name in sorted(files, key=name_order):
                    f = Path(root) / name
                    if _is_hidden(f):
                        continue
                    try:
                        regular = f.is_file()
                    except OSError:
                        regular = True   # let load report the real cause
                    if not regular:
                        skipped.append((f, _not_regular(f)))
                        continue
                    reason = _classify_in_folder(f, videos) or _exported_copy(f, exported) \
                        or (_live_clip_of(f, stems) if stems else None)
                    if reason:
                        skipped.append((f, reason))
                    else:
                        add(f)
        else:
            add(p)
    return photos, skipped


def folders_without_media(paths: Iterable[str | Path], found: Iterable[Path],
                          skipped: Iterable[tuple[Path, str]]) -> list[Path]:
    """The folders among ``paths`` from which ``collect_photos`` brought nothing: no photo or
    video (``found``) and nothing left out with a reason (``skipped``): empty, or only hidden
    files. Said, not silently passed over (s58: ``photovet scan EMPTY_FOLDER photo.jpg``
    printed the photo's lines and not a word of the folder; the folder alone was an error)."""
    heard: list[str] = [os.path.normcase(os.path.abspath(f)) for f in found]
    heard += [os.path.normcase(os.path.abspath(f)) for f, _why in skipped]
    empty: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not _is_dir(p):
            continue
        folder = os.path.normcase(os.path.abspath(p))
        inside = os.path.join(folder, "")
        if not any(h == folder or h.startswith(inside) for h in heard):
            empty.append(p)
    return empty
