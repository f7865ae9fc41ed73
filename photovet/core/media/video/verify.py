"""Reading a video export back (PyAV and our own MP4 box walk; no external tool): frame count,
duration, streams, and no metadata at all.

The box walk is an allow-list: anything PhotoVet's own muxing does not produce (``udta``,
``meta``, ``keys``, ``ilst``, ``©xyz``, ``loci``, ``uuid``/XMP, chapter tracks...) is a problem,
wherever it sits. Handler names must be blank, creation and modification times zero, every
track's matrix the identity (no rotation metadata), the index before the data (fast start),
and no encoder identification anywhere (``Lavf``/``Lavc`` in the index, x264's options in the
picture data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from photovet.core.media.video.boxes import boxes, top_boxes
from photovet.core.media.video.reader import import_av

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"edts"}
_ALLOWED = _CONTAINERS | {
    b"ftyp", b"free", b"mdat", b"mvhd", b"tkhd", b"elst", b"mdhd", b"hdlr", b"vmhd", b"smhd",
    b"dref", b"stsd", b"stts", b"stss", b"ctts", b"stsc", b"stsz", b"stco", b"co64", b"sgpd",
    b"sbgp", b"cslg", b"sdtp",
}
CONTAINER_TAGS = {"major_brand", "minor_version", "compatible_brands"}
STREAM_TAGS = {"language": {"und"}, "handler_name": {" ", ""}, "vendor_id": {"[0][0][0][0]"}}
_IDENTITY = ((0x00010000).to_bytes(4, "big") + bytes(12) + (0x00010000).to_bytes(4, "big")
             + bytes(12) + (0x40000000).to_bytes(4, "big"))


@dataclass
class ReadBack:
    """What the check read, and every problem it found (empty: the export is clean)."""

    problems: list[str] = field(default_factory=list)
    frames: int = 0
    duration: float = 0.0
    audio_duration: float = 0.0
    width: int = 0
    height: int = 0


def _scan(fh, start: int, end: int, needle: bytes, chunk: int = 1 << 22) -> bool:
    keep = len(needle) - 1
    tail = b""
    pos = start
    while pos < end:
        fh.seek(pos)
        buf = tail + fh.read(min(chunk, end - pos))
        if needle in buf:
            return True
        tail = buf[-keep:]
        pos += chunk
    return False


#: what no free box of PhotoVet's export holds: location, keys, XMP (``_free_holds_items``)
_FREE_MARKERS = (b"\xa9xyz", b"loci", b"keys", b"<x:xmpmeta", b"XMP_", b"\xa9nam",
                 b"\xa9day", b"\xa9mak", b"\xa9mod", b"\xa9cmt")


def _free_holds_items(body: bytes) -> bool:
    """Does a ``free`` box's payload still hold metadata? The muxer's ``udta`` is renamed
    ``free`` (render.py) and holds an empty ``meta``/``hdlr``/``ilst``: an ``ilst`` with
    anything in it, or a tag or XMP marker anywhere, is metadata left (fail closed: read
    as a problem, s62 metadata audit: only "Lavf"/"Lavc" were looked for there). Pure."""
    if not body.strip(b"\x00"):
        return False
    if any(m in body for m in _FREE_MARKERS):
        return True
    at = body.find(b"ilst")
    while at != -1:
        size = int.from_bytes(body[at - 4:at], "big") if at >= 4 else 0
        if size != 8:       # an empty list is 8 bytes; anything else holds items (or is odd)
            return True
        at = body.find(b"ilst", at + 4)
    return False


def _walk(data: bytes, start: int, end: int, path: str, problems: list[str]) -> None:
    for typ, off, hdr, size in boxes(data, start, end):
        name = typ.decode("latin-1")
        here = f"{path}/{name}"
        if typ not in _ALLOWED:
            problems.append(f"unexpected box {here}")
            continue
        if typ in _CONTAINERS:
            _walk(data, off + hdr, off + size, here, problems)
        elif typ == b"hdlr":
            body = data[off + hdr:off + size]
            htype = body[8:12]
            label = body[24:].rstrip(b"\x00").strip()
            if htype not in (b"vide", b"soun"):
                problems.append(f"{here}: handler type {htype!r}")
            if label:
                problems.append(f"{here}: handler name {label!r}")
        elif typ == b"free" and _free_holds_items(data[off + hdr:off + size]):
            problems.append(f"{here}: metadata left in it")
        elif typ in (b"mvhd", b"tkhd", b"mdhd"):
            body = data[off + hdr:off + size]
            ver = body[0]
            ctime = int.from_bytes(body[4:12] if ver == 1 else body[4:8], "big")
            mtime = int.from_bytes(body[12:20] if ver == 1 else body[8:12], "big")
            if ctime or mtime:
                problems.append(f"{here}: a creation or modification time is set")
            if typ == b"tkhd":
                m = body[40:76] if ver == 0 else body[52:88]
                if bytes(m) != _IDENTITY:
                    problems.append(f"{here}: the display matrix is not the identity (rotation)")


def read_back(path: str | Path, *, expected_frames: int, sound: bool,
              expected_size: tuple[int, int] | None = None,
              expected_duration: float | None = None, tolerance: float = 0.1) -> ReadBack:
    """Check a written export (module notes). Never raises for a problem in the file: every
    problem is listed in ``problems``."""
    out = ReadBack()
    problems = out.problems
    p = Path(path)
    size = p.stat().st_size
    with open(p, "rb") as fh:
        try:
            tops = list(top_boxes(fh, size))
        except ValueError as exc:
            problems.append(f"broken MP4 structure ({exc})")
            return out
        types = [t for t, *_ in tops]
        if types.count(b"moov") != 1 or b"mdat" not in types:
            problems.append("not a complete MP4 (top-level boxes "
                            + ", ".join(t.decode("latin-1") for t in types) + ")")
            return out
        if types.index(b"moov") > types.index(b"mdat"):
            problems.append("the index is after the data (not fast-start)")
        for typ, pos, _h, n in tops:
            if typ not in (b"ftyp", b"free", b"moov", b"mdat"):
                problems.append(f"unexpected box /{typ.decode('latin-1')}")
            elif typ == b"free":
                fh.seek(pos)
                if _free_holds_items(fh.read(min(n, 1 << 20))):
                    problems.append("/free: metadata left in it")
            elif typ == b"moov":
                fh.seek(pos)
                moov = fh.read(n)
                try:
                    _walk(moov, 0, n, "", problems)
                except ValueError as exc:
                    problems.append(f"broken index ({exc})")
                if b"Lavf" in moov or b"Lavc" in moov:
                    problems.append("encoder identification left in the index")
            elif typ == b"mdat" and _scan(fh, pos, pos + n, b"x264 - core"):
                problems.append("encoder identification left in the picture data")
    av = import_av()
    try:
        with av.open(str(p)) as c:
            extra = sorted(k for k in c.metadata if k not in CONTAINER_TAGS)
            if extra:
                problems.append(f"container tags left: {', '.join(extra)}")
            if c.chapters():
                problems.append("chapters left")
            kinds = sorted(s.type for s in c.streams)
            want = sorted(["video"] + (["audio"] if sound else []))
            if kinds != want:
                problems.append(f"streams {kinds}, expected {want}")
            for s in c.streams:
                for k, v in s.metadata.items():
                    if k not in STREAM_TAGS or v not in STREAM_TAGS[k]:
                        problems.append(f"stream {s.index} tag {k}")
            if not c.streams.video:
                return out
            v = c.streams.video[0]
            out.width, out.height = v.codec_context.width, v.codec_context.height
            codec = v.codec_context.name
            if codec != "h264":
                problems.append(f"the picture is {codec}, not H.264")
            if sound and c.streams.audio and c.streams.audio[0].codec_context.name != "aac":
                problems.append("the sound is not AAC")
            n = 0
            for pkt in c.demux(v):
                if pkt.size:
                    n += 1
            out.frames = n
            out.duration = float(v.duration * v.time_base) if v.duration else 0.0
            if sound and c.streams.audio:
                a = c.streams.audio[0]
                out.audio_duration = float(a.duration * a.time_base) if a.duration else 0.0
    except av.error.FFmpegError as exc:
        problems.append(f"it could not be read back ({exc.strerror or type(exc).__name__})")
        return out
    if out.frames != expected_frames:
        problems.append(f"{out.frames} frames in the export, {expected_frames} expected")
    if expected_size is not None and (out.width, out.height) != tuple(expected_size):
        problems.append(f"it is {out.width} x {out.height} instead of "
                        f"{expected_size[0]} x {expected_size[1]}")
    if expected_duration and abs(out.duration - expected_duration) > \
            tolerance * max(1.0, expected_duration):
        problems.append(f"it lasts {out.duration:.2f} s instead of {expected_duration:.2f} s")
    if sound and expected_duration and out.audio_duration and \
            abs(out.audio_duration - out.duration) > max(0.25, 0.02 * out.duration):
        problems.append(f"the sound lasts {out.audio_duration:.2f} s but the picture "
                        f"{out.duration:.2f} s (out of sync)")
    return out


__all__ = ["CONTAINER_TAGS", "ReadBack", "STREAM_TAGS", "read_back"]
