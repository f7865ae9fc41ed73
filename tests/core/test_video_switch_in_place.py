"""A face track carried from one face to another with no gap and no jump (s59 review, after
3051e4a4). The tracker follows a face from look to look by place and size alone; recognition
then reads each part of a track (a part begins after a gap or a jump, ``part_break``) from its
best crops. Where another face takes the first one's place within one look (it was hidden
behind, turned away, a scene cut the cut detector missed), the track goes on with it, and that
face's frames were shown as the first child's unless some crop of them was read and disagreed.
A part now also begins where the face itself changes from one look to the next (s60:
``face_look``, ``look_change``). These clips (the stand-in engine: red is Tori, who consents;
blue a child nobody knows) put the stranger where, before that, no crop of them was read."""

from __future__ import annotations

import datetime as dt

import av
import numpy as np
import pytest

from photovet.core.media.video.analysis import part_break
from photovet.core.media.video.tracking import Det
from photovet.core.pipeline import Engine
from tests.core.test_video_workflow import BLUE, RED, SquareFaces, enrolled_workspace

TODAY = dt.date(2026, 11, 21)


def make_clip(path, parts, fps: int = 30, size=(320, 240)):
    """``parts``: (seconds, colour or None, width, height) in turn, each rectangle's top left
    corner at the same place (120, 60)."""
    w, h = size
    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = w, h, "yuv420p"
        i = 0
        for seconds, colour, fw, fh in parts:
            for _ in range(int(round(seconds * fps))):
                img = np.full((h, w, 3), 90, np.uint8)
                img[:, :, 1] = 110 + (np.arange(w) % 40)[None, :]
                if colour is not None:
                    img[60:60 + fh, 120:120 + fw] = colour
                f = av.VideoFrame.from_ndarray(img, format="rgb24")
                f.pts = i
                i += 1
                for p in v.encode(f):
                    c.mux(p)
        for p in v.encode():
            c.mux(p)
    return path


class GatedSquareFaces(SquareFaces):
    """The stand-in engine with the real one's rule (FaceEngine.encode): no signature of a face
    whose shorter side is under ``recognition.min_face_px`` (SFace also gives none where it
    finds no landmarks: a face turned away, half out of the picture)."""

    def __init__(self, min_px: int):
        self.min_px = min_px

    def encode(self, image, faces, model=None):
        if min(faces[0].box[2], faces[0].box[3]) < self.min_px:
            return [None]
        return super().encode(image, faces, model)


@pytest.fixture
def tori_ws(tmp_path):
    w = enrolled_workspace(tmp_path)
    yield w
    w.close()


def faces_of(ws, clip, face_engine=None):
    eng = Engine(ws.settings, register=ws.register, face_engine=face_engine or SquareFaces(),
                 cache=ws.cache, reviews=ws.reviews)
    an = eng.decide(eng.analyse_video(clip), ws.channels.get("website"), on=TODAY)
    assert an.error is None
    return an, an.face_tracks


def one_track_with_stranger(tracks, fps, start, end):
    assert len(tracks) == 1, [(t.frames[0], t.frames[-1]) for t in tracks]
    (t,) = tracks
    assert [f for f in t.frames if start * fps <= f < end * fps]   # it went on with the stranger
    return t


def test_a_stranger_too_small_to_read_taking_the_place_at_once_is_not_shown(tori_ws, tmp_path):
    # Tori (50 px) for 3 s; in the next look, where she was, a stranger of 36 px (under the 40
    # px a face is read at; 1.4 times smaller, no gap, no jump) for 3 s: no crop of the
    # stranger could be taken, and Tori's crops said Tori
    assert tori_ws.settings.recognition.min_face_px == 40
    clip = make_clip(tmp_path / "small.mp4", [(3, RED, 50, 50), (3, BLUE, 36, 36)])
    an, tracks = faces_of(tori_ws, clip)
    t = one_track_with_stranger(tracks, 30, 3.1, 6)
    assert t.match_status == "uncertain" and t.decision == "cover", (t.match_status, t.decision)


def test_a_stranger_too_small_to_read_before_the_child_in_her_place_is_not_shown(tori_ws,
                                                                                 tmp_path):
    # the other way round: the small stranger first, then Tori in the next look in her place
    clip = make_clip(tmp_path / "small_first.mp4", [(3, BLUE, 36, 36), (3, RED, 50, 50)])
    an, tracks = faces_of(tori_ws, clip)
    t = one_track_with_stranger(tracks, 30, 0, 3)
    assert t.match_status == "uncertain" and t.decision == "cover", (t.match_status, t.decision)


def test_a_part_whose_only_crop_gives_no_signature_leaves_the_track_uncertain(tori_ws,
                                                                              tmp_path):
    # after a gap, a stranger whose box is 44 x 34: a crop is taken (its long side is over 40
    # px) but the engine gives no signature of it (its short side is under): that part was
    # read by nobody, as if no crop had been taken
    clip = make_clip(tmp_path / "flat.mp4", [(3, RED, 50, 50), (0.3, None, 0, 0),
                                              (1, BLUE, 44, 34), (0.3, None, 0, 0),
                                              (3, RED, 50, 50)])
    an, tracks = faces_of(tori_ws, clip, GatedSquareFaces(40))
    t = one_track_with_stranger(tracks, 30, 3.3, 4.3)
    assert t.match_status == "uncertain" and t.decision == "cover", (t.match_status, t.samples,
                                                                     t.decision)


def test_tori_alone_with_the_real_gate_is_still_shown(tori_ws, tmp_path):
    clip = make_clip(tmp_path / "tori.mp4", [(3, RED, 50, 50), (0.3, None, 0, 0),
                                              (1, RED, 48, 48), (0.3, None, 0, 0),
                                              (3, RED, 50, 50)])
    an, (t,) = faces_of(tori_ws, clip, GatedSquareFaces(40))
    assert (t.match_status, t.person, t.decision) == ("recognised", "A1", "show")


def test_a_face_becoming_too_small_to_read_or_readable_again_starts_a_part():
    def det(frame, side):
        return Det(frame, (100.0, 100.0, 100.0 + side, 100.0 + side))
    assert part_break(det(0, 50), det(3, 46), 3, 40) == 0          # the same part
    assert part_break(det(0, 41), det(3, 39), 3, 40) > 0           # too small to read now
    assert part_break(det(0, 39), det(3, 41), 3, 40) > 0           # readable again
    assert part_break(det(0, 36), det(3, 30), 3, 40) == 0          # never readable: one part
    assert part_break(det(0, 41), det(3, 39), 3) == 0              # no size given: as before
    # the shorter side is what the engine reads (FaceEngine.encodable): 44 x 34 is too small
    flat = Det(3, (100.0, 100.0, 144.0, 134.0))
    assert part_break(det(0, 44), flat, 3, 40) > 0


def test_tori_getting_too_small_to_read_is_covered_until_someone_checks(tori_ws, tmp_path):
    # the cost, fail closed: where she is too small to read nobody can say it is still her
    clip = make_clip(tmp_path / "away.mp4", [(3, RED, 50, 50), (3, RED, 36, 36)])
    an, (t,) = faces_of(tori_ws, clip)
    assert t.match_status == "uncertain" and t.decision == "cover", (t.match_status, t.decision)


@pytest.mark.parametrize("parts,stranger", [
    # Tori 3 s, a stranger (46 px: Tori's crops are the better views) 0.6 s where she was,
    # Tori 3 s, with no look missed between: the stranger's frames fall in a stretch whose
    # best crop is Tori's
    ([(3, RED, 50, 50), (0.6, BLUE, 46, 46), (3, RED, 50, 50)], (3.0, 3.6)),
    # 20 s: Tori, then a stranger in her place for 3 s from 9 s (no look missed, 47 px: a
    # scene cut the cut detector cannot see, the same background), then Tori again
    ([(9, RED, 50, 50), (3, BLUE, 47, 47), (8, RED, 50, 50)], (9, 12)),
], ids=["stepping-in-for-0.6-s", "for-3-s-in-a-20-s-track"])
def test_a_stranger_stepping_into_the_place_within_a_look_is_not_shown(tori_ws, tmp_path,
                                                                       parts, stranger):
    # s59 left these open (strict xfails): the stranger stayed in Tori's part, read only if one
    # of their crops was the best of its stretch of time. The face's own look now starts a part
    # (face_look, look_change), so the stranger's frames are read
    clip = make_clip(tmp_path / "swap.mp4", parts)
    an, tracks = faces_of(tori_ws, clip)
    t = one_track_with_stranger(tracks, 30, *stranger)
    assert t.match_status == "uncertain" and t.decision == "cover", (t.match_status, t.decision)
