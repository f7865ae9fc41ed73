"""A video whose pixels are not square (a camcorder's anamorphic 1440 x 1080 shown 16:9,
here 480 x 360 stored, its pixels 4:3 wide) is exported with the same pixel shape, so it is
shown as wide as the original (s63 audit: the export dropped it and was shown 4:3, everyone in
it squeezed). The covers are where the faces are in the stored pixels, as before."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import av

from photovet.core.models import Channel
from photovet.core.pipeline import export_batch
from tests.video_clips import Mover, assert_covered, make_clip, wide_pixels

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")


def test_an_anamorphic_video_is_exported_as_wide_as_it_is_shown(tmp_path, faces_only_engine):
    clip = make_clip(tmp_path / "square.mp4", size=(480, 360), seconds=1.0, audio=False,
                     movers=[Mover(64, (80, 90), (400, 260), variant=1)])
    wide = tmp_path / "wide.mp4"
    wide_pixels(clip.path, wide, Fraction(4, 3))
    with av.open(str(wide)) as c:
        assert c.streams.video[0].sample_aspect_ratio == Fraction(4, 3)
    an = faces_only_engine.decide(faces_only_engine.analyse_video(wide), WEB, on=TODAY)
    out = tmp_path / "out"
    out.mkdir()
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=faces_only_engine,
                                             channel=WEB) if s.result is not None]
    assert res.ok, res.error
    with av.open(res.output) as c:
        v = c.streams.video[0]
        assert (v.codec_context.width, v.codec_context.height) == (480, 360)
        assert v.sample_aspect_ratio == Fraction(4, 3)
        next(c.decode(v))
        assert v.codec_context.sample_aspect_ratio == Fraction(4, 3)   # the H.264 headers too
    assert_covered(res.output, clip.faces)
