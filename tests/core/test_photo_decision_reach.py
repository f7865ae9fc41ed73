"""A decision to show a photo's face, to name it or to say it is not a face is about the face
the person deciding saw (s65 hunt, the photo side of test_video_decision_reach.py). When the
photo is checked again (a new analysis version, a settings change, a new detector) its faces may
come out otherwise, and the review is matched to them by box overlap (IoU 0.5 or more). A new
box that merges the face decided on with the face beside it (IoU 0.5) took the decision whole:
a visitor's face shown with a reason showed the pupil beside them, found only as part of that
box; so a face named by hand (shown by that person's consent) and a "not a face". Now such a
decision applies only to a box that does not reach well beyond the one decided on (otherwise it
is not used, said in the photo's notes, and the rules decide the face: a stranger covered); a cover still applies to any face it matches
(covering more is never a leak), and a face found again a few pixels off, a little bigger or
smaller, keeps its decision. The same for a place where nothing was read, left readable: found
again much bigger, it is covered and asked again (a line with words left readable is already
asked again when it reads otherwise: test_review_overlapping.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import UNREAD_AFTER_CUE, Channel, Face, Person, PhotoAnalysis
from photovet.core.policy import decide_photo
from photovet.core.review import FaceDecision, Review, apply_review
from photovet.core.vision.text.names import NameMatcher, classify_texts

TODAY = dt.date(2026, 11, 21)
SHA = "ab" * 32
WEB = Channel("website", "School Website", long_edge=2048)
VISITOR = (400, 300, 100, 120)          # the face decided on (x, y, w, h)
MERGED = (400, 300, 200, 120)           # it and the pupil's face beside it, as one box: IoU 0.5
BIGGER = (380, 276, 140, 168)           # the same place 1.4 times as big: IoU 0.51

CASES = [("show", {"reason": "an adult visitor who agreed"}),
         ("assign", {"person": "A1"}),
         ("not-a-face", {"reason": "a poster"})]
IDS = [c[0] for c in CASES]


def people() -> dict[str, Person]:
    amy = Person(id="A1", legal_forename="Amy", legal_surname="Able",
                 photo_consent={"website": "yes"}, video_consent={"website": "yes"})
    return {"A1": amy}


def checked_again(box) -> PhotoAnalysis:
    """The photo as the new analysis finds it: one face, at ``box``, nobody recognised."""
    return PhotoAnalysis(path="trip.jpg", sha256=SHA, width=1600, height=1200,
                         faces=[Face(box=box, score=0.9)], faces_checked=True)


def decided(action: str, **kw) -> list[Review]:
    d = FaceDecision(VISITOR, action, by="Mrs Office", **kw)
    every, one = Review(SHA), Review(SHA, channel="website")
    (one if action == "show" else every).faces.append(d)
    return [every, one]


def applied(box, action: str, **kw) -> PhotoAnalysis:
    a = apply_review(checked_again(box), decided(action, **kw))
    return decide_photo(a, people(), WEB, "consent", TODAY)


@pytest.mark.parametrize("box", [MERGED, BIGGER], ids=["merged", "bigger"])
@pytest.mark.parametrize("action,kw", CASES, ids=IDS)
def test_a_decision_does_not_reach_a_face_nobody_decided_on(action, kw, box):
    a = applied(box, action, **kw)
    (f,) = a.faces
    assert f.decision == "cover", f"{action}: {box} shown, decided on {VISITOR}"
    # decided by the rules alone, as if nobody had: covered, open where the rules ask
    rules = decide_photo(checked_again(box), people(), WEB, "consent", TODAY).faces[0]
    assert (f.override, f.override_person, f.reason, f.needs_review) == (
        None, None, rules.reason, rules.needs_review)
    assert a.review_notes == [
        f"A decision about a face ({action}) no longer fits this photo and was not used."]


def jittered(scale: float, dx: float, dy: float) -> tuple[float, float, float, float]:
    """The face decided on found again: ``scale`` times as wide and high about its middle,
    moved by ``dx``, ``dy`` times its (new) size."""
    x, y, w, h = VISITOR
    nw, nh = w * scale, h * scale
    return (x + (w - nw) / 2 + dx * nw, y + (h - nh) / 2 + dy * nh, nw, nh)


JITTER = [(s, dx, dy) for s in (0.85, 1.0, 1.2) for dx in (-0.1, 0.0, 0.1)
          for dy in (-0.1, 0.0, 0.1)]


@pytest.mark.parametrize("action,kw", CASES, ids=IDS)
def test_a_face_found_again_a_little_off_keeps_its_decision(action, kw):
    for scale, dx, dy in JITTER:
        a = applied(jittered(scale, dx, dy), action, **kw)
        (f,) = a.faces
        assert f.decision == "show" and not f.needs_review, (scale, dx, dy, f.reason)
        assert not a.review_notes, (scale, dx, dy, a.review_notes)


@pytest.mark.parametrize("box", [MERGED, BIGGER], ids=["merged", "bigger"])
def test_a_cover_still_covers_the_bigger_box(box):
    a = applied(box, "cover")
    (f,) = a.faces
    assert (f.override, f.decision) == ("cover", "cover")
    assert not a.review_notes


# -- a place left readable ----------------------------------------------------------------------
# "HELLO my name is" read on a sticker, nothing read beside or under it: both places are covered
# and asked about (one question); a person left them readable, nothing being written there.

STICKER = [(100.0, 100.0), (260.0, 100.0), (260.0, 120.0), (100.0, 120.0)]
ON = dt.date(2026, 12, 4)


def sticker(scale: float = 1.0, dx: float = 0.0, dy: float = 0.0,
            taller: float = 1.0) -> PhotoAnalysis:
    """The sticker's photo as analysed; the places after the words found ``scale`` times as big
    about their middle, moved by ``dx``, ``dy`` times their size, the place under them
    ``taller`` times as tall (downwards)."""
    a = PhotoAnalysis(path="sticker.jpg", sha256="cd" * 32, width=2000, height=1500,
                      texts=classify_texts([(STICKER, "HELLO my name is", 0.95)],
                                           NameMatcher([])), faces_checked=True)
    places = [t for t in a.texts if t.context == UNREAD_AFTER_CUE]
    for n, t in enumerate(places):
        xs, ys = [p[0] for p in t.polygon], [p[1] for p in t.polygon]
        w, h = (max(xs) - min(xs)) * scale, (max(ys) - min(ys)) * scale
        x = (min(xs) + max(xs) - w) / 2 + dx * w
        y = (min(ys) + max(ys) - h) / 2 + dy * h
        if n == 1:
            h *= taller
        t.polygon = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    return a


def places_left_readable(ws) -> None:
    web = ws.channels.get("website")
    a = decide_photo(apply_review(sticker(), ws.reviews.parts("cd" * 32, web.id)), {}, web,
                     "consent", ON)
    beside = next(i for i, t in enumerate(a.texts) if t.context == UNREAD_AFTER_CUE)
    assert a.texts[beside].needs_review
    ws.reviewer().text(a, beside, "keep", web, reason="nothing written there")


def places_again(ws, found: PhotoAnalysis) -> tuple[list[tuple[str, bool]], list[str]]:
    web = ws.channels.get("website")
    a = decide_photo(apply_review(found, ws.reviews.parts("cd" * 32, web.id)), {}, web,
                     "consent", ON)
    return ([(t.decision, t.needs_review) for t in a.texts if t.context == UNREAD_AFTER_CUE],
            a.review_notes)


def test_a_place_left_readable_is_not_left_readable_found_much_bigger(ws):
    """Read again, the place under the words comes out 1.9 times as tall (IoU 0.53): where a
    name may be written that nobody saw. It was left readable; now it is covered and asked
    again, the place beside (as it was) still left readable."""
    places_left_readable(ws)
    decided, notes = places_again(ws, sticker(taller=1.9))
    assert decided[1] == ("cover", True), f"the bigger place: {decided[1]}"
    assert decided[0][0] == "keep"
    assert notes == ["A decision to leave readable a place where no words were read no longer "
                     "fits (the place found there now is bigger) and was not used."]


def test_a_place_found_again_a_little_off_stays_readable(ws):
    places_left_readable(ws)
    for scale, dx, dy in JITTER:
        decided, notes = places_again(ws, sticker(scale, dx, dy))
        assert decided == [("keep", False), ("keep", False)], (scale, dx, dy, decided)
        assert not notes, (scale, dx, dy, notes)
