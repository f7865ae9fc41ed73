"""A track the tracker carried from one face to another (s59: on the shared stage clip two of
24 tracks went on with a different face after a moment without a detection, once 0.7 s with a
head in front, once one missed look and a jump of a face's width). Recognition reads a track
from its best crop per stretch of time, and a stretch grows with the track: a short part of a
long track, another child's, could be read in no crop, and the track recognised as the first
child was shown whole, the other child's frames with it. Each part after a gap or a jump now
keeps a crop of its own, so the part that is someone else is read, the crops disagree and the
track is uncertain (covered until a person decides); a part of which no crop could be taken
(too small to read) leaves it uncertain too."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.media.video.analysis import BestCrops
from tests.core.test_video_switch_in_place import make_clip as rectangle_clip
from tests.core.test_video_workflow import BLUE, RED, enrolled_workspace, new_engine

TODAY = dt.date(2026, 11, 21)


def make_clip(path, parts):
    """``parts``: (seconds, colour or None, side px) in turn, each square at the same place."""
    return rectangle_clip(path, [(sec, colour, side, side) for sec, colour, side in parts])


@pytest.fixture
def tori_ws(tmp_path):
    w = enrolled_workspace(tmp_path)
    yield w
    w.close()


def faces_of(ws, clip):
    eng = new_engine(ws)
    an = eng.decide(eng.analyse_video(clip), ws.channels.get("website"), on=TODAY)
    assert an.error is None
    return an, an.face_tracks


def test_a_stranger_for_half_a_second_in_a_long_track_of_a_known_child_is_not_shown(tori_ws,
                                                                                  tmp_path):
    # Tori (red, consenting) 8 s, nobody 0.3 s, a stranger (blue, a little smaller: Tori's
    # crops are the better views) 0.5 s where she was, nobody 0.3 s, Tori 3 s: one track
    clip = make_clip(tmp_path / "podium.mp4", [(8, RED, 50), (0.3, None, 0), (0.5, BLUE, 42),
                                                (0.3, None, 0), (3, RED, 50)])
    an, tracks = faces_of(tori_ws, clip)
    assert len(tracks) == 1, [(t.frames[0], t.frames[-1]) for t in tracks]
    (t,) = tracks
    stranger = [f for f in t.frames if 8.3 * 30 <= f < 8.8 * 30]
    assert stranger                           # the track went on with the stranger's face
    assert t.match_status == "uncertain" and t.decision == "cover", (t.match_status,
                                                                     t.samples, t.decision)
    # the question says where to look: an answer is for the whole track
    assert t.needs_review and t.found_again and 8.2 < t.found_again[0] < 8.5, t.found_again
    assert "from 0:08." in t.reason and "it may be another face" in t.reason, t.reason
    assert "check it is the same face all through" in t.reason
    # kept with the analysis (the cache, the review)
    from photovet.core.models import VideoTrack
    assert VideoTrack.from_dict(t.to_dict()).found_again == t.found_again


def test_the_same_child_after_a_gap_is_still_recognised_and_shown(tori_ws, tmp_path):
    clip = make_clip(tmp_path / "turns.mp4", [(8, RED, 50), (0.3, None, 0), (0.5, RED, 46),
                                               (0.3, None, 0), (3, RED, 50)])
    an, (t,) = faces_of(tori_ws, clip)
    assert (t.match_status, t.person, t.decision) == ("recognised", "A1", "show")


def test_a_part_of_a_track_too_small_to_read_leaves_it_uncertain(tori_ws, tmp_path):
    # the stranger's part under the size a face is encoded at (40 px): nobody could say whose
    assert tori_ws.settings.recognition.min_face_px > 30
    clip = make_clip(tmp_path / "small.mp4", [(8, RED, 50), (0.3, None, 0), (0.5, BLUE, 30),
                                               (0.3, None, 0), (3, RED, 50)])
    an, (t,) = faces_of(tori_ws, clip)
    assert t.match_status == "uncertain" and t.decision == "cover"


def test_crops_keep_one_of_each_part_and_stay_bounded():
    crops = BestCrops(6, 30.0)
    img = object()
    # 20 s in one part: six crops, spread
    for f in range(0, 600, 3):
        if crops.wants(f, 1.0):
            crops.put(f, 1.0, img, (0, 0, 1, 1))
    assert len(crops.items) <= 6
    # then a part of its own, poorer views: kept beside them
    crops.new_part(600, 2.0)
    for f in range(600, 615, 3):
        if crops.wants(f, 0.1):
            crops.put(f, 0.1, img, (0, 0, 1, 1))
    assert any(q == 0.1 for q, *_ in crops.items.values())
    # ever more parts: bounded all the same, and none left unread is forgotten
    for k in range(40):
        crops.new_part(700 + 10 * k, 1.0)
    assert len(crops.items) <= 12
    assert crops.unread_parts() == 40
    # and parts each read, more than twelve: a view given up leaves its part unread
    many = BestCrops(6, 30.0)
    for k in range(20):
        if k:
            many.new_part(30 * k, 1.0 + k % 3)
        many.put(30 * k, 1.0 + k / 100, img, (0, 0, 1, 1))
    assert len(many.items) == 12
    assert many.unread_parts() == 20 - 12
