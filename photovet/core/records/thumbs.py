"""Small pictures of exports in reports, with other people's faces covered (s32, s33).

A subject access report shows one person's exports, a take-down list the exports to take
down: both are printed and may be left on a desk, so a thumbnail shows only the faces of the
people it is about (the person asking; the people an item lists), and covers every other face
the export left visible, and every name it left readable that is not theirs, solid, as
PhotoVet covers them, from where the export record says each is (``ExportRecord.faces_shown``,
``names_kept``; no new detection). A video's record says it for one frame (``faces_at``: the
middle one, s33; faces per frame are not kept), and that frame is shown. Where the record does
not say (an export recorded before PhotoVet kept where faces are, a video exported before it
kept that frame's) no picture is shown, and the report says why.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: where another person's faces and names are in an export: (face boxes x, y, w, h as
#: fractions of the picture; name corners as fractions)
Others = tuple[list[list[float]], list[list[list[float]]]]


def others_in(r: Any, keep: Iterable[str]) -> Others | None:
    """What of export ``r`` is someone else's than ``keep`` (register ids), to cover: where
    every face it left visible as someone else or nobody is, and every name it left readable
    that is not one of theirs. None: not known (a video, or an export recorded before
    PhotoVet kept where each face is): no picture is shown then (fail closed: a face not
    positively theirs is another person's). A record with the faces but not the names
    (recorded by a tool) is known only if the names it lists as readable are theirs alone."""
    mine = set(keep)
    if r.faces_shown is None or (getattr(r, "media", "photo") == "video"
                                 and getattr(r, "faces_at", None) is None):
        return None
    names = getattr(r, "names_kept", None)
    if names is None and set(r.names_shown) - mine:
        return None
    return ([list(f["box"]) for f in r.faces_shown if f.get("person") not in mine],
            [[list(p) for p in n["polygon"]] for n in names or [] if n.get("person") not in mine])


def covered_thumb_data_uri(path: Path, size: int, cover: Sequence[Sequence[float]] = (),
                           names: Sequence[Sequence[Sequence[float]]] = (), *,
                           at: float | None = None) -> str:
    """``covered_thumb`` as a data URI (JPEG), for a report."""
    return jpeg_data_uri(covered_thumb(path, size, cover, names, at=at))


def jpeg_data_uri(im: Any) -> str:
    """A Pillow image as a JPEG data URI, for a self-contained report page."""
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def covered_thumb(path: Path, size: int, cover: Sequence[Sequence[float]] = (),
                  names: Sequence[Sequence[Sequence[float]]] = (), *,
                  at: float | None = None) -> Any:
    """A copy of ``path`` at most ``size`` pixels across (an RGB Pillow image), with a solid
    cover over each face at ``cover`` (x, y, w, h as fractions of the picture) and each name at
    ``names`` (corners), as PhotoVet covers them. ``at``: a video, its frame at that time (the
    one its record says where the faces are on)."""
    try:
        from photovet.core.media.video.frames import (  # noqa: PLC0415
            frame_thumbnail,
            media_thumbnail,
        )

        im = (frame_thumbnail(path, at, size) if at is not None
              else media_thumbnail(path, size))   # a photo, or a frame of a video
    except ImportError:  # pragma: no cover - imaging ships with PhotoVet
        from PIL import Image, ImageOps  # noqa: PLC0415

        with Image.open(path) as src:
            im = ImageOps.exif_transpose(src).convert("RGB")
        im.thumbnail((size, size))
    im = im.convert("RGB")
    if cover or names:
        from photovet.core.media.cover import (  # noqa: PLC0415
            apply_covers,
            face_cover,
            text_cover,
        )

        w, h = im.size
        im = apply_covers(im, [face_cover((x * w, y * h, bw * w, bh * h), (w, h))
                               for x, y, bw, bh in cover]
                          + [text_cover([(x * w, y * h) for x, y in corners])
                             for corners in names], style="solid")
    return im.convert("RGB")


__all__ = ["Others", "covered_thumb", "covered_thumb_data_uri", "jpeg_data_uri", "others_in"]
