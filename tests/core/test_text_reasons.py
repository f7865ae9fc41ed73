"""Why a line read in a photo stays readable, in words that fit it (GUI audit s24, item 18):
a fragment ("D", "—", "My wa") is said to be a fragment, not "only school words on a badge";
a line below a face is said to be there, not on a badge PhotoVet cannot see. Words only: the
decisions (keep or cover, and whether a person must look) are the same as before."""

from __future__ import annotations

import datetime as _dt
import re

import pytest

from photovet.core.models import Channel, TextItem
from photovet.core.policy import REASON_FRAGMENT, rule_for_text, text_fragment

CHANNEL = Channel(id="website", label="School website", names="initials")
TODAY = _dt.date(2026, 3, 12)


def item(text: str, context: str = "", low: bool = False, kind: str = "") -> TextItem:
    return TextItem(polygon=[(0, 0), (10, 0), (10, 5), (0, 5)], text=text, context=context,
                    low_confidence=low, kind=kind)


@pytest.mark.parametrize("text,context,low,reason", [
    ("D", "worn", True, "Not a name (an unreadable fragment: no word of three letters or more; "
                        "read with low confidence)"),
    ("#\u8272" "0\u8272", "worn", False, REASON_FRAGMENT),   # '#色0色': a tie's pattern read as text
    ("\u2014", "", False, REASON_FRAGMENT),
    ("My wa", "worn", False, REASON_FRAGMENT),
    ("L", "label", False, REASON_FRAGMENT),
    ("Oakfield Primary School", "worn", False,
     "Only school words below a face, where a badge would be (not a name)"),
    ("Year 4 Class 4B", "label", False,
     "Only school words after \"my name is\" or \"Name:\" (not a name)"),
    ("Dining Hall", "", True, "Not a name (read with low confidence)"),
    ("2026", "", False, "Not a name"),
])
def test_kept_text_says_why_in_words_that_fit_and_is_kept_as_before(text, context, low,
                                                                     reason):
    d = rule_for_text(item(text, context, low), None, CHANNEL, "photo", "consent", TODAY)
    # the decision is what it always was for ordinary text: kept, nothing for a person to do
    assert (d.action, d.needs_review) == ("keep", False)
    assert d.reason == reason
    assert "on a badge" not in d.reason


def test_possible_names_are_still_covered_and_asked_about():
    for context in ("", "worn", "label"):
        d = rule_for_text(item("OPS", context, kind="name-like"), None, CHANNEL, "photo",
                          "consent", TODAY)
        assert (d.action, d.needs_review) == ("cover", True)


def test_what_a_fragment_is():
    assert text_fragment("D") and text_fragment("\u2014") and text_fragment("My wa")
    assert text_fragment("") and text_fragment("4B")
    assert not text_fragment("Zoe") and not text_fragment("2026") and not text_fragment("OPS")
    # noise mixing scripts is a fragment (audit s26 item 9); a word of one script is not
    assert text_fragment("#\u8272" "0\u8272") and text_fragment("\u8272")
    assert not text_fragment("\u65b0\u5e74\u5feb\u4e50")      # 新年快乐: Chinese words
    assert not text_fragment("Zo\u00eb") and not text_fragment("Zoe\u0308")   # either form
    assert not text_fragment("\u0391\u03b8\u03ae\u03bd\u03b1")          # Αθήνα


OLD_WORD = re.compile(r"[^\W_]{3,}")

LINES = ["#\u8272" "0\u8272", "D", "\u2014", "My wa", "4B", "Zoe", "2026", "OPS",
         "\u65b0\u5e74\u5feb\u4e50", "\u8272\u8272", "Oakfield Primary School", "l_l",
         "Zo\u00eb", "\u0391\u03b8\u03ae\u03bd\u03b1", "Year 4 Class 4B", ""]


def test_the_new_fragment_words_change_no_decision(monkeypatch):
    """Audit s26 item 9 changes words only: every line, wherever it is and however it was
    read, is kept or covered, and asked about or not, exactly as with the earlier rule
    (a fragment was 'no run of three letters or digits' then)."""
    from photovet.core import policy

    def decide_all():
        out = []
        for text in LINES:
            for context in ("", "worn", "label"):
                for low in (False, True):
                    for kind in ("", "name-like"):
                        for school in ("", "name"):
                            it = item(text, context, low, kind)
                            it.school = school
                            d = rule_for_text(it, None, CHANNEL, "photo", "consent", TODAY)
                            out.append((text, context, low, kind, school, d.action,
                                        d.needs_review))
        return out

    now = decide_all()
    monkeypatch.setattr(policy, "text_fragment", lambda t: OLD_WORD.search(t or "") is None)
    before = decide_all()
    assert now == before
    # and the words did change where they should: the noise line is a fragment now
    noise = "#\u8272" "0\u8272"
    assert text_fragment(noise) and OLD_WORD.search(noise) is not None   # the old rule saw a word
