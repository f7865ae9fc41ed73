"""Reading a video export back (PyAV and our own MP4 box walk; no external tool): frame count,
duration, streams, and no metadata at all.

The box walk is an allow-list: anything PhotoVet's own muxing does not produce (``udta``,
``meta``, ``keys``, ``ilst``, ``©xyz``, ``loci``, ``uuid``/XMP, chapter tracks...) is a problem,
wherever it sits. Handler names must be blank, creation and modification times zero, every
track's matrix the identity (no rotation metadata), the index before the data (fast start),
and no encoder identification anywhere (``Lavf``/``Lavc`` in the index, x264's options in the
picture data).

Given the cover plan, ``read_back`` also decodes the written picture and looks under every
cover of every frame: it must be the cover's solid grey (s63 audit: nothing looked at the
covers, and a frame a renderer bug left uncovered was published). The file is demuxed and
decoded once for all of it: the frames counted, the sound listened to and the covers looked at
in one pass (s65: it was opened and decoded three times).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from photovet.core.errors import VideoError
from photovet.core.media.video.boxes import boxes, top_boxes
from photovet.core.media.video.reader import VIDEO_GATE, import_av
from photovet.core.media.video.render import FILL_YUV
from photovet.core.models import Cover
from photovet.core.vision.cv import import_cv2

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


#: a muted export's loudest sample, of full scale (AAC's silence decodes to zeros)
SILENCE = 1e-3


def _full_scale(dtype: np.dtype) -> float:
    """Full scale of a decoded sample format (float formats: 1.0)."""
    return float(np.iinfo(dtype).max) if np.issubdtype(dtype, np.integer) else 1.0


def _loudness(frame: Any) -> float:
    """The loudest sample of one decoded sound frame, of full scale (0 when empty)."""
    arr = frame.to_ndarray()
    if not arr.size:
        return 0.0
    return float(np.abs(arr.astype(np.float64)).max() / _full_scale(arr.dtype))


def _decode(stream: Any, packet: Any) -> list[Any]:
    """The frames ``stream``'s decoder gives for ``packet`` (an empty packet: the rest, at the
    end). One place, so a test can make a frame fail to decode."""
    return stream.decode(packet)


def read_back(path: str | Path, *, expected_frames: int, sound: bool,
              expected_size: tuple[int, int] | None = None,
              expected_duration: float | None = None, tolerance: float = 0.1,
              silent: bool = False, plan: Any = None,
              analysed_size: tuple[int, int] | None = None, threads: int = 2,
              stop: threading.Event | None = None) -> ReadBack:
    """Check a written export (module notes). Never raises for a problem in the file: every
    problem is listed in ``problems``. ``silent``: the sound (``sound``) was muted, and every
    sample of it decoded must be silence (s63 audit: nothing listened).

    ``plan`` (covers.CoverPlan: ``at(frame)``, analysed pixels of a picture of
    ``analysed_size``): every cover of every frame is looked at too (``_Covers``), in the same
    pass, decoding with ``threads``; only a file with no other problem has its covers said (as
    before s65, when they were looked at only then). Every written frame must decode: one that
    does not, or fewer frames decoded than written, is a problem. Raises ``VideoError`` when
    ``stop`` is set."""
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
    if plan is not None and analysed_size is None:
        raise ValueError("read_back: the covers' plan needs the analysed picture's size")
    av = import_av()
    covers = _Covers(plan, analysed_size) if plan is not None and analysed_size else None
    try:
        with VIDEO_GATE, av.open(str(p)) as c:
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
            a = c.streams.audio[0] if sound and c.streams.audio else None
            if a is not None and a.codec_context.name != "aac":
                problems.append("the sound is not AAC")
            if problems:
                covers = None       # refused already: its covers are not said (nor decoded)
            if covers is not None:
                v.codec_context.thread_count = max(1, threads)
                v.thread_type = "AUTO" if threads > 1 else "SLICE"
            listen = a if silent else None
            loudest = 0.0
            n = 0
            # one pass: the picture's packets counted (and decoded, its covers looked at), the
            # sound's decoded when it must be silent; an empty packet at the end flushes each
            for pkt in c.demux(*([v] if listen is None else [v, listen])):
                if stop is not None and stop.is_set():
                    raise VideoError("the export was stopped", path=p)
                if pkt.stream is v:
                    if pkt.size:
                        n += 1
                    if covers is not None and covers.failed is None:
                        try:
                            for f in _decode(v, pkt):
                                covers.frame(f)
                        except av.error.FFmpegError as exc:
                            # fail closed: not every frame looked at; the rest still counted
                            covers.failed = exc.strerror or type(exc).__name__
                elif listen is not None:
                    for af in _decode(listen, pkt):
                        loudest = max(loudest, _loudness(af))
            out.frames = n
            out.duration = float(v.duration * v.time_base) if v.duration else 0.0
            if a is not None:
                out.audio_duration = float(a.duration * a.time_base) if a.duration else 0.0
                if silent and loudest > SILENCE:
                    problems.append(f"the sound is not silent (it was to be muted; its "
                                    f"loudest sample is {loudest:.3f} of full scale)")
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
    if covers is not None and not problems:
        problems += covers.problems(out.frames)
    return out


# --------------------------------------------------------------------------------------------
# The covers, read back
# --------------------------------------------------------------------------------------------

#: a cover is looked at this many output pixels inside its edge (the encoder blurs the edge)
COVER_MARGIN = 2
#: a pixel is not the cover when its Y, U or V is further than this from the grey (128)
COVER_OFF = 16
#: a cover is refused when more than this share of it is not the grey (a correct export at
#: crf 35, 333 px: under 4 %; a face left uncovered: over 50 %), or this share of one of its
#: ninths (a cover drawn off its place: correct exports under 30 %)
COVER_SHARE = 0.10
COVER_CELL_SHARE = 0.60
#: a cover with fewer pixels than this inside its margin is not looked at (under ~8 px
#: across: nothing there can be recognised, and the encoder's blur of its edge is all of it)
COVER_MIN_PIXELS = 16


def cover_mask(cover: Cover, sx: float, sy: float, size: tuple[int, int],
               margin: float = COVER_MARGIN) -> tuple[int, int, np.ndarray]:
    """(x0, y0, mask): the output pixels at least ``margin`` px inside ``cover`` (analysed
    pixels, drawn on an output picture of ``size`` scaled ``sx``, ``sy`` per axis), a boolean
    mask whose top left is (x0, y0). Worked out here from the cover's shape, not by painting it
    as the renderer does, so a renderer that paints in the wrong place is seen. Pure."""
    W, H = size
    empty = np.zeros((0, 0), bool)
    if cover.shape == "polygon":
        if not cover.points or len(cover.points) < 3:
            return 0, 0, empty
        pts = np.asarray(cover.points, dtype=np.float64) * (sx, sy)
        x0, y0 = max(0, int(pts[:, 0].min())), max(0, int(pts[:, 1].min()))
        x1 = min(W, int(math.ceil(pts[:, 0].max())) + 1)
        y1 = min(H, int(math.ceil(pts[:, 1].max())) + 1)
        if x1 <= x0 or y1 <= y0:
            return 0, 0, empty
        cv2 = import_cv2()
        mk = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(mk, [np.round((pts - (x0, y0)) * 16).astype(np.int32).reshape(-1, 1, 2)],
                     1, cv2.LINE_8, 4)
        k = 2 * int(math.ceil(margin)) + 1
        mk = cv2.erode(mk, np.ones((k, k), np.uint8), borderType=cv2.BORDER_CONSTANT,
                       borderValue=1)
        return x0, y0, mk.astype(bool)
    if not cover.box:
        return 0, 0, empty
    x, y, w, h = (float(v) for v in cover.box)
    x, y, w, h = x * sx, y * sy, w * sx, h * sy
    x0, y0 = max(0, int(math.floor(x))), max(0, int(math.floor(y)))
    x1, y1 = min(W, int(math.ceil(x + w))), min(H, int(math.ceil(y + h)))
    if x1 <= x0 or y1 <= y0 or w <= 0 or h <= 0:
        return 0, 0, empty
    xs, ys = np.arange(x0, x1) + 0.5, np.arange(y0, y1) + 0.5
    if cover.shape == "rect":
        mx = (xs >= x + margin) & (xs <= x + w - margin)
        my = (ys >= y + margin) & (ys <= y + h - margin)
        return x0, y0, my[:, None] & mx[None, :]
    ax, ay = w / 2 - margin, h / 2 - margin
    if ax <= 0 or ay <= 0:
        return x0, y0, np.zeros((y1 - y0, x1 - x0), bool)
    cx, cy = x + w / 2, y + h / 2
    return x0, y0, ((xs[None, :] - cx) / ax) ** 2 + ((ys[:, None] - cy) / ay) ** 2 <= 1.0


def _off(pixels: np.ndarray, fill: int) -> np.ndarray:
    """Which 8-bit samples are further than ``COVER_OFF`` from ``fill`` (no widening copy)."""
    return (pixels < fill - COVER_OFF) | (pixels > fill + COVER_OFF)


def _not_grey(planes: list[np.ndarray], x0: int, y0: int, mk: np.ndarray) -> tuple[float, float]:
    """(share of the masked pixels not the grey, the largest such share of one ninth of the
    mask's box) on a frame's Y, U, V planes; chroma samples whose 2 x 2 pixels are all in.
    Shares are counts over counts (s65: the same numbers as the means of the masked pixels it
    took before, without gathering them; every cover of every frame passes here)."""
    h, w = mk.shape
    off_y = _off(planes[0][y0:y0 + h, x0:x0 + w], FILL_YUV[0])
    off_y &= mk                 # off the grey and under the cover
    shares = [np.count_nonzero(off_y) / np.count_nonzero(mk)]
    ex, ey = x0 % 2, y0 % 2
    m2 = np.zeros((ey + h + (ey + h) % 2, ex + w + (ex + w) % 2), bool)
    m2[ey:ey + h, ex:ex + w] = mk
    q = m2[0::2, 0::2] & m2[1::2, 0::2] & m2[0::2, 1::2] & m2[1::2, 1::2]
    if q.any():
        cx, cy = x0 // 2, y0 // 2
        for k in (1, 2):
            pl = planes[k][cy:cy + q.shape[0], cx:cx + q.shape[1]]
            qq = q[:pl.shape[0], :pl.shape[1]]
            n = np.count_nonzero(qq)
            if n:
                shares.append(np.count_nonzero(_off(pl, FILL_YUV[k]) & qq) / n)
    cells = []
    for a in range(3):
        for b in range(3):
            sl = (slice(a * h // 3, (a + 1) * h // 3), slice(b * w // 3, (b + 1) * w // 3))
            n = np.count_nonzero(mk[sl])
            if n >= 24:
                cells.append(np.count_nonzero(off_y[sl]) / n)
    return max(shares), max(cells, default=0.0)


class _Covers:
    """Every cover ``plan`` (covers.CoverPlan: ``at(frame)``, analysed pixels of a picture of
    ``analysed_size``) puts on each frame, looked at on the frames decoded from the export, in
    order (frame k is the k-th decoded: the export's frames are the analysis's, one for one;
    read_back counts them): each must be the solid grey (``COVER_*``)."""

    def __init__(self, plan: Any, analysed_size: tuple[int, int], most: int = 5):
        self.plan = plan
        self.aw, self.ah = analysed_size
        self.most = most
        self.said: list[str] = []
        self.bad = 0
        self.decoded = 0
        #: why a frame could not be decoded (the frames after it are not looked at)
        self.failed: str | None = None

    def frame(self, f: Any) -> None:
        """Look under the covers of the next decoded frame ``f``."""
        i = self.decoded
        self.decoded += 1
        covers = self.plan.at(i)
        if not covers:
            return
        if f.format.name != "yuv420p":
            f = f.reformat(format="yuv420p")
        W, H = f.width, f.height
        planes = [np.frombuffer(f.planes[k], np.uint8).reshape(-1, f.planes[k].line_size)
                  for k in range(3)]
        for cov in covers:
            x0, y0, mk = cover_mask(cov, W / self.aw, H / self.ah, (W, H))
            if int(mk.sum()) < COVER_MIN_PIXELS:
                continue
            share, cell = _not_grey(planes, x0, y0, mk)
            if share > COVER_SHARE or cell > COVER_CELL_SHARE:
                self.bad += 1
                if len(self.said) < self.most:
                    self.said.append(
                        f"frame {i}: a cover at ({x0}, {y0}) is not solid "
                        f"({round(100 * max(share, cell))} % of it is not the cover)")

    def problems(self, written: int) -> list[str]:
        """What was found (at most ``most`` said, then how many more), [] when every cover of
        each of the ``written`` frames is the solid grey. A frame that did not decode, or
        fewer frames decoded than written, is a problem: not every cover was looked at."""
        if self.failed is not None:
            return [f"its picture could not be decoded to check the covers ({self.failed})"]
        out = list(self.said)
        if self.bad > len(out):
            out.append(f"{self.bad - len(out)} more covers not solid")
        if self.decoded != written:
            out.append(f"{self.decoded} of its {written} frames could be decoded to check the "
                       "covers")
        return out


__all__ = ["CONTAINER_TAGS", "ReadBack", "STREAM_TAGS", "cover_mask", "read_back"]
