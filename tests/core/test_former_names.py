"""A register import that renames a person (audit s27, findings 3 and 7): the former name is
kept as "also known as" and checked exactly like the current one (captions, names read in
photos, the export record's caption references); the preview says old -> new; a UPN whose name
AND date of birth both change is probably another person: flagged, and its face signature is
deleted so they are enrolled again (covered until then)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from photovet.core.models import FormerName, TextItem
from photovet.core.records.exports import caption_refs
from photovet.core.register.people import Register
from photovet.core.vision.text.captions import caption_refusal, check_caption, check_label
from photovet.core.vision.text.names import NameMatcher, classify_texts
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

ON = dt.date(2026, 11, 30)
KIT, HOPE, JOE = "D919241714655", "B919241712222", "K919241714412"
HEADER = ("UPN,Surname,Legal Forename,Preferred Name,Year,Class,DOB,Leaving Date,"
          "Photos: School Website,Photos: Facebook,Name with Photo,Do Not Photograph\n")
AUTUMN = HEADER + (
    f"{KIT},Hart,Christopher,Kit,Year 6,6H,30/11/2014,,Yes,Yes,No,Yes\n"
    f"{HOPE},Bennett,Hope,,Year 3,3J,05/05/2018,,Yes,No,No,\n"
    f"{JOE},Harris,Joseph,Joe,Year 6,6H,03/09/2014,,Yes,Yes,Yes,\n")
SPRING = AUTUMN.replace(f"{KIT},Hart,Christopher,Kit,", f"{KIT},Hart-Ellis,Christopher,Chris,")


@pytest.fixture
def reg(tmp_path):
    r = Register.open(access=office_access("Mrs Office"))
    (tmp_path / "autumn.csv").write_text(AUTUMN, encoding="utf-8")
    assert r.import_csv(tmp_path / "autumn.csv", today=ON).applied
    yield r
    r.close()


def spring(reg, tmp_path, text=SPRING, **kw):
    (tmp_path / "spring.csv").write_text(text, encoding="utf-8")
    return reg.import_csv(tmp_path / "spring.csv", today=ON, **kw)


def name_parts(*names):
    return {w.lower() for n in names for w in re.split(r"[-\s]+", n) if w}


def words_of(text):
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def test_a_renamed_pupil_keeps_the_former_name_as_also_known_as(reg, tmp_path):
    assert spring(reg, tmp_path).applied
    kit = reg.person(KIT)
    assert kit.display_name == "Chris Hart-Ellis"
    [former] = kit.also_known_as
    assert former.display_name == "Kit Hart" and former.until is not None
    assert not former.other_person
    assert set(kit.forenames) >= {"Christopher", "Chris", "Kit"}
    assert set(kit.surnames) >= {"Hart-Ellis", "Hart"}
    # the office finds them by the name they knew
    assert [p.id for p in reg.search("Kit Hart")] == [KIT]
    # importing the same file again adds nothing
    assert spring(reg, tmp_path).applied
    assert len(reg.person(KIT).also_known_as) == 1
    rows = reg.audit.rows(action="register.import")
    assert rows[-2]["details"]["renamed"] == [KIT] and rows[-1]["details"]["renamed"] == []


@pytest.mark.parametrize("caption", [
    "Well done Kit, a star in Year 6",       # the audit's caption that was accepted
    "Well done Kit Hart and Hope",
    "KIT on stage",
    "Well done Hart and Hope",
])
def test_a_former_name_is_checked_like_the_current_one_in_a_caption(reg, tmp_path, caption):
    spring(reg, tmp_path)
    people = reg.people()
    fb = reg.channel("facebook")
    result = check_caption(caption, people, fb, ON, "consent")
    assert not result.ok
    assert any(f.person == KIT and "do-not-photograph" in f.reason for f in result.findings)
    # the suggestion holds no part of the name, now or before
    kit = reg.person(KIT)
    assert not words_of(result.suggestion) & name_parts(
        kit.display_name, kit.legal_forename, *(f.display_name for f in kit.also_known_as)), \
        result.suggestion
    # and it passes the check itself
    assert check_caption(result.suggestion, people, fb, ON, "consent").ok, result.suggestion


def test_the_refusal_writes_the_name_as_the_register_has_it(reg, tmp_path):
    spring(reg, tmp_path)
    err = caption_refusal("Well done Hart and Hope", reg.people(), reg.channel("facebook"), ON,
                          "consent")
    assert err is not None
    assert "Chris Hart-Ellis is on the do-not-photograph list" in err.message
    assert "chris Hart-Ellis" not in err.message
    # other reasons still read as part of the sentence
    assert "\u201cHope\u201d: no consent to name this pupil" in err.message
    assert "Chris" not in err.suggestion and "Kit" not in err.suggestion


def test_a_former_name_in_a_batch_label_is_refused(reg, tmp_path):
    spring(reg, tmp_path)
    result = check_label("kit_hart-assembly", reg.people(), reg.channel("facebook"), ON, "consent")
    assert not result.ok and "kit" not in result.suggestion.lower()


def test_the_caption_record_refers_to_the_pupil_by_a_former_name(reg, tmp_path):
    spring(reg, tmp_path)
    refs = caption_refs("Well done Kit", reg.people(), reg.channel("website"), ON)
    assert [(r.person, r.found) for r in refs] == [(KIT, "Kit")]


def test_a_former_name_read_in_a_photo_is_the_person(reg, tmp_path):
    spring(reg, tmp_path)
    matcher = NameMatcher(reg.people(), threshold=85)
    for text in ("KIT HART", "Kit", "Hart"):
        hit = matcher.match(text)
        assert hit is not None and hit.person == KIT, text
    [item] = classify_texts([([(0, 0), (90, 0), (90, 20), (0, 20)], "Kit Hart", 0.99)], matcher)
    assert isinstance(item, TextItem) and item.kind == "pupil-name" and item.person == KIT


def test_a_former_name_with_name_consent_missing_becomes_initials_of_what_was_written(reg,
                                                                                       tmp_path):
    """Not do-not-photograph: the former name is judged by the person's consent, like the
    current one (initials of the words written, not of the new name)."""
    text = SPRING.replace(f"{KIT},Hart-Ellis,Christopher,Chris,Year 6,6H,30/11/2014,,Yes,Yes,No,Yes",
                          f"{KIT},Hart-Ellis,Christopher,Chris,Year 6,6H,30/11/2014,,Yes,Yes,No,")
    spring(reg, tmp_path, text)
    reg.set_do_not_photograph(KIT, False)
    result = check_caption("Kit Hart won", reg.people(), reg.channel("facebook"), ON, "consent")
    assert not result.ok and result.suggestion == "KH won"


def test_the_preview_says_what_changed_old_to_new(reg, tmp_path):
    report = spring(reg, tmp_path, dry_run=True)
    [change] = report.details_changed
    assert change.who == f"Kit Hart \u2192 Chris Hart-Ellis ({KIT})"
    assert "Legal surname: Hart \u2192 Hart-Ellis" in change.what
    assert "Preferred first name: Kit \u2192 Chris" in change.what
    assert not report.identity_changes
    assert any("Kit Hart \u2192 Chris Hart-Ellis" in line for line in report.summary_lines())
    # a dry run keeps nothing
    assert reg.person(KIT).also_known_as == ()


def test_a_year_change_says_old_and_new_without_a_former_name(reg, tmp_path):
    report = spring(reg, tmp_path, AUTUMN.replace(f"{JOE},Harris,Joseph,Joe,Year 6,6H",
                                                  f"{JOE},Harris,Joseph,Joe,Year 7,7H"))
    [change] = report.details_changed
    assert change.who == f"Joe Harris ({JOE})"
    assert change.what == "Year group: Year 6 \u2192 Year 7; Class: 6H \u2192 7H"
    assert reg.person(JOE).also_known_as == ()


def _enrol(reg, pid):
    reg.store_signatures({pid: [(np.ones(128, dtype=np.float32) * 0.1, "p.jpg")]},
                         replace=True, source="test")


ANOTHER = AUTUMN.replace(f"{JOE},Harris,Joseph,Joe,Year 6,6H,03/09/2014",
                         f"{JOE},Okoro,Samuel,Sam,Year 6,6H,17/01/2015")


def test_a_upn_whose_name_and_date_of_birth_change_is_flagged_in_the_preview(reg, tmp_path):
    _enrol(reg, JOE)
    report = spring(reg, tmp_path, ANOTHER, dry_run=True)
    assert not report.details_changed
    [change] = report.identity_changes
    assert change.other_person and change.enrolled
    assert change.who == f"Joe Harris \u2192 Sam Okoro ({JOE})"
    assert "probably a different person" in change.what
    assert "face signature will be deleted" in change.what
    assert "Date of birth: 03/09/2014 \u2192 17/01/2015" in change.what
    assert any("PROBABLY A DIFFERENT PERSON" in line for line in report.summary_lines())
    assert reg.enrolment_count(JOE) == 1          # a dry run deletes nothing


def test_an_identity_change_deletes_the_face_signature_and_says_so(reg, tmp_path):
    _enrol(reg, JOE)
    _enrol(reg, HOPE)
    report = spring(reg, tmp_path, ANOTHER)
    assert report.applied and report.signatures_removed == [JOE]
    assert reg.enrolment_count(JOE) == 0 and reg.enrolment_count(HOPE) == 1
    assert not reg.person(JOE).enrolled           # recognised by nobody: covered until enrolled
    assert any("Face signatures deleted for 1 person" in line for line in report.summary_lines())
    purge = reg.audit.rows(action="register.purge-encodings")[-1]["details"]
    assert purge["people"] == [JOE] and "probably another person" in purge["why"]
    [former] = reg.person(JOE).also_known_as
    assert former.other_person and former.display_name == "Joe Harris"
    # the old name is not the new person's: matched to nobody for certain (covered, initials)
    people = reg.people()
    hit = NameMatcher(people, threshold=85).match("Joe Harris")
    assert hit is not None and hit.person is None and hit.candidates == [JOE]
    assert reg.audit.verify().ok


def test_a_name_change_alone_or_a_date_of_birth_correction_alone_keeps_the_signature(reg,
                                                                                     tmp_path):
    _enrol(reg, JOE)
    report = spring(reg, tmp_path, AUTUMN.replace("03/09/2014", "04/09/2014"))
    assert not report.identity_changes and reg.enrolment_count(JOE) == 1
    report = spring(reg, tmp_path, AUTUMN.replace("03/09/2014", "04/09/2014")
                    .replace(f"{JOE},Harris,", f"{JOE},Harris-Smith,"))
    assert not report.identity_changes and reg.enrolment_count(JOE) == 1


def test_former_names_change_what_a_checked_photo_was_matched_against(reg, tmp_path):
    """A photo checked before the rename is checked again (the register key includes former
    names), so a badge reading "Kit" is matched to the pupil."""
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings

    engine = Engine(Settings(), register=reg)
    engine.reload_people()
    before = engine.register_key()
    spring(reg, tmp_path)
    engine.reload_people()
    after = engine.register_key()
    assert before != after
    # the same current names with and without a former name are different registers
    kit = reg.person(KIT)
    assert kit.also_known_as and isinstance(kit.also_known_as[0], FormerName)


def test_removing_a_person_removes_their_former_names(reg, tmp_path):
    spring(reg, tmp_path)
    reg.delete_person(KIT, reason="test")
    assert reg.db.scalar("SELECT COUNT(*) FROM former_names WHERE person_id = ?", [KIT]) == 0


def test_a_first_name_followed_by_a_comma_and_a_word_is_still_a_name(reg):
    """'Well done Hope, a star': the lower-case 'a' after the name is a word, not an initial
    that says it is another Hope (the audit's caption passed this way for the current name
    too)."""
    result = check_caption("Well done Hope, a star in Year 3", reg.people(),
                           reg.channel("facebook"), ON, "consent")
    assert not result.ok and [f.person for f in result.findings] == [HOPE]
    assert result.suggestion == "Well done H, a star in Year 3"
    # "Hope B." is still Hope Bennett's initial, "Hope R." somebody else
    matcher = NameMatcher(reg.people(), threshold=85)
    assert matcher.match("Hope R.") is None


def test_a_notes_change_is_said_without_the_notes(reg, tmp_path):
    head = HEADER.replace("Do Not Photograph\n", "Do Not Photograph,Photo notes\n")
    joe = f"{JOE},Harris,Joseph,Joe,Year 6,6H,03/09/2014,,Yes,Yes,Yes,,"
    assert spring(reg, tmp_path, head + joe + "\n").applied
    report = spring(reg, tmp_path, head + joe + "allergy: nuts\n")
    assert report.applied
    [change] = report.details_changed
    assert change.what == "Notes changed" and "nuts" not in str(change)
