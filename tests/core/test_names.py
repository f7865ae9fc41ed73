"""NameMatcher, looks_like_name, classify (names.py), then policy decides and media/cover.py
covers: table tests (no models needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.media.cover import card_covers, face_cover, text_cover
from photovet.core.models import NO, YES, Channel, Person, PhotoAnalysis, TextItem
from photovet.core.policy import decide_photo, decide_text, publication
from photovet.core.vision.text.names import (
    NameMatcher,
    canon,
    classify_texts,
    letters_for_digits,
    looks_like_name,
)
from photovet.core.words import BADGE_COVER

ON = dt.date(2026, 6, 1)
WEBSITE = Channel("website", "School website", names="full")
FACEBOOK = Channel("facebook", "Facebook", names="first")
ALL = {c: YES for c in ("website", "facebook", "x", "instagram", "newsletter", "press", "youtube")}


def pupil(pid, first, last, preferred="", **kw):
    kw.setdefault("photo_consent", dict(ALL))
    kw.setdefault("video_consent", dict(ALL))
    return Person(id=pid, legal_forename=first, legal_surname=last, preferred_forename=preferred,
                  role="pupil", **kw)


def staff(pid, first, last, **kw):
    kw.setdefault("photo_consent", dict(ALL))
    kw.setdefault("video_consent", dict(ALL))
    return Person(id=pid, legal_forename=first, legal_surname=last, role="staff", **kw)


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
    staff("S1", "Karen", "Hughes"),                          # no consent to show her name
    staff("S2", "Priya", "Patel", name_with_photo=True),     # consent to show her name
]
BY_ID = {p.id: p for p in PEOPLE}


def decide(items, channel=WEBSITE, mode="consent", people_by_id=None, media="photo"):
    """Decide text items as Engine.decide does (policy.decide_photo on the photo's analysis)."""
    analysis = PhotoAnalysis(path="photo.jpg", width=1000, height=2000, media=media,
                             texts=items, faces_checked=True)
    return decide_photo(analysis, BY_ID if people_by_id is None else people_by_id, channel,
                        mode, ON)


def covers(analysis):
    """What the export covers, made as the Engine makes it (media/cover.py)."""
    size = (analysis.width, analysis.height)
    return publication(analysis, lambda box: face_cover(box, size),
                       lambda item: text_cover(item.polygon, item.person or "Name"),
                       lambda item: card_covers(item.polygon, BADGE_COVER)).covers


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
    assert hit is not None and (hit.person, hit.role, hit.form) == ("S1", "staff", "title_surname")
    hit = matcher.match("MrsHughes")
    assert hit is not None and hit.role == "staff"
    hit = matcher.match("Priya Patel")
    assert hit is not None and (hit.person, hit.role, hit.form) == ("S2", "staff", "full")
    # a staff member's first name alone says little: not a match
    assert matcher.match("Priya") is None


def test_title_with_a_pupils_surname_is_treated_as_the_pupils_name(matcher):
    hit = matcher.match("Mr Bennett")
    assert hit is not None and hit.role == "pupil" and hit.form == "title_surname"


def test_title_and_surname_shared_by_staff_and_pupil_is_the_staff_member():
    people = [pupil("A", "Ruby", "Hughes"), staff("S1", "Karen", "Hughes")]
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
    assert [i.person for i in items] == ["P1", "S1", None, None, "P11", None]
    assert [i.form for i in items] == ["full", "title_surname", "", "", "full", ""]
    # classifying decides nothing: policy does
    assert all(i.decision == "keep" and i.reason == "" for i in items)
    a = decide(items)
    assert a.channel == "website" and a.mode == "consent"
    assert [i.decision for i in items] == ["cover", "cover", "cover", "keep", "keep", "cover"]
    assert [i.needs_review for i in items] == [False, False, True, False, False, True]
    assert items[0].reason == "Pupil's name (no consent to show names)"
    assert items[1].reason == "Staff name (no consent to show names)"
    assert items[2].reason == "Looks like a name that is not in the register"
    assert items[3].reason == "Not a name"          # every line read says why it stays
    assert items[4].reason == "Pupil's name (consent to show names on School website)"
    assert items[5].reason == "Looks like a staff member's name that is not in the register"
    assert a.needs_review and a.covered_text_count == 4
    # no identifiable children: even a consented pupil's name goes
    decide(items, mode="no-identifiable-children")
    assert items[4].decision == "cover"
    assert items[4].reason == "Pupil's name (no identifiable children on this channel)"
    # first names only (Facebook): a consented pupil's full name is covered there
    decide(items, channel=FACEBOOK)
    assert items[4].decision == "cover" and items[4].reason == "Pupil's name (Facebook: first names only)"
    # a person's override needs a reason to leave a name readable...
    items[0].override = "keep"
    a = decide(items)
    assert items[0].final_decision == "cover" and "Say why" in items[0].refused
    # ...and is kept with one
    items[0].override_reason = "the parents agreed today"
    a = decide(items)
    assert items[0].final_decision == "keep" and items[0].refused == ""
    assert items[0].reason == "Left readable by hand: the parents agreed today"
    reds = covers(a)
    # pupil (override keep -> not covered), staff without name consent, the unknown names
    # (covered, fail closed); P11 kept under consent mode
    assert sorted(r.label for r in reds) == ["Name", "Name", "S1"]
    items[0].override = None
    a = decide(items)
    assert sorted(r.label for r in covers(a)) == ["Name", "Name", "P1", "S1"]
    assert all(r.shape == "polygon" and r.source == "text" and len(r.points) == 4 for r in reds)
    # covering by hand is always allowed
    items[3].override = "cover"
    decide(items)
    assert items[3].decision == "cover" and items[3].reason == "Covered by hand"


def test_staff_names_follow_their_name_with_photo_consent(matcher):
    reads = [_read("Mrs Patel"), _read("Priya Patel"), _read("Mrs Hughes"), _read("Karen Hughes")]
    items = classify_texts(reads, matcher)
    assert [(i.kind, i.person) for i in items] == [("staff-name", "S2"), ("staff-name", "S2"),
                                                   ("staff-name", "S1"), ("staff-name", "S1")]
    decide(items)
    assert [i.decision for i in items] == ["keep", "keep", "cover", "cover"]
    assert not any(i.needs_review for i in items)
    assert items[0].reason == "Staff name (consent to show names on School website)"
    assert items[2].reason == "Staff name (no consent to show names)"
    # staff are not children: kept where no identifiable children are shown
    decide(items, mode="no-identifiable-children")
    assert [i.decision for i in items] == ["keep", "keep", "cover", "cover"]
    # ...but they need consent for the channel, like a pupil
    patel = staff("S2", "Priya", "Patel", name_with_photo=True,
                  photo_consent=dict(ALL, website=NO))
    decide(items, people_by_id=dict(BY_ID, S2=patel))
    assert items[0].decision == "cover" and items[0].reason == \
        "Staff name (consent refused for School website)"
    # on the do-not-photograph list: covered whatever the consent
    decide(items, people_by_id=dict(BY_ID, S2=staff("S2", "Priya", "Patel", name_with_photo=True,
                                                       do_not_photograph=True)))
    assert items[0].decision == "cover" and items[0].reason == "Name: on the do-not-photograph list"
    # and leaving it readable by hand is refused
    items[0].override, items[0].override_reason = "keep", "she asked"
    decide(items, people_by_id=dict(BY_ID, S2=staff("S2", "Priya", "Patel", name_with_photo=True,
                                                       do_not_photograph=True)))
    assert items[0].decision == "cover" and "do-not-photograph" in items[0].refused


def test_staff_title_not_in_the_register_is_covered_and_needs_review():
    m = NameMatcher([pupil("P1", "Olivia", "Bennett")], threshold=85)
    items = classify_texts([_read("Mrs Hughes"), _read("Mr Patterson"), _read("Exit")], m)
    assert [(i.kind, i.person) for i in items] == [("staff-name", None), ("staff-name", None),
                                                   ("", None)]
    a = decide(items, people_by_id={})
    assert [i.decision for i in items] == ["cover", "cover", "keep"]
    assert [i.needs_review for i in items] == [True, True, False]
    assert items[0].reason == "Looks like a staff member's name that is not in the register"
    assert a.needs_review and sorted(r.label for r in covers(a)) == ["Name", "Name"]
    # a person may leave it readable, with a reason
    items[0].override, items[0].override_reason = "keep", "the head asked for her name on the sign"
    decide(items, people_by_id={})
    assert items[0].decision == "keep" and not items[0].needs_review


def test_unmatched_pupil_name_fails_closed():
    item = TextItem(polygon=[(0, 0), (10, 0), (10, 5), (0, 5)], text="Sam", kind="pupil-name",
                    person=None)
    d = decide_text(item, None, WEBSITE, "photo", "consent", ON)
    assert d.action == "cover" and d.reason == "A pupil's name (it fits several pupils)"
    decide([item], people_by_id={})
    assert item.decision == "cover"


def test_cover_covers_a_tight_box():
    from shapely.geometry import Polygon

    glyphs = [(100.0, 50.0), (200.0, 60.0), (198.0, 75.0), (98.0, 65.0)]   # rotated line, 15 px
    r = text_cover(glyphs, "P1")
    assert r.shape == "polygon" and r.source == "text" and r.label == "P1"
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


# ------------------------------------------------------------------------------------------
# Names on badges fail closed (issue 13): each badge form, in the register or not, and the
# decoys a badge photo also has
# ------------------------------------------------------------------------------------------

FACE = (400.0, 100.0, 200.0, 240.0)      # x, y, w, h: a face; its badge is below it


def _at(text, x, y, h=24.0, score=0.95):
    w = max(30.0, 0.6 * h * len(text))
    return ([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], text, score)


def _badge(text, score=0.95):
    """A line on a badge: on the chest, under the face."""
    return _at(text, 420.0, 460.0, 24.0, score)


def _sign(text, score=0.95):
    """A line on a sign: beside the heads, nobody under it."""
    return _at(text, 20.0, 40.0, 24.0, score)


BADGE_REGISTER = [pupil("P1", "Olivia", "Bennett"), pupil("P20", "Muhammad", "Iqbal")]


@pytest.mark.parametrize("text, person, form", [
    ("Muhammadlqbal", "P20", "full"),        # OCR glued the words and read I as l
    ("MuhammadIqbal", "P20", "full"),
    ("Muhammad lqbal", "P20", "full"),
    ("OLIVIA BENNETT", "P1", "full"),
    ("Bennett, Olivia", "P1", "surname_forename"),
    ("BENNETT, OLIVIA", "P1", "surname_forename"),
    ("O.Bennett", "P1", "surname"),
    ("O. Bennett", "P1", "surname"),
])
def test_every_badge_form_of_a_register_name_is_covered(text, person, form):
    """On a badge or anywhere else: the register name is found and covered (no consent)."""
    m = NameMatcher(BADGE_REGISTER, threshold=85)
    for read in (_badge(text), _sign(text)):
        (item,) = classify_texts([read], m, faces=[FACE])
        assert (item.kind, item.person, item.form) == ("pupil-name", person, form), (text, read)
        decide([item])
        assert item.decision == "cover" and not item.needs_review


@pytest.mark.parametrize("text", [
    "Jamesrobinson",       # glued, no capital to split on
    "JAMES ROBINSON", "Robinson, James", "J.Robinson", "J. Robinson", "Zainab",
    "Kacper Nowakowski", "Muhammad lqbal", "Olivla Benet",
])
def test_badge_text_not_in_the_register_is_covered_and_offered_for_review(text):
    """Not in the register (a new pupil, a visitor) or read too badly to place: on a badge it
    is a name unless it is made of school words: covered, and a person looks."""
    m = NameMatcher([pupil("P30", "Harriet", "Lloyd")], threshold=85)
    (item,) = classify_texts([_badge(text)], m, faces=[FACE])
    assert item.kind == "name-like" and item.context == "worn", text
    decide([item])
    assert item.decision == "cover" and item.needs_review
    assert item.reason == ("Looks like a name that is not in the register, on a badge, lanyard "
                           "or certificate")


@pytest.mark.parametrize("text", [
    "Sports Day 2026", "Well done Year 5!", "EXIT", "Welcome Back!", "Oakfield Primary School",
    "Year 4 · Class 4B", "PUPIL", "HELLO", "my name is", "Certificate of Achievement",
    "awarded to", "for a fantastic effort at", "Headteacher", "St Mary's CE Primary", "VISITOR",
    "Star of the Week", "Class: 4B", "2026",
])
def test_school_words_on_a_badge_or_a_sign_stay_readable(text):
    m = NameMatcher(BADGE_REGISTER, threshold=85)
    for read in (_badge(text), _sign(text)):
        item, *after = classify_texts([read], m, faces=[FACE])
        assert item.kind == "", (text, read)
        # a cue with nothing read after it: where the name would be is covered (s53)
        assert [a.context for a in after] == (["unread"] * 2 if text in (
            "my name is", "awarded to") else []), text
        decide([item])
        assert item.decision == "keep" and not item.needs_review
        assert item.reason in ("Not a name", "Only school words below a face, where a badge "
                                             "would be (not a name)"), item.reason


@pytest.mark.parametrize("text, letters", [
    ("Z41NAB", "ZAINAB"), ("0LIVIA", "OLIVIA"), ("EV1E MARSHALL", "EVIE MARSHALL"),
    ("5ophie", "Sophie"), ("0liver", "Oliver"), ("Jasper Th0rnbury", "Jasper Thornbury"),
    ("NAME: EV1E", "NAME: EVIE"),
    # numbers, years, times, class and room codes, ordinals are no words
    ("4B", None), ("Y6", None), ("2024", None), ("RM12", None), ("Rm12B", None), ("RM12B", None),
    ("10:30", None), ("Mon-Fri 8:45", None), ("10am", None), ("3pm", None), ("1st", None),
    ("Year5", None), ("Class3M", None), ("Year4·Class4C", None), ("Year5-Class5H", None),
    ("Sports Day2026", None), ("Tel 01234 567890", None), ("A4 paper", None), ("Y3/4", None),
    ("Year 6 Leavers 2024", None),
])
def test_letters_for_digits(text, letters):
    assert letters_for_digits(text) == letters


def _the_pupils_name_on_a_badge_and_a_sign(m, text, person):
    """``text`` on a badge and on a sign is ``person``'s name, covered."""
    for read in (_badge(text), _sign(text)):
        (item,) = classify_texts([read], m, faces=[FACE])
        assert (item.kind, item.person) == ("pupil-name", person), (text, read)
        decide([item])
        assert item.decision == "cover", text


DIGIT_REGISTER = [pupil("P1", "Olivia", "Bennett"), pupil("P21", "Zainab", "Hussain"),
                  pupil("P22", "Evie", "Marshall")]


@pytest.mark.parametrize("text, person", [
    ("3VIE", "P22"), ("3vie", "P22"), ("B3NN3TT", "P1"),
])
def test_a_register_name_read_with_digits_for_letters_is_the_name(text, person):
    """s35: a digit read for a letter that canon() does not take for one (3 for E, 4 for A, 7
    for T) made no name of the register, on a badge or a sign ("Z41NAB", "Za1nab Hu55ain",
    "EV1E MARSH4LL" were found already, by letters alike)."""
    m = NameMatcher(DIGIT_REGISTER, threshold=85)
    _the_pupils_name_on_a_badge_and_a_sign(m, text, person)


@pytest.mark.parametrize("text", ["Z41NAB", "EV1E", "J4MES R0BINSON", "K4TIE"])
def test_a_name_not_in_the_register_read_with_digits_is_covered_for_review_on_a_badge(text):
    """s35: badge_words left out every word with a digit in it, so such a name stayed readable."""
    m = NameMatcher([pupil("P30", "Harriet", "Lloyd")], threshold=85)
    (item,) = classify_texts([_badge(text)], m, faces=[FACE])
    assert (item.kind, item.context) == ("name-like", "worn"), text
    decide([item])
    assert item.decision == "cover" and item.needs_review


@pytest.mark.parametrize("text, letters", [
    ("0L1V1A", "OLIVIA"), ("1SAB3LL4", "ISABELLA"), ("Z41N4B", "ZAINAB"), ("0l1v1a", "Olivia"),
    ("J0N4TH4N", "JONATHAN"), ("1SAB3LL4 B3NN3TT", "ISABELLA BENNETT"),
    # years, phone numbers, dates, rooms and codes are no words
    ("2024", None), ("Year2024", None), ("07700 900123", None), ("12/03/2024", None),
    ("Rm101", None), ("R00M12A", None), ("5DEC25", None), ("Y5B2C1", None), ("A1B2C3", None),
    ("3V13", None), ("Class1B2", None), ("B1E5N3", "BIESNE"),
])
def test_letters_for_three_digits_or_more(text, letters):
    """s36: a word with 3 digits or more for letters was never read as letters."""
    assert letters_for_digits(text, many=True) == letters
    if letters is not None and " " not in text:
        assert letters_for_digits(text) is None   # not where anything may be read as letters
    # on a badge, with more letters than digits only (not a code by turns: "B1E5N3")
    even = letters is not None and sum(c.isdigit() for c in text) * 2 == len(text)
    assert letters_for_digits(text, many=True, even=False) == (None if even else letters)


MANY_DIGITS = [pupil("P40", "Isabella", "Hart"), pupil("P41", "Zainab", "Hussain"),
               pupil("P42", "Elizabeth", "Ashworth")]


@pytest.mark.parametrize("text, person", [("1S4B3LL4", "P40"), ("Z41N4B", "P41"),
                                          ("3L1Z4B3TH", "P42"), ("1S4B3LL4 H4R7", "P40")])
def test_a_register_name_read_with_three_digits_for_letters_is_the_name(text, person):
    """s36 (issue 13 item 4): "Z41N4B" had more digits than the rule allowed and stayed
    readable, on a sign as on a badge."""
    m = NameMatcher(MANY_DIGITS, threshold=85)
    _the_pupils_name_on_a_badge_and_a_sign(m, text, person)


@pytest.mark.parametrize("text", ["1SAB3LL4", "J0N4TH4N", "4L3X4ND3R"])
def test_a_name_read_with_three_digits_for_letters_is_covered_for_review_on_a_badge(text):
    m = NameMatcher([pupil("P30", "Harriet", "Lloyd")], threshold=85)
    (badge, sign) = classify_texts([_badge(text), _sign(text)], m, faces=[FACE])
    assert (badge.kind, badge.context) == ("name-like", "worn"), text
    assert sign.kind == "", text           # not a register name, nowhere a name is worn
    decide([badge])
    assert badge.decision == "cover" and badge.needs_review


@pytest.mark.parametrize("text", ["4B", "Y6", "2024", "RM12", "Rm12B", "10:30", "Class3M",
                                  "Year5", "Year 4 · Class 4B", "Sports Day2026", "1st", "3pm",
                                  # s36: 3 digits or more
                                  "Year2024", "Rm101", "R00M12A", "01234 567890", "07700900123",
                                  "12/03/2024", "12.03.24", "Y5B2C1", "A1B2C3",
                                  "10:30am", "8:45-3:15", "Class1B2", "Room 101", "Y3/4/5",
                                  "B1E5N3", "3B4C5D", "0Q4U3W",
                                  "Sports Day 12/07/2026"])
def test_numbers_and_codes_with_digits_stay_readable_on_a_badge(text):
    m = NameMatcher(DIGIT_REGISTER, threshold=85)
    for read in (_badge(text), _sign(text)):
        (item,) = classify_texts([read], m, faces=[FACE])
        assert item.kind == "", (text, read)


CODES = ["AB12CDE", "AB12 CDE", "YK75 HJT", "SW1A1AA", "LS124AB", "M11AE", "SW1A 1AA",
         "LS12 4AB", "RM1A", "Rm 12", "Lab 4B", "Room 101", "DT3", "07 Jan 2026", "5DEC25",
         "12JAN", "JAN26", "Mon 5 Jan", "MON5JAN", "Fri 12th July", "May 2026", "3rd Sept 2025",
         "Sat 12"]


@pytest.mark.parametrize("text", CODES)
def test_plates_postcodes_dates_and_rooms_are_no_possible_names_on_a_badge(text):
    """s37: a number plate, a postcode without its space, a room or a date below a face was a
    possible name (digits read as letters: "AB12CDE" as "ABIZCDE"; a month, "Jan", "DEC", is a
    capitalised word that is no school word): covered and sent for review."""
    m = NameMatcher(DIGIT_REGISTER, threshold=85)
    (item,) = classify_texts([_badge(text)], m, faces=[FACE])
    assert (item.kind, item.context) == ("", "worn"), text
    decide([item])
    assert item.decision == "keep" and not item.needs_review


@pytest.mark.parametrize("text", ["Zainab 07 Jan 2026", "AB12CDE K4TIE", "Rm 4 Harriet",
                                  "RU55ELL", "P0W3LL", "Jan", "MAY"])
def test_a_name_beside_a_code_or_a_code_that_is_a_surname_is_still_a_possible_name(text):
    """Only the code itself is left out: a name beside it still counts, and so does a code
    that reads as a common surname ("RU55ELL", "P0W3LL") or a month alone ("Jan" is a name)."""
    m = NameMatcher([pupil("P30", "Harriet", "Lloyd")], threshold=85)
    (item,) = classify_texts([_badge(text)], m, faces=[FACE])
    if text == "Rm 4 Harriet":
        assert item.kind == "pupil-name", text
    else:
        assert item.kind == "name-like", text


@pytest.mark.parametrize("text, person", [
    ("0L1V1A", "P1"), ("1S4B3LL4", "P40"), ("MA77HEW", "P50"), ("MA77HEV", "P50"),
    ("B3NN3TT", "P1"), ("0L1V1A 07 Jan 2026", "P1"),
])
def test_a_register_name_in_the_shape_of_a_code_is_still_the_name(text, person):
    """s37: a register name spelt with digits stays the name, on a badge as on a sign, also
    where it has a code's shape ("MA77HEW" is a number plate's)."""
    m = NameMatcher([*DIGIT_REGISTER, *MANY_DIGITS, pupil("P50", "Matthew", "Cole")],
                    threshold=85)
    for read in (_badge(text), _sign(text)):
        (item,) = classify_texts([read], m, faces=[FACE])
        assert (item.kind, item.person) == ("pupil-name", person), (text, read)


DIGIT_SPELT = [pupil("P70", "George", "Hunter"), pupil("P71", "Noah", "Riley"),
               pupil("P72", "Adam", "Felix"), pupil("P73", "Toby", "Ezra"),
               pupil("P74", "Sebastian", "Omar"), pupil("P75", "Archie", "Jacob"),
               pupil("P76", "Ada", "Otto"), pupil("P77", "Ivy", "McAllister")]


@pytest.mark.parametrize("text, person", [
    # two digits, one at the end or few letters left
    ("G3ORG3", "P70"), ("N04H", "P71"), ("N04h", "P71"), ("4D4M", "P72"), ("4d4m", "P72"),
    ("70BY", "P73"), ("E2R4", "P73"), ("R1L3Y", "P71"), ("F3L1X", "P72"), ("HUN73R", "P70"),
    ("0M4R", "P74"), ("4rchi3", "P75"), ("Seba5ti4n", "P74"),
    # three digits or more, wherever they are
    ("63OR63", "P70"), ("708Y", "P73"), ("32R4", "P73"), ("5e845t14n", "P74"),
    ("J4c08", "P75"), ("4RCH13", "P75"), ("G3ORG3 HUN73R", "P70"), ("McAll1573r", "P77"),
])
def test_a_register_name_spelt_with_digits_anywhere_is_the_name(text, person):
    """s38 (issue 13 item 4): a register name with two digits, one at its end or few letters
    left ("G3ORG3", "N04H", "4D4M"), or three or more, stayed readable on a badge and on a sign
    (bench/text_tokens.py: 102/176 with 2 digits, 57/117 with 3 or more were found)."""
    m = NameMatcher(DIGIT_SPELT, threshold=85)
    _the_pupils_name_on_a_badge_and_a_sign(m, text, person)


@pytest.mark.parametrize("text, letters", [
    ("G3ORG3", "GEORGE"), ("4d4m", "Adam"), ("4rchi3", "Archie"), ("708Y", "TOBY"),
    ("Hi 4D4M!", "Hi ADAM!"), ("4D4M 5MITH", "ADAM 5MITH"),
    ("McAll1573r", "McAllister"),
    # a number alone stays a number, and a reading that is no register name is left as read
    # ("G30RG", "4D4MS", "Lab11A")
    ("07T0", "OTTO"), ("0770", None), ("Lab11A", None), ("G30RG", None),
    ("4D4MS", None), ("AB12CDE", None), ("10:30", None),
])
def test_register_letters(text, letters):
    from photovet.core.vision.text.names import register_letters

    assert register_letters(text, NameMatcher(DIGIT_SPELT, threshold=85)) == letters


@pytest.mark.parametrize("text", [*CODES, "10:30", "07700 900123", "Year4B", "Y6", "Class 3/2",
                                  "0770", "2024", "Rm101", "R00M12A"])
def test_codes_and_numbers_stay_readable_beside_digit_spelt_register_names(text):
    """The reading of s38 takes a word for a register name only when it is exactly one: codes
    and numbers that read as no register name stay readable, on a badge and on a sign."""
    m = NameMatcher(DIGIT_SPELT, threshold=85)
    for read in (_badge(text), _sign(text)):
        (item,) = classify_texts([read], m, faces=[FACE])
        assert item.kind == "", (text, read)


@pytest.mark.parametrize("text", ["G3ORG3", "TO8Y", "HALL1E", "GRAC3", "Grac3",
                                  "R1L3Y", "C0nn0r", "18R4H1M", "4Y44N", "J4M3S"])
def test_a_name_not_in_the_register_spelt_with_digits_anywhere_is_a_possible_name_on_a_badge(
        text):
    """s38: a name the register does not know with a digit at its end, two digits apart, or
    after a short word ("TO8Y": "to") stayed readable on a badge
    (bench/text_tokens.py: 136 of 209 such names with 2 digits, 99 of 146 with 3 or more)."""
    m = NameMatcher([pupil("P30", "Harriet", "Lloyd")], threshold=85)
    badge, sign = classify_texts([_badge(text), _sign(text)], m, faces=[FACE])
    assert (badge.kind, badge.context) == ("name-like", "worn"), text
    assert sign.kind == "", text           # not a register name, nowhere a name is worn
    decide([badge])
    assert badge.decision == "cover" and badge.needs_review


@pytest.mark.parametrize("text", ["10am", "21st", "3pm", "YEAR4B", "SET3A", "B12A", "AB12",
                                  "12AB", "Y4B", "K4I", "A1B2", "DE564NN", "HB711LE", "PH03BE",
                                  "fear2", "ROOM12A", "R00M12A", "TEAM2B", "P57E", "GROUP3B",
                                  "GRADE2C", "108mins", "76secs", "55hrs", "K40B", "L31X"])
def test_numbers_and_codes_are_no_names_spelt_with_digits_on_a_badge(text):
    """What s38 reads as letters on a badge leaves a number with its unit, a class or group
    code and a postcode as they are (and a group code "GROUP3B" and a number with its unit,
    "108mins", possible names before, are no longer)."""
    m = NameMatcher([pupil("P30", "Harriet", "Lloyd"), pupil("P31", "Hallie", "Deanne")],
                    threshold=85)
    (item,) = classify_texts([_badge(text)], m, faces=[FACE])
    assert item.kind == "", text


def test_a_code_near_a_register_name_stays_a_possible_name():
    """A plate or postcode that, its digits read as letters, is close to a register name (the
    matcher's own threshold not reached) is not left out: looked at as before."""
    from photovet.core.vision.text.names import _without_codes, code_spans

    assert [("HA62PLL"[a:b], lettered) for a, b, lettered in code_spans("HA62PLL")] == \
        [("HA62PLL", True)]
    near = NameMatcher([pupil("P60", "Hazel", "Lowe")], threshold=85)
    far = NameMatcher([pupil("P61", "Harriet", "Lloyd")], threshold=85)
    assert near.match("HAGZPLL") is None            # not a register name ...
    assert _without_codes("HA62PLL", near) == "HA62PLL"   # ... but near one ("HAZELL")
    assert _without_codes("HA62PLL", far).strip() == ""
    # a date's numbers are no letters: "MAY04" is not near Maya, but "MAY4" is her name
    maya = NameMatcher([pupil("P62", "Maya", "Cole")])
    assert _without_codes("MAY04", maya).strip() == ""
    assert _without_codes("MAY4", maya) == "MAY4"
    (item,) = classify_texts([_badge("MAY4")], maya, faces=[FACE])
    assert item.kind in ("name-like", "pupil-name")


def test_a_single_unknown_word_on_a_sign_is_not_a_name_but_on_a_badge_it_is():
    m = NameMatcher(BADGE_REGISTER, threshold=85)
    sign, badge = classify_texts([_sign("Zainab"), _badge("Zainab")], m, faces=[FACE])
    assert (sign.kind, sign.context) == ("", "")
    assert (badge.kind, badge.context) == ("name-like", "worn")
    # without faces nothing is known to be worn
    (alone,) = classify_texts([_badge("Zainab")], m)
    assert alone.kind == "" and alone.context == ""


def test_the_line_after_my_name_is_counts_as_a_name_anywhere():
    """A "HELLO my name is" sticker on a bag (nobody's face above it)."""
    m = NameMatcher(BADGE_REGISTER, threshold=85)
    cue = _at("my name is", 20.0, 600.0, 20.0)
    name = _at("Zainab", 20.0, 630.0, 30.0)
    far = _at("Zainab", 20.0, 900.0, 30.0)
    items = classify_texts([cue, name, far], m)
    assert [i.kind for i in items] == ["", "name-like", ""]
    assert items[1].context == "label"
    decide(items)
    assert items[1].decision == "cover" and items[1].needs_review
    assert "after" in items[1].reason


def test_text_read_with_low_confidence_is_kept_in_the_findings_and_said_so():
    """Nothing is dropped: a line the reader was unsure of is listed, marked, and on a badge
    still treated as a possible name."""
    m = NameMatcher(BADGE_REGISTER, threshold=85)
    reads = [_sign("Dining Hall", score=0.3), _badge("Zainab", score=0.3),
             _at("Olivia Bennett", 20.0, 900.0, 24.0, score=0.3)]
    items = classify_texts(reads, m, faces=[FACE], min_score=0.5)
    assert len(items) == 3 and all(i.low_confidence for i in items)
    decide(items)
    assert [(i.decision, i.needs_review) for i in items] == [("keep", False), ("cover", True),
                                                           ("cover", False)]
    assert items[0].reason == "Not a name (read with low confidence)"
    d = PhotoAnalysis(path="x.jpg", texts=items).to_dict()
    assert [t["text"] for t in d["texts"]] == ["Dining Hall", "Zainab", "Olivia Bennett"]
    assert d["texts"][0]["low_confidence"] is True and d["texts"][1]["context"] == "worn"
    back = PhotoAnalysis.from_dict(d)
    assert back.texts[1].context == "worn" and back.texts[0].low_confidence
    assert back.detected().texts[1].context == "worn"


def test_a_sign_far_behind_a_small_face_is_not_worn():
    """Text much taller than the face (a banner behind a small head) is not a badge."""
    m = NameMatcher(BADGE_REGISTER, threshold=85)
    small_face = (420.0, 380.0, 30.0, 36.0)
    (item,) = classify_texts([_at("Zainab", 380.0, 440.0, 60.0)], m, faces=[small_face])
    assert item.context == ""


def test_a_possible_name_beside_a_face_is_said_to_be_on_a_sign_not_a_badge():
    """s38: a backdrop sign read as "HOLIY" (Hollywood) beside a head, in a photo with no
    badge, was said to "look like a name on a badge, lanyard or certificate". Text beside a
    face (more than UNDER_ASIDE face widths from its centre) or as large as a sign's letters
    is still a possible name, covered and asked about as before, in words that say what
    PhotoVet saw; text on the body under the face is still said to be on a badge."""
    m = NameMatcher([pupil("P30", "Harriet", "Lloyd")], threshold=85)
    x, y, w, h = FACE
    beside = _at("HOLIY", x + w + 1.0 * w, y + 1.2 * h, 24.0)      # a face width to its right
    large = _at("HOLIY", x, y + 1.5 * h, 0.6 * h)                   # under it, sign-sized
    badge = _at("HOLIY", x + 0.3 * w, y + 1.8 * h, 24.0)            # on the chest
    items = classify_texts([beside, large, badge], m, faces=[FACE])
    assert [t.context for t in items] == ["near", "near", "worn"]
    decide(items)
    for t in items:
        assert (t.kind, t.decision, t.needs_review) == ("name-like", "cover", True)
    sign = ("Looks like a name that is not in the register, on a sign, poster or backdrop near "
            "a face")
    assert [t.reason for t in items] == [
        sign, sign, "Looks like a name that is not in the register, on a badge, lanyard or "
        "certificate"]
    # a school word there stays readable, said to be on a sign too
    (kept,) = classify_texts([_at("Welcome", x + 2.0 * w, y + 1.2 * h, 24.0)], m, faces=[FACE])
    decide([kept])
    assert (kept.context, kept.decision) == ("near", "keep")
    assert kept.reason == "Only school words on a sign, poster or backdrop near a face (not a name)"
    # farther aside than the worn area, nothing is said of where it is (as before)
    (far,) = classify_texts([_at("HOLIY", x + w + 2.5 * w, y + 1.2 * h, 24.0)], m, faces=[FACE])
    assert far.context == "" and far.kind == ""


SPLIT_REGISTER = [pupil("P40", "Tobias", "Winterbottom"), pupil("P41", "Ewan", "MacDonald"),
                  pupil("P42", "Niamh", "O'Connor"), pupil("P1", "Olivia", "Bennett"),
                  pupil("P20", "Muhammad", "Iqbal")]


@pytest.mark.parametrize("text, person, form", [
    ("WINTER BOTTOM", "P40", "surname"),          # the reader split a long surname at a space
    ("Winter Bottom", "P40", "surname"),
    ("MAC DONALD", "P41", "surname"),
    ("O CONNOR", "P42", "surname"),
    ("TOBIAS WINTER BOTTOM", "P40", "full"),
    ("Ewan Mac Donald", "P41", "full"),
    ("NIAMH O CONNOR", "P42", "full"),
    ("WINTER BOTTOM, TOBIAS", "P40", "surname_forename"),
    ("OLIVIABENNETT", "P1", "full"),              # and words run together
    ("Muhammadlqbal", "P20", "full"),
])
def test_a_name_the_reader_split_or_joined_is_the_pupils_name(text, person, form):
    """A long surname read as two words is the pupil's name, on a badge and on a sign alike
    (before, "WINTER BOTTOM" and "O CONNOR" on a sign stayed readable and on a badge were only
    an unknown name for review)."""
    m = NameMatcher(SPLIT_REGISTER, threshold=85)
    for read in (_badge(text), _sign(text)):
        (item,) = classify_texts([read], m, faces=[FACE])
        assert (item.kind, item.person, item.form) == ("pupil-name", person, form), (text, read)
        decide([item])
        assert item.decision == "cover" and not item.needs_review
    hit = m.match(text)
    assert (hit.span[0], hit.span[1]) == (0, len(text))     # the whole name, not a part of it


@pytest.mark.parametrize("text, span", [
    ("WELL DONE OLIVIA BENNETT AND", (10, 24)),   # the word after the name is not part of it
    ("OLD MAC DONALD HAD A FARM", (4, 14)),
    ("MR TOBIAS WINTERBOTTOM", (3, 22)),
])
def test_only_the_words_a_split_name_needs_are_joined(text, span):
    m = NameMatcher(SPLIT_REGISTER, threshold=85)
    assert m.match(text).span == span


def test_school_words_that_do_not_make_a_name_stay_apart():
    """"WINTER FAIR" is not Winterbottom: the pieces must make the name."""
    m = NameMatcher(SPLIT_REGISTER, threshold=85)
    for text in ("WINTER FAIR", "Winter Sports Day", "Winter bottom of the hill"):
        assert m.match(text) is None, text


@pytest.mark.parametrize("first, second, person", [
    ("WINTER", "BOTTOM", "P40"), ("Mac", "Donald", "P41"), ("Olivia", "Benet", "P1"),
])
def test_a_name_read_as_two_boxes_on_one_line_is_covered_in_both(first, second, person):
    """The reader made two boxes of one name: read together they are the pupil's name, so
    both are covered (on a sign too, where neither alone looked like a name)."""
    m = NameMatcher(SPLIT_REGISTER, threshold=85)
    a = _at(first, 20.0, 40.0)
    b = _at(second, a[0][1][0] + 18.0, 40.0)
    for reads in ([a, b], [b, a]):
        items = classify_texts(reads, m)
        assert [(i.kind, i.person) for i in items] == [("pupil-name", person)] * 2, reads
        decide(items)
        assert all(i.decision == "cover" and not i.needs_review for i in items)


def test_boxes_apart_or_not_making_a_name_stay_as_they_are():
    m = NameMatcher(SPLIT_REGISTER, threshold=85)
    a = _at("WINTER", 20.0, 40.0)
    for b in (_at("FAIR", a[0][1][0] + 18.0, 40.0),      # the next word, but no name
              _at("BOTTOM", 20.0, 120.0),                # a name, but on another line
              _at("BOTTOM", a[0][1][0] + 200.0, 40.0)):  # too far along the line
        assert [i.kind for i in classify_texts([a, b], m)] == ["", ""], b


# ------------------------------------------------------------------------------------------
# Names run together with other words (issue 13 item 4): a register name inside a longer run
# of letters read with no space, and what must not be taken for one
# ------------------------------------------------------------------------------------------

RUN_REGISTER = [pupil("P50", "Evie", "Marshall"), pupil("P51", "Ann", "Kowalski"),
                pupil("P52", "Eli", "Fraser"), pupil("P53", "Jasper", "Cole"),
                pupil("P54", "Ava", "Lee"), staff("S50", "Karen", "Hughes")]


@pytest.mark.parametrize("text, person, form", [
    ("NAME:EVIEMARSHALLCLASS:IR", "P50", "full"),      # a work label, the capitals run together
    ("NAMEEVIEMARSHALLCLASS", "P50", "full"),
    ("Name:EvieMarshallClass:1R", "P50", "full"),
    ("NAMEEvieMarshallCLASS", "P50", None),            # (the main match finds Marshall)
    ("CLASSMARSHALLEVIE", "P50", "surname_forename"),
    ("NAMEEVIEMARSHALL4B", "P50", "full"),             # the class kept in the run
    ("CLASSMARSHALLEVIE4B", "P50", "surname_forename"),
    ("NAMEAVALEE", "P54", "full"),                     # a short full name (6 letters)
    ("NAME:EVIECLASS:1R", "P50", "forename"),          # a first name alone between label words
    ("NAMEEVIE", "P50", "forename"),
    ("MYNAMEISEVIE", "P50", "forename"),
])
def test_a_name_run_together_with_label_words_is_the_pupils_name(text, person, form):
    """On a badge and on a sign alike: covered as the pupil's name (issue 13: "NAME:EVIE
    MARSHALLCLASS:IR" on a 12 MP photo was read right and left readable on a sign, and only
    an unknown name for review on a badge)."""
    m = NameMatcher(RUN_REGISTER, threshold=85)
    for read in (_badge(text), _sign(text)):
        (item,) = classify_texts([read], m, faces=[FACE])
        assert (item.kind, item.person) == ("pupil-name", person), (text, read)
        assert form is None or item.form == form, (text, item.form)
        decide([item])
        assert item.decision == "cover" and not item.needs_review


@pytest.mark.parametrize("text", [
    "ANNUAL", "ANNUALREPORT", "Annual",               # pupil Ann inside a word
    "ELIZABETHLINE", "ELIZABETH LINE", "ELIXIR",      # pupil Eli inside words
    "FIELDMARSHALLS",                                 # a surname inside words: not alone
    "CLEAVALEEK",                                     # a full name inside letters that make no words
    "JasperThornbury", "JASPERTHORNBURY",             # a pupil's first name, somebody else's surname
    "THEPONDITWAS", "MYTRIPTOTHEFARM",                # school and common words run together
    "KARENHUGHESCLASS",                               # a member of staff: their name, not a pupil's
])
def test_a_short_name_inside_ordinary_words_is_not_a_pupils_name(text):
    m = NameMatcher(RUN_REGISTER, threshold=85)
    hit = m.match(text)
    assert hit is None or hit.role != "pupil", (text, hit)


def test_a_caption_is_not_read_for_names_run_together():
    """Captions, labels and notes are typed, not read: their matcher (``in_sentences``) keeps
    its own rules ("evieMarshall" typed there is caught by the caption check's own)."""
    m = NameMatcher(RUN_REGISTER, threshold=85, in_sentences=True)
    assert m.match("NAMEEVIEMARSHALLCLASS") is None


@pytest.mark.parametrize("text", [
    "ElianekAskueot", "elianekAskueot",        # Elizabeth Ashworth misread (12 MP mosaic)
    "MnOkf",                                   # Amara Okafor misread
    "zainab", "zainab khan",                   # a name written in lower case, not in the register
    "NAMEZAINABCLASS", "namezainabclass",      # run together with label words
    "NAME:ElianekAskueot", "ELIANEKASKUEOTCLASS",
])
def test_misread_or_run_together_text_on_a_badge_is_covered_for_review(text):
    """Issue 13 item 4: text on a badge that is no known school word goes to review, run
    together or misread too; a word in lower case that is no word is no prose (before,
    "elianekAskueot" and "zainab" on a badge stayed readable)."""
    m = NameMatcher(RUN_REGISTER + [pupil("P55", "Elizabeth", "Ashworth"),
                                    pupil("P56", "Amara", "Okafor")], threshold=85)
    (item,) = classify_texts([_badge(text)], m, faces=[FACE])
    assert (item.kind, item.context) == ("name-like", "worn"), text
    decide([item])
    assert item.decision == "cover" and item.needs_review


@pytest.mark.parametrize("text", [
    "we had our lunch by the pond", "Went on thebus", "bythepond", "awardedto", "my name is",
    "Cows sheep pigs and", "Sau cows sheep pigs and", "fear2", "oe o",
])
def test_prose_in_lower_case_on_a_badge_stays_readable(text):
    m = NameMatcher(RUN_REGISTER, threshold=85)
    item, *after = classify_texts([_badge(text)], m, faces=[FACE])
    assert (item.kind, item.context) == ("", "worn"), text
    assert len(after) == (2 if text == "my name is" else 0), text   # the cue's places (s53)


def test_a_surname_cut_short_and_misread_at_the_end_of_the_box_is_covered_to_its_end():
    """"Sophie Greer" read for Sophie Greenwood (a 12 MP mosaic): the box ended inside the
    surname on a misread letter; the cover runs on over the letters not read (before: the
    box as read, and "nwood" stayed readable)."""
    m = NameMatcher([pupil("P60", "Sophie", "Greenwood")], threshold=85)
    read = _badge("Sophie Greer")
    (item,) = classify_texts([read], m, faces=[FACE])
    assert (item.kind, item.person, item.form) == ("pupil-name", "P60", "full")
    assert max(x for x, _ in item.polygon) > max(x for x, _ in read[0]) + 50
    # a word that is no part of her surname: the box as read
    (other,) = classify_texts([_badge("Sophie Grant")], m, faces=[FACE])
    assert other.polygon == [tuple(p) for p in _badge("Sophie Grant")[0]]
    # typed in a caption: unchanged (nothing was cut short there)
    assert NameMatcher([pupil("P60", "Sophie", "Greenwood")], in_sentences=True
                       ).match("Sophie Greer").missing_chars == 0


def test_a_line_below_a_face_that_could_not_be_read_clearly_is_a_possible_name():
    """s39: a child's handwritten name below a close-up face ("Amara Okafor" read as "o of",
    0.36) was kept readable as a fragment. On a badge, a lanyard or a certificate, a line the
    reader could not read clearly is covered until a person decides; read clearly, or away
    from a face, a fragment stays readable as before."""
    from photovet.core.policy import REASON_UNREAD_WORN

    m = NameMatcher(BADGE_REGISTER, threshold=85)
    reads = [_badge("o of", score=0.36), _badge("o of", score=0.9),
             _sign("o of", score=0.36), _badge("the team", score=0.3)]
    items = classify_texts(reads, m, faces=[FACE], min_score=0.5)
    assert [i.kind for i in items] == ["name-like", "", "", "name-like"]
    decide(items)
    assert [(i.decision, i.needs_review) for i in items] == [
        ("cover", True), ("keep", False), ("keep", False), ("cover", True)]
    assert items[0].reason == items[3].reason == REASON_UNREAD_WORN


@pytest.mark.parametrize("cue", ["HELLO my name is", "Name:", "awarded to", "NAME"])
def test_where_a_name_follows_a_cue_with_nothing_read_after_it_is_covered_for_review(cue):
    """s53: a cue read with nothing at all after it ("HELLO my name is" over a name in thin
    pencil the text detector does not find): the places a name is written after it, beside it
    and under it along its tilt, are covered until a person decides, who leaves them readable
    only with a reason."""
    from photovet.core.policy import (
        REASON_CUE_ASKED,
        REASON_CUE_BOTH,
        REASON_UNREAD_AFTER_CUE,
        text_override_refusal,
    )

    m = NameMatcher(BADGE_REGISTER, threshold=85)
    line = [(100, 100), (260, 100), (260, 120), (100, 120)]       # 160 x 20 px
    cue_item, beside, under = classify_texts([(line, cue, 0.95)], m, faces=[FACE])
    assert cue_item.text == cue
    for area in (beside, under):
        assert (area.text, area.kind, area.context) == ("", "name-like", "unread")
    xs = [x for x, _ in beside.polygon]
    ys = [y for _, y in beside.polygon]
    assert min(xs) == 260 and max(xs) == 260 + 12 * 20 and min(ys) < 100 and max(ys) > 120
    xs = [x for x, _ in under.polygon]
    ys = [y for _, y in under.polygon]
    assert min(ys) == 120 and max(ys) == 120 + 4 * 20 and min(xs) < 100 and max(xs) > 260
    decide([cue_item, beside, under])
    assert cue_item.decision == "keep"
    # one question for both places (s57): the first asks it, the other waits on its answer
    assert (beside.decision, beside.needs_review, beside.reason) == (
        "cover", True, REASON_UNREAD_AFTER_CUE + REASON_CUE_BOTH)
    assert (under.decision, under.needs_review, under.reason) == (
        "cover", False, REASON_UNREAD_AFTER_CUE + REASON_CUE_ASKED)
    for area in (beside, under):
        assert text_override_refusal("keep", area, None, "") is not None
        assert text_override_refusal("keep", area, None, "the sticker is blank") is None


@pytest.mark.parametrize("where", [
    [(270, 100), (400, 100), (400, 120), (270, 120)],       # beside it
    [(110, 130), (250, 130), (250, 160), (110, 160)],       # under it
])
def test_a_cue_with_a_line_read_after_it_adds_no_place(where):
    m = NameMatcher(BADGE_REGISTER, threshold=85)
    line = [(100, 100), (260, 100), (260, 120), (100, 120)]
    items = classify_texts([(line, "my name is", 0.95), (where, "Rosalind", 0.9)], m,
                           faces=[FACE])
    assert [i.context for i in items if i.context == "unread"] == []
    assert [i.text for i in items] == ["my name is", "Rosalind"]


def test_the_places_after_a_tilted_cue_follow_its_tilt():
    """A cue on a badge turned 30 degrees: the place under it lies under it along its own
    tilt (down and to the left of its centre), the one beside it along the line."""
    import math

    m = NameMatcher(BADGE_REGISTER, threshold=85)
    a = math.radians(30)
    u, v = (math.cos(a), math.sin(a)), (-math.sin(a), math.cos(a))
    corners = [(0, 0), (160, 0), (160, 20), (0, 20)]
    line = [(500 + x * u[0] + y * v[0], 500 + x * u[1] + y * v[1]) for x, y in corners]
    _cue, beside, under = classify_texts([(line, "my name is", 0.95)], m)
    centre = (sum(x for x, _ in line) / 4, sum(y for _, y in line) / 4)

    def along_across(poly):
        cx, cy = sum(x for x, _ in poly) / 4 - centre[0], sum(y for _, y in poly) / 4 - centre[1]
        return cx * u[0] + cy * u[1], cx * v[0] + cy * v[1]

    b_along, b_across = along_across(beside.polygon)
    assert b_along > 80 and abs(b_across) < 1e-6
    d_along, d_across = along_across(under.polygon)
    assert abs(d_along) < 1e-6 and d_across > 10
