"""A photo checked with reading text turned off says so (s62): its findings listed "No text
found." as if the text had been read, and the command said nothing. The analysis carries
``words.NAMES_NOT_LOOKED_FOR`` (a video's did, in other words), kept by the cache; a photo
whose text was read does not."""

from __future__ import annotations

from photovet.core.pipeline import Engine
from photovet.core.words import NAMES_NOT_LOOKED_FOR
from tests.core.test_pipeline import FakeFaceEngine, make_photo, new_engine


class _NoLines:
    """A text reader that reads nothing (the photo has no text)."""

    def read(self, image, focus=()):
        return []


def test_a_photo_checked_without_reading_text_says_names_were_not_looked_for(ws, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    a = new_engine(ws).analyse(photo)          # faces only: no text reader
    assert not a.error and a.warnings.count(NAMES_NOT_LOOKED_FOR) == 1
    # as the cache gives it back to the next engine (the app after a restart)
    again = new_engine(ws).analyse(photo)
    assert again.warnings.count(NAMES_NOT_LOOKED_FOR) == 1
    # and as decided for a channel
    decided = new_engine(ws).decide(again, "website")
    assert NAMES_NOT_LOOKED_FOR in decided.warnings
    # the one predicate every view and command asks
    assert a.names_not_looked_for and again.names_not_looked_for and decided.names_not_looked_for


def test_a_photo_whose_text_was_read_does_not(ws, tmp_path):
    reading = Engine(ws.settings, register=ws.register, face_engine=FakeFaceEngine(),
                     text_engine=_NoLines(), cache=ws.cache, reviews=ws.reviews)
    a = reading.analyse(make_photo(tmp_path / "trip.jpg"))
    assert not a.error and a.texts == [] and NAMES_NOT_LOOKED_FOR not in a.warnings
    assert not a.names_not_looked_for
