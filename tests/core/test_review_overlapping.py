"""s41 (review_burden bench on the scenario): deepface img23 had two lines read on one chest,
'NNNN' and 'NN', their boxes overlapping (IoU 0.73), each covered until a person decides.
"Keep it covered" on one took the other's decision away (a decision replaced every stored one
overlapping its line by half), so the other asked again, for ever: a question no one could
close. A decision replaces only the decisions that apply to its own line or face (the ones
``apply_review`` matches to it); another line's or face's, however much it overlaps, stays."""

from __future__ import annotations

import pytest

from photovet.core.models import Face, PhotoAnalysis, TextItem
from photovet.core.review import apply_review

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _box(x, y, w, h):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


# img23's two chest lines, as read (x, y, w, h): IoU 0.73
NNNN = _box(1316.0, 1434.0, 159.0, 150.0)
NN = _box(1311.0, 1419.0, 197.0, 164.0)
# two boxes of faces overlapping by more than half (IoU 0.69)
FACE_A = (100.0, 100.0, 200.0, 240.0)
FACE_B = (120.0, 110.0, 200.0, 240.0)


def _photo() -> PhotoAnalysis:
    return PhotoAnalysis(path="img23.jpg", sha256="ab" * 32, width=2400, height=1800,
                         faces=[Face(box=FACE_A, score=0.9), Face(box=FACE_B, score=0.9)],
                         texts=[TextItem(list(NNNN), "NNNN", score=0.42),
                                TextItem(list(NN), "NN", score=0.2)],
                         faces_checked=True)


def _applied(ws, channel) -> PhotoAnalysis:
    """The photo as analysis finds it again, with its stored review applied."""
    return apply_review(_photo(), ws.reviews.parts("ab" * 32, channel.id))


@pytest.mark.parametrize("first, then", [("cover", "cover"), ("keep", "cover"),
                                         ("cover", "keep")])
def test_a_decision_on_one_of_two_overlapping_lines_leaves_the_other_decided(ws, first, then):
    fb = ws.channels.get("facebook")
    reviewer = ws.reviewer()
    reason = {"keep": "the name of the prize"}
    reviewer.text(_applied(ws, fb), 0, first, fb, reason=reason.get(first, ""))
    reviewer.text(_applied(ws, fb), 1, then, fb, reason=reason.get(then, ""))
    a = _applied(ws, fb)
    assert [t.override for t in a.texts] == [first, then]
    assert not a.manual and not a.review_notes
    # deciding one again changes that one only
    again = "keep" if then == "cover" else "cover"
    reviewer.text(a, 1, again, fb, reason=reason.get(again, ""))
    assert [t.override for t in _applied(ws, fb).texts] == [first, again]


def test_a_line_decided_again_replaces_its_own_decision(ws):
    fb = ws.channels.get("facebook")
    reviewer = ws.reviewer()
    reviewer.text(_applied(ws, fb), 0, "keep", fb, reason="the name of the prize")
    reviewer.text(_applied(ws, fb), 0, "cover", fb)
    parts = ws.reviews.parts("ab" * 32, fb.id)
    assert [d.action for p in parts for d in p.texts] == ["cover"]
    assert [t.override for t in _applied(ws, fb).texts] == ["cover", None]


def test_a_decision_on_one_of_two_overlapping_faces_leaves_the_other_decided(ws):
    fb = ws.channels.get("facebook")
    reviewer = ws.reviewer()
    reviewer.face(_applied(ws, fb), 0, "cover", fb, mode="consent")
    reviewer.face(_applied(ws, fb), 1, "cover", fb, mode="consent")
    assert [f.override for f in _applied(ws, fb).faces] == ["cover", "cover"]
    # forgetting one face's decisions keeps the other's
    reviewer.undo_face(_applied(ws, fb), 1, fb)
    assert [f.override for f in _applied(ws, fb).faces] == ["cover", None]


def test_a_name_returned_as_wrong_leaves_an_overlapping_face_s_cover():
    """s41 audit: ``naming_returned`` (an approver's "this name is wrong") still took off every
    decision overlapping the face by half, as ``face`` did before ab3da92: another face's
    "cover" by hand went with it, and that face was shown again by the rules, with no word."""
    from photovet.core.review import FaceDecision, Review, naming_returned

    a = _photo()
    a.faces[0].override_person = "P000000000001"        # named by hand
    every = Review("ab" * 32, faces=[
        FaceDecision(tuple(int(v) for v in FACE_A), "assign", "P000000000001", "her mother said"),
        FaceDecision(tuple(int(v) for v in FACE_B), "cover")])
    one = Review("ab" * 32, channel="facebook")
    naming_returned(a, [0], "Head")(every, one)
    assert [(d.box, d.action) for d in every.faces] == [
        (tuple(int(v) for v in FACE_B), "cover"),                   # face 2's, kept
        (tuple(int(v) for v in FACE_A), "cover")]                   # face 1: covered, returned
    applied = apply_review(_photo(), [every, one])
    assert [f.override for f in applied.faces] == ["cover", "cover"]


# -- s42: two lines with the same box ------------------------------------------------------------

def _same_box_photo(first: str = "NNNN", second: str = "MMMM") -> PhotoAnalysis:
    """Two lines read in one box with other words (the box read again, as the stacked-lines
    look or the school's zoomed look may)."""
    return PhotoAnalysis(path="img23.jpg", sha256="ab" * 32, width=2400, height=1800,
                         texts=[TextItem(list(NNNN), first, score=0.42),
                                TextItem(list(NNNN), second, score=0.3)],
                         faces_checked=True)


def test_a_decision_on_one_of_two_lines_with_the_same_box_stays_with_its_words(ws):
    """By the box alone, "leave it readable" on the first line went to the second (the last of
    the lines matching the box as well): words the person never saw were left readable, and
    the line they answered for asked again."""
    fb = ws.channels.get("facebook")
    reviewer = ws.reviewer()

    def applied():
        return apply_review(_same_box_photo(), ws.reviews.parts("ab" * 32, fb.id))

    reviewer.text(applied(), 0, "keep", fb, reason="the name of the prize")
    assert [t.override for t in applied().texts] == ["keep", None]
    reviewer.text(applied(), 1, "cover", fb)
    assert [t.override for t in applied().texts] == ["keep", "cover"]
    # each decided again replaces its own decision only
    reviewer.text(applied(), 0, "cover", fb)
    reviewer.text(applied(), 1, "keep", fb, reason="the name of the prize")
    assert [t.override for t in applied().texts] == ["cover", "keep"]
    parts = ws.reviews.parts("ab" * 32, fb.id)
    assert sorted((d.text, d.action) for p in parts for d in p.texts) == [
        ("MMMM", "keep"), ("NNNN", "cover")]


def test_leaving_a_line_readable_does_not_leave_other_words_read_there_readable(ws):
    """The photo read again (another version of the reader, a line found where it was): the
    line at the box a person left readable now reads otherwise. Their answer was about the
    words they saw: not used, said, and the line is asked about again; a cover still
    covers whatever is read there."""
    fb = ws.channels.get("facebook")
    reviewer = ws.reviewer()
    reviewer.text(_applied(ws, fb), 0, "keep", fb, reason="the name of the prize")
    reviewer.text(_applied(ws, fb), 1, "cover", fb)
    again = _photo()
    again.texts[0].text, again.texts[1].text = "Evie Marshall", "EV"
    a = apply_review(again, ws.reviews.parts("ab" * 32, fb.id))
    assert [t.override for t in a.texts] == [None, "cover"]
    assert a.review_notes == ["A decision to leave \u201cNNNN\u201d readable no longer fits and "
                              "was not used."]
    # a person answering for the line as it reads now replaces the old answer
    reviewer.text(a, 0, "cover", fb)
    parts = ws.reviews.parts("ab" * 32, fb.id)
    assert sorted((d.text, d.action) for p in parts for d in p.texts) == [
        ("Evie Marshall", "cover"), ("NN", "cover")]


def test_a_decision_stored_without_its_words_covers_by_its_box_and_never_leaves_words_readable():
    """A cover stored without its words still applies by its box. Leaving readable is for the
    words the person saw: stored without words (before s42, or about a place after "my name
    is" where nothing was read), it never leaves a line with words readable (s58 audit: the
    one answer for both places after a cue stored "keep" for the place under the words; read
    again, the name written there took it by its box and was published unseen). Asked again."""
    from photovet.core.review import Review, TextDecision

    every = Review("ab" * 32, texts=[TextDecision(list(NN), "", "cover")])
    one = Review("ab" * 32, channel="facebook",
                 texts=[TextDecision(list(NNNN), "", "keep", "the name of the prize")])
    a = apply_review(_photo(), [every, one])
    assert [t.override for t in a.texts] == [None, "cover"]
    assert a.review_notes == [
        "A decision to leave readable a place where no words were read no longer fits (words "
        "are read there now, or it is gone) and was not used."]
