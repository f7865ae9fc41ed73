"""s57: "HELLO my name is" read with nothing after it covers two places where the name may be
written, beside the words and under them (s53). Each asked a question of its own, so one
sticker asked twice and "Leave it readable" on one left the other covered and open. The places
after one cue share ``TextItem.cue``: the first asks for both (``policy.cue_places``), an
answer to either is stored for both, and each stays covered until then (fail closed)."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import UNREAD_AFTER_CUE, PhotoAnalysis, TextItem
from photovet.core.policy import (
    REASON_CUE_ASKED,
    REASON_CUE_BOTH,
    REASON_UNREAD_AFTER_CUE,
    cue_places,
    decide_photo,
    waiting_on_cue,
)
from photovet.core.review import apply_review
from photovet.core.vision.text.names import NameMatcher, classify_texts

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

SHA = "cd" * 32
ON = dt.date(2026, 12, 4)
STICKER = [(100.0, 100.0), (260.0, 100.0), (260.0, 120.0), (100.0, 120.0)]   # "my name is"
CERTIFICATE = [(900.0, 700.0), (1040.0, 700.0), (1040.0, 720.0), (900.0, 720.0)]   # "awarded to"


def _photo() -> PhotoAnalysis:
    """A photo with two cues read and nothing after either: four places, two per cue."""
    items = classify_texts([(STICKER, "HELLO my name is", 0.95),
                            (CERTIFICATE, "awarded to", 0.95)], NameMatcher([]))
    return PhotoAnalysis(path="sticker.jpg", sha256=SHA, width=2000, height=1500,
                         texts=items, faces_checked=True)


def _decided(ws, channel) -> PhotoAnalysis:
    """The photo as the app shows it: analysed, its stored review applied, decided."""
    a = apply_review(_photo(), ws.reviews.parts(SHA, channel.id))
    return decide_photo(a, {}, channel, "consent", ON)


def _places(a: PhotoAnalysis) -> list[int]:
    return [i for i, t in enumerate(a.texts) if t.context == UNREAD_AFTER_CUE]


def test_the_places_after_one_cue_share_it_and_another_cue_has_its_own():
    a = _photo()
    places = _places(a)
    assert len(places) == 4
    sticker, certificate = places[:2], places[2:]
    assert a.texts[sticker[0]].cue and a.texts[certificate[0]].cue
    assert a.texts[sticker[0]].cue == a.texts[sticker[1]].cue != a.texts[certificate[0]].cue
    assert cue_places(a.texts, sticker[1]) == [sticker[1], sticker[0]]
    assert cue_places(a.texts, certificate[0]) == certificate
    assert cue_places(a.texts, 0) == [0]                       # the cue line itself: alone
    # kept through the analysis cache; an analysis made before has none (asked one by one)
    again = PhotoAnalysis.from_dict(a.to_dict())
    assert [t.cue for t in again.texts] == [t.cue for t in a.texts]
    assert "cue" not in a.texts[0].to_dict()


def test_one_question_per_cue_and_every_place_stays_covered(ws):
    a = _decided(ws, ws.channels.get("website"))
    s0, s1, c0, c1 = _places(a)
    assert [(a.texts[i].decision, a.texts[i].needs_review) for i in (s0, s1, c0, c1)] == [
        ("cover", True), ("cover", False), ("cover", True), ("cover", False)]
    assert a.texts[s0].reason == REASON_UNREAD_AFTER_CUE + REASON_CUE_BOTH
    assert a.texts[s1].reason == REASON_UNREAD_AFTER_CUE + REASON_CUE_ASKED
    assert a.needs_review
    # the place without a question of its own waits on the other's answer (shown so)
    assert [i in waiting_on_cue(a.texts) for i in (s0, s1, c0, c1)] == [False, True, False, True]
    assert 0 not in waiting_on_cue(a.texts)             # the cue line


@pytest.mark.parametrize("answered", [0, 1])     # the place that asks, or the other one
@pytest.mark.parametrize("action", ["keep", "cover"])
def test_an_answer_about_either_place_is_the_answer_for_both(ws, answered, action):
    web = ws.channels.get("website")
    s = _places(_decided(ws, web))[:2]
    reason = "the sticker is blank" if action == "keep" else ""
    ws.reviewer().text(_decided(ws, web), s[answered], action, web, reason=reason)
    a = _decided(ws, web)
    for i in s:
        assert (a.texts[i].decision, a.texts[i].needs_review) == (action, False), i
        assert i not in waiting_on_cue(a.texts)
    # the certificate's places are another cue's: still one question, still covered
    c0, c1 = _places(a)[2:]
    assert [(a.texts[i].decision, a.texts[i].needs_review) for i in (c0, c1)] == [
        ("cover", True), ("cover", False)]
    # after a restart (the analysis cached, the review read back): the same
    again = decide_photo(apply_review(PhotoAnalysis.from_dict(_photo().to_dict()),
                                      ws.reviews.parts(SHA, web.id)), {}, web, "consent", ON)
    assert [again.texts[i].decision for i in s] == [action, action]


def test_a_place_answered_alone_before_leaves_the_other_asking(ws):
    """A review stored for one place only (made before s57, when each asked its own question):
    the other place is still open and asks, covered until it is answered."""
    from photovet.core.review import TextDecision

    web = ws.channels.get("website")
    s0, s1 = _places(_decided(ws, web))[:2]
    poly = [(float(x), float(y)) for x, y in _photo().texts[s0].polygon]

    def change(every, one):
        one.texts.append(TextDecision(poly, "", "keep", "the sticker is blank", "Test", "now"))
        return {}

    ws.reviews.edit(SHA, web.id, change, action="review.text-keep")
    a = _decided(ws, web)
    assert (a.texts[s0].decision, a.texts[s0].needs_review) == ("keep", False)
    assert (a.texts[s1].decision, a.texts[s1].needs_review) == ("cover", True)
    assert a.texts[s1].reason == REASON_UNREAD_AFTER_CUE          # asked as it always was
    assert s0 not in waiting_on_cue(a.texts)            # settled by a person: not waiting
    assert cue_places(a.texts, s1) == [s1]


def test_an_answer_never_changes_what_a_person_decided_about_the_other_place(ws):
    """A place a person covered by hand on its own (before s57) stays covered when the other
    place, still asking, is left readable: one answer is for the places that stand alike."""
    from photovet.core.review import TextDecision

    web = ws.channels.get("website")
    s0, s1 = _places(_decided(ws, web))[:2]
    poly = [(float(x), float(y)) for x, y in _photo().texts[s0].polygon]
    ws.reviews.edit(SHA, web.id, lambda every, one: (
        every.texts.append(TextDecision(poly, "", "cover", "", "Test", "now")), {})[1],
        action="review.text-cover")
    ws.reviewer().text(_decided(ws, web), s1, "keep", web, reason="the sticker is blank")
    a = _decided(ws, web)
    assert [(a.texts[i].decision, a.texts[i].override) for i in (s0, s1)] == [
        ("cover", "cover"), ("keep", "keep")]


def test_text_items_without_a_cue_are_each_their_own_question(ws):
    items = [TextItem(list(STICKER), "", kind="name-like", context=UNREAD_AFTER_CUE,
                      low_confidence=True),
             TextItem([(x, y + 40) for x, y in STICKER], "", kind="name-like",
                      context=UNREAD_AFTER_CUE, low_confidence=True)]
    a = decide_photo(PhotoAnalysis(path="old.jpg", width=2000, height=1500, texts=items,
                                   faces_checked=True), {}, ws.channels.get("website"), "consent", ON)
    assert [(t.needs_review, t.reason) for t in a.texts] == [
        (True, REASON_UNREAD_AFTER_CUE), (True, REASON_UNREAD_AFTER_CUE)]



def test_keeping_the_rest_covered_answers_the_question_for_both_places(ws):
    """"Keep the rest covered" (K) decides every open question: the one a cue's places share
    is answered for both (the other place was not asked again afterwards)."""
    web = ws.channels.get("website")
    ws.reviewer().keep_rest_covered(_decided(ws, web), web)
    a = _decided(ws, web)
    assert [(a.texts[i].decision, a.texts[i].needs_review) for i in _places(a)] == [
        ("cover", False)] * 4
    assert not a.needs_review


def test_only_a_covered_place_waits_on_another_places_question():
    """A place the rules would leave readable while asking (none today) keeps its own
    question: it is never silenced by its cue's other place."""
    from photovet.core.policy import _one_question_per_cue

    items = _photo().texts
    s0, s1 = _places(PhotoAnalysis(path="x", width=1, height=1, texts=items))[:2]
    for i in (s0, s1):
        items[i].decision, items[i].needs_review = "cover", True
    items[s1].decision = "keep"
    _one_question_per_cue(items)
    assert items[s1].needs_review and items[s0].needs_review


@pytest.mark.parametrize("how", ["cover the asking place", "keep the rest covered"])
def test_covering_on_one_channel_says_it_covers_the_other_place_left_readable_elsewhere(ws, how):
    """s58 audit: covering the place that asks covers the other place after its cue too, on
    every channel (a cover is for all of them); "Cover it on every channel?" was asked about
    the line clicked (or, with K, the lines asking) only. The other place, left readable for
    the website by a review stored before s57 (each place asked on its own), was covered there
    without a word. ``kept_readable_elsewhere`` counts the places decided with a line."""
    from photovet.core.review import TextDecision

    web, fb = ws.channels.get("website"), ws.channels.get("facebook")
    s0, s1 = _places(_decided(ws, web))[:2]                    # the sticker's two places
    poly = [(float(x), float(y)) for x, y in _photo().texts[s1].polygon]
    ws.reviews.edit(SHA, web.id, lambda every, one: (one.texts.append(
        TextDecision(poly, "", "keep", "the sticker is blank", "Test", "now")), {})[1],
        action="review.text-keep")
    assert _decided(ws, web).texts[s1].decision == "keep"
    a = _decided(ws, fb)                                       # one question there, at s0
    assert a.texts[s0].needs_review and not a.texts[s1].needs_review
    asked = [s0] if how == "cover the asking place" else \
        [i for i, t in enumerate(a.texts) if t.needs_review]   # as the app asks about them
    assert ws.reviewer().kept_readable_elsewhere(a, asked, fb) == {s1: ["website"]}
    # and what covering does, said before it is done: the website's place is covered too
    if how == "cover the asking place":
        ws.reviewer().text(a, s0, "cover", fb)
    else:
        ws.reviewer().keep_rest_covered(a, fb)
    assert _decided(ws, web).texts[s1].decision == "cover"


def test_the_question_names_a_place_where_nothing_was_read():
    from photovet.core.words import covering_what_was_left_readable

    said = covering_what_was_left_readable([""], ["School website"])
    assert said.startswith("The place for a name where nothing was read was left readable for "
                           "School website. Keeping it covered here covers it on every "
                           "channel"), said
    both = covering_what_was_left_readable(["", "Mrs Hughes"], ["School website"])
    assert both.startswith("\u201cMrs Hughes\u201d, the place for a name where nothing was "
                           "read were left readable"), both
