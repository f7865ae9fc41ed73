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
        "The file is empty.\nChoose another file."


def test_a_batch_is_counted_as_photos_and_videos():
    assert media_words(["a.jpg", "b.HEIC", "c.png"]) == "3 photos"
    assert media_words(["trip.MOV"]) == "1 video"
    assert media_words(["a.jpg", "clip.mp4", "b.jpg", "c.webm"]) == "2 photos and 2 videos"
    assert media_words([]) == "0 photos"


def test_a_name_whose_words_are_not_kept_is_not_shown_as_empty_quotes():
    """The analysis cache keeps no names, so after a restart a name read in a photo has no
    words: the window says so ("A possible name ...") instead of quoting nothing."""
    from photovet.core.models import TextItem
    from photovet.gui.views.findings import text_sentence
    from photovet.gui.views.photo_view import text_tag
    from photovet.gui.words import UNKEPT_NAME, read_words

    box = [(0.0, 0.0), (90.0, 0.0), (90.0, 20.0), (0.0, 20.0)]
    kept = TextItem(box, "", kind="name-like", decision="cover", reason="Looks like a name")
    assert read_words("") == UNKEPT_NAME and read_words("Olivia") == "\u201cOlivia\u201d"
    assert text_sentence(kept).startswith(UNKEPT_NAME + ": covered.")
    assert text_tag(0, kept) == "A name covered"
    read = TextItem(box, "Olivia Bennett", kind="name-like", decision="cover")
    assert text_tag(0, read) == "\u201cOlivia Bennett\u201d covered"
    assert "\u201c\u201d" not in text_sentence(kept) + text_tag(0, kept)


def test_an_error_with_what_to_do_reads_as_sentences():
    """s27: every place that shows an error and its hint (the sign-in dialog, the window's
    messages, 'PhotoVet cannot start') reads as sentences: a capital first (not a file's name,
    spelt as it is), a full stop after each, never two."""
    from photovet.core.errors import AccountError, ImageError, PhotoVetError
    from photovet.gui.words import error_text

    assert error_text(AccountError("wrong name or password", hint="Check Caps Lock")) == \
        "Wrong name or password.\nCheck Caps Lock."
    assert error_text(PhotoVetError("done.", hint="Nothing else to do.")) == \
        "Done.\nNothing else to do."
    assert error_text(PhotoVetError("the register is busy")) == "The register is busy."
    assert error_text(ImageError("the file is empty", path="img_1.jpg")) == \
        "img_1.jpg: the file is empty."
    # after words of the window's own: the core's first letter kept, the stops added
    assert error_text(AccountError("you cannot remove your own account", hint="Ask another "
                                   "admin"), after="Not removed") == \
        "Not removed: you cannot remove your own account.\nAsk another admin."
