"""s65: a clip trimmed on a phone (an MP4 edit list) announces every frame it was recorded
with; the analysis counted its progress to that count, so a clip trimmed to a third went
"15 of 90" and then jumped to the end. It counts the frames a player shows, as the analysis
has them; an untrimmed clip still counts the frames the container announces."""

from __future__ import annotations

import av
import pytest

from photovet.core.media.video.analysis import frame_count_hint
from photovet.core.media.video.reader import probe
from tests.core.test_video_edit_list import FPS, N, edit_engine, edits, make, trim

__all__ = ["edit_engine"]        # the module's engine (a face in red), used here as a fixture


@pytest.mark.parametrize("cut", ["none", "trim", "middle"])
def test_progress_counts_the_frames_a_player_shows(tmp_path, edit_engine, cut):
    whole = make(tmp_path / "whole.mp4")
    clip = {"none": lambda: whole,
            "trim": lambda: trim(whole, tmp_path / "t.mp4", 1.5, 1.0),
            "middle": lambda: edits(make(tmp_path / "w2.mp4"), tmp_path / "m.mp4",
                                    [(0.0, 1.0), (2.0, 0.5)])}[cut]()
    with av.open(str(clip)) as c:
        assert c.streams.video[0].frames == N          # every frame recorded is announced
        shown = sum(1 for _ in c.decode(video=0))        # what a player shows
    assert shown == {"none": N, "trim": FPS, "middle": 45}[cut]
    assert frame_count_hint(probe(clip)) == shown
    said: list[tuple[int, int]] = []
    an = edit_engine.analyse_video(clip, use_cache=False,
                                   progress=lambda done, total: said.append((done, total)))
    assert an.error is None and an.frame_count == shown
    assert len(said) >= 2 and {total for _done, total in said} == {shown}
    assert all(done <= total for done, total in said)
    assert said[-1] == (shown, shown)
    before_end = said[-2][0] / shown               # the last step before the end: most of it
    assert before_end >= 0.5, said
