"""Stills from a video: a thumbnail for the records and reports, a track's best view for the
app, and the perceptual hashes of key frames that let ``photovet identify`` find the export
record of a video (or of a still from it) downloaded back from a website."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PIL import Image

from photovet.core.media.video.reader import (
    CheckedVideo,
    PinnedVideo,
    display_rgb,
    import_av,
    iter_frames,
    main_video_stream,
    open_container,
    probe,
    shown_aspect,
    shown_size,
    stored_aspect,
)
from photovet.core.models import VideoAnalysis, VideoTrack

#: one key frame every this many seconds (more apart on long videos: at most MAX_KEY_FRAMES)
KEY_FRAME_EVERY = 2.0
MAX_KEY_FRAMES = 60
HASH_SIDE = 512      # key frames are hashed from a picture this size (the hash uses 32 x 32)


def grab(path: str | Path, seconds: float, *, origin: float | None = None, rotation: int = 0,
         size: tuple[int, int] | None = None, source: PinnedVideo | None = None,
         mirror: bool = False, shown: bool = False) -> np.ndarray:
    """The frame shown at ``seconds`` (from the first picture; ``origin``: that picture's time
    on the file's clock, from the analysis) as RGB in display orientation, seeking instead of
    decoding the whole video; read through ``source`` when given.

    ``shown``: in the shape a player shows it (what a person looks at: the app's previews,
    thumbnails and contact sheet). A video whose pixels are not square (an anamorphic 1440 x
    1080 shown 16:9; the export keeps that shape, render.py) is widened by its pixels' shape
    (``reader.shown_size``: no larger than ``size`` on its long side). Without it, the stored
    pixels (what the analysis, covers and hashes are places in)."""
    av = import_av()
    c = open_container(path, source=source)
    try:
        v = main_video_stream(c, path)
        tb = float(v.time_base)
        start = origin if origin is not None else float((v.start_time or 0) * v.time_base)
        target = start + max(0.0, float(seconds))
        c.seek(max(0, int(target / tb)), stream=v, backward=True)
        chosen = None
        try:
            for f in c.decode(v):
                if chosen is None or f.pts is None or float(f.pts * v.time_base) <= target + 1e-4:
                    chosen = f
                if f.pts is not None and float(f.pts * v.time_base) >= target - 1e-4:
                    break
        except av.error.FFmpegError:
            pass
        if chosen is None:
            raise ValueError("no frame there")
        if shown:
            aspect = shown_aspect(stored_aspect(v), rotation)
            if aspect != 1:
                w, h = chosen.width, chosen.height
                stored = size or ((h, w) if rotation in (90, 270) else (w, h))
                size = shown_size(stored, aspect)
        return display_rgb(chosen, rotation, size, mirror)
    finally:
        c.close()


class ShownVideo:
    """The video the app shows, as PhotoVet checked it: each frame is read from the file opened
    for that frame and found to be the checked content (``reader.CheckedVideo``: hashed the
    first time, then only when the file's stamp changed, a rewrite or another file under the
    name), and a file that is no longer the checked content raises ``FileChangedError`` (the
    words a photo's preview says) instead of showing a person something other than what they
    decide on and approve. The file is open only while a frame is read (so it can be moved or
    deleted meanwhile, as on Windows an open file cannot be). A frame is in the shape a
    player shows it (``grab(shown=True)``: pixels that are not square widen it, as the export
    keeps them) unless ``shown=False`` asks for the stored pixels."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: tuple[Path, str, tuple[int, int, int, int, int]] | None = None

    def grab(self, path: str | Path, sha256: str, seconds: float, *,
             origin: float | None = None, rotation: int = 0, mirror: bool = False,
             size: tuple[int, int] | None = None, shown: bool = True) -> np.ndarray:
        path = Path(path)
        with self._lock:
            k = self._known
            known = k[2] if k is not None and k[0] == path and k[1] == (sha256 or "") else None
            with CheckedVideo(path, sha256, known=known) as cv:
                try:
                    cv.check()
                finally:
                    self._known = (path, cv.sha256, cv.stamp) if cv.stamp else None
                return grab(path, seconds, origin=origin, rotation=rotation, size=size,
                            mirror=mirror, source=cv.pin, shown=shown)

    def close(self) -> None:
        with self._lock:
            self._known = None


def track_thumbnail(analysis: VideoAnalysis, track: VideoTrack, *, size: int = 128) -> Image.Image:
    """The track's best view (largest, surest, most frontal detection), cropped with a margin,
    at most ``size`` px: what the app shows on the track's row of the timeline."""
    box = track.best_box or (track.boxes[0] if track.boxes else (0, 0, analysis.width,
                                                                  analysis.height))
    frame = track.best_frame if track.best_frame >= 0 else track.first_frame
    # at the size the analysis saw (a picture that changes size part of the way through is
    # scaled to its first frame's, as reader.iter_frames does): the box is a place there
    rgb = grab(analysis.path, analysis.time_of(frame), origin=analysis.sampling.get("origin"),
               rotation=analysis.rotation, size=(analysis.width, analysis.height),
               mirror=analysis.mirror)
    h, w = rgb.shape[:2]
    side = max(box[2] - box[0], box[3] - box[1])
    m = 0.35 * side
    x1, y1 = max(0, int(box[0] - m)), max(0, int(box[1] - m))
    x2, y2 = min(w, int(box[2] + m) + 1), min(h, int(box[3] + m) + 1)
    crop = Image.fromarray(np.ascontiguousarray(rgb[y1:y2, x1:x2]) if x2 > x1 and y2 > y1 else rgb)
    # cropped in the stored pixels (where the box is), then shown in the pixels' shape
    aspect = probe(analysis.path).pixel_aspect
    if aspect != 1:
        crop = crop.resize(shown_size(crop.size, aspect), Image.Resampling.BILINEAR)
    crop.thumbnail((size, size))
    return crop


def thumbnail(path: str | Path, size: int = 256, *, sha256: str | None = None) -> Image.Image:
    """A frame from the middle of the video, at most ``size`` px (records and reports).

    ``sha256``: the content PhotoVet checked (the batch's tile of a checked video, as a
    photo's ``imaging.thumbnail``). The frame is then read from the file opened once and
    found to be those bytes (``reader.CheckedVideo``: the whole file hashed, once), and a
    file that is not raises ``FileChangedError``: a tile beside a badge about the checked
    video never shows another video put in its place or a rewrite of it."""
    if sha256 is None:
        return _thumbnail(path, size, None)
    with CheckedVideo(path, sha256) as cv:
        cv.check()
        image = _thumbnail(path, size, cv.pin)
        cv.check()          # rewritten in place while the frame was read: one fstat
        return image


def _thumbnail(path: str | Path, size: int, source: PinnedVideo | None) -> Image.Image:
    info = probe(path, source=source)
    w, h = info.size
    k = min(1.0, size / max(w, h))
    rgb = grab(path, info.duration / 2, rotation=info.rotation, mirror=info.mirror,
               size=(max(2, int(w * k)), max(2, int(h * k))), source=source, shown=True)
    return Image.fromarray(rgb)


def frame_thumbnail(path: str | Path, seconds: float, size: int = 256) -> Image.Image:
    """The frame shown at ``seconds``, at most ``size`` px (a report's picture of a video: the
    frame its export record says where the faces are on, s33)."""
    info = probe(path)
    w, h = info.size
    k = min(1.0, size / max(w, h))
    return Image.fromarray(grab(path, seconds, rotation=info.rotation, mirror=info.mirror,
                                size=(max(2, int(w * k)), max(2, int(h * k))), shown=True))


def key_frames(path: str | Path, *, every: float = KEY_FRAME_EVERY,
               limit: int = MAX_KEY_FRAMES) -> list[tuple[float, Image.Image]]:
    """Frames about ``every`` seconds apart from the first (at most ``limit``: further apart on
    a long video), small. A short video is decoded once; a long one is sought to each time."""
    info = probe(path)
    if info.duration > every * limit:
        every = info.duration / limit
    w, h = info.size
    k = min(1.0, HASH_SIDE / max(w, h))
    size = (max(2, int(round(w * k))), max(2, int(round(h * k))))
    out: list[tuple[float, Image.Image]] = []
    if info.duration > 120:
        t = 0.0
        while t < info.duration and len(out) < limit:
            out.append((t, Image.fromarray(grab(path, t, rotation=info.rotation, size=size,
                                                mirror=info.mirror))))
            t += every
        return out
    due = 0.0
    for fr in iter_frames(path, threads=1, expected=info.frames):
        if fr.time + 1e-6 >= due:
            out.append((fr.time, Image.fromarray(display_rgb(fr.frame, info.rotation, size,
                                                             info.mirror))))
            due = fr.time + every
            if len(out) >= limit:
                break
    return out


def key_frame_hashes(path: str | Path) -> list[tuple[float, list[int]]]:
    """Per key frame: its time and the perceptual hash variants an export is stored with."""
    from photovet.core.media.phash import phash_variants  # noqa: PLC0415

    return [(t, phash_variants(im)) for t, im in key_frames(path)]


def query_hashes(path: str | Path, *, every: float = 0.5, limit: int = 120) -> list[int]:
    """Hashes of a video given to identify: frames twice as dense as an export's key frames,
    so some fall close to each of them whatever the copy's own frame times."""
    from photovet.core.media.phash import phash_image  # noqa: PLC0415

    return [phash_image(im) for _t, im in key_frames(path, every=every, limit=limit)]


def media_thumbnail(path: str | Path, size: int = 256) -> Image.Image:
    """A small picture of a photo or a video (records, take-down and access reports)."""
    from photovet.core.media.video.reader import is_video_file  # noqa: PLC0415

    if is_video_file(path):
        return thumbnail(path, size)
    from photovet.core.media.imaging import thumbnail as photo_thumbnail  # noqa: PLC0415

    return photo_thumbnail(path, size)


__all__ = ["ShownVideo", "KEY_FRAME_EVERY", "MAX_KEY_FRAMES", "frame_thumbnail", "grab",
           "key_frame_hashes", "key_frames", "media_thumbnail", "query_hashes", "thumbnail",
           "track_thumbnail"]
