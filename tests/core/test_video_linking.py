"""One person, one row (media/video/linking.py): a face the detector loses for a few seconds and
finds again in the same place is one group, not two rows to decide; the gap between is covered;
a group never makes a face shown that would be covered otherwise (fail closed)."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.media.video.analysis import VideoParams, analyse_video
from photovet.core.media.video.covers import CoverPlan, covers_at, params_for, track_boxes
from photovet.core.media.video.linking import (
    face_count,
    gap_links,
    group_targets,
    track_groups,
)
from photovet.core.models import Channel, MatchStatus, VideoAnalysis, VideoTrack
from photovet.core.policy import decide_video
from tests.video_clips import Mover, make_clip


@pytest.fixture(scope="module")
def face_engine():
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    return FaceEngine.load(Settings())


LOST = (4.0, 6.8)          # the first pupil turns away: no face to find for 2.8 s


def fragmenting_clip(path):
    """10 s: a pupil near the left seen, lost for 2.8 s (turned away), seen again where they
    were; another pupil on the right the whole time; a third enters far away after the gap."""
    movers = [
        Mover(64, (110, 130), (130, 132), t0=0.0, t1=LOST[0], variant=0),
        Mover(64, (134, 132), (160, 136), t0=LOST[1], t1=10.0, variant=0),
        Mover(60, (370, 120), (340, 140), t0=0.0, t1=10.0, variant=4),
        Mover(56, (250, 215), (230, 210), t0=7.5, t1=10.0, variant=6),
    ]
    return make_clip(path, size=(480, 270), fps=30, seconds=10.0, movers=movers, audio=False)


def test_a_pupil_lost_for_a_few_seconds_is_one_row_and_the_gap_is_covered(tmp_path, face_engine):
    clip = fragmenting_clip(tmp_path / "lost.mp4")
    p = VideoParams(ocr_every=0.0)
    a = analyse_video(clip.path, face_engine=face_engine, params=p)
    decide_video(a, {}, Channel("web", "Web", audio="remove"), "consent", dt.date.today())
    faces = a.face_tracks
    # the tracker itself splits the lost pupil (it coasts 1.5 s at most): the fragmentation
    left = sorted((t for t in faces if t.boxes[0][0] < 230), key=lambda t: t.first_frame)
    assert len(left) == 2 and left[0].last_time < LOST[0] + 0.1 < LOST[1] - 0.1 < left[1].first_time
    groups = track_groups(a)
    # three people, three rows: the lost pupil's two tracks are one group
    assert len(groups) == 3, groups
    assert [left[0].id, left[1].id] in groups
    # while the pupil was turned away the place stays covered (padding alone stops after 1 s)
    plan = CoverPlan(a)
    x1, y1, x2, y2 = left[0].boxes[-1]
    mid = a.frame_at(sum(LOST) / 2)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    assert any(c.box[0] <= cx <= c.box[0] + c.box[2] and c.box[1] <= cy <= c.box[1] + c.box[3]
               for c in plan.at(mid))
    # the preview asks the same question and gets the same covers
    assert len(covers_at(a, a.time_of(mid))) == len(plan.at(mid))
    # per-frame covering is never less than each track's own covers
    n = a.frame_count
    for t in faces:
        for f in track_boxes(t, n, params_for(a)):
            assert any(tid == t.id for tid, _c in plan.tracks_at(f)), (t.id, f)


# ------------------------------------------------------------------------------------------
# Made-up tracks: what links, and what a decision on a group reaches
# ------------------------------------------------------------------------------------------

def _track(tid, f0, f1, x, *, who=None, status=None, shot=0, shot_end=None, size=60):
    frames = list(range(f0, f1 + 1, 3))
    return VideoTrack(id=tid, frames=frames, boxes=[(x, 100, x + size, 100 + size)] * len(frames),
                      scores=[0.9] * len(frames), shot_start=shot, shot_end=shot_end,
                      match_status=status or (MatchStatus.RECOGNISED.value if who
                                              else MatchStatus.UNKNOWN.value),
                      person=who, first_time=f0 / 30, last_time=f1 / 30)


def _analysis(tracks):
    return VideoAnalysis(path="x.mp4", width=640, height=360, fps=30.0,
                         frame_times=[i / 30 for i in range(600)], tracks=tracks,
                         sampling={"stride": 3, "fine_every": 15, "pre": 0.5, "post": 0.5})


def test_a_link_needs_one_candidate_each_way_the_same_shot_and_no_bystander():
    a, b = _track(0, 0, 90, 100), _track(1, 150, 240, 110)
    assert gap_links([a, b], 30) == [(0, 1)]
    # too long a gap, another shot, another size: no link
    assert gap_links([a, _track(1, 90 + 95, 240, 110)], 30) == []
    assert gap_links([a, _track(1, 150, 240, 110, shot=120)], 30) == []
    assert gap_links([a, _track(1, 150, 240, 110, size=100)], 30) == []
    # two faces could be the one that was lost: neither is linked
    assert gap_links([a, b, _track(2, 150, 240, 150)], 30) == []
    # a third face nearby during the gap may be the lost one: no link
    assert gap_links([a, b, _track(2, 60, 200, 230)], 30) == []
    # two different people by recognition never link
    assert gap_links([_track(0, 0, 90, 100, who="A1"), _track(1, 150, 240, 110, who="B2")],
                     30) == []


def _look(tid, frame, x, *, y=100, size=60, who=None):
    t = _track(tid, frame, frame, x, who=who, size=size)
    t.boxes = [(x, y, x + size, y + size)]
    return t


def test_a_face_too_fast_for_the_tracker_is_one_row_and_two_fast_children_are_not():
    """A child dashing across is a new one-look track at each look (90 px a look, a 60 px
    face): seven rows to decide for one child. The looks the covers already follow as one face
    (fast_links) are one row when each is the other's only next look: cover on the row reaches
    every look; show reaches only the chosen one (policy trusts no single view)."""
    dash = [_look(k, 30 + 3 * k, 20 + 90 * k) for k in range(7)]
    assert gap_links(dash, 30) == []                 # too far a look for a gap link
    a = _analysis(dash)
    assert track_groups(a) == [[0, 1, 2, 3, 4, 5, 6]]
    assert face_count(a).faces == 1
    assert group_targets(a, 2, "cover") == [2, 0, 1, 3, 4, 5, 6]
    assert group_targets(a, 2, "show") == [2]
    # two children dashing side by side: each look has two next looks at once: no row joined
    pair = dash + [_look(10 + k, 30 + 3 * k, 20 + 90 * k, y=200) for k in range(7)]
    assert len(track_groups(_analysis(pair))) == 14
    # a look someone said is another person, or not a face, breaks the chain there
    dash[4].person, dash[4].match_status = "B2", MatchStatus.RECOGNISED.value
    dash[3].person, dash[3].match_status = "A1", MatchStatus.RECOGNISED.value
    assert track_groups(_analysis(dash)) == [[0, 1, 2, 3], [4, 5, 6]]
    dash[3].person = dash[4].person = None
    dash[3].match_status = dash[4].match_status = MatchStatus.UNKNOWN.value
    dash[5].override = "not-a-face"
    assert track_groups(_analysis(dash)) == [[0, 1, 2, 3, 4], [5], [6]]


def test_show_on_a_group_reaches_only_the_same_person_and_cover_reaches_all():
    tori = _track(0, 0, 90, 100, who="A1")
    lost = _track(1, 150, 240, 110)                              # gap-linked, nobody sure who
    later = _track(2, 400, 500, 300, who="A1", shot=300)         # recognised again, another shot
    maybe = _track(3, 400, 500, 500, who="A1", status=MatchStatus.UNCERTAIN.value, shot=300)
    a = _analysis([tori, lost, later, maybe])
    groups = track_groups(a)
    assert [0, 1, 2] in groups and [3] in groups
    assert group_targets(a, 0, "cover") == [0, 1, 2]
    assert group_targets(a, 0, "show") == [0, 2]          # never the unknown linked track
    assert group_targets(a, 1, "show") == [1]             # nobody sure: only itself
    assert group_targets(a, 0, "assign") == [0] and group_targets(a, 1, "not-a-face") == [1]
    # a track a person covered by hand, or seen once, is never shown from the row
    later.override = "cover"
    assert group_targets(a, 0, "show") == [0]
    assert group_targets(a, 0, "cover") == [0, 1]          # it is covered already, by itself
    later.override = None
    later.frames, later.boxes = later.frames[:1], later.boxes[:1]
    assert group_targets(a, 0, "show") == [0]


def test_a_bridge_only_adds_cover_and_never_when_both_are_shown():
    a_t, b_t = _track(0, 0, 90, 100, who="A1"), _track(1, 150, 240, 110, who="A1")
    a = _analysis([a_t, b_t])
    a_t.decision = b_t.decision = "show"
    assert CoverPlan(a).by_frame == {}
    b_t.decision = "cover"
    covered = CoverPlan(a)
    own = set(track_boxes(b_t, a.frame_count, params_for(a)))
    assert set(covered.frames()) > own
    assert all(f in covered.frames() for f in range(91, 150))


def test_a_decision_stored_before_rows_hashes_as_it_did():
    """Approvals sign the review's hash: the new ``row`` mark must not change a stored one."""
    from photovet.core.video_review import TrackDecision, VideoReview, video_review_hash

    d = TrackDecision("face", [0, 3], [(1, 2, 3, 4), (1, 2, 3, 4)], "cover", by="Mrs Office")
    assert set(d.content()) == {"kind", "frames", "boxes", "action", "person", "reason", "text",
                                "by", "at", "shot_start", "shot_end"}
    r = VideoReview("abc", tracks=[d])
    again = VideoReview.from_content("abc", "*", r.content(), 1, "", "")
    assert video_review_hash([again]) == video_review_hash([r])
    d.row = True
    assert VideoReview.from_content("abc", "*", r.content(), 1, "", "").tracks[0].row


def test_faces_are_counted_as_the_timelines_rows_not_as_tracks():
    """'Covers 4' and '4 faces followed' counted tracks while the timeline showed 3 rows (one
    face seen twice): the tile, the summary and the commands count rows (``face_count``)."""
    tori = _track(0, 0, 90, 100, who="A1")
    lost = _track(1, 150, 240, 110)                              # Tori again, gap-linked
    sam = _track(2, 0, 240, 400)
    a = _analysis([tori, lost, sam])
    for t in a.tracks:
        t.decision = "cover"
    c = face_count(a)
    assert (c.faces, c.tracks, c.shown, c.covered, c.partly, c.with_cover) == (2, 3, 0, 2, 0, 2)
    assert c.followed() == "2 faces followed (one seen twice)"
    assert c.followed(decided=True) == "2 faces followed (one seen twice; 0 shown, 2 covered)"
    # one of Tori's times shown, the other covered: one face partly shown, still covered
    tori.decision = "show"
    c = face_count(a)
    assert (c.shown, c.covered, c.partly, c.with_cover) == (0, 1, 1, 2)
    assert c.decided() == "1 covered, 1 partly shown"
    # open decisions are counted per face too
    lost.needs_review = sam.needs_review = True
    assert face_count(a).open == 2
    # one face seen three times; none; the count never depends on who asks
    a3 = _analysis([_track(0, 0, 90, 100, who="A1"), _track(1, 150, 240, 110, who="A1"),
                    _track(2, 300, 360, 400, who="A1", shot=300)])
    assert face_count(a3).followed() == "1 face followed (seen 3 times)"
    assert face_count(_analysis([])).followed() == "no faces found"
    assert face_count(a3, track_groups(a3)) == face_count(a3)


# ------------------------------------------------------------------------------------------
# Undo on a row: what the row shows as decided, never another track's own cover into a show
# ------------------------------------------------------------------------------------------

def test_undo_on_a_row_reaches_its_tracks_own_decisions_but_never_shows_one_covered_by_hand(
        tmp_path):
    """'Undo my decisions' stayed on a row when one of its tracks had its own decision, and
    undid nothing there: the person had to find that track's outline."""
    from photovet.core.video_review import HAND_TRACK_IDS, TrackDecision
    from tests.core.test_video_workflow import (
        TODAY,
        enrolled_workspace,
        make_lost_video,
        new_engine,
    )

    ws = enrolled_workspace(tmp_path)
    try:
        fb = ws.channels.get("facebook")
        eng = new_engine(ws)
        an = eng.decide(eng.analyse_video(make_lost_video(tmp_path / "lost.mp4")), fb, on=TODAY)
        tori, stranger = sorted(an.face_tracks, key=lambda t: t.first_frame)
        assert track_groups(an) == [[tori.id, stranger.id]]
        assert (tori.decision, stranger.decision) == ("show", "cover")
        r = ws.video_reviewer()
        # the stranger covered on its own: Undo on the row (Tori chosen) reaches it; the rules
        # cover a face nobody knows, so it stays covered
        r.track(an, stranger.id, "cover", fb)
        eng.decide(an, fb, on=TODAY)
        assert r.undo_reach(an, tori.id, fb) == ([stranger.id], [])
        r.group(an, tori.id, "undo", fb)
        eng.decide(an, fb, on=TODAY)
        assert stranger.override is None and stranger.decision == "cover"
        assert r.undo_reach(an, tori.id, fb) == ([], [])
        # Tori covered on her own: Undo chosen on the stranger never shows her again
        r.track(an, tori.id, "cover", fb)
        eng.decide(an, fb, on=TODAY)
        assert r.undo_reach(an, stranger.id, fb) == ([], [tori.id])
        r.group(an, stranger.id, "undo", fb)
        eng.decide(an, fb, on=TODAY)
        assert tori.override == "cover" and tori.decision == "cover"
        # chosen, her own Undo reaches it
        assert r.undo_reach(an, tori.id, fb) == ([tori.id], [])
        # a cover kept for a track no longer found (a track of its own) is never undone from
        # another track's row: forgetting it would take the cover away
        r.group(an, tori.id, "undo", fb)
        eng.decide(an, fb, on=TODAY)
        gone = TrackDecision("face", list(range(150, 300, 3)),
                             [(240.0, 62.0, 284.0, 112.0)] * 50, "cover")
        ws.video_reviewer().store.edit(an.sha256, fb.id, lambda every, one: (
            every.tracks.append(gone), {})[1], expected=an.review_version, action="test")
        eng.decide(an, fb, on=TODAY)
        hand = [t for t in an.face_tracks if t.id >= HAND_TRACK_IDS]
        assert len(hand) == 1 and hand[0].decision == "cover"
        assert r._kept_by_undo(an, hand[0], fb)
    finally:
        ws.close()


# ------------------------------------------------------------------------------------------
# What a row offers: only decisions that change something, and what is already so
# ------------------------------------------------------------------------------------------

def test_a_row_offers_only_what_changes_something_and_says_what_is_already_so(tmp_path):
    """'Cover for the whole clip' was offered on a row the rules already covered for the whole
    clip, where it did nothing. The core (VideoReviewer.row_choices) says what a row offers."""
    from tests.core.test_video_workflow import (
        TODAY,
        enrolled_workspace,
        make_video,
        new_engine,
        tracks_by_colour,
    )

    ws = enrolled_workspace(tmp_path)
    try:
        fb = ws.channels.get("facebook")
        eng = new_engine(ws)
        an = eng.decide(eng.analyse_video(make_video(tmp_path / "assembly.mp4")), fb, on=TODAY)
        (tori,), (stranger,) = tracks_by_colour(an)
        assert (tori.decision, stranger.decision) == ("show", "cover")
        r = ws.video_reviewer()
        # a face nobody knows, covered by the rules with nothing open: covering it again
        # changes nothing, so it is not offered, and the row says it is covered already
        c = r.row_choices(an, stranger.id, fb)
        assert "cover" not in c.actions
        assert c.actions == ("show", "assign", "not-a-face")
        assert c.settled == "Covered by the rules whenever it is seen."
        # Tori, shown with her family's consent: cover is offered, show is not
        c = r.row_choices(an, tori.id, fb)
        assert "cover" in c.actions and "show" not in c.actions
        assert c.settled == "Shown whenever it is seen."
        assert "not-a-face" not in c.actions          # recognised: say who it is instead
        # still to decide (amber, covered until then): covering it settles it, so it is offered
        stranger.needs_review = True
        assert "cover" in r.row_choices(an, stranger.id, fb).actions
        eng.decide(an, fb, on=TODAY)
        # covered by hand: nothing more to cover; Undo is offered
        r.group(an, stranger.id, "cover", fb)
        eng.decide(an, fb, on=TODAY)
        c = r.row_choices(an, stranger.id, fb)
        assert "cover" not in c.actions and "undo" in c.actions
        assert c.settled == "Covered by hand whenever it is seen."
        r.group(an, stranger.id, "undo", fb)
        eng.decide(an, fb, on=TODAY)
        # said to be Sam, whose family said No for videos on Facebook: no reason can show
        # him, so "show" is not offered and the row says why, in the register's words
        r.group(an, stranger.id, "assign", fb, person="B2")
        eng.decide(an, fb, on=TODAY)
        c = r.row_choices(an, stranger.id, fb)
        assert "show" not in c.actions and "cover" not in c.actions
        assert c.settled == ("Covered by the rules whenever it is seen. It cannot be shown: "
                             "Sam Hale's parents said No for Facebook videos.")
        # a refused "show" stored before (the register changed since): a cover replaces it
        stranger.override = "show"
        assert "cover" in r.row_choices(an, stranger.id, fb).actions
    finally:
        ws.close()
