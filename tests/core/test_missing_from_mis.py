"""A pupil the MIS file stops listing (audit s27, finding 5): an MIS "current pupils" export
leaves leavers out, with no leaving date. The register knows since when they are missing, says
it in words ("has Alex left?"), a leaving date can be recorded by hand, and the retention
schedule treats them like a leaver: their face signature falls due
``purge_encodings_days_after_missing`` after the first import without them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from photovet.core.models import Person
from photovet.core.retention import KIND_LABELS, signatures_due_on
from photovet.core.settings import Settings
from photovet.core.words import not_in_mis_file, register_count
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.datetime.now(dt.UTC).date()
ALEX, JOE = "U919241715621", "K919241714412"
HEADER = "UPN,Surname,Legal Forename,Preferred Name,DOB,Photos: School Website\n"
AUTUMN = HEADER + (f"{ALEX},Lacey,Alexander,Alex,21/07/2015,Yes\n"
                   f"{JOE},Harris,Joseph,Joe,03/09/2014,Yes\n")
SPRING = HEADER + f"{JOE},Harris,Joseph,Joe,03/09/2014,Yes\n"


def clock_at(days: int):
    return lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


@pytest.fixture
def ws_autumn_register(tmp_path):
    w = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    (tmp_path / "autumn.csv").write_text(AUTUMN, encoding="utf-8")
    (tmp_path / "spring.csv").write_text(SPRING, encoding="utf-8")
    assert w.register.import_csv(tmp_path / "autumn.csv", today=TODAY).applied
    for pid in (ALEX, JOE):
        w.register.store_signatures({pid: [(np.ones(128, dtype=np.float32) * 0.1, "p.jpg")]},
                                    replace=True, source="test")
    report = w.register.import_csv(tmp_path / "spring.csv", today=TODAY)
    assert [n.person_id for n in report.missing] == [ALEX]
    yield w
    w.close()


def test_the_register_knows_since_when_a_person_is_missing_from_the_file(ws_autumn_register):
    alex = ws_autumn_register.register.person(ALEX)
    assert alex.missing_since == TODAY and not alex.valid and alex.enrolled
    assert ws_autumn_register.register.person(JOE).missing_since is None
    assert not_in_mis_file(alex) == \
        f"Not in the MIS file since {TODAY:%d/%m/%Y} \u2013 has Alex left?"
    assert not_in_mis_file(ws_autumn_register.register.person(JOE)) == ""
    assert alex.to_dict()["missing_since"] == TODAY.isoformat()


def test_a_missing_persons_face_signature_falls_due_like_a_leavers(ws_autumn_register):
    days = ws_autumn_register.settings.retention.purge_encodings_days_after_missing
    assert days == 30
    assert ws_autumn_register.retention(clock_at(days - 1)).due(("signatures",)) == []
    [item] = ws_autumn_register.retention(clock_at(days)).due(("signatures",))
    assert item.ref == f"person:{ALEX}" and item.due_on == TODAY + dt.timedelta(days=days)
    assert "not in the MIS file since" in item.what and "Alex" not in item.what   # ids only
    ws_autumn_register.retention(clock_at(days)).apply(items=[item])
    assert item.status == "deleted"
    assert ws_autumn_register.register.enrolment_count(ALEX) == 0 and ws_autumn_register.register.enrolment_count(JOE) == 1
    audit = ws_autumn_register.audit.rows(action="register.purge-encodings")[-1]["details"]
    assert audit["people"] == [ALEX] and "no longer in the MIS file" in audit["why"]
    assert "MIS file" in KIND_LABELS["signatures"]


def test_listed_again_they_are_not_due(ws_autumn_register, tmp_path):
    assert ws_autumn_register.register.import_csv(tmp_path / "autumn.csv", today=TODAY, seen_before_ok=True).applied
    assert ws_autumn_register.register.person(ALEX).missing_since is None
    assert ws_autumn_register.retention(clock_at(400)).due(("signatures",)) == []


def test_a_leaving_date_recorded_by_hand_makes_them_a_leaver(ws_autumn_register, tmp_path):
    left = TODAY - dt.timedelta(days=3)
    ws_autumn_register.register.set_leaving_date(ALEX, left)
    alex = ws_autumn_register.register.person(ALEX)
    assert alex.leaving_date == left and alex.has_left(TODAY)
    row = ws_autumn_register.audit.rows(action="register.leaving-date")[-1]["details"]
    assert row == {"person_id": ALEX, "old": None, "new": left.isoformat()}
    # the school's leavers' period (0 days by default): due at once
    [item] = ws_autumn_register.retention(clock_at(0)).due(("signatures",))
    assert item.ref == f"person:{ALEX}" and f"left {left:%d/%m/%Y}" in item.what
    # a later import that still leaves them out keeps the date
    assert ws_autumn_register.register.import_csv(tmp_path / "spring.csv", today=TODAY).applied
    assert ws_autumn_register.register.person(ALEX).leaving_date == left
    assert ws_autumn_register.audit.verify().ok


def test_recording_a_leaving_date_needs_someone_signed_in(ws_autumn_register):
    from photovet.core.accounts import Access
    from photovet.core.errors import NotSignedIn

    access = ws_autumn_register.register.audit.access
    ws_autumn_register.register.audit.access = Access()   # nobody signed in
    try:
        with pytest.raises(NotSignedIn):
            ws_autumn_register.register.set_leaving_date(ALEX, TODAY)
    finally:
        ws_autumn_register.register.audit.access = access
    assert ws_autumn_register.register.person(ALEX).leaving_date is None


def test_the_earlier_of_the_two_periods_decides():
    rules = Settings().retention
    rules.purge_encodings_days_after_leaving = 10
    rules.purge_encodings_days_after_missing = 30
    day = dt.date(2026, 9, 1)
    assert signatures_due_on(Person("X"), rules) is None
    assert signatures_due_on(Person("X", missing_since=day), rules) == \
        (dt.date(2026, 10, 1), "not in the MIS file since 01/09/2026")
    both = Person("X", missing_since=day, leaving_date=dt.date(2026, 7, 20))
    assert signatures_due_on(both, rules) == (dt.date(2026, 7, 30), "left 20/07/2026")


def test_the_register_count_says_missing_people_apart_from_rejected_rows():
    assert register_count(10, 1, 1) == (
        "10 people in the register: 8 ready, and 1 always covered because its row was "
        "rejected, and 1 no longer in the MIS file (always covered: has this person left?). "
        "Fix those rows in the MIS and import the register again")
    assert register_count(10, 0, 2).endswith("8 ready, and 2 no longer in the MIS file "
                                              "(always covered: have they left?)")
    assert register_count(10, 0) == "10 people in the register"
    # walk5: 3 rows rejected, 2 of them sharing a UPN (one person in the register for both)
    # s36: said in short sentences, not a parenthesis inside a parenthesis
    assert register_count(27, 2, 0, 3) == (
        "27 people in the register: 25 ready, and 2 always covered because their rows were "
        "rejected. 1 more rejected row shared a UPN with another row: that person is not in "
        "the register at all. Fix those rows in the MIS and import the register again")
    assert register_count(30, 2, 0, 5).endswith(
        "3 more rejected rows shared a UPN with another row: those people are not in the "
        "register at all. Fix those rows in the MIS and import the register again")


def test_policy_says_not_in_the_mis_file_rather_than_a_rejected_row(ws_autumn_register):
    """'Who is this?' and every reason said 'register row rejected' for a pupil who left."""
    from photovet.core.models import Face, MatchStatus
    from photovet.core.policy import consent_note, decide_face, person_block

    alex = ws_autumn_register.register.person(ALEX)
    assert person_block(alex, TODAY) == f"Not in the MIS file since {TODAY:%d/%m/%Y}"
    website = ws_autumn_register.channels.get("website")
    assert consent_note(alex, website, "photo", TODAY) == "not in the MIS file"
    face = Face(box=(10, 10, 50, 50), score=0.9, person=ALEX,
                match_status=MatchStatus.RECOGNISED.value, distance=0.3, margin=0.2)
    d = decide_face(face, alex, website, "photo", "consent", TODAY)
    assert d.action == "cover" and "Not in the MIS file since" in d.reason


def test_the_import_records_one_leaving_date_for_everyone_it_no_longer_lists(ws_autumn_register, tmp_path):
    """s29: the import preview offers "they have left" for the people the new file does not
    list (last July's Year 6): one leaving date, recorded with the import, in its transaction
    and audited; only for the people shown, never over a leaving date already recorded."""
    summer = TODAY - dt.timedelta(days=120)
    beth = "Z919241716655"
    (tmp_path / "with-beth.csv").write_text(
        SPRING + f"{beth},Hale,Bethany,Beth,01/01/2015,Yes\n", encoding="utf-8")
    assert ws_autumn_register.register.import_csv(tmp_path / "with-beth.csv", today=TODAY).applied
    # Alex: missing since the spring file, no leaving date; Beth: missing now
    dry = ws_autumn_register.register.import_csv(tmp_path / "spring.csv", today=TODAY, dry_run=True,
                                 left_on=summer)
    assert [n.person_id for n in dry.missing] == [beth]
    assert [n.person_id for n in dry.still_missing] == [ALEX]
    assert dry.still_missing[0].message == (f"not in this register file: leaving date "
                                            f"{summer:%d/%m/%Y} would be recorded (always "
                                            "covered)")
    assert sorted(dry.no_leaving_date) == sorted([ALEX, beth]) and dry.left == dry.no_leaving_date
    assert any(line.startswith(f"Leaving date {summer:%d/%m/%Y} would be recorded for 2 people")
               for line in dry.summary_lines())
    assert ws_autumn_register.register.person(ALEX).leaving_date is None            # a dry run: nothing
    # without a date, the report says how to record one
    plain = ws_autumn_register.register.import_csv(tmp_path / "spring.csv", today=TODAY, dry_run=True)
    assert plain.left == [] and any("no leaving date. If they have left, record it" in line
                                    for line in plain.summary_lines())
    # the app's words (the import window shows them); the command line says its option
    said = next(line for line in plain.summary_lines() if "no leaving date. If" in line)
    assert "\u201cThey have left\u201d" in said and "--left-on" not in said
    from photovet.cli.register import RECORD_LEAVING_COMMAND

    said = next(line for line in plain.summary_lines(record_leaving=RECORD_LEAVING_COMMAND)
                if "no leaving date. If" in line)
    assert "--left-on DD/MM/YYYY" in said and "They have left" not in said
    assert plain.still_missing[0].message == (f"not in the MIS file since {TODAY:%d/%m/%Y}, "
                                              "no leaving date: still covered")
    # only the people shown (another may have gone missing since on another PC)
    rep = ws_autumn_register.register.import_csv(tmp_path / "spring.csv", today=TODAY, left_on=summer,
                                 left_ids=[ALEX])
    assert rep.applied and rep.left == [ALEX]
    assert ws_autumn_register.register.person(ALEX).leaving_date == summer
    assert ws_autumn_register.register.person(beth).leaving_date is None
    assert ALEX in rep.purged          # the leavers' period (0 days): their signature goes now
    rows = [r["details"] for r in ws_autumn_register.audit.rows(action="register.leaving-date")]
    assert rows == [{"person_id": ALEX, "old": None, "new": summer.isoformat()}]
    # a leaving date already recorded is never written over: Alex is not asked about again
    again = ws_autumn_register.register.import_csv(tmp_path / "spring.csv", today=TODAY, dry_run=True,
                                   left_on=TODAY)
    assert again.no_leaving_date == [beth] and again.left == [beth]
    assert ws_autumn_register.audit.verify().ok


def test_recording_leaving_dates_with_an_import_needs_the_right_to_change_the_register(
        ws_autumn_register, tmp_path):
    from photovet.core.accounts import Access
    from photovet.core.errors import PermissionDenied

    access = ws_autumn_register.register.audit.access
    ws_autumn_register.register.audit.access = Access.system("importer")
    try:
        ws_autumn_register.register.audit.access.require = _only_import(ws_autumn_register.register.audit.access.require)
        with pytest.raises(PermissionDenied):
            ws_autumn_register.register.import_csv(tmp_path / "spring.csv", today=TODAY, left_on=TODAY)
    finally:
        ws_autumn_register.register.audit.access = access
    assert ws_autumn_register.register.person(ALEX).leaving_date is None


def _only_import(require):
    from photovet.core.errors import PermissionDenied

    def check(permission: str):
        if permission == "register.edit":
            raise PermissionDenied("change consent by hand needs an admin")
        return require(permission)
    return check
