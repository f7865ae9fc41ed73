"""A video whose display matrix mirrors the picture (s64): a front camera's clip, or one flipped
in an app; a player shows it flipped. FFmpeg's ``rotation`` reads a left-right mirror as a half
turn (and an upside-down one as no turn at all), and PhotoVet checked and exported such a clip
turned 180 degrees: upside down where a player shows it the right way up, its faces looked for
upside down. It is now refused with the reason, at the check and again at the export (an
analysis made before, from the cache); so is a picture turned by other than a quarter turn.
Quarter turns are shown, checked and covered as a player shows them, as before."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import av
import numpy as np
import pytest

from photovet.core.errors import UnsupportedVideoError, VideoError
from photovet.core.media.video.boxes import boxes
from photovet.core.media.video.covers import CoverPlan
from photovet.core.media.video.render import RenderOptions, render
from photovet.core.models import Channel
from photovet.core.pipeline import Engine, export_batch
from photovet.core.settings import Settings

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")
RED = (220, 30, 30)
BLUE = (30, 30, 220)
W, H = 320, 240
FACE = (20, 20, 64, 70)          # x1, y1, x2, y2 as stored: the top left
MARK = (250, 180, 300, 220)      # a blue mark, bottom right as stored


class RedFaces:
    """Finds the red square (a face nobody knows: covered)."""

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


def make(path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as c:
        v = c.add_stream("libx264", rate=30)
        v.width, v.height, v.pix_fmt = W, H, "yuv420p"
        for i in range(15):
            img = np.full((H, W, 3), 90, np.uint8)
            img[FACE[1]:FACE[3], FACE[0]:FACE[2]] = RED
            img[MARK[1]:MARK[3], MARK[0]:MARK[2]] = BLUE
            f = av.VideoFrame.from_ndarray(img, format="rgb24")
            f.pts = i
            for p in v.encode(f):
                c.mux(p)
        for p in v.encode():
            c.mux(p)
    return path


def with_matrix(src: Path, dst: Path, a: float, b: float, c: float, d: float,
                x: float = 0.0, y: float = 0.0) -> Path:
    """``src`` with its (only) track's display matrix set to ``[a b 0; c d 0; x y 1]`` in place
    (as a phone writes one: the pixels are untouched)."""
    data = bytearray(src.read_bytes())
    (tkhd,) = [o + h for o, h in _tkhds(data)]
    assert data[tkhd] == 0
    m = tkhd + 40
    for k, val in enumerate([a, b, 0.0, c, d, 0.0, x, y, None]):
        n = (1 << 30) if val is None else (0 if k in (2, 5) else int(round(val * 65536)))
        data[m + 4 * k:m + 4 * k + 4] = (n & 0xFFFFFFFF).to_bytes(4, "big")
    dst.write_bytes(bytes(data))
    return dst


def _tkhds(data: bytearray):
    for t, o, h, n in boxes(data, 0, len(data)):
        if t == b"moov":
            for t2, o2, h2, n2 in boxes(data, o + h, o + n):
                if t2 == b"trak":
                    yield from ((o3, h3) for t3, o3, h3, _ in boxes(data, o2 + h2, o2 + n2)
                                if t3 == b"tkhd")


MIRRORS = {
    "left-right": (-1, 0, 0, 1, W, 0),
    "upside-down": (1, 0, 0, -1, 0, H),
    "transposed": (0, 1, 1, 0, 0, 0),
    "turned and mirrored": (0, -1, -1, 0, H, W),
}


@pytest.fixture(scope="module")
def mirror_engine():
    s = Settings()
    s.text.enabled = False
    return Engine(s, face_engine=RedFaces())


def _export(engine, an, out: Path):
    out.mkdir()
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=engine,
                                             channel=WEB) if s.result is not None]
    return res


@pytest.mark.parametrize("name", list(MIRRORS))
def test_a_mirrored_video_is_refused_with_the_reason_and_not_exported(
        tmp_path, mirror_engine, name):
    clip = with_matrix(make(tmp_path / "plain.mp4"), tmp_path / "mirrored.mp4", *MIRRORS[name])
    with av.open(str(clip)) as c:
        f = next(c.decode(video=0))
        assert f.side_data.get(av.sidedata.sidedata.Type.DISPLAYMATRIX) is not None
    an = mirror_engine.decide(mirror_engine.analyse_video(clip), WEB, on=TODAY)
    # before: no error, rotation 180 (left-right) or 0 (upside down): checked and exported
    # turned, not as a player shows it
    assert an.error is not None and "mirrored" in an.error, (an.error, an.rotation)
    assert "new clip" in an.error
    res = _export(mirror_engine, an, tmp_path / "out")
    assert not res.ok and res.output is None
    assert list((tmp_path / "out").iterdir()) == []


def test_a_picture_turned_at_an_angle_is_refused(tmp_path, mirror_engine):
    k = math.radians(30)
    clip = with_matrix(make(tmp_path / "plain.mp4"), tmp_path / "angle.mp4",
                       math.cos(k), math.sin(k), -math.sin(k), math.cos(k))
    an = mirror_engine.analyse_video(clip)
    assert an.error is not None and "quarter turn" in an.error, (an.error, an.rotation)


def _box_shown(box, turn: str):
    """Where a stored box is shown after the player's turn."""
    x1, y1, x2, y2 = box
    if turn == "half":
        return W - x2, H - y2, W - x1, H - y1
    return y1, W - x2, y2, W - x1          # a quarter turn counter-clockwise: (x, y) -> (y, W-x)


@pytest.mark.parametrize("turn,matrix", [("half", (-1, 0, 0, -1, W, H)),
                                         ("quarter", (0, -1, 1, 0, 0, W))])
def test_a_turned_video_is_still_checked_and_covered_where_a_player_shows_the_face(
        tmp_path, mirror_engine, turn, matrix):
    clip = with_matrix(make(tmp_path / "plain.mp4"), tmp_path / "turned.mp4", *matrix)
    an = mirror_engine.decide(mirror_engine.analyse_video(clip), WEB, on=TODAY)
    assert an.error is None, an.error
    res = _export(mirror_engine, an, tmp_path / "out")
    assert res.ok, res.error
    fx1, fy1, fx2, fy2 = (int(v) for v in _box_shown(FACE, turn))
    mx1, my1, mx2, my2 = (int(v) for v in _box_shown(MARK, turn))
    with av.open(res.output) as c:
        for f in c.decode(video=0):
            rgb = f.to_ndarray(format="rgb24").astype(int)
            assert np.abs(rgb[fy1 + 4:fy2 - 4, fx1 + 4:fx2 - 4] - 128).mean() < 8   # covered
            assert np.abs(rgb[my1 + 4:my2 - 4, mx1 + 4:mx2 - 4] - BLUE).mean() < 20  # shown


def test_an_analysis_from_before_is_not_exported_from_a_mirrored_or_otherwise_turned_file(
        tmp_path, mirror_engine):
    """The export looks at the display matrix again: an analysis made by an earlier version
    (cached: it read a mirror as a half turn) or of a file turned otherwise is not rendered."""
    plain = make(tmp_path / "plain.mp4")
    an = mirror_engine.decide(mirror_engine.analyse_video(plain), WEB, on=TODAY)
    assert an.error is None and an.rotation == 0
    plan = CoverPlan(an, grow=1.4)
    for name, matrix, error, words in [
            ("mirrored.mp4", MIRRORS["left-right"], UnsupportedVideoError, "mirrored"),
            ("half.mp4", (-1, 0, 0, -1, W, H), VideoError, "turned otherwise")]:
        an.path = str(with_matrix(plain, tmp_path / name, *matrix))
        out = tmp_path / f"out-{name}"
        with pytest.raises(error, match=words):
            render(an, out, plan, RenderOptions(long_edge=None))
