"""Video decisions (policy.decide_video and the recognition rules of a track): the VIDEO consent
for the channel shows a face, photo consent never does; unknown, uncertain, too briefly seen
tracks are covered; names follow decide_name per channel; the sound follows the channel's rule
and, on "listen" channels, is kept only once an approver listened."""

from __future__ import annotations

import datetime as dt

from photovet.core.media.video.analysis import one_person_at_a_time, recognise, summarise_text
from photovet.core.models import (
    Channel,
    Match,
    MatchStatus,
    Person,
    TextItem,
    VideoAnalysis,
    VideoTrack,
)
from photovet.core.policy import (
    REASON_TOO_BRIEF,
    decide_sound,
    decide_video,
    video_publication,
)

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School Website", audio="keep", names="full")
FB = Channel("facebook", "Facebook", audio="listen")

PEOPLE = {
    "A1": Person("A1", "Victoria", "Ashby", preferred_forename="Tori",
                 photo_consent={"website": "yes", "facebook": "yes"},
                 video_consent={"website": "yes"}, name_with_photo=True),
    "B2": Person("B2", "Sam", "Hale", photo_consent={"website": "yes", "facebook": "yes"}),
    "C3": Person("C3", "Rory", "Quinn", photo_consent={"website": "yes"},
                 video_consent={"website": "yes"}, do_not_photograph=True),
}


def face(tid, status, person=None, n=5, start=0):
    frames = list(range(start, start + 3 * n, 3))
    return VideoTrack(id=tid, frames=frames, boxes=[(10, 10, 50, 60)] * n, scores=[0.9] * n,
                      match_status=status, person=person)


def analysis(*tracks, audio=True):
    return VideoAnalysis(path="v.mp4", width=320, height=240, fps=30.0, has_audio=audio,
                         frame_times=[i / 30 for i in range(100)], tracks=list(tracks),
                         faces_checked=True)


def test_video_consent_shows_and_photo_consent_never_does():
    an = analysis(face(0, "recognised", "A1"), face(1, "recognised", "B2"),
                  face(2, "uncertain", "A1"), face(3, "unknown"), face(4, "recognised", "C3"),
                  face(5, "no-register"))
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert [t.decision for t in an.tracks] == ["show", "cover", "cover", "cover", "cover", "cover"]
    assert "videos on School Website" in an.tracks[0].reason
    assert an.tracks[1].reason == "No consent for videos on School Website"
    assert an.tracks[2].needs_review          # "yes" would show Tori: a person should look
    assert not an.tracks[3].needs_review
    assert an.tracks[4].reason == "On the do-not-photograph list"
    decide_video(an, PEOPLE, FB, "consent", TODAY)
    assert an.tracks[0].decision == "cover"   # no video consent for Facebook
    decide_video(an, PEOPLE, WEB, "no-identifiable-children", TODAY)
    assert an.tracks[0].decision == "cover"


def test_a_track_seen_once_is_covered_even_when_recognised_unless_a_person_shows_it():
    t = face(0, "recognised", "A1", n=1)
    an = analysis(t)
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert (t.decision, t.reason, t.needs_review) == ("cover", REASON_TOO_BRIEF, True)
    t.override = "show"
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert t.decision == "show"


def test_overrides_on_tracks_are_checked_by_policy():
    t = face(0, "recognised", "C3")
    t.override = "show"
    an = analysis(t)
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert t.decision == "cover" and "do-not-photograph" in t.refused
    u = face(1, "unknown")
    u.override, u.override_reason = "show", "a visiting author who agreed"
    an = analysis(u)
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert u.decision == "show" and "visiting author" in u.reason
    v = face(2, "unknown")
    v.override_person = "A1"                 # a person said who it is: the rules apply to Tori
    an = analysis(v)
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert v.decision == "show"


def test_names_follow_decide_name_per_channel():
    name = VideoTrack(id=9, kind="text", frames=[0, 30], boxes=[(5, 200, 80, 215)] * 2,
                      text="Tori Ashby", text_kind="pupil-name", person="A1", form="full")
    unknown = VideoTrack(id=10, kind="text", frames=[0], boxes=[(5, 5, 50, 15)],
                         text="Jo Bloggs", text_kind="name-like", context="worn")
    an = analysis(name, unknown)
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert name.decision == "keep"           # name consent, video consent, full names on the site
    assert unknown.decision == "cover" and unknown.needs_review
    decide_video(an, PEOPLE, FB, "consent", TODAY)
    assert name.decision == "cover"
    pub = video_publication(an)
    assert pub.names_covered == ["A1"] and pub.names_shown == []


def test_sound_rules():
    assert decide_sound(WEB, True).action == "keep"
    listen = decide_sound(FB, True)
    assert listen.action == "remove" and listen.needs_review
    assert "spoken names cannot be checked" in listen.reason
    heard = decide_sound(FB, True, listened_by="Mr Head")
    assert heard.action == "keep" and "Mr Head" in heard.reason and not heard.needs_review
    assert decide_sound(Channel("x", "X", audio="mute"), True).action == "mute"
    assert decide_sound(Channel("x", "X", audio="remove"), True).action == "remove"
    assert decide_sound(WEB, False).action == "remove"
    # a reviewer may ask for less sound, never more
    assert decide_sound(WEB, True, requested="mute").action == "mute"
    assert decide_sound(Channel("x", "X", audio="remove"), True, requested="mute").action == "remove"
    # "listen" is an approver's question; removing the sound answers it (the preparer's way out)
    d = decide_sound(FB, True, requested="remove")
    assert d.action == "remove" and not d.needs_review and "removed by hand" in d.reason
    assert decide_sound(FB, True, requested="mute").needs_review     # not less than removed
    an = analysis(face(0, "unknown"))
    decide_video(an, PEOPLE, FB, "consent", TODAY)
    assert an.needs_review and an.sound == "remove"


def test_approval_substance_holds_every_track_and_the_sound():
    an = analysis(face(0, "recognised", "A1"), face(1, "unknown"))
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    a = video_publication(an).signature()
    an.tracks[1].decision = "show"
    assert video_publication(an).signature() != a
    an.tracks[1].decision = "cover"
    an.sound = "mute"
    assert video_publication(an).signature() != a


def R(p):
    return Match(MatchStatus.RECOGNISED, p, 0.3, 0.2)


def test_a_track_is_recognised_only_when_every_view_agrees():
    assert recognise([R("A1"), R("A1"), R("A1")], 3)[:2] == ("recognised", "A1")
    assert recognise([R("A1"), R("B2"), R("A1")], 3)[0] == "uncertain"
    assert recognise([R("A1"), Match(MatchStatus.UNKNOWN), R("A1")], 3)[0] == "uncertain"
    assert recognise([R("A1")], 1)[:2] == ("recognised", "A1")
    assert recognise([R("A1")], 4)[0] == "uncertain"      # one encodable view of four is not enough
    assert recognise([Match(MatchStatus.UNKNOWN)], 1)[0] == "unknown"
    assert recognise([], 0)[0] == "unknown"


def test_one_person_cannot_be_two_tracks_on_screen_at_once():
    a, b, c = face(0, "recognised", "A1"), face(1, "recognised", "A1"), \
        face(2, "recognised", "A1", start=60)
    one_person_at_a_time([a, b, c])
    assert (a.match_status, b.match_status, c.match_status) == ("uncertain", "uncertain",
                                                                "recognised")


def test_a_name_track_read_as_two_people_is_nobody_sure():
    t = VideoTrack(id=0, kind="text", frames=[0, 30], boxes=[(0, 0, 10, 10)] * 2)
    items = [TextItem([(0, 0)] * 4, "Tori Ashby", 0.9, person="A1", kind="pupil-name", form="full"),
             TextItem([(0, 0)] * 4, "Tom Ashby", 0.8, person="D4", kind="pupil-name", form="full")]
    summarise_text(t, items)
    assert t.person is None and t.text_kind == "pupil-name"
    an = analysis(t)
    decide_video(an, PEOPLE, WEB, "consent", TODAY)
    assert t.decision == "cover"


def test_a_photo_review_action_cannot_reach_a_video():
    """The app's photo shortcuts (K: keep the rest covered, a hand-drawn cover...) on a video are
    refused by the core: a video is reviewed track by track."""
    import pytest

    from photovet.core.models import Channel, Cover, VideoAnalysis
    from photovet.core.review import Reviewer, ReviewRefused

    class Preparer:
        name = "Office"

    class Access:
        def require(self, _permission):
            return Preparer()

    class NoStore:
        audit = type("Audit", (), {"access": Access()})()

        def edit(self, *a, **k):
            raise AssertionError("a photo review was written for a video")

    reviewer = Reviewer(NoStore(), lambda _pid: None)   # type: ignore[arg-type]
    video = VideoAnalysis(path="clip.mp4", sha256="ab" * 32)
    ch = Channel("facebook", "Facebook")
    with pytest.raises(ReviewRefused, match="track by track"):
        reviewer.keep_rest_covered(video, ch)   # type: ignore[arg-type]
    with pytest.raises(ReviewRefused):
        reviewer.add_cover(video, Cover("rect", (0, 0, 10, 10), None, "manual", "by hand"), ch)  # type: ignore[arg-type]
