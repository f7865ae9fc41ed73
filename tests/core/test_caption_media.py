"""s38: a caption is checked for the consent of every media type it goes out with, in one place
(``policy.caption_media``): a photo's always, a video's too for a video. Marking a video ready
checked its caption for video consent alone (``Engine.proposed_caption_check``), while the
export (``pipeline.batch_media``) refused it for a pupil with no photo consent: the preparer
was told it was fine, the approver approved it, and the export held it back."""

from __future__ import annotations

import pytest

from photovet.core import policy
from photovet.core.pipeline import batch_media
from photovet.core.vision.text.captions import CaptionError
from tests.conftest import act_as

CAPTION = "Well done Sam Hale"


def test_a_caption_needs_the_photo_consent_whatever_goes_with_it():
    assert policy.caption_media("photo") == ("photo",)
    assert policy.caption_media(("video",)) == ("photo", "video")
    assert policy.caption_media(["photo", "video"]) == ("photo", "video")
    assert policy.caption_media(()) == ("photo",)
    # the export's media for a batch is the same rule
    from photovet.core.models import VideoAnalysis
    assert batch_media([VideoAnalysis(path="v.mp4", sha256="x", channel="website")]) == \
        policy.caption_media("video")


@pytest.fixture
def sam_video_only(ws):
    """Sam may be named with a video on the website, not with a photo."""
    act_as(ws, "Mrs Office")
    ws.register.set_consent("B2", "name_with_photo", True)
    ws.register.set_consent("B2", "website", True, media="video")
    ws.register.set_consent("B2", "website", False)
    return ws


def test_marking_a_video_ready_refuses_what_its_export_refuses(sam_video_only):
    engine = sam_video_only.engine()
    assert engine.caption_refusal(CAPTION, "website", media=("video",)) is not None
    export = engine.caption_refusal(CAPTION, "website", media=batch_media(["v.mp4"]))
    refused = engine.proposed_caption_check("website", media=("video",))(CAPTION)
    assert isinstance(refused, CaptionError) and isinstance(export, CaptionError)
    # the same words and the same suggestion, but for what was not done
    assert refused.message == export.message.replace("nothing was exported",
                                                     "nothing was marked ready")
    assert refused.suggestion == export.suggestion and "Sam Hale" not in refused.suggestion
    # with his photo consent back, it passes for the video, as the export passes it
    act_as(sam_video_only, "Mrs Office")
    sam_video_only.register.set_consent("B2", "website", True)
    engine.reload_people()
    assert engine.proposed_caption_check("website", media=("video",))(CAPTION) is None


def test_the_suggested_caption_passes_every_check_not_only_the_first_that_failed(ws):
    """The s45 walk: photos and a video marked ready with "Nathan Ellison and Tori Ashby at the
    museum". The photos' check refused Tori (no consent to be named) and suggested "Nathan
    Ellison and TA ..."; used, the video's check refused Nathan in turn (no video consent) and
    suggested "NE and TA ...": two refusals for one caption. The suggestion now passes both."""
    act_as(ws, "Mrs Office")
    ws.register.set_consent("B2", "name_with_photo", True)      # Sam: named with a photo only
    engine = ws.engine()
    caption = "Well done Sam Hale and Tori Ashby"
    refused = engine.caption_refusal(caption, "website", media=("video",))
    assert isinstance(refused, CaptionError)
    assert "Tori Ashby" in refused.message           # the first check that failed, as before
    assert engine.caption_refusal(refused.suggestion, "website", media=("video",)) is None
    assert "Sam Hale" not in refused.suggestion and "Tori Ashby" not in refused.suggestion
    assert refused.hint == f"Suggested caption: {refused.suggestion}"
    # a photo alone: Sam may be named with it, so only Tori's name changes
    photo = engine.caption_refusal(caption, "website", media=("photo",))
    assert isinstance(photo, CaptionError) and "Sam Hale" in photo.suggestion
    assert engine.caption_refusal(photo.suggestion, "website", media=("photo",)) is None


def test_no_suggestion_is_offered_that_a_later_check_refuses(ws):
    """s45 audit: a caption naming the school and a pupil on the do-not-photograph list, for
    Facebook: the school's check suggested the caption without the school, "Rory Quinn and
    Sam Hale are both winners", and the pupils' check, which can make no suggestion there
    ("both"), left it: "Use the suggested caption" put a do-not-photograph pupil's full name
    in the box, and the red refusal under it went (111ecd2: the box no longer held the caption
    refused). A suggestion is one that passes every check, or there is none; the hint says
    what the later check found."""
    act_as(ws, "Mrs Office")
    ws.settings.school.names = ["Oakfield Primary School"]
    engine = ws.engine()
    caption = "Oakfield Primary School: Rory Quinn and Sam Hale are both winners"
    refused = engine.caption_refusal(caption, "facebook", media=("photo",))
    assert isinstance(refused, CaptionError) and "names the school" in refused.message
    assert "Rory" not in refused.suggestion and "Quinn" not in refused.suggestion, refused
    assert "Rory" not in (refused.hint or "") or "Suggested" not in (refused.hint or "")
    if refused.suggestion:
        assert engine.caption_refusal(refused.suggestion, "facebook", media=("photo",)) is None


def test_the_refusal_says_why_the_suggestion_changed_a_name_the_first_check_left(ws):
    """s46 walk (s45's "Nathan Ellison" -> "N" on Instagram): the suggestion passes every
    check, but the message said only the first check's reason, which allowed the name: why
    "Sam Hale" became "SH" (the video's consent) was not said anywhere."""
    act_as(ws, "Mrs Office")
    ws.register.set_consent("B2", "name_with_photo", True)      # Sam: named with a photo only
    engine = ws.engine()
    refused = engine.caption_refusal("Well done Sam Hale and Tori Ashby", "website",
                                     media=("video",))
    assert isinstance(refused, CaptionError) and "Sam Hale" not in refused.suggestion
    assert refused.message.startswith("the caption names someone it may not (\u201cTori Ashby\u201d")
    assert "\u201cSam Hale\u201d: no consent to name this pupil with a video" in refused.message
    assert refused.message.endswith("use initials); nothing was exported"), refused.message
    # the findings stay the caption's as typed: only Tori's name is in it at that place
    assert [f.found for f in refused.findings] == ["Tori Ashby"]
    # a photo alone: Sam may be named, nothing more is said
    photo = engine.caption_refusal("Well done Sam Hale and Tori Ashby", "website",
                                   media=("photo",))
    assert isinstance(photo, CaptionError) and "Sam Hale" not in photo.message


def test_after_the_schools_name_the_refusal_says_the_names_the_suggestion_changed(ws):
    act_as(ws, "Mrs Office")
    ws.settings.school.names = ["Oakfield Primary School"]
    engine = ws.engine()
    refused = engine.caption_refusal("Tori Ashby at Oakfield Primary School", "facebook",
                                     media=("photo",))
    assert isinstance(refused, CaptionError) and "names the school" in refused.message
    assert refused.suggestion == "TA"
    assert refused.message == (
        "the caption names the school (\u201cOakfield Primary School\u201d): Facebook must not "
        "show which school it is; it also names someone it may not (\u201cTori Ashby\u201d: no "
        "consent to name this pupil with a photo on Facebook: use initials); nothing was "
        "exported")
