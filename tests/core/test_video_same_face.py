"""A child the tracker split into two rows of a clip (GUI audit, second term, finding 11): once
one row is named as a child who may not be shown, another row that may be the same child (never
on a frame with it, and alike: media/video/analysis.same_faces) is not shown with a reason
alone: "Show" and "not a face" are refused with words that say who it may be, and naming it by
hand as someone who may be shown needs a reason and is shown to the approver as a look-alike
named by hand (policy.track_override_refusal, decide_track). A face whose appearance is not
known (never encoded) cannot be ruled out: it is treated as one that may be any face never on
a frame with it (policy.same_as_rows)."""

from __future__ import annotations

import datetime as dt

import av
import numpy as np
import pytest

from photovet.core.media.video.analysis import same_faces, same_limit
from photovet.core.models import Channel, MatchStatus, Person, VideoAnalysis, VideoTrack
from photovet.core.policy import (
    HAND_LOOKALIKE,
    decide_video,
    hand_named_refusal,
)
from photovet.core.review import ReviewRefused
from photovet.core.settings import Settings
from photovet.core.video_review import VideoReviewer
from tests.video_clips import encode_frames

TODAY = dt.date(2026, 11, 30)
YT = Channel("youtube", "YouTube")

HOPE = Person("H1", "Hope", "Bennett", photo_consent={"youtube": "yes"},
              video_consent={"youtube": "no"})
ANA = Person("A1", "Ana", "Bell", photo_consent={"youtube": "yes"},
             video_consent={"youtube": "yes"})
KIT = Person("K1", "Kit", "Hart", video_consent={"youtube": "yes"}, do_not_photograph=True)
PEOPLE = {p.id: p for p in (HOPE, ANA, KIT)}


def track(tid, f0, f1, x, *, named=None, recognised=None, uncertain=None, views=3,
          same=()):
    frames = list(range(f0, f1 + 1, 3))
    status = (MatchStatus.RECOGNISED.value if recognised else
              MatchStatus.UNCERTAIN.value if uncertain else MatchStatus.UNKNOWN.value)
    return VideoTrack(id=tid, frames=frames, boxes=[(x, 100, x + 60, 160)] * len(frames),
                      scores=[0.9] * len(frames), shot_start=0, shot_end=None,
                      match_status=status, person=recognised or uncertain,
                      override_person=named, assign_reason="", views=views,
                      same_as=list(same), first_time=f0 / 30, last_time=f1 / 30)


def clip(tracks):
    return VideoAnalysis(path="play.mp4", width=640, height=360, fps=30.0,
                         frame_times=[i / 30 for i in range(600)], tracks=tracks,
                         sampling={"stride": 3, "fine_every": 15, "pre": 0.5, "post": 0.5})


def reviewer():
    return VideoReviewer(store=None, person_of=PEOPLE.get, today=lambda: TODAY)


def decide(a):
    return decide_video(a, PEOPLE, YT, "consent", TODAY)


def hope_and_later(**hope):
    """Row 1 Hope (named by hand unless told otherwise), row 2 later, alike; row 3 beside Hope."""
    kind = hope or {"named": "H1"}
    return clip([track(0, 0, 90, 100, same=[(1, 0.62)], **kind),
                 track(1, 150, 240, 400, same=[(0, 0.62)]),
                 track(2, 30, 120, 300)])


# ------------------------------------------------------------------------------------------
# Which tracks may be one person (analysis.same_faces: ids and distances, never signatures)
# ------------------------------------------------------------------------------------------

def test_tracks_alike_and_never_together_may_be_one_person():
    e = np.eye(128)
    a, b, c, d = (track(0, 0, 60, 100), track(1, 90, 150, 400), track(2, 30, 120, 300),
                  track(3, 200, 260, 200))
    sig = {0: [e[0], e[1]], 1: [e[0] * 0.98 + e[5] * 0.2], 2: [e[0]], 3: []}
    same_faces([a, b, c, d], sig, 1.03)
    assert [t.views for t in (a, b, c, d)] == [2, 1, 1, 0]
    # a and b: never on one frame, nearest views 0.2 apart; c is on frames with both: never
    assert [i for i, _ in a.same_as] == [1] and [i for i, _ in b.same_as] == [0]
    assert a.same_as[0][1] == pytest.approx(0.2, abs=0.01)
    assert c.same_as == [] and d.same_as == []            # d: appearance not known
    # far apart (a different face): not the same; limit 0: not looked for
    same_faces([a, b], {0: [e[0]], 1: [e[3]]}, 1.03)
    assert a.same_as == [] and b.same_as == [] and a.views == b.views == 1
    same_faces([a, b], {0: [e[0]], 1: [e[0]]}, 0.0)
    assert a.same_as == [] and a.views == 1
    # the limit: the widest "near" the photo matcher uses (staff accept + the band)
    assert same_limit(Settings().recognition) == pytest.approx(1.03)


def test_what_a_track_may_be_is_kept_in_the_analysis_and_the_cache():
    t = track(4, 0, 30, 10, same=[(7, 0.81234)], views=5)
    back = VideoTrack.from_dict(t.to_dict())
    assert back.same_as == [(7, 0.8123)] and back.views == 5
    kept = t.detected()
    assert kept.same_as == [(7, 0.8123)] and kept.views == 5
    old = t.to_dict()
    del old["same_as"], old["views"]                    # analysed before: not known
    assert VideoTrack.from_dict(old).views == 0


# ------------------------------------------------------------------------------------------
# Policy: refused when it may be a refused child; allowed when the other is allowed
# ------------------------------------------------------------------------------------------

def test_show_is_refused_on_a_face_that_may_be_the_child_named_in_another_row():
    a = hope_and_later()
    decide(a)
    ask = reviewer().track_ask(a, 1, "show", YT, mode="consent")
    assert ask.refused
    assert ask.words == ("This face may be Hope Bennett (named in another part of the clip; "
                         "YouTube videos: No). Say who it is (Who is this?) if it is someone "
                         "else; otherwise it stays covered")
    assert reviewer().track_ask(a, 1, "not-a-face", YT, mode="consent").refused
    # the row does not offer "Show", and says why; the face says who it may be
    assert a.track(1).near_note == ("It may be Hope Bennett (named in another part of the clip; "
                                    "YouTube videos: No)")
    # beside Hope (on her frames): surely someone else, a reason is enough
    assert reviewer().track_ask(a, 2, "show", YT, mode="consent").needs_reason
    # a "show" stored before (by an earlier version, or a tool) is not used: checked again
    later = a.track(1)
    later.override, later.override_reason = "show", "adult visitor"
    decide(a)
    assert later.decision == "cover" and later.refused.startswith("This face may be Hope")
    later.override = "not-a-face"
    decide(a)
    assert later.decision == "cover" and later.refused.startswith("This face may be Hope")


@pytest.mark.parametrize("kind, how", [
    ({"recognised": "K1"}, "Kit Hart (recognised in another part of the clip; do not "
                           "photograph)"),
    ({"uncertain": "H1"}, "Hope Bennett (perhaps seen in another part of the clip; YouTube "
                          "videos: No)"),
    ({"named": "Z9"}, "someone in the register whose consent is not known here (named in "
                      "another part of the clip)"),
])
def test_recognised_or_perhaps_refused_in_the_other_row_refuses_too(kind, how):
    a = hope_and_later(**kind)
    decide(a)
    ask = reviewer().track_ask(a, 1, "show", YT, mode="consent")
    assert ask.refused and ask.words.startswith(f"This face may be {how}.")


def test_show_with_a_reason_stays_possible_when_the_other_row_may_be_shown():
    a = hope_and_later(named="A1")
    decide(a)
    ask = reviewer().track_ask(a, 1, "show", YT, mode="consent")
    assert ask.needs_reason and "Hope" not in ask.words and "careful" not in ask.words
    later = a.track(1)
    later.override, later.override_reason = "show", "adult visitor"
    decide(a)
    assert later.decision == "show" and not later.refused and not later.near_note
    # not alike (no same_as): nothing refused, and no warning either (they were compared)
    a = hope_and_later()
    for t in a.tracks:
        t.same_as = []
    decide(a)
    ask = reviewer().track_ask(a, 1, "show", YT, mode="consent")
    assert ask.needs_reason and "careful" not in ask.words


def test_without_appearance_it_cannot_be_ruled_out_and_show_is_refused():
    """A face too small to encode (or without landmarks) was never compared: it may be the
    child named in another row as well as any face, so a reason alone does not show it (it
    only warned before); naming it as someone who may be shown stays possible, with a reason.
    Seen on a frame with her, it is surely someone else: a reason is enough."""
    a = hope_and_later()
    a.track(1).views = 0                    # never encoded (too small): not compared
    a.track(0).same_as = a.track(1).same_as = []
    decide(a)
    ask = reviewer().track_ask(a, 1, "show", YT, mode="consent")
    assert ask.refused
    assert ask.words.startswith("This face may be Hope Bennett (named in another part of the "
                                "clip; YouTube videos: No)")
    assert reviewer().track_ask(a, 1, "not-a-face", YT, mode="consent").refused
    later = a.track(1)
    later.override, later.override_reason = "show", "adult visitor"    # stored before
    decide(a)
    assert later.decision == "cover" and later.refused
    later.override, later.override_reason, later.refused = None, "", ""
    decide(a)
    beside = reviewer().track_ask(a, 2, "show", YT, mode="consent")
    assert beside.needs_reason and "Hope" not in beside.words
    # both encoded and not alike: compared, so nothing is refused
    a = hope_and_later()
    for t in a.tracks:
        t.same_as, t.views = [], 3
    decide(a)
    assert reviewer().track_ask(a, 1, "show", YT, mode="consent").needs_reason


# ------------------------------------------------------------------------------------------
# Naming by hand stays possible: with a reason, shown to the approver as a look-alike
# ------------------------------------------------------------------------------------------

def test_naming_it_as_someone_allowed_needs_a_reason_and_the_approver_is_told():
    a = hope_and_later()
    decide(a)
    ask = reviewer().track_ask(a, 1, "assign", YT, person="A1", mode="consent")
    assert ask.needs_reason
    assert ask.words.startswith("This face may be Hope Bennett (named in another part of the "
                                "clip; YouTube videos: No). You are saying it is Ana Bell "
                                "(YouTube videos: Yes).")
    # naming it as Hope herself (or anyone covered whatever is said) needs nothing
    assert reviewer().track_ask(a, 1, "assign", YT, person="H1", mode="consent").allowed
    # named without a reason (a tool, an earlier version): not used
    later = a.track(1)
    later.override_person, later.assigned_by = "A1", "Mrs Office"
    decide(a)
    assert later.decision == "cover" and later.needs_review
    assert later.refused.startswith("This face may be Hope Bennett")
    # with a reason: shown, named by hand over a look-alike; the approver looks at it alone
    later.assign_reason = "checked with the class teacher"
    decide(a)
    assert later.decision == "show" and not later.refused
    assert later.hand_named == HAND_LOOKALIKE
    assert later.hand_note == ("Named by hand by Mrs Office (PhotoVet did not recognise this "
                               "face); another part of the clip may be the same face: Hope "
                               "Bennett (named in another part of the clip; YouTube videos: "
                               "No). Reason: \u201cchecked with the class teacher\u201d")
    assert "could also be someone who may not be shown here" in hand_named_refusal(a)


# ------------------------------------------------------------------------------------------
# The whole road: analysis (nobody enrolled), a name given on one row, "Show" on the other
# ------------------------------------------------------------------------------------------

RED, BLUE = (220, 30, 30), (30, 30, 220)
E = np.eye(128)


class Squares:
    """Red and blue squares are faces; a red one always signs alike, a blue one otherwise (far
    from anyone enrolled in the video tests' workspace)."""

    def __init__(self):
        self.encoded = 0

    def detect_passes(self, passes, threshold=0.3, tile=1024):
        rgb, kx, ky = passes[0]
        out = []
        for colour in (RED, BLUE):
            m = np.all(np.abs(rgb.astype(int) - colour) < 40, axis=-1)
            for half in (slice(0, 160), slice(160, 320)):
                ys, xs = np.nonzero(m[:, half])
                if len(xs) > 20:
                    x0 = half.start
                    out.append([(xs.min() + x0) * kx, ys.min() * ky, (xs.max() + 1 + x0) * kx,
                                (ys.max() + 1) * ky, 0.95])
        return np.asarray(out, float).reshape(-1, 5), np.zeros((len(out), 10))

    def encode(self, image, faces, model=None):
        self.encoded += 1
        arr = np.asarray(image)
        x, y, w, h = faces[0].box
        patch = arr[y + h // 4:y + 3 * h // 4, x + w // 4:x + 3 * w // 4].reshape(-1, 3).mean(0)
        return [E[5] if patch[0] > patch[2] else E[6]]


def split_child_video(path, fps=30):
    """8 s: a child (red) top left for 1.5 s, gone for 3.5 s, then bottom right to the end (two
    rows: too far and too long apart to be linked); someone else (blue) the whole time."""
    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 320, 240, "yuv420p"

        def picture(i: int) -> np.ndarray:
            t = i / fps
            img = np.full((240, 320, 3), 90, np.uint8)
            img[:, :, 1] = 110 + (np.arange(320) % 40)[None, :]
            if t < 1.5:
                img[20:70, 20:64] = RED
            elif t >= 5.0:
                img[160:210, 250:294] = RED
            img[100:150, 100:144] = BLUE
            return img

        encode_frames(v, (picture(i) for i in range(8 * fps)))
    return path


def test_a_row_that_may_be_the_child_named_in_another_cannot_be_shown(tmp_path):
    from photovet.core.pipeline import Engine
    from tests.conftest import register_workspace
    from tests.core.test_video_workflow import REGISTER, TODAY

    ws = register_workspace(tmp_path, REGISTER)        # nobody enrolled
    try:
        fb = ws.channels.get("facebook")
        faces = Squares()
        eng = Engine(ws.settings, register=ws.register, face_engine=faces, cache=ws.cache,
                     reviews=ws.reviews)
        an = eng.decide(eng.analyse_video(split_child_video(tmp_path / "play.mp4")), fb,
                        on=TODAY)
        assert faces.encoded > 0                        # appearance, though nobody enrolled
        reds = sorted((t for t in an.face_tracks if t.boxes[0][1] < 90 or t.boxes[0][1] > 150),
                      key=lambda t: t.first_frame)
        blue = next(t for t in an.face_tracks if t not in reds)
        assert len(reds) == 2 and all(t.views for t in an.face_tracks)
        first, later = reds
        assert [i for i, _ in later.same_as] == [first.id] and blue.same_as == []
        r = ws.video_reviewer()
        # the office names the first row as Sam (Facebook videos: No)
        r.group(an, first.id, "assign", fb, person="B2")
        an = eng.decide(an, fb, on=TODAY)
        later = an.track(later.id)
        c = r.row_choices(an, later.id, fb)
        assert "show" not in c.actions and "assign" in c.actions
        # whom it may be is said once, by the row (near_note); the refusal does not repeat it
        assert later.near_note == ("It may be Sam Hale (named in another part of the clip; "
                                   "Facebook videos: No)")
        assert c.settled == ("Covered by the rules whenever it is seen. It cannot be shown while "
                             "it may be that person: if it is someone else, say who it is (Who "
                             "is this?).")
        assert "Sam Hale" not in c.settled
        with pytest.raises(ReviewRefused, match="This face may be Sam Hale"):
            r.group(an, later.id, "show", fb, reason="adult visitor")
        # the face on screen with Sam the whole time: a reason is enough
        assert r.track_ask(an, blue.id, "show", fb).needs_reason
        # "Who is this?": Tori, with a reason; the approver is told
        with pytest.raises(ReviewRefused, match="Say why this is Tori Ashby"):
            r.group(an, later.id, "assign", fb, person="A1")
        r.group(an, later.id, "assign", fb, person="A1", reason="checked with her teacher")
        an = eng.decide(an, fb, on=TODAY)
        assert an.track(later.id).decision == "show"
        assert an.track(later.id).hand_named == HAND_LOOKALIKE
        assert hand_named_refusal(an)
    finally:
        ws.close()
