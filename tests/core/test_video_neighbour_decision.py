"""A decision made on one track of a video, or its undo, replaces or forgets the stored
decisions about that track only, never those of the track beside it (s65; the photo side since
s41: ``review.face_decision_about``). They were picked by overlap: any stored decision whose
frames and place had ``MATCH`` (a quarter) or more in common with the track went, and two
children side by side, their boxes a third in common, share that much: showing the visitor
beside a child covered by hand took the child's cover away, and the rules then showed the
child (recognised, with consent: the school had been asked, by word of mouth, to keep them
off)."""

from __future__ import annotations

import datetime as dt

from photovet.core.models import MatchStatus, Person, VideoAnalysis, VideoTrack
from photovet.core.policy import decide_video
from photovet.core.video_review import apply_video_review

TODAY = dt.date(2026, 11, 21)
AMY = Person(id="A1", legal_forename="Amy", legal_surname="Able",
             photo_consent={"website": "yes"}, video_consent={"website": "yes"})
PEOPLE = {"A1": AMY}
SHA = "cd" * 32
WHY = "an adult visitor who agreed"


def clip() -> VideoAnalysis:
    """Amy (recognised, consent for the website) and a visitor just beside her, frames 0-99:
    their boxes a third in common."""
    frames = list(range(0, 100, 3))

    def track(tid: int, x: float, **kw) -> VideoTrack:
        return VideoTrack(id=tid, frames=frames, boxes=[(x, 40.0, x + 60, 110.0)] * len(frames),
                          scores=[0.9] * len(frames), first_time=0.0, last_time=99 / 30, **kw)

    amy = track(0, 40.0, match_status=MatchStatus.RECOGNISED.value, person="A1", distance=0.3,
                margin=0.5)
    visitor = track(1, 70.0)
    return VideoAnalysis(path="clip.mp4", sha256=SHA, width=320, height=240, fps=30.0,
                         frame_times=[i / 30 for i in range(100)], tracks=[amy, visitor],
                         faces_checked=True, texts_checked=True)


def checked(ws):
    web = ws.channels.get("website")
    a = clip()
    apply_video_review(a, ws.video_reviewer(PEOPLE.get).store.parts(SHA, web.id))
    return decide_video(a, PEOPLE, web, "consent", TODAY)


def test_showing_the_visitor_keeps_the_cover_on_the_child_beside_them(ws):
    web = ws.channels.get("website")
    reviewer = ws.video_reviewer(PEOPLE.get)
    a = checked(ws)
    assert a.tracks[0].decision == "show"                  # Amy, by the rules
    reviewer.track(a, 0, "cover", web)                     # kept off, by hand
    a = checked(ws)
    assert a.tracks[0].decision == "cover"
    reviewer.track(a, 1, "show", web, reason=WHY)
    a = checked(ws)
    assert a.tracks[1].decision == "show"
    assert a.tracks[0].decision == "cover", "the cover on Amy went with the visitor's show"


def test_undoing_the_visitor_keeps_the_cover_on_the_child_beside_them(ws):
    web = ws.channels.get("website")
    reviewer = ws.video_reviewer(PEOPLE.get)
    reviewer.track(checked(ws), 0, "cover", web)
    reviewer.track(checked(ws), 1, "show", web, reason=WHY)
    a = checked(ws)
    assert reviewer.undo_reach(a, 1, web)[0] == [1]        # the visitor's own, not Amy's
    reviewer.group(a, 1, "undo", web)
    a = checked(ws)
    assert a.tracks[1].decision == "cover"                 # the visitor: the rules again
    assert a.tracks[0].decision == "cover", "the undo of the visitor forgot Amy's cover"
