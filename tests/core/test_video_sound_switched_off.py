"""An MP4/MOV whose only sound track is switched off (s65): its track header's 'enabled' flag
(``tkhd`` flags & 1) cleared, as QuickTime and video editors write a track the person turned
off. QuickTime and Apple's players play no sound for it, so an approver listening in the
computer's player may hear silence and confirm they listened; the export kept the track
(PhotoVet took the first sound track when none was marked to be played) and published a sound
nobody heard. Such a clip is now taken as having no sound: nothing of it is published, nobody
is asked to listen, and its findings say why. Made clips only (tests/video_clips.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import av
import numpy as np
import pytest

from photovet.core.media.metadata.video import SOUND_SWITCHED_OFF
from photovet.core.media.video.reader import main_audio_stream, open_container, probe
from photovet.core.models import Channel
from photovet.core.pipeline import Engine
from photovet.core.settings import Settings
from tests.video_clips import encode_frames, export_one, make_clip, tone, track_headers

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")
SOCIAL = Channel("facebook", "Facebook", long_edge=2048, audio="listen")


@pytest.fixture(scope="module")
def quiet_engine():
    from photovet.core.vision.faces import FaceEngine

    s = Settings()
    s.text.enabled = False
    return Engine(s, face_engine=FaceEngine.load(Settings()))


def switch(path: Path, track: int, on: bool) -> None:
    """Set or clear track ``track``'s 'enabled' flag in place (the file's order of tracks)."""
    data = bytearray(path.read_bytes())
    at = track_headers(data)[track] + 3          # the flags' last byte
    data[at] = (data[at] | 1) if on else (data[at] & 0xFE)
    path.write_bytes(bytes(data))


def two_sound_tracks(path: Path) -> None:
    """A 1 s clip with two sound tracks (PyAV's MP4 muxer enables only the first)."""
    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=25)
        v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        tracks = [c.add_stream("aac", rate=48000, layout="stereo") for _ in range(2)]
        encode_frames(v, [np.full((48, 64, 3), k * 10, np.uint8) for k in range(25)])
        for a in tracks:
            tone(a, 1.0)


def _defaults(path: Path) -> list[bool]:
    with av.open(str(path)) as c:
        return [bool(s.disposition & av.stream.Disposition.default) for s in c.streams.audio]


def _chosen(path: Path) -> int | None:
    c = open_container(path)
    try:
        s = main_audio_stream(c)
        return None if s is None else s.index
    finally:
        c.close()


def test_ffmpeg_reads_an_mp4_tracks_enabled_flag_as_its_default_mark(tmp_path):
    """What the choice stands on, checked against the wheel's FFmpeg: in an MP4/MOV a sound
    track's DEFAULT disposition is its track header's enabled flag; in Matroska it is the
    FlagDefault element, which FFmpeg's own muxer writes off on every track."""
    both = make_clip(tmp_path / "both.mp4", size=(64, 48), seconds=1.0).path
    assert _defaults(both) == [True]
    off = make_clip(tmp_path / "off.mov", size=(64, 48), seconds=1.0, fmt="mov").path
    switch(off, 1, False)
    assert _defaults(off) == [False]
    two = tmp_path / "two.mp4"
    two_sound_tracks(two)
    assert _defaults(two) == [True, False]
    switch(two, 1, False)
    switch(two, 2, True)
    assert _defaults(two) == [False, True]
    mkv = make_clip(tmp_path / "plain.mkv", size=(64, 48), seconds=1.0).path
    assert _defaults(mkv) == [False]


def test_the_sound_a_player_plays_is_an_enabled_track_and_none_when_all_are_off(tmp_path):
    """The reader's choice (what the analysis, the approver's listening and the export all
    take): the enabled track; none when every sound track of an MP4/MOV is switched off; in
    Matroska, where no track is marked, the first (as players play it)."""
    off = make_clip(tmp_path / "off.mp4", size=(64, 48), seconds=1.0).path
    switch(off, 1, False)
    assert _chosen(off) is None
    info = probe(off)
    assert info.audio is None and info.other_streams == ["audio:aac (switched off)"]
    two = tmp_path / "two.mp4"
    two_sound_tracks(two)
    switch(two, 1, False)
    switch(two, 2, True)
    assert _chosen(two) == 2
    both_off = tmp_path / "both-off.mp4"
    two_sound_tracks(both_off)
    switch(both_off, 1, False)
    assert _defaults(both_off) == [False, False] and _chosen(both_off) is None
    mkv = make_clip(tmp_path / "plain.mkv", size=(64, 48), seconds=1.0).path
    assert _chosen(mkv) == 1 and probe(mkv).audio == "aac"


def test_an_mp4_whose_only_sound_track_is_switched_off_is_published_without_sound(
        tmp_path, quiet_engine):
    """Checked and exported end to end: no sound to decide, none to listen to (even on a
    channel whose rule is to listen), the findings say the track is switched off, and the
    copy has no sound track."""
    src = make_clip(tmp_path / "off.mp4", size=(160, 120), seconds=1.0).path
    switch(src, 1, False)
    analysis = quiet_engine.analyse_media(src, use_cache=False)
    assert not analysis.error, analysis.error
    assert not analysis.has_audio
    said = [f.sentence() for f in analysis.metadata.findings]
    assert any(SOUND_SWITCHED_OFF in s for s in said), said
    social = quiet_engine.decide(quiet_engine.analyse_media(src, use_cache=False), SOCIAL,
                                 on=TODAY)
    assert social.sound == "remove" and not social.sound_needs_review
    decided = quiet_engine.decide(analysis, WEB, on=TODAY)
    assert decided.sound == "remove"
    res = export_one(quiet_engine, decided, tmp_path / "out", WEB)
    assert res.ok, res.error
    assert res.sound == "remove"
    assert any(SOUND_SWITCHED_OFF in s for s in res.metadata_removed)
    with av.open(res.output) as c:
        assert not c.streams.audio, "a sound track no player plays was published"


def test_a_clip_with_its_sound_track_enabled_keeps_its_sound(tmp_path, quiet_engine):
    """The same clip with its track left on: its sound is kept (what the fix must not lose)."""
    src = make_clip(tmp_path / "on.mp4", size=(160, 120), seconds=1.0).path
    decided = quiet_engine.decide(quiet_engine.analyse_media(src, use_cache=False), WEB, on=TODAY)
    assert decided.has_audio and decided.sound == "keep"
    res = export_one(quiet_engine, decided, tmp_path / "out", WEB)
    assert res.ok and res.sound == "keep", res.error
    with av.open(res.output) as c:
        assert len(c.streams.audio) == 1
