"""A face that comes into a video on its last frames, between the last sampled frame and the
end, is covered (s63 audit). Faces are looked for every ``stride`` frames (3) and a track's
cover starts half a second before it was first found, so a face coming in part of the way
through is covered from when it came by the next look; at the end there was no next look: a
face on the last two frames of a 30-frame clip was never found and exported uncovered. The
last frame is now always looked at."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import Channel
from photovet.core.pipeline import export_batch
from tests.video_clips import Mover, assert_covered, make_clip

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")


@pytest.mark.parametrize("frames", [29, 30, 31])
def test_a_face_on_the_last_frames_only_is_covered(tmp_path, faces_only_engine, frames):
    """29, 30, 31 frames: the last frame is 1, 2 and 0 frames after a look."""
    fps = 30
    clip = make_clip(tmp_path / "end.mp4", size=(480, 270), seconds=frames / fps, audio=False,
                     movers=[Mover(72, (200, 130), (202, 130), t0=(frames - 2) / fps,
                                   variant=2)])
    assert [i for i, b in enumerate(clip.faces) if b] == [frames - 2, frames - 1]
    an = faces_only_engine.decide(faces_only_engine.analyse_video(clip.path), WEB, on=TODAY)
    assert an.frame_count == frames
    out = tmp_path / "out"
    out.mkdir()
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=faces_only_engine,
                                             channel=WEB) if s.result is not None]
    assert res.ok, res.error
    assert_covered(res.output, clip.faces)
