"""s57: in a video, "HELLO my name is" read with nothing after it makes two text tracks, the
place beside the words and the place under them. They were two questions ("2 possible names
to decide") for one sticker. As in a photo (test_cue_places.py), the tracks after one cue share
``VideoTrack.cue``: the first asks for both, a decision on either row is made for both, and each
stays covered until then. Approvals signed before keep their signature."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.media.video.analysis import summarise_text
from photovet.core.models import UNREAD_AFTER_CUE, TextItem, VideoAnalysis, VideoTrack
from photovet.core.policy import (
    REASON_CUE_ASKED,
    REASON_CUE_BOTH,
    REASON_UNREAD_AFTER_CUE,
    decide_video,
    video_publication,
    waiting_on_cue,
)
from photovet.core.video_review import apply_video_review

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 12, 4)
SHA = "ef" * 32


def _place(tid: int, y: float, cue: str) -> VideoTrack:
    frames = list(range(0, 60, 3))
    t = VideoTrack(id=tid, kind="text", frames=frames,
                   boxes=[(100.0, y, 300.0, y + 40.0)] * len(frames), scores=[0.0] * len(frames),
                   first_time=0.0, last_time=2.0)
    summarise_text(t, [TextItem([(100.0, y), (300.0, y), (300.0, y + 40.0), (100.0, y + 40.0)],
                                "", kind="name-like", context=UNREAD_AFTER_CUE,
                                low_confidence=True, cue=cue)])
    return t


def _clip() -> VideoAnalysis:
    """Two places after one sticker's cue, and one after a certificate's (another cue)."""
    return VideoAnalysis(path="cue.mp4", sha256=SHA, width=640, height=360, fps=30.0,
                         frame_times=[i / 30 for i in range(60)],
                         tracks=[_place(0, 100.0, "320,90"), _place(1, 150.0, "320,90"),
                                 _place(2, 250.0, "500,240")],
                         faces_checked=True, sampling={"stride": 3})


def _decided(ws, channel) -> VideoAnalysis:
    a = _clip()
    apply_video_review(a, ws.video_reviewer().store.parts(SHA, channel.id))
    return decide_video(a, {}, channel, "consent", TODAY)


def test_the_places_after_one_cue_are_one_question_in_a_video(ws):
    web = ws.channels.get("website")
    a = _decided(ws, web)
    assert [t.cue for t in a.tracks] == ["320,90", "320,90", "500,240"]
    assert [(t.decision, t.needs_review) for t in a.tracks] == [
        ("cover", True), ("cover", False), ("cover", True)]
    assert a.tracks[0].reason == REASON_UNREAD_AFTER_CUE + REASON_CUE_BOTH
    assert a.tracks[1].reason == REASON_UNREAD_AFTER_CUE + REASON_CUE_ASKED
    assert a.tracks[2].reason == REASON_UNREAD_AFTER_CUE          # alone after its cue
    assert [i in waiting_on_cue(a.tracks) for i in range(3)] == [False, True, False]
    # kept through the analysis cache
    assert [t.cue for t in VideoAnalysis.from_dict(a.to_dict()).tracks] == [t.cue for t in a.tracks]


def test_an_approval_signed_before_one_question_per_cue_is_the_same_approval(ws):
    """A video approved with both places open signed each with the reason as it read then."""
    web = ws.channels.get("website")
    a = _decided(ws, web)
    before = _clip()
    for t in before.tracks:
        t.cue = ""                                   # as analysed before s57
    decide_video(before, {}, web, "consent", TODAY)
    assert [t.reason for t in before.tracks] == [REASON_UNREAD_AFTER_CUE] * 3
    assert video_publication(a).signature() == video_publication(before).signature()


@pytest.mark.parametrize("chosen", [0, 1])
@pytest.mark.parametrize("action", ["keep", "cover"])
def test_a_decision_on_either_row_is_made_for_both_places(ws, chosen, action):
    web = ws.channels.get("website")
    r = ws.video_reviewer()
    a = _decided(ws, web)
    assert {"cover", "keep"} <= set(r.row_choices(a, chosen, web).actions)
    _review, ids = r.group(a, chosen, action, web,
                           reason="the sticker is blank" if action == "keep" else "")
    assert sorted(ids) == [0, 1]
    a = _decided(ws, web)
    assert [(t.decision, t.needs_review) for t in a.tracks] == [
        (action, False), (action, False), ("cover", True)]
    # Undo on either row forgets both: the one question is asked again
    assert sorted(r.undo_reach(a, 1 - chosen, web)[0]) == [0, 1]
    r.group(a, 1 - chosen, "undo", web)
    a = _decided(ws, web)
    assert [(t.decision, t.needs_review) for t in a.tracks] == [
        ("cover", True), ("cover", False), ("cover", True)]



def test_forgetting_one_places_decision_forgets_the_others(ws):
    web = ws.channels.get("website")
    r = ws.video_reviewer()
    r.group(_decided(ws, web), 0, "cover", web)
    r.undo_track(_decided(ws, web), 1, web)
    a = _decided(ws, web)
    assert [(t.decision, t.needs_review) for t in a.tracks[:2]] == [("cover", True),
                                                                    ("cover", False)]


def test_a_row_decided_on_its_own_before_is_not_changed_by_the_other_rows_answer(ws):
    """A place covered by hand on its own (before s57) stays covered when the other place's
    row is left readable: one answer is for the places that stand alike."""
    from photovet.core.video_review import TrackDecision

    web = ws.channels.get("website")
    r = ws.video_reviewer()
    first = _clip().tracks[0]
    alone = TrackDecision("text", list(first.frames), [tuple(b) for b in first.boxes], "cover")
    r.store.edit(SHA, web.id, lambda every, one: (every.tracks.append(alone), {})[1],
                 action="test")
    a = _decided(ws, web)
    assert (a.tracks[0].override, a.tracks[1].needs_review) == ("cover", True)
    assert 0 not in waiting_on_cue(a.tracks)
    _review, ids = r.group(a, 1, "keep", web, reason="the sticker is blank")
    assert ids == [1]
    a = _decided(ws, web)
    assert [t.decision for t in a.tracks[:2]] == ["cover", "keep"]


def test_a_name_read_later_where_nothing_was_read_is_not_left_readable_by_the_answer(ws):
    """s58 audit, as in a photo (test_cue_answer_read_again.py): both places after the
    sticker were left readable, nothing being written there; checked again, a name is read in
    the place under the words. The answer left readable a track that read nothing: the track
    that reads "Thomas" now is covered and asked again, not left readable by it."""
    web = ws.channels.get("website")
    ws.video_reviewer().track(_decided(ws, web), 0, "keep", web,
                              reason="nothing is written on the sticker")
    assert [t.decision for t in _decided(ws, web).tracks[:2]] == ["keep", "keep"]
    again = _clip()
    summarise_text(again.tracks[1], [TextItem(
        [(100.0, 150.0), (300.0, 150.0), (300.0, 190.0), (100.0, 190.0)], "Thomas",
        kind="name-like", low_confidence=True)])
    apply_video_review(again, ws.video_reviewer().store.parts(SHA, web.id))
    a = decide_video(again, {}, web, "consent", TODAY)
    assert a.tracks[1].text == "Thomas"
    assert (a.tracks[1].decision, a.tracks[1].override) == ("cover", None), a.tracks[1].reason
    assert (a.tracks[0].decision, a.tracks[0].override) == ("keep", "keep")
    assert any("no longer fits" in note for note in again.review_notes), again.review_notes
