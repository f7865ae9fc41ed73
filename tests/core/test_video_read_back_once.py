"""A video export is read back in one pass (s65, issue 14): the frames counted, the sound
listened to and every cover of every frame looked at from one demux of the written file, which
was opened and decoded three times. The decisions are the same and fail closed where one pass
could differ: a frame that does not decode mid-file, fewer frames decoded than written, a
stream that should not be there (its covers then not said), a stop."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
from pathlib import Path

import av
import pytest

import photovet.core.media.video.verify as verify
from photovet.core.errors import VideoError
from photovet.core.media.video.render import output_size
from photovet.core.models import Channel
from tests.video_clips import Mover, export_one, make_clip

TODAY = dt.date(2026, 11, 21)
MUTE = Channel("website", "School Website", long_edge=2048, audio="mute")



@pytest.fixture(scope="module")
def decided(tmp_path_factory, faces_only_engine):
    tmp = tmp_path_factory.mktemp("once")
    clip = make_clip(tmp / "move.mp4", size=(480, 270), seconds=1.0,
                     movers=[Mover(64, (60, 80), (420, 180), variant=1)])
    eng = faces_only_engine
    an = eng.decide(eng.analyse_video(clip.path), MUTE, on=TODAY)
    assert an.face_tracks and all(t.decision == "cover" for t in an.face_tracks)
    assert an.sound == "mute"
    ok = export_one(eng, an, tmp / "ok", MUTE)
    assert ok.ok, ok.error
    return eng, an, Path(ok.output)


def _check(eng, an, path, **kw):
    return verify.read_back(path, expected_frames=an.frame_count, sound=True,
                            expected_size=output_size(an.width, an.height, MUTE.long_edge),
                            expected_duration=an.duration, silent=True,
                            plan=eng.video_covers(an), analysed_size=(an.width, an.height), **kw)


def test_one_pass_passes_a_good_export_and_looks_at_every_frame(decided, monkeypatch):
    eng, an, out = decided
    looked = []
    real = verify._Covers.frame

    def counted(self, f):
        looked.append(self.decoded)
        return real(self, f)

    monkeypatch.setattr(verify._Covers, "frame", counted)
    chk = _check(eng, an, out)
    assert chk.problems == [] and chk.frames == an.frame_count
    assert looked == list(range(an.frame_count))


def test_a_frame_that_does_not_decode_mid_file_is_refused(decided, tmp_path, monkeypatch):
    eng, an, _ = decided
    real = verify._decode
    seen = {"video": 0}

    def breaks(stream, packet):
        if stream.type == "video":
            seen["video"] += 1
            if seen["video"] == 12:
                raise av.error.InvalidDataError(1094995529, "Invalid data found")
        return real(stream, packet)

    monkeypatch.setattr(verify, "_decode", breaks)
    res = export_one(eng, an, tmp_path / "bad", MUTE)
    assert not res.ok and res.output is None
    assert "could not be decoded to check the covers" in res.error, res.error
    assert list((tmp_path / "bad").iterdir()) == []


def test_fewer_frames_decoded_than_written_is_refused(decided, tmp_path, monkeypatch):
    """A decoder that gives one frame fewer than the packets written (silently): not every
    cover was looked at, so it is refused (before s65 such a frame was never looked at)."""
    eng, an, out = decided
    real = verify._decode
    seen = {"video": 0}

    def drops(stream, packet):
        frames = real(stream, packet)
        if stream.type == "video" and frames:
            seen["video"] += 1
            if seen["video"] == 5:
                return frames[1:]
        return frames

    monkeypatch.setattr(verify, "_decode", drops)
    problems = _check(eng, an, out).problems
    # (the frames after it are one out: their covers are not where the plan puts them)
    assert problems[-1] == (f"{an.frame_count - 1} of its {an.frame_count} frames could be "
                            "decoded to check the covers"), problems


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
def test_a_stream_that_should_not_be_there_is_refused_and_nothing_decoded(decided, tmp_path,
                                                                         monkeypatch):
    eng, an, out = decided
    srt = tmp_path / "s.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:00,500\nAlice Smith\n")
    extra = tmp_path / "extra.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(out), "-i", str(srt), "-map", "0",
                    "-map", "1", "-c", "copy", "-c:s", "mov_text", "-movflags", "+faststart",
                    str(extra)], check=True)
    decoded = []
    real = verify._decode
    monkeypatch.setattr(verify, "_decode", lambda s, p: decoded.append(s.type) or real(s, p))
    problems = _check(eng, an, extra).problems
    assert any(p.startswith("streams ['audio', 'subtitle', 'video']") for p in problems), problems
    assert not any("cover" in p for p in problems), problems
    assert "video" not in decoded       # refused already: its covers are not looked at


def test_a_stopped_read_back_raises(decided):
    eng, an, out = decided
    stop = threading.Event()
    stop.set()
    with pytest.raises(VideoError, match="stopped"):
        _check(eng, an, out, stop=stop)


def test_a_plan_without_the_analysed_size_is_a_mistake(decided):
    eng, an, out = decided
    with pytest.raises(ValueError):
        verify.read_back(out, expected_frames=an.frame_count, sound=True,
                         plan=eng.video_covers(an))


def _not_grey_before_s65(planes, x0, y0, mk):
    """verify._not_grey as it was before s65 (means of the gathered pixels): the reference."""
    import numpy as np

    from photovet.core.media.video.render import FILL_YUV

    off, h, w = verify.COVER_OFF, *mk.shape
    off_y = np.abs(planes[0][y0:y0 + h, x0:x0 + w].astype(np.int16) - FILL_YUV[0]) > off
    shares = [float(off_y[mk].mean())]
    ex, ey = x0 % 2, y0 % 2
    m2 = np.pad(mk, ((ey, (ey + h) % 2), (ex, (ex + w) % 2)))
    q = m2[0::2, 0::2] & m2[1::2, 0::2] & m2[0::2, 1::2] & m2[1::2, 1::2]
    if q.any():
        cx, cy = x0 // 2, y0 // 2
        for k in (1, 2):
            pl = planes[k][cy:cy + q.shape[0], cx:cx + q.shape[1]]
            qq = q[:pl.shape[0], :pl.shape[1]]
            if qq.any():
                shares.append(float((np.abs(pl[qq].astype(np.int16) - FILL_YUV[k])
                                     > off).mean()))
    cells = []
    for a in range(3):
        for b in range(3):
            sl = (slice(a * h // 3, (a + 1) * h // 3), slice(b * w // 3, (b + 1) * w // 3))
            cm = mk[sl]
            if int(cm.sum()) >= 24:
                cells.append(float(off_y[sl][cm].mean()))
    return max(shares), max(cells, default=0.0)


def test_the_cover_shares_are_the_same_numbers_as_before():
    """s65 counts instead of gathering the pixels: exactly the numbers it had (every shape, odd
    and even places, at the picture's edges, grey, noise and near the threshold)."""
    import numpy as np

    from photovet.core.models import Cover

    rng = np.random.default_rng(65)
    W, H = 97, 61
    for trial in range(300):
        spread = int(rng.choice([4, 15, 16, 17, 40, 128]))
        planes = [np.clip(128 + rng.integers(-spread, spread + 1, (H, W + 3)), 0, 255)
                  .astype(np.uint8)]
        planes += [np.clip(128 + rng.integers(-spread, spread + 1, ((H + 1) // 2, W // 2 + 5)),
                           0, 255).astype(np.uint8) for _ in range(2)]
        x, y = float(rng.uniform(-10, W - 5)), float(rng.uniform(-10, H - 5))
        bw, bh = float(rng.uniform(6, 60)), float(rng.uniform(6, 50))
        shape = ["ellipse", "rect", "polygon"][trial % 3]
        cov = (Cover("polygon", points=[(x, y), (x + bw, y + 3), (x + bw / 2, y + bh)])
               if shape == "polygon" else Cover(shape, box=(x, y, bw, bh)))
        x0, y0, mk = verify.cover_mask(cov, 1.0, 1.0, (W, H))
        if int(mk.sum()) < verify.COVER_MIN_PIXELS:
            continue
        assert verify._not_grey(planes, x0, y0, mk) == _not_grey_before_s65(planes, x0, y0, mk)
