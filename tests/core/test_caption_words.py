"""Captions (s31): where a capital is grammar's, ordinary words near a pupil's name, first
names with an initial. check_caption's other rules: test_captions.py."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import YES, Channel, Person
from photovet.core.vision.text.captions import check_caption
from photovet.core.vision.text.names import _opens_sentence, _tokens

ON = dt.date(2026, 6, 1)
WEBSITE = Channel("website", "School website", names="full")
FACEBOOK = Channel("facebook", "Facebook", names="first")
PROSPECTUS = Channel("prospectus", "Prospectus", names="initials")
NO_NAMES = Channel("noticeboard", "Noticeboard", names="none")
ALL = {c: YES for c in ("website", "facebook", "prospectus", "noticeboard")}


def person(pid: str, first: str, last: str, **kw) -> Person:
    kw.setdefault("photo_consent", dict(ALL))
    kw.setdefault("video_consent", dict(ALL))
    return Person(id=pid, legal_forename=first, legal_surname=last, **kw)


def found(caption: str, people, channel: Channel = WEBSITE) -> list[str]:
    return [f.found for f in check_caption(caption, people, channel, ON, "consent").findings]


# --- one rule for "opens a sentence" ----------------------------------------------------------

def _opens(text: str, word: str) -> bool:
    (tok,) = [t for t in _tokens(text) if t.raw == word]
    return _opens_sentence(text, tok)


@pytest.mark.parametrize("text, word, opens", [
    ("Hope you all", "Hope", True),
    ("  Hope you all", "Hope", True),
    ('"Hope you all"', "Hope", True),
    ("(Hope you all)", "Hope", True),
    ("Sports day. Hope you all", "Hope", True),
    ("Sports day!  Hope you all", "Hope", True),
    ("Sports day: Hope", "Hope", True),
    ("Sports day\nHope you all", "Hope", True),
    ("Sports day\r\n  Hope you all", "Hope", True),
    ('Great day. "Games afternoon" next', "Games", True),
    ("Great day\n• Games afternoon", "Games", True),
    ("Sports day - Hope you all", "Hope", False),
    ("Well done Hope", "Hope", False),
    ("Well done, Hope", "Hope", False),
    ('Well done "Hope"', "Hope", False),
    ("Year 3 Games afternoon", "Games", False),
])
def test_opens_a_sentence_is_one_rule(text, word, opens):
    assert _opens(text, word) is opens


SUMMER, HOPE = person("P1", "Summer", "Young"), person("P2", "Hope", "Hill")
FARMER, JAMES = person("P3", "Tom", "Farmer"), person("P4", "James", "Okafor")


@pytest.mark.parametrize("caption", [
    "Sports day\nHope you all have a lovely half term",     # the verb rule, on a new line
    "Sports day\r\nHope to see you there",
    "Sports day\nFarmers market on Saturday",              # the plural rule, on a new line
    '"Games afternoon" for Year 3',                         # a word list word after a quote
    'What a day. "Games afternoon" next week',
])
def test_a_new_line_or_an_opening_quote_opens_a_sentence_for_every_rule(caption):
    """s31: the verb and plural rules took "opens a sentence" as the first word or after
    ".!?:;" only (their line-break case could never be true), and the word list rule did not
    see a word after an opening quote as the first: one rule now, for all three."""
    assert found(caption, [SUMMER, HOPE, FARMER, JAMES]) == []


@pytest.mark.parametrize("caption, names", [
    ("Sports day - Hope you all had fun", ["Hope"]),
    ("Well done\nHope", ["Hope"]),                          # not the verb: the name
    ("Sports day\nFarmers are coming", ["Farmers"]),
    ("Well done Games", ["Games"]),
])
def test_a_word_inside_a_sentence_is_still_a_name(caption, names):
    assert found(caption, [SUMMER, HOPE, FARMER, JAMES]) == names
