"""Covers are scaled to an export's size along each side by that side's own scale (s63
audit). The export's sides are rounded to even numbers, so a narrow picture scales
differently across and down: 86 x 720 for a 360 px channel is 44 x 360 (0.512 across, 0.5
down). The renderer scaled both by the width's: a face near the bottom was covered 7 px too
low, its hair and forehead showing above the cover."""

from __future__ import annotations

import datetime as dt

import numpy as np

from photovet.core.models import Channel
from photovet.core.pipeline import export_batch
from tests.video_clips import Mover, decode_rgb, make_clip

TODAY = dt.date(2026, 11, 21)
NARROW = Channel("narrow", "Narrow", long_edge=360, audio="keep")


def test_a_narrow_video_is_covered_where_its_faces_are_after_scaling(tmp_path, faces_only_engine):
    clip = make_clip(tmp_path / "narrow.mp4", size=(86, 720), seconds=0.5, audio=False,
                     movers=[Mover(64, (43, 620), (43, 630), variant=1)])
    an = faces_only_engine.decide(faces_only_engine.analyse_video(clip.path), NARROW, on=TODAY)
    assert an.face_tracks
    out = tmp_path / "out"
    out.mkdir()
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=faces_only_engine,
                                             channel=NARROW) if s.result is not None]
    assert res.ok, res.error
    assert (res.width, res.height) == (44, 360)
    sx, sy = 44 / 86, 360 / 720
    for i, rgb in enumerate(decode_rgb(res.output)):
        for x1, y1, x2, y2 in clip.faces[i]:
            # the whole face, to its edge (the cover is painted generous)
            a, b = int(np.ceil(x1 * sx)), int(np.ceil(y1 * sy))
            c, d = int(x2 * sx), int(y2 * sy)
            face = rgb[b:d, a:c].astype(int)
            assert np.abs(face - 128).max(axis=-1).mean() < 8, f"frame {i}: face showing"
