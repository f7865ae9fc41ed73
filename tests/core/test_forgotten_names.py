"""A pupil removed from the register is not named again by the others' rows (DPO audit s35):
their sister's MIS note ("agreed with Sam Hale's mum"), a family id made from their name
("HALE01"), a note about a cousin, lose the name when they are removed, and the next MIS
import, whose file still says it, does not bring it back. The register keeps keyed digests of
the name (``register/forgotten.py``), never the name."""

from __future__ import annotations

import pytest

from photovet.core.register.forgotten import Forgotten
from photovet.core.words import CAPTION_NAME_REMOVED
from tests.conftest import register_workspace

HEADER = "Admission No,Surname,Forename,Consent: School Website,Photo notes,Family ID\n"
SAM = "S1,Hale,Sam,Yes,,HALE01\n"
OTHERS = ("T1,Hale,Tori,Yes,\"Group photos only, agreed with Sam Hale's mum\",HALE01\n"
          "A1,Jones,Amy,Yes,Sam is her cousin; Will says hello,JONES7\n"
          "K1,Khan,Kai,Yes,samhale family friend,SamHaleFriends\n"
          "W1,Wells,Will,Yes,Will's own note,WELLS2\n")


@pytest.fixture
def hales(tmp_path):
    w = register_workspace(tmp_path, HEADER + SAM + OTHERS)
    yield w
    w.close()


def _texts(ws) -> dict[str, tuple[str, str]]:
    return {str(pid): (str(n), str(f)) for pid, n, f in
            ws.db.all("SELECT id, notes, family FROM people ORDER BY id")}


def test_removed_pupil_is_not_named_by_the_others_rows_nor_brought_back(hales, tmp_path):
    hales.register.delete_person("S1", reason="the family asked for their data to be erased")
    now = _texts(hales)
    assert now["T1"][0] == f"Group photos only, agreed with {CAPTION_NAME_REMOVED}'s mum"
    assert now["A1"][0] == f"{CAPTION_NAME_REMOVED} is her cousin; Will says hello"
    assert now["K1"][0] == f"{CAPTION_NAME_REMOVED} family friend"
    assert now["W1"] == ("Will's own note", "WELLS2")     # nobody else's name touched
    # a family id made from the name: a pseudonym, the same for both siblings' id
    assert now["T1"][1].startswith("family ") and "HALE" not in now["T1"][1].upper()
    assert now["K1"][1].startswith("family ") and now["K1"][1] != now["T1"][1]
    assert now["A1"][1] == "JONES7"
    # the register keeps no name of his: only digests
    for table in ("people", "forgotten_names"):
        for row in hales.db.all(f"SELECT * FROM {table}"):
            assert not any("sam" in str(v).casefold() for v in row), (table, row)

    # the MIS file still says it: the next import does not bring it back, nor says the rows
    # changed (the same pseudonym again)
    again = tmp_path / "again.csv"
    again.write_text(HEADER + OTHERS, encoding="utf-8")
    report = hales.import_register(again)
    assert report.applied
    assert _texts(hales) == now
    assert not [c for c in report.details_changed if c.person_id in ("T1", "K1", "A1")]


def test_a_note_keeps_its_own_names_and_everyday_words(hales):
    """Tori's own surname is Sam's too: hers stays in her note; "will" in lower case is a word,
    "Will" with a capital may be the name."""
    hales.register.delete_person("S1", reason="left")
    f = Forgotten.of(hales.db, hales.register.keys)
    tori = hales.register.person("T1")
    assert f.note("Tori Hale: group only", tori) == "Tori Hale: group only"
    amy = hales.register.person("A1")
    assert f.note("Ask Hale's dad", amy) == f"Ask {CAPTION_NAME_REMOVED}'s dad"
    assert f.note("she will sam", amy) == f"she will {CAPTION_NAME_REMOVED}"   # no English word
    assert f.note("SAM HALE", amy) == CAPTION_NAME_REMOVED
    assert f.family("jones-7") == "jones-7"
    assert f.family("hale-fam").startswith("family ")


# -- a removed pupil the MIS file still lists (s35): held back, said, added again only if asked

def _file(tmp_path, text: str):
    path = tmp_path / "again.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_a_removed_pupil_the_file_still_lists_is_held_back_unless_asked(hales, tmp_path):
    import datetime as dt

    from photovet.core.words import forgotten_unreadable, removed_before

    hales.register.delete_person("S1", reason="the family asked for their data to be erased")
    # Sam again (a new UPN too: the name decides), and a new sibling: same surname, not him
    path = _file(tmp_path, SAM + "S9,Hale,Sam,Yes,,\n" + OTHERS + "P1,Hale,Pat,Yes,,\n")
    said = removed_before(dt.date.today().isoformat())
    assert said == f"This pupil was removed from PhotoVet on {dt.date.today():%d/%m/%Y}: " \
        "importing adds them again"
    dry = hales.register.import_csv(path, dry_run=True)
    assert [(n.person_id, n.message) for n in dry.removed_before] == [("S1", said),
                                                                        ("S9", said)]
    assert [p.id for p in dry.new_people] == ["P1"] and not dry.added_again
    assert any(said in line for line in dry.summary_lines())
    assert dry.forgotten_unreadable == 0

    done = hales.import_register(path)
    assert done.applied and [n.person_id for n in done.removed_before] == ["S1", "S9"]
    ids = {str(r[0]) for r in hales.db.all("SELECT id FROM people")}
    assert "P1" in ids and not ids & {"S1", "S9"}          # fail closed: not added
    row = hales.audit.rows(action="register.import")[-1]
    assert "S1" in str(row) and "sam" not in str(row).casefold()   # ids, never the name

    # a person asks for one of them: added with the file's consent, and audited
    again = hales.import_register(path, add_again=["S1"])
    assert [n.person_id for n in again.added_again] == ["S1"]
    assert [n.person_id for n in again.removed_before] == ["S9"]
    assert hales.register.person("S1").display_name == "Sam Hale"
    assert "S9" not in {str(r[0]) for r in hales.db.all("SELECT id FROM people")}
    detail = str(hales.audit.rows(action="register.import")[-1])
    assert "removed_before_added_again" in detail and "'S1'" in detail
    # in the register now: an import after that does not ask again
    assert [n.person_id for n in hales.register.import_csv(path, dry_run=True)
            .removed_before] == ["S9"]

    # removed again later: the preview says the last day (the list keeps it by the name's
    # digest), not the first
    hales.db.execute("UPDATE forgotten_names SET added_on = '2026-01-05'")
    hales.register.delete_person("S1", reason="left")
    assert hales.register.import_csv(path, dry_run=True).removed_before[0].message == said

    # the register key replaced: the old digests match nothing, and the preview says so
    hales.db.execute("UPDATE forgotten_names SET key_id = 'an old key'")
    old = hales.register.import_csv(path, dry_run=True)
    assert not old.removed_before and old.forgotten_unreadable == 1     # Sam Hale: one pair
    assert forgotten_unreadable(1) + "." in old.summary_lines()
    assert forgotten_unreadable(2).startswith("2 names of removed pupils can no longer be "
                                              "recognised in imports")


def test_the_day_is_said_only_when_the_list_keeps_one(hales):
    from photovet.core.words import removed_before

    hales.register.delete_person("S1", reason="left")
    hales.db.execute("UPDATE forgotten_names SET added_on = ''")
    sam = hales.register.person("T1")
    sam.legal_forename = sam.preferred_forename = "Sam"
    f = Forgotten.of(hales.db, hales.register.keys)
    assert f.removed_on(sam) == ""
    assert removed_before("") == "This pupil was removed from PhotoVet: importing adds them again"
    tori = hales.register.person("T1")        # the surname alone is a sibling's, not him
    assert f.removed_on(tori) is None


# -- s36: old leavers the retention schedule removed, still in the MIS file: one line

LEFT_HEADER = "Admission No,Surname,Forename,Leaving Date,Consent: School Website\n"


def test_only_old_leavers_the_schedule_removed_are_one_line(hales, tmp_path):
    from photovet.core.register.forgotten import BY_PERSON, BY_RETENTION, forgotten_key, remember

    hales.register.delete_people([("S1", "retention schedule: due on 01/09/2026")],
                                 by_retention=True)
    path = tmp_path / "left.csv"
    path.write_text(LEFT_HEADER + "S1,Hale,Sam,18/07/2025,Yes\nT1,Hale,Tori,,Yes\n",
                    encoding="utf-8")
    dry = hales.register.import_csv(path, dry_run=True)
    assert [n.person_id for n in dry.leavers_removed_before] == ["S1"] and not dry.removed_before
    assert not [p for p in dry.new_people if p.id == "S1"]             # still held back
    # the file no longer says he left (back at the school? another Sam Hale?): one by one
    path.write_text(LEFT_HEADER + "S1,Hale,Sam,,Yes\n", encoding="utf-8")
    dry = hales.register.import_csv(path, dry_run=True)
    assert [n.person_id for n in dry.removed_before] == ["S1"] and not dry.leavers_removed_before
    # a leaving date still to come: he has not left yet, so one by one too
    path.write_text(LEFT_HEADER + "S1,Hale,Sam,18/07/2099,Yes\n", encoding="utf-8")
    assert [n.person_id for n in hales.register.import_csv(path, dry_run=True)
            .removed_before] == ["S1"]
    # a name kept before s36 says nobody removed it: as a person's removal (fail closed)
    hales.db.execute("UPDATE forgotten_names SET removed_by = NULL")
    path.write_text(LEFT_HEADER + "S1,Hale,Sam,18/07/2025,Yes\n", encoding="utf-8")
    assert [n.person_id for n in hales.register.import_csv(path, dry_run=True)
            .removed_before] == ["S1"]
    # a name a person removed stays theirs, whoever removes it again
    keys = hales.register.keys
    key, kid = forgotten_key(keys), keys.key_id_in_register() or ""
    tori = hales.register.person("T1")
    with hales.db.atomic():
        remember(hales.db, key, kid, [tori], by=BY_PERSON)
        remember(hales.db, key, kid, [tori], by=BY_RETENTION)
    assert not Forgotten.of(hales.db, keys).removed_by_retention(tori)
    kai = hales.register.person("K1")
    with hales.db.atomic():
        remember(hales.db, key, kid, [kai], by=BY_RETENTION)
        remember(hales.db, key, kid, [kai], by=BY_RETENTION)
    assert Forgotten.of(hales.db, keys).removed_by_retention(kai)
    with hales.db.atomic():
        remember(hales.db, key, kid, [kai], by=BY_PERSON)
    assert not Forgotten.of(hales.db, keys).removed_by_retention(kai)


# -- s36: a removed pupil's name typed with a slip in another pupil's note, found at removal

def _removed(*names: tuple[str, str]):
    from photovet.core.models import Person

    return [Person(id=f"G{i}", legal_forename=f, legal_surname=s) for i, (f, s) in
            enumerate(names)]


@pytest.mark.parametrize("note,after", [
    # their surname with one slip (swapped, missing, extra, wrong), their full name with one
    ("Agreed with Mrs Smtih", "Agreed with Mrs {}"),
    ("Ask Smth's dad", "Ask {}'s dad"),
    ("smiith family: group only", "{} family: group only"),
    ("Sam Smtih's mum agreed", "{}'s mum agreed"),
    ("Sma Smith's mum agreed", "{}'s mum agreed"),
    ("Winterbotom twins", "{} twins"),
    ("Hlae family", "{} family"),
    # ordinary words one slip from a name stay, in any case: a word, a place, a known name
    ("Sports hall booked", None),
    ("Well done", None),
    ("Male staff only", None),
    ("Hole in the fence; hate to say", None),
    ("Smite", None),
    ("The Smiths concert", None),
    ("Sale on Friday, bale of hay", None),
    # another pupil still in the register with a name one slip away is that pupil
    ("Amy Smyth is her cousin", None),
    # the row's own names (a sibling's surname is theirs too)
    ("Tori Hael, group only", None),
    # a first name alone with a slip: too many other names are one slip from it (said)
    ("Sma is her cousin", None),
    # short surnames: a slip of three letters or less is as often another word or name
    ("Lea and Lee", None),
])
def test_a_slip_of_a_removed_name_in_a_note_goes_ordinary_words_stay(note, after):
    from photovet.core.models import Person
    from photovet.core.register.forgotten import NearMisses

    near = NearMisses(_removed(("Sam", "Smith"), ("Ella", "Winterbottom"), ("Ben", "Hale"),
                               ("Ann", "Lee")),
                      keep=["Amy", "Smyth", "Tori", "Hale", "Kai", "Jones"])
    tori = Person(id="T1", legal_forename="Tori", legal_surname="Hael")
    expected = note if after is None else after.format(CAPTION_NAME_REMOVED)
    assert near.note(note, tori) == expected


def test_a_slip_in_another_rows_note_goes_at_the_removal(hales, tmp_path):
    with hales.db.atomic():
        hales.db.execute("UPDATE people SET notes = ? WHERE id = 'A1'",
                         ["Group photos only, agreed with Sam Hael's mum. Sports hall fine"])
        hales.db.execute("UPDATE people SET notes = ? WHERE id = 'W1'", ["Will Wells: Hael?"])
    hales.register.delete_person("S1", reason="the family asked for their data to be erased")
    now = _texts(hales)
    assert now["A1"][0] == (f"Group photos only, agreed with {CAPTION_NAME_REMOVED}'s mum. "
                            "Sports hall fine")
    assert now["W1"][0] == f"Will Wells: {CAPTION_NAME_REMOVED}?"
    assert now["T1"][0] == f"Group photos only, agreed with {CAPTION_NAME_REMOVED}'s mum"


def test_an_import_whose_only_news_is_old_leavers_says_nothing_changes():
    """s36: a file whose only rows not matching the register are old leavers the retention
    schedule removed said "Nothing changed: the register already matches this file" after
    their line (it does not match); the preview (a dry run) says what would change."""
    from photovet.core.register.reports import ImportReport, PersonNote

    lola = [PersonNote("L1", "Lola Lane", "left")]
    dry = ImportReport(file="mis.csv", rows=3, dry_run=True, leavers_removed_before=lola)
    assert dry.summary_lines()[-2:] == [
        "1 leaver removed by retention is still in the MIS file: not imported.",
        "Nothing would change in the register: it matches this file but for the leaver "
        "removed by retention, who is not imported."]
    done = ImportReport(file="mis.csv", rows=3, applied=True, leavers_removed_before=lola * 2)
    assert done.summary_lines()[-1] == ("Nothing changed in the register: it matches this "
                                        "file but for the leavers removed by retention, who "
                                        "are not imported.")
    assert ImportReport(file="mis.csv", rows=3, dry_run=True).summary_lines()[-1] == \
        "Nothing would change: the register already matches this file."
