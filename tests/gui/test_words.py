"""The words and formats of a UK school office: DD/MM/YYYY everywhere (metadata dates too),
plurals, consent states, errors as sentences."""

from __future__ import annotations

import datetime as _dt

from photovet.core.errors import PhotoVetError
from photovet.gui.words import (
    consent_word,
    day,
    error_text,
    media_words,
    plural,
    sentence,
    uk_dates,
    when,
)


def test_dates_are_day_month_year():
    assert day("2026-03-12") == "12/03/2026"
    assert day(_dt.date(2026, 3, 12)) == "12/03/2026"
    assert day(None) == "" and day("") == ""
    local = _dt.datetime(2026, 3, 12, 10, 42, tzinfo=_dt.UTC).astimezone()
    assert when("2026-03-12T10:42:00+00:00") == local.strftime("%d/%m/%Y %H:%M")


def test_metadata_dates_as_a_school_reads_them():
    assert uk_dates("2011:07:03 20:09:45") == "03/07/2011 20:09"
    assert uk_dates("2011-07-03T20:09:45Z") == "03/07/2011 20:09"
    assert uk_dates("Version 2.0.1") == "Version 2.0.1"
    assert uk_dates("0000:00:00 00:00:00") == "0000:00:00 00:00:00"


def test_plurals_consent_and_sentences():
    assert plural(1, "photo") == "1 photo" and plural(3, "photo") == "3 photos"
    assert plural(2, "person", "people") == "2 people"
    assert [consent_word(s) for s in ("yes", "no", "not recorded")] == \
        ["Yes", "No", "Not recorded"]
    assert sentence("the register is busy") == "The register is busy."
    assert error_text(PhotoVetError("the file is empty", hint="Choose another file.")) == \
        "the file is empty\nChoose another file."


def test_a_batch_is_counted_as_photos_and_videos():
    assert media_words(["a.jpg", "b.HEIC", "c.png"]) == "3 photos"
    assert media_words(["trip.MOV"]) == "1 video"
    assert media_words(["a.jpg", "clip.mp4", "b.jpg", "c.webm"]) == "2 photos and 2 videos"
    assert media_words([]) == "0 photos"
