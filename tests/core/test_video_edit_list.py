"""A clip trimmed on a phone (s64): the phone keeps every frame it recorded and writes an edit
list (``elst``) saying which part a player shows. FFmpeg's reader honours it: the frames left
out are read marked to be dropped, and the decoder drops them. The analysis counted the frames
the container announces (all of them) and refused every clip trimmed by more than 2 % as
"cut short: 45 of 90 frames could be read; copy it from the camera or phone again" (copying it
again changes nothing). Now the frames left out are not expected; the analysis, the preview and
the export all have exactly the frames a player shows (each frame here carries its number in
the picture), every face in them covered, and none of the frames trimmed off is published;
so with two edits (the middle cut out). A trimmed clip that is also cut short is still
refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import av
import numpy as np
import pytest

from photovet.core.media.video.boxes import boxes
from photovet.core.models import Channel
from photovet.core.pipeline import Engine, export_batch
from photovet.core.settings import Settings
from tests.video_clips import RED, RedFaces, encode_frames, tone

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")
W, H, FPS, N = 320, 240, 30, 90


def face_x(i: int) -> int:
    return 10 + 3 * i


def frame_number(rgb: np.ndarray) -> int:
    """The number written in the top row of a frame (7 blocks, 1 bit each)."""
    return sum(1 << b for b in range(7) if rgb[20, b * 40 + 20].mean() > 128)


def make(path: Path, *, faststart: bool = False) -> Path:
    """3 s at 30 fps, a key frame only at the start (as a phone's long GOP: the frames before a
    trim are needed to decode it), each frame's number in its top row, a red face moving
    across, a tone."""
    opts = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=opts) as c:
        v = c.add_stream("libx264", rate=FPS, options={"g": "300", "sc_threshold": "0"})
        v.width, v.height, v.pix_fmt = W, H, "yuv420p"
        a = c.add_stream("aac", rate=48000, layout="stereo")

        def picture(i: int) -> np.ndarray:
            img = np.full((H, W, 3), 90, np.uint8)
            for b in range(7):
                img[0:40, b * 40:(b + 1) * 40] = 255 if (i >> b) & 1 else 0
            img[120:170, face_x(i):face_x(i) + 44] = RED
            return img

        encode_frames(v, (picture(i) for i in range(N)))
        tone(a, N / FPS)
    return path


def trim(src: Path, dst: Path, start: float, keep: float) -> Path:
    """``src`` as a phone trims it: every track's edit list changed in place to show ``keep``
    seconds from ``start`` seconds (nothing else in the file changes)."""
    data = bytearray(src.read_bytes())
    (moov,) = [(o, h, n) for t, o, h, n in boxes(data, 0, len(data)) if t == b"moov"]
    mo, mh, mn = moov
    movie_scale = None
    edited = 0
    for typ, o, h, n in boxes(data, mo + mh, mo + mn):
        if typ == b"mvhd":
            assert data[o + h] == 0
            movie_scale = int.from_bytes(data[o + h + 12:o + h + 16], "big")
        if typ != b"trak":
            continue
        elst = scale = None
        for t2, o2, h2, n2 in boxes(data, o + h, o + n):
            if t2 == b"edts":
                elst = [o3 + h3 for t3, o3, h3, _ in boxes(data, o2 + h2, o2 + n2)
                        if t3 == b"elst"][0]
            if t2 == b"mdia":
                for t3, o3, h3, _ in boxes(data, o2 + h2, o2 + n2):
                    if t3 == b"mdhd":
                        assert data[o3 + h3] == 0
                        scale = int.from_bytes(data[o3 + h3 + 12:o3 + h3 + 16], "big")
        assert elst is not None and scale and movie_scale
        assert data[elst] == 0 and int.from_bytes(data[elst + 4:elst + 8], "big") == 1
        media_time = int.from_bytes(data[elst + 12:elst + 16], "big", signed=True)
        data[elst + 8:elst + 12] = int(round(keep * movie_scale)).to_bytes(4, "big")
        data[elst + 12:elst + 16] = (media_time + int(round(start * scale))).to_bytes(4, "big")
        edited += 1
    assert edited == 2
    dst.write_bytes(bytes(data))
    return dst


def _box(typ: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + typ + payload


def _child(data: bytes, start: int, end: int, typ: bytes) -> tuple[int, int, int]:
    (found,) = [(o, h, n) for t, o, h, n in boxes(data, start, end) if t == typ]
    return found


def edits(src: Path, dst: Path, parts: list[tuple]) -> Path:
    """``src`` (its index after its data) with every track's edit list replaced by ``parts``
    ((start, seconds[, speed]) each, shown one after the other: an editor that cut out the
    middle; start None: a pause, no media), the index rebuilt around it (the data does not
    move)."""
    data = src.read_bytes()
    mo, mh, mn = _child(data, 0, len(data), b"moov")
    assert _child(data, 0, len(data), b"mdat")[0] < mo
    vo, vh, _ = _child(data, mo + mh, mo + mn, b"mvhd")
    movie_scale = int.from_bytes(data[vo + vh + 12:vo + vh + 16], "big")
    moov = b""
    for typ, o, h, n in boxes(data, mo + mh, mo + mn):
        if typ != b"trak":
            moov += data[o:o + n]
            continue
        ao, ah, an = _child(data, o + h, o + n, b"mdia")
        do, dh, _ = _child(data, ao + ah, ao + an, b"mdhd")
        scale = int.from_bytes(data[do + dh + 12:do + dh + 16], "big")
        eo, eh, en = _child(data, o + h, o + n, b"edts")
        lo, lh, _ = _child(data, eo + eh, eo + en, b"elst")
        shift = int.from_bytes(data[lo + lh + 12:lo + lh + 16], "big", signed=True)
        body = bytes(4) + len(parts).to_bytes(4, "big") + b"".join(
            int(round(sec * movie_scale)).to_bytes(4, "big")
            + (-1 if start is None else shift + int(round(start * scale))).to_bytes(
                4, "big", signed=True)
            + int(round(rate * 65536)).to_bytes(4, "big")
            for start, sec, rate in ((*part, 1.0)[:3] for part in parts))
        trak = b"".join(_box(b"edts", _box(b"elst", body)) if t2 == b"edts" else data[o2:o2 + n2]
                        for t2, o2, _h2, n2 in boxes(data, o + h, o + n))
        moov += _box(b"trak", trak)
    dst.write_bytes(data[:mo] + _box(b"moov", moov) + data[mo + mn:])
    return dst


def shown_by_a_player(path: Path) -> list[int]:
    with av.open(str(path)) as c:
        return [frame_number(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


@pytest.fixture(scope="module")
def edit_engine():
    s = Settings()
    s.text.enabled = False
    return Engine(s, face_engine=RedFaces())


@pytest.mark.parametrize("start,keep", [(1.5, 1.0), (0.0, 2.0), (1.5, 1.5), (0.0, 2.9)])
def test_a_clip_trimmed_on_the_phone_is_checked_and_exported_as_a_player_shows_it(
        tmp_path, edit_engine, start, keep):
    clip = trim(make(tmp_path / "whole.mp4"), tmp_path / "trimmed.mp4", start, keep)
    first, count = int(round(start * FPS)), int(round(keep * FPS))
    shown = list(range(first, first + count))
    assert shown_by_a_player(clip) == shown          # FFmpeg honours the edit list
    with av.open(str(clip)) as c:
        assert c.streams.video[0].frames == N        # and still announces every frame
    an = edit_engine.decide(edit_engine.analyse_video(clip), WEB, on=TODAY)
    assert an.error is None, an.error                # before: "the file is cut short"
    assert an.frame_count == count
    assert abs(an.duration - keep) < 0.05
    # (the numbers changing in the top row may read as scene cuts: more than one track)
    assert an.face_tracks and all(t.decision == "cover" for t in an.face_tracks)
    assert min(t.first_frame for t in an.face_tracks) == 0
    assert max(t.last_frame for t in an.face_tracks) == count - 1

    # the preview shows the frame the analysis has there
    from photovet.core.media.video.frames import grab

    mid = count // 2
    rgb = grab(clip, an.time_of(mid), origin=an.sampling.get("origin"))
    assert frame_number(rgb) == first + mid

    out = tmp_path / "out"
    out.mkdir()
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=edit_engine,
                                             channel=WEB) if s.result is not None]
    assert res.ok, res.error
    assert res.frames == count and res.sound == "keep"
    with av.open(res.output) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        a = c.streams.audio[0]
        assert abs(float(a.duration * a.time_base) - keep) < 0.1
    # exactly the frames a player shows, in order: none trimmed off is published
    assert [frame_number(f) for f in frames] == shown
    for rgb, i in zip(frames, shown):
        face = rgb[126:164, face_x(i) + 6:face_x(i) + 38].astype(int)
        assert np.abs(face - 128).mean() < 12, f"frame {i}: the face is not covered"


def test_a_trimmed_clip_cut_short_is_still_refused_as_cut_short(tmp_path, edit_engine):
    clip = trim(make(tmp_path / "whole.mp4", faststart=True), tmp_path / "trimmed.mp4", 1.5, 1.0)
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:int(len(data) * 0.65)])
    an = edit_engine.analyse_video(cut)
    assert an.error is not None and "cut short" in an.error, an.error


def test_a_clip_with_its_middle_cut_out_is_exported_as_a_player_shows_it(tmp_path, edit_engine):
    """Two edits (the first second, then 2 s to 2.5 s): both are shown one after the other."""
    clip = edits(make(tmp_path / "whole.mp4"), tmp_path / "cut.mp4", [(0.0, 1.0), (2.0, 0.5)])
    shown = list(range(0, 30)) + list(range(60, 75))
    assert shown_by_a_player(clip) == shown
    an = edit_engine.decide(edit_engine.analyse_video(clip), WEB, on=TODAY)
    assert an.error is None, an.error
    assert an.frame_count == len(shown)

    class Bare:
        def at(self, frame):
            return []

    from photovet.core.media.video.render import RenderOptions, render

    bare = tmp_path / "bare.mp4"
    render(an, bare, Bare(), RenderOptions(long_edge=None))     # the renderer's own frames
    assert shown_by_a_player(bare) == shown
    out = tmp_path / "out"
    out.mkdir()
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=edit_engine,
                                             channel=WEB) if s.result is not None]
    assert res.ok, res.error
    with av.open(res.output) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == len(shown)
    for rgb, i in zip(frames, shown):
        face = rgb[126:164, face_x(i) + 6:face_x(i) + 38].astype(int)
        assert np.abs(face - 128).mean() < 12, f"frame {i}: the face is not covered"


@pytest.mark.parametrize("speed", [0.5, 2.0])
def test_a_clip_edited_to_play_faster_or_slower_is_refused_with_the_reason(
        tmp_path, edit_engine, speed):
    """FFmpeg ignores an edit's speed (it shows frames 0-44 for 1.5 s at half speed, where
    the format says frames 0-22 slowed down): other frames than the format says are shown."""
    clip = edits(make(tmp_path / "whole.mp4"), tmp_path / "speed.mp4", [(0.0, 1.5, speed)])
    assert shown_by_a_player(clip) == list(range(45))      # FFmpeg: the speed ignored
    an = edit_engine.analyse_video(clip)
    assert an.error is not None and "faster or slower" in an.error, an.error
    assert "new clip" in an.error


def test_a_pause_before_the_picture_is_not_refused(tmp_path, edit_engine):
    """An empty edit (a pause before the first picture) is no change of speed."""
    clip = edits(make(tmp_path / "whole.mp4"), tmp_path / "pause.mp4",
                 [(None, 0.5), (1.0, 1.0)])
    assert shown_by_a_player(clip) == list(range(30, 60))
    an = edit_engine.analyse_video(clip)
    assert an.error is None, an.error
    assert an.frame_count == 30
