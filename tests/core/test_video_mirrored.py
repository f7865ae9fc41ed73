"""A video whose display matrix mirrors the picture (s64): a front camera's clip, or one flipped
in an app; a player shows it flipped. FFmpeg's ``rotation`` reads a left-right mirror as a half
turn (and an upside-down one as no turn at all), and PhotoVet checked and exported such a clip
turned 180 degrees: upside down where a player shows it the right way up, its faces looked for
upside down. Now the matrix is read as a player reads it (flipped left to right, then turned:
the turns below are what FFmpeg's own tools show, checked against them when ``ffmpeg`` is
installed): the analysis, the previews and the export see the picture as it is shown, and the
face's cover lands on it in the exported frames. A picture turned by other than a quarter turn
is refused with the reason. An analysis made before (cached: a mirror read as a half turn) is
not exported from a file shown otherwise.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from photovet.core.errors import VideoError
from photovet.core.media.video.covers import CoverPlan
from photovet.core.media.video.render import RenderOptions, render
from photovet.core.models import Channel, VideoAnalysis
from photovet.core.pipeline import Engine, export_batch
from photovet.core.settings import Settings
from tests.video_clips import RED, RedFaces, encode_frames, export_one, track_headers

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")
BLUE = (30, 30, 220)
W, H = 320, 240
FACE = (20, 20, 64, 70)          # x1, y1, x2, y2 as stored: the top left
MARK = (250, 180, 300, 220)      # a blue mark, bottom right as stored


def make(path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as c:
        v = c.add_stream("libx264", rate=30)
        v.width, v.height, v.pix_fmt = W, H, "yuv420p"
        img = np.full((H, W, 3), 90, np.uint8)
        img[FACE[1]:FACE[3], FACE[0]:FACE[2]] = RED
        img[MARK[1]:MARK[3], MARK[0]:MARK[2]] = BLUE
        encode_frames(v, [img] * 15)
    return path


def with_matrix(src: Path, dst: Path, a: float, b: float, c: float, d: float,
                x: float = 0.0, y: float = 0.0) -> Path:
    """``src`` with its (only) track's display matrix set to ``[a b 0; c d 0; x y 1]`` in place
    (as a phone writes one: the pixels are untouched)."""
    data = bytearray(src.read_bytes())
    (tkhd,) = track_headers(data)
    assert data[tkhd] == 0
    m = tkhd + 40
    for k, val in enumerate([a, b, 0.0, c, d, 0.0, x, y, None]):
        n = (1 << 30) if val is None else (0 if k in (2, 5) else int(round(val * 65536)))
        data[m + 4 * k:m + 4 * k + 4] = (n & 0xFFFFFFFF).to_bytes(4, "big")
    dst.write_bytes(bytes(data))
    return dst


#: display matrix (a, b, c, d, x, y) -> the counter-clockwise turn a player gives the stored
#: picture after flipping it left to right (the ffmpeg tool's autorotate: 5.1 here, checked
#: below when it is installed)
MIRRORS = {
    "left-right": ((-1, 0, 0, 1, W, 0), 0),
    "upside-down": ((1, 0, 0, -1, 0, H), 180),
    "transposed": ((0, 1, 1, 0, 0, 0), 90),
    "turned and mirrored": ((0, -1, -1, 0, H, W), 270),
}


@pytest.fixture(scope="module")
def mirror_engine():
    s = Settings()
    s.text.enabled = False
    return Engine(s, face_engine=RedFaces())



def _shown_box(box, turn: int, mirror: bool):
    """Where a stored box (x1, y1, x2, y2) is shown: flipped left to right when ``mirror``,
    then turned ``turn`` degrees counter-clockwise."""
    mask = np.zeros((H, W), bool)
    mask[box[1]:box[3], box[0]:box[2]] = True
    if mirror:
        mask = mask[:, ::-1]
    mask = np.rot90(mask, turn // 90)
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _red_box(rgb):
    ys, xs = np.nonzero(np.all(np.abs(rgb.astype(int) - RED) < 40, axis=-1))
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _as_ffmpeg_shows(clip: Path, face, tmp_path: Path) -> None:
    """The ffmpeg tool (when installed) shows the clip's face at ``face``: it turns and flips
    the picture as its display matrix says, as players do."""
    if shutil.which("ffmpeg"):
        png = tmp_path / "shown.png"
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip), "-frames:v", "1", str(png)],
                       check=True)
        assert _red_box(np.asarray(Image.open(png).convert("RGB"))) == face


@pytest.mark.parametrize("name", list(MIRRORS))
def test_a_mirrored_video_is_checked_and_covered_as_a_player_shows_it(
        tmp_path, mirror_engine, name):
    matrix, turn = MIRRORS[name]
    clip = with_matrix(make(tmp_path / "plain.mp4"), tmp_path / "mirrored.mp4", *matrix)
    face, mark = _shown_box(FACE, turn, True), _shown_box(MARK, turn, True)
    _as_ffmpeg_shows(clip, face, tmp_path)
    an = mirror_engine.decide(mirror_engine.analyse_video(clip), WEB, on=TODAY)
    # before: rotation 180 (left-right), 0 (upside down), 270, 90: turned, not mirrored
    assert an.error is None, an.error
    assert (an.rotation, an.mirror) == (turn, True)
    again = VideoAnalysis.from_dict(an.to_dict())       # as cached
    assert (again.rotation, again.mirror) == (turn, True)
    (track,) = an.face_tracks
    assert tuple(int(v) for v in track.boxes[0]) == face      # found where it is shown

    # the preview shows the picture as a player does
    from photovet.core.media.video.frames import grab

    assert _red_box(grab(clip, 0.2, origin=an.sampling.get("origin"), rotation=an.rotation,
                         mirror=an.mirror)) == face

    res = export_one(mirror_engine, an, tmp_path / "out", WEB)
    assert res.ok, res.error
    fx1, fy1, fx2, fy2 = face
    mx1, my1, mx2, my2 = mark
    with av.open(res.output) as c:
        for f in c.decode(video=0):
            rgb = f.to_ndarray(format="rgb24").astype(int)
            assert rgb.shape[:2] == (an.height, an.width)
            assert np.abs(rgb[fy1 + 4:fy2 - 4, fx1 + 4:fx2 - 4] - 128).mean() < 8   # covered
            assert np.abs(rgb[my1 + 4:my2 - 4, mx1 + 4:mx2 - 4] - BLUE).mean() < 20  # shown


def test_a_picture_turned_at_an_angle_is_refused(tmp_path, mirror_engine):
    k = math.radians(30)
    clip = with_matrix(make(tmp_path / "plain.mp4"), tmp_path / "angle.mp4",
                       math.cos(k), math.sin(k), -math.sin(k), math.cos(k))
    an = mirror_engine.analyse_video(clip)
    assert an.error is not None and "quarter turn" in an.error, (an.error, an.rotation)


@pytest.mark.parametrize("turn,matrix", [(180, (-1, 0, 0, -1, W, H)),
                                         (90, (0, -1, 1, 0, 0, W))])
def test_a_turned_video_is_still_checked_and_covered_where_a_player_shows_the_face(
        tmp_path, mirror_engine, turn, matrix):
    clip = with_matrix(make(tmp_path / "plain.mp4"), tmp_path / "turned.mp4", *matrix)
    _as_ffmpeg_shows(clip, _shown_box(FACE, turn, False), tmp_path)
    an = mirror_engine.decide(mirror_engine.analyse_video(clip), WEB, on=TODAY)
    assert an.error is None, an.error
    res = export_one(mirror_engine, an, tmp_path / "out", WEB)
    assert res.ok, res.error
    assert (an.rotation, an.mirror) == (turn, False)
    fx1, fy1, fx2, fy2 = _shown_box(FACE, turn, False)
    mx1, my1, mx2, my2 = _shown_box(MARK, turn, False)
    with av.open(res.output) as c:
        for f in c.decode(video=0):
            rgb = f.to_ndarray(format="rgb24").astype(int)
            assert np.abs(rgb[fy1 + 4:fy2 - 4, fx1 + 4:fx2 - 4] - 128).mean() < 8   # covered
            assert np.abs(rgb[my1 + 4:my2 - 4, mx1 + 4:mx2 - 4] - BLUE).mean() < 20  # shown


def test_an_analysis_is_not_exported_from_a_file_mirrored_or_turned_otherwise(
        tmp_path, mirror_engine):
    """The export looks at the display matrix again: an analysis made by an earlier version
    (cached: it read a mirror as a half turn) or of a file shown otherwise is not rendered."""
    plain = make(tmp_path / "plain.mp4")
    an = mirror_engine.decide(mirror_engine.analyse_video(plain), WEB, on=TODAY)
    assert an.error is None and an.rotation == 0
    plan = CoverPlan(an, grow=1.4)
    for name, matrix in [("mirrored.mp4", MIRRORS["left-right"][0]),
                         ("half.mp4", (-1, 0, 0, -1, W, H))]:
        an.path = str(with_matrix(plain, tmp_path / name, *matrix))
        out = tmp_path / f"out-{name}"
        with pytest.raises(VideoError, match="mirrored otherwise"):
            render(an, out, plan, RenderOptions(long_edge=None))


def test_a_name_on_a_mirrored_video_is_read_and_covered_where_it_is_shown(tmp_path):
    """A player shows a mirrored clip's writing backwards, and the name reader, reading the
    picture as shown, read "Tori Hale" as "9lsH inoT" (no name: left readable). Each picture
    is read flipped back (analysis.MirroredText) and the name covered where it is shown."""
    from photovet.core.models import Person
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.vision.text.names import NameMatcher
    from photovet.core.vision.text.ocr import TextEngine, text_options
    from tests.video_clips import Card, assert_covered, make_clip

    s = Settings()
    tori = Person("A1", "Tori", "Hale", photo_consent={"website": "yes"},
                  video_consent={"website": "yes"}, name_with_photo=False)
    eng = Engine(s, face_engine=FaceEngine.load(s), text_engine=TextEngine.load(text_options(s.text)))
    eng.people, eng.people_by_id = [tori], {"A1": tori}
    eng.name_matcher = NameMatcher([tori])
    ch = Channel("website", "School Website", audio="remove", names="full")
    cw, chh = 640, 360
    clip = make_clip(tmp_path / "plain.mp4", size=(cw, chh), seconds=1.2, audio=False,
                     cards=[Card("Tori Hale", (380, 260), 0.0, 2.0, 28)])
    mirrored = with_matrix(clip.path, tmp_path / "mirrored.mp4", -1, 0, 0, 1, cw, 0)
    shown = [[(cw - x2, y1, cw - x1, y2) for x1, y1, x2, y2 in boxes_] for boxes_ in clip.badges]
    an = eng.decide(eng.analyse_video(mirrored), ch, on=TODAY)
    assert an.error is None and an.mirror, an.error
    assert any(t.person == "A1" for t in an.text_tracks), [t.text for t in an.text_tracks]
    out = tmp_path / "out"
    out.mkdir()
    (res,) = [r.result for r in export_batch([an], out, label="Sports day", engine=eng,
                                             channel=ch) if r.result is not None]
    assert res.ok and res.texts_covered >= 1, res.error
    assert_covered(res.output, shown, shrink=0.05, what="name cards")


def test_the_school_crest_on_a_mirrored_video_is_found_where_it_is_shown(tmp_path):
    """The crest search's features are not the same mirrored: searched as shown, the school's
    crest on this mirrored clip was found on 3 searches, one of them 16 px off its place (a
    cover that size off leaves part of it showing). It is searched flipped back
    (analysis.MirroredCrests): found on every whole-picture search, where it is shown."""
    from photovet.core.media.video.analysis import analyse_video
    from photovet.core.vision.crest import CrestMatcher
    from tests.core.test_school_identifiers import draw_crest
    from tests.video_clips import Picture, make_clip

    cw = 640
    clip = make_clip(tmp_path / "plain.mp4", size=(cw, 360), seconds=1.2, audio=False,
                     pictures=[Picture(draw_crest().resize((110, 132)), (380, 150))])
    mirrored = with_matrix(clip.path, tmp_path / "mirrored.mp4", -1, 0, 0, 1, cw, 0)
    an = analyse_video(mirrored, face_engine=RedFaces(),
                       crest_matcher=CrestMatcher([("crest", draw_crest())]))
    assert an.error is None and an.mirror
    crests = [t for t in an.text_tracks if t.school == "crest"]
    assert crests, [(t.text, t.school) for t in an.text_tracks]
    assert sum(len(t.frames) for t in crests) >= 5
    x1, y1, x2, y2 = clip.pictures[0][0]
    sx1, sx2 = cw - x2, cw - x1                          # where a player shows it
    for t in crests:
        for b in t.boxes:
            assert abs(b[0] - sx1) < 12 and abs(b[2] - sx2) < 12 and abs(b[1] - y1) < 12, b
