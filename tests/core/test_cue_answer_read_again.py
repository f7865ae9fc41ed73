"""s58 audit (it published): the one answer for the places after "HELLO my name is" stores
"keep" for both, with no words (nothing was read there). ``apply_review`` left readable only
the words a person saw, but matched an answer without words by its box alone. Leaving the
place beside the words readable, then the photo read again (a new analysis version, other text
settings) and a faint name found written under the words: the stored "keep" for the place
under them landed on the name's line, published though nobody saw it. An answer without words
now leaves readable only a place where no words are read."""
from __future__ import annotations

import datetime as dt

from photovet.core.models import UNREAD_AFTER_CUE, PhotoAnalysis
from photovet.core.policy import decide_photo
from photovet.core.review import apply_review
from photovet.core.vision.text.names import NameMatcher, classify_texts

SHA = "cd" * 32
ON = dt.date(2026, 12, 4)
STICKER = [(100.0, 100.0), (260.0, 100.0), (260.0, 120.0), (100.0, 120.0)]   # "my name is"
NAME = [(80.0, 130.0), (280.0, 130.0), (280.0, 180.0), (80.0, 180.0)]        # written under it


def _photo(name_read: bool) -> PhotoAnalysis:
    reads = [(STICKER, "HELLO my name is", 0.95)]
    if name_read:
        reads.append((NAME, "Thomas", 0.6))
    return PhotoAnalysis(path="sticker.jpg", sha256=SHA, width=2000, height=1500,
                         texts=classify_texts(reads, NameMatcher([])), faces_checked=True)


def _decided(ws, channel, name_read: bool) -> PhotoAnalysis:
    a = apply_review(_photo(name_read), ws.reviews.parts(SHA, channel.id))
    return decide_photo(a, {}, channel, "consent", ON)


def test_a_name_read_where_nobody_saw_one_is_not_left_readable_by_a_blank_answer(ws):
    web = ws.channels.get("website")
    a = _decided(ws, web, name_read=False)
    beside, under = [i for i, t in enumerate(a.texts) if t.context == UNREAD_AFTER_CUE]
    assert a.texts[beside].needs_review                     # the place beside asks
    ws.reviewer().text(a, beside, "keep", web, reason="nothing written beside the words")
    both = _decided(ws, web, name_read=False)              # one answer for both places
    assert [(t.decision, t.needs_review) for t in both.texts if t.context == UNREAD_AFTER_CUE
            ] == [("keep", False), ("keep", False)]

    # analysed again: the faint name under the words is read this time
    again = _decided(ws, web, name_read=True)
    name = next(t for t in again.texts if t.text == "Thomas")
    assert name.kind == "name-like"
    assert (name.decision, name.override) == ("cover", None), (
        f"'Thomas' is left readable by the blank answer about the place beside: {name.reason!r}")
