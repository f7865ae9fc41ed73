"""A register file with no do-not-photograph column never takes a child off the list (s61).

The import made every value the file has no column for "not recorded", which for consent is
No (covered) but for the do-not-photograph list is off it: a school whose export left the
column out (a new MIS report, another person exporting it) silently took every never-publish
pupil off the list, and one with consent for a channel was then shown there."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import Channel, Person
from photovet.core.policy import decide_person
from photovet.core.register.people import Register
from photovet.core.words import DNP_KEPT
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 12, 5)
TORI, SAM = "A919241717737", "G919241714767"
WITH_COLUMN = f"""UPN,Surname,Forename,Year,Consent: School Website,Consent: Facebook,Do not photograph
{TORI},Ashby,Victoria,Year 4,Yes,Yes,Yes
{SAM},Hale,Sam,Year 4,Yes,Yes,
"""
WITHOUT_COLUMN = f"""UPN,Surname,Forename,Year,Consent: School Website,Consent: Facebook
{TORI},Ashby,Victoria,Year 4,Yes,Yes
{SAM},Hale,Sam,Year 4,Yes,Yes
"""


@pytest.fixture
def school_register():
    r = Register.open(access=office_access("Mrs Office"))
    yield r
    r.close()


def _import(reg: Register, tmp_path, text: str, name: str, **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return reg.import_csv(path, today=TODAY, **kw)


def _on_list(reg: Register) -> dict[str, bool]:
    return {p.id: p.do_not_photograph for p in reg.people()}


def test_a_file_without_the_column_keeps_everyone_on_the_list_and_says_so(
        tmp_path, school_register):
    reg = school_register
    assert _import(reg, tmp_path, WITH_COLUMN, "september.csv").applied
    assert _on_list(reg) == {TORI: True, SAM: False}
    dry = _import(reg, tmp_path, WITHOUT_COLUMN, "october.csv", dry_run=True)
    assert [n.person_id for n in dry.dnp_kept] == [TORI]
    rep = _import(reg, tmp_path, WITHOUT_COLUMN, "october.csv")
    assert rep.applied
    assert _on_list(reg) == {TORI: True, SAM: False}
    # said, with who and how to take someone off the list
    assert [n.person_id for n in rep.dnp_kept] == [TORI]
    lines = rep.summary_lines()
    assert f"{DNP_KEPT} (1):" in lines
    assert any("Tori Ashby" in x or "Victoria Ashby" in x for x in lines), lines
    assert rep.to_dict()["dnp_kept"][0]["person_id"] == TORI
    # and no withdrawal nor consent change is made of it
    assert not [c for c in [*rep.withdrawals, *rep.consent_changes]
                if c.channel == "do_not_photograph"]
    # the file with the column, leaving her cell blank, is the MIS's word: off the list
    taken_off = WITH_COLUMN.replace(f"{TORI},Ashby,Victoria,Year 4,Yes,Yes,Yes",
                                    f"{TORI},Ashby,Victoria,Year 4,Yes,Yes,")
    rep = _import(reg, tmp_path, taken_off, "november.csv")
    assert rep.applied and not rep.dnp_kept
    assert _on_list(reg) == {TORI: False, SAM: False}


def test_kept_on_the_list_she_is_covered_on_every_channel(tmp_path, school_register):
    reg = school_register
    _import(reg, tmp_path, WITH_COLUMN, "september.csv")
    _import(reg, tmp_path, WITHOUT_COLUMN, "october.csv")
    people = {p.id: p for p in reg.people()}
    tori: Person = people[TORI]
    channels = [Channel("website", "School website"), Channel("facebook", "Facebook")]
    for channel in channels:
        for media in ("photo", "video"):
            assert decide_person(tori, channel, media, "consent", TODAY).action == "cover"
    # (Sam, with the same consent and not on the list, is shown: the test can fail)
    assert decide_person(people[SAM], channels[0], "photo", "consent",
                         TODAY).action == "show"


def test_an_older_file_imported_again_is_asked_about(tmp_path, school_register):
    """s61: the file of September imported again after October's, which withdrew Sam's
    Facebook consent, gave it back: a file says what the MIS said when it was exported. A file
    imported before others, that would give back what they changed, is said to be so in the
    preview, and imported only when a person says it is today's export (an MIS export can be
    the same as an old one when what changed was changed back). The file imported last,
    again, is no news."""
    from photovet.core.errors import RegisterFileSeenBefore

    reg = school_register
    september = WITH_COLUMN
    october = WITH_COLUMN.replace(f"{SAM},Hale,Sam,Year 4,Yes,Yes,",
                                  f"{SAM},Hale,Sam,Year 4,Yes,No,")
    assert _import(reg, tmp_path, september, "september.csv").applied
    assert not _import(reg, tmp_path, september, "september-again.csv").seen_before
    rep = _import(reg, tmp_path, october, "october.csv")
    assert [c.person_id for c in rep.withdrawals] == [SAM]
    dry = _import(reg, tmp_path, september, "from-downloads.csv", dry_run=True)
    said = dry.seen_before
    assert said.startswith("This is the same file as the one imported at "), said
    assert "(september-again.csv), and 1 other register file has been imported since" in said
    assert ("Importing it would undo what they changed: consent withdrawn since would come "
            "back for 1 person. Import it only if it is today's export from your MIS.") in said, said
    assert dry.summary_lines()[1] == f"AN OLDER FILE: {said}"
    with pytest.raises(RegisterFileSeenBefore) as ei:
        _import(reg, tmp_path, september, "from-downloads.csv")
    assert "Nothing was imported" in str(ei.value)
    assert "Export the register from your MIS again" in (ei.value.hint or "")
    assert {p.id: p for p in reg.people()}[SAM].consent_state("facebook", "photo") == "no"
    # the last file again: no news, no question
    assert not _import(reg, tmp_path, october, "october-again.csv").seen_before
    # a person says it is today's export: imported
    rep = _import(reg, tmp_path, september, "today.csv", seen_before_ok=True)
    assert rep.applied and rep.seen_before
    assert {p.id: p for p in reg.people()}[SAM].consent_state("facebook", "photo") == "yes"


def test_an_older_file_that_only_takes_away_is_no_question(tmp_path, school_register):
    """An older file that would only withdraw (what October gave, September had not) is
    imported as any file is: covering more is never held back."""
    reg = school_register
    september = WITH_COLUMN.replace(f"{SAM},Hale,Sam,Year 4,Yes,Yes,",
                                    f"{SAM},Hale,Sam,Year 4,Yes,No,")
    october = WITH_COLUMN                       # Sam's Facebook consent given
    _import(reg, tmp_path, september, "september.csv")
    _import(reg, tmp_path, october, "october.csv")
    rep = _import(reg, tmp_path, september, "again.csv")
    assert rep.applied and not rep.seen_before
    assert [c.person_id for c in rep.withdrawals] == [SAM]
    # ... nor one that would put someone back on the do-not-photograph list
    november = october.replace(f"{SAM},Hale,Sam,Year 4,Yes,Yes,",
                               f"{SAM},Hale,Sam,Year 4,Yes,Yes,Yes")
    _import(reg, tmp_path, november, "november.csv")
    _import(reg, tmp_path, WITH_COLUMN.replace("Year 4", "Year 5"), "december.csv")
    assert _import(reg, tmp_path, november, "again.csv", dry_run=True).seen_before == ""


def test_a_subject_access_report_says_the_list_in_its_own_words(tmp_path, school_register):
    """s61: the report's consent history said "Do not photograph: Not recorded -> No" for
    every pupil the first import found not on the list (read as a consent refused)."""
    from photovet.core.records.sar import _history_rows

    reg = school_register
    _import(reg, tmp_path, WITH_COLUMN, "september.csv")
    reg.set_do_not_photograph(SAM, True, requested_by="Mrs Hale (mother)",
                              requested_on=TODAY)
    listed = [(r[1], r[2], r[3]) for r in _history_rows(reg, SAM)
              if r[1] == "Do not photograph"]
    assert listed == [("Do not photograph", "Not on the list", "On the list")], listed
    assert [(r[2], r[3]) for r in _history_rows(reg, TORI)
            if r[1] == "Do not photograph"] == [("Not on the list", "On the list")]
