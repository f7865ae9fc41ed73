"""The read-back holds a video export's sound to the policy's decision, not to what the
renderer says it wrote (s63 audit): muted sound must be silent in the written file, and sound
the policy removes must not be in it. Before, a renderer that kept the sound it was asked to
mute or remove (simulated here) had its export kept and recorded as muted or removed."""

from __future__ import annotations

import datetime as dt

import av
import numpy as np

import photovet.core.media.video.export as export_mod
import photovet.core.media.video.render as render_mod
from photovet.core.models import Channel
from photovet.core.pipeline import export_batch
from tests.video_clips import make_clip

TODAY = dt.date(2026, 11, 21)


def _export(engine, clip, tmp_path, mode):
    ch = Channel("website", "School Website", audio=mode)
    an = engine.decide(engine.analyse_video(clip.path), ch, on=TODAY)
    assert an.sound == mode
    out = tmp_path / mode
    out.mkdir()
    (res,) = [s.result for s in export_batch([an], out, label="Sports day", engine=engine,
                                             channel=ch) if s.result is not None]
    return res, out


def test_a_muted_export_whose_sound_is_heard_is_refused(tmp_path, faces_only_engine, monkeypatch):
    clip = make_clip(tmp_path / "tone.mp4", seconds=1.0)
    res, _ = _export(faces_only_engine, clip, tmp_path, "mute")
    assert res.ok, res.error
    with av.open(res.output) as c:
        s = np.concatenate([f.to_ndarray().ravel() for f in c.decode(audio=0)])
    assert np.abs(s).max() < 1e-3

    real = render_mod.SoundTrack

    def deaf(av_, out, mux, *, mute):
        return real(av_, out, mux, mute=False)     # the bug: the tone goes out

    monkeypatch.setattr(render_mod, "SoundTrack", deaf)
    (tmp_path / "again").mkdir()
    res, out = _export(faces_only_engine, clip, tmp_path / "again", "mute")
    assert not res.ok and "sound" in res.error, res.error
    assert list(out.iterdir()) == []


def test_an_export_whose_removed_sound_is_written_is_refused(tmp_path, faces_only_engine, monkeypatch):
    clip = make_clip(tmp_path / "tone.mp4", seconds=1.0)
    real = export_mod.RenderOptions

    def keeps_sound(**kw):
        return real(**{**kw, "sound": "keep"})     # the bug: the sound is encoded anyway

    monkeypatch.setattr(export_mod, "RenderOptions", keeps_sound)
    res, out = _export(faces_only_engine, clip, tmp_path, "remove")
    assert not res.ok and "streams" in res.error, res.error
    assert list(out.iterdir()) == []
