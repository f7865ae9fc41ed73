"""A video's track decided on again replaces the decision that no longer fits it (s65, the
video side of test_photo_redecide.py): a face shown for its first 100 frames, the video checked
again and the track found 400 frames long (``video_review.reaches_beyond``: the show is not
used, said in the notes); the person shows the longer track again. ``VideoReviewer._store``
replaces the stored decisions about the track decided on (``decision_about``: the track they
match, though not used there), so the old show goes and so does its note."""

from __future__ import annotations

from photovet.core.policy import decide_video
from photovet.core.video_review import apply_video_review
from tests.core.test_video_decision_reach import TODAY, analysis

WHY = "an adult visitor who agreed"
NOTE = "A decision about a track (show) no longer fits this video and was not used."


def checked(ws, last: int):
    web = ws.channels.get("website")
    a = analysis(last)
    apply_video_review(a, ws.video_reviewer().store.parts(a.sha256, web.id))
    return decide_video(a, {}, web, "consent", TODAY)


def stored(ws):
    return [(d.frames[0], d.frames[-1], d.action)
            for p in ws.video_reviewer().store.parts("ab" * 32, "website") for d in p.tracks]


def test_showing_the_longer_track_again_replaces_the_show_that_no_longer_fits(ws):
    web = ws.channels.get("website")
    ws.video_reviewer().track(checked(ws, 99), 0, "show", web, reason=WHY)
    a = checked(ws, 399)
    assert a.review_notes == [NOTE] and a.tracks[0].decision == "cover"
    ws.video_reviewer().track(a, 0, "show", web, reason=WHY)
    assert stored(ws) == [(0, 399, "show")]
    a = checked(ws, 399)
    assert not a.review_notes and a.tracks[0].decision == "show"
