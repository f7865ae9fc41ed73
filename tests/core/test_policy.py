"""The decision policy: every branch, in order, plus the scenario's expected decisions."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from photovet.core.models import CHANNELS, Match, MatchStatus, Mode, Person
from photovet.core.policy import caption_name_form, decide_face, decide_name
from tests.conftest import shared_data

ON = dt.date(2026, 11, 21)
ALL_YES = {c: True for c in CHANNELS}


def person(**kw) -> Person:
    base = dict(id="A123456789012", legal_forename="Amelia", legal_surname="Stone",
                role="pupil", consents=dict(ALL_YES), name_with_photo=True, enrolled=True)
    base.update(kw)
    return Person(**base)


def rec(pid="A123456789012") -> Match:
    return Match(MatchStatus.RECOGNISED, person=pid, distance=0.3, margin=0.2)


FACE_CASES = [
    # (id, match, person, channel, mode, action, reason, needs_review)
    ("unknown", Match(MatchStatus.UNKNOWN), person(), "website", "consent",
     "blur", "Not recognised", False),
    ("no-register", Match(MatchStatus.NO_REGISTER), None, "website", "consent",
     "blur", "Not recognised", False),
    ("recognised-without-id", Match(MatchStatus.RECOGNISED), None, "website", "consent",
     "blur", "Not recognised", False),
    ("uncertain", Match(MatchStatus.UNCERTAIN, person="A123456789012", distance=0.5, margin=0.01),
     person(preferred_forename="Millie"), "website", "consent",
     "blur", "Recognised as Millie? Not certain enough", True),
    ("uncertain-no-row", Match(MatchStatus.UNCERTAIN, person="A123456789012"), None, "website",
     "consent", "blur", "Recognised, but not certain enough", True),
    ("uncertain-beats-dnp", Match(MatchStatus.UNCERTAIN, person="A123456789012"),
     person(do_not_photograph=True), "website", "consent",
     "blur", "Recognised as Amelia? Not certain enough", True),
    ("not-in-register", rec(), None, "website", "consent", "blur", "Not in the register", False),
    ("row-mismatch", rec("B000000000000"), person(), "website", "consent",
     "blur", "Not in the register", False),
    ("invalid-row", rec(), person(valid=False, do_not_photograph=True), "website", "consent",
     "blur", "Register row rejected (fix the register)", False),
    ("dnp-beats-consent", rec(), person(do_not_photograph=True, leaving_date=dt.date(2020, 1, 1)),
     "website", "consent", "blur", "On the do-not-photograph list", False),
    ("left-today", rec(), person(leaving_date=ON), "website", "consent",
     "blur", "Left school on 2026-11-21", False),
    ("left-before", rec(), person(leaving_date=dt.date(2025, 7, 18)), "facebook", "consent",
     "blur", "Left school on 2025-07-18", False),
    ("leaving-later-still-shown", rec(), person(leaving_date=dt.date(2027, 7, 20)), "website",
     "consent", "show", "Consent for School website", False),
    ("no-children-pupil", rec(), person(), "x", "no-identifiable-children",
     "blur", "No identifiable children on this channel", False),
    ("no-children-pupil-enum", rec(), person(), "x", Mode.NO_IDENTIFIABLE_CHILDREN,
     "blur", "No identifiable children on this channel", False),
    ("no-children-staff-consent", rec(), person(role="staff"), "x", "no-identifiable-children",
     "show", "Consent for X (Twitter)", False),
    ("no-children-staff-no-consent", rec(), person(role="staff", consents={"x": False}), "x",
     "no-identifiable-children", "blur", "No consent for X (Twitter)", False),
    ("odd-role-is-pupil", rec(), person(role=""), "x", "no-identifiable-children",
     "blur", "No identifiable children on this channel", False),
    ("unknown-mode", rec(), person(), "website", "everyone", "blur",
     "Unknown mode (blurred to be safe)", False),
    ("no-consent", rec(), person(consents={**ALL_YES, "facebook": False}), "facebook", "consent",
     "blur", "No consent for Facebook", False),
    ("not-recorded", rec(), person(consents={}), "press", "consent",
     "blur", "No consent for Local press", False),
    ("unknown-channel", rec(), person(), "tiktok", "consent", "blur", "No consent for Tiktok",
     False),
    ("school-channel-yes", rec(), person(consents={"prospectus": True}), "prospectus", "consent",
     "show", "Consent for Prospectus", False),
    ("consent", rec(), person(), "website", "consent", "show", "Consent for School website", False),
    ("staff-consent", rec(), person(role="staff"), "press", "consent", "show",
     "Consent for Local press", False),
    ("name-consent-irrelevant", rec(), person(name_with_photo=False), "instagram", "consent",
     "show", "Consent for Instagram", False),
]


@pytest.mark.parametrize("case", FACE_CASES, ids=[c[0] for c in FACE_CASES])
def test_decide_face(case):
    _id, match, p, channel, mode, action, reason, review = case
    d = decide_face(match, p, channel, ON, mode)
    assert (d.action, d.reason, d.needs_review) == (action, reason, review)


NAME_CASES = [
    ("none", None, "website", "consent", "redact", "Name not matched to the register"),
    ("invalid", person(valid=False), "website", "consent", "redact",
     "Name: register row rejected (fix the register)"),
    ("dnp", person(do_not_photograph=True), "website", "consent", "redact",
     "Name: on the do-not-photograph list"),
    ("left", person(leaving_date=dt.date(2025, 7, 18)), "website", "consent", "redact",
     "Name: left school on 2025-07-18"),
    ("staff", person(role="staff", name_with_photo=False, consents={}), "website", "consent",
     "keep", "Staff name"),
    ("staff-dnp", person(role="staff", do_not_photograph=True), "website", "consent", "redact",
     "Name: on the do-not-photograph list"),
    ("staff-no-children", person(role="staff"), "x", "no-identifiable-children", "keep",
     "Staff name"),
    ("pupil-no-children", person(), "x", "no-identifiable-children", "redact",
     "Pupil's name (no identifiable children on this channel)"),
    ("pupil-no-name-consent", person(name_with_photo=False), "website", "consent", "redact",
     "Pupil's name (no consent to show names)"),
    ("pupil-no-channel", person(consents={"website": True}), "facebook", "consent", "redact",
     "Pupil's name (no consent for Facebook)"),
    ("pupil-ok", person(), "website", "consent", "keep",
     "Pupil's name (consent to show names on School website)"),
    ("unknown-mode", person(), "website", "weird", "redact", "Unknown mode (blurred to be safe)"),
]


@pytest.mark.parametrize("case", NAME_CASES, ids=[c[0] for c in NAME_CASES])
def test_decide_name(case):
    _id, p, channel, mode, action, reason = case
    d = decide_name(p, channel, ON, mode)
    assert (d.action, d.reason) == (action, reason)


@pytest.mark.parametrize("p,channel,mode,form", [
    (None, "website", "consent", "initials"),
    (person(), "website", "consent", "full"),
    (person(), "newsletter", "consent", "full"),
    (person(), "facebook", "consent", "first"),
    (person(consents={"prospectus": True}), "prospectus", "consent", "first"),
    (person(name_with_photo=False), "website", "consent", "initials"),
    (person(consents={"website": False}), "website", "consent", "initials"),
    (person(), "website", "no-identifiable-children", "initials"),
    (person(do_not_photograph=True), "website", "consent", "initials"),
    (person(valid=False), "website", "consent", "initials"),
    (person(leaving_date=dt.date(2020, 1, 1)), "website", "consent", "initials"),
    (person(role="staff", name_with_photo=False), "facebook", "consent", "full"),
])
def test_caption_name_form(p, channel, mode, form):
    assert caption_name_form(p, channel, ON, mode) == form


# --- the scenario ---------------------------------------------------------------------------

YES = {"yes", "y", "true", "1"}


def _person_from_expected(entry: dict) -> Person:
    """Build the Person straight from expected.json's raw values (independent of the importer)."""
    leaving = entry.get("leaving_date_raw") or ""
    return Person(
        id=entry["upn"],
        role=entry["role"],
        consents={c: v.strip().lower() in YES for c, v in entry["consent_raw"].items()},
        do_not_photograph=(entry.get("do_not_photograph_raw") or "").strip().lower() in YES,
        leaving_date=dt.datetime.strptime(leaving, "%d/%m/%Y").date() if leaving else None,
        valid=entry["status"] not in ("duplicate_upn", "invalid_row"),
        enrolled=entry["enrolled"],
    )


def test_scenario_decisions_from_expected_raw_values():
    expected = json.loads((shared_data("scenario") / "expected.json").read_text(encoding="utf-8"))
    on = dt.date.fromisoformat(expected["reference_date"])
    checked = shows = 0
    for entry in expected["people"]:
        for channel, want in entry["decisions"].items():
            if entry.get("upn") and entry["enrolled"]:
                p = _person_from_expected(entry)
                match = Match(MatchStatus.RECOGNISED, person=p.id, distance=0.3, margin=0.2)
            else:  # unknown: not in the register, or no enrolment photo => never recognised
                p, match = None, Match(MatchStatus.UNKNOWN)
            got = decide_face(match, p, channel, on, "consent")
            assert got.action == want, (entry["identity"], channel, got.reason)
            checked += 1
            shows += got.action == "show"
            # the other mode never shows a pupil
            strict = decide_face(match, p, channel, on, "no-identifiable-children")
            if p is None or p.role == "pupil":
                assert strict.action == "blur"
            else:
                assert strict.action == want
    assert checked == len(expected["people"]) * len(expected["channels"])
    assert shows > 0
