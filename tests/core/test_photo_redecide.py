"""A decision made on a face (or a line, a place) again replaces the stored decisions about it
that no longer fit it (s65, after review.reaches_beyond): a photo checked again finds the face
decided on as a bigger box, the old "show" is not used and the photo's notes say so; the person
shows the face again. Before, the old "show" stayed stored beside the new one when it matched
no face (the face found much bigger, IoU under 0.5), and the note "no longer fits ... was not
used" stayed on the photo for ever beside the person's new decision. Now the new decision
replaces it (``review.decision_about``). A decision that applies to another face, a face cover
that no longer fits (it still covers its area) and a cover drawn by hand all stay."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from photovet.core.models import UNREAD_AFTER_CUE, Cover, Face, PhotoAnalysis
from photovet.core.policy import decide_photo
from photovet.core.review import FaceDecision, apply_review

SHA = "ef" * 32
ON = dt.date(2026, 12, 4)
VISITOR = (400, 300, 100, 120)          # the face decided on (x, y, w, h)
BIGGER = (380, 276, 140, 168)           # found 1.4 times as big: IoU 0.51, reaches beyond
MUCH_BIGGER = (370, 264, 160, 192)      # found 1.6 times as big: IoU 0.39, matches nothing
NEIGHBOUR = (700, 300, 100, 120)        # the face beside it, far enough not to overlap
WHY = "an adult visitor who agreed"
NOTE = "A decision about a face (show) no longer fits this photo and was not used."


def found(*boxes) -> PhotoAnalysis:
    return PhotoAnalysis(path="trip.jpg", sha256=SHA, width=1600, height=1200,
                         faces=[Face(box=b, score=0.9) for b in boxes], faces_checked=True)


def checked(ws, *boxes) -> PhotoAnalysis:
    web = ws.channels.get("website")
    return decide_photo(apply_review(found(*boxes), ws.reviews.parts(SHA, web.id)),
                        {}, web, "consent", ON)


def stored(ws) -> list[FaceDecision]:
    return [d for p in ws.reviews.parts(SHA, "website") for d in p.faces]


@pytest.mark.parametrize("box", [BIGGER, MUCH_BIGGER], ids=["bigger", "much-bigger"])
def test_showing_the_face_again_replaces_the_show_that_no_longer_fits(ws, box):
    web = ws.channels.get("website")
    ws.reviewer().face(checked(ws, VISITOR), 0, "show", web, reason=WHY)
    a = checked(ws, box)
    assert a.faces[0].decision == "cover" and a.review_notes == [NOTE]
    ws.reviewer().face(a, 0, "show", web, reason=WHY)
    assert [(d.box, d.action) for d in stored(ws)] == [(box, "show")]
    # the audit says what it replaced that no longer fitted (one that matched the face is
    # replaced as before: said by the decision itself)
    details = json.loads(ws.db.all("SELECT details FROM audit_log WHERE action = "
                                   "'review.face-show' ORDER BY id DESC")[0][0])
    assert details.get("replaces_unfit") == (
        None if box == BIGGER else [{"box": list(VISITOR), "decision": "show", "person": None}])
    a = checked(ws, box)
    assert a.faces[0].decision == "show" and not a.review_notes
    # undone, the rules decide the face, as before it was shown again, and nothing is noted
    ws.reviewer().undo_face(a, 0, web)
    a = checked(ws, box)
    assert stored(ws) == [] and a.faces[0].decision == "cover" and not a.review_notes


def test_covering_it_replaces_it_too(ws):
    web = ws.channels.get("website")
    ws.reviewer().face(checked(ws, VISITOR), 0, "show", web, reason=WHY)
    ws.reviewer().face(checked(ws, MUCH_BIGGER), 0, "cover", web)
    assert [(d.box, d.action) for d in stored(ws)] == [(MUCH_BIGGER, "cover")]
    assert not checked(ws, MUCH_BIGGER).review_notes


def test_another_faces_decision_and_the_covers_stay(ws):
    web = ws.channels.get("website")
    r = ws.reviewer()
    a = checked(ws, VISITOR, NEIGHBOUR)
    r.face(a, 0, "show", web, reason=WHY)
    r.face(checked(ws, VISITOR, NEIGHBOUR), 1, "show", web, reason=WHY)
    r.add_cover(checked(ws, VISITOR, NEIGHBOUR), Cover("rect", (100, 100, 50, 50), None,
                                                       "manual", "a name badge"), web)
    a = checked(ws, MUCH_BIGGER, NEIGHBOUR)
    assert a.review_notes == [NOTE]
    r.face(a, 0, "show", web, reason=WHY)
    assert sorted((d.box, d.action) for d in stored(ws)) == [
        (MUCH_BIGGER, "show"), (NEIGHBOUR, "show")]
    a = checked(ws, MUCH_BIGGER, NEIGHBOUR)
    assert [f.decision for f in a.faces] == ["show", "show"] and not a.review_notes
    assert [c.box for c in a.manual] == [(100, 100, 50, 50)]


def test_a_face_cover_that_no_longer_fits_is_not_taken_off_by_a_show(ws):
    """A face covered by hand and found again much bigger: the old cover still covers its
    area (fail closed). Showing the bigger face does not take it off: it may cover more than
    the face decided on now."""
    web = ws.channels.get("website")
    ws.reviewer().face(checked(ws, VISITOR), 0, "cover", web)
    a = checked(ws, MUCH_BIGGER)
    assert len(a.manual) == 1
    ws.reviewer().face(a, 0, "show", web, reason=WHY)
    assert sorted((d.box, d.action) for d in stored(ws)) == [
        (MUCH_BIGGER, "show"), (VISITOR, "cover")]
    assert len(checked(ws, MUCH_BIGGER).manual) == 1


def test_a_decision_between_two_faces_stays(ws):
    """A show that matches no face and overlaps two faces found now is about neither for
    sure: kept (its note stays)."""
    web = ws.channels.get("website")
    ws.reviewer().face(checked(ws, VISITOR), 0, "show", web, reason=WHY)
    left, right = (380, 300, 60, 120), (460, 300, 60, 120)
    a = checked(ws, left, right)
    assert a.review_notes == [NOTE]
    ws.reviewer().face(a, 0, "show", web, reason=WHY)
    assert sorted((d.box, d.action) for d in stored(ws)) == [(left, "show"), (VISITOR, "show")]


# -- a place left readable, read again much taller ------------------------------------------

def test_leaving_a_place_readable_again_replaces_the_keep_that_no_longer_fits(ws):
    from tests.core.test_photo_decision_reach import places_left_readable, sticker

    web = ws.channels.get("website")
    places_left_readable(ws)

    def read(found):
        return decide_photo(apply_review(found, ws.reviews.parts("cd" * 32, web.id)), {}, web,
                            "consent", ON)

    a = read(sticker(taller=2.6))           # the place under the words: IoU 0.38
    notes = a.review_notes
    assert notes and "no longer fits" in notes[0], notes
    under = [i for i, t in enumerate(a.texts) if t.context == UNREAD_AFTER_CUE][1]
    assert a.texts[under].needs_review
    ws.reviewer().text(a, under, "keep", web, reason="nothing written there")
    a = read(sticker(taller=2.6))
    assert not a.review_notes
    assert [t.decision for t in a.texts if t.context == UNREAD_AFTER_CUE] == ["keep", "keep"]
    assert len([d for p in ws.reviews.parts("cd" * 32, web.id) for d in p.texts]) == 2
