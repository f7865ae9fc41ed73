"""Test clips made by PyAV in a second or two, with their ground truth (nothing downloaded,
nothing from ../shared).

- ``draw_face``: a shaded drawn face (hair, brows, eyes with irises, nose shadow, lips, a fine
  skin texture) that CenterFace finds at 32-180 px (a flat cartoon face scores under 0.3 above
  about 90 px: flat areas look like nothing the network was trained on);
- ``make_clip``: faces moving along straight or wavy paths, entering and leaving the picture,
  a name badge riding under a face, a tone for sound (optionally with holes in it), display
  rotation, any container and codec the wheel encodes, container metadata (QuickTime GPS,
  Apple keys), cover art, a subtitle track, chapters;
- ``inject_udta_xyz``: an Android-style ``moov/udta/©xyz`` GPS atom; ``truncate``: a file cut
  short; ``vfr_clip``: variable frame rate.

Ground truth: per frame, the face boxes (x1, y1, x2, y2) in DISPLAY pixels (what a viewer sees
after rotation), and the badge boxes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from photovet.core.media.video.boxes import boxes

SKINS = [(214, 168, 136), (170, 120, 90), (240, 200, 170), (120, 80, 60)]
HAIRS = [(60, 40, 30), (20, 20, 20), (150, 110, 60), (90, 60, 40)]
#: where the face oval sits in draw_face's square (what a detector box roughly covers)
FACE_OVAL = (0.22, 0.14, 0.78, 0.88)


def draw_face(size: int, variant: int = 0) -> Image.Image:
    """An RGBA face, ``size`` px square."""
    skin, hair = SKINS[variant % len(SKINS)], HAIRS[(variant // len(SKINS) + variant) % len(HAIRS)]
    s = max(64, size * 4)
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)

    def shade(c, k):
        return tuple(int(v * k) for v in c) + (255,)

    d.ellipse([s * .22, s * .08, s * .78, s * .62], fill=hair + (255,))
    d.rectangle([s * .40, s * .78, s * .60, s * 1.0], fill=shade(skin, .85))
    d.ellipse([s * .17, s * .42, s * .25, s * .58], fill=skin + (255,))
    d.ellipse([s * .75, s * .42, s * .83, s * .58], fill=skin + (255,))
    d.ellipse([s * .24, s * .2, s * .76, s * .88], fill=skin + (255,))
    d.chord([s * .24, s * .12, s * .76, s * .5], 180, 360, fill=hair + (255,))
    for cx in (.38, .62):
        d.line([s * (cx - .08), s * .40, s * (cx + .07), s * .39], fill=hair + (255,),
               width=int(s * .025))
        d.ellipse([s * (cx - .07), s * .44, s * (cx + .07), s * .51], fill=(245, 245, 240, 255))
        d.ellipse([s * (cx - .03), s * .445, s * (cx + .03), s * .505], fill=(70, 50, 40, 255))
        d.ellipse([s * (cx - .013), s * .465, s * (cx + .013), s * .49], fill=(10, 10, 10, 255))
    d.polygon([(s * .5, s * .5), (s * .46, s * .64), (s * .54, s * .64)], fill=shade(skin, .85))
    d.ellipse([s * .455, s * .62, s * .49, s * .65], fill=shade(skin, .6))
    d.ellipse([s * .51, s * .62, s * .545, s * .65], fill=shade(skin, .6))
    d.chord([s * .40, s * .68, s * .60, s * .78], 0, 180, fill=(170, 70, 70, 255))
    d.line([s * .40, s * .71, s * .60, s * .71], fill=(120, 40, 40, 255), width=max(1, int(s * .01)))
    img = img.filter(ImageFilter.GaussianBlur(s / 160))
    img = img.resize((size, size), Image.Resampling.LANCZOS)
    a = np.asarray(img).astype(np.float32)
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.sqrt(((xx - size / 2) / (0.3 * size)) ** 2 + ((yy - size * 0.52) / (0.38 * size)) ** 2)
    a[..., :3] *= np.clip(1.0 - 0.35 * r ** 2, 0.45, 1.0)[..., None]
    a[..., :3] += np.random.default_rng(variant).normal(0, 10, (size, size, 1))
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGBA")
    return out.filter(ImageFilter.GaussianBlur(max(0.5, size / 200)))


def _font(px: int):
    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, px)
        except OSError:
            continue
    return ImageFont.load_default(px)


def _small_print(text: str, height: int) -> Image.Image:
    """``text`` in black on white, ``height`` px high (a badge's small print)."""
    f = _font(max(6, int(height * 0.85)))
    w = int(f.getlength(text)) + 4
    img = Image.new("RGBA", (w, height), (255, 255, 255, 255))
    ImageDraw.Draw(img).text((2, height // 2), text, fill=(0, 0, 0, 255), font=f, anchor="lm")
    return img


def draw_badge(text: str, height: int) -> Image.Image:
    f = _font(int(height * 0.6))
    w = int(f.getlength(text)) + height
    img = Image.new("RGBA", (w, height), (255, 255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w - 1, height - 1], outline=(0, 70, 160, 255), width=max(1, height // 12))
    d.text((height // 2, height // 2), text, fill=(0, 0, 0, 255), font=f, anchor="lm")
    return img


@dataclass
class Mover:
    """A face moving from ``start`` to ``end`` (centre, display px) between ``t0`` and ``t1``
    seconds (visible only then), optionally waving ``wobble`` px with period ``period`` s."""

    size: int
    start: tuple[float, float]
    end: tuple[float, float]
    t0: float = 0.0
    t1: float = 1e9
    wobble: float = 0.0
    period: float = 1.0
    variant: int = 1
    badge: str | None = None
    #: small print on the badge card above ``badge`` (the school's name on a pupil's badge,
    #: ``badge_top_px`` high): its box is in the truth's ``badge_tops``
    badge_top: str | None = None
    badge_top_px: int = 9
    #: degrees (0, 90, 180, 270) the face is turned counter-clockwise: lying on its side
    turn: int = 0

    def centre(self, t: float, duration: float) -> tuple[float, float]:
        t1 = min(self.t1, duration)
        u = 0.0 if t1 <= self.t0 else (t - self.t0) / (t1 - self.t0)
        x = self.start[0] + (self.end[0] - self.start[0]) * u
        y = self.start[1] + (self.end[1] - self.start[1]) * u
        if self.wobble:
            y += self.wobble * math.sin(2 * math.pi * t / self.period)
        return x, y


def _turned(face: Image.Image, turn: int) -> Image.Image:
    """``face`` (square) turned ``turn`` degrees counter-clockwise (a multiple of 90)."""
    k = (int(turn) // 90) % 4
    return face if not k else face.transpose(
        (Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270)[k - 1])


def _turned_oval(turn: int) -> tuple[float, float, float, float]:
    """FACE_OVAL (shares of the square) on a face turned ``turn`` degrees counter-clockwise."""
    x1, y1, x2, y2 = FACE_OVAL
    for _ in range((int(turn) // 90) % 4):          # (x, y) -> (y, 1 - x)
        x1, y1, x2, y2 = y1, 1 - x2, y2, 1 - x1
    return x1, y1, x2, y2


def background(w: int, h: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([60 + 40 * np.sin(xx / 97.0) + 30 * np.cos(yy / 53.0),
                     90 + 30 * np.sin((xx + yy) / 71.0),
                     120 + 40 * np.cos(xx / 41.0 - yy / 89.0)], axis=-1)
    return np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)


@dataclass
class Card:
    """A name card with no face (a caption, a held sign): ``text`` on a white card ``height``
    px high, its top left at ``at`` (display px), on screen from ``t0`` to ``t1`` seconds."""

    text: str
    at: tuple[int, int]
    t0: float
    t1: float
    height: int = 28
    #: px per frame the card moves in the picture (held still in a panning scene: the pan)
    velocity: tuple[float, float] = (0.0, 0.0)

    def where(self, t: float, fps: float) -> tuple[int, int]:
        k = (t - self.t0) * fps
        return (int(round(self.at[0] + self.velocity[0] * k)),
                int(round(self.at[1] + self.velocity[1] * k)))


@dataclass
class Picture:
    """A picture with no face (the school's crest on a banner, a sign or a jumper): ``image``
    pasted with its top left at ``at`` (display px), on screen from ``t0`` to ``t1`` seconds,
    moving ``velocity`` px a frame."""

    image: Image.Image
    at: tuple[int, int]
    t0: float = 0.0
    t1: float = 1e9
    velocity: tuple[float, float] = (0.0, 0.0)

    def where(self, t: float, fps: float) -> tuple[int, int]:
        k = (t - self.t0) * fps
        return (int(round(self.at[0] + self.velocity[0] * k)),
                int(round(self.at[1] + self.velocity[1] * k)))


@dataclass
class Clip:
    path: Path
    size: tuple[int, int]              # display
    fps: float
    frames: int
    faces: list[list[tuple[float, float, float, float]]] = field(default_factory=list)
    badges: list[list[tuple[float, float, float, float]]] = field(default_factory=list)
    #: per frame, the boxes of the ``pictures`` on screen
    pictures: list[list[tuple[float, float, float, float]]] = field(default_factory=list)
    #: per frame, the boxes of the small print above the movers' badges (``Mover.badge_top``)
    badge_tops: list[list[tuple[float, float, float, float]]] = field(default_factory=list)


def tone(a, seconds: float, holes: Sequence[tuple[float, float]] = ()) -> None:
    """A 440 Hz tone on sound stream ``a``; no sound at all (no packets) in ``holes``."""
    cc = a.codec_context
    rate = cc.sample_rate
    fs = cc.frame_size or 1024
    nch = 1 if cc.layout.name == "mono" else 2
    total = int(seconds * rate)
    container = a.container
    for k in range(0, total, fs):
        t = k / rate
        if any(h0 <= t < h1 for h0, h1 in holes):
            continue
        ts = np.arange(k, min(total, k + fs)) / rate
        tone = (0.2 * np.sin(2 * np.pi * 440 * ts)).astype(np.float32)
        if len(tone) < fs:
            tone = np.pad(tone, (0, fs - len(tone)))
        fmt = cc.format.name
        if fmt == "s16":
            data = (np.tile(tone, (nch, 1)).T.reshape(1, -1) * 32767).astype(np.int16)
        elif fmt.endswith("p"):
            data = np.tile(tone, (nch, 1))
        else:
            data = np.tile(tone, (nch, 1)).T.reshape(1, -1)
        af = av.AudioFrame.from_ndarray(data, format=fmt, layout=cc.layout.name)
        af.sample_rate, af.pts = rate, k
        for p in a.encode(af):
            container.mux(p)
    for p in a.encode():
        container.mux(p)


def encode_frames(v, pictures) -> None:
    """Each RGB picture (h, w, 3 uint8) of ``pictures`` as the next frame of video stream ``v``
    (pts 0, 1, 2...), muxed into its container, then the encoder's last frames."""
    container = v.container
    for i, img in enumerate(pictures):
        f = av.VideoFrame.from_ndarray(img, format="rgb24")
        f.pts = i
        for p in v.encode(f):
            container.mux(p)
    for p in v.encode():
        container.mux(p)


def make_clip(path: str | Path, *, size: tuple[int, int] = (320, 240), fps: int = 30,
              seconds: float = 2.0, movers: Sequence[Mover] = (), codec: str = "libx264",
              fmt: str | None = None, rotation: int = 0, audio: bool = True,
              audio_holes: Sequence[tuple[float, float]] = (),
              metadata: dict[str, str] | None = None, fmt_options: dict[str, str] | None = None,
              cover_art: bool = False, subtitle: str | None = None,
              chapters: Sequence[tuple[float, float, str]] = (), pix_fmt: str = "yuv420p",
              background_seed: int = 0, cut_at: float | None = None,
              cards: Sequence[Card] = (), pan: tuple[int, int] = (0, 0),
              swaps: Sequence[tuple[tuple[int, int], int, int]] = (),
              pictures: Sequence[Picture] = ()) -> Clip:
    """Write a clip; return its ground truth. ``rotation``: counter-clockwise degrees a player
    turns the stored picture. ``cut_at``: a scene cut (another background) at that second.
    ``cards``: name cards with no face (their boxes are in the truth's ``badges``). ``pan``:
    the camera pans, the background moving (dx, dy) whole px a frame (a card held in the scene
    moves with it: give it the same ``velocity``). ``swaps``: ((x, y), period, phase) each, an
    80 x 30 px patch fixed in the picture (a screen, a light panel) whose dark and light halves
    swap every ``period`` frames from frame ``phase``: something that changes and then holds
    still, the picture's brightness unchanged. ``pictures``: pictures with no face (a crest;
    their boxes are in the truth's ``pictures``)."""
    path = Path(path)
    W, H = size
    n = int(round(seconds * fps))
    px, py = abs(pan[0]) * n, abs(pan[1]) * n
    scene = background(W + px, H + py, background_seed)
    bg = scene[:H, :W]
    bg2 = np.ascontiguousarray(255 - bg[::-1]) if cut_at is not None else bg
    rng = np.random.default_rng(1)
    sprites = {id(m): _turned(draw_face(m.size, m.variant), m.turn) for m in movers}
    badges = {id(m): draw_badge(m.badge, max(12, m.size // 4)) for m in movers if m.badge}
    card_pics = [draw_badge(c.text, c.height) for c in cards]
    tops = {id(m): _small_print(m.badge_top, m.badge_top_px) for m in movers if m.badge_top}
    truth = Clip(path, (W, H), float(fps), n)
    c = av.open(str(path), "w", format=fmt, container_options=fmt_options or {})
    if metadata:
        c.metadata.update(metadata)
    quiet = {"libx265": {"x265-params": "log-level=none"},
             "libsvtav1": {"svtav1-params": "log-level=0"}}
    v = c.add_stream(codec, rate=fps, options=quiet.get(codec, {}))
    cw, ch = (H, W) if rotation in (90, 270) else (W, H)
    v.width, v.height, v.pix_fmt = cw, ch, pix_fmt
    if rotation:
        v.set_display_rotation(rotation)
    a = None
    if audio:
        acodec = {"webm": "libopus", "3gp": "libopencore_amrnb"}.get(
            fmt or path.suffix.lstrip("."), "aac")
        rate = 8000 if acodec == "libopencore_amrnb" else 48000
        layout = "mono" if acodec == "libopencore_amrnb" else "stereo"
        a = c.add_stream(acodec, rate=rate, layout=layout)
        if acodec == "libopencore_amrnb":
            a.bit_rate = 12200
    art = sub = None
    if cover_art:
        art = c.add_stream("png")
        art.width, art.height, art.pix_fmt = 32, 32, "rgb24"
        art.disposition = av.stream.Disposition.attached_pic
    if subtitle is not None:
        sub = c.add_mux_stream("mov_text", time_base=Fraction(1, 1000))
    if chapters:
        c.set_chapters([{"id": k + 1, "start": int(s0 * 1000), "end": int(s1 * 1000),
                         "time_base": Fraction(1, 1000), "metadata": {"title": title}}
                        for k, (s0, s1, title) in enumerate(chapters)])
    for i in range(n):
        t = i / fps
        if pan != (0, 0):
            # the scene moves by ``pan`` a frame: the window onto it moves the other way
            x0 = -i * pan[0] if pan[0] < 0 else px - i * pan[0]
            y0 = -i * pan[1] if pan[1] < 0 else py - i * pan[1]
            bg = scene[y0:y0 + H, x0:x0 + W]
        img = Image.fromarray((bg2 if cut_at is not None and t >= cut_at else bg).copy())
        boxes, bboxes, tboxes = [], [], []
        for m in movers:
            if not (m.t0 <= t < m.t1):
                continue
            cx, cy = m.centre(t, seconds)
            sp = sprites[id(m)]
            x0, y0 = int(round(cx - m.size / 2)), int(round(cy - m.size / 2))
            img.paste(sp, (x0, y0), sp)
            ox1, oy1, ox2, oy2 = _turned_oval(m.turn)
            fx1, fy1 = x0 + ox1 * m.size, y0 + oy1 * m.size
            fx2, fy2 = x0 + ox2 * m.size, y0 + oy2 * m.size
            vis = (max(0, fx1), max(0, fy1), min(W, fx2), min(H, fy2))
            if vis[2] - vis[0] > 0.3 * (fx2 - fx1) and vis[3] - vis[1] > 0.3 * (fy2 - fy1):
                boxes.append(vis)
            if m.badge:
                b = badges[id(m)]
                bx, by = int(cx - b.width / 2), int(y0 + m.size * 1.05)
                img.paste(b, (bx, by), b)
                bboxes.append((max(0, bx), max(0, by), min(W, bx + b.width), min(H, by + b.height)))
                if id(m) in tops:       # printed on the card just above the name
                    tp = tops[id(m)]
                    tx, ty = int(cx - tp.width / 2), by - tp.height - 2
                    img.paste(tp, (tx, ty), tp)
                    tboxes.append((max(0, tx), max(0, ty), min(W, tx + tp.width),
                                   min(H, ty + tp.height)))
        for card, pic in zip(cards, card_pics):
            if card.t0 <= t < card.t1:
                at = card.where(t, fps)
                img.paste(pic, at, pic)
                bboxes.append((max(0, at[0]), max(0, at[1]),
                               min(W, at[0] + pic.width), min(H, at[1] + pic.height)))
        pboxes = []
        for pic in pictures:
            if pic.t0 <= t < pic.t1:
                at = pic.where(t, fps)
                im = pic.image.convert("RGBA")
                img.paste(im, at, im)
                pboxes.append((max(0, at[0]), max(0, at[1]),
                               min(W, at[0] + im.width), min(H, at[1] + im.height)))
        arr = np.asarray(img)
        if swaps:
            arr = arr.copy()
            for (sx, sy), period, phase in swaps:
                flip = ((i - phase) // period) % 2 if i >= phase else 0
                arr[sy:sy + 30, sx:sx + 80] = 220
                arr[sy:sy + 30, sx + 40 * flip:sx + 40 + 40 * flip] = 30
        arr = np.clip(arr.astype(np.int16) + rng.integers(-3, 4, arr.shape, dtype=np.int16),
                      0, 255).astype(np.uint8)
        if rotation:
            arr = np.ascontiguousarray(np.rot90(arr, -(rotation // 90)))
        f = av.VideoFrame.from_ndarray(arr, format="rgb24")
        f.pts = i
        for p in v.encode(f):
            c.mux(p)
        truth.faces.append(boxes)
        truth.badges.append(bboxes)
        truth.pictures.append(pboxes)
        truth.badge_tops.append(tboxes)
    for p in v.encode():
        c.mux(p)
    if a is not None:
        tone(a, seconds, audio_holes)
    if art is not None:
        buf = io.BytesIO()
        Image.new("RGB", (32, 32), (200, 30, 30)).save(buf, "PNG")
        pk = av.Packet(buf.getvalue())
        pk.stream, pk.pts, pk.dts = art, 0, 0
        c.mux(pk)
    if sub is not None:
        txt = subtitle.encode("utf-8")
        pk = av.Packet(len(txt).to_bytes(2, "big") + txt)
        pk.stream = sub
        pk.time_base = Fraction(1, 1000)
        pk.pts = pk.dts = 0
        pk.duration = int(seconds * 1000)
        c.mux(pk)
    c.close()
    return truth


def vfr_clip(path: str | Path, steps: Sequence[float]) -> list[float]:
    """A clip whose frames are ``steps`` seconds apart (variable frame rate); their times."""
    times = list(np.cumsum([0.0] + list(steps)))
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 320, 240, "yuv420p"
        s.codec_context.time_base = Fraction(1, 90000)
        for k, t in enumerate(times):
            f = av.VideoFrame.from_ndarray(np.full((240, 320, 3), (k * 5) % 255, np.uint8),
                                           format="rgb24")
            f.pts, f.time_base = int(round(t * 90000)), Fraction(1, 90000)
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return times


def _box(typ: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + typ + payload


def inject_udta_xyz(path: str | Path, iso6709: str = "+51.5074-000.1278/",
                    make: str = "samsung", model: str = "SM-G991B") -> None:
    """Add an Android-style ``moov/udta`` with ``©xyz`` (GPS), ``©mak`` and ``©mod`` to an MP4
    whose index is its LAST box (PyAV's default without faststart): no sample offset moves."""
    p = Path(path)
    data = bytearray(p.read_bytes())
    i, moov = 0, None
    while i + 8 <= len(data):
        size = int.from_bytes(data[i:i + 4], "big")
        if data[i + 4:i + 8] == b"moov":
            moov = (i, size)
        i += size
    if moov is None or moov[0] + moov[1] != len(data):
        raise ValueError("moov must be the last box (write without faststart)")

    def qt_string(tag: bytes, s: str) -> bytes:
        raw = s.encode("utf-8")
        return _box(tag, len(raw).to_bytes(2, "big") + (0x15c7).to_bytes(2, "big") + raw)

    udta = _box(b"udta", qt_string(b"\xa9xyz", iso6709) + qt_string(b"\xa9mak", make)
                + qt_string(b"\xa9mod", model))
    start, size = moov
    data[start:start + 4] = (size + len(udta)).to_bytes(4, "big")
    data += udta
    p.write_bytes(bytes(data))


def join_clips(clips: Sequence[Clip], dst: str | Path, fmt: str = "webm") -> Clip:
    """The clips' pictures one after the other in one file, without encoding again (their
    packets copied, each clip's times after the last's): a picture that changes size part of
    the way through when the clips' sizes differ (clips joined together, a screen or call
    recording). The truth is the first clip's size: each later clip's boxes scaled to it, as
    a player (and an export) shows them."""
    first = clips[0]
    W, H = first.size
    truth = Clip(Path(dst), (W, H), first.fps, 0)
    with av.open(str(dst), "w", format=fmt) as oc:
        with av.open(str(first.path)) as ic:
            out = oc.add_stream_from_template(ic.streams.video[0])
        offset = 0
        for clip in clips:
            kx, ky = W / clip.size[0], H / clip.size[1]
            for name in ("faces", "badges", "pictures"):
                getattr(truth, name).extend(
                    [[(x1 * kx, y1 * ky, x2 * kx, y2 * ky) for x1, y1, x2, y2 in boxes]
                     for boxes in getattr(clip, name)])
            truth.frames += clip.frames
            end = offset
            with av.open(str(clip.path)) as ic:
                for pk in ic.demux(ic.streams.video[0]):
                    if pk.dts is None:
                        continue
                    pk.pts += offset
                    pk.dts += offset
                    end = max(end, pk.pts + (pk.duration or 0))
                    pk.stream = out
                    oc.mux(pk)
            offset = end
    return truth


def truncate(src: str | Path, dst: str | Path, keep: float = 0.6) -> Path:
    data = Path(src).read_bytes()
    Path(dst).write_bytes(data[: int(len(data) * keep)])
    return Path(dst)


def decode_rgb(path: str | Path):
    """Every frame of a file as RGB (as a player shows it: PyAV does not turn pixels, and our
    exports carry no rotation)."""
    with av.open(str(path)) as c:
        for f in c.decode(video=0):
            yield f.to_ndarray(format="rgb24")


def assert_covered(out_path: str | Path, boxes_per_frame, shrink: float = 0.12,
                   what: str = "faces") -> float:
    """In every exported frame, the inner part of every true box is the flat grey cover: no
    original pixel survives. Returns the worst mean deviation from grey."""
    worst = 0.0
    for i, rgb in enumerate(decode_rgb(out_path)):
        for (x1, y1, x2, y2) in boxes_per_frame[i]:
            dx, dy = (x2 - x1) * shrink, (y2 - y1) * shrink
            a, b, c, d = int(x1 + dx), int(y1 + dy), int(x2 - dx), int(y2 - dy)
            if c - a < 2 or d - b < 2:
                continue
            dev = float(np.abs(rgb[b:d, a:c].astype(int) - 128).mean())
            worst = max(worst, dev)
            assert dev < 10, (f"frame {i}: {what} box {(a, b, c, d)} not covered "
                              f"(mean |px - 128| {dev:.1f})")
    return worst


def make_live_clip(beside: Path) -> Path:
    """The Live Photo clip an iPhone keeps with the photo ``beside`` (STEM.MOV, its QuickTime
    metadata carrying Apple's content id), as copying the phone's photos to a PC brings it."""
    clip = beside.with_suffix(".MOV")
    make_clip(clip, size=(64, 48), seconds=1.5, fmt="mov",
              metadata={"com.apple.quicktime.content.identifier": "1F2E3D4C-0000-4A5B"},
              fmt_options={"movflags": "use_metadata_tags"})
    return clip


#: the colour of the square ``RedFaces`` takes for a face
RED = (220, 30, 30)


class RedFaces:
    """A face engine that finds the ``RED`` square of a made clip (a face nobody knows:
    covered), in the picture it is given (so as the analysis turned and mirrored it)."""

    def detect_passes(self, passes, threshold=0.3, tile=1024):
        rgb, kx, ky = passes[0]
        m = np.all(np.abs(rgb.astype(int) - RED) < 40, axis=-1)
        ys, xs = np.nonzero(m)
        out = []
        if len(xs) > 20:
            out.append([xs.min() * kx, ys.min() * ky, (xs.max() + 1) * kx, (ys.max() + 1) * ky,
                        0.95])
        return np.asarray(out, float).reshape(-1, 5), np.zeros((len(out), 10))

    def encode(self, image, faces, model=None):
        return [None for _ in faces]


def wide_pixels(src, dst, sar: Fraction) -> None:
    """``src``'s H.264 packets copied into ``dst``, its pixels said to be ``sar`` wide (in the
    stream's own headers and the container's), as a camcorder writes them."""
    with av.open(str(src)) as ic, av.open(str(dst), "w") as oc:
        vin = ic.streams.video[0]
        out = oc.add_stream_from_template(vin)
        out.codec_context.sample_aspect_ratio = sar
        bsf = av.BitStreamFilterContext(
            f"h264_metadata=sample_aspect_ratio={sar.numerator}/{sar.denominator}", vin, out)
        for pk in ic.demux(vin):
            for q in bsf.filter(pk if pk.size else None):
                q.stream = out
                oc.mux(q)


def track_headers(data: bytes | bytearray) -> list[int]:
    """Where the body of every track header box (``moov/trak/tkhd``: a version byte, 3 flag
    bytes, ... the display matrix) of an MP4's bytes starts, track by track: for tests that
    change a made clip's flags or matrix in place."""
    out = []
    for t, o, h, n in boxes(data, 0, len(data)):
        if t != b"moov":
            continue
        for t2, o2, h2, n2 in boxes(data, o + h, o + n):
            if t2 == b"trak":
                out += [o3 + h3 for t3, o3, h3, _ in boxes(data, o2 + h2, o2 + n2)
                        if t3 == b"tkhd"]
    return out


def export_one(engine, an, out: Path, channel):
    """Export the one checked video ``an`` for ``channel`` into folder ``out`` (made here) in a
    batch of its own: its ExportResult."""
    from photovet.core.pipeline import export_batch

    out.mkdir(exist_ok=True)
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=engine,
                                             channel=channel) if s.result is not None]
    return res
