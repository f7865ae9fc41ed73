"""Principle 4 for a video's covers (s63 audit): its read-back counted frames and read the
boxes, never a frame's picture, so a cover the renderer left off a frame went out. Every frame
of the copy is now decoded and each of its covers must be flat paint there
(``verify.read_back(covers=...)``), or the copy is refused and nothing kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from photovet.core.media.video import render as render_mod
from photovet.core.models import Channel
from photovet.core.pipeline import Engine, export_batch
from photovet.core.settings import Settings
from tests.video_clips import Mover, assert_covered, make_clip

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="remove")


@pytest.fixture(scope="module")
def faces_only():
    from photovet.core.vision.faces import FaceEngine

    s = Settings()
    s.text.enabled = False
    return Engine(s, face_engine=FaceEngine.load(Settings()))


def _export(engine, clip, out: Path):
    an = engine.decide(engine.analyse_video(clip.path), WEB, on=TODAY)
    assert an.face_tracks and all(t.decision == "cover" for t in an.face_tracks)
    out.mkdir()
    return [s.result for s in export_batch([an], out, label="Sports day", engine=engine,
                                           channel=WEB) if s.result is not None][0]


def test_a_video_whose_covers_are_painted_passes(tmp_path, faces_only):
    clip = make_clip(tmp_path / "run.mp4", size=(480, 270), seconds=1.0,
                     movers=[Mover(72, (60, 90), (380, 100))], audio=False)
    res = _export(faces_only, clip, tmp_path / "out")
    assert res.ok, res.error
    assert_covered(res.output, clip.faces)


@pytest.mark.parametrize("frames", [{7}, set(range(30))])
def test_a_frame_the_renderer_left_uncovered_refuses_the_copy(tmp_path, faces_only,
                                                              monkeypatch, frames):
    real, seen = render_mod.paint, [0]

    def paint(planes, covers, scale):     # frame by frame, in order, as render calls it
        if seen[0] not in frames:
            real(planes, covers, scale)
        seen[0] += 1

    monkeypatch.setattr(render_mod, "paint", paint)
    clip = make_clip(tmp_path / "run.mp4", size=(480, 270), seconds=1.0,
                     movers=[Mover(72, (60, 90), (380, 100))], audio=False)
    out = tmp_path / "out"
    res = _export(faces_only, clip, out)
    assert not res.ok and res.output is None
    n = len(frames)
    assert f"a cover is not solid in {n} frame{'s' if n > 1 else ''}: frame " in res.error
    if n == 1:
        assert "frame 8 (0.23 s)" in res.error
    assert [p for p in out.iterdir()] == []          # nothing kept, no temporary file
