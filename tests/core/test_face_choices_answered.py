"""Audit (second term), finding 13: the face menu still offered "No, it is not Hope" after it
was chosen. Whether "Yes, it is ..." / "No, it is not ..." are offered is the core's answer
(Reviewer.face_choices), as every other choice of the menu is."""

from __future__ import annotations

import datetime as dt

from photovet.core.models import YES, Channel, Face, MatchStatus, Person, PhotoAnalysis
from photovet.core.review import Reviewer

FB = Channel("facebook", "Facebook")
HOPE = Person("H1", "Hope", "Bennett", photo_consent={"facebook": YES})


def choices(face: Face) -> tuple[str, ...]:
    a = PhotoAnalysis(path="d4.jpg", faces=[face])
    r = Reviewer(None, {"H1": HOPE}.get, today=lambda: dt.date(2026, 11, 30))
    return r.face_choices(a, 0, FB).actions


def uncertain(**kw) -> Face:
    return Face(box=(10, 10, 50, 50), score=0.95, person="H1",
                match_status=MatchStatus.UNCERTAIN.value, **kw)


def test_yes_and_no_are_offered_while_the_question_is_open():
    f = uncertain(decision="cover", needs_review=True)
    assert {"yes", "no"} <= set(choices(f))


def test_no_is_not_offered_again_once_chosen_and_yes_still_is():
    f = uncertain(decision="cover", override="cover")       # "No, it is not Hope"
    assert "no" not in choices(f)
    assert "yes" in choices(f)                               # a change of mind
    assert "undo" in choices(f)


def test_neither_once_someone_said_who_it_is_or_for_a_face_nobody_is_near():
    assert not {"yes", "no"} & set(choices(uncertain(decision="show", override="assign",
                                                     override_person="H1")))
    assert not {"yes", "no"} & set(choices(uncertain(decision="show",
                                                     override="not-a-face")))
    recognised = Face(box=(10, 10, 50, 50), score=0.95, person="H1", decision="show",
                      match_status=MatchStatus.RECOGNISED.value)
    assert not {"yes", "no"} & set(choices(recognised))
    stranger = Face(box=(10, 10, 50, 50), score=0.95, person="X9", decision="cover",
                    match_status=MatchStatus.UNCERTAIN.value)          # not in the register
    assert not {"yes", "no"} & set(choices(stranger))
