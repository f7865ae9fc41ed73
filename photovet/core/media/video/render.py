"""Pass 2: decode the original again, paint every cover on every frame, and encode a plain
H.264 + AAC MP4 with nothing else in it.

- Covers are painted on the YUV 4:2:0 planes (no RGB round trip): luma and chroma set to one
  neutral grey inside each shape, at 1/16 px precision and one pixel generous; chroma over
  whole 2 x 2 blocks, so no original colour survives inside a cover either. A ring-mean colour
  as on photos would flicker from frame to frame.
- The picture is turned upright (rotation baked in, no display matrix written) and scaled so
  its long side fits the channel (even sides, swscale); a mirrored one flipped left to right
  first (reader.orientation_of). Its first frame's display matrix must turn and mirror it as
  the analysis did (``_same_orientation``).
- Each frame keeps its own time (variable frame rate survives), and its pixels their shape
  (sample aspect ratio).
- Sound ("keep"/"mute"/"remove") is always decoded and encoded again (never copied: nothing of
  the original stream's side data can pass). It is placed by its own timestamps: a gap in the
  original's sound becomes silence and an overlap is trimmed, so sound stays in step with the
  picture over any length (the prototype let the encoder number samples one after the other,
  and a clip with a 0.2 s hole every 10 s drifted 10 s in 10 minutes). Sound before the first
  picture is dropped; the end is padded or cut to the picture's length.
- No metadata: ``+bitexact`` on the container and each encoder (no Lavf/Lavc strings), blank
  handler names, no dates, x264's option SEI dropped by a bitstream filter, the muxer's empty
  ``udta`` renamed ``free`` afterwards (boxes.py), the index first (``+faststart``).

``render`` writes to a path the caller chose (export.py: a hidden temporary file in the output
folder) and returns what it wrote; the caller reads it back (verify.py) before naming it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from photovet.core.errors import TruncatedVideoError, UnsupportedVideoError, VideoError
from photovet.core.media.video.boxes import blank_user_data
from photovet.core.media.video.covers import CoverPlan
from photovet.core.media.video.reader import (
    VIDEO_GATE,
    PinnedVideo,
    import_av,
    main_audio_stream,
    main_video_stream,
    open_container,
    orientation_of,
    orientation_problem,
    rotate,
    shown_aspect,
    stored_aspect,
)
from photovet.core.models import Cover, VideoAnalysis
from photovet.core.vision.cv import import_cv2

FILL_YUV = (128, 128, 128)       # neutral grey
AUDIO_RATE = 48000
AUDIO_LAYOUT = "stereo"
GAP_TOLERANCE = 480              # samples (10 ms): smaller steps are the resampler's own delay


@dataclass
class RenderOptions:
    long_edge: int | None = 1920     # the channel's size limit (None: the video's own size)
    sound: str = "remove"            # "keep" | "mute" | "remove"
    preset: str = "veryfast"
    crf: int = 23
    threads: int = 2
    audio_bitrate: int = 128_000
    start: float | None = None       # a preview of part of the video: seconds
    end: float | None = None


@dataclass
class Rendered:
    frames: int = 0
    size: tuple[int, int] = (0, 0)
    duration: float = 0.0            # seconds of picture (first frame to the end of the last)
    sound: bool = False              # a sound stream was written
    gaps_filled: float = 0.0         # seconds of silence put where the original had no sound


def output_size(w: int, h: int, long_edge: int | None) -> tuple[int, int]:
    """Scaled to fit ``long_edge`` (never up), both sides even (H.264 4:2:0)."""
    s = min(1.0, long_edge / max(w, h)) if long_edge else 1.0
    return max(2, int(round(w * s / 2)) * 2), max(2, int(round(h * s / 2)) * 2)


# --------------------------------------------------------------------------------------------
# Painting
# --------------------------------------------------------------------------------------------

def paint(planes: tuple[np.ndarray, np.ndarray, np.ndarray], covers: Sequence[Cover],
          scale: tuple[float, float]) -> None:
    """Paint ``covers`` (display pixels of the analysed video) on the Y, U, V planes of an
    output frame (``scale``: output pixels per analysed pixel across and down: the output's
    sides are rounded to even numbers, so they scale apart; s63 audit: a narrow video's
    covers were put down by the width's scale, 7 px too low), in place."""
    cv2 = import_cv2()
    Y, U, V = planes
    sx, sy = scale
    for c in covers:
        if c.shape == "polygon":
            if not c.points or len(c.points) < 3:
                continue
            pts = np.asarray(c.points, dtype=np.float64) * (sx, sy)
            _poly(cv2, Y, U, V, pts)
            continue
        if not c.box:
            continue
        x, y, w, h = (float(c.box[0]) * sx, float(c.box[1]) * sy, float(c.box[2]) * sx,
                      float(c.box[3]) * sy)
        if w <= 0 or h <= 0:
            continue
        if c.shape == "rect":
            _rect(Y, U, V, x, y, x + w, y + h)
        else:
            _ellipse(cv2, Y, U, V, x + w / 2, y + h / 2, w / 2, h / 2)


def _rect(Y, U, V, x1, y1, x2, y2) -> None:
    H, W = Y.shape
    a, b = max(0, int(math.floor(x1))), min(W, int(math.ceil(x2)))
    c, d = max(0, int(math.floor(y1))), min(H, int(math.ceil(y2)))
    if a >= b or c >= d:
        return
    Y[c:d, a:b] = FILL_YUV[0]
    U[c // 2:(d + 1) // 2, a // 2:(b + 1) // 2] = FILL_YUV[1]
    V[c // 2:(d + 1) // 2, a // 2:(b + 1) // 2] = FILL_YUV[2]


def _ellipse(cv2, Y, U, V, cx, cy, ax, ay) -> None:
    """Every pixel whose square touches the ellipse (sub-pixel precision, axes + 1 px)."""
    shift = 4
    centre = (int(round(cx * 16)), int(round(cy * 16)))
    axes = (int(math.ceil((ax + 1.0) * 16)), int(math.ceil((ay + 1.0) * 16)))
    cv2.ellipse(Y, centre, axes, 0, 0, 360, FILL_YUV[0], -1, cv2.LINE_8, shift)
    c2 = (int(round(cx * 8)), int(round(cy * 8)))
    axes2 = (int(math.ceil((ax / 2 + 1.0) * 16)), int(math.ceil((ay / 2 + 1.0) * 16)))
    cv2.ellipse(U, c2, axes2, 0, 0, 360, FILL_YUV[1], -1, cv2.LINE_8, shift)
    cv2.ellipse(V, c2, axes2, 0, 0, 360, FILL_YUV[2], -1, cv2.LINE_8, shift)


def _poly(cv2, Y, U, V, pts: np.ndarray) -> None:
    p = np.round(pts * 16).astype(np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(Y, [p], FILL_YUV[0], cv2.LINE_8, 4)
    cv2.polylines(Y, [p], True, FILL_YUV[0], 3, cv2.LINE_8, 4)
    p2 = np.round(pts * 8).astype(np.int32).reshape(-1, 1, 2)
    for P, col in ((U, FILL_YUV[1]), (V, FILL_YUV[2])):
        cv2.fillPoly(P, [p2], col, cv2.LINE_8, 4)
        cv2.polylines(P, [p2], True, col, 2, cv2.LINE_8, 4)


# --------------------------------------------------------------------------------------------
# Sound placed by its timestamps
# --------------------------------------------------------------------------------------------

class SoundTrack:
    """Feeds the AAC encoder 1024-sample frames whose positions follow the original's
    timestamps (gaps become silence, overlaps are trimmed), muted when asked."""

    def __init__(self, av: Any, stream_out: Any, mux: Callable[[Any], None], *, mute: bool):
        self.av = av
        self.out = stream_out
        self.mux = mux
        self.mute = mute
        self.resampler = av.AudioResampler(format="fltp", layout=AUDIO_LAYOUT, rate=AUDIO_RATE)
        self.buffer = np.zeros((2, 0), np.float32)
        self.produced = 0            # samples placed so far (sound, silence or trimmed away)
        self.encoded = 0
        self.gaps = 0
        self.trim = 0                # samples still to drop (an overlap)
        self.frame_size = stream_out.codec_context.frame_size or 1024

    def add(self, frame: Any, t: float, limit: int) -> None:
        """A decoded sound frame starting at ``t`` seconds of the picture's timeline; nothing
        is placed beyond sample ``limit`` (the picture's end)."""
        want = int(round(t * AUDIO_RATE))
        ahead = want - self.produced
        self.trim = 0
        if ahead > GAP_TOLERANCE:
            self._place(np.zeros((2, ahead), np.float32), limit, silence=True)
            self.gaps += ahead
        elif ahead < -GAP_TOLERANCE:
            self.trim = -ahead
        for rf in self.resampler.resample(frame):
            self._take(rf, limit)

    def _take(self, rf: Any, limit: int) -> None:
        arr = rf.to_ndarray().astype(np.float32).reshape(2, -1)
        if self.trim:
            cut = min(self.trim, arr.shape[1])
            arr = arr[:, cut:]
            self.trim -= cut
        if arr.shape[1]:
            self._place(arr, limit)

    def _place(self, arr: np.ndarray, limit: int, silence: bool = False) -> None:
        room = max(0, limit - self.produced)
        if arr.shape[1] > room:
            arr = arr[:, :room]
        if not arr.shape[1]:
            return
        if self.mute:
            arr = np.zeros_like(arr)
        self.buffer = np.concatenate([self.buffer, arr], axis=1)
        self.produced += arr.shape[1]
        self._encode(final=False)

    def _encode(self, final: bool) -> None:
        fs = self.frame_size
        while self.buffer.shape[1] >= fs or (final and self.buffer.shape[1]):
            chunk = self.buffer[:, :fs]
            self.buffer = self.buffer[:, chunk.shape[1]:]
            af = self.av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp",
                                                 layout=AUDIO_LAYOUT)
            af.sample_rate = AUDIO_RATE
            af.pts = self.encoded
            af.time_base = Fraction(1, AUDIO_RATE)
            self.encoded += chunk.shape[1]
            for pk in self.out.encode(af):
                self.mux(pk)

    def finish(self, limit: int) -> None:
        for rf in self.resampler.resample(None):
            self._take(rf, limit)
        if self.produced < limit:
            self._place(np.zeros((2, limit - self.produced), np.float32), limit)
        self._encode(final=True)
        for pk in self.out.encode(None):
            self.mux(pk)


# --------------------------------------------------------------------------------------------
# The render
# --------------------------------------------------------------------------------------------

def render(analysis: VideoAnalysis, out_path: str | Path, plan: CoverPlan,
           options: RenderOptions, *, stop: threading.Event | None = None,
           source: PinnedVideo | None = None) -> Rendered:
    """Write ``analysis``'s video to ``out_path`` with ``plan``'s covers (module notes),
    decoded through ``source`` when given (the file the caller hashed). Raises ``VideoError``
    (``TruncatedVideoError`` when the original no longer decodes to its end); the caller
    removes ``out_path`` then. One video at a time per process (reader.VIDEO_GATE)."""
    with VIDEO_GATE:
        return _render(analysis, out_path, plan, options, stop=stop, source=source)


def _render(analysis: VideoAnalysis, out_path: str | Path, plan: CoverPlan,
            options: RenderOptions, *, stop: threading.Event | None = None,
            source: PinnedVideo | None = None) -> Rendered:
    av = import_av()
    src = Path(analysis.path)
    W, H = analysis.width, analysis.height
    ow, oh = output_size(W, H, options.long_edge)
    scale = (ow / W, oh / H)         # across, down (even sides: not quite equal)
    rot, mirror = analysis.rotation, analysis.mirror
    cw, ch = (oh, ow) if rot in (90, 270) else (ow, oh)
    preview = options.start is not None or options.end is not None
    t_start = float(options.start or 0.0)
    t_end = float(options.end) if options.end is not None else math.inf
    result = Rendered(size=(ow, oh))
    ic = open_container(src, source=source)
    oc = av.open(str(out_path), "w", format="mp4",
                 options={"movflags": "+faststart", "fflags": "+bitexact"})
    try:
        vin = main_video_stream(ic, src)
        vin.codec_context.thread_count = max(1, options.threads)
        vin.thread_type = "AUTO" if options.threads > 1 else "SLICE"
        ain = main_audio_stream(ic) if options.sound in ("keep", "mute") else None
        rate = Fraction(vin.average_rate or analysis.fps or 30).limit_denominator(1001)
        x264 = {"preset": options.preset, "crf": str(options.crf),
                "threads": str(max(1, options.threads)), "profile": "high",
                "g": str(max(1, int(round(2 * float(rate)))))}
        vout = oc.add_stream("libx264", rate=rate, options=x264)
        vout.width, vout.height, vout.pix_fmt = ow, oh, "yuv420p"
        vout.codec_context.time_base = vin.time_base
        # pixels that are not square (a camcorder's 1440 x 1080 shown 16:9) keep their shape,
        # turned with the picture: the export is shown as wide as the original (s63 audit: it
        # was shown squeezed). The covers are places in the stored pixels, as the analysis saw.
        # (reader.stored_aspect / shown_aspect: the app's previews show the same shape)
        sar = shown_aspect(stored_aspect(vin), rot)
        if sar != 1:
            vout.codec_context.sample_aspect_ratio = sar
        vout.codec_context.flags |= av.codec.context.Flags.bitexact
        vout.metadata["handler_name"] = " "
        bsf = av.BitStreamFilterContext("filter_units=remove_types=6", vout)
        sound = None
        if ain is not None:
            aout = oc.add_stream("aac", rate=AUDIO_RATE, layout=AUDIO_LAYOUT)
            aout.bit_rate = options.audio_bitrate
            aout.codec_context.flags |= av.codec.context.Flags.bitexact
            aout.metadata["handler_name"] = " "
            sound = SoundTrack(av, aout, oc.mux, mute=options.sound == "mute")
            result.sound = True

        def mux_video(packets: Any) -> None:
            for pk in packets:
                for q in bsf.filter(pk):
                    q.stream = vout
                    oc.mux(q)

        tb = vin.time_base
        origin = analysis.sampling.get("origin")     # the first picture's time on the source clock
        offset = t_start if preview else 0.0
        n = 0
        last_pts = -1
        first_t: float | None = None
        last_t = 0.0
        if preview:
            limit = int(round((t_end - t_start) * AUDIO_RATE)) if math.isfinite(t_end) else 1 << 62
        else:
            limit = int(round(analysis.duration * AUDIO_RATE))
        if preview and t_start > 0 and origin is not None:
            ic.seek(max(0, int((origin + t_start) / float(tb))), stream=vin, backward=True)
        held: list[Any] = []          # sound decoded before the first picture gave the origin
        streams = [vin] + ([ain] if ain is not None else [])
        done = False
        oriented = False             # the first frame's display matrix looked at
        try:
            for packet in ic.demux(*streams):
                if stop is not None and stop.is_set():
                    raise VideoError("the export was stopped", path=src)
                if packet.stream is vin:
                    for f in packet.decode():
                        if not oriented:
                            _same_orientation(vin, f, rot, mirror, src)
                            oriented = True
                        if origin is None:
                            origin = float(f.pts * tb) if f.pts is not None else 0.0
                        t = float(f.pts * tb) - origin if f.pts is not None else last_t + 1e-3
                        if preview:
                            if t < t_start - 1e-6:
                                continue
                            if t >= t_end:
                                done = True
                                break
                            frame_no = analysis.frame_at(t)
                        else:
                            frame_no = n
                        g = f.reformat(cw, ch, "yuv420p") if (
                            f.width, f.height, f.format.name) != (cw, ch, "yuv420p") else f
                        planes = []
                        for k, (pw, ph) in enumerate(((cw, ch), (cw // 2, ch // 2),
                                                      (cw // 2, ch // 2))):
                            pl = g.planes[k]
                            arr = np.frombuffer(pl, np.uint8).reshape(-1, pl.line_size)[:ph, :pw]
                            planes.append(rotate(arr, rot, mirror) if rot or mirror
                                          else arr.copy())
                        paint((planes[0], planes[1], planes[2]), plan.at(frame_no), scale)
                        out = av.VideoFrame(ow, oh, "yuv420p")
                        for k, arr in enumerate(planes):
                            out.planes[k].update(_pad_rows(arr, out.planes[k].line_size))
                        pts = int(round((t - offset) / float(tb)))
                        if pts <= last_pts:
                            pts = last_pts + 1
                        last_pts = pts
                        out.pts = pts
                        out.time_base = tb
                        mux_video(vout.encode(out))
                        if first_t is None:
                            first_t = t
                        last_t = t
                        n += 1
                    if sound is not None and held and origin is not None:
                        for item in held:
                            _sound_frame(sound, item, origin + offset, limit)
                        held.clear()
                    if done:
                        break
                elif sound is not None:
                    for af in packet.decode():
                        if origin is None:
                            held.append(af)
                        else:
                            _sound_frame(sound, af, origin + offset, limit)
        except av.error.FFmpegError as exc:
            raise TruncatedVideoError(
                f"damaged after frame {n} ({exc.strerror or type(exc).__name__}); not exported",
                path=src) from None
        if n == 0:
            raise VideoError("no frames in the part asked for", path=src)
        mux_video(vout.encode(None))
        for q in bsf.filter(None):
            q.stream = vout
            oc.mux(q)
        if preview:
            step = 1.0 / float(rate) if float(rate) else 0.0
            result.duration = (last_t - (first_t or 0.0)) + step
            limit = min(limit, int(round(result.duration * AUDIO_RATE)))
        else:
            result.duration = analysis.duration
        if sound is not None:
            for item in held:
                _sound_frame(sound, item, (origin or 0.0) + offset, limit)
            sound.finish(limit)
            result.gaps_filled = sound.gaps / AUDIO_RATE
        result.frames = n
    finally:
        oc.close()
        ic.close()
    blank_user_data(out_path)
    return result


def _same_orientation(stream: Any, frame: Any, rotation: int, mirror: bool, src: Path) -> None:
    """The first frame decoded for the export is shown as the analysis saw it: not at an
    angle (reader.orientation_problem: refused when checked), and turned and mirrored as the
    analysis turned it (covers are places in that picture; s64: an analysis made by an
    earlier version, from the cache, took a mirrored picture for a half turn). Raises
    ``VideoError``."""
    problem = orientation_problem(frame)
    if problem is not None:
        raise UnsupportedVideoError(f"{problem} (not exported)", path=src)
    if orientation_of(stream, frame) != (rotation, mirror):
        raise VideoError("the video is shown turned or mirrored otherwise than when it was "
                         "checked; check it again (not exported)", path=src)


def _sound_frame(sound: SoundTrack, af: Any, origin: float, limit: int) -> None:
    """Place one decoded sound frame; ``origin``: the export's time 0 on the source clock."""
    if af.pts is None or af.time_base is None:
        t = sound.produced / AUDIO_RATE
    else:
        t = float(af.pts * af.time_base) - origin
    if t < -1e-3:
        # sound before the first picture: drop the part before it
        skip = int(round(-t * AUDIO_RATE))
        for rf in sound.resampler.resample(af):
            arr = rf.to_ndarray().astype(np.float32).reshape(2, -1)
            cut = min(skip, arr.shape[1])
            skip -= cut
            if arr.shape[1] > cut:
                sound._place(arr[:, cut:], limit)
        return
    sound.add(af, t, limit)


def _pad_rows(arr: np.ndarray, line_size: int) -> bytes:
    """A plane's rows padded to the frame buffer's line size."""
    h, w = arr.shape
    if w == line_size:
        return arr.tobytes()
    buf = np.zeros((h, line_size), np.uint8)
    buf[:, :w] = arr
    return buf.tobytes()


__all__ = ["FILL_YUV", "RenderOptions", "Rendered", "SoundTrack", "output_size", "paint",
           "render"]
