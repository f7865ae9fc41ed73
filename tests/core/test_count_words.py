"""The words shared by the app, the commands and the core (photovet/core/words.py): photos and
videos counted apart, one word for a consent value (also for no earlier value), a withdrawal
with its date."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from types import SimpleNamespace

from photovet.core.models import ExportResult, PhotoAnalysis
from photovet.core.register.reports import ConsentChange, state_word
from photovet.core.words import (
    consent_word,
    media_count,
    media_of,
    part_of,
    tally,
    verb,
    withdrawn_reason,
)


def test_photos_and_videos_are_counted_apart():
    assert media_count(10, 1) == "10 photos and 1 video"
    assert media_count(0, 2) == "2 videos" and media_count(1, 0) == "1 photo"
    assert media_count([]) == "0 photos"
    a = PhotoAnalysis(path="a.jpg", sha256="x")
    v = PhotoAnalysis(path="b.jpg", sha256="y")
    v.media = "video"
    item = SimpleNamespace(analysis=v, path="b.jpg")
    assert media_count([a, item, "video", Path("c.MOV"), "d.jpg"]) == "2 photos and 3 videos"
    # a result that failed before it knew it was a video still counts by its file's name
    assert media_of(ExportResult(source="/x/clip.mp4", error="unreadable")) == "video"
    assert tally([ExportResult(source="a.jpg"), ExportResult(source="v.bin", media="video")]) \
        == (1, 1)
    assert verb((1, 0), "is", "are") == "is" and verb((1, 1), "is", "are") == "are"


def test_part_of_a_batch():
    assert part_of((2, 0), (5, 0)) == "2 of 5 photos"
    assert part_of((0, 1), (0, 2)) == "1 of 2 videos"
    assert part_of((8, 1), (10, 1)) == "9 of 11 (8 photos and 1 video)"


def test_one_word_for_a_consent_value_and_for_none():
    """The person page said 'Nothing -> Yes' where the subject access report said 'Not
    recorded -> Yes'; the register's reports said 'nothing'."""
    assert [consent_word(s) for s in ("yes", "no", "not recorded", None)] == \
        ["Yes", "No", "Not recorded", "Not recorded"]
    assert state_word(None) == "not recorded"
    change = ConsentChange("P1", "facebook", None, "yes", label="Facebook")
    assert str(change) == "P1: Facebook not recorded -> Yes"


def test_a_withdrawal_with_its_date():
    assert withdrawn_reason(_dt.date(2026, 3, 12)) == "Consent withdrawn on 12/03/2026"
    assert withdrawn_reason(None) == "Consent withdrawn"
    assert withdrawn_reason("2026-03-12", "video", "School website") == \
        "Consent withdrawn for videos on School website on 12/03/2026"


def test_a_word_before_each_kind():
    assert media_count(2, 1, which="posted") == "2 posted photos and 1 posted video"
    assert media_count(0, 1, which="exported") == "1 exported video"


def test_the_caption_that_went_out_is_said_one_way_with_no_caption_for_none():
    """s26: the exports history shows each export's caption and a post's own where it
    differed; the words are the core's ('No caption' for none: s65, 'Not recorded', as for a
    consent, read as if PhotoVet had lost it)."""
    from photovet.core.records.exports import CaptionRef, ExportRecord, PostRecord
    from photovet.core.words import caption_brief, caption_lines, caption_word

    assert caption_word("  Well done Year 4 ") == "\u201cWell done Year 4\u201d"
    assert caption_word("") == caption_word(None) == "Not recorded" == consent_word(None)

    def rec(caption: str = "", posts=()) -> ExportRecord:
        return ExportRecord(1, "2026-03-12T10:00:00+00:00", "Sports day", "facebook",
                            "/out/001.jpg", "x", "", "/in/a.jpg", "y", caption=caption,
                            caption_people={"P1": CaptionRef("P1", "T.A.", "initials")}
                            if caption else {}, posts=list(posts))

    labels, names = {"facebook": "Facebook", "website": "School website"}, {"P1": "Tori Amos"}
    assert caption_lines(rec()) == [("Caption exported", "No caption", "")]
    assert caption_brief(rec()) == ["No caption"]
    same = PostRecord(1, 1, "facebook", "2026-03-13")            # posted with the export's
    other = PostRecord(2, 1, "website", "2026-03-14", caption="Year 4\nat the farm",
                       caption_people={"P2": CaptionRef("P2", "Ben", "first")})
    r = rec("T.A. wins", [same, other])
    assert caption_lines(r, labels, names) == [
        ("Caption exported", "\u201cT.A. wins\u201d", "Tori Amos as \u201cT.A.\u201d"),
        ("Caption posted on School website on 14/03/2026", "\u201cYear 4\nat the farm\u201d",
         "P2 as \u201cBen\u201d")]
    assert caption_brief(r, labels) == ["\u201cT.A. wins\u201d", "Posted on School website on "
                                        "14/03/2026: \u201cYear 4 at the farm\u201d"]
    blank = PostRecord(3, 1, "facebook", "2026-03-15", caption="")
    assert caption_brief(rec("", [blank]), labels) == \
        ["No caption", "Posted on Facebook on 15/03/2026: No caption"]


def test_time_left_says_how_long_the_rest_of_a_check_may_take():
    from photovet.core.words import time_left

    # not known yet: one photo done, or under ten seconds gone; nothing left
    assert time_left(1, 300, 60) == ""
    assert time_left(5, 300, 9) == ""
    assert time_left(300, 300, 3000) == ""
    # the pace so far: 6 photos in 60 s, 294 left -> 49 minutes -> "about 50"
    assert time_left(6, 300, 60) == "about 50 minutes left"
    assert time_left(10, 12, 100) == "less than a minute left"
    assert time_left(10, 16, 100) == "about 1 minute left"
    assert time_left(10, 40, 100) == "about 5 minutes left"
    # hours, to ten minutes
    assert time_left(6, 300, 120) == "about 1 hour 40 minutes left"
    assert time_left(2, 242, 60) == "about 2 hours left"
