"""Covers that cannot be undone. Pure: images in, new images out, no I/O.

Gaussian blur and fine mosaics have been reversed (deconvolution, "depixelation" models) and the
faces recognised, so PhotoVet never blurs. The default covers each area with a solid fill in one
colour (the mean of a ring *around* the area, so nothing of the covered pixels is used, and the
patch sits quietly in the photo). The option "pixelate" keeps at most ``max_blocks`` blocks across
the area (a face at 8 x 8 blocks is no longer recognisable) and adds random noise to every block
so block means cannot be used to search for a matching face.

Every shape has a hard *core* that is covered completely (no original information remains there)
and a soft edge of a few pixels *outside* the core that blends into the photo. Text (polygons) is
always solid-filled, whatever the style.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from photovet.core.errors import ExportError
from photovet.core.geometry import FACE_COVER_RAISE, FACE_COVER_TALLER
from photovet.core.models import Cover

STYLES = ("solid", "pixelate")
NEUTRAL = (128, 128, 128)


def face_cover(face_box: Sequence[float], image_size: Sequence[int], grow: float = 1.4) -> Cover:
    """An ellipse over a face box grown ``grow`` times, moved up a little for hair and forehead,
    clipped to the image.

    When the picture's edge cuts the grown area, the cover is a rectangle over the clipped
    grown box instead: the ellipse inscribed in a clipped box is smaller than the one that was
    cut, and a face mostly outside the picture could keep a sliver of a few pixels along the
    edge (found by the video bench: ``face_cover((-230, 321, 255, 271), (1920, 1080))`` left 3
    face pixels at x = 0 uncovered when a sampled check decided the ellipse was enough).
    """
    x, y, w, h = (float(v) for v in face_box)
    iw, ih = int(image_size[0]), int(image_size[1])
    grow = max(1.0, float(grow))
    cx, cy = x + w / 2.0, y + h / 2.0 - FACE_COVER_RAISE * h
    gw, gh = w * grow, h * grow * FACE_COVER_TALLER
    gx1, gy1, gx2, gy2 = cx - gw / 2.0, cy - gh / 2.0, cx + gw / 2.0, cy + gh / 2.0
    cx1, cy1 = max(0, int(math.floor(gx1))), max(0, int(math.floor(gy1)))
    cx2, cy2 = min(iw, int(math.ceil(gx2))), min(ih, int(math.ceil(gy2)))
    if cx2 <= cx1 or cy2 <= cy1:
        # Entirely outside the picture: an empty-area rectangle at the nearest edge.
        cx1, cy1 = min(max(0, cx1), max(0, iw - 1)), min(max(0, cy1), max(0, ih - 1))
        return Cover("rect", box=(cx1, cy1, 1, 1), source="face")
    box = (cx1, cy1, cx2 - cx1, cy2 - cy1)
    clipped = (cx1, cy1, cx2, cy2) != (
        int(math.floor(gx1)), int(math.floor(gy1)), int(math.ceil(gx2)), int(math.ceil(gy2)))
    if clipped:
        return Cover("rect", box=box, source="face")
    return Cover("ellipse", box=box, source="face")


# ------------------------------------------------------------------------------------------


def _shape_bounds(red: Cover) -> tuple[float, float, float, float] | None:
    if red.shape == "polygon":
        pts = red.points or []
        if len(pts) < 3:
            return None
        xs = [float(px) for px, _ in pts]
        ys = [float(py) for _, py in pts]
        return min(xs), min(ys), max(xs) + 1, max(ys) + 1
    if red.shape in ("ellipse", "rect"):
        if not red.box or red.box[2] <= 0 or red.box[3] <= 0:
            return None
        x, y, w, h = (float(v) for v in red.box)
        return x, y, x + w, y + h
    raise ValueError(f"unknown cover shape {red.shape!r}")


def _core_mask(red: Cover, origin: tuple[int, int], size: tuple[int, int]) -> Image.Image | None:
    """Hard mask (L, 0/255) of the area that must be covered completely, drawn in a window of
    ``size`` whose top-left is ``origin`` in image pixels."""
    ox, oy = origin
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    if red.shape == "polygon":
        pts = [(float(px) - ox, float(py) - oy) for px, py in (red.points or [])]
        draw.polygon(pts, fill=255, outline=255)
        # PIL rasterises a polygon by pixel centres; also cover every pixel the edges touch
        draw.line(pts + [pts[0]], fill=255, width=2)
    else:
        if red.box is None:     # _shape_bounds lets no such cover through; never skip one
            raise ExportError(f"a {red.shape} cover has no box, so it cannot be painted")
        x, y, w, h = (int(v) for v in red.box)
        x, y = x - ox, y - oy
        if red.shape == "rect":
            draw.rectangle([x, y, x + w - 1, y + h - 1], fill=255)
        else:
            draw.ellipse([x, y, x + w - 1, y + h - 1], fill=255, outline=255)
    return mask


def _soft_mask(core: Image.Image, feather: int) -> Image.Image:
    """Core stays 255; a soft edge of about ``feather`` px is added *outside* it."""
    if feather <= 0:
        return core
    grown = Image.fromarray(_dilate(np.asarray(core), feather // 2))
    soft = grown.filter(ImageFilter.GaussianBlur(feather / 2.0))
    return Image.fromarray(np.maximum(np.asarray(soft), np.asarray(core)))


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    """The maximum over a (2r+1)-pixel square around each pixel (what Pillow's MaxFilter gives,
    outside pixels counting as 0), as a maximum along rows, then along columns: 4r array passes
    instead of Pillow's per-pixel window, which cost 5 ms a cover (a third of the export's time
    on a group photo)."""
    if r <= 0:
        return mask.copy()
    h, w = mask.shape
    rows = mask.copy()
    for d in range(1, min(r, w - 1) + 1):     # (further than the width reaches nothing more)
        np.maximum(rows[:, d:], mask[:, :w - d], out=rows[:, d:])
        np.maximum(rows[:, :w - d], mask[:, d:], out=rows[:, :w - d])
    out = rows.copy()
    for d in range(1, min(r, h - 1) + 1):
        np.maximum(out[d:], rows[:h - d], out=out[d:])
        np.maximum(out[:h - d], rows[d:], out=out[:h - d])
    return out


def _ring_mean(arr: np.ndarray, core: np.ndarray, bbox, width: int) -> tuple[int, int, int]:
    """Mean colour of a ring just outside the core (never the covered pixels themselves)."""
    h, w = core.shape
    x1, y1, x2, y2 = bbox
    pad = max(3, width)
    rx1, ry1, rx2, ry2 = max(0, x1 - pad), max(0, y1 - pad), min(w, x2 + pad), min(h, y2 + pad)
    region_core = core[ry1:ry2, rx1:rx2] > 0
    ring = ~region_core
    pixels = arr[ry1:ry2, rx1:rx2][ring]
    if pixels.size == 0:
        return NEUTRAL
    mean = pixels.reshape(-1, 3).mean(axis=0)
    # pull a little towards neutral grey so the patch reads as "covered", not as skin
    mixed = 0.7 * mean + 0.3 * np.asarray(NEUTRAL, dtype=np.float64)
    r, g, b = (int(round(v)) for v in mixed)
    return r, g, b


def _pixelate(arr: np.ndarray, bbox, max_blocks: int, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bbox region as at most ``max_blocks`` blocks across (and proportionally down): each
    block's colour (its mean plus strong random noise, nby x nbx x 3) and the block edges down
    and across, relative to the bbox."""
    x1, y1, x2, y2 = bbox
    region = arr[y1:y2, x1:x2]
    rh, rw = region.shape[:2]
    nbx, nby = _block_count(rw, rh, max_blocks)
    ys = np.linspace(0, rh, nby + 1).astype(int)
    xs = np.linspace(0, rw, nbx + 1).astype(int)
    colours = np.zeros((nby, nbx, 3), np.float64)
    for j in range(nby):
        for i in range(nbx):
            blk = region[ys[j]:ys[j + 1], xs[i]:xs[i + 1]]
            if blk.size == 0:
                continue
            mean = blk.reshape(-1, 3).mean(axis=0, dtype=np.float64)
            colours[j, i] = mean + rng.normal(0.0, 18.0, size=3)
    return np.clip(colours, 0, 255), ys, xs


def pixelated(red: Cover, style: str) -> bool:
    """Whether ``red`` is painted as blocks in ``style`` (faces' ellipses in "pixelate"; text
    and rectangles are always solid)."""
    return style == "pixelate" and red.shape == "ellipse" and red.source != "text"


def _block_count(rw: float, rh: float, max_blocks: int) -> tuple[int, int]:
    """How many blocks across and down a pixelated area of ``rw`` x ``rh`` px is painted in."""
    side = max(rw, rh, 1e-9)
    return (max(1, min(max_blocks, int(math.ceil(max_blocks * rw / side)))),
            max(1, min(max_blocks, int(math.ceil(max_blocks * rh / side)))))


#: rows of a cover's window blended at once: a large cover (a face filling the frame) is
#: blended a strip at a time, so its float arrays stay a few megabytes whatever its size
_STRIP_ROWS = 128


def apply_covers(image: Image.Image, covers: list[Cover], *, style: str = "solid",
                 seed: int | None = None, max_blocks: int = 8, in_place: bool = False
                 ) -> Image.Image:
    """A NEW image with every cover painted over; ``image`` is never changed, unless
    ``in_place`` and it is RGB (a picture nobody else uses, such as the export's own decode):
    then it is painted and returned, without a second copy of the photo (48 MB at 12 MP).

    ``style``: "solid" (default) or "pixelate" (faces only; polygons and rectangles from text are
    always solid). ``seed`` makes the pixelation noise repeatable (tests); None uses fresh
    randomness. The result has the input's size and is RGB (RGBA keeps its alpha).
    """
    if style not in STYLES:
        raise ValueError(f"unknown cover style {style!r} (use one of {', '.join(STYLES)})")
    alpha = None
    if image.mode == "RGBA":
        alpha = image.getchannel("A").copy()
    if in_place and image.mode == "RGB":
        out = image
    else:
        out = image.convert("RGB") if image.mode != "RGB" else image.copy()
    rng = np.random.default_rng(seed)
    W, H = out.size
    for red in covers:
        bounds = _shape_bounds(red)
        if bounds is None:
            continue
        bx1, by1, bx2, by2 = bounds
        feather = int(max(2, min(6, round(min(bx2 - bx1, by2 - by1) * 0.04))))
        pad = 3 * feather + 4
        wx1, wy1 = max(0, int(math.floor(bx1)) - pad), max(0, int(math.floor(by1)) - pad)
        wx2, wy2 = min(W, int(math.ceil(bx2)) + pad), min(H, int(math.ceil(by2)) + pad)
        if wx2 <= wx1 or wy2 <= wy1:
            continue
        core = _core_mask(red, (wx1, wy1), (wx2 - wx1, wy2 - wy1))
        core_box = core.getbbox() if core is not None else None
        if core is None or core_box is None:
            continue
        soft = np.asarray(_soft_mask(core, feather))
        core_np = np.asarray(core) > 0
        # the cover's window only (as painted by the covers before it), never the whole photo
        window = np.asarray(out.crop((wx1, wy1, wx2, wy2)), dtype=np.uint8)
        cbx1, cby1, cbx2, cby2 = core_box
        pixelate = pixelated(red, style)
        if pixelate:
            colours, ys, xs = _pixelate(window, (cbx1, cby1, cbx2, cby2), max_blocks, rng)
            # each window pixel's block (pixels beside the core take the nearest block's)
            yy = np.clip(np.arange(window.shape[0]), cby1, cby2 - 1) - cby1
            xx = np.clip(np.arange(window.shape[1]), cbx1, cbx2 - 1) - cbx1
            block_row = np.searchsorted(ys, yy, side="right") - 1
            block_col = np.searchsorted(xs, xx, side="right") - 1
        else:
            colour = np.asarray(_ring_mean(window, core_np, (cbx1, cby1, cbx2, cby2), feather),
                                np.float32)
        painted = np.empty_like(window)
        for r0 in range(0, window.shape[0], _STRIP_ROWS):
            r1 = min(window.shape[0], r0 + _STRIP_ROWS)
            if pixelate:
                fill = colours[block_row[r0:r1]][:, block_col]
            else:
                fill = np.empty((r1 - r0,) + window.shape[1:], np.float32)
                fill[:] = colour
            a = soft[r0:r1].astype(np.float32)[..., None] / np.float32(255.0)
            mixed = window[r0:r1].astype(np.float32) * (1.0 - a) + fill * a
            inside = core_np[r0:r1]
            mixed[inside] = fill[inside]   # the core: exactly the fill, nothing of the original
            painted[r0:r1] = np.clip(np.round(mixed), 0, 255).astype(np.uint8)
        out.paste(Image.fromarray(painted, "RGB"), (wx1, wy1))
    if alpha is not None:
        out.putalpha(alpha)
    return out


# -- the read-back check -------------------------------------------------------------------

#: how far inside a cover's area (px of the copy) its pixels are looked at: past the ringing of
#: JPEG's 8 x 8 blocks and the blur of scaling at its edge
CHECK_INSET = 4
#: how far (px of the full-size photo) a later cover's soft edge and the scaling may reach into
#: an earlier one's area (the feather is at most 6 px; its blur about 3 x that): those pixels
#: are not looked at
CHECK_LATER_REACH = 20
#: the most a covered area's brightness (0-255) may spread (standard deviation) in the picture
#: as rendered and scaled, before it is encoded: the painting is exact there, and scaling's
#: blur stops short of the inset. Measured (s63: 34 photos, 3-25 faces' covers each with text
#: and badge covers, a third over neighbours, and black-and-white checkerboards of 3-7 px;
#: full size and scaled to 2048, 1024 and 512 px; solid and pixelated): at most 0.5
RENDERED_MAX_SPREAD = 1.0
#: the same in the copy as read back from its JPEG file, whose 8 x 8 blocks ring beside a
#: cover's edge at low quality: at most 10 on the checkerboards and 8 on the badge photos at
#: quality 50, the lowest a channel may have. Looser than the rendered check, which catches a
#: cover not painted (a face's area left as it was spreads by 20 and more); this one a copy
#: that lost its covers between the painting and the disk
READ_BACK_MAX_SPREAD = 15.0
CHECK_MIN_PIXELS = 30


def covers_showing_detail(copy: Image.Image, covers: Sequence[Cover],
                          source_size: tuple[int, int], *, style: str = "solid",
                          max_blocks: int = 8, max_spread: float = RENDERED_MAX_SPREAD) -> list[int]:
    """The indices of ``covers`` whose area shows detail in ``copy``: the export as rendered
    (``max_spread`` ``RENDERED_MAX_SPREAD``) or as read back from its file
    (``READ_BACK_MAX_SPREAD``), scaled from the ``source_size`` the covers are in. Each
    cover's area, where no later cover (they are painted in order) reaches, ``CHECK_INSET`` px
    inside its edge, must be one flat colour (each block of a pixelated face one colour): a
    brightness spread over ``max_spread`` means the picture under it shows (a cover not
    painted, painted partly, in the wrong place or translucent). Areas too small to look at in
    the copy (``CHECK_MIN_PIXELS``, a face of a few px after scaling) are not judged. Pure; the
    export refuses a copy with any (principle 4)."""
    luma = np.asarray(copy.convert("L"))          # uint8: its spread from a count of each level
    oh, ow = luma.shape
    sx, sy = ow / float(source_size[0]), oh / float(source_size[1])
    reach = int(math.ceil(CHECK_LATER_REACH * max(sx, sy)))
    boxes: list[tuple[int, int, int, int] | None] = []
    for red in covers:
        b = _shape_bounds(red)
        boxes.append(None if b is None else (
            int(math.floor(b[0] * sx)), int(math.floor(b[1] * sy)),
            int(math.ceil(b[2] * sx)), int(math.ceil(b[3] * sy))))
    bad = []
    for i, red in enumerate(covers):
        box = boxes[i]
        if box is None:
            continue
        x0, y0 = max(0, box[0] - 1), max(0, box[1] - 1)
        x1, y1 = min(ow, box[2] + 1), min(oh, box[3] + 1)
        if x1 - x0 < 3 or y1 - y0 < 3:
            continue
        own = np.asarray(_scaled_core(red, sx, sy, (x0, y0), (x1 - x0, y1 - y0))) > 0
        for later in boxes[i + 1:]:
            if later is None:
                continue
            lx0, ly0 = max(x0, later[0] - reach), max(y0, later[1] - reach)
            lx1, ly1 = min(x1, later[2] + reach), min(y1, later[3] + reach)
            if lx1 > lx0 and ly1 > ly0:
                own[ly0 - y0:ly1 - y0, lx0 - x0:lx1 - x0] = False
        if int(own.sum()) < CHECK_MIN_PIXELS:
            continue
        # the inset: what is CHECK_INSET px from the area's edge (the picture's edge is no
        # edge of it: nothing rings there)
        inner = ~_dilate(~own, CHECK_INSET)
        window = luma[y0:y1, x0:x1]
        # (rows, columns) of the window to judge as one: the whole area, or each block of a
        # pixelated face (a view each, never a window-sized mask a block: 64 of them held
        # 255 MB for a face filling a 12 MP copy)
        parts: list[tuple[slice, slice]] = [(slice(None), slice(None))]
        if pixelated(red, style):
            b = _shape_bounds(red)
            assert b is not None
            nbx, nby = _block_count(b[2] - b[0], b[3] - b[1], max_blocks)
            xs = np.linspace(b[0], b[2], nbx + 1) * sx - x0
            ys = np.linspace(b[1], b[3], nby + 1) * sy - y0
            parts = []
            for j in range(nby):
                for k in range(nbx):
                    bx0, bx1 = int(math.ceil(xs[k])) + CHECK_INSET, int(xs[k + 1]) - CHECK_INSET
                    by0, by1 = int(math.ceil(ys[j])) + CHECK_INSET, int(ys[j + 1]) - CHECK_INSET
                    if bx1 > bx0 and by1 > by0:
                        parts.append((slice(max(0, by0), max(0, by1)),
                                      slice(max(0, bx0), max(0, bx1))))
        for rows, cols in parts:
            part = inner[rows, cols]
            if int(part.sum()) >= CHECK_MIN_PIXELS and \
                    _spread(window[rows, cols][part]) > max_spread:
                bad.append(i)
                break
    return bad


_LEVELS = np.arange(256, dtype=np.float64)


def _spread(levels: np.ndarray) -> float:
    """The standard deviation of ``levels`` (uint8), from a count of each level: the same
    figure as ``numpy.std`` without a float copy of them (a cover filling a 12 MP copy: 0.33 s
    and 48 MB for ``std``)."""
    counts = np.bincount(levels, minlength=256).astype(np.float64)
    n = counts.sum()
    mean = float(counts @ _LEVELS) / n
    return math.sqrt(max(0.0, float(counts @ (_LEVELS - mean) ** 2) / n))


def _scaled_core(red: Cover, sx: float, sy: float, origin: tuple[int, int],
                 size: tuple[int, int]) -> Image.Image:
    """``red``'s area scaled by ``sx``, ``sy`` (L, 0/255) in a window of ``size`` at ``origin``
    of the scaled picture: only the pixels wholly inside it are set (a pixel the scaling mixed
    with the picture around is no pixel of the cover)."""
    ox, oy = origin
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    if red.shape == "polygon":
        draw.polygon([(float(px) * sx - ox, float(py) * sy - oy) for px, py in red.points or []],
                     fill=255)
    else:
        assert red.box is not None
        x, y, w, h = (float(v) for v in red.box)
        box = [math.ceil(x * sx) - ox, math.ceil(y * sy) - oy,
               math.floor((x + w) * sx) - 1 - ox, math.floor((y + h) * sy) - 1 - oy]
        if box[2] < box[0] or box[3] < box[1]:
            return mask
        (draw.rectangle if red.shape == "rect" else draw.ellipse)(box, fill=255)
    return mask


def grow_polygon(poly: Sequence[tuple[float, float]] | np.ndarray, pad_frac: float = 0.25,
                  min_pad: float = 3.0) -> list[tuple[float, float]]:
    """Grow a 4-point text box outwards along its own axes (by a share of its line height)."""
    p = np.asarray(poly, dtype=np.float64).reshape(4, 2)
    across = ((p[3] - p[0]) + (p[2] - p[1])) / 2.0       # top -> bottom
    along = ((p[1] - p[0]) + (p[2] - p[3])) / 2.0        # left -> right
    h, w = np.linalg.norm(across), np.linalg.norm(along)
    if h < 1e-6 or w < 1e-6:
        c = p.mean(axis=0)
        r = max(min_pad, 2.0)
        return [(c[0] - r, c[1] - r), (c[0] + r, c[1] - r), (c[0] + r, c[1] + r), (c[0] - r, c[1] + r)]
    line_h = min(h, w)
    pad = max(min_pad, pad_frac * line_h)
    u, v = along / w, across / h
    grown = [p[0] - u * pad - v * pad, p[1] + u * pad - v * pad,
             p[2] + u * pad + v * pad, p[3] - u * pad + v * pad]
    return [(float(x), float(y)) for x, y in grown]


def text_cover(polygon: Sequence[tuple[float, float]], label: str = "") -> Cover:
    """The area covering a line of text: its box grown by a quarter of the line height (at
    least 3 px) along its own axes, so tight OCR boxes still cover the glyphs."""
    return Cover(shape="polygon", points=grow_polygon(polygon), source="text", label=label)


#: a badge's other printed lines around a line worn on it (``card_covers``): how far above the
#: line, in its own line heights, and how far to each side, as a share of its width. Measured
#: on ../shared/data/badges (bench/text.py, the school's name and initials with the rule on,
#: s44): none 23/30; 2 and 3 line heights 27/30; 4: 28/30, no decoy half covered (a sign
#: "Sports Day 2026" 0.14 covered); 6: 30/30 but a staff name and a stranger's name beside
#: pupils half covered. The two left are printed 5 and 8 of the name's line heights above it
#: on a lanyard card.
CARD_UP = 4.0
CARD_SIDE = 0.35


def card_covers(polygon: Sequence[tuple[float, float]], label: str = "") -> list[Cover]:
    """The rest of a badge around a line printed on it (a pupil's name): a band above the line
    ``CARD_UP`` line heights high and wider than it by ``CARD_SIDE`` of its width on each side,
    and the two stretches beside the line, all along the line's own tilt. The line itself is
    left out (it has its own cover, or is kept: a name shown stays readable). Where a channel
    hides the school, the school's name and initials printed small above or beside a pupil's
    name are under it even when they were not read (s44: 7 of 30 on the badge photos)."""
    p = np.asarray(polygon, dtype=np.float64).reshape(4, 2)
    across = ((p[3] - p[0]) + (p[2] - p[1])) / 2.0       # top -> bottom
    along = ((p[1] - p[0]) + (p[2] - p[3])) / 2.0        # left -> right
    h, w = np.linalg.norm(across), np.linalg.norm(along)
    if h < 1e-6 or w < 1e-6:
        return []
    u, v = along / w, across / h
    side, up = u * max(3.0, CARD_SIDE * w), v * max(6.0, CARD_UP * h)
    tl, tr, br, bl = p[0], p[1], p[2], p[3]
    quads = (
        (tl - side - up, tr + side - up, tr + side, tl - side),   # above, the full width
        (tl - side, tl, bl, bl - side),                           # to the left of the line
        (tr, tr + side, br + side, br),                           # to the right of the line
    )
    return [Cover(shape="polygon", points=[(float(x), float(y)) for x, y in q], source="text",
                  label=label) for q in quads]
