"""What the s52 walk under Xvfb (1024 x 768) found on the screens, and what they say now."""

from __future__ import annotations

from photovet.core.models import PhotoAnalysis, VideoAnalysis
from photovet.gui.views.findings import summary_sentence
from photovet.gui.views.video_player import video_summary

DAMAGED = "the image data is damaged or ends early (the file may be incompletely copied)"


def test_a_file_that_could_not_be_checked_is_said_as_the_picture_says_it():
    """The panel said "This photo could not be checked (the image data ... ends early (the
    file may be incompletely copied)). ...", brackets in brackets, and "This photo" of a text
    file named .jpg; the picture's place said "This file could not be checked: ...". Both say
    it the same way now."""
    a = PhotoAnalysis(path="/trip/cut_short.jpg", error=DAMAGED)
    assert summary_sentence(a) == (
        "This file could not be checked: the image data is damaged or ends early (the file may "
        "be incompletely copied). It will not be exported.")
    text = PhotoAnalysis(path="/trip/names.jpg",
                         error="not a photo or video: it looks like a text file.")
    assert summary_sentence(text) == ("This file could not be checked: not a photo or video: it "
                                      "looks like a text file. It will not be exported.")
    v = VideoAnalysis(path="/trip/clip.mp4", error="the video ends early")
    assert video_summary(v) == ("This video could not be checked: the video ends early. It will "
                                "not be exported.")


def test_the_same_photo_twice_is_said_before_and_after_the_export():
    from photovet.gui.dialogs.export import same_photo_words

    assert same_photo_words(2, "is") == (
        "2 of them are second copies of photos in the batch (the same photo under another "
        "name): each photo is saved once.")
    assert same_photo_words(2, "was") == (
        "2 of them were second copies of photos in the batch (the same photo under another "
        "name): each photo was saved once.")
    assert same_photo_words(1, "was").endswith("it was saved once.")
