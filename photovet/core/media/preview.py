"""What will be published, small: the pictures a person looks at before they approve.

The app shows a photo "as it will be published" in two places: the photo view (one photo,
large) and the approver's contact sheet (every photo of an "Approve all shown", small). Both
paint the export's own covers (``Engine.covers``: the decided publication, in display pixels)
with the export's own renderer (``export.render``, ``cover.apply_covers``) on a reduced decode
of the original, so what is shown is what is exported, never a front end's own idea of a cover.

A video's contact-sheet tile is a few frames of the decided video rendered by the video
export's renderer (``Engine.video_preview``: covers on the YUV planes, as exported), a moment
each, read back from the rendered file in the shape a player shows it (a video whose pixels
are not square, exported in that shape, is shown as wide as it will be published).

Nothing here is recorded; every function may run in a worker thread (no Qt, no register).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from photovet.core.media import imaging
from photovet.core.media.export import render
from photovet.core.models import Cover

#: a video's tile shows at most this many moments
VIDEO_FRAMES = 3


def scaled_covers(covers: Sequence[Cover], k: float) -> list[Cover]:
    """``covers`` (display pixels of the photo) for a copy of it ``k`` times the size."""
    out = []
    for c in covers:
        box = (round(c.box[0] * k), round(c.box[1] * k), round(c.box[2] * k),
               round(c.box[3] * k)) if c.box else None
        points = [(x * k, y * k) for x, y in c.points] if c.points else None
        out.append(Cover(c.shape, box, points, c.source, c.label))
    return out


def published_image(image: Image.Image, covers: Sequence[Cover], size: tuple[int, int], *,
                    style: str = "solid") -> Image.Image:
    """``image`` (an upright reduced decode of a photo whose display size is ``size``) with
    the export's covers painted on by the export's renderer. ``image`` is not changed."""
    k = image.width / float(size[0] or image.width)
    return render(image.convert("RGB").copy(), scaled_covers(covers, k), long_edge=None,
                  style=style, in_place=True)


def published_thumbnail(path: str | Path, covers: Sequence[Cover], size: tuple[int, int], *,
                        long_edge: int = 480, style: str = "solid",
                        max_pixels: int | None = None, sha256: str | None = None) -> Image.Image:
    """The photo at ``path`` as it will be published, at most ``long_edge`` px: decoded small
    (the same upright, sRGB decode as the app's previews), then covered. ``sha256``: the
    checked content; a file changed since raises ``FileChangedError`` (``imaging.thumbnail``)."""
    small = imaging.thumbnail(path, long_edge, max_pixels=max_pixels, sha256=sha256)
    return published_image(small, covers, size, style=style)


def video_moments(analysis: Any, count: int = VIDEO_FRAMES) -> list[float]:
    """The moments (seconds from the first picture) a video's tile shows: where each face left
    visible is seen best (what the approver must judge), then moments spread over the video,
    ``count`` in all, in time order."""
    duration = float(getattr(analysis, "duration", 0.0) or 0.0)
    first = analysis.frame_times[0] if getattr(analysis, "frame_times", None) else 0.0
    times: list[float] = []
    for t in getattr(analysis, "face_tracks", ()):
        if t.decision == "show" and len(times) < count:
            frame = t.best_frame if t.best_frame >= 0 else t.first_frame
            times.append(max(0.0, analysis.time_of(frame) - first))
    spread = [duration * (i + 0.5) / count for i in range(count)]
    for s in spread:
        if len(times) >= count:
            break
        if all(abs(s - t) > duration / (3 * count) for t in times):
            times.append(s)
    return sorted(min(max(0.0, t), max(0.0, duration - 0.05)) for t in times)


def published_video_frames(engine: Any, analysis: Any, *, count: int = VIDEO_FRAMES,
                           long_edge: int = 480,
                           workdir: str | Path) -> list[tuple[float, Image.Image]]:
    """A few moments of the decided video as it will be published: each rendered by the video
    export's renderer (``engine.video_preview``, a fraction of a second from that moment) and
    its first picture read back from what was rendered. The rendered pieces are written in a
    folder made in ``workdir`` (the run's preview folder in the data folder,
    ``Workspace.previews()``: never the system's temporary folder) and deleted. The video is
    opened and hashed once for all its moments (``reader.CheckedVideo``; each moment checks
    that open file's stamp before and after, and a rewrite is hashed again)."""
    from photovet.core.media.video.frames import grab  # noqa: PLC0415 - PyAV loads on first use
    from photovet.core.media.video.reader import CheckedVideo  # noqa: PLC0415

    out: list[tuple[float, Image.Image]] = []
    if not workdir or not Path(workdir).is_dir():
        raise ValueError("a video's preview is rendered in the data folder's preview folder")
    with tempfile.TemporaryDirectory(prefix="sheet-", dir=workdir) as tmp, \
            CheckedVideo(analysis.path, analysis.sha256) as checked:
        for i, at in enumerate(video_moments(analysis, count)):
            piece = Path(tmp) / f"moment-{i}.mp4"
            end = min(float(analysis.duration), at + 0.25)
            engine.video_preview(analysis, piece, start=at, end=max(end, at + 0.04),
                                 long_edge=long_edge, checked=checked)
            out.append((at, Image.fromarray(grab(piece, 0.0, shown=True))))
            piece.unlink(missing_ok=True)
    return out


__all__ = ["VIDEO_FRAMES", "published_image", "published_thumbnail", "published_video_frames",
           "scaled_covers", "video_moments"]
