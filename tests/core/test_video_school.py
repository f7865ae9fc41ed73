"""The school's identifiers in videos: a line naming the school (a sign, a badge reading
"Oakfield Primary School") is marked as a photo's line is (vision/text/school.py: the school's
own words, or a line shaped like any school's name, unsure) and becomes a text track carrying
``school`` and ``school_unsure``; policy decides it exactly as a photo's line
(``track_as_text`` -> ``decide_text``): covered on channels that cover school identifiers
(YouTube, Facebook...), kept on the school's website. Before, videos kept only names, and a
sign naming the school stayed readable in a clip exported to YouTube."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from photovet.core.media.video.analysis import summarise_text
from photovet.core.models import Channel, TextItem, VideoAnalysis, VideoTrack
from photovet.core.pipeline import Engine
from photovet.core.policy import decide_track, track_as_text
from photovet.core.settings import Settings
from tests.video_clips import Card, Mover, assert_covered, decode_rgb, export_one, make_clip

TODAY = dt.date(2026, 11, 21)
YOUTUBE = Channel("youtube", "YouTube", audio="remove", cover_school=True)
WEBSITE = Channel("website", "School Website", audio="remove", names="full")
SIGN = "Oakfield Primary School"


@pytest.fixture(scope="module")
def face_engine():
    from photovet.core.vision.faces import FaceEngine

    return FaceEngine.load(Settings())


@pytest.fixture(scope="module")
def sign_clip(tmp_path_factory):
    """1.5 s, a face moving on the left, a sign reading "Oakfield Primary School" on screen
    the whole clip (its box in ``badges``, frame by frame)."""
    d = tmp_path_factory.mktemp("sign")
    return make_clip(d / "sign.mp4", size=(640, 360), seconds=1.5,
                     movers=[Mover(64, (120, 100), (200, 110), variant=1)],
                     cards=[Card(SIGN, (300, 250), 0.0, 10.0, 28)])


def _engine(face_engine, names: list[str]) -> Engine:
    from photovet.core.vision.text.ocr import TextEngine, text_options

    s = Settings()
    s.school.names = names
    return Engine(s, face_engine=face_engine, text_engine=TextEngine.load(text_options(s.text)))



@pytest.mark.parametrize("names", [[SIGN], []], ids=["name-set", "name-not-set"])
def test_a_sign_naming_the_school_is_covered_on_youtube_and_kept_on_the_website(
        tmp_path, face_engine, sign_clip, names, capsys):
    """The school's name set: the sign is the school's name, sure, covered on YouTube with no
    question asked. Not set: it is shaped like a school's name (``any_school_name``), covered
    and sent for review. Either way the export read back has the sign under a cover on every
    frame; on the website (which says which school it is) it stays readable."""
    eng = _engine(face_engine, names)
    an = eng.analyse_video(sign_clip.path, use_cache=False)
    assert an.error is None, an.error
    school = [t for t in an.text_tracks if t.school]
    assert school, [(t.text, t.text_kind) for t in an.text_tracks]
    assert {t.school for t in school} == {"name"}
    assert all(t.school_unsure is (not names) for t in school)
    assert all(t.text_kind == "" and t.person is None for t in school)   # not a name

    eng.decide(an, YOUTUBE, on=TODAY)
    assert all(t.decision == "cover" for t in school)
    assert all(t.needs_review is (not names) for t in school)
    assert all("school" in t.reason for t in school), [t.reason for t in school]
    # the command's lines say what it is (core/words.py), not "name"
    from photovet.cli.photos import _video_lines

    _video_lines(an, eng, YOUTUBE)
    said = capsys.readouterr().out
    what = "might be the school's name" if not names else "the school's name"
    lines = "1 line" if len(school) == 1 else f"{len(school)} lines"
    assert f"; {lines} naming the school covered" in said and "(s)" not in said, said
    assert f"{what} '{school[0].text}': COVER" in said, said
    res = export_one(eng, an, tmp_path / "yt", YOUTUBE)
    assert res.ok and res.texts_covered >= 1, res
    assert sum(1 for b in sign_clip.badges if b) == sign_clip.frames
    assert_covered(res.output, sign_clip.badges, shrink=0.05, what="the school's sign")

    eng.decide(an, WEBSITE, on=TODAY)
    assert all(t.decision == "keep" and not t.needs_review for t in school)
    res = export_one(eng, an, tmp_path / "web", WEBSITE)
    assert res.ok and res.texts_covered == 0
    first = next(iter(decode_rgb(res.output)))
    x1, y1, x2, y2 = (int(v) for v in sign_clip.badges[0][0])
    # the white card and its black letters, as drawn (not the flat grey cover)
    assert float(np.abs(first[y1:y2, x1:x2].astype(int) - 128).mean()) > 40


def test_the_schools_words_are_part_of_the_video_analysis_key(face_engine):
    """An analysis made before the school's name was set (or with another name) is not reused:
    the words are in what the video cache keys on (settings.analysis_key, in cache_key)."""
    keys = set()
    for names in ([], [SIGN], ["Hillside Academy"]):
        s = Settings()
        s.school.names = names
        keys.add(Engine(s, face_engine=face_engine).video_cache_key())
    assert len(keys) == 3


def test_an_analysis_made_before_school_tracks_loads_and_keeps_them_after():
    """A cached analysis without the fields reads as no school identifier; one with them keeps
    them through the cache (``detected``) and the round trip."""
    old = {"id": 3, "kind": "text", "frames": [0, 30], "boxes": [[1, 2, 3, 4]] * 2,
           "text": "Tori Hale", "text_kind": "name-like"}
    t = VideoTrack.from_dict(old)
    assert (t.school, t.school_unsure) == ("", False)
    t.school, t.school_unsure = "abbreviation", True
    back = VideoTrack.from_dict(t.detected().to_dict())
    assert (back.school, back.school_unsure) == ("abbreviation", True)
    an = VideoAnalysis(path="x.mp4", tracks=[t])
    again = VideoAnalysis.from_dict(an.detected().to_dict())
    assert (again.tracks[0].school, again.tracks[0].school_unsure) == ("abbreviation", True)


def _item(text, score, *, kind="", school="", unsure=False, person=None):
    return TextItem(polygon=[(0, 0), (10, 0), (10, 5), (0, 5)], text=text, score=score,
                    kind=kind, school=school, school_unsure=unsure, person=person)


def test_a_school_track_is_sure_when_one_reading_was_sure_and_a_name_stays_a_name():
    """summarise_text: a track read three times, once surely as the school's name, is the
    school's name (sure); read only as shaped like a school's name, unsure; a track with a
    name reading stays a name and still carries the school (both rules apply: policy decides
    the name first, then the school)."""
    t = VideoTrack(id=0, kind="text")
    summarise_text(t, [_item("Oakfeld Primary", 0.9, school="name", unsure=True),
                       _item("Oakfield Primary", 0.7, school="name"),
                       _item("OPS", 0.6, school="abbreviation")])
    assert (t.school, t.school_unsure, t.text_kind, t.person) == ("name", False, "", None)
    summarise_text(t, [_item("Oakfeld Primary", 0.9, school="name", unsure=True)])
    assert (t.school, t.school_unsure) == ("name", True)
    summarise_text(t, [_item("Tori Hale", 0.9, kind="pupil-name", person="A1"),
                       _item("Oakfield Primary", 0.8, school="name")])
    assert (t.text_kind, t.person, t.school) == ("pupil-name", "A1", "name")
    summarise_text(t, [_item("Tori Hale", 0.9, kind="name-like")])
    assert (t.text_kind, t.school, t.school_unsure) == ("name-like", "", False)


def test_a_school_track_is_decided_by_the_photo_rule():
    """track_as_text passes ``school`` and ``school_unsure``: decide_track gives what
    decide_text gives a photo's line (one place decides); keeping it by hand on a covering
    channel needs a reason, as for a photo."""
    from photovet.core.policy import decide_text, track_override_refusal

    t = VideoTrack(id=1, kind="text", frames=[0], boxes=[(0, 0, 10, 5)], text=SIGN,
                   school="name", school_unsure=True)
    item = track_as_text(t)
    assert (item.school, item.school_unsure) == ("name", True)
    for ch in (YOUTUBE, WEBSITE):
        d = decide_track(t, None, ch, "consent", TODAY)
        p = decide_text(track_as_text(t), None, ch, "video", "consent", TODAY)
        assert (d.action, d.reason, d.needs_review) == (p.action, p.reason, p.needs_review)
    assert decide_track(t, None, YOUTUBE, "consent", TODAY).action == "cover"
    assert decide_track(t, None, WEBSITE, "consent", TODAY).action == "keep"
    assert track_override_refusal("keep", t, None, YOUTUBE, "consent", TODAY, "")
    assert track_override_refusal("keep", t, None, YOUTUBE, "consent", TODAY,
                                  "it is the name of the visiting team's school") is None


def test_a_moving_badge_naming_the_school_rides_on_its_face_and_is_covered(tmp_path, face_engine):
    """A lanyard reading "Oakfield Primary School" under a pupil crossing the picture, the
    school's name not set: shaped like a school's name, it is a text track worn under the face
    (``rides``), and on YouTube its cover follows the face on every frame."""
    clip = make_clip(tmp_path / "badge.mp4", size=(640, 360), seconds=2.0,
                     movers=[Mover(96, (140, 100), (460, 110), variant=1, badge=SIGN)])
    eng = _engine(face_engine, [])
    an = eng.analyse_video(clip.path, use_cache=False)
    (badge,) = [t for t in an.text_tracks if t.school]
    assert (badge.school, badge.school_unsure) == ("name", True) and badge.rides
    eng.decide(an, YOUTUBE, on=TODAY)
    assert badge.decision == "cover" and badge.needs_review
    res = export_one(eng, an, tmp_path / "yt", YOUTUBE)
    assert res.ok and res.texts_covered == 1
    assert sum(1 for b in clip.badges if b) == clip.frames
    assert_covered(res.output, clip.badges, shrink=0.05, what="the school's badge")


def _badge_name(tid: int, text: str, kind: str, person=None, x: int = 100) -> VideoTrack:
    """A name read on a badge worn under a face, still, read every 3 frames for 1 s: its box
    80 x 20 px at (x, 150)."""
    frames = list(range(0, 31, 3))
    return VideoTrack(id=tid, kind="text", frames=frames,
                      boxes=[(x, 150, x + 80, 170)] * len(frames), scores=[0.9] * len(frames),
                      text=text, text_kind=kind, person=person, context="worn")


def _covered_at(covers, x: float, y: float) -> bool:
    return any(c.shape == "rect" and c.box[0] <= x <= c.box[0] + c.box[2]
               and c.box[1] <= y <= c.box[1] + c.box[3] for c in covers)


def test_the_rest_of_a_badge_is_covered_in_a_video_where_the_school_is_hidden():
    """s45 (s44 note 2): the badge covers (``policy.covers_card``, ``cover.card_covers``: the
    school's name printed small above a pupil's name, which the reader may miss) were painted
    on photos only. In a video for a channel that hides the school, a name worn on a badge
    now carries them too (``policy.covers_card_track``, ``covers.card_bands``): a covered
    name's cover grows over the badge above and beside it; a name kept readable stays
    readable and the badge around it is covered. On the website nothing changes."""
    from photovet.core.media.video.covers import CoverPlan, covers_at
    from photovet.core.models import Person
    from photovet.core.policy import decide_video
    from photovet.core.words import BADGE_COVER

    tori = Person("A1", "Tori", "Hale", photo_consent={"youtube": "yes", "website": "yes"},
                  video_consent={"youtube": "yes", "website": "yes"}, name_with_photo=True)
    yt = Channel("youtube", "YouTube", audio="remove", cover_school=True, names="full")
    web = Channel("website", "School Website", audio="remove", names="full")
    kept = _badge_name(1, "Tori Hale", "pupil-name", "A1", x=20)
    hidden = _badge_name(2, "Sam Hale", "name-like", x=200)
    an = VideoAnalysis(path="v.mp4", width=320, height=240, fps=30.0, has_audio=False,
                       frame_times=[i / 30 for i in range(40)], tracks=[kept, hidden],
                       faces_checked=True)
    decide_video(an, {"A1": tori}, yt, "consent", TODAY)
    assert (kept.decision, hidden.decision) == ("keep", "cover")
    assert kept.card and hidden.card
    plan = CoverPlan(an)
    for frame in (0, 15, 30):
        covers = plan.at(frame)
        assert covers == covers_at(an, an.frame_times[frame])     # the preview paints them too
        # the school's small print 1-3 line heights above each name: covered
        for x in (30, 60, 90, 210, 240, 270):
            for y in (145, 125, 105):
                assert _covered_at(covers, x, y), (frame, x, y)
        # beside the kept name, on the card: covered; the kept name itself: readable
        assert _covered_at(covers, 12, 160) and _covered_at(covers, 108, 160)
        assert not _covered_at(covers, 60, 160), frame
        assert any(c.label == BADGE_COVER for c in covers)
    # the website shows which school it is: no badge covers, the kept name alone is bare
    decide_video(an, {"A1": tori}, web, "consent", TODAY)
    assert not kept.card and not hidden.card
    covers = CoverPlan(an).at(15)
    assert not _covered_at(covers, 60, 125) and not any(c.label == BADGE_COVER for c in covers)


def test_the_schools_small_print_on_a_worn_badge_is_covered_in_a_youtube_export(
        tmp_path, face_engine):
    """End to end (s45): a pupil crossing the picture wears a badge with her name and, printed
    small above it, the school's name (7 px high). Her name may be shown on YouTube, the
    school may not: in the export read back, the small print is under a cover on every frame
    (the reader read it here, on the code before the badge covers too: 0 of 45 frames bare;
    the badge covers stand for print it misses, as in photos)."""
    from photovet.core.models import Person
    from photovet.core.vision.text.names import NameMatcher

    yt = Channel("youtube", "YouTube", audio="remove", cover_school=True, names="full")
    clip = make_clip(tmp_path / "badge.mp4", size=(640, 360), seconds=1.5,
                     movers=[Mover(96, (220, 100), (420, 110), variant=1, badge="Tori Hale",
                                   badge_top=SIGN, badge_top_px=7)])
    eng = _engine(face_engine, [SIGN])
    tori = Person("A1", "Tori", "Hale", photo_consent={"youtube": "yes"},
                  video_consent={"youtube": "yes"}, name_with_photo=True)
    eng.people, eng.people_by_id = [tori], {"A1": tori}
    eng.name_matcher = NameMatcher([tori])
    an = eng.analyse_video(clip.path, use_cache=False)
    assert an.error is None, an.error
    eng.decide(an, yt, on=TODAY)
    assert any(t.card for t in an.text_tracks), [(t.text, t.context) for t in an.text_tracks]
    res = export_one(eng, an, tmp_path / "yt", yt)
    assert res.ok, res.error
    assert sum(1 for b in clip.badge_tops if b) == clip.frames
    assert_covered(res.output, clip.badge_tops, shrink=0.05, what="the school's small print")


def test_the_badge_covers_follow_the_face_a_name_read_once_is_worn_under():
    """s45 audit: a badge is read once a second (``video.ocr_every``), so a pupil running
    across the picture has her name read once; its cover follows the face she wears it under
    (``covers.ride_boxes``) on every frame. The badge covers (``card_bands``) stood only where
    the name was read, a few frames either side: on the frames before and after, the school's
    small print above the name, covered by its own cover, was bare wherever the reader missed
    it. They follow the face as the name's own cover does."""
    from photovet.core.media.video.covers import CoverPlan, cover_boxes, covers_at
    from photovet.core.models import Person
    from photovet.core.policy import decide_video

    tori = Person("A1", "Tori", "Hale", photo_consent={"youtube": "yes"},
                  video_consent={"youtube": "yes"}, name_with_photo=True)
    yt = Channel("youtube", "YouTube", audio="remove", cover_school=True, names="full")
    # a 60 px face moving 8 px a frame to the right, seen every 3 frames, 45 frames
    frames = list(range(0, 45, 3))
    face = VideoTrack(id=1, kind="face", frames=frames,
                      boxes=[(20 + 8 * f, 40, 80 + 8 * f, 100) for f in frames],
                      scores=[0.9] * len(frames), person="A1", vx=8.0, vy=0.0)
    # her name (80 x 20) read once, at frame 21, on the badge 50 px under the face's middle
    fx = 20 + 8 * 21
    name = VideoTrack(id=2, kind="text", frames=[21], boxes=[(fx - 10, 120, fx + 70, 140)],
                      scores=[0.9], text="Tori Hale", text_kind="pupil-name", person="A1",
                      context="worn", rides=[(1, (-40 / 60, 50 / 60, 40 / 60, 70 / 60))])
    an = VideoAnalysis(path="v.mp4", width=640, height=240, fps=30.0, has_audio=False,
                       frame_times=[i / 30 for i in range(45)], tracks=[face, name],
                       faces_checked=True)
    decide_video(an, {"A1": tori}, yt, "consent", TODAY)
    assert name.card and name.decision == "keep", (name.card, name.decision)
    face.decision = "show"      # her face shown (as staff may decide): only the badge's covers
    own = cover_boxes(an, name)
    plan = CoverPlan(an)
    for frame in (0, 6, 36, 42):
        assert frame in own, frame         # the name's own cover follows the face here
        covers = plan.at(frame)
        assert covers == covers_at(an, an.frame_times[frame])
        cx = 50 + 8 * frame                # the badge's middle under the face, this frame
        # the school's small print 1-2 line heights above the name on the badge: covered
        for dx in (-30, 0, 30):
            for y in (110, 100):
                assert _covered_at(covers, cx + dx, y), (frame, cx + dx, y)


def test_a_name_riding_on_a_face_gets_the_badge_covers_though_not_read_as_worn():
    """s45 audit: ``covers_card_track`` gives a badge's covers to a name read as worn OR
    riding on a face track (``VideoTrack.rides``); no test held the second (the clip's badge
    is read as worn too). A name riding on a face, not read as worn, gets them where the
    school is hidden; a name on neither (a sign) does not, nor anywhere the school may show."""
    from photovet.core.policy import covers_card_track

    riding = VideoTrack(id=3, kind="text", frames=[0], boxes=[(10, 10, 90, 30)], scores=[0.9],
                        text="Tori Hale", text_kind="pupil-name", context="",
                        rides=[(1, (-0.5, 0.8, 0.5, 1.1))])
    sign = VideoTrack(id=4, kind="text", frames=[0], boxes=[(10, 10, 90, 30)], scores=[0.9],
                      text="Tori Hale", text_kind="pupil-name", context="")
    assert covers_card_track(riding, YOUTUBE)
    assert not covers_card_track(sign, YOUTUBE)
    assert not covers_card_track(riding, WEBSITE)
