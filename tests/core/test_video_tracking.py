"""Faces across time (pure: no model, no file): tracks bridge misses, never carry one person into
another, end at scene cuts; covers are held before, between and after detections, inside the
shot; a cover cut by the picture's edge is a rectangle."""

from __future__ import annotations

import numpy as np
import pytest

from photovet.core.media.cover import apply_covers, face_cover
from photovet.core.media.video.covers import CoverParams, CoverPlan, covers_at, track_boxes
from photovet.core.media.video.tracking import Det, Tracker, TrackerParams
from photovet.core.models import VideoAnalysis


def _run(tracker, seq):
    for f, dets in seq:
        tracker.update(f, dets)
    return tracker.finish()


def test_a_missed_second_is_bridged_and_the_cover_starts_before_and_ends_after():
    tr = Tracker(TrackerParams(fps=30))
    seq = []
    for f in range(30, 120, 3):
        if 60 <= f < 90:          # the detector misses the face for a second
            continue
        x = 100 + 4 * f
        seq.append((f, [Det(f, (x, 100, x + 50, 160), 0.9)]))
    tracks = _run(tr, seq)
    assert len(tracks) == 1
    boxes = track_boxes(tracks[0], 300, CoverParams(fps=30, stride=3, sample_gap=3))
    assert min(boxes) <= 30 - 15 and max(boxes) >= 117 + 15     # >= 0.5 s before and after
    for f in range(30, 118):
        x = 100 + 4 * f
        b = boxes[f]
        assert b[0] <= x and b[2] >= x + 50 and b[1] <= 100 and b[3] >= 160, f


def test_crossing_faces_never_share_a_track():
    """A shown track (a consenting pupil) must contain nobody else: at a crossing the tracks
    end and new ones start."""
    tr = Tracker(TrackerParams(fps=30))
    seq = []
    for f in range(0, 60, 3):
        xa, xb = 100 + 5 * f, 400 - 5 * f
        seq.append((f, [Det(f, (xa, 100, xa + 60, 170), 0.9), Det(f, (xb, 104, xb + 60, 174), 0.9)]))
    tracks = _run(tr, seq)
    assert len(tracks) > 2          # the crossing split them
    for t in tracks:
        xs = [b[0] for b in t.boxes]
        steps = set(np.sign(np.diff(xs)).tolist()) - {0}
        assert len(steps) <= 1, [round(x) for x in xs]


def test_a_scene_cut_ends_tracks_and_covers_stay_in_their_shot():
    tr = Tracker(TrackerParams(fps=30))
    for f in range(0, 30, 3):
        tr.update(f, [Det(f, (100, 100, 160, 170), 0.9)])
    tr.cut(31)
    for f in range(33, 60, 3):
        tr.update(f, [Det(f, (110, 100, 170, 170), 0.9)])
    before, after = tr.finish()
    p = CoverParams(fps=30, stride=3, sample_gap=3)
    a, b = track_boxes(before, 100, p), track_boxes(after, 100, p)
    assert max(a) == 30 and min(b) == 31


def test_a_track_that_coasts_too_long_ends():
    tr = Tracker(TrackerParams(fps=30, max_gap=1.0))
    tr.update(0, [Det(0, (100, 100, 160, 170))])
    tr.update(60, [Det(60, (100, 100, 160, 170))])     # 2 s later: another track
    assert len(tr.finish()) == 2


def test_small_fast_faces_stay_one_track():
    """A 20 px face moving 5 px a frame (150 px a second): its boxes barely overlap between
    samples at first; once the track knows its speed the prediction follows it even faster."""
    tr = Tracker(TrackerParams(fps=30))
    seq = [(f, [Det(f, (10 + 5 * f + 0.02 * f * f, 50, 30 + 5 * f + 0.02 * f * f, 70))])
           for f in range(0, 90, 3)]
    assert len(_run(tr, seq)) == 1


@pytest.mark.parametrize("box", [(-230, 321, 255, 271), (1900, 10, 80, 90), (-40, -40, 60, 60)])
def test_a_face_cover_cut_by_the_edge_is_a_rectangle_and_leaves_nothing(box):
    """The bench found a face mostly outside the picture keep 3 pixels along x = 0 under the
    old rule (an ellipse kept when a sampled check said it was enough)."""
    size = (1920, 1080)
    c = face_cover(box, size)
    assert c.shape == "rect"
    x, y, w, h = box
    img = np.full((size[1], size[0], 3), 200, np.uint8)
    from PIL import Image

    out = np.asarray(apply_covers(Image.fromarray(img), [c]))
    yy, xx = np.mgrid[0:size[1], 0:size[0]]
    face = (((xx + 0.5 - (x + w / 2)) / (w / 2)) ** 2 + ((yy + 0.5 - (y + h / 2)) / (h / 2)) ** 2) <= 1
    assert face.any()
    colours = {tuple(v) for v in out[face].reshape(-1, 3)}
    assert len(colours) == 1 and (200, 200, 200) not in colours


def _analysis_with(tracks, frames=90, size=(320, 240)):
    return VideoAnalysis(path="x.mp4", width=size[0], height=size[1], fps=30.0,
                         frame_times=[i / 30 for i in range(frames)], tracks=tracks,
                         sampling={"stride": 3, "fine_every": 15, "pre": 0.5, "post": 0.5})


def test_cover_plan_and_covers_at_agree_and_shown_tracks_are_not_covered():
    tr = Tracker(TrackerParams(fps=30))
    for f in range(30, 60, 3):
        tr.update(f, [Det(f, (50, 50, 90, 100)), Det(f, (200, 50, 240, 100))])
    a, b = tr.finish()
    a.decision, b.decision = "cover", "show"
    an = _analysis_with([a, b])
    plan = CoverPlan(an)
    for f in (10, 30, 45, 59, 80):
        at_f = plan.at(f)
        assert [c.to_dict() for c in at_f] == [c.to_dict() for c in covers_at(an, f / 30)]
        for c in at_f:
            assert c.box[0] < 150            # only the covered (left) face
    assert plan.at(45) and not plan.at(89)
    # fail closed: a decision that is neither "show" nor "keep" covers
    b.decision = "review"
    assert len(CoverPlan(an).at(45)) == 2


def test_a_name_read_once_under_a_moving_face_is_covered_wherever_the_face_was():
    """A badge read on one frame (a fast crossing between two reads) is one place; its wearer
    was on screen, moving, for the whole face track. The name rides on the face it is worn
    under (analysis.worn_under), so its cover is under that face on every frame of the face
    track, not only around the one reading; a name read nowhere near a face rides on nothing."""
    from photovet.core.media.video.analysis import worn_under
    from photovet.core.media.video.covers import cover_boxes
    from photovet.core.models import TextItem, VideoTrack

    def face_at(f):
        x = 20 + 12 * (f - 30)
        return (x, 80.0, x + 40.0, 125.0)

    frames = list(range(30, 52, 3))
    face = VideoTrack(id=0, kind="face", frames=frames, boxes=[face_at(f) for f in frames],
                      vx=12.0, vy=0.0)

    def badge_at(f):
        x1, _y1, x2, _y2 = face_at(f)
        return (x1 - 10, 140.0, x2 + 10, 156.0)

    b = badge_at(42)
    poly = [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])]
    read = Det(42, b, 0.9, payload=TextItem(polygon=poly, text="Tori Hale", kind="pupil-name"))
    name = VideoTrack(id=1, kind="text", frames=[42], boxes=[b])
    name.rides = worn_under([read], [face], slack=3)
    assert [fid for fid, _rel in name.rides] == [0]
    assert VideoTrack.from_dict(name.to_dict()).rides == name.rides
    an = VideoAnalysis(path="x.mp4", width=640, height=360, fps=30.0,
                       frame_times=[i / 30 for i in range(90)], tracks=[face, name],
                       sampling={"stride": 3, "fine_every": 15, "ocr_every": 1.0})
    got = cover_boxes(an, name)
    for f in range(30, 52):
        x1, y1, x2, y2 = badge_at(f)
        c = got.get(f)
        assert c is not None and c[0] <= x1 and c[1] <= y1 and c[2] >= x2 and c[3] >= y2, f
    plan = CoverPlan(an)
    assert any(c.label == "name" for c in plan.at(31))
    far = Det(42, (500, 300, 560, 316), 0.9,
              payload=TextItem(polygon=[(500, 300), (560, 300), (560, 316), (500, 316)],
                               text="Tori Hale", kind="pupil-name"))
    assert worn_under([far], [face], slack=3) == []


def test_a_new_steady_part_of_the_picture_is_read_and_motion_or_nothing_new_is_not():
    """changed_since_read (pure): a card that appeared since the last read and holds still is
    read at once, that part only (block_area); a face moving through
    the picture, or a picture like the one last read, is not (the once-a-second reads see
    those)."""
    from collections import deque

    from photovet.core.media.video.analysis import (
        STEADY_FRAMES,
        block_area,
        changed_since_read,
        thumb,
    )

    rng = np.random.default_rng(3)
    base = rng.integers(40, 200, (360, 640)).astype(np.uint8)

    def with_patch(x, y, value=250):
        img = base.copy()
        img[y:y + 30, x:x + 110] = value
        return thumb(img)

    n = STEADY_FRAMES + 1
    read = thumb(base)
    assert changed_since_read(read, deque([thumb(base)] * n)) is None
    card = deque([with_patch(400, 260)] * n)
    blocks = changed_since_read(read, card)
    assert blocks is not None
    x0, y0, x1, y1 = block_area(blocks, 640, 360)
    assert x0 <= 400 and x1 >= 510 and y0 <= 260 and y1 >= 290
    assert (x1 - x0) * (y1 - y0) <= 640 * 360 // 8          # the card's part, not the picture
    assert changed_since_read(read, deque([with_patch(400, 260)] * (n - 1))) is None
    moving = deque([with_patch(60 + 25 * k, 100) for k in range(n)])
    assert changed_since_read(read, moving) is None
    assert changed_since_read(None, card) is None


def test_a_part_that_changed_since_it_was_read_is_found_even_while_it_moves():
    """moved_since_read (pure): a card carried across the picture, or a panning camera, never
    holds still (changed_since_read never fires); the parts that changed since they were read
    are found anyway (the pass reads them a few times a reading interval); a picture like the
    one last read has none."""
    from photovet.core.media.video.analysis import (
        CHANGE_BLOCKS,
        block_area,
        moved_since_read,
        thumb,
    )

    rng = np.random.default_rng(3)
    base = rng.integers(40, 200, (360, 640)).astype(np.uint8)
    read = thumb(base)
    assert moved_since_read(read, thumb(base)) is None
    assert moved_since_read(None, read) is None
    img = base.copy()
    img[100:130, 160:270] = 250                      # a card, wherever it is going
    blocks = moved_since_read(read, thumb(img))
    assert blocks is not None
    x0, y0, x1, y1 = block_area(blocks, 640, 360)
    assert x0 <= 160 and x1 >= 270 and y0 <= 100 and y1 >= 130
    assert (x1 - x0) * (y1 - y0) <= 640 * 360 // 8
    panned = thumb(np.roll(base, 40, axis=1))        # the whole picture moved
    assert moved_since_read(read, panned).sum() >= CHANGE_BLOCKS[0] * CHANGE_BLOCKS[1] // 2


def test_a_part_that_changed_and_looks_like_text_is_found_and_a_plain_change_is_not():
    """text_since_read (pure): a lettered card that appeared since the last read is found on
    its first frame, that part only (analysis reads it at once, at most every TEXT_GAP
    frames); a plain patch that changed as much (a shirt, a light) is not (the waits for a
    settled or moving part read it), nor is a picture like the one read, nor the blocks on a
    face being tracked."""
    from PIL import Image, ImageDraw

    from photovet.core.media.video.analysis import block_area, picture_thumb, text_since_read

    yy, xx = np.mgrid[0:360, 0:640]
    base = (110 + 40 * np.sin(xx / 97.0) + 30 * np.cos(yy / 53.0)).astype(np.uint8)
    read = picture_thumb(base)
    card = Image.fromarray(base.copy())
    d = ImageDraw.Draw(card)
    d.rectangle((400, 260, 500, 286), fill=250)
    d.text((404, 264), "Tori Hale", fill=10, font_size=18)
    lettered = np.asarray(card)
    plain = base.copy()
    plain[260:287, 400:501] = 250
    assert text_since_read(read, picture_thumb(base), base) is None
    assert text_since_read(read, picture_thumb(plain), plain) is None
    blocks = text_since_read(read, picture_thumb(lettered), lettered)
    assert blocks is not None
    x0, y0, x1, y1 = block_area(blocks, 640, 360)
    assert x0 <= 400 and x1 >= 500 and y0 <= 260 and y1 >= 286
    assert (x1 - x0) * (y1 - y0) <= 640 * 360 // 6
    # on a face being tracked (its eyes and mouth look like letters): left to the face rules
    assert text_since_read(read, picture_thumb(lettered), lettered, blocks.copy()) is None
    elsewhere = np.zeros_like(blocks)
    elsewhere[0, 0] = True
    assert text_since_read(read, picture_thumb(lettered), lettered, elsewhere) is not None


def test_the_changed_parts_are_places_in_the_picture_as_shown():
    """picture_thumb (pure): the blocks a change is found in are the parts of the picture as
    shown that block_area reads, whatever the picture's sides and however it is stored
    (``thumb`` samples from the stored top left: a 360 x 640 picture stored turned had its
    changes found elsewhere, and read there)."""
    from photovet.core.media.video.analysis import (
        block_area,
        display_luma,
        moved_since_read,
        picture_thumb,
    )

    rng = np.random.default_rng(5)
    for w, h, rotation in ((640, 360, 0), (640, 360, 90), (640, 360, 270), (640, 360, 180),
                           (1000, 700, 0), (700, 1000, 90)):
        shown = rng.integers(40, 200, (h, w)).astype(np.uint8)
        changed = shown.copy()
        x, y, cw, ch = int(w * 0.6), int(h * 0.7), int(w * 0.17), int(h * 0.09)
        changed[y:y + ch, x:x + cw] = 250
        # stored turned back the other way: what the decoder gives
        stored = np.rot90(shown, -(rotation // 90)).copy()
        stored_changed = np.rot90(changed, -(rotation // 90)).copy()
        assert np.array_equal(display_luma(stored_changed, rotation), changed)
        blocks = moved_since_read(picture_thumb(display_luma(stored, rotation)),
                                  picture_thumb(display_luma(stored_changed, rotation)))
        assert blocks is not None, (w, h, rotation)
        x0, y0, x1, y1 = block_area(blocks, w, h)
        assert x0 <= x and x1 >= x + cw and y0 <= y and y1 >= y + ch, (w, h, rotation)
        assert (x1 - x0) * (y1 - y0) <= w * h // 5, (w, h, rotation)


def test_a_line_cut_at_the_side_of_a_changed_area_is_read_across_the_whole_width():
    """A changed area is read on its own (cheaper than the whole picture); a line that reaches
    the area's side may run on beyond it and would be covered only in part, so those rows are
    read again across the whole width."""
    from photovet.core.media.video.analysis import _read_area

    rgb = np.zeros((360, 640, 3), np.uint8)
    seen = []

    class Reader:
        def read(self, image):
            seen.append(image.size)
            w, h = image.size
            if w < 640:                              # the line runs to the crop's left side
                return [([(0, 5), (60, 5), (60, 25), (0, 25)], "Tori Ha", 0.9)]
            return [([(150, 5), (370, 5), (370, 25), (150, 25)], "Tori Hale", 0.9)]

    got = _read_area(rgb, (200, 100, 400, 160), Reader())
    assert seen == [(200, 60), (640, 60)]
    assert got == [([(150.0, 105.0), (370.0, 105.0), (370.0, 125.0), (150.0, 125.0)],
                    "Tori Hale", 0.9)]
    seen.clear()

    class Inside(Reader):
        def read(self, image):
            seen.append(image.size)
            return [([(50, 5), (120, 5), (120, 25), (50, 25)], "Tori Hale", 0.9)]

    got = _read_area(rgb, (200, 100, 400, 160), Inside())
    assert seen == [(200, 60)] and got[0][0][0] == (250.0, 105.0)


def test_a_moving_part_is_read_at_the_whole_frames_scale():
    """The frequent reads (a moving part, a name followed) read the part at the scale the whole
    frame is read at (the engine's detection_scale): on its own a 360 x 330 part of a 640 x 360
    frame was enlarged 2.7x, more pixels than the whole frame at 1.5x. A part read because it
    changed and settled keeps its own scale; an engine without detection_scale is asked as
    before."""
    from photovet.core.media.video.analysis import _read_area

    rgb = np.zeros((360, 640, 3), np.uint8)
    asked = []

    class Reader:
        def detection_scale(self, width, height):
            return min(3.0, 960 / max(width, height))

        def read(self, image, **kw):
            asked.append((image.size, kw.get("scale")))
            return []

    _read_area(rgb, (0, 0, 360, 330), Reader(), frame_scale=True)
    _read_area(rgb, (0, 0, 360, 330), Reader())
    assert asked == [((360, 330), 1.5), ((360, 330), None)]


def test_looks_of_one_fast_face_are_covered_as_one_moving_face_and_others_are_not_joined():
    """covers.fast_links (pure): one-look tracks a look apart and a few face sizes on are
    joined for covering (the face between two looks, and after the last, is under a cover);
    a much bigger face, one far away, one in another shot or long after is not."""
    from photovet.core.media.video.covers import bridges, fast_links
    from photovet.core.models import VideoTrack

    def look(tid, f, x, size=40, shot=0):
        return VideoTrack(id=tid, kind="face", frames=[f], boxes=[(x, 100.0, x + size, 100.0 + size)],
                          shot_start=shot)

    looks = [look(i, 30 + 3 * i, 20 + 75 * i) for i in range(5)]          # 25 px a frame
    others = [look(10, 36, 500, size=120), look(11, 33, 20 + 75 * 1 + 400),
              look(12, 39, 20 + 75 * 3, shot=39), look(13, 80, 20 + 75 * 5)]
    links = fast_links(looks + others, stride=3)
    assert {(0, 1), (1, 2), (2, 3), (3, 4)} <= set(links)    # (and a look missed: (0, 2)...)
    assert not any(b >= 10 or a >= 10 for a, b in links)
    an = VideoAnalysis(path="x.mp4", width=640, height=360, fps=30.0,
                       frame_times=[i / 30 for i in range(120)], tracks=looks,
                       sampling={"stride": 3, "fine_every": 15})
    plan = CoverPlan(an)
    for f in range(30, 46):                                   # between looks and 3 frames on
        x = 20 + 25 * (f - 30)
        centre = (x + 20, 120)
        assert any(c.box[0] <= centre[0] <= c.box[0] + c.box[2] and
                   c.box[1] <= centre[1] <= c.box[1] + c.box[3] for c in plan.at(f)), f
    assert bridges(an)                                        # drawn for the covered looks


def test_a_followed_name_missed_by_one_read_is_looked_for_once_more_then_let_go():
    """analysis._followed (pure): a moving name found on frames 0 and 3 is read again around
    where it is going on frame 6; missed there (a blurred frame mid-pan), it is looked for once
    more on frame 9, further along and in a wider area, and let go after a second miss
    (following used to stop after one miss, its cover standing still while the card moved)."""
    from photovet.core.media.video.analysis import VideoParams, _followed, _State

    st = _State(tracker=Tracker(TrackerParams(fps=25.0)),
                text_tracker=Tracker(TrackerParams(fps=25.0)))
    p = VideoParams(stride=3)
    st.text_tracker.update(0, [Det(0, (100.0, 200.0, 220.0, 230.0))])
    st.text_tracker.update(3, [Det(3, (130.0, 200.0, 250.0, 230.0))])   # 10 px a frame
    first = _followed(st, 6, p, 640, 360)
    assert len(first) == 1
    assert _followed(st, 7, p, 640, 360) == []          # between reads: nothing
    again = _followed(st, 9, p, 640, 360)               # missed on frame 6: once more
    assert len(again) == 1
    assert again[0][2] > first[0][2]                    # further along the pan
    assert (again[0][2] - again[0][0]) > (first[0][2] - first[0][0])
    assert _followed(st, 12, p, 640, 360) == []         # missed twice: let go


def test_a_face_found_turned_is_followed_in_a_window_and_a_turned_scene_on_the_whole_frame():
    """Between two whole-frame turned looks (analysis.follow_looks): one face found lying
    sideways or upside down is searched for in a window around its newest box (its older
    boxes are that face before it moved, whatever turn found them), at every turn; more than
    one face at a turn, or windows over half the picture, and that turn is searched on the
    whole picture (a video shown turned: every face in it)."""
    from photovet.core.media.video.analysis import follow_looks, newest_boxes

    kw = dict(margin=1.0, most_faces=1, share=0.5)
    # one face moving right, found at 270 degrees three times and once at 180 (aslant)
    hits = {3: [(3, (100, 100, 140, 150)), (6, (120, 100, 160, 150)), (12, (160, 102, 200, 152))],
            2: [(9, (140, 100, 180, 150))]}
    assert newest_boxes(hits) == [(3, (160, 102, 200, 152))]
    # the pass at half the frame's size (kx = ky = 2): a window 3 face sides wide around it
    looks = follow_looks(hits, (1, 2, 3), (2.0, 2.0), (640, 360), **kw)
    assert looks == [(1, (55, 26, 125, 101)), (2, (55, 26, 125, 101)), (3, (55, 26, 125, 101))]
    # two faces apart at 90 degrees: that turn on the whole frame, the other turns nowhere
    two = {1: [(3, (10, 10, 50, 60)), (3, (400, 200, 440, 250))]}
    assert follow_looks(two, (1, 2, 3), (1.0, 1.0), (640, 360), **kw) == [(1, None)]
    # ... and two faces at two turns: each turn's own face in a window, at every turn
    apart = {1: [(3, (10, 10, 50, 60))], 3: [(6, (400, 200, 440, 250))]}
    got = follow_looks(apart, (1, 2, 3), (1.0, 1.0), (640, 360), **kw)
    assert sorted(got) == sorted((q, w) for q in (1, 2, 3)
                                 for w in ((0, 0, 100, 110), (350, 150, 490, 300)))
    # a face close up: its window would be most of the picture: the whole picture at its turn
    big = {2: [(3, (200, 60, 400, 300))]}
    assert follow_looks(big, (1, 2, 3), (1.0, 1.0), (640, 360), **kw) == [(2, None)]
    assert follow_looks({1: [], 2: [], 3: []}, (1, 2, 3), (1.0, 1.0), (640, 360), **kw) == []
