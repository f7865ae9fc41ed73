"""A decision to show a video's face, to name it or to say it is not a face is about the frames
the person deciding saw (s65 hunt). When the video is checked again (a new version of the
analysis, a settings change) its tracks may come out otherwise, and the review is matched to the
new tracks by how much they overlap in time and place. The match took a track four times as
long as the decision (a quarter of it in common, in the same place at its middle): a visitor's
face shown with a reason for 100 frames was shown for 400, when the tracker carried the track on
with another face for the 300 frames nobody decided on; so a face named by hand, and a "not a
face". Now such a decision applies only to a track that does not reach well beyond the frames it
was made on (it is asked again, and the track is covered meanwhile); a cover still applies to
any track it matches (covering more is never a leak)."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import Channel, Person, VideoAnalysis, VideoTrack
from photovet.core.policy import decide_video
from photovet.core.video_review import TrackDecision, VideoReview, apply_video_review

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", long_edge=2048, audio="keep")
VISITOR = (40.0, 40.0, 100.0, 110.0)        # where the face decided on is, frames 0-99
OTHER = (200.0, 60.0, 260.0, 130.0)         # where the track went on, frames 100-399


def analysis(last: int) -> VideoAnalysis:
    """One face track from frame 0 to ``last``, looked at every 3rd frame: the visitor's face
    to frame 99, then (the tracker carried it on) another face elsewhere."""
    frames = list(range(0, last + 1, 3))
    if frames[-1] != last:
        frames.append(last)
    boxes = [VISITOR if f < 100 else OTHER for f in frames]
    track = VideoTrack(id=0, frames=frames, boxes=boxes, scores=[0.9] * len(frames),
                       best_frame=0, best_box=VISITOR)
    return VideoAnalysis(path="clip.mp4", sha256="ab" * 32, width=320, height=240, fps=30.0,
                         frame_times=[i / 30 for i in range(max(last + 1, 400))],
                         tracks=[track], faces_checked=True, texts_checked=True)


def decided_on_first_100(action: str, **kw) -> VideoReview:
    frames = list(range(0, 100, 3))
    return VideoReview("ab" * 32, "website", tracks=[TrackDecision(
        "face", frames, [VISITOR] * len(frames), action, by="Mrs Office", **kw)])


def people() -> dict[str, Person]:
    amy = Person(id="A1", legal_forename="Amy", legal_surname="Able",
                 photo_consent={"website": "yes"}, video_consent={"website": "yes"})
    return {"A1": amy}


CASES = [("show", {"reason": "an adult visitor who agreed"}),
         ("assign", {"person": "A1"}),
         ("not-a-face", {"reason": "a poster"})]


@pytest.mark.parametrize("action,kw", CASES, ids=[c[0] for c in CASES])
def test_a_decision_does_not_reach_frames_nobody_decided_on(action, kw):
    an = analysis(399)
    apply_video_review(an, [decided_on_first_100(action, **kw)])
    decide_video(an, people(), WEB, "consent", TODAY)
    (t,) = an.face_tracks
    assert t.decision == "cover", f"{action}: shown for 400 frames, decided on 100"
    assert any("no longer fits" in note for note in an.review_notes), an.review_notes


@pytest.mark.parametrize("action,kw", CASES, ids=[c[0] for c in CASES])
def test_it_still_applies_to_the_track_it_was_made_on_found_a_little_longer(action, kw):
    """The same track checked again, found to frame 105 (the next looks): still the decision."""
    an = analysis(105)
    apply_video_review(an, [decided_on_first_100(action, **kw)])
    decide_video(an, people(), WEB, "consent", TODAY)
    (t,) = an.face_tracks
    assert t.decision == "show" or (action == "not-a-face" and t.override == "not-a-face"), \
        (t.decision, t.reason)
    assert not an.review_notes


def test_a_cover_still_covers_the_whole_longer_track():
    an = analysis(399)
    apply_video_review(an, [decided_on_first_100("cover")])
    decide_video(an, people(), WEB, "consent", TODAY)
    (t,) = an.face_tracks
    assert t.override == "cover" and t.decision == "cover"


@pytest.mark.parametrize("last,kept", [(399, False), (105, True)])
def test_a_name_left_readable_does_not_reach_frames_nobody_decided_on(last, kept):
    """A line left readable (a member of staff's name card) and the track it matched now
    reading the same but carried on for 300 more frames: asked again; found a little longer:
    still left readable."""
    an = analysis(last)
    t = an.tracks[0]
    t.kind, t.text, t.text_kind = "text", "MR SMITH", "name-like"
    frames = list(range(0, 100, 3))
    review = VideoReview("ab" * 32, "website", tracks=[TrackDecision(
        "text", frames, [VISITOR] * len(frames), "keep", text="MR SMITH", by="Mrs Office")])
    apply_video_review(an, [review])
    assert (t.override == "keep") is kept, (t.override, an.review_notes)
