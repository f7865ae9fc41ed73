"""check_caption: pupils' names in captions become initials (or first names) per the policy."""

from __future__ import annotations

import datetime as dt

from photovet.core.models import Person
from photovet.core.vision.text.captions import check_caption

ON = dt.date(2026, 6, 1)
ALL = {c: True for c in ("website", "facebook", "x", "instagram", "newsletter", "press")}

JOHN = Person(id="P1", legal_forename="John", legal_surname="Smith", consents=dict(ALL))
AMY = Person(id="P2", legal_forename="Amy", legal_surname="Clarke", consents=dict(ALL),
             name_with_photo=True)
ZOE = Person(id="P3", legal_forename="Zoë", legal_surname="Whitaker", consents=dict(ALL))
BILLY = Person(id="P4", legal_forename="William", preferred_forename="Billy",
               legal_surname="Fairbrother", consents=dict(ALL))
LEFT = Person(id="P5", legal_forename="Kai", legal_surname="Osei", consents=dict(ALL),
              name_with_photo=True, leaving_date=dt.date(2025, 7, 20))
HUGHES = Person(id="S1", legal_forename="Karen", legal_surname="Hughes", role="staff",
                consents=dict(ALL))
PEOPLE = [JOHN, AMY, ZOE, BILLY, LEFT, HUGHES]


def test_full_name_without_consent_becomes_initials():
    r = check_caption("Well done John Smith for winning the race!", PEOPLE, "website", ON, "consent")
    assert not r.ok
    assert r.suggestion == "Well done JS for winning the race!"
    (f,) = r.findings
    assert (f.person, f.found, f.replacement) == ("P1", "John Smith", "JS")
    assert "initials" in f.reason


def test_consented_pupil_full_name_on_website_is_fine():
    r = check_caption("Amy Clarke collects her award.", PEOPLE, "website", ON, "consent")
    assert r.ok and r.findings == [] and r.suggestion == "Amy Clarke collects her award."


def test_consented_pupil_first_name_only_on_social_media():
    r = check_caption("Amy Clarke collects her award.", PEOPLE, "facebook", ON, "consent")
    assert not r.ok
    assert r.suggestion == "Amy collects her award."
    # the first name alone is fine there
    assert check_caption("Amy collects her award.", PEOPLE, "facebook", ON, "consent").ok


def test_no_identifiable_children_mode_names_nobody():
    r = check_caption("Amy Clarke collects her award.", PEOPLE, "website", ON,
                      "no-identifiable-children")
    assert not r.ok and r.suggestion == "AC collects her award."


def test_surname_first_caps_accents_and_preferred_names():
    r = check_caption("SMITH, JOHN and Zoe Whitaker with Billy Fairbrother", PEOPLE, "website", ON,
                      "consent")
    assert [f.person for f in r.findings] == ["P1", "P3", "P4"]
    assert r.suggestion == "JS and ZW with BF"


def test_first_name_alone_becomes_an_initial():
    r = check_caption("Congratulations John!", PEOPLE, "website", ON, "consent")
    assert not r.ok and r.suggestion == "Congratulations J!"


def test_a_pupil_who_has_left_is_not_named():
    r = check_caption("Kai Osei returns to visit", PEOPLE, "website", ON, "consent")
    assert not r.ok and r.suggestion == "KO returns to visit"


def test_staff_and_ordinary_text_are_left_alone():
    text = "Mrs Hughes led Sports Day 2026 in May."
    r = check_caption(text, PEOPLE, "website", ON, "consent")
    assert r.ok and r.suggestion == text


def test_empty_caption_and_empty_register():
    assert check_caption("", PEOPLE, "website", ON, "consent").ok
    assert check_caption("John Smith", [], "website", ON, "consent").ok


def test_to_dict_is_json_ready():
    import json

    r = check_caption("John Smith", PEOPLE, "website", ON, "consent")
    d = json.loads(json.dumps(r.to_dict()))
    assert d["ok"] is False and d["findings"][0]["replacement"] == "JS"
    assert d["findings"][0]["span"] == [0, 10]


def test_a_pupil_whose_register_row_was_rejected_is_still_found():
    bad = Person(id="P9", legal_forename="Ruby", legal_surname="Sutcliffe", consents=dict(ALL),
                 name_with_photo=True, valid=False)
    r = check_caption("Ruby Sutcliffe wins", [bad], "website", ON, "consent")
    assert not r.ok and r.suggestion == "RS wins"
