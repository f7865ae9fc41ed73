"""The read-back of a video export looks at the covers themselves (s63 audit): the picture
under every cover of every frame is decoded from the written file and must be the solid
grey; a frame where a cover is missing (a renderer bug simulated here) is refused and no file
is kept. Before, the read-back counted frames and looked for metadata only, and such an export
was published with a face showing on that frame."""

from __future__ import annotations

import datetime as dt

import photovet.core.media.video.render as render_mod
from photovet.core.models import Channel
from tests.video_clips import Mover, assert_covered, export_one, make_clip

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")



def _clip(tmp_path):
    clip = make_clip(tmp_path / "move.mp4", size=(480, 270), seconds=1.0, audio=False,
                     movers=[Mover(64, (60, 80), (420, 180), variant=1)])
    return clip


def test_a_frame_left_uncovered_by_the_renderer_is_refused_and_not_kept(
        tmp_path, faces_only_engine, monkeypatch):
    clip = _clip(tmp_path)
    an = faces_only_engine.decide(faces_only_engine.analyse_video(clip.path), WEB, on=TODAY)
    assert an.face_tracks and all(t.decision == "cover" for t in an.face_tracks)
    ok = export_one(faces_only_engine, an, tmp_path / "ok", WEB)
    assert ok.ok, ok.error              # the check passes a correct export
    assert_covered(ok.output, clip.faces)

    painted = render_mod.paint
    calls = []

    def skip_frame_7(planes, covers, scale):
        calls.append(1)
        if len(calls) == 8:
            return None                 # frame 7 goes out with no cover
        return painted(planes, covers, scale)

    monkeypatch.setattr(render_mod, "paint", skip_frame_7)
    res = export_one(faces_only_engine, an, tmp_path / "bad", WEB)
    assert not res.ok and res.output is None
    assert "frame 7" in res.error and "cover" in res.error, res.error
    assert list((tmp_path / "bad").iterdir()) == []     # nothing kept, no temporary file


def test_covers_painted_one_frame_late_are_refused(tmp_path, faces_only_engine, monkeypatch):
    """An off-by-one in the renderer (each frame given the covers of the one before, the face
    moving 25 px a frame): the covers written are not where the plan puts them, and the export
    is refused. (Here the cover's padding still hides the face itself; the check holds the
    export to the plan, not to how much padding happens to be left.)"""
    clip = make_clip(tmp_path / "fast.mp4", size=(640, 270), seconds=0.7, audio=False,
                     movers=[Mover(64, (40, 120), (560, 130), variant=2)])
    an = faces_only_engine.decide(faces_only_engine.analyse_video(clip.path), WEB, on=TODAY)
    assert an.face_tracks

    class Late:
        def __init__(self, plan):
            self.plan = plan

        def at(self, frame):
            return self.plan.at(max(0, frame - 1))

    real = render_mod.render

    def late(analysis, out_path, plan, options, **kw):
        return real(analysis, out_path, Late(plan), options, **kw)

    monkeypatch.setattr("photovet.core.media.video.export.render", late)
    res = export_one(faces_only_engine, an, tmp_path / "late", WEB)
    assert not res.ok and "cover" in res.error, res.error
    assert list((tmp_path / "late").iterdir()) == []
