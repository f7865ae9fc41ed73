"""Audit (second term), finding 11: in a video, "Show for the whole clip" on a row of a face
nobody is sure of asked only for a free-text reason, although another row of the same clip was
just named as a child who may not be shown (the tracker had split that child into many rows).
The reason question then said so (policy.maybe_refused_ask, VideoReviewer.track_ask); now a
face nobody could compare (never encoded) is treated as one that may be the named child, and
"show" is refused (policy.same_as_rows). A face seen at the same moment as the named one is
surely someone else and is asked only for a reason."""

from __future__ import annotations

import datetime as dt

from photovet.core.media.video.linking import could_be_same, seen_together
from photovet.core.models import Channel, MatchStatus, Person, VideoAnalysis, VideoTrack
from photovet.core.policy import ALLOWED, NEEDS_REASON, OverrideAsk, maybe_refused_ask
from photovet.core.video_review import VideoReviewer

TODAY = dt.date(2026, 11, 30)
YT = Channel("youtube", "YouTube")

LIN = Person("L1", "Lin", "Miranda", photo_consent={"youtube": "yes"},
             video_consent={"youtube": "no"})
ANA = Person("A1", "Ana", "Bell", photo_consent={"youtube": "yes"},
             video_consent={"youtube": "yes"})
KIT = Person("K1", "Kit", "Hart", video_consent={"youtube": "yes"}, do_not_photograph=True)
PEOPLE = {p.id: p for p in (LIN, ANA, KIT)}


def track(tid, f0, f1, x, *, named=None, recognised=None):
    frames = list(range(f0, f1 + 1, 3))
    return VideoTrack(id=tid, frames=frames, boxes=[(x, 100, x + 60, 160)] * len(frames),
                      scores=[0.9] * len(frames), shot_start=0, shot_end=None,
                      match_status=(MatchStatus.RECOGNISED.value if recognised
                                    else MatchStatus.UNKNOWN.value),
                      person=recognised, override="assign" if named else None,
                      override_person=named, first_time=f0 / 30, last_time=f1 / 30)


def clip(tracks):
    return VideoAnalysis(path="play.mp4", width=640, height=360, fps=30.0,
                         frame_times=[i / 30 for i in range(600)], tracks=tracks,
                         sampling={"stride": 3, "fine_every": 15, "pre": 0.5, "post": 0.5})


def reviewer():
    return VideoReviewer(store=None, person_of=PEOPLE.get, today=lambda: TODAY)


def test_two_faces_on_one_frame_are_two_people_and_others_may_be_the_same():
    lin, later, beside = track(0, 0, 90, 100, named="L1"), track(1, 150, 240, 400), \
        track(2, 30, 120, 300)
    a = clip([lin, later, beside])
    assert seen_together(lin, beside) and not seen_together(lin, later)
    assert could_be_same(a, 1) == [0, 2] and could_be_same(a, 2) == [1]


def test_show_on_a_face_nobody_knows_and_nobody_could_compare_is_refused_when_it_may_be_the_refused_child():
    """These faces were never encoded (``views`` 0: too small, no landmarks), so nobody could
    compare them with Lin's: the row after Lin may be her. It only warned before; now a reason
    alone does not show it (policy.same_as_rows: it cannot be ruled out), and the words say
    whom it may be and what to do."""
    lin = track(0, 0, 90, 100, named="L1")               # named by hand: parents said No
    later = track(1, 150, 240, 400)                      # Lin again? another row, nobody knows
    beside = track(2, 30, 120, 300)                      # on screen with Lin: not her
    a = clip([lin, later, beside])
    ask = reviewer().track_ask(a, 1, "show", YT, mode="consent")
    assert ask.refused
    assert ask.words == ("This face may be Lin Miranda (named in another part of the clip; "
                         "YouTube videos: No). Say who it is (Who is this?) if it is someone "
                         "else; otherwise it stays covered")
    # saying who it is (someone who may be shown) stays possible, with a reason
    assert not reviewer().track_ask(a, 1, "assign", YT, person="A1", mode="consent").refused
    # seen at the same moment as Lin: surely someone else, the question is as before
    ask = reviewer().track_ask(a, 2, "show", YT, mode="consent")
    assert ask.needs_reason and "Lin" not in ask.words


def test_nothing_refused_for_someone_who_may_be_shown_and_each_refused_person_said_once():
    ana = track(0, 0, 90, 100, recognised="A1")           # consent: may be shown
    nobody = track(1, 150, 240, 400)
    ask = reviewer().track_ask(clip([ana, nobody]), 1, "show", YT, mode="consent")
    assert ask.needs_reason and "Ana" not in ask.words and "careful" not in ask.words
    kit = track(2, 300, 390, 200, recognised="K1")        # do not photograph
    lin = track(3, 400, 450, 100, named="L1")
    lin2 = track(4, 460, 500, 120, named="L1")            # Lin twice: said once
    ask = reviewer().track_ask(clip([ana, nobody, kit, lin, lin2]), 1, "show", YT,
                               mode="consent")
    assert ask.refused
    assert ask.words.count("Lin Miranda") == 1 and ask.words.count("Kit Hart") == 1
    assert "Ana" not in ask.words
    # a face someone already named is not asked about this way
    assert "may be" not in reviewer().track_ask(clip([ana, nobody, kit, lin]), 0, "show", YT,
                                                mode="consent").words


def test_the_warning_never_turns_an_answer_into_a_reason_question():
    allowed = OverrideAsk(ALLOWED)
    assert maybe_refused_ask(allowed, [(LIN, True)], YT, "video", "consent", TODAY) is allowed
    ask = OverrideAsk(NEEDS_REASON, "say why")
    assert maybe_refused_ask(ask, [(None, True), (ANA, False)], YT, "video", "consent",
                             TODAY) is ask
