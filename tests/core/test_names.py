"""NameMatcher, looks_like_name, classify/decide/cover: table tests (no models needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import Person, TextItem
from photovet.core.vision.text.names import NameMatcher, canon, classify_texts, looks_like_name
from photovet.core.vision.text import decide_texts, text_covers

ON = dt.date(2026, 6, 1)
ALL = {c: True for c in ("website", "facebook", "x", "instagram", "newsletter", "press")}


def pupil(pid, first, last, preferred="", **kw):
    return Person(id=pid, legal_forename=first, legal_surname=last, preferred_forename=preferred,
                  role="pupil", consents=dict(ALL), **kw)


PEOPLE = [
    pupil("P1", "Olivia", "Bennett"),
    pupil("P2", "Zoë", "Whitaker"),
    pupil("P3", "Elizabeth", "Ashworth", preferred="Lizzie"),
    pupil("P4", "Niamh", "O'Connor"),
    pupil("P5", "Harriet", "Lloyd-Jones"),
    pupil("P6", "William", "Fairbrother", preferred="Billy"),
    pupil("P7", "May", "Wood"),
    pupil("P8", "Grace", "Edwards"),
    pupil("P9", "Finley", "McDonald"),
    pupil("P10", "Leo", "Davies"),
    pupil("P11", "Amelia", "Clarke", name_with_photo=True),
    Person(id="S1", legal_forename="Karen", legal_surname="Hughes", role="staff", consents=dict(ALL)),
]


@pytest.fixture(scope="module")
def matcher():
    return NameMatcher(PEOPLE, threshold=85)


@pytest.mark.parametrize("text, person, form", [
    ("Olivia Bennett", "P1", "full"),
    ("OLIVIA BENNETT", "P1", "full"),
    ("olivia bennett", "P1", "full"),
    ("OliviaBennett", "P1", "full"),                 # OCR dropped the space
    ("Bennett, Olivia", "P1", "surname_forename"),
    ("BENNETT OLIVIA", "P1", "surname_forename"),
    ("Olivia B.", "P1", "initial"),
    ("Olivia", "P1", "forename"),
    ("Bennett", "P1", "surname"),
    ("Zoe", "P2", "forename"),                       # accent removed
    ("ZOË WHITAKER", "P2", "full"),
    ("Lizzie Ashworth", "P3", "full"),                # preferred name
    ("Elizabeth Ashworth", "P3", "full"),             # legal name
    ("Lizzie", "P3", "forename"),
    ("Niamh O'Connor", "P4", "full"),
    ("NIAMH OCONNOR", "P4", "full"),
    ("Harriet Lloyd-Jones", "P5", "full"),
    ("Billy", "P6", "forename"),
    ("Finley McDonald", "P9", "full"),
    ("Leo", "P10", "forename"),
    ("Name: Olivia Bennett Class: 4B", "P1", "full"),
    ("my name is Olivia", "P1", "forename"),
    # OCR confusions: 0/O, 1/l/I, rn/m, vv/w, 5/S
    ("0livia Bennett", "P1", "full"),
    ("OLIVIA BENNE11", "P1", "full"),
    ("Oiivia Bennett", "P1", "full"),
    ("Harriet L1oyd-Jones", "P5", "full"),
    ("Grace Edvvards", "P8", "full"),
    ("5ophie", None, None),
    ("Olivla Bennelt", "P1", "full"),
    ("Finley McDona", "P9", "full"),                  # cut short by the box
    ("Olivla", "P1", "forename"),                    # one misread letter, alone on the line
    ("Ashwarth", "P3", "surname"),
])
def test_register_names_are_found(matcher, text, person, form):
    hit = matcher.match(text)
    if person is None:
        assert hit is None
        return
    assert hit is not None, text
    assert (hit.person, hit.role, hit.form) == (person, "pupil", form)
    assert 0 <= hit.span[0] < hit.span[1] <= len(text)


@pytest.mark.parametrize("text", [
    "Sports Day 2026", "EXIT", "Welcome Back!", "Well done Year 5!", "Star of the Week",
    "Oakfield Primary School", "HELLO", "my name is", "Certificate of Achievement",
    "May 2026",                  # a pupil called May: a date is not her name
    "Green Class", "a walk in the wood",
    "Leon", "Leonard Cohen",     # "Leo" is inside these words, not a match
    "Oliver", "Gracefully",
    "Grace Thornbury",           # a pupil's first name with somebody else's surname
    "Reuben B.",
])
def test_ordinary_text_and_other_people_are_not_pupils(matcher, text):
    hit = matcher.match(text)
    assert hit is None or hit.role != "pupil", (text, hit)


def test_common_word_name_alone_on_a_badge_counts(matcher):
    hit = matcher.match("May")
    assert hit is not None and hit.person == "P7"
    assert matcher.match("MAY WOOD").person == "P7"


def test_staff_names(matcher):
    hit = matcher.match("Mrs Hughes")
    assert hit is not None and (hit.person, hit.role) == ("S1", "staff")
    hit = matcher.match("MrsHughes")
    assert hit is not None and hit.role == "staff"


def test_title_with_a_pupils_surname_is_treated_as_the_pupils_name(matcher):
    hit = matcher.match("Mr Bennett")
    assert hit is not None and hit.role == "pupil" and hit.form == "title_surname"


def test_title_and_surname_shared_by_staff_and_pupil_is_the_staff_member():
    people = [pupil("A", "Ruby", "Hughes"),
              Person(id="S1", legal_forename="Karen", legal_surname="Hughes", role="staff")]
    m = NameMatcher(people, threshold=85)
    assert m.match("Mrs Hughes").role == "staff"
    assert m.match("Ruby Hughes").person == "A"


def test_ambiguous_first_name_fails_closed():
    people = [pupil("A", "Sam", "Reed"), pupil("B", "Sam", "Chen")]
    m = NameMatcher(people, threshold=85)
    hit = m.match("Sam")
    assert hit is not None and hit.role == "pupil" and hit.person is None
    assert sorted(hit.candidates) == ["A", "B"]
    assert m.match("Sam Chen").person == "B"


def test_pupil_wins_over_staff_in_one_line(matcher):
    hit = matcher.match("Mrs Hughes and Olivia Bennett")
    assert hit.role == "pupil" and hit.person == "P1"


def test_canon_handles_confusions():
    assert canon("0LIVIA") == canon("olivia")
    assert canon("Wi11iam") == canon("William")
    assert canon("rnay") == canon("may")
    assert canon("Zoë") == canon("Zoe")


@pytest.mark.parametrize("text, expected", [
    ("Mrs Hughes", "staff-title"),
    ("Mr Patterson", "staff-title"),
    ("Name: Sam Reed", "name-label"),
    ("NAME: JORDAN", "name-label"),
    ("my name is Tobias", "my-name-is"),
    ("Matilda Crowther", "capitalised-words"),
    ("KIERAN DOHERTY", "capitalised-words"),
    ("Sports Day 2026", None),
    ("Welcome Back!", None),
    ("EXIT", None),
    ("Oakfield Primary School", None),
    ("Teaching Assistant", None),
    ("Star of the Week", None),
    ("Name:", None),
    ("my name is", None),
    ("", None),
    ("東京タワー", None),
    ("Well done Year 5!", None),
    ("Reuben B.", "capitalised-words"),
    ("Plan B", None),
])
def test_looks_like_name(text, expected):
    assert looks_like_name(text) == expected


_ROW = iter(range(10**6))


def _read(text):
    y = 10.0 + 60.0 * next(_ROW)    # each line well below the previous one
    return ([(10.0, y), (110.0, y), (110.0, y + 20), (10.0, y + 20)], text, 0.9)


def test_classify_decide_and_cover(matcher):
    reads = [_read("Olivia Bennett"), _read("Mrs Hughes"), _read("Matilda Crowther"),
             _read("Sports Day 2026"), _read("Amelia Clarke"), _read("Mr Smith")]
    items = classify_texts(reads, matcher)
    assert [i.kind for i in items] == ["pupil-name", "staff-name", "name-like", "", "pupil-name",
                                       "staff-name"]
    assert items[0].person == "P1" and items[4].person == "P11"
    people_by_id = {p.id: p for p in PEOPLE}
    decide_texts(items, people_by_id, "website", ON, "consent")
    assert [i.decision for i in items] == ["cover", "keep", "review", "keep", "keep", "keep"]
    assert items[2].reason == "Looks like a name not in the register"
    assert items[1].reason == "Staff name"
    # no identifiable children: even a consented pupil's name goes
    decide_texts(items, people_by_id, "website", ON, "no-identifiable-children")
    assert items[4].decision == "cover"
    # a person's override is kept
    items[0].override = "keep"
    decide_texts(items, people_by_id, "website", ON, "consent")
    assert items[0].final_decision == "keep"
    reds = text_covers(items)
    # pupil (override keep -> not covered), name-like review (covered, fail closed),
    # P11 kept again under consent mode
    assert [r.label for r in reds] == ["Name to review"]
    items[0].override = None
    assert sorted(r.label for r in text_covers(items)) == ["Name to review", "P1"]
    assert all(r.shape == "polygon" and r.source == "text" and len(r.points) == 4 for r in reds)


def test_unmatched_pupil_name_fails_closed():
    item = TextItem(polygon=[(0, 0), (10, 0), (10, 5), (0, 5)], text="Sam", kind="pupil-name",
                    person=None)
    decide_texts([item], {}, "website", ON, "consent")
    assert item.decision == "cover"


def test_cover_covers_a_tight_box():
    from shapely.geometry import Polygon

    glyphs = [(100.0, 50.0), (200.0, 60.0), (198.0, 75.0), (98.0, 65.0)]   # rotated line, 15 px
    item = TextItem(polygon=glyphs, text="x", decision="cover")
    (r,) = text_covers([item])
    red, g = Polygon(r.points), Polygon(glyphs)
    assert red.contains(g)
    assert red.area > g.area * 1.2
    # and it is not absurdly large
    assert red.area < g.area * 3


def test_classify_without_a_register():
    items = classify_texts([_read("Olivia Bennett"), _read("EXIT")], None)
    assert [i.kind for i in items] == ["name-like", ""]


def test_pieces_of_a_name_on_the_same_line_are_covered_with_it(matcher):
    reads = [
        ([(100.0, 100.0), (160.0, 100.0), (160.0, 120.0), (100.0, 120.0)], "Olvla", 0.6),
        ([(168.0, 100.0), (250.0, 100.0), (250.0, 120.0), (168.0, 120.0)], "Bennett", 0.9),
        ([(258.0, 100.0), (330.0, 100.0), (330.0, 120.0), (258.0, 120.0)], "Class: 4B", 0.9),
        ([(100.0, 60.0), (200.0, 60.0), (200.0, 80.0), (100.0, 80.0)], "Xyzzy", 0.9),
    ]
    items = classify_texts(reads, matcher)
    assert [i.kind for i in items] == ["pupil-name", "pupil-name", "", ""]
    assert items[0].person == "P1"
